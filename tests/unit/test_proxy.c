/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Trusted proxies and X-Forwarded-For (http/proxy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "http/proxy.h"
#include <string.h>

/* proxy-1: lists parse; bad entries are named */
static void test_proxy_parse(void **state) {
    (void)state;
    ProxyList p;
    char zErr[128];
    assert_int_equal(proxy_list_parse(NULL, &p, zErr, sizeof zErr), 0);
    assert_int_equal(p.n, 0);
    assert_int_equal(proxy_list_parse("127.0.0.1,10.0.0.0/8, ::1, 2001:db8::/32", &p, zErr,
                                      sizeof zErr),
                     0);
    assert_int_equal(p.n, 4);
    assert_int_equal(p.a[1].bits, 8);
    assert_int_equal(proxy_list_parse("10.0.0.0/33", &p, zErr, sizeof zErr), -1);
    assert_non_null(strstr(zErr, "10.0.0.0/33"));
    assert_int_equal(proxy_list_parse("localhost", &p, zErr, sizeof zErr), -1);
    assert_int_equal(proxy_list_parse("1.2.3.4/", &p, zErr, sizeof zErr), -1);
}

/* proxy-2: membership by network prefix */
static void test_proxy_trusted(void **state) {
    (void)state;
    ProxyList p;
    char zErr[128];
    assert_int_equal(proxy_list_parse("10.0.0.0/8,192.168.1.7,2001:db8::/32", &p, zErr, sizeof zErr),
                     0);
    assert_true(proxy_trusted(&p, "10.255.1.2"));
    assert_false(proxy_trusted(&p, "11.0.0.1"));
    assert_true(proxy_trusted(&p, "192.168.1.7"));
    assert_false(proxy_trusted(&p, "192.168.1.8"));
    assert_true(proxy_trusted(&p, "2001:db8:ffff::1"));
    assert_false(proxy_trusted(&p, "2001:db9::1"));
    assert_false(proxy_trusted(&p, "garbage"));
    assert_false(proxy_trusted(NULL, "10.0.0.1"));
}

/* proxy-3: the client address: X-Forwarded-For only from a trusted peer,
 * right to left, the first untrusted hop wins; a forged entry on the left
 * is ignored; a non-address stops the walk */
static void test_proxy_client(void **state) {
    (void)state;
    ProxyList p;
    char zErr[128], z[64];
    assert_int_equal(proxy_list_parse("10.0.0.0/8", &p, zErr, sizeof zErr), 0);
    proxy_client_addr(&p, "203.0.113.1", "198.51.100.7", z, sizeof z);
    assert_string_equal(z, "203.0.113.1"); /* untrusted peer: header ignored */
    proxy_client_addr(&p, "10.0.0.2", "198.51.100.7", z, sizeof z);
    assert_string_equal(z, "198.51.100.7");
    proxy_client_addr(&p, "10.0.0.2", "1.1.1.1, 198.51.100.7, 10.0.0.9", z, sizeof z);
    assert_string_equal(z, "198.51.100.7"); /* 1.1.1.1 is the client's own claim */
    proxy_client_addr(&p, "10.0.0.2", "evil, 10.0.0.9", z, sizeof z);
    assert_string_equal(z, "10.0.0.9");
    proxy_client_addr(&p, "10.0.0.2", NULL, z, sizeof z);
    assert_string_equal(z, "10.0.0.2");
    proxy_client_addr(&p, "10.0.0.2", "10.0.0.3,10.0.0.4", z, sizeof z);
    assert_string_equal(z, "10.0.0.3"); /* all trusted: the leftmost */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proxy_parse),
        cmocka_unit_test(test_proxy_trusted),
        cmocka_unit_test(test_proxy_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
