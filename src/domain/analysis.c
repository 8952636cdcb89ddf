/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stored analyses; see analysis.h. */
#include "domain/analysis.h"
#include "engine/abtest.h"
#include "engine/csv.h"
#include "engine/drift.h"
#include "engine/explain.h"
#include "engine/explain_report.h"
#include "engine/fairness.h"
#include "domain/alignment.h"
#include "store/store_analysis.h"
#include "store/store_crud.h"
#include "util/crypto.h"
#include "util/json.h"
#include <sodium.h>
#include <stddef.h>
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
     "ship / do_not_ship / keep_running, pass / fail, drift / warn / ok, or null"},
    {"spec", FT_TEXT, F_READONLY | F_SECRET, 0, 0, NULL, NULL, "the analysis spec"},
    {"result", FT_TEXT, F_READONLY | F_SECRET, 0, 0, NULL, NULL, "the full result"},
    {"account_id", FT_REF, F_READONLY, 1, 9e15, NULL, "account", "who ran it"},
    {"created_by", FT_TEXT, F_READONLY | F_FILTER, 0, 0, NULL, NULL, "who ran it"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when"},
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

/* ---- drift: the CLI's comparison (keel drift REF.csv CUR.csv) ------------- */

/* Options and type overrides from a drift spec: segment, categorical,
 * numeric, psi, psi_warn, wasserstein, js, alpha, test_max_rows, share. */
static int drift_spec(const json_t *spec, DriftOptions *o, CsvTypeOverride *aOv, size_t *pnOv,
                      KeelError *e) {
    static const struct {
        const char *zKey;
        size_t off;
    } aNum[] = {{"psi", offsetof(DriftOptions, psiDrift)},
                {"psi_warn", offsetof(DriftOptions, psiWarn)},
                {"wasserstein", offsetof(DriftOptions, wassDrift)},
                {"js", offsetof(DriftOptions, jsDrift)},
                {"alpha", offsetof(DriftOptions, alpha)},
                {"share", offsetof(DriftOptions, shareDrift)}};
    const char *zKey;
    json_t *v;
    size_t n = 0;
    drift_options_default(o);
    o->nThread = 1;
    if (spec && !json_is_object(spec))
        return err_set(e, KEEL_EINVAL, "spec", "spec must be an object of drift options");
    json_object_foreach((json_t *)spec, zKey, v) {
        int bDone = 0;
        for (size_t i = 0; i < sizeof aNum / sizeof aNum[0]; i++) {
            if (strcmp(zKey, aNum[i].zKey)) continue;
            if (!json_is_number(v) || json_number_value(v) < 0)
                return err_set(e, KEEL_EINVAL, zKey, "%s must be a number >= 0", zKey);
            *(double *)((char *)o + aNum[i].off) = json_number_value(v);
            bDone = 1;
        }
        if (bDone) continue;
        if (strcmp(zKey, "test_max_rows") == 0 && json_is_integer(v) && json_integer_value(v) >= 0) {
            o->nTestMaxRows = (size_t)json_integer_value(v);
        } else if (strcmp(zKey, "segment") == 0 && json_is_string(v)) {
            o->zSegment = json_string_value(v);
        } else if (strcmp(zKey, "categorical") == 0 || strcmp(zKey, "numeric") == 0) {
            size_t i;
            json_t *c;
            if (!json_is_array(v) || json_array_size(v) > 64)
                return err_set(e, KEEL_EINVAL, zKey, "%s must be a list of up to 64 column names",
                               zKey);
            json_array_foreach(v, i, c) {
                if (!json_is_string(c))
                    return err_set(e, KEEL_EINVAL, zKey, "%s must list column names", zKey);
                aOv[n++] = (CsvTypeOverride){json_string_value(c),
                                             zKey[0] == 'c' ? CSV_CATEGORICAL : CSV_NUMERIC};
            }
        } else {
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown or malformed drift option '%.40s' (segment, categorical, "
                           "numeric, psi, psi_warn, wasserstein, js, alpha, test_max_rows, share)",
                           zKey);
        }
    }
    *pnOv = n;
    return 0;
}

/* Parse CSV text zWhat with the overrides (the user's last, so they win). */
static int drift_parse(const char *z, size_t n, const CsvTypeOverride *aOv, size_t nOv,
                       const char *zWhat, CsvTable **ppT, KeelError *e) {
    CsvOptions o = {.nThread = 1, .aOverride = aOv, .nOverride = nOv};
    CsvError ce;
    int rc = csv_parse(z, n, &o, ppT, &ce);
    if (rc == KEEL_EINVAL) return err_set(e, rc, zWhat, "%s: %s", zWhat, ce.zMsg);
    return rc;
}

/* Compare the current data with the reference as `keel drift` does: the
 * current file is read with the reference's types, the segment column and
 * the user's overrides; a column that turned to text is reported. */
static int analysis_drift(const AnalysisInput *in, json_t **ppResult, KeelError *e) {
    if (!in->zRef)
        return err_set(e, KEEL_EINVAL, "reference", "reference (the CSV the model knew) is required");
    if (!in->zData)
        return err_set(e, KEEL_EINVAL, "current", "current (the CSV of the data now) is required");
    DriftOptions opt;
    CsvTypeOverride aUser[130], *aAll = NULL;
    size_t nUser = 0, nBase = 0;
    int rc = drift_spec(in->spec, &opt, aUser + 1, &nUser, e);
    if (rc) return rc;
    size_t nLead = opt.zSegment ? 1 : 0;
    if (opt.zSegment) aUser[0] = (CsvTypeOverride){opt.zSegment, CSV_CATEGORICAL};
    CsvTable *ref = NULL, *cur = NULL;
    DriftResult *res = NULL;
    CsvTypeOverride *aBase = NULL;
    char zErr[256];
    rc = drift_parse(in->zRef, in->nRef, aUser + 1 - nLead, nUser + nLead, "reference", &ref, e);
    if (rc == 0) {
        /* the reference's categorical columns stay categorical in the current file */
        aAll = malloc((ref->nCol + nUser + 1) * sizeof *aAll);
        if (!aAll) rc = KEEL_ENOMEM;
    }
    if (rc == 0) {
        for (size_t i = 0; i < ref->nCol; i++)
            if (ref->aCol[i].type == CSV_CATEGORICAL)
                aAll[nBase++] = (CsvTypeOverride){ref->aCol[i].zName, CSV_CATEGORICAL};
        memcpy(aAll + nBase, aUser + 1 - nLead, (nUser + nLead) * sizeof *aAll);
        rc = drift_parse(in->zData, in->nData, aAll, nBase + nUser + nLead, "current", &cur, e);
    }
    /* a column numeric in the reference but text now: read the reference again as text */
    int again = 0;
    for (size_t i = 0; rc == 0 && i < ref->nCol; i++) {
        int j = csv_column_index(cur, ref->aCol[i].zName);
        if (j >= 0 && ref->aCol[i].type != CSV_CATEGORICAL && cur->aCol[j].type == CSV_CATEGORICAL)
            again = 1;
    }
    if (rc == 0 && again) {
        size_t k = 0;
        for (size_t i = 0; i < cur->nCol; i++)
            if (cur->aCol[i].type == CSV_CATEGORICAL)
                aAll[k++] = (CsvTypeOverride){cur->aCol[i].zName, CSV_CATEGORICAL};
        free(aBase);
        aBase = malloc((k + nUser + nLead + 1) * sizeof *aBase);
        if (!aBase) rc = KEEL_ENOMEM;
        if (rc == 0) {
            memcpy(aBase, aAll, k * sizeof *aBase);
            memcpy(aBase + k, aUser + 1 - nLead, (nUser + nLead) * sizeof *aBase);
            csv_free(ref);
            ref = NULL;
            rc = drift_parse(in->zRef, in->nRef, aBase, k + nUser + nLead, "reference", &ref, e);
        }
    }
    if (rc == 0) {
        rc = drift_compare(ref, cur, &opt, &res, zErr, sizeof zErr);
        if (rc == KEEL_EINVAL) err_set(e, rc, opt.zSegment ? "segment" : "current", "%s", zErr);
    }
    if (rc == 0) {
        Buf b;
        buf_init(&b, 0);
        drift_result_json(res, &b);
        rc = buf_err(&b);
        if (rc == 0) {
            json_error_t je;
            *ppResult = json_loadb(b.z, b.n, 0, &je);
            if (!*ppResult) rc = KEEL_ENOMEM;
        }
        buf_reset(&b);
    }
    drift_result_free(res);
    csv_free(ref);
    csv_free(cur);
    free(aAll);
    free(aBase);
    return rc;
}

/* Run the engine; *ppResult and *pzVerdict (static or NULL) on success. */
static int analysis_engine(const AnalysisInput *in, json_t **ppResult, const char **pzVerdict,
                           KeelError *e) {
    *pzVerdict = NULL;
    if (strcmp(in->zKind, "explain") == 0) {
        if (!in->zModel)
            return err_set(e, KEEL_EINVAL, "model",
                           "model (an XGBoost JSON model or a linear model) is required");
        if (!in->zData)
            return err_set(e, KEEL_EINVAL, "data",
                           "data (CSV text of the rows to explain) is required");
        ExplainOptions opt = {1, 50000000};
        ExplainResult *r = NULL;
        ExplainError xe;
        memset(&xe, 0, sizeof xe);
        int rc = explain_run(in->zModel, in->nModel, in->zData, in->nData, &opt, &r, &xe);
        if (rc == KEEL_EINVAL || rc == KEEL_ETOOBIG)
            return err_set(e, rc, xe.zField, "%s", xe.zMsg[0] ? xe.zMsg : "the input is too large");
        if (rc) return rc;
        *ppResult = explain_report_json(r, in->bRows);
        explain_result_free(r);
        return *ppResult ? 0 : KEEL_ENOMEM;
    }
    if (strcmp(in->zKind, "drift") == 0) {
        int rc = analysis_drift(in, ppResult, e);
        const char *zV = json_string_value(
            json_object_get(json_object_get(*ppResult, "dataset"), "verdict"));
        static const char *const azDrift[] = {"drift", "warn", "ok", NULL};
        for (int i = 0; rc == 0 && zV && azDrift[i]; i++)
            if (strcmp(zV, azDrift[i]) == 0) *pzVerdict = azDrift[i];
        return rc;
    }
    EngineError ee;
    memset(&ee, 0, sizeof ee);
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
        int bSpecField = ee.zField[0] && strncmp(ee.zField, "data", 4) && strcmp(ee.zField, "csv") &&
                         strstr(ee.zMsg, "no column named");
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
        json_t *ini = NULL;
        int rc = store_crud_get(db, &resource_initiative, in->initiativeId, &ini);
        json_decref(ini);
        if (rc && rc != KEEL_ENOTFOUND) return rc;
        if (rc == KEEL_ENOTFOUND)
            return err_set(e, KEEL_EINVAL, "initiative_id", "initiative %lld does not exist",
                           (long long)in->initiativeId);
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
    json_t *row = json_pack("{ss ss ss ss ss sI ss}", "kind", in->zKind, "input_hash", zHash,
                            "engine_version", zEngine, "spec", zSpec, "result", zResult,
                            "account_id", (json_int_t)who->accountId, "created_by",
                            who->zEmail[0] ? who->zEmail : "system");
    free(zResult);
    free(zSpec);
    if (!who->accountId) json_object_set_new(row, "account_id", json_null());
    if (zVerdict) json_object_set_new(row, "verdict", json_string(zVerdict));
    if (in->zTitle) json_object_set_new(row, "title", json_string(in->zTitle));
    if (in->initiativeId) json_object_set_new(row, "initiative_id", json_integer(in->initiativeId));
    Actor a = {who->accountId, who->zEmail[0] ? who->zEmail : "system"};
    rc = store_crud_create(db, &resource_analysis, &a, row, pId, e);
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
    int64_t ini = json_integer_value(json_object_get(o, "initiative_id"));
    json_t *row = NULL;
    int rc = ini ? store_crud_get(db, &resource_initiative, ini, &row) : KEEL_ENOTFOUND;
    int bOwn = rc == 0 && json_integer_value(json_object_get(row, "owner_id")) == scope;
    json_decref(row);
    if (rc && rc != KEEL_ENOTFOUND) return rc;
    if (bOwn) return 0;
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "id",
                        "business owners read the analyses of the initiatives they own; this "
                        "one is not about an initiative of yours");
}
