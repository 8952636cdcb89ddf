/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/kpis and their recorded values. Thin: parse, call domain/,
 * render. */
#include "api/api.h"
#include "domain/alignment.h"
#include "store/store_alignment.h"
#include <stdlib.h>
#include <string.h>

int api_kpis_list(Req *req, Resp *resp) {
    return api_list_decorated(req, resp, &resource_kpi, align_kpi_decorate);
}

int api_kpis_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = align_kpi_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return err_no_id(&req->err, rc, "id", "kpi", req->aParam[0]);
    return api_answer(resp, rc, o);
}

int api_kpis_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = align_kpi_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_kpi, id, 201, "/api/v1/kpis");
}

int api_kpis_update(Req *req, Resp *resp) {
    int rc = align_kpi_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_kpis_get(req, resp);
}

int api_kpis_delete(Req *req, Resp *resp) { return api_crud_delete(req, resp, &resource_kpi); }

int api_kpi_values_list(Req *req, Resp *resp) {
    return api_child_list(req, resp, &resource_kpi, store_kpi_values, &resource_kpi_value);
}

/* Import values from {"values":[...], "confirm"?} or CSV "period,value,note"
 * (?confirm=true). Bad rows are all listed; nothing is stored unless every
 * row is good; values far outside the KPI's usual range need confirm. */
int api_kpi_values_import(Req *req, Resp *resp) {
    json_t *rows = NULL, *lines = NULL, *rowErrors = NULL;
    int rc = 0, bConfirm = 0;
    if (req->bBodyCsv) {
        const char *z = req_query(req, "confirm");
        bConfirm = z && strcmp(z, "true") == 0;
        rc = align_values_from_csv(req->body.z ? req->body.z : "", req->body.n, &rows, &lines,
                                   &rowErrors, &req->err);
    } else {
        const char *zKey;
        json_t *v;
        json_object_foreach(req->pJson, zKey, v) {
            if (strcmp(zKey, "values") && strcmp(zKey, "confirm"))
                return err_set(&req->err, KEEL_EINVAL, zKey,
                               "unknown field '%.40s'; send {\"values\":[...]}", zKey);
        }
        bConfirm = json_is_true(json_object_get(req->pJson, "confirm"));
        rows = json_incref(json_object_get(req->pJson, "values"));
    }
    int nImported = 0;
    if (rc == 0)
        rc = align_kpi_values_import(req->db, &req->who, req->aParam[0], rows, lines, bConfirm,
                                     &nImported, &rowErrors, &req->err);
    return api_import_done(req, resp, rc, rows, lines, rowErrors, nImported);
}

int api_kpi_values_delete(Req *req, Resp *resp) {
    (void)resp;
    return align_kpi_value_delete(req->db, &req->who, req->aParam[0], req->aParam[1], &req->err);
}
