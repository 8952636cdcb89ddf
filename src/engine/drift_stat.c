/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drift of one column: the numerics (quantile bins, PSI, Jensen-Shannon,
 * KS and Wasserstein, exact or against a sketch), the comparison of a
 * numeric or categorical column with its reference, and the verdict. */
#include "engine/drift_int.h"
#include "engine/stats.h"
#include "util/err.h"
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
void drift_ref_numeric(RefCol *r, const double *a, size_t n) {
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
void drift_verdict(DriftColumn *c, const DriftOptions *o) {
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
    c->verdict = !real                  ? DRIFT_OK
                 : effect               ? DRIFT_DRIFT
                 : c->psi >= o->psiWarn ? DRIFT_WARN
                                        : DRIFT_OK;
}

/* A column with every metric unset. */
void drift_column_init(DriftColumn *c, const char *zName, CsvType type) {
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
void drift_cells(const double *ur, const double *uc, size_t k, double nr, double nc,
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
int drift_numeric(const RefCol *r, const double *b, size_t nb, DriftColumn *c) {
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
int name_index_build(NameIndex *x, const char *const *az, size_t n) {
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
long name_index_find(const NameIndex *x, const char *z) {
    size_t k = drift_hash(z) & (x->nSlot - 1);
    for (; x->aSlot[k]; k = (k + 1) & (x->nSlot - 1))
        if (strcmp(x->az[x->aSlot[k] - 1], z) == 0) return (long)x->aSlot[k] - 1;
    return -1;
}

/* Compare categorical reference r with current counts aCount over levels
 * azLevel[0..nLevel) (matched to the reference by name). */
int drift_categorical(const RefCol *r, const char *const *azLevel, const size_t *aCount,
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
