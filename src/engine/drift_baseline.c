/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drift baselines: a reference table written as JSON (bin edges and
 * counts, category counts, a sketch, per segment) and read back into the
 * reference columns a comparison needs. */
#include "engine/drift_int.h"
#include "util/err.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- baselines ---------------------------------------------------------- */

/* Append the summary of one column over rows rs as a baseline object. */
static int drift_baseline_column(const CsvColumn *col, RowSet rs, Buf *b) {
    int rc = 0;
    double *a = NULL;
    size_t *aCount = NULL, nMissing = 0;
    buf_puts(b, "{\"name\":");
    buf_json_str(b, col->zName);
    if (col->type == CSV_NUMERIC) {
        RefCol r = {0};
        Sketch sk = {0};
        size_t n;
        rc = drift_gather(col, rs, &a, &n);
        if (!rc) rc = sketch_sort(a, n, NULL);
        if (!rc) rc = sketch_build(&sk, a, n);
        if (rc) goto done;
        drift_ref_numeric(&r, a, n);
        buf_printf(b, ",\"type\":\"numeric\",\"missing\":%zu,\"n\":%zu,\"std\":", rs.n - n, n);
        drift_json_num(b, n ? r.std : NAN);
        buf_puts(b, ",\"edges\":[");
        for (int k = 0; k < r.nEdge; k++)
            buf_printf(b, "%s%.17g", k ? "," : "", r.aEdge[k]);
        buf_puts(b, "],\"bins\":[");
        for (int k = 0; n && k <= r.nEdge; k++)
            buf_printf(b, "%s%zu", k ? "," : "", r.aBin[k]);
        buf_puts(b, "],\"sketch\":[");
        for (size_t i = 0; i < sk.nPoint; i++)
            buf_printf(b, "%s%.17g", i ? "," : "", sk.aPoint[i]);
        buf_puts(b, "]}");
        sketch_free(&sk);
    } else {
        rc = drift_count_levels(col, rs, &aCount, &nMissing);
        if (rc) goto done;
        buf_printf(b, ",\"type\":\"categorical\",\"missing\":%zu,\"n\":%zu,\"levels\":[", nMissing,
                   rs.n - nMissing);
        int first = 1;
        for (size_t l = 0; l < col->nLevel; l++)
            if (aCount[l]) {
                if (!first) buf_putc(b, ',');
                buf_json_str(b, col->azLevel[l]);
                first = 0;
            }
        buf_puts(b, "],\"counts\":[");
        first = 1;
        for (size_t l = 0; l < col->nLevel; l++)
            if (aCount[l]) {
                buf_printf(b, "%s%zu", first ? "" : ",", aCount[l]);
                first = 0;
            }
        buf_puts(b, "]}");
    }
done:
    free(a);
    free(aCount);
    return rc;
}

/* Append one set (whole data or a segment) of a baseline. */
static int drift_baseline_set(const CsvTable *t, int iSeg, const char *zValue, RowSet rs, Buf *b) {
    buf_puts(b, "{\"value\":");
    if (zValue)
        buf_json_str(b, zValue);
    else
        buf_puts(b, "null");
    buf_printf(b, ",\"rows\":%zu,\"columns\":[", rs.n);
    int first = 1;
    for (size_t k = 0; k < t->nCol; k++) {
        if ((int)k == iSeg) continue;
        if (!first) buf_putc(b, ',');
        first = 0;
        int rc = drift_baseline_column(&t->aCol[k], rs, b);
        if (rc) return rc;
    }
    buf_puts(b, "]}");
    return 0;
}

int drift_baseline_build(const CsvTable *ref, const DriftOptions *opt, Buf *b, EngineError *pErr) {
    int iSeg = -1, rc = 0;
    uint32_t *aRow = NULL;
    size_t *aOff = NULL;
    if (opt && opt->zSegment) {
        iSeg = csv_column_index(ref, opt->zSegment);
        if (iSeg < 0 || ref->aCol[iSeg].type != CSV_CATEGORICAL) {
            engine_fail(pErr, KEEL_EINVAL, "segment", "segment column '%s' is %s", opt->zSegment,
                        iSeg < 0 ? "not in the reference data" : "not categorical");
            return KEEL_EINVAL;
        }
    }
    buf_puts(b, "{\"keel_drift_baseline\":1,\"segment\":");
    if (iSeg >= 0)
        buf_json_str(b, opt->zSegment);
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"types\":[");
    for (size_t k = 0; k < ref->nCol; k++) {
        buf_printf(b, "%s{\"name\":", k ? "," : "");
        buf_json_str(b, ref->aCol[k].zName);
        buf_printf(b, ",\"type\":\"%s\"}",
                   ref->aCol[k].type == CSV_NUMERIC ? "numeric" : "categorical");
    }
    buf_puts(b, "],\"sets\":[");
    rc = drift_baseline_set(ref, iSeg, NULL, (RowSet){NULL, ref->nRow}, b);
    if (rc) goto done;
    if (iSeg >= 0) {
        const CsvColumn *seg = &ref->aCol[iSeg];
        rc = drift_group_rows(ref, seg, &aRow, &aOff);
        for (size_t l = 0; !rc && l < seg->nLevel; l++) {
            buf_putc(b, ',');
            rc = drift_baseline_set(ref, iSeg, seg->azLevel[l],
                                    (RowSet){aRow + aOff[l], aOff[l + 1] - aOff[l]}, b);
        }
    }
    buf_puts(b, "]}\n");
done:
    free(aRow);
    free(aOff);
    if (!rc) rc = buf_err(b);
    return rc;
}

/* Read a non-negative whole number from JSON; 0 or KEEL_EINVAL. */
int drift_json_size(json_t *j, size_t *p) {
    if (!json_is_integer(j) || json_integer_value(j) < 0) return KEEL_EINVAL;
    *p = (size_t)json_integer_value(j);
    return 0;
}

/* Read a JSON array of numbers into a new array of n doubles (exactly n
 * when nWant != (size_t)-1); 0, KEEL_EINVAL or KEEL_ENOMEM. */
static int drift_json_doubles(json_t *j, double **pa, size_t *pn, size_t nMax) {
    if (!json_is_array(j) || json_array_size(j) > nMax) return KEEL_EINVAL;
    size_t n = json_array_size(j);
    double *a = malloc((n ? n : 1) * sizeof *a);
    if (!a) return KEEL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(j, i);
        if (!json_is_number(x)) {
            free(a);
            return KEEL_EINVAL;
        }
        a[i] = json_number_value(x);
        if (i && !(a[i] >= a[i - 1])) {
            free(a);
            return KEEL_EINVAL;
        }
    }
    *pa = a;
    *pn = n;
    return 0;
}

/* Fill r from a baseline column object; the strings stay owned by j. */
int drift_json_refcol(json_t *j, size_t nRow, RefCol *r) {
    const char *zType = json_string_value(json_object_get(j, "type"));
    r->zName = json_string_value(json_object_get(j, "name"));
    r->nRow = nRow;
    if (!r->zName || !zType || drift_json_size(json_object_get(j, "missing"), &r->nMissing) ||
        drift_json_size(json_object_get(j, "n"), &r->n) || r->n + r->nMissing != nRow)
        return KEEL_EINVAL;
    if (strcmp(zType, "numeric") == 0) {
        r->type = CSV_NUMERIC;
        double *aEdge = NULL, *aPoint = NULL;
        size_t nEdge = 0, nPoint = 0;
        json_t *bins = json_object_get(j, "bins");
        int rc = drift_json_doubles(json_object_get(j, "edges"), &aEdge, &nEdge, DRIFT_NBIN - 1);
        if (!rc)
            rc = drift_json_doubles(json_object_get(j, "sketch"), &aPoint, &nPoint, SKETCH_POINTS);
        if (rc) {
            free(aEdge);
            return rc;
        }
        memcpy(r->aEdge, aEdge, nEdge * sizeof *aEdge);
        r->nEdge = (int)nEdge;
        free(aEdge);
        r->sketch = (Sketch){r->n, nPoint, aPoint};
        if (nPoint != (r->n < SKETCH_POINTS ? r->n : SKETCH_POINTS)) return KEEL_EINVAL;
        if (r->n) {
            json_t *std = json_object_get(j, "std");
            if (!json_is_number(std) || !json_is_array(bins) || json_array_size(bins) != nEdge + 1)
                return KEEL_EINVAL;
            r->std = json_number_value(std);
            size_t tot = 0;
            for (size_t k = 0; k <= nEdge; k++) {
                if (drift_json_size(json_array_get(bins, k), &r->aBin[k])) return KEEL_EINVAL;
                tot += r->aBin[k];
            }
            if (tot != r->n) return KEEL_EINVAL;
        }
        return 0;
    }
    if (strcmp(zType, "categorical") != 0) return KEEL_EINVAL;
    r->type = CSV_CATEGORICAL;
    json_t *levels = json_object_get(j, "levels"), *counts = json_object_get(j, "counts");
    if (!json_is_array(levels) || !json_is_array(counts) ||
        json_array_size(levels) != json_array_size(counts))
        return KEEL_EINVAL;
    size_t n = json_array_size(levels), tot = 0;
    const char **az = calloc(n ? n : 1, sizeof *az);
    size_t *ac = calloc(n ? n : 1, sizeof *ac);
    r->azLevel = az;
    r->aCount = ac;
    r->nLevel = n;
    if (!az || !ac) return KEEL_ENOMEM;
    for (size_t l = 0; l < n; l++) {
        az[l] = json_string_value(json_array_get(levels, l));
        if (!az[l] || drift_json_size(json_array_get(counts, l), &ac[l])) return KEEL_EINVAL;
        tot += ac[l];
    }
    return tot == r->n ? 0 : KEEL_EINVAL;
}

/* Free what a RefCol owns. */
void drift_refcol_free(RefCol *r) {
    sketch_free(&r->sketch);
    if (r->own && r->taken)
        csv_numbers_free((double *)r->aSorted, r->nMapRow);
    else if (r->own)
        free((void *)r->aSorted);
    if (r->own) {
        for (size_t l = 0; r->azLevel && l < r->nLevel; l++)
            free((void *)r->azLevel[l]);
        if (r->zName) free((void *)r->zName);
    }
    free((void *)r->azLevel);
    free((void *)r->aCount);
}
