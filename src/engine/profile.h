/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data-readiness profile: per column the type, missing share, distinct
 * count, constancy, summary statistics or top categories and 1.5 x IQR
 * outliers; per dataset the exact duplicate rows, redundant columns
 * (identical, or numeric with |Pearson r| >= 0.99), label coverage and
 * class balance; and a readiness score 0-100 with every deduction listed
 * (formula in docs/profile.md). Pure: a parsed table in, a result out. */
#ifndef KEEL_ENGINE_PROFILE_H
#define KEEL_ENGINE_PROFILE_H
#include "engine/csv.h"
#include "engine/pii.h"
#include "util/buf.h"
#include <stddef.h>

#define PROFILE_NQUANT 5 /* quantiles reported: 5, 25, 50, 75, 95 % */
#define PROFILE_NTOP 5   /* top categories reported */

/* Options; zero-initialised means the defaults. */
typedef struct ProfileOptions {
    const char *zLabel; /* label column, or NULL */
    double redundantR;  /* |r| at or above: redundant (0 = 0.99) */
    int nThread;        /* worker threads; 0 = one per core */
} ProfileOptions;

/* A category and how often it occurs. */
typedef struct ProfileTop {
    const char *zValue; /* borrowed from the table */
    size_t n;
} ProfileTop;

/* The profile of one column. Statistics that do not apply are NAN. */
typedef struct ProfileColumn {
    const char *zName; /* borrowed from the table */
    CsvType type;
    size_t nMissing;                /* missing cells */
    double missing;                 /* nMissing / rows (0 when there are no rows) */
    size_t nDistinct;               /* distinct non-missing values */
    int constant;                   /* at most one distinct value */
    double min, max;                /* numeric */
    double mean, std;               /* numeric; std with n - 1 (NAN below 2 values) */
    double aQuant[PROFILE_NQUANT];  /* numeric, linear interpolation */
    size_t nOutlier;                /* numeric: outside [q25 - 1.5 IQR, q75 + 1.5 IQR] */
    double outlierLow, outlierHigh; /* those fences */
    ProfileTop aTop[PROFILE_NTOP];  /* categorical: most frequent first,
                                     * ties by value */
    size_t nTop;
    PiiKind pii;     /* personal data the column holds (engine/pii.h), or
                      * PII_NONE: categorical columns by their values;
                      * numeric ones only through profile_csv, which reads
                      * their original text */
    double piiShare; /* share of non-missing cells of that kind */
} ProfileColumn;

/* A redundant column: iCol repeats iWith (an earlier column). */
typedef struct ProfileRedundant {
    size_t iCol, iWith;
    int identical; /* same value in every row; else correlated */
    double r;      /* Pearson r (NAN for identical categorical columns) */
} ProfileRedundant;

/* One deduction from the readiness score. */
typedef struct ProfileDeduction {
    double points;     /* points taken */
    char zWhat[160];   /* what costs the points and how to fix it */
    const char *zCode; /* the same as a code (missing_values, duplicate_rows,
                        * redundant_columns, constant_columns, unlabelled_rows,
                        * class_imbalance), with its numbers: */
    double n;          /* a count (rows, columns), or NAN */
    double share;      /* a share 0..1, or NAN */
} ProfileDeduction;

/* The whole profile. */
typedef struct ProfileResult {
    size_t nRow, nCol;
    ProfileColumn *aCol;    /* nCol columns */
    size_t nDupRow;         /* rows equal to an earlier row */
    double dupShare;        /* nDupRow / nRow */
    ProfileRedundant *aRed; /* redundant columns, at most one per iCol */
    size_t nRed;
    size_t nConstant;     /* constant columns */
    double meanMissing;   /* mean of the columns' missing shares */
    int iLabel;           /* label column index, or -1 */
    double labelCoverage; /* share of rows with a label */
    ProfileTop *aClass;   /* label classes, most frequent first */
    size_t nClass;
    double minorityShare;     /* smallest class / labelled rows */
    double score;             /* readiness 0-100 */
    ProfileDeduction aDed[8]; /* deductions, in formula order */
    size_t nDed;
} ProfileResult;

/* Profile table t. Returns 0, KEEL_EINVAL (the label column is missing or
 * not categorical: *pErr, field "label") or KEEL_ENOMEM. The result borrows
 * names from t: free it before t. */
int profile_compute(const CsvTable *t, const ProfileOptions *opt, ProfileResult **ppResult,
                    EngineError *pErr);

/* The one way a CSV is profiled (`keel profile` and POST
 * /api/v1/data-assets/{id}/profile): parse n bytes at z with the label
 * column (opt->zLabel) read as categorical whatever it holds (a 0/1 label
 * is classes, not numbers) and aOverride[0..nOverride) forcing other
 * columns' types, then profile_compute. mapped says z is a private file
 * mapping (csv_parse_mapped). Numeric columns whose values are mostly
 * integers of eleven or more digits (phone, ID or card numbers) are read once
 * more as text, those columns only, for the personal-data detectors: a
 * 19-digit number does not survive as a double. On success *ppTable and *ppResult hold the
 * table and its profile (free the result, then the table). Returns 0,
 * KEEL_EINVAL with *pErr filled (field "data": the CSV itself, iLine and iCol
 * naming the place; or "label": the label column), or KEEL_ENOMEM. */
int profile_csv(const char *z, size_t n, const ProfileOptions *opt,
                const CsvTypeOverride *aOverride, size_t nOverride, int mapped, CsvTable **ppTable,
                ProfileResult **ppResult, EngineError *pErr);

/* Append the result as JSON (docs/profile.md) or as readable text. */
void profile_result_json(const ProfileResult *r, const CsvTable *t, Buf *out);
void profile_result_text(const ProfileResult *r, const CsvTable *t, Buf *out);

/* Free a result (NULL is fine). */
void profile_result_free(ProfileResult *r);

#endif
