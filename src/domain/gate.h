/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 3: lifecycle gates that check evidence. A gate is the list of
 * requirements to enter a stage, kept as data (versioned; admins edit it):
 * each requirement names the evidence kind it needs, when it applies (the
 * system's scope flags or tier), how fresh its evidence must be and what
 * it must show (a verdict, a minimum readiness score). Evaluating a gate
 * for a system version gives each requirement a state:
 *   met      the evidence is there, fresh, on this version's data, and shows what is asked
 *   missing  there is none (or a document awaits its reviewer's attestation)
 *   failing  the newest evidence shows otherwise (e.g. the fairness group and its gap)
 *   stale    the newest evidence is older than the requirement allows
 *   foreign  evidence exists but of another version, or on other data than
 *            the version declares
 * A prohibited system passes no gate past data_collection and a suspended
 * one (its latest ethics review said suspend) passes none; neither is
 * overridable. Otherwise the committee may override a gate for a system
 * (or an initiative's move) with a reason and an expiry.
 * Initiatives pass their systems' gates: approved -> pilot needs a
 * complete team and each system's pre_launch gate, pilot -> scaling the
 * launch gate, scaling -> operating the operating gate. */
#ifndef KEEL_DOMAIN_GATE_H
#define KEEL_DOMAIN_GATE_H
#include "domain/auth.h"
#include "store/db.h"
#include <jansson.h>

/* The gate definitions now in force: [{stage, version, requirements,
 * note, created_by, created_at}] for every system stage and for the
 * initiative moves ("initiative_pilot", ...). Version 0 is built in. */
int gate_defs(Db *db, json_t **ppOut);
/* One stage's definition with its past versions. KEEL_EINVAL for an
 * unknown stage. */
int gate_def_get(Db *db, const char *zStage, json_t **ppOut, KeelError *e);
/* Store a new version of stage's requirements (admins): body
 * {requirements: [...], note}. Every requirement is checked (ids unique,
 * known kinds, conditions, verdicts, ages). */
int gate_def_put(Db *db, const Principal *who, const char *zStage, const json_t *in,
                 int64_t *pVersion, KeelError *e);

/* Evaluate the gate into zStage for version zVersion (NULL: the latest)
 * of system zName: {system, version, stage, current_stage, gate_version,
 * verdict: pass|refuse|overridden, requirements, override}. Bad input
 * (unknown system, version or stage): KEEL_ENOTFOUND / KEEL_EINVAL. */
int gate_evaluate(Db *db, const char *zName, const char *zVersion, const char *zStage,
                  json_t **ppOut, KeelError *e);

/* Move a version of system zName to another stage {to, reason, version?}:
 * one stage forward through its gate, back to any earlier stage, or to
 * retired. A refusal answers KEEL_ECONFLICT with code gate_refused and
 * *ppGate the evaluation (new reference; also on success), state
 * unchanged. */
int gate_system_transition(Db *db, const Principal *who, const char *zName, const json_t *in,
                           json_t **ppGate, KeelError *e);

/* The committee overrides a gate {stage, reason, expires_at} of system
 * zName (or, with initiativeId and zName NULL, an initiative's move). The
 * expiry is a date or time after now and at most a year ahead. */
int gate_override_add(Db *db, const Principal *who, const char *zName, int64_t initiativeId,
                      const json_t *in, int64_t *pId, KeelError *e);

/* The gate of an initiative's move zFrom -> zTo: NULL *ppGate when the
 * move has no gate, else {stage, verdict, requirements, systems: [...],
 * override}. Used by initiative_transition (refuses with code
 * gate_refused) and the initiative page. */
int gate_initiative(Db *db, int64_t initiativeId, const char *zFrom, const char *zTo,
                    json_t **ppGate);

/* Evaluate requirements (gate requirement objects) for version ver of
 * system sys, as a gate would: *ppOut an array of their results (null
 * where a requirement has nothing to say), in order. */
int gate_requirements_state(Db *db, const json_t *sys, const json_t *ver, const json_t *reqs,
                            json_t **ppOut);

/* Board of one system: every stage's gate for its latest version. */
int gate_board(Db *db, const char *zName, const char *zVersion, json_t **ppOut, KeelError *e);

#endif
