/* SPDX-License-Identifier: GPL-3.0-or-later */
/* engine/realised.c: Welch's interval is checked against scipy in
 * tests/api/test_api_reviews.py; here the one-value case (a prediction
 * interval) against a hand derivation, and the refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include "engine/realised.h"
#include "util/err.h"

/* a = {1, 2, 3}: mean 2, s = 1; b = {5}: change 3, se = s sqrt(1/3 + 1) =
 * sqrt(4/3), df 2, t(0.95, 2) = 2.9199855803537... (scipy.stats.t.ppf), so
 * the 90% interval is 3 -+ 3.3717...; 2.91998558 * 1.15470054 = 3.3717089. */
static void test_one_after(void **state) {
    (void)state;
    const double a[] = {1, 2, 3}, b[] = {5};
    RvResult r;
    assert_int_equal(realised_change(a, 3, b, 1, 0.9, &r), 0);
    assert_true(r.tested);
    assert_true(fabs(r.change - 3) < 1e-12);
    assert_true(fabs(r.se - sqrt(4.0 / 3)) < 1e-12);
    assert_true(fabs(r.df - 2) < 1e-12);
    assert_true(fabs(r.lo - (3 - 3.3717089)) < 1e-6);
    assert_true(fabs(r.hi - (3 + 3.3717089)) < 1e-6);
}

/* Equal variances and sizes: Welch's df is 2(n - 1). a = {0, 2}, b = {4,
 * 6}: variances 2, se = sqrt(2/2 + 2/2) = sqrt(2), df = 4 / (1/1 + 1/1) = 2. */
static void test_welch_df(void **state) {
    (void)state;
    const double a[] = {0, 2}, b[] = {4, 6};
    RvResult r;
    assert_int_equal(realised_change(a, 2, b, 2, 0.9, &r), 0);
    assert_true(fabs(r.change - 4) < 1e-12 && fabs(r.se - sqrt(2)) < 1e-12);
    assert_true(fabs(r.df - 2) < 1e-12);
}

static void test_too_few_and_invalid(void **state) {
    (void)state;
    const double a[] = {1}, b[] = {2}, bad[] = {NAN};
    RvResult r;
    assert_int_equal(realised_change(a, 1, b, 1, 0.9, &r), 0);
    assert_false(r.tested);
    assert_true(fabs(r.change - 1) < 1e-12);
    assert_int_equal(realised_change(a, 1, b, 0, 0.9, &r), 0);
    assert_false(r.tested);
    assert_true(isnan(r.change));
    assert_int_equal(realised_change(a, 1, b, 1, 1.0, &r), KEEL_EINVAL);
    assert_int_equal(realised_change(a, 1, bad, 1, 0.9, &r), KEEL_EINVAL);
}

/* The false-alarm rate of a value shortfall: an initiative that delivers
 * exactly its promise is flagged when the 90% interval's end on the side
 * of the promise falls short of it, which should happen in 5% of cases
 * (one side of a 90% interval). Simulated: 6 values before go-live, 5
 * after, normal noise, the change equal to the promise (-10). */
static uint64_t rng = 88172645463325252ull;
static double unif(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return ((rng >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void) { return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif()); }

static void test_false_alarm_rate(void **state) {
    (void)state;
    int nFlag = 0, nRun = 20000;
    for (int k = 0; k < nRun; k++) {
        double a[6], b[5];
        for (int i = 0; i < 6; i++) a[i] = 100 + 2 * gauss();
        for (int i = 0; i < 5; i++) b[i] = 90 + 2 * gauss();
        RvResult r;
        assert_int_equal(realised_change(a, 6, b, 5, 0.9, &r), 0);
        /* share interval upper end = lo / -10 < 1  <=>  lo > -10 */
        nFlag += r.lo / -10 < 1;
    }
    double rate = (double)nFlag / nRun;
    print_message("value shortfall false-alarm rate: %.4f (nominal 0.05)\n", rate);
    assert_true(rate > 0.04 && rate < 0.06);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_after),
        cmocka_unit_test(test_welch_df),
        cmocka_unit_test(test_too_few_and_invalid),
        cmocka_unit_test(test_false_alarm_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
