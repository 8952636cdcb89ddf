/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: shared definitions. A glossary of what words mean where
 * departments meet: a KPI's formula, a customer segment, a label. Each
 * definition has versions (its text; a diff between two versions by line
 * or word, engine/textdiff.h), the departments that use it, and their
 * stances on the current version: a head of each department (a person
 * marked department_head, whose unit is that department) signs it or
 * disputes it with a reason. The rules:
 *  - a definition is agreed only when every department that uses it has
 *    signed its current version; any department's dispute makes it
 *    disputed; otherwise (a signature missing, or no department named) it
 *    is unagreed;
 *  - a new version starts with no signatures and no disputes;
 *  - KPIs, initiatives and data assets link to the definitions they rely
 *    on; every link to a definition that is not agreed is a finding from
 *    the day the link exists, naming the departments that have not signed
 *    (and who disputes, since when, why);
 *  - a dispute older than the setting definition_dispute_days (default
 *    30) goes to the AI committee as a proposal (resolve_definition),
 *    once per version: the job definitions.escalate looks daily;
 *  - owners create definitions and edit their own, the committee and
 *    admins edit any; department heads sign; everyone signed in reads. */
#ifndef KEEL_DOMAIN_DEFINITION_H
#define KEEL_DOMAIN_DEFINITION_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

extern const ResourceDef resource_definition;
extern const ResourceDef resource_definition_version;
extern const ResourceDef resource_definition_department;
extern const ResourceDef resource_definition_signature;
extern const ResourceDef resource_definition_link;

/* ---- the agreement rule (pure) ---- */

enum { DEF_MISSING = 0, DEF_SIGNED = 1, DEF_DISPUTED = 2 };
enum { DEF_UNAGREED = 0, DEF_AGREED = 1, DEF_DISPUTE = 2 };

typedef struct DefStance {
    int64_t unitId; /* the department that signed or disputed */
    int version;    /* the version it concerns */
    int stance;     /* DEF_SIGNED or DEF_DISPUTED */
} DefStance;

/* The status (DEF_AGREED, DEF_UNAGREED or DEF_DISPUTE) of a definition at
 * version `version` used by the departments aDept[0..nDept), from the
 * stances a[0..n) (of any version: only those of `version` count). With
 * aState (nDept entries) also each department's DEF_MISSING, DEF_SIGNED or
 * DEF_DISPUTED. No department at all is unagreed. */
int definition_agreement(const int64_t *aDept, int nDept, int version, const DefStance *a, int n,
                         int *aState);
/* "agreed", "unagreed" or "disputed". */
const char *definition_status_name(int status);

/* ---- requests ---- */

/* Create {name, kind, body, note?, owner_id?, departments: [unit ids]}:
 * version 1 (owners: owner_id is themselves). */
int definition_create(Db *db, const Principal *who, const json_t *in, int64_t *pId, KeelError *e);
/* Change {name?, kind?, owner_id?, departments?} (not the text: a new
 * version does that). */
int definition_update(Db *db, const Principal *who, int64_t id, const json_t *in, KeelError *e);
/* A new version {body, note?}: signatures start again. */
int definition_version_add(Db *db, const Principal *who, int64_t id, const json_t *in,
                           KeelError *e);
/* Sign or dispute the current version {stance: signed|disputed, reason?,
 * version?} as the head of a department that uses it (reason required for
 * a dispute; version, when given, must be the current one). A second
 * stance of the same department on the same version replaces the first. */
int definition_sign(Db *db, const Principal *who, int64_t id, const json_t *in, KeelError *e);
/* Link {entity: kpi|initiative|data_asset, entity_id} / unlink. */
int definition_link_add(Db *db, const Principal *who, int64_t id, const json_t *in, int64_t *pId,
                        KeelError *e);
int definition_link_remove(Db *db, const Principal *who, int64_t id, int64_t linkId, KeelError *e);

/* ---- reading ---- */

/* One definition: its fields, current body, status, departments with
 * their stances, missing and disputing departments, links, versions and,
 * for who (may be NULL), what the caller may do. */
int definition_get(Db *db, const Principal *who, int64_t id, json_t **ppOut, KeelError *e);
/* {items (zStatus / zKind filter when not NULL; zQ: a part of the term,
 * ASCII letters in any case), findings, counts}. */
int definition_list(Db *db, const char *zStatus, const char *zKind, const char *zQ, json_t **ppOut,
                    KeelError *e);
/* The diff between versions vFrom and vTo by zBy ("word" or "line"):
 * {from, to, by, coarse, deleted, added, chunks: [{op: same|del|add, text}]}. */
int definition_diff(Db *db, int64_t id, int vFrom, int vTo, const char *zBy, json_t **ppOut,
                    KeelError *e);
/* Append to findings (an array in the alignment findings' shape: kind,
 * severity, entity, id, name, message, and definition_id, missing,
 * disputed_by) one finding per link to a definition not agreed. */
int definition_findings(Db *db, json_t *findings);
/* The definitions linked to entity zEntity id, each {id, name, version,
 * status, missing} (new array). */
int definition_of_entity(Db *db, const char *zEntity, int64_t id, json_t **ppRows);

/* The job definitions.escalate: each dispute older than the setting
 * definition_dispute_days on a version not yet escalated becomes one
 * proposal to the committee (*pn counts them; pn may be NULL). */
int definition_escalate(Db *db, int *pn, KeelError *e);
int definition_escalate_job(Db *db, KeelError *e);

#endif
