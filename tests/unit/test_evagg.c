/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/evagg.c: minute aggregates rolled up to hours and
 * a day equal the aggregate of all events at once (every count, bin and
 * quantile); accuracy, precision, recall, AUC and calibration error
 * against direct computation in the test (AUC by counting every
 * positive-negative pair, on scores at bin centres where binning is
 * exact); late labels; the text form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/evagg.h"
#include "util/buf.h"
#include "util/err.h"

static double rnd(uint64_t *s) {
    *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
    return ((*s * UINT64_C(2685821657736338717)) >> 11) * (1.0 / 9007199254740992.0);
}

#define N_EVENTS 30000
#define N_MIN (3 * 60) /* three hours of minutes */

/* A generated event: scores at bin centres, labels that follow the score,
 * predictions thresholded at 0.5, two features (one sometimes missing). */
static void make_event(EvEvent *ev, uint64_t *seed, int i) {
    memset(ev, 0, sizeof *ev);
    ev->id.z = "x";
    ev->id.n = 1;
    ev->tsMs = (int64_t)(i % N_MIN) * 60000;
    ev->latencyMs = exp(2 + rnd(seed) * 3);
    ev->isError = rnd(seed) < 0.02;
    ev->score = (floor(rnd(seed) * EVAGG_SCORE_BINS) + 0.5) / EVAGG_SCORE_BINS;
    ev->prediction = ev->score >= 0.5;
    ev->label = i % 4 == 3 ? NAN : (rnd(seed) < ev->score * 0.8 + 0.1);
    ev->nFeat = 2;
    ev->aFeat[0].name = (EvStr){"age", 3};
    ev->aFeat[0].v = 18 + floor(rnd(seed) * 60);
    ev->aFeat[1].name = (EvStr){"income", 6};
    ev->aFeat[1].v = i % 7 == 0 ? NAN : rnd(seed) * 1e5 - 1e4;
}

/* Assert two aggregates are equal in every part. */
static void assert_agg_equal(const EvAgg *a, const EvAgg *b) {
    assert_true(a->n == b->n && a->nError == b->nError && a->nScore == b->nScore);
    assert_true(fabs(a->sumScore - b->sumScore) <= 1e-9 * fabs(b->sumScore));
    assert_true(a->nLabeled == b->nLabeled && a->nCorrect == b->nCorrect);
    assert_true(a->tp == b->tp && a->fp == b->fp && a->fn == b->fn && a->tn == b->tn);
    assert_memory_equal(a->aScore, b->aScore, sizeof a->aScore);
    assert_memory_equal(a->aPos, b->aPos, sizeof a->aPos);
    assert_memory_equal(a->aNeg, b->aNeg, sizeof a->aNeg);
    assert_memory_equal(a->aCalN, b->aCalN, sizeof a->aCalN);
    for (double q = 0; q <= 1; q += 0.01)
        assert_true(ddsketch_quantile(&a->latency, q) == ddsketch_quantile(&b->latency, q));
    assert_int_equal(a->nFeat, b->nFeat);
    for (uint32_t k = 0; k < a->nFeat; k++) {
        assert_string_equal(a->aFeat[k].zName, b->aFeat[k].zName);
        assert_true(a->aFeat[k].nMissing == b->aFeat[k].nMissing);
        assert_true(ddsketch_quantile(&a->aFeat[k].sk, 0.5) ==
                    ddsketch_quantile(&b->aFeat[k].sk, 0.5));
    }
}

/* agg-1: minutes -> hours -> day equals everything at once */
static void test_rollup(void **state) {
    (void)state;
    EvAgg *aMin = calloc(N_MIN, sizeof *aMin), aHour[3], day, direct;
    for (int m = 0; m < N_MIN; m++)
        evagg_init(&aMin[m]);
    evagg_init(&direct);
    evagg_init(&day);
    uint64_t seed = 11;
    for (int i = 0; i < N_EVENTS; i++) {
        EvEvent ev;
        make_event(&ev, &seed, i);
        assert_int_equal(evagg_add_event(&aMin[ev.tsMs / 60000], &ev), 0);
        assert_int_equal(evagg_add_event(&direct, &ev), 0);
    }
    for (int h = 0; h < 3; h++) {
        evagg_init(&aHour[h]);
        for (int m = 0; m < 60; m++)
            assert_int_equal(evagg_merge(&aHour[h], &aMin[h * 60 + m]), 0);
        assert_int_equal(evagg_merge(&day, &aHour[h]), 0);
    }
    assert_agg_equal(&day, &direct);
    EvMetrics a, b;
    evagg_metrics(&day, &a);
    evagg_metrics(&direct, &b);
    assert_true(a.auc == b.auc && a.p99 == b.p99 && a.accuracy == b.accuracy);
    for (int m = 0; m < N_MIN; m++)
        evagg_free(&aMin[m]);
    for (int h = 0; h < 3; h++)
        evagg_free(&aHour[h]);
    free(aMin);
    evagg_free(&day);
    evagg_free(&direct);
}

/* agg-2: the metrics against direct computation */
static void test_metrics(void **state) {
    (void)state;
    static EvEvent aEv[4000];
    EvAgg a;
    evagg_init(&a);
    uint64_t seed = 5;
    size_t n = sizeof aEv / sizeof *aEv;
    for (size_t i = 0; i < n; i++) {
        make_event(&aEv[i], &seed, (int)i);
        assert_int_equal(evagg_add_event(&a, &aEv[i]), 0);
    }
    double nLab = 0, nOk = 0, tp = 0, fp = 0, fn = 0, nErr = 0, pairs = 0, wins = 0;
    double calN[EVAGG_CAL_BINS] = {0}, calPos[EVAGG_CAL_BINS] = {0}, calS[EVAGG_CAL_BINS] = {0};
    for (size_t i = 0; i < n; i++) {
        nErr += aEv[i].isError;
        if (isnan(aEv[i].label)) continue;
        nLab++;
        nOk += aEv[i].prediction == aEv[i].label;
        tp += aEv[i].prediction == 1 && aEv[i].label == 1;
        fp += aEv[i].prediction == 1 && aEv[i].label == 0;
        fn += aEv[i].prediction == 0 && aEv[i].label == 1;
        int c = (int)(aEv[i].score * 10);
        calN[c]++, calPos[c] += aEv[i].label, calS[c] += aEv[i].score;
        if (aEv[i].label != 1) continue;
        for (size_t j = 0; j < n; j++) { /* every positive against every negative */
            if (aEv[j].label != 0) continue;
            pairs++;
            wins += aEv[i].score > aEv[j].score ? 1 : aEv[i].score == aEv[j].score ? 0.5 : 0;
        }
    }
    double ece = 0;
    for (int c = 0; c < EVAGG_CAL_BINS; c++)
        ece += fabs(calPos[c] - calS[c]);
    ece /= nLab;
    EvMetrics m;
    evagg_metrics(&a, &m);
    assert_true(m.n == n && m.nLabeled == (uint64_t)nLab);
    assert_true(fabs(m.errorRate - nErr / (double)n) < 1e-15);
    assert_true(fabs(m.accuracy - nOk / nLab) < 1e-15);
    assert_true(fabs(m.precision - tp / (tp + fp)) < 1e-15);
    assert_true(fabs(m.recall - tp / (tp + fn)) < 1e-15);
    assert_true(fabs(m.auc - wins / pairs) < 1e-12);
    assert_true(fabs(m.ece - ece) < 1e-12);
    assert_true(m.auc > 0.6 && m.auc < 0.95); /* the generator's labels follow the score */
    evagg_free(&a);
    /* no labels: the label metrics are undefined, not 0 */
    EvAgg e;
    evagg_init(&e);
    evagg_metrics(&e, &m);
    assert_true(isnan(m.auc) && isnan(m.accuracy) && isnan(m.errorRate) && isnan(m.p50));
}

/* agg-3: labels that arrive later give the same aggregate as inline ones */
static void test_late_labels(void **state) {
    (void)state;
    EvAgg inl, late;
    evagg_init(&inl);
    evagg_init(&late);
    uint64_t seed = 21;
    for (int i = 0; i < 5000; i++) {
        EvEvent ev;
        make_event(&ev, &seed, i);
        evagg_add_event(&inl, &ev);
        double label = ev.label;
        ev.label = NAN;
        evagg_add_event(&late, &ev);
        evagg_add_label(&late, ev.score, ev.prediction, label);
    }
    assert_agg_equal(&late, &inl);
    evagg_free(&inl);
    evagg_free(&late);
}

/* agg-4: the text form reads back equal; malformed text is refused */
static void test_text(void **state) {
    (void)state;
    EvAgg a, r;
    evagg_init(&a);
    uint64_t seed = 2;
    for (int i = 0; i < 3000; i++) {
        EvEvent ev;
        make_event(&ev, &seed, i);
        evagg_add_event(&a, &ev);
    }
    Buf b;
    buf_init(&b, 0);
    evagg_write(&a, &b);
    assert_int_equal(buf_err(&b), 0);
    assert_int_equal(evagg_read(&r, b.z, b.n), 0);
    assert_agg_equal(&r, &a);
    evagg_free(&r);
    static const char *azBad[] = {"x 1", "n 1", "score 1 0.5 200:1", "cal 12:1:1:0.5",
                                  "f 1 a=0.05;n=0;z=0;s=0;lo=0;hi=0;p=;m="};
    for (size_t i = 0; i < sizeof azBad / sizeof *azBad; i++)
        assert_int_equal(evagg_read(&r, azBad[i], strlen(azBad[i])), KEEL_EINVAL);
    buf_reset(&b);
    evagg_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rollup),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_late_labels),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
