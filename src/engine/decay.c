/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Decay tests and the cells of stored feature histograms; see decay.h. */
#include "engine/decay.h"
#include "engine/changepoint.h"
#include "util/err.h"
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void decay_options_default(DecayOptions *o) {
    o->alpha = 0.005;
    o->minRel = 0.05;
    o->minN = 30;
    o->level = 0.95;
    o->side = -1;
}

/* ---- the tests ------------------------------------------------------------ */

static int decay_point_ok(const DecayPoint *p) {
    return isfinite(p->x) && isfinite(p->n) && isfinite(p->t) && p->n > 0 && p->x >= 0 &&
           p->x <= p->n;
}

/* The variance of a proportion measured on n cases under p0, kept away
 * from 0 (a baseline at 0 % or 100 % still has some noise). */
static double decay_var(double p0, double n) {
    double p = p0 < 0.5 / n ? 0.5 / n : p0 > 1 - 0.5 / n ? 1 - 0.5 / n : p0;
    return p * (1 - p) / n;
}

/* The weighted least-squares slope of periods a[0..n) against time with
 * variances under p0, one-sided in direction side; quasi-likelihood scale
 * max(1, weighted RSS / (n - 2)) (then a t test with n - 2 df). */
static void decay_trend(const DecayPoint *a, int n, double p0, int side, DecayResult *r) {
    double W = 0, sx = 0, sy = 0;
    for (int i = 0; i < n; i++) {
        double w = 1 / decay_var(p0, a[i].n);
        W += w;
        sx += w * a[i].t;
        sy += w * a[i].x / a[i].n;
    }
    double xbar = sx / W, ybar = sy / W, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double w = 1 / decay_var(p0, a[i].n), dx = a[i].t - xbar;
        sxx += w * dx * dx;
        sxy += w * dx * (a[i].x / a[i].n - ybar);
    }
    if (!(sxx > 0)) return;
    double b = sxy / sxx, rss = 0;
    for (int i = 0; i < n; i++) {
        double e = a[i].x / a[i].n - (ybar + b * (a[i].t - xbar));
        rss += e * e / decay_var(p0, a[i].n);
    }
    double phi = rss / (n - 2), scale = phi > 1 ? phi : 1;
    r->slope = b;
    r->slopeSe = sqrt(scale / sxx);
    r->nTrend = n;
    double z = side < 0 ? b / r->slopeSe : -b / r->slopeSe;
    r->pTrend = phi > 1 ? gsl_cdf_tdist_P(z, n - 2) : gsl_cdf_ugaussian_P(z);
}

int decay_test(const DecayPoint *base, const DecayPoint *a, int n, const DecayOptions *opt,
               DecayResult *r) {
    DecayOptions o;
    if (opt)
        o = *opt;
    else
        decay_options_default(&o);
    memset(r, 0, sizeof *r);
    r->baseline = r->current = r->change = r->ciLo = r->ciHi = NAN;
    r->pDrop = r->slope = r->slopeSe = r->pTrend = NAN;
    if (!base || n < 0 || (n && !a) || !(o.alpha > 0 && o.alpha < 1) ||
        !(o.level > 0 && o.level < 1) || !(o.minRel >= 0) || (o.side != -1 && o.side != 1))
        return KEEL_EINVAL;
    if (!decay_point_ok(base)) return KEEL_EINVAL;
    for (int i = 0; i < n; i++)
        if (!decay_point_ok(&a[i]) || (i && !(a[i].t > a[i - 1].t))) return KEEL_EINVAL;
    double p0 = base->x / base->n;
    r->baseline = p0;
    if (n == 0) return 0;
    const DecayPoint *last = &a[n - 1];
    double p1 = last->x / last->n;
    r->current = p1;
    r->change = p1 - p0;
    double z = gsl_cdf_ugaussian_Pinv(1 - (1 - o.level) / 2);
    double se = sqrt(p0 * (1 - p0) / base->n + p1 * (1 - p1) / last->n);
    r->ciLo = r->change - z * se;
    r->ciHi = r->change + z * se;
    if (last->n < o.minN) return 0;
    r->tested = 1;
    /* sudden drop: the change-point test, the last period against the
     * weighted mean of the baseline and the periods before it */
    double *aY = malloc(sizeof(double) * (size_t)(n + 1) * 2);
    if (!aY) return KEEL_ENOMEM;
    double *aV = aY + n + 1;
    aY[0] = p0;
    aV[0] = decay_var(p0, base->n);
    for (int i = 0; i < n; i++) {
        aY[i + 1] = a[i].x / a[i].n;
        aV[i + 1] = decay_var(p0, a[i].n);
    }
    /* continuity correction: the last period's count moves half a case
     * towards no change (a binomial's tail on few cases is heavier than
     * the normal's) */
    aY[n] = (last->x - 0.5 * o.side) / last->n;
    CpSeries s = {aY, NULL, aV, n + 1};
    CpOptions co;
    changepoint_options_default(&co);
    co.k = 1;
    co.trend = 0;
    co.side = o.side < 0 ? CP_FALL : CP_RISE;
    co.alpha = o.alpha;
    co.minRel = o.minRel;
    CpResult cr;
    int rc = changepoint_test(&s, &co, &cr);
    free(aY);
    if (rc) return rc;
    r->pDrop = cr.pValue;
    r->dropFlagged = cr.flagged;
    /* slow decay: the slope of the periods since the baseline */
    if (n >= 4) {
        decay_trend(a, n, p0, o.side, r);
        double span = a[n - 1].t - a[0].t, fitted = r->slope * span;
        double rel = p0 > 0 ? fabs(fitted) / p0 : INFINITY;
        r->trendFlagged = isfinite(r->pTrend) && r->pTrend < o.alpha && rel >= o.minRel;
    }
    return 0;
}

/* ---- drift cells ------------------------------------------------------------ */

/* The count of key k in store st (0 outside it). */
static double decay_store_count(const DDStore *st, int64_t k) {
    if (!st->aCount || k < st->iMin || k >= (int64_t)st->iMin + st->nAlloc) return 0;
    return (double)st->aCount[k - st->iMin];
}

/* Walk the buckets of ref and cur in value order, calling back with each
 * bucket's two counts. */
typedef struct CellAcc {
    double total, cum, *aRef, *aCur;
    int iCell;
} CellAcc;

static void decay_cell_add(CellAcc *c, double r, double u) {
    if (r == 0 && u == 0) return;
    c->aRef[c->iCell] += r;
    c->aCur[c->iCell] += u;
    c->cum += r;
    while (c->iCell < DECAY_DRIFT_CELLS - 1 && c->total > 0 &&
           c->cum >= c->total * (c->iCell + 1) / DECAY_DRIFT_CELLS)
        c->iCell++;
}

static void decay_store_range(const DDStore *a, const DDStore *b, int64_t *pLo, int64_t *pHi) {
    *pLo = INT64_MAX;
    *pHi = INT64_MIN;
    const DDStore *ap[2] = {a, b};
    for (int i = 0; i < 2; i++)
        if (ap[i]->aCount && ap[i]->nAlloc) {
            if (ap[i]->iMin < *pLo) *pLo = ap[i]->iMin;
            if ((int64_t)ap[i]->iMin + ap[i]->nAlloc - 1 > *pHi)
                *pHi = (int64_t)ap[i]->iMin + ap[i]->nAlloc - 1;
        }
}

size_t decay_drift_cells(const DDSketch *ref, uint64_t nMissRef, const DDSketch *cur,
                         uint64_t nMissCur, double *aRef, double *aCur) {
    double tRef[DECAY_DRIFT_CELLS + 1] = {0}, tCur[DECAY_DRIFT_CELLS + 1] = {0};
    CellAcc c = {(double)ref->n, 0, tRef, tCur, 0};
    int64_t lo, hi;
    decay_store_range(&ref->neg, &cur->neg, &lo, &hi);
    for (int64_t k = hi; k >= lo; k--) /* negatives: the largest magnitude first */
        decay_cell_add(&c, decay_store_count(&ref->neg, k), decay_store_count(&cur->neg, k));
    decay_cell_add(&c, (double)ref->nZero, (double)cur->nZero);
    decay_store_range(&ref->pos, &cur->pos, &lo, &hi);
    for (int64_t k = lo; k <= hi; k++)
        decay_cell_add(&c, decay_store_count(&ref->pos, k), decay_store_count(&cur->pos, k));
    tRef[DECAY_DRIFT_CELLS] = (double)nMissRef;
    tCur[DECAY_DRIFT_CELLS] = (double)nMissCur;
    size_t k = 0;
    for (int i = 0; i <= DECAY_DRIFT_CELLS; i++)
        if (tRef[i] > 0 || tCur[i] > 0) {
            aRef[k] = tRef[i];
            aCur[k] = tCur[i];
            k++;
        }
    return k;
}
