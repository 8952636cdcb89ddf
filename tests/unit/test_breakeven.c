/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/breakeven.c, every expected figure derived by hand
 * in the comment next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include "engine/breakeven.h"
#include "util/err.h"

/* A private cluster of 10,000 GPU hours a quarter bought for 120,000 and
 * written off over 12 quarters, 5,000 a quarter to run, 0.50 an hour of
 * power; the cloud charges 2.50 an hour.
 *   F  = 120000 / 12 + 5000 = 15000
 *   u* = 15000 / ((2.50 - 0.50) * 10000) = 0.75 */
static BreakevenInput cluster(double u) {
    BreakevenInput in = {10000, 2.5, 120000, 12, 5000, 0.5, u};
    return in;
}

/* breakeven-1: below the break-even the cloud wins */
static void test_below(void **state) {
    (void)state;
    BreakevenInput in = cluster(0.3);
    BreakevenResult r;
    assert_int_equal(breakeven_compute(&in, &r), 0);
    assert_float_equal(r.fixedPerPeriod, 15000, 1e-9);
    assert_float_equal(r.breakeven, 0.75, 1e-12);
    /* 3,000 hours used: private 15000 + 0.5 * 3000 = 16500, cloud 2.5 * 3000 = 7500 */
    assert_float_equal(r.privatePerPeriod, 16500, 1e-9);
    assert_float_equal(r.cloudPerPeriod, 7500, 1e-9);
    assert_float_equal(r.savingsPerPeriod, -9000, 1e-9);
    /* an owned hour costs 16500 / 3000 = 5.50 */
    assert_float_equal(r.privatePerHour, 5.5, 1e-12);
    assert_int_equal(r.advice, BREAKEVEN_CLOUD);
    assert_string_equal(breakeven_advice_name(r.advice), "cloud");
}

/* breakeven-2: above it owning wins; exactly at it both cost the same */
static void test_above_and_at(void **state) {
    (void)state;
    BreakevenInput in = cluster(0.9);
    BreakevenResult r;
    assert_int_equal(breakeven_compute(&in, &r), 0);
    /* 9,000 hours: private 15000 + 4500 = 19500, cloud 22500, saving 3000;
     * 19500 / 9000 = 2.1666... an hour */
    assert_float_equal(r.privatePerPeriod, 19500, 1e-9);
    assert_float_equal(r.cloudPerPeriod, 22500, 1e-9);
    assert_float_equal(r.savingsPerPeriod, 3000, 1e-9);
    assert_float_equal(r.privatePerHour, 19500.0 / 9000.0, 1e-12);
    assert_int_equal(r.advice, BREAKEVEN_OWN);
    in = cluster(0.75);
    assert_int_equal(breakeven_compute(&in, &r), 0);
    /* 7,500 hours: 15000 + 3750 = 18750 both ways */
    assert_float_equal(r.savingsPerPeriod, 0, 1e-9);
    assert_int_equal(r.advice, BREAKEVEN_OWN);
}

/* breakeven-3: owning never pays: u* above 1, or the cloud no dearer than power */
static void test_never(void **state) {
    (void)state;
    BreakevenInput in = cluster(1.0);
    in.capacityHours = 1000; /* u* = 15000 / (2 * 1000) = 7.5 */
    BreakevenResult r;
    assert_int_equal(breakeven_compute(&in, &r), 0);
    assert_float_equal(r.breakeven, 7.5, 1e-12);
    assert_int_equal(r.advice, BREAKEVEN_CLOUD_ALWAYS);
    in = cluster(0.5);
    in.pricePerHour = 0.5; /* p = v */
    assert_int_equal(breakeven_compute(&in, &r), 0);
    assert_true(isinf(r.breakeven));
    assert_int_equal(r.advice, BREAKEVEN_CLOUD_ALWAYS);
    assert_string_equal(breakeven_advice_name(r.advice), "cloud_always");
}

/* breakeven-4: no measured utilisation; an idle cluster */
static void test_no_data_and_idle(void **state) {
    (void)state;
    BreakevenInput in = cluster(NAN);
    BreakevenResult r;
    assert_int_equal(breakeven_compute(&in, &r), 0);
    assert_float_equal(r.breakeven, 0.75, 1e-12);
    assert_true(isnan(r.savingsPerPeriod) && isnan(r.privatePerHour));
    assert_int_equal(r.advice, BREAKEVEN_NO_DATA);
    in = cluster(0);
    assert_int_equal(breakeven_compute(&in, &r), 0);
    /* nothing used: the whole fixed cost is lost, an owned hour is priceless */
    assert_float_equal(r.savingsPerPeriod, -15000, 1e-9);
    assert_true(isinf(r.privatePerHour));
    assert_int_equal(r.advice, BREAKEVEN_CLOUD);
}

/* breakeven-5: bad numbers are refused */
static void test_invalid(void **state) {
    (void)state;
    BreakevenResult r;
    BreakevenInput in = cluster(0.5);
    in.capacityHours = 0;
    assert_int_equal(breakeven_compute(&in, &r), KEEL_EINVAL);
    in = cluster(0.5);
    in.lifetimePeriods = 0;
    assert_int_equal(breakeven_compute(&in, &r), KEEL_EINVAL);
    in = cluster(0.5);
    in.pricePerHour = -1;
    assert_int_equal(breakeven_compute(&in, &r), KEEL_EINVAL);
    in = cluster(0.5);
    in.capitalCost = INFINITY;
    assert_int_equal(breakeven_compute(&in, &r), KEEL_EINVAL);
    in = cluster(-0.1);
    assert_int_equal(breakeven_compute(&in, &r), KEEL_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_below),   cmocka_unit_test(test_above_and_at),
        cmocka_unit_test(test_never),   cmocka_unit_test(test_no_data_and_idle),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
