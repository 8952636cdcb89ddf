/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/ddsketch.c: quantiles against exact order
 * statistics of generated samples (within the 1% relative accuracy), signs
 * and zeros, merging (the same answers as one sketch of everything), the
 * bucket cap, and the text form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/ddsketch.h"
#include "util/buf.h"
#include "util/err.h"

/* xorshift64*: a reproducible uniform in (0, 1). */
static double rnd(uint64_t *s) {
    *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
    return ((*s * UINT64_C(2685821657736338717)) >> 11) * (1.0 / 9007199254740992.0) + 1e-17;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const double aQ[] = {0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1};

/* Check every quantile of aQ against the sorted sample (relative error at
 * most alpha, absolute 0 for an exact zero). */
static void check_quantiles(const DDSketch *s, double *a, size_t n, const char *zCase) {
    qsort(a, n, sizeof *a, cmp_double);
    for (size_t i = 0; i < sizeof aQ / sizeof *aQ; i++) {
        double want = a[(size_t)floor(aQ[i] * (double)(n - 1))];
        double got = ddsketch_quantile(s, aQ[i]);
        double err = want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
        if (!(err <= s->alpha * (1 + 1e-12)))
            fail_msg("%s q=%g: sketch %.17g, exact %.17g (relative error %g)", zCase, aQ[i], got,
                     want, err);
    }
}

/* dds-1: log-normal latencies, 200,000 values */
static void test_lognormal(void **state) {
    (void)state;
    size_t n = 200000;
    double *a = malloc(n * sizeof *a);
    uint64_t seed = 42;
    DDSketch s;
    ddsketch_init(&s, 0.01);
    for (size_t i = 0; i < n; i++) {
        double u = rnd(&seed), v = rnd(&seed);
        double z = sqrt(-2 * log(u)) * cos(2 * M_PI * v);
        a[i] = exp(3 + 1.5 * z);
        assert_int_equal(ddsketch_add(&s, a[i], 1), 0);
    }
    assert_true(s.n == n);
    check_quantiles(&s, a, n, "dds-1");
    ddsketch_free(&s);
    free(a);
}

/* dds-2: negative values, zeros and positive values together */
static void test_signs(void **state) {
    (void)state;
    size_t n = 50000;
    double *a = malloc(n * sizeof *a);
    uint64_t seed = 7;
    DDSketch s;
    ddsketch_init(&s, 0.01);
    for (size_t i = 0; i < n; i++) {
        double u = rnd(&seed);
        a[i] = i % 10 == 0 ? 0 : (u - 0.4) * 1000;
        assert_int_equal(ddsketch_add(&s, a[i], 1), 0);
    }
    check_quantiles(&s, a, n, "dds-2");
    ddsketch_free(&s);
    free(a);
}

/* dds-3: ten sketches merged answer as one sketch of everything */
static void test_merge(void **state) {
    (void)state;
    DDSketch all, part[10], m;
    ddsketch_init(&all, 0.01);
    ddsketch_init(&m, 0.01);
    uint64_t seed = 9;
    for (int k = 0; k < 10; k++) {
        ddsketch_init(&part[k], 0.01);
        for (int i = 0; i < 5000; i++) {
            double v = rnd(&seed) * pow(10, k - 3); /* each part its own range */
            ddsketch_add(&all, v, 1);
            ddsketch_add(&part[k], v, 1);
        }
    }
    for (int k = 9; k >= 0; k--)
        assert_int_equal(ddsketch_merge(&m, &part[k]), 0);
    assert_true(m.n == all.n);
    for (size_t i = 0; i < sizeof aQ / sizeof *aQ; i++)
        assert_true(ddsketch_quantile(&m, aQ[i]) == ddsketch_quantile(&all, aQ[i]));
    DDSketch other;
    ddsketch_init(&other, 0.02);
    assert_int_equal(ddsketch_merge(&m, &other), KEEL_EINVAL);
    for (int k = 0; k < 10; k++)
        ddsketch_free(&part[k]);
    ddsketch_free(&all);
    ddsketch_free(&m);
}

/* dds-4: past the bucket cap the lowest buckets fold; the upper
 * quantiles keep the guarantee and the store stays bounded */
static void test_cap(void **state) {
    (void)state;
    size_t n = 60000;
    double *a = malloc(n * sizeof *a);
    uint64_t seed = 3;
    DDSketch s;
    ddsketch_init(&s, 0.01);
    for (size_t i = 0; i < n; i++) {
        a[i] = pow(10, -8 + 48 * rnd(&seed)); /* 1e-8 .. 1e40: 5,500 buckets */
        ddsketch_add(&s, a[i], 1);
    }
    assert_true(s.pos.nAlloc <= DDSKETCH_MAX_BINS);
    qsort(a, n, sizeof *a, cmp_double);
    for (double q = 0.3; q <= 1.0; q += 0.05) {
        double want = a[(size_t)floor(q * (double)(n - 1))];
        assert_true(fabs(ddsketch_quantile(&s, q) - want) <= 0.01 * want * (1 + 1e-12));
    }
    ddsketch_free(&s);
    free(a);
}

/* dds-5: the text form reads back to the same sketch; malformed text is
 * refused */
static void test_text(void **state) {
    (void)state;
    DDSketch s, r;
    ddsketch_init(&s, 0.01);
    for (int i = -50; i < 300; i++)
        ddsketch_add(&s, i * 0.37, (uint64_t)(i % 3 + 1));
    Buf b;
    buf_init(&b, 0);
    ddsketch_write(&s, &b);
    assert_int_equal(ddsketch_read(&r, b.z, b.n), 0);
    assert_true(r.n == s.n && r.nZero == s.nZero && r.sum == s.sum && r.min == s.min);
    for (size_t i = 0; i < sizeof aQ / sizeof *aQ; i++)
        assert_true(ddsketch_quantile(&r, aQ[i]) == ddsketch_quantile(&s, aQ[i]));
    static const char *azBad[] = {
        "", "a=0.01", "a=2;n=0;z=0;s=0;lo=0;hi=0;p=;m=",
        "a=0.01;n=3;z=0;s=0;lo=0;hi=0;p=1:2;m=", /* counts do not add up */
        "a=0.01;n=1;z=0;s=0;lo=0;hi=0;p=1:x;m=",
        "a=0.01;n=1;z=0;s=0;lo=0;hi=0;p=99999999:1;m=",
    };
    for (size_t i = 0; i < sizeof azBad / sizeof *azBad; i++) {
        DDSketch x;
        assert_int_equal(ddsketch_read(&x, azBad[i], strlen(azBad[i])), KEEL_EINVAL);
    }
    assert_true(isnan(ddsketch_quantile(&(DDSketch){.alpha = 0.01}, 0.5)));
    buf_reset(&b);
    ddsketch_free(&s);
    ddsketch_free(&r);
}

/* The bucket key (a table logarithm) is libm's
 * ceil(log(v) / ln gamma) for a million values from 1e-9 to 1e15 and at
 * the bucket boundaries themselves, except where log(v) / ln gamma is
 * within 1e-9 of a whole number (where an ulp of either logarithm decides) */
static void test_key(void **state) {
    (void)state;
    DDSketch s;
    ddsketch_init(&s, 0.01);
    uint64_t seed = 7;
    long nNear = 0;
    for (long i = 0; i < 1200000; i++) {
        double v;
        if (i < 1000000) {
            v = exp(log(1e-9) + rnd(&seed) * (log(1e15) - log(1e-9)));
        } else { /* at, just below and just above a boundary gamma^k */
            double b = exp((double)((i - 1000000) / 3 - 1000) * s.lnGamma);
            v = (i % 3 == 0) ? b : (i % 3 == 1) ? nextafter(b, 0) : nextafter(b, INFINITY);
        }
        double t = log(v) / s.lnGamma;
        int32_t want = (int32_t)ceil(t);
        if (fabs(t - nearbyint(t)) < 1e-9) {
            nNear++;
            assert_true(abs(ddsketch_key(&s, v) - want) <= 1);
            continue;
        }
        if (ddsketch_key(&s, v) != want)
            fail_msg("v=%.17g key %d, libm %d", v, ddsketch_key(&s, v), want);
    }
    assert_true(nNear < 250000);
}

/* A small integer, whose key comes from a table for the accuracies
 * keel uses, lands in the bucket ddsketch_key names, as any other value
 * does (and as it does at an accuracy without a table); so do its
 * neighbours that are not integers, and negative integers. */
static void test_int_keys(void **state) {
    (void)state;
    const double aAlpha[] = {0.01, 0.05, 0.02};
    for (int a = 0; a < 3; a++) {
        for (int v = 1; v < DDSKETCH_INT_KEYS + 3; v++) {
            const double aV[] = {v, -v, nextafter(v, 0), nextafter(v, INFINITY)};
            for (int j = 0; j < 4; j++) {
                DDSketch s;
                ddsketch_init(&s, aAlpha[a]);
                assert_int_equal(ddsketch_add(&s, aV[j], 1), 0);
                const DDStore *st = aV[j] > 0 ? &s.pos : &s.neg;
                long iHit = -1;
                for (uint32_t i = 0; i < st->nAlloc; i++)
                    if (st->aCount[i]) iHit = st->iMin + (long)i;
                if (iHit != ddsketch_key(&s, fabs(aV[j])))
                    fail_msg("alpha %g v=%.17g: bucket %ld, key %d", aAlpha[a], aV[j], iHit,
                             ddsketch_key(&s, fabs(aV[j])));
                ddsketch_free(&s);
            }
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lognormal), cmocka_unit_test(test_signs),
        cmocka_unit_test(test_merge),     cmocka_unit_test(test_cap),
        cmocka_unit_test(test_text),      cmocka_unit_test(test_key),
        cmocka_unit_test(test_int_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
