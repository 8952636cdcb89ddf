/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data-readiness profile (see profile.h; formulas in docs/profile.md).
 * The work is a list of independent tasks that worker threads take from a
 * shared counter: one per column (sort the values, then every statistic
 * from the sorted array), one for duplicate rows (a 64-bit hash per row
 * built column by column, then a hash table of row numbers with full
 * comparison on equal hashes), and one per pair of numeric columns for
 * Pearson's r over the rows where both have a value (two passes, centred,
 * as pandas' DataFrame.corr computes it). */
#include "engine/profile.h"
#include "engine/par.h"
#include "engine/sketch.h"
#include "engine/stats.h"
#include "util/err.h"
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE_BLOCK 1024 /* rows per block of the row passes (stays in cache) */

static const double aQuantP[PROFILE_NQUANT] = {0.05, 0.25, 0.5, 0.75, 0.95};

/* ---- tasks --------------------------------------------------------------- */

/* One unit of work. */
typedef struct ProfileTask {
    int (*xRun)(void *); /* the work; returns 0 or KEEL_E* */
    void *pArg;
} ProfileTask;

/* par_run job: task iJob of the array at p. */
static int profile_task_job(void *p, size_t iJob, int iThread) {
    (void)iThread;
    ProfileTask *a = p;
    return a[iJob].xRun(a[iJob].pArg);
}

/* Run tasks on nThread threads (0: one per core); the first error. */
static int profile_run(ProfileTask *a, size_t n, int nThread) {
    return par_run(n, nThread, profile_task_job, a);
}

/* ---- columns ------------------------------------------------------------- */

/* What a column task needs. */
typedef struct ColTask {
    const CsvTable *t;
    size_t iCol;
    ProfileColumn *pOut;
} ColTask;

/* Order categories: more frequent first, then by value (byte order). */
static int profile_top_cmp(const void *pa, const void *pb) {
    const ProfileTop *a = pa, *b = pb;
    if (a->n != b->n) return a->n > b->n ? -1 : 1;
    return strcmp(a->zValue, b->zValue);
}

/* Sort the nLevel categories of col by frequency into a new array (only
 * those that occur); *pn gets their number. */
static int profile_levels(const CsvColumn *col, size_t nRow, ProfileTop **pa, size_t *pn) {
    size_t *aCount = calloc(col->nLevel + 1, sizeof *aCount);
    ProfileTop *a = malloc((col->nLevel + 1) * sizeof *a);
    if (!aCount || !a) {
        free(aCount);
        free(a);
        return KEEL_ENOMEM;
    }
    for (size_t i = 0; i < nRow; i++)
        if (col->aCode[i] != CSV_MISSING_CODE) aCount[col->aCode[i]]++;
    size_t n = 0;
    for (size_t l = 0; l < col->nLevel; l++)
        if (aCount[l]) a[n++] = (ProfileTop){col->azLevel[l], aCount[l]};
    qsort(a, n, sizeof *a, profile_top_cmp);
    free(aCount);
    *pa = a;
    *pn = n;
    return 0;
}

/* Task: the statistics of one column. */
static int profile_column_task(void *p) {
    ColTask *ct = p;
    const CsvTable *t = ct->t;
    const CsvColumn *col = &t->aCol[ct->iCol];
    ProfileColumn *c = ct->pOut;
    c->zName = col->zName;
    c->type = col->type;
    c->nMissing = col->nMissing;
    c->missing = t->nRow ? (double)col->nMissing / (double)t->nRow : 0;
    c->min = c->max = c->mean = c->std = c->outlierLow = c->outlierHigh = NAN;
    for (int k = 0; k < PROFILE_NQUANT; k++)
        c->aQuant[k] = NAN;
    if (col->type == CSV_CATEGORICAL) {
        ProfileTop *a;
        size_t n;
        int rc = profile_levels(col, t->nRow, &a, &n);
        if (rc) return rc;
        c->nDistinct = n;
        c->nTop = n < PROFILE_NTOP ? n : PROFILE_NTOP;
        memcpy(c->aTop, a, c->nTop * sizeof *a);
        PiiTally tally = {0};
        int nameCol = pii_name_column(col->zName);
        for (size_t l = 0; l < n; l++)
            pii_tally_add(&tally, a[l].zValue, strlen(a[l].zValue), a[l].n, nameCol);
        c->pii = pii_tally_kind(&tally, &c->piiShare);
        free(a);
        c->constant = n <= 1;
        return 0;
    }
    double *a = malloc((t->nRow ? t->nRow : 1) * sizeof *a);
    if (!a) return KEEL_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < t->nRow; i++) {
        a[n] = col->aNum[i];
        n += !isnan(col->aNum[i]);
    }
    double mean = n ? stats_sum(a, n) / (double)n : NAN;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (a[i] - mean) * (a[i] - mean);
    int rc = sketch_sort(a, n, NULL);
    if (rc) {
        free(a);
        return rc;
    }
    size_t nd = n ? 1 : 0;
    for (size_t i = 1; i < n; i++)
        nd += a[i] != a[i - 1];
    c->nDistinct = nd;
    c->constant = nd <= 1;
    if (n) {
        c->min = a[0];
        c->max = a[n - 1];
        c->mean = mean;
        c->std = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
        for (int k = 0; k < PROFILE_NQUANT; k++)
            c->aQuant[k] = sketch_quantile(a, n, aQuantP[k]);
        double q1 = c->aQuant[1], q3 = c->aQuant[3], iqr = q3 - q1;
        c->outlierLow = q1 - 1.5 * iqr;
        c->outlierHigh = q3 + 1.5 * iqr;
        size_t lo = 0, hi = n;
        while (lo < hi) { /* values < low fence */
            size_t mid = lo + (hi - lo) / 2;
            if (a[mid] < c->outlierLow)
                lo = mid + 1;
            else
                hi = mid;
        }
        c->nOutlier = lo + (n - sketch_count_le(a, n, c->outlierHigh));
    }
    free(a);
    return 0;
}

/* ---- duplicate rows ------------------------------------------------------ */

/* What the duplicate-row task needs and produces. */
typedef struct DupTask {
    const CsvTable *t;
    size_t nDup; /* out */
} DupTask;

/* Mix a 64-bit value into a hash (a multiply-xorshift finaliser). */
static uint64_t profile_mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
    return h;
}

/* The canonical bits of a cell for hashing: -0 as 0, one NaN. */
static uint64_t profile_num_bits(double d) {
    if (isnan(d)) return 0x7FF8000000000001ull;
    if (d == 0) d = 0;
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* True when rows i and j hold the same values (NaN equals NaN). */
static int profile_rows_equal(const CsvTable *t, size_t i, size_t j) {
    for (size_t k = 0; k < t->nCol; k++) {
        const CsvColumn *c = &t->aCol[k];
        if (c->type == CSV_NUMERIC) {
            double a = c->aNum[i], b = c->aNum[j];
            if (!(a == b || (isnan(a) && isnan(b)))) return 0;
        } else if (c->aCode[i] != c->aCode[j]) {
            return 0;
        }
    }
    return 1;
}

/* Task: count rows equal to an earlier row. */
static int profile_dup_task(void *p) {
    DupTask *dt = p;
    const CsvTable *t = dt->t;
    size_t n = t->nRow;
    dt->nDup = 0;
    if (n < 2) return 0;
    uint64_t *aHash = malloc(n * sizeof *aHash);
    size_t nSlot = 16;
    while (nSlot < 2 * n)
        nSlot *= 2;
    uint32_t *aSlot = calloc(nSlot, sizeof *aSlot);
    if (!aHash || !aSlot) {
        free(aHash);
        free(aSlot);
        return KEEL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        aHash[i] = 0x12345678u;
    for (size_t i0 = 0; i0 < n; i0 += PROFILE_BLOCK) { /* a block stays in cache */
        size_t i1 = n - i0 < PROFILE_BLOCK ? n : i0 + PROFILE_BLOCK;
        for (size_t k = 0; k < t->nCol; k++) {
            const CsvColumn *c = &t->aCol[k];
            if (c->type == CSV_NUMERIC)
                for (size_t i = i0; i < i1; i++)
                    aHash[i] = profile_mix(aHash[i], profile_num_bits(c->aNum[i]));
            else
                for (size_t i = i0; i < i1; i++)
                    aHash[i] = profile_mix(aHash[i], c->aCode[i]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t s = aHash[i] & (nSlot - 1);
        int dup = 0;
        for (; aSlot[s]; s = (s + 1) & (nSlot - 1)) {
            size_t j = aSlot[s] - 1;
            if (aHash[j] == aHash[i] && profile_rows_equal(t, i, j)) {
                dup = 1;
                break;
            }
        }
        if (dup)
            dt->nDup++;
        else
            aSlot[s] = (uint32_t)(i + 1);
    }
    free(aHash);
    free(aSlot);
    return 0;
}

/* ---- redundancy ---------------------------------------------------------- */

#define PROFILE_NSUM 6 /* sums per pair: m, sx, sy, sxx, syy, sxy */

/* The correlation sums of every pair of K numeric columns over the rows
 * [iFrom, iTo), values shifted by their column's mean: per pair over the
 * rows where both have a value, or just the cross sum when neither has
 * missing values (the rest then comes from the per-column sums). */
typedef struct CorrPart {
    const CsvTable *t;
    const size_t *aCol;   /* K column indexes */
    const double *aShift; /* K shifts (the columns' means) */
    const int *aHasMiss;  /* K: the column has missing values */
    size_t K;
    size_t iFrom, iTo; /* rows */
    double *aSum;      /* out: K(K-1)/2 pairs x PROFILE_NSUM */
    double *aColSum;   /* out: K x 2 (sum of d, of d^2 over values) */
} CorrPart;

/* Task: accumulate one part's sums, a block of rows at a time so that the
 * shifted block of every column stays in cache for all pairs. */
static int profile_corr_part(void *p) {
    CorrPart *cp = p;
    size_t K = cp->K, B = PROFILE_BLOCK;
    double *D = malloc((K ? K : 1) * B * sizeof *D), *V = malloc((K ? K : 1) * B * sizeof *V);
    if (!D || !V) {
        free(D);
        free(V);
        return KEEL_ENOMEM;
    }
    for (size_t i0 = cp->iFrom; i0 < cp->iTo; i0 += B) {
        size_t nb = cp->iTo - i0 < B ? cp->iTo - i0 : B;
        for (size_t k = 0; k < K; k++) {
            const double *x = cp->t->aCol[cp->aCol[k]].aNum + i0;
            double *d = D + k * B, *v = V + k * B, sd = 0, sdd = 0;
            for (size_t i = 0; i < nb; i++) {
                int ok = !isnan(x[i]);
                d[i] = ok ? x[i] - cp->aShift[k] : 0;
                v[i] = ok;
                sd += d[i];
                sdd += d[i] * d[i];
            }
            cp->aColSum[2 * k] += sd;
            cp->aColSum[2 * k + 1] += sdd;
        }
        double *acc = cp->aSum;
        for (size_t a = 0; a < K; a++)
            for (size_t b = a + 1; b < K; b++, acc += PROFILE_NSUM) {
                const double *da = D + a * B, *db = D + b * B;
                if (!cp->aHasMiss[a] && !cp->aHasMiss[b]) {
                    /* four partial sums: independent additions pipeline */
                    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                    size_t i = 0;
                    for (; i + 4 <= nb; i += 4) {
                        s0 += da[i] * db[i];
                        s1 += da[i + 1] * db[i + 1];
                        s2 += da[i + 2] * db[i + 2];
                        s3 += da[i + 3] * db[i + 3];
                    }
                    for (; i < nb; i++)
                        s0 += da[i] * db[i];
                    acc[5] += (s0 + s1) + (s2 + s3);
                    continue;
                }
                const double *va = V + a * B, *vb = V + b * B;
                double S[2][PROFILE_NSUM] = {{0}};
                size_t i = 0;
                for (; i + 2 <= nb; i += 2)
                    for (int u = 0; u < 2; u++) {
                        double xa = da[i + u], xb = db[i + u], wa = va[i + u], wb = vb[i + u];
                        S[u][0] += wa * wb;
                        S[u][1] += xa * wb;
                        S[u][2] += xb * wa;
                        S[u][3] += xa * xa * wb;
                        S[u][4] += xb * xb * wa;
                        S[u][5] += xa * xb;
                    }
                for (; i < nb; i++) {
                    double xa = da[i], xb = db[i], wa = va[i], wb = vb[i];
                    S[0][0] += wa * wb;
                    S[0][1] += xa * wb;
                    S[0][2] += xb * wa;
                    S[0][3] += xa * xa * wb;
                    S[0][4] += xb * xb * wa;
                    S[0][5] += xa * xb;
                }
                for (int x = 0; x < PROFILE_NSUM; x++)
                    acc[x] += S[0][x] + S[1][x];
            }
    }
    free(D);
    free(V);
    return 0;
}

/* A pair of columns and their correlation. */
typedef struct CorrPair {
    size_t i, j; /* columns, i < j */
    double r;    /* Pearson r over rows where both have values, or NAN */
} CorrPair;

/* Pearson's r from shifted sums over m common rows (NAN when undefined). */
static double profile_corr_r(double m, double sx, double sy, double sxx, double syy, double sxy) {
    if (m < 2) return NAN;
    double cxx = sxx - sx * sx / m, cyy = syy - sy * sy / m, cxy = sxy - sx * sy / m;
    double div = sqrt(cxx * cyy);
    if (!(div > 0)) return NAN;
    double r = cxy / div;
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

/* True when columns a and b hold the same value in every row. */
static int profile_cols_identical(const CsvTable *t, const CsvColumn *a, const CsvColumn *b) {
    if (a->type != b->type || a->nMissing != b->nMissing) return 0;
    if (a->type == CSV_CATEGORICAL) {
        if (a->nLevel != b->nLevel) return 0;
        for (size_t l = 0; l < a->nLevel; l++)
            if (strcmp(a->azLevel[l], b->azLevel[l]) != 0) return 0;
        return memcmp(a->aCode, b->aCode, t->nRow * sizeof *a->aCode) == 0;
    }
    for (size_t i = 0; i < t->nRow; i++) {
        double x = a->aNum[i], y = b->aNum[i];
        if (!(x == y || (isnan(x) && isnan(y)))) return 0;
    }
    return 1;
}

/* ---- the whole profile --------------------------------------------------- */

void profile_result_free(ProfileResult *r) {
    if (!r) return;
    free(r->aCol);
    free(r->aRed);
    free(r->aClass);
    free(r);
}

/* Add a deduction of `points` (when positive): its code with a count n
 * and a share (NAN when not part of it) and a printf message. */
static void profile_deduct(ProfileResult *r, double points, const char *zCode, double n,
                           double share, const char *zFmt, ...)
    __attribute__((format(printf, 6, 7)));
static void profile_deduct(ProfileResult *r, double points, const char *zCode, double n,
                           double share, const char *zFmt, ...) {
    if (!(points > 0) || r->nDed >= sizeof r->aDed / sizeof r->aDed[0]) return;
    ProfileDeduction *d = &r->aDed[r->nDed++];
    d->points = points;
    d->zCode = zCode;
    d->n = n;
    d->share = share;
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(d->zWhat, sizeof d->zWhat, zFmt, ap);
    va_end(ap);
}

int profile_compute(const CsvTable *t, const ProfileOptions *opt, ProfileResult **ppResult,
                    EngineError *pErr) {
    ProfileOptions o = opt ? *opt : (ProfileOptions){0};
    if (!(o.redundantR > 0)) o.redundantR = 0.99;
    int rc = 0;
    ProfileResult *r = calloc(1, sizeof *r);
    ProfileTask *aTask = NULL;
    ColTask *aColTask = NULL;
    CorrPair *aCorr = NULL;
    CorrPart *aPart = NULL;
    double *aShift = NULL, *aSums = NULL;
    int *aHasMiss = NULL;
    size_t *aNum = NULL;
    DupTask dup = {t, 0};
    *ppResult = NULL;
    if (!r) return KEEL_ENOMEM;
    r->nRow = t->nRow;
    r->nCol = t->nCol;
    r->iLabel = -1;
    r->labelCoverage = r->minorityShare = NAN;
    if (o.zLabel) {
        r->iLabel = csv_column_index(t, o.zLabel);
        if (r->iLabel < 0 || t->aCol[r->iLabel].type != CSV_CATEGORICAL) {
            rc = engine_fail(pErr, KEEL_EINVAL, "label", "label column '%s' is %s", o.zLabel,
                             r->iLabel < 0 ? "not in the data" : "not read as categorical");
            goto done;
        }
    }
    r->aCol = calloc(t->nCol + 1, sizeof *r->aCol);
    aColTask = calloc(t->nCol + 1, sizeof *aColTask);
    aNum = malloc((t->nCol + 1) * sizeof *aNum);
    if (!r->aCol || !aColTask || !aNum) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    aTask = calloc(t->nCol + PAR_MAX_THREAD + 1, sizeof *aTask);
    if (!aTask) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    size_t nTask = 0;
    aTask[nTask++] = (ProfileTask){profile_dup_task, &dup};
    for (size_t k = 0; k < t->nCol; k++) {
        aColTask[k] = (ColTask){t, k, &r->aCol[k]};
        aTask[nTask++] = (ProfileTask){profile_column_task, &aColTask[k]};
    }
    rc = profile_run(aTask, nTask, o.nThread);
    if (rc) goto done;
    /* correlations of the numeric columns that vary (label excluded), the
     * rows split between the threads */
    size_t nNum = 0;
    for (size_t k = 0; k < t->nCol; k++)
        if (t->aCol[k].type == CSV_NUMERIC && (int)k != r->iLabel && !r->aCol[k].constant)
            aNum[nNum++] = k;
    size_t nPair = nNum * (nNum - (nNum > 0)) / 2;
    int nPart = par_threads(o.nThread, PAR_MAX_THREAD);
    aShift = malloc((nNum + 1) * sizeof *aShift);
    aHasMiss = malloc((nNum + 1) * sizeof *aHasMiss);
    aPart = calloc((size_t)nPart, sizeof *aPart);
    aSums = calloc((size_t)nPart * (nPair * PROFILE_NSUM + 2 * nNum) + 1, sizeof *aSums);
    aCorr = malloc((nPair + 1) * sizeof *aCorr);
    if (!aShift || !aHasMiss || !aPart || !aSums || !aCorr) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t a = 0; a < nNum; a++) {
        aShift[a] = r->aCol[aNum[a]].mean;
        aHasMiss[a] = t->aCol[aNum[a]].nMissing != 0;
    }
    nTask = 0;
    for (int q = 0; q < nPart; q++) {
        double *base = aSums + (size_t)q * (nPair * PROFILE_NSUM + 2 * nNum);
        aPart[q] = (CorrPart){t,
                              aNum,
                              aShift,
                              aHasMiss,
                              nNum,
                              t->nRow * (size_t)q / (size_t)nPart,
                              t->nRow * (size_t)(q + 1) / (size_t)nPart,
                              base,
                              base + nPair * PROFILE_NSUM};
        if (nPair) aTask[nTask++] = (ProfileTask){profile_corr_part, &aPart[q]};
    }
    rc = profile_run(aTask, nTask, o.nThread);
    if (rc) goto done;
    for (size_t a = 0, p = 0; a < nNum; a++)
        for (size_t b = a + 1; b < nNum; b++, p++) {
            double S[PROFILE_NSUM] = {0}, ca[2] = {0}, cb[2] = {0};
            for (int q = 0; q < nPart; q++) {
                for (int x = 0; x < PROFILE_NSUM; x++)
                    S[x] += aPart[q].aSum[p * PROFILE_NSUM + x];
                ca[0] += aPart[q].aColSum[2 * a];
                ca[1] += aPart[q].aColSum[2 * a + 1];
                cb[0] += aPart[q].aColSum[2 * b];
                cb[1] += aPart[q].aColSum[2 * b + 1];
            }
            if (!aHasMiss[a] && !aHasMiss[b]) {
                S[0] = (double)t->nRow;
                S[1] = ca[0];
                S[2] = cb[0];
                S[3] = ca[1];
                S[4] = cb[1];
            }
            aCorr[p] =
                (CorrPair){aNum[a], aNum[b], profile_corr_r(S[0], S[1], S[2], S[3], S[4], S[5])};
        }
    r->nDupRow = dup.nDup;
    r->dupShare = t->nRow ? (double)dup.nDup / (double)t->nRow : 0;
    /* redundant columns: identical to an earlier column, else correlated */
    r->aRed = calloc(t->nCol + 1, sizeof *r->aRed);
    if (!r->aRed) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t j = 0; j < t->nCol; j++) {
        if ((int)j == r->iLabel || r->aCol[j].constant) continue; /* constant: counted there */
        int found = 0;
        for (size_t i = 0; i < j && !found; i++) {
            if ((int)i == r->iLabel || r->aCol[i].constant) continue;
            if (profile_cols_identical(t, &t->aCol[i], &t->aCol[j])) {
                r->aRed[r->nRed++] =
                    (ProfileRedundant){j, i, 1, t->aCol[j].type == CSV_NUMERIC ? 1 : NAN};
                found = 1;
            }
        }
        if (found || t->aCol[j].type != CSV_NUMERIC) continue;
        for (size_t p = 0; p < nPair && !found; p++)
            if (aCorr[p].j == j && fabs(aCorr[p].r) >= o.redundantR) {
                r->aRed[r->nRed++] = (ProfileRedundant){j, aCorr[p].i, 0, aCorr[p].r};
                found = 1;
            }
    }
    /* missing, constant */
    double sumMissing = 0;
    for (size_t k = 0; k < t->nCol; k++) {
        sumMissing += r->aCol[k].missing;
        r->nConstant += r->aCol[k].constant != 0;
    }
    r->meanMissing = t->nCol ? sumMissing / (double)t->nCol : 0;
    /* label */
    if (r->iLabel >= 0) {
        const CsvColumn *lab = &t->aCol[r->iLabel];
        size_t nLab = t->nRow - lab->nMissing;
        r->labelCoverage = t->nRow ? (double)nLab / (double)t->nRow : 0;
        rc = profile_levels(lab, t->nRow, &r->aClass, &r->nClass);
        if (rc) goto done;
        if (r->nClass && nLab) r->minorityShare = (double)r->aClass[r->nClass - 1].n / (double)nLab;
    }
    /* the score */
    profile_deduct(r, 40 * r->meanMissing, "missing_values", NAN, r->meanMissing,
                   "missing values: %.1f%% of cells on average (40 x mean missing share); fill "
                   "or drop sparse columns",
                   100 * r->meanMissing);
    profile_deduct(r, 30 * r->dupShare, "duplicate_rows", (double)r->nDupRow, r->dupShare,
                   "duplicate rows: %zu (%.1f%%, 30 x share); deduplicate the data", r->nDupRow,
                   100 * r->dupShare);
    double red = 5.0 * (double)r->nRed;
    profile_deduct(r, red > 20 ? 20 : red, "redundant_columns", (double)r->nRed, NAN,
                   "redundant columns: %zu (5 each, at most 20); drop the copies", r->nRed);
    double cst = 3.0 * (double)r->nConstant;
    profile_deduct(r, cst > 12 ? 12 : cst, "constant_columns", (double)r->nConstant, NAN,
                   "constant or empty columns: %zu (3 each, at most 12); drop them", r->nConstant);
    if (r->iLabel >= 0) {
        profile_deduct(r, 30 * (1 - r->labelCoverage), "unlabelled_rows", NAN, 1 - r->labelCoverage,
                       "unlabelled rows: %.1f%% (30 x share without a label); label them",
                       100 * (1 - r->labelCoverage));
        if (!(r->minorityShare >= 0.05))
            profile_deduct(r, 10, "class_imbalance", NAN,
                           isnan(r->minorityShare) ? 0.0 : r->minorityShare,
                           "class imbalance: the smallest class is %.2f%% of labelled rows "
                           "(under 5%%); collect or resample",
                           isnan(r->minorityShare) ? 0.0 : 100 * r->minorityShare);
    }
    double score = 100;
    for (size_t i = 0; i < r->nDed; i++)
        score -= r->aDed[i].points;
    r->score = score < 0 ? 0 : score;
    *ppResult = r;
    r = NULL;
done:
    profile_result_free(r);
    free(aTask);
    free(aColTask);
    free(aCorr);
    free(aPart);
    free(aShift);
    free(aSums);
    free(aHasMiss);
    free(aNum);
    return rc;
}

/* ---- output --------------------------------------------------------------- */

/* Append a JSON number (round-trip precision) or null. */
static void profile_json_num(Buf *b, double x) {
    if (isfinite(x))
        buf_printf(b, "%.17g", x);
    else
        buf_puts(b, "null");
}

/* Append a list of categories with counts and shares of total. */
static void profile_json_tops(Buf *b, const ProfileTop *a, size_t n, size_t total) {
    buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, i ? ",{\"value\":" : "{\"value\":");
        buf_json_str(b, a[i].zValue);
        buf_printf(b, ",\"count\":%zu,\"share\":", a[i].n);
        profile_json_num(b, total ? (double)a[i].n / (double)total : NAN);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

void profile_result_json(const ProfileResult *r, const CsvTable *t, Buf *b) {
    static const char *azQ[PROFILE_NQUANT] = {"p05", "p25", "p50", "p75", "p95"};
    buf_printf(b, "{\"rows\":%zu,\"columns\":[", r->nRow);
    for (size_t k = 0; k < r->nCol; k++) {
        const ProfileColumn *c = &r->aCol[k];
        buf_puts(b, k ? ",{\"name\":" : "{\"name\":");
        buf_json_str(b, c->zName);
        buf_printf(b, ",\"type\":\"%s\",\"missing\":{\"count\":%zu,\"share\":",
                   c->type == CSV_NUMERIC ? "numeric" : "categorical", c->nMissing);
        profile_json_num(b, c->missing);
        buf_printf(b, "},\"distinct\":%zu,\"constant\":%s", c->nDistinct,
                   c->constant ? "true" : "false");
        if (c->type == CSV_NUMERIC) {
            buf_puts(b, ",\"min\":");
            profile_json_num(b, c->min);
            buf_puts(b, ",\"max\":");
            profile_json_num(b, c->max);
            buf_puts(b, ",\"mean\":");
            profile_json_num(b, c->mean);
            buf_puts(b, ",\"std\":");
            profile_json_num(b, c->std);
            buf_puts(b, ",\"quantiles\":{");
            for (int q = 0; q < PROFILE_NQUANT; q++) {
                buf_printf(b, "%s\"%s\":", q ? "," : "", azQ[q]);
                profile_json_num(b, c->aQuant[q]);
            }
            buf_printf(b, "},\"outliers\":{\"count\":%zu,\"share\":", c->nOutlier);
            size_t n = r->nRow - c->nMissing;
            profile_json_num(b, n ? (double)c->nOutlier / (double)n : NAN);
            buf_puts(b, ",\"low\":");
            profile_json_num(b, c->outlierLow);
            buf_puts(b, ",\"high\":");
            profile_json_num(b, c->outlierHigh);
            buf_puts(b, "},\"top\":null");
        } else {
            buf_puts(b, ",\"min\":null,\"max\":null,\"mean\":null,\"std\":null,\"quantiles\":null,"
                        "\"outliers\":null,\"top\":");
            profile_json_tops(b, c->aTop, c->nTop, r->nRow - c->nMissing);
        }
        if (c->pii) {
            buf_printf(b, ",\"pii\":{\"kind\":\"%s\",\"share\":", pii_kind_name(c->pii));
            profile_json_num(b, c->piiShare);
            buf_putc(b, '}');
        }
        buf_putc(b, '}');
    }
    buf_printf(b,
               "],\"dataset\":{\"rows\":%zu,\"columns\":%zu,\"duplicate_rows\":%zu,"
               "\"duplicate_share\":",
               r->nRow, r->nCol, r->nDupRow);
    profile_json_num(b, r->dupShare);
    buf_puts(b, ",\"mean_missing_share\":");
    profile_json_num(b, r->meanMissing);
    buf_puts(b, ",\"redundant\":[");
    for (size_t i = 0; i < r->nRed; i++) {
        const ProfileRedundant *d = &r->aRed[i];
        buf_puts(b, i ? ",{\"column\":" : "{\"column\":");
        buf_json_str(b, t->aCol[d->iCol].zName);
        buf_puts(b, ",\"with\":");
        buf_json_str(b, t->aCol[d->iWith].zName);
        buf_printf(b, ",\"kind\":\"%s\",\"r\":", d->identical ? "identical" : "correlated");
        profile_json_num(b, d->r);
        buf_putc(b, '}');
    }
    buf_puts(b, "],\"constant\":[");
    int first = 1;
    for (size_t k = 0; k < r->nCol; k++)
        if (r->aCol[k].constant) {
            if (!first) buf_putc(b, ',');
            buf_json_str(b, r->aCol[k].zName);
            first = 0;
        }
    buf_puts(b, "],\"label\":");
    if (r->iLabel >= 0) {
        buf_puts(b, "{\"name\":");
        buf_json_str(b, t->aCol[r->iLabel].zName);
        buf_puts(b, ",\"coverage\":");
        profile_json_num(b, r->labelCoverage);
        buf_puts(b, ",\"classes\":");
        profile_json_tops(b, r->aClass, r->nClass, r->nRow - t->aCol[r->iLabel].nMissing);
        buf_puts(b, ",\"minority_share\":");
        profile_json_num(b, r->minorityShare);
        buf_putc(b, '}');
    } else {
        buf_puts(b, "null");
    }
    buf_puts(b, "},\"readiness\":{\"score\":");
    profile_json_num(b, r->score);
    buf_puts(b, ",\"deductions\":[");
    for (size_t i = 0; i < r->nDed; i++) {
        buf_puts(b, i ? ",{\"points\":" : "{\"points\":");
        profile_json_num(b, r->aDed[i].points);
        buf_puts(b, ",\"reason\":");
        buf_json_str(b, r->aDed[i].zWhat);
        buf_puts(b, ",\"code\":");
        buf_json_str(b, r->aDed[i].zCode);
        if (!isnan(r->aDed[i].n)) {
            buf_puts(b, ",\"n\":");
            profile_json_num(b, r->aDed[i].n);
        }
        if (!isnan(r->aDed[i].share)) {
            buf_puts(b, ",\"share\":");
            profile_json_num(b, r->aDed[i].share);
        }
        buf_putc(b, '}');
    }
    buf_puts(b, "]}}\n");
}

void profile_result_text(const ProfileResult *r, const CsvTable *t, Buf *b) {
    buf_printf(b, "%zu rows, %zu columns\n\n", r->nRow, r->nCol);
    buf_printf(b, "%-24s %-5s %7s %9s %12s %12s %12s %9s\n", "column", "type", "missing",
               "distinct", "min/top", "mean", "max", "outliers");
    for (size_t k = 0; k < r->nCol; k++) {
        const ProfileColumn *c = &r->aCol[k];
        buf_printf(b, "%-24.24s %-5s %6.1f%% %9zu ", c->zName,
                   c->type == CSV_NUMERIC ? "num" : "cat", 100 * c->missing, c->nDistinct);
        if (c->type == CSV_NUMERIC)
            buf_printf(b, "%12.4g %12.4g %12.4g %9zu", c->min, c->mean, c->max, c->nOutlier);
        else
            buf_printf(b, "%12.12s %12s %12s %9s", c->nTop ? c->aTop[0].zValue : "-", "-", "-",
                       "-");
        buf_printf(b, "%s", c->constant ? "  constant" : "");
        if (c->pii)
            buf_printf(b, "  personal data: %s (%.0f%%)", pii_kind_name(c->pii), 100 * c->piiShare);
        buf_putc(b, '\n');
    }
    buf_printf(b, "\nduplicate rows: %zu (%.1f%%)\n", r->nDupRow, 100 * r->dupShare);
    for (size_t i = 0; i < r->nRed; i++) {
        const ProfileRedundant *d = &r->aRed[i];
        buf_printf(b, "redundant: %s %s %s", t->aCol[d->iCol].zName,
                   d->identical ? "is identical to" : "correlates with", t->aCol[d->iWith].zName);
        if (!d->identical) buf_printf(b, " (r = %.4f)", d->r);
        buf_putc(b, '\n');
    }
    if (r->iLabel >= 0) {
        buf_printf(b, "label %s: %.1f%% of rows labelled, %zu classes", t->aCol[r->iLabel].zName,
                   100 * r->labelCoverage, r->nClass);
        if (isfinite(r->minorityShare)) buf_printf(b, ", smallest %.2f%%", 100 * r->minorityShare);
        buf_putc(b, '\n');
    }
    buf_printf(b, "\nreadiness score: %.1f / 100\n", r->score);
    for (size_t i = 0; i < r->nDed; i++)
        buf_printf(b, "  -%.1f  %s\n", r->aDed[i].points, r->aDed[i].zWhat);
}

/* Numeric column col may hold phone, ID or card numbers: most of its
 * values are integers of eleven digits or more (a mobile number has
 * eleven; Unix times in seconds, ten digits, are not read again). */
static int profile_pii_candidate(const CsvColumn *col, size_t nRow) {
    size_t nBig = 0;
    for (size_t i = 0; i < nRow; i++) {
        double v = fabs(col->aNum[i]);
        nBig += v >= 1e10 && v < 1e20 && v == floor(v);
    }
    return nBig && 2 * nBig >= nRow - col->nMissing;
}

/* Run the personal-data detectors on the original text of r's numeric
 * candidate columns: parse z again, those columns only, as categorical.
 * Files without such columns are not read again. */
static int profile_pii_numeric(const char *z, size_t n, int mapped, int nThread, const CsvTable *t,
                               ProfileResult *r) {
    const char **azOnly = malloc((t->nCol + 1) * sizeof *azOnly);
    CsvTypeOverride *aOv = malloc((t->nCol + 1) * sizeof *aOv);
    int rc = 0;
    if (!azOnly || !aOv) {
        rc = KEEL_ENOMEM;
        goto out;
    }
    size_t nOnly = 0;
    for (size_t k = 0; k < t->nCol; k++)
        if (t->aCol[k].type == CSV_NUMERIC && profile_pii_candidate(&t->aCol[k], t->nRow)) {
            azOnly[nOnly] = t->aCol[k].zName;
            aOv[nOnly++] = (CsvTypeOverride){t->aCol[k].zName, CSV_CATEGORICAL};
        }
    if (nOnly == 0) goto out;
    CsvOptions co = {
        .nThread = nThread, .aOverride = aOv, .nOverride = nOnly, .azOnly = azOnly, .nOnly = nOnly};
    EngineError e;
    CsvTable *tt = NULL;
    rc = mapped ? csv_parse_mapped(z, n, &co, &tt, &e) : csv_parse(z, n, &co, &tt, &e);
    if (rc) {
        rc = rc == KEEL_ENOMEM ? rc : 0; /* parsed once already: cannot be bad */
        goto out;
    }
    for (size_t j = 0; j < tt->nCol; j++) {
        const CsvColumn *col = &tt->aCol[j];
        int k = csv_column_index(t, col->zName);
        if (k < 0 || col->type != CSV_CATEGORICAL) continue;
        size_t *aCount = calloc(col->nLevel + 1, sizeof *aCount);
        if (!aCount) {
            rc = KEEL_ENOMEM;
            break;
        }
        for (size_t i = 0; i < tt->nRow; i++)
            if (col->aCode[i] != CSV_MISSING_CODE) aCount[col->aCode[i]]++;
        PiiTally tally = {0};
        for (size_t l = 0; l < col->nLevel; l++)
            if (aCount[l])
                pii_tally_add(&tally, col->azLevel[l], strlen(col->azLevel[l]), aCount[l], 0);
        free(aCount);
        r->aCol[k].pii = pii_tally_kind(&tally, &r->aCol[k].piiShare);
    }
    csv_free(tt);
out:
    free(azOnly);
    free(aOv);
    return rc;
}

int profile_csv(const char *z, size_t n, const ProfileOptions *opt,
                const CsvTypeOverride *aOverride, size_t nOverride, int mapped, CsvTable **ppTable,
                ProfileResult **ppResult, EngineError *pErr) {
    ProfileOptions o = opt ? *opt : (ProfileOptions){0};
    *ppTable = NULL;
    *ppResult = NULL;
    engine_err_clear(pErr);
    CsvTypeOverride *aOv = malloc((nOverride + 1) * sizeof *aOv);
    if (!aOv) return KEEL_ENOMEM;
    size_t nOv = 0;
    for (size_t i = 0; i < nOverride; i++)
        if (!o.zLabel || !aOverride[i].zName || strcmp(aOverride[i].zName, o.zLabel) != 0)
            aOv[nOv++] = aOverride[i];
    if (o.zLabel) aOv[nOv++] = (CsvTypeOverride){o.zLabel, CSV_CATEGORICAL};
    CsvOptions co = {.nThread = o.nThread, .aOverride = aOv, .nOverride = nOv};
    CsvTable *t = NULL;
    int rc = mapped ? csv_parse_mapped(z, n, &co, &t, pErr) : csv_parse(z, n, &co, &t, pErr);
    free(aOv);
    if (rc) {
        if (pErr) snprintf(pErr->zField, sizeof pErr->zField, "data");
        return rc;
    }
    rc = profile_compute(t, &o, ppResult, pErr);
    if (rc) {
        csv_free(t);
        return rc;
    }
    rc = profile_pii_numeric(z, n, mapped, o.nThread, t, *ppResult);
    if (rc) {
        profile_result_free(*ppResult);
        *ppResult = NULL;
        csv_free(t);
        return rc;
    }
    *ppTable = t;
    return 0;
}
