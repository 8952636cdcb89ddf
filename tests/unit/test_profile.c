/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/profile.c: statistics of a small column worked by
 * hand, duplicate rows, identical and correlated columns, constant and
 * empty columns, label coverage and balance, and the readiness score
 * formula deduction by deduction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "engine/csv.h"
#include "engine/profile.h"
#include "util/buf.h"
#include "util/err.h"

/* Parse with an optional categorical override; fails the test on error. */
static CsvTable *parse(const char *z, const char *zCat) {
    CsvTypeOverride ov = {zCat, CSV_CATEGORICAL};
    CsvOptions o = {.aOverride = zCat ? &ov : NULL, .nOverride = zCat ? 1 : 0};
    CsvTable *t = NULL;
    EngineError e;
    assert_int_equal(csv_parse(z, strlen(z), &o, &t, &e), 0);
    return t;
}

/* profile-1: min, max, mean, sample std, quantiles, IQR outliers */
static void test_profile_stats(void **state) {
    (void)state;
    CsvTable *t = parse("x\n1\n2\n3\n4\n100\nNA\n", NULL);
    ProfileResult *r = NULL;
    assert_int_equal(profile_compute(t, NULL, &r, NULL), 0);
    ProfileColumn *c = &r->aCol[0];
    assert_int_equal(c->nMissing, 1);
    assert_true(fabs(c->missing - 1.0 / 6) < 1e-15);
    assert_int_equal(c->nDistinct, 5);
    assert_true(c->min == 1 && c->max == 100 && c->mean == 22);
    double ss = 21 * 21 + 20 * 20 + 19 * 19 + 18 * 18 + 78 * 78;
    assert_true(fabs(c->std - sqrt(ss / 4)) < 1e-12);
    assert_true(c->aQuant[1] == 2 && c->aQuant[2] == 3 && c->aQuant[3] == 4);
    assert_true(c->outlierLow == -1 && c->outlierHigh == 7);
    assert_int_equal(c->nOutlier, 1);
    profile_result_free(r);
    csv_free(t);
}

/* profile-2: duplicates, copies, a correlated column, constant and empty
 * columns, and the score with every deduction */
static void test_profile_score(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "a,b,copy,twice,k,empty,lab\n");
    for (int i = 0; i < 40; i++) /* rows 20..39 repeat rows 0..19 */
        buf_printf(&b, "%d,%c,%d,%d,7,,%s\n", i % 20, "xyz"[i % 3 == 0 ? 0 : (i % 20) % 3], i % 20,
                   2 * (i % 20) + 1, i % 4 == 0 ? "" : (i == 1 ? "rare" : "common"));
    CsvTable *t = parse(b.z, "lab");
    ProfileOptions o = {.zLabel = "lab"};
    ProfileResult *r = NULL;
    EngineError ee = {0};
    assert_int_equal(profile_compute(t, &o, &r, &ee), 0);
    assert_true(r->nDupRow >= 1 && r->nDupRow <= 20);
    assert_int_equal(r->nRed, 2); /* copy = a, twice ~ a */
    assert_int_equal(r->aRed[0].iCol, 2);
    assert_true(r->aRed[0].identical);
    assert_int_equal(r->aRed[1].iCol, 3);
    assert_false(r->aRed[1].identical);
    assert_true(fabs(r->aRed[1].r - 1) < 1e-12);
    assert_int_equal(r->nConstant, 2); /* k and empty */
    assert_true(fabs(r->labelCoverage - 0.75) < 1e-15);
    assert_int_equal(r->nClass, 2);
    assert_true(fabs(r->minorityShare - 1.0 / 30) < 1e-15);
    double want = 100 - 40 * r->meanMissing - 30 * r->dupShare - 10 - 6 - 30 * 0.25 - 10;
    assert_true(fabs(r->score - want) < 1e-9);
    assert_int_equal(r->nDed, 6);
    double sum = 0;
    for (size_t i = 0; i < r->nDed; i++)
        sum += r->aDed[i].points;
    assert_true(fabs(100 - sum - r->score) < 1e-9);
    Buf j;
    buf_init(&j, 0);
    profile_result_json(r, t, &j);
    assert_non_null(strstr(j.z, "\"kind\":\"identical\""));
    assert_non_null(strstr(j.z, "\"readiness\":{\"score\":"));
    buf_reset(&j);
    profile_result_free(r);
    /* the label must exist and be categorical */
    o.zLabel = "a";
    assert_int_equal(profile_compute(t, &o, &r, &ee), KEEL_EINVAL);
    assert_string_equal(ee.zField, "label");
    assert_non_null(strstr(ee.zMsg, "not read as categorical"));
    o.zLabel = "nope";
    assert_int_equal(profile_compute(t, &o, &r, &ee), KEEL_EINVAL);
    assert_string_equal(ee.zField, "label");
    assert_non_null(strstr(ee.zMsg, "'nope' is not in the data"));
    assert_null(r);
    csv_free(t);
    buf_reset(&b);
}

/* profile-3: no rows, and a floor at 0 */
static void test_profile_edges(void **state) {
    (void)state;
    CsvTable *t = parse("a,b\n", NULL);
    ProfileResult *r = NULL;
    assert_int_equal(profile_compute(t, NULL, &r, NULL), 0);
    assert_int_equal(r->nRow, 0);
    assert_int_equal(r->nConstant, 2);
    assert_true(r->score == 94);
    profile_result_free(r);
    csv_free(t);
    t = parse("a,b,c,d,e,l\n,,,,,\n,,,,,\n", "l");
    ProfileOptions o = {.zLabel = "l"};
    assert_int_equal(profile_compute(t, &o, &r, NULL), 0);
    assert_true(r->score == 0);
    profile_result_free(r);
    csv_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_stats),
        cmocka_unit_test(test_profile_score),
        cmocka_unit_test(test_profile_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
