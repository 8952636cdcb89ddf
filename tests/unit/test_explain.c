/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the explain pipeline as the API calls it (model text and
 * CSV text in memory -> ExplainResult -> reports): column matching, input
 * checks and the field they blame, the size cap, the summary's ranking and
 * directions, and the three report formats. Models are small enough to
 * check by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/explain.h"
#include "engine/explain_report.h"
#include "util/err.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* One tree: x1 < 0.5 ? -1 : 2 (covers 4 and 6); base_score 0.5 squared
 * error, so the expected value is 0.5 + (-4 + 12) / 10 = 1.3. */
static const char zTree[] =
    "{\"learner\":{\"feature_names\":[],\"gradient_booster\":{\"model\":{"
    "\"tree_info\":[0],\"trees\":[{\"tree_param\":{\"num_nodes\":\"3\"},"
    "\"left_children\":[1,-1,-1],\"right_children\":[2,-1,-1],\"split_indices\":[1,0,0],"
    "\"split_conditions\":[0.5,-1,2],\"default_left\":[1,0,0],\"sum_hessian\":[10,4,6]}]},"
    "\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":\"5E-1\","
    "\"num_class\":\"0\",\"num_feature\":\"2\"},\"objective\":{\"name\":"
    "\"reg:squarederror\"}}}";

static const char zLinear[] = "{\"model\":\"linear\",\"intercept\":1,\"features\":["
                              "{\"name\":\"a\",\"coef\":2,\"mean\":1},"
                              "{\"name\":\"b\",\"coef\":-1,\"mean\":0}]}";

/* Run the pipeline; returns rc, result in *pp. */
static int run(const char *zModel, const char *zCsv, size_t nMaxCell, ExplainResult **pp,
               EngineError *e) {
    ExplainOptions opt = {.nThread = 2, .nMaxCell = nMaxCell};
    memset(e, 0, sizeof *e);
    return explain_run(zModel, strlen(zModel), zCsv, strlen(zCsv), &opt, pp, e);
}

/* Expect a refusal rc blaming zField with zNeedle in the message. */
static void expect_fail(const char *zModel, const char *zCsv, int rc, const char *zField,
                        const char *zNeedle) {
    ExplainResult *r = (ExplainResult *)1;
    EngineError e;
    int got = run(zModel, zCsv, 1000, &r, &e);
    if (got != rc || strcmp(e.zField, zField) != 0 || !strstr(e.zMsg, zNeedle))
        fail_msg("want %d/%s/'%s', got %d/%s/'%s'", rc, zField, zNeedle, got, e.zField, e.zMsg);
    assert_null(r);
}

/* The tree by hand: a row going right gets 2 - 0.8 = 1.2 on q, one going
 * left (or missing: default left) -1 - 0.8 = -1.8. */
static void test_tree_by_hand(void **state) {
    (void)state;
    ExplainResult *r;
    EngineError e;
    assert_int_equal(run(zTree, "p,q\n7,0.9\n7,\n7,0.1\n", 0, &r, &e), 0);
    assert_int_equal(r->nRow, 3);
    assert_string_equal(r->azFeature[1], "q"); /* the CSV's names: the model has none */
    assert_true(r->aContrib[0] == 0 && fabs(r->aContrib[1] - 1.2) < 1e-12);
    assert_true(fabs(r->aContrib[2] - 1.3) < 1e-12 && fabs(r->aPred[0] - 2.5) < 1e-12);
    assert_true(fabs(r->aContrib[3 + 1] + 1.8) < 1e-12); /* missing: default left */
    assert_true(fabs(r->aBase[0] - 1.3) < 1e-12);
    /* numpy.savetxt's nan and pandas' other spellings are missing too
     * (docs/csv.md), not "values must be finite" */
    static const char *const azNa[] = {"nan", "None", "#N/A", "-nan", "<NA>"};
    for (size_t i = 0; i < sizeof azNa / sizeof azNa[0]; i++) {
        char zCsv[64];
        snprintf(zCsv, sizeof zCsv, "p,q\n7,0.9\n7,%s\n7,0.1\n", azNa[i]);
        ExplainResult *r2;
        assert_int_equal(run(zTree, zCsv, 0, &r2, &e), 0);
        assert_true(fabs(r2->aContrib[3 + 1] + 1.8) < 1e-12);
        explain_result_free(r2);
    }
    expect_fail(zTree, "p,q\n7,0.9\n7,inf\n", KEEL_EINVAL, "data",
                "column 'q' has the value 'inf' in data row 2; values must be finite");
    /* Summary: q ranks first, p has no effect at all. */
    assert_int_equal(r->aSummary[0].iFeature, 1);
    assert_string_equal(r->aSummary[1].zDirection, "none");
    assert_true(fabs(r->aSummary[0].rMeanAbs - 1.6) < 1e-12);
    assert_string_equal(r->aSummary[0].zDirection, "increases");
    Buf b;
    buf_init(&b, 0);
    assert_int_equal(explain_report_csv(r, 2, &b), 0);
    assert_string_equal(b.z,
                        "p,q,bias,prediction\n0,1.2,1.3,2.5\n0,-1.8,1.3,-0.5\n0,-1.8,1.3,-0.5\n");
    buf_reset(&b);
    assert_int_equal(explain_report_table(r, 0, &b), 0);
    assert_non_null(strstr(b.z, "Explained 3 rows with an XGBoost reg:squarederror model"));
    assert_non_null(strstr(b.z, "   1  q"));
    buf_reset(&b);
    json_t *o = explain_report_json(r, 1);
    assert_non_null(o);
    json_t *f0 = json_array_get(
        json_object_get(json_array_get(json_object_get(o, "outputs"), 0), "features"), 0);
    assert_string_equal(json_string_value(json_object_get(f0, "feature")), "q");
    assert_int_equal(json_array_size(json_object_get(o, "contributions")), 3);
    assert_true(json_is_null(json_object_get(
        json_array_get(
            json_object_get(json_array_get(json_object_get(o, "outputs"), 0), "features"), 1),
        "correlation")));
    json_decref(o);
    explain_result_free(r);
}

/* Linear SHAP and the refusals that blame the data. */
static void test_linear_and_data_checks(void **state) {
    (void)state;
    ExplainResult *r;
    EngineError e;
    assert_int_equal(run(zLinear, "b,a\n3,2\n", 0, &r, &e), 0);
    assert_true(r->aContrib[0] == 2 && r->aContrib[1] == -3 && r->aContrib[2] == 3);
    assert_true(r->aPred[0] == 2);
    explain_result_free(r);
    expect_fail(zLinear, "a,b\n1,\n", KEEL_EINVAL, "data", "missing value in data row 1");
    expect_fail(zLinear, "a,b,c\n1,2,3\n", KEEL_EINVAL, "data", "'c' that the model does not use");
    expect_fail(zLinear, "a\n1\n", KEEL_EINVAL, "data", "no column 'b'");
    expect_fail(zTree, "p,q\n1,inf\n", KEEL_EINVAL, "data", "finite");
    expect_fail(zTree, "p,q\n1,1e39\n", KEEL_EINVAL, "data", "single precision");
    expect_fail(zTree, "p,q\n1,x\n", KEEL_EINVAL, "data", "not numeric");
    expect_fail(zTree, "p,q\n", KEEL_EINVAL, "data", "no rows");
    expect_fail(zTree, "p\n1\n", KEEL_EINVAL, "data", "expects 2 features");
    expect_fail(zTree, "p,q\n1,\"2\n", KEEL_EINVAL, "data", "CSV line");
    { /* a CSV error keeps its place in the one error form */
        ExplainResult *r = NULL;
        EngineError e;
        assert_int_equal(run(zTree, "p,q\n1,2\n3,4,5\n", 1000, &r, &e), KEEL_EINVAL);
        assert_string_equal(e.zField, "data");
        assert_int_equal(e.iLine, 3);
        assert_null(r);
    }
    { /* a model error names the model, wherever it was found */
        ExplainResult *r = NULL;
        EngineError e;
        assert_int_equal(run("{\"learner\":{}}", "p,q\n1,2\n", 1000, &r, &e), KEEL_EINVAL);
        assert_string_equal(e.zField, "model");
        assert_int_equal(e.iLine, 0);
        assert_true(e.zMsg[0] != 0);
    }
    assert_int_equal(run(zTree, "p,q\n1,2\n1,2\n", 5, &r, &e), KEEL_ETOOBIG);
    assert_non_null(strstr(e.zMsg, "values allowed"));
    assert_null(r);
}

/* Refusals that blame the model. */
static void test_model_checks(void **state) {
    (void)state;
    expect_fail("{", "a\n1\n", KEEL_EINVAL, "model", "not valid JSON");
    expect_fail("{\"x\":1}", "a\n1\n", KEEL_EINVAL, "model", "neither XGBoost");
    expect_fail("{\"model\":\"tree\"}", "a\n1\n", KEEL_EINVAL, "model", "\"linear\"");
    expect_fail("{\"model\":\"linear\",\"intercept\":0,\"features\":[]}", "a\n1\n", KEEL_EINVAL,
                "model", "non-empty");
    expect_fail("{\"model\":\"linear\",\"intercept\":0,\"features\":[{\"name\":\"a\","
                "\"coef\":1,\"mean\":0},{\"name\":\"a\",\"coef\":1,\"mean\":0}]}",
                "a\n1\n", KEEL_EINVAL, "model", "twice");
    expect_fail("{\"model\":\"linear\",\"intercept\":\"1\",\"features\":[{\"name\":\"a\","
                "\"coef\":1,\"mean\":0}]}",
                "a\n1\n", KEEL_EINVAL, "model", "intercept");
    expect_fail("{\"model\":\"linear\",\"intercept\":0,\"features\":[{\"name\":\"a\","
                "\"coef\":1}]}",
                "a\n1\n", KEEL_EINVAL, "model", "\"mean\"");
    expect_fail("{\"learner\":{\"split_conditions\":[NaN]}}", "a\n1\n", KEEL_EINVAL, "model",
                "categorical");
}

/* Several classes: the CSV header names each class's columns. */
static void test_multiclass_header(void **state) {
    (void)state;
    static const char zMulti[] =
        "{\"learner\":{\"feature_names\":[\"u\"],\"gradient_booster\":{\"model\":{"
        "\"tree_info\":[0,1],\"trees\":[{\"tree_param\":{\"num_nodes\":\"1\"},"
        "\"left_children\":[-1],\"right_children\":[-1],\"split_indices\":[0],"
        "\"split_conditions\":[0],\"default_left\":[0],\"sum_hessian\":[1]},"
        "{\"tree_param\":{\"num_nodes\":\"1\"},\"left_children\":[-1],\"right_children\":[-1],"
        "\"split_indices\":[0],\"split_conditions\":[0],\"default_left\":[0],"
        "\"sum_hessian\":[1]}]},\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":"
        "\"5E-1\",\"num_class\":\"2\",\"num_feature\":\"1\"},\"objective\":{\"name\":"
        "\"multi:softprob\"}}}";
    ExplainResult *r;
    EngineError e;
    assert_int_equal(run(zMulti, "u\n1\n", 0, &r, &e), 0);
    Buf b;
    buf_init(&b, 0);
    assert_int_equal(explain_report_csv(r, 1, &b), 0);
    assert_string_equal(b.z, "class0:u,class0:bias,class1:u,class1:bias,class0:prediction,"
                             "class1:prediction\n0,0.5,0,0.5,0.5,0.5\n");
    buf_reset(&b);
    explain_result_free(r);
}

/* A large report comes out the same whatever the threads and rounds. */
static void test_csv_blocks(void **state) {
    (void)state;
    Buf in, b1, b3;
    buf_init(&in, 0);
    buf_init(&b1, 0);
    buf_init(&b3, 0);
    buf_puts(&in, "p,q\n");
    for (int i = 0; i < 5000; i++)
        buf_printf(&in, "%d,%g\n", i, (i % 7) / 7.0);
    ExplainResult *r;
    EngineError e;
    assert_int_equal(run(zTree, in.z, 0, &r, &e), 0);
    assert_int_equal(explain_report_csv(r, 1, &b1), 0);
    assert_int_equal(explain_report_csv(r, 3, &b3), 0);
    assert_int_equal(b1.n, b3.n);
    assert_memory_equal(b1.z, b3.z, b1.n);
    size_t nLine = 0;
    for (size_t i = 0; i < b1.n; i++)
        nLine += b1.z[i] == '\n';
    assert_int_equal(nLine, 5001);
    explain_result_free(r);
    buf_reset(&in);
    buf_reset(&b1);
    buf_reset(&b3);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_by_hand), cmocka_unit_test(test_linear_and_data_checks),
        cmocka_unit_test(test_model_checks), cmocka_unit_test(test_multiclass_header),
        cmocka_unit_test(test_csv_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
