/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for strategic alignment beyond the generic CRUD: KPI values, links,
 * charters, sign-offs, stage history, scores. Every write is audited in the
 * caller's transaction (callers wrap multi-step changes in db_begin). */
#ifndef KEEL_STORE_ALIGNMENT_H
#define KEEL_STORE_ALIGNMENT_H
#include "store/db.h"
#include "store/store_audit.h"
#include <jansson.h>

/* Values of a KPI ordered by period: [{id, period, value, note}]. */
int store_kpi_values(Db *db, int64_t kpiId, json_t **ppRows);
/* Insert or replace the value of one period; audited. */
int store_kpi_value_put(Db *db, const Actor *actor, int64_t kpiId, const char *zPeriod,
                        int64_t periodIndex, double value, const char *zNote);
/* Links of an initiative with their KPI's name, unit and objective. */
int store_links_of_initiative(Db *db, int64_t initiativeId, json_t **ppRows);
/* Initiatives for ranking: [{id, title, stage, unit_id, expected_value,
 * cost_estimate}], filtered by stage / unit when given (NULL / 0: all). */
int store_initiatives_for_ranking(Db *db, const char *zStage, int64_t unitId, json_t **ppRows);
/* Every initiative with its link count (n_links) and the number of roles
 * that signed its current charter version (n_signoffs). */
int store_initiatives_coverage(Db *db, json_t **ppRows);
/* The objective of a KPI: [{status, title}] (empty when no such KPI). */
int store_kpi_objective(Db *db, int64_t kpiId, json_t **ppRows);
/* KPIs instantiating a catalogue template, with their objective's title. */
int store_kpis_by_template(Db *db, const char *zTemplate, json_t **ppRows);
/* Number of KPI links of an initiative. */
int store_link_count(Db *db, int64_t initiativeId, int64_t *pn);
/* How many of the initiative's AI systems are of the high risk tier. */
int store_high_tier_systems(Db *db, int64_t initiativeId, int64_t *pn);
/* Every link with its initiative's title and stage (for the chain). */
int store_links_all(Db *db, json_t **ppRows);
/* Record a new charter version (content borrowed) and set the
 * initiative's charter_version to it; audited. *pVersion gets it. */
int store_charter_add(Db *db, const Actor *actor, int64_t initiativeId, const json_t *content,
                      int64_t *pVersion);
/* Versions of a charter, newest first: [{version, content, created_at}]. */
int store_charter_versions(Db *db, int64_t initiativeId, json_t **ppRows);
/* Sign-offs of an initiative, newest first, with the signer's name. */
int store_signoffs(Db *db, int64_t initiativeId, json_t **ppRows);
/* Add a sign-off; KEEL_ECONFLICT when that role already signed the version. */
int store_signoff_add(Db *db, const Actor *actor, int64_t initiativeId, int64_t version,
                      const char *zRole, int64_t personId, const char *zComment);
/* Void (delete) the sign-offs of one charter version, audited with the
 * rows voided; runs inside the caller's transaction. *pn = rows voided. */
int store_signoffs_void(Db *db, const Actor *actor, int64_t initiativeId, int64_t version, int *pn);
/* Record a stage change (the stage itself is updated through CRUD). */
int store_stage_change_add(Db *db, const Actor *actor, int64_t initiativeId, const char *zFrom,
                           const char *zTo, const char *zReason);
int store_stage_history(Db *db, int64_t initiativeId, json_t **ppRows);
/* Scoring criteria in id order: [{id, key, name, weight, inverse}]. */
int store_criteria(Db *db, json_t **ppRows);
/* Set one score of one scorer; audited. */
int store_score_put(Db *db, const Actor *actor, int64_t initiativeId, int64_t criterionId,
                    int64_t value);
/* Scores of an initiative: [{criterion, value, scorer, updated_at}]. */
int store_scores_of(Db *db, int64_t initiativeId, json_t **ppRows);
/* Mean score per initiative and criterion: [{initiative_id, criterion_id, mean, n}]. */
int store_score_means(Db *db, json_t **ppRows);

#endif
