/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/analyses: run an A/B analysis, a fairness audit or an
 * explanation and keep it as evidence; list and read them. Bodies:
 *   JSON {"spec": {...}, "data": "<CSV text>", "initiative_id": n, "title": "..."}
 *   text/csv (A/B and fairness) with ?spec=<URL-encoded JSON>&initiative_id=&title=
 *   explain: JSON {"model": {...} or "<JSON text>", "data": "<CSV>", "rows": false, ...}
 *   drift: JSON {"reference": "<CSV>", "data": "<CSV>", "spec": {"segment"}?, ...}
 * Any of them with "system" (and "version") is kept as evidence of that
 * AI system's version in the same transaction. */
#include "api/api.h"
#include "domain/analysis.h"
#include "store/store_crud.h"
#include "util/json.h"
#include <stdlib.h>
#include <string.h>

int api_analyses_list(Req *req, Resp *resp) {
    return api_crud_list_owned(req, resp, &resource_analysis, analysis_reader_scope(&req->who));
}

int api_analyses_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = analysis_get(req->db, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return err_no_id(&req->err, rc, "id", "analysis", req->aParam[0]);
    if (rc == 0 && (rc = analysis_may_read(req->db, &req->who, o, &req->err))) json_decref(o);
    return api_answer(resp, rc, o);
}

/* Parse a positive id from z into *pv (0 when z is NULL). */
static int parse_id(Req *req, const char *z, int64_t *pv) {
    *pv = 0;
    if (!z) return 0;
    char *end;
    long long v = strtoll(z, &end, 10);
    if (!*z || *end || v < 1)
        return err_set(&req->err, KEEL_EINVAL, "initiative_id",
                       "initiative_id must be a positive integer");
    *pv = v;
    return 0;
}

/* Run zKind from the request and answer 201 with the stored analysis. */
static int run_analysis(Req *req, Resp *resp, const char *zKind) {
    AnalysisInput in;
    memset(&in, 0, sizeof in);
    in.zKind = zKind;
    json_t *spec = NULL;
    char *zModel = NULL;
    int rc = 0;
    if (req->bBodyCsv) {
        const char *zSpec = req_query(req, "spec");
        char zErr[256];
        if (!zSpec)
            return err_set(&req->err, KEEL_EINVAL, "spec",
                           "with a CSV body, give the spec as ?spec=<URL-encoded JSON>");
        if (json_parse_object(zSpec, strlen(zSpec), &spec, zErr, sizeof zErr))
            return err_set(&req->err, KEEL_EINVAL, "spec", "spec: %s", zErr);
        in.spec = spec;
        in.zData = req->body.z ? req->body.z : "";
        in.nData = req->body.n;
        in.zTitle = req_query(req, "title");
        in.zSystem = req_query(req, "system");
        in.zVersion = req_query(req, "version");
        rc = parse_id(req, req_query(req, "initiative_id"), &in.initiativeId);
    } else {
        const char *zKey;
        json_t *v;
        json_object_foreach(req->pJson, zKey, v) {
            int bOk = strcmp(zKey, "data") == 0 || strcmp(zKey, "initiative_id") == 0 ||
                      strcmp(zKey, "title") == 0 || strcmp(zKey, "system") == 0 ||
                      strcmp(zKey, "version") == 0 ||
                      (strcmp(zKind, "drift") == 0 && strcmp(zKey, "reference") == 0) ||
                      (strcmp(zKind, "explain")
                           ? strcmp(zKey, "spec") == 0
                           : (strcmp(zKey, "model") == 0 || strcmp(zKey, "rows") == 0));
            if (!bOk)
                return err_set(&req->err, KEEL_EINVAL, zKey,
                               "unknown field '%.40s' for a %s analysis", zKey, zKind);
        }
        json_t *data = json_object_get(req->pJson, "data"),
               *ini = json_object_get(req->pJson, "initiative_id");
        json_t *title = json_object_get(req->pJson, "title"),
               *model = json_object_get(req->pJson, "model");
        if (data && !json_is_string(data))
            return err_set(&req->err, KEEL_EINVAL, "data", "data must be the CSV text as a string");
        if (ini && !json_is_null(ini) && (!json_is_integer(ini) || json_integer_value(ini) < 1))
            return err_set(&req->err, KEEL_EINVAL, "initiative_id",
                           "initiative_id must be a positive integer");
        if (title && !json_is_null(title) && !json_is_string(title))
            return err_set(&req->err, KEEL_EINVAL, "title", "title must be a string");
        json_t *sys = json_object_get(req->pJson, "system"),
               *ver = json_object_get(req->pJson, "version"),
               *ref = json_object_get(req->pJson, "reference");
        if ((sys && !json_is_string(sys)) || (ver && !json_is_string(ver)))
            return err_set(&req->err, KEEL_EINVAL,
                           sys && !json_is_string(sys) ? "system" : "version",
                           "system is a system's name and version its version label");
        if (ref && !json_is_string(ref))
            return err_set(&req->err, KEEL_EINVAL, "reference",
                           "reference must be the reference CSV text as a string");
        in.zSystem = json_string_value(sys);
        in.zVersion = json_string_value(ver);
        in.zRef = json_string_value(ref);
        in.nRef = ref ? json_string_length(ref) : 0;
        in.spec = json_object_get(req->pJson, "spec");
        if (in.spec && !json_is_object(in.spec))
            return err_set(&req->err, KEEL_EINVAL, "spec", "spec must be an object");
        in.zData = json_string_value(data);
        in.nData = data ? json_string_length(data) : 0;
        in.initiativeId = json_is_integer(ini) ? json_integer_value(ini) : 0;
        in.zTitle = json_string_value(title);
        in.bRows = json_is_true(json_object_get(req->pJson, "rows"));
        if (model && json_is_string(model)) {
            in.zModel = json_string_value(model);
            in.nModel = json_string_length(model);
        } else if (model && json_is_object(model)) {
            zModel = json_dumps(model, JSON_COMPACT | JSON_REAL_PRECISION(17));
            if (!zModel) return KEEL_ENOMEM;
            in.zModel = zModel;
            in.nModel = strlen(zModel);
        } else if (model) {
            return err_set(&req->err, KEEL_EINVAL, "model",
                           "model must be the model's JSON object or text");
        }
    }
    int64_t id = 0;
    if (rc == 0) rc = analysis_run(req->db, &req->who, &in, &id, &req->err);
    json_decref(spec);
    free(zModel);
    return rc ? rc : api_created(req, resp, id, "/api/v1/analyses", api_analyses_get);
}

int api_analyses_abtest(Req *req, Resp *resp) { return run_analysis(req, resp, "abtest"); }
int api_analyses_fairness(Req *req, Resp *resp) { return run_analysis(req, resp, "fairness"); }
int api_analyses_explain(Req *req, Resp *resp) { return run_analysis(req, resp, "explain"); }
int api_analyses_drift(Req *req, Resp *resp) { return run_analysis(req, resp, "drift"); }
