/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The explain pipeline (see explain.h): model dispatch, matching CSV
 * columns to model features, input checks with messages that name the
 * column and row, the SHAP computation and the global summary. */
#include "engine/explain.h"
#include "engine/treeshap.h"
#include "util/err.h"
#include "util/mem.h"
#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int explain_model_parse(const char *z, size_t n, ExplainModel **ppModel, EngineError *pErr) {
    json_error_t jerr;
    int rc = 0;
    *ppModel = NULL;
    json_t *root = json_loadb(z, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!root && strstr(jerr.text, "near 'NaN'"))
        return engine_fail(pErr, KEEL_EINVAL, "model",
                           "the model holds NaN (line %d, column %d), which JSON does not "
                           "allow; XGBoost writes it for categorical splits, which keel does "
                           "not support (one-hot encode the feature instead)",
                           jerr.line, jerr.column);
    if (!root)
        return engine_fail(pErr, KEEL_EINVAL, "model",
                           "the model is not valid JSON (line %d, column %d: %s)", jerr.line,
                           jerr.column, jerr.text);
    ExplainModel *p = calloc(1, sizeof *p);
    if (!p) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    if (json_object_get(root, "learner")) {
        p->kind = EXPLAIN_XGBOOST;
        rc = xgb_model_from_json(root, &p->pXgb, pErr);
    } else if (json_object_get(root, "model")) {
        p->kind = EXPLAIN_LINEAR;
        rc = linshap_model_from_json(root, &p->pLin, pErr);
    } else {
        rc = engine_fail(pErr, KEEL_EINVAL, "model",
                         "the model is neither XGBoost JSON (no \"learner\") nor the linear "
                         "form (no \"model\"); see docs/explain.md");
        goto done;
    }
done:
    json_decref(root);
    if (rc) {
        explain_model_free(p);
        p = NULL;
    }
    *ppModel = p;
    return rc;
}

void explain_model_free(ExplainModel *p) {
    if (!p) return;
    xgb_model_free(p->pXgb);
    linshap_model_free(p->pLin);
    free(p);
}

void explain_result_free(ExplainResult *r) {
    if (!r) return;
    if (r->azFeature)
        for (int i = 0; i < r->nFeature; i++)
            free(r->azFeature[i]);
    free(r->azFeature);
    free(r->aContrib);
    free(r->aMargin);
    free(r->aPred);
    free(r->aBase);
    free(r->aMeanPred);
    free(r->aSummary);
    free(r);
}

/* Map each of the model's nF features to a column of t (aCol[k]), by name
 * when azName is not NULL, else by position. */
static int explain_match_columns(const CsvTable *t, char *const *azName, int nF, int *aCol,
                                 EngineError *pErr) {
    if (!azName) {
        if (t->nCol != (size_t)nF)
            return engine_fail(pErr, KEEL_EINVAL, "data",
                               "the data has %zu columns but the model expects %d features "
                               "(the model has no feature names, so columns are matched by "
                               "position)",
                               t->nCol, nF);
        for (int k = 0; k < nF; k++)
            aCol[k] = k;
        return 0;
    }
    for (int k = 0; k < nF; k++) {
        aCol[k] = csv_column_index(t, azName[k]);
        if (aCol[k] < 0)
            return engine_fail(pErr, KEEL_EINVAL, "data",
                               "the data has no column '%.60s', which the model "
                               "uses (it has %zu columns, the model %d features)",
                               azName[k], t->nCol, nF);
    }
    if (t->nCol != (size_t)nF) {
        for (size_t c = 0; c < t->nCol; c++) {
            int used = 0;
            for (int k = 0; k < nF && !used; k++)
                used = aCol[k] == (int)c;
            if (!used)
                return engine_fail(pErr, KEEL_EINVAL, "data",
                                   "the data has a column '%.60s' that the model does not use; "
                                   "the model expects exactly its %d features",
                                   t->aCol[c].zName, nF);
        }
    }
    return 0;
}

/* Explain why categorical column c cannot be used: name its first value
 * that is not a finite number (infinities get their own message) and the
 * data row holding it. Returns KEEL_EINVAL. */
static int explain_non_numeric(const CsvTable *t, const CsvColumn *c, EngineError *pErr) {
    size_t iLevel = 0;
    int bInf = 0;
    for (size_t i = 0; i < c->nLevel; i++) {
        char *zEnd;
        double x = strtod(c->azLevel[i], &zEnd);
        int bNum = zEnd != c->azLevel[i] && *zEnd == 0;
        if (!bNum || !isfinite(x)) {
            iLevel = i;
            bInf = bNum;
            break;
        }
    }
    size_t r = 0;
    while (r < t->nRow && c->aCode[r] != iLevel)
        r++;
    const char *zVal = c->nLevel ? c->azLevel[iLevel] : "";
    if (bInf)
        return engine_fail(pErr, KEEL_EINVAL, "data",
                           "column '%.60s' has the value '%.20s' in data row %zu; values must "
                           "be finite",
                           c->zName, zVal, r + 1);
    return engine_fail(pErr, KEEL_EINVAL, "data",
                       "column '%.60s' is not numeric: it has '%.40s' in data row %zu", c->zName,
                       zVal, r + 1);
}

/* Check the columns aCol[0..nF) of t: numeric, finite, within float range
 * when bFloat, missing values only when bMissingOk. */
static int explain_check_columns(const CsvTable *t, const int *aCol, int nF, int bFloat,
                                 int bMissingOk, EngineError *pErr) {
    for (int k = 0; k < nF; k++) {
        const CsvColumn *c = &t->aCol[aCol[k]];
        if (c->type != CSV_NUMERIC) return explain_non_numeric(t, c, pErr);
        if (c->nMissing && !bMissingOk) {
            size_t r = 0;
            while (r < t->nRow && !isnan(c->aNum[r]))
                r++;
            return engine_fail(pErr, KEEL_EINVAL, "data",
                               "column '%.60s' has a missing value in data row %zu; a linear "
                               "model needs every value",
                               c->zName, r + 1);
        }
        for (size_t r = 0; r < t->nRow; r++) {
            double x = c->aNum[r];
            if (isinf(x) || (bFloat && !isnan(x) && fabs(x) > FLT_MAX))
                return engine_fail(pErr, KEEL_EINVAL, "data",
                                   "column '%.60s' has the value %g in data row %zu; values "
                                   "must be finite%s",
                                   c->zName, x, r + 1,
                                   bFloat ? " and within single precision" : "");
        }
    }
    return 0;
}

/* Copy names into r->azFeature. */
static int explain_set_names(ExplainResult *r, const CsvTable *t, char *const *azName,
                             const int *aCol) {
    r->azFeature = calloc((size_t)r->nFeature, sizeof(char *));
    if (!r->azFeature) return KEEL_ENOMEM;
    for (int k = 0; k < r->nFeature; k++) {
        r->azFeature[k] = strdup(azName ? azName[k] : t->aCol[aCol[k]].zName);
        if (!r->azFeature[k]) return KEEL_ENOMEM;
    }
    return 0;
}

/* Order summary entries by mean |SHAP|, largest first, then by index. */
static int explain_cmp_feature(const void *a, const void *b) {
    const ExplainFeature *x = a, *y = b;
    if (x->rMeanAbs != y->rMeanAbs) return x->rMeanAbs < y->rMeanAbs ? 1 : -1;
    return x->iFeature - y->iFeature;
}

/* Fill r->aSummary, r->aBase and r->aMeanPred from the contributions; aX
 * holds the inputs as the engine saw them (nRow x nFeature, NaN missing);
 * exactly one of aXf (float) and aXd (double) is non-NULL. */
static int explain_summarise(ExplainResult *r, const float *aXf, const double *aXd) {
    size_t nF = (size_t)r->nFeature, nG = (size_t)r->nGroup, n = r->nRow;
    size_t stride = nG * (nF + 1);
    assert((aXf == NULL) != (aXd == NULL)); /* exactly one view of the inputs */
    assert(nF > 0 && nG > 0);
    r->aSummary = mem_zalloc(nG, nF, sizeof(ExplainFeature));
    r->aBase = calloc(nG, sizeof(double));
    r->aMeanPred = calloc(nG, sizeof(double));
    if (!r->aSummary || !r->aBase || !r->aMeanPred) return KEEL_ENOMEM;
    for (size_t g = 0; g < nG; g++) {
        double sumPred = 0;
        for (size_t i = 0; i < n; i++)
            sumPred += r->aPred[i * nG + g];
        r->aMeanPred[g] = sumPred / (double)n;
        r->aBase[g] = r->aContrib[g * (nF + 1) + nF];
        for (size_t k = 0; k < nF; k++) {
            ExplainFeature *s = &r->aSummary[g * nF + k];
            double sAbs = 0, sPhi = 0, sx = 0, sxx = 0, sxy = 0, syy = 0, sy = 0;
            size_t nx = 0;
            for (size_t i = 0; i < n; i++) {
                double phi = r->aContrib[i * stride + g * (nF + 1) + k];
                double x = aXf ? aXf[i * nF + k] : aXd[i * nF + k];
                sAbs += fabs(phi);
                sPhi += phi;
                if (isnan(x)) continue;
                nx++;
                sx += x;
                sy += phi;
            }
            double mx = nx ? sx / (double)nx : 0, my = nx ? sy / (double)nx : 0;
            for (size_t i = 0; i < n && nx; i++) {
                double phi = r->aContrib[i * stride + g * (nF + 1) + k];
                double x = aXf ? aXf[i * nF + k] : aXd[i * nF + k];
                if (isnan(x)) continue;
                sxx += (x - mx) * (x - mx);
                syy += (phi - my) * (phi - my);
                sxy += (x - mx) * (phi - my);
            }
            s->iFeature = (int)k;
            s->rMeanAbs = sAbs / (double)n;
            s->rMean = sPhi / (double)n;
            s->rCorr = (sxx > 0 && syy > 0) ? sxy / sqrt(sxx * syy) : NAN;
            if (s->rMeanAbs == 0)
                s->zDirection = "none";
            else if (s->rCorr >= 0.3)
                s->zDirection = "increases";
            else if (s->rCorr <= -0.3)
                s->zDirection = "decreases";
            else
                s->zDirection = "mixed";
        }
        qsort(r->aSummary + g * nF, nF, sizeof(ExplainFeature), explain_cmp_feature);
    }
    return 0;
}

/* The XGBoost half of explain_compute. */
static int explain_xgb(const XgbModel *m, const CsvTable *t, const ExplainOptions *opt,
                       void (*xProgress)(void *, size_t, size_t), void *pArg, ExplainResult *r,
                       EngineError *pErr) {
    size_t nF = (size_t)m->nFeature, nG = (size_t)m->nGroup, n = t->nRow;
    int rc = 0;
    int *aCol = malloc(sizeof(int) * nF);
    float *aX = mem_alloc(nF, n, sizeof(float));
    if (!aCol || !aX) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    rc = explain_match_columns(t, m->azFeature, m->nFeature, aCol, pErr);
    if (!rc) rc = explain_check_columns(t, aCol, m->nFeature, 1, 1, pErr);
    if (!rc) rc = explain_set_names(r, t, m->azFeature, aCol);
    if (rc) goto done;
    for (size_t k = 0; k < nF; k++) {
        const double *col = t->aCol[aCol[k]].aNum;
        for (size_t i = 0; i < n; i++)
            aX[i * nF + k] = (float)col[i];
    }
    r->aContrib = mem_alloc(n, nG * (nF + 1), sizeof(double));
    r->aMargin = mem_alloc(n, nG, sizeof(double));
    r->aPred = mem_alloc(n, nG, sizeof(double));
    if (!r->aContrib || !r->aMargin || !r->aPred) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    rc = treeshap_explain_progress(m, aX, n, opt ? opt->nThread : 0, r->aContrib, r->aMargin,
                                   xProgress, pArg, pErr);
    if (rc) goto done;
    memcpy(r->aPred, r->aMargin, sizeof(double) * n * nG);
    for (size_t i = 0; i < n; i++)
        xgb_model_transform(m, r->aPred + i * nG);
    rc = explain_summarise(r, aX, NULL);
done:
    free(aCol);
    free(aX);
    return rc;
}

/* The linear half of explain_compute. */
static int explain_lin(const LinModel *m, const CsvTable *t, ExplainResult *r, EngineError *pErr) {
    size_t nF = (size_t)m->nFeature, n = t->nRow;
    int rc = 0;
    int *aCol = malloc(sizeof(int) * nF);
    double *aX = mem_alloc(nF, n, sizeof(double));
    if (!aCol || !aX) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    rc = explain_match_columns(t, m->azFeature, m->nFeature, aCol, pErr);
    if (!rc) rc = explain_check_columns(t, aCol, m->nFeature, 0, 0, pErr);
    if (!rc) rc = explain_set_names(r, t, m->azFeature, aCol);
    if (rc) goto done;
    for (size_t k = 0; k < nF; k++)
        for (size_t i = 0; i < n; i++)
            aX[i * nF + k] = t->aCol[aCol[k]].aNum[i];
    r->aContrib = mem_alloc(n, nF + 1, sizeof(double));
    r->aMargin = malloc(sizeof(double) * n);
    r->aPred = malloc(sizeof(double) * n);
    if (!r->aContrib || !r->aMargin || !r->aPred) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    linshap_explain(m, aX, n, r->aContrib, r->aPred);
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t k = 0; k <= nF; k++)
            s += r->aContrib[i * (nF + 1) + k];
        r->aMargin[i] = s;
    }
    rc = explain_summarise(r, NULL, aX);
done:
    free(aCol);
    free(aX);
    return rc;
}

int explain_compute(const ExplainModel *m, const CsvTable *t, const ExplainOptions *opt,
                    ExplainResult **ppResult, EngineError *pErr) {
    return explain_compute_progress(m, t, opt, NULL, NULL, ppResult, pErr);
}

int explain_compute_progress(const ExplainModel *m, const CsvTable *t, const ExplainOptions *opt,
                             void (*xProgress)(void *pArg, size_t nDone, size_t nTotal), void *pArg,
                             ExplainResult **ppResult, EngineError *pErr) {
    int rc = 0;
    *ppResult = NULL;
    if (t->nRow == 0)
        return engine_fail(pErr, KEEL_EINVAL, "data",
                           "the data has no rows; give a header row and at "
                           "least one data row");
    ExplainResult *r = calloc(1, sizeof *r);
    if (!r) return KEEL_ENOMEM;
    r->kind = m->kind;
    r->nRow = t->nRow;
    if (m->kind == EXPLAIN_XGBOOST) {
        snprintf(r->zModel, sizeof r->zModel, "xgboost");
        snprintf(r->zObjective, sizeof r->zObjective, "%s", m->pXgb->zObjective);
        r->nTree = m->pXgb->nTree;
        r->nFeature = m->pXgb->nFeature;
        r->nGroup = m->pXgb->nGroup;
    } else {
        const char *z = m->pLin->bLogistic ? "logistic" : "linear";
        snprintf(r->zModel, sizeof r->zModel, "%s", z);
        snprintf(r->zObjective, sizeof r->zObjective, "%s", z);
        r->nFeature = m->pLin->nFeature;
        r->nGroup = 1;
    }
    double nCell = (double)t->nRow * r->nGroup * (r->nFeature + 1);
    if (opt && opt->nMaxCell && nCell > (double)opt->nMaxCell) {
        engine_fail(pErr, KEEL_EINVAL, "data",
                    "%zu rows x %d outputs x %d columns is more than the %zu values allowed; "
                    "explain fewer rows at a time",
                    t->nRow, r->nGroup, r->nFeature + 1, opt->nMaxCell);
        rc = KEEL_ETOOBIG;
        goto done;
    }
    if (m->kind == EXPLAIN_XGBOOST)
        rc = explain_xgb(m->pXgb, t, opt, xProgress, pArg, r, pErr);
    else
        rc = explain_lin(m->pLin, t, r, pErr);
done:
    if (rc) {
        explain_result_free(r);
        r = NULL;
    }
    *ppResult = r;
    return rc;
}

int explain_run(const char *zModel, size_t nModel, const char *zCsv, size_t nCsv,
                const ExplainOptions *opt, ExplainResult **ppResult, EngineError *pErr) {
    ExplainModel *m = NULL;
    CsvTable *t = NULL;
    EngineError cerr;
    *ppResult = NULL;
    int rc = explain_model_parse(zModel, nModel, &m, pErr);
    if (rc) goto done;
    CsvOptions copt = {.nThread = opt ? opt->nThread : 0};
    rc = csv_parse(zCsv, nCsv, &copt, &t, &cerr);
    if (rc == KEEL_EINVAL) {
        size_t iLine = cerr.iLine, iCol = cerr.iCol;
        if (cerr.iCol)
            engine_fail(pErr, KEEL_EINVAL, "data", "CSV line %zu, field %zu: %s", cerr.iLine,
                        cerr.iCol, cerr.zMsg);
        else
            engine_fail(pErr, KEEL_EINVAL, "data", "CSV line %zu: %s", cerr.iLine, cerr.zMsg);
        if (pErr) pErr->iLine = iLine, pErr->iCol = iCol;
    }
    if (rc) goto done;
    rc = explain_compute(m, t, opt, ppResult, pErr);
done:
    csv_free(t);
    explain_model_free(m);
    return rc;
}
