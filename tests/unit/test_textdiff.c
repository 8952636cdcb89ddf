/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the line and word diff (engine/textdiff.c), by table
 * (tdiff-N): each row gives two texts, the mode, and the diff written by
 * hand as the texts with [-deleted-] and {+added+} marks, and the counts
 * of tokens deleted and added. Then properties that hold for any pair:
 * the SAME and DEL chunks rebuild a, the SAME and ADD chunks rebuild b,
 * checked on pseudo-random texts; and the edit bound's coarse answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/textdiff.h"

typedef struct Row {
    const char *zCase, *a, *b;
    int mode;
    const char *zWant;
    size_t nDel, nAdd;
} Row;

enum { L = TEXTDIFF_LINE, W = TEXTDIFF_WORD };

static const Row aRow[] = {
    {"tdiff-1.1", "", "", W, "", 0, 0},
    {"tdiff-1.2", "same text", "same text", W, "same text", 0, 0},
    {"tdiff-1.3", "", "new", W, "{+new+}", 0, 1},
    {"tdiff-1.4", "old", "", W, "[-old-]", 1, 0},
    /* one word replaced: tokens "a", " ", "customer", ... */
    {"tdiff-1.5", "a high-value customer", "a loyal customer", W,
     "a [-high-value-]{+loyal+} customer", 1, 1},
    /* a word added at the end: the space and the word */
    {"tdiff-1.6", "spend over 1000", "spend over 1000 yearly", W, "spend over 1000{+ yearly+}", 0, 2},
    /* the KPI formula: one number changed */
    {"tdiff-1.7", "12-month spend >= 5000 EUR", "12-month spend >= 8000 EUR", W,
     "12-month spend >= [-5000-]{+8000+} EUR", 1, 1},
    /* Chinese: character by character */
    {"tdiff-1.8", "高价值客户", "高忠诚客户", W, "高[-价值-]{+忠诚+}客户", 2, 2},
    /* lines: the middle line changed */
    {"tdiff-2.1", "one\ntwo\nthree\n", "one\n2\nthree\n", L, "one\n[-two\n-]{+2\n+}three\n", 1, 1},
    /* a last line without newline is a line too */
    {"tdiff-2.2", "a\nb", "a\nb\nc", L, "a\n[-b-]{+b\nc+}", 1, 2},
    {"tdiff-2.3", "x\n", "x\n", L, "x\n", 0, 0},
    /* a line moved: deleted where it was, added where it is */
    {"tdiff-2.4", "a\nb\nc\n", "b\nc\na\n", L, "[-a\n-]b\nc\n{+a\n+}", 1, 1},
};

/* The diff written with marks. */
static char *render(const char *a, const char *b, const TextDiff *d) {
    size_t cap = 64;
    for (size_t i = 0; i < d->nChunk; i++)
        cap += d->aChunk[i].len + 4;
    char *z = malloc(cap), *p = z;
    for (size_t i = 0; i < d->nChunk; i++) {
        const TextDiffChunk *c = &d->aChunk[i];
        const char *src = c->op == TEXTDIFF_ADD ? b : a;
        const char *zOpen = c->op == TEXTDIFF_DEL ? "[-" : c->op == TEXTDIFF_ADD ? "{+" : "";
        const char *zClose = c->op == TEXTDIFF_DEL ? "-]" : c->op == TEXTDIFF_ADD ? "+}" : "";
        p += sprintf(p, "%s%.*s%s", zOpen, (int)c->len, src + c->off, zClose);
    }
    *p = 0;
    return z;
}

static void test_table(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof aRow / sizeof aRow[0]; i++) {
        const Row *r = &aRow[i];
        TextDiff d;
        assert_int_equal(textdiff(r->a, strlen(r->a), r->b, strlen(r->b), r->mode, &d), 0);
        char *z = render(r->a, r->b, &d);
        if (strcmp(z, r->zWant) || d.nDel != r->nDel || d.nAdd != r->nAdd)
            fail_msg("%s: got '%s' (-%zu +%zu), want '%s' (-%zu +%zu)", r->zCase, z, d.nDel,
                     d.nAdd, r->zWant, r->nDel, r->nAdd);
        assert_false(d.bCoarse);
        free(z);
        textdiff_free(&d);
    }
}

/* Rebuild one side from the chunks: SAME + DEL give a, SAME + ADD give b. */
static void rebuild(const char *a, const char *b, const TextDiff *d, int bSideA, char *out) {
    size_t k = 0;
    for (size_t i = 0; i < d->nChunk; i++) {
        const TextDiffChunk *c = &d->aChunk[i];
        if (c->op == TEXTDIFF_SAME || c->op == (bSideA ? TEXTDIFF_DEL : TEXTDIFF_ADD)) {
            memcpy(out + k, (c->op == TEXTDIFF_ADD ? b : a) + c->off, c->len);
            k += c->len;
        }
    }
    out[k] = 0;
}

static unsigned next(unsigned *s) { return *s = *s * 1103515245u + 12345u; }

/* tdiff-3: 500 random pairs from a small vocabulary, both modes */
static void test_rebuild(void **state) {
    (void)state;
    static const char *const azWord[] = {"a", "b", "cc", " ", "\n", "客", "ddd ", "  "};
    unsigned seed = 7;
    char a[400], b[400], out[400];
    for (int n = 0; n < 500; n++) {
        size_t na = 0, nb = 0;
        int ka = (int)(next(&seed) >> 16) % 40, kb = (int)(next(&seed) >> 16) % 40;
        for (int i = 0; i < ka; i++)
            na += (size_t)sprintf(a + na, "%s", azWord[(next(&seed) >> 16) % 8]);
        /* b: a edited (most of a kept) or fresh */
        memcpy(b, a, na);
        nb = na;
        for (int i = 0; i < kb / 8; i++) {
            size_t at = nb ? (next(&seed) >> 16) % nb : 0;
            b[at] = "xyz \n"[(next(&seed) >> 16) % 5];
        }
        a[na] = b[nb] = 0;
        for (int mode = 0; mode < 2; mode++) {
            TextDiff d;
            assert_int_equal(textdiff(a, na, b, nb, mode, &d), 0);
            rebuild(a, b, &d, 1, out);
            if (strcmp(out, a)) fail_msg("tdiff-3.%d mode %d: side a not rebuilt", n, mode);
            rebuild(a, b, &d, 0, out);
            if (strcmp(out, b)) fail_msg("tdiff-3.%d mode %d: side b not rebuilt", n, mode);
            for (size_t i = 0; i < d.nChunk; i++)
                assert_true(d.aChunk[i].len > 0);
            textdiff_free(&d);
        }
    }
}

/* tdiff-4: more edits than the bound: the coarse answer, still exact */
static void test_coarse(void **state) {
    (void)state;
    size_t n = TEXTDIFF_MAX_EDITS + 10;
    char *a = malloc(2 * n + 1), *b = malloc(2 * n + 1), *out = malloc(4 * n + 1);
    for (size_t i = 0; i < n; i++) {
        a[2 * i] = 'a';
        b[2 * i] = 'b';
        a[2 * i + 1] = b[2 * i + 1] = '\n';
    }
    a[2 * n] = b[2 * n] = 0;
    TextDiff d;
    assert_int_equal(textdiff(a, 2 * n, b, 2 * n, TEXTDIFF_LINE, &d), 0);
    assert_true(d.bCoarse);
    assert_int_equal(d.nDel, n);
    assert_int_equal(d.nAdd, n);
    assert_int_equal(d.nChunk, 2);
    rebuild(a, b, &d, 0, out);
    assert_string_equal(out, b);
    textdiff_free(&d);
    free(a);
    free(b);
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_rebuild),
        cmocka_unit_test(test_coarse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
