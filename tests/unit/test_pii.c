/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/pii.c: each detector against positives and
 * negatives (GB 11643 check digits computed here independently, Luhn,
 * e-mails, phones, IPs), the column verdict and its threshold, and the
 * profile's "pii" key on categorical and on numeric columns (whose text
 * profile_csv reads again). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/pii.h"
#include "engine/profile.h"
#include "util/buf.h"

static PiiKind kind(const char *z) {
    return pii_classify(z, strlen(z));
}

/* The GB 11643 check digit of 17 digits, as the standard states it:
 * weight of position i (1-based from the right, check digit = 1) is
 * 2^(i-1) mod 11; check = (12 - sum mod 11) mod 11, 10 written X. */
static char id_check(const char *z17) {
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int w = 1;
        for (int j = 0; j < 17 - i; j++)
            w = w * 2 % 11;
        sum += (z17[i] - '0') * w;
    }
    int c = (12 - sum % 11) % 11;
    return c == 10 ? 'X' : (char)('0' + c);
}

/* pii-1: resident ID numbers, the standard's own example and generated ones */
static void test_pii_cn_id(void **state) {
    (void)state;
    assert_true(pii_cn_resident_id("11010519491231002X", 18));
    assert_true(pii_cn_resident_id("11010519491231002x", 18));
    assert_false(pii_cn_resident_id("110105194912310021", 18)); /* wrong check digit */
    char z[40];
    srand(7);
    for (int n = 0; n < 200; n++) {
        snprintf(z, sizeof z, "44030%1d%04d%02d%02d%03d", rand() % 10, 1930 + rand() % 90,
                 1 + rand() % 12, 1 + rand() % 28, rand() % 1000);
        z[17] = id_check(z);
        z[18] = 0;
        assert_int_equal(kind(z), PII_CN_RESIDENT_ID);
        z[17] = z[17] == '0' ? '1' : z[17] == 'X' ? '0' : (char)(z[17] == '9' ? 'X' : z[17] + 1);
        assert_false(pii_cn_resident_id(z, 18)); /* any other check digit fails */
    }
    /* right checksum, impossible birth dates or province */
    const char *azBad[] = {"11010519490230", "11010519491331", "11010518991231",
                           "00010519491231", "99010519491231"};
    for (size_t i = 0; i < sizeof azBad / sizeof azBad[0]; i++) {
        snprintf(z, sizeof z, "%s002", azBad[i]);
        z[17] = id_check(z);
        z[18] = 0;
        assert_false(pii_cn_resident_id(z, 18));
    }
    snprintf(z, sizeof z, "11010520000229002"); /* 2000 is a leap year */
    z[17] = id_check(z);
    z[18] = 0;
    assert_true(pii_cn_resident_id(z, 18));
    assert_false(pii_cn_resident_id("1101051949123100", 16));
}

/* pii-2: bank cards by Luhn */
static void test_pii_card(void **state) {
    (void)state;
    assert_true(pii_bank_card("4111111111111111", 16));
    assert_true(pii_bank_card("4111 1111 1111 1111", 19));
    assert_true(pii_bank_card("6222-0208-0000-0000-007", 23) ==
                pii_bank_card("6222020800000000007", 19));
    assert_false(pii_bank_card("4111111111111112", 16));  /* Luhn fails */
    assert_false(pii_bank_card("0000000000000000", 16));  /* leading 0 */
    assert_false(pii_bank_card("411111111111", 12));      /* too short */
    assert_false(pii_bank_card("41111111111111111111", 20)); /* too long */
    assert_int_equal(kind("4111111111111111"), PII_BANK_CARD);
    /* every single-digit change breaks Luhn */
    char z[] = "6222021234567890123";
    int s = 0;
    for (int i = 0; i < 18; i++) {
        int v = z[17 - i] - '0';
        if (i % 2 == 0) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
        s += v;
    }
    z[18] = (char)('0' + (10 - s % 10) % 10);
    assert_true(pii_bank_card(z, 19));
    for (int i = 0; i < 19; i++) {
        char c = z[i];
        z[i] = c == '9' ? '1' : (char)(c + 1);
        assert_false(pii_bank_card(z, 19));
        z[i] = c;
    }
}

/* pii-3: e-mails, phones, IPs and what is none of them */
static void test_pii_kinds(void **state) {
    (void)state;
    const char *azEmail[] = {"a@b.cn", "first.last+tag@mail.example.com", " x_y@sub-d.org "};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(kind(azEmail[i]), PII_EMAIL);
    const char *azPhone[] = {"13812345678", "+86 138 1234 5678", "+8613812345678",
                             "008613812345678", "8613812345678", "+44 20 7946 0958",
                             "+1 (415) 555-2671", "199-1234-5678"};
    for (size_t i = 0; i < sizeof azPhone / sizeof azPhone[0]; i++)
        assert_int_equal(kind(azPhone[i]), PII_PHONE);
    const char *azIp[] = {"192.168.1.20", "8.8.8.8", "2001:db8::1", "fe80::1ff:fe23:4567:890a",
                          "::ffff:10.0.0.1"};
    for (size_t i = 0; i < sizeof azIp / sizeof azIp[0]; i++)
        assert_int_equal(kind(azIp[i]), PII_IP);
    const char *azNone[] = {"", "hello", "a@b", "a@@b.com", "a..b@x.com", "@x.com", "x@.com",
                            "12345678901", "12812345678", "256.1.1.1", "1.2.3", "1:2",
                            "3.14", "2024-01-05", "+0123456789", "+1234567", "N/A", "张三",
                            "110105194912310021", "x@y.c1"};
    for (size_t i = 0; i < sizeof azNone / sizeof azNone[0]; i++)
        assert_int_equal(kind(azNone[i]), PII_NONE);
    assert_true(pii_name_column("name") && pii_name_column("Full_Name") &&
                pii_name_column("customer name") && pii_name_column("姓名") &&
                pii_name_column("LAST-NAME"));
    assert_false(pii_name_column("username") || pii_name_column("product_name2") ||
                 pii_name_column("age"));
}

/* pii-4: the column verdict and its threshold */
static void test_pii_tally(void **state) {
    (void)state;
    PiiTally t = {0};
    double share;
    pii_tally_add(&t, "a@b.cn", 6, 1, 0);
    pii_tally_add(&t, "hello", 5, 1, 0);
    assert_int_equal(pii_tally_kind(&t, &share), PII_EMAIL); /* 1 of 2: at the threshold */
    assert_true(share == 0.5);
    pii_tally_add(&t, "world", 5, 1, 0);
    assert_int_equal(pii_tally_kind(&t, &share), PII_NONE); /* 1 of 3 */
    PiiTally n = {0};
    pii_tally_add(&n, "Alice", 5, 3, 1);
    pii_tally_add(&n, "R2D2", 4, 1, 1);
    assert_int_equal(pii_tally_kind(&n, &share), PII_PERSON_NAME);
    assert_true(share == 0.75);
    PiiTally none = {0};
    pii_tally_add(&none, "Alice", 5, 3, 0); /* not a name column */
    assert_int_equal(pii_tally_kind(&none, &share), PII_NONE);
}

/* pii-5: the profile's JSON, numeric columns read as text (a 19-digit card
 * and an 11-digit phone parse as numbers), other columns without "pii" */
static void test_pii_profile(void **state) {
    (void)state;
    const char *z = "card,phone,mail,name,age,big\n"
                    "4111111111111111,13812345678,a@b.cn,Ann,31,12345678901\n"
                    "6222020800000000007,13912345678,c@d.cn,Bo,40,12345678902\n"
                    "5500000000000004,+8615012345678,NA,Cy,28,NA\n";
    CsvTable *t = NULL;
    ProfileResult *r = NULL;
    EngineError e;
    assert_int_equal(profile_csv(z, strlen(z), NULL, NULL, 0, 0, &t, &r, &e), 0);
    assert_int_equal(r->aCol[0].type, CSV_NUMERIC);
    assert_int_equal(r->aCol[0].pii, PII_BANK_CARD);
    assert_true(r->aCol[0].piiShare > 0.66 && r->aCol[0].piiShare < 0.67); /* 2 of 3 pass Luhn */
    assert_int_equal(r->aCol[1].pii, PII_PHONE);
    assert_int_equal(r->aCol[2].pii, PII_EMAIL);
    assert_true(r->aCol[2].piiShare == 1); /* share of non-missing cells */
    assert_int_equal(r->aCol[3].pii, PII_PERSON_NAME);
    assert_int_equal(r->aCol[4].pii, PII_NONE);
    assert_int_equal(r->aCol[5].pii, PII_NONE);
    Buf b;
    buf_init(&b, 0);
    profile_result_json(r, t, &b);
    assert_non_null(strstr(b.z, "\"name\":\"card\",\"type\":\"numeric\""));
    assert_non_null(strstr(b.z, "\"pii\":{\"kind\":\"bank_card\",\"share\":0.66666"));
    assert_non_null(strstr(b.z, "\"pii\":{\"kind\":\"person_name\",\"share\":1}"));
    const char *zAge = strstr(b.z, "\"name\":\"age\"");
    assert_non_null(zAge);
    assert_null(strstr(zAge, "pii")); /* age and big come last */
    buf_reset(&b);
    profile_result_free(r);
    csv_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pii_cn_id),   cmocka_unit_test(test_pii_card),
        cmocka_unit_test(test_pii_kinds),   cmocka_unit_test(test_pii_tally),
        cmocka_unit_test(test_pii_profile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
