/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of the fairness audit share: fairness_count.c counts
 * the data into cells (from the parsed table, or while the CSV is read),
 * fairness_json.c writes a set of groups as JSON with its intervals and
 * failures, fairness.c reads the spec, builds the sets, draws the
 * bootstrap and runs the audit. Internal to engine/. */
#ifndef KEEL_ENGINE_FAIRNESS_INT_H
#define KEEL_ENGINE_FAIRNESS_INT_H
#include "engine/fairness.h"
#include "engine/csv.h"
#include <jansson.h>
#include <stddef.h>

#define FAIR_MAX_ATTR 8             /* protected attributes in one audit */
#define FAIR_MAX_CELLS 65536        /* combinations of their values */
#define FAIR_MAX_BOOT 100000        /* bootstrap replicates */
#define FAIR_MAX_BOOT_WORK 20000000 /* replicates x groups */
#define FAIR_NBIN 10                /* calibration bins */

/* The audit spec, read and checked. */
typedef struct FairSpec {
    const char *zLabel; /* true label column (0/1) */
    const char *zPred;  /* prediction column (0/1), or NULL */
    const char *zScore; /* score column in [0, 1], or NULL */
    double threshold;   /* prediction = score >= threshold */
    int favorable;      /* the prediction favorable to the person: 1 (a loan
                         * granted) or 0 (not flagged as high risk) */
    size_t nAttr;       /* protected attribute columns */
    const char *azAttr[FAIR_MAX_ATTR];
    int intersection;   /* also audit the intersection of all */
    const json_t *pRef; /* "reference" (borrowed), or NULL */
    double diMin;       /* disparate impact below this fails */
    double eodMax;      /* equal opportunity difference above fails */
    double eqoMax;      /* equalized odds difference above fails */
    double dpdMax;      /* demographic parity difference above fails */
    double minCount;    /* groups smaller than this are reported, not judged */
    int nBoot;          /* bootstrap replicates (0: off) */
    unsigned long seed; /* bootstrap seed */
    double level;       /* bootstrap interval level */
} FairSpec;

/* One set of groups: a single attribute, or the intersection of all. */
typedef struct FairSet {
    char zName[256]; /* "gender" or "gender & region" */
    int iAttr;       /* attribute index, or -1 for the intersection */
    size_t nGroup;
    FairnessCounts *aCnt; /* nGroup counts (owned) */
    size_t *aCellGroup;   /* cell -> group index, SIZE_MAX when empty (owned) */
    size_t *aGroupCell;   /* group -> one of its cells, for naming (owned) */
    int iRef;             /* reference group */
    int refGiven;         /* 1: named in the spec, 0: highest selection rate */
} FairSet;

/* Gaps and ratios of one set of groups (point estimate or one replicate). */
typedef struct FairMetrics {
    double dpd, dpr;       /* demographic parity difference and ratio */
    double tprGap, fprGap; /* max - min over groups where defined */
    double eqOdds;         /* max(tprGap, fprGap) */
    int iSelMax, iSelMin, iTprMax, iTprMin, iFprMax, iFprMin; /* groups */
} FairMetrics;

/* The data counted into cells: one per combination of attribute values. */
typedef struct FairData {
    size_t nAttr;
    const CsvColumn *aAttr[FAIR_MAX_ATTR]; /* protected columns (categorical) */
    size_t aCard[FAIR_MAX_ATTR];           /* levels + 1 (the last is "missing") */
    size_t aStride[FAIR_MAX_ATTR];         /* cell = sum of level * stride */
    size_t nCell;
    FairnessCounts *aCell; /* nCell counts (owned) */
    int hasScore;
    double nRow;
} FairData;

/* Bootstrap draws of one set: per replicate the five set-level metrics and
 * four per-group values (selection rate, TPR, FPR, disparate impact). */
typedef struct FairBoot {
    double *aSet;   /* nBoot x 5: dpd, dpr, tprGap, fprGap, eqOdds */
    double *aGroup; /* nBoot x nGroup x 4 */
} FairBoot;

/* Gaps over the groups of one set whose count is at least minCount (all
 * groups when none is). Undefined rates are left out of the gaps; a gap
 * over fewer than two defined rates is 0. */
void fair_metrics(const FairnessCounts *aCnt, size_t nGroup, double minCount, FairMetrics *m);

/* Rate of the favorable prediction: the selection rate when 1 is
 * favorable, else 1 - selection rate. */
double fair_fav(const FairnessRates *r, int favorable);

/* Disparate impact of a against the reference (AIF360): fav(a) / fav(ref);
 * 1 when both are 0; NaN when only the reference's is 0. */
double fair_di(const FairnessRates *a, const FairnessRates *ref, int favorable);

/* Name of group g of set st into z ("F", or "F & north" for the
 * intersection). */
const char *fair_group_name(const FairData *d, const FairSet *st, size_t g, char *z, size_t n);

/* Attribute i's level index within cell c. */
size_t fair_level(const FairData *d, size_t i, size_t c);

/* The name of attribute i's level l ("(missing)" for the missing level). */
const char *fair_level_name(const FairData *d, size_t i, size_t l);

/* Count the table's rows into cells. Errors name the column and data row. */
int fair_count(const FairSpec *s, const CsvTable *t, FairData *d, EngineError *pErr);

/* Add counts b into a. */
void fair_add(FairnessCounts *a, const FairnessCounts *b);

/* Total units of a count. */
double fair_n(const FairnessCounts *c);

/* Count the CSV into d's cells while reading it (csv_scan), without
 * keeping its rows; *ppTable gets the table of levels. Returns 0, or
 * nonzero when the audit should read the whole table instead (bad values,
 * whose messages the table path gives) or is out of memory. */
int fair_scan(const FairSpec *s, const char *zCsv, size_t nCsv, const CsvOptions *opt, FairData *d,
              CsvTable **ppTable, EngineError *pErr);

/* One set's JSON (groups, metrics, intervals) and its failures appended to
 * aFail. aBoot is NULL without bootstrap. */
json_t *fair_set_json(const FairData *d, const FairSpec *s, const FairSet *st,
                      const FairBoot *aBoot, double *aTmp, json_t *aFail);

#endif
