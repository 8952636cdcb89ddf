/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HTML escaping for the report writers. */
#ifndef KEEL_REPORT_HTML_H
#define KEEL_REPORT_HTML_H
#include "util/buf.h"

/* Append z (UTF-8, may be NULL: nothing) with & < > " ' escaped, so it is
 * safe in element content and in quoted attribute values. */
void html_escape(Buf *b, const char *z);

#endif
