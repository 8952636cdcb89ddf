/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A committee meeting as one self-contained HTML document: the agenda and
 * the minutes (every decision with its count, votes, conflicts and
 * whether it was carried out), in English or Chinese. */
#ifndef KEEL_REPORT_MINUTES_H
#define KEEL_REPORT_MINUTES_H
#include "util/buf.h"
#include <jansson.h>

/* Write meeting (as meeting_get answers it) in zLang ("en" or "zh-CN")
 * into out. */
void report_minutes(const json_t *meeting, const char *zLang, Buf *out);

#endif
