/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Linear-model SHAP (see linshap.h): the loader of the documented JSON form,
 * with every value checked finite and names distinct, and the closed-form
 * contributions. */
#include "engine/linshap.h"
#include <assert.h>
#include "engine/jspec.h"
#include "util/err.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIN_MAX_FEATURE 1000000

/* Read finite number member zKey of o into *pr; -1 if absent or not. */
static int lin_number(const json_t *o, const char *zKey, double *pr) {
    json_t *v = json_object_get(o, zKey);
    if (!json_is_number(v)) return -1;
    *pr = json_number_value(v);
    return isfinite(*pr) ? 0 : -1;
}

int linshap_model_load(const char *z, size_t n, LinModel **ppModel, EngineError *pErr) {
    json_t *root;
    *ppModel = NULL;
    int rc = jspec_load(z, n, "model", "model", &root, pErr);
    if (rc) return rc;
    rc = linshap_model_from_json(root, ppModel, pErr);
    json_decref(root);
    return rc;
}

int linshap_model_from_json(const json_t *root, LinModel **ppModel, EngineError *pErr) {
    int rc = 0;
    LinModel *p = NULL;
    *ppModel = NULL;
    const char *zKind = json_string_value(json_object_get(root, "model"));
    if (!zKind || (strcmp(zKind, "linear") != 0 && strcmp(zKind, "logistic") != 0))
        return engine_fail(pErr, KEEL_EINVAL, "model",
                           "\"model\" must be \"linear\" or \"logistic\"");
    json_t *aF = json_object_get(root, "features");
    size_t nF = json_array_size(aF);
    if (!json_is_array(aF) || nF == 0 || nF > LIN_MAX_FEATURE)
        return engine_fail(pErr, KEEL_EINVAL, "model",
                           "\"features\" must be a non-empty array of "
                           "{\"name\", \"coef\", \"mean\"} objects");
    p = calloc(1, sizeof *p);
    if (!p) return KEEL_ENOMEM;
    p->bLogistic = strcmp(zKind, "logistic") == 0;
    if (lin_number(root, "intercept", &p->rIntercept)) {
        rc = engine_fail(pErr, KEEL_EINVAL, "model", "\"intercept\" must be a finite number");
        goto done;
    }
    p->azFeature = calloc(nF, sizeof(char *));
    p->aCoef = calloc(nF, sizeof(double));
    p->aMean = calloc(nF, sizeof(double));
    if (!p->azFeature || !p->aCoef || !p->aMean) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    p->nFeature = (int)nF;
    for (size_t i = 0; i < nF; i++) {
        json_t *f = json_array_get(aF, i);
        const char *zName = json_string_value(json_object_get(f, "name"));
        if (!zName || !*zName) {
            rc = engine_fail(pErr, KEEL_EINVAL, "model", "features[%zu] has no \"name\"", i);
            goto done;
        }
        if (lin_number(f, "coef", &p->aCoef[i]) || lin_number(f, "mean", &p->aMean[i])) {
            rc = engine_fail(pErr, KEEL_EINVAL, "model",
                             "feature '%.60s' needs finite numbers \"coef\" and \"mean\"", zName);
            goto done;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->azFeature[j], zName) == 0) {
                rc = engine_fail(pErr, KEEL_EINVAL, "model", "feature '%.60s' is listed twice",
                                 zName);
                goto done;
            }
        p->azFeature[i] = strdup(zName);
        if (!p->azFeature[i]) {
            rc = KEEL_ENOMEM;
            goto done;
        }
    }
done:
    if (rc) {
        linshap_model_free(p);
        p = NULL;
    }
    *ppModel = p;
    return rc;
}

void linshap_model_free(LinModel *p) {
    if (!p) return;
    if (p->azFeature)
        for (int i = 0; i < p->nFeature; i++)
            free(p->azFeature[i]);
    free(p->azFeature);
    free(p->aCoef);
    free(p->aMean);
    free(p);
}

void linshap_explain(const LinModel *p, const double *aX, size_t nRow, double *aContrib,
                     double *aPred) {
    assert(p && aContrib && aPred && (aX || nRow == 0) && p->nFeature >= 0);
    size_t nF = (size_t)p->nFeature;
    double bias = p->rIntercept;
    for (size_t k = 0; k < nF; k++)
        bias += p->aCoef[k] * p->aMean[k];
    for (size_t r = 0; r < nRow; r++) {
        const double *x = aX + r * nF;
        double *phi = aContrib + r * (nF + 1);
        double margin = p->rIntercept;
        for (size_t k = 0; k < nF; k++) {
            phi[k] = p->aCoef[k] * (x[k] - p->aMean[k]);
            margin += p->aCoef[k] * x[k];
        }
        phi[nF] = bias;
        if (aPred) aPred[r] = p->bLogistic ? 1.0 / (1.0 + exp(-margin)) : margin;
    }
}
