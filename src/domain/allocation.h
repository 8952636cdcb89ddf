/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 2, resource allocation: resource pools (budget, compute, people by
 * skill) with capacity and actual usage per period; the planning attributes
 * of initiatives (duration, mandatory, demands per pool over their life,
 * dependencies, mutually exclusive alternatives); the planning input the
 * optimiser (engine/portfolio.c) solves, built from the store; scenarios
 * and stored plans; teams; data assets with measured readiness. The rules
 * live here:
 *  - capacities, usage and demands are never negative; a demand names an
 *    existing pool; dependencies may not form a cycle (refused naming it);
 *  - candidates for planning are initiatives in stage assessed or approved
 *    that are aligned (move a KPI); pilot, scaling and operating are under
 *    way and kept as they are; the rest are not planned;
 *  - committee and admins change pools, capacities, plans and scenarios and
 *    the mandatory flag; owners change the demands and teams of their own
 *    initiatives;
 *  - an initiative past the idea stage needs a business expert, an ML
 *    engineer and a product manager in its team; people committed beyond
 *    their capacity_fte are flagged;
 *  - personal data needs a consent basis; a profiled asset's readiness
 *    score feeds the data_readiness criterion of the initiatives it serves
 *    (as the scores of a system scorer, see docs/paths/resources.md). */
#ifndef KEEL_DOMAIN_ALLOCATION_H
#define KEEL_DOMAIN_ALLOCATION_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include "store/store_allocation.h"
#include <jansson.h>

extern const ResourceDef resource_pool;
extern const ResourceDef resource_pool_capacity;
extern const ResourceDef resource_pool_usage;
extern const ResourceDef resource_initiative_plan;
extern const ResourceDef resource_team_member;
extern const ResourceDef resource_data_asset;
extern const ResourceDef resource_scenario;

#define ALLOC_MAX_PERIODS 40    /* periods one plan may span */
#define ALLOC_IDLE_DEFAULT 0.40 /* utilisation under which a pool is idle */
#define ALLOC_TIME_DEFAULT 3.0  /* seconds a solve may take by default */
#define ALLOC_TIME_MAX 30.0     /* and at most */

/* A planning horizon: consecutive quarters from a first one. */
typedef struct AllocHorizon {
    int n;                          /* periods */
    char az[ALLOC_MAX_PERIODS][12]; /* "2026Q4", ... */
    int aIndex[ALLOC_MAX_PERIODS];  /* month index of each period's first month */
} AllocHorizon;

/* The horizon of n quarters from zFrom (NULL: the current fiscal quarter;
 * n 0: 8). KEEL_EINVAL naming "from" or "periods". */
int alloc_horizon(Db *db, const char *zFrom, int n, AllocHorizon *h, KeelError *e);
/* The ordinal year * 4 + quarter - 1 of "2026Q3" (consecutive quarters
 * differ by one), or -1 when z is not a quarter. */
int alloc_quarter_ord(const char *z);
/* The current fiscal quarter ("2026Q4") into z. */
void alloc_current_quarter(Db *db, char z[12]);
/* Where the pools report starts by default: ALLOC_REPORT_BACK quarters
 * before the current one, so that the last quarters' actual use shows
 * beside the plan ahead (the pages use the same default). */
enum { ALLOC_REPORT_BACK = 2 };
void alloc_report_default_from(Db *db, char z[12]);

/* ---- pools (allocation_pools.c) ---- */
/* FTE of a skill in the people register (rows with skills ",a,b," and
 * capacity_fte): a person's capacity is shared equally among their
 * skills. */
double alloc_register_fte(const json_t *people, const char *zSkill);
int alloc_pool_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
int alloc_pool_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
/* A pool with its capacity and usage rows and, for compute, break-even. */
int alloc_pool_get(Db *db, int64_t id, json_t **ppOut);
/* Import capacity (POOL_CAPACITY, rows {period, capacity, note?}) or usage
 * (POOL_USAGE, {period, amount, note?}) of a pool: all or nothing, every
 * bad row in *ppRowErrors; a period given again replaces the stored one. */
int alloc_period_import(Db *db, const Principal *who, int64_t poolId, PoolSeries series,
                        const json_t *rows, const json_t *lines, int *pnImported,
                        json_t **ppRowErrors, KeelError *e);
/* Capacity of every pool over h: {key: [c0, c1, ...]} (new reference) and
 * the pools themselves in *ppPools (may be NULL). */
int alloc_capacities(Db *db, const AllocHorizon *h, json_t **ppCap, json_t **ppPools);
/* Pools over h with capacity, planned load (the latest plan), actual usage
 * and utilisation per period, the break-even of compute pools, and the
 * findings: idle (utilisation below threshold two periods running),
 * over_committed (planned or actual above capacity). */
int alloc_pools_report(Db *db, const AllocHorizon *h, double threshold, json_t **ppOut);
/* keel's one definition of utilisation (docs/plan.md#utilisation): use ÷
 * capacity, both summed over the same quarters (one quarter: its use ÷ its
 * capacity); NAN when there is no capacity. With recorded use it is the
 * utilisation, with the latest plan's load the planned utilisation. */
double alloc_utilisation(double use, double capacity);
/* Quarters a pool preview covers: the current one and the three after. */
enum { ALLOC_PREVIEW_PERIODS = 4 };
/* A pool before it is saved (id 0: a new pool, in its create body; else
 * the changes to pool id): validated as create or update would, then per
 * quarter of the next year its capacity, the latest plan's load and the
 * planned utilisation, the planned utilisation over the year, idle (below
 * threshold) and over-committed, the break-even of a compute pool at the
 * planned utilisation, and `advice` (no_plan, idle, over_committed, fits)
 * with a sentence. Nothing is stored. */
int alloc_pool_preview(Db *db, int64_t id, json_t *in, double threshold, json_t **ppOut,
                       KeelError *e);

/* ---- planning (allocation_plan.c) ---- */
/* The planning attributes of an initiative: {initiative_id, duration,
 * mandatory, started_period, demands, depends_on, exclusive_with}. */
int alloc_attrs_get(Db *db, int64_t initiativeId, json_t **ppOut);
/* Change them: any of duration, mandatory (committee and admins),
 * started_period, demands [{pool_id | pool, amounts}], depends_on [ids],
 * exclusive_with [ids]; the sections given replace the stored ones. */
int alloc_attrs_set(Db *db, const Principal *who, int64_t initiativeId, json_t *in, KeelError *e);
/* The planning input (the format of engine/portfolio.h) over h, with a
 * scenario's changes applied when scenario is non-NULL (borrowed), and
 * the initiatives left out with the reason in *ppExcluded (may be NULL). */
int alloc_plan_input(Db *db, const AllocHorizon *h, const json_t *scenario, json_t **ppInput,
                     json_t **ppExcluded, KeelError *e);
/* Where the work that must run — under way (its start fixed) and
 * mandatory (placed at its earliest start) — needs more than a pool's
 * capacity over the current horizon: *ppShort a new array of {pool, name,
 * period, capacity, need, short} (pools that may burst into the cloud are
 * left out: their overflow is bought). */
int alloc_must_run_short(Db *db, json_t **ppShort, KeelError *e);
/* The shortfalls of after that before did not have, or that grew: the
 * warning a stage move carries ({code, message, conflicts}), or NULL. */
json_t *alloc_short_warning(const json_t *before, const json_t *after);

/* Solve, compare or sweep: in is the request body (see docs/api.md); the
 * answer in *ppOut. Solves run in the calling thread, bounded by the time
 * limit; every result is stored as a plan. */
int alloc_plan_solve(Db *db, const Principal *who, const json_t *in, json_t **ppOut, KeelError *e);
int alloc_plan_compare(Db *db, const Principal *who, const json_t *in, json_t **ppOut,
                       KeelError *e);
int alloc_plan_frontier(Db *db, const Principal *who, const json_t *in, json_t **ppOut,
                        KeelError *e);
/* One stored plan with its input and result parsed (id 0: the latest). */
int alloc_plan_get(Db *db, int64_t id, json_t **ppOut);
/* Scenarios: {name, description?, changes: {capacity: {pool: factor |
 * [per period]}, force_in: [ids], force_out: [ids]}}. */
int alloc_scenario_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
int alloc_scenario_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
int alloc_scenario_get(Db *db, int64_t id, json_t **ppOut);
/* Parse the changes text of scenario rows in items (borrowed) in place. */
void alloc_scenario_decorate(json_t *item);

/* ---- teams (allocation_teams.c) ---- */
int alloc_team_add(Db *db, const Principal *who, int64_t initiativeId, json_t *in, int64_t *pId,
                   KeelError *e);
int alloc_team_update(Db *db, const Principal *who, int64_t initiativeId, int64_t memberId,
                      json_t *in, KeelError *e);
int alloc_team_delete(Db *db, const Principal *who, int64_t initiativeId, int64_t memberId,
                      KeelError *e);
/* Teams of live initiatives with what each lacks, and people committed
 * beyond their capacity: {initiatives, people, findings, finding_counts}. */
int alloc_teams_report(Db *db, json_t **ppOut);

/* ---- data assets (allocation_assets.c) ---- */
/* Create / change an asset; initiative_ids (optional) replaces its links. */
int alloc_asset_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
int alloc_asset_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
/* An asset with its initiatives, latest profile and warnings:
 * undeclared_personal_data {columns: [{name, kind, share}], message}
 * when not marked personal_data but its profiled sample holds personal
 * data, and its purpose_outside findings (below). */
int alloc_asset_get(Db *db, int64_t id, json_t **ppOut);
/* k-anonymity of the asset's quasi-identifiers (zColumns "a,b", or NULL
 * for the asset's declared quasi_identifiers) in the CSV zCsv (n bytes),
 * or with zCsv NULL in the latest sample kept: {asset_id, columns, source:
 * upload|kept_sample, rows, classes, k, threshold, classes_below,
 * rows_below, rarest: {values: {column: text}, size}}. Nothing is
 * stored. The asset's editors only (the sample holds personal data). */
int alloc_asset_kanon(Db *db, const Principal *who, int64_t assetId, const char *zCsv, size_t n,
                      const char *zColumns, int threshold, json_t **ppOut, KeelError *e);
/* Purpose-limitation findings: links of assetId (0: every asset) to an
 * initiative whose purpose is not among the asset's declared purposes
 * [{code: purpose_outside, asset_id, asset, initiative_id, initiative,
 * purpose, purposes, personal_data, message}]. */
int alloc_purpose_findings(Db *db, int64_t assetId, json_t **ppOut);
/* Add initiatives and the latest score to listed assets (borrowed). */
int alloc_asset_decorate(Db *db, json_t *asset);
/* Profile a CSV sample (n bytes at z) with the readiness engine, keep the
 * score and reasons; keep the sample itself only when retainDays > 0, for
 * that many days. zLabel names the label column (may be NULL). */
int alloc_asset_profile(Db *db, const Principal *who, int64_t assetId, const char *z, size_t n,
                        const char *zLabel, int retainDays, json_t **ppOut, KeelError *e);
/* Delete samples past their retention; returns how many in *pn. */
int alloc_samples_purge(Db *db, int64_t *pn);
/* Set (or clear) the measured data-readiness score of an initiative from
 * the lowest score of its profiled assets. */
int alloc_readiness_refresh(Db *db, const Principal *who, int64_t initiativeId);

/* ---- the demo (allocation_demo.c) ---- */
/* Load the "allocation" section of the demo document (absent: nothing). */
int alloc_demo_load(Db *db, const Principal *sys, const json_t *doc, uint64_t seed, KeelError *e);
/* Solve and store the demo's first plan ("solve" of the allocation
 * section), once every initiative has reached its stage. */
int alloc_demo_solve(Db *db, const Principal *sys, const json_t *doc, KeelError *e);

/* At most n solves at once (1 to 2); the server passes its workers - 1. */
void alloc_solve_set_slots(int n);

#endif
