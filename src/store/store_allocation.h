/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for resource allocation beyond the generic CRUD: capacity and usage
 * per period, planning attributes, demands, dependencies and exclusive
 * pairs of initiatives, teams, data-asset links, profiles and retained
 * samples, the system scorer of measured data readiness, stored plans.
 * Every write is audited in the caller's transaction (callers wrap
 * multi-step changes in db_begin). */
#ifndef KEEL_STORE_ALLOCATION_H
#define KEEL_STORE_ALLOCATION_H
#include "store/db.h"
#include "store/store_audit.h"
#include <jansson.h>

/* The per-period series of a pool: capacity (table pool_capacity, value
 * column capacity) or usage (pool_usage, amount). */
typedef enum PoolSeries { POOL_CAPACITY, POOL_USAGE } PoolSeries;

/* Per-period rows of a pool's series: {id, pool_id, period, period_index,
 * <value>, note} ordered by period; poolId 0 for all pools. */
int store_alloc_period_rows(Db *db, PoolSeries series, int64_t poolId, json_t **ppRows);
/* Insert or replace the row of one period; audited. */
int store_alloc_period_put(Db *db, const Actor *actor, PoolSeries series, int64_t poolId,
                           const char *zPeriod, int64_t periodIndex, double value,
                           const char *zNote);

/* Initiatives with what planning needs: {id, title, stage, expected_value,
 * owner_id, n_links, duration, mandatory, started_period} (duration,
 * mandatory, started_period null when never set), by id. */
int store_alloc_initiatives(Db *db, json_t **ppRows);
/* The planning attributes row of one initiative into *ppRow (NULL when
 * none was ever set). */
int store_alloc_attrs(Db *db, int64_t initiativeId, json_t **ppRow);
/* Insert or replace the planning attributes; audited. zStarted may be NULL. */
int store_alloc_attrs_put(Db *db, const Actor *actor, int64_t initiativeId, int64_t duration,
                          int bMandatory, const char *zStarted);

/* Demands {initiative_id, pool_id, pool, amounts (text JSON)} of one
 * initiative, or of all when initiativeId is 0, by initiative and pool. */
int store_alloc_demands(Db *db, int64_t initiativeId, json_t **ppRows);
/* Replace the demands of an initiative by demands [{pool_id, amounts}]
 * (amounts a JSON number or array, borrowed); audited as one entry. */
int store_alloc_demands_replace(Db *db, const Actor *actor, int64_t initiativeId,
                                const json_t *demands);

/* Edges between initiatives: dependencies (table initiative_dependency;
 * {initiative_id, other_id}: the initiative depends on other) or exclusive
 * pairs (initiative_exclusion: unordered, stored with initiative_id <
 * other_id). */
typedef enum EdgeKind { EDGE_DEPENDENCY, EDGE_EXCLUSION } EdgeKind;
int store_alloc_edges(Db *db, EdgeKind kind, json_t **ppRows);
/* Replace the edges of an initiative by ids (array of integers, borrowed):
 * for dependencies those it depends on, for exclusions every pair that
 * names it; audited. */
int store_alloc_edges_replace(Db *db, const Actor *actor, EdgeKind kind, int64_t initiativeId,
                              const json_t *ids);

/* People {id, name, skills, capacity_fte}. */
int store_alloc_people(Db *db, json_t **ppRows);
/* Team members with person name and initiative title and stage; of one
 * initiative or all (0). */
int store_alloc_team(Db *db, int64_t initiativeId, json_t **ppRows);

/* Links of data assets {asset_id, initiative_id, title, stage, purpose}, of one
 * asset or all (0). */
int store_alloc_asset_links(Db *db, int64_t assetId, json_t **ppRows);
/* Every link of assetId (0: of every asset) with the asset's stored
 * purposes (",a,b,"), whether it is personal, and the initiative's
 * purpose: [{asset_id, asset, purposes, personal_data, initiative_id,
 * initiative, purpose}]. */
int store_alloc_link_purposes(Db *db, int64_t assetId, json_t **ppRows);
/* Replace the initiatives an asset is linked to; audited. */
int store_alloc_asset_links_replace(Db *db, const Actor *actor, int64_t assetId, const json_t *ids);
/* Record a readiness profile of an asset (reasons and summary are JSON
 * text) and set the asset's readiness_score and profiled_at; audited. */
int store_alloc_profile_add(Db *db, const Actor *actor, int64_t assetId, double score,
                            int64_t nRows, int64_t nCols, const char *zReasons,
                            const char *zSummary, int64_t *pId);
/* The latest profile of an asset {id, score, n_rows, n_columns, reasons,
 * summary, actor, created_at, sample_retained_until} in *ppRow (NULL if
 * never profiled). */
int store_alloc_profile_latest(Db *db, int64_t assetId, json_t **ppRow);
/* Keep a sample until zUntil (ISO 8601); audited without its content. */
int store_alloc_sample_add(Db *db, const Actor *actor, int64_t assetId, int64_t profileId,
                           const char *z, size_t n, const char *zUntil);
/* The latest sample of an asset still kept at zNow {id, profile_id,
 * content, retain_until, created_at} in *ppRow, NULL when none. */
int store_alloc_sample_latest(Db *db, int64_t assetId, const char *zNow, json_t **ppRow);
/* Delete samples whose retention ended before zNow, each audited as
 * purge_sample; *pn gets how many. Run it in a transaction. */
int store_alloc_samples_purge(Db *db, const Actor *actor, const char *zNow, int64_t *pn);
/* The lowest readiness score among the profiled assets linked to an
 * initiative: *pbFound 0 when none is profiled. */
int store_alloc_asset_min_score(Db *db, int64_t initiativeId, double *pScore, int *pbFound);

/* The account that scores measured data readiness (created disabled, with
 * no usable password, on first use). */
int store_alloc_system_account(Db *db, const Actor *actor, int64_t *pId);
/* Remove one scorer's score of one criterion; audited when it existed. */
int store_alloc_score_clear(Db *db, const Actor *actor, int64_t initiativeId, int64_t criterionId,
                            int64_t accountId);
/* The id of criterion zKey, 0 when absent. */
int store_alloc_criterion_id(Db *db, const char *zKey, int64_t *pId);

/* A stored plan. */
typedef struct PlanRow {
    const char *zKind;        /* solve, replan, scenario, frontier, compare */
    int64_t scenarioId;       /* 0 for none */
    const char *zHash;        /* SHA-256 of the input, hex */
    const char *zFirst;       /* first period planned */
    int64_t nPeriods;         /* periods planned */
    double timeLimit;         /* seconds granted */
    const char *zStatus;      /* the engine's status */
    double value, bound, gap; /* NAN when absent */
    const char *zInput;       /* input JSON text */
    const char *zResult;      /* result JSON text */
} PlanRow;
int store_alloc_plan_add(Db *db, const Actor *actor, const PlanRow *p, int64_t *pId);
/* Plans newest first without their JSON {id, kind, scenario_id, actor,
 * created_at, input_hash, first_period, n_periods, time_limit, status,
 * value, bound, gap}; *pTotal counts all. */
int store_alloc_plans(Db *db, int64_t limit, int64_t offset, json_t **ppRows, int64_t *pTotal);
/* One plan with input_json and result_json text; KEEL_ENOTFOUND. With
 * id 0: the latest plan of kind solve or replan. */
int store_alloc_plan(Db *db, int64_t id, json_t **ppRow);

/* Every pool with its planning fields, ordered by key. */
int store_alloc_pools(Db *db, json_t **ppRows);
/* Number of retained samples due for deletion at zNow. */
int store_alloc_samples_due(Db *db, const char *zNow, int64_t *pn);

#endif
