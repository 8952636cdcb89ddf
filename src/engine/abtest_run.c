/* SPDX-License-Identifier: GPL-3.0-or-later */
/* abtest_run_json(): an A/B analysis from a JSON spec and, optionally, a CSV
 * of units. Reads the spec (every error names its field), builds per-arm
 * summaries for each metric (from the spec's summaries, or in one pass over
 * the CSV, with CUPED when a pre-period column is present), runs the
 * statistics of abtest.c for every treatment arm against control, and
 * writes the result and the verdict as JSON. The input and output formats
 * are documented in docs/abtest.md. */
#include "engine/abtest.h"
#include "engine/csv.h"
#include "engine/stats.h"
#include "util/err.h"
#include "util/hot.h"
#include <stddef.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AB_MAX_ARMS 64     /* arms in one analysis */
#define AB_MAX_METRICS 64  /* metrics in one analysis */
#define AB_SRM_ALPHA 0.001 /* sample-ratio mismatch flagged below this p */

/* One metric's per-arm summaries and how to read them. */
typedef struct AbMetric {
    char *zName;         /* metric name (owned) */
    AbtestKind kind;     /* proportion or mean (after CUPED: mean) */
    AbtestKind kindRaw;  /* the kind of the raw values */
    int higherBetter;    /* 1 when larger values are better */
    AbtestArmStat *aArm; /* nArm summaries used for inference (owned) */
    AbtestArmStat *aRaw; /* unadjusted summaries when CUPED applied (owned) */
    int cuped;           /* 1 when CUPED adjusted aArm */
    char *zPre;          /* the pre-period column (owned), when cuped */
    double theta;        /* CUPED coefficient */
    double varReduction; /* 1 - var(adjusted) / var(raw), all units */
} AbMetric;

/* Everything the analysis needs, read from the spec and the data. */
typedef struct AbInput {
    size_t nArm; /* arms, control included */
    char *azArm[AB_MAX_ARMS];
    double aUnits[AB_MAX_ARMS];  /* units assigned per arm (for SRM) */
    double aWeight[AB_MAX_ARMS]; /* planned share (any positive scale) */
    size_t iControl;             /* index of the control arm */
    size_t nMetric;
    AbMetric aMetric[AB_MAX_METRICS];
    size_t iPrimary;    /* index of the primary metric */
    double alpha;       /* significance level */
    double power;       /* target power */
    int hasMde;         /* plan.mde given */
    double mde;         /* minimum effect worth detecting, > 0 */
    int mdeRelative;    /* 1: mde relative to control, 0: absolute */
    double minUnits;    /* plan.min_units (0: none) */
    int planSequential; /* 1: the verdict reads the always-valid results */
    size_t nGuard;
    size_t aGuard[AB_MAX_METRICS]; /* guardrail metric indexes */
    double tau;                    /* sequential.tau (0: default) */
    double nStar;                  /* sequential.n_star (0: default) */
    double priorSd;                /* bayes: sd of the Normal prior on relative lift, 0 flat */
} AbInput;

/* One comparison's results (treatment arm against control, one metric). */
typedef struct AbCmp {
    AbtestTest t;
    double pHolm;         /* Holm-adjusted over treatment arms */
    double seqP, seqHalf; /* always-valid p-value, CS half-width */
    double seqPHolm;      /* Holm-adjusted always-valid p */
    double tau;           /* mixing sd used */
    double beat, lossShip, lossKeep;
    double power; /* power reached at the plan's mde */
    double nNeed; /* units per arm the plan needs (NaN: unknown) */
} AbCmp;

/* Free what an AbInput owns. */
static void ab_input_free(AbInput *in) {
    for (size_t i = 0; i < in->nArm; i++)
        free(in->azArm[i]);
    for (size_t i = 0; i < in->nMetric; i++) {
        free(in->aMetric[i].zName);
        free(in->aMetric[i].aArm);
        free(in->aMetric[i].aRaw);
        free(in->aMetric[i].zPre);
    }
}

/* Index of the arm named z, or -1. */
static int ab_arm_find(const AbInput *in, const char *z) {
    for (size_t i = 0; i < in->nArm; i++)
        if (strcmp(in->azArm[i], z) == 0) return (int)i;
    return -1;
}

/* Add an arm named z (weight 1) to the ones the data found; its index, or
 * KEEL_ENOMEM. The caller checks that there is room. */
static int ab_arm_add(AbInput *in, const char *z) {
    if (!(in->azArm[in->nArm] = strdup(z))) return KEEL_ENOMEM;
    in->aWeight[in->nArm] = 1;
    return (int)in->nArm++;
}

/* Index of the metric named z, or -1. */
static int ab_metric_find(const AbInput *in, const char *z) {
    for (size_t i = 0; i < in->nMetric; i++)
        if (strcmp(in->aMetric[i].zName, z) == 0) return (int)i;
    return -1;
}

/* Add a metric named z (copied) with room for every arm; its index through
 * *pi. Fails when there are too many metrics. */
static int ab_metric_add(AbInput *in, const char *z, AbtestKind kind, size_t *pi,
                         EngineError *pErr) {
    if (in->nMetric == AB_MAX_METRICS)
        return jspec_fail(pErr, "metrics", "at most %d metrics", AB_MAX_METRICS);
    AbMetric *m = &in->aMetric[in->nMetric];
    memset(m, 0, sizeof *m);
    m->zName = strdup(z);
    m->aArm = calloc(in->nArm ? in->nArm : 1, sizeof *m->aArm);
    if (!m->zName || !m->aArm) {
        free(m->zName);
        free(m->aArm);
        return KEEL_ENOMEM;
    }
    m->kind = m->kindRaw = kind;
    m->higherBetter = 1;
    *pi = in->nMetric++;
    return 0;
}

/* Read one arm's summary of one metric from object o (at path zPath):
 * {"conversions": x} or {"mean": m, "sd": s}, with n = "units" of o when
 * present, else nUnits. Adds the metric on first sight and checks that
 * every arm gives the same kind. */
static int ab_read_summary(AbInput *in, const json_t *o, const char *zPath, const char *zMetric,
                           size_t iArm, double nUnits, EngineError *pErr) {
    char zF[128];
    double n, x, mean, sd;
    int rc = jspec_count(o, "units", zPath, nUnits, &n, pErr);
    if (rc) return rc;
    int isProp = json_object_get(o, "conversions") != NULL;
    int isMean = json_object_get(o, "mean") != NULL;
    if (isProp == isMean) {
        snprintf(zF, sizeof zF, "%s", zPath);
        return jspec_fail(pErr, zF, "give either \"conversions\" or \"mean\" and \"sd\"");
    }
    AbtestKind kind = isProp ? ABTEST_PROPORTION : ABTEST_MEAN;
    int iM = ab_metric_find(in, zMetric);
    size_t im;
    if (iM < 0) {
        if ((rc = ab_metric_add(in, zMetric, kind, &im, pErr))) return rc;
    } else {
        im = (size_t)iM;
        if (in->aMetric[im].kind != kind)
            return jspec_fail(pErr, zPath, "metric '%s' is a %s in another arm", zMetric,
                              in->aMetric[im].kind == ABTEST_PROPORTION ? "proportion" : "mean");
    }
    AbtestArmStat *s = &in->aMetric[im].aArm[iArm];
    s->n = n;
    if (isProp) {
        if ((rc = jspec_count(o, "conversions", zPath, 0, &x, pErr))) return rc;
        if (x > n) {
            snprintf(zF, sizeof zF, "%s%sconversions", zPath, zPath[0] ? "." : "");
            return jspec_fail(pErr, zF, "%.17g conversions exceed the %.17g units", x, n);
        }
        s->mean = n > 0 ? x / n : 0;
        s->var = s->mean * (1 - s->mean);
    } else {
        if ((rc = jspec_number(o, "mean", zPath, 0, -HUGE_VAL, HUGE_VAL, 0, 0, &mean, pErr)))
            return rc;
        snprintf(zF, sizeof zF, "%s%ssd", zPath, zPath[0] ? "." : "");
        if (!json_object_get(o, "sd")) return jspec_fail(pErr, zF, "is required with \"mean\"");
        if ((rc = jspec_number(o, "sd", zPath, 0, 0, HUGE_VAL, 0, 0, &sd, pErr))) return rc;
        s->mean = mean;
        s->var = sd * sd;
    }
    return 0;
}

/* Read spec.arms (names, weights and, without a CSV, summaries). */
static int ab_read_arms(AbInput *in, const json_t *spec, int fromCsv, EngineError *pErr) {
    static const char *const azArmKey[] = {"name", "weight", "units",   "conversions",
                                           "mean", "sd",     "metrics", NULL};
    json_t *aArms = json_object_get(spec, "arms");
    const char *zMetric;
    char zP[96], zP2[160];
    int rc = jspec_string(spec, "metric", "", "metric", &zMetric, pErr);
    if (rc) return rc;
    if (!aArms) {
        if (fromCsv) return 0;
        return jspec_fail(pErr, "arms", "is required (or give a CSV of units)");
    }
    if (!json_is_array(aArms) || json_array_size(aArms) == 0)
        return jspec_fail(pErr, "arms", "must be a non-empty array of arms");
    if (json_array_size(aArms) > AB_MAX_ARMS)
        return jspec_fail(pErr, "arms", "at most %d arms", AB_MAX_ARMS);
    for (size_t i = 0; i < json_array_size(aArms); i++) {
        json_t *a = json_array_get(aArms, i);
        const char *zName;
        snprintf(zP, sizeof zP, "arms[%zu]", i);
        if ((rc = jspec_only(a, zP, azArmKey, pErr))) return rc;
        if ((rc = jspec_string(a, "name", zP, NULL, &zName, pErr))) return rc;
        if (!zName) return jspec_fail(pErr, zP, "needs a \"name\"");
        if (ab_arm_find(in, zName) >= 0)
            return jspec_fail(pErr, zP, "arm '%s' is listed twice", zName);
        if (!(in->azArm[in->nArm] = strdup(zName))) return KEEL_ENOMEM;
        size_t k = in->nArm++;
        if ((rc = jspec_number(a, "weight", zP, 1, 0, HUGE_VAL, 1, 0, &in->aWeight[k], pErr)))
            return rc;
        if (fromCsv) {
            static const char *const azNo[] = {"units", "conversions", "mean", "sd", "metrics"};
            for (size_t j = 0; j < sizeof azNo / sizeof azNo[0]; j++)
                if (json_object_get(a, azNo[j])) {
                    snprintf(zP2, sizeof zP2, "%s.%s", zP, azNo[j]);
                    return jspec_fail(pErr, zP2,
                                      "is not allowed with CSV input (the data "
                                      "gives the summaries)");
                }
        }
    }
    if (fromCsv) return 0;
    /* Summaries: metrics need every arm, so read after all names are known. */
    for (size_t i = 0; i < in->nArm; i++) {
        json_t *a = json_array_get(aArms, i);
        snprintf(zP, sizeof zP, "arms[%zu]", i);
        if ((rc = jspec_count(a, "units", zP, -1, &in->aUnits[i], pErr))) return rc;
        if (in->aUnits[i] < 0) return jspec_fail(pErr, zP, "needs \"units\"");
        if (json_object_get(a, "conversions") || json_object_get(a, "mean") ||
            json_object_get(a, "sd")) {
            json_t *o = json_object();
            if (!o) return KEEL_ENOMEM;
            static const char *const azCopy[] = {"conversions", "mean", "sd"};
            for (size_t j = 0; j < 3; j++)
                if (json_object_get(a, azCopy[j]))
                    json_object_set(o, azCopy[j], json_object_get(a, azCopy[j]));
            rc = ab_read_summary(in, o, zP, zMetric, i, in->aUnits[i], pErr);
            json_decref(o);
            if (rc) return rc;
        }
        json_t *ms = json_object_get(a, "metrics");
        if (ms) {
            snprintf(zP2, sizeof zP2, "%s.metrics", zP);
            if (!json_is_object(ms)) return jspec_fail(pErr, zP2, "must be an object");
            const char *zKey;
            json_t *v;
            json_object_foreach(ms, zKey, v) {
                static const char *const azKey[] = {"units", "conversions", "mean", "sd", NULL};
                char zP3[256];
                snprintf(zP3, sizeof zP3, "%s.%s", zP2, zKey);
                if ((rc = jspec_only(v, zP3, azKey, pErr))) return rc;
                if (ab_metric_find(in, zKey) < 0 && i > 0)
                    return jspec_fail(pErr, zP3, "metric '%s' is missing in arms[0]", zKey);
                if ((rc = ab_read_summary(in, v, zP3, zKey, i, in->aUnits[i], pErr))) return rc;
            }
        }
    }
    /* Every metric must be in every arm. */
    for (size_t i = 0; i < in->nArm; i++) {
        json_t *a = json_array_get(aArms, i), *ms = json_object_get(a, "metrics");
        snprintf(zP, sizeof zP, "arms[%zu]", i);
        for (size_t m = 0; m < in->nMetric; m++) {
            int has = (strcmp(in->aMetric[m].zName, zMetric) == 0 &&
                       (json_object_get(a, "conversions") || json_object_get(a, "mean"))) ||
                      (ms && json_object_get(ms, in->aMetric[m].zName));
            if (!has)
                return jspec_fail(pErr, zP, "has no summary of metric '%s'", in->aMetric[m].zName);
        }
    }
    if (in->nMetric == 0)
        return jspec_fail(pErr, "arms[0]", "give \"conversions\" or \"mean\" and \"sd\"");
    return 0;
}

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
static int ab_read_csv(AbInput *in, const json_t *spec, const char *zCsv, size_t nCsv, int nThread,
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

/* Read the top-level settings: control, alpha, power, lower_is_better,
 * plan, sequential, bayes. Runs after arms and metrics are known. */
static int ab_read_settings(AbInput *in, const json_t *spec, EngineError *pErr) {
    const char *zControl;
    char zF[160];
    int rc = jspec_string(spec, "control", "", NULL, &zControl, pErr);
    if (rc) return rc;
    if (!zControl) return jspec_fail(pErr, "control", "is required: name the control arm");
    int k = ab_arm_find(in, zControl);
    if (k < 0) return jspec_fail(pErr, "control", "no arm named '%s'", zControl);
    in->iControl = (size_t)k;
    if ((rc = jspec_number(spec, "alpha", "", 0.05, 0, 1, 1, 1, &in->alpha, pErr))) return rc;
    if ((rc = jspec_number(spec, "power", "", 0.8, 0, 1, 1, 1, &in->power, pErr))) return rc;
    json_t *lower = json_object_get(spec, "lower_is_better");
    if (lower) {
        if (!json_is_array(lower))
            return jspec_fail(pErr, "lower_is_better", "must be an array of metric names");
        for (size_t i = 0; i < json_array_size(lower); i++) {
            json_t *v = json_array_get(lower, i);
            int m = json_is_string(v) ? ab_metric_find(in, json_string_value(v)) : -1;
            snprintf(zF, sizeof zF, "lower_is_better[%zu]", i);
            if (m < 0) return jspec_fail(pErr, zF, "is not a metric of this analysis");
            in->aMetric[m].higherBetter = 0;
        }
    }
    /* plan */
    static const char *const azPlan[] = {"primary",    "mde",        "mde_type", "min_units",
                                         "guardrails", "sequential", NULL};
    json_t *plan = json_object_get(spec, "plan");
    const char *zPrimary, *zMdeType;
    if (plan && (rc = jspec_only(plan, "plan", azPlan, pErr))) return rc;
    if ((rc = jspec_string(plan, "primary", "plan", in->aMetric[0].zName, &zPrimary, pErr)))
        return rc;
    if ((k = ab_metric_find(in, zPrimary)) < 0)
        return jspec_fail(pErr, "plan.primary", "no metric named '%s'", zPrimary);
    in->iPrimary = (size_t)k;
    in->hasMde =
        plan && json_object_get(plan, "mde") && !json_is_null(json_object_get(plan, "mde"));
    if ((rc = jspec_number(plan, "mde", "plan", 0, 0, HUGE_VAL, 1, 0, &in->mde, pErr))) return rc;
    if ((rc = jspec_string(plan, "mde_type", "plan", "relative", &zMdeType, pErr))) return rc;
    if (strcmp(zMdeType, "relative") && strcmp(zMdeType, "absolute"))
        return jspec_fail(pErr, "plan.mde_type", "must be \"relative\" or \"absolute\"");
    in->mdeRelative = strcmp(zMdeType, "relative") == 0;
    if ((rc = jspec_count(plan, "min_units", "plan", 0, &in->minUnits, pErr))) return rc;
    if ((rc = jspec_bool(plan, "sequential", "plan", 0, &in->planSequential, pErr))) return rc;
    json_t *g = plan ? json_object_get(plan, "guardrails") : NULL;
    if (g) {
        if (!json_is_array(g))
            return jspec_fail(pErr, "plan.guardrails", "must be an array of metric names");
        for (size_t i = 0; i < json_array_size(g) && i < AB_MAX_METRICS; i++) {
            json_t *v = json_array_get(g, i);
            int m = json_is_string(v) ? ab_metric_find(in, json_string_value(v)) : -1;
            snprintf(zF, sizeof zF, "plan.guardrails[%zu]", i);
            if (m < 0) return jspec_fail(pErr, zF, "is not a metric of this analysis");
            if ((size_t)m == in->iPrimary)
                return jspec_fail(pErr, zF, "the primary metric cannot be its own guardrail");
            in->aGuard[in->nGuard++] = (size_t)m;
        }
    }
    /* sequential and bayes */
    static const char *const azSeq[] = {"tau", "n_star", NULL};
    static const char *const azBayes[] = {"prior", "prior_sd", NULL};
    json_t *seq = json_object_get(spec, "sequential");
    if (seq && (rc = jspec_only(seq, "sequential", azSeq, pErr))) return rc;
    if ((rc = jspec_number(seq, "tau", "sequential", 0, 0, HUGE_VAL, 1, 0, &in->tau, pErr)))
        return rc;
    if ((rc = jspec_number(seq, "n_star", "sequential", 0, 1, HUGE_VAL, 0, 0, &in->nStar, pErr)))
        return rc;
    json_t *bayes = json_object_get(spec, "bayes");
    const char *zPrior;
    if (bayes && (rc = jspec_only(bayes, "bayes", azBayes, pErr))) return rc;
    if ((rc = jspec_string(bayes, "prior", "bayes", "flat", &zPrior, pErr))) return rc;
    if (strcmp(zPrior, "flat") && strcmp(zPrior, "normal"))
        return jspec_fail(pErr, "bayes.prior", "must be \"flat\" or \"normal\"");
    double sd;
    if ((rc = jspec_number(bayes, "prior_sd", "bayes", 0.3, 0, HUGE_VAL, 1, 0, &sd, pErr)))
        return rc;
    in->priorSd = strcmp(zPrior, "normal") == 0 ? sd : 0;
    return 0;
}

/* The effect that the plan wants to detect, as (control value, treatment
 * value) for metric m given its control summary: *pTarget. NaN if no mde. */
static double ab_target(const AbInput *in, const AbMetric *m, const AbtestArmStat *c) {
    if (!in->hasMde) return NAN;
    double s = m->higherBetter ? 1 : -1;
    double d = in->mdeRelative ? in->mde * fabs(c->mean) : in->mde;
    return c->mean + s * d;
}

/* Compute comparison of arm a against control for metric m. */
static int ab_compare(const AbInput *in, const AbMetric *m, size_t a, AbCmp *pC) {
    const AbtestArmStat *c = &m->aArm[in->iControl], *t = &m->aArm[a];
    memset(pC, 0, sizeof *pC);
    abtest_test(m->kind, c, t, in->alpha, &pC->t);
    /* Power and planned size at the plan's minimum effect. */
    double target = ab_target(in, m, c);
    pC->power = pC->nNeed = NAN;
    int enough = m->kind == ABTEST_PROPORTION ? c->n > 0 : c->n >= 2 && t->n >= 2;
    if (isfinite(target) && enough) {
        if (m->kind == ABTEST_PROPORTION) {
            pC->nNeed = abtest_size_proportion(c->mean, target, in->alpha, in->power);
            if (target > 0 && target < 1)
                pC->power = abtest_power_proportion(c->mean, target, c->n, t->n, in->alpha);
        } else {
            double delta = target - c->mean;
            pC->nNeed = abtest_size_mean(delta, sqrt(c->var), sqrt(t->var), in->alpha, in->power);
            if (c->n > 0 && t->n > 0)
                pC->power =
                    abtest_power_mean(delta, sqrt(c->var / c->n + t->var / t->n), in->alpha);
        }
        if (isfinite(pC->nNeed)) pC->nNeed = ceil(pC->nNeed);
    }
    /* Sequential: the mixing variance from sequential.tau, or tightest at
     * n_star units per arm (default: the planned size, else the current). */
    double v = pC->t.se * pC->t.se;
    double perUnit = c->var + t->var; /* variance of diff times units per arm */
    double tau2;
    if (in->tau > 0) {
        tau2 = in->tau * in->tau;
    } else {
        double nStar = in->nStar > 0 ? in->nStar : isfinite(pC->nNeed) ? pC->nNeed : NAN;
        double vStar = isfinite(nStar) ? perUnit / nStar : v;
        tau2 = abtest_tau2_default(vStar, in->alpha);
    }
    pC->tau = sqrt(tau2);
    if (isfinite(v) && tau2 > 0) {
        abtest_msprt(pC->t.diff, v, tau2, in->alpha, &pC->seqP, &pC->seqHalf);
    } else {
        pC->seqP = 1;
        pC->seqHalf = NAN;
    }
    int rc = abtest_bayes(m->kind, c, t, m->higherBetter, in->priorSd, &pC->beat, &pC->lossShip,
                          &pC->lossKeep);
    if (rc == KEEL_EINTERNAL) { /* quadrature failed: report null, keep the rest */
        pC->beat = pC->lossShip = pC->lossKeep = NAN;
        rc = 0;
    }
    return rc;
}

/* Where a verdict's reasons go: the sentences (reasons) and, entry for
 * entry, the same reasons as a code with their numbers (reason_codes), so
 * that a client can word them in its own language. */
typedef struct AbReasons {
    json_t *aText; /* array of strings */
    json_t *aCode; /* array of objects: {"code": ..., parameters} */
} AbReasons;

/* Append a reason: jCode (stolen; {"code": ..., parameters}) and the
 * formatted sentence. */
static void ab_reason(AbReasons *r, json_t *jCode, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ab_reason(AbReasons *r, json_t *jCode, const char *zFmt, ...) {
    char z[400];
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(z, sizeof z, zFmt, ap);
    va_end(ap);
    json_array_append_new(r->aText, json_string(z));
    json_array_append_new(r->aCode, jCode ? jCode : json_object());
}

/* A reason code with the primary or a guardrail metric's effect: metric,
 * diff, relative (null when undefined), p_kind ("p" or "always_valid_p")
 * and p. */
static json_t *ab_code_effect(const char *zCode, const char *zMetric, const AbtestTest *t,
                              int sequential, double p) {
    return json_pack("{s:s, s:s, s:o, s:o, s:s, s:o}", "code", zCode, "metric", zMetric, "diff",
                     stats_json_real(t->diff), "relative", stats_json_real(t->rel), "p_kind",
                     sequential ? "always_valid_p" : "p", "p", stats_json_real(p));
}

/* Format an effect for a reason: "+1.23% (relative)" or "+0.0123". */
static const char *ab_effect_str(char *z, size_t n, const AbtestTest *t) {
    if (isfinite(t->rel))
        snprintf(z, n, "%+.4g (%+.2f%%)", t->diff, 100 * t->rel);
    else
        snprintf(z, n, "%+.4g", t->diff);
    return z;
}

enum { AB_SHIP = 0, AB_NO_SHIP = 1, AB_KEEP = 2 };
static const char *const azDecision[] = {"ship", "do_not_ship", "keep_running"};

/* The verdict for treatment arm a against control, with reasons appended to
 * r. aCmp[m * nArm + a] is metric m's comparison for arm a. Rules (also in
 * docs/abtest.md): a sample-ratio mismatch never ships; too few units keeps
 * running; a significantly worse primary metric, or a significant gain that
 * a guardrail pays for, or one below the plan's minimum effect, does not
 * ship; a significant gain ships; no significant effect keeps running until
 * the planned size is reached and then does not ship. */
static int ab_verdict_arm(const AbInput *in, const AbCmp *aCmp, size_t a, int srmFlagged,
                          double pSrm, AbReasons *r) {
    const AbMetric *m = &in->aMetric[in->iPrimary];
    const AbCmp *cp = &aCmp[in->iPrimary * in->nArm + a];
    const AbtestArmStat *c = &m->aArm[in->iControl], *t = &m->aArm[a];
    char zE[96];
    if (srmFlagged) {
        ab_reason(r,
                  json_pack("{s:s, s:o, s:f}", "code", "sample_ratio_mismatch", "p",
                            stats_json_real(pSrm), "alpha", AB_SRM_ALPHA),
                  "sample ratio mismatch (p = %.3g < %g): the split of units is not the "
                  "planned one, so the comparison is not trustworthy; fix the assignment",
                  pSrm, AB_SRM_ALPHA);
        return AB_NO_SHIP;
    }
    double units = 0;
    for (size_t i = 0; i < in->nArm; i++)
        units += in->aUnits[i];
    if (in->minUnits > 0 && units < in->minUnits) {
        ab_reason(r,
                  json_pack("{s:s, s:f, s:f}", "code", "too_few_units", "units", units, "min_units",
                            in->minUnits),
                  "%.0f of the planned minimum of %.0f units so far", units, in->minUnits);
        return AB_KEEP;
    }
    double p = in->planSequential ? cp->seqPHolm : cp->pHolm;
    const char *zKind = in->planSequential ? "always-valid p" : "p";
    int seq = in->planSequential;
    int good = m->higherBetter ? cp->t.diff > 0 : cp->t.diff < 0;
    if (p < in->alpha && !good) {
        ab_reason(r, ab_code_effect("primary_worse", m->zName, &cp->t, seq, p),
                  "primary metric '%s' is significantly worse: %s, %s = %.3g", m->zName,
                  ab_effect_str(zE, sizeof zE, &cp->t), zKind, p);
        return AB_NO_SHIP;
    }
    if (p < in->alpha) {
        int bad = 0;
        for (size_t g = 0; g < in->nGuard; g++) {
            const AbMetric *gm = &in->aMetric[in->aGuard[g]];
            const AbCmp *cg = &aCmp[in->aGuard[g] * in->nArm + a];
            double pg = in->planSequential ? cg->seqPHolm : cg->pHolm;
            int worse = gm->higherBetter ? cg->t.diff < 0 : cg->t.diff > 0;
            if (pg < in->alpha && worse) {
                ab_reason(r, ab_code_effect("guardrail_worse", gm->zName, &cg->t, seq, pg),
                          "guardrail '%s' is significantly worse: %s, %s = %.3g", gm->zName,
                          ab_effect_str(zE, sizeof zE, &cg->t), zKind, pg);
                bad = 1;
            }
        }
        if (bad) return AB_NO_SHIP;
        if (in->hasMde) {
            double eff = in->mdeRelative ? cp->t.rel : cp->t.diff;
            if (!m->higherBetter) eff = -eff;
            if (!(eff >= in->mde)) {
                json_t *jc = ab_code_effect("below_minimum_effect", m->zName, &cp->t, seq, p);
                json_object_set_new(jc, "mde", json_real(in->mde));
                json_object_set_new(jc, "mde_relative", json_boolean(in->mdeRelative));
                ab_reason(r, jc,
                          "primary metric '%s' improved significantly (%s, %s = %.3g) but by "
                          "less than the plan's minimum effect of %g%s",
                          m->zName, ab_effect_str(zE, sizeof zE, &cp->t), zKind, p,
                          in->mdeRelative ? 100 * in->mde : in->mde, in->mdeRelative ? "%" : "");
                return AB_NO_SHIP;
            }
        }
        ab_reason(r, ab_code_effect("primary_better", m->zName, &cp->t, seq, p),
                  "primary metric '%s' improved significantly: %s, %s = %.3g", m->zName,
                  ab_effect_str(zE, sizeof zE, &cp->t), zKind, p);
        return AB_SHIP;
    }
    json_t *jNone = ab_code_effect("no_effect", m->zName, &cp->t, seq, p);
    if (!in->hasMde) {
        json_object_set_new(jNone, "next", json_string("set_mde"));
        ab_reason(r, jNone,
                  "no significant effect on '%s' yet (%s = %.3g); set plan.mde to know when "
                  "the test has enough units",
                  m->zName, zKind, p);
        return AB_KEEP;
    }
    double nMin = fmin(c->n, t->n);
    if (isfinite(cp->nNeed) && nMin >= cp->nNeed) {
        json_object_set_new(jNone, "next", json_string("planned_size_reached"));
        json_object_set_new(jNone, "units_per_arm", json_real(cp->nNeed));
        json_object_set_new(jNone, "power",
                            stats_json_real(isfinite(cp->power) ? cp->power : in->power));
        ab_reason(r, jNone,
                  "no significant effect on '%s' (%s = %.3g) after the planned %.0f units "
                  "per arm (power %.2f at the minimum effect): the effect is likely smaller "
                  "than the minimum worth shipping",
                  m->zName, zKind, p, cp->nNeed, isfinite(cp->power) ? cp->power : in->power);
        return AB_NO_SHIP;
    }
    if (isfinite(cp->nNeed)) {
        json_object_set_new(jNone, "next", json_string("more_units"));
        json_object_set_new(jNone, "more_units_per_arm", json_real(cp->nNeed - nMin));
        json_object_set_new(jNone, "power", json_real(in->power));
        ab_reason(r, jNone,
                  "no significant effect on '%s' yet (%s = %.3g); %.0f more units per arm "
                  "needed for power %.2f at the minimum effect",
                  m->zName, zKind, p, cp->nNeed - nMin, in->power);
    } else {
        json_object_set_new(jNone, "next", json_string("size_unknown"));
        ab_reason(r, jNone,
                  "no significant effect on '%s' yet (%s = %.3g); the planned size cannot "
                  "be computed from the control's data",
                  m->zName, zKind, p);
    }
    return AB_KEEP;
}

/* [lo, hi] as a JSON array (null entries for non-finite values). */
static json_t *ab_interval(double lo, double hi) {
    json_t *a = json_array();
    json_array_append_new(a, stats_json_real(lo));
    json_array_append_new(a, stats_json_real(hi));
    return a;
}

/* One comparison as JSON. */
static json_t *ab_cmp_json(const AbInput *in, const AbMetric *m, size_t a, const AbCmp *cp) {
    json_t *o = json_object(), *seq = json_object(), *bay = json_object();
    const AbtestTest *t = &cp->t;
    json_object_set_new(o, "arm", json_string(in->azArm[a]));
    json_object_set_new(o, "test", json_string(m->kind == ABTEST_PROPORTION ? "z" : "welch_t"));
    json_object_set_new(o, "diff", stats_json_real(t->diff));
    json_object_set_new(o, "ci", ab_interval(t->lo, t->hi));
    json_object_set_new(o, "statistic", stats_json_real(t->stat));
    if (m->kind == ABTEST_MEAN) json_object_set_new(o, "df", stats_json_real(t->df));
    json_object_set_new(o, "p_value", stats_json_real(t->p));
    json_object_set_new(o, "p_value_holm", stats_json_real(cp->pHolm));
    json_object_set_new(o, "significant", json_boolean(cp->pHolm < in->alpha));
    json_object_set_new(o, "relative_lift", stats_json_real(t->rel));
    json_object_set_new(o, "relative_ci", ab_interval(t->relLo, t->relHi));
    json_object_set_new(o, "power", stats_json_real(cp->power));
    json_object_set_new(o, "required_units_per_arm", stats_json_count(cp->nNeed));
    json_object_set_new(seq, "p_value", stats_json_real(cp->seqP));
    json_object_set_new(seq, "p_value_holm", stats_json_real(cp->seqPHolm));
    json_object_set_new(seq, "ci", ab_interval(t->diff - cp->seqHalf, t->diff + cp->seqHalf));
    json_object_set_new(seq, "tau", stats_json_real(cp->tau));
    json_object_set_new(seq, "significant", json_boolean(cp->seqPHolm < in->alpha));
    json_object_set_new(o, "sequential", seq);
    json_object_set_new(bay, "prior",
                        json_string(m->kind == ABTEST_PROPORTION ? "beta(1,1)"
                                    : in->priorSd > 0            ? "normal_relative"
                                                                 : "flat"));
    if (m->kind == ABTEST_MEAN && in->priorSd > 0)
        json_object_set_new(bay, "prior_sd", json_real(in->priorSd));
    json_object_set_new(bay, "chance_to_beat_control", stats_json_real(cp->beat));
    json_object_set_new(bay, "expected_loss_ship", stats_json_real(cp->lossShip));
    json_object_set_new(bay, "expected_loss_keep", stats_json_real(cp->lossKeep));
    json_object_set_new(o, "bayes", bay);
    return o;
}

/* The per-arm summaries of metric m as JSON. */
static json_t *ab_arms_json(const AbInput *in, const AbMetric *m, const AbtestArmStat *aS,
                            AbtestKind kind) {
    json_t *arr = json_array();
    for (size_t a = 0; a < in->nArm; a++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(in->azArm[a]));
        json_object_set_new(o, "n", stats_json_count(aS[a].n));
        json_object_set_new(o, "mean", stats_json_real(aS[a].mean));
        if (kind == ABTEST_PROPORTION)
            json_object_set_new(o, "conversions",
                                stats_json_count(nearbyint(aS[a].mean * aS[a].n)));
        else
            json_object_set_new(o, "sd", stats_json_real(aS[a].n > 1 ? sqrt(aS[a].var) : NAN));
        json_array_append_new(arr, o);
    }
    (void)m;
    return arr;
}

/* Run the analysis on a filled AbInput and build the result object. */
static int ab_analyse(AbInput *in, int fromCsv, json_t **ppOut) {
    size_t nA = in->nArm, nM = in->nMetric;
    AbCmp *aCmp = calloc(nA * nM, sizeof *aCmp);
    json_t *out = json_object();
    int rc = 0;
    if (!aCmp || !out) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t m = 0; m < nM; m++) {
        double aP[AB_MAX_ARMS], aQ[AB_MAX_ARMS];
        size_t k = 0;
        for (size_t a = 0; a < nA; a++) {
            if (a == in->iControl) continue;
            if ((rc = ab_compare(in, &in->aMetric[m], a, &aCmp[m * nA + a]))) goto done;
            aP[k] = aCmp[m * nA + a].t.p;
            aQ[k++] = aCmp[m * nA + a].seqP;
        }
        stats_holm(aP, k, aP);
        stats_holm(aQ, k, aQ);
        k = 0;
        for (size_t a = 0; a < nA; a++) {
            if (a == in->iControl) continue;
            aCmp[m * nA + a].pHolm = aP[k];
            aCmp[m * nA + a].seqPHolm = aQ[k++];
        }
    }
    double chi2, pSrm;
    abtest_srm(in->aUnits, in->aWeight, nA, &chi2, &pSrm);
    int srmFlagged = pSrm < AB_SRM_ALPHA;
    json_object_set_new(out, "engine", json_string(ABTEST_ENGINE_VERSION));
    json_object_set_new(out, "source", json_string(fromCsv ? "csv" : "summary"));
    json_object_set_new(out, "control", json_string(in->azArm[in->iControl]));
    json_object_set_new(out, "alpha", json_real(in->alpha));
    json_object_set_new(out, "power", json_real(in->power));
    double units = 0, wTot = 0;
    for (size_t a = 0; a < nA; a++) {
        units += in->aUnits[a];
        wTot += in->aWeight[a];
    }
    json_t *arms = json_array();
    for (size_t a = 0; a < nA; a++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(in->azArm[a]));
        json_object_set_new(o, "units", stats_json_count(in->aUnits[a]));
        json_object_set_new(o, "planned_share", json_real(in->aWeight[a] / wTot));
        json_object_set_new(o, "expected_units", json_real(units * in->aWeight[a] / wTot));
        json_array_append_new(arms, o);
    }
    json_object_set_new(out, "arms", arms);
    json_t *srm = json_object();
    json_object_set_new(srm, "chi2", json_real(chi2));
    json_object_set_new(srm, "df", json_integer((json_int_t)(nA > 0 ? nA - 1 : 0)));
    json_object_set_new(srm, "p_value", json_real(pSrm));
    json_object_set_new(srm, "threshold", json_real(AB_SRM_ALPHA));
    json_object_set_new(srm, "flagged", json_boolean(srmFlagged));
    json_object_set_new(out, "srm", srm);
    json_t *metrics = json_array();
    for (size_t m = 0; m < nM; m++) {
        AbMetric *pm = &in->aMetric[m];
        json_t *o = json_object(), *cmps = json_array();
        int isGuard = 0;
        for (size_t g = 0; g < in->nGuard; g++)
            isGuard |= in->aGuard[g] == m;
        json_object_set_new(o, "name", json_string(pm->zName));
        json_object_set_new(o, "type",
                            json_string(pm->kindRaw == ABTEST_PROPORTION ? "proportion" : "mean"));
        json_object_set_new(o, "role",
                            json_string(m == in->iPrimary ? "primary"
                                        : isGuard         ? "guardrail"
                                                          : "secondary"));
        json_object_set_new(o, "higher_is_better", json_boolean(pm->higherBetter));
        json_object_set_new(o, "arms",
                            ab_arms_json(in, pm, pm->cuped ? pm->aRaw : pm->aArm, pm->kindRaw));
        if (pm->cuped) {
            json_t *cu = json_object();
            json_object_set_new(cu, "pre_metric", json_string(pm->zPre));
            json_object_set_new(cu, "theta", stats_json_real(pm->theta));
            json_object_set_new(cu, "variance_reduction", stats_json_real(pm->varReduction));
            json_object_set_new(cu, "arms", ab_arms_json(in, pm, pm->aArm, ABTEST_MEAN));
            json_object_set_new(o, "cuped", cu);
        }
        for (size_t a = 0; a < nA; a++)
            if (a != in->iControl)
                json_array_append_new(cmps, ab_cmp_json(in, pm, a, &aCmp[m * nA + a]));
        json_object_set_new(o, "comparisons", cmps);
        json_array_append_new(metrics, o);
    }
    json_object_set_new(out, "metrics", metrics);
    /* Verdict: each treatment arm, then the overall decision. */
    json_t *v = json_object(), *varms = json_array();
    AbReasons reasons = {json_array(), json_array()};
    int best = -1, anyKeep = 0;
    for (size_t a = 0; a < nA; a++) {
        if (a == in->iControl) continue;
        json_t *o = json_object();
        AbReasons r = {json_array(), json_array()};
        int d = ab_verdict_arm(in, aCmp, a, srmFlagged, pSrm, &r);
        json_object_set_new(o, "arm", json_string(in->azArm[a]));
        json_object_set_new(o, "decision", json_string(azDecision[d]));
        json_object_set_new(o, "reasons", r.aText);
        json_object_set_new(o, "reason_codes", r.aCode);
        json_array_append_new(varms, o);
        const AbMetric *pm = &in->aMetric[in->iPrimary];
        double gain = aCmp[in->iPrimary * nA + a].t.diff * (pm->higherBetter ? 1 : -1);
        if (d == AB_SHIP && (best < 0 || gain > aCmp[in->iPrimary * nA + best].t.diff *
                                                    (pm->higherBetter ? 1 : -1)))
            best = (int)a;
        anyKeep |= d == AB_KEEP;
    }
    int decision = best >= 0 ? AB_SHIP : anyKeep ? AB_KEEP : AB_NO_SHIP;
    if (nA < 2) {
        decision = AB_KEEP;
        ab_reason(&reasons, json_pack("{s:s}", "code", "only_control"),
                  "only the control arm has data: there is nothing to compare");
    } else if (best >= 0) {
        ab_reason(&reasons, json_pack("{s:s, s:s}", "code", "ship_arm", "arm", in->azArm[best]),
                  "ship arm '%s'", in->azArm[best]);
    } else if (srmFlagged) {
        ab_reason(
            &reasons,
            json_pack("{s:s, s:o}", "code", "sample_ratio_mismatch", "p", stats_json_real(pSrm)),
            "sample ratio mismatch (p = %.3g): do not ship until the assignment "
            "is fixed",
            pSrm);
    } else {
        ab_reason(&reasons, json_pack("{s:s}", "code", anyKeep ? "no_arm_yet" : "no_arm"), "%s",
                  anyKeep ? "no arm can ship yet" : "no arm should ship");
    }
    json_object_set_new(v, "decision", json_string(azDecision[decision]));
    json_object_set_new(v, "arm", best >= 0 ? json_string(in->azArm[best]) : json_null());
    json_object_set_new(v, "reasons", reasons.aText);
    json_object_set_new(v, "reason_codes", reasons.aCode);
    json_object_set_new(v, "arms", varms);
    json_object_set_new(out, "verdict", v);
done:
    free(aCmp);
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppOut = out;
    return 0;
}

/* The whole analysis from a spec and an optional CSV; see abtest.h. */
int abtest_run_json(const json_t *pSpec, const char *zCsv, size_t nCsv, int nThread, int csvMapped,
                    json_t **ppOut, EngineError *pErr) {
    static const char *const azTop[] = {
        "control", "alpha",      "power", "arms", "metric", "lower_is_better",
        "plan",    "sequential", "bayes", "csv",  NULL};
    AbInput *in = calloc(1, sizeof *in);
    int rc;
    stats_init();
    *ppOut = NULL;
    if (pErr) memset(pErr, 0, sizeof *pErr);
    if (!in) return KEEL_ENOMEM;
    if ((rc = jspec_only(pSpec, "", azTop, pErr))) goto done;
    if (!zCsv && json_object_get(pSpec, "csv")) {
        rc = jspec_fail(pErr, "csv", "names CSV columns but no CSV was given");
        goto done;
    }
    if ((rc = ab_read_arms(in, pSpec, zCsv != NULL, pErr))) goto done;
    if (zCsv && (rc = ab_read_csv(in, pSpec, zCsv, nCsv, nThread, csvMapped, pErr))) goto done;
    if (in->nArm == 0) {
        rc = jspec_fail(pErr, "arms", "no arms: the data has no units");
        goto done;
    }
    if ((rc = ab_read_settings(in, pSpec, pErr))) goto done;
    rc = ab_analyse(in, zCsv != NULL, ppOut);
done:
    ab_input_free(in);
    free(in);
    return rc;
}
