/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 5, continuous iteration (issue 22), beyond the generic
 * CRUD: actions with the names they point at, the open action of a
 * finding key, held quarterly reviews and their snapshots, committee
 * decisions and feedback per period, the technology radar with its moves
 * and fit per unit, and the reads a review assembles (initiatives with
 * their go-live, KPI links, spend). */
#ifndef KEEL_STORE_ITERATION_H
#define KEEL_STORE_ITERATION_H
#include "store/db.h"
#include "store/store_audit.h"
#include <jansson.h>

/* Every action with owner_name, initiative_title, system_name, newest
 * first. */
int store_actions(Db *db, json_t **ppRows);
/* The id of the open (open or in_progress) action raised by zKey, 0 when
 * none. */
int store_action_open_by_key(Db *db, const char *zKey, int64_t *pId);

/* The held review of zPeriod {id, period, held_on, summary, snapshot
 * (text), created_by, created_at}, or KEEL_ENOTFOUND. */
int store_review_held(Db *db, const char *zPeriod, json_t **ppRow);
/* Every held review without its snapshot, newest period first. */
int store_reviews_held(Db *db, json_t **ppRows);
int store_review_hold(Db *db, const Actor *actor, const char *zPeriod, const char *zHeldOn,
                      const char *zSummary, const char *zSnapshot, int64_t *pId);
/* Decisions and feedback of a period (with unit and initiative names). */
int store_review_decisions(Db *db, const char *zPeriod, json_t **ppRows);
int store_review_feedback(Db *db, const char *zPeriod, json_t **ppRows);
int store_review_decision_put(Db *db, const Actor *actor, const char *zPeriod, int64_t initiativeId,
                              const char *zDecision, const char *zRationale);

/* Initiatives in a stage that a review covers, with the date each went
 * live (entered pilot or operating, NULL when never), owner and unit. */
int store_review_initiatives(Db *db, json_t **ppRows);
/* An initiative's KPI links with the KPI's fields. */
int store_initiative_links(Db *db, int64_t initiativeId, json_t **ppRows);
/* Pools with their capacity and usage in the periods a..b (month or
 * quarter strings, as stored), summed. */
int store_pool_use(Db *db, int firstIndex, int lastIndex, json_t **ppRows);

/* Monitoring in [zFrom, zTo) (ISO dates): the alerts that fired {system,
 * system_id, initiative_id, rule, severity, message, created_at} and the
 * switch flips {system, system_id, initiative_id, state, percent,
 * fallback, reason, cause, actor, created_at}, oldest first. */
int store_review_alerts(Db *db, const char *zFrom, const char *zTo, json_t **ppRows);
int store_review_flips(Db *db, const char *zFrom, const char *zTo, json_t **ppRows);

/* The radar: technologies with owner_name; moves (newest first) and fit
 * per unit (with unit_name). */
int store_technologies(Db *db, json_t **ppRows);
int store_technology_moves(Db *db, int64_t technologyId, json_t **ppRows);
int store_technology_fit(Db *db, json_t **ppRows);
int store_technology_move(Db *db, const Actor *actor, int64_t technologyId, const char *zFrom,
                          const char *zTo, const char *zOn, const char *zReason);
int store_technology_fit_put(Db *db, const Actor *actor, int64_t technologyId, int64_t unitId,
                             const char *zFit, const char *zNote);

#endif
