/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Log lines cannot be forged: log_escape (util/log.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "util/log.h"
#include <string.h>

/* log-1: CR, LF, other controls, DEL, backslash and bytes that are not
 * UTF-8 are escaped; UTF-8 text stays as it is */
static void test_log_escape(void **state) {
    (void)state;
    static const char *const aCase[][2] = {
        {"GET /a\r\n2026-01-01 info forged", "GET /a\\x0d\\x0a2026-01-01 info forged"},
        {"tab\there", "tab\\x09here"},
        {"del\x7f", "del\\x7f"},
        {"back\\x0a", "back\\\\x0a"},
        {"raw \xff\xfe", "raw \\xff\\xfe"},
        {"\xe4\xb8\xad\xe6\x96\x87 ok", "\xe4\xb8\xad\xe6\x96\x87 ok"},
        {"cut \xe4\xb8", "cut \\xe4\\xb8"},
        {"overlong \xc0\xaf", "overlong \\xc0\\xaf"},
    };
    char z[256];
    for (size_t i = 0; i < sizeof aCase / sizeof aCase[0]; i++) {
        size_t n = log_escape(aCase[i][0], z, sizeof z);
        assert_string_equal(z, aCase[i][1]);
        assert_int_equal(n, strlen(z));
    }
    /* a small buffer truncates without splitting an escape */
    log_escape("\n\n\n\n", z, 9);
    assert_string_equal(z, "\\x0a");
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_log_escape)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
