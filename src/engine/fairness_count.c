/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fairness audit's counting: every row of the data into a cell (one
 * per combination of the protected attributes' values) holding its
 * confusion counts and calibration bins, from the parsed table or while
 * the CSV is read (csv_scan), region by region. Errors name the column and
 * data row. */
#include "engine/fairness_int.h"
#include "util/err.h"
#include "util/hot.h"
#include "util/mem.h"
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Attribute i's level index within cell c. */
size_t fair_level(const FairData *d, size_t i, size_t c) {
    return (c / d->aStride[i]) % d->aCard[i];
}

/* The name of attribute i's level l ("(missing)" for the missing level). */
const char *fair_level_name(const FairData *d, size_t i, size_t l) {
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
int fair_count(const FairSpec *s, const CsvTable *t, FairData *d, EngineError *pErr) {
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
void fair_add(FairnessCounts *a, const FairnessCounts *b) {
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
double fair_n(const FairnessCounts *c) { return c->tp + c->fp + c->tn + c->fn; }

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
int fair_scan(const FairSpec *s, const char *zCsv, size_t nCsv, const CsvOptions *opt, FairData *d,
              CsvTable **ppTable, EngineError *pErr) {
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
