/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exact path-dependent TreeSHAP for XGBoost tree ensembles: the same
 * numbers as XGBoost's predict(pred_contribs=True), computed in double
 * precision and faster. For every leaf the contribution to each feature on
 * its root path depends on the row only through U, the set of the path's
 * distinct features whose conditions the row satisfies; so for leaves with
 * few distinct features keel tabulates the contributions for all 2^d
 * patterns once per call (in parallel over trees), and explaining a row is
 * one walk over each tree that carries U down to the leaves plus d table
 * additions per leaf (per block of up to four leaves, in fact). Leaves with
 * many distinct features, or inputs with few rows, use the direct O(d^2)
 * formula instead. Rows are explained in parallel with pthreads.
 * docs/explain.md gives the derivation and the references. */
#ifndef KEEL_ENGINE_TREESHAP_H
#define KEEL_ENGINE_TREESHAP_H
#include "engine/xgb_model.h"
#include <stddef.h>

/* Largest number of distinct features on one root-to-leaf path that
 * TreeSHAP accepts (U is a 64-bit mask). */
#define TREESHAP_MAX_PATH 64

/* Explain nRow rows of aX (row-major, nRow x m->nFeature floats, NaN =
 * missing, rounded to float as XGBoost rounds its input) with nThread
 * threads (0 = one per core). aContrib receives nRow x nGroup x
 * (nFeature + 1) doubles in XGBoost's pred_contribs layout: for each row and
 * group the feature contributions then the bias (expected margin), which
 * together sum to the row's margin. aMargin, when not NULL, receives nRow x
 * nGroup margins computed by ordinary traversal. Returns 0, KEEL_EINVAL
 * with a reason in *pErr (field "model") when the model cannot be explained (a node with no
 * cover, a path with more than TREESHAP_MAX_PATH distinct features), or
 * KEEL_ENOMEM. */
int treeshap_explain(const XgbModel *m, const float *aX, size_t nRow, int nThread, double *aContrib,
                     double *aMargin, EngineError *pErr);

/* Progress callback: nDone of nTotal rows are explained. Called from the
 * calling thread only, after each block of rows it finishes. */
typedef void (*TreeShapProgressFn)(void *pArg, size_t nDone, size_t nTotal);

/* treeshap_explain, reporting progress to xProgress(pArg, ...) (may be
 * NULL). */
int treeshap_explain_progress(const XgbModel *m, const float *aX, size_t nRow, int nThread,
                              double *aContrib, double *aMargin, TreeShapProgressFn xProgress,
                              void *pArg, EngineError *pErr);

/* Memory cap in bytes for the per-leaf tables (default 256 MiB); leaves
 * that would exceed it use the direct formula. For tests and benchmarks:
 * 0 disables the tables altogether. Not thread-safe; set before use. */
void treeshap_set_table_budget(size_t nByte);

#endif
