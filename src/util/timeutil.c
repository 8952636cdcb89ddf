/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UTC time helpers; see timeutil.h. */
#include "util/timeutil.h"
#include "util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds added to the system clock: KEEL_NOW's offset (set once, by
 * time_init before any thread starts) plus time_shift's. */
static int64_t g_offset, g_shift;

int time_init(void) {
    const char *z = getenv("KEEL_NOW");
    g_offset = 0;
    if (!z || !*z) return 0;
    int64_t t;
    if (time_parse_iso(z, &t)) return KEEL_EINVAL;
    g_offset = t - (int64_t)time(NULL);
    return 0;
}

void time_shift(int64_t seconds) { g_shift = seconds; }

int64_t time_now(void) { return (int64_t)time(NULL) + g_offset + g_shift; }

double time_mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void time_iso(int64_t t, char *z, size_t n) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(z, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_date(int64_t t, char *z, size_t n) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(z, n, "%Y-%m-%d", &tm);
}

void time_iso_now(char *z, size_t n) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(g_offset + g_shift);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(z, n, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
}

int time_parse_iso(const char *z, int64_t *pt) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int y, mo, d, h = 0, mi = 0, s = 0;
    char tail[8] = {0};
    size_t len = strlen(z);
    if (len == 10) {
        if (sscanf(z, "%4d-%2d-%2d", &y, &mo, &d) != 3) return KEEL_EINVAL;
    } else if (len == 20) {
        if (sscanf(z, "%4d-%2d-%2dT%2d:%2d:%2d%1s", &y, &mo, &d, &h, &mi, &s, tail) != 7 ||
            strcmp(tail, "Z") != 0)
            return KEEL_EINVAL;
    } else {
        return KEEL_EINVAL;
    }
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return KEEL_EINVAL;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    time_t t = timegm(&tm);
    struct tm back;
    gmtime_r(&t, &back);
    if (back.tm_mday != d) return KEEL_EINVAL; /* e.g. 2026-02-31 */
    *pt = (int64_t)t;
    return 0;
}
