/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The drift engine (see drift.h; formulas in docs/drift.md). The work is
 * cut into items, one per (segment, column) pair, that worker threads take
 * from a shared counter: an item gathers the column's non-missing values
 * of both sides, sorts them (radix sort) and computes every metric from
 * the two sorted arrays in linear passes: decile bins by binary search,
 * KS and Wasserstein by one merge. A reference from a baseline replaces
 * the sorted reference by its bins, counts and quantile sketch. */
#include "engine/drift.h"
#include "engine/par.h"
#include "engine/sketch.h"
#include "engine/stats.h"
#include "util/err.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRIFT_NBIN 10          /* decile bins */
#define DRIFT_SHARE_FLOOR 1e-4 /* PSI share floor */
#define DRIFT_STD_FLOOR 0.001  /* Wasserstein normaliser floor */

/* The reference side of one column in one set (whole data or segment),
 * built from a table (exact: aSorted) or read from a baseline (sketch).
 * Every array is owned by the RefCol (freed by drift_refcol_free). */
typedef struct RefCol {
    const char *zName; /* column name (borrowed) */
    CsvType type;      /* column type */
    size_t nRow;       /* rows in the set */
    size_t nMissing;   /* of which missing */
    size_t n;          /* non-missing values */
    /* numeric */
    double std;                   /* population standard deviation */
    double aEdge[DRIFT_NBIN - 1]; /* inner bin edges, ascending, unique */
    int nEdge;
    size_t aBin[DRIFT_NBIN]; /* reference counts per bin */
    const double *aSorted;   /* all values sorted (exact), or NULL */
    Sketch sketch;           /* quantile sketch (baseline), when !aSorted */
    /* categorical */
    size_t nLevel;              /* categories */
    const char *const *azLevel; /* their names */
    const size_t *aCount;       /* their counts */
    int own;                    /* aSorted, azLevel's strings owned (from a
                                 * table) rather than borrowed (baseline) */
    int taken;                  /* aSorted was taken from a table of nMapRow
                                 * rows (csv_numbers_free), else malloc'd */
    size_t nMapRow;
} RefCol;

/* ---- small numerics ---------------------------------------------------- */

/* Population standard deviation of a[0..n), n >= 1 (two passes). */
static double drift_std(const double *a, size_t n) {
    double mean = stats_sum(a, n) / (double)n;
    double s = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        double d = a[i] - mean;
        double y = d * d - c, t = s + y;
        c = (t - s) - y;
        s = t;
    }
    return sqrt(s / (double)n);
}

/* The number of elements of sorted a[0..n) that are < x. */
static size_t drift_count_lt(const double *a, size_t n, double x) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Counts per bin of sorted a[0..n) for inner edges aEdge[0..nEdge): bin b
 * holds aEdge[b-1] <= v < aEdge[b] (a value on an edge goes above it). */
static void drift_bin_counts(const double *a, size_t n, const double *aEdge, int nEdge,
                             size_t *aBin) {
    size_t prev = 0;
    for (int b = 0; b < nEdge; b++) {
        size_t k = drift_count_lt(a, n, aEdge[b]);
        aBin[b] = k - prev;
        prev = k;
    }
    aBin[nEdge] = n - prev;
}

/* x log(x / y) with the conventions of scipy.special.rel_entr. */
static double drift_rel_entr(double x, double y) {
    if (x > 0 && y > 0) return x * log(x / y);
    if (x == 0 && y >= 0) return 0;
    return INFINITY;
}

/* PSI (floored shares) and Jensen-Shannon distance (raw shares) between
 * count vectors aRef and aCur of k cells with totals nRef, nCur > 0. */
static void drift_psi_js(const double *aRef, const double *aCur, size_t k, double nRef, double nCur,
                         double *pPsi, double *pJs) {
    double psi = 0, sp = 0, sq = 0, js = 0;
    for (size_t i = 0; i < k; i++) {
        double r = aRef[i] / nRef, c = aCur[i] / nCur;
        sp += r;
        sq += c;
        double rf = r < DRIFT_SHARE_FLOOR ? DRIFT_SHARE_FLOOR : r;
        double cf = c < DRIFT_SHARE_FLOOR ? DRIFT_SHARE_FLOOR : c;
        psi += (cf - rf) * log(cf / rf);
    }
    for (size_t i = 0; i < k; i++) {
        double p = aRef[i] / nRef / sp, q = aCur[i] / nCur / sq, m = (p + q) / 2;
        js += drift_rel_entr(p, m) + drift_rel_entr(q, m);
    }
    js /= 2;
    *pPsi = psi;
    *pJs = sqrt(js > 0 ? js : 0);
}

/* Exact KS statistic and Wasserstein-1 distance of sorted a[0..na) and
 * b[0..nb), both non-empty, in one merge. */
static void drift_ks_wass_exact(const double *a, size_t na, const double *b, size_t nb, double *pKs,
                                double *pW) {
    size_t i = 0, j = 0;
    double dmax = 0, dmin = 0, w = 0, c = 0;
    double prev = a[0] < b[0] ? a[0] : b[0];
    while (i < na || j < nb) {
        double x = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
        double fa = (double)i / (double)na, fb = (double)j / (double)nb;
        if (x > prev) {
            double y = fabs(fa - fb) * (x - prev) - c, t = w + y;
            c = (t - w) - y;
            w = t;
        }
        while (i < na && a[i] == x)
            i++;
        while (j < nb && b[j] == x)
            j++;
        double diff = (double)i / (double)na - (double)j / (double)nb;
        if (diff > dmax) dmax = diff;
        if (diff < dmin) dmin = diff;
        prev = x;
    }
    *pKs = dmax > -dmin ? dmax : -dmin;
    *pW = w;
}

/* KS statistic and Wasserstein-1 distance of a reference known by its
 * sketch and sorted current values b[0..nb); *pKsErr and *pWErr get bounds
 * on how far each can be from the exact value. */
static void drift_ks_wass_sketch(const Sketch *s, const double *b, size_t nb, double *pKs,
                                 double *pW, double *pKsErr, double *pWErr) {
    const double *a = s->aPoint;
    size_t na = s->nPoint, i = 0, j = 0;
    double d = 0, w = 0, werr = 0, kerr = 0;
    double prev = a[0] < b[0] ? a[0] : b[0];
    double fPrev = 0, ePrev = 0; /* reference CDF estimate and error on [prev, x) */
    while (i < na || j < nb) {
        double x = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
        double fb = (double)j / (double)nb;
        if (x > prev) {
            w += fabs(fPrev - fb) * (x - prev);
            werr += ePrev * (x - prev);
        }
        while (i < na && a[i] == x)
            i++;
        while (j < nb && b[j] == x)
            j++;
        double e;
        double fa = sketch_cdf(s, x, &e);
        fb = (double)j / (double)nb;
        double diff = fabs(fa - fb);
        if (diff > d) d = diff;
        if (e > kerr) kerr = e;
        fPrev = fa;
        ePrev = e;
        prev = x;
    }
    *pKs = d;
    *pW = w;
    *pKsErr = kerr;
    *pWErr = werr;
}

/* ---- per-column comparison --------------------------------------------- */

/* Fill the numeric reference r from its sorted values a[0..n). */
static void drift_ref_numeric(RefCol *r, const double *a, size_t n) {
    static const double aP[DRIFT_NBIN - 1] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    r->n = n;
    r->aSorted = a;
    r->nEdge = 0;
    if (!n) return;
    r->std = drift_std(a, n);
    for (int k = 0; k < DRIFT_NBIN - 1; k++) {
        double q = sketch_quantile(a, n, aP[k]);
        if (r->nEdge == 0 || q > r->aEdge[r->nEdge - 1]) r->aEdge[r->nEdge++] = q;
    }
    drift_bin_counts(a, n, r->aEdge, r->nEdge, r->aBin);
}

/* Set the verdict of a computed column: drift when the shift is real
 * (the KS or chi-square p-value below alpha) and an effect-size test fired
 * (PSI, Wasserstein or Jensen-Shannon at or above its threshold); warn when
 * it is real and PSI >= psiWarn; else ok. fired lists every test that
 * crossed its threshold, whatever the verdict. */
static void drift_verdict(DriftColumn *c, const DriftOptions *o) {
    if (c->nRef == 0 || c->nCur == 0) {
        c->verdict = DRIFT_NA;
        return;
    }
    unsigned f = 0, effect;
    int real;
    if (c->psi >= o->psiDrift) f |= DRIFT_FIRED_PSI;
    if (c->type == CSV_NUMERIC) {
        if (c->wasserstein >= o->wassDrift) f |= DRIFT_FIRED_WASSERSTEIN;
        if (c->ksP < o->alpha) f |= DRIFT_FIRED_KS;
        real = (f & DRIFT_FIRED_KS) != 0;
    } else {
        if (c->js >= o->jsDrift) f |= DRIFT_FIRED_JS;
        if (c->chi2P < o->alpha) f |= DRIFT_FIRED_CHI2;
        real = (f & DRIFT_FIRED_CHI2) != 0;
    }
    effect = f & (DRIFT_FIRED_PSI | DRIFT_FIRED_WASSERSTEIN | DRIFT_FIRED_JS);
    c->fired = f;
    c->verdict = !real                   ? DRIFT_OK
                 : effect                ? DRIFT_DRIFT
                 : c->psi >= o->psiWarn ? DRIFT_WARN
                                         : DRIFT_OK;
}

/* A column with every metric unset. */
static void drift_column_init(DriftColumn *c, const char *zName, CsvType type) {
    memset(c, 0, sizeof *c);
    c->zName = (char *)zName; /* replaced by an owned copy later */
    c->type = type;
    c->missingRef = c->missingCur = NAN;
    c->psi = c->js = c->ksStat = c->ksP = c->wasserstein = NAN;
    c->chi2Stat = c->chi2P = NAN;
    c->chi2Df = 0;
}

/* PSI, Jensen-Shannon and the chi-square test of homogeneity of count
 * vectors ur and uc over k cells (none empty on both sides) with totals
 * nr, nc > 0, into c. */
static void drift_cells(const double *ur, const double *uc, size_t k, double nr, double nc,
                        DriftColumn *c) {
    drift_psi_js(ur, uc, k, nr, nc, &c->psi, &c->js);
    c->chi2Df = (int)k - 1;
    if (k <= 1) {
        c->chi2Stat = 0;
        c->chi2P = 1;
        return;
    }
    double tot = nr + nc, stat = 0;
    for (size_t l = 0; l < k; l++) {
        double col = ur[l] + uc[l];
        double er = nr * col / tot, ec = nc * col / tot;
        stat += (ur[l] - er) * (ur[l] - er) / er + (uc[l] - ec) * (uc[l] - ec) / ec;
    }
    c->chi2Stat = stat;
    c->chi2P = gsl_cdf_chisq_Q(stat, (double)(k - 1));
}

/* Compare numeric reference r with sorted current values b[0..nb). */
static int drift_numeric(const RefCol *r, const double *b, size_t nb, DriftColumn *c) {
    c->nRef = r->n;
    c->nCur = nb;
    if (!r->n || !nb) return 0;
    size_t aCur[DRIFT_NBIN];
    double ar[DRIFT_NBIN], ac[DRIFT_NBIN];
    drift_bin_counts(b, nb, r->aEdge, r->nEdge, aCur);
    for (int k = 0; k <= r->nEdge; k++) {
        ar[k] = (double)r->aBin[k];
        ac[k] = (double)aCur[k];
    }
    drift_psi_js(ar, ac, (size_t)r->nEdge + 1, (double)r->n, (double)nb, &c->psi, &c->js);
    double ks, w;
    if (r->aSorted) {
        drift_ks_wass_exact(r->aSorted, r->n, b, nb, &ks, &w);
    } else {
        drift_ks_wass_sketch(&r->sketch, b, nb, &ks, &w, &c->ksErr, &c->wassErr);
    }
    double norm = r->std < DRIFT_STD_FLOOR ? DRIFT_STD_FLOOR : r->std;
    c->wasserstein = w / norm;
    c->wassErr /= norm;
    c->ksP = drift_ks_pvalue(r->n, nb, ks, &c->ksStat);
    if (!r->aSorted) c->ksStat = ks;
    return 0;
}

/* A string-keyed index of up to n names (open addressing). */
typedef struct NameIndex {
    const char *const *az; /* the names */
    uint32_t *aSlot;       /* index + 1, 0 empty */
    size_t nSlot;
} NameIndex;

/* FNV-1a of a NUL-terminated string. */
static uint32_t drift_hash(const char *z) {
    uint32_t h = 2166136261u;
    while (*z) {
        h ^= (unsigned char)*z++;
        h *= 16777619u;
    }
    return h;
}

/* Build an index of az[0..n); 0 or KEEL_ENOMEM. */
static int name_index_build(NameIndex *x, const char *const *az, size_t n) {
    x->az = az;
    x->nSlot = 16;
    while (x->nSlot < 2 * n)
        x->nSlot *= 2;
    x->aSlot = calloc(x->nSlot, sizeof *x->aSlot);
    if (!x->aSlot) return KEEL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t k = drift_hash(az[i]) & (x->nSlot - 1);
        while (x->aSlot[k])
            k = (k + 1) & (x->nSlot - 1);
        x->aSlot[k] = (uint32_t)(i + 1);
    }
    return 0;
}

/* Index of z in the index, or -1. */
static long name_index_find(const NameIndex *x, const char *z) {
    size_t k = drift_hash(z) & (x->nSlot - 1);
    for (; x->aSlot[k]; k = (k + 1) & (x->nSlot - 1))
        if (strcmp(x->az[x->aSlot[k] - 1], z) == 0) return (long)x->aSlot[k] - 1;
    return -1;
}

/* Compare categorical reference r with current counts aCount over levels
 * azLevel[0..nLevel) (matched to the reference by name). */
static int drift_categorical(const RefCol *r, const char *const *azLevel, const size_t *aCount,
                             size_t nLevel, DriftColumn *c) {
    int rc = 0;
    NameIndex x = {0};
    size_t nU = r->nLevel + nLevel, k = 0;
    double *ar = calloc(nU ? nU : 1, sizeof *ar), *ac = calloc(nU ? nU : 1, sizeof *ac);
    double *ur = calloc(nU ? nU : 1, sizeof *ur), *uc = calloc(nU ? nU : 1, sizeof *uc);
    if (!ar || !ac || !ur || !uc || name_index_build(&x, r->azLevel, r->nLevel)) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    size_t nr = 0, nc = 0;
    for (size_t l = 0; l < r->nLevel; l++) {
        ar[l] = (double)r->aCount[l];
        nr += r->aCount[l];
    }
    size_t nExtra = r->nLevel;
    for (size_t l = 0; l < nLevel; l++) {
        nc += aCount[l];
        long i = name_index_find(&x, azLevel[l]);
        if (i < 0) i = (long)nExtra++;
        ac[i] += (double)aCount[l];
    }
    c->nRef = nr;
    c->nCur = nc;
    if (!nr || !nc) goto done;
    /* the union of categories observed on either side */
    for (size_t l = 0; l < nExtra; l++)
        if (ar[l] > 0 || ac[l] > 0) {
            ur[k] = ar[l];
            uc[k] = ac[l];
            k++;
        }
    drift_cells(ur, uc, k, (double)nr, (double)nc, c);
done:
    free(ar);
    free(ac);
    free(ur);
    free(uc);
    free(x.aSlot);
    return rc;
}

/* ---- sets and work items ------------------------------------------------ */

/* Rows of one set: all rows (aRow NULL) or the listed ones. */
typedef struct RowSet {
    const uint32_t *aRow; /* row indexes, or NULL for 0..n-1 */
    size_t n;             /* rows */
} RowSet;

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
static int drift_gather(const CsvColumn *col, RowSet rs, double **pa, size_t *pn) {
    double *a = malloc((rs.n ? rs.n : 1) * sizeof *a);
    if (!a) return KEEL_ENOMEM;
    drift_gather_into(col, rs, a, pn);
    *pa = a;
    return 0;
}

/* Count the categories of column col over rows rs into a new array of
 * col->nLevel counts; *pnMissing gets the missing cells. */
static int drift_count_levels(const CsvColumn *col, RowSet rs, size_t **paCount,
                              size_t *pnMissing) {
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
static int drift_group_rows(const CsvTable *t, const CsvColumn *seg, uint32_t **paRow,
                            size_t **paOff) {
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
static void drift_json_num(Buf *b, double x) {
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
static int drift_json_size(json_t *j, size_t *p) {
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
static int drift_json_refcol(json_t *j, size_t nRow, RefCol *r) {
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
static void drift_refcol_free(RefCol *r) {
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

int drift_compare(const CsvTable *ref, const CsvTable *cur, const DriftOptions *opt,
                  DriftResult **ppResult, EngineError *pErr) {
    DriftRef *r = NULL;
    *ppResult = NULL;
    int rc = drift_ref_from_table(ref, opt, &r, pErr);
    if (!rc) rc = drift_ref_compare(r, cur, opt, ppResult, pErr);
    drift_ref_free(r);
    return rc;
}

int drift_compare_baseline(const char *z, size_t n, const CsvTable *cur, const DriftOptions *opt,
                           DriftResult **ppResult, EngineError *pErr) {
    DriftRef *r = NULL;
    *ppResult = NULL;
    int rc = drift_ref_from_baseline(z, n, &r, pErr);
    if (!rc) rc = drift_ref_compare(r, cur, opt, ppResult, pErr);
    drift_ref_free(r);
    return rc;
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
