/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for engine/kanon.c: the input's first line names the
 * quasi-identifier columns (comma-separated), the rest is a CSV parsed
 * with those columns forced categorical. Whatever kanon_compute accepts
 * must agree with a brute-force count over the cells' text (k, classes,
 * classes below the threshold, the rarest class's size). */
#include "engine/csv.h"
#include "engine/kanon.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int same_row(const CsvTable *t, const KanonResult *r, size_t i, size_t j) {
    char a[256], b[256];
    for (size_t c = 0; c < r->nCol; c++) {
        const CsvColumn *col = &t->aCol[r->aCol[c]];
        if (col->aCode) {
            if (col->aCode[i] != col->aCode[j]) return 0;
            continue;
        }
        kanon_cell(t, r->aCol[c], i, a, sizeof a);
        kanon_cell(t, r->aCol[c], j, b, sizeof b);
        if (strcmp(a, b)) return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *z = (const char *)data;
    const char *nl = memchr(z, '\n', size);
    if (!nl) return 0;
    size_t nHead = (size_t)(nl - z);
    char *zHead = malloc(nHead + 1);
    if (!zHead) return 0;
    memcpy(zHead, z, nHead);
    zHead[nHead] = 0;
    const char *az[KANON_MAX_COLUMNS + 1];
    size_t nName = 0;
    for (char *p = zHead; p && nName <= KANON_MAX_COLUMNS;) {
        char *q = strchr(p, ',');
        if (q) *q = 0;
        az[nName++] = p;
        p = q ? q + 1 : NULL;
    }
    CsvTypeOverride aOver[KANON_MAX_COLUMNS + 1];
    for (size_t i = 0; i < nName; i++)
        aOver[i] = (CsvTypeOverride){az[i], CSV_CATEGORICAL};
    /* every other column numeric or not as inferred; the named ones text */
    CsvOptions opt = {.nThread = 1, .aOverride = aOver, .nOverride = nName};
    size_t nBody = size - nHead - 1;
    char *zBody = malloc(nBody ? nBody : 1);
    if (!zBody) {
        free(zHead);
        return 0;
    }
    memcpy(zBody, nl + 1, nBody);
    CsvTable *t = NULL;
    EngineError e;
    if (csv_parse(zBody, nBody, &opt, &t, &e) == 0) {
        KanonResult r;
        size_t threshold = 2 + (size & 7);
        if (kanon_compute(t, az, nName, threshold, &r, &e) == 0) {
            size_t n = t->nRow;
            if (r.k < 1 || r.k > n || r.nClass < 1 || r.nClass > n || r.nBelow > r.nClass ||
                r.nRowBelow > n || r.iRarest >= n)
                abort();
            if (n <= 300) {
                size_t nClass = 0, k = n + 1, nBelow = 0, rarest = 0;
                for (size_t i = 0; i < n; i++) {
                    size_t j = 0;
                    while (j < i && !same_row(t, &r, i, j))
                        j++;
                    if (j < i) continue; /* not the first of its class */
                    size_t m = 0;
                    for (size_t l = i; l < n; l++)
                        m += same_row(t, &r, i, l);
                    nClass++;
                    if (m < threshold) nBelow++;
                    if (m < k) k = m, rarest = i;
                }
                if (nClass != r.nClass || k != r.k || nBelow != r.nBelow || rarest != r.iRarest)
                    abort();
            }
        }
        csv_free(t);
    }
    free(zBody);
    free(zHead);
    return 0;
}
