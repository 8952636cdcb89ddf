/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HTML escaping for the report writers (see html.h). */
#include "report/html.h"

void html_escape(Buf *b, const char *z) {
    if (!z) return;
    for (const char *p = z; *p; p++) {
        switch (*p) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_putc(b, *p);
        }
    }
}
