/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 3, risk control: the AI system register. A system belongs to an
 * initiative and is known by its name, a stable key ([a-z0-9-]{1,64},
 * unique) that routes (/api/v1/systems/{system}), the CLI (--system) and
 * later issues (the override switch, monitoring events) use to find it.
 * A system carries scope flags (personal data, automated decisions on
 * people, ...) and a risk tier with its reason; it has versions, each in a
 * lifecycle stage with its data assets, algorithm, owner, purpose and
 * deployment, and evidence: stored analyses computed by keel or attested
 * documents signed off by a named reviewer through their own account.
 * The gates that read this evidence are in gate.h. */
#ifndef KEEL_DOMAIN_SYSTEM_H
#define KEEL_DOMAIN_SYSTEM_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

#define SYSTEM_NAME_MAX 64

extern const ResourceDef resource_system;
extern const ResourceDef resource_system_version;
extern const ResourceDef resource_evidence;

extern const char *const azSystemStage[];      /* data_collection .. retired, in order */
extern const char *const azRiskTier[];         /* prohibited, high, limited, minimal */
extern const char *const azEvidenceKind[];     /* every kind a gate may ask for */
extern const char *const azAnalysisEvidence[]; /* kinds computed by keel (stored analyses) */
extern const char *const azDocumentEvidence[]; /* kinds attested by a reviewer */
extern const char *const azJurisdiction[];     /* eu, cn, us, uk */

/* 1 when z is a system name: 1 to 64 of a-z, 0-9 and '-'. */
int system_name_ok(const char *z);

/* The id of the system called zName, 0 when none (or a negative error).
 * The lookup later issues (switch, monitoring) key their rows by. */
int64_t system_id_by_name(Db *db, const char *zName);

/* The system called zName as stored (new reference): KEEL_ENOTFOUND with
 * e saying so. */
int system_get_row(Db *db, const char *zName, json_t **ppOut, KeelError *e);

/* The system with its versions (each with its evidence), initiative title
 * and, when who is given, what the caller may do (`you`). */
int system_get(Db *db, const Principal *who, const char *zName, json_t **ppOut, KeelError *e);

/* Register a system {name, title, initiative_id, risk_tier, tier_reason,
 * flags...}: engineers, risk officers, the committee and admins for any
 * initiative, owners only under initiatives they own. */
int system_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
/* Change a system's title, tier, flags (not its name or initiative). */
int system_update(Db *db, const Principal *who, const char *zName, json_t *in, KeelError *e);

/* Add a version {version, training_asset_id, evaluation_asset_id,
 * evaluation_sha256, algorithm, owner_id, purpose, deployment, callers};
 * it starts in stage data_collection. */
int system_version_create(Db *db, const Principal *who, const char *zName, json_t *in, int64_t *pId,
                          KeelError *e);

/* The version row of system systemId labelled zVersion, or the latest
 * version when zVersion is NULL (new reference); KEEL_ENOTFOUND in e. */
int system_version_find(Db *db, int64_t systemId, const char *zName, const char *zVersion,
                        json_t **ppOut, KeelError *e);

/* Attach evidence to a version of the system: {version, analysis_id,
 * input_hash?} for a stored analysis (kind from the analysis), or {version,
 * kind, title, reference, reviewer_id} for a document that the named
 * reviewer must then attest. Refused: an analysis already evidence of
 * another system, an input_hash that is not the analysis's (stale). */
int system_evidence_add(Db *db, const Principal *who, const char *zName, json_t *in, int64_t *pId,
                        KeelError *e);
/* The named reviewer attests document evidence id (through their own
 * account; nobody else may). */
int system_evidence_attest(Db *db, const Principal *who, int64_t id, KeelError *e);

/* The caller may register and change systems under initiative id (rights
 * of the role and, for owners, ownership). */
int system_may_edit(Db *db, const Principal *who, int64_t initiativeId, KeelError *e);

/* The id of system zName into *pId when the caller may change it:
 * KEEL_ENOTFOUND or KEEL_EFORBIDDEN with e otherwise. */
int system_for_edit(Db *db, const Principal *who, const char *zName, int64_t *pId, KeelError *e);

#endif
