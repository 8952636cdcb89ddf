/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The drift engine (see drift.h; formulas in docs/drift.md). The work is
 * cut into items, one per (segment, column) pair, that worker threads take
 * from a shared counter: an item gathers the column's non-missing values
 * of both sides, sorts them (radix sort) and computes every metric from
 * the two sorted arrays in linear passes: decile bins by binary search,
 * KS and Wasserstein by one merge. A reference from a baseline replaces
 * the sorted reference by its bins, counts and quantile sketch. One
 * column's comparison is drift_stat.c, baselines drift_baseline.c, the
 * JSON and text drift_out.c (drift_int.h is what they share). */
#include "engine/drift.h"
#include "engine/par.h"
#include "engine/stats.h"
#include "util/err.h"
#include "engine/drift_int.h"
#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sets and work items ------------------------------------------------ */

/* Gather the non-missing values of numeric column col over rows rs into
 * a (room for rs.n values); *pn gets their number. */
static void drift_gather_into(const CsvColumn *col, RowSet rs, double *a, size_t *pn) {
    size_t n = 0;
    if (rs.aRow) {
        for (size_t i = 0; i < rs.n; i++) {
            double v = col->aNum[rs.aRow[i]];
            if (!isnan(v)) a[n++] = v;
        }
    } else {
        for (size_t i = 0; i < rs.n; i++) {
            double v = col->aNum[i];
            if (!isnan(v)) a[n++] = v;
        }
    }
    *pn = n;
}

/* Gather into a new array (*pa); 0 or KEEL_ENOMEM. */
int drift_gather(const CsvColumn *col, RowSet rs, double **pa, size_t *pn) {
    double *a = malloc((rs.n ? rs.n : 1) * sizeof *a);
    if (!a) return KEEL_ENOMEM;
    drift_gather_into(col, rs, a, pn);
    *pa = a;
    return 0;
}

/* Count the categories of column col over rows rs into a new array of
 * col->nLevel counts; *pnMissing gets the missing cells. */
int drift_count_levels(const CsvColumn *col, RowSet rs, size_t **paCount, size_t *pnMissing) {
    size_t *a = calloc(col->nLevel + 1, sizeof *a);
    if (!a) return KEEL_ENOMEM;
    size_t nMiss = 0;
    for (size_t i = 0; i < rs.n; i++) {
        uint32_t code = col->aCode[rs.aRow ? rs.aRow[i] : i];
        if (code == CSV_MISSING_CODE)
            nMiss++;
        else
            a[code]++;
    }
    *paCount = a;
    *pnMissing = nMiss;
    return 0;
}

/* Row lists of a table grouped by the codes of categorical column seg:
 * *paOff gets nLevel + 1 offsets into *paRow. */
int drift_group_rows(const CsvTable *t, const CsvColumn *seg, uint32_t **paRow, size_t **paOff) {
    size_t *off = calloc(seg->nLevel + 2, sizeof *off);
    uint32_t *rows = malloc((t->nRow ? t->nRow : 1) * sizeof *rows);
    size_t *fill = malloc((seg->nLevel + 1) * sizeof *fill);
    if (!off || !rows || !fill) {
        free(off);
        free(rows);
        free(fill);
        return KEEL_ENOMEM;
    }
    for (size_t i = 0; i < t->nRow; i++)
        if (seg->aCode[i] != CSV_MISSING_CODE) off[seg->aCode[i] + 1]++;
    for (size_t l = 0; l < seg->nLevel; l++)
        off[l + 1] += off[l];
    memcpy(fill, off, (seg->nLevel + 1) * sizeof *fill);
    for (size_t i = 0; i < t->nRow; i++)
        if (seg->aCode[i] != CSV_MISSING_CODE) rows[fill[seg->aCode[i]]++] = (uint32_t)i;
    free(fill);
    *paRow = rows;
    *paOff = off;
    return 0;
}

/* One set of a reference: the whole data or one segment value. */
typedef struct BaseSet {
    const char *zValue; /* segment value (NULL for the whole data) */
    size_t nRow;        /* rows */
    RefCol *aCol;       /* columns */
    size_t nCol;
} BaseSet;

/* A reference summary: everything a comparison needs from the reference,
 * built from a table (exact) or read from a baseline (sketch). */
struct DriftRef {
    int fromBaseline; /* read from a baseline */
    char *zSegment;   /* segment column (owned) or NULL */
    BaseSet *aSet;    /* nSet sets, the whole data first */
    size_t nSet;
    json_t *root; /* baseline document (owns its strings) or NULL */
};

/* One unit of work: build a reference column (pBuild) from a table
 * column, or compare a reference column (pRef) with a current column. */
typedef struct DriftItem {
    DriftColumn *pOut;     /* compare: where the result goes */
    const RefCol *pRef;    /* compare: the reference column */
    RefCol *pBuild;        /* build: the reference column to fill */
    const CsvColumn *pCol; /* the table column (current, or to build from) */
    RowSet rows;           /* rows of the set in that table */
    int inPlace;           /* sort pCol's own numbers (the table is consumed) */
    CsvTable *pTable;      /* build in place: the table, to take column iCol */
    size_t iCol;
} DriftItem;

/* Shared state of the workers. */
typedef struct DriftScratch DriftScratch;
typedef struct DriftWork {
    DriftItem *aItem;
    size_t nItem;
    size_t nMax;            /* most rows of a set */
    DriftScratch *aScratch; /* one per thread slot */
} DriftWork;

/* A worker's scratch arrays, each of nMax doubles, allocated when first
 * needed and reused across items so that large buffers fault in once. */
struct DriftScratch {
    double *aVal, *aTmp;
    size_t nMax;
};

/* Make sure *pa (a scratch array) exists; 0 or KEEL_ENOMEM. */
static int drift_scratch(double **pa, size_t nMax) {
    if (!*pa) *pa = malloc((nMax ? nMax : 1) * sizeof **pa);
    return *pa ? 0 : KEEL_ENOMEM;
}

/* Build reference column r from column col over rows rs: sorted values,
 * deciles, bins and spread, or category counts (names copied). */
static int drift_item_build(RefCol *r, const CsvColumn *col, RowSet rs, DriftItem *it,
                            DriftScratch *sc) {
    r->type = col->type; /* zName is set (owned) by the caller */
    r->nRow = rs.n;
    r->own = 1;
    if (col->type == CSV_NUMERIC && it->inPlace) {
        /* the table is given up: compact, sort and keep its own array */
        double *a = col->aNum;
        size_t n = 0;
        if (drift_scratch(&sc->aTmp, sc->nMax)) return KEEL_ENOMEM;
        for (size_t i = 0; i < rs.n; i++) {
            a[n] = a[i];
            n += !isnan(a[i]);
        }
        int rc = sketch_sort(a, n, sc->aTmp);
        if (rc) return rc;
        r->taken = 1;
        r->nMapRow = it->pTable->nRow;
        r->nMissing = rs.n - n;
        drift_ref_numeric(r, csv_column_take_numbers(it->pTable, it->iCol), n);
        return 0;
    }
    if (col->type == CSV_NUMERIC) {
        /* count, then gather straight into an array of the right size */
        size_t n = 0;
        if (rs.aRow) {
            for (size_t i = 0; i < rs.n; i++)
                n += !isnan(col->aNum[rs.aRow[i]]);
        } else {
            n = rs.n - col->nMissing;
        }
        double *a = malloc((n ? n : 1) * sizeof *a);
        if (!a || drift_scratch(&sc->aTmp, sc->nMax)) {
            free(a);
            return KEEL_ENOMEM;
        }
        size_t nGot;
        drift_gather_into(col, rs, a, &nGot);
        int rc = nGot == n ? sketch_sort(a, n, sc->aTmp) : KEEL_EINTERNAL;
        if (rc) {
            free(a);
            return rc;
        }
        r->nMissing = rs.n - n;
        drift_ref_numeric(r, a, n);
        return 0;
    }
    size_t *aCount, nMiss;
    int rc = drift_count_levels(col, rs, &aCount, &nMiss);
    if (rc) return rc;
    size_t nLevel = 0;
    for (size_t l = 0; l < col->nLevel; l++)
        nLevel += aCount[l] != 0;
    char **az = calloc(nLevel + 1, sizeof *az);
    size_t *ac = malloc((nLevel + 1) * sizeof *ac);
    r->azLevel = (const char *const *)az;
    r->aCount = ac;
    r->nMissing = nMiss;
    r->n = rs.n - nMiss;
    if (!az || !ac) {
        free(aCount);
        return KEEL_ENOMEM;
    }
    for (size_t l = 0; l < col->nLevel; l++)
        if (aCount[l]) {
            az[r->nLevel] = strdup(col->azLevel[l]);
            ac[r->nLevel] = aCount[l];
            if (!az[r->nLevel]) {
                free(aCount);
                return KEEL_ENOMEM;
            }
            r->nLevel++;
        }
    free(aCount);
    return 0;
}

/* Compare reference column pr with current column cc over rows rs. */
static int drift_item_compare(DriftColumn *c, const RefCol *pr, const CsvColumn *cc, RowSet rs,
                              int inPlace, DriftScratch *sc) {
    size_t nCurMissing = 0, *aCurCount = NULL;
    int rc = 0;
    c->missingRef = pr->nRow ? (double)pr->nMissing / (double)pr->nRow : NAN;
    if (cc->type == CSV_NUMERIC) {
        size_t nb = 0;
        double *a;
        if (drift_scratch(&sc->aTmp, sc->nMax)) return KEEL_ENOMEM;
        if (inPlace) { /* the caller gave the column up: compact and sort it */
            a = cc->aNum;
            for (size_t i = 0; i < rs.n; i++) {
                a[nb] = a[i];
                nb += !isnan(a[i]);
            }
        } else {
            if (drift_scratch(&sc->aVal, sc->nMax)) return KEEL_ENOMEM;
            a = sc->aVal;
            drift_gather_into(cc, rs, a, &nb);
        }
        rc = sketch_sort(a, nb, sc->aTmp);
        if (rc) return rc;
        nCurMissing = rs.n - nb;
        rc = drift_numeric(pr, a, nb, c);
    } else {
        rc = drift_count_levels(cc, rs, &aCurCount, &nCurMissing);
        if (rc) return rc;
        rc = drift_categorical(pr, (const char *const *)cc->azLevel, aCurCount, cc->nLevel, c);
        free(aCurCount);
    }
    c->missingCur = rs.n ? (double)nCurMissing / (double)rs.n : NAN;
    return rc;
}

/* Run one item. */
static int drift_item_run(DriftItem *it, DriftScratch *sc) {
    if (it->pBuild) return drift_item_build(it->pBuild, it->pCol, it->rows, it, sc);
    return drift_item_compare(it->pOut, it->pRef, it->pCol, it->rows, it->inPlace, sc);
}

/* par_run job: item iJob, with the scratch of thread slot iThread. */
static int drift_item_job(void *p, size_t iJob, int iThread) {
    DriftWork *w = p;
    DriftScratch *sc = &w->aScratch[iThread];
    sc->nMax = w->nMax;
    return drift_item_run(&w->aItem[iJob], sc);
}

/* Run all items on nThread threads (0: one per core). */
static int drift_run_items(DriftItem *a, size_t n, int nThread) {
    DriftScratch aScratch[PAR_MAX_THREAD] = {{0}};
    DriftWork w = {a, n, 0, aScratch};
    for (size_t i = 0; i < n; i++)
        if (a[i].rows.n > w.nMax) w.nMax = a[i].rows.n;
    int rc = par_run(n, nThread, drift_item_job, &w);
    for (int t = 0; t < PAR_MAX_THREAD; t++) {
        free(aScratch[t].aVal);
        free(aScratch[t].aTmp);
    }
    return rc;
}

/* Verdicts of a set's columns and of the set. */
static void drift_set_finish(DriftSet *s, const DriftOptions *o) {
    size_t nComp = 0, nWarn = 0;
    s->nDrifted = 0;
    for (size_t k = 0; k < s->nCol; k++) {
        DriftColumn *c = &s->aCol[k];
        drift_verdict(c, o);
        if (c->verdict == DRIFT_NA) continue;
        nComp++;
        if (c->verdict == DRIFT_DRIFT) s->nDrifted++;
        if (c->verdict == DRIFT_WARN) nWarn++;
    }
    s->share = nComp ? (double)s->nDrifted / (double)nComp : 0;
    if (!nComp)
        s->verdict = DRIFT_NA;
    else if (s->nDrifted && s->share >= o->shareDrift)
        s->verdict = DRIFT_DRIFT;
    else if (s->nDrifted || nWarn)
        s->verdict = DRIFT_WARN;
    else
        s->verdict = DRIFT_OK;
}

/* Free a set's owned memory. */
static void drift_set_free(DriftSet *s) {
    for (size_t k = 0; k < s->nCol; k++)
        free(s->aCol[k].zName);
    free(s->aCol);
    free(s->zValue);
    memset(s, 0, sizeof *s);
}

void drift_result_free(DriftResult *r) {
    if (!r) return;
    drift_set_free(&r->all);
    for (size_t i = 0; i < r->nSeg; i++)
        drift_set_free(&r->aSeg[i]);
    free(r->aSeg);
    free(r->zSegment);
    for (size_t i = 0; i < r->nOnlyRef; i++)
        free(r->azOnlyRef[i]);
    for (size_t i = 0; i < r->nOnlyCur; i++)
        free(r->azOnlyCur[i]);
    free(r->azOnlyRef);
    free(r->azOnlyCur);
    free(r);
}

void drift_options_default(DriftOptions *o) {
    memset(o, 0, sizeof *o);
    o->psiDrift = 0.2;
    o->psiWarn = 0.1;
    o->wassDrift = 0.1;
    o->jsDrift = 0.1;
    o->alpha = 0.005;
    o->shareDrift = 0.5;
}

/* Append a copy of z to a string list; 0 or KEEL_ENOMEM. */
static int drift_list_add(char ***paz, size_t *pn, const char *z) {
    char **a = realloc(*paz, (*pn + 1) * sizeof *a);
    if (!a) return KEEL_ENOMEM;
    *paz = a;
    a[*pn] = strdup(z);
    if (!a[*pn]) return KEEL_ENOMEM;
    (*pn)++;
    return 0;
}

/* ---- references ---------------------------------------------------------- */

void drift_ref_free(DriftRef *r) {
    if (!r) return;
    for (size_t s = 0; r->aSet && s < r->nSet; s++) {
        for (size_t k = 0; k < r->aSet[s].nCol; k++)
            drift_refcol_free(&r->aSet[s].aCol[k]);
        free(r->aSet[s].aCol);
        if (!r->fromBaseline) free((void *)r->aSet[s].zValue);
    }
    free(r->aSet);
    free(r->zSegment);
    json_decref(r->root);
    free(r);
}

/* drift_ref_from_table; with consume, t's numeric columns are sorted in
 * place and taken for the whole-data summary (after every segment's). */
static int drift_ref_build(CsvTable *t, const DriftOptions *opt, DriftRef **ppRef,
                           EngineError *pErr, int consume) {
    int rc = 0, iSeg = -1;
    uint32_t *aRow = NULL;
    size_t *aOff = NULL;
    DriftItem *aItem = NULL;
    size_t nItem = 0;
    DriftRef *r = calloc(1, sizeof *r);
    *ppRef = NULL;
    if (!r) return KEEL_ENOMEM;
    if (opt && opt->zSegment) {
        iSeg = csv_column_index(t, opt->zSegment);
        if (iSeg < 0 || t->aCol[iSeg].type != CSV_CATEGORICAL) {
            engine_fail(pErr, KEEL_EINVAL, "segment", "segment column '%s' is %s", opt->zSegment,
                        iSeg < 0 ? "not in the reference data" : "not read as categorical");
            rc = KEEL_EINVAL;
            goto done;
        }
        r->zSegment = strdup(opt->zSegment);
        if (!r->zSegment) {
            rc = KEEL_ENOMEM;
            goto done;
        }
    }
    const CsvColumn *seg = iSeg >= 0 ? &t->aCol[iSeg] : NULL;
    r->nSet = 1 + (seg ? seg->nLevel : 0);
    r->aSet = calloc(r->nSet, sizeof *r->aSet);
    aItem = calloc(r->nSet * (t->nCol + 1), sizeof *aItem);
    if (!r->aSet || !aItem || (seg && drift_group_rows(t, seg, &aRow, &aOff))) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t s = 0; s < r->nSet; s++) {
        BaseSet *bs = &r->aSet[s];
        RowSet rs = {NULL, t->nRow};
        if (s > 0) {
            rs = (RowSet){aRow + aOff[s - 1], aOff[s] - aOff[s - 1]};
            bs->zValue = strdup(seg->azLevel[s - 1]);
            if (!bs->zValue) {
                rc = KEEL_ENOMEM;
                goto done;
            }
        }
        bs->nRow = rs.n;
        bs->aCol = calloc(t->nCol + 1, sizeof *bs->aCol);
        if (!bs->aCol) {
            rc = KEEL_ENOMEM;
            goto done;
        }
        for (size_t k = 0; k < t->nCol; k++) {
            if ((int)k == iSeg) continue;
            RefCol *rc0 = &bs->aCol[bs->nCol++];
            rc0->own = 1;
            rc0->zName = strdup(t->aCol[k].zName);
            if (!rc0->zName) {
                rc = KEEL_ENOMEM;
                goto done;
            }
            int inPlace = consume && s == 0 && t->aCol[k].type == CSV_NUMERIC;
            aItem[nItem++] = (DriftItem){NULL, NULL, rc0, &t->aCol[k], rs, inPlace, t, k};
        }
    }
    /* items that read the columns first, then those that take them */
    size_t nFirst = 0;
    for (size_t i = 0; i < nItem; i++)
        if (!aItem[i].inPlace) {
            DriftItem x = aItem[nFirst];
            aItem[nFirst++] = aItem[i];
            aItem[i] = x;
        }
    int nThread = opt ? opt->nThread : 0;
    rc = drift_run_items(aItem, nFirst, nThread);
    if (!rc) rc = drift_run_items(aItem + nFirst, nItem - nFirst, nThread);
    if (rc) goto done;
    *ppRef = r;
    r = NULL;
done:
    drift_ref_free(r);
    free(aItem);
    free(aRow);
    free(aOff);
    return rc;
}

int drift_ref_from_table(const CsvTable *t, const DriftOptions *opt, DriftRef **ppRef,
                         EngineError *pErr) {
    return drift_ref_build((CsvTable *)t, opt, ppRef, pErr, 0); /* not written to */
}

int drift_ref_from_table_consume(CsvTable *t, const DriftOptions *opt, DriftRef **ppRef,
                                 EngineError *pErr) {
    return drift_ref_build(t, opt, ppRef, pErr, 1);
}

int drift_ref_from_baseline(const char *z, size_t n, DriftRef **ppRef, EngineError *pErr) {
    int rc = 0;
    DriftRef *r = calloc(1, sizeof *r);
    *ppRef = NULL;
    if (!r) return KEEL_ENOMEM;
    r->fromBaseline = 1;
    r->root = json_loadb(z, n, JSON_REJECT_DUPLICATES, NULL);
    json_t *sets = json_object_get(r->root, "sets");
    json_t *segment = json_object_get(r->root, "segment");
    if (!json_is_integer(json_object_get(r->root, "keel_drift_baseline")) || !json_is_array(sets) ||
        json_array_size(sets) < 1 || !(json_is_null(segment) || json_is_string(segment))) {
        rc = KEEL_EINVAL;
        goto done;
    }
    if (json_is_string(segment)) {
        r->zSegment = strdup(json_string_value(segment));
        if (!r->zSegment) {
            rc = KEEL_ENOMEM;
            goto done;
        }
    }
    r->nSet = json_array_size(sets);
    r->aSet = calloc(r->nSet, sizeof *r->aSet);
    if (!r->aSet) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t s = 0; s < r->nSet && !rc; s++) {
        BaseSet *bs = &r->aSet[s];
        json_t *js = json_array_get(sets, s), *cols = json_object_get(js, "columns");
        bs->zValue = json_string_value(json_object_get(js, "value"));
        if ((s > 0) != (bs->zValue != NULL) || !json_is_array(cols) ||
            drift_json_size(json_object_get(js, "rows"), &bs->nRow)) {
            rc = KEEL_EINVAL;
            break;
        }
        bs->aCol = calloc(json_array_size(cols) + 1, sizeof *bs->aCol);
        if (!bs->aCol) {
            rc = KEEL_ENOMEM;
            break;
        }
        for (size_t k = 0; k < json_array_size(cols) && !rc; k++) {
            bs->nCol++;
            rc = drift_json_refcol(json_array_get(cols, k), bs->nRow, &bs->aCol[k]);
        }
    }
done:
    if (rc == KEEL_EINVAL)
        engine_fail(pErr, rc, "baseline", "not a keel drift baseline, or damaged");
    if (rc)
        drift_ref_free(r);
    else
        *ppRef = r;
    return rc;
}

int drift_ref_types(const DriftRef *r, CsvTypeOverride **paOv, size_t *pnOv) {
    const BaseSet *all = &r->aSet[0];
    CsvTypeOverride *a = malloc((all->nCol + 1) * sizeof *a);
    if (!a) return KEEL_ENOMEM;
    size_t n = 0;
    /* categorical stays categorical; numeric is inferred so that a column
     * that turned to text is reported, not refused */
    for (size_t k = 0; k < all->nCol; k++)
        a[n++] = (CsvTypeOverride){
            all->aCol[k].zName, all->aCol[k].type == CSV_CATEGORICAL ? CSV_CATEGORICAL : CSV_AUTO};
    if (r->zSegment) a[n++] = (CsvTypeOverride){r->zSegment, CSV_CATEGORICAL};
    *paOv = a;
    *pnOv = n;
    return 0;
}

/* drift_ref_compare; consume: cur's numeric columns may be sorted in
 * place for the whole-data comparison (after every segment's). */
static int drift_ref_compare_impl(const DriftRef *ref, const CsvTable *cur,
                                  const DriftOptions *optIn, DriftResult **ppResult,
                                  EngineError *pErr, int consume) {
    DriftOptions opt;
    if (optIn)
        opt = *optIn;
    else
        drift_options_default(&opt);
    stats_init();
    int rc = 0;
    DriftResult *r = calloc(1, sizeof *r);
    DriftItem *aItem = NULL;
    size_t nItem = 0;
    uint32_t *aRowCur = NULL;
    size_t *aOffCur = NULL;
    NameIndex segIdx = {0};
    char *used = NULL;
    *ppResult = NULL;
    engine_err_clear(pErr);
    if (!r) return KEEL_ENOMEM;
    r->opt = opt;
    r->opt.zSegment = NULL;
    r->fromBaseline = ref->fromBaseline;
    const char *zSeg = ref->zSegment;
    int iSegCur = -1;
    if (zSeg) {
        iSegCur = csv_column_index(cur, zSeg);
        if (iSegCur < 0 || cur->aCol[iSegCur].type != CSV_CATEGORICAL) {
            engine_fail(pErr, KEEL_EINVAL, "segment",
                        "segment column '%s' is %s in the current data", zSeg,
                        iSegCur < 0 ? "missing" : "not categorical");
            rc = KEEL_EINVAL;
            goto done;
        }
        r->zSegment = strdup(zSeg);
        if (!r->zSegment) {
            rc = KEEL_ENOMEM;
            goto done;
        }
    }
    /* columns only on one side */
    const BaseSet *all = &ref->aSet[0];
    for (size_t k = 0; k < all->nCol; k++)
        if (csv_column_index(cur, all->aCol[k].zName) < 0) {
            rc = drift_list_add(&r->azOnlyRef, &r->nOnlyRef, all->aCol[k].zName);
            if (rc) goto done;
        }
    for (size_t j = 0; j < cur->nCol; j++) {
        int found = (int)j == iSegCur;
        for (size_t k = 0; k < all->nCol && !found; k++)
            found = strcmp(all->aCol[k].zName, cur->aCol[j].zName) == 0;
        if (!found) {
            rc = drift_list_add(&r->azOnlyCur, &r->nOnlyCur, cur->aCol[j].zName);
            if (rc) goto done;
        }
    }
    /* segments: the reference's order, then values only in the current data */
    size_t nCurLevel = zSeg ? cur->aCol[iSegCur].nLevel : 0;
    if (zSeg) {
        const CsvColumn *seg = &cur->aCol[iSegCur];
        used = calloc(nCurLevel + 1, 1);
        r->aSeg = calloc(ref->nSet + nCurLevel, sizeof *r->aSeg);
        if (!used || !r->aSeg || drift_group_rows(cur, seg, &aRowCur, &aOffCur) ||
            name_index_build(&segIdx, (const char *const *)seg->azLevel, seg->nLevel)) {
            rc = KEEL_ENOMEM;
            goto done;
        }
    }
    aItem = calloc(ref->nSet * (all->nCol + 1), sizeof *aItem);
    if (!aItem) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t s = 0; s < ref->nSet; s++) {
        const BaseSet *bs = &ref->aSet[s];
        DriftSet *set = s == 0 ? &r->all : &r->aSeg[r->nSeg++];
        RowSet rsCur = {NULL, cur->nRow};
        if (s > 0) {
            set->zValue = strdup(bs->zValue);
            if (!set->zValue) {
                rc = KEEL_ENOMEM;
                goto done;
            }
            long l = name_index_find(&segIdx, bs->zValue);
            rsCur = (RowSet){aRowCur, 0};
            if (l >= 0) {
                used[l] = 1;
                rsCur = (RowSet){aRowCur + aOffCur[l], aOffCur[l + 1] - aOffCur[l]};
            }
        }
        set->nRowRef = bs->nRow;
        set->nRowCur = rsCur.n;
        if (s > 0 && (bs->nRow == 0 || rsCur.n == 0)) continue;
        set->aCol = calloc(bs->nCol + 1, sizeof *set->aCol);
        if (!set->aCol) {
            rc = KEEL_ENOMEM;
            goto done;
        }
        for (size_t k = 0; k < bs->nCol; k++) {
            const RefCol *pr = &bs->aCol[k];
            int j = csv_column_index(cur, pr->zName);
            if (j < 0 || j == iSegCur) continue;
            DriftColumn *c = &set->aCol[set->nCol++];
            drift_column_init(c, NULL, pr->type);
            c->zName = strdup(pr->zName);
            if (!c->zName) {
                rc = KEEL_ENOMEM;
                goto done;
            }
            if (cur->aCol[j].type != pr->type) {
                /* the column turned to text: reported as drifted below */
                const CsvColumn *cc = &cur->aCol[j];
                size_t nMiss = 0;
                for (size_t i = 0; i < rsCur.n; i++) {
                    size_t row = rsCur.aRow ? rsCur.aRow[i] : i;
                    nMiss += cc->type == CSV_NUMERIC ? isnan(cc->aNum[row]) != 0
                                                     : cc->aCode[row] == CSV_MISSING_CODE;
                }
                c->missingRef = pr->nRow ? (double)pr->nMissing / (double)pr->nRow : NAN;
                c->missingCur = rsCur.n ? (double)nMiss / (double)rsCur.n : NAN;
                c->nRef = pr->n;
                c->nCur = rsCur.n - nMiss;
                continue;
            }
            aItem[nItem++] = (DriftItem){
                c,    pr, NULL, &cur->aCol[j], rsCur, consume && s == 0 && pr->type == CSV_NUMERIC,
                NULL, 0};
        }
    }
    for (size_t l = 0; l < nCurLevel; l++)
        if (!used[l]) {
            DriftSet *set = &r->aSeg[r->nSeg++];
            set->zValue = strdup(cur->aCol[iSegCur].azLevel[l]);
            if (!set->zValue) {
                rc = KEEL_ENOMEM;
                goto done;
            }
            set->nRowCur = aOffCur[l + 1] - aOffCur[l];
        } /* items that read the columns first, then those that sort them */
    size_t nFirst = 0;
    for (size_t i = 0; i < nItem; i++)
        if (!aItem[i].inPlace) {
            DriftItem t = aItem[nFirst];
            aItem[nFirst++] = aItem[i];
            aItem[i] = t;
        }
    rc = drift_run_items(aItem, nFirst, opt.nThread);
    if (!rc) rc = drift_run_items(aItem + nFirst, nItem - nFirst, opt.nThread);
    if (rc) goto done;
    for (size_t s = 0; s <= r->nSeg; s++) {
        DriftSet *set = s == 0 ? &r->all : &r->aSeg[s - 1];
        if (s > 0 && set->nRowRef == 0) {
            set->verdict = DRIFT_NEW;
            continue;
        }
        if (s > 0 && set->nRowCur == 0) {
            set->verdict = DRIFT_GONE;
            continue;
        }
        drift_set_finish(set, &opt);
        /* a column whose type changed has drifted, whatever the metrics */
        int changed = 0;
        for (size_t k = 0; k < set->nCol; k++) {
            DriftColumn *c = &set->aCol[k];
            int j = csv_column_index(cur, c->zName);
            if (j >= 0 && cur->aCol[j].type != c->type && c->nRef > 0) {
                if (c->verdict != DRIFT_DRIFT) set->nDrifted++;
                c->verdict = DRIFT_DRIFT;
                changed = 1;
            }
        }
        if (changed) {
            set->share = set->nCol ? (double)set->nDrifted / (double)set->nCol : 0;
            set->verdict = set->share >= opt.shareDrift ? DRIFT_DRIFT : DRIFT_WARN;
        }
    }
    *ppResult = r;
    r = NULL;
done:
    drift_result_free(r);
    free(aItem);
    free(aRowCur);
    free(aOffCur);
    free(segIdx.aSlot);
    free(used);
    return rc;
}

int drift_ref_compare(const DriftRef *ref, const CsvTable *cur, const DriftOptions *opt,
                      DriftResult **ppResult, EngineError *pErr) {
    return drift_ref_compare_impl(ref, cur, opt, ppResult, pErr, 0);
}

int drift_ref_compare_consume(const DriftRef *ref, CsvTable *cur, const DriftOptions *opt,
                              DriftResult **ppResult, EngineError *pErr) {
    return drift_ref_compare_impl(ref, cur, opt, ppResult, pErr, 1);
}

/* ---- one-call forms ------------------------------------------------------ */

/* The end of a one-call form: cur compared with r, which the caller's
 * rc-returning call made (rc != 0: that failure, *ppResult NULL); frees r. */
static int compare_once(int rc, DriftRef *r, const CsvTable *cur, const DriftOptions *opt,
                        DriftResult **ppResult, EngineError *pErr) {
    *ppResult = NULL;
    if (!rc) rc = drift_ref_compare(r, cur, opt, ppResult, pErr);
    drift_ref_free(r);
    return rc;
}

int drift_compare(const CsvTable *ref, const CsvTable *cur, const DriftOptions *opt,
                  DriftResult **ppResult, EngineError *pErr) {
    DriftRef *r = NULL;
    int rc = drift_ref_from_table(ref, opt, &r, pErr);
    return compare_once(rc, r, cur, opt, ppResult, pErr);
}

int drift_compare_baseline(const char *z, size_t n, const CsvTable *cur, const DriftOptions *opt,
                           DriftResult **ppResult, EngineError *pErr) {
    DriftRef *r = NULL;
    int rc = drift_ref_from_baseline(z, n, &r, pErr);
    return compare_once(rc, r, cur, opt, ppResult, pErr);
}

int drift_baseline_types(const char *z, size_t n, CsvTypeOverride **paOv, size_t *pnOv,
                         char **pzNames) {
    DriftRef *r = NULL;
    CsvTypeOverride *a = NULL;
    *paOv = NULL;
    *pnOv = 0;
    *pzNames = NULL;
    int rc = drift_ref_from_baseline(z, n, &r, NULL);
    if (!rc) rc = drift_ref_types(r, &a, pnOv);
    size_t nByte = 1;
    for (size_t i = 0; !rc && i < *pnOv; i++)
        nByte += strlen(a[i].zName) + 1;
    char *zAll = rc ? NULL : malloc(nByte), *p = zAll;
    if (!rc && !zAll) rc = KEEL_ENOMEM;
    for (size_t i = 0; !rc && i < *pnOv; i++) {
        size_t len = strlen(a[i].zName);
        memcpy(p, a[i].zName, len + 1);
        a[i].zName = p;
        p += len + 1;
    }
    drift_ref_free(r);
    if (rc) {
        free(a);
        *pnOv = 0;
        return rc;
    }
    *paOv = a;
    *pzNames = zAll;
    return 0;
}

/* ---- stored histograms ---------------------------------------------------- */

void drift_bins_compare(const double *aRef, const double *aCur, size_t k, const DriftOptions *o,
                        DriftColumn *c) {
    drift_column_init(c, NULL, CSV_CATEGORICAL);
    double nr = 0, nc = 0;
    for (size_t i = 0; i < k; i++) {
        nr += aRef[i];
        nc += aCur[i];
    }
    c->nRef = (size_t)nr;
    c->nCur = (size_t)nc;
    if (nr > 0 && nc > 0) drift_cells(aRef, aCur, k, nr, nc, c);
    drift_verdict(c, o);
}
