/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 5 endpoints: actions (/api/v1/actions), quarterly reviews
 * (/api/v1/reviews), realised value and the technology radar
 * (/api/v1/radar). Thin: parse, call domain/, render. */
#include "api/api.h"
#include "domain/action.h"
#include "domain/quarterly.h"
#include "domain/radar.h"
#include "domain/strategy.h"
#include "domain/system.h"
#include "util/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ?name= as a positive id into *pId (0 when absent). */
static int query_id(Req *req, const char *zName, int64_t *pId) {
    const char *z = req_query(req, zName);
    *pId = 0;
    if (!z) return 0;
    char *zEnd;
    long long v = strtoll(z, &zEnd, 10);
    if (*zEnd || v < 1)
        return err_set(&req->err, KEEL_EINVAL, zName, "%s must be a positive integer", zName);
    *pId = v;
    return 0;
}

/* A read over the last ?quarters= quarters (1 to 16, default 8): fn(db,
 * n, &out) answers 200 with out. */
static int answer_quarters(Req *req, Resp *resp, int (*fn)(Db *, int, json_t **)) {
    static const char *const az[] = {"quarters", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    const char *zQ = req_query(req, "quarters");
    int n = zQ ? atoi(zQ) : 8;
    if (zQ && (n < 1 || n > 16))
        return err_set(&req->err, KEEL_EINVAL, "quarters", "quarters is 1 to 16");
    json_t *o;
    if ((rc = fn(req->db, n, &o))) return rc;
    resp_json(resp, 200, o);
    return 0;
}

/* ---- actions ---- */

int api_actions_list(Req *req, Resp *resp) {
    static const char *const az[] = {"status",        "source", "kind",    "review_period",
                                     "initiative_id", "system", "overdue", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    ActionFilter f = {0};
    f.zStatus = req_query(req, "status");
    f.zSource = req_query(req, "source");
    f.zKind = req_query(req, "kind");
    f.zPeriod = req_query(req, "review_period");
    const char *zOver = req_query(req, "overdue"), *zSys = req_query(req, "system");
    if (zOver && strcmp(zOver, "1") && strcmp(zOver, "true") && strcmp(zOver, "0") &&
        strcmp(zOver, "false"))
        return err_set(&req->err, KEEL_EINVAL, "overdue", "overdue is 1 or 0");
    f.bOverdue = zOver && (zOver[0] == '1' || zOver[0] == 't');
    if ((rc = query_id(req, "initiative_id", &f.initiativeId))) return rc;
    if (zSys && !(f.systemId = system_id_by_name(req->db, zSys)))
        return err_set(&req->err, KEEL_EINVAL, "system", "no AI system named '%.64s'", zSys);
    json_t *o;
    if ((rc = action_list(req->db, &f, &o))) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_actions_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = action_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return api_not_found(req, "action", req->aParam[0]);
    return api_answer(resp, rc, o);
}

int api_actions_create(Req *req, Resp *resp) {
    int64_t id;
    int bNew;
    int rc = action_create(req->db, &req->who, req->pJson, &id, &bNew, &req->err);
    if (rc) return rc;
    if (bNew) return api_created(req, resp, id, "/api/v1/actions", api_actions_get);
    /* the finding already has its open action: that one, unchanged */
    req->aParam[0] = id;
    return api_actions_get(req, resp);
}

int api_actions_update(Req *req, Resp *resp) {
    int rc = action_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_actions_get(req, resp);
}

/* ---- quarterly reviews and value ---- */

int api_reviews_list(Req *req, Resp *resp) { return api_read(req, resp, quarterly_list); }

int api_reviews_get(Req *req, Resp *resp) { return api_key_read(req, resp, quarterly_review); }

int api_reviews_feedback(Req *req, Resp *resp) {
    return api_key_create(req, resp, quarterly_feedback_add, &resource_review_feedback);
}

int api_reviews_hold(Req *req, Resp *resp) {
    char z[ROUTE_KEY_MAX + 1];
    int rc =
        quarterly_hold(req->db, &req->who, req_key(req, 0, z, sizeof z), req->pJson, &req->err);
    if (rc) return rc;
    rc = api_reviews_get(req, resp);
    resp->status = 201;
    return rc;
}

int api_value(Req *req, Resp *resp) { return answer_quarters(req, resp, quarterly_value); }

/* ---- the technology radar ---- */

int api_radar(Req *req, Resp *resp) {
    static const char *const az[] = {"quarter", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    const char *zQ = req_query(req, "quarter");
    char zUp[16] = "";
    if (zQ) {
        size_t i = 0;
        for (; zQ[i] && i < sizeof zUp - 1; i++)
            zUp[i] = (zQ[i] >= 'a' && zQ[i] <= 'z') ? (char)(zQ[i] - 32) : zQ[i];
        zUp[i] = 0;
        if (strlen(zQ) > 8 || !strchr(zUp, 'Q'))
            return err_set(&req->err, KEEL_EINVAL, "quarter",
                           "quarter is a fiscal quarter, e.g. 2026Q4");
    }
    json_t *o;
    rc = radar_get(req->db, zQ ? zUp : NULL, &o);
    if (rc == KEEL_EINVAL)
        return err_set(&req->err, KEEL_EINVAL, "quarter",
                       "quarter is a fiscal quarter, e.g. 2026Q4");
    return api_answer(resp, rc, o);
}

int api_radar_get(Req *req, Resp *resp) { return api_key_read(req, resp, radar_get_one); }

int api_radar_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = radar_create(req->db, &req->who, req->pJson, &id, &req->err);
    if (rc) return rc;
    json_t *o;
    if ((rc = radar_get_one(req->db, json_string_value(json_object_get(req->pJson, "key")), &o,
                            &req->err)))
        return rc;
    snprintf(resp->zLocation, sizeof resp->zLocation, "/api/v1/radar/%s",
             json_string_value(json_object_get(o, "key")));
    resp_json(resp, 201, o);
    return 0;
}

int api_radar_update(Req *req, Resp *resp) {
    char z[ROUTE_KEY_MAX + 1];
    int rc = radar_update(req->db, &req->who, req_key(req, 0, z, sizeof z), req->pJson, &req->err);
    return rc ? rc : api_radar_get(req, resp);
}

int api_radar_move(Req *req, Resp *resp) {
    char z[ROUTE_KEY_MAX + 1];
    int rc = radar_move(req->db, &req->who, req_key(req, 0, z, sizeof z), req->pJson, &req->err);
    if (rc) return rc;
    rc = api_radar_get(req, resp);
    resp->status = 201;
    return rc;
}

int api_radar_fit(Req *req, Resp *resp) {
    char z[ROUTE_KEY_MAX + 1];
    int rc = radar_fit(req->db, &req->who, req_key(req, 0, z, sizeof z), req->pJson, &req->err);
    return rc ? rc : api_radar_get(req, resp);
}

/* ---- the strategy over time ---- */

int api_strategy(Req *req, Resp *resp) { return answer_quarters(req, resp, strategy_over_time); }
