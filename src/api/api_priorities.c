/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/criteria, /priorities, /alignment and /catalogue. Thin: parse,
 * call domain/, render. */
#include "api/api.h"
#include "domain/alignment.h"
#include "domain/catalogue.h"
#include "store/store_alignment.h"
#include <stdlib.h>
#include <string.h>

int api_criteria_list(Req *req, Resp *resp) {
    int64_t limit, offset;
    int rc = api_page(req, &limit, &offset);
    if (rc) return rc;
    json_t *rows;
    rc = store_criteria(req->db, &rows);
    if (rc) return rc;
    /* few rows: the page is cut from all of them */
    int64_t n = (int64_t)json_array_size(rows);
    json_t *page = json_array();
    if (!page) {
        json_decref(rows);
        return KEEL_ENOMEM;
    }
    for (int64_t i = offset; i < n && i < offset + limit; i++)
        json_array_append(page, json_array_get(rows, (size_t)i));
    json_decref(rows);
    api_list_respond(req, resp, &resource_criterion, page, n, limit, offset);
    return 0;
}

int api_criteria_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = align_criterion_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_criterion, id, 201, "/api/v1/criteria");
}

int api_criteria_update(Req *req, Resp *resp) {
    int rc = align_criterion_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_crud_get(req, resp, &resource_criterion);
}

int api_priorities(Req *req, Resp *resp) {
    const char *zStage = req_query(req, "stage"), *zUnit = req_query(req, "unit_id");
    if (zStage && resource_enum_index(azStage, zStage) < 0)
        return err_set(&req->err, KEEL_EINVAL, "stage",
                       "stage must be one of the initiative stages");
    int64_t unit = 0;
    if (zUnit) {
        char *end;
        long long v = strtoll(zUnit, &end, 10);
        if (!*zUnit || *end || v < 1)
            return err_set(&req->err, KEEL_EINVAL, "unit_id", "unit_id must be a positive integer");
        unit = v;
    }
    json_t *o;
    int rc = align_priorities(req->db, zStage, unit, &o);
    return api_answer(resp, rc, o);
}

int api_alignment(Req *req, Resp *resp) { return api_read(req, resp, align_alignment); }

int api_catalogue(Req *req, Resp *resp) {
    json_t *o;
    int rc = catalogue_find(req_query(req, "pain"), req_query(req, "industry"), &o, &req->err);
    if (rc) return rc;
    size_t n = json_array_size(o);
    api_list_respond(req, resp, NULL, o, (int64_t)n, (int64_t)n, 0);
    return 0;
}
