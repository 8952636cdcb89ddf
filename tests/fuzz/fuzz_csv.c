/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for engine/csv.c: any bytes must either parse into a
 * table whose invariants hold (codes index levels, missing counts match,
 * levels are NUL-terminated) or fail with KEEL_EINVAL and a message that
 * names a line. The first input byte picks options (threads, field cap,
 * a forced type, a body repeated past 2 MiB to run the parallel parse) so
 * those paths are fuzzed too. Every input is read twice more, with and
 * without the fast record loop (CsvOptions.noFast), and the two must give
 * the same table or the same error. */
#include "../common/csv_same.h"
#include "engine/csv.h"
#include "util/err.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Abort when a parsed table breaks an invariant of csv.h. */
static void fuzz_check_table(const CsvTable *t) {
    for (size_t k = 0; k < t->nCol; k++) {
        const CsvColumn *c = &t->aCol[k];
        size_t nMissing = 0;
        if (!c->zName) abort();
        if (c->type == CSV_NUMERIC) {
            if (!c->aNum || c->aCode) abort();
            for (size_t i = 0; i < t->nRow; i++)
                nMissing += isnan(c->aNum[i]) != 0;
        } else if (c->type == CSV_CATEGORICAL) {
            if (c->aNum || !c->aCode) abort();
            for (size_t i = 0; i < t->nRow; i++) {
                if (c->aCode[i] == CSV_MISSING_CODE)
                    nMissing++;
                else if (c->aCode[i] >= c->nLevel)
                    abort();
            }
            for (size_t l = 0; l < c->nLevel; l++)
                if (strlen(c->azLevel[l]) > 1 << 20) abort();
        } else {
            abort();
        }
        if (nMissing != c->nMissing) abort();
        if (csv_column_index(t, c->zName) != (int)k) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    CsvOptions opt = {0};
    CsvTypeOverride ov = {"a", CSV_CATEGORICAL};
    if (size > 0) {
        uint8_t b = data[0];
        opt.nThread = 1 + (b & 1);
        opt.nMaxField = (b & 2) ? 8 : 0;
        if (b & 4) {
            ov.type = (b & 8) ? CSV_NUMERIC : CSV_CATEGORICAL;
            opt.aOverride = &ov;
            opt.nOverride = 1;
        }
        data++;
        size--;
    }
    /* copy so that reads past the end are caught; with bit 4 of the first
     * byte, repeat the body after the first line past 2 MiB so that the
     * parallel parse (and its cuts inside quotes) runs too; with bit 6
     * instead, past 8 KiB, enough for the fast record loop's windows and
     * quick enough to fuzz them often */
    size_t nAlloc = size ? size : 1;
    const uint8_t *nl = size ? memchr(data, '\n', size) : NULL;
    int canRepeat = size > 0 && size < 4096 && nl && nl + 1 < data + size;
    size_t nRepeat = !canRepeat ? 0 : (data[-1] & 16) ? 2u << 20 : (data[-1] & 64) ? 8u << 10 : 0;
    if (nRepeat) nAlloc = size + nRepeat + size;
    char *z = malloc(nAlloc);
    if (!z) return 0;
    if (size) memcpy(z, data, size);
    if (nRepeat) {
        size_t nHead = (size_t)(nl + 1 - data), nBody = size - nHead;
        while (size + nBody <= nAlloc && size < nRepeat + nHead) {
            memcpy(z + size, data + nHead, nBody);
            size += nBody;
        }
        if (nRepeat > (8u << 10)) opt.nThread = 2;
    }
    CsvTable *t = NULL, *tSlow = NULL;
    EngineError e, eSlow;
    CsvOptions optSlow = opt;
    optSlow.noFast = 1;
    opt.noSimd = size > 0 && (data[-1] & 32); /* the fast loop one number at a time */
    int rc = csv_parse(z, size, &opt, &t, &e);
    int rcSlow = csv_parse(z, size, &optSlow, &tSlow, &eSlow);
    if (rc != rcSlow) abort();
    if (rc == KEEL_EINVAL &&
        (e.iLine != eSlow.iLine || e.iCol != eSlow.iCol || strcmp(e.zMsg, eSlow.zMsg)))
        abort();
    if (rc == 0 && !csv_tables_same(t, tSlow)) abort();
    csv_free(tSlow);
    if (rc == 0) {
        if (!t) abort();
        fuzz_check_table(t);
        csv_free(t);
    } else {
        if (t || (rc != KEEL_EINVAL && rc != KEEL_ENOMEM)) abort();
        if (rc == KEEL_EINVAL && (e.iLine == 0 || strncmp(e.zMsg, "line ", 5) != 0)) abort();
    }
    free(z);
    return 0;
}
