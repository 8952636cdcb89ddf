/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of the drift engine share: drift_stat.c compares one
 * column (PSI, JS, KS, Wasserstein, chi-square and the verdict),
 * drift_baseline.c writes and reads a baseline, drift_out.c renders a
 * result as JSON or text, drift.c builds references and runs the
 * comparisons (drift_ks.c: the KS null distribution). Internal to engine/. */
#ifndef KEEL_ENGINE_DRIFT_INT_H
#define KEEL_ENGINE_DRIFT_INT_H
#include "engine/drift.h"
#include "engine/sketch.h"
#include "util/buf.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define DRIFT_NBIN 10          /* decile bins */
#define DRIFT_SHARE_FLOOR 1e-4 /* PSI share floor */
#define DRIFT_STD_FLOOR 0.001  /* Wasserstein normaliser floor */

/* The reference side of one column in one set (whole data or segment),
 * built from a table (exact: aSorted) or read from a baseline (sketch).
 * Every array is owned by the RefCol (freed by drift_refcol_free). */
typedef struct RefCol {
    const char *zName; /* column name (borrowed) */
    CsvType type;      /* column type */
    size_t nRow;       /* rows in the set */
    size_t nMissing;   /* of which missing */
    size_t n;          /* non-missing values */
    /* numeric */
    double std;                   /* population standard deviation */
    double aEdge[DRIFT_NBIN - 1]; /* inner bin edges, ascending, unique */
    int nEdge;
    size_t aBin[DRIFT_NBIN]; /* reference counts per bin */
    const double *aSorted;   /* all values sorted (exact), or NULL */
    Sketch sketch;           /* quantile sketch (baseline), when !aSorted */
    /* categorical */
    size_t nLevel;              /* categories */
    const char *const *azLevel; /* their names */
    const size_t *aCount;       /* their counts */
    int own;                    /* aSorted, azLevel's strings owned (from a
                                 * table) rather than borrowed (baseline) */
    int taken;                  /* aSorted was taken from a table of nMapRow
                                 * rows (csv_numbers_free), else malloc'd */
    size_t nMapRow;
} RefCol;

/* A string-keyed index of up to n names (open addressing). */
typedef struct NameIndex {
    const char *const *az; /* the names */
    uint32_t *aSlot;       /* index + 1, 0 empty */
    size_t nSlot;
} NameIndex;

/* Rows of one set: all rows (aRow NULL) or the listed ones. */
typedef struct RowSet {
    const uint32_t *aRow; /* row indexes, or NULL for 0..n-1 */
    size_t n;             /* rows */
} RowSet;

/* Gather into a new array (*pa); 0 or KEEL_ENOMEM. */
int drift_gather(const CsvColumn *col, RowSet rs, double **pa, size_t *pn);

/* Count the categories of column col over rows rs into a new array of
 * col->nLevel counts; *pnMissing gets the missing cells. */
int drift_count_levels(const CsvColumn *col, RowSet rs, size_t **paCount, size_t *pnMissing);

/* Row lists of a table grouped by the codes of categorical column seg:
 * *paOff gets nLevel + 1 offsets into *paRow. */
int drift_group_rows(const CsvTable *t, const CsvColumn *seg, uint32_t **paRow, size_t **paOff);

/* Read a non-negative whole number from JSON; 0 or KEEL_EINVAL. */
int drift_json_size(json_t *j, size_t *p);

/* Fill r from a baseline column object; the strings stay owned by j. */
int drift_json_refcol(json_t *j, size_t nRow, RefCol *r);

/* Free what a RefCol owns. */
void drift_refcol_free(RefCol *r);

/* Append a JSON number with round-trip precision, or null. */
void drift_json_num(Buf *b, double x);

/* Fill the numeric reference r from its sorted values a[0..n). */
void drift_ref_numeric(RefCol *r, const double *a, size_t n);

/* Set the verdict of a computed column: drift when the shift is real
 * (the KS or chi-square p-value below alpha) and an effect-size test fired
 * (PSI, Wasserstein or Jensen-Shannon at or above its threshold); warn when
 * it is real and PSI >= psiWarn; else ok. fired lists every test that
 * crossed its threshold, whatever the verdict. */
void drift_verdict(DriftColumn *c, const DriftOptions *o);

/* A column with every metric unset. */
void drift_column_init(DriftColumn *c, const char *zName, CsvType type);

/* PSI, Jensen-Shannon and the chi-square test of homogeneity of count
 * vectors ur and uc over k cells (none empty on both sides) with totals
 * nr, nc > 0, into c. */
void drift_cells(const double *ur, const double *uc, size_t k, double nr, double nc,
                 DriftColumn *c);

/* Compare numeric reference r with sorted current values b[0..nb). */
int drift_numeric(const RefCol *r, const double *b, size_t nb, DriftColumn *c);

/* Build an index of az[0..n); 0 or KEEL_ENOMEM. */
int name_index_build(NameIndex *x, const char *const *az, size_t n);

/* Index of z in the index, or -1. */
long name_index_find(const NameIndex *x, const char *z);

/* Compare categorical reference r with current counts aCount over levels
 * azLevel[0..nLevel) (matched to the reference by name). */
int drift_categorical(const RefCol *r, const char *const *azLevel, const size_t *aCount,
                      size_t nLevel, DriftColumn *c);

#endif
