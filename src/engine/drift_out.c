/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A drift result as JSON (docs/drift.md) or as text for a terminal. */
#include "engine/drift_int.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- output ------------------------------------------------------------- */

const char *drift_verdict_name(DriftVerdict v) {
    switch (v) {
    case DRIFT_OK: return "ok";
    case DRIFT_WARN: return "warn";
    case DRIFT_DRIFT: return "drift";
    case DRIFT_NA: return "n/a";
    case DRIFT_NEW: return "new";
    case DRIFT_GONE: return "gone";
    }
    return "?";
}

/* Append a JSON number with round-trip precision, or null. */
void drift_json_num(Buf *b, double x) {
    if (isfinite(x))
        buf_printf(b, "%.17g", x);
    else
        buf_puts(b, "null");
}

/* Append one column as JSON. */
static void drift_column_json(const DriftColumn *c, int fromBaseline, Buf *b) {
    static const char *azFired[] = {"psi", "wasserstein", "js", "ks", "chi2"};
    buf_puts(b, "{\"name\":");
    buf_json_str(b, c->zName);
    buf_printf(b, ",\"type\":\"%s\",\"missing\":{\"ref\":",
               c->type == CSV_NUMERIC ? "numeric" : "categorical");
    drift_json_num(b, c->missingRef);
    buf_puts(b, ",\"cur\":");
    drift_json_num(b, c->missingCur);
    buf_printf(b, "},\"count\":{\"ref\":%zu,\"cur\":%zu},\"psi\":", c->nRef, c->nCur);
    drift_json_num(b, c->psi);
    buf_puts(b, ",\"js\":");
    drift_json_num(b, c->js);
    if (c->type == CSV_NUMERIC) {
        buf_puts(b, ",\"ks\":{\"statistic\":");
        drift_json_num(b, c->ksStat);
        buf_puts(b, ",\"p_value\":");
        drift_json_num(b, c->ksP);
        if (fromBaseline) {
            buf_puts(b, ",\"error_bound\":");
            drift_json_num(b, c->ksErr);
        }
        buf_puts(b, "},\"wasserstein\":");
        drift_json_num(b, c->wasserstein);
        if (fromBaseline) {
            buf_puts(b, ",\"wasserstein_error_bound\":");
            drift_json_num(b, c->wassErr);
        }
        buf_puts(b, ",\"chi2\":null");
    } else {
        buf_puts(b, ",\"ks\":null,\"wasserstein\":null,\"chi2\":{\"statistic\":");
        drift_json_num(b, c->chi2Stat);
        buf_puts(b, ",\"p_value\":");
        drift_json_num(b, c->chi2P);
        buf_printf(b, ",\"df\":%d}", c->chi2Df);
    }
    buf_puts(b, ",\"fired\":[");
    int first = 1;
    for (int i = 0; i < 5; i++)
        if (c->fired & (1u << i)) {
            buf_printf(b, "%s\"%s\"", first ? "" : ",", azFired[i]);
            first = 0;
        }
    buf_printf(b, "],\"verdict\":\"%s\"}", drift_verdict_name(c->verdict));
}

/* Append a set's columns and dataset summary (without braces). */
static void drift_set_json(const DriftSet *s, int fromBaseline, Buf *b) {
    buf_printf(b, "\"rows\":{\"ref\":%zu,\"cur\":%zu},\"columns\":[", s->nRowRef, s->nRowCur);
    for (size_t k = 0; k < s->nCol; k++) {
        if (k) buf_putc(b, ',');
        drift_column_json(&s->aCol[k], fromBaseline, b);
    }
    buf_printf(b, "],\"dataset\":{\"columns\":%zu,\"drifted\":%zu,\"share\":", s->nCol,
               s->nDrifted);
    drift_json_num(b, s->share);
    buf_printf(b, ",\"verdict\":\"%s\"}", drift_verdict_name(s->verdict));
}

/* Append a JSON array of strings. */
static void drift_json_list(Buf *b, char *const *az, size_t n) {
    buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) buf_putc(b, ',');
        buf_json_str(b, az[i]);
    }
    buf_putc(b, ']');
}

void drift_result_json(const DriftResult *r, Buf *b) {
    buf_putc(b, '{');
    drift_set_json(&r->all, r->fromBaseline, b);
    buf_puts(b, ",\"only_in\":{\"ref\":");
    drift_json_list(b, r->azOnlyRef, r->nOnlyRef);
    buf_puts(b, ",\"cur\":");
    drift_json_list(b, r->azOnlyCur, r->nOnlyCur);
    buf_puts(b, "},\"segment\":");
    if (r->zSegment)
        buf_json_str(b, r->zSegment);
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"segments\":[");
    for (size_t i = 0; i < r->nSeg; i++) {
        const DriftSet *s = &r->aSeg[i];
        if (i) buf_putc(b, ',');
        buf_puts(b, "{\"value\":");
        buf_json_str(b, s->zValue);
        buf_putc(b, ',');
        drift_set_json(s, r->fromBaseline, b);
        buf_putc(b, '}');
    }
    const DriftOptions *o = &r->opt;
    buf_printf(b,
               "],\"reference\":\"%s\",\"thresholds\":{\"psi_drift\":%.17g,\"psi_warn\":%.17g,"
               "\"wasserstein\":%.17g,\"js\":%.17g,\"alpha\":%.17g,"
               "\"dataset_share\":%.17g}}\n",
               r->fromBaseline ? "baseline" : "file", o->psiDrift, o->psiWarn, o->wassDrift,
               o->jsDrift, o->alpha, o->shareDrift);
}

/* Append a number for the text table, "-" when not applicable. */
static void drift_text_num(Buf *b, const char *zFmt, double x) {
    if (isfinite(x))
        buf_printf(b, zFmt, x);
    else
        buf_printf(b, "%10s", "-");
}

/* Append a set as a text table. */
static void drift_set_text(const DriftSet *s, Buf *b) {
    buf_printf(b, "%-24s %-5s %7s %7s %10s %10s %10s %10s %10s  %s\n", "column", "type", "miss.r",
               "miss.c", "psi", "js", "ks_p", "wass", "chi2_p", "verdict");
    for (size_t k = 0; k < s->nCol; k++) {
        const DriftColumn *c = &s->aCol[k];
        buf_printf(b, "%-24.24s %-5s ", c->zName, c->type == CSV_NUMERIC ? "num" : "cat");
        drift_text_num(b, "%6.1f%%", 100 * c->missingRef);
        buf_putc(b, ' ');
        drift_text_num(b, "%6.1f%%", 100 * c->missingCur);
        buf_putc(b, ' ');
        drift_text_num(b, "%10.4f", c->psi);
        buf_putc(b, ' ');
        drift_text_num(b, "%10.4f", c->js);
        buf_putc(b, ' ');
        drift_text_num(b, "%10.3g", c->ksP);
        buf_putc(b, ' ');
        drift_text_num(b, "%10.4f", c->wasserstein);
        buf_putc(b, ' ');
        drift_text_num(b, "%10.3g", c->chi2P);
        buf_printf(b, "  %s\n", drift_verdict_name(c->verdict));
    }
    buf_printf(b, "dataset: %zu of %zu columns drifted (%.0f%%): %s\n", s->nDrifted, s->nCol,
               100 * s->share, drift_verdict_name(s->verdict));
}

void drift_result_text(const DriftResult *r, Buf *b) {
    buf_printf(b, "reference rows: %zu, current rows: %zu%s\n\n", r->all.nRowRef, r->all.nRowCur,
               r->fromBaseline ? " (reference from a baseline)" : "");
    drift_set_text(&r->all, b);
    for (size_t i = 0; i < r->nOnlyRef; i++)
        buf_printf(b, "only in the reference: %s\n", r->azOnlyRef[i]);
    for (size_t i = 0; i < r->nOnlyCur; i++)
        buf_printf(b, "only in the current data: %s\n", r->azOnlyCur[i]);
    for (size_t i = 0; i < r->nSeg; i++) {
        const DriftSet *s = &r->aSeg[i];
        buf_printf(b, "\nsegment %s = %s (rows: %zu ref, %zu cur)\n", r->zSegment, s->zValue,
                   s->nRowRef, s->nRowCur);
        if (s->verdict == DRIFT_NEW)
            buf_puts(b, "new: not in the reference\n");
        else if (s->verdict == DRIFT_GONE)
            buf_puts(b, "gone: not in the current data\n");
        else
            drift_set_text(s, b);
    }
}
