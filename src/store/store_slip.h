/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 4's schedule slips: an initiative's stage plan and business
 * deadlines, the dates it reached each stage, what it depends on, and the
 * initiatives that have any plan, deadline, pilot or rollout. Portable SQL
 * only. */
#ifndef KEEL_STORE_SLIP_H
#define KEEL_STORE_SLIP_H
#include "store/db.h"
#include <jansson.h>

/* [{id, stage, planned_on}] / [{id, name, due_on, stage}] of an initiative. */
int store_stage_plan_of(Db *db, int64_t initiativeId, json_t **ppRows);
int store_deadlines_of(Db *db, int64_t initiativeId, json_t **ppRows);
/* When it first entered each stage: [{to_stage, reached_at}]. */
int store_stage_reached(Db *db, int64_t initiativeId, json_t **ppRows);
/* What it depends on: [{id, title, stage}]. */
int store_dependencies_of(Db *db, int64_t initiativeId, json_t **ppRows);
/* Initiatives not retired or rejected that have a stage plan, a deadline,
 * a pilot or a rollout: [{id, title, stage, owner_id}] by id. */
int store_initiatives_scheduled(Db *db, json_t **ppRows);

#endif
