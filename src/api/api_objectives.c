/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/objectives. Thin: parse, call domain/, render. */
#include "api/api.h"
#include "domain/alignment.h"
#include <stdlib.h>
#include <string.h>

int api_objectives_list(Req *req, Resp *resp) {
    return api_crud_list(req, resp, &resource_objective);
}
int api_objectives_get(Req *req, Resp *resp) {
    return api_crud_get(req, resp, &resource_objective);
}
int api_objectives_delete(Req *req, Resp *resp) {
    return api_crud_delete(req, resp, &resource_objective);
}

int api_objectives_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = align_objective_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_objective, id, 201, "/api/v1/objectives");
}

int api_objectives_update(Req *req, Resp *resp) {
    int rc = align_objective_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_objective, req->aParam[0], 200, NULL);
}
