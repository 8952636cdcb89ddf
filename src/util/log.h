/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging to stderr: one line per event, UTC timestamp, level. Thread-safe
 * (each line is written with one fprintf call). */
#ifndef KEEL_UTIL_LOG_H
#define KEEL_UTIL_LOG_H
#include <stddef.h>

enum { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

/* Only messages at or above this level are written (default LOG_INFO). */
void log_set_level(int level);
void log_msg(int level, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));

/* Copy z into zOut (nOut bytes, NUL-terminated, truncated to fit) with
 * control characters, DEL, backslashes and bytes that are not valid UTF-8
 * written as \xNN (backslash as \\); every log line goes through it.
 * Returns the length written. */
size_t log_escape(const char *z, char *zOut, size_t nOut);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
