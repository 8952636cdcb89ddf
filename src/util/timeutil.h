/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time helpers: UTC, ISO 8601 on the wire. */
#ifndef KEEL_UTIL_TIMEUTIL_H
#define KEEL_UTIL_TIMEUTIL_H
#include <stddef.h>
#include <stdint.h>

/* Seconds since the Unix epoch (UTC). */
int64_t time_now(void);
/* Monotonic milliseconds, for measuring durations. */
double time_mono_ms(void);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into z (n >= 21). */
void time_iso(int64_t t, char *z, size_t n);
/* The current time in that format, with milliseconds. */
void time_iso_now(char *z, size_t n);
/* Parse "YYYY-MM-DD" or a full ISO 8601 UTC timestamp; 0 ok, KEEL_EINVAL. */
int time_parse_iso(const char *z, int64_t *pt);

#endif
