/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: schedule slips. An initiative's schedule is a plan of the dates
 * by which it should reach its stages (assessed … operating) and the
 * business deadlines it names (a sales season: a name, a date, and the
 * stage it must have reached by then); its pilot and rollouts carry their
 * own planned dates. Planned dates are set against actual ones (when the
 * initiative entered a stage; when a rollout started or went live), and
 * these are flagged:
 *  - a planned stage not reached by its date (stuck past its plan);
 *  - a deadline passed without its stage reached (missed), or still ahead
 *    while the plan towards it is already late or plans the stage after
 *    it (at risk);
 *  - a pilot past its end date while the initiative is still in pilot and
 *    no rollout has started;
 *  - a rollout not started by its planned start, or not live by its
 *    planned go-live (halted rollouts are a decision, not a slip).
 * Each flag names what blocks the initiative's next move: a missing
 * sign-off, no KPI link, a gate that refuses, a linked definition not
 * agreed, a dependency still behind, the pilot's exit criteria unmet.
 * Slips are findings (GET /api/v1/alignment) and listed across the
 * programme (GET /api/v1/slips). */
#ifndef KEEL_DOMAIN_SLIP_H
#define KEEL_DOMAIN_SLIP_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>
#include <stdint.h>

extern const ResourceDef resource_stage_plan;
extern const ResourceDef resource_deadline;

/* ---- one date against its plan (pure) ---- */

enum { SLIP_PENDING = 0, SLIP_ON_TIME = 1, SLIP_LATE = 2, SLIP_OVERDUE = 3 };

typedef struct SlipEval {
    int state;    /* SLIP_* */
    int64_t days; /* PENDING: days left; ON_TIME: days early (>= 0); LATE: days late (done
                     after the plan); OVERDUE: days past the plan, not done */
} SlipEval;

/* Days since 1970-01-01 of date z ("YYYY-MM-DD", more may follow); -1 on
 * failure (*pDays untouched). */
int slip_day(const char *z, int64_t *pDays);
/* Set zPlanned against what happened: zActual (a date or a time, NULL or
 * "" when it has not happened), bDone when it happened at an unknown date
 * (counted on time), as of day zToday. 0, or -1 when a date does not
 * parse. */
int slip_eval(const char *zPlanned, const char *zActual, int bDone, const char *zToday,
              SlipEval *p);
/* "pending", "on_time", "late" or "overdue". */
const char *slip_state_name(int state);

/* ---- the schedule of an initiative ---- */

/* {initiative_id, title, stage, next_stage, plan: [{stage, planned_on,
 * reached_on, state, days}], deadlines: [{name, due_on, stage, reached_on,
 * state: pending|on_time|late|missed|at_risk, days}], pilot: {ends_on,
 * state, days} or null, rollouts: [{id, unit_name, status, planned_start,
 * started_on, start, planned_live, live_on, live}], slips, causes}. */
int slip_schedule_get(Db *db, int64_t initiativeId, json_t **ppOut, KeelError *e);
/* Replace the plan {plan?: [{stage, planned_on}], deadlines?: [{name,
 * due_on, stage}]} (each list given replaces its rows; owners: their own
 * initiatives). */
int slip_schedule_put(Db *db, const Principal *who, int64_t initiativeId, const json_t *in,
                      KeelError *e);
/* Every slip of the programme {items: [{initiative_id, title, stage,
 * kind, what, planned_on, state, days, causes}], counts}. */
int slip_list(Db *db, json_t **ppOut, KeelError *e);
/* Append the slips as findings (the alignment findings' shape). */
int slip_findings(Db *db, json_t *findings);

#endif
