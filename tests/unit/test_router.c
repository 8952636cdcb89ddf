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

/* router-7: every route's resource is in the registry the schema test and
 * the request fuzzer walk */
static void test_resources_registered(void **state) {
    (void)state;
    for (int i = 0; i < nRoute; i++) {
        const ResourceDef *r = aRoute[i].pResource;
        if (!r) continue;
        int bFound = 0;
        for (const ResourceDef *const *p = resource_all; *p && !bFound; p++)
            bFound = *p == r;
        if (!bFound)
            fail_msg("%s %s serves %s, which resource_all does not list", aRoute[i].zMethod,
                     aRoute[i].zPattern, r->zName);
    }
}

/* router-6: route_admit decides with its own codes, in one order */
static const Route *find(const char *zMethod, const char *zPath) {
    int64_t a[ROUTE_MAX_PARAM];
    int n;
    char zAllow[64];
    KeelError e;
    return route_find(zMethod, zPath, a, &n, zAllow, sizeof zAllow, &e);
}

static void test_admit(void **state) {
    (void)state;
    Principal none = {0}, admin = {0}, viewer = {0}, tok = {0};
    admin.kind = AUTH_COOKIE, admin.role = ROLE_ADMIN;
    viewer.kind = AUTH_COOKIE, viewer.role = ROLE_VIEWER;
    tok.kind = AUTH_BEARER, tok.role = ROLE_ADMIN;
    const Route *units = find("POST", "/api/v1/units");
    const Route *list = find("GET", "/api/v1/units");
    const Route *values = find("POST", "/api/v1/kpis/3/values");
    const Route *health = find("GET", "/healthz");
    assert_non_null(units);
    assert_non_null(values);
    KeelError e;
    const char *J = "application/json";
    struct {
        const Route *r;
        const Principal *who;
        int scope;
        const char *zMethod, *zCt;
        long long n;
        int rc;
    } aCase[] = {
        {units, &none, 0, "POST", J, 10, KEEL_EAUTH},
        {units, &viewer, 0, "POST", J, 10, KEEL_EFORBIDDEN},
        {units, &admin, 0, "POST", J, 10, 0},
        {units, &admin, 0, "POST", "Application/JSON; charset=utf-8", 10, 0},
        {units, &admin, 0, "POST", "text/csv", 10, KEEL_EMEDIA},
        {units, &admin, 0, "POST", NULL, 10, KEEL_EMEDIA},
        {units, &admin, 0, "POST", J, ROUTE_BODY_NO_LENGTH, KEEL_ELENGTH},
        {units, &admin, 0, "POST", J, 16 * 1024 + 1, KEEL_ETOOBIG},
        {units, &admin, 0, "POST", J, ROUTE_BODY_CHUNKED, 0},
        {list, &admin, 0, "GET", J, 1, KEEL_ETOOBIG},
        {list, &admin, 0, "GET", NULL, ROUTE_BODY_CHUNKED, KEEL_ETOOBIG},
        {list, &admin, 0, "GET", NULL, ROUTE_BODY_NO_LENGTH, 0},
        {values, &admin, 0, "POST", "text/csv", 10, 0},
        {health, &none, 0, "GET", NULL, 0, 0},
        {list, &tok, SCOPE_READ, "GET", NULL, 0, 0},
        {list, &tok, SCOPE_READ, "HEAD", NULL, 0, 0},
        {units, &tok, SCOPE_READ, "POST", J, 10, KEEL_EFORBIDDEN},
        {units, &tok, SCOPE_WRITE, "POST", J, 10, 0},
        {list, &tok, SCOPE_INGEST, "GET", NULL, 0, KEEL_EFORBIDDEN},
        {values, &tok, SCOPE_INGEST, "POST", J, 10, 0},
        {values, &tok, SCOPE_METRICS_READ, "POST", J, 10, KEEL_EFORBIDDEN},
        {list, &tok, SCOPE_SWITCH_READ, "GET", NULL, 0, KEEL_EFORBIDDEN},
    };
    for (size_t i = 0; i < sizeof aCase / sizeof aCase[0]; i++) {
        Principal p = *aCase[i].who;
        if (p.kind == AUTH_BEARER) p.scope = aCase[i].scope;
        int rc = route_admit(aCase[i].r, &p, aCase[i].zMethod, aCase[i].zCt, aCase[i].n, &e);
        if (rc != aCase[i].rc) fail_msg("case %zu: rc %d, expected %d", i, rc, aCase[i].rc);
        if (rc && e.rc != rc) fail_msg("case %zu: the error detail has rc %d", i, e.rc);
    }
    /* each code has its own status, so err_http_status stays the one mapping */
    assert_int_equal(err_http_status(KEEL_EMETHOD), 405);
    assert_int_equal(err_http_status(KEEL_ELENGTH), 411);
    assert_int_equal(err_http_status(KEEL_EMEDIA), 415);
    assert_string_equal(err_code_name(KEEL_EMEDIA), "unsupported_media_type");
    /* every scope name maps to its bit and back */
    for (int i = 0; auth_scope_name[i]; i++)
        assert_int_equal(auth_scope_bit(auth_scope_name[i]), 1 << i);
    assert_int_equal(auth_scope_bit("root"), 0);
    int64_t a[ROUTE_MAX_PARAM];
    int n;
    char zAllow[64];
    assert_null(route_find("PUT", "/api/v1/units", a, &n, zAllow, sizeof zAllow, &e));
    assert_int_equal(e.rc, KEEL_EMETHOD);
    assert_null(route_find("GET", "/api/v1/nothing", a, &n, zAllow, sizeof zAllow, &e));
    assert_int_equal(e.rc, KEEL_ENOTFOUND);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_sorted),
        cmocka_unit_test(test_table_complete),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_405),
        cmocka_unit_test(test_wildcard),
        cmocka_unit_test(test_admit),
        cmocka_unit_test(test_resources_registered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
