/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Line and word diff by Myers' greedy algorithm; see textdiff.h. */
#include "engine/textdiff.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- tokens ---- */

typedef struct Tok {
    size_t off, len;
    uint32_t hash; /* FNV-1a of the bytes, to skip most comparisons */
} Tok;

static uint32_t fnv(const char *z, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)z[i]) * 16777619u;
    return h;
}

/* Length of the token starting at z[i] (i < n). */
static size_t tok_len(const char *z, size_t n, size_t i, int mode) {
    size_t j = i;
    if (mode == TEXTDIFF_LINE) {
        while (j < n && z[j] != '\n')
            j++;
        return j < n ? j - i + 1 : j - i;
    }
    unsigned char c = (unsigned char)z[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        while (j < n && (z[j] == ' ' || z[j] == '\t' || z[j] == '\n' || z[j] == '\r'))
            j++;
        return j - i;
    }
    if (c >= 0x80) { /* one UTF-8 character: the lead byte and its continuations */
        j++;
        while (j < n && ((unsigned char)z[j] & 0xC0) == 0x80)
            j++;
        return j - i;
    }
    while (j < n) {
        unsigned char d = (unsigned char)z[j];
        if (d >= 0x80 || d == ' ' || d == '\t' || d == '\n' || d == '\r') break;
        j++;
    }
    return j - i;
}

/* Cut z[0..n) into tokens; *pa owned by the caller. -1 on no memory. */
static int tokenise(const char *z, size_t n, int mode, Tok **pa, size_t *pn) {
    size_t cap = 16, k = 0;
    Tok *a = malloc(cap * sizeof *a);
    if (!a) return -1;
    for (size_t i = 0; i < n;) {
        size_t len = tok_len(z, n, i, mode);
        if (k == cap) {
            Tok *b = realloc(a, 2 * cap * sizeof *a);
            if (!b) {
                free(a);
                return -1;
            }
            a = b;
            cap *= 2;
        }
        a[k].off = i;
        a[k].len = len;
        a[k].hash = fnv(z + i, len);
        k++;
        i += len;
    }
    *pa = a;
    *pn = k;
    return 0;
}

/* ---- output ---- */

typedef struct Out {
    TextDiff *p;
    size_t cap;
    int bFail;
} Out;

/* Append one token's operation, merging with the last chunk when it has
 * the same operation and ends where this token starts. */
static void emit(Out *o, int op, const Tok *t) {
    TextDiff *p = o->p;
    if (o->bFail) return;
    if (op == TEXTDIFF_DEL) p->nDel++;
    if (op == TEXTDIFF_ADD) p->nAdd++;
    if (p->nChunk) {
        TextDiffChunk *c = &p->aChunk[p->nChunk - 1];
        if (c->op == op && c->off + c->len == t->off) {
            c->len += t->len;
            return;
        }
    }
    if (p->nChunk == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 16;
        TextDiffChunk *b = realloc(p->aChunk, cap * sizeof *b);
        if (!b) {
            o->bFail = 1;
            return;
        }
        p->aChunk = b;
        o->cap = cap;
    }
    p->aChunk[p->nChunk].op = op;
    p->aChunk[p->nChunk].off = t->off;
    p->aChunk[p->nChunk].len = t->len;
    p->nChunk++;
}

/* ---- Myers ---- */

typedef struct Side {
    const char *z;
    const Tok *a;
    size_t n;
} Side;

static int tok_eq(const Side *A, size_t i, const Side *B, size_t j) {
    const Tok *x = &A->a[i], *y = &B->a[j];
    return x->hash == y->hash && x->len == y->len &&
           memcmp(A->z + x->off, B->z + y->off, x->len) == 0;
}

/* One step of the path read back: from the point (x, y) on diagonal k at
 * edit d, the edit that reached it (a step right: delete A[x0]; down:
 * insert B[y0]) and the diagonal snake after it. Recorded forward. */
typedef struct Step {
    int64_t x0, y0; /* where the edit starts */
    int bDown;      /* 1: insert B[y0]; 0: delete A[x0] */
    int64_t xs, ys; /* where the snake starts (after the edit) */
    int64_t x1;     /* where the snake ends (x) */
} Step;

/* V rows: row d holds x for diagonals k = -d..d (index k + d). */
static int64_t row_get(int32_t *const *aRow, int64_t d, int64_t k) { return aRow[d][k + d]; }

static int myers(const Side *A, const Side *B, Out *o) {
    int64_t n = (int64_t)A->n, m = (int64_t)B->n, max = n + m;
    if (max > TEXTDIFF_MAX_EDITS) max = TEXTDIFF_MAX_EDITS;
    int32_t **aRow = calloc((size_t)max + 1, sizeof *aRow);
    if (!aRow) return -1;
    int64_t dEnd = -1;
    int rc = 0;
    for (int64_t d = 0; d <= max && dEnd < 0; d++) {
        aRow[d] = malloc((size_t)(2 * d + 1) * sizeof **aRow);
        if (!aRow[d]) {
            rc = -1;
            break;
        }
        for (int64_t k = -d; k <= d; k += 2) {
            int64_t x;
            if (d == 0)
                x = 0;
            else if (k == -d ||
                     (k != d && row_get(aRow, d - 1, k - 1) < row_get(aRow, d - 1, k + 1)))
                x = row_get(aRow, d - 1, k + 1);
            else
                x = row_get(aRow, d - 1, k - 1) + 1;
            int64_t y = x - k;
            while (x < n && y < m && tok_eq(A, (size_t)x, B, (size_t)y)) {
                x++;
                y++;
            }
            aRow[d][k + d] = (int32_t)x;
            if (x >= n && y >= m) {
                dEnd = d;
                break;
            }
        }
    }
    if (rc == 0 && dEnd < 0) rc = 1; /* too many edits */
    if (rc == 0) {
        /* read the path back, then emit it forward */
        Step *aStep = malloc((size_t)(dEnd + 1) * sizeof *aStep);
        if (!aStep) {
            rc = -1;
        } else {
            int64_t x = n, y = m;
            for (int64_t d = dEnd; d > 0; d--) {
                int64_t k = x - y;
                int bDown = k == -d ||
                            (k != d && row_get(aRow, d - 1, k - 1) < row_get(aRow, d - 1, k + 1));
                int64_t kPrev = bDown ? k + 1 : k - 1;
                int64_t x0 = row_get(aRow, d - 1, kPrev), y0 = x0 - kPrev;
                Step *s = &aStep[d];
                s->x0 = x0;
                s->y0 = y0;
                s->bDown = bDown;
                s->xs = bDown ? x0 : x0 + 1;
                s->ys = bDown ? y0 + 1 : y0;
                s->x1 = x;
                x = x0;
                y = y0;
            }
            /* d = 0: the snake from (0, 0) to (x, y) */
            for (int64_t i = 0; i < x; i++)
                emit(o, TEXTDIFF_SAME, &A->a[i]);
            for (int64_t d = 1; d <= dEnd; d++) {
                Step *s = &aStep[d];
                if (s->bDown)
                    emit(o, TEXTDIFF_ADD, &B->a[s->y0]);
                else
                    emit(o, TEXTDIFF_DEL, &A->a[s->x0]);
                for (int64_t i = s->xs; i < s->x1; i++)
                    emit(o, TEXTDIFF_SAME, &A->a[i]);
            }
            free(aStep);
        }
    }
    for (int64_t d = 0; d <= max; d++)
        free(aRow[d]);
    free(aRow);
    return rc;
}

int textdiff(const char *a, size_t na, const char *b, size_t nb, int mode, TextDiff *p) {
    memset(p, 0, sizeof *p);
    Tok *ta = NULL, *tb = NULL;
    size_t nta = 0, ntb = 0;
    if (tokenise(a, na, mode, &ta, &nta) || tokenise(b, nb, mode, &tb, &ntb)) {
        free(ta);
        free(tb);
        return -1;
    }
    Side A = {a, ta, nta}, B = {b, tb, ntb};
    Out o = {p, 0, 0};
    int rc = myers(&A, &B, &o);
    if (rc == 1) { /* past the bound: all of a out, all of b in */
        textdiff_free(p);
        o.cap = 0;
        for (size_t i = 0; i < nta; i++)
            emit(&o, TEXTDIFF_DEL, &ta[i]);
        for (size_t i = 0; i < ntb; i++)
            emit(&o, TEXTDIFF_ADD, &tb[i]);
        p->bCoarse = 1;
        rc = 0;
    }
    free(ta);
    free(tb);
    if (rc || o.bFail) {
        textdiff_free(p);
        return -1;
    }
    return 0;
}

void textdiff_free(TextDiff *p) {
    free(p->aChunk);
    memset(p, 0, sizeof *p);
}
