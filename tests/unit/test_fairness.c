/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/fairness: a constructed risk model whose counts are
 * known (the verdict must fail naming the group and the FPR gap, with the
 * exact rates), degenerate groups (null, never NaN), bad input (KEEL_EINVAL
 * naming the field) and the seeded bootstrap. The comparison with an
 * independent pandas computation on generated data is
 * tests/ref/test_fairness_ref.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/fairness.h"
#include "util/buf.h"
#include "util/err.h"

/* Run the audit of spec text zSpec on CSV text zCsv. */
static int run_audit(const char *zSpec, const char *zCsv, json_t **ppOut, EngineError *pErr) {
    json_error_t je;
    json_t *spec = json_loads(zSpec, 0, &je);
    if (!spec) fail_msg("bad test spec: %s", je.text);
    int rc = fairness_run_json(spec, zCsv, strlen(zCsv), 1, 0, ppOut, pErr);
    json_decref(spec);
    return rc;
}

/* Append n rows "label,prediction,group" to b. */
static void rows(Buf *b, int n, int label, int pred, const char *zGroup) {
    for (int i = 0; i < n; i++)
        buf_printf(b, "%d,%d,%s\n", label, pred, zGroup);
}

/* The group object named zGroup of the first attribute. */
static json_t *group_of(json_t *r, const char *zGroup) {
    size_t i;
    json_t *g;
    json_array_foreach(
        json_object_get(json_array_get(json_object_get(r, "attributes"), 0), "groups"), i,
        g) if (strcmp(json_string_value(json_object_get(g, "group")), zGroup) == 0) return g;
    fail_msg("no group %s", zGroup);
    return NULL;
}

/* fairness-1: a risk model (1 = flagged high risk, unfavorable) that flags
 * 40 of 100 good customers in group B but 5 of 100 in A and C: FPR 0.40 vs
 * 0.05, the audit fails naming B and the FPR gap 0.35 */
static void test_fairness_risk_model(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "bad,flag,segment\n");
    const char *azG[] = {"A", "B", "C"};
    for (int g = 0; g < 3; g++) {
        rows(&b, g == 1 ? 40 : 5, 0, 1, azG[g]);  /* good, flagged */
        rows(&b, g == 1 ? 60 : 95, 0, 0, azG[g]); /* good, not flagged */
        rows(&b, 16, 1, 1, azG[g]);               /* bad, flagged */
        rows(&b, 4, 1, 0, azG[g]);                /* bad, missed */
    }
    json_t *r = NULL;
    EngineError e;
    assert_int_equal(run_audit("{\"label\":\"bad\",\"prediction\":\"flag\",\"protected\":"
                               "\"segment\",\"favorable\":0}",
                               b.z, &r, &e),
                     0);
    json_t *gB = group_of(r, "B"), *gA = group_of(r, "A");
    assert_true(fabs(json_real_value(json_object_get(gB, "fpr")) - 0.40) < 1e-15);
    assert_true(fabs(json_real_value(json_object_get(gA, "fpr")) - 0.05) < 1e-15);
    assert_true(fabs(json_real_value(json_object_get(gB, "tpr")) - 0.80) < 1e-15);
    assert_true(fabs(json_real_value(json_object_get(gB, "selection_rate")) - 56.0 / 120) < 1e-15);
    /* favorable = not flagged: B's rate 64/120 against A's 99/120 */
    assert_true(fabs(json_real_value(json_object_get(gB, "disparate_impact")) - 64.0 / 99) < 1e-15);
    assert_true(fabs(json_real_value(json_object_get(gB, "average_odds_difference")) - 0.175) <
                1e-15);
    json_t *v = json_object_get(r, "verdict");
    assert_string_equal(json_string_value(json_object_get(v, "decision")), "fail");
    size_t i;
    json_t *f;
    int sawFpr = 0, sawDi = 0;
    json_array_foreach(json_object_get(v, "failures"), i, f) {
        const char *zM = json_string_value(json_object_get(f, "metric"));
        json_t *g0 = json_array_get(json_object_get(f, "groups"), 0);
        if (strcmp(zM, "equalized_odds_difference") == 0) {
            assert_string_equal(json_string_value(json_object_get(f, "gap")), "fpr");
            assert_string_equal(json_string_value(g0), "B");
            assert_true(fabs(json_real_value(json_object_get(f, "value")) - 0.35) < 1e-15);
            assert_non_null(strstr(json_string_value(json_object_get(f, "message")),
                                   "'B' has false positive rate 0.400"));
            sawFpr = 1;
        }
        if (strcmp(zM, "disparate_impact") == 0) {
            assert_string_equal(json_string_value(g0), "B");
            sawDi = 1;
        }
    }
    assert_true(sawFpr && sawDi);
    /* the reasons again as codes, entry for entry, with the failures' numbers */
    json_t *aCode = json_object_get(v, "reason_codes");
    assert_int_equal(json_array_size(aCode), json_array_size(json_object_get(v, "reasons")));
    assert_int_equal(json_array_size(aCode), json_array_size(json_object_get(v, "failures")));
    json_array_foreach(aCode, i, f) {
        json_t *fail = json_array_get(json_object_get(v, "failures"), i);
        assert_string_equal(json_string_value(json_object_get(f, "code")), "metric_over_threshold");
        assert_string_equal(json_string_value(json_object_get(f, "metric")),
                            json_string_value(json_object_get(fail, "metric")));
        assert_true(json_equal(json_object_get(f, "groups"), json_object_get(fail, "groups")));
        assert_null(json_object_get(f, "message"));
    }
    json_decref(r);
    buf_reset(&b);
}

/* fairness-2: degenerate groups: no positives, nobody selected, one group */
static void test_fairness_degenerate(void **state) {
    (void)state;
    json_t *r = NULL;
    EngineError e;
    const char *zCsv = "label,prediction,g\n0,0,a\n0,0,a\n1,0,b\n0,0,b\n";
    assert_int_equal(run_audit("{\"protected\":\"g\"}", zCsv, &r, &e), 0);
    json_t *ga = group_of(r, "a");
    assert_true(json_is_null(json_object_get(ga, "tpr")));
    assert_true(json_is_null(json_object_get(ga, "precision")));
    assert_true(json_is_null(json_object_get(ga, "ece")));
    json_t *m = json_object_get(json_array_get(json_object_get(r, "attributes"), 0), "metrics");
    assert_true(json_real_value(json_object_get(m, "demographic_parity_ratio")) == 1.0);
    assert_true(json_real_value(json_object_get(m, "equal_opportunity_difference")) == 0.0);
    assert_true(json_real_value(json_object_get(ga, "disparate_impact")) == 1.0);
    char *z = json_dumps(r, 0);
    assert_null(strstr(z, "nan"));
    free(z);
    json_decref(r);
    assert_int_equal(
        run_audit("{\"protected\":\"g\",\"score\":\"s\"}", "label,s,g\n1,0.9,a\n0,1,a\n", &r, &e),
        0);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r, "verdict"), "decision")), "pass");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(json_object_get(r, "verdict"), "reason_codes"), 0),
            "code")),
        "all_within_thresholds");
    /* ECE: bins 9 (0.9, label 1) and 9 (1.0 goes to the last bin, label 0):
     * |1 - 1.9| / 2 = 0.45 */
    assert_true(fabs(json_real_value(json_object_get(group_of(r, "a"), "ece")) - 0.45) < 1e-15);
    json_decref(r);
}

/* fairness-3: bad input names the field */
static void test_fairness_bad_input(void **state) {
    (void)state;
    static const struct {
        const char *zSpec, *zCsv, *zField;
    } aCase[] = {
        {"{\"protected\":\"g\"}", "label,prediction,g\n2,0,a\n", "label"},
        {"{\"protected\":\"g\"}", "label,prediction,g\nyes,0,a\n", "label"},
        {"{\"protected\":\"g\"}", "label,prediction,g\n,0,a\n", "label"},
        {"{\"protected\":\"g\"}", "label,prediction,g\n1,0.5,a\n", "prediction"},
        {"{\"protected\":\"g\",\"score\":\"s\"}", "label,s,g\n1,1.5,a\n", "s"},
        {"{\"protected\":\"g\",\"score\":\"s\"}", "label,s,g\n1,-0.5,a\n", "s"},
        {"{\"protected\":\"g\",\"score\":\"s\",\"threshold\":1.2}", "label,s,g\n1,0.5,a\n",
         "threshold"},
        {"{\"protected\":\"g\",\"threshold\":0.2}", "label,prediction,g\n1,1,a\n", "threshold"},
        {"{\"protected\":\"h\"}", "label,prediction,g\n1,1,a\n", "protected"},
        {"{\"protected\":\"g\",\"label\":\"y\"}", "label,prediction,g\n1,1,a\n", "label"},
        {"{}", "label,prediction,g\n1,1,a\n", "protected"},
        {"{\"protected\":\"g\",\"reference\":\"z\"}", "label,prediction,g\n1,1,a\n", "reference"},
        {"{\"protected\":\"g\",\"favorable\":2}", "label,prediction,g\n1,1,a\n", "favorable"},
        {"{\"protected\":\"g\",\"thresholds\":{\"equalized_odds\":3}}",
         "label,prediction,g\n1,1,a\n", "thresholds.equalized_odds"},
        {"{\"protected\":\"g\",\"bootstrap\":{\"replicates\":1}}", "label,prediction,g\n1,1,a\n",
         "bootstrap.replicates"},
        {"{\"protected\":\"g\",\"protectd\":1}", "label,prediction,g\n1,1,a\n", "protectd"},
        {"{\"protected\":\"g\"}", "label,prediction,g\n", "csv"},
    };
    for (size_t i = 0; i < sizeof aCase / sizeof aCase[0]; i++) {
        json_t *r = NULL;
        EngineError e;
        int rc = run_audit(aCase[i].zSpec, aCase[i].zCsv, &r, &e);
        if (rc != KEEL_EINVAL || strcmp(e.zField, aCase[i].zField) != 0)
            fail_msg("case %zu: rc %d field '%s' (%s), want '%s'", i, rc, e.zField, e.zMsg,
                     aCase[i].zField);
        assert_null(r);
    }
}

/* fairness-4: the bootstrap is reproducible with a seed and brackets the
 * point estimate */
static void test_fairness_bootstrap(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "label,prediction,g,h\n");
    for (int i = 0; i < 2000; i++)
        buf_printf(&b, "%d,%d,%s,%s\n", i % 5 == 0, (i % 7 == 0) || (i % 5 == 0 && i % 3),
                   i % 3 ? "x" : "y", i % 2 ? "u" : "v");
    const char *zSpec = "{\"protected\":[\"g\",\"h\"],\"bootstrap\":{\"replicates\":200,"
                        "\"seed\":9}}";
    json_t *r1 = NULL, *r2 = NULL;
    EngineError e;
    assert_int_equal(run_audit(zSpec, b.z, &r1, &e), 0);
    assert_int_equal(run_audit(zSpec, b.z, &r2, &e), 0);
    assert_true(json_equal(r1, r2));
    json_t *a = json_array_get(json_object_get(r1, "attributes"), 2);
    double dpd = json_real_value(
        json_object_get(json_object_get(a, "metrics"), "demographic_parity_difference"));
    json_t *ci = json_object_get(json_object_get(a, "ci"), "demographic_parity_difference");
    assert_true(json_real_value(json_array_get(ci, 0)) <= dpd);
    assert_true(json_real_value(json_array_get(ci, 1)) >= dpd);
    json_decref(r1);
    json_decref(r2);
    buf_reset(&b);
}

int main(void) {
    const struct CMUnitTest aTest[] = {
        cmocka_unit_test(test_fairness_risk_model),
        cmocka_unit_test(test_fairness_degenerate),
        cmocka_unit_test(test_fairness_bad_input),
        cmocka_unit_test(test_fairness_bootstrap),
    };
    return cmocka_run_group_tests(aTest, NULL, NULL);
}
