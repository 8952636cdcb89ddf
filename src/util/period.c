/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Period parsing; see period.h. */
#include "util/period.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static int digits(const char *z, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (z[i] < '0' || z[i] > '9') return -1;
        v = v * 10 + (z[i] - '0');
    }
    return v;
}

int period_parse(const char *z, int fiscalStart, Period *p) {
    if (!z || fiscalStart < 1 || fiscalStart > 12) return KEEL_EINVAL;
    size_t n = strlen(z);
    int year = n >= 4 ? digits(z, 4) : -1;
    if (year < 1900 || year > 2200) return KEEL_EINVAL;
    if (n == 6 && z[4] == 'Q' && z[5] >= '1' && z[5] <= '4') {
        int q = z[5] - '0';
        p->kind = PERIOD_QUARTER;
        p->year = year;
        p->part = q;
        int start = fiscalStart == 1 ? year * 12 : (year - 1) * 12 + (fiscalStart - 1);
        p->firstMonth = start + (q - 1) * 3;
        p->mid = p->firstMonth + 1;
        return 0;
    }
    if (n == 7 && z[4] == '-') {
        int m = digits(z + 5, 2);
        if (m < 1 || m > 12) return KEEL_EINVAL;
        p->kind = PERIOD_MONTH;
        p->year = year;
        p->part = m;
        p->firstMonth = year * 12 + m - 1;
        p->mid = p->firstMonth;
        return 0;
    }
    return KEEL_EINVAL;
}

void period_quarter_at(int64_t t, int fiscalStart, int offset, char z[12]) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    int s = fiscalStart < 1 || fiscalStart > 12 ? 1 : fiscalStart;
    int m = tm.tm_mon + 1, y = tm.tm_year + 1900;
    int fy = s == 1 ? y : (m >= s ? y + 1 : y);
    int ord = fy * 4 + ((m - s + 12) % 12) / 3 + offset;
    snprintf(z, 12, "%04dQ%d", (ord / 4) % 10000, ord % 4 + 1);
}
