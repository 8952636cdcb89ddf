/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for util/json.c: strict parsing and UTF-8 validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "util/err.h"
#include "util/json.h"

static int parse(const char *z) {
    json_t *j = NULL;
    char zErr[256];
    int rc = json_parse_object(z, strlen(z), &j, zErr, sizeof zErr);
    json_decref(j);
    return rc;
}

/* json-1: objects parse; duplicates, trailing bytes, non-objects do not */
static void test_parse(void **state) {
    (void)state;
    assert_int_equal(parse("{\"a\":1,\"b\":[true,null]}"), 0);
    assert_int_equal(parse("{\"a\":1,\"a\":2}"), KEEL_EINVAL);
    assert_int_equal(parse("{\"a\":1} x"), KEEL_EINVAL);
    assert_int_equal(parse("[1]"), KEEL_EINVAL);
    assert_int_equal(parse("\"s\""), KEEL_EINVAL);
    assert_int_equal(parse(""), KEEL_EINVAL);
    assert_int_equal(parse("{\"a\":\"\xff\"}"), KEEL_EINVAL);
    assert_int_equal(parse("{\"a\":\"\\u0000\"}"), KEEL_EINVAL);
}

/* json-2: the error message names line and column */
static void test_message(void **state) {
    (void)state;
    json_t *j = NULL;
    char zErr[256];
    const char *z = "{\n  \"a\": }";
    assert_int_equal(json_parse_object(z, strlen(z), &j, zErr, sizeof zErr), KEEL_EINVAL);
    assert_non_null(strstr(zErr, "line 2"));
}

/* json-3: UTF-8 validation: overlongs, surrogates, truncation */
static void test_utf8(void **state) {
    (void)state;
    assert_true(utf8_valid("abc", 3));
    assert_true(utf8_valid("\xe4\xb8\xad\xe6\x96\x87", 6)); /* 中文 */
    assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));         /* emoji */
    assert_false(utf8_valid("\xc0\xaf", 2));                /* overlong '/' */
    assert_false(utf8_valid("\xed\xa0\x80", 3));            /* surrogate */
    assert_false(utf8_valid("\xe4\xb8", 2));                /* truncated */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4));        /* > U+10FFFF */
    assert_false(utf8_valid("\x80", 1));
}

/* json-4: utf8_repair: a character cut by %.Ns becomes '?', whole ones stay */
static void test_utf8_repair(void **state) {
    (void)state;
    char a[16], b[] = "ab\xe4\xb8\xad\xe6\x96", c[] = "\x80x\xf0\x9f\x98\x80";
    snprintf(a, sizeof a, "%.4s", "\xe4\xb8\xad\xe6\x96\x87"); /* 中 and a byte of 文 */
    utf8_repair(a);
    assert_string_equal(a, "\xe4\xb8\xad?");
    utf8_repair(b);
    assert_string_equal(b, "ab\xe4\xb8\xad??");
    utf8_repair(c);
    assert_string_equal(c, "?x\xf0\x9f\x98\x80");
    assert_true(utf8_valid(a, strlen(a)) && utf8_valid(c, strlen(c)));
}

/* json-5: an error's params: kept with the error, cleared by the next
 * error, put into an envelope; too long for the error: none */
static void test_err_params(void **state) {
    (void)state;
    KeelError e = {0};
    err_set_code(&e, KEEL_ERULE, "purpose_outside", "initiative_ids", "outside");
    assert_int_equal(json_err_params(&e, json_pack("{ss si}", "purpose", "marketing", "index", 1)),
                     KEEL_ERULE);
    json_t *env = json_object();
    json_err_put_params(env, &e);
    json_t *want = json_pack("{s{ss si}}", "params", "purpose", "marketing", "index", 1);
    assert_true(json_equal(env, want));
    json_decref(want);
    json_decref(env);
    err_set(&e, KEEL_EINVAL, "x", "another error");
    assert_string_equal(e.zParams, "");
    env = json_object();
    json_err_put_params(env, &e);
    assert_int_equal(json_object_size(env), 0);
    char big[600];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    json_err_params(&e, json_pack("{ss}", "long", big));
    assert_string_equal(e.zParams, "");
    json_err_params(NULL, json_object()); /* no error to fill: nothing leaks */
    json_decref(env);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_params),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_message),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf8_repair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
