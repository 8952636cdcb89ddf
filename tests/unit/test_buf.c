/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for util/buf.c: growth, cap, sticky error, escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"

/* buf-1: appends grow the buffer and keep it NUL-terminated */
static void test_buf_grow(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    assert_int_equal(buf_err(&b), 0);
    assert_true(b.n > 2000);
    assert_int_equal(b.z[b.n], 0);
    assert_memory_equal(b.z, "0,1,2,", 6);
    buf_reset(&b);
    assert_null(b.z);
}

/* buf-2: past the cap the error is sticky and nothing more is appended */
static void test_buf_cap(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 8);
    buf_puts(&b, "12345");
    buf_puts(&b, "6789");
    assert_int_equal(buf_err(&b), KEEL_ETOOBIG);
    buf_puts(&b, "x");
    assert_int_equal(b.n, 5);
    assert_null(buf_steal(&b, NULL));
    buf_reset(&b);
}

/* buf-3: JSON escaping of quotes, backslashes and control characters */
static void test_buf_json(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    buf_json_str(&b, "a\"b\\c\n\x01");
    assert_string_equal(b.z, "\"a\\\"b\\\\c\\n\\u0001\"");
    buf_reset(&b);
}

/* buf-4: CSV fields are quoted only when needed, quotes doubled */
static void test_buf_csv(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    buf_csv_field(&b, "plain");
    buf_putc(&b, ',');
    buf_csv_field(&b, "a,\"b\"");
    assert_string_equal(b.z, "plain,\"a,\"\"b\"\"\"");
    size_t n;
    char *z = buf_steal(&b, &n);
    assert_int_equal(n, strlen(z));
    free(z);
}

/* buf-4b: text cells a spreadsheet would run as formulas get a leading
 * apostrophe (OWASP CSV injection), inside the quotes when quoted; other
 * text, and a leading character elsewhere, is untouched */
static void test_buf_csv_formula(void **state) {
    (void)state;
    static const char *const aCase[][2] = {
        {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
        {"+1", "'+1"},
        {"-15", "'-15"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tcmd", "'\tcmd"},
        {"\r=1", "\"'\r=1\""},
        {"=1,2", "\"'=1,2\""},
        {"a=1", "a=1"},
        {"", ""},
        {"15", "15"},
    };
    for (size_t i = 0; i < sizeof aCase / sizeof aCase[0]; i++) {
        Buf b;
        buf_init(&b, 0);
        buf_csv_field(&b, aCase[i][0]);
        buf_putc(&b, 0);
        assert_string_equal(b.z, aCase[i][1]);
        buf_reset(&b);
    }
}

/* buf-5: a long printf goes through the slow path intact */
static void test_buf_long_printf(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    buf_printf(&b, "<%s>", big);
    assert_int_equal(b.n, 1001);
    assert_int_equal(b.z[1000], '>');
    buf_reset(&b);
}

/* buf-6: sizes that multiply or add past SIZE_MAX fail instead of wrapping */
static void test_overflow(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "abc");
    buf_append(&b, "x", SIZE_MAX - 2); /* 3 + (SIZE_MAX - 2) + 1 wraps to 1 */
    assert_int_equal(buf_err(&b), KEEL_ENOMEM);
    assert_int_equal(b.n, 3);
    assert_string_equal(b.z, "abc");
    buf_reset(&b);
    size_t n = 0;
    assert_int_equal(mem_size(SIZE_MAX / 2 + 1, 2, 1, &n), 1);
    assert_int_equal(mem_size(1, SIZE_MAX / 8 + 1, 8, &n), 1);
    assert_int_equal(mem_size(3, 5, 7, &n), 0);
    assert_int_equal(n, 105);
    assert_null(mem_alloc((size_t)1 << 40, (size_t)1 << 30, 8));
    assert_null(mem_zalloc(SIZE_MAX / 3, 4, 1));
    void *p = mem_alloc(4, 4, 4);
    assert_non_null(p);
    void *q = mem_realloc(p, SIZE_MAX, 2, 1);
    assert_null(q); /* p untouched and still ours */
    free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grow),        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_buf_json),        cmocka_unit_test(test_buf_csv),
        cmocka_unit_test(test_buf_csv_formula), cmocka_unit_test(test_buf_long_printf),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
