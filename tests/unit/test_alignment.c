/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the alignment rules and math: periods, the stage machine,
 * KPI progress and least-squares trend (hand-computed expectations), and
 * the weighted ranking with ties and quadrants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "domain/alignment.h"
#include "engine/kpi_trend.h"
#include "engine/prioritise.h"
#include "util/err.h"
#include "util/period.h"

/* align-1: quarters and months, calendar and fiscal years */
static void test_period(void **state) {
    (void)state;
    Period p;
    assert_int_equal(period_parse("2026Q3", 1, &p), 0);
    assert_int_equal(p.kind, PERIOD_QUARTER);
    assert_int_equal(p.firstMonth, 2026 * 12 + 6); /* July 2026 */
    assert_true(p.mid == 2026 * 12 + 7);
    /* fiscal year starting in April, named by the year it ends in:
     * 2026Q1 = April-June 2025, 2026Q4 = January-March 2026 */
    assert_int_equal(period_parse("2026Q1", 4, &p), 0);
    assert_int_equal(p.firstMonth, 2025 * 12 + 3);
    assert_int_equal(period_parse("2026Q4", 4, &p), 0);
    assert_int_equal(p.firstMonth, 2026 * 12 + 0);
    assert_int_equal(period_parse("2026-09", 4, &p), 0);
    assert_int_equal(p.kind, PERIOD_MONTH);
    assert_int_equal(p.firstMonth, 2026 * 12 + 8);
    const char *azBad[] = {"2026Q5", "2026Q0", "2026-13", "2026-00", "26Q1",    "2026q1",
                           "2026-9", "1899Q1", "2201-01", "",        "2026Q1 ", "Q1-2026"};
    for (size_t i = 0; i < sizeof azBad / sizeof azBad[0]; i++)
        if (period_parse(azBad[i], 1, &p) == 0) fail_msg("'%s' should be refused", azBad[i]);
}

/* align-2: the stage machine, legal and illegal moves */
static void test_stages(void **state) {
    (void)state;
    const char *azLegal[][2] = {{"idea", "assessed"},     {"assessed", "approved"},
                                {"approved", "pilot"},    {"pilot", "scaling"},
                                {"scaling", "operating"}, {"operating", "retired"},
                                {"idea", "rejected"},     {"assessed", "rejected"},
                                {"rejected", "idea"},     {"pilot", "retired"}};
    const char *azIllegal[][2] = {
        {"idea", "approved"},   {"idea", "pilot"},       {"approved", "idea"},
        {"operating", "pilot"}, {"retired", "idea"},     {"rejected", "approved"},
        {"pilot", "approved"},  {"scaling", "rejected"}, {"idea", "idea"}};
    for (size_t i = 0; i < sizeof azLegal / sizeof azLegal[0]; i++)
        if (!align_transition_legal(azLegal[i][0], azLegal[i][1]))
            fail_msg("%s -> %s should be legal", azLegal[i][0], azLegal[i][1]);
    for (size_t i = 0; i < sizeof azIllegal / sizeof azIllegal[0]; i++)
        if (align_transition_legal(azIllegal[i][0], azIllegal[i][1]))
            fail_msg("%s -> %s should be illegal", azIllegal[i][0], azIllegal[i][1]);
    json_t *a = align_transitions_from("retired");
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
}

/* align-3: progress and trend, computed by hand.
 * Points (x, y) = (1,10) (4,12) (7,14) (10,16): mean x 5.5, mean y 13,
 * Sxy = (-4.5)(-3) + (-1.5)(-1) + (1.5)(1) + (4.5)(3) = 30, Sxx = 45,
 * slope = 2/3 per month; at x = 19 the line gives 13 + (2/3)(13.5) = 22. */
static void test_trend_up(void **state) {
    (void)state;
    double x[] = {1, 4, 7, 10}, y[] = {10, 12, 14, 16};
    KpiAssessment a;
    kpi_assess(10, 20, 1, x, y, 4, 19, &a);
    assert_true(fabs(a.slope - 2.0 / 3.0) < 1e-12);
    assert_true(fabs(a.projected - 22.0) < 1e-12);
    assert_true(fabs(a.progress - 60.0) < 1e-12); /* (16 - 10) / (20 - 10) */
    assert_int_equal(a.status, KPI_ON_TRACK);
    /* target 25: projected fraction (22-10)/(25-10) = 0.8 -> at risk */
    kpi_assess(10, 25, 1, x, y, 4, 19, &a);
    assert_int_equal(a.status, KPI_AT_RISK);
    /* target 30: 12/20 = 0.6 -> off track */
    kpi_assess(10, 30, 1, x, y, 4, 19, &a);
    assert_int_equal(a.status, KPI_OFF_TRACK);
    assert_true(fabs(a.progress - 30.0) < 1e-12);
}

/* align-4: direction down; rising values are going the wrong way */
static void test_trend_down(void **state) {
    (void)state;
    double x[] = {1, 4, 7}, y[] = {100, 90, 80};
    KpiAssessment a;
    /* slope -10/3; at x = 13: 90 + (-10/3)(9) = 60 = target -> on track */
    kpi_assess(100, 60, 0, x, y, 3, 13, &a);
    assert_true(fabs(a.projected - 60.0) < 1e-9);
    assert_true(fabs(a.progress - 50.0) < 1e-9);
    assert_int_equal(a.status, KPI_ON_TRACK);
    double y2[] = {100, 104, 108};
    kpi_assess(100, 60, 0, x, y2, 3, 13, &a);
    assert_true(a.progress == 0.0); /* clamped: worse than baseline */
    assert_int_equal(a.status, KPI_OFF_TRACK);
}

/* align-5: degenerate inputs: no values, one value, target met, target
 * period already past, equal baseline and target */
static void test_trend_edges(void **state) {
    (void)state;
    KpiAssessment a;
    kpi_assess(5, 10, 1, NULL, NULL, 0, 10, &a);
    assert_int_equal(a.status, KPI_NO_DATA);
    assert_true(a.progress == 0.0);
    double x1[] = {3}, y1[] = {9};
    kpi_assess(5, 10, 1, x1, y1, 1, 10, &a);
    assert_true(a.projected == 9.0 && a.slope == 0.0);
    assert_int_equal(a.status, KPI_AT_RISK); /* 4/5 = 0.8 */
    double x[] = {1, 2}, y[] = {12, 11};
    kpi_assess(5, 10, 1, x, y, 2, 20, &a); /* falling, but already above target */
    assert_int_equal(a.status, KPI_ON_TRACK);
    assert_true(a.progress == 100.0);
    double y3[] = {6, 7};
    kpi_assess(5, 10, 1, x, y3, 2, 1, &a); /* target period before the last value */
    assert_true(a.projected == 7.0);
    kpi_assess(5, 5, 1, x, y3, 2, 10, &a);
    assert_true(a.progress == 100.0);
    assert_int_equal(a.status, KPI_ON_TRACK);
}

/* align-6: weighted ranking, inverse criterion, ties share a rank,
 * unscored items last, quadrants at the midpoint.
 * weights 2 (value), 1 (feasibility), 1 (risk, inverse):
 *   A: 5,4,1 -> (10 + 4 + 5) / 4 = 4.75      quick win
 *   B: 4,2,2 -> (8 + 2 + 4) / 4 = 3.5        big bet
 *   C: 2,5,1 -> (4 + 5 + 5) / 4 = 3.5        fill-in
 *   D: 1,1,5 -> (2 + 1 + 1) / 4 = 1.0        money pit
 *   E: unscored */
static void test_ranking(void **state) {
    (void)state;
    PrioCriterion c[] = {{2, 0}, {1, 0}, {1, 1}};
    PrioItem it[5];
    memset(it, 0, sizeof it);
    double s[5][3] = {{5, 4, 1}, {4, 2, 2}, {2, 5, 1}, {1, 1, 5}, {NAN, NAN, NAN}};
    int64_t ids[5] = {30, 20, 10, 40, 5};
    for (int i = 0; i < 5; i++) {
        it[i].id = ids[i];
        for (int k = 0; k < PRIO_MAX_CRITERIA; k++)
            it[i].aScore[k] = k < 3 ? s[i][k] : NAN;
    }
    assert_int_equal(prioritise_rank(c, 3, 0, 1, it, 5), 0);
    int64_t order[] = {30, 10, 20, 40, 5}; /* the tie B/C listed by id */
    int rank[] = {1, 2, 2, 4, 0};
    int quad[] = {QUAD_QUICK_WIN, QUAD_FILL_IN, QUAD_BIG_BET, QUAD_MONEY_PIT, QUAD_UNSCORED};
    for (int i = 0; i < 5; i++) {
        if (it[i].id != order[i]) fail_msg("position %d: id %lld", i, (long long)it[i].id);
        assert_int_equal(it[i].rank, rank[i]);
        assert_int_equal(it[i].quadrant, quad[i]);
    }
    assert_true(fabs(it[0].total - 4.75) < 1e-12);
    assert_true(fabs(it[1].total - 3.5) < 1e-12);
    assert_true(isnan(it[4].total));
    /* changing a weight re-ranks: value weight 0 puts C (feasible) first */
    c[0].weight = 0;
    assert_int_equal(prioritise_rank(c, 3, 0, 1, it, 5), 0);
    assert_int_equal(it[0].id, 10);
    PrioCriterion bad[] = {{-1, 0}};
    assert_int_equal(prioritise_rank(bad, 1, 0, 0, it, 5), KEEL_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period),      cmocka_unit_test(test_stages),
        cmocka_unit_test(test_trend_up),    cmocka_unit_test(test_trend_down),
        cmocka_unit_test(test_trend_edges), cmocka_unit_test(test_ranking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
