/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/abtest: Holm's adjustment, the mixture SPRT's
 * consistency, a seeded simulation of daily peeking (the sequential test
 * keeps its false-positive rate at alpha while the fixed-horizon test's
 * grows, and still detects a real effect), degenerate inputs (defined
 * answers, never NaN), bad input (KEEL_EINVAL naming the field) and the
 * verdict rules. Numbers against scipy/statsmodels are checked in
 * tests/ref/test_abtest_ref.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/abtest.h"
#include "engine/stats.h"
#include "util/err.h"

/* Run a spec given as JSON text (and optional CSV); returns the engine's
 * code, the result in *ppOut. */
static int run_spec(const char *zSpec, const char *zCsv, json_t **ppOut, EngineError *pErr) {
    json_error_t je;
    json_t *spec = json_loads(zSpec, 0, &je);
    if (!spec) fail_msg("bad test spec: %s: %s", je.text, zSpec);
    int rc = abtest_run_json(spec, zCsv, zCsv ? strlen(zCsv) : 0, 1, 0, ppOut, pErr);
    json_decref(spec);
    return rc;
}

/* The first comparison of the first metric. */
static json_t *first_cmp(json_t *r) {
    return json_array_get(
        json_object_get(json_array_get(json_object_get(r, "metrics"), 0), "comparisons"), 0);
}

/* abtest-1: Holm's adjustment by its definition, order preserved */
static void test_abtest_holm(void **state) {
    (void)state;
    double aP[] = {0.01, 0.04, 0.03, 0.5}, aAdj[4];
    stats_holm(aP, 4, aAdj);
    /* sorted 0.01, 0.03, 0.04, 0.5 -> 4*0.01, 3*0.03, max(.09, 2*.04), max(., .5) */
    assert_true(fabs(aAdj[0] - 0.04) < 1e-15);
    assert_true(fabs(aAdj[2] - 0.09) < 1e-15);
    assert_true(fabs(aAdj[1] - 0.09) < 1e-15);
    assert_true(fabs(aAdj[3] - 0.5) < 1e-15);
}

/* abtest-2: the always-valid p-value crosses alpha exactly when zero leaves
 * the confidence sequence (the two are one closed form) */
static void test_abtest_msprt_duality(void **state) {
    (void)state;
    for (int i = 1; i < 400; i++) {
        double diff = (i - 200) * 0.0005, v = 1e-5 * (1 + i % 7), tau2 = 4e-5, p, half;
        abtest_msprt(diff, v, tau2, 0.05, &p, &half);
        assert_true(p > 0 && p <= 1);
        assert_int_equal(p<0.05, fabs(diff)> half);
    }
}

/* One simulated test looked at daily: returns 1 when the fixed-horizon
 * z-test (p < alpha at any look) / the sequential test rejected. */
static void sim_one(gsl_rng *r, double pC, double pT, int nDay, int perDay, double tau2,
                    int *pFixed, int *pSeq) {
    double xc = 0, xt = 0, n = 0;
    *pFixed = *pSeq = 0;
    for (int d = 0; d < nDay; d++) {
        xc += gsl_ran_binomial(r, pC, (unsigned)perDay);
        xt += gsl_ran_binomial(r, pT, (unsigned)perDay);
        n += perDay;
        AbtestArmStat c = {n, xc / n, (xc / n) * (1 - xc / n)};
        AbtestArmStat t = {n, xt / n, (xt / n) * (1 - xt / n)};
        AbtestTest tt;
        abtest_test(ABTEST_PROPORTION, &c, &t, 0.05, &tt);
        if (tt.p < 0.05) *pFixed = 1;
        double p, half;
        abtest_msprt(tt.diff, tt.se * tt.se, tau2, 0.05, &p, &half);
        if (p < 0.05) *pSeq = 1;
    }
}

/* abtest-3: seeded simulation of daily peeking. Under the null (A/A), the
 * fixed-horizon test looked at daily for 30 days rejects far more often
 * than alpha; the mixture SPRT stays at or below alpha. Under a real 20%
 * lift the sequential test still detects the effect. */
static void test_abtest_peeking_simulation(void **state) {
    (void)state;
    const int nRep = 2000, nDay = 30, perDay = 200;
    const double p0 = 0.10;
    /* tau tuned for the full horizon, as the engine's default does */
    double tau2 = abtest_tau2_default(2 * p0 * (1 - p0) / (nDay * perDay), 0.05);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20261128);
    int nFixed = 0, nSeq = 0, nSeqAlt = 0, f, s;
    for (int i = 0; i < nRep; i++) {
        sim_one(r, p0, p0, nDay, perDay, tau2, &f, &s);
        nFixed += f;
        nSeq += s;
    }
    for (int i = 0; i < 500; i++) {
        sim_one(r, p0, p0 * 1.20, nDay, perDay, tau2, &f, &s);
        nSeqAlt += s;
    }
    gsl_rng_free(r);
    double fprFixed = (double)nFixed / nRep, fprSeq = (double)nSeq / nRep;
    print_message("peeking daily for %d days: fixed-horizon FPR %.3f, sequential FPR %.3f, "
                  "sequential power at +20%% %.3f\n",
                  nDay, fprFixed, fprSeq, nSeqAlt / 500.0);
    assert_true(fprSeq <= 0.05);
    assert_true(fprFixed > 0.10);
    assert_true(nSeqAlt / 500.0 > 0.6);
}

/* abtest-4: the same simulation for means (Welch t daily), through the
 * engine's JSON entry point with a fixed tau, as an API caller would */
static void test_abtest_peeking_means_json(void **state) {
    (void)state;
    const int nRep = 300, nDay = 20, perDay = 100;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    double tau = sqrt(abtest_tau2_default(2.0 * 100.0 / (nDay * perDay), 0.05));
    int nFixed = 0, nSeq = 0;
    for (int i = 0; i < nRep; i++) {
        double s1[2] = {0, 0}, s2[2] = {0, 0}, n = 0;
        int f = 0, q = 0;
        for (int d = 0; d < nDay; d++) {
            for (int k = 0; k < perDay; k++)
                for (int a = 0; a < 2; a++) {
                    double y = 50 + gsl_ran_gaussian(r, 10);
                    s1[a] += y;
                    s2[a] += y * y;
                }
            n += perDay;
            char zSpec[600];
            double m0 = s1[0] / n, m1 = s1[1] / n;
            double sd0 = sqrt((s2[0] - n * m0 * m0) / (n - 1));
            double sd1 = sqrt((s2[1] - n * m1 * m1) / (n - 1));
            snprintf(zSpec, sizeof zSpec,
                     "{\"control\":\"A\",\"sequential\":{\"tau\":%.17g},\"arms\":["
                     "{\"name\":\"A\",\"units\":%.0f,\"mean\":%.17g,\"sd\":%.17g},"
                     "{\"name\":\"B\",\"units\":%.0f,\"mean\":%.17g,\"sd\":%.17g}]}",
                     tau, n, m0, sd0, n, m1, sd1);
            json_t *out = NULL;
            EngineError e;
            assert_int_equal(run_spec(zSpec, NULL, &out, &e), 0);
            json_t *c = first_cmp(out);
            f |= json_real_value(json_object_get(c, "p_value")) < 0.05;
            q |= json_real_value(json_object_get(json_object_get(c, "sequential"), "p_value")) <
                 0.05;
            json_decref(out);
        }
        nFixed += f;
        nSeq += q;
    }
    gsl_rng_free(r);
    print_message("means, daily looks: fixed FPR %.3f, sequential FPR %.3f\n",
                  (double)nFixed / nRep, (double)nSeq / nRep);
    assert_true((double)nSeq / nRep <= 0.05);
    assert_true((double)nFixed / nRep > 0.10);
}

/* Fail when the JSON text of r contains "nan" or "inf" numbers (jansson
 * refuses them, so a NaN would have been dropped as an error: check that
 * every documented field is present). */
static void assert_no_nan(json_t *r) {
    char *z = json_dumps(r, 0);
    assert_non_null(z);
    assert_null(strstr(z, "nan"));
    assert_null(strstr(z, "inf\""));
    free(z);
}

/* abtest-5: degenerate inputs have defined answers */
static void test_abtest_degenerate(void **state) {
    (void)state;
    json_t *r = NULL;
    EngineError e;
    /* no conversions at all: z undefined -> statistic 0, p 1, relative lift null */
    assert_int_equal(run_spec("{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":100,"
                              "\"conversions\":0},{\"name\":\"B\",\"units\":120,"
                              "\"conversions\":0}]}",
                              NULL, &r, &e),
                     0);
    json_t *c = first_cmp(r);
    assert_true(json_real_value(json_object_get(c, "p_value")) == 1.0);
    assert_true(json_is_null(json_object_get(c, "relative_lift")));
    assert_true(json_real_value(
                    json_object_get(json_object_get(c, "bayes"), "chance_to_beat_control")) > 0.4);
    assert_no_nan(r);
    json_decref(r);
    /* zero variance: equal means -> p 1; different means -> p 0 */
    assert_int_equal(run_spec("{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":10,"
                              "\"mean\":3,\"sd\":0},{\"name\":\"B\",\"units\":10,\"mean\":3,"
                              "\"sd\":0}]}",
                              NULL, &r, &e),
                     0);
    assert_true(json_real_value(json_object_get(first_cmp(r), "p_value")) == 1.0);
    assert_no_nan(r);
    json_decref(r);
    assert_int_equal(run_spec("{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":10,"
                              "\"mean\":3,\"sd\":0},{\"name\":\"B\",\"units\":10,\"mean\":4,"
                              "\"sd\":0}]}",
                              NULL, &r, &e),
                     0);
    assert_true(json_real_value(json_object_get(first_cmp(r), "p_value")) == 0.0);
    assert_no_nan(r);
    json_decref(r);
    /* one unit per arm (means): no test -> p 1, interval null */
    assert_int_equal(run_spec("{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":1,"
                              "\"mean\":3,\"sd\":0},{\"name\":\"B\",\"units\":1,\"mean\":4,"
                              "\"sd\":0}],\"plan\":{\"mde\":0.1}}",
                              NULL, &r, &e),
                     0);
    c = first_cmp(r);
    assert_true(json_real_value(json_object_get(c, "p_value")) == 1.0);
    assert_true(json_is_null(json_array_get(json_object_get(c, "ci"), 0)));
    assert_no_nan(r);
    json_decref(r);
    /* one arm: nothing to compare, keep running */
    assert_int_equal(run_spec("{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":50,"
                              "\"conversions\":5}]}",
                              NULL, &r, &e),
                     0);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r, "verdict"), "decision")),
        "keep_running");
    assert_true(json_real_value(json_object_get(json_object_get(r, "srm"), "p_value")) == 1.0);
    assert_no_nan(r);
    json_decref(r);
    /* a treatment arm with zero units */
    assert_int_equal(run_spec("{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":50,"
                              "\"conversions\":5},{\"name\":\"B\",\"units\":0,"
                              "\"conversions\":0}],\"plan\":{\"mde\":0.1}}",
                              NULL, &r, &e),
                     0);
    assert_no_nan(r);
    json_decref(r);
}

/* abtest-6: bad input is KEEL_EINVAL with the field named */
static void test_abtest_bad_input(void **state) {
    (void)state;
    static const struct {
        const char *zSpec, *zCsv, *zField;
    } aCase[] = {
        {"{\"arms\":[{\"name\":\"A\",\"units\":5,\"conversions\":1}]}", 0, "control"},
        {"{\"control\":\"Z\",\"arms\":[{\"name\":\"A\",\"units\":5,\"conversions\":1}]}", 0,
         "control"},
        {"{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":-5,\"conversions\":1}]}", 0,
         "arms[0].units"},
        {"{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":5,\"conversions\":6}]}", 0,
         "arms[0].conversions"},
        {"{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":5,\"conversions\":-1}]}", 0,
         "arms[0].conversions"},
        {"{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":5,\"mean\":1,\"sd\":-1}]}", 0,
         "arms[0].sd"},
        {"{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":5,\"mean\":1}]}", 0, "arms[0].sd"},
        {"{\"control\":\"A\",\"alpha\":1.5,\"arms\":[{\"name\":\"A\",\"units\":5,"
         "\"conversions\":1}]}",
         0, "alpha"},
        {"{\"control\":\"A\",\"alpah\":0.1,\"arms\":[{\"name\":\"A\",\"units\":5,"
         "\"conversions\":1}]}",
         0, "alpah"},
        {"{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":5,\"conversions\":1},"
         "{\"name\":\"A\",\"units\":5,\"conversions\":1}]}",
         0, "arms[1]"},
        {"{\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":5,\"metrics\":{\"x\":"
         "{\"conversions\":1}}},{\"name\":\"B\",\"units\":5,\"conversions\":1,\"metrics\":"
         "{\"x\":{\"conversions\":1}}}]}",
         0, "arms[0]"},
        {"{\"control\":\"A\",\"plan\":{\"guardrails\":[\"x\"]},\"arms\":[{\"name\":\"A\","
         "\"units\":5,\"conversions\":1}]}",
         0, "plan.guardrails[0]"},
        {"{\"control\":\"A\",\"arms\":[{\"name\":\"A\"},{\"name\":\"B\"}]}",
         "arm,metric\nA,1\nB,0\nC,1\n", "arm"},
        {"{\"control\":\"Z\"}", "arm,metric\nA,1\nB,0\n", "control"},
        {"{\"control\":\"A\"}", "arm,value\nA,1\nB,0\n", "csv.metric"},
        {"{\"control\":\"A\"}", "arm,metric\nA,x\nB,0\n", "metric"},
        {"{\"control\":\"A\",\"csv\":{\"type\":\"proportion\"}}", "arm,metric\nA,2\nB,0\n",
         "metric"},
        {"{\"control\":\"A\",\"csv\":{\"pre_metric\":\"pre\"}}", "arm,metric\nA,1\nB,0\n",
         "csv.pre_metric"},
    };
    for (size_t i = 0; i < sizeof aCase / sizeof aCase[0]; i++) {
        json_t *r = NULL;
        EngineError e;
        int rc = run_spec(aCase[i].zSpec, aCase[i].zCsv, &r, &e);
        if (rc != KEEL_EINVAL || strcmp(e.zField, aCase[i].zField) != 0)
            fail_msg("case %zu: rc %d field '%s' (%s), want field '%s'", i, rc, e.zField, e.zMsg,
                     aCase[i].zField);
        assert_null(r);
    }
}

/* Decision of the verdict of a spec. */
static const char *decision_of(const char *zSpec, char *zReasons, size_t nReasons) {
    static char zDec[32];
    json_t *r = NULL;
    EngineError e;
    if (run_spec(zSpec, NULL, &r, &e)) fail_msg("spec failed: %s: %s", e.zField, e.zMsg);
    json_t *v = json_object_get(r, "verdict");
    snprintf(zDec, sizeof zDec, "%s", json_string_value(json_object_get(v, "decision")));
    /* every reason comes as a sentence and, entry for entry, as a code */
    assert_int_equal(json_array_size(json_object_get(v, "reasons")),
                     json_array_size(json_object_get(v, "reason_codes")));
    assert_true(json_array_size(json_object_get(v, "reasons")) > 0);
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(v, "arms"), i, a) {
        assert_int_equal(json_array_size(json_object_get(a, "reasons")),
                         json_array_size(json_object_get(a, "reason_codes")));
        json_t *c = json_array_get(json_object_get(a, "reason_codes"), 0);
        assert_true(json_is_string(json_object_get(c, "code")));
    }
    char *z = json_dumps(v, 0);
    snprintf(zReasons, nReasons, "%s", z);
    free(z);
    json_decref(r);
    return zDec;
}

/* abtest-7: verdict rules: ship, guardrail, SRM, keep running, too small */
static void test_abtest_verdict(void **state) {
    (void)state;
    char zR[8000];
    const char *zShip = "{\"control\":\"A\",\"plan\":{\"mde\":0.05},\"arms\":["
                        "{\"name\":\"A\",\"units\":100000,\"conversions\":10000},"
                        "{\"name\":\"B\",\"units\":100000,\"conversions\":11000}]}";
    assert_string_equal(decision_of(zShip, zR, sizeof zR), "ship");
    assert_non_null(strstr(zR, "\"code\": \"primary_better\""));
    assert_non_null(strstr(zR, "\"code\": \"ship_arm\", \"arm\": \"B\""));
    const char *zGuard =
        "{\"control\":\"A\",\"plan\":{\"mde\":0.05,\"guardrails\":[\"latency\"]},"
        "\"lower_is_better\":[\"latency\"],\"arms\":["
        "{\"name\":\"A\",\"units\":100000,\"conversions\":10000,\"metrics\":{\"latency\":"
        "{\"mean\":200,\"sd\":50}}},"
        "{\"name\":\"B\",\"units\":100000,\"conversions\":11000,\"metrics\":{\"latency\":"
        "{\"mean\":210,\"sd\":50}}}]}";
    assert_string_equal(decision_of(zGuard, zR, sizeof zR), "do_not_ship");
    assert_non_null(strstr(zR, "guardrail 'latency'"));
    assert_non_null(strstr(zR, "\"code\": \"guardrail_worse\", \"metric\": \"latency\""));
    const char *zSrm = "{\"control\":\"A\",\"plan\":{\"mde\":0.05},\"arms\":["
                       "{\"name\":\"A\",\"units\":100000,\"conversions\":10000},"
                       "{\"name\":\"B\",\"units\":103000,\"conversions\":11330}]}";
    assert_string_equal(decision_of(zSrm, zR, sizeof zR), "do_not_ship");
    assert_non_null(strstr(zR, "sample ratio mismatch"));
    assert_non_null(strstr(zR, "\"code\": \"sample_ratio_mismatch\""));
    const char *zKeep = "{\"control\":\"A\",\"plan\":{\"mde\":0.05},\"arms\":["
                        "{\"name\":\"A\",\"units\":1000,\"conversions\":100},"
                        "{\"name\":\"B\",\"units\":1000,\"conversions\":104}]}";
    assert_string_equal(decision_of(zKeep, zR, sizeof zR), "keep_running");
    assert_non_null(strstr(zR, "more units per arm"));
    assert_non_null(strstr(zR, "\"next\": \"more_units\""));
    assert_non_null(strstr(zR, "\"code\": \"no_arm_yet\""));
    const char *zFlat = "{\"control\":\"A\",\"plan\":{\"mde\":0.05},\"arms\":["
                        "{\"name\":\"A\",\"units\":200000,\"conversions\":20000},"
                        "{\"name\":\"B\",\"units\":200000,\"conversions\":20010}]}";
    assert_string_equal(decision_of(zFlat, zR, sizeof zR), "do_not_ship");
    const char *zWorse = "{\"control\":\"A\",\"arms\":["
                         "{\"name\":\"A\",\"units\":100000,\"conversions\":11000},"
                         "{\"name\":\"B\",\"units\":100000,\"conversions\":10000}]}";
    assert_string_equal(decision_of(zWorse, zR, sizeof zR), "do_not_ship");
    assert_non_null(strstr(zR, "significantly worse"));
    assert_non_null(strstr(zR, "\"code\": \"primary_worse\""));
    const char *zSmall = "{\"control\":\"A\",\"plan\":{\"mde\":0.2},\"arms\":["
                         "{\"name\":\"A\",\"units\":400000,\"conversions\":40000},"
                         "{\"name\":\"B\",\"units\":400000,\"conversions\":41000}]}";
    assert_string_equal(decision_of(zSmall, zR, sizeof zR), "do_not_ship");
    assert_non_null(strstr(zR, "minimum effect"));
    assert_non_null(strstr(zR, "\"code\": \"below_minimum_effect\""));
    assert_non_null(strstr(zR, "\"mde\": 0.2"));
}

int main(void) {
    const struct CMUnitTest aTest[] = {
        cmocka_unit_test(test_abtest_holm),
        cmocka_unit_test(test_abtest_msprt_duality),
        cmocka_unit_test(test_abtest_peeking_simulation),
        cmocka_unit_test(test_abtest_peeking_means_json),
        cmocka_unit_test(test_abtest_degenerate),
        cmocka_unit_test(test_abtest_bad_input),
        cmocka_unit_test(test_abtest_verdict),
    };
    return cmocka_run_group_tests(aTest, NULL, NULL);
}
