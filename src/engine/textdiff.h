/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A diff between two texts, by line or by word (shared definitions of
 * path 4 show what changed between two versions). Pure computation, no
 * I/O.
 *
 * The texts are cut into tokens: by line, each line with its newline; by
 * word, each run of spaces, each run of other ASCII bytes, and each
 * character outside ASCII on its own (so that Chinese text, which has no
 * spaces, is compared character by character). The shortest edit script
 * between the two token lists is Myers' greedy algorithm (E. Myers, "An
 * O(ND) difference algorithm and its variations", Algorithmica 1986):
 * for d = 0, 1, … edits it keeps the furthest point reached on each
 * diagonal, and the path is read back from the kept rows. The rows cost
 * O(D^2) memory for D edits, so the search stops at TEXTDIFF_MAX_EDITS
 * edits and answers the whole of a as deleted and the whole of b as
 * added (bCoarse set): correct, only not minimal. Runs of tokens with the
 * same operation are merged into one chunk. */
#ifndef KEEL_ENGINE_TEXTDIFF_H
#define KEEL_ENGINE_TEXTDIFF_H
#include <stddef.h>

enum { TEXTDIFF_SAME = 0, TEXTDIFF_DEL = 1, TEXTDIFF_ADD = 2 };
enum { TEXTDIFF_LINE = 0, TEXTDIFF_WORD = 1 };
enum { TEXTDIFF_MAX_EDITS = 2000 };

typedef struct TextDiffChunk {
    int op;     /* TEXTDIFF_SAME and TEXTDIFF_DEL: text of a; TEXTDIFF_ADD: of b */
    size_t off; /* byte offset of the chunk in its text */
    size_t len; /* its length in bytes (never 0) */
} TextDiffChunk;

typedef struct TextDiff {
    TextDiffChunk *aChunk; /* the chunks in order; owned, free with textdiff_free */
    size_t nChunk;
    size_t nDel, nAdd; /* tokens deleted from a and added from b */
    int bCoarse;       /* the edit bound was hit: a deleted, b added whole */
} TextDiff;

/* Diff a[0..na) against b[0..nb) by mode (TEXTDIFF_LINE or TEXTDIFF_WORD)
 * into *p (zeroed first). Either text may be empty (a NULL pointer with
 * length 0 too). 0, or -1 when memory ran out (*p then empty). */
int textdiff(const char *a, size_t na, const char *b, size_t nb, int mode, TextDiff *p);
/* Free what textdiff allocated; p may be zeroed or already freed. */
void textdiff_free(TextDiff *p);

#endif
