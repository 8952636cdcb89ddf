/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSV reader's last step and its table: the regions read in parallel
 * merged into one CsvTable (column types settled, each region's category
 * codes mapped onto one dictionary, numbers and codes laid end to end),
 * and what a caller does with a table (free it, take a column's numbers,
 * find a column, a region's code map). See csv.c for the reading. */
#include "engine/csv_int.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

/* ---- merge ------------------------------------------------------------- */

/* Free a table's memory without the column arrays' owner checks. */
void csv_free(CsvTable *t) {
    if (!t) return;
    CsvTableImpl *p = (CsvTableImpl *)t;
    for (size_t k = 0; k < t->nCol; k++) {
        csv_unmap(t->aCol[k].aNum, (t->nRow ? t->nRow : 1) * sizeof(double));
        csv_unmap(t->aCol[k].aCode, (t->nRow ? t->nRow : 1) * sizeof(uint32_t));
        free(t->aCol[k].azLevel);
    }
    if (p->aaMap)
        for (size_t k = 0; k < t->nCol; k++)
            free(p->aaMap[k]);
    free(p->aaMap);
    free(p->aMapOff);
    free(t->aCol);
    csv_arena_free(&p->arena);
    free(p);
}

double *csv_column_take_numbers(CsvTable *t, size_t k) {
    if (!t || k >= t->nCol || t->aCol[k].type != CSV_NUMERIC) return NULL;
    double *a = t->aCol[k].aNum;
    t->aCol[k].aNum = NULL;
    return a;
}

void csv_numbers_free(double *a, size_t nRow) { csv_unmap(a, (nRow ? nRow : 1) * sizeof(double)); }

/* Build the table from the parsed regions a[0..nChunk) (all valid and in
 * order). Region arrays are freed or taken over as they are copied. */
int csv_merge(const CsvShared *s, Chunk *a, size_t nChunk, CsvTableImpl *p) {
    CsvTable *t = &p->t;
    int rc = 0;
    uint32_t **aaMap = NULL; /* per column, per region: local -> global code */
    size_t nRow = 0;
    for (size_t j = 0; j < nChunk; j++)
        nRow += a[j].nRowDone + a[j].nRow;
    t->nRow = nRow;
    /* final types, and regions that stored text columns as numbers */
    for (size_t k = 0; k < s->nSel; k++) {
        CsvColumn *col = &t->aCol[k];
        int isCat = s->aForce[k] == CSV_CATEGORICAL;
        if (s->aForce[k] == CSV_AUTO)
            for (size_t j = 0; j < nChunk; j++)
                isCat |= a[j].aCol[k].sawText;
        col->type = isCat ? CSV_CATEGORICAL : CSV_NUMERIC;
        for (size_t j = 0; j < nChunk; j++) {
            col->nMissing += a[j].aCol[k].nMissing;
            if (isCat && !a[j].aCol[k].isCat) {
                rc = csv_chunk_col_to_text(&a[j], k, a[j].nRow);
                if (rc) {
                    if (a[j].rc == KEEL_EINVAL) rc = KEEL_EINVAL;
                    goto done;
                }
            }
        }
    }
    aaMap = calloc(s->nSel ? s->nSel : 1, sizeof *aaMap);
    if (!aaMap) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    /* global dictionaries */
    for (size_t k = 0; k < s->nSel; k++) {
        CsvColumn *col = &t->aCol[k];
        if (col->type == CSV_NUMERIC) continue;
        size_t nMap = 0;
        for (size_t j = 0; j < nChunk; j++)
            nMap += a[j].aCol[k].dict.nLevel;
        aaMap[k] = malloc((nMap ? nMap : 1) * sizeof(uint32_t));
        if (!aaMap[k]) {
            rc = KEEL_ENOMEM;
            goto done;
        }
        CsvDict g = {0};
        size_t iMap = 0;
        for (size_t j = 0; j < nChunk && !rc; j++) {
            const CsvDict *d = &a[j].aCol[k].dict;
            for (size_t l = 0; l < d->nLevel; l++) {
                int isNew;
                rc = csv_dict_intern(&g, d->aLevel[l].z, d->aLevel[l].n, d->aLevel[l].h,
                                     &aaMap[k][iMap++], &isNew);
                if (rc) break;
            }
        }
        if (!rc) {
            col->azLevel = malloc((g.nLevel ? g.nLevel : 1) * sizeof(char *));
            if (!col->azLevel) rc = KEEL_ENOMEM;
        }
        for (size_t l = 0; !rc && l < g.nLevel; l++) {
            col->azLevel[l] = csv_arena_strndup(&p->arena, g.aLevel[l].z, g.aLevel[l].n);
            if (!col->azLevel[l]) rc = KEEL_ENOMEM;
        }
        col->nLevel = rc ? 0 : g.nLevel;
        csv_dict_free(&g);
        if (rc) goto done;
    }
    if (s->xBlock) { /* csv_scan: the maps are the result, not arrays */
        p->aMapOff = malloc((s->nSel ? s->nSel : 1) * nChunk * sizeof *p->aMapOff);
        if (!p->aMapOff) {
            rc = KEEL_ENOMEM;
            goto done;
        }
        for (size_t k = 0; k < s->nSel; k++) {
            size_t off = 0;
            for (size_t j = 0; j < nChunk; j++) {
                p->aMapOff[k * nChunk + j] = off;
                off += a[j].aCol[k].dict.nLevel;
            }
        }
        p->nRegion = nChunk;
        p->aaMap = aaMap;
        aaMap = NULL;
        goto done;
    }
    /* each column's array: the first region's, grown in place, then the
     * other regions' rows appended (codes mapped to the table's), each
     * region's array freed as soon as it is copied */
    for (size_t k = 0; k < s->nSel; k++) {
        CsvColumn *col = &t->aCol[k];
        int isNum = col->type == CSV_NUMERIC;
        size_t elt = isNum ? sizeof(double) : sizeof(uint32_t);
        MapArr fin = a[0].aCol[k].data;
        a[0].aCol[k].data = (MapArr){0};
        if (csv_maparr_resize(&fin, (nRow ? nRow : 1) * elt)) {
            csv_maparr_free(&fin);
            rc = KEEL_ENOMEM;
            goto done;
        }
        size_t iRow = 0, off = 0;
        for (size_t j = 0; j < nChunk; j++) {
            Chunk *c = &a[j];
            const void *src = j ? c->aCol[k].data.p : fin.p;
            if (isNum) {
                if (j && c->nRow) memcpy((double *)fin.p + iRow, src, c->nRow * sizeof(double));
            } else {
                const uint32_t *map = aaMap[k] + off, *in = src;
                uint32_t *dst = (uint32_t *)fin.p + iRow;
                for (size_t r = 0; r < c->nRow; r++)
                    dst[r] = in[r] == CSV_MISSING_CODE ? CSV_MISSING_CODE : map[in[r]];
                off += c->aCol[k].dict.nLevel;
            }
            iRow += c->nRow;
            if (j) csv_maparr_free(&c->aCol[k].data);
        }
        if (isNum)
            col->aNum = fin.p;
        else
            col->aCode = fin.p;
    }
done:
    if (aaMap)
        for (size_t k = 0; k < s->nSel; k++)
            free(aaMap[k]);
    free(aaMap);
    return rc;
}

/* ---- entry points ------------------------------------------------------ */

/* Number of online cores (at least 1). */

const uint32_t *csv_scan_map(const CsvTable *t, size_t iRegion, size_t iCol) {
    const CsvTableImpl *p = (const CsvTableImpl *)t;
    if (!t || !p->aaMap || iRegion >= p->nRegion || iCol >= t->nCol || !p->aaMap[iCol]) return NULL;
    return p->aaMap[iCol] + p->aMapOff[iCol * p->nRegion + iRegion];
}

int csv_column_index(const CsvTable *t, const char *zName) {
    if (!t || !zName) return -1;
    for (size_t k = 0; k < t->nCol; k++)
        if (strcmp(t->aCol[k].zName, zName) == 0) return (int)k;
    return -1;
}
