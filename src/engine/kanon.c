/* SPDX-License-Identifier: GPL-3.0-or-later */
/* k-anonymity: see kanon.h. The classes are found by refinement, one
 * column at a time: each row's class so far and its code in the next
 * column make a key, the keys are sorted and numbered densely again, so a
 * key never exceeds rows x (levels + 1) whatever the number of columns. */
#include "engine/kanon.h"
#include "util/err.h"
#include "util/mem.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct KeyRow {
    uint64_t key;
    size_t i;
} KeyRow;

static int key_cmp(const void *a, const void *b) {
    const KeyRow *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* A row's value in categorical column c as a number up to nLevel (the
 * missing cell is nLevel). */
static uint64_t code_of(const CsvColumn *c, size_t i) {
    uint32_t v = c->aCode[i];
    return v == CSV_MISSING_CODE ? c->nLevel : v;
}

/* Renumber aKey[].key into dense classes 0..m-1 in aClass (sorted). */
static size_t renumber(KeyRow *aKey, size_t n, size_t *aClass) {
    qsort(aKey, n, sizeof *aKey, key_cmp);
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        if (j && aKey[j].key != aKey[j - 1].key) m++;
        aClass[aKey[j].i] = m;
    }
    return n ? m + 1 : 0;
}

int kanon_compute(const CsvTable *t, const char *const *azName, size_t nName, size_t threshold,
                  KanonResult *r, EngineError *pErr) {
    memset(r, 0, sizeof *r);
    if (nName == 0 || nName > KANON_MAX_COLUMNS)
        return engine_fail(pErr, KEEL_EINVAL, "columns", "name 1 to %d quasi-identifier columns",
                           KANON_MAX_COLUMNS);
    if (threshold < 2)
        return engine_fail(pErr, KEEL_EINVAL, "threshold", "the threshold k is at least 2");
    for (size_t a = 0; a < nName; a++) {
        size_t c = 0;
        while (c < t->nCol && strcmp(t->aCol[c].zName, azName[a]))
            c++;
        if (c == t->nCol)
            return engine_fail(pErr, KEEL_EINVAL, "columns",
                               "the sample has no column '%.80s' (its header names the columns)",
                               azName[a]);
        for (size_t b = 0; b < a; b++)
            if (r->aCol[b] == c)
                return engine_fail(pErr, KEEL_EINVAL, "columns", "column '%.80s' is named twice",
                                   azName[a]);
        r->aCol[a] = c;
    }
    r->nCol = nName;
    size_t n = t->nRow;
    r->nRow = n;
    if (n == 0)
        return engine_fail(pErr, KEEL_EINVAL, "data", "the sample has a header but no rows");
    KeyRow *aKey = mem_alloc(n, sizeof *aKey, 1);
    size_t *aClass = mem_zalloc(n, sizeof *aClass, 1);
    size_t *aCount = mem_zalloc(n, sizeof *aCount, 1);
    size_t *aFirst = mem_alloc(n, sizeof *aFirst, 1);
    if (!aKey || !aClass || !aCount || !aFirst) {
        free(aKey), free(aClass), free(aCount), free(aFirst);
        return KEEL_ENOMEM;
    }
    size_t m = 1;
    for (size_t a = 0; a < nName; a++) {
        const CsvColumn *c = &t->aCol[r->aCol[a]];
        if (c->aCode) {
            for (size_t i = 0; i < n; i++)
                aKey[i] = (KeyRow){(uint64_t)aClass[i] * (c->nLevel + 1) + code_of(c, i), i};
            m = renumber(aKey, n, aClass);
        } else {
            /* a numeric column: its values' bits, high then low half (a
             * missing value is the NaN the reader stores, one bit pattern) */
            for (int half = 1; half >= 0; half--) {
                for (size_t i = 0; i < n; i++) {
                    uint64_t u;
                    double d = c->aNum[i];
                    memcpy(&u, &d, sizeof u);
                    aKey[i] = (KeyRow){
                        ((uint64_t)aClass[i] << 32) | (half ? u >> 32 : u & 0xffffffffu), i};
                }
                m = renumber(aKey, n, aClass);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (aCount[aClass[i]]++ == 0) aFirst[aClass[i]] = i;
    }
    r->nClass = m;
    r->k = n + 1;
    for (size_t g = 0; g < m; g++) {
        if (aCount[g] < threshold) r->nBelow++, r->nRowBelow += aCount[g];
        if (aCount[g] < r->k || (aCount[g] == r->k && aFirst[g] < r->iRarest))
            r->k = aCount[g], r->iRarest = aFirst[g];
    }
    free(aKey), free(aClass), free(aCount), free(aFirst);
    return 0;
}

void kanon_cell(const CsvTable *t, size_t iCol, size_t iRow, char *z, size_t n) {
    const CsvColumn *c = &t->aCol[iCol];
    if (c->aCode) {
        uint32_t v = c->aCode[iRow];
        snprintf(z, n, "%s", v == CSV_MISSING_CODE ? "" : c->azLevel[v]);
    } else if (c->aNum[iRow] != c->aNum[iRow]) {
        snprintf(z, n, "%s", "");
    } else {
        snprintf(z, n, "%.17g", c->aNum[iRow]);
    }
}
