/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 3 endpoints: the AI system register (/api/v1/systems/{system},
 * keyed by name), versions, evidence and its attestation, gates (board,
 * one stage, definitions), moves and committee overrides, the risk
 * register and its heatmap, ethics reviews. Thin: parse, call domain/,
 * render. A refused gate answers 409 gate_refused with the requirements. */
#include "api/api.h"
#include "domain/alignment.h"
#include "domain/gate.h"
#include "domain/review.h"
#include "domain/risk.h"
#include "domain/system.h"
#include "store/store_crud.h"
#include "store/store_system.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <string.h>

int api_respond_gate(Req *req, Resp *resp, json_t *gate) {
    json_t *o = json_pack("{ss ss ss so ss}", "code", "gate_refused", "message", req->err.zMsg,
                          "field", req->err.zField, "requirements",
                          json_incref(json_object_get(gate, "requirements")), "request_id",
                          req->zRequestId);
    json_object_set(o, "gate", gate);
    json_err_put_params(o, &req->err);
    /* the action the refusal raised (path 5) */
    if (json_object_get(gate, "action_id"))
        json_object_set(o, "action_id", json_object_get(gate, "action_id"));
    json_decref(gate);
    resp_json(resp, 409, json_pack("{so}", "error", o));
    return 0;
}

/* ---- the register ---- */

int api_systems_list(Req *req, Resp *resp) {
    static const char *const az[] = {"initiative_id", "risk_tier", "limit", "offset", NULL};
    int64_t limit, offset;
    int rc = api_query_only(req, az);
    if (rc == 0) rc = api_page(req, &limit, &offset);
    if (rc) return rc;
    const char *zIni = req_query(req, "initiative_id"), *zTier = req_query(req, "risk_tier");
    long long ini = zIni ? atoll(zIni) : 0;
    if (zIni && ini < 1)
        return err_set(&req->err, KEEL_EINVAL, "initiative_id",
                       "initiative_id must be a positive integer");
    if (zTier && resource_enum_index(azRiskTier, zTier) < 0)
        return err_set(&req->err, KEEL_EINVAL, "risk_tier",
                       "risk_tier must be prohibited, high, limited or minimal");
    json_t *rows, *items = json_array();
    if ((rc = store_systems_list(req->db, ini, &rows))) {
        json_decref(items);
        return rc;
    }
    size_t i;
    json_t *x;
    int64_t n = 0;
    json_array_foreach(rows, i, x) {
        if (zTier && strcmp(json_get_str(x, "risk_tier"), zTier) != 0) continue;
        resource_row_bools(&resource_system, x); /* true/false, as GET /systems/{name} */
        if (n >= offset && n < offset + limit) json_array_append(items, x);
        n++;
    }
    json_decref(rows);
    api_list_respond(req, resp, &resource_system, items, n, limit, offset);
    return 0;
}

int api_systems_get(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    json_t *o;
    int rc = system_get(req->db, &req->who, req_key(req, 0, zName, sizeof zName), &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_systems_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = system_create(req->db, &req->who, req->pJson, &id, &req->err);
    if (rc) return rc;
    char zName[ROUTE_KEY_MAX + 1];
    snprintf(zName, sizeof zName, "%s", json_get_str(req->pJson, "name"));
    json_t *o;
    if ((rc = system_get(req->db, &req->who, zName, &o, &req->err))) return rc;
    snprintf(resp->zLocation, sizeof resp->zLocation, "/api/v1/systems/%s", zName);
    resp_json(resp, 201, o);
    return 0;
}

int api_systems_update(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    int rc = system_update(req->db, &req->who, req_key(req, 0, zName, sizeof zName), req->pJson,
                           &req->err);
    return rc ? rc : api_systems_get(req, resp);
}

int api_system_versions_create(Req *req, Resp *resp) {
    return api_key_create(req, resp, system_version_create, &resource_system_version);
}

int api_system_evidence_create(Req *req, Resp *resp) {
    return api_key_create(req, resp, system_evidence_add, &resource_evidence);
}

int api_evidence_attest(Req *req, Resp *resp) {
    int rc = system_evidence_attest(req->db, &req->who, req->aParam[0], &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_evidence, req->aParam[0], 200, NULL);
}

/* ---- gates ---- */

int api_system_gates(Req *req, Resp *resp) {
    static const char *const az[] = {"version", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    char zName[ROUTE_KEY_MAX + 1];
    json_t *o;
    rc = gate_board(req->db, req_key(req, 0, zName, sizeof zName), req_query(req, "version"), &o,
                    &req->err);
    return api_answer(resp, rc, o);
}

int api_system_gate(Req *req, Resp *resp) {
    static const char *const az[] = {"version", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    char zName[ROUTE_KEY_MAX + 1], zStage[ROUTE_KEY_MAX + 1];
    req_key(req, 0, zName, sizeof zName);
    req_key(req, 1, zStage, sizeof zStage);
    json_t *o;
    rc = gate_evaluate(req->db, zName, req_query(req, "version"), zStage, &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_system_transition(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    json_t *gate = NULL;
    int rc = gate_system_transition(req->db, &req->who, req_key(req, 0, zName, sizeof zName),
                                    req->pJson, &gate, &req->err);
    if (rc == KEEL_ECONFLICT && gate && strcmp(req->err.zCode, "gate_refused") == 0)
        return api_respond_gate(req, resp, gate);
    json_decref(gate);
    return rc ? rc : api_systems_get(req, resp);
}

int api_system_overrides_create(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    int64_t id;
    int rc = gate_override_add(req->db, &req->who, req_key(req, 0, zName, sizeof zName), 0,
                               req->pJson, &id, &req->err);
    return rc ? rc : api_system_gates(req, resp);
}

int api_initiative_overrides_create(Req *req, Resp *resp) {
    int64_t id;
    int rc =
        gate_override_add(req->db, &req->who, NULL, req->aParam[0], req->pJson, &id, &req->err);
    return rc ? rc : api_initiative_systems(req, resp);
}

int api_gates_list(Req *req, Resp *resp) {
    json_t *o;
    int rc = gate_defs(req->db, &o);
    if (rc) return rc;
    resp_json(resp, 200, json_pack("{so}", "items", o));
    return 0;
}

int api_gates_get(Req *req, Resp *resp) { return api_key_read(req, resp, gate_def_get); }

int api_gates_put(Req *req, Resp *resp) {
    char zStage[ROUTE_KEY_MAX + 1];
    int64_t v;
    int rc = gate_def_put(req->db, &req->who, req_key(req, 0, zStage, sizeof zStage), req->pJson,
                          &v, &req->err);
    return rc ? rc : api_gates_get(req, resp);
}

/* An initiative's systems, each with its gate board, and the gate of its
 * next move. */
int api_initiative_systems(Req *req, Resp *resp) {
    json_t *init;
    int rc = store_crud_get(req->db, &resource_initiative, req->aParam[0], &init);
    if (rc == KEEL_ENOTFOUND) return api_not_found(req, "initiative", req->aParam[0]);
    if (rc) return rc;
    static const char *const azNext[][2] = {
        {"approved", "pilot"}, {"pilot", "scaling"}, {"scaling", "operating"}};
    const char *zStage = json_get_str(init, "stage");
    json_t *rows = NULL, *systems = json_array(), *next = NULL, *overrides = NULL;
    rc = store_systems_of_initiative(req->db, req->aParam[0], &rows);
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        if (rc) break;
        json_t *s = NULL, *board = NULL;
        KeelError e;
        rc = system_get(req->db, &req->who, json_get_str(x, "name"), &s, &e);
        if (rc == 0 && json_array_size(json_object_get(s, "versions"))) {
            rc = gate_board(req->db, json_get_str(x, "name"), NULL, &board, &e);
            if (rc == 0)
                json_object_set_new(s, "gates", json_incref(json_object_get(board, "gates")));
            json_decref(board);
        }
        if (s) json_array_append_new(systems, s);
    }
    for (int k = 0; k < 3 && rc == 0; k++)
        if (strcmp(zStage, azNext[k][0]) == 0)
            rc = gate_initiative(req->db, req->aParam[0], azNext[k][0], azNext[k][1], &next);
    if (rc == 0) rc = store_overrides(req->db, 0, req->aParam[0], NULL, &overrides);
    json_decref(rows);
    if (rc) {
        json_decref(systems);
        json_decref(next);
        json_decref(init);
        return rc;
    }
    json_t *o = json_pack("{sI sO sO so so so}", "initiative_id", (json_int_t)req->aParam[0],
                          "title", json_object_get(init, "title"), "stage",
                          json_object_get(init, "stage"), "systems", systems, "next_gate",
                          next ? next : json_null(), "overrides", overrides);
    json_decref(init);
    resp_json(resp, 200, o);
    return 0;
}

/* ---- risks ---- */

int api_risks_list(Req *req, Resp *resp) {
    int rc = api_crud_list(req, resp, &resource_risk);
    if (rc || req->bWantCsv || resp->status != 200) return rc;
    json_t *page = json_loadb(resp->zBody, resp->nBody, 0, NULL);
    if (!page) return KEEL_ENOMEM;
    char zToday[32];
    time_iso(time_now(), zToday, sizeof zToday);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(page, "items"), i, x) risk_decorate(x, zToday);
    resp_json(resp, 200, page);
    return 0;
}

int api_risks_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = store_crud_get(req->db, &resource_risk, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return api_not_found(req, "risk", req->aParam[0]);
    if (rc) return rc;
    char zToday[32];
    time_iso(time_now(), zToday, sizeof zToday);
    risk_decorate(o, zToday);
    resp_json(resp, 200, o);
    return 0;
}

int api_risks_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = risk_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_created(req, resp, id, "/api/v1/risks", api_risks_get);
}

int api_risks_update(Req *req, Resp *resp) {
    int rc = risk_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_risks_get(req, resp);
}

int api_risks_heatmap(Req *req, Resp *resp) { return api_read(req, resp, risk_heatmap); }

/* ---- ethics reviews ---- */

int api_reviews_schedule(Req *req, Resp *resp) { return api_read(req, resp, review_schedule); }

int api_reviews_intervals(Req *req, Resp *resp) {
    int rc = review_intervals_set(req->db, &req->who, req->pJson, &req->err);
    return rc ? rc : api_reviews_schedule(req, resp);
}

int api_system_reviews_list(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    json_t *sys, *rows, *st;
    int rc = system_get_row(req->db, req_key(req, 0, zName, sizeof zName), &sys, &req->err);
    if (rc) return rc;
    rc = store_reviews_of(req->db, json_get_id(sys, "id"), &rows);
    if (rc == 0) rc = review_status(req->db, sys, time_now(), &st);
    json_decref(sys);
    if (rc) return rc;
    resp_json(resp, 200, json_pack("{ss so so}", "system", zName, "items", rows, "status", st));
    return 0;
}

int api_system_reviews_create(Req *req, Resp *resp) {
    return api_key_create(req, resp, review_create, &resource_ethics_review);
}
