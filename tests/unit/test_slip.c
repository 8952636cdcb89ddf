/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of schedule slip detection (domain/slip.c, slip_eval and
 * slip_day), by table (slip-N) with hand-built dates: a planned date, what
 * happened (a date, done at an unknown date, or not yet) and the day of
 * the evaluation, with the state and days worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "domain/slip.h"

typedef struct Row {
    const char *zCase, *zPlanned, *zActual;
    int bDone;
    const char *zToday;
    int rc, state;
    int64_t days;
} Row;

enum { PE = SLIP_PENDING, OT = SLIP_ON_TIME, LA = SLIP_LATE, OV = SLIP_OVERDUE };

static const Row aRow[] = {
    /* not yet happened, plan ahead: pending, days left */
    {"slip-1.1", "2026-12-20", NULL, 0, "2026-12-08", 0, PE, 12},
    /* the plan's day itself is not late yet */
    {"slip-1.2", "2026-12-08", NULL, 0, "2026-12-08", 0, PE, 0},
    /* one day past: overdue by 1 */
    {"slip-1.3", "2026-12-07", NULL, 0, "2026-12-08", 0, OV, 1},
    /* across a year end: 2026-11-30 to 2026-12-31 is 31 days, then 5 more: 36 */
    {"slip-1.4", "2026-11-30", "", 0, "2027-01-05", 0, OV, 36},
    /* across a leap day: 2028-02-28 to 2028-03-01 = 2 days */
    {"slip-1.5", "2028-02-28", NULL, 0, "2028-03-01", 0, OV, 2},
    /* happened before the plan: on time, 3 days early */
    {"slip-2.1", "2026-10-10", "2026-10-07", 0, "2026-12-08", 0, OT, 3},
    /* happened on the day: on time */
    {"slip-2.2", "2026-10-10", "2026-10-10T09:30:00Z", 0, "2026-12-08", 0, OT, 0},
    /* happened after the plan: late by 21 days (Oct 10 -> Oct 31) */
    {"slip-2.3", "2026-10-10", "2026-10-31T23:59:59Z", 0, "2026-12-08", 0, LA, 21},
    /* happened at an unknown date: counted on time */
    {"slip-2.4", "2026-10-10", NULL, 1, "2026-12-08", 0, OT, 0},
    /* a known date wins over bDone */
    {"slip-2.5", "2026-10-10", "2026-10-12", 1, "2026-12-08", 0, LA, 2},
    /* bad dates: refused */
    {"slip-3.1", "2026-13-01", NULL, 0, "2026-12-08", -1, 0, 0},
    {"slip-3.2", "2026-02-29", NULL, 0, "2026-12-08", -1, 0, 0},
    {"slip-3.3", "2026-10-10", "soon", 0, "2026-12-08", -1, 0, 0},
    {"slip-3.4", "", NULL, 0, "2026-12-08", -1, 0, 0},
};

static void test_table(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof aRow / sizeof aRow[0]; i++) {
        const Row *r = &aRow[i];
        SlipEval ev = {-1, -1};
        int rc = slip_eval(r->zPlanned, r->zActual, r->bDone, r->zToday, &ev);
        if (rc != r->rc) fail_msg("%s: rc %d, want %d", r->zCase, rc, r->rc);
        if (rc == 0 && (ev.state != r->state || ev.days != r->days))
            fail_msg("%s: %s %lld days, want %s %lld", r->zCase, slip_state_name(ev.state),
                     (long long)ev.days, slip_state_name(r->state), (long long)r->days);
    }
}

/* slip-4: day numbers against known ones */
static void test_day(void **state) {
    (void)state;
    int64_t d = -1;
    assert_int_equal(slip_day("1970-01-01", &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(slip_day("2000-03-01", &d), 0);
    assert_int_equal(d, 11017); /* 30 years of 365 days + 7 leap days + 59 days of 2000 */
    assert_int_equal(slip_day("1969-12-31", &d), 0);
    assert_int_equal(d, -1);
    assert_int_equal(slip_day("2026-1-01", &d), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_table), cmocka_unit_test(test_day)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
