/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 1 endpoints: /api/v1/objectives, /kpis (and their values),
 * /initiatives (links, transitions, charter, sign-offs, scores), /criteria,
 * /priorities, /alignment and /catalogue. Thin: parse, call domain/,
 * render. */
#include "api/api.h"
#include "domain/alignment.h"
#include "domain/catalogue.h"
#include "domain/gate.h"
#include "store/store_alignment.h"
#include "store/store_crud.h"
#include "util/json.h"
#include <stdlib.h>
#include <string.h>

/* ---- objectives ---- */
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

/* Run the generic list of r, then let xDecorate add computed fields to
 * each item of the JSON page (CSV lists stay as stored). */
static int list_decorated(Req *req, Resp *resp, const ResourceDef *r,
                          int (*xDecorate)(Db *, json_t *)) {
    int rc = api_crud_list(req, resp, r);
    if (rc || req->bWantCsv || resp->status != 200) return rc;
    json_t *page = json_loadb(resp->zBody, resp->nBody, 0, NULL);
    if (!page) return KEEL_ENOMEM;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(page, "items"), i, x) {
        if ((rc = xDecorate(req->db, x))) break;
    }
    if (rc) {
        json_decref(page);
        return rc;
    }
    resp_json(resp, 200, page);
    return 0;
}

/* ---- KPIs ---- */
int api_kpis_list(Req *req, Resp *resp) {
    return list_decorated(req, resp, &resource_kpi, align_kpi_decorate);
}

int api_kpis_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = align_kpi_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND)
        return err_set(&req->err, rc, "id", "no kpi with id %lld", (long long)req->aParam[0]);
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
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

/* Import values from {"values":[...]} or CSV "period,value,note". Bad rows
 * are all listed; nothing is stored unless every row is good. */
int api_kpi_values_import(Req *req, Resp *resp) {
    json_t *rows = NULL, *lines = NULL, *rowErrors = NULL;
    int rc = 0;
    if (req->bBodyCsv) {
        rc = align_values_from_csv(req->body.z ? req->body.z : "", req->body.n, &rows, &lines,
                                   &rowErrors, &req->err);
    } else {
        const char *zKey;
        json_t *v;
        json_object_foreach(req->pJson, zKey, v) {
            if (strcmp(zKey, "values"))
                return err_set(&req->err, KEEL_EINVAL, zKey,
                               "unknown field '%.40s'; send {\"values\":[...]}", zKey);
        }
        rows = json_incref(json_object_get(req->pJson, "values"));
    }
    int nImported = 0;
    if (rc == 0)
        rc = align_kpi_values_import(req->db, &req->who, req->aParam[0], rows, lines, &nImported,
                                     &rowErrors, &req->err);
    json_decref(rows);
    json_decref(lines);
    if (rc && rowErrors) return api_respond_rows(req, resp, rowErrors);
    json_decref(rowErrors);
    if (rc) return rc;
    resp_json(resp, 200, json_pack("{si}", "imported", nImported));
    return 0;
}

int api_kpi_values_delete(Req *req, Resp *resp) {
    (void)resp;
    return align_kpi_value_delete(req->db, &req->who, req->aParam[0], req->aParam[1], &req->err);
}

/* ---- initiatives ---- */
int api_initiatives_list(Req *req, Resp *resp) {
    return list_decorated(req, resp, &resource_initiative, align_initiative_decorate);
}

int api_initiatives_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = align_initiative_get(req->db, &req->who, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND)
        return err_set(&req->err, rc, "id", "no initiative with id %lld",
                       (long long)req->aParam[0]);
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_initiatives_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = align_initiative_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_created(req, resp, id, "/api/v1/initiatives", api_initiatives_get);
}

int api_initiatives_update(Req *req, Resp *resp) {
    int rc = align_initiative_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_initiatives_get(req, resp);
}

int api_initiatives_transition(Req *req, Resp *resp) {
    int rc = align_initiative_transition(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    if (rc == KEEL_ECONFLICT && strcmp(req->err.zCode, "gate_refused") == 0) {
        json_t *init = NULL, *gate = NULL;
        if (store_crud_get(req->db, &resource_initiative, req->aParam[0], &init) == 0 &&
            gate_initiative(req->db, req->aParam[0], json_get_str(init, "stage"),
                            json_get_str(req->pJson, "to"), &gate) == 0 &&
            gate) {
            json_decref(init);
            return api_respond_gate(req, resp, gate);
        }
        json_decref(init);
    }
    return rc ? rc : api_initiatives_get(req, resp);
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
    int rc = align_link_create(req->db, &req->who, req->aParam[0], req->pJson, &id, &req->err);
    return rc ? rc : api_child_created(req, resp, &resource_link, id);
}

int api_links_update(Req *req, Resp *resp) {
    int rc = align_link_update(req->db, &req->who, req->aParam[0], req->aParam[1], req->pJson,
                               &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_link, req->aParam[1], 200, NULL);
}

int api_links_delete(Req *req, Resp *resp) {
    (void)resp;
    return align_link_delete(req->db, &req->who, req->aParam[0], req->aParam[1], &req->err);
}

int api_charter_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = align_charter_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND)
        return err_set(&req->err, rc, "id", "no initiative with id %lld",
                       (long long)req->aParam[0]);
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_signoffs_create(Req *req, Resp *resp) {
    int rc = align_signoff(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    if (rc) return rc;
    rc = api_charter_get(req, resp);
    resp->status = 201;
    return rc;
}

int api_scores_get(Req *req, Resp *resp) {
    json_t *init, *scores;
    int rc = store_crud_get(req->db, &resource_initiative, req->aParam[0], &init);
    if (rc == KEEL_ENOTFOUND)
        return err_set(&req->err, rc, "id", "no initiative with id %lld",
                       (long long)req->aParam[0]);
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

/* ---- criteria, priorities, alignment, catalogue ---- */
int api_criteria_list(Req *req, Resp *resp) {
    json_t *rows;
    int rc = store_criteria(req->db, &rows);
    if (rc) return rc;
    size_t n = json_array_size(rows);
    api_list_respond(req, resp, &resource_criterion, rows, (int64_t)n, (int64_t)n, 0);
    return 0;
}

int api_criteria_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = align_criterion_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_respond_row(req, resp, &resource_criterion, id, 201, "/api/v1/criteria");
}

int api_criteria_update(Req *req, Resp *resp) {
    if (json_object_get(req->pJson, "key"))
        return err_set(&req->err, KEEL_EINVAL, "key", "a criterion's key cannot change");
    return api_crud_update(req, resp, &resource_criterion);
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
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_alignment(Req *req, Resp *resp) {
    json_t *o;
    int rc = align_alignment(req->db, &o);
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_catalogue(Req *req, Resp *resp) {
    json_t *o;
    int rc = catalogue_find(req_query(req, "pain"), req_query(req, "industry"), &o, &req->err);
    if (rc) return rc;
    size_t n = json_array_size(o);
    api_list_respond(req, resp, NULL, o, (int64_t)n, (int64_t)n, 0);
    return 0;
}
