/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/stats.c's pairwise sum (the one the drift and
 * profile engines use): exact on integers, equal to a compensated
 * (Kahan-Neumaier) reference within a few ulps where a plain left-to-right
 * sum is measurably worse, and the same on both sides of the 128-element
 * block edge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include "engine/stats.h"

/* Neumaier's compensated sum: the reference. */
static double ref_sum(const double *a, size_t n) {
    double s = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        double t = s + a[i];
        c += fabs(s) >= fabs(a[i]) ? (s - t) + a[i] : (a[i] - t) + s;
        s = t;
    }
    return s + c;
}

static void test_sum_exact(void **state) {
    (void)state;
    assert_true(stats_sum(NULL, 0) == 0);
    size_t aN[] = {1, 127, 128, 129, 256, 257, 100000};
    for (size_t k = 0; k < sizeof aN / sizeof aN[0]; k++) {
        size_t n = aN[k];
        double *a = malloc(n * sizeof *a);
        for (size_t i = 0; i < n; i++)
            a[i] = (double)(i + 1);
        assert_true(stats_sum(a, n) == (double)n * (double)(n + 1) / 2); /* n(n+1)/2 */
        free(a);
    }
}

static void test_sum_accuracy(void **state) {
    (void)state;
    size_t n = 1000000;
    double *a = malloc(n * sizeof *a);
    uint64_t x = 88172645463325252u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        a[i] = 0.1 + (double)(x >> 11) * 0x1p-53; /* in [0.1, 1.1) */
    }
    double ref = ref_sum(a, n), naive = 0;
    for (size_t i = 0; i < n; i++)
        naive += a[i];
    double errPair = fabs(stats_sum(a, n) - ref), errNaive = fabs(naive - ref);
    /* pairwise: O(log n) roundings of a sum near 6e5 (ulp 1.2e-10) */
    assert_true(errPair <= 64 * 1.2e-10);
    /* and the test can tell: the plain sum is off by far more here */
    assert_true(errNaive > 4 * errPair);
    free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sum_exact),
        cmocka_unit_test(test_sum_accuracy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
