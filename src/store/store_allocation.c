/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for resource allocation; see store_allocation.h. */
#include "store/store_allocation.h"
#include "store/store_period.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void now_iso(char *z, size_t n) { time_iso(time_now(), z, n); }

/* The table of each PoolSeries. */
static const PeriodTable aSeries[] = {{"pool_capacity", "pool_id", "capacity"},
                                      {"pool_usage", "pool_id", "amount"}};

int store_alloc_period_rows(Db *db, PoolSeries series, int64_t poolId, json_t **ppRows) {
    const char *zTable = aSeries[series].zTable, *zCol = aSeries[series].zValue;
    char zSql[256];
    snprintf(zSql, sizeof zSql,
             "SELECT id, pool_id, period, period_index, %s, note FROM %s WHERE (? = 0 OR pool_id "
             "= ?) ORDER BY pool_id, period_index, period",
             zCol, zTable);
    return db_select_json(db, ppRows, zSql, "ii", poolId, poolId);
}

int store_alloc_period_put(Db *db, const Actor *actor, PoolSeries series, int64_t poolId,
                           const char *zPeriod, int64_t periodIndex, double value,
                           const char *zNote) {
    return store_period_value_put(db, actor, &aSeries[series], poolId, zPeriod, periodIndex, value,
                                  zNote);
}

int store_alloc_initiatives(Db *db, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT i.id, i.title, i.stage, i.expected_value, i.owner_id, (SELECT count(*) FROM "
        "initiative_link l WHERE l.initiative_id = i.id) AS n_links, p.duration, p.mandatory, "
        "p.started_period FROM initiative i LEFT JOIN initiative_plan p ON p.initiative_id = i.id "
        "ORDER BY i.id",
        NULL);
}

int store_alloc_attrs(Db *db, int64_t initiativeId, json_t **ppRow) {
    int rc = db_select_json_row(db, ppRow,
                                "SELECT initiative_id, duration, mandatory, started_period, "
                                "updated_at FROM initiative_plan WHERE initiative_id = ?",
                                "i", initiativeId);
    return rc == KEEL_ENOTFOUND ? 0 : rc;
}

int store_alloc_attrs_put(Db *db, const Actor *actor, int64_t initiativeId, int64_t duration,
                          int bMandatory, const char *zStarted) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    json_t *before;
    int rc = store_alloc_attrs(db, initiativeId, &before);
    if (rc) return rc;
    if (before)
        rc = db_run(db,
                    "UPDATE initiative_plan SET duration = ?, mandatory = ?, started_period = ?, "
                    "updated_at = ? WHERE initiative_id = ?",
                    "iitti", duration, (int64_t)bMandatory, zStarted, zNow, initiativeId);
    else
        rc = db_run(db,
                    "INSERT INTO initiative_plan(initiative_id, duration, mandatory, "
                    "started_period, created_at, updated_at) VALUES(?,?,?,?,?,?)",
                    "iiittt", initiativeId, duration, (int64_t)bMandatory, zStarted, zNow, zNow);
    if (rc == 0) {
        json_t *after = json_pack("{sI sI sb so}", "initiative_id", (json_int_t)initiativeId,
                                  "duration", (json_int_t)duration, "mandatory", bMandatory,
                                  "started_period", zStarted ? json_string(zStarted) : json_null());
        rc = store_audit_append(db, actor, before ? "update" : "create", "initiative_plan",
                                initiativeId, before, after);
        json_decref(after);
    }
    json_decref(before);
    return rc;
}

int store_alloc_demands(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT d.initiative_id, d.pool_id, p.key AS pool, d.amounts FROM "
                          "initiative_demand d JOIN resource_pool p ON p.id = d.pool_id WHERE (? = "
                          "0 OR d.initiative_id = ?) ORDER BY d.initiative_id, p.key",
                          "ii", initiativeId, initiativeId);
}

/* Inserts the link row of ownerId for item (ctx: the caller's). */
typedef int (*LinkInsert)(Db *db, int64_t ownerId, const json_t *item, const char *zNow,
                          const void *ctx);

/* The end of replacing the link rows of ownerId, after the DELETE (rc its
 * answer): each of items through fnInsert, then one "update" audit entry
 * of zEntity from before (taken) to items. */
static int links_insert(Db *db, const Actor *actor, const char *zEntity, int64_t ownerId,
                        json_t *before, int rc, const json_t *items, LinkInsert fnInsert,
                        const void *ctx) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) {
        if (rc) break;
        rc = fnInsert(db, ownerId, x, zNow, ctx);
    }
    if (rc == 0) rc = store_audit_append(db, actor, "update", zEntity, ownerId, before, items);
    json_decref(before);
    return rc;
}

static int demand_insert(Db *db, int64_t initiativeId, const json_t *d, const char *zNow,
                         const void *ctx) {
    (void)ctx;
    char *zAmounts = json_dumps(json_object_get(d, "amounts"), JSON_COMPACT | JSON_ENCODE_ANY);
    if (!zAmounts) return KEEL_ENOMEM;
    int rc =
        db_run(db,
               "INSERT INTO initiative_demand(initiative_id, pool_id, amounts, created_at, "
               "updated_at) VALUES(?,?,?,?,?)",
               "iittt", initiativeId, (int64_t)json_integer_value(json_object_get(d, "pool_id")),
               zAmounts, zNow, zNow);
    free(zAmounts);
    return rc;
}

int store_alloc_demands_replace(Db *db, const Actor *actor, int64_t initiativeId,
                                const json_t *demands) {
    json_t *before;
    int rc = store_alloc_demands(db, initiativeId, &before);
    if (rc) return rc;
    rc = db_run(db, "DELETE FROM initiative_demand WHERE initiative_id = ?", "i", initiativeId);
    return links_insert(db, actor, "initiative_demand", initiativeId, before, rc, demands,
                        demand_insert, NULL);
}

/* The table and second column of each EdgeKind. */
static const struct {
    const char *zTable, *zCol;
} aEdge[] = {{"initiative_dependency", "depends_on_id"}, {"initiative_exclusion", "other_id"}};

int store_alloc_edges(Db *db, EdgeKind kind, json_t **ppRows) {
    const char *zTable = aEdge[kind].zTable, *zCol = aEdge[kind].zCol;
    char zSql[160];
    snprintf(zSql, sizeof zSql, "SELECT initiative_id, %s AS other_id FROM %s ORDER BY 1, 2", zCol,
             zTable);
    return db_select_json(db, ppRows, zSql, NULL);
}

/* The INSERT of an edge; a pair (an exclusion) is stored once, lower id
 * first. */
typedef struct {
    const char *zSql;
    int bPair;
} EdgeInsert;

static int edge_insert(Db *db, int64_t initiativeId, const json_t *v, const char *zNow,
                       const void *ctx) {
    const EdgeInsert *p = ctx;
    int64_t a = initiativeId, b = (int64_t)json_integer_value(v);
    if (p->bPair && b < a) a = b, b = initiativeId;
    return db_run(db, p->zSql, "iit", a, b, zNow);
}

int store_alloc_edges_replace(Db *db, const Actor *actor, EdgeKind kind, int64_t initiativeId,
                              const json_t *ids) {
    const char *zTable = aEdge[kind].zTable, *zCol = aEdge[kind].zCol;
    int bPair = kind == EDGE_EXCLUSION;
    char zSql[200];
    json_t *before;
    snprintf(zSql, sizeof zSql,
             "SELECT initiative_id, %s AS other_id FROM %s WHERE initiative_id = ? %s ORDER BY 1, "
             "2",
             zCol, zTable, bPair ? "OR other_id = ?" : "");
    const char *zFmt = bPair ? "ii" : "i"; /* an exclusion pair: the id on either side */
    int rc = db_select_json(db, &before, zSql, zFmt, initiativeId, initiativeId);
    if (rc) return rc;
    snprintf(zSql, sizeof zSql, "DELETE FROM %s WHERE initiative_id = ? %s", zTable,
             bPair ? "OR other_id = ?" : "");
    rc = db_run(db, zSql, zFmt, initiativeId, initiativeId);
    snprintf(zSql, sizeof zSql, "INSERT INTO %s(initiative_id, %s, created_at) VALUES(?,?,?)",
             zTable, zCol);
    EdgeInsert ins = {zSql, bPair};
    return links_insert(db, actor, zTable, initiativeId, before, rc, ids, edge_insert, &ins);
}

int store_alloc_people(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, name, skills, capacity_fte FROM person ORDER BY id", NULL);
}

int store_alloc_team(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT t.id, t.initiative_id, i.title, i.stage, t.person_id, p.name AS person, t.skill, "
        "t.fte, t.note, t.created_at, t.updated_at FROM team_member t JOIN person p ON p.id = "
        "t.person_id JOIN initiative i ON i.id = t.initiative_id WHERE (? = 0 OR "
        "t.initiative_id = ?) ORDER BY t.initiative_id, t.id",
        "ii", initiativeId, initiativeId);
}

int store_alloc_asset_links(Db *db, int64_t assetId, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT l.asset_id, l.initiative_id, i.title, i.stage, i.purpose "
        "FROM data_asset_link l JOIN initiative i ON i.id = l.initiative_id WHERE (? "
        "= 0 OR l.asset_id = ?) ORDER BY l.asset_id, l.initiative_id",
        "ii", assetId, assetId);
}

int store_alloc_link_purposes(Db *db, int64_t assetId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT a.id AS asset_id, a.name AS asset, a.purposes, a.personal_data, "
                          "i.id AS initiative_id, i.title AS initiative, i.purpose FROM "
                          "data_asset_link l JOIN data_asset a ON a.id = l.asset_id JOIN "
                          "initiative i ON i.id = l.initiative_id WHERE (? = 0 OR l.asset_id = ?) "
                          "ORDER BY a.name, i.id",
                          "ii", assetId, assetId);
}

static int asset_link_insert(Db *db, int64_t assetId, const json_t *v, const char *zNow,
                             const void *ctx) {
    (void)ctx;
    return db_run(db,
                  "INSERT INTO data_asset_link(asset_id, initiative_id, created_at) "
                  "VALUES(?,?,?)",
                  "iit", assetId, (int64_t)json_integer_value(v), zNow);
}

int store_alloc_asset_links_replace(Db *db, const Actor *actor, int64_t assetId,
                                    const json_t *ids) {
    json_t *before;
    int rc = store_alloc_asset_links(db, assetId, &before);
    if (rc) return rc;
    rc = db_run(db, "DELETE FROM data_asset_link WHERE asset_id = ?", "i", assetId);
    return links_insert(db, actor, "data_asset_link", assetId, before, rc, ids, asset_link_insert,
                        NULL);
}

int store_alloc_profile_add(Db *db, const Actor *actor, int64_t assetId, double score,
                            int64_t nRows, int64_t nCols, const char *zReasons,
                            const char *zSummary, int64_t *pId) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc = db_insert(db, pId,
                       "INSERT INTO data_asset_profile(asset_id, score, n_rows, n_columns, "
                       "reasons, summary, account_id, actor, created_at) VALUES(?,?,?,?,?,?,?,?,?)",
                       "idiittitt", assetId, score, nRows, nCols, zReasons, zSummary, actor->id,
                       actor->zName, zNow);
    if (rc) return rc;
    rc = db_run(db, "UPDATE data_asset SET readiness_score = ?, profiled_at = ? WHERE id = ?",
                "dti", score, zNow, assetId);
    if (rc) return rc;
    json_t *after = json_pack("{sI sf sI sI}", "profile_id", (json_int_t)*pId, "score", score,
                              "rows", (json_int_t)nRows, "columns", (json_int_t)nCols);
    rc = store_audit_append(db, actor, "profile", "data_asset", assetId, NULL, after);
    json_decref(after);
    return rc;
}

int store_alloc_profile_latest(Db *db, int64_t assetId, json_t **ppRow) {
    int rc = db_select_json_row(
        db, ppRow,
        "SELECT f.id, f.score, f.n_rows, f.n_columns, f.reasons, f.summary, f.actor, "
        "f.created_at, (SELECT max(s.retain_until) FROM data_asset_sample s WHERE s.profile_id = "
        "f.id) AS sample_retained_until FROM data_asset_profile f WHERE f.asset_id = ? ORDER BY "
        "f.id DESC LIMIT 1",
        "i", assetId);
    return rc == KEEL_ENOTFOUND ? 0 : rc;
}

int store_alloc_sample_add(Db *db, const Actor *actor, int64_t assetId, int64_t profileId,
                           const char *z, size_t n, const char *zUntil) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    char *zCopy = malloc(n + 1);
    if (!zCopy) return KEEL_ENOMEM;
    memcpy(zCopy, z, n);
    zCopy[n] = 0;
    int rc = db_run(db,
                    "INSERT INTO data_asset_sample(asset_id, profile_id, content, retain_until, "
                    "created_at) VALUES(?,?,?,?,?)",
                    "iittt", assetId, profileId, zCopy, zUntil, zNow);
    free(zCopy);
    if (rc) return rc;
    json_t *after = json_pack("{sI sI ss}", "profile_id", (json_int_t)profileId, "bytes",
                              (json_int_t)n, "retain_until", zUntil);
    rc = store_audit_append(db, actor, "retain_sample", "data_asset", assetId, NULL, after);
    json_decref(after);
    return rc;
}

int store_alloc_samples_purge(Db *db, const Actor *actor, const char *zNow, int64_t *pn) {
    json_t *rows;
    *pn = 0;
    int rc = db_select_json(db, &rows,
                            "SELECT id, asset_id, profile_id, retain_until FROM data_asset_sample "
                            "WHERE retain_until < ? ORDER BY id",
                            "t", zNow);
    if (rc) return rc;
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        rc = db_run(db, "DELETE FROM data_asset_sample WHERE id = ?", "i",
                    (int64_t)json_integer_value(json_object_get(x, "id")));
        if (rc == 0)
            rc = store_audit_append(db, actor, "purge_sample", "data_asset",
                                    json_integer_value(json_object_get(x, "asset_id")), x, NULL);
        if (rc) break;
        (*pn)++;
    }
    json_decref(rows);
    return rc;
}

int store_alloc_asset_min_score(Db *db, int64_t initiativeId, double *pScore, int *pbFound) {
    json_t *row;
    int rc = db_select_json_row(db, &row,
                                "SELECT min(a.readiness_score) AS s FROM data_asset a JOIN "
                                "data_asset_link l ON l.asset_id = a.id WHERE l.initiative_id = ? "
                                "AND a.readiness_score IS NOT NULL",
                                "i", initiativeId);
    if (rc && rc != KEEL_ENOTFOUND) return rc;
    json_t *s = json_object_get(row, "s");
    *pbFound = json_is_number(s);
    *pScore = *pbFound ? json_number_value(s) : NAN;
    json_decref(row);
    return 0;
}

#define SYSTEM_SCORER_EMAIL "data-readiness@system.keel.invalid"

int store_alloc_system_account(Db *db, const Actor *actor, int64_t *pId) {
    *pId = 0;
    int rc =
        db_query_int(db, pId, "SELECT id FROM account WHERE email = ?", "t", SYSTEM_SCORER_EMAIL);
    if (rc == 0) return 0;
    if (rc != KEEL_ENOTFOUND) return rc;
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    /* "!" is no argon2id hash: no password ever matches; and it is disabled */
    rc = db_insert(db, pId,
                   "INSERT INTO account(email, name, role, password_hash, disabled, created_at, "
                   "updated_at) VALUES(?, 'keel: measured data readiness', 'viewer', '!', 1, ?, ?)",
                   "ttt", SYSTEM_SCORER_EMAIL, zNow, zNow);
    if (rc) return rc;
    json_t *after = json_pack("{sI ss ss sb}", "id", (json_int_t)*pId, "email", SYSTEM_SCORER_EMAIL,
                              "role", "viewer", "disabled", 1);
    rc = store_audit_append(db, actor, "create", "account", *pId, NULL, after);
    json_decref(after);
    return rc;
}

int store_alloc_score_clear(Db *db, const Actor *actor, int64_t initiativeId, int64_t criterionId,
                            int64_t accountId) {
    int rc = db_run(db,
                    "DELETE FROM score WHERE initiative_id = ? AND criterion_id = ? AND "
                    "account_id = ?",
                    "iii", initiativeId, criterionId, accountId);
    if (rc || db_changes(db) == 0) return rc;
    json_t *before = json_pack("{sI sI}", "criterion_id", (json_int_t)criterionId, "account_id",
                               (json_int_t)accountId);
    rc = store_audit_append(db, actor, "unscore", "initiative", initiativeId, before, NULL);
    json_decref(before);
    return rc;
}

int store_alloc_criterion_id(Db *db, const char *zKey, int64_t *pId) {
    return db_query_int_or0(db, pId, "SELECT id FROM criterion WHERE key = ?", "t", zKey);
}

int store_alloc_plan_add(Db *db, const Actor *actor, const PlanRow *p, int64_t *pId) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    /* an infinite bound or gap is stored as none, like NaN */
    const double aNum[3] = {isfinite(p->value) ? p->value : NAN,
                            isfinite(p->bound) ? p->bound : NAN, isfinite(p->gap) ? p->gap : NAN};
    int rc = db_insert(db, pId,
                       "INSERT INTO plan(kind, scenario_id, account_id, actor, created_at, "
                       "input_hash, first_period, n_periods, time_limit, status, value, bound, "
                       "gap, input_json, result_json) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       "tkkttttidtrrrtt", p->zKind, p->scenarioId, actor->id, actor->zName, zNow,
                       p->zHash, p->zFirst, p->nPeriods, p->timeLimit, p->zStatus, aNum[0], aNum[1],
                       aNum[2], p->zInput, p->zResult);
    if (rc) return rc;
    json_t *after = json_pack("{sI ss ss ss so}", "id", (json_int_t)*pId, "kind", p->zKind,
                              "status", p->zStatus, "input_hash", p->zHash, "value",
                              isnan(p->value) ? json_null() : json_real(p->value));
    rc = store_audit_append(db, actor, "create", "plan", *pId, NULL, after);
    json_decref(after);
    return rc;
}

int store_alloc_plans(Db *db, int64_t limit, int64_t offset, json_t **ppRows, int64_t *pTotal) {
    int rc = db_query_int(db, pTotal, "SELECT count(*) FROM plan", NULL);
    if (rc) return rc;
    return db_select_json(db, ppRows,
                          "SELECT id, kind, scenario_id, actor, created_at, input_hash, "
                          "first_period, n_periods, time_limit, status, value, bound, gap FROM "
                          "plan ORDER BY id DESC LIMIT ? OFFSET ?",
                          "ii", limit, offset);
}

int store_alloc_plan(Db *db, int64_t id, json_t **ppRow) {
    return db_select_json_row(
        db, ppRow,
        "SELECT id, kind, scenario_id, actor, created_at, input_hash, first_period, n_periods, "
        "time_limit, status, value, bound, gap, input_json, result_json FROM plan WHERE (? > 0 "
        "AND id = ?) OR (? = 0 AND id = (SELECT max(id) FROM plan WHERE kind IN ('solve', "
        "'replan')))",
        "iii", id, id, id);
}

int store_alloc_pools(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, key, name, kind, skill, deployment, capacity, "
                          "price_per_hour, capital_cost, lifetime_periods, "
                          "running_cost_per_period, variable_cost_per_hour, cloud_burst FROM "
                          "resource_pool ORDER BY key",
                          NULL);
}

int store_alloc_samples_due(Db *db, const char *zNow, int64_t *pn) {
    return db_query_int(db, pn, "SELECT count(*) FROM data_asset_sample WHERE retain_until < ?",
                        "t", zNow);
}

int store_alloc_sample_latest(Db *db, int64_t assetId, const char *zNow, json_t **ppRow) {
    int rc = db_select_json_row(db, ppRow,
                                "SELECT id, profile_id, content, retain_until, created_at FROM "
                                "data_asset_sample WHERE asset_id = ? AND retain_until >= ? "
                                "ORDER BY id DESC LIMIT 1",
                                "it", assetId, zNow);
    return rc == KEEL_ENOTFOUND ? 0 : rc;
}
