/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for the explain engine's model loaders (XGBoost JSON
 * and the linear form). The input is a model, optionally followed by a NUL
 * byte and a CSV of rows. Without a CSV, a loaded XGBoost model of modest
 * size is explained on synthetic rows (some values missing) and each row's
 * contributions must sum to its margin; with a CSV the whole pipeline
 * (explain_run, what the API calls) runs and its three reports are
 * rendered. Any bytes must give a result or KEEL_EINVAL/KEEL_ETOOBIG with a
 * message, never a crash, a leak or a broken invariant. */
#include "engine/explain.h"
#include "engine/explain_report.h"
#include "engine/treeshap.h"
#include "util/err.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Explain 9 synthetic rows with model m; abort if a row's contributions do
 * not add up to its margin. */
static void fuzz_rows(const XgbModel *m) {
    size_t nNode = 0, nF = (size_t)m->nFeature, nG = (size_t)m->nGroup;
    for (int t = 0; t < m->nTree; t++)
        nNode += (size_t)m->aTree[t].nNode;
    if (nF > 1000 || nG > 100 || nNode > 20000) return;
    size_t nRow = 9, stride = nG * (nF + 1);
    float *aX = malloc(sizeof(float) * nRow * nF);
    double *aC = malloc(sizeof(double) * nRow * stride);
    double *aM = malloc(sizeof(double) * nRow * nG);
    EngineError ee = {0};
    if (!aX || !aC || !aM) abort();
    for (size_t i = 0; i < nRow * nF; i++)
        aX[i] = i % 7 == 3 ? NAN : (float)((int)(i % 11) - 5);
    int rc = treeshap_explain(m, aX, nRow, 2, aC, aM, &ee);
    if (rc == 0) {
        for (size_t r = 0; r < nRow; r++)
            for (size_t g = 0; g < nG; g++) {
                double s = 0, scale = 1;
                for (size_t k = 0; k <= nF; k++) {
                    s += aC[r * stride + g * (nF + 1) + k];
                    scale += fabs(aC[r * stride + g * (nF + 1) + k]);
                }
                if (!(fabs(s - aM[r * nG + g]) <= 1e-9 * scale)) abort();
            }
    } else if (rc != KEEL_EINVAL || !ee.zMsg[0] || strcmp(ee.zField, "model") != 0) {
        abort();
    }
    free(aX);
    free(aC);
    free(aM);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *z = (const char *)data;
    const char *zNul = memchr(z, 0, size);
    size_t nModel = zNul ? (size_t)(zNul - z) : size;
    EngineError e = {0};
    if (!zNul) {
        ExplainModel *m = NULL;
        int rc = explain_model_parse(z, nModel, &m, &e);
        if (rc == 0) {
            if (!m) abort();
            if (m->kind == EXPLAIN_XGBOOST) fuzz_rows(m->pXgb);
        } else if ((rc != KEEL_EINVAL || !e.zMsg[0] || strcmp(e.zField, "model") != 0) &&
                   rc != KEEL_ENOMEM) {
            abort();
        }
        explain_model_free(m);
        return 0;
    }
    ExplainResult *r = NULL;
    ExplainOptions opt = {.nThread = 2, .nMaxCell = 100000};
    int rc = explain_run(z, nModel, zNul + 1, size - nModel - 1, &opt, &r, &e);
    if (rc == 0) {
        Buf b;
        buf_init(&b, 0);
        if (explain_report_csv(r, 2, &b) || explain_report_table(r, 5, &b)) abort();
        buf_reset(&b);
        json_t *o = explain_report_json(r, 1);
        if (!o) abort();
        json_decref(o);
    } else if (((rc != KEEL_EINVAL && rc != KEEL_ETOOBIG) || !e.zMsg[0]) && rc != KEEL_ENOMEM) {
        abort();
    }
    explain_result_free(r);
    return 0;
}
