/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the XGBoost model loader and of TreeSHAP. Random
 * ensembles (random shapes, features repeated along paths, missing values,
 * several output groups) are written as XGBoost JSON, loaded, and explained
 * by treeshap_explain; every contribution is checked against a brute-force
 * Shapley value computed here from the definition (all subsets of features,
 * each subset's path-dependent expectation by recursion), to 1e-9. Both of
 * TreeSHAP's ways (per-leaf tables and the direct formula) and several
 * thread counts are exercised; the loader's refusals are checked one by
 * one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/treeshap.h"
#include "engine/xgb_model.h"
#include "util/buf.h"
#include "util/err.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng_state = 88172645463325252ull;
static double rng_uniform(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}
static int rng_int(int n) { return (int)(rng_uniform() * n); }

/* One node of a generated tree, in XGBoost's array form. */
typedef struct GenNode {
    int left, right, feat, defLeft;
    float split, cover;
} GenNode;

/* Grow node i (cover c, depth k) into a[]; returns the next free index. */
static int gen_grow(GenNode *a, int i, int next, float c, int k, int maxDepth, int nF) {
    a[i].cover = c;
    if (k < maxDepth && (k < 2 || rng_uniform() < 0.8)) {
        float share = (float)(0.15 + 0.7 * rng_uniform());
        a[i].feat = rng_int(nF);
        a[i].split = (float)(2 * rng_uniform() - 1);
        a[i].defLeft = rng_int(2);
        /* XGBoost numbers nodes breadth-first-ish; any order is valid. */
        a[i].left = next;
        a[i].right = next + 1;
        next += 2;
        next = gen_grow(a, a[i].left, next, c * share, k + 1, maxDepth, nF);
        next = gen_grow(a, a[i].right, next, c - c * share, k + 1, maxDepth, nF);
    } else {
        a[i].feat = 0;
        a[i].left = a[i].right = -1;
        a[i].split = (float)(2 * rng_uniform() - 1);
        a[i].defLeft = 0;
    }
    return next;
}

/* Append one generated tree as XGBoost JSON. */
static void gen_tree_json(Buf *b, int id, int maxDepth, int nF) {
    GenNode *a = malloc(sizeof(GenNode) * ((size_t)2 << maxDepth));
    assert_non_null(a);
    int n = gen_grow(a, 0, 1, (float)(50 + 100 * rng_uniform()), 0, maxDepth, nF);
    const char *azKey[] = {"left_children", "right_children",   "split_indices",
                           "default_left",  "split_conditions", "sum_hessian"};
    buf_printf(b,
               "{\"id\":%d,\"tree_param\":{\"num_nodes\":\"%d\",\"num_feature\":\"%d\","
               "\"size_leaf_vector\":\"0\"},\"categories\":[],\"categories_nodes\":[],"
               "\"split_type\":[",
               id, n, nF);
    for (int i = 0; i < n; i++)
        buf_printf(b, "%s0", i ? "," : "");
    buf_puts(b, "]");
    for (int k = 0; k < 6; k++) {
        buf_printf(b, ",\"%s\":[", azKey[k]);
        for (int i = 0; i < n; i++) {
            if (i) buf_putc(b, ',');
            switch (k) {
            case 0: buf_printf(b, "%d", a[i].left); break;
            case 1: buf_printf(b, "%d", a[i].right); break;
            case 2: buf_printf(b, "%d", a[i].feat); break;
            case 3: buf_printf(b, "%d", a[i].defLeft); break;
            case 4: buf_printf(b, "%.9g", (double)a[i].split); break;
            case 5: buf_printf(b, "%.9g", (double)a[i].cover); break;
            }
        }
        buf_putc(b, ']');
    }
    buf_putc(b, '}');
    free(a);
}

/* A whole model: nTree trees over nF features, nGroup groups. */
static char *gen_model_json(int nTree, int maxDepth, int nF, int nGroup, const char *zObj,
                            const char *zBase) {
    Buf b;
    buf_init(&b, 0);
    buf_printf(&b,
               "{\"learner\":{\"attributes\":{},\"feature_names\":[],\"feature_types\":[],"
               "\"gradient_booster\":{\"model\":{\"gbtree_model_param\":{\"num_parallel_"
               "tree\":\"1\",\"num_trees\":\"%d\"},\"tree_info\":[",
               nTree);
    for (int t = 0; t < nTree; t++)
        buf_printf(&b, "%s%d", t ? "," : "", t % nGroup);
    buf_puts(&b, "],\"trees\":[");
    for (int t = 0; t < nTree; t++) {
        if (t) buf_putc(&b, ',');
        gen_tree_json(&b, t, maxDepth, nF);
    }
    buf_printf(&b,
               "]},\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":%s,"
               "\"num_class\":\"%d\",\"num_feature\":\"%d\",\"num_target\":\"1\"},"
               "\"objective\":{\"name\":\"%s\"}},\"version\":[1,7,4]}",
               zBase, nGroup > 1 ? nGroup : 0, nF, zObj);
    assert_int_equal(buf_err(&b), 0);
    return buf_steal(&b, NULL);
}

/* E[f(x) | x_S] for one tree by the path-dependent recursion: features in
 * mask S follow x, the others average their children by cover. */
static double brute_expect(const XgbTree *t, int i, const float *x, unsigned S) {
    const XgbNode *n = &t->aNode[i];
    if (n->iFeat < 0) return n->fSplit;
    if (S >> n->iFeat & 1) {
        float v = x[n->iFeat];
        int left = isnan(v) ? n->bDefLeft : v < n->fSplit;
        return brute_expect(t, left ? n->iLeft : n->iRight, x, S);
    }
    return ((double)t->aNode[n->iLeft].fCover * brute_expect(t, n->iLeft, x, S) +
            (double)t->aNode[n->iRight].fCover * brute_expect(t, n->iRight, x, S)) /
           n->fCover;
}

/* Shapley values of every feature (and the bias) for row x, summed over
 * the trees of each group, into phi (nGroup x (nF + 1)). */
static void brute_shap(const XgbModel *m, const float *x, double *phi) {
    int nF = m->nFeature;
    double fact[16];
    fact[0] = 1;
    for (int i = 1; i < 16; i++)
        fact[i] = fact[i - 1] * i;
    memset(phi, 0, sizeof(double) * (size_t)m->nGroup * (size_t)(nF + 1));
    for (int g = 0; g < m->nGroup; g++)
        phi[g * (nF + 1) + nF] = m->aBaseMargin[g];
    for (int k = 0; k < m->nTree; k++) {
        const XgbTree *t = &m->aTree[k];
        double *p = phi + t->iGroup * (nF + 1);
        p[nF] += brute_expect(t, 0, x, 0);
        for (int i = 0; i < nF; i++)
            for (unsigned S = 0; S < (1u << nF); S++) {
                if (S >> i & 1) continue;
                int s = __builtin_popcount(S);
                double w = fact[s] * fact[nF - s - 1] / fact[nF];
                p[i] += w * (brute_expect(t, 0, x, S | 1u << i) - brute_expect(t, 0, x, S));
            }
    }
}

/* Random rows in [-1.2, 1.2] with a share of missing values. */
static float *gen_rows(size_t nRow, int nF, double missing) {
    float *a = malloc(sizeof(float) * nRow * (size_t)nF);
    assert_non_null(a);
    for (size_t i = 0; i < nRow * (size_t)nF; i++)
        a[i] = rng_uniform() < missing ? NAN : (float)(2.4 * rng_uniform() - 1.2);
    return a;
}

/* Explain nRow random rows of a random model and compare every value with
 * the brute force; also that contributions sum to the margin. */
static void check_random(int nTree, int maxDepth, int nF, int nGroup, size_t nRow, int nThread,
                         size_t budget) {
    char *z = gen_model_json(nTree, maxDepth, nF, nGroup,
                             nGroup > 1 ? "multi:softprob" : "binary:logistic",
                             nGroup > 1 ? "\"5E-1\"" : "\"[3E-1]\"");
    XgbModel *m;
    EngineError ee = {0};
    int rc = xgb_model_load(z, strlen(z), &m, &ee);
    if (rc) fprintf(stderr, "load: %s\n", ee.zMsg);
    assert_int_equal(rc, 0);
    float *aX = gen_rows(nRow, nF, 0.2);
    size_t stride = (size_t)nGroup * (size_t)(nF + 1);
    double *aC = malloc(sizeof(double) * nRow * stride);
    double *aM = malloc(sizeof(double) * nRow * (size_t)nGroup);
    double *aWant = malloc(sizeof(double) * stride);
    double *aMarg = malloc(sizeof(double) * (size_t)nGroup);
    treeshap_set_table_budget(budget);
    rc = treeshap_explain(m, aX, nRow, nThread, aC, aM, &ee);
    treeshap_set_table_budget((size_t)256 << 20);
    assert_int_equal(rc, 0);
    for (size_t r = 0; r < nRow; r++) {
        brute_shap(m, aX + r * (size_t)nF, aWant);
        xgb_model_margin(m, aX + r * (size_t)nF, aMarg);
        for (size_t j = 0; j < stride; j++) {
            if (fabs(aC[r * stride + j] - aWant[j]) > 1e-9)
                fail_msg("row %zu value %zu: treeshap %.12g, brute force %.12g", r, j,
                         aC[r * stride + j], aWant[j]);
        }
        for (int g = 0; g < nGroup; g++) {
            double s = 0;
            for (int k = 0; k <= nF; k++)
                s += aC[r * stride + (size_t)g * (nF + 1) + (size_t)k];
            assert_true(fabs(s - aMarg[g]) < 1e-9);
            assert_true(fabs(aM[r * (size_t)nGroup + (size_t)g] - aMarg[g]) < 1e-12);
        }
    }
    free(aC);
    free(aM);
    free(aWant);
    free(aMarg);
    free(aX);
    xgb_model_free(m);
    free(z);
}

/* Tables (many rows), one thread and two. */
static void test_tables(void **state) {
    (void)state;
    check_random(12, 5, 6, 1, 40, 1, (size_t)256 << 20);
    check_random(12, 6, 6, 1, 40, 2, (size_t)256 << 20);
}

/* The direct formula: no table budget, and a single row. */
static void test_direct(void **state) {
    (void)state;
    check_random(12, 5, 6, 1, 20, 2, 0);
    check_random(8, 7, 7, 1, 1, 1, (size_t)256 << 20);
}

/* Several groups (multi:softprob), deep trees with repeated features. */
static void test_groups_and_depth(void **state) {
    (void)state;
    check_random(9, 4, 5, 3, 30, 2, (size_t)256 << 20);
    check_random(3, 9, 5, 1, 16, 2, (size_t)256 << 20);
}

/* Results do not depend on the number of threads, bit for bit. */
static void test_threads_identical(void **state) {
    (void)state;
    char *z = gen_model_json(20, 6, 8, 1, "reg:squarederror", "\"5E-1\"");
    XgbModel *m;
    EngineError ee = {0};
    assert_int_equal(xgb_model_load(z, strlen(z), &m, &ee), 0);
    size_t nRow = 1000;
    float *aX = gen_rows(nRow, 8, 0.1);
    double *a1 = malloc(sizeof(double) * nRow * 9), *a4 = malloc(sizeof(double) * nRow * 9);
    assert_int_equal(treeshap_explain(m, aX, nRow, 1, a1, NULL, &ee), 0);
    assert_int_equal(treeshap_explain(m, aX, nRow, 4, a4, NULL, &ee), 0);
    assert_memory_equal(a1, a4, sizeof(double) * nRow * 9);
    free(a1);
    free(a4);
    free(aX);
    xgb_model_free(m);
    free(z);
}

/* A tree with one leaf only: all of it is bias. */
static void test_stump(void **state) {
    (void)state;
    const char *z =
        "{\"learner\":{\"feature_names\":[\"a\",\"b\"],\"gradient_booster\":{\"model\":{"
        "\"tree_info\":[0],\"trees\":[{\"tree_param\":{\"num_nodes\":\"1\"},"
        "\"left_children\":[-1],\"right_children\":[-1],\"split_indices\":[0],"
        "\"split_conditions\":[0.25],\"default_left\":[0],\"sum_hessian\":[10]}]},"
        "\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":\"1E0\","
        "\"num_class\":\"0\",\"num_feature\":\"2\"},\"objective\":{\"name\":"
        "\"reg:squarederror\"}}}";
    XgbModel *m;
    EngineError ee = {0};
    assert_int_equal(xgb_model_load(z, strlen(z), &m, &ee), 0);
    assert_string_equal(m->azFeature[1], "b");
    float x[2] = {1, NAN};
    double c[3], mg;
    assert_int_equal(treeshap_explain(m, x, 1, 1, c, &mg, &ee), 0);
    assert_true(c[0] == 0 && c[1] == 0 && fabs(c[2] - 1.25) < 1e-12 && fabs(mg - 1.25) < 1e-12);
    xgb_model_free(m);
}

/* Load zJson expecting KEEL_EINVAL with zNeedle in the message. */
static void expect_refused(const char *zJson, const char *zNeedle) {
    XgbModel *m = (XgbModel *)1;
    EngineError ee = {0};
    int rc = xgb_model_load(zJson, strlen(zJson), &m, &ee);
    if (rc != KEEL_EINVAL || !strstr(ee.zMsg, zNeedle))
        fail_msg("want refusal with '%s', got rc %d, message '%s'", zNeedle, rc, ee.zMsg);
    assert_null(m);
}

/* A fixed model for edits: two trees of one split on feature 1. */
#define TEST_TREE                                                                                  \
    "{\"id\":0,\"tree_param\":{\"num_nodes\":\"3\",\"num_feature\":\"3\","                         \
    "\"size_leaf_vector\":\"0\"},\"categories\":[],\"categories_nodes\":[],"                       \
    "\"split_type\":[0,0,0],\"left_children\":[1,-1,-1],\"right_children\":[2,-1,-1],"             \
    "\"split_indices\":[1,0,0],\"default_left\":[1,0,0],"                                          \
    "\"split_conditions\":[0.5,-0.25,0.75],\"sum_hessian\":[10,4,6]}"
static const char zTemplate[] =
    "{\"learner\":{\"attributes\":{},\"feature_names\":[],\"feature_types\":[],"
    "\"gradient_booster\":{\"model\":{\"gbtree_model_param\":{\"num_parallel_tree\":\"1\","
    "\"num_trees\":\"2\"},\"tree_info\":[0,0],\"trees\":[" TEST_TREE "," TEST_TREE "]},"
    "\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":\"5E-1\","
    "\"num_class\":\"0\",\"num_feature\":\"3\",\"num_target\":\"1\"},"
    "\"objective\":{\"name\":\"binary:logistic\"}},\"version\":[1,7,4]}";

/* zTemplate with the first zOld replaced by zNew; caller frees. */
static char *template_edit(const char *zOld, const char *zNew) {
    const char *p = strstr(zTemplate, zOld);
    assert_non_null(p);
    Buf b;
    buf_init(&b, 0);
    buf_append(&b, zTemplate, (size_t)(p - zTemplate));
    buf_puts(&b, zNew);
    buf_puts(&b, p + strlen(zOld));
    assert_int_equal(buf_err(&b), 0);
    return buf_steal(&b, NULL);
}

/* Edit the template and expect a refusal mentioning zNeedle. */
static void expect_edit_refused(const char *zOld, const char *zNew, const char *zNeedle) {
    char *z = template_edit(zOld, zNew);
    expect_refused(z, zNeedle);
    free(z);
}

/* Every refusal of the loader. */
static void test_refusals(void **state) {
    (void)state;
    XgbModel *m;
    EngineError ee = {0};
    assert_int_equal(xgb_model_load(zTemplate, strlen(zTemplate), &m, &ee), 0);
    assert_int_equal(m->nTree, 2);
    float x[3] = {0, 0.75f, 0};
    double mg;
    xgb_model_margin(m, x, &mg);
    assert_true(mg == 1.5);
    x[1] = NAN; /* default left */
    xgb_model_margin(m, x, &mg);
    assert_true(mg == -0.5);
    xgb_model_free(m);
    expect_refused("", "not valid JSON");
    expect_refused("{\"learner\":", "not valid JSON");
    expect_refused("[1,2]", "no 'learner'");
    expect_refused("{\"learner\":{}}", "num_feature");
    expect_edit_refused("\"gbtree\"}", "\"dart\"}", "dart");
    expect_edit_refused("\"gbtree\"}", "\"gblinear\"}", "gblinear");
    expect_edit_refused("binary:logistic", "rank:pairwise", "not supported");
    expect_edit_refused("\"5E-1\"", "\"1.5\"", "outside the domain");
    expect_edit_refused("\"5E-1\"", "\"[5E-1,5E-1]\"", "base_score");
    expect_edit_refused("\"5E-1\"", "\"half\"", "base_score");
    expect_edit_refused("\"split_type\":[0", "\"split_type\":[1", "categorical");
    expect_edit_refused("\"categories_nodes\":[]", "\"categories_nodes\":[0]", "categorical");
    expect_edit_refused("\"feature_types\":[]", "\"feature_types\":[\"float\",\"c\",\"float\"]",
                        "categorical");
    expect_edit_refused("\"size_leaf_vector\":\"0\"", "\"size_leaf_vector\":\"3\"", "vector");
    expect_edit_refused("\"tree_info\":[0", "\"tree_info\":[1", "tree_info");
    expect_edit_refused("\"tree_info\":[0,0]", "\"tree_info\":[0]", "same length");
    expect_edit_refused("\"left_children\":[1", "\"left_children\":[9", "invalid children");
    expect_edit_refused("\"left_children\":[1", "\"left_children\":[0", "reached twice");
    expect_edit_refused("\"split_indices\":[1", "\"split_indices\":[7", "splits on feature");
    expect_edit_refused("\"sum_hessian\":[10", "\"sum_hessian\":[1e39", "not finite");
    expect_edit_refused("\"sum_hessian\":[10", "\"sum_hessian\":[\"x\"", "non-numeric");
    expect_edit_refused("\"feature_names\":[]", "\"feature_names\":[\"a\"]", "names 1");
    expect_edit_refused("\"num_nodes\":\"3\"", "\"num_nodes\":\"4\"", "entries");
    expect_edit_refused("\"num_feature\":\"3\",\"num_target", "\"num_feature\":\"0\",\"num_target",
                        "num_feature");
}

/* base_score in every form, and the margin it becomes. */
static void test_base_score(void **state) {
    (void)state;
    const char *azForm[] = {"\"2.5E-1\"", "\"[2.5E-1]\"", "[0.25]", "0.25"};
    for (int i = 0; i < 4; i++) {
        char *z = gen_model_json(1, 1, 2, 1, "binary:logistic", azForm[i]);
        XgbModel *m;
        EngineError ee = {0};
        assert_int_equal(xgb_model_load(z, strlen(z), &m, &ee), 0);
        assert_true(fabs(m->aBaseMargin[0] - log(0.25 / 0.75)) < 1e-12);
        xgb_model_free(m);
        free(z);
    }
    char *z = gen_model_json(3, 1, 2, 3, "multi:softprob", "\"[1E-1,2E-1,3E-1]\"");
    XgbModel *m;
    EngineError ee = {0};
    assert_int_equal(xgb_model_load(z, strlen(z), &m, &ee), 0);
    assert_true(m->aBaseMargin[2] == 0.3 && m->nGroup == 3);
    double g[3] = {0, log(2.0), log(3.0)};
    xgb_model_transform(m, g);
    assert_true(fabs(g[0] - 1.0 / 6) < 1e-12 && fabs(g[2] - 0.5) < 1e-12);
    xgb_model_free(m);
    free(z);
}

/* A node with zero cover cannot be explained (XGBoost would give NaN). */
static void test_zero_cover(void **state) {
    (void)state;
    char *z = template_edit("\"sum_hessian\":[10", "\"sum_hessian\":[0");
    XgbModel *m;
    EngineError ee = {0};
    assert_int_equal(xgb_model_load(z, strlen(z), &m, &ee), 0);
    float x[3] = {0, 0, 0};
    double c[4];
    assert_int_equal(treeshap_explain(m, x, 1, 1, c, NULL, &ee), KEEL_EINVAL);
    assert_non_null(strstr(ee.zMsg, "zero cover"));
    xgb_model_free(m);
    free(z);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_direct),
        cmocka_unit_test(test_groups_and_depth),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_stump),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_base_score),
        cmocka_unit_test(test_zero_cover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
