/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Planning endpoints: GET /api/v1/plan/input (exactly the file `keel plan
 * solve --input` reads), POST /api/v1/plan/solve, /compare, /frontier,
 * and the stored plans. Thin: parse, call domain/allocation, render. */
#include "api/api.h"
#include "domain/allocation.h"
#include "store/store_allocation.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_plan_input(Req *req, Resp *resp) {
    static const char *const azKnown[] = {"from", "periods", "scenario_id", NULL};
    int rc0 = api_query_only(req, azKnown);
    if (rc0) return rc0;
    const char *zPeriods = req_query(req, "periods"), *zScenario = req_query(req, "scenario_id");
    int n = 0;
    json_t *scenario = NULL;
    if (zPeriods) {
        char *end;
        long v = strtol(zPeriods, &end, 10);
        if (!*zPeriods || *end || v < 1 || v > ALLOC_MAX_PERIODS)
            return err_set(&req->err, KEEL_EINVAL, "periods", "periods must be from 1 to %d",
                           ALLOC_MAX_PERIODS);
        n = (int)v;
    }
    if (zScenario) {
        char *end;
        long long v = strtoll(zScenario, &end, 10);
        int rc = !*zScenario || *end || v < 1 ? KEEL_ENOTFOUND
                                              : alloc_scenario_get(req->db, v, &scenario);
        if (rc == KEEL_ENOTFOUND)
            return err_set(&req->err, KEEL_EINVAL, "scenario_id", "no scenario '%.20s'", zScenario);
        if (rc) return rc;
    }
    AllocHorizon h;
    json_t *input = NULL;
    int rc = alloc_horizon(req->db, req_query(req, "from"), n, &h, &req->err);
    if (rc == 0) rc = alloc_plan_input(req->db, &h, scenario, &input, NULL, &req->err);
    json_decref(scenario);
    return api_answer(resp, rc, input);
}

/* Run x and answer 201 with the stored plan's Location. */
static int plan_post(Req *req, Resp *resp,
                     int (*x)(Db *, const Principal *, const json_t *, json_t **, KeelError *)) {
    json_t *o;
    int rc = x(req->db, &req->who, req->pJson, &o, &req->err);
    if (rc) return rc;
    json_t *id = json_object_get(o, "plan_id");
    if (json_is_integer(id))
        snprintf(resp->zLocation, sizeof resp->zLocation, "/api/v1/plans/%lld",
                 (long long)json_integer_value(id));
    resp_json(resp, 201, o);
    return 0;
}

int api_plan_solve(Req *req, Resp *resp) { return plan_post(req, resp, alloc_plan_solve); }
int api_plan_compare(Req *req, Resp *resp) {
    json_t *o;
    int rc = alloc_plan_compare(req->db, &req->who, req->pJson, &o, &req->err);
    return api_answer(resp, rc, o);
}
int api_plan_frontier(Req *req, Resp *resp) { return plan_post(req, resp, alloc_plan_frontier); }

int api_plans_list(Req *req, Resp *resp) {
    int64_t limit, offset, total;
    int rc = api_page(req, &limit, &offset);
    json_t *rows;
    if (rc == 0) rc = store_alloc_plans(req->db, limit, offset, &rows, &total);
    if (rc) return rc;
    api_list_respond(req, resp, NULL, rows, total, limit, offset);
    return 0;
}

int api_plans_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = alloc_plan_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return err_no_id(&req->err, rc, "id", "plan", req->aParam[0]);
    return api_answer(resp, rc, o);
}
