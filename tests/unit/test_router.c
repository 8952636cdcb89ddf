/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for http/router.c and the route table in http/routes.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "http/router.h"

/* router-1: the table is sorted by pattern, then method, with no duplicates */
static void test_table_sorted(void **state) {
    (void)state;
    for (int i = 1; i < nRoute; i++) {
        int c = strcmp(aRoute[i - 1].zPattern, aRoute[i].zPattern);
        if (c == 0) c = strcmp(aRoute[i - 1].zMethod, aRoute[i].zMethod);
        if (c >= 0)
            fail_msg("route %d (%s %s) is out of order", i, aRoute[i].zMethod, aRoute[i].zPattern);
    }
}

/* router-2: every route declares roles, and write routes declare a body cap */
static void test_table_complete(void **state) {
    (void)state;
    for (int i = 0; i < nRoute; i++) {
        const Route *r = &aRoute[i];
        assert_true(r->roles != 0);
        assert_non_null(r->xHandler);
        assert_non_null(r->zSummary);
        if (r->bodyType != BODY_NONE) assert_true(r->nBodyCap > 0);
    }
}

/* router-3: matching, {id} parameters and their bounds */
static void test_match(void **state) {
    (void)state;
    int64_t a[ROUTE_MAX_PARAM];
    int n, status = 0;
    char zAllow[64];
    const Route *r = router_match("GET", "/api/v1/units/42", a, &n, &status, zAllow, sizeof zAllow);
    assert_non_null(r);
    assert_string_equal(r->zPattern, "/api/v1/units/{id}");
    assert_int_equal(n, 1);
    assert_int_equal(a[0], 42);
    static const char *azBad[] = {"/api/v1/units/0",
                                  "/api/v1/units/007",
                                  "/api/v1/units/-1",
                                  "/api/v1/units/1a",
                                  "/api/v1/units/..",
                                  "/api/v1/units/1/",
                                  "/api/v1/units/1234567890123456",
                                  "/api/v1/units/%31",
                                  "/api/v1/units/"};
    for (size_t i = 0; i < sizeof azBad / sizeof azBad[0]; i++) {
        r = router_match("GET", azBad[i], a, &n, &status, zAllow, sizeof zAllow);
        if (r || status != 404) fail_msg("%s should not match", azBad[i]);
    }
    r = router_match("GET", "/api/v1/units/123456789012345", a, &n, &status, zAllow, sizeof zAllow);
    assert_non_null(r);
    assert_int_equal(a[0], 123456789012345LL);
}

/* router-4: a known path with another method is 405 with Allow */
static void test_405(void **state) {
    (void)state;
    int64_t a[ROUTE_MAX_PARAM];
    int n, status = 0;
    char zAllow[64];
    const Route *r = router_match("PUT", "/api/v1/units/7", a, &n, &status, zAllow, sizeof zAllow);
    assert_null(r);
    assert_int_equal(status, 405);
    assert_string_equal(zAllow, "DELETE, GET, PATCH");
    r = router_match("HEAD", "/healthz", a, &n, &status, zAllow, sizeof zAllow);
    assert_non_null(r);
}

/* router-5: a trailing {*path} wildcard takes the non-empty rest of the
 * path, whatever it holds; router_wildcard returns that rest */
static void test_wildcard(void **state) {
    (void)state;
    int64_t a[ROUTE_MAX_PARAM];
    int n, status = 0;
    char zAllow[64];
    static const char *azGood[] = {"/assets/abc/app.js", "/assets/x", "/assets/a/b/c/d.css",
                                   "/assets/../etc/passwd", "/assets//"};
    for (size_t i = 0; i < sizeof azGood / sizeof azGood[0]; i++) {
        const Route *r = router_match("GET", azGood[i], a, &n, &status, zAllow, sizeof zAllow);
        if (!r || strcmp(r->zPattern, "/assets/{*path}") != 0)
            fail_msg("%s should match", azGood[i]);
        assert_string_equal(router_wildcard(r->zPattern, azGood[i]), azGood[i] + 8);
    }
    const Route *r = router_match("GET", "/assets/", a, &n, &status, zAllow, sizeof zAllow);
    assert_null(r);
    assert_int_equal(status, 404);
    r = router_match("GET", "/assets", a, &n, &status, zAllow, sizeof zAllow);
    assert_null(r);
    r = router_match("POST", "/assets/x.js", a, &n, &status, zAllow, sizeof zAllow);
    assert_null(r);
    assert_int_equal(status, 405);
    assert_string_equal(zAllow, "GET");
    assert_null(router_wildcard("/api/v1/units/{id}", "/api/v1/units/3"));
    assert_string_equal(router_wildcard("/x/{id}/{*rest}", "/x/42/a/b"), "a/b");
    r = router_match("GET", "/", a, &n, &status, zAllow, sizeof zAllow);
    assert_non_null(r);
    assert_string_equal(r->zPattern, "/");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_sorted), cmocka_unit_test(test_table_complete),
        cmocka_unit_test(test_match),        cmocka_unit_test(test_405),
        cmocka_unit_test(test_wildcard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
