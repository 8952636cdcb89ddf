/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reporting periods: fiscal quarters "2026Q3" and calendar months
 * "2026-09". A fiscal year starting in month s (1 = January) is named by
 * the calendar year in which it ends: with s = 4, 2026Q1 is April to June
 * 2025 and 2026Q4 is January to March 2026; with s = 1 quarters are
 * calendar quarters. Periods map to a month index (year * 12 + month - 1)
 * for ordering and trend lines. */
#ifndef KEEL_UTIL_PERIOD_H
#define KEEL_UTIL_PERIOD_H
#include <stdint.h>

enum { PERIOD_QUARTER = 1, PERIOD_MONTH = 2 };

typedef struct Period {
    int kind;       /* PERIOD_QUARTER or PERIOD_MONTH */
    int year;       /* as written */
    int part;       /* quarter 1-4 or month 1-12 */
    int firstMonth; /* month index of its first calendar month */
    double mid;     /* month index of its middle (quarters: first + 1) */
} Period;

/* Parse z with the fiscal year starting in month fiscalStart (1-12).
 * Returns 0 or KEEL_EINVAL (years 1900-2200). */
int period_parse(const char *z, int fiscalStart, Period *p);

/* The fiscal quarter holding instant t (Unix seconds, UTC), moved by
 * offset quarters (-1 = the last full quarter), as "2026Q3" into z. */
void period_quarter_at(int64_t t, int fiscalStart, int offset, char z[12]);

#endif
