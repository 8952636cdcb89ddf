/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HTML escaping for the report writers. */
#ifndef KEEL_REPORT_HTML_H
#define KEEL_REPORT_HTML_H
#include "util/buf.h"

/* Append z (UTF-8, may be NULL: nothing) with & < > " ' escaped, so it is
 * safe in element content and in quoted attribute values. */
void html_escape(Buf *b, const char *z);

/* Append the template zTmpl with each "%s" replaced by the next argument
 * (const char *, NULL: nothing) escaped as by html_escape, and "%%" by a
 * percent sign; the rest of the template is copied as it stands. */
void html_put(Buf *b, const char *zTmpl, ...);

#endif
