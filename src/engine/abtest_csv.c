/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The A/B analysis, part 2: a CSV of units into per-arm summaries of every
 * metric, with CUPED when a pre-period column is present. Summed while the
 * CSV is read (csv_scan) when it can be, else from the parsed table, whose
 * errors name the data row. */
#include "engine/abtest_int.h"
#include "util/err.h"
#include "util/hot.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Per-arm running sums over the CSV, shifted by a constant for accuracy. */
typedef struct AbSums {
    double n, sy, syy;       /* rows with the metric present */
    double nx, sx, sxx, sxy; /* of those, rows with the pre-metric too */
    double syMiss, syyMiss;  /* rows with the metric but no pre-metric */
} AbSums;                    /* (ab_sums_loop adds n..nx and sx..syMiss as two vectors) */
_Static_assert(offsetof(AbSums, nx) == offsetof(AbSums, n) + 3 * sizeof(double) &&
                   offsetof(AbSums, syMiss) == offsetof(AbSums, sx) + 3 * sizeof(double),
               "AbSums: n..nx and sx..syMiss must each be four doubles in a row");

/* Add nRow rows of a metric (y) and its pre-metric (x, or NULL) into the
 * per-arm sums aS: row r's arm is aArmOf[aCode[r]] (aCode[r] when aArmOf
 * is NULL). The shifts *pky and *pkx are the first values seen (NAN until
 * then); *pAllBinary is cleared by a value other than 0 or 1. */
/* The loop of ab_sums_rows once the shifts are known; always inlined, so
 * that each call with constant aArmOf, x (NULL or not) and checkBinary
 * gets a loop of its own without per-row tests of them. Returns the
 * number of metric values other than 0 and 1 when checkBinary. */
static inline __attribute__((always_inline)) size_t
ab_sums_loop(AbSums *aS, const uint32_t *aCode, const int *aArmOf, const double *y, const double *x,
             size_t r, size_t nRow, double ky, double kx, int checkBinary) {
    size_t nOther = 0;
    /* the first eight sums are added four at a time: (n, sy, syy, nx) and
     * (sx, sxx, sxy, syMiss), each still in row order (the same sums as
     * one at a time, bit for bit) */
    typedef double V4 __attribute__((vector_size(32)));
    for (; r < nRow; r++) {
        double v = y[r];
        if (isnan(v)) continue;
        if (checkBinary) nOther += (v != 0) & (v != 1);
        AbSums *s = &aS[aArmOf ? (uint32_t)aArmOf[aCode[r]] : aCode[r]];
        double dy = v - ky;
        char *pA = (char *)s + offsetof(AbSums, n), *pB = (char *)s + offsetof(AbSums, sx);
        V4 a, b;
        memcpy(&a, pA, sizeof a);
        if (!x) {
            a += (V4){1, dy, dy * dy, 0};
            memcpy(pA, &a, sizeof a);
            continue;
        }
        double u = x[r];
        memcpy(&b, pB, sizeof b);
        if (isnan(u)) {
            a += (V4){1, dy, dy * dy, 0};
            b += (V4){0, 0, 0, dy};
            s->syyMiss += dy * dy;
        } else {
            double dx = u - kx;
            a += (V4){1, dy, dy * dy, 1};
            b += (V4){dx, dx * dx, dx * dy, 0};
        }
        memcpy(pA, &a, sizeof a);
        memcpy(pB, &b, sizeof b);
    }
    return nOther;
}

/* ab_sums_loop for the eight combinations of aArmOf and x being NULL or
 * not and checkBinary. */
KEEL_HOT static size_t ab_sums_loops(AbSums *aS, const uint32_t *aCode, const int *aArmOf,
                                     const double *y, const double *x, size_t r, size_t nRow,
                                     double ky, double kx, int checkBinary) {
#define AB_LOOP(A, X, C) ab_sums_loop(aS, aCode, A, y, X, r, nRow, ky, kx, C)
    if (checkBinary) {
        if (aArmOf) return x ? AB_LOOP(aArmOf, x, 1) : AB_LOOP(aArmOf, NULL, 1);
        return x ? AB_LOOP(NULL, x, 1) : AB_LOOP(NULL, NULL, 1);
    }
    if (aArmOf) return x ? AB_LOOP(aArmOf, x, 0) : AB_LOOP(aArmOf, NULL, 0);
    return x ? AB_LOOP(NULL, x, 0) : AB_LOOP(NULL, NULL, 0);
#undef AB_LOOP
}

static void ab_sums_rows(AbSums *aS, const uint32_t *aCode, const int *aArmOf, const double *y,
                         const double *x, size_t nRow, double *pky, double *pkx, int *pAllBinary) {
    double ky = *pky, kx = *pkx;
    size_t r = 0, nOther = 0;
    /* the shifts are the first values seen: rows up to the first metric
     * value (with a pre-metric value beside it, when there is a pre-metric)
     * go one by one */
    if (isnan(ky) || (x && isnan(kx))) {
        for (; r < nRow; r++) {
            double v = y[r];
            if (isnan(v)) continue;
            if (isnan(ky)) ky = v;
            if (x && isnan(kx) && !isnan(x[r])) kx = x[r];
            if (!x || !isnan(kx)) break;
            nOther += ab_sums_loops(aS, aCode, aArmOf, y, x, r, r + 1, ky, kx, 1);
        }
    }
    nOther += ab_sums_loops(aS, aCode, aArmOf, y, x, r, nRow, ky, kx, *pAllBinary);
    if (nOther) *pAllBinary = 0;
    *pky = ky;
    *pkx = kx;
}

/* Build metric zName's summaries from its per-arm sums aS (shifted by ky
 * and kx, as ab_sums_rows leaves them), with CUPED on pre-metric zPre when
 * not NULL. zType is "auto", "proportion" or "mean". */
static int ab_metric_finish(AbInput *in, const char *zName, const char *zPre, AbSums *aS, double ky,
                            double kx, int allBinary, const char *zType, EngineError *pErr) {
    int x = zPre != NULL;
    size_t im;
    int rc;
    if (isnan(ky)) ky = 0;
    if (isnan(kx)) kx = 0;
    AbtestKind kind = ABTEST_MEAN;
    if (strcmp(zType, "proportion") == 0) {
        if (!allBinary)
            return jspec_fail(pErr, zName, "type is proportion but a value is not 0 or 1");
        kind = ABTEST_PROPORTION;
    } else if (strcmp(zType, "auto") == 0 && allBinary) {
        kind = ABTEST_PROPORTION;
    }
    if ((rc = ab_metric_add(in, zName, kind, &im, pErr))) return rc;
    AbMetric *m = &in->aMetric[im];
    for (size_t a = 0; a < in->nArm; a++) {
        AbSums *s = &aS[a];
        AbtestArmStat *st = &m->aArm[a];
        st->n = s->n;
        double my = s->n > 0 ? s->sy / s->n : 0;
        st->mean = s->n > 0 ? ky + my : 0;
        if (kind == ABTEST_PROPORTION)
            st->var = st->mean * (1 - st->mean);
        else
            st->var = s->n > 1 ? fmax(0, (s->syy - s->n * my * my) / (s->n - 1)) : 0;
    }
    if (!x) return 0;
    /* CUPED: fill a missing pre-metric with the overall pre-metric mean,
     * then theta = cov(Y, X) / var(X) over all units of all arms. */
    double N = 0, Sy = 0, Syy = 0, NX = 0, SX = 0;
    for (size_t a = 0; a < in->nArm; a++) {
        NX += aS[a].nx;
        SX += aS[a].sx;
    }
    double xbar = NX > 0 ? SX / NX : 0; /* shifted by kx */
    double Sx = 0, Sxx = 0, Sxy = 0;
    for (size_t a = 0; a < in->nArm; a++) {
        AbSums *s = &aS[a];
        double miss = s->n - s->nx;
        s->sx += miss * xbar;
        s->sxx += miss * xbar * xbar;
        s->sxy += xbar * s->syMiss;
        N += s->n;
        Sy += s->sy;
        Syy += s->syy;
        Sx += s->sx;
        Sxx += s->sxx;
        Sxy += s->sxy;
    }
    m->cuped = 1;
    m->zPre = strdup(zPre);
    m->aRaw = malloc(in->nArm * sizeof *m->aRaw);
    if (!m->zPre || !m->aRaw) return KEEL_ENOMEM;
    memcpy(m->aRaw, m->aArm, in->nArm * sizeof *m->aRaw);
    double varX = N > 1 ? (Sxx - Sx * Sx / N) / (N - 1) : 0;
    double varY = N > 1 ? (Syy - Sy * Sy / N) / (N - 1) : 0;
    double covXY = N > 1 ? (Sxy - Sx * Sy / N) / (N - 1) : 0;
    m->theta = varX > 0 ? covXY / varX : 0;
    double varAdj = varY + m->theta * m->theta * varX - 2 * m->theta * covXY;
    m->varReduction = varY > 0 ? 1 - fmax(0, varAdj) / varY : 0;
    double xAll = N > 0 ? Sx / N : 0;
    for (size_t a = 0; a < in->nArm; a++) {
        AbSums *s = &aS[a];
        AbtestArmStat *st = &m->aArm[a];
        if (s->n == 0) continue;
        double mx = s->sx / s->n, my = s->sy / s->n;
        double vx = s->n > 1 ? (s->sxx - s->n * mx * mx) / (s->n - 1) : 0;
        double vy = s->n > 1 ? (s->syy - s->n * my * my) / (s->n - 1) : 0;
        double cxy = s->n > 1 ? (s->sxy - s->n * mx * my) / (s->n - 1) : 0;
        st->mean = ky + my - m->theta * (mx - xAll);
        st->var = fmax(0, vy + m->theta * m->theta * vx - 2 * m->theta * cxy);
    }
    m->kind = ABTEST_MEAN;
    return 0;
}

/* Build one metric's summaries from CSV column iCol (and CUPED from column
 * iPre >= 0). aArmOf maps the arm column's level codes to arm indexes.
 * zType is "auto", "proportion" or "mean". */
static int ab_csv_metric(AbInput *in, const CsvTable *t, const uint32_t *aCode, const int *aArmOf,
                         int iCol, int iPre, const char *zType, EngineError *pErr) {
    const CsvColumn *col = &t->aCol[iCol];
    const double *y = col->aNum, *x = iPre >= 0 ? t->aCol[iPre].aNum : NULL;
    if (col->type != CSV_NUMERIC)
        return jspec_fail(pErr, col->zName, "column '%s' is not numeric", col->zName);
    AbSums aS[AB_MAX_ARMS];
    memset(aS, 0, sizeof aS);
    double ky = NAN, kx = NAN;
    int allBinary = 1;
    ab_sums_rows(aS, aCode, aArmOf, y, x, t->nRow, &ky, &kx, &allBinary);
    return ab_metric_finish(in, col->zName, x ? t->aCol[iPre].zName : NULL, aS, ky, kx, allBinary,
                            zType, pErr);
}

/* Check the CSV's header before the full parse: every column in azNeed must
 * exist (error: the spec field that named it), zPre too when not NULL;
 * *pHasPre tells whether a column named "pre_metric" exists. The header is
 * parsed by the project's CSV reader from the first line alone; when that
 * line does not parse on its own (a quoted newline in a header name), the
 * check is skipped and the full parse reports missing columns. */
static int ab_csv_header_check(const char *zCsv, size_t nCsv, const char *const *azNeed,
                               size_t nNeed, const char *zPre, int *pHasPre, EngineError *pErr) {
    const char *zEnd = memchr(zCsv, '\n', nCsv);
    size_t n = zEnd ? (size_t)(zEnd - zCsv) + 1 : nCsv;
    CsvTable *t = NULL;
    EngineError ce;
    CsvOptions opt = {0};
    opt.nThread = 1;
    *pHasPre = 0;
    int rc = csv_parse(zCsv, n, &opt, &t, &ce);
    if (rc == KEEL_EINVAL) {
        if (n == nCsv)
            return strncmp(ce.zMsg, "line ", 5) == 0
                       ? jspec_fail(pErr, "csv", "%s", ce.zMsg)
                       : jspec_fail(pErr, "csv", "line %zu: %s", ce.iLine, ce.zMsg);
        return 0;
    }
    if (rc) return rc;
    static const char *const azField[] = {"csv.arm", "csv.metric"};
    for (size_t i = 0; i < nNeed && !rc; i++)
        if (csv_column_index(t, azNeed[i]) < 0)
            rc = jspec_fail(pErr, i < 2 ? azField[i] : "csv.metrics", "the CSV has no column '%s'",
                            azNeed[i]);
    if (!rc && zPre && csv_column_index(t, zPre) < 0)
        rc = jspec_fail(pErr, "csv.pre_metric", "the CSV has no column '%s'", zPre);
    *pHasPre = csv_column_index(t, "pre_metric") >= 0;
    csv_free(t);
    return rc;
}

/* ---- summing while the CSV is read (csv_scan) ------------------------ */

/* ab_scan's answer when the table path should run instead: it gives the
 * errors that name a data row (a missing or unknown arm, text in a metric). */
#define AB_SCAN_STOP 1

/* One region's per-arm sums, arms by the region's own codes. */
typedef struct AbRegion {
    int started;                    /* a pass over the region began */
    int iArm, iPre;                 /* block column indexes (iPre -1: none) */
    int aiCol[AB_MAX_METRICS];      /* block column of each metric */
    double aUnits[AB_MAX_ARMS];     /* rows per local arm code */
    AbSums *aS;                     /* nMet * AB_MAX_ARMS sums */
    double aky[AB_MAX_METRICS], kx; /* shifts (first values), NAN until seen */
    int aAllBinary[AB_MAX_METRICS];
} AbRegion;

/* What ab_scan_block works with. */
typedef struct AbScan {
    const char *zArm, *zPre; /* arm and pre-metric columns */
    size_t nMet;             /* metric columns, primary first */
    const char *azMet[AB_MAX_METRICS];
    AbRegion aReg[CSV_SCAN_MAX_REGION];
} AbScan;

/* Index of the column named z among a block's columns, or -1. */
static int ab_block_col(const CsvScanBlock *b, const char *z) {
    for (size_t k = 0; z && k < b->nCol; k++)
        if (strcmp(b->azCol[k], z) == 0) return (int)k;
    return -1;
}

/* csv_scan callback: add a block of units into its region's sums. */
static int ab_scan_block(void *pCtx, const CsvScanBlock *b) {
    AbScan *sc = pCtx;
    AbRegion *g = &sc->aReg[b->iRegion];
    if (b->nRow == 0) { /* a pass over the region starts */
        AbSums *aS = g->aS;
        memset(g, 0, sizeof *g);
        g->aS = aS ? aS : malloc(sc->nMet * AB_MAX_ARMS * sizeof *aS);
        if (!g->aS) return KEEL_ENOMEM;
        memset(g->aS, 0, sc->nMet * AB_MAX_ARMS * sizeof *g->aS);
        g->started = 1;
        g->iArm = ab_block_col(b, sc->zArm);
        g->iPre = ab_block_col(b, sc->zPre);
        if (g->iArm < 0 || !b->aaCode[g->iArm]) return AB_SCAN_STOP;
        if (sc->zPre && (g->iPre < 0 || !b->aaNum[g->iPre])) return AB_SCAN_STOP;
        for (size_t m = 0; m < sc->nMet; m++) {
            g->aiCol[m] = ab_block_col(b, sc->azMet[m]);
            if (g->aiCol[m] < 0 || !b->aaNum[g->aiCol[m]]) return AB_SCAN_STOP;
            g->aky[m] = NAN;
            g->aAllBinary[m] = 1;
        }
        g->kx = NAN;
        return 0;
    }
    const uint32_t *aCode = b->aaCode[g->iArm];
    size_t aUnits[AB_MAX_ARMS] = {0};
    uint32_t worst = 0;
    for (size_t r = 0; r < b->nRow; r++) {
        uint32_t a = aCode[r];
        worst = a > worst ? a : worst;
        aUnits[a < AB_MAX_ARMS ? a : 0]++;
    }
    if (worst >= AB_MAX_ARMS) return AB_SCAN_STOP; /* a missing arm, or too many */
    for (size_t a = 0; a < AB_MAX_ARMS; a++)
        g->aUnits[a] += (double)aUnits[a];
    for (size_t m = 0; m < sc->nMet; m++) {
        double kxNone = NAN;
        const double *x = m == 0 && g->iPre >= 0 ? b->aaNum[g->iPre] : NULL;
        ab_sums_rows(g->aS + m * AB_MAX_ARMS, aCode, NULL, b->aaNum[g->aiCol[m]], x, b->nRow,
                     &g->aky[m], x ? &g->kx : &kxNone, &g->aAllBinary[m]);
    }
    return 0;
}

/* Add sums s, shifted by ky and kx, into *pTo, shifted by KY and KX. */
static void ab_sums_add_shifted(AbSums *pTo, const AbSums *s, double ky, double kx, double KY,
                                double KX) {
    double b = isnan(ky) ? 0 : ky - KY, a = isnan(kx) ? 0 : kx - KX;
    double nMiss = s->n - s->nx, syX = s->sy - s->syMiss;
    pTo->n += s->n;
    pTo->sy += s->sy + s->n * b;
    pTo->syy += s->syy + 2 * b * s->sy + s->n * b * b;
    pTo->syMiss += s->syMiss + nMiss * b;
    pTo->syyMiss += s->syyMiss + 2 * b * s->syMiss + nMiss * b * b;
    pTo->nx += s->nx;
    pTo->sx += s->sx + s->nx * a;
    pTo->sxx += s->sxx + 2 * a * s->sx + s->nx * a * a;
    pTo->sxy += s->sxy + b * s->sx + a * syX + s->nx * a * b;
}

/* Read the CSV of units with csv_scan, summing per region as it goes:
 * the same arms and summaries as the table path, without the table.
 * extra is spec.csv.metrics (or NULL). Returns 0, an error, or
 * AB_SCAN_STOP when the table path must run (nothing in *in changed). */
static int ab_scan(AbInput *in, const char *zCsv, size_t nCsv, const CsvOptions *opt,
                   const char *zArm, const char *zMetric, const char *zPre, const json_t *extra,
                   const char *zType, EngineError *pErr) {
    AbScan *sc = calloc(1, sizeof *sc);
    CsvTable *t = NULL;
    EngineError ce;
    AbSums aS[AB_MAX_ARMS];
    int aMap[AB_MAX_ARMS];
    int rc;
    if (!sc) return KEEL_ENOMEM;
    sc->zArm = zArm;
    sc->zPre = zPre;
    sc->azMet[sc->nMet++] = zMetric;
    for (size_t i = 0; extra && i < json_array_size(extra); i++)
        sc->azMet[sc->nMet++] = json_string_value(json_array_get(extra, i));
    rc = csv_scan(zCsv, nCsv, opt, ab_scan_block, sc, &t, &ce);
    if (rc) {
        if (rc != KEEL_ENOMEM) rc = AB_SCAN_STOP;
        goto done;
    }
    int iArm = csv_column_index(t, zArm);
    rc = AB_SCAN_STOP;
    if (iArm < 0) goto done;
    const CsvColumn *ac = &t->aCol[iArm];
    if (ac->nMissing > 0 || ac->nLevel > AB_MAX_ARMS) goto done;
    /* the arms, as the table path finds them */
    int armsGiven = in->nArm > 0;
    size_t nNew = 0;
    for (size_t l = 0; l < ac->nLevel; l++) {
        int k = ab_arm_find(in, ac->azLevel[l]);
        if (k < 0 && armsGiven) goto done;
        nNew += k < 0;
    }
    if (in->nArm + nNew > AB_MAX_ARMS) goto done;
    for (size_t l = 0; l < ac->nLevel; l++) {
        int k = ab_arm_find(in, ac->azLevel[l]);
        if (k < 0 && (k = ab_arm_add(in, ac->azLevel[l])) < 0) {
            rc = k;
            goto done;
        }
        aMap[l] = k;
    }
    /* units, then each metric's sums, region by region in input order */
    const uint32_t *aaMap[CSV_SCAN_MAX_REGION];
    for (size_t j = 0; j < CSV_SCAN_MAX_REGION; j++) {
        AbRegion *g = &sc->aReg[j];
        aaMap[j] = g->started ? csv_scan_map(t, j, (size_t)iArm) : NULL;
        if (g->started && !aaMap[j]) {
            rc = KEEL_EINTERNAL;
            goto done;
        }
        for (size_t c = 0; g->started && c < AB_MAX_ARMS; c++)
            if (g->aUnits[c] > 0) in->aUnits[aMap[aaMap[j][c]]] += g->aUnits[c];
    }
    rc = 0;
    for (size_t m = 0; m < sc->nMet && !rc; m++) {
        if (m > 0 && ab_metric_find(in, sc->azMet[m]) >= 0) continue;
        double ky = NAN, kx = NAN;
        int allBinary = 1;
        for (size_t j = 0; j < CSV_SCAN_MAX_REGION; j++) {
            AbRegion *g = &sc->aReg[j];
            if (!g->started) continue;
            if (isnan(ky)) ky = g->aky[m];
            if (m == 0 && isnan(kx)) kx = g->kx;
            allBinary &= g->aAllBinary[m];
        }
        memset(aS, 0, sizeof aS);
        for (size_t j = 0; j < CSV_SCAN_MAX_REGION; j++) {
            AbRegion *g = &sc->aReg[j];
            if (!g->started) continue;
            for (size_t c = 0; c < AB_MAX_ARMS; c++)
                if (g->aUnits[c] > 0)
                    ab_sums_add_shifted(&aS[aMap[aaMap[j][c]]], &g->aS[m * AB_MAX_ARMS + c],
                                        g->aky[m], m == 0 ? g->kx : NAN, ky, kx);
        }
        rc = ab_metric_finish(in, sc->azMet[m], m == 0 ? zPre : NULL, aS, ky, kx, allBinary, zType,
                              pErr);
    }
done:
    for (size_t j = 0; j < CSV_SCAN_MAX_REGION; j++)
        free(sc->aReg[j].aS);
    free(sc);
    csv_free(t);
    return rc;
}

/* Read the CSV of units into arms and metric summaries (spec.csv names the
 * columns). */
int ab_read_csv(AbInput *in, const json_t *spec, const char *zCsv, size_t nCsv, int nThread,
                int mapped, EngineError *pErr) {
    static const char *const azKey[] = {"arm", "metric", "pre_metric", "metrics", "type", NULL};
    json_t *c = json_object_get(spec, "csv");
    const char *zArm, *zMetric, *zPre, *zType;
    int rc;
    if (c && (rc = jspec_only(c, "csv", azKey, pErr))) return rc;
    if ((rc = jspec_string(c, "arm", "csv", "arm", &zArm, pErr))) return rc;
    if ((rc = jspec_string(c, "metric", "csv", "metric", &zMetric, pErr))) return rc;
    if ((rc = jspec_string(c, "pre_metric", "csv", NULL, &zPre, pErr))) return rc;
    if ((rc = jspec_string(c, "type", "csv", "auto", &zType, pErr))) return rc;
    if (strcmp(zType, "auto") && strcmp(zType, "proportion") && strcmp(zType, "mean"))
        return jspec_fail(pErr, "csv.type", "must be \"auto\", \"proportion\" or \"mean\"");
    json_t *extra = c ? json_object_get(c, "metrics") : NULL;
    if (extra && (!json_is_array(extra) || json_array_size(extra) > AB_MAX_METRICS - 1))
        return jspec_fail(pErr, "csv.metrics", "must be an array of at most %d column names",
                          AB_MAX_METRICS - 1);
    const char *azOnly[AB_MAX_METRICS + 2];
    size_t nOnly = 0;
    azOnly[nOnly++] = zArm;
    azOnly[nOnly++] = zMetric;
    for (size_t i = 0; extra && i < json_array_size(extra); i++) {
        json_t *v = json_array_get(extra, i);
        if (!json_is_string(v)) return jspec_fail(pErr, "csv.metrics", "must hold column names");
        azOnly[nOnly++] = json_string_value(v);
    }
    CsvTypeOverride aOv[1] = {{zArm, CSV_CATEGORICAL}};
    CsvOptions opt = {0};
    opt.nThread = nThread;
    opt.mapped = mapped;
    opt.aOverride = aOv;
    opt.nOverride = 1;
    CsvTable *t = NULL;
    EngineError ce;
    memset(&ce, 0, sizeof ce);
    /* The pre-metric column is read when named, or when the header has a
     * column called "pre_metric"; every requested column must exist. */
    int hasDefaultPre = 0;
    if ((rc = ab_csv_header_check(zCsv, nCsv, azOnly, nOnly, zPre, &hasDefaultPre, pErr)))
        return rc;
    const char *zPreCol = zPre ? zPre : "pre_metric";
    if (zPre || hasDefaultPre) azOnly[nOnly++] = zPreCol;
    opt.azOnly = azOnly;
    opt.nOnly = nOnly;
    rc = ab_scan(in, zCsv, nCsv, &opt, zArm, zMetric, zPre || hasDefaultPre ? zPreCol : NULL, extra,
                 zType, pErr);
    if (rc != AB_SCAN_STOP) return rc;
    rc = csv_parse(zCsv, nCsv, &opt, &t, &ce);
    if (rc == KEEL_EINVAL)
        return strncmp(ce.zMsg, "line ", 5) == 0
                   ? jspec_fail(pErr, "csv", "%s", ce.zMsg)
                   : jspec_fail(pErr, "csv", "line %zu: %s", ce.iLine, ce.zMsg);
    if (rc) return rc;
    int iArm = csv_column_index(t, zArm), iMetric = csv_column_index(t, zMetric);
    int iPre = csv_column_index(t, zPreCol);
    int *aMap = NULL;
    if (iArm < 0 || iMetric < 0) {
        rc = jspec_fail(pErr, "csv", "the CSV reader lost a column");
        goto done;
    }
    if (iPre >= 0 && t->aCol[iPre].type != CSV_NUMERIC) {
        rc = jspec_fail(pErr, t->aCol[iPre].zName, "column '%s' is not numeric",
                        t->aCol[iPre].zName);
        goto done;
    }
    const CsvColumn *ac = &t->aCol[iArm];
    if (ac->nMissing > 0) {
        size_t r = 0;
        while (r < t->nRow && ac->aCode[r] != CSV_MISSING_CODE)
            r++;
        rc = jspec_fail(pErr, zArm, "missing arm on data row %zu", r + 1);
        goto done;
    }
    aMap = malloc((ac->nLevel ? ac->nLevel : 1) * sizeof *aMap);
    if (!aMap) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    int armsGiven = in->nArm > 0;
    for (size_t l = 0; l < ac->nLevel; l++) {
        int k = ab_arm_find(in, ac->azLevel[l]);
        if (k < 0) {
            if (armsGiven) {
                size_t r = 0;
                while (r < t->nRow && ac->aCode[r] != l)
                    r++;
                rc = jspec_fail(pErr, zArm,
                                "unknown arm '%s' on data row %zu (spec.arms lists "
                                "the arms)",
                                ac->azLevel[l], r + 1);
                goto done;
            }
            if (in->nArm == AB_MAX_ARMS) {
                rc = jspec_fail(pErr, zArm, "more than %d arms", AB_MAX_ARMS);
                goto done;
            }
            if ((k = ab_arm_add(in, ac->azLevel[l])) < 0) {
                rc = k;
                goto done;
            }
        }
        aMap[l] = k;
    }
    for (size_t r = 0; r < t->nRow; r++)
        in->aUnits[aMap[ac->aCode[r]]] += 1;
    if ((rc = ab_csv_metric(in, t, ac->aCode, aMap, iMetric, iPre, zType, pErr))) goto done;
    for (size_t i = 0; extra && i < json_array_size(extra); i++) {
        const char *z = json_string_value(json_array_get(extra, i));
        int iCol = csv_column_index(t, z);
        if (iCol < 0) {
            rc = jspec_fail(pErr, "csv.metrics", "the CSV has no column '%s'", z);
            goto done;
        }
        if (ab_metric_find(in, z) >= 0) continue;
        if ((rc = ab_csv_metric(in, t, ac->aCode, aMap, iCol, -1, zType, pErr))) goto done;
    }
done:
    free(aMap);
    csv_free(t);
    return rc;
}
