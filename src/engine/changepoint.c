/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The change-point test (see changepoint.h for the model). With weights
 * w_i (1, or 1 / variance) over the m earlier points: W = sum w,
 * xbar = sum w x / W, Sxx = sum w (x - xbar)^2, the line
 * yhat(x) = ybar + b (x - xbar) with b = sum w (x - xbar)(y - ybar) / Sxx
 * (b = 0 for a mean), RSS = sum w (y - yhat)^2 on df = m - p (p = 2 with a
 * line, 1 with a mean). For the window (k points, mean position xr, mean
 * value ybarR): change = ybarR - yhat(xr) and
 *   Var(change) = s2 * (sum_r v_r / k^2 + 1 / W + (xr - xbar)^2 / Sxx)
 * with v_r = 1 and s2 = RSS / df without variances (t on df), and v_r the
 * given variances and s2 = max(1, RSS / df) with them (normal when 1,
 * else t on df). */
#include "engine/changepoint.h"
#include "util/err.h"
#include <gsl/gsl_cdf.h>
#include <math.h>

void changepoint_options_default(CpOptions *o) {
    o->k = 1;
    o->trend = 1;
    o->side = CP_FALL;
    o->alpha = 0.005;
    o->minRel = 0.05;
}

/* A result that says "not tested". */
static void cp_untested(CpResult *r) {
    r->tested = r->flagged = r->m = 0;
    r->expected = r->recent = r->change = r->relChange = NAN;
    r->se = r->stat = r->df = r->pValue = NAN;
}

/* P(T <= t) for T with df degrees of freedom (normal when infinite). */
static double cp_cdf(double t, double df) {
    return isinf(df) ? gsl_cdf_ugaussian_P(t) : gsl_cdf_tdist_P(t, df);
}

int changepoint_test(const CpSeries *s, const CpOptions *opt, CpResult *r) {
    CpOptions o;
    if (opt)
        o = *opt;
    else
        changepoint_options_default(&o);
    cp_untested(r);
    if (!s || s->n < 0 || (s->n > 0 && !s->aY) || o.k < 1 || !(o.alpha > 0 && o.alpha < 1) ||
        !(o.minRel >= 0) || o.side < CP_FALL || o.side > CP_RISE)
        return KEEL_EINVAL;
    for (int i = 0; i < s->n; i++) {
        double x = s->aX ? s->aX[i] : i;
        if (!isfinite(s->aY[i]) || !isfinite(x)) return KEEL_EINVAL;
        if (s->aVar && !(s->aVar[i] > 0 && isfinite(s->aVar[i]))) return KEEL_EINVAL;
        if (i && s->aX && !(x > s->aX[i - 1])) return KEEL_EINVAL;
    }
    int m = s->n - o.k, p = o.trend ? 2 : 1;
    if (m < p + (s->aVar ? 0 : 1)) return 0;
    const double *aY = s->aY, *aV = s->aVar;
#define CP_X(i) (s->aX ? s->aX[(i)] : (double)(i))
#define CP_W(i) (aV ? 1 / aV[(i)] : 1.0)
    double W = 0, sx = 0, sy = 0;
    for (int i = 0; i < m; i++) {
        W += CP_W(i);
        sx += CP_W(i) * CP_X(i);
        sy += CP_W(i) * aY[i];
    }
    double xbar = sx / W, ybar = sy / W, sxx = 0, sxy = 0;
    for (int i = 0; i < m; i++) {
        double dx = CP_X(i) - xbar;
        sxx += CP_W(i) * dx * dx;
        sxy += CP_W(i) * dx * (aY[i] - ybar);
    }
    double b = p == 2 ? sxy / sxx : 0; /* positions increase: sxx > 0 */
    double rss = 0;
    for (int i = 0; i < m; i++) {
        double e = aY[i] - (ybar + b * (CP_X(i) - xbar));
        rss += CP_W(i) * e * e;
    }
    double xr = 0, yr = 0, vr = 0;
    for (int i = m; i < s->n; i++) {
        xr += CP_X(i);
        yr += aY[i];
        vr += aV ? aV[i] : 1;
    }
    xr /= o.k;
    yr /= o.k;
    vr /= (double)o.k * o.k;
#undef CP_X
#undef CP_W
    int df = m - p;
    double s2, dfStat;
    if (aV) {
        double phi = df > 0 ? rss / df : 1;
        s2 = phi > 1 ? phi : 1;
        dfStat = phi > 1 ? df : INFINITY;
    } else {
        s2 = rss / df;
        dfStat = df;
    }
    double lev = 1 / W + (p == 2 ? (xr - xbar) * (xr - xbar) / sxx : 0);
    r->tested = 1;
    r->m = m;
    r->expected = ybar + b * (xr - xbar);
    r->recent = yr;
    r->change = yr - r->expected;
    r->relChange = r->expected != 0 ? r->change / fabs(r->expected) : NAN;
    r->se = sqrt(s2 * (vr + lev));
    r->df = dfStat;
    if (r->se > 0)
        r->stat = r->change / r->se;
    else
        r->stat = r->change > 0 ? INFINITY : r->change < 0 ? -INFINITY : 0;
    double lo = r->stat == -INFINITY ? 0 : r->stat == INFINITY ? 1 : cp_cdf(r->stat, dfStat);
    double hi = r->stat == -INFINITY ? 1 : r->stat == INFINITY ? 0 : cp_cdf(-r->stat, dfStat);
    r->pValue = o.side == CP_FALL ? lo : o.side == CP_RISE ? hi : fmin(1, 2 * fmin(lo, hi));
    double rel = r->expected != 0 ? fabs(r->relChange) : (r->change != 0 ? INFINITY : 0);
    r->flagged = r->pValue < o.alpha && rel >= o.minRel;
    return 0;
}
