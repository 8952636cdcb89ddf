/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/decay.c (issue 20): the trend and change-point
 * figures of one series against statsmodels (script below), the
 * false-alarm rate under no change simulated for large and small
 * segments and for a new segment held against the all-segment baseline,
 * the power on injected sudden drops and slow decays, the input-drift
 * cells of stored histograms (false alarms and power), and malformed
 * input refused. The rates printed here are the ones docs/monitoring.md
 * states.
 *
 *   import numpy as np, statsmodels.api as sm; from scipy import stats
 *   from statsmodels.stats.proportion import confint_proportions_2indep
 *   p0 = .8; x = np.array([400, 395, 390, 380, 377, 370, 362, 355.])
 *   n = np.array([500, 500, 480, 500, 500, 490, 500, 500.])
 *   t = np.arange(-49, 1, 7.); v = p0 * (1 - p0) / n
 *   f = sm.WLS(x / n, sm.add_constant(t), weights=1 / v).fit()
 *   phi = np.sum((x / n - f.fittedvalues)**2 / v) / 6      # 0.668: scale 1
 *   f = sm.WLS(x / n, sm.add_constant(t), weights=1 / v).fit(
 *       cov_type='fixed scale', cov_kwds={'scale': 1})
 *   f.params[1], f.bse[1], stats.norm.cdf(f.params[1] / f.bse[1])
 *   confint_proportions_2indep(355, 500, 4000, 5000, method='wald', compare='diff')
 *   # the change-point test: the last period against the weighted mean of
 *   # the baseline (4000 of 5000) and the seven before it, scale max(1, phi),
 *   # the last count corrected half a case towards no change (355.5)
 *   y = np.r_[.8, x / n]; y[-1] = 355.5 / 500; vv = np.r_[p0 * .2 / 5000, v]
 *   g = sm.WLS(y[:-1], np.ones(8), weights=1 / vv[:-1]).fit()
 *   phi = np.sum((y[:-1] - g.params[0])**2 / vv[:-1]) / 7   # 4.134
 *   se = np.sqrt(phi * (vv[-1] + g.normalized_cov_params[0, 0]))
 *   stats.t.cdf((y[-1] - g.params[0]) / se, 7)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "../common/rng.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "engine/decay.h"
#include "engine/drift.h"
#include "util/err.h"

static int near(double a, double b, double rel) {
    return fabs(a - b) <= rel * fmax(fabs(a), fabs(b));
}

static void test_decay_reference(void **state) {
    (void)state;
    DecayPoint base = {4000, 5000, 0};
    double x[] = {400, 395, 390, 380, 377, 370, 362, 355};
    double n[] = {500, 500, 480, 500, 500, 490, 500, 500};
    DecayPoint a[8];
    for (int i = 0; i < 8; i++)
        a[i] = (DecayPoint){x[i], n[i], -49 + 7.0 * i};
    DecayResult r;
    assert_int_equal(decay_test(&base, a, 8, NULL, &r), 0);
    assert_true(r.tested && r.nTrend == 8);
    assert_true(near(r.slope, -0.0019310051045825782, 1e-10));
    assert_true(near(r.slopeSe, 0.0003949589769776558, 1e-10));
    assert_true(near(r.pTrend, 5.064174006628456e-07, 1e-7));
    assert_true(r.trendFlagged);
    assert_true(near(r.ciLo, -0.13128970119320388, 1e-12));
    assert_true(near(r.ciHi, -0.048710298806796296, 1e-12));
    assert_true(near(r.pDrop, 0.039415369477379635, 1e-8));
    assert_false(r.dropFlagged);
    assert_true(near(r.baseline, 0.8, 1e-15) && near(r.current, 0.71, 1e-15));
}

/* x ~ Binomial(n, p) by n draws. */
static double binom(TestRng *g, int n, double p) {
    int x = 0;
    for (int i = 0; i < n; i++)
        x += rng_unif(g) < p;
    return x;
}

/* The share of nSim runs flagged (drop or trend) when the baseline has n0
 * cases at p and W periods of nPer cases have p_i = p - drop (last
 * period only) - decay * i / (W - 1) (a straight slide). With bNew the
 * last period alone is tested (a new segment). */
static double flag_rate(uint64_t seed, int nSim, double p, int n0, int W, int nPer, double drop,
                        double decay, int bNew) {
    TestRng g = {seed};
    int nFlag = 0;
    DecayPoint a[16];
    for (int s = 0; s < nSim; s++) {
        DecayPoint base = {binom(&g, n0, p), n0, 0};
        for (int i = 0; i < W; i++) {
            double pi = p - decay * i / (W - 1) - (i == W - 1 ? drop : 0);
            a[i] = (DecayPoint){binom(&g, nPer, pi), nPer, -7.0 * (W - 1 - i)};
        }
        DecayResult r;
        int rc =
            bNew ? decay_test(&base, a + W - 1, 1, NULL, &r) : decay_test(&base, a, W, NULL, &r);
        assert_int_equal(rc, 0);
        nFlag += r.dropFlagged || (!bNew && r.trendFlagged);
    }
    return (double)nFlag / nSim;
}

static void test_decay_false_alarms(void **state) {
    (void)state;
    /* under no change each test flags at most alpha = 0.005, a segment at
     * most 2 alpha = 0.01; 20000 runs: 3 standard errors are 0.0021 */
    double r1 = flag_rate(11, 20000, 0.80, 3500, 8, 500, 0, 0, 0);
    double r2 = flag_rate(12, 20000, 0.30, 3500, 8, 500, 0, 0, 0);
    double r3 = flag_rate(13, 20000, 0.80, 280, 8, 40, 0, 0, 0);  /* a small segment */
    double r4 = flag_rate(14, 20000, 0.80, 3500, 8, 60, 0, 0, 1); /* a new one */
    printf("decay false alarms under no change: large 0.80 %.4f, large 0.30 %.4f, small %.4f, "
           "new segment %.4f\n",
           r1, r2, r3, r4);
    assert_true(r1 <= 0.0121 && r2 <= 0.0121 && r3 <= 0.0121);
    assert_true(r4 <= 0.0065);
}

static void test_decay_power(void **state) {
    (void)state;
    double sudden = flag_rate(21, 4000, 0.80, 3500, 8, 500, 0.10, 0, 0);
    double slide = flag_rate(22, 2000, 0.31, 7000, 12, 1000, 0, 0.06, 0);
    double fresh = flag_rate(23, 4000, 0.95, 3500, 8, 400, 0.13, 0, 1); /* 95% -> 82% */
    double small = flag_rate(24, 4000, 0.80, 280, 8, 40, 0.08, 0, 0);
    printf("decay power: sudden 0.80->0.70 %.3f, slide 0.31->0.25 (12 periods of 1000) %.3f, new "
           "segment 0.95->0.82 "
           "%.3f, small segment 0.80->0.72 %.3f\n",
           sudden, slide, fresh, small);
    assert_true(sudden >= 0.88);
    assert_true(slide >= 0.80);
    assert_true(fresh >= 0.99);
    assert_true(small < 0.5); /* 40 cases cannot show 8 points reliably: no alarm by noise */
}

/* Drift of a stored feature histogram: nSim pairs of samples of n normal
 * values (the current one shifted by shift standard deviations). */
static double drift_rate(uint64_t seed, int nSim, int n, double shift) {
    TestRng g = {seed};
    DriftOptions o;
    drift_options_default(&o);
    int nDrift = 0;
    for (int s = 0; s < nSim; s++) {
        DDSketch a, b;
        ddsketch_init(&a, 0.05);
        ddsketch_init(&b, 0.05);
        for (int i = 0; i < n; i++) {
            assert_int_equal(ddsketch_add(&a, 50 + 5 * rng_gauss(&g), 1), 0);
            assert_int_equal(ddsketch_add(&b, 50 + 5 * (rng_gauss(&g) + shift), 1), 0);
        }
        double aRef[DECAY_DRIFT_CELLS + 1], aCur[DECAY_DRIFT_CELLS + 1];
        size_t k = decay_drift_cells(&a, 0, &b, 0, aRef, aCur);
        DriftColumn c;
        drift_bins_compare(aRef, aCur, k, &o, &c);
        nDrift += c.verdict == DRIFT_DRIFT;
        ddsketch_free(&a);
        ddsketch_free(&b);
    }
    return (double)nDrift / nSim;
}

static void test_decay_drift_cells(void **state) {
    (void)state;
    double none = drift_rate(31, 2000, 2000, 0), moved = drift_rate(32, 500, 2000, 0.5);
    printf("input drift on stored histograms: no change %.4f, 0.5 sd shift %.3f\n", none, moved);
    assert_true(none <= 0.005 + 0.0047);
    assert_true(moved >= 0.95);
    /* cells: counts kept, missing last, at most DECAY_DRIFT_CELLS + 1 */
    DDSketch a, b;
    ddsketch_init(&a, 0.05);
    ddsketch_init(&b, 0.05);
    for (int i = 0; i < 100; i++) {
        ddsketch_add(&a, i - 30, 1);
        ddsketch_add(&b, 2 * i, 1);
    }
    double aRef[DECAY_DRIFT_CELLS + 1], aCur[DECAY_DRIFT_CELLS + 1];
    size_t k = decay_drift_cells(&a, 7, &b, 3, aRef, aCur);
    double sr = 0, sc = 0;
    for (size_t i = 0; i < k; i++)
        sr += aRef[i], sc += aCur[i];
    assert_true(k <= DECAY_DRIFT_CELLS + 1 && k >= 5);
    assert_true(sr == 107 && sc == 103 && aRef[k - 1] == 7 && aCur[k - 1] == 3);
    ddsketch_free(&a);
    ddsketch_free(&b);
}

static void test_decay_bad_input(void **state) {
    (void)state;
    DecayPoint base = {10, 20, 0}, a[2] = {{5, 10, 0}, {5, 10, 0}}, bad = {30, 20, 0};
    DecayResult r;
    assert_int_equal(decay_test(&base, a, 2, NULL, &r), KEEL_EINVAL); /* times not increasing */
    assert_int_equal(decay_test(&bad, a, 1, NULL, &r), KEEL_EINVAL);  /* x > n */
    DecayOptions o;
    decay_options_default(&o);
    o.alpha = 1;
    assert_int_equal(decay_test(&base, a, 1, &o, &r), KEEL_EINVAL);
    DecayPoint few = {3, 10, 0};
    assert_int_equal(decay_test(&base, &few, 1, NULL, &r), 0);
    assert_false(r.tested); /* 10 cases < minN: not tested, no alarm */
    assert_true(isfinite(r.ciLo));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decay_reference), cmocka_unit_test(test_decay_false_alarms),
        cmocka_unit_test(test_decay_power),     cmocka_unit_test(test_decay_drift_cells),
        cmocka_unit_test(test_decay_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
