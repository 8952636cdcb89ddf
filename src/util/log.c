/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stderr logger; see log.h. */
#include "util/log.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int g_level = LOG_INFO;

void log_set_level(int level) { g_level = level; }

size_t log_escape(const char *z, char *zOut, size_t nOut) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)z;
    size_t k = 0;
    if (nOut == 0) return 0;
    while (*p && k + 5 < nOut) {
        unsigned c = *p;
        size_t len = c < 0x80             ? 1
                     : (c & 0xE0) == 0xC0 ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 0;
        if (c >= 0x20 && c != 0x7f && c != '\\' && len == 1) {
            zOut[k++] = (char)c;
            p++;
        } else if (len > 1 && strnlen((const char *)p, len) == len &&
                   utf8_valid((const char *)p, len)) {
            if (k + len >= nOut) break;
            memcpy(zOut + k, p, len);
            k += len;
            p += len;
        } else if (c == '\\') {
            zOut[k++] = '\\';
            zOut[k++] = '\\';
            p++;
        } else {
            zOut[k++] = '\\';
            zOut[k++] = 'x';
            zOut[k++] = hex[c >> 4];
            zOut[k++] = hex[c & 15];
            p++;
        }
    }
    zOut[k] = 0;
    return k;
}

void log_msg(int level, const char *zFmt, ...) {
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < g_level) return;
    char ts[32], msg[2048], esc[4096];
    time_iso_now(ts, sizeof ts);
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(msg, sizeof msg, zFmt, ap);
    va_end(ap);
    /* one event, one line: control characters, backslashes and bytes that
     * are not UTF-8 (from request paths, e-mails, …) cannot forge lines */
    log_escape(msg, esc, sizeof esc);
    fprintf(stderr, "%s %s %s\n", ts, names[level & 3], esc);
}
