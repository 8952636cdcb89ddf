/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fast CSV reader (RFC 4180) shared by every engine that reads tabular
 * data: drift, profile, abtest, fairness, explain. Pure: it parses memory
 * handed to it (a mapped file or a request body) and never does I/O.
 *
 * Input: a header row, then data rows. Quoted fields, doubled quotes,
 * embedded commas and newlines, CRLF or LF line ends, an optional UTF-8 BOM.
 * Missing values: the spellings pandas' read_csv treats as missing by
 * default (csv_azMissing: '', #N/A, #N/A N/A, #NA, -1.#IND, -1.#QNAN, -NaN,
 * -nan, 1.#IND, 1.#QNAN, <NA>, N/A, NA, NULL, NaN, None, n/a, nan, null),
 * exactly, quoted or not; in every column, so a numeric column with any of
 * them stays numeric. inf, -inf and Infinity are not numbers here (text).
 * A column is numeric when every non-missing value parses as a number (the
 * same double strtod gives), else categorical; CsvOptions may force a column's type. Parsing may
 * use several threads (CsvOptions.nThread). */
#ifndef KEEL_ENGINE_CSV_H
#define KEEL_ENGINE_CSV_H
#include "engine/engine_err.h"
#include <stddef.h>
#include <stdint.h>

typedef enum CsvType {
    CSV_AUTO = 0, /* infer (only meaningful in CsvOptions) */
    CSV_NUMERIC = 1,
    CSV_CATEGORICAL = 2,
} CsvType;

#define CSV_MISSING_CODE UINT32_MAX /* aCode[] value of a missing cell */

#define CSV_N_MISSING 19 /* entries of csv_azMissing */

/* The missing-value spellings, in pandas' order (for messages, docs and
 * tests; the reader matches them with csv_int.h's csv_is_missing). */
extern const char *const csv_azMissing[CSV_N_MISSING];

typedef struct CsvColumn {
    char *zName;     /* header name, NUL-terminated UTF-8 */
    CsvType type;    /* CSV_NUMERIC or CSV_CATEGORICAL after parsing */
    size_t nMissing; /* cells holding a missing-value spelling */
    double *aNum;    /* numeric: nRow values, NAN where missing; else NULL */
    uint32_t *aCode; /* categorical: nRow level indexes, CSV_MISSING_CODE
                      * where missing; else NULL */
    char **azLevel;  /* categorical: the distinct values, in order of first
                      * appearance; azLevel[aCode[i]] is row i's value */
    size_t nLevel;   /* number of entries in azLevel */
} CsvColumn;

typedef struct CsvTable {
    size_t nRow;     /* data rows (header excluded) */
    size_t nCol;     /* columns */
    CsvColumn *aCol; /* nCol columns, in header order */
} CsvTable;

typedef struct CsvTypeOverride {
    const char *zName; /* column name */
    CsvType type;      /* forced type */
} CsvTypeOverride;

typedef struct CsvOptions {
    int nThread;                      /* parser threads; 0 = one per core */
    size_t nMaxField;                 /* largest field in bytes; 0 = 1 MiB */
    const CsvTypeOverride *aOverride; /* forced types, may be NULL */
    size_t nOverride;
    const char *const *azOnly; /* read only these columns (NULL: all) */
    size_t nOnly;
    int noFast; /* read every record with the general loop, never the
                 * fast one (same result; for tests that compare them) */
    int noSimd; /* in the fast loop, read numbers one at a time even where
                 * the machine could read four at once (same result) */
    int mapped; /* the input is a read-only private file mapping (mmap
                 * MAP_PRIVATE of a regular file): pages already read are
                 * released as the parse goes (see csv_parse_mapped) */
} CsvOptions;

/* Parse n bytes at z into *ppTable. opt may be NULL for defaults. On error
 * returns KEEL_EINVAL (bad input: ragged row, unterminated quote, invalid
 * UTF-8, field over the cap, no header, duplicate column name) with *pErr
 * filled (iLine, iCol and zMsg; zField is ""), or KEEL_ENOMEM; *ppTable is
 * then NULL. The caller owns the table and frees it with csv_free(). The
 * input need not be NUL-terminated. */
int csv_parse(const char *z, size_t n, const CsvOptions *opt, CsvTable **ppTable,
              EngineError *pErr);

/* As csv_parse, for input that is a read-only private file mapping (mmap
 * with MAP_PRIVATE of a regular file): pages already parsed are released
 * (madvise MADV_DONTNEED) as the parse goes, so resident memory stays near
 * the size of the table rather than table + file. The mapping stays valid;
 * released pages read back from the file. Never pass other memory. */
int csv_parse_mapped(const char *z, size_t n, const CsvOptions *opt, CsvTable **ppTable,
                     EngineError *pErr);

/* A block of consecutive rows of one region, handed to a csv_scan
 * callback. The arrays are the reader's and valid only during the call. */
typedef struct CsvScanBlock {
    size_t iRegion;                /* region (0-based, in input order) */
    size_t nRow;                   /* rows in the block; 0 on the call that
                                    * starts a pass over the region */
    size_t iRow0;                  /* the block's first row, counted from
                                    * the region's first row */
    size_t nCol;                   /* selected columns, in header order */
    const char *const *azCol;      /* their names */
    const double *const *aaNum;    /* per selected column: nRow numbers
                                    * (NAN where missing), NULL when the
                                    * column is categorical */
    const uint32_t *const *aaCode; /* per selected column: nRow codes local
                                    * to the region (CSV_MISSING_CODE where
                                    * missing; csv_scan_map turns them into
                                    * the table's), NULL when numeric */
} CsvScanBlock;

/* Called by csv_scan for each block; returns 0 to go on, or a nonzero
 * value that stops the scan and that csv_scan then returns. Called from
 * several threads at once, but never at once for the same region. */
typedef int (*CsvScanFn)(void *pCtx, const CsvScanBlock *pBlock);

#define CSV_SCAN_MAX_REGION 64 /* regions csv_scan may cut the input into */

/* Parse as csv_parse, but hand the rows to xBlock block by block instead
 * of keeping them, so that an engine that only aggregates never holds the
 * whole table. The input is cut into at most CSV_SCAN_MAX_REGION regions,
 * parsed in parallel; a region may be parsed twice (when a quoted field
 * straddles its start), and every pass begins with a call where nRow is
 * 0: drop what was gathered for that region before. There is no type
 * inference: a column is numeric unless CsvOptions forces it categorical,
 * and text in a numeric column is an error (line and field, as in
 * csv_parse). On success *ppTable holds the columns' names, types, missing
 * counts, levels (in order of first appearance, as csv_parse gives) and
 * nRow, with aNum and aCode NULL; free it with csv_free(). Returns 0, the
 * value xBlock stopped with, KEEL_EINVAL with *pErr filled, or
 * KEEL_ENOMEM. */
int csv_scan(const char *z, size_t n, const CsvOptions *opt, CsvScanFn xBlock, void *pCtx,
             CsvTable **ppTable, EngineError *pErr);

/* For a table from csv_scan: the map from region iRegion's local codes of
 * categorical column iCol to the table's level indexes (NULL when iCol is
 * numeric, out of range, or t is not from csv_scan). Owned by t. */
const uint32_t *csv_scan_map(const CsvTable *t, size_t iRegion, size_t iCol);

/* Index of the column named zName, or -1. */
int csv_column_index(const CsvTable *t, const char *zName);

/* Take numeric column k's array out of table t (NULL if k is not a numeric
 * column): the column's aNum becomes NULL and the caller owns the t->nRow
 * doubles, which it may reorder, and frees with csv_numbers_free(a, nRow)
 * (nRow as t->nRow was). For engines that consume a table. */
double *csv_column_take_numbers(CsvTable *t, size_t k);
void csv_numbers_free(double *a, size_t nRow);

/* Free a table from csv_parse (NULL is fine). */
void csv_free(CsvTable *t);

#endif
