/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stderr logger; see log.h. */
#include "util/log.h"
#include "util/timeutil.h"
#include <stdarg.h>
#include <stdio.h>

static int g_level = LOG_INFO;

void log_set_level(int level) { g_level = level; }

void log_msg(int level, const char *zFmt, ...) {
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < g_level) return;
    char ts[32], msg[2048];
    time_iso_now(ts, sizeof ts);
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(msg, sizeof msg, zFmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %s %s\n", ts, names[level & 3], msg);
}
