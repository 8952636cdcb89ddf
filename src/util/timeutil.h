/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time helpers: UTC, ISO 8601 on the wire. */
#ifndef KEEL_UTIL_TIMEUTIL_H
#define KEEL_UTIL_TIMEUTIL_H
#include <stddef.h>
#include <stdint.h>

/* Read KEEL_NOW ("2027-12-07" or "2027-12-07T09:00:00Z"): when set, keel's
 * clock starts at that instant and runs on from it, for every command
 * (tests of the demo a year ahead, docs/demo.md). Called once by main
 * before any thread starts; KEEL_EINVAL when KEEL_NOW is malformed. */
int time_init(void);
/* Move keel's clock by seconds (0 puts it back) for the caller's next
 * writes: the demo dates its stage moves and sign-offs in the past. Not
 * for threaded code. */
void time_shift(int64_t seconds);
/* Seconds since the Unix epoch (UTC), by keel's clock. */
int64_t time_now(void);
/* Monotonic milliseconds, for measuring durations. */
double time_mono_ms(void);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into z (n >= 21). */
void time_iso(int64_t t, char *z, size_t n);
/* Format t's UTC date as "YYYY-MM-DD" into z (n >= 11). */
void time_date(int64_t t, char *z, size_t n);
/* The current time in that format, with milliseconds. */
void time_iso_now(char *z, size_t n);
/* Parse "YYYY-MM-DD" or a full ISO 8601 UTC timestamp; 0 ok, KEEL_EINVAL. */
int time_parse_iso(const char *z, int64_t *pt);
/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d (m 1 to 12,
 * d 1 to 31; H. Hinnant's days_from_civil). Pure: engines use it. */
static inline int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

#endif
