/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 3 (risk control) beyond the generic CRUD: a system's
 * versions and evidence with the analyses behind it, gate definitions and
 * overrides, the systems' stage history, the risk register's findings and
 * ethics reviews. Portable SQL only (SQLite and PostgreSQL). */
#ifndef KEEL_STORE_SYSTEM_H
#define KEEL_STORE_SYSTEM_H
#include "store/db.h"
#include "store/store_audit.h"
#include <jansson.h>

/* Versions of a system, oldest first. */
int store_system_versions(Db *db, int64_t systemId, json_t **ppRows);
/* Evidence of a system (every version), newest first, each with its
 * analysis's kind, verdict, input and data hashes, engine version, who and
 * when, and the reviewer's name for documents. */
int store_system_evidence(Db *db, int64_t systemId, json_t **ppRows);
/* The system id that analysis id is evidence of, 0 when none. */
int store_analysis_system(Db *db, int64_t analysisId, int64_t *pSystemId);
/* Systems of an initiative (name, title, tier) with their latest
 * version's label and stage. */
int store_systems_of_initiative(Db *db, int64_t initiativeId, json_t **ppRows);
/* Every system with its latest version's label and stage (?initiative). */
int store_systems_list(Db *db, int64_t initiativeId, json_t **ppRows);
/* Set a version's stage and record the change (audited). */
int store_version_stage(Db *db, const Actor *actor, int64_t systemId, int64_t versionId,
                        const char *zFrom, const char *zTo, const char *zReason,
                        const char *zVerdict, int64_t overrideId);
/* The stage history of a system, newest first. */
int store_system_history(Db *db, int64_t systemId, json_t **ppRows);

/* Gate definitions: the latest stored version of each stage (rows with
 * stage, version, requirements text, note, created_by, created_at), and
 * every version of one stage, newest first. */
int store_gate_defs_latest(Db *db, json_t **ppRows);
int store_gate_def_versions(Db *db, const char *zStage, json_t **ppRows);
/* Store a new version of stage's definition (audited); *pVersion gets it. */
int store_gate_def_add(Db *db, const Actor *actor, const char *zStage, const char *zRequirements,
                       const char *zNote, int64_t *pVersion);

/* Overrides of a system (systemId) or an initiative (initiativeId), newest
 * first; zStage NULL: every stage. */
int store_overrides(Db *db, int64_t systemId, int64_t initiativeId, const char *zStage,
                    json_t **ppRows);
/* Record an override (audited). */
int store_override_add(Db *db, const Actor *actor, int64_t systemId, int64_t initiativeId,
                       const char *zStage, const char *zReason, const char *zExpires, int64_t *pId);

/* The latest ethics review of each system (system_id, held_on, decision,
 * board) and, for suspensions, whether a later review lifted it. */
int store_reviews_of(Db *db, int64_t systemId, json_t **ppRows);
/* Every system with its tier and its latest review (held_on, decision) or
 * nulls, for the schedule. */
int store_review_schedule(Db *db, json_t **ppRows);
/* The interval in months per tier: {tier: months}. */
int store_review_intervals(Db *db, json_t **ppOut);
int store_review_interval_set(Db *db, const Actor *actor, const char *zTier, int64_t months);

/* The distinct skills on an initiative's team: [{skill}]. */
int store_team_skills(Db *db, int64_t initiativeId, json_t **ppRows);

/* Risks that are not closed, with their owner's and system's names. */
int store_risks_open(Db *db, json_t **ppRows);

#endif
