/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the staggered comparison (engine/stagger.c): the
 * difference of mean changes and Welch's interval against numbers scipy
 * 1.10 gives (stats.t.ppf(0.975, df) with the Welch-Satterthwaite df,
 * printed with repr), and the cases without an interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include "engine/stagger.h"

/* stagger-1: a = [-18, -15.5, -20.1], b = [-2, 1.5, -0.5, 0.8]:
 * d = -17.816666666666666, df = 3.320313675712749,
 * interval (-22.45125696107058, -13.182076372262753) */
static void test_welch(void **state) {
    (void)state;
    const double a[] = {-18.0, -15.5, -20.1}, b[] = {-2.0, 1.5, -0.5, 0.8};
    StaggerResult r;
    stagger_compare(a, 3, b, 4, 0.95, &r);
    assert_true(r.bInterval);
    assert_true(fabs(r.diff - -17.816666666666666) < 1e-12);
    assert_true(fabs(r.df - 3.320313675712749) < 1e-9);
    assert_true(fabs(r.lo - -22.45125696107058) < 1e-7);
    assert_true(fabs(r.hi - -13.182076372262753) < 1e-7);
    assert_int_equal(r.nRolled, 3);
    assert_int_equal(r.nWaiting, 4);
}

/* stagger-2: one unit a side, or no spread: a difference, no interval */
static void test_no_interval(void **state) {
    (void)state;
    const double a[] = {-10.0}, b[] = {-1.0, -2.0}, c[] = {3.0, 3.0}, d[] = {1.0, 1.0};
    StaggerResult r;
    stagger_compare(a, 1, b, 2, 0.95, &r);
    assert_false(r.bInterval);
    assert_true(fabs(r.diff - -8.5) < 1e-12);
    assert_true(isnan(r.lo) && isnan(r.hi));
    stagger_compare(c, 2, d, 2, 0.95, &r);
    assert_false(r.bInterval);
    assert_true(fabs(r.diff - 2.0) < 1e-12);
    stagger_compare(a, 0, b, 2, 0.95, &r);
    assert_true(isnan(r.diff));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_welch),
        cmocka_unit_test(test_no_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
