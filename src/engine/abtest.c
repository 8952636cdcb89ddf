/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The statistics of A/B test analysis: the fixed-horizon tests (pooled
 * two-proportion z-test with the unpooled Wald interval; Welch's t-test),
 * sample size and power, the sample-ratio-mismatch chi-square, the mixture
 * SPRT with its confidence sequence, and the Bayesian chance to beat
 * control and expected loss. Each function works on per-arm summaries
 * (AbtestArmStat); abtest_run.c turns specs and CSVs into summaries and
 * results into JSON. Formulas and degenerate-case answers are documented in
 * docs/abtest.md; the reference tests are tests/ref/test_abtest_*.py. */
#include "engine/abtest.h"
#include "engine/stats.h"
#include "util/err.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <string.h>

/* Fixed-horizon test of t against c; see abtest.h for degenerate cases. */
void abtest_test(AbtestKind kind, const AbtestArmStat *c, const AbtestArmStat *t, double alpha,
                 AbtestTest *pOut) {
    stats_init();
    memset(pOut, 0, sizeof *pOut);
    double nc = c->n, nt = t->n, mc = c->mean, mt = t->mean;
    pOut->diff = mt - mc;
    pOut->p = 1.0;
    pOut->lo = pOut->hi = pOut->rel = pOut->relLo = pOut->relHi = pOut->se = NAN;
    double vc, vt; /* variances of the two arm means */
    double q;      /* two-sided quantile for the interval */
    if (kind == ABTEST_PROPORTION) {
        if (nc <= 0 || nt <= 0) return;
        vc = mc * (1 - mc) / nc;
        vt = mt * (1 - mt) / nt;
        double pool = (mc * nc + mt * nt) / (nc + nt);
        double sePool = sqrt(pool * (1 - pool) * (1 / nc + 1 / nt));
        if (sePool > 0) {
            pOut->stat = pOut->diff / sePool;
            pOut->p = stats_norm_p2(pOut->stat);
        } else {
            pOut->p = pOut->diff == 0 ? 1.0 : 0.0;
        }
        q = stats_z(1 - alpha / 2);
    } else {
        if (nc < 2 || nt < 2) return;
        vc = c->var / nc;
        vt = t->var / nt;
        double v = vc + vt;
        if (v > 0) {
            pOut->df = v * v / (vc * vc / (nc - 1) + vt * vt / (nt - 1));
            pOut->stat = pOut->diff / sqrt(v);
            pOut->p = 2 * gsl_cdf_tdist_Q(fabs(pOut->stat), pOut->df);
            /* GSL's inverse is good to about 1e-9; one Newton step on
             * Q(q) = alpha/2 makes it exact to rounding. */
            q = gsl_cdf_tdist_Qinv(alpha / 2, pOut->df);
            q += (gsl_cdf_tdist_Q(q, pOut->df) - alpha / 2) / gsl_ran_tdist_pdf(q, pOut->df);
        } else {
            pOut->df = nc + nt - 2;
            pOut->p = pOut->diff == 0 ? 1.0 : 0.0;
            q = 0;
        }
    }
    pOut->se = sqrt(vc + vt);
    pOut->lo = pOut->diff - q * pOut->se;
    pOut->hi = pOut->diff + q * pOut->se;
    if (mc != 0) {
        double z = stats_z(1 - alpha / 2);
        double vRel = vt / (mc * mc) + mt * mt * vc / (mc * mc * mc * mc);
        pOut->rel = pOut->diff / mc;
        pOut->relLo = pOut->rel - z * sqrt(vRel);
        pOut->relHi = pOut->rel + z * sqrt(vRel);
    }
}

/* Two-proportion sample size per arm; see abtest.h. */
double abtest_size_proportion(double p1, double p2, double alpha, double power) {
    stats_init();
    if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1) || p1 == p2) return NAN;
    double pbar = (p1 + p2) / 2;
    double za = stats_z(1 - alpha / 2), zb = stats_z(power);
    double num = za * sqrt(2 * pbar * (1 - pbar)) + zb * sqrt(p1 * (1 - p1) + p2 * (1 - p2));
    return num * num / ((p1 - p2) * (p1 - p2));
}

/* Sample size per arm for a difference of means; see abtest.h. */
double abtest_size_mean(double delta, double s1, double s2, double alpha, double power) {
    stats_init();
    if (delta == 0 || !isfinite(delta)) return NAN;
    double z = stats_z(1 - alpha / 2) + stats_z(power);
    return z * z * (s1 * s1 + s2 * s2) / (delta * delta);
}

/* Power of the pooled two-proportion z-test, both tails; see abtest.h. */
double abtest_power_proportion(double p1, double p2, double n1, double n2, double alpha) {
    stats_init();
    if (!(n1 > 0 && n2 > 0)) return NAN;
    double pbar = (n1 * p1 + n2 * p2) / (n1 + n2);
    double s0 = sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2));
    double s1 = sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
    double d = fabs(p2 - p1), z = stats_z(1 - alpha / 2);
    if (!(s1 > 0)) return d > 0 ? 1.0 : alpha;
    return gsl_cdf_ugaussian_Q(z * s0 / s1 - d / s1) + gsl_cdf_ugaussian_P(-z * s0 / s1 - d / s1);
}

/* Power of a two-sided z-test for delta with standard error se. */
double abtest_power_mean(double delta, double se, double alpha) {
    stats_init();
    double z = stats_z(1 - alpha / 2), d = fabs(delta);
    if (!(se > 0)) return d > 0 ? 1.0 : alpha;
    return gsl_cdf_ugaussian_Q(z - d / se) + gsl_cdf_ugaussian_P(-z - d / se);
}

/* Pearson chi-square against the planned split; see abtest.h. */
void abtest_srm(const double *aObs, const double *aWeight, size_t n, double *pChi2, double *pP) {
    stats_init();
    double tot = 0, wTot = 0, chi2 = 0;
    for (size_t i = 0; i < n; i++) {
        tot += aObs[i];
        wTot += aWeight[i];
    }
    *pChi2 = 0;
    *pP = 1;
    if (n < 2 || tot <= 0 || wTot <= 0) return;
    for (size_t i = 0; i < n; i++) {
        double e = tot * aWeight[i] / wTot;
        chi2 += (aObs[i] - e) * (aObs[i] - e) / e;
    }
    *pChi2 = chi2;
    *pP = gsl_cdf_chisq_Q(chi2, (double)(n - 1));
}

/* Normal-mixture SPRT: always-valid p-value and confidence sequence. */
void abtest_msprt(double diff, double v, double tau2, double alpha, double *pP, double *pHalf) {
    if (!(v > 0)) {
        *pP = diff == 0 ? 1.0 : 0.0;
        *pHalf = 0;
        return;
    }
    double logLambda = 0.5 * log(v / (v + tau2)) + tau2 * diff * diff / (2 * v * (v + tau2));
    *pP = logLambda > 0 ? exp(-logLambda) : 1.0;
    *pHalf = sqrt(v * (v + tau2) / tau2 * (-2 * log(alpha) + log((v + tau2) / v)));
}

/* Mixing variance that is tightest at estimator variance vStar. */
double abtest_tau2_default(double vStar, double alpha) {
    double l = -2 * log(alpha);
    return vStar * (l + log(1 + l));
}

/* A Beta(a, b) distribution with its constants computed once. */
typedef struct BetaDist {
    double a, b;   /* parameters */
    double lnB;    /* ln B(a, b) */
    double lo, hi; /* where the mass lives: mean -/+ 40 sd, within [0, 1] */
} BetaDist;

/* Fill d for Beta(a, b). */
static void beta_dist_init(BetaDist *d, double a, double b) {
    double m = a / (a + b), sd = sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
    d->a = a;
    d->b = b;
    d->lnB = gsl_sf_lnbeta(a, b);
    d->lo = fmax(0, m - 40 * sd);
    d->hi = fmin(1, m + 40 * sd);
}

/* The Beta density at x, through logarithms (no overflow for large
 * parameters). */
static double beta_pdf(double x, void *pArg) {
    const BetaDist *d = pArg;
    if (x <= 0 || x >= 1) return 0;
    return exp((d->a - 1) * log(x) + (d->b - 1) * log1p(-x) - d->lnB);
}

/* P(X <= x) (upper: P(X > x)) for X ~ d. GSL's continued fraction for the
 * incomplete beta function does not converge near the mean when both
 * parameters are large (about 10^5 and more); then the density is
 * integrated instead, from the nearer end of the mass, with workspace w. */
static double beta_cdf(const BetaDist *d, double x, int upper, gsl_integration_workspace *w) {
    gsl_sf_result r;
    if (x <= 0) return upper ? 1 : 0;
    if (x >= 1) return upper ? 0 : 1;
    if (gsl_sf_beta_inc_e(d->a, d->b, x, &r) == GSL_SUCCESS && isfinite(r.val))
        return upper ? 1 - r.val : r.val;
    gsl_function fn = {beta_pdf, (void *)d};
    double v = NAN, err, m = d->a / (d->a + d->b);
    int below = x < m; /* integrate the smaller tail */
    int rc = below ? gsl_integration_qags(&fn, fmin(d->lo, x), x, 0, 1e-13, 1000, w, &v, &err)
                   : gsl_integration_qags(&fn, x, fmax(d->hi, x), 0, 1e-13, 1000, w, &v, &err);
    if (rc != GSL_SUCCESS && rc != GSL_EROUND) return NAN;
    return below == !upper ? v : 1 - v;
}

/* One integrand f1(x) F2(x), or f1(x) (1 - F2(x)) when upper. */
typedef struct BetaPair {
    BetaDist d1, d2;                /* density d1, distribution function d2 */
    int upper;                      /* 1: 1 - F2 */
    gsl_integration_workspace *wIn; /* for beta_cdf's fallback */
} BetaPair;

/* Integrand of beta_pair_integral. */
static double beta_pair_fn(double x, void *pArg) {
    BetaPair *p = pArg;
    double f = beta_pdf(x, &p->d1);
    if (f == 0) return 0;
    return f * beta_cdf(&p->d2, x, p->upper, p->wIn);
}

/* ∫ Beta(a1,b1)(x) F_Beta(a2,b2)(x) dx (or with 1 - F) over the region where
 * the density lives. w and wIn are two distinct workspaces. */
static int beta_pair_integral(double a1, double b1, double a2, double b2, int upper,
                              gsl_integration_workspace *w, gsl_integration_workspace *wIn,
                              double *pOut) {
    BetaPair p;
    beta_dist_init(&p.d1, a1, b1);
    beta_dist_init(&p.d2, a2, b2);
    p.upper = upper;
    p.wIn = wIn;
    gsl_function fn = {beta_pair_fn, &p};
    double err;
    int rc = gsl_integration_qags(&fn, p.d1.lo, p.d1.hi, 1e-14, 1e-11, 1000, w, pOut, &err);
    if ((rc != GSL_SUCCESS && rc != GSL_EROUND) || !isfinite(*pOut)) return KEEL_EINTERNAL;
    return 0;
}

/* Bayesian comparison; see abtest.h. */
int abtest_bayes(AbtestKind kind, const AbtestArmStat *c, const AbtestArmStat *t, int higherBetter,
                 double priorSd, double *pBeat, double *pLossShip, double *pLossKeep) {
    stats_init();
    double beatUp, lossDown, lossUp; /* P(t > c), E[max(c - t, 0)], E[max(t - c, 0)] */
    if (kind == ABTEST_PROPORTION) {
        double xc = nearbyint(c->mean * c->n), xt = nearbyint(t->mean * t->n);
        double ac = 1 + xc, bc = 1 + c->n - xc, at = 1 + xt, bt = 1 + t->n - xt;
        double mc = ac / (ac + bc), mt = at / (at + bt), i1, i2, i3;
        gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
        gsl_integration_workspace *wIn = gsl_integration_workspace_alloc(1000);
        int rc = w && wIn ? 0 : KEEL_ENOMEM;
        if (!rc) rc = beta_pair_integral(at, bt, ac, bc, 0, w, wIn, &i1);     /* P(c < t) */
        if (!rc) rc = beta_pair_integral(ac + 1, bc, at, bt, 0, w, wIn, &i2); /* ∫ f_c+ F_t */
        if (!rc) rc = beta_pair_integral(at + 1, bt, ac, bc, 1, w, wIn, &i3); /* ∫ f_t+ (1-F_c) */
        if (w) gsl_integration_workspace_free(w);
        if (wIn) gsl_integration_workspace_free(wIn);
        if (rc) return rc;
        beatUp = i1;
        lossDown = fmax(0, mc * i2 - mt * i3);
        lossUp = fmax(0, lossDown + (mt - mc));
    } else {
        if (!(c->n >= 2 && t->n >= 2)) {
            *pBeat = *pLossShip = *pLossKeep = NAN;
            return 0;
        }
        double mc = c->mean, mt = t->mean;
        double vc = c->var / c->n, vt = t->var / t->n;
        double mu = mt - mc, s = sqrt(vc + vt);
        if (priorSd > 0 && mc != 0 && s > 0) {
            /* Normal(0, priorSd^2) prior on the relative lift; the
             * likelihood of the observed lift uses the delta-method
             * variance, and the posterior goes back to absolute units. */
            double r = mu / mc;
            double vr = vt / (mc * mc) + mt * mt * vc / (mc * mc * mc * mc);
            double prec = 1 / (priorSd * priorSd) + 1 / vr;
            mu = (r / vr) / prec * mc;
            s = sqrt(1 / prec) * fabs(mc);
        }
        if (s > 0) {
            double z = mu / s;
            beatUp = gsl_cdf_ugaussian_P(z);
            double phi = exp(-0.5 * z * z) / sqrt(2 * M_PI);
            lossDown = s * phi - mu * gsl_cdf_ugaussian_P(-z);
            lossUp = s * phi + mu * gsl_cdf_ugaussian_P(z);
        } else {
            beatUp = mu > 0 ? 1.0 : mu < 0 ? 0.0 : 0.5;
            lossDown = fmax(-mu, 0);
            lossUp = fmax(mu, 0);
        }
    }
    if (higherBetter) {
        *pBeat = beatUp;
        *pLossShip = lossDown;
        *pLossKeep = lossUp;
    } else {
        *pBeat = 1 - beatUp;
        *pLossShip = lossUp;
        *pLossKeep = lossDown;
    }
    return 0;
}
