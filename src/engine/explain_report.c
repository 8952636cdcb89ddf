/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Renderers for ExplainResult (see explain_report.h). The CSV renderer
 * formats blocks of rows on several threads into their own buffers and
 * joins them in order, since formatting numbers dominates writing a large
 * contributions file. */
#include "engine/explain_report.h"
#include "engine/par.h"
#include "util/err.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_CSV_BLOCK 512 /* rows per formatting work item */

/* One round of blocks for the CSV formatting threads. */
typedef struct CsvJob {
    const ExplainResult *r;
    Buf *aBuf;     /* one buffer per block of the round */
    size_t iFirst; /* first block of the round */
} CsvJob;

/* Append "%.10g" of x (always finite here) followed by c. */
static void report_num(Buf *b, double x, char c) {
    char z[40];
    int n = snprintf(z, sizeof z, "%.10g", x);
    z[n] = c;
    buf_append(b, z, (size_t)n + 1);
}

/* Format rows [r0, r1) into b. */
static void report_csv_rows(const ExplainResult *r, size_t r0, size_t r1, Buf *b) {
    size_t nG = (size_t)r->nGroup, nF = (size_t)r->nFeature, stride = nG * (nF + 1);
    for (size_t i = r0; i < r1; i++) {
        const double *c = r->aContrib + i * stride;
        for (size_t j = 0; j < stride; j++)
            report_num(b, c[j], ',');
        for (size_t g = 0; g < nG; g++)
            report_num(b, r->aPred[i * nG + g], g + 1 < nG ? ',' : '\n');
    }
}

/* par_run job: format block k of the round into its buffer. */
static int report_csv_job(void *p, size_t k, int iThread) {
    (void)iThread;
    CsvJob *job = p;
    size_t r0 = (job->iFirst + k) * REPORT_CSV_BLOCK;
    size_t r1 = r0 + REPORT_CSV_BLOCK < job->r->nRow ? r0 + REPORT_CSV_BLOCK : job->r->nRow;
    report_csv_rows(job->r, r0, r1, &job->aBuf[k]);
    return 0;
}

/* Append the CSV header line. */
static void report_csv_header(const ExplainResult *r, Buf *b) {
    char z[64];
    for (int g = 0; g < r->nGroup; g++) {
        for (int k = 0; k <= r->nFeature; k++) {
            const char *zName = k < r->nFeature ? r->azFeature[k] : "bias";
            if (r->nGroup > 1) {
                Buf t;
                buf_init(&t, 0);
                buf_printf(&t, "class%d:%s", g, zName);
                buf_csv_field(b, t.z ? t.z : "");
                if (buf_err(&t) && !b->err) b->err = buf_err(&t);
                buf_reset(&t);
            } else {
                buf_csv_field(b, zName);
            }
            buf_putc(b, ',');
        }
    }
    for (int g = 0; g < r->nGroup; g++) {
        if (r->nGroup > 1) {
            snprintf(z, sizeof z, "class%d:prediction", g);
            buf_puts(b, z);
        } else {
            buf_puts(b, "prediction");
        }
        buf_putc(b, g + 1 < r->nGroup ? ',' : '\n');
    }
}

int explain_report_csv_stream(const ExplainResult *r, int nThread, ExplainWriteFn xWrite,
                              void *pArg) {
    Buf hdr;
    buf_init(&hdr, 0);
    report_csv_header(r, &hdr);
    int rc = buf_err(&hdr);
    if (!rc) rc = xWrite(pArg, hdr.z, hdr.n);
    buf_reset(&hdr);
    if (rc) return rc;
    nThread = par_threads(nThread, PAR_MAX_THREAD);
    size_t nAll = (r->nRow + REPORT_CSV_BLOCK - 1) / REPORT_CSV_BLOCK;
    size_t nPer = (size_t)nThread * 4;
    CsvJob job = {.r = r, .aBuf = calloc(nPer, sizeof(Buf))};
    if (!job.aBuf) return KEEL_ENOMEM;
    for (size_t first = 0; first < nAll && !rc; first += nPer) {
        job.iFirst = first;
        size_t nBlock = nAll - first < nPer ? nAll - first : nPer;
        par_run(nBlock, nThread, report_csv_job, &job);
        for (size_t k = 0; k < nBlock; k++) {
            if (!rc) rc = buf_err(&job.aBuf[k]);
            if (!rc && job.aBuf[k].n) rc = xWrite(pArg, job.aBuf[k].z, job.aBuf[k].n);
            buf_reset(&job.aBuf[k]);
        }
    }
    free(job.aBuf);
    return rc;
}

/* Writer for explain_report_csv: append to the Buf at pArg. */
static int report_buf_write(void *pArg, const char *z, size_t n) {
    buf_append(pArg, z, n);
    return buf_err(pArg);
}

int explain_report_csv(const ExplainResult *r, int nThread, Buf *b) {
    return explain_report_csv_stream(r, nThread, report_buf_write, b);
}

/* A JSON number, or null for NaN (jansson refuses non-finite reals). */
static json_t *report_real(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* The summary of output g as a JSON object (new reference). */
static json_t *report_output_json(const ExplainResult *r, int g) {
    json_t *o = json_object(), *a = json_array();
    if (!o || !a) {
        json_decref(o);
        json_decref(a);
        return NULL;
    }
    if (r->nGroup > 1) json_object_set_new(o, "class", json_integer(g));
    json_object_set_new(o, "base_value", report_real(r->aBase[g]));
    json_object_set_new(o, "mean_prediction", report_real(r->aMeanPred[g]));
    for (int k = 0; k < r->nFeature; k++) {
        const ExplainFeature *s = &r->aSummary[(size_t)g * r->nFeature + k];
        json_t *f = json_pack("{s:i,s:s,s:o,s:o,s:o,s:s}", "rank", k + 1, "feature",
                              r->azFeature[s->iFeature], "mean_abs_shap", report_real(s->rMeanAbs),
                              "mean_shap", report_real(s->rMean), "correlation",
                              report_real(s->rCorr), "direction", s->zDirection);
        if (!f || json_array_append_new(a, f)) {
            json_decref(o);
            json_decref(a);
            return NULL;
        }
    }
    json_object_set_new(o, "features", a);
    return o;
}

/* The per-row arrays ("columns", "contributions", "predictions") into o. */
static int report_rows_json(const ExplainResult *r, json_t *o) {
    size_t nG = (size_t)r->nGroup, nF = (size_t)r->nFeature;
    json_t *aCols = json_array(), *aRows = json_array(), *aPred = json_array();
    int rc = 0;
    if (!aCols || !aRows || !aPred) rc = -1;
    for (size_t k = 0; k <= nF && !rc; k++)
        rc = json_array_append_new(aCols, json_string(k < nF ? r->azFeature[k] : "bias"));
    for (size_t i = 0; i < r->nRow && !rc; i++) {
        json_t *row = json_array(), *pr = nG > 1 ? json_array() : NULL;
        for (size_t g = 0; g < nG && row; g++) {
            json_t *grp = nG > 1 ? json_array() : row;
            for (size_t k = 0; k <= nF && grp; k++)
                if (json_array_append_new(grp,
                                          report_real(r->aContrib[(i * nG + g) * (nF + 1) + k])))
                    rc = -1;
            if (nG > 1 && json_array_append_new(row, grp)) rc = -1;
            if (nG > 1 && json_array_append_new(pr, report_real(r->aPred[i * nG + g]))) rc = -1;
        }
        if (!row || json_array_append_new(aRows, row)) rc = -1;
        if (json_array_append_new(aPred, nG > 1 ? pr : report_real(r->aPred[i]))) rc = -1;
    }
    if (json_object_set_new(o, "columns", aCols) | json_object_set_new(o, "contributions", aRows) |
        json_object_set_new(o, "predictions", aPred))
        rc = -1;
    return rc;
}

json_t *explain_report_json(const ExplainResult *r, int bRows) {
    json_t *o = json_object(), *aOut = json_array();
    json_t *model =
        json_pack("{s:s,s:s,s:i,s:i,s:i}", "type", r->zModel, "objective", r->zObjective, "trees",
                  r->nTree, "features", r->nFeature, "outputs", r->nGroup);
    int rc = (!o || !aOut || !model) ? -1 : 0;
    if (!rc) {
        json_object_set_new(o, "model", model);
        model = NULL;
        json_object_set_new(o, "rows", json_integer((json_int_t)r->nRow));
        json_object_set_new(o, "algorithm",
                            json_string(r->kind == EXPLAIN_XGBOOST
                                            ? "treeshap-path-dependent-exact"
                                            : "linear-interventional-exact"));
        json_object_set_new(o, "space", json_string("margin"));
    }
    for (int g = 0; g < r->nGroup && !rc; g++) {
        json_t *x = report_output_json(r, g);
        if (!x || json_array_append_new(aOut, x)) rc = -1;
    }
    if (!rc) {
        rc = json_object_set_new(o, "outputs", aOut);
        aOut = NULL;
    }
    if (!rc && bRows) rc = report_rows_json(r, o);
    json_decref(aOut);
    json_decref(model);
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int explain_report_table(const ExplainResult *r, int nTop, Buf *b) {
    if (r->kind == EXPLAIN_XGBOOST)
        buf_printf(b, "Explained %zu row%s with an XGBoost %s model (%d trees, %d features).\n",
                   r->nRow, r->nRow == 1 ? "" : "s", r->zObjective, r->nTree, r->nFeature);
    else
        buf_printf(b, "Explained %zu row%s with a %s model (%d features).\n", r->nRow,
                   r->nRow == 1 ? "" : "s", r->zModel, r->nFeature);
    buf_puts(b, "SHAP values are in margin units");
    buf_puts(b, r->kind == EXPLAIN_XGBOOST && strcmp(r->zObjective, "reg:squarederror") &&
                        strcmp(r->zObjective, "reg:linear")
                    ? (strcmp(r->zObjective, "count:poisson") == 0 ? " (log of the count)"
                                                                   : " (log-odds)")
                    : (strcmp(r->zModel, "logistic") == 0 ? " (log-odds)" : ""));
    buf_puts(b, "; direction: how the feature's value relates to its SHAP value.\n");
    int nShow = nTop > 0 && nTop < r->nFeature ? nTop : r->nFeature;
    int wName = 7;
    for (int k = 0; k < r->nFeature; k++) {
        int n = (int)strlen(r->azFeature[k]);
        if (n > wName) wName = n > 40 ? 40 : n;
    }
    for (int g = 0; g < r->nGroup; g++) {
        buf_putc(b, '\n');
        if (r->nGroup > 1) buf_printf(b, "Class %d\n", g);
        buf_printf(b, "Base value (expected margin) %.6g; mean prediction %.6g.\n", r->aBase[g],
                   r->aMeanPred[g]);
        buf_printf(b, "%4s  %-*s  %12s  %12s  %s\n", "rank", wName, "feature", "mean |SHAP|",
                   "mean SHAP", "direction (r)");
        for (int k = 0; k < nShow; k++) {
            const ExplainFeature *s = &r->aSummary[(size_t)g * r->nFeature + k];
            buf_printf(b, "%4d  %-*.*s  %12.6g  %12.6g  %s", k + 1, wName, wName,
                       r->azFeature[s->iFeature], s->rMeanAbs, s->rMean, s->zDirection);
            if (isfinite(s->rCorr))
                buf_printf(b, " (%+.2f)\n", s->rCorr);
            else
                buf_putc(b, '\n');
        }
        if (nShow < r->nFeature)
            buf_printf(b, "(%d more features; --top 0 shows all)\n", r->nFeature - nShow);
    }
    return buf_err(b);
}
