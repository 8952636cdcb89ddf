/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exact SHAP values for linear and logistic models given as coefficients,
 * an intercept and the background (training) mean of every feature, with
 * interventional expectations and independent features: feature k
 * contributes coef_k * (x_k - mean_k) to the margin, and the bias is
 * intercept + sum_k coef_k * mean_k (what shap.LinearExplainer computes).
 * For a logistic model the margin is the log-odds. The JSON form, read from
 * memory:
 *
 *   {"model": "linear" | "logistic",
 *    "intercept": -1.5,
 *    "features": [{"name": "age", "coef": 0.03, "mean": 41.2}, ...]}
 */
#ifndef KEEL_ENGINE_LINSHAP_H
#define KEEL_ENGINE_LINSHAP_H
#include "engine/engine_err.h"
#include <jansson.h>
#include <stddef.h>

typedef struct LinModel {
    int bLogistic;     /* 1: prediction = sigmoid(margin); 0: identity */
    double rIntercept; /* intercept (margin space) */
    int nFeature;      /* features */
    char **azFeature;  /* nFeature names, distinct */
    double *aCoef;     /* nFeature coefficients */
    double *aMean;     /* nFeature background means */
} LinModel;

/* Parse the linear model JSON (n bytes at z, need not be NUL-terminated)
 * into *ppModel (caller frees with linshap_model_free). Returns 0,
 * KEEL_EINVAL with a one-sentence reason in *pErr (field "model"), or KEEL_ENOMEM. */
int linshap_model_load(const char *z, size_t n, LinModel **ppModel, EngineError *pErr);

/* The same from an already parsed document (borrowed, not kept). */
int linshap_model_from_json(const json_t *root, LinModel **ppModel, EngineError *pErr);

/* Free a model (NULL is fine). */
void linshap_model_free(LinModel *p);

/* Explain nRow rows of aX (row-major, nRow x nFeature doubles, all finite):
 * aContrib gets nRow x (nFeature + 1) values (contributions, then the
 * bias); aPred, when not NULL, gets nRow predictions. */
void linshap_explain(const LinModel *p, const double *aX, size_t nRow, double *aContrib,
                     double *aPred);

#endif
