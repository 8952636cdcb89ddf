/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The drift verdict's stated false-alarm rate and power (docs/drift.md,
 * "Verdicts"), simulated: pairs of samples from one distribution, n rows
 * per side for n = 100, 600 and 10,000, 10 numeric columns (normal) and
 * 10 categorical ones (five levels, shares 0.4/0.3/0.15/0.1/0.05), must
 * be called "drift" in at most 1% of column comparisons (the rule's level
 * is alpha = 0.5%); "warn" likewise. A shift of 0.3 standard deviations at
 * n = 600 must still be caught in at least 80% of comparisons, and a tiny
 * shift (0.03 SD) at n = 10,000, significant or not, never called drift.
 * The rates are printed. Seeded, so the figures are the same every run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "../common/rng.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "engine/csv.h"
#include "engine/drift.h"
#include "util/buf.h"

#define NNUM 10 /* numeric columns */
#define NCAT 10 /* categorical columns */

static TestRng rng = {0x9E3779B97F4A7C15ull};
static double unif(void) { return rng_unif(&rng); }
static double gauss(void) { return rng_gauss(&rng); }

/* A table of n rows: NNUM normal(50, 10) columns shifted by shift SD, and
 * NCAT categorical columns drawn from the shares p. */
static CsvTable *make_table(size_t n, double shift, const double *p) {
    Buf b;
    buf_init(&b, 0);
    for (int k = 0; k < NNUM; k++)
        buf_printf(&b, "x%d,", k);
    for (int k = 0; k < NCAT; k++)
        buf_printf(&b, "c%d%s", k, k + 1 < NCAT ? "," : "\n");
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < NNUM; k++)
            buf_printf(&b, "%.6f,", 50 + 10 * (gauss() + shift));
        for (int k = 0; k < NCAT; k++) {
            double u = unif(), c = 0;
            int l = 0;
            while (l < 4 && u > (c += p[l]))
                l++;
            buf_printf(&b, "%c%s", 'a' + l, k + 1 < NCAT ? "," : "\n");
        }
    }
    assert_int_equal(buf_err(&b), 0);
    CsvTable *t = NULL;
    EngineError e;
    CsvOptions o = {.nThread = 1};
    assert_int_equal(csv_parse(b.z, b.n, &o, &t, &e), 0);
    buf_reset(&b);
    return t;
}

static const double aShare[5] = {0.4, 0.3, 0.15, 0.1, 0.05};

/* Compare nPair pairs of n-row tables (the current one shifted by shift
 * SD); count the numeric and categorical columns called drift and warn. */
static void run_pairs(size_t n, int nPair, double shift, int *pnNumDrift, int *pnCatDrift,
                      int *pnWarn, int *pnKs) {
    *pnNumDrift = *pnCatDrift = *pnWarn = *pnKs = 0;
    DriftOptions o;
    drift_options_default(&o);
    o.nThread = 1;
    for (int j = 0; j < nPair; j++) {
        CsvTable *r = make_table(n, 0, aShare), *c = make_table(n, shift, aShare);
        DriftResult *res = NULL;
        EngineError ee = {0};
        assert_int_equal(drift_compare(r, c, &o, &res, &ee), 0);
        for (size_t k = 0; k < res->all.nCol; k++) {
            const DriftColumn *col = &res->all.aCol[k];
            int isNum = col->type == CSV_NUMERIC;
            assert_int_equal(isNum, k < NNUM);
            if (col->verdict == DRIFT_DRIFT) ++*(isNum ? pnNumDrift : pnCatDrift);
            if (col->verdict == DRIFT_WARN) ++*pnWarn;
            if (isNum && col->ksP < o.alpha) ++*pnKs;
        }
        drift_result_free(res);
        csv_free(r);
        csv_free(c);
    }
}

static void test_drift_false_alarms(void **state) {
    (void)state;
    static const struct {
        size_t n;
        int nPair;
    } aCase[] = {{100, 200}, {600, 80}, {10000, 6}};
    for (size_t i = 0; i < sizeof aCase / sizeof aCase[0]; i++) {
        int nNum, nCat, nWarn, nKs, nTest = aCase[i].nPair * NNUM;
        run_pairs(aCase[i].n, aCase[i].nPair, 0, &nNum, &nCat, &nWarn, &nKs);
        printf("drift under no change, n = %zu per side, %d column pairs of each type: "
               "numeric %.2f%%, categorical %.2f%% called drift; %.2f%% warn\n",
               aCase[i].n, nTest, 100.0 * nNum / nTest, 100.0 * nCat / nTest,
               50.0 * nWarn / nTest);
        assert_true(nNum * 100 <= nTest);
        assert_true(nCat * 100 <= nTest);
        assert_true(nWarn * 100 <= 2 * nTest);
    }
}

static void test_drift_power(void **state) {
    (void)state;
    int nNum, nCat, nWarn, nKs, nTest = 40 * NNUM;
    run_pairs(600, 40, 0.3, &nNum, &nCat, &nWarn, &nKs);
    printf("drift: a 0.3 SD shift at n = 600 called drift in %.1f%% of %d columns\n",
           100.0 * nNum / nTest, nTest);
    assert_true(nNum * 10 >= 8 * nTest);
    assert_true(nCat * 100 <= nTest); /* the categorical columns did not move */
    /* a tiny shift in a large sample: the KS test may find it, but it is
     * too small to matter (Wasserstein 0.03 < 0.1): never drift */
    nTest = 5 * NNUM;
    run_pairs(10000, 5, 0.03, &nNum, &nCat, &nWarn, &nKs);
    printf("drift: a 0.03 SD shift at n = 10000: KS significant in %.1f%%, drift in %d of "
           "%d columns\n",
           100.0 * nKs / nTest, nNum, nTest);
    assert_int_equal(nNum, 0);
    assert_true(nKs > 0); /* significant, yet not drift */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drift_false_alarms),
        cmocka_unit_test(test_drift_power),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
