/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 3: ethics reviews. Each system is reviewed by a named board on a
 * schedule set by its risk tier (one interval in months per tier, e.g.
 * high every 6, others every 12); a review records findings, a decision
 * (continue, continue_with_conditions, suspend) and follow-ups. A review
 * falls due its interval after the last one (or after registration); an
 * overdue review is a finding. A suspend decision blocks every gate of the
 * system until a later review decides otherwise. */
#ifndef KEEL_DOMAIN_REVIEW_H
#define KEEL_DOMAIN_REVIEW_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

extern const ResourceDef resource_ethics_review;

/* The review status of system row sys (borrowed) at time now:
 * {interval_months, last_held_on, last_decision, board, due_on, overdue,
 * suspended}. */
int review_status(Db *db, const json_t *sys, int64_t now, json_t **ppOut);

/* Record a review of system zName {board, held_on, findings, decision,
 * conditions, follow_ups} (risk officers, the committee, admins). */
int review_create(Db *db, const Principal *who, const char *zName, json_t *in, int64_t *pId,
                  KeelError *e);

/* Every system's schedule: [{system, title, tier, ...review_status}]
 * with the overdue ones as findings, and the intervals per tier. */
int review_schedule(Db *db, json_t **ppOut);

/* Set the interval of a tier {tier: months, ...} (admins). */
int review_intervals_set(Db *db, const Principal *who, const json_t *in, KeelError *e);

/* date + months (day clamped to the month's end), as YYYY-MM-DD. */
void review_add_months(const char *zDate, int months, char *zOut, size_t nOut);

#endif
