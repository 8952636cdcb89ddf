/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fairness audit: reads the spec, counts every row of the CSV once into
 * cells (one per combination of the protected attributes' values, with the
 * confusion counts and the calibration sums), derives the groups of each
 * attribute and of their intersection from the cells, computes rates,
 * gaps, ratios and differences against the reference group, optionally a
 * bootstrap (resampling the cells' counts multinomially, which is row
 * resampling for count-based metrics), and writes the result and the
 * verdict as JSON. Formulas and degenerate cases: docs/fairness.md. */
#include "engine/fairness.h"
#include "engine/csv.h"
#include "engine/stats.h"
#include "util/err.h"
#include "util/hot.h"
#include "util/mem.h"
#include <assert.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Rates of one group; see fairness.h. */
void fairness_rates(const FairnessCounts *c, int hasScore, FairnessRates *r) {
    double pos = c->tp + c->fn, neg = c->fp + c->tn, sel = c->tp + c->fp;
    r->n = pos + neg;
    r->baseRate = r->n > 0 ? pos / r->n : NAN;
    r->selRate = r->n > 0 ? sel / r->n : NAN;
    r->tpr = pos > 0 ? c->tp / pos : NAN;
    r->fpr = neg > 0 ? c->fp / neg : NAN;
    r->precision = sel > 0 ? c->tp / sel : NAN;
    r->ece = NAN;
    if (hasScore && r->n > 0) {
        double e = 0;
        for (int b = 0; b < FAIR_NBIN; b++)
            e += fabs(c->aBinY[b] - c->aBinS[b]);
        r->ece = e / r->n;
    }
}

/* Gaps over the groups of one set whose count is at least minCount (all
 * groups when none is). Undefined rates are left out of the gaps; a gap
 * over fewer than two defined rates is 0. */
static void fair_metrics(const FairnessCounts *aCnt, size_t nGroup, double minCount,
                         FairMetrics *m) {
    double selMax = -1, selMin = 2, tprMax = -1, tprMin = 2, fprMax = -1, fprMin = 2;
    size_t nBig = 0;
    for (size_t g = 0; g < nGroup; g++)
        nBig += aCnt[g].tp + aCnt[g].fp + aCnt[g].tn + aCnt[g].fn >= minCount;
    memset(m, 0, sizeof *m);
    m->iSelMax = m->iSelMin = m->iTprMax = m->iTprMin = m->iFprMax = m->iFprMin = -1;
    for (size_t g = 0; g < nGroup; g++) {
        FairnessRates r;
        fairness_rates(&aCnt[g], 0, &r);
        if (nBig > 0 && r.n < minCount) continue;
        if (isfinite(r.selRate)) {
            if (r.selRate > selMax) selMax = r.selRate, m->iSelMax = (int)g;
            if (r.selRate < selMin) selMin = r.selRate, m->iSelMin = (int)g;
        }
        if (isfinite(r.tpr)) {
            if (r.tpr > tprMax) tprMax = r.tpr, m->iTprMax = (int)g;
            if (r.tpr < tprMin) tprMin = r.tpr, m->iTprMin = (int)g;
        }
        if (isfinite(r.fpr)) {
            if (r.fpr > fprMax) fprMax = r.fpr, m->iFprMax = (int)g;
            if (r.fpr < fprMin) fprMin = r.fpr, m->iFprMin = (int)g;
        }
    }
    m->dpd = m->iSelMax >= 0 ? selMax - selMin : 0;
    m->dpr = m->iSelMax >= 0 && selMax > 0 ? selMin / selMax : 1;
    m->tprGap = m->iTprMax >= 0 ? tprMax - tprMin : 0;
    m->fprGap = m->iFprMax >= 0 ? fprMax - fprMin : 0;
    m->eqOdds = fmax(m->tprGap, m->fprGap);
}

/* Rate of the favorable prediction: the selection rate when 1 is
 * favorable, else 1 - selection rate. */
static double fair_fav(const FairnessRates *r, int favorable) {
    return favorable ? r->selRate : 1 - r->selRate;
}

/* Disparate impact of a against the reference (AIF360): fav(a) / fav(ref);
 * 1 when both are 0; NaN when only the reference's is 0. */
static double fair_di(const FairnessRates *a, const FairnessRates *ref, int favorable) {
    double fa = fair_fav(a, favorable), fr = fair_fav(ref, favorable);
    if (fr > 0) return fa / fr;
    return fa == 0 ? 1.0 : NAN;
}

/* Read the spec into *s. */
static int fair_read_spec(const json_t *spec, FairSpec *s, EngineError *pErr) {
    static const char *const azTop[] = {
        "label",     "prediction", "score",          "threshold", "protected", "intersections",
        "reference", "thresholds", "min_group_size", "bootstrap", "favorable", NULL};
    static const char *const azThr[] = {"disparate_impact", "equal_opportunity", "equalized_odds",
                                        "demographic_parity", NULL};
    static const char *const azBoot[] = {"replicates", "seed", "level", NULL};
    int rc;
    double x;
    memset(s, 0, sizeof *s);
    if ((rc = jspec_only(spec, "", azTop, pErr))) return rc;
    if ((rc = jspec_string(spec, "label", "", "label", &s->zLabel, pErr))) return rc;
    if ((rc = jspec_string(spec, "prediction", "", NULL, &s->zPred, pErr))) return rc;
    if ((rc = jspec_string(spec, "score", "", NULL, &s->zScore, pErr))) return rc;
    if (!s->zPred && !s->zScore) s->zPred = "prediction";
    if ((rc = jspec_number(spec, "threshold", "", 0.5, 0, 1, 0, 0, &s->threshold, pErr))) return rc;
    if (json_object_get(spec, "threshold") && !s->zScore)
        return jspec_fail(pErr, "threshold", "needs \"score\": the column the threshold cuts");
    double fav;
    if ((rc = jspec_number(spec, "favorable", "", 1, 0, 1, 0, 0, &fav, pErr))) return rc;
    if (fav != 0 && fav != 1) return jspec_fail(pErr, "favorable", "must be 0 or 1");
    s->favorable = fav == 1;
    json_t *p = json_object_get(spec, "protected");
    if (json_is_string(p)) {
        s->azAttr[s->nAttr++] = json_string_value(p);
    } else if (json_is_array(p) && json_array_size(p) > 0) {
        if (json_array_size(p) > FAIR_MAX_ATTR)
            return jspec_fail(pErr, "protected", "at most %d protected attributes", FAIR_MAX_ATTR);
        for (size_t i = 0; i < json_array_size(p); i++) {
            json_t *v = json_array_get(p, i);
            char zF[32];
            snprintf(zF, sizeof zF, "protected[%zu]", i);
            if (!json_is_string(v) || json_string_length(v) == 0)
                return jspec_fail(pErr, zF, "must be a column name");
            for (size_t j = 0; j < s->nAttr; j++)
                if (strcmp(s->azAttr[j], json_string_value(v)) == 0)
                    return jspec_fail(pErr, zF, "column '%s' is listed twice",
                                      json_string_value(v));
            s->azAttr[s->nAttr++] = json_string_value(v);
        }
    } else {
        return jspec_fail(pErr, "protected", "is required: the protected attribute column(s)");
    }
    for (size_t i = 0; i < s->nAttr; i++) {
        const char *z = s->azAttr[i];
        if (strcmp(z, s->zLabel) == 0 || (s->zPred && strcmp(z, s->zPred) == 0) ||
            (s->zScore && strcmp(z, s->zScore) == 0))
            return jspec_fail(pErr, "protected",
                              "column '%s' is also the label, prediction or "
                              "score",
                              z);
    }
    if ((rc = jspec_bool(spec, "intersections", "", 1, &s->intersection, pErr))) return rc;
    s->intersection = s->intersection && s->nAttr > 1;
    s->pRef = json_object_get(spec, "reference");
    if (s->pRef && json_is_null(s->pRef)) s->pRef = NULL;
    if (s->pRef && !json_is_object(s->pRef) && !(json_is_string(s->pRef) && s->nAttr == 1))
        return jspec_fail(pErr, "reference",
                          "must be an object {\"attribute\": \"group\"} (a "
                          "string only with one protected attribute)");
    json_t *t = json_object_get(spec, "thresholds");
    if (t && (rc = jspec_only(t, "thresholds", azThr, pErr))) return rc;
    if ((rc = jspec_number(t, "disparate_impact", "thresholds", 0.8, 0, 1, 0, 0, &s->diMin, pErr)))
        return rc;
    if ((rc =
             jspec_number(t, "equal_opportunity", "thresholds", 0.1, 0, 1, 0, 0, &s->eodMax, pErr)))
        return rc;
    if ((rc = jspec_number(t, "equalized_odds", "thresholds", 0.1, 0, 1, 0, 0, &s->eqoMax, pErr)))
        return rc;
    if ((rc = jspec_number(t, "demographic_parity", "thresholds", 0.1, 0, 1, 0, 0, &s->dpdMax,
                           pErr)))
        return rc;
    if ((rc = jspec_count(spec, "min_group_size", "", 1, &s->minCount, pErr))) return rc;
    json_t *b = json_object_get(spec, "bootstrap");
    if (b && (rc = jspec_only(b, "bootstrap", azBoot, pErr))) return rc;
    if ((rc = jspec_count(b, "replicates", "bootstrap", b ? 1000 : 0, &x, pErr))) return rc;
    if (x > FAIR_MAX_BOOT)
        return jspec_fail(pErr, "bootstrap.replicates", "at most %d", FAIR_MAX_BOOT);
    if (b && x < 2) return jspec_fail(pErr, "bootstrap.replicates", "at least 2");
    s->nBoot = (int)x;
    if ((rc = jspec_count(b, "seed", "bootstrap", 1, &x, pErr))) return rc;
    s->seed = (unsigned long)x;
    if ((rc = jspec_number(b, "level", "bootstrap", 0.95, 0, 1, 1, 1, &s->level, pErr))) return rc;
    return 0;
}

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

/* Attribute i's level index within cell c. */
static size_t fair_level(const FairData *d, size_t i, size_t c) {
    return (c / d->aStride[i]) % d->aCard[i];
}

/* The name of attribute i's level l ("(missing)" for the missing level). */
static const char *fair_level_name(const FairData *d, size_t i, size_t l) {
    return l < d->aAttr[i]->nLevel ? d->aAttr[i]->azLevel[l] : "(missing)";
}

/* The data row (1-based) of the first value of a categorical column that is
 * not "0" or "1", for error messages; *pz gets the value. */
static size_t fair_bad_binary(const CsvColumn *col, size_t nRow, const char **pz) {
    for (size_t r = 0; r < nRow; r++) {
        uint32_t k = col->aCode[r];
        const char *z = k == CSV_MISSING_CODE ? "" : col->azLevel[k];
        if (strcmp(z, "0") != 0 && strcmp(z, "1") != 0) {
            *pz = k == CSV_MISSING_CODE ? "(missing)" : z;
            return r + 1;
        }
    }
    *pz = "?";
    return 0;
}

/* Set up d's cells for the protected columns of table t (levels known):
 * cardinalities, strides and zeroed counts. */
static int fair_cells_init(const FairSpec *s, const CsvTable *t, FairData *d, EngineError *pErr) {
    int iScore = s->zScore ? csv_column_index(t, s->zScore) : -1;
    d->nAttr = s->nAttr;
    d->nCell = 1;
    for (size_t i = 0; i < s->nAttr; i++) {
        d->aAttr[i] = &t->aCol[csv_column_index(t, s->azAttr[i])];
        d->aCard[i] = d->aAttr[i]->nLevel + 1;
        d->aStride[i] = d->nCell;
        if (d->aCard[i] > FAIR_MAX_CELLS / d->nCell)
            return jspec_fail(pErr, "protected",
                              "the protected attributes have more than %d "
                              "combinations of values",
                              FAIR_MAX_CELLS);
        d->nCell *= d->aCard[i];
    }
    d->aCell = calloc(d->nCell, sizeof *d->aCell);
    if (!d->aCell) return KEEL_ENOMEM;
    d->hasScore = iScore >= 0;
    d->nRow = (double)t->nRow;
    return 0;
}

/* Count the table's rows into cells. Errors name the column and data row. */
static int fair_count(const FairSpec *s, const CsvTable *t, FairData *d, EngineError *pErr) {
    int iLabel = csv_column_index(t, s->zLabel);
    int iPred = s->zPred ? csv_column_index(t, s->zPred) : -1;
    int iScore = s->zScore ? csv_column_index(t, s->zScore) : -1;
    const char *zBad;
    size_t r;
    if (t->aCol[iLabel].type != CSV_NUMERIC) {
        r = fair_bad_binary(&t->aCol[iLabel], t->nRow, &zBad);
        return jspec_fail(pErr, s->zLabel, "value '%s' on data row %zu is not 0 or 1", zBad, r);
    }
    if (iPred >= 0 && t->aCol[iPred].type != CSV_NUMERIC) {
        r = fair_bad_binary(&t->aCol[iPred], t->nRow, &zBad);
        return jspec_fail(pErr, s->zPred, "value '%s' on data row %zu is not 0 or 1", zBad, r);
    }
    if (iScore >= 0 && t->aCol[iScore].type != CSV_NUMERIC)
        return jspec_fail(pErr, s->zScore, "column '%s' is not numeric", s->zScore);
    int rc = fair_cells_init(s, t, d, pErr);
    if (rc) return rc;
    const double *aY = t->aCol[iLabel].aNum;
    const double *aP = iPred >= 0 ? t->aCol[iPred].aNum : NULL;
    const double *aS = iScore >= 0 ? t->aCol[iScore].aNum : NULL;
    double thr = s->threshold;
    for (r = 0; r < t->nRow; r++) {
        double y = aY[r], p, sc = 0;
        if (y != 0 && y != 1) {
            if (isnan(y))
                return jspec_fail(pErr, s->zLabel, "missing label on data row %zu", r + 1);
            return jspec_fail(pErr, s->zLabel, "value %g on data row %zu is not 0 or 1", y, r + 1);
        }
        if (aS) {
            sc = aS[r];
            if (!(sc >= 0 && sc <= 1)) {
                if (isnan(sc))
                    return jspec_fail(pErr, s->zScore, "missing score on data row %zu", r + 1);
                return jspec_fail(pErr, s->zScore, "score %g on data row %zu is outside [0, 1]", sc,
                                  r + 1);
            }
        }
        if (aP) {
            p = aP[r];
            if (p != 0 && p != 1) {
                if (isnan(p))
                    return jspec_fail(pErr, s->zPred, "missing prediction on data row %zu", r + 1);
                return jspec_fail(pErr, s->zPred, "value %g on data row %zu is not 0 or 1", p,
                                  r + 1);
            }
        } else {
            p = sc >= thr;
        }
        size_t cell = 0;
        for (size_t i = 0; i < d->nAttr; i++) {
            uint32_t k = d->aAttr[i]->aCode[r];
            cell += (k == CSV_MISSING_CODE ? d->aCard[i] - 1 : k) * d->aStride[i];
        }
        FairnessCounts *c = &d->aCell[cell];
        if (y == 1) {
            if (p == 1)
                c->tp += 1;
            else
                c->fn += 1;
        } else {
            if (p == 1)
                c->fp += 1;
            else
                c->tn += 1;
        }
        if (aS) {
            int b = (int)(sc * FAIR_NBIN);
            if (b >= FAIR_NBIN) b = FAIR_NBIN - 1;
            c->aBinN[b] += 1;
            c->aBinY[b] += y;
            c->aBinS[b] += sc;
        }
    }
    return 0;
}

/* Add counts b into a. */
static void fair_add(FairnessCounts *a, const FairnessCounts *b) {
    a->tp += b->tp;
    a->fp += b->fp;
    a->tn += b->tn;
    a->fn += b->fn;
    for (int k = 0; k < FAIR_NBIN; k++) {
        a->aBinN[k] += b->aBinN[k];
        a->aBinY[k] += b->aBinY[k];
        a->aBinS[k] += b->aBinS[k];
    }
}

/* Total units of a count. */
static double fair_n(const FairnessCounts *c) { return c->tp + c->fp + c->tn + c->fn; }

/* ---- counting while the CSV is read (csv_scan) ----------------------- */

/* fair_scan_block's answer to a value only the table path reports well (a
 * label that is not 0 or 1, a missing arm of a cell, too many cells): the
 * audit then reads the whole table, whose checks name the data row. */
#define FAIR_SCAN_STOP 1
#define FAIR_DENSE 4096 /* direct cell slots: 3 attributes of 16 codes */

/* One region's cells, keyed by the region's own codes of the attributes. */
typedef struct FairRegion {
    size_t nKey, nAlloc;          /* cells used and allocated */
    uint32_t *aKey;               /* nAlloc * nAttr codes, local to the region */
    double (*aBin)[FAIR_NBIN][4]; /* nAlloc cells' calibration sums, per
                                   * score bin: units, sum of labels, sum
                                   * of scores, 0 (added as one vector) */
    uint64_t (*aConf)[4];         /* nAlloc confusion counts, by label * 2 +
                                   * prediction: tn, fp, fn, tp */
    int32_t aDense[FAIR_DENSE];   /* cell index + 1 (0: not yet) by the codes
                                   * + 1 of up to 3 attributes, 4 bits each,
                                   * when all are below 15 */
    uint32_t *aSlot;              /* nSlot hash slots: cell index + 1, 0 empty */
    size_t nSlot;                 /* a power of two, over twice nKey */
    int iLabel, iPred, iScore;    /* block column indexes (-1: none) */
    int aiAttr[FAIR_MAX_ATTR];    /* block column indexes of attributes */
} FairRegion;

/* What fair_scan_block works with. */
typedef struct FairScan {
    const FairSpec *s;
    FairRegion aReg[CSV_SCAN_MAX_REGION]; /* one per region */
} FairScan;

/* Free a region's cells. */
static void fair_region_free(FairRegion *g) {
    free(g->aKey);
    free(g->aBin);
    free(g->aConf);
    free(g->aSlot);
    memset(g, 0, sizeof *g);
}

/* Hash of nAttr codes. */
static uint32_t fair_key_hash(const uint32_t *a, size_t nAttr) {
    uint32_t h = 0x9E3779B9u;
    for (size_t i = 0; i < nAttr; i++) {
        h = (h ^ a[i]) * 0x85EBCA6Bu;
        h ^= h >> 15;
    }
    return h;
}

/* Room for one more cell in g; 0 or KEEL_ENOMEM. */
static int fair_region_grow(FairRegion *g, size_t nAttr) {
    assert(nAttr > 0 && g->nKey <= g->nAlloc);
    if (g->nKey == g->nAlloc) {
        size_t nAlloc = g->nAlloc ? g->nAlloc * 2 : 64;
        uint32_t *aKey = mem_realloc(g->aKey, nAlloc, nAttr, sizeof *aKey);
        if (!aKey) return KEEL_ENOMEM;
        g->aKey = aKey;
        double(*aBin)[FAIR_NBIN][4] = mem_realloc(g->aBin, nAlloc, 1, sizeof *aBin);
        if (!aBin) return KEEL_ENOMEM;
        memset(aBin + g->nAlloc, 0, (nAlloc - g->nAlloc) * sizeof *aBin);
        g->aBin = aBin;
        uint64_t(*aConf)[4] = mem_realloc(g->aConf, nAlloc, 1, sizeof *aConf);
        if (!aConf) return KEEL_ENOMEM;
        memset(aConf + g->nAlloc, 0, (nAlloc - g->nAlloc) * sizeof *aConf);
        g->aConf = aConf;
        g->nAlloc = nAlloc;
    }
    if ((g->nKey + 1) * 2 > g->nSlot) {
        size_t nSlot = g->nSlot ? g->nSlot * 2 : 256;
        uint32_t *aSlot = calloc(nSlot, sizeof *aSlot);
        if (!aSlot) return KEEL_ENOMEM;
        for (size_t i = 0; i < g->nKey; i++) {
            size_t k = fair_key_hash(g->aKey + i * nAttr, nAttr) & (nSlot - 1);
            while (aSlot[k])
                k = (k + 1) & (nSlot - 1);
            aSlot[k] = (uint32_t)(i + 1);
        }
        free(g->aSlot);
        g->aSlot = aSlot;
        g->nSlot = nSlot;
    }
    return 0;
}

/* The cell of g for the codes a[0..nAttr), added when new: its index, or
 * KEEL_ENOMEM, or -1 past the cell limit. */
static long fair_region_cell(FairRegion *g, const uint32_t *a, size_t nAttr) {
    uint32_t h = fair_key_hash(a, nAttr);
    size_t mask = g->nSlot - 1, k;
    for (k = h & mask; g->aSlot[k]; k = (k + 1) & mask) {
        const uint32_t *b = g->aKey + (size_t)(g->aSlot[k] - 1) * nAttr;
        size_t i = 0;
        while (i < nAttr && a[i] == b[i])
            i++;
        if (i == nAttr) return (long)g->aSlot[k] - 1;
    }
    if (g->nKey >= FAIR_MAX_CELLS) return -1;
    if ((g->nKey + 1) * 2 > g->nSlot) {
        if (fair_region_grow(g, nAttr)) return KEEL_ENOMEM;
        return fair_region_cell(g, a, nAttr); /* the slots moved */
    }
    if (fair_region_grow(g, nAttr)) return KEEL_ENOMEM;
    memcpy(g->aKey + g->nKey * nAttr, a, nAttr * sizeof *a);
    g->aSlot[k] = (uint32_t)(g->nKey + 1);
    return (long)g->nKey++;
}

/* Index of the column named z among a block's columns, or -1. */
static int fair_block_col(const CsvScanBlock *b, const char *z) {
    for (size_t k = 0; z && k < b->nCol; k++)
        if (strcmp(b->azCol[k], z) == 0) return (int)k;
    return -1;
}

/* The rows of a block into region g's cells (see fair_scan_block), with
 * a loop of its own for each of the four cases of a prediction column
 * (aP) and a score column (aS) given or not. */
static inline __attribute__((always_inline)) int
fair_scan_rows_loop(FairRegion *g, const FairSpec *s, const CsvScanBlock *b, const double *aP,
                    const double *aS) {
    size_t nAttr = s->nAttr;
    const double *aY = b->aaNum[g->iLabel];
    const uint32_t *aaCode[FAIR_MAX_ATTR];
    for (size_t i = 0; i < nAttr; i++)
        aaCode[i] = b->aaCode[g->aiAttr[i]];
    double thr = s->threshold;
    uint32_t aKey[FAIR_MAX_ATTR];
    int canDense = nAttr <= 3;
    for (size_t r = 0; r < b->nRow; r++) {
        double y = aY[r], p, sc = 0;
        if (y != 0 && y != 1) return FAIR_SCAN_STOP;
        if (aS) {
            sc = aS[r];
            if (!(sc >= 0 && sc <= 1)) return FAIR_SCAN_STOP;
        }
        if (aP) {
            p = aP[r];
            if (p != 0 && p != 1) return FAIR_SCAN_STOP;
        } else {
            p = sc >= thr;
        }
        /* the cell: by its codes directly when they are small, else hashed */
        int dense = canDense;
        size_t iDense = 0;
        for (size_t i = 0; i < nAttr; i++) {
            uint32_t k = aaCode[i][r];
            aKey[i] = k;
            uint32_t k1 = k + 1; /* a missing value (UINT32_MAX) is 0 */
            dense &= k1 < 16;
            iDense |= (size_t)(k1 & 15) << (4 * i);
        }
        long cell = dense ? (long)g->aDense[iDense] - 1 : -1;
        if (cell < 0) {
            cell = fair_region_cell(g, aKey, nAttr);
            if (cell < 0) return cell == KEEL_ENOMEM ? KEEL_ENOMEM : FAIR_SCAN_STOP;
            if (dense) g->aDense[iDense] = (int32_t)cell + 1;
        }
        g->aConf[cell][(int)y * 2 + (int)p] += 1;
        if (aS) {
            typedef double V4 __attribute__((vector_size(32)));
            int bin = (int)(sc * FAIR_NBIN);
            if (bin >= FAIR_NBIN) bin = FAIR_NBIN - 1;
            V4 v;
            memcpy(&v, g->aBin[cell][bin], sizeof v);
            v += (V4){1, y, sc, 0};
            memcpy(g->aBin[cell][bin], &v, sizeof v);
        }
    }
    return 0;
}

KEEL_HOT static int fair_scan_rows(FairRegion *g, const FairSpec *s, const CsvScanBlock *b,
                                   const double *aP, const double *aS) {
    if (aP)
        return aS ? fair_scan_rows_loop(g, s, b, aP, aS) : fair_scan_rows_loop(g, s, b, aP, NULL);
    return aS ? fair_scan_rows_loop(g, s, b, NULL, aS) : fair_scan_rows_loop(g, s, b, NULL, NULL);
}

/* csv_scan callback: count a block of rows into its region's cells, as
 * fair_count does for a table. */
static int fair_scan_block(void *pCtx, const CsvScanBlock *b) {
    FairScan *fs = pCtx;
    const FairSpec *s = fs->s;
    FairRegion *g = &fs->aReg[b->iRegion];
    size_t nAttr = s->nAttr;
    if (b->nRow == 0) { /* a pass over the region starts */
        fair_region_free(g);
        g->iLabel = fair_block_col(b, s->zLabel);
        g->iPred = fair_block_col(b, s->zPred);
        g->iScore = fair_block_col(b, s->zScore);
        for (size_t i = 0; i < nAttr; i++) {
            g->aiAttr[i] = fair_block_col(b, s->azAttr[i]);
            if (g->aiAttr[i] < 0 || !b->aaCode[g->aiAttr[i]]) return FAIR_SCAN_STOP;
        }
        if (g->iLabel < 0 || !b->aaNum[g->iLabel]) return FAIR_SCAN_STOP;
        if ((s->zPred && g->iPred < 0) || (s->zScore && g->iScore < 0)) return FAIR_SCAN_STOP;
        return fair_region_grow(g, nAttr);
    }
    const double *aP = g->iPred >= 0 ? b->aaNum[g->iPred] : NULL;
    const double *aS = g->iScore >= 0 ? b->aaNum[g->iScore] : NULL;
    return fair_scan_rows(g, s, b, aP, aS);
}

/* Count the CSV into d's cells while reading it (csv_scan), without
 * keeping its rows; *ppTable gets the table of levels. Returns 0, or
 * nonzero when the audit should read the whole table instead (bad values,
 * whose messages the table path gives) or is out of memory. */
static int fair_scan(const FairSpec *s, const char *zCsv, size_t nCsv, const CsvOptions *opt,
                     FairData *d, CsvTable **ppTable, EngineError *pErr) {
    FairScan *fs = calloc(1, sizeof *fs);
    EngineError ce;
    int rc;
    if (!fs) return KEEL_ENOMEM;
    fs->s = s;
    rc = csv_scan(zCsv, nCsv, opt, fair_scan_block, fs, ppTable, &ce);
    if (rc) goto done;
    const CsvTable *t = *ppTable;
    if ((rc = fair_cells_init(s, t, d, pErr))) goto done;
    size_t aiCol[FAIR_MAX_ATTR];
    for (size_t i = 0; i < s->nAttr; i++)
        aiCol[i] = (size_t)csv_column_index(t, s->azAttr[i]);
    for (size_t j = 0; j < CSV_SCAN_MAX_REGION; j++) {
        FairRegion *g = &fs->aReg[j];
        const uint32_t *aaMap[FAIR_MAX_ATTR];
        for (size_t i = 0; i < s->nAttr && g->nKey; i++)
            if (!(aaMap[i] = csv_scan_map(t, j, aiCol[i]))) {
                rc = KEEL_EINTERNAL;
                goto done;
            }
        for (size_t l = 0; l < g->nKey; l++) {
            const uint32_t *aKey = g->aKey + l * s->nAttr;
            size_t cell = 0;
            for (size_t i = 0; i < s->nAttr; i++)
                cell += (aKey[i] == CSV_MISSING_CODE ? d->aCard[i] - 1 : aaMap[i][aKey[i]]) *
                        d->aStride[i];
            FairnessCounts cnt;
            cnt.tn = (double)g->aConf[l][0];
            cnt.fp = (double)g->aConf[l][1];
            cnt.fn = (double)g->aConf[l][2];
            cnt.tp = (double)g->aConf[l][3];
            for (int k = 0; k < FAIR_NBIN; k++) {
                cnt.aBinN[k] = g->aBin[l][k][0];
                cnt.aBinY[k] = g->aBin[l][k][1];
                cnt.aBinS[k] = g->aBin[l][k][2];
            }
            fair_add(&d->aCell[cell], &cnt);
        }
    }
done:
    for (size_t j = 0; j < CSV_SCAN_MAX_REGION; j++)
        fair_region_free(&fs->aReg[j]);
    free(fs);
    return rc;
}

/* Free a set's arrays. */
static void fair_set_free(FairSet *st) {
    free(st->aCnt);
    free(st->aCellGroup);
    free(st->aGroupCell);
}

/* Name of group g of set st into z ("F", or "F & north" for the
 * intersection). */
static const char *fair_group_name(const FairData *d, const FairSet *st, size_t g, char *z,
                                   size_t n) {
    size_t c = st->aGroupCell[g];
    if (st->iAttr >= 0) {
        snprintf(z, n, "%s",
                 fair_level_name(d, (size_t)st->iAttr, fair_level(d, (size_t)st->iAttr, c)));
        return z;
    }
    size_t k = 0;
    z[0] = 0;
    for (size_t i = 0; i < d->nAttr && k < n; i++)
        k += (size_t)snprintf(z + k, n - k, "%s%s", i ? " & " : "",
                              fair_level_name(d, i, fair_level(d, i, c)));
    return z;
}

/* Build set st for attribute iAttr (or the intersection when -1): its
 * groups are the attribute's values (the non-empty cells) that occur. */
static int fair_set_build(const FairData *d, const FairSpec *s, int iAttr, FairSet *st) {
    memset(st, 0, sizeof *st);
    st->iAttr = iAttr;
    if (iAttr >= 0) {
        snprintf(st->zName, sizeof st->zName, "%s", s->azAttr[iAttr]);
    } else {
        size_t k = 0;
        for (size_t i = 0; i < s->nAttr && k < sizeof st->zName; i++)
            k += (size_t)snprintf(st->zName + k, sizeof st->zName - k, "%s%s", i ? " & " : "",
                                  s->azAttr[i]);
    }
    size_t nKey = iAttr >= 0 ? d->aCard[iAttr] : d->nCell;
    size_t *aKeyGroup = mem_alloc(nKey, 1, sizeof *aKeyGroup);
    st->aCellGroup = mem_alloc(d->nCell, 1, sizeof *st->aCellGroup);
    st->aGroupCell = mem_alloc(nKey, 1, sizeof *st->aGroupCell);
    st->aCnt = calloc(nKey, sizeof *st->aCnt);
    if (!aKeyGroup || !st->aCellGroup || !st->aGroupCell || !st->aCnt) {
        free(aKeyGroup);
        return KEEL_ENOMEM;
    }
    for (size_t k = 0; k < nKey; k++)
        aKeyGroup[k] = SIZE_MAX;
    /* Groups in level order (first appearance in the CSV; missing last). */
    for (size_t c = 0; c < d->nCell; c++) {
        st->aCellGroup[c] = SIZE_MAX;
        if (fair_n(&d->aCell[c]) == 0) continue;
        size_t key = iAttr >= 0 ? fair_level(d, (size_t)iAttr, c) : c;
        if (aKeyGroup[key] == SIZE_MAX) aKeyGroup[key] = 1; /* mark */
    }
    for (size_t k = 0; k < nKey; k++)
        if (aKeyGroup[k] != SIZE_MAX) aKeyGroup[k] = st->nGroup++;
    for (size_t c = 0; c < d->nCell; c++) {
        if (fair_n(&d->aCell[c]) == 0) continue;
        size_t key = iAttr >= 0 ? fair_level(d, (size_t)iAttr, c) : c;
        size_t g = aKeyGroup[key];
        st->aCellGroup[c] = g;
        st->aGroupCell[g] = c;
        fair_add(&st->aCnt[g], &d->aCell[c]);
    }
    free(aKeyGroup);
    return 0;
}

/* Resolve the reference group of st from the spec, or default to the group
 * with the highest selection rate. */
static int fair_set_reference(const FairData *d, const FairSpec *s, FairSet *st,
                              const FairMetrics *m, EngineError *pErr) {
    char zG[512], zF[160];
    int iBest = s->favorable ? m->iSelMax : m->iSelMin;
    st->iRef = iBest >= 0 ? iBest : 0;
    st->refGiven = 0;
    if (!s->pRef) return 0;
    if (st->iAttr >= 0) {
        const char *zWant = json_is_string(s->pRef)
                                ? json_string_value(s->pRef)
                                : json_string_value(json_object_get(s->pRef, s->azAttr[st->iAttr]));
        if (!zWant) return 0;
        for (size_t g = 0; g < st->nGroup; g++)
            if (strcmp(fair_group_name(d, st, g, zG, sizeof zG), zWant) == 0) {
                st->iRef = (int)g;
                st->refGiven = 1;
                return 0;
            }
        if (json_is_string(s->pRef))
            snprintf(zF, sizeof zF, "reference");
        else
            snprintf(zF, sizeof zF, "reference.%s", s->azAttr[st->iAttr]);
        return jspec_fail(pErr, zF, "no group '%s' in column '%s'", zWant, s->azAttr[st->iAttr]);
    }
    /* Intersection: only when every attribute's reference value is given. */
    for (size_t i = 0; i < s->nAttr; i++)
        if (!json_is_string(json_object_get(s->pRef, s->azAttr[i]))) return 0;
    for (size_t g = 0; g < st->nGroup; g++) {
        size_t c = st->aGroupCell[g], i;
        for (i = 0; i < s->nAttr; i++)
            if (strcmp(fair_level_name(d, i, fair_level(d, i, c)),
                       json_string_value(json_object_get(s->pRef, s->azAttr[i]))) != 0)
                break;
        if (i == s->nAttr) {
            st->iRef = (int)g;
            st->refGiven = 1;
            return 0;
        }
    }
    return jspec_fail(pErr, "reference", "no rows have every attribute at its reference value");
}

/* Bootstrap draws of one set: per replicate the five set-level metrics and
 * four per-group values (selection rate, TPR, FPR, disparate impact). */
typedef struct FairBoot {
    double *aSet;   /* nBoot x 5: dpd, dpr, tprGap, fprGap, eqOdds */
    double *aGroup; /* nBoot x nGroup x 4 */
} FairBoot;

/* Draw nBoot bootstrap replicates for every set: the cells' confusion
 * counts are drawn from Multinomial(N, counts / N), which has the law of
 * the counts of a resample of N rows with replacement. Seeded, so
 * reproducible. Calibration is not bootstrapped. */
static int fair_bootstrap(const FairData *d, const FairSpec *s, FairSet *aSet, size_t nSet,
                          FairBoot *aBoot) {
    size_t nK = 0, B = (size_t)s->nBoot;
    int rc = 0;
    for (size_t c = 0; c < d->nCell; c++)
        nK += fair_n(&d->aCell[c]) > 0;
    double *aProb = mem_alloc(4, nK, sizeof *aProb);
    unsigned int *aDraw = mem_alloc(4, nK, sizeof *aDraw);
    size_t *aCellOf = malloc(nK * sizeof *aCellOf);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    FairnessCounts *aTmp = NULL;
    size_t nMaxGroup = 0;
    for (size_t i = 0; i < nSet; i++)
        if (aSet[i].nGroup > nMaxGroup) nMaxGroup = aSet[i].nGroup;
    aTmp = malloc((nMaxGroup ? nMaxGroup : 1) * sizeof *aTmp);
    for (size_t i = 0; i < nSet && aProb; i++) {
        aBoot[i].aSet = mem_alloc(B, 5, sizeof(double));
        aBoot[i].aGroup = mem_zalloc(B, aSet[i].nGroup * 4, sizeof(double));
        if (!aBoot[i].aSet || !aBoot[i].aGroup) rc = KEEL_ENOMEM;
    }
    if (!aProb || !aDraw || !aCellOf || !r || !aTmp || rc) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    gsl_rng_set(r, s->seed);
    size_t k = 0;
    for (size_t c = 0; c < d->nCell; c++) {
        const FairnessCounts *x = &d->aCell[c];
        if (fair_n(x) == 0) continue;
        aCellOf[k] = c;
        aProb[4 * k] = x->tp;
        aProb[4 * k + 1] = x->fp;
        aProb[4 * k + 2] = x->tn;
        aProb[4 * k + 3] = x->fn;
        k++;
    }
    for (size_t b = 0; b < B; b++) {
        gsl_ran_multinomial(r, 4 * nK, (unsigned int)d->nRow, aProb, aDraw);
        for (size_t i = 0; i < nSet; i++) {
            FairSet *st = &aSet[i];
            memset(aTmp, 0, st->nGroup * sizeof *aTmp);
            for (size_t j = 0; j < nK; j++) {
                FairnessCounts *g = &aTmp[st->aCellGroup[aCellOf[j]]];
                g->tp += aDraw[4 * j];
                g->fp += aDraw[4 * j + 1];
                g->tn += aDraw[4 * j + 2];
                g->fn += aDraw[4 * j + 3];
            }
            FairMetrics m;
            fair_metrics(aTmp, st->nGroup, s->minCount, &m);
            double *o = &aBoot[i].aSet[b * 5];
            o[0] = m.dpd, o[1] = m.dpr, o[2] = m.tprGap, o[3] = m.fprGap, o[4] = m.eqOdds;
            FairnessRates ref;
            fairness_rates(&aTmp[st->iRef], 0, &ref);
            for (size_t g = 0; g < st->nGroup; g++) {
                FairnessRates rr;
                fairness_rates(&aTmp[g], 0, &rr);
                double *q = &aBoot[i].aGroup[(b * st->nGroup + g) * 4];
                q[0] = rr.selRate, q[1] = rr.tpr, q[2] = rr.fpr,
                q[3] = fair_di(&rr, &ref, s->favorable);
            }
        }
    }
done:
    free(aProb);
    free(aDraw);
    free(aCellOf);
    free(aTmp);
    if (r) gsl_rng_free(r);
    return rc;
}

/* Percentile interval at level of the finite values a[0], a[stride], ...
 * (n values): [lo, hi] as JSON, null entries when none are finite. */
static json_t *fair_ci(const double *a, size_t stride, size_t n, double level, double *aTmp) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(a[i * stride])) aTmp[k++] = a[i * stride];
    json_t *o = json_array();
    if (k == 0) {
        json_array_append_new(o, json_null());
        json_array_append_new(o, json_null());
        return o;
    }
    gsl_sort(aTmp, 1, k);
    json_array_append_new(
        o, json_real(gsl_stats_quantile_from_sorted_data(aTmp, 1, k, (1 - level) / 2)));
    json_array_append_new(
        o, json_real(gsl_stats_quantile_from_sorted_data(aTmp, 1, k, (1 + level) / 2)));
    return o;
}

/* Append a failure {attribute, metric, value, threshold, groups, message}. */
static void fair_failure(json_t *aFail, const char *zSet, const char *zMetric, double value,
                         double threshold, json_t *aGroups, const char *zMsg) {
    json_t *o = json_object();
    json_object_set_new(o, "attribute", json_string(zSet));
    json_object_set_new(o, "metric", json_string(zMetric));
    json_object_set_new(o, "value", stats_json_real(value));
    json_object_set_new(o, "threshold", json_real(threshold));
    json_object_set_new(o, "groups", aGroups);
    json_object_set_new(o, "message", json_string(zMsg));
    json_array_append_new(aFail, o);
}

/* One set's JSON (groups, metrics, intervals) and its failures appended to
 * aFail. aBoot is NULL without bootstrap. */
static json_t *fair_set_json(const FairData *d, const FairSpec *s, const FairSet *st,
                             const FairBoot *aBoot, double *aTmp, json_t *aFail) {
    char zG[512], zG2[512], zMsg[1400];
    FairMetrics m;
    FairnessRates ref;
    fair_metrics(st->aCnt, st->nGroup, s->minCount, &m);
    fairness_rates(&st->aCnt[st->iRef], d->hasScore, &ref);
    json_t *o = json_object(), *groups = json_array(), *met = json_object();
    json_t *cols = json_array();
    if (st->iAttr >= 0)
        json_array_append_new(cols, json_string(s->azAttr[st->iAttr]));
    else
        for (size_t i = 0; i < s->nAttr; i++)
            json_array_append_new(cols, json_string(s->azAttr[i]));
    json_object_set_new(o, "attribute", json_string(st->zName));
    json_object_set_new(o, "columns", cols);
    json_object_set_new(o, "reference",
                        json_string(fair_group_name(d, st, (size_t)st->iRef, zG, sizeof zG)));
    json_object_set_new(o, "reference_rule",
                        json_string(st->refGiven   ? "given"
                                    : s->favorable ? "highest_selection_rate"
                                                   : "lowest_selection_rate"));
    double diMin = HUGE_VAL;
    int iDiMin = -1;
    json_t *lowDi = json_array();
    size_t nBig = 0;
    for (size_t g = 0; g < st->nGroup; g++)
        nBig += fair_n(&st->aCnt[g]) >= s->minCount;
    for (size_t g = 0; g < st->nGroup; g++) {
        const FairnessCounts *c = &st->aCnt[g];
        FairnessRates r;
        fairness_rates(c, d->hasScore, &r);
        int judged = nBig == 0 || r.n >= s->minCount;
        double di = fair_di(&r, &ref, s->favorable);
        json_t *og = json_object(), *vals = json_object();
        fair_group_name(d, st, g, zG, sizeof zG);
        for (size_t i = 0; i < d->nAttr; i++)
            if (st->iAttr < 0 || (size_t)st->iAttr == i)
                json_object_set_new(
                    vals, s->azAttr[i],
                    json_string(fair_level_name(d, i, fair_level(d, i, st->aGroupCell[g]))));
        json_object_set_new(og, "group", json_string(zG));
        json_object_set_new(og, "values", vals);
        json_object_set_new(og, "count", stats_json_count(r.n));
        json_object_set_new(og, "positives", stats_json_count(c->tp + c->fn));
        json_object_set_new(og, "predicted_positives", stats_json_count(c->tp + c->fp));
        json_object_set_new(og, "true_positives", stats_json_count(c->tp));
        json_object_set_new(og, "false_positives", stats_json_count(c->fp));
        json_object_set_new(og, "base_rate", stats_json_real(r.baseRate));
        json_object_set_new(og, "selection_rate", stats_json_real(r.selRate));
        json_object_set_new(og, "tpr", stats_json_real(r.tpr));
        json_object_set_new(og, "fpr", stats_json_real(r.fpr));
        json_object_set_new(og, "precision", stats_json_real(r.precision));
        json_object_set_new(og, "ece", stats_json_real(r.ece));
        json_object_set_new(og, "disparate_impact", stats_json_real(di));
        json_object_set_new(og, "equal_opportunity_difference", stats_json_real(r.tpr - ref.tpr));
        json_object_set_new(og, "fpr_difference", stats_json_real(r.fpr - ref.fpr));
        json_object_set_new(og, "average_odds_difference",
                            stats_json_real(0.5 * ((r.fpr - ref.fpr) + (r.tpr - ref.tpr))));
        json_object_set_new(og, "reference", json_boolean((int)g == st->iRef));
        json_object_set_new(og, "judged", json_boolean(judged));
        if (aBoot) {
            json_t *ci = json_object();
            size_t B = (size_t)s->nBoot, stride = st->nGroup * 4;
            static const char *const azK[] = {"selection_rate", "tpr", "fpr", "disparate_impact"};
            for (int k = 0; k < 4; k++)
                json_object_set_new(
                    ci, azK[k],
                    fair_ci(&aBoot->aGroup[g * 4 + (size_t)k], stride, B, s->level, aTmp));
            json_object_set_new(og, "ci", ci);
        }
        json_array_append_new(groups, og);
        if (judged && (int)g != st->iRef && isfinite(di)) {
            if (di < diMin) diMin = di, iDiMin = (int)g;
            if (di < s->diMin) json_array_append_new(lowDi, json_string(zG));
        }
    }
    json_object_set_new(o, "groups", groups);
    json_object_set_new(met, "demographic_parity_difference", json_real(m.dpd));
    json_object_set_new(met, "demographic_parity_ratio", json_real(m.dpr));
    json_object_set_new(met, "equal_opportunity_difference", json_real(m.tprGap));
    json_object_set_new(met, "equalized_odds_difference", json_real(m.eqOdds));
    json_object_set_new(met, "tpr_difference", json_real(m.tprGap));
    json_object_set_new(met, "fpr_difference", json_real(m.fprGap));
    json_object_set_new(met, "min_disparate_impact", iDiMin >= 0 ? json_real(diMin) : json_real(1));
    json_object_set_new(o, "metrics", met);
    if (aBoot) {
        json_t *ci = json_object();
        static const char *const azK[] = {
            "demographic_parity_difference", "demographic_parity_ratio",
            "equal_opportunity_difference", "fpr_difference", "equalized_odds_difference"};
        for (int k = 0; k < 5; k++)
            json_object_set_new(ci, azK[k],
                                fair_ci(&aBoot->aSet[k], 5, (size_t)s->nBoot, s->level, aTmp));
        json_object_set_new(o, "ci", ci);
        json_t *bo = json_object();
        json_object_set_new(bo, "replicates", json_integer(s->nBoot));
        json_object_set_new(bo, "seed", json_integer((json_int_t)s->seed));
        json_object_set_new(bo, "level", json_real(s->level));
        json_object_set_new(o, "bootstrap", bo);
    }
    /* Failures, each naming the groups responsible. */
    size_t nFail0 = json_array_size(aFail);
    if (json_array_size(lowDi) > 0) {
        fair_group_name(d, st, (size_t)iDiMin, zG, sizeof zG);
        fair_group_name(d, st, (size_t)st->iRef, zG2, sizeof zG2);
        snprintf(zMsg, sizeof zMsg,
                 "%.200s: disparate impact of '%.300s' is %.3f against '%.300s' (%s rate "
                 "%.3f vs %.3f), below the four-fifths threshold %.2f",
                 st->zName, zG, diMin, zG2, s->favorable ? "selection" : "favorable prediction",
                 diMin * fair_fav(&ref, s->favorable), fair_fav(&ref, s->favorable), s->diMin);
        fair_failure(aFail, st->zName, "disparate_impact", diMin, s->diMin, json_incref(lowDi),
                     zMsg);
    }
    json_decref(lowDi);
    if (m.dpd > s->dpdMax && m.iSelMax >= 0) {
        fair_group_name(d, st, (size_t)m.iSelMax, zG, sizeof zG);
        fair_group_name(d, st, (size_t)m.iSelMin, zG2, sizeof zG2);
        snprintf(zMsg, sizeof zMsg,
                 "%.200s: demographic parity difference %.3f between '%.300s' and '%.300s' "
                 "exceeds %.2f",
                 st->zName, m.dpd, zG, zG2, s->dpdMax);
        fair_failure(aFail, st->zName, "demographic_parity_difference", m.dpd, s->dpdMax,
                     json_pack("[ss]", zG, zG2), zMsg);
    }
    if (m.tprGap > s->eodMax && m.iTprMax >= 0) {
        fair_group_name(d, st, (size_t)m.iTprMax, zG, sizeof zG);
        fair_group_name(d, st, (size_t)m.iTprMin, zG2, sizeof zG2);
        snprintf(zMsg, sizeof zMsg,
                 "%.200s: equal opportunity difference (TPR gap) %.3f: '%.300s' has "
                 "TPR %.3f, '%.300s' %.3f; threshold %.2f",
                 st->zName, m.tprGap, zG2,
                 st->aCnt[m.iTprMin].tp / (st->aCnt[m.iTprMin].tp + st->aCnt[m.iTprMin].fn), zG,
                 st->aCnt[m.iTprMax].tp / (st->aCnt[m.iTprMax].tp + st->aCnt[m.iTprMax].fn),
                 s->eodMax);
        fair_failure(aFail, st->zName, "equal_opportunity_difference", m.tprGap, s->eodMax,
                     json_pack("[ss]", zG2, zG), zMsg);
    }
    if (m.eqOdds > s->eqoMax) {
        int fpr = m.fprGap >= m.tprGap;
        int iHi = fpr ? m.iFprMax : m.iTprMax, iLo = fpr ? m.iFprMin : m.iTprMin;
        FairnessRates rh, rl;
        fairness_rates(&st->aCnt[iHi], 0, &rh);
        fairness_rates(&st->aCnt[iLo], 0, &rl);
        fair_group_name(d, st, (size_t)iHi, zG, sizeof zG);
        fair_group_name(d, st, (size_t)iLo, zG2, sizeof zG2);
        if (fpr)
            snprintf(
                zMsg, sizeof zMsg,
                "%.200s: equalized odds difference %.3f is the FPR gap: '%.300s' "
                "has false positive rate %.3f against %.3f for '%.300s' (its true negatives are "
                "flagged far more often); threshold %.2f",
                st->zName, m.eqOdds, zG, rh.fpr, rl.fpr, zG2, s->eqoMax);
        else
            snprintf(zMsg, sizeof zMsg,
                     "%.200s: equalized odds difference %.3f is the TPR gap: '%.300s' "
                     "has true positive rate %.3f against %.3f for '%.300s'; threshold %.2f",
                     st->zName, m.eqOdds, zG2, rl.tpr, rh.tpr, zG, s->eqoMax);
        json_t *f = json_pack("[ss]", fpr ? zG : zG2, fpr ? zG2 : zG);
        fair_failure(aFail, st->zName, "equalized_odds_difference", m.eqOdds, s->eqoMax, f, zMsg);
        json_t *last = json_array_get(aFail, json_array_size(aFail) - 1);
        json_object_set_new(last, "gap", json_string(fpr ? "fpr" : "tpr"));
    }
    json_object_set_new(o, "passed", json_boolean(json_array_size(aFail) == nFail0));
    return o;
}

/* The whole audit; see fairness.h. */
int fairness_run_json(const json_t *pSpec, const char *zCsv, size_t nCsv, int nThread,
                      int csvMapped, json_t **ppOut, EngineError *pErr) {
    FairSpec s;
    FairData d;
    FairSet aSet[FAIR_MAX_ATTR + 1];
    FairBoot aBoot[FAIR_MAX_ATTR + 1];
    size_t nSet = 0;
    CsvTable *t = NULL;
    double *aTmp = NULL;
    json_t *out = NULL;
    int rc;
    stats_init();
    memset(&d, 0, sizeof d);
    memset(aBoot, 0, sizeof aBoot);
    *ppOut = NULL;
    if (pErr) memset(pErr, 0, sizeof *pErr);
    if ((rc = fair_read_spec(pSpec, &s, pErr))) goto done;
    if (!zCsv) {
        rc = jspec_fail(pErr, "csv", "a CSV of predictions is required");
        goto done;
    }
    const char *azOnly[FAIR_MAX_ATTR + 3];
    CsvTypeOverride aOv[FAIR_MAX_ATTR];
    size_t nOnly = 0;
    azOnly[nOnly++] = s.zLabel;
    if (s.zPred) azOnly[nOnly++] = s.zPred;
    if (s.zScore) azOnly[nOnly++] = s.zScore;
    for (size_t i = 0; i < s.nAttr; i++) {
        azOnly[nOnly++] = s.azAttr[i];
        aOv[i].zName = s.azAttr[i];
        aOv[i].type = CSV_CATEGORICAL;
    }
    CsvOptions opt = {0};
    EngineError ce;
    opt.nThread = nThread;
    opt.mapped = csvMapped;
    opt.azOnly = azOnly;
    opt.nOnly = nOnly;
    opt.aOverride = aOv;
    opt.nOverride = s.nAttr;
    memset(&ce, 0, sizeof ce);
    /* count while reading; on any trouble read the whole table, whose
     * checks name the row and the field */
    rc = fair_scan(&s, zCsv, nCsv, &opt, &d, &t, pErr);
    if (rc == 0 && t->nRow > 0) goto counted;
    if (rc == KEEL_ENOMEM) goto done;
    csv_free(t);
    t = NULL;
    free(d.aCell);
    memset(&d, 0, sizeof d);
    if (pErr) memset(pErr, 0, sizeof *pErr);
    rc = csv_parse(zCsv, nCsv, &opt, &t, &ce);
    if (rc == KEEL_EINVAL) {
        /* A missing column: name the spec field that asked for it. */
        const char *zField = "csv";
        for (size_t i = 0; i < nOnly; i++) {
            char zQ[300];
            snprintf(zQ, sizeof zQ, "'%.80s'", azOnly[i]);
            if (strstr(ce.zMsg, zQ) && strstr(ce.zMsg, "no column")) {
                zField = azOnly[i] == s.zLabel   ? "label"
                         : azOnly[i] == s.zPred  ? "prediction"
                         : azOnly[i] == s.zScore ? "score"
                                                 : "protected";
                break;
            }
        }
        /* the reader's message may already say where */
        rc = strncmp(ce.zMsg, "line ", 5) == 0 ? jspec_fail(pErr, zField, "%s", ce.zMsg)
                                                : jspec_fail(pErr, zField, "line %zu: %s", ce.iLine, ce.zMsg);
        goto done;
    }
    if (rc) goto done;
    if (t->nRow == 0) {
        rc = jspec_fail(pErr, "csv", "the CSV has no data rows");
        goto done;
    }
    if ((rc = fair_count(&s, t, &d, pErr))) goto done;
counted:
    for (size_t i = 0; i < s.nAttr; i++)
        if ((rc = fair_set_build(&d, &s, (int)i, &aSet[nSet++]))) goto done;
    if (s.intersection && (rc = fair_set_build(&d, &s, -1, &aSet[nSet++]))) goto done;
    size_t nMaxGroup = 1;
    for (size_t i = 0; i < nSet; i++) {
        FairMetrics m;
        fair_metrics(aSet[i].aCnt, aSet[i].nGroup, s.minCount, &m);
        if ((rc = fair_set_reference(&d, &s, &aSet[i], &m, pErr))) goto done;
        if (aSet[i].nGroup > nMaxGroup) nMaxGroup = aSet[i].nGroup;
    }
    if (s.pRef && json_is_object(s.pRef)) {
        const char *zKey;
        json_t *v;
        json_object_foreach((json_t *)s.pRef, zKey, v) {
            size_t i = 0;
            while (i < s.nAttr && strcmp(s.azAttr[i], zKey) != 0)
                i++;
            char zF[160];
            snprintf(zF, sizeof zF, "reference.%s", zKey);
            if (i == s.nAttr) {
                rc = jspec_fail(pErr, zF, "is not a protected attribute");
                goto done;
            }
            if (!json_is_string(v)) {
                rc = jspec_fail(pErr, zF, "must be a group name (a string)");
                goto done;
            }
        }
    }
    if (s.nBoot > 0) {
        /* Bound the bootstrap's work and memory: replicates x groups. */
        double nGroupAll = 0;
        for (size_t i = 0; i < nSet; i++)
            nGroupAll += (double)aSet[i].nGroup + 2;
        if (nGroupAll * s.nBoot > FAIR_MAX_BOOT_WORK) {
            rc = jspec_fail(pErr, "bootstrap.replicates",
                            "%d replicates of %.0f groups is over the limit of %.0f; use fewer "
                            "replicates",
                            s.nBoot, nGroupAll, (double)FAIR_MAX_BOOT_WORK);
            goto done;
        }
        if ((rc = fair_bootstrap(&d, &s, aSet, nSet, aBoot))) goto done;
    }
    aTmp = malloc((size_t)(s.nBoot > 0 ? s.nBoot : 1) * sizeof *aTmp);
    out = json_object();
    if (!aTmp || !out) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    json_t *aFail = json_array(), *attrs = json_array(), *thr = json_object();
    for (size_t i = 0; i < nSet; i++)
        json_array_append_new(
            attrs, fair_set_json(&d, &s, &aSet[i], s.nBoot > 0 ? &aBoot[i] : NULL, aTmp, aFail));
    json_object_set_new(out, "engine", json_string(FAIRNESS_ENGINE_VERSION));
    json_object_set_new(out, "rows", stats_json_count(d.nRow));
    json_object_set_new(out, "label", json_string(s.zLabel));
    json_object_set_new(out, "prediction", s.zPred ? json_string(s.zPred) : json_null());
    json_object_set_new(out, "score", s.zScore ? json_string(s.zScore) : json_null());
    json_object_set_new(out, "threshold",
                        s.zScore && !s.zPred ? json_real(s.threshold) : json_null());
    json_object_set_new(out, "favorable", json_integer(s.favorable));
    json_object_set_new(thr, "disparate_impact", json_real(s.diMin));
    json_object_set_new(thr, "equal_opportunity", json_real(s.eodMax));
    json_object_set_new(thr, "equalized_odds", json_real(s.eqoMax));
    json_object_set_new(thr, "demographic_parity", json_real(s.dpdMax));
    json_object_set_new(thr, "min_group_size", stats_json_count(s.minCount));
    json_object_set_new(out, "thresholds", thr);
    json_object_set_new(out, "attributes", attrs);
    /* the reasons as sentences and, entry for entry, as codes with their
     * numbers (for clients that word them in another language) */
    json_t *v = json_object(), *reasons = json_array(), *codes = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(aFail, i, f) {
        json_array_append(reasons, json_object_get(f, "message"));
        json_t *c = json_deep_copy(f);
        json_object_del(c, "message");
        json_object_set_new(c, "code", json_string("metric_over_threshold"));
        json_array_append_new(codes, c);
    }
    if (json_array_size(aFail) == 0) {
        json_array_append_new(reasons, json_string("every fairness metric is within its threshold "
                                                   "for every protected attribute"));
        json_array_append_new(codes, json_pack("{s:s}", "code", "all_within_thresholds"));
    }
    json_object_set_new(v, "decision", json_string(json_array_size(aFail) ? "fail" : "pass"));
    json_object_set_new(v, "reasons", reasons);
    json_object_set_new(v, "reason_codes", codes);
    json_object_set_new(v, "failures", aFail);
    json_object_set_new(out, "verdict", v);
done:
    for (size_t k = 0; k < nSet; k++) {
        fair_set_free(&aSet[k]);
        free(aBoot[k].aSet);
        free(aBoot[k].aGroup);
    }
    free(d.aCell);
    free(aTmp);
    csv_free(t);
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppOut = out;
    return 0;
}
