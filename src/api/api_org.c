/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/settings, /api/v1/units and /api/v1/people. */
#include "api/api.h"
#include "domain/org.h"
#include "store/store_crud.h"

int api_settings_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = org_settings_get(req->db, &req->who, &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_settings_update(Req *req, Resp *resp) {
    int rc = org_settings_update(req->db, &req->who, req->pJson, &req->err);
    if (rc) return rc;
    return api_settings_get(req, resp);
}

int api_units_list(Req *req, Resp *resp) { return api_crud_list(req, resp, &resource_unit); }
int api_units_get(Req *req, Resp *resp) { return api_crud_get(req, resp, &resource_unit); }
int api_units_create(Req *req, Resp *resp) {
    return api_crud_create(req, resp, &resource_unit, "/api/v1/units");
}
int api_units_delete(Req *req, Resp *resp) { return api_crud_delete(req, resp, &resource_unit); }

int api_units_update(Req *req, Resp *resp) {
    Actor a = auth_actor(&req->who);
    int rc = org_unit_update(req->db, &a, req->aParam[0], req->pJson, &req->err);
    if (rc) return rc;
    return api_crud_get(req, resp, &resource_unit);
}

int api_people_list(Req *req, Resp *resp) { return api_crud_list(req, resp, &resource_person); }
int api_people_get(Req *req, Resp *resp) { return api_crud_get(req, resp, &resource_person); }
int api_people_create(Req *req, Resp *resp) {
    return api_crud_create(req, resp, &resource_person, "/api/v1/people");
}
int api_people_update(Req *req, Resp *resp) { return api_crud_update(req, resp, &resource_person); }
int api_people_delete(Req *req, Resp *resp) { return api_crud_delete(req, resp, &resource_person); }
