/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 5: the strategy over time. Quarter by quarter, each objective's
 * KPIs with the value recorded for the quarter (a quarterly value, or the
 * mean of its months) and the KPI's status as of that quarter; and the
 * portfolio plan's stored versions, oldest first, each with what changed
 * against the one before: initiatives funded or dropped, starts moved, the
 * value gained or lost. */
#ifndef KEEL_DOMAIN_STRATEGY_H
#define KEEL_DOMAIN_STRATEGY_H
#include "store/db.h"
#include <jansson.h>

/* {quarters: [...], objectives: [{id, title, status, kpis: [{id, name,
 * unit, direction, target, target_period, by_quarter: [{period, value,
 * status}]}]}], plans: [{id, kind, created_at, value, funded, added,
 * dropped, moved, value_change}]} over the last n quarters (1-16). */
int strategy_over_time(Db *db, int n, json_t **ppOut);

#endif
