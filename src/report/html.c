/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HTML escaping for the report writers (see html.h). */
#include "report/html.h"
#include <stdarg.h>
#include <string.h>

void html_put(Buf *b, const char *zTmpl, ...) {
    va_list ap;
    va_start(ap, zTmpl);
    const char *p = zTmpl;
    for (const char *q; (q = strchr(p, '%')) != NULL; p = q + 2) {
        buf_append(b, p, (size_t)(q - p));
        if (q[1] == 's')
            html_escape(b, va_arg(ap, const char *));
        else if (q[1] == '%')
            buf_putc(b, '%');
        else
            break; /* no other conversion: the rest is copied */
    }
    buf_puts(b, p);
    va_end(ap);
}

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
