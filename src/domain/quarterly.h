/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 5: the quarterly review, assembled from the data without typing,
 * and realised against promised value. For a fiscal quarter that has
 * begun, keel assembles a review per initiative (approved, pilot, scaling
 * or operating): its KPIs as of the quarter (actual against target, trend,
 * the recent-change test), promised and realised value, its findings (KPI
 * drops and slips, value shortfalls, overdue actions, overdue mitigations,
 * overdue ethics reviews, suspensions), its systems' stages, its open
 * actions and the committee's decision; and one for the programme (value,
 * spend and pool use against capacity, actions, feedback per unit). The
 * committee records feedback per unit and then holds the review: a
 * decision per initiative (continue, scale, fix, stop) and actions. A held
 * review is frozen: its snapshot is what it shows from then on.
 *
 * Realised value: for each KPI link of a live initiative, the KPI's mean
 * after go-live (the first move to pilot, scaling or operating) against
 * its mean before, with a 90% interval (engine/realised.h); the share of
 * the link's expected impact realised; the initiative's share is the mean
 * over its tested links, its realised value that share of its expected
 * value. An operating initiative whose share is below 80% with the
 * interval's upper end below 100% is a finding (value_shortfall): one
 * that keeps its promise is flagged at most 5% of the time (one side of
 * the 90% interval; tests/unit/test_realised.c simulates it). */
#ifndef KEEL_DOMAIN_QUARTERLY_H
#define KEEL_DOMAIN_QUARTERLY_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

#define QR_LEVEL 0.90     /* the realised-value interval's level */
#define QR_SHORTFALL 0.80 /* below this share of the promise... */

extern const ResourceDef resource_review_feedback;

/* The review of zPeriod ("2026Q4", any case): held (its snapshot) or
 * assembled now (status "open"). KEEL_EINVAL for a period that is not a
 * quarter or has not begun. */
int quarterly_review(Db *db, const char *zPeriod, json_t **ppOut, KeelError *e);
/* Feedback of a unit on the review of zPeriod {unit_id, initiative_id?,
 * satisfaction 1-5, cost_change_pct?, comment?}; refused once held. */
int quarterly_feedback_add(Db *db, const Principal *who, const char *zPeriod, json_t *in,
                           int64_t *pId, KeelError *e);
/* Hold it {held_on?, summary?, decisions: [{initiative_id, decision,
 * rationale?}], actions?: [{title, owner_id, due_date, ...}]}: one decision
 * per initiative of the review, the actions raised by it, the snapshot
 * stored; KEEL_ECONFLICT already_held. */
int quarterly_hold(Db *db, const Principal *who, const char *zPeriod, json_t *in, KeelError *e);
/* The held reviews and the current and previous quarters' status. */
int quarterly_list(Db *db, json_t **ppOut);
/* Realised against promised for initiative row ini (borrowed: id,
 * expected_value, stage, live_since) with KPI values up to zUntil (NULL:
 * all): {promised_value, realised_value, share, share_interval, value_interval,
 * links: [...], tested}. */
int quarterly_realised(Db *db, const json_t *ini, const char *zUntil, json_t **ppOut);
/* The portfolio's promised and realised value in each of the last n
 * quarters up to the current one: {quarters: [{period, promised, realised,
 * initiatives}]}. */
int quarterly_value(Db *db, int n, json_t **ppOut);

#endif
