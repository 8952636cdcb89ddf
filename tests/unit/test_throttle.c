/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sign-in throttle's waits (domain/auth.c), with the clock as an
 * argument: the API tests run their servers with the throttle clock
 * frozen (KEEL_TEST_THROTTLE_CLOCK, test builds only), so the real
 * schedule is checked here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "domain/auth.h"

/* throttle-1: five free failures, then 1, 2, 4 ... s after the last one */
static void test_throttle_schedule(void **state) {
    (void)state;
    const int64_t t = 1800000000;
    for (int n = 0; n < 5; n++)
        assert_int_equal(auth_throttle_wait(n, t, t), 0);
    assert_int_equal(auth_throttle_wait(5, t, t), 1);
    assert_int_equal(auth_throttle_wait(6, t, t), 2);
    assert_int_equal(auth_throttle_wait(7, t, t), 4);
    assert_int_equal(auth_throttle_wait(10, t, t), 32);
    assert_int_equal(auth_throttle_wait(14, t, t), 512);
}

/* throttle-2: the wait runs down with the clock and ends */
static void test_throttle_elapses(void **state) {
    (void)state;
    const int64_t t = 1800000000;
    assert_int_equal(auth_throttle_wait(10, t, t + 31), 1);
    assert_int_equal(auth_throttle_wait(10, t, t + 32), 0);
    assert_int_equal(auth_throttle_wait(5, t, t + 1), 0);
    assert_int_equal(auth_throttle_wait(5, t, t + 3600), 0);
}

/* throttle-3: never more than 15 minutes, however many failures */
static void test_throttle_cap(void **state) {
    (void)state;
    const int64_t t = 1800000000;
    assert_int_equal(auth_throttle_wait(15, t, t), 900); /* 2^10 = 1024 > 900 */
    assert_int_equal(auth_throttle_wait(1000, t, t), 900);
    assert_int_equal(auth_throttle_wait(INT64_MAX, t, t), 900);
    assert_int_equal(auth_throttle_wait(1000, t, t + 900), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_throttle_schedule),
        cmocka_unit_test(test_throttle_elapses),
        cmocka_unit_test(test_throttle_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
