/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: training programmes, coverage and the role forecast
 * (domain/training.c has the rules). */
#include "api/api.h"
#include "domain/training.h"

static int respond(Req *req, Resp *resp, int rc, json_t *o) {
    (void)req;
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_training_coverage(Req *req, Resp *resp) {
    static const char *const az[] = {NULL};
    int rc = api_query_only(req, az);
    json_t *o = NULL;
    if (rc == 0) rc = training_coverage(req->db, &o);
    return respond(req, resp, rc, o);
}

int api_training_forecast(Req *req, Resp *resp) {
    static const char *const az[] = {NULL};
    int rc = api_query_only(req, az);
    json_t *o = NULL;
    if (rc == 0) rc = training_forecast(req->db, &o);
    return respond(req, resp, rc, o);
}

int api_training_programmes_list(Req *req, Resp *resp) {
    return api_list_decorated(req, resp, &resource_training_programme, training_programme_decorate);
}

int api_training_programmes_get(Req *req, Resp *resp) {
    json_t *o = NULL;
    int rc = training_programme_get(req->db, req->aParam[0], &o, &req->err);
    return respond(req, resp, rc, o);
}

int api_training_programmes_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = training_programme_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc
              : api_created(req, resp, id, "/api/v1/training/programmes",
                            api_training_programmes_get);
}

int api_training_programmes_update(Req *req, Resp *resp) {
    int rc = training_programme_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_training_programmes_get(req, resp);
}

int api_training_completions_create(Req *req, Resp *resp) {
    int64_t id;
    int rc =
        training_completion_add(req->db, &req->who, req->aParam[0], req->pJson, &id, &req->err);
    if (rc) return rc;
    rc = api_training_programmes_get(req, resp);
    if (rc == 0) resp->status = 201;
    return rc;
}

int api_training_sessions_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = training_session_add(req->db, &req->who, req->aParam[0], req->pJson, &id, &req->err);
    if (rc) return rc;
    rc = api_training_programmes_get(req, resp);
    if (rc == 0) resp->status = 201;
    return rc;
}
