/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Buf: the one growable byte buffer, with a size cap and a sticky error.
 * Once an append fails (out of memory, or past the cap) every later append
 * is a no-op and buf_err() reports the first failure, so builders check
 * once at the end (SQLite's printf.c does the same). The content is always
 * NUL-terminated when z is not NULL. */
#ifndef KEEL_UTIL_BUF_H
#define KEEL_UTIL_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct Buf {
    char *z;       /* content, NUL-terminated; NULL until the first append */
    size_t n;      /* bytes used, not counting the NUL */
    size_t nAlloc; /* bytes allocated */
    size_t nCap;   /* maximum n; 0 means no cap */
    int err;       /* 0, or the first KEEL_E* that an append hit */
} Buf;

/* Initialise an empty buffer that may grow to nCap bytes (0: unlimited). */
void buf_init(Buf *b, size_t nCap);
/* Free the content and return the buffer to the empty state (cap kept). */
void buf_reset(Buf *b);
/* Make room for n more bytes now (one allocation instead of doublings
 * when the final size is known); a failure is the sticky error. */
void buf_prealloc(Buf *b, size_t n);
/* Append n bytes. */
void buf_append(Buf *b, const void *p, size_t n);
/* Append a NUL-terminated string. */
void buf_puts(Buf *b, const char *z);
/* Append one byte. */
void buf_putc(Buf *b, char c);
/* printf-style append. */
void buf_printf(Buf *b, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(Buf *b, const char *zFmt, va_list ap);
/* Append z as a JSON string literal, quotes included. */
void buf_json_str(Buf *b, const char *z);
/* Append z as one CSV text field (RFC 4180: quoted when it holds , " CR or
 * LF); a text beginning with = + - @ tab or CR gets a leading apostrophe so
 * that spreadsheets show it instead of running it (CSV injection). */
void buf_csv_field(Buf *b, const char *z);
/* The first error an append hit (0 if none). */
int buf_err(const Buf *b);
/* Take ownership of the content (caller frees; never NULL unless an error
 * occurred) and leave the buffer empty. */
char *buf_steal(Buf *b, size_t *pn);

#endif
