/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The human-override switch (issue 18): GET /api/v1/switch/{system} from
 * the in-memory cache with ETag / If-None-Match, PUT to flip it with a
 * reason, its history, the production board, switch tests. Thin: parse,
 * call domain/switch, render. */
#include "api/api.h"
#include "domain/switch.h"
#include "domain/system.h"
#include "util/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_switch_get(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1], zEtag[48];
    double age;
    req_key(req, 0, zName, sizeof zName);
    /* without the server's poller (keel api) the cache is brought up to
     * date here; with it, only a name the cache lacks (just registered)
     * costs a query */
    if (!switch_poll_status(&age)) switch_cache_refresh(req->db);
    char *zBody = NULL;
    size_t nBody = 0;
    int rc = switch_cache_read(zName, &zBody, &nBody, zEtag, sizeof zEtag);
    if (rc == KEEL_ENOTFOUND && switch_cache_refresh(req->db) == 0)
        rc = switch_cache_read(zName, &zBody, &nBody, zEtag, sizeof zEtag);
    if (rc == KEEL_ENOTFOUND)
        return err_set(&req->err, KEEL_ENOTFOUND, "system",
                       "no system called '%.64s' (GET /api/v1/systems lists them)", zName);
    if (rc) return rc;
    resp_free(resp);
    snprintf(resp->zEtag, sizeof resp->zEtag, "%s", zEtag);
    resp->zCacheControl = "no-cache";
    const char *zIf = req_header(req, "If-None-Match");
    if (zIf && (strcmp(zIf, zEtag) == 0 || strcmp(zIf, "*") == 0 ||
                (strncmp(zIf, "W/", 2) == 0 && strcmp(zIf + 2, zEtag) == 0))) {
        free(zBody);
        resp->status = 304;
        return 0;
    }
    resp->status = 200;
    resp->zType = "application/json";
    resp->zBody = zBody;
    resp->nBody = nBody;
    return 0;
}

int api_switch_put(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    json_t *o;
    int rc = switch_set(req->db, &req->who, req_key(req, 0, zName, sizeof zName), req->pJson, &o,
                        &req->err);
    if (rc) return rc;
    snprintf(resp->zEtag, sizeof resp->zEtag, "\"%s\"", json_get_str(o, "etag"));
    resp_json(resp, 200, o);
    return 0;
}

int api_switch_history(Req *req, Resp *resp) {
    static const char *const az[] = {"limit", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    const char *zLimit = req_query(req, "limit");
    long long limit = zLimit ? atoll(zLimit) : 100;
    if (limit < 1 || limit > 1000)
        return err_set(&req->err, KEEL_EINVAL, "limit", "limit must be an integer from 1 to 1000");
    char zName[ROUTE_KEY_MAX + 1];
    json_t *o;
    if ((rc = switch_history(req->db, req_key(req, 0, zName, sizeof zName), limit, &o, &req->err)))
        return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_switch_board(Req *req, Resp *resp) { return api_read(req, resp, switch_board); }

int api_switch_tests_list(Req *req, Resp *resp) { return api_key_read(req, resp, switch_tests); }

int api_switch_tests_create(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    int64_t id;
    int rc = switch_test_add(req->db, &req->who, req_key(req, 0, zName, sizeof zName), req->pJson,
                             &id, &req->err);
    if (rc) return rc;
    json_t *o;
    if ((rc = switch_tests(req->db, zName, &o, &req->err))) return rc;
    json_t *row = json_incref(json_array_get(json_object_get(o, "items"), 0));
    json_decref(o);
    snprintf(resp->zLocation, sizeof resp->zLocation, "/api/v1/systems/%s/switch-tests", zName);
    resp_json(resp, 201, row);
    return 0;
}
