/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness for the line and word diff (engine/textdiff.c): the input
 * is cut at its first 0x01 byte (or its middle) into texts a and b, and
 * both are diffed by line and by word. Properties checked, any violation
 * traps:
 *  - the SAME and DEL chunks rebuild a, the SAME and ADD chunks rebuild b;
 *  - every chunk lies inside its text and is not empty;
 *  - with a == b nothing is deleted or added. */
#include "engine/textdiff.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(const char *a, size_t na, const char *b, size_t nb, int mode) {
    TextDiff d;
    if (textdiff(a, na, b, nb, mode, &d)) return; /* out of memory */
    size_t ka = 0, kb = 0;
    for (size_t i = 0; i < d.nChunk; i++) {
        const TextDiffChunk *c = &d.aChunk[i];
        if (c->len == 0) __builtin_trap();
        if (c->op != TEXTDIFF_ADD) {
            if (c->off != ka || c->off + c->len > na) __builtin_trap();
            ka += c->len;
        }
        if (c->op != TEXTDIFF_DEL) {
            /* SAME chunks carry a's offsets: compare the bytes with b's */
            const char *src = c->op == TEXTDIFF_ADD ? b + c->off : a + c->off;
            if (kb + c->len > nb || memcmp(src, b + kb, c->len)) __builtin_trap();
            if (c->op == TEXTDIFF_ADD && c->off != kb) __builtin_trap();
            kb += c->len;
        }
    }
    if (ka != na || kb != nb) __builtin_trap();
    if (na == nb && memcmp(a, b, na) == 0 && (d.nDel || d.nAdd)) __builtin_trap();
    textdiff_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 8192) return 0;
    const char *z = (const char *)data;
    const char *cut = memchr(z, 1, size);
    size_t na = cut ? (size_t)(cut - z) : size / 2;
    const char *b = cut ? cut + 1 : z + na;
    size_t nb = size - na - (cut ? 1 : 0);
    for (int mode = 0; mode < 2; mode++) {
        check(z, na, b, nb, mode);
        check(z, na, z, na, mode);
    }
    return 0;
}
