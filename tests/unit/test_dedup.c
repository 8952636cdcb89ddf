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

/* dedup-4: under steady load in batches the table grows in steps without
 * a rebuild at once, then keeps its size; dead entries are swept; inserts
 * undo exactly while the table is moving */
static void test_steady(void **state) {
    (void)state;
    DedupIndex d;
    size_t nCap = 1 << 18;
    assert_int_equal(dedup_init(&d, 30, nCap, aKey), 0);
    int64_t t = 700 * 86400LL;
    long next = 0, nMoveUndo = 0;
    size_t nSlotSeen = 0;
    for (int b = 0; b < 600; b++, t += 60) {
        assert_int_equal(dedup_reserve(&d, 5000, t), 0);
        if (d.aOld && nMoveUndo < 3) { /* a batch undone mid-move leaves no trace */
            size_t aSlot[5000];
            uint64_t aOld[5000];
            size_t nUsed = d.nUsed, nLive = d.nLive;
            for (long i = 0; i < 5000; i++)
                assert_int_equal(dedup_insert(&d, h_of(&d, 9, nMoveUndo * 5000 + i), t, &aSlot[i], &aOld[i]), 1);
            for (long i = 4999; i >= 0; i--)
                dedup_undo(&d, aSlot[i], aOld[i]);
            assert_int_equal(d.nUsed, nUsed);
            assert_int_equal(d.nLive, nLive);
            for (long i = 0; i < 5000; i++)
                assert_false(dedup_contains(&d, h_of(&d, 9, nMoveUndo * 5000 + i), t));
            for (long i = next > 50000 ? next - 50000 : 0; i < next; i += 97)
                assert_true(dedup_contains(&d, h_of(&d, 1, i), t));
            nMoveUndo++;
            assert_int_equal(dedup_reserve(&d, 5000, t), 0);
        }
        for (int i = 0; i < 5000; i++)
            assert_int_equal(dedup_insert(&d, h_of(&d, 1, next++), t, NULL, NULL), 1);
        assert_true(d.nSlot <= d.nSlotMax && d.nSlotMax == 2 * nCap);
        assert_true(d.nLive <= nCap + 5000);
        if (b >= 300) { /* long past the cap: one table of a fixed size */
            if (!nSlotSeen) nSlotSeen = d.nSlot;
            assert_int_equal(d.nSlot, nSlotSeen);
            assert_null(d.aOld);
            assert_true(d.nUsed * 10 < d.nSlot * 7);
        }
    }
    assert_true(nMoveUndo > 0);
    assert_int_equal(nSlotSeen, 2 * nCap);
    assert_int_equal(d.nCatchUps, 0);
    for (long i = next - 200000; i < next; i++) /* the latest are held */
        assert_int_equal(dedup_insert(&d, h_of(&d, 1, i), t, NULL, NULL), 0);
    for (long i = 0; i < 1000; i++) /* the first, dropped for the cap, are new again */
        assert_false(dedup_contains(&d, h_of(&d, 1, i), t));
    assert_true(dedup_horizon_s(&d, t) < 86400);
    dedup_free(&d);
}

/* dedup-5: generation ids come round (hourly generations over years of a
 * trickle): an id's old entries never come back to life */
static void test_wrap(void **state) {
    (void)state;
    DedupIndex d;
    assert_int_equal(dedup_init(&d, 30, 1024, aKey), 0);
    int64_t t = 1000 * 86400LL;
    long n = 0;
    for (long g = 0; g < DEDUP_GENERATIONS + 1000; g++, t += 3600) {
        assert_int_equal(dedup_reserve(&d, 3, t), 0);
        for (int i = 0; i < 3; i++)
            assert_int_equal(dedup_insert(&d, h_of(&d, 1, n++), t, NULL, NULL), 1);
        if (g >= DEDUP_GENERATIONS - 2 && g < DEDUP_GENERATIONS + 2) /* an id 65536 hours old is new */
            assert_int_equal(dedup_insert(&d, h_of(&d, 1, (g - DEDUP_GENERATIONS + 2) * 3), t, NULL, NULL), g >= DEDUP_GENERATIONS - 2 ? 1 : 0);
    }
    for (long i = n - 3 * 300; i < n; i++) /* the last 300 hours are held (the cap: 1024) */
        assert_true(dedup_contains(&d, h_of(&d, 1, i), t - 3600));
    assert_false(dedup_contains(&d, h_of(&d, 1, n - 3 * 400), t - 3600));
    assert_int_equal(d.nCatchUps, 0);
    dedup_free(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_horizon),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_steady),
        cmocka_unit_test(test_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
