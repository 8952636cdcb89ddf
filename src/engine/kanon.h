/* SPDX-License-Identifier: GPL-3.0-or-later */
/* k-anonymity of a table's quasi-identifiers (issue 25): the rows are
 * grouped by the values of the named columns (each cell's text; a missing
 * cell is a value of its own, as pandas' groupby(dropna=False) counts it);
 * k is the size of the smallest group (equivalence class). Pure. */
#ifndef KEEL_ENGINE_KANON_H
#define KEEL_ENGINE_KANON_H
#include "engine/csv.h"
#include "engine/engine_err.h"
#include <stddef.h>

#define KANON_MAX_COLUMNS 32

typedef struct KanonResult {
    size_t nRow;                    /* rows of the table */
    size_t nClass;                  /* equivalence classes */
    size_t k;                       /* size of the smallest class */
    size_t nBelow;                  /* classes smaller than the threshold */
    size_t nRowBelow;               /* rows in those classes */
    size_t iRarest;                 /* a row of the rarest class: of the classes of size
                                     * k, the one whose first row comes first */
    size_t aCol[KANON_MAX_COLUMNS]; /* the columns' indexes in the table */
    size_t nCol;
} KanonResult;

/* Group t's rows by the columns named azName[0..nName) (each named once,
 * 1 to KANON_MAX_COLUMNS of them; categorical columns give each cell's
 * text, so parse with the quasi-identifiers forced categorical) and count
 * the classes below threshold (>= 2). KEEL_EINVAL with pErr (zField
 * "columns", "threshold" or "data") when a name is unknown or repeated,
 * there are no rows, or the threshold is below 2; KEEL_ENOMEM. */
int kanon_compute(const CsvTable *t, const char *const *azName, size_t nName, size_t threshold,
                  KanonResult *r, EngineError *pErr);

/* The text of row iRow in column iCol of t ("" for a missing cell; the
 * number's shortest text for a numeric column). z holds n bytes. */
void kanon_cell(const CsvTable *t, size_t iCol, size_t iRow, char *z, size_t n);

#endif
