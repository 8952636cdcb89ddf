/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stored analyses; see analysis.h. */
#include "domain/analysis.h"
#include "engine/abtest.h"
#include "engine/explain.h"
#include "engine/explain_report.h"
#include "engine/fairness.h"
#include "domain/alignment.h"
#include "domain/system.h"
#include "engine/drift.h"
#include "store/store_analysis.h"
#include "store/store_system.h"
#include "store/store_crud.h"
#include "util/crypto.h"
#include "util/json.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azAnalysisKind[] = {"abtest", "fairness", "explain", "drift", NULL};

static const FieldDef aAnalysisField[] = {
    {"id", FT_INT, F_READONLY | F_SORT, 1, 9e15, NULL, NULL, "identifier"},
    {"kind", FT_ENUM, F_READONLY | F_FILTER, 0, 0, azAnalysisKind, NULL,
     "abtest, fairness, explain or drift"},
    {"title", FT_TEXT, F_NULLABLE, 0, 200, NULL, NULL, "what was analysed"},
    {"initiative_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "initiative",
     "the initiative it is evidence for"},
    {"input_hash", FT_TEXT, F_READONLY | F_FILTER, 0, 0, NULL, NULL,
     "SHA-256 over the spec and the data (and model)"},
    {"engine_version", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "engine and keel version"},
    {"verdict", FT_TEXT, F_READONLY | F_FILTER, 0, 0, NULL, NULL,
     "ship / do_not_ship / keep_running, pass / fail, stable / warn / drift, or null"},
    {"spec", FT_TEXT, F_READONLY | F_SECRET, 0, 0, NULL, NULL, "the analysis spec"},
    {"result", FT_TEXT, F_READONLY | F_SECRET, 0, 0, NULL, NULL, "the full result"},
    {"account_id", FT_REF, F_READONLY, 1, 9e15, NULL, "account", "who ran it"},
    {"created_by", FT_TEXT, F_READONLY | F_FILTER, 0, 0, NULL, NULL, "who ran it"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when"},
    {"data_sha256", FT_TEXT, F_READONLY | F_FILTER | F_NULLABLE, 0, 0, NULL, NULL,
     "SHA-256 of the data file (the current data for drift), as sha256sum prints it"},
};
const ResourceDef resource_analysis = RESOURCE("analysis", "analysis", aAnalysisField);

/* SHA-256 over the canonical spec, then each input, length-prefixed. */
static void analysis_hash(const AnalysisInput *in, char zOut[CRYPTO_HEX_LEN]) {
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    char *zSpec = in->spec ? json_dumps(in->spec, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    const char *az[] = {in->zKind, zSpec ? zSpec : "", in->zData ? in->zData : "",
                        in->zModel ? in->zModel : "", in->zRef ? in->zRef : ""};
    size_t an[] = {strlen(in->zKind), zSpec ? strlen(zSpec) : 0, in->zData ? in->nData : 0,
                   in->zModel ? in->nModel : 0, in->zRef ? in->nRef : 0};
    for (int i = 0; i < (in->zRef ? 5 : 4); i++) {
        char zLen[32];
        int n = snprintf(zLen, sizeof zLen, "%zu:", an[i]);
        crypto_hash_sha256_update(&st, (const unsigned char *)zLen, (unsigned long long)n);
        crypto_hash_sha256_update(&st, (const unsigned char *)az[i], an[i]);
    }
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(zOut, CRYPTO_HEX_LEN, h, sizeof h);
    free(zSpec);
}

/* The drift engine on two CSV texts: the current data is parsed with the
 * reference's column types, as keel drift does. */
static int analysis_drift(const AnalysisInput *in, json_t **ppResult, const char **pzVerdict,
                          KeelError *e) {
    if (!in->zRef || !in->zData)
        return err_set(e, KEEL_EINVAL, in->zRef ? "data" : "reference",
                       "drift needs reference (the CSV the model was built on) and data (the "
                       "current CSV)");
    const char *zSegment =
        in->spec ? json_string_value(json_object_get(in->spec, "segment")) : NULL;
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in->spec, zKey, v) {
        if (strcmp(zKey, "segment") || !json_is_string(v))
            return err_set(e, KEEL_EINVAL, "spec",
                           "a drift spec has one optional member: segment (a column name)");
    }
    CsvOptions opt = {0};
    opt.nThread = 1;
    EngineError ce = {0};
    CsvTable *ref = NULL, *cur = NULL;
    int rc = csv_parse(in->zRef, in->nRef, &opt, &ref, &ce);
    if (rc == KEEL_EINVAL) return err_set(e, rc, "reference", "line %zu: %s", ce.iLine, ce.zMsg);
    if (rc) return rc;
    CsvTypeOverride *aOv = calloc(ref->nCol ? ref->nCol : 1, sizeof *aOv);
    if (!aOv) {
        csv_free(ref);
        return KEEL_ENOMEM;
    }
    for (size_t i = 0; i < ref->nCol; i++)
        aOv[i].zName = ref->aCol[i].zName, aOv[i].type = ref->aCol[i].type;
    opt.aOverride = aOv;
    opt.nOverride = ref->nCol;
    rc = csv_parse(in->zData, in->nData, &opt, &cur, &ce);
    if (rc == KEEL_EINVAL) err_set(e, rc, "data", "line %zu: %s", ce.iLine, ce.zMsg);
    DriftOptions dopt;
    drift_options_default(&dopt);
    dopt.nThread = 1;
    dopt.zSegment = zSegment;
    DriftResult *res = NULL;
    if (rc == 0) {
        rc = drift_compare(ref, cur, &dopt, &res, &ce);
        if (rc == KEEL_EINVAL) err_set(e, rc, "spec.segment", "%s", ce.zMsg);
    }
    if (rc == 0) {
        Buf b;
        buf_init(&b, 256u << 20);
        drift_result_json(res, &b);
        size_t n = 0;
        char *z = buf_err(&b) ? NULL : buf_steal(&b, &n);
        buf_reset(&b);
        *ppResult = z ? json_loadb(z, n, 0, NULL) : NULL;
        free(z);
        if (!*ppResult) rc = KEEL_ENOMEM;
        *pzVerdict = res->all.verdict == DRIFT_DRIFT  ? "drift"
                     : res->all.verdict == DRIFT_WARN ? "warn"
                                                      : "stable";
        drift_result_free(res);
    }
    free(aOv);
    csv_free(ref);
    csv_free(cur);
    return rc;
}

/* Run the engine; *ppResult and *pzVerdict (static or NULL) on success. */
static int analysis_engine(const AnalysisInput *in, json_t **ppResult, const char **pzVerdict,
                           KeelError *e) {
    *pzVerdict = NULL;
    if (strcmp(in->zKind, "drift") == 0) return analysis_drift(in, ppResult, pzVerdict, e);
    if (strcmp(in->zKind, "explain") == 0) {
        if (!in->zModel)
            return err_set(e, KEEL_EINVAL, "model",
                           "model (an XGBoost JSON model or a linear model) is required");
        if (!in->zData)
            return err_set(e, KEEL_EINVAL, "data",
                           "data (CSV text of the rows to explain) is required");
        ExplainOptions opt = {1, 50000000};
        ExplainResult *r = NULL;
        EngineError xe = {0};
        int rc = explain_run(in->zModel, in->nModel, in->zData, in->nData, &opt, &r, &xe);
        if (rc == KEEL_EINVAL || rc == KEEL_ETOOBIG)
            return err_set(e, rc, xe.zField, "%s", xe.zMsg[0] ? xe.zMsg : "the input is too large");
        if (rc) return rc;
        *ppResult = explain_report_json(r, in->bRows);
        explain_result_free(r);
        return *ppResult ? 0 : KEEL_ENOMEM;
    }
    EngineError ee = {0};
    if (!in->spec)
        return err_set(e, KEEL_EINVAL, "spec", "spec (the analysis specification) is required");
    int rc = strcmp(in->zKind, "abtest") == 0
                 ? abtest_run_json(in->spec, in->zData, in->nData, 1, 0, ppResult, &ee)
                 : fairness_run_json(in->spec, in->zData, in->nData, 1, 0, ppResult, &ee);
    if (rc == KEEL_EINVAL) {
        char zField[128];
        snprintf(zField, sizeof zField, "%s%.100s", ee.zField[0] ? "spec." : "", ee.zField);
        /* a spec field named by the engine stays that field (a column the
         * spec names but the header lacks); otherwise errors in the CSV are
         * the data's */
        int bSpecField = ee.zField[0] && strncmp(ee.zField, "data", 4) &&
                         strcmp(ee.zField, "csv") && strstr(ee.zMsg, "no column named");
        if (!bSpecField && (strncmp(ee.zField, "data", 4) == 0 || strstr(ee.zMsg, "CSV") ||
                            strstr(ee.zMsg, "line ")))
            snprintf(zField, sizeof zField, "data");
        return err_set(e, rc, zField, "%s", ee.zMsg);
    }
    if (rc) return rc;
    json_t *v = json_object_get(*ppResult, "verdict");
    const char *zDecision = json_is_string(v) ? json_string_value(v)
                                              : json_string_value(json_object_get(v, "decision"));
    static const char *const azKnown[] = {"ship", "do_not_ship", "keep_running",
                                          "pass", "fail",        NULL};
    for (int i = 0; zDecision && azKnown[i]; i++)
        if (strcmp(zDecision, azKnown[i]) == 0) *pzVerdict = azKnown[i];
    return 0;
}

int analysis_run(Db *db, const Principal *who, const AnalysisInput *in, int64_t *pId,
                 KeelError *e) {
    if (resource_enum_index(azAnalysisKind, in->zKind) < 0)
        return err_set(e, KEEL_EINVAL, "kind", "kind must be abtest, fairness, explain or drift");
    if (in->zTitle && (strlen(in->zTitle) > 200 || !utf8_valid(in->zTitle, strlen(in->zTitle))))
        return err_set(e, KEEL_EINVAL, "title", "title must be valid UTF-8 of at most 200 bytes");
    if (in->initiativeId) {
        int rc = resource_get_ref(db, &resource_initiative, in->initiativeId, "initiative_id",
                                  "initiative", NULL, e);
        if (rc) return rc;
    }
    json_t *result = NULL;
    const char *zVerdict = NULL;
    int rc = analysis_engine(in, &result, &zVerdict, e);
    if (rc) return rc;
    char zHash[CRYPTO_HEX_LEN], zEngine[64];
    analysis_hash(in, zHash);
    snprintf(zEngine, sizeof zEngine, "keel-%s/%s", in->zKind, KEEL_VERSION);
    char *zResult = json_dumps(result, JSON_COMPACT | JSON_REAL_PRECISION(17));
    char *zSpec = in->spec ? json_dumps(in->spec, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
    json_decref(result);
    if (!zResult || !zSpec) {
        free(zResult);
        free(zSpec);
        return KEEL_ENOMEM;
    }
    json_t *row =
        json_pack("{ss ss ss ss ss sI ss}", "kind", in->zKind, "input_hash", zHash,
                  "engine_version", zEngine, "spec", zSpec, "result", zResult, "account_id",
                  (json_int_t)who->accountId, "created_by", auth_actor(who).zName);
    free(zResult);
    free(zSpec);
    if (!who->accountId) json_object_set_new(row, "account_id", json_null());
    if (zVerdict) json_object_set_new(row, "verdict", json_string(zVerdict));
    if (in->zTitle) json_object_set_new(row, "title", json_string(in->zTitle));
    if (in->initiativeId) json_object_set_new(row, "initiative_id", json_integer(in->initiativeId));
    if (in->zData) {
        char zData[CRYPTO_HEX_LEN];
        crypto_sha256_hex(in->zData, in->nData, zData);
        json_object_set_new(row, "data_sha256", json_string(zData));
    }
    Actor a = auth_actor(who);
    rc = db_begin(db);
    if (rc == 0) rc = store_crud_create(db, &resource_analysis, &a, row, pId, e);
    if (rc == 0 && in->zSystem) {
        json_t *ev = json_pack("{sI}", "analysis_id", (json_int_t)*pId);
        if (in->zVersion) json_object_set_new(ev, "version", json_string(in->zVersion));
        int64_t evId;
        rc = system_evidence_add(db, who, in->zSystem, ev, &evId, e);
        if (rc == KEEL_ENOTFOUND) rc = e->rc = KEEL_EINVAL;
        json_decref(ev);
    }
    rc = db_end(db, rc);
    json_decref(row);
    return rc;
}

int analysis_get(Db *db, int64_t id, json_t **ppOut) {
    json_t *o, *spec = NULL, *res = NULL;
    int rc = store_crud_get(db, &resource_analysis, id, &o);
    if (rc) return rc;
    rc = store_analysis_payload(db, id, &spec, &res);
    if (rc) {
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "spec", spec ? spec : json_null());
    json_object_set_new(o, "result", res ? res : json_null());
    *ppOut = o;
    return 0;
}

int64_t analysis_reader_scope(const Principal *who) {
    if (who->role != ROLE_OWNER) return 0;
    return who->personId ? who->personId : -1;
}

int analysis_may_read(Db *db, const Principal *who, const json_t *o, KeelError *e) {
    int64_t scope = analysis_reader_scope(who);
    if (scope == 0) return 0;
    int64_t ini = json_integer_value(json_object_get(o, "initiative_id")), sid = 0;
    json_t *row = NULL;
    /* an analysis kept as evidence of an AI system concerns its initiative */
    if (!ini &&
        store_analysis_system(db, json_integer_value(json_object_get(o, "id")), &sid) == 0 && sid &&
        store_crud_get(db, &resource_system, sid, &row) == 0) {
        ini = json_integer_value(json_object_get(row, "initiative_id"));
        json_decref(row);
        row = NULL;
    }
    int rc = ini ? store_crud_get(db, &resource_initiative, ini, &row) : KEEL_ENOTFOUND;
    int bOwn = rc == 0 && json_integer_value(json_object_get(row, "owner_id")) == scope;
    json_decref(row);
    if (rc && rc != KEEL_ENOTFOUND) return rc;
    if (bOwn) return 0;
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "id",
                        "business owners read the analyses of the initiatives they own; this "
                        "one is not about an initiative of yours");
}
