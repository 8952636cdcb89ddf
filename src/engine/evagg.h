/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Monitoring aggregates: what one window of prediction events of one
 * (system, version, segment) adds up to, in a form that merges exactly so
 * minutes roll up into hours and days, and servers into one view. Every
 * part is a count or a sum: events and errors; a latency DDSketch (1%
 * relative accuracy); a score histogram of EVAGG_SCORE_BINS equal bins on
 * [0, 1] plus one below and one above (what the drift engine compares);
 * for labelled events the confusion counts (label and prediction 1 are
 * the positive class), a score histogram per class (AUC by Mann-Whitney
 * over the bins: exact when no bin holds scores of both classes that
 * differ, ties count one half) and EVAGG_CAL_BINS calibration bins
 * (expected calibration error); per numeric feature a DDSketch at 5%
 * (bins compared for drift) and a missing count. Pure; no I/O. */
#ifndef KEEL_ENGINE_EVAGG_H
#define KEEL_ENGINE_EVAGG_H
#include "engine/ddsketch.h"
#include "engine/evscan.h"
#include "util/buf.h"
#include <stdint.h>

#define EVAGG_SCORE_BINS 100     /* equal score bins on [0, 1] */
#define EVAGG_CAL_BINS 10        /* calibration bins on [0, 1] */
#define EVAGG_LATENCY_ALPHA 0.01 /* latency sketch relative accuracy */
#define EVAGG_FEATURE_ALPHA 0.05 /* feature sketch relative accuracy */

/* One feature's aggregate. */
typedef struct EvFeatAgg {
    char zName[EVSCAN_MAX_LABEL + 1]; /* name without "f." */
    uint64_t nMissing;                /* events where it was null or empty */
    DDSketch sk;                      /* its values */
} EvFeatAgg;

/* The aggregate of one window. Score histograms: index 0 below 0, 1 ..
 * EVAGG_SCORE_BINS the bins, EVAGG_SCORE_BINS + 1 above 1. */
typedef struct EvAgg {
    uint64_t n;                            /* events */
    uint64_t nError;                       /* events with error: true */
    DDSketch latency;                      /* latency_ms */
    uint64_t nScore;                       /* events with a score */
    double sumScore;                       /* their sum */
    uint64_t aScore[EVAGG_SCORE_BINS + 2]; /* score histogram */
    uint64_t nLabeled;                     /* events with a label */
    uint64_t nPredLabeled;                 /* ... and a prediction */
    uint64_t nCorrect;                     /* ... equal to the label */
    uint64_t tp, fp, fn, tn;               /* binary (0/1) label and prediction */
    uint64_t aPos[EVAGG_SCORE_BINS + 2];   /* score histogram, label 1 */
    uint64_t aNeg[EVAGG_SCORE_BINS + 2];   /* score histogram, label 0 */
    uint64_t aCalN[EVAGG_CAL_BINS];        /* binary label, score in [0, 1] */
    uint64_t aCalPos[EVAGG_CAL_BINS];      /* ... of which label 1 */
    double aCalScore[EVAGG_CAL_BINS];      /* ... sum of scores */
    uint32_t nFeat, nFeatAlloc;            /* features seen */
    EvFeatAgg *aFeat;                      /* in order of first appearance */
} EvAgg;

/* What a window says, derived from an EvAgg; NaN where undefined (no
 * events, no labels, one class only). */
typedef struct EvMetrics {
    uint64_t n, nLabeled;
    double errorRate;
    double p50, p90, p99; /* latency_ms quantiles */
    double meanScore;
    double accuracy;  /* share of labelled events with prediction == label */
    double precision; /* tp / (tp + fp) */
    double recall;    /* tp / (tp + fn) */
    double auc;       /* ROC AUC from the class score histograms */
    double ece;       /* expected calibration error, EVAGG_CAL_BINS bins */
} EvMetrics;

/* An empty aggregate. */
void evagg_init(EvAgg *a);

/* Free what the aggregate holds; it is empty afterwards. */
void evagg_free(EvAgg *a);

/* Add one event (its label part too when it has a label); 0 or
 * KEEL_ENOMEM. */
int evagg_add_event(EvAgg *a, const EvEvent *ev);

/* Add a label that arrived after its event (score and prediction are the
 * event's, NaN when absent). Counts only the label statistics. */
void evagg_add_label(EvAgg *a, double score, double prediction, double label);

/* Add from into into; 0 or KEEL_ENOMEM. */
int evagg_merge(EvAgg *into, const EvAgg *from);

/* Compute the metrics of a. */
void evagg_metrics(const EvAgg *a, EvMetrics *m);

/* The score bin (0 .. EVAGG_SCORE_BINS + 1) of a score. */
int evagg_score_bin(double score);

/* Append a text form of a to b (lines; see evagg.c). */
void evagg_write(const EvAgg *a, Buf *b);

/* Read the text form into *a (initialised here); 0, KEEL_EINVAL or
 * KEEL_ENOMEM (then *a is empty). */
int evagg_read(EvAgg *a, const char *z, size_t n);

#endif
