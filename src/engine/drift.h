/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The drift engine: which inputs moved between a reference dataset and a
 * current one. Numeric columns: PSI over the reference's deciles,
 * Jensen-Shannon distance over the same bins, the two-sample
 * Kolmogorov-Smirnov test (statistic and p-value as scipy's ks_2samp with
 * method='auto') and the Wasserstein-1 distance divided by the reference's
 * population standard deviation. Categorical columns: PSI and
 * Jensen-Shannon over the union of categories and the chi-square test of
 * homogeneity. A column drifts when its shift is both real (the KS or
 * chi-square p-value below alpha, so that under no change it is called
 * drift in at most alpha of comparisons, whatever the sample size) and
 * large enough to matter (PSI, Wasserstein or Jensen-Shannon at or above
 * its threshold, so that a tiny shift that a large sample makes
 * significant is not). A verdict per column and for the dataset, optionally per
 * value of a segment column. The reference may be a parsed table (exact)
 * or a saved baseline (bins exact, KS and Wasserstein from a quantile
 * sketch with a stated error bound). Pure: tables and text in, results
 * out; docs/drift.md gives every formula. */
#ifndef KEEL_ENGINE_DRIFT_H
#define KEEL_ENGINE_DRIFT_H
#include "engine/csv.h"
#include "util/buf.h"
#include <stddef.h>

/* A column's (or a dataset's) verdict. */
typedef enum DriftVerdict {
    DRIFT_OK = 0,    /* no real shift, or a small one */
    DRIFT_WARN = 1,  /* a real shift with psiWarn <= PSI, no other effect */
    DRIFT_DRIFT = 2, /* a real shift with an effect-size test fired */
    DRIFT_NA = 3,    /* not computable (no values on one side) */
    DRIFT_NEW = 4,   /* segment: present only in the current data */
    DRIFT_GONE = 5,  /* segment: present only in the reference */
} DriftVerdict;

/* Bits of DriftColumn.fired: which tests fired. */
#define DRIFT_FIRED_PSI 1u
#define DRIFT_FIRED_WASSERSTEIN 2u
#define DRIFT_FIRED_JS 4u
#define DRIFT_FIRED_KS 8u
#define DRIFT_FIRED_CHI2 16u

/* Thresholds and switches; drift_options_default() fills the defaults. */
typedef struct DriftOptions {
    double psiDrift;      /* PSI at or above: drift (0.2) */
    double psiWarn;       /* PSI at or above: warn (0.1) */
    double wassDrift;     /* normalised Wasserstein at or above: drift (0.1) */
    double jsDrift;       /* Jensen-Shannon distance at or above: drift (0.1),
                           * categorical columns */
    double alpha;         /* KS / chi-square p below: the shift is real
                           * (0.005), the column's false-alarm rate under
                           * no change: no verdict but ok without it */
    double shareDrift;    /* dataset drifts when this share of columns does
                           * (0.5) */
    const char *zSegment; /* segment column name, or NULL */
    int nThread;          /* worker threads; 0 = one per core */
} DriftOptions;

/* The comparison of one column. Metrics that do not apply to the column's
 * type, or cannot be computed (no values on a side), are NAN. */
typedef struct DriftColumn {
    char *zName;        /* column name (owned) */
    CsvType type;       /* CSV_NUMERIC or CSV_CATEGORICAL */
    double missingRef;  /* share of reference rows missing (NAN: no rows) */
    double missingCur;  /* share of current rows missing (NAN: no rows) */
    size_t nRef, nCur;  /* non-missing values compared */
    double psi;         /* population stability index */
    double js;          /* Jensen-Shannon distance (natural log) */
    double ksStat;      /* KS statistic (numeric) */
    double ksP;         /* KS p-value (numeric) */
    double wasserstein; /* Wasserstein-1 / max(ref std, 0.001) (numeric) */
    double chi2Stat;    /* chi-square statistic (categorical) */
    double chi2P;       /* chi-square p-value (categorical) */
    int chi2Df;         /* its degrees of freedom */
    double ksErr;       /* from a baseline: bound on |KS error|, else 0 */
    double wassErr;     /* from a baseline: bound on |Wasserstein error| */
    unsigned fired;     /* DRIFT_FIRED_* bits */
    DriftVerdict verdict;
} DriftColumn;

/* The comparison of a whole dataset, or of one segment of it. */
typedef struct DriftSet {
    char *zValue;      /* segment value (owned), NULL for the whole data */
    size_t nRowRef;    /* reference rows */
    size_t nRowCur;    /* current rows */
    DriftColumn *aCol; /* nCol columns, in the reference's order */
    size_t nCol;
    size_t nDrifted; /* columns with verdict drift */
    double share;    /* nDrifted / columns with a verdict other than n/a */
    DriftVerdict verdict;
} DriftSet;

/* Everything a comparison produces. */
typedef struct DriftResult {
    DriftSet all;   /* the whole data */
    DriftSet *aSeg; /* one per segment value (NULL without segment) */
    size_t nSeg;
    char *zSegment;   /* segment column name (owned) or NULL */
    char **azOnlyRef; /* columns only in the reference (owned) */
    size_t nOnlyRef;
    char **azOnlyCur; /* columns only in the current data (owned) */
    size_t nOnlyCur;
    int fromBaseline; /* the reference came from a baseline */
    DriftOptions opt; /* thresholds used (zSegment not kept) */
} DriftResult;

/* A reference summary: what a comparison needs from the reference data,
 * built from a parsed table (exact: the sorted values of each numeric
 * column, the counts of each categorical one, per segment too) or read
 * from a baseline document. Once built, the reference table can be freed,
 * so only one table need be in memory beside it. */
typedef struct DriftRef DriftRef;

/* Compare two histograms over the same k cells (counts; no cell empty on
 * both sides) as a categorical column: PSI, Jensen-Shannon, chi-square
 * homogeneity and the verdict under o. c->zName is NULL (the caller names
 * it; nothing in c is owned). Used on stored feature histograms
 * (engine/decay.h). */
void drift_bins_compare(const double *aRef, const double *aCur, size_t k, const DriftOptions *o,
                        DriftColumn *c);

/* Fill *o with the default thresholds. */
void drift_options_default(DriftOptions *o);

/* Compare tables ref and cur (parsed with csv_parse) column by column.
 * opt may be NULL for the defaults. On success *ppResult is a new result
 * (free with drift_result_free). Returns 0, KEEL_EINVAL (e.g. the segment
 * column is missing: *pErr, field "segment") or KEEL_ENOMEM.
 * drift_ref_from_table + drift_ref_compare. A column whose type differs
 * between the tables is reported with verdict drift and no metrics;
 * callers should parse with the same types (the CLI does). */
int drift_compare(const CsvTable *ref, const CsvTable *cur, const DriftOptions *opt,
                  DriftResult **ppResult, EngineError *pErr);

/* Summarise ref into a baseline document (JSON text appended to out) that
 * drift_compare_baseline() later compares against: per column the bins,
 * counts and a quantile sketch, per segment too when opt->zSegment is set.
 * Returns 0, KEEL_EINVAL (*pErr) or KEEL_ENOMEM. */
int drift_baseline_build(const CsvTable *ref, const DriftOptions *opt, Buf *out, EngineError *pErr);

/* Compare cur with a baseline document z[0..n). The segment column is the
 * baseline's (opt->zSegment is ignored). Returns 0, KEEL_EINVAL (not a
 * baseline, or a bad one: *pErr, field "baseline") or KEEL_ENOMEM. */
int drift_compare_baseline(const char *z, size_t n, const CsvTable *cur, const DriftOptions *opt,
                           DriftResult **ppResult, EngineError *pErr);

/* Column types recorded in a baseline, so that the caller can parse the
 * current file with the same types: *paOv gets nOv overrides whose names
 * point into *pzNames storage; free both with free(). 0 or an error. */
int drift_baseline_types(const char *z, size_t n, CsvTypeOverride **paOv, size_t *pnOv,
                         char **pzNames);

/* Summarise table ref (segmented by opt->zSegment when set; opt may be
 * NULL) into *ppRef; it copies what it keeps, so ref may be freed next.
 * Returns 0, KEEL_EINVAL (segment column missing or not categorical:
 * *pErr, field "segment") or KEEL_ENOMEM. Free with drift_ref_free. */
int drift_ref_from_table(const CsvTable *ref, const DriftOptions *opt, DriftRef **ppRef,
                         EngineError *pErr);

/* As drift_ref_from_table, but ref is given up: its numeric columns are
 * sorted in place and kept by the summary instead of copied (less memory
 * and time); afterwards ref may only be freed with csv_free. */
int drift_ref_from_table_consume(CsvTable *ref, const DriftOptions *opt, DriftRef **ppRef,
                                 EngineError *pErr);

/* Read a baseline document z[0..n) into *ppRef; 0, KEEL_EINVAL (not a
 * baseline, or damaged: *pErr, field "baseline") or KEEL_ENOMEM. */
int drift_ref_from_baseline(const char *z, size_t n, DriftRef **ppRef, EngineError *pErr);

/* The column types of a reference as parse overrides for the current
 * file: categorical columns and the segment column as CSV_CATEGORICAL,
 * numeric ones as CSV_AUTO (so a column that turned to text is reported,
 * not refused). *paOv (caller frees) borrows names from r. */
int drift_ref_types(const DriftRef *r, CsvTypeOverride **paOv, size_t *pnOv);

/* Compare cur with the reference (its segment column, if any, is used;
 * opt->zSegment is ignored). Returns 0, KEEL_EINVAL (*pErr) or KEEL_ENOMEM. */
int drift_ref_compare(const DriftRef *r, const CsvTable *cur, const DriftOptions *opt,
                      DriftResult **ppResult, EngineError *pErr);

/* As drift_ref_compare, but cur is given up: its numeric columns are
 * sorted in place (missing values dropped) instead of copied, which saves
 * memory; afterwards cur may only be freed. */
int drift_ref_compare_consume(const DriftRef *r, CsvTable *cur, const DriftOptions *opt,
                              DriftResult **ppResult, EngineError *pErr);

/* Free a reference (NULL is fine). */
void drift_ref_free(DriftRef *r);

/* Append r as the JSON document described in docs/drift.md. */
void drift_result_json(const DriftResult *r, Buf *out);

/* Append r as a readable table. */
void drift_result_text(const DriftResult *r, Buf *out);

/* Name of a verdict ("ok", "warn", "drift", "n/a", "new", "gone"). */
const char *drift_verdict_name(DriftVerdict v);

/* Free a result (NULL is fine). */
void drift_result_free(DriftResult *r);

/* Kolmogorov-Smirnov two-sample p-value for statistic d with sample sizes
 * n1, n2 as scipy.stats.ks_2samp(method='auto', two-sided): exact when
 * max(n1, n2) <= 10000, else the asymptotic kstwo.sf(d, round(n1 n2 /
 * (n1 + n2))). *pD (may be NULL) gets the statistic scipy reports (in the
 * exact mode d rounded to a multiple of 1/lcm(n1, n2)). */
double drift_ks_pvalue(size_t n1, size_t n2, double d, double *pD);

#endif
