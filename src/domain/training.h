/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: training and the translator gap (issue 21, item 7).
 * Programmes (ai_literacy, tool, ethics) have sessions and completions,
 * one per person. A programme is required of an initiative when it is
 * required of all (required_for_all), when one of the initiative's AI
 * systems is of a tier it names (required_tiers), or when it is the tool
 * training of one of its systems (system_id). Coverage of a unit for a
 * programme is the share of the people of the unit and its sub-units who
 * completed it, against the programme's target_pct:
 *  - a rollout to a unit below the target of a programme its initiative
 *    requires cannot start (409 training_below_target), unless a passed
 *    proposal override_rollout overrides the rollout's rules; a unit with
 *    nobody registered has no coverage and does not block;
 *  - the members of a live initiative's team (past the idea stage) who
 *    lack a programme the initiative requires are flagged.
 * The forecast takes the latest stored plan (path 2): in each of its
 * quarters the initiatives it runs (those under way and those it starts,
 * for their duration) need a business expert, an ML engineer and a
 * product manager (the "translator"): as much of each as the team has
 * now, and at least TRAINING_ROLE_NORM FTE.
 * The people available are the register's FTE of that skill (a person's
 * capacity shared equally among their skills); a quarter where the need
 * exceeds it is short, and the roles and quarters short are named. */
#ifndef KEEL_DOMAIN_TRAINING_H
#define KEEL_DOMAIN_TRAINING_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

/* FTE of each role a running initiative needs at least (two days a week) */
#define TRAINING_ROLE_NORM 0.4

extern const ResourceDef resource_training_programme;
extern const ResourceDef resource_training_session;
extern const ResourceDef resource_training_completion;

/* Programmes (admins): validated, the system named must exist. */
int training_programme_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
int training_programme_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
/* Each listed programme gains {completed, people, coverage_pct}. */
int training_programme_decorate(Db *db, json_t *p);
/* A programme with its sessions, completions and coverage per unit. */
int training_programme_get(Db *db, int64_t id, json_t **ppOut, KeelError *e);
/* A session {held_on, trainer?, location?, note?} of programme id. */
int training_session_add(Db *db, const Principal *who, int64_t programmeId, json_t *in,
                         int64_t *pId, KeelError *e);
/* A completion {person_id, completed_on, session_id?, note?}: once per
 * person and programme (409 duplicate); the session is the programme's. */
int training_completion_add(Db *db, const Principal *who, int64_t programmeId, json_t *in,
                            int64_t *pId, KeelError *e);
/* {programmes, units: [{unit_id, name, kind, people, coverage: [{programme_id,
 * completed, pct, target_pct, below}]}], below: [...], flagged: [...]}. */
int training_coverage(Db *db, json_t **ppOut);
/* {plan_id, periods, roles: [{skill, available, quarters: [{period, need,
 * available, short}]}], short: [{period, skill, need, available, short}]}. */
int training_forecast(Db *db, json_t **ppOut);
/* 0 when a rollout of initiative initiativeId to unit unitId meets the
 * training rule, else 409 training_below_target naming the programme, the
 * coverage and the target. */
int training_rollout_check(Db *db, int64_t initiativeId, int64_t unitId, KeelError *e);

#endif
