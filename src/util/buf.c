/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Growable byte buffer with a cap and a sticky error; see buf.h. */
#include "util/buf.h"
#include "util/fault.h"
#include "util/err.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(Buf *b, size_t nCap) {
    memset(b, 0, sizeof *b);
    b->nCap = nCap;
}

void buf_reset(Buf *b) {
    size_t nCap = b->nCap;
    free(b->z);
    buf_init(b, nCap);
}

/* Make room for n more bytes plus the NUL; set the sticky error on failure. */
static int buf_reserve(Buf *b, size_t n) {
    if (b->err) return b->err;
    if (b->nCap && (n > b->nCap || b->n > b->nCap - n)) {
        b->err = KEEL_ETOOBIG;
        return b->err;
    }
    if (n > SIZE_MAX - 1 - b->n) { /* an uncapped buffer cannot grow past SIZE_MAX */
        b->err = KEEL_ENOMEM;
        return b->err;
    }
    size_t need = b->n + n + 1;
    if (need <= b->nAlloc) return 0;
    size_t nNew = b->nAlloc ? b->nAlloc : 64;
    while (nNew < need)
        nNew = nNew > SIZE_MAX / 2 ? need : nNew * 2;
    char *z = fault_alloc() ? NULL : realloc(b->z, nNew);
    if (!z) {
        b->err = KEEL_ENOMEM;
        return b->err;
    }
    b->z = z;
    b->nAlloc = nNew;
    return 0;
}

void buf_prealloc(Buf *b, size_t n) { (void)buf_reserve(b, n); }

void buf_append(Buf *b, const void *p, size_t n) {
    if (buf_reserve(b, n)) return;
    if (n) memcpy(b->z + b->n, p, n);
    b->n += n;
    b->z[b->n] = 0;
}

void buf_puts(Buf *b, const char *z) { buf_append(b, z, strlen(z)); }

void buf_putc(Buf *b, char c) { buf_append(b, &c, 1); }

void buf_vprintf(Buf *b, const char *zFmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, zFmt, ap2);
    va_end(ap2);
    if (n < 0) {
        if (!b->err) b->err = KEEL_EINTERNAL;
        return;
    }
    if ((size_t)n < sizeof tmp) {
        buf_append(b, tmp, (size_t)n);
        return;
    }
    if (buf_reserve(b, (size_t)n)) return;
    vsnprintf(b->z + b->n, (size_t)n + 1, zFmt, ap);
    b->n += (size_t)n;
}

void buf_printf(Buf *b, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    buf_vprintf(b, zFmt, ap);
    va_end(ap);
}

void buf_json_str(Buf *b, const char *z) {
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)z; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c == '\n') {
            buf_puts(b, "\\n");
        } else if (c == '\r') {
            buf_puts(b, "\\r");
        } else if (c == '\t') {
            buf_puts(b, "\\t");
        } else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_append(b, e, 6);
        } else {
            buf_putc(b, (char)c);
        }
    }
    buf_putc(b, '"');
}

void buf_csv_field(Buf *b, const char *z) {
    if (!z) return;
    /* A text cell that a spreadsheet would read as a formula (= + - @, or a
     * tab or CR before one) gets a leading apostrophe: OWASP's rule against
     * CSV injection. Numbers are written by the callers, never through here. */
    int bFormula = strchr("=+-@\t\r", z[0]) != NULL && z[0] != 0;
    if (!strpbrk(z, ",\"\r\n")) {
        if (bFormula) buf_putc(b, '\'');
        buf_puts(b, z);
        return;
    }
    buf_putc(b, '"');
    if (bFormula) buf_putc(b, '\'');
    for (const char *p = z; *p; p++) {
        if (*p == '"') buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

int buf_err(const Buf *b) { return b->err; }

char *buf_steal(Buf *b, size_t *pn) {
    if (b->err) {
        buf_reset(b);
        if (pn) *pn = 0;
        return NULL;
    }
    if (!b->z && buf_reserve(b, 0)) return NULL;
    if (!b->z) return NULL;
    b->z[b->n] = 0;
    char *z = b->z;
    if (pn) *pn = b->n;
    size_t nCap = b->nCap;
    buf_init(b, nCap);
    return z;
}
