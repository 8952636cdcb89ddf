/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Monitoring aggregates (evagg.h): adding an event is a handful of
 * increments, one DDSketch insert for the latency and one per feature;
 * merging adds arrays. The text form is one line per part:
 *   n <events> <errors>
 *   lat <ddsketch text>
 *   score <nScore> <sum> <bin>:<count>,...
 *   lab <nLabeled> <nPredLabeled> <nCorrect> <tp> <fp> <fn> <tn>
 *   pos <bin>:<count>,...          neg <bin>:<count>,...
 *   cal <bin>:<n>:<nPos>:<sumScore>,...
 *   f <nMissing> <ddsketch text> <name to the end of the line>
 */
#include "engine/evagg.h"
#include "util/err.h"
#include "util/mem.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- adding ------------------------------------------------------------- */

void evagg_init(EvAgg *a) {
    memset(a, 0, sizeof *a);
    ddsketch_init(&a->latency, EVAGG_LATENCY_ALPHA);
}

void evagg_free(EvAgg *a) {
    ddsketch_free(&a->latency);
    for (uint32_t i = 0; i < a->nFeat; i++)
        ddsketch_free(&a->aFeat[i].sk);
    free(a->aFeat);
    evagg_init(a);
}

int evagg_score_bin(double score) {
    if (score < 0) return 0;
    if (score > 1) return EVAGG_SCORE_BINS + 1;
    int b = (int)(score * EVAGG_SCORE_BINS);
    return 1 + (b >= EVAGG_SCORE_BINS ? EVAGG_SCORE_BINS - 1 : b);
}

/* The calibration bin of a score in [0, 1]. */
static int evagg_cal_bin(double score) {
    int b = (int)(score * EVAGG_CAL_BINS);
    return b >= EVAGG_CAL_BINS ? EVAGG_CAL_BINS - 1 : b;
}

void evagg_add_label(EvAgg *a, double score, double prediction, double label) {
    if (isnan(label)) return;
    a->nLabeled++;
    if (!isnan(prediction)) {
        a->nPredLabeled++;
        a->nCorrect += prediction == label;
    }
    int binary = label == 0 || label == 1;
    if (!binary) return;
    int pos = label == 1;
    if (prediction == 0 || prediction == 1) {
        int pp = prediction == 1;
        a->tp += pos && pp;
        a->fp += !pos && pp;
        a->fn += pos && !pp;
        a->tn += !pos && !pp;
    }
    if (!isnan(score)) {
        (pos ? a->aPos : a->aNeg)[evagg_score_bin(score)]++;
        if (score >= 0 && score <= 1) {
            int c = evagg_cal_bin(score);
            a->aCalN[c]++;
            a->aCalPos[c] += pos;
            a->aCalScore[c] += score;
        }
    }
}

/* The feature named z[0..n) (added when new; hint: the index where it
 * probably is); NULL when out of memory. */
static EvFeatAgg *evagg_feature(EvAgg *a, const char *z, size_t n, uint32_t hint) {
    if (n > EVSCAN_MAX_LABEL) return NULL;
    if (hint < a->nFeat && a->aFeat[hint].zName[n] == 0 && mem_eq_short(a->aFeat[hint].zName, z, n))
        return &a->aFeat[hint];
    for (uint32_t i = 0; i < a->nFeat; i++)
        if (memcmp(a->aFeat[i].zName, z, n) == 0 && a->aFeat[i].zName[n] == 0) return &a->aFeat[i];
    if (a->nFeat == a->nFeatAlloc) {
        uint32_t nNew = a->nFeatAlloc ? a->nFeatAlloc * 2 : 8;
        EvFeatAgg *p = realloc(a->aFeat, nNew * sizeof *p);
        if (!p) return NULL;
        a->aFeat = p;
        a->nFeatAlloc = nNew;
    }
    EvFeatAgg *f = &a->aFeat[a->nFeat++];
    memcpy(f->zName, z, n);
    f->zName[n] = 0;
    f->nMissing = 0;
    ddsketch_init(&f->sk, EVAGG_FEATURE_ALPHA);
    return f;
}

int evagg_add_event(EvAgg *a, const EvEvent *ev) {
    if (ddsketch_add(&a->latency, ev->latencyMs, 1)) return KEEL_ENOMEM;
    for (uint32_t i = 0; i < ev->nFeat; i++) {
        const EvFeature *ft = &ev->aFeat[i];
        EvFeatAgg *f = evagg_feature(a, ft->name.z, ft->name.n, i);
        if (!f) return KEEL_ENOMEM;
        if (isnan(ft->v))
            f->nMissing++;
        else if (ddsketch_add(&f->sk, ft->v, 1))
            return KEEL_ENOMEM;
    }
    a->n++;
    a->nError += ev->isError != 0;
    if (!isnan(ev->score)) {
        a->nScore++;
        a->sumScore += ev->score;
        a->aScore[evagg_score_bin(ev->score)]++;
    }
    evagg_add_label(a, ev->score, ev->prediction, ev->label);
    return 0;
}

/* ---- merging and metrics --------------------------------------------- */

int evagg_merge(EvAgg *into, const EvAgg *from) {
    if (ddsketch_merge(&into->latency, &from->latency)) return KEEL_ENOMEM;
    for (uint32_t i = 0; i < from->nFeat; i++) {
        const EvFeatAgg *g = &from->aFeat[i];
        EvFeatAgg *f = evagg_feature(into, g->zName, strlen(g->zName), i);
        if (!f || ddsketch_merge(&f->sk, &g->sk)) return KEEL_ENOMEM;
        f->nMissing += g->nMissing;
    }
    into->n += from->n;
    into->nError += from->nError;
    into->nScore += from->nScore;
    into->sumScore += from->sumScore;
    into->nLabeled += from->nLabeled;
    into->nPredLabeled += from->nPredLabeled;
    into->nCorrect += from->nCorrect;
    into->tp += from->tp;
    into->fp += from->fp;
    into->fn += from->fn;
    into->tn += from->tn;
    for (int b = 0; b < EVAGG_SCORE_BINS + 2; b++) {
        into->aScore[b] += from->aScore[b];
        into->aPos[b] += from->aPos[b];
        into->aNeg[b] += from->aNeg[b];
    }
    for (int c = 0; c < EVAGG_CAL_BINS; c++) {
        into->aCalN[c] += from->aCalN[c];
        into->aCalPos[c] += from->aCalPos[c];
        into->aCalScore[c] += from->aCalScore[c];
    }
    return 0;
}

/* num / den, NaN when den is 0. */
static double evagg_ratio(double num, double den) { return den > 0 ? num / den : NAN; }

void evagg_metrics(const EvAgg *a, EvMetrics *m) {
    m->n = a->n;
    m->nLabeled = a->nLabeled;
    m->errorRate = evagg_ratio((double)a->nError, (double)a->n);
    m->p50 = ddsketch_quantile(&a->latency, 0.5);
    m->p90 = ddsketch_quantile(&a->latency, 0.9);
    m->p99 = ddsketch_quantile(&a->latency, 0.99);
    m->meanScore = evagg_ratio(a->sumScore, (double)a->nScore);
    m->accuracy = evagg_ratio((double)a->nCorrect, (double)a->nPredLabeled);
    m->precision = evagg_ratio((double)a->tp, (double)(a->tp + a->fp));
    m->recall = evagg_ratio((double)a->tp, (double)(a->tp + a->fn));
    double nPos = 0, nNeg = 0, u = 0;
    for (int b = 0; b < EVAGG_SCORE_BINS + 2; b++) {
        u += (double)a->aPos[b] * (nNeg + 0.5 * (double)a->aNeg[b]);
        nPos += (double)a->aPos[b];
        nNeg += (double)a->aNeg[b];
    }
    m->auc = evagg_ratio(u, nPos * nNeg);
    double nCal = 0, gap = 0;
    for (int c = 0; c < EVAGG_CAL_BINS; c++) {
        nCal += (double)a->aCalN[c];
        gap += fabs((double)a->aCalPos[c] - a->aCalScore[c]);
    }
    m->ece = evagg_ratio(gap, nCal);
}

/* ---- text form ---------------------------------------------------------- */

/* Append the non-zero entries of a[0..n) as i:c pairs. */
static void evagg_write_bins(Buf *b, const uint64_t *a, int n) {
    int first = 1;
    for (int i = 0; i < n; i++) {
        if (!a[i]) continue;
        buf_printf(b, "%s%d:%llu", first ? "" : ",", i, (unsigned long long)a[i]);
        first = 0;
    }
    if (first) buf_putc(b, '-');
}

void evagg_write(const EvAgg *a, Buf *b) {
    buf_printf(b, "n %llu %llu\nlat ", (unsigned long long)a->n, (unsigned long long)a->nError);
    ddsketch_write(&a->latency, b);
    buf_printf(b, "\nscore %llu %.17g ", (unsigned long long)a->nScore, a->sumScore);
    evagg_write_bins(b, a->aScore, EVAGG_SCORE_BINS + 2);
    buf_printf(b, "\nlab %llu %llu %llu %llu %llu %llu %llu\npos ", (unsigned long long)a->nLabeled,
               (unsigned long long)a->nPredLabeled, (unsigned long long)a->nCorrect,
               (unsigned long long)a->tp, (unsigned long long)a->fp, (unsigned long long)a->fn,
               (unsigned long long)a->tn);
    evagg_write_bins(b, a->aPos, EVAGG_SCORE_BINS + 2);
    buf_puts(b, "\nneg ");
    evagg_write_bins(b, a->aNeg, EVAGG_SCORE_BINS + 2);
    buf_puts(b, "\ncal ");
    int first = 1;
    for (int c = 0; c < EVAGG_CAL_BINS; c++) {
        if (!a->aCalN[c]) continue;
        buf_printf(b, "%s%d:%llu:%llu:%.17g", first ? "" : ",", c, (unsigned long long)a->aCalN[c],
                   (unsigned long long)a->aCalPos[c], a->aCalScore[c]);
        first = 0;
    }
    if (first) buf_putc(b, '-');
    buf_putc(b, '\n');
    for (uint32_t i = 0; i < a->nFeat; i++) {
        buf_printf(b, "f %llu ", (unsigned long long)a->aFeat[i].nMissing);
        ddsketch_write(&a->aFeat[i].sk, b);
        buf_printf(b, " %s\n", a->aFeat[i].zName);
    }
}

/* Read "i:c,..." (or "-") from z into a[0..n); 0 or KEEL_EINVAL. */
static int evagg_read_bins(const char *z, uint64_t *a, int n) {
    if (strcmp(z, "-") == 0) return 0;
    const char *p = z;
    while (*p) {
        char *end;
        long i = strtol(p, &end, 10);
        if (end == p || *end != ':' || i < 0 || i >= n) return KEEL_EINVAL;
        p = end + 1;
        if (*p < '0' || *p > '9') return KEEL_EINVAL;
        a[i] = strtoull(p, &end, 10);
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return KEEL_EINVAL;
    }
    return 0;
}

/* Read one line of the text form into a; 0 or KEEL_E*. */
static int evagg_read_line(EvAgg *a, char *z) {
    unsigned long long x[7];
    char zBins[4096];
    double d;
    if (strncmp(z, "n ", 2) == 0) {
        if (sscanf(z, "n %llu %llu", &x[0], &x[1]) != 2) return KEEL_EINVAL;
        a->n = x[0];
        a->nError = x[1];
    } else if (strncmp(z, "lat ", 4) == 0) {
        ddsketch_free(&a->latency);
        return ddsketch_read(&a->latency, z + 4, strlen(z + 4));
    } else if (strncmp(z, "score ", 6) == 0) {
        if (sscanf(z, "score %llu %lg %4095s", &x[0], &d, zBins) != 3) return KEEL_EINVAL;
        a->nScore = x[0];
        a->sumScore = d;
        return evagg_read_bins(zBins, a->aScore, EVAGG_SCORE_BINS + 2);
    } else if (strncmp(z, "lab ", 4) == 0) {
        if (sscanf(z, "lab %llu %llu %llu %llu %llu %llu %llu", &x[0], &x[1], &x[2], &x[3], &x[4],
                   &x[5], &x[6]) != 7)
            return KEEL_EINVAL;
        a->nLabeled = x[0], a->nPredLabeled = x[1], a->nCorrect = x[2];
        a->tp = x[3], a->fp = x[4], a->fn = x[5], a->tn = x[6];
    } else if (strncmp(z, "pos ", 4) == 0 || strncmp(z, "neg ", 4) == 0) {
        if (strlen(z + 4) >= sizeof zBins) return KEEL_EINVAL;
        return evagg_read_bins(z + 4, z[0] == 'p' ? a->aPos : a->aNeg, EVAGG_SCORE_BINS + 2);
    } else if (strncmp(z, "cal ", 4) == 0) {
        const char *p = z + 4;
        if (strcmp(p, "-") == 0) return 0;
        while (*p) {
            int c, nc;
            if (sscanf(p, "%d:%llu:%llu:%lg%n", &c, &x[0], &x[1], &d, &nc) != 4 || c < 0 ||
                c >= EVAGG_CAL_BINS)
                return KEEL_EINVAL;
            a->aCalN[c] = x[0], a->aCalPos[c] = x[1], a->aCalScore[c] = d;
            p += nc;
            if (*p == ',')
                p++;
            else if (*p)
                return KEEL_EINVAL;
        }
    } else if (strncmp(z, "f ", 2) == 0) {
        char *p = z + 2, *end;
        unsigned long long nMissing = strtoull(p, &end, 10);
        if (end == p || *end != ' ') return KEEL_EINVAL;
        p = end + 1;
        char *sp = strchr(p, ' ');
        if (!sp || sp[1] == 0 || strlen(sp + 1) > EVSCAN_MAX_LABEL) return KEEL_EINVAL;
        EvFeatAgg *f = evagg_feature(a, sp + 1, strlen(sp + 1), a->nFeat);
        if (!f) return KEEL_ENOMEM;
        ddsketch_free(&f->sk);
        int rc = ddsketch_read(&f->sk, p, (size_t)(sp - p));
        if (rc) return rc;
        f->nMissing = nMissing;
    } else {
        return KEEL_EINVAL;
    }
    return 0;
}

int evagg_read(EvAgg *a, const char *z, size_t n) {
    evagg_init(a);
    char line[16384];
    const char *p = z, *e = z + n;
    while (p < e) {
        const char *q = memchr(p, '\n', (size_t)(e - p));
        if (!q) q = e;
        size_t len = (size_t)(q - p);
        int rc = KEEL_EINVAL;
        if (len < sizeof line) {
            memcpy(line, p, len);
            line[len] = 0;
            rc = len ? evagg_read_line(a, line) : 0;
        }
        if (rc) {
            evagg_free(a);
            return rc;
        }
        p = q + (q < e);
    }
    return 0;
}
