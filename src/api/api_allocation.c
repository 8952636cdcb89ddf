/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 2 endpoints: /api/v1/pools (capacity, usage, the report of plan
 * versus actual with break-even), /initiatives/{id}/plan and /team,
 * /teams, /data-assets (and their profiles), /scenarios, /plan (input,
 * solve, compare, frontier) and /plans. Thin: parse, call domain/,
 * render. */
#include "api/api.h"
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "domain/rows.h"
#include "store/store_allocation.h"
#include "store/store_crud.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Query ?name= as an integer in [lo, hi] (dflt when absent). */
static int query_int(Req *req, const char *zName, long lo, long hi, long dflt, long *pv) {
    const char *z = req_query(req, zName);
    *pv = dflt;
    if (!z) return 0;
    char *end;
    long v = strtol(z, &end, 10);
    if (!*z || *end || v < lo || v > hi)
        return err_set(&req->err, KEEL_EINVAL, zName, "%s must be an integer from %ld to %ld",
                       zName, lo, hi);
    *pv = v;
    return 0;
}

/* Refuse query parameters other than azKnown. */
typedef struct KnownCtx {
    Req *req;
    const char *const *az;
    int rc;
} KnownCtx;

static int known_arg(void *cls, const char *zKey, const char *zValue) {
    (void)zValue;
    KnownCtx *c = cls;
    for (int i = 0; c->az[i]; i++)
        if (strcmp(c->az[i], zKey) == 0) return 1;
    c->rc = err_set(&c->req->err, KEEL_EINVAL, zKey, "unknown query parameter '%.40s'", zKey);
    return 0;
}

int api_query_only(Req *req, const char *const *az) {
    KnownCtx c = {req, az, 0};
    req_query_foreach(req, known_arg, &c);
    return c.rc;
}

/* The horizon from ?from=&periods= (zFrom when there is no from). */
static int query_horizon(Req *req, const char *zFrom, AllocHorizon *h) {
    long n;
    int rc = query_int(req, "periods", 1, ALLOC_MAX_PERIODS, 8, &n);
    const char *z = req_query(req, "from");
    return rc ? rc : alloc_horizon(req->db, z ? z : zFrom, (int)n, h, &req->err);
}

/* ---- pools ---- */
int api_pools_list(Req *req, Resp *resp) { return api_crud_list(req, resp, &resource_pool); }

int api_pools_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = alloc_pool_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_pool, id, 201, "/api/v1/pools");
}

int api_pools_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = alloc_pool_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return api_not_found(req, "pool", req->aParam[0]);
    return api_answer(resp, rc, o);
}

int api_pools_update(Req *req, Resp *resp) {
    int rc = alloc_pool_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_pools_get(req, resp);
}

int api_pools_delete(Req *req, Resp *resp) { return api_crud_delete(req, resp, &resource_pool); }

/* GET capacity or usage rows of a pool. */
static int period_list(Req *req, Resp *resp, PoolSeries series, const ResourceDef *r) {
    json_t *p, *rows;
    int rc = store_crud_get(req->db, &resource_pool, req->aParam[0], &p);
    if (rc == KEEL_ENOTFOUND) return api_not_found(req, "pool", req->aParam[0]);
    if (rc) return rc;
    json_decref(p);
    if ((rc = store_alloc_period_rows(req->db, series, req->aParam[0], &rows))) return rc;
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) { json_object_del(x, "period_index"); }
    size_t n = json_array_size(rows);
    api_list_respond(req, resp, r, rows, (int64_t)n, (int64_t)n, 0);
    return 0;
}

/* POST {"<zKey>":[rows]} or CSV: all rows or none, every bad row listed. */
static int period_import(Req *req, Resp *resp, PoolSeries series, const ResourceDef *r,
                         const char *zKey) {
    json_t *rows = NULL, *lines = NULL, *rowErrors = NULL;
    int rc = 0;
    if (req->bBodyCsv) {
        rc = rows_from_csv(req->body.z ? req->body.z : "", req->body.n, r, &rows, &lines,
                           &rowErrors, &req->err);
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(req->pJson, k, v) {
            if (strcmp(k, zKey))
                return err_set(&req->err, KEEL_EINVAL, k,
                               "unknown field '%.40s'; send {\"%s\":[...]}", k, zKey);
        }
        rows = json_incref(json_object_get(req->pJson, zKey));
    }
    int n = 0;
    if (rc == 0)
        rc = alloc_period_import(req->db, &req->who, req->aParam[0], series, rows, lines, &n,
                                 &rowErrors, &req->err);
    return api_import_done(req, resp, rc, rows, lines, rowErrors, n);
}

int api_pool_capacity_list(Req *req, Resp *resp) {
    return period_list(req, resp, POOL_CAPACITY, &resource_pool_capacity);
}
int api_pool_capacity_import(Req *req, Resp *resp) {
    return period_import(req, resp, POOL_CAPACITY, &resource_pool_capacity, "capacity");
}
int api_pool_usage_list(Req *req, Resp *resp) {
    return period_list(req, resp, POOL_USAGE, &resource_pool_usage);
}
int api_pool_usage_import(Req *req, Resp *resp) {
    return period_import(req, resp, POOL_USAGE, &resource_pool_usage, "usage");
}

/* ?threshold= as a utilisation from 0 to 1 (ALLOC_IDLE_DEFAULT when absent). */
static int query_threshold(Req *req, double *pv) {
    const char *z = req_query(req, "threshold");
    *pv = ALLOC_IDLE_DEFAULT;
    if (!z) return 0;
    char *end;
    *pv = strtod(z, &end);
    if (!*z || *end || !(*pv >= 0 && *pv <= 1))
        return err_set(&req->err, KEEL_EINVAL, "threshold",
                       "threshold is a utilisation from 0 to 1 (default 0.4)");
    return 0;
}

int api_pools_preview(Req *req, Resp *resp) {
    static const char *const az[] = {"id", "threshold", NULL};
    long id;
    double threshold;
    int rc = api_query_only(req, az);
    if (rc == 0) rc = query_int(req, "id", 1, 2000000000L, 0, &id);
    if (rc == 0) rc = query_threshold(req, &threshold);
    json_t *o;
    if (rc == 0) rc = alloc_pool_preview(req->db, id, req->pJson, threshold, &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_pools_report(Req *req, Resp *resp) {
    static const char *const az[] = {"from", "periods", "threshold", NULL};
    AllocHorizon h;
    char zFrom[12];
    double threshold;
    alloc_report_default_from(req->db, zFrom);
    int rc = api_query_only(req, az);
    if (rc == 0) rc = query_horizon(req, zFrom, &h);
    if (rc == 0) rc = query_threshold(req, &threshold);
    if (rc) return rc;
    json_t *o;
    if ((rc = alloc_pools_report(req->db, &h, threshold, &o))) return rc;
    char zCur[12];
    alloc_current_quarter(req->db, zCur);
    json_object_set_new(o, "current_period", json_string(zCur));
    resp_json(resp, 200, o);
    return 0;
}

/* ---- initiative planning attributes and teams ---- */
int api_initiative_plan_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = alloc_attrs_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return api_not_found(req, "initiative", req->aParam[0]);
    return api_answer(resp, rc, o);
}

int api_initiative_plan_put(Req *req, Resp *resp) {
    int rc = alloc_attrs_set(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_initiative_plan_get(req, resp);
}

int api_team_list(Req *req, Resp *resp) {
    return api_child_list(req, resp, &resource_initiative, store_alloc_team, &resource_team_member);
}

int api_team_add(Req *req, Resp *resp) {
    int64_t id;
    int rc = alloc_team_add(req->db, &req->who, req->aParam[0], req->pJson, &id, &req->err);
    return rc ? rc : api_child_created(req, resp, &resource_team_member, id);
}

int api_team_update(Req *req, Resp *resp) {
    int rc = alloc_team_update(req->db, &req->who, req->aParam[0], req->aParam[1], req->pJson,
                               &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_team_member, req->aParam[1], 200, NULL);
}

int api_team_delete(Req *req, Resp *resp) {
    (void)resp;
    return alloc_team_delete(req->db, &req->who, req->aParam[0], req->aParam[1], &req->err);
}

int api_teams(Req *req, Resp *resp) { return api_read(req, resp, alloc_teams_report); }

/* ---- data assets ---- */
int api_assets_list(Req *req, Resp *resp) {
    int64_t n;
    int rc = alloc_samples_purge(req->db, &n);
    return rc ? rc : api_list_decorated(req, resp, &resource_data_asset, alloc_asset_decorate);
}

int api_assets_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = alloc_asset_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return api_not_found(req, "data asset", req->aParam[0]);
    return api_answer(resp, rc, o);
}

int api_assets_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = alloc_asset_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_created(req, resp, id, "/api/v1/data-assets", api_assets_get);
}

int api_assets_update(Req *req, Resp *resp) {
    int rc = alloc_asset_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_assets_get(req, resp);
}

int api_assets_delete(Req *req, Resp *resp) {
    return api_crud_delete(req, resp, &resource_data_asset);
}

int api_assets_profile(Req *req, Resp *resp) {
    static const char *const az[] = {"label", "retain_days", NULL};
    long days;
    int rc = api_query_only(req, az);
    if (rc == 0) rc = query_int(req, "retain_days", 0, 365, 0, &days);
    if (rc) return rc;
    if (!req->bBodyCsv)
        return err_set(&req->err, KEEL_EINVAL, "body",
                       "send the sample as text/csv (a header row, then rows)");
    json_t *o;
    rc = alloc_asset_profile(req->db, &req->who, req->aParam[0], req->body.z ? req->body.z : "",
                             req->body.n, req_query(req, "label"), (int)days, &o, &req->err);
    if (rc) return rc;
    resp_json(resp, 201, o);
    return 0;
}

/* k-anonymity: GET over the sample kept, POST over a CSV sent. */
int api_assets_kanon(Req *req, Resp *resp) {
    static const char *const az[] = {"columns", "threshold", NULL};
    long k;
    int rc = api_query_only(req, az);
    if (rc == 0) rc = query_int(req, "threshold", 2, 1000000, 5, &k);
    if (rc) return rc;
    int bPost = strcmp(req->zMethod, "POST") == 0;
    if (bPost && (!req->bBodyCsv || req->body.n == 0))
        return err_set(&req->err, KEEL_EINVAL, "body",
                       "send the sample as text/csv (a header row, then rows), or GET to use the "
                       "sample kept");
    json_t *o;
    rc = alloc_asset_kanon(req->db, &req->who, req->aParam[0], bPost ? req->body.z : NULL,
                           bPost ? req->body.n : 0, req_query(req, "columns"), (int)k, &o,
                           &req->err);
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

/* ---- scenarios ---- */
int api_scenarios_list(Req *req, Resp *resp) {
    int rc = api_crud_list(req, resp, &resource_scenario);
    if (rc || req->bWantCsv || resp->status != 200) return rc;
    json_t *page = json_loadb(resp->zBody, resp->nBody, 0, NULL);
    if (!page) return KEEL_ENOMEM;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(page, "items"), i, x) { alloc_scenario_decorate(x); }
    resp_json(resp, 200, page);
    return 0;
}

int api_scenarios_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = alloc_scenario_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return api_not_found(req, "scenario", req->aParam[0]);
    return api_answer(resp, rc, o);
}

int api_scenarios_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = alloc_scenario_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_created(req, resp, id, "/api/v1/scenarios", api_scenarios_get);
}

int api_scenarios_update(Req *req, Resp *resp) {
    int rc = alloc_scenario_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_scenarios_get(req, resp);
}

int api_scenarios_delete(Req *req, Resp *resp) {
    return api_crud_delete(req, resp, &resource_scenario);
}
