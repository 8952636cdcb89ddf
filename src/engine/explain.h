/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel's explainability engine, the one entry point that the CLI (`keel
 * explain`) and the API (`POST /api/v1/analyses/explain`) call: a model
 * (XGBoost JSON or the linear form of linshap.h) and a CSV of rows, both in
 * memory, become per-row SHAP contributions, predictions and a global
 * summary (mean |SHAP| per feature, ranked, with the direction of effect).
 * Reports in explain_report.h render the result. Pure: no I/O. */
#ifndef KEEL_ENGINE_EXPLAIN_H
#define KEEL_ENGINE_EXPLAIN_H
#include "engine/csv.h"
#include "engine/linshap.h"
#include "engine/xgb_model.h"
#include <stddef.h>

typedef enum ExplainKind {
    EXPLAIN_XGBOOST = 1, /* XGBoost gbtree ensemble, exact TreeSHAP */
    EXPLAIN_LINEAR = 2,  /* linear or logistic model, linear SHAP */
} ExplainKind;

/* A parsed model of either kind. */
typedef struct ExplainModel {
    ExplainKind kind;
    XgbModel *pXgb; /* kind == EXPLAIN_XGBOOST, else NULL */
    LinModel *pLin; /* kind == EXPLAIN_LINEAR, else NULL */
} ExplainModel;

typedef struct ExplainOptions {
    int nThread;     /* threads for CSV parsing and SHAP; 0 = one per core */
    size_t nMaxCell; /* refuse (KEEL_ETOOBIG) when rows x outputs x
                      * (features + 1) exceeds this; 0 = no cap */
} ExplainOptions;

/* One feature's line in the global summary of one output group. */
typedef struct ExplainFeature {
    int iFeature;           /* index into ExplainResult.azFeature */
    double rMeanAbs;        /* mean |SHAP| over the rows */
    double rMean;           /* mean SHAP (signed) */
    double rCorr;           /* Pearson r of feature value and SHAP over rows
                             * with a value; NAN when undefined */
    const char *zDirection; /* static: "increases" (r >= 0.3: higher values
                             * raise the output), "decreases" (r <= -0.3),
                             * "mixed", or "none" (no effect at all) */
} ExplainFeature;

typedef struct ExplainResult {
    ExplainKind kind;
    char zModel[32];          /* "xgboost", "linear" or "logistic" */
    char zObjective[32];      /* XGBoost objective, or "linear"/"logistic" */
    int nTree;                /* trees (XGBoost), 0 for linear */
    size_t nRow;              /* rows explained */
    int nFeature;             /* features */
    int nGroup;               /* outputs per row (classes of multi:softprob) */
    char **azFeature;         /* nFeature names: the model's, else the CSV's */
    double *aContrib;         /* nRow x nGroup x (nFeature + 1): contributions,
                               * then the bias (expected margin); XGBoost's
                               * pred_contribs layout; margin space */
    double *aMargin;          /* nRow x nGroup margins */
    double *aPred;            /* nRow x nGroup predictions (probabilities,
                               * counts or values, per the objective) */
    double *aBase;            /* nGroup expected margins (the bias column) */
    double *aMeanPred;        /* nGroup mean predictions */
    ExplainFeature *aSummary; /* nGroup x nFeature, each group's block
                               * ranked by rMeanAbs, largest first */
} ExplainResult;

/* Parse a model from n bytes at z: XGBoost JSON (has "learner") or the
 * linear form (has "model"). Returns 0, KEEL_EINVAL with *pErr filled, or
 * KEEL_ENOMEM. Free with explain_model_free. */
int explain_model_parse(const char *z, size_t n, ExplainModel **ppModel, EngineError *pErr);

/* Free a model (NULL is fine). */
void explain_model_free(ExplainModel *p);

/* Explain every row of table t with model m. Columns are matched to the
 * model's features by name when the model names them (in any order; every
 * feature must be present and no other column may be), else by position
 * (the column count must equal the model's feature count). Values must be
 * numeric and finite; missing cells are allowed for XGBoost (they follow
 * each node's default direction) but not for linear models. Returns 0,
 * KEEL_EINVAL with *pErr filled, KEEL_ETOOBIG (over opt->nMaxCell) or
 * KEEL_ENOMEM. The caller frees *ppResult with explain_result_free. opt may
 * be NULL. */
int explain_compute(const ExplainModel *m, const CsvTable *t, const ExplainOptions *opt,
                    ExplainResult **ppResult, EngineError *pErr);

/* explain_compute, telling xProgress(pArg, nDone, nTotal) how many rows
 * are explained so far (from the calling thread, after each block of rows;
 * xProgress may be NULL). The CLI draws its progress line with it. */
int explain_compute_progress(const ExplainModel *m, const CsvTable *t, const ExplainOptions *opt,
                             void (*xProgress)(void *pArg, size_t nDone, size_t nTotal), void *pArg,
                             ExplainResult **ppResult, EngineError *pErr);

/* The whole pipeline from memory, for the API: parse the model (nModel
 * bytes at zModel), parse the CSV (nCsv bytes at zCsv) and explain. Same
 * returns as explain_compute. */
int explain_run(const char *zModel, size_t nModel, const char *zCsv, size_t nCsv,
                const ExplainOptions *opt, ExplainResult **ppResult, EngineError *pErr);

/* Free a result (NULL is fine). */
void explain_result_free(ExplainResult *r);

#endif
