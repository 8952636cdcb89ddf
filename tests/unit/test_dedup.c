/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/dedup.c: every distinct id is new once and a
 * duplicate after; ids of different systems are different; the horizon
 * lets an id back in after it; inserts undo exactly; the memory cap holds
 * and drops the oldest generation first, also within one day. */
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
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), (20000) * 86400LL, NULL, NULL), 1);
    for (long i = 0; i < 300000; i += 7)
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), (20001) * 86400LL, NULL, NULL), 0);
    for (long i = 0; i < 1000; i++)
        assert_int_equal(dedup_insert(&d, h_of(&d, 2, i), (20001) * 86400LL, NULL, NULL), 1);
    assert_true(dedup_contains(&d, h_of(&d, 1, 5), (20001) * 86400LL));
    assert_false(dedup_contains(&d, h_of(&d, 1, 300001), (20001) * 86400LL));
    assert_true(dedup_hash(&d, 1, "abcdefghij", 10) != dedup_hash(&d, 1, "abcdefghik", 10));
    assert_true(dedup_hash(&d, 1, "", 0) != dedup_hash(&d, 2, "", 0));
    assert_true(dedup_horizon_s(&d, 20001 * 86400LL) == 30 * 86400LL);
    /* inserts undone in reverse leave nothing behind */
    size_t aSlot[50];
    uint64_t aOld[50];
    for (long i = 0; i < 50; i++)
        assert_int_equal(dedup_insert(&d, h_of(&d, 3, i), 20001 * 86400LL, &aSlot[i], &aOld[i]), 1);
    for (long i = 49; i >= 0; i--)
        dedup_undo(&d, aSlot[i], aOld[i]);
    for (long i = 0; i < 50; i++)
        assert_false(dedup_contains(&d, h_of(&d, 3, i), 20001 * 86400LL));
    dedup_free(&d);
}

/* dedup-2: after the horizon an id is new again; inside it, not */
static void test_horizon(void **state) {
    (void)state;
    DedupIndex d;
    assert_int_equal(dedup_init(&d, 30, 1 << 20, aKey), 0);
    for (long i = 0; i < 1000; i++)
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), (100) * 86400LL, NULL, NULL), 1);
    for (long i = 0; i < 1000; i++) /* day 129 is the 30th day from 100 */
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), (129) * 86400LL, NULL, NULL), 0);
    for (long i = 0; i < 1000; i++)
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), (130) * 86400LL, NULL, NULL), 1);
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
            assert_int_equal(dedup_insert(&d, h_of(&d, 1, day * 100000L + i), (500 + day) * 86400LL, NULL, NULL), 1);
            assert_true(d.nSlot <= 4 * nCap); /* memory stays bounded */
        }
    /* the last two days are held in full */
    for (int day = 8; day < 10; day++)
        for (long i = 0; i < 6000; i++)
            assert_true(dedup_contains(&d, h_of(&d, 1, day * 100000L + i), (509) * 86400LL));
    int64_t hz = dedup_horizon_s(&d, 509 * 86400LL);
    assert_true(hz < 30 * 86400LL && hz >= 2 * 86400LL);
    /* one day alone past the cap: memory still bounded, the latest held */
    for (long i = 0; i < 100000; i++) {
        assert_int_equal(dedup_insert(&d, h_of(&d, 2, i), 600 * 86400LL + i / 100, NULL, NULL), 1);
        assert_true(d.nSlot <= 4 * nCap);
    }
    for (long i = 99000; i < 100000; i++)
        assert_true(dedup_contains(&d, h_of(&d, 2, i), 600 * 86400LL + 1000));
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
