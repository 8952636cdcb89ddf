/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: pilot, then scale. KPI readings per business unit
 * (kpi_unit_value: a KPI's value in one unit and period; the KPI's own
 * organisation-wide values stay in kpi_value). An initiative's pilot names
 * its unit, dates, the baseline and measurement periods and its exit
 * criteria as KPI changes ({kpi_id, change_pct: -15} = the unit's reading
 * drops 15% from the baseline); the result is computed from the unit's
 * readings: met, not_met or no_data per criterion, met when all are.
 * Scaling is a plan of rollouts unit by unit (planned, in_progress, live,
 * halted); a rollout cannot start before the pilot meets its criteria,
 * unless a passed proposal (override_rollout) overrides the rule for it.
 * The staggered comparison sets each unit's change from the baseline
 * period against the others': rolled-out units (the pilot's and the live
 * ones) against those not yet rolled out, with Welch's 95% interval
 * (engine/stagger.h). */
#ifndef KEEL_DOMAIN_PILOT_H
#define KEEL_DOMAIN_PILOT_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

extern const ResourceDef resource_kpi_unit_value;
extern const ResourceDef resource_pilot;
extern const ResourceDef resource_rollout;

/* Record readings [{org_unit_id, period, value, note?}] of KPI kpiId (a
 * period given again for a unit replaces it); all or nothing. */
int pilot_unit_values_import(Db *db, const Principal *who, int64_t kpiId, const json_t *rows,
                             int *pn, KeelError *e);
/* Set the pilot {org_unit_id, starts_on, ends_on, baseline_period,
 * measure_period, criteria, note?} (owners: their own initiatives). */
int pilot_put(Db *db, const Principal *who, int64_t initiativeId, const json_t *in, KeelError *e);
/* {initiative_id, pilot (null when none) with results, status:
 * none|no_data|not_met|met}. */
int pilot_get(Db *db, int64_t initiativeId, json_t **ppOut, KeelError *e);
/* Rollouts: plan one {org_unit_id, planned_start?, planned_live?, note?};
 * change one (status: in_progress and live need the pilot's criteria met
 * or an override, else 409 pilot_criteria_unmet; planned never again). */
int rollout_create(Db *db, const Principal *who, int64_t initiativeId, json_t *in, int64_t *pId,
                   KeelError *e);
int rollout_update(Db *db, const Principal *who, int64_t initiativeId, int64_t id, json_t *in,
                   KeelError *e);
/* A passed proposal's override of the rule for rollout rolloutId. */
int rollout_override(Db *db, const Principal *who, int64_t rolloutId, int64_t proposalId,
                     KeelError *e);
/* {items, pilot, pilot_status, comparison: per criterion KPI} at period
 * zAt (NULL: the pilot's measure period). */
int rollout_list(Db *db, int64_t initiativeId, const char *zAt, json_t **ppOut, KeelError *e);

/* Realised value (path 5): the staggered comparison of KPI kpiId for
 * initiative initiativeId at level, in the latest period after the
 * pilot's baseline period and up to zUntil (NULL: any) where it has an
 * interval (two units or more on each side); *ppOut NULL when there is
 * none (no pilot, too few units). */
int pilot_compare_latest(Db *db, int64_t initiativeId, int64_t kpiId, const char *zUntil,
                         double level, json_t **ppOut);

#endif
