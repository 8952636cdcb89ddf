/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: shared definitions, their versions, diffs, signatures and
 * links (domain/definition.c has the rules), and schedule slips
 * (domain/slip.c). */
#include "api/api.h"
#include "domain/definition.h"
#include "domain/slip.h"
#include <stdlib.h>
#include <string.h>

int api_definitions_list(Req *req, Resp *resp) {
    static const char *const az[] = {"status", "kind", "q", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    json_t *o;
    if ((rc = definition_list(req->db, req_query(req, "status"), req_query(req, "kind"),
                              req_query(req, "q"), &o, &req->err)))
        return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_definitions_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = definition_get(req->db, &req->who, req->aParam[0], &o, &req->err);
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_definitions_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = definition_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_created(req, resp, id, "/api/v1/definitions", api_definitions_get);
}

int api_definitions_update(Req *req, Resp *resp) {
    int rc = definition_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_definitions_get(req, resp);
}

/* The answer to a change that makes or ends a row of the definition: the
 * definition as it now stands, with status (201 for a new row). */
static int respond_changed(Req *req, Resp *resp, int rc, int status) {
    if (rc) return rc;
    rc = api_definitions_get(req, resp);
    if (rc == 0) resp->status = status;
    return rc;
}

int api_definition_versions_create(Req *req, Resp *resp) {
    int rc = definition_version_add(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return respond_changed(req, resp, rc, 201);
}

int api_definition_signatures_create(Req *req, Resp *resp) {
    int rc = definition_sign(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return respond_changed(req, resp, rc, 201);
}

int api_definition_links_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = definition_link_add(req->db, &req->who, req->aParam[0], req->pJson, &id, &req->err);
    return respond_changed(req, resp, rc, 201);
}

int api_definition_links_delete(Req *req, Resp *resp) {
    (void)resp;
    return definition_link_remove(req->db, &req->who, req->aParam[0], req->aParam[1], &req->err);
}

/* A version number from the query (0 when absent), KEEL_EINVAL when not
 * a positive integer. */
static int query_version(Req *req, const char *zKey, int *pv) {
    const char *z = req_query(req, zKey);
    *pv = 0;
    if (!z) return 0;
    char *zEnd;
    long v = strtol(z, &zEnd, 10);
    if (*z == 0 || *zEnd || v < 1 || v > 1000000)
        return err_set(&req->err, KEEL_EINVAL, zKey, "%s is a version number (1, 2, …)", zKey);
    *pv = (int)v;
    return 0;
}

int api_definition_diff(Req *req, Resp *resp) {
    static const char *const az[] = {"from", "to", "by", NULL};
    int vFrom, vTo;
    int rc = api_query_only(req, az);
    if (rc == 0) rc = query_version(req, "from", &vFrom);
    if (rc == 0) rc = query_version(req, "to", &vTo);
    if (rc) return rc;
    json_t *o;
    if ((rc = definition_diff(req->db, req->aParam[0], vFrom, vTo, req_query(req, "by"), &o,
                              &req->err)))
        return rc;
    resp_json(resp, 200, o);
    return 0;
}

/* ---- schedule slips ---- */

int api_schedule_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = slip_schedule_get(req->db, req->aParam[0], &o, &req->err);
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_schedule_put(Req *req, Resp *resp) {
    int rc = slip_schedule_put(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_schedule_get(req, resp);
}

int api_slips_list(Req *req, Resp *resp) {
    json_t *o;
    int rc = slip_list(req->db, &o, &req->err);
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}
