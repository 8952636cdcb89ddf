/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/initiatives: links, transitions, charter, sign-offs, scores.
 * Thin: parse, call domain/, render. */
#include "api/api.h"
#include "domain/action.h"
#include "domain/allocation.h"
#include "domain/catalogue.h"
#include "domain/gate.h"
#include "domain/initiative.h"
#include "store/store_alignment.h"
#include "store/store_crud.h"
#include "util/json.h"
#include <stdlib.h>
#include <string.h>

int api_initiatives_list(Req *req, Resp *resp) {
    return api_list_decorated(req, resp, &resource_initiative, initiative_decorate);
}

int api_initiatives_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = initiative_get(req->db, &req->who, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return err_no_id(&req->err, rc, "id", "initiative", req->aParam[0]);
    return api_answer(resp, rc, o);
}

int api_initiatives_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = initiative_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_created(req, resp, id, "/api/v1/initiatives", api_initiatives_get);
}

int api_initiatives_update(Req *req, Resp *resp) {
    int rc = initiative_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_initiatives_get(req, resp);
}

/* The move, and a warning in the answer when it leaves the work that must
 * run short of capacity (the next solve would find no plan). */
int api_initiatives_transition(Req *req, Resp *resp) {
    json_t *before = NULL, *after = NULL, *o = NULL;
    KeelError ignore = {0};
    alloc_must_run_short(req->db, &before, &ignore);
    int rc = initiative_transition(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    if (rc == KEEL_ECONFLICT && strcmp(req->err.zCode, "gate_refused") == 0) {
        json_t *init = NULL, *gate = NULL;
        if (store_crud_get(req->db, &resource_initiative, req->aParam[0], &init) == 0 &&
            gate_initiative(req->db, req->aParam[0], json_get_str(init, "stage"),
                            json_get_str(req->pJson, "to"), &gate) == 0 &&
            gate) {
            int64_t aid = 0;
            if (action_gate_open(req->db, NULL, req->aParam[0], json_get_str(req->pJson, "to"),
                                 &aid) == 0 &&
                aid)
                json_object_set_new(gate, "action_id", json_integer(aid));
            json_decref(init);
            json_decref(before);
            return api_respond_gate(req, resp, gate);
        }
        json_decref(init);
    }
    if (rc == 0) rc = initiative_get(req->db, &req->who, req->aParam[0], &o);
    if (rc == 0 && before && alloc_must_run_short(req->db, &after, &ignore) == 0) {
        json_t *w = alloc_short_warning(before, after);
        if (w) json_object_set_new(o, "warning", w);
    }
    json_decref(before);
    json_decref(after);
    return api_answer(resp, rc, o);
}

int api_initiatives_from_catalogue(Req *req, Resp *resp) {
    json_t *o;
    int rc = catalogue_instantiate(req->db, &req->who, req->pJson, &o, &req->err);
    if (rc) return rc;
    snprintf(
        resp->zLocation, sizeof resp->zLocation, "/api/v1/initiatives/%lld",
        (long long)json_integer_value(json_object_get(json_object_get(o, "initiative"), "id")));
    resp_json(resp, 201, o);
    return 0;
}

int api_links_list(Req *req, Resp *resp) {
    return api_child_list(req, resp, &resource_initiative, store_links_of_initiative,
                          &resource_link);
}

int api_links_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = initiative_link_create(req->db, &req->who, req->aParam[0], req->pJson, &id, &req->err);
    return rc ? rc : api_child_created(req, resp, &resource_link, id);
}

int api_links_update(Req *req, Resp *resp) {
    int rc = initiative_link_update(req->db, &req->who, req->aParam[0], req->aParam[1], req->pJson,
                                    &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_link, req->aParam[1], 200, NULL);
}

int api_links_delete(Req *req, Resp *resp) {
    (void)resp;
    return initiative_link_delete(req->db, &req->who, req->aParam[0], req->aParam[1], &req->err);
}

int api_charter_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = initiative_charter_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return err_no_id(&req->err, rc, "id", "initiative", req->aParam[0]);
    return api_answer(resp, rc, o);
}

int api_signoffs_create(Req *req, Resp *resp) {
    int rc = initiative_signoff(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    if (rc) return rc;
    rc = api_charter_get(req, resp);
    resp->status = 201;
    return rc;
}

int api_scores_get(Req *req, Resp *resp) {
    json_t *init, *scores;
    int rc = store_crud_get(req->db, &resource_initiative, req->aParam[0], &init);
    if (rc == KEEL_ENOTFOUND) return err_no_id(&req->err, rc, "id", "initiative", req->aParam[0]);
    if (rc) return rc;
    json_decref(init);
    if ((rc = store_scores_of(req->db, req->aParam[0], &scores))) return rc;
    resp_json(resp, 200, json_pack("{so}", "items", scores));
    return 0;
}

int api_scores_put(Req *req, Resp *resp) {
    int rc = align_scores_set(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_scores_get(req, resp);
}
