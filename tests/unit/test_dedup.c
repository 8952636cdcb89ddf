/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/dedup.c: every distinct id is new once and a
 * duplicate after; ids of different systems are different; the horizon
 * lets an id back in after it; the memory cap holds and drops the oldest
 * day first, never today's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "engine/dedup.h"
#include "util/err.h"

static const uint8_t aKey[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* The hash of id "e-<i>" in system sys. */
static uint64_t h_of(const DedupIndex *d, int64_t sys, long i) {
    char z[32];
    int n = snprintf(z, sizeof z, "e-%ld", i);
    return dedup_hash(d, sys, z, (size_t)n);
}

/* dedup-1: new once, duplicate after; other systems are separate */
static void test_basic(void **state) {
    (void)state;
    DedupIndex d;
    assert_int_equal(dedup_init(&d, 30, 1 << 22, aKey), 0);
    for (long i = 0; i < 300000; i++)
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), 20000), 1);
    for (long i = 0; i < 300000; i += 7)
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), 20001), 0);
    for (long i = 0; i < 1000; i++)
        assert_int_equal(dedup_insert(&d, h_of(&d, 2, i), 20001), 1);
    assert_true(dedup_contains(&d, h_of(&d, 1, 5), 20001));
    assert_false(dedup_contains(&d, h_of(&d, 1, 300001), 20001));
    assert_true(dedup_hash(&d, 1, "abcdefghij", 10) != dedup_hash(&d, 1, "abcdefghik", 10));
    assert_true(dedup_hash(&d, 1, "", 0) != dedup_hash(&d, 2, "", 0));
    assert_int_equal(dedup_horizon_days(&d), 30);
    dedup_free(&d);
}

/* dedup-2: after the horizon an id is new again; inside it, not */
static void test_horizon(void **state) {
    (void)state;
    DedupIndex d;
    assert_int_equal(dedup_init(&d, 30, 1 << 20, aKey), 0);
    for (long i = 0; i < 1000; i++)
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), 100), 1);
    for (long i = 0; i < 1000; i++) /* day 129 is the 30th day from 100 */
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), 129), 0);
    for (long i = 0; i < 1000; i++)
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), 130), 1);
    dedup_free(&d);
}

/* dedup-3: the cap bounds the table and drops the oldest days first */
static void test_cap(void **state) {
    (void)state;
    DedupIndex d;
    size_t nCap = 20000;
    assert_int_equal(dedup_init(&d, 30, nCap, aKey), 0);
    for (int day = 0; day < 10; day++)
        for (long i = 0; i < 6000; i++) {
            assert_int_equal(dedup_insert(&d, h_of(&d, 1, day * 100000L + i), 500 + day), 1);
            assert_true(d.nSlot <= 4 * nCap); /* memory stays bounded */
        }
    /* the last two days are held in full */
    for (int day = 8; day < 10; day++)
        for (long i = 0; i < 6000; i++)
            assert_true(dedup_contains(&d, h_of(&d, 1, day * 100000L + i), 509));
    assert_true(dedup_horizon_days(&d) < 30 && dedup_horizon_days(&d) >= 3);
    dedup_free(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_horizon),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
