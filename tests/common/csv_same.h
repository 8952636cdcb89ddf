/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helper: whether two tables from the CSV reader are the same, cell
 * for cell (numbers bit for bit, NaN equal to NaN), with the same levels
 * in the same order. Used to check the reader's fast record loop against
 * its general one (CsvOptions.noFast). */
#ifndef KEEL_TESTS_CSV_SAME_H
#define KEEL_TESTS_CSV_SAME_H
#include "engine/csv.h"
#include <math.h>
#include <string.h>

static inline int csv_tables_same(const CsvTable *a, const CsvTable *b) {
    if (a->nRow != b->nRow || a->nCol != b->nCol) return 0;
    for (size_t k = 0; k < a->nCol; k++) {
        const CsvColumn *x = &a->aCol[k], *y = &b->aCol[k];
        if (strcmp(x->zName, y->zName) || x->type != y->type || x->nMissing != y->nMissing ||
            x->nLevel != y->nLevel || !x->aNum != !y->aNum || !x->aCode != !y->aCode)
            return 0;
        for (size_t l = 0; l < x->nLevel; l++)
            if (strcmp(x->azLevel[l], y->azLevel[l])) return 0;
        for (size_t r = 0; x->aNum && r < a->nRow; r++)
            if (isnan(x->aNum[r]) ? !isnan(y->aNum[r])
                                  : memcmp(&x->aNum[r], &y->aNum[r], sizeof(double)))
                return 0;
        if (x->aCode && memcmp(x->aCode, y->aCode, a->nRow * sizeof *x->aCode)) return 0;
    }
    return 1;
}

#endif
