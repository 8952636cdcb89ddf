/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Decay tests: has a model's metric fallen from its frozen baseline, for
 * one segment? A metric here is a proportion (accuracy: correct of
 * labelled; error rate: errors of events), measured per period (a block
 * of day windows) on n cases, so each period's sampling variance is
 * p0 (1 - p0) / n under no change (p0 the baseline's value). Two tests,
 * each at false-alarm rate alpha under no change:
 *
 * - sudden drop: the change-point test (engine/changepoint.h) on the
 *   series [baseline, period 1, ..., period W] with those variances, the
 *   last period against the weighted mean of everything before it (the
 *   baseline weighs most), one-sided in the bad direction;
 * - slow decay: the weighted least-squares slope of the periods since the
 *   baseline against time, one-sided, with the same variances (scaled up
 *   when the periods scatter more than binomial noise: quasi-likelihood),
 *   flagged when significant and the fitted change over the span is at
 *   least minRel of the baseline.
 *
 * A segment with fewer than minN cases in its last period is not tested:
 * small segments never alarm by being small. The size of the change is
 * the last period minus the baseline with a Wald interval at `level`.
 *
 * Input drift on stored histograms: decay_drift_cells turns two feature
 * sketches (baseline and current) into at most DECAY_DRIFT_CELLS cells
 * cut at the baseline's quantiles plus one for missing values, which the
 * drift engine (drift_bins_compare) compares. Pure; no I/O. */
#ifndef KEEL_ENGINE_DECAY_H
#define KEEL_ENGINE_DECAY_H
#include "engine/ddsketch.h"
#include <stddef.h>
#include <stdint.h>

#define DECAY_DRIFT_CELLS 10 /* value cells per feature (plus missing) */

/* One period (or the baseline): x of n cases (x correct, or x errors),
 * at time t (days; the baseline's t is unused). */
typedef struct DecayPoint {
    double x, n, t;
} DecayPoint;

/* Options; decay_options_default() fills them. */
typedef struct DecayOptions {
    double alpha;  /* false-alarm rate of each test under no change (0.005) */
    double minRel; /* smallest |change| / baseline flagged (0.05) */
    double minN;   /* cases the last period needs to be tested (30) */
    double level;  /* confidence of the interval on the change (0.95) */
    int side;      /* -1: a fall is bad (accuracy), 1: a rise (error rate) */
} DecayOptions;

/* What the tests found. Numbers that do not apply are NAN. */
typedef struct DecayResult {
    int tested;        /* the last period had at least minN cases */
    int dropFlagged;   /* the change-point test flagged the last period */
    int trendFlagged;  /* the slope test flagged a decay */
    double baseline;   /* x / n of the baseline */
    double current;    /* x / n of the last period */
    double change;     /* current - baseline */
    double ciLo, ciHi; /* Wald interval on change at level */
    double pDrop;      /* one-sided p of the change-point test */
    double slope;      /* fitted change per day */
    double slopeSe;    /* its standard error */
    double pTrend;     /* one-sided p of the slope test */
    int nTrend;        /* periods in the slope test */
} DecayResult;

void decay_options_default(DecayOptions *o);

/* Test periods a[0..n) (time order) against base. 0, or KEEL_EINVAL for
 * malformed input (x outside [0, n], a non-finite number, times not
 * increasing, alpha or level outside (0, 1)). */
int decay_test(const DecayPoint *base, const DecayPoint *a, int n, const DecayOptions *o,
               DecayResult *r);

/* Cells of a feature for the drift engine: aRef and aCur (each
 * DECAY_DRIFT_CELLS + 1 long) get the counts of the baseline sketch ref
 * and the current sketch cur in cells cut at ref's quantiles (bucket
 * boundaries), the last cell the missing counts. Returns the number of
 * cells used (cells empty on both sides are dropped). */
size_t decay_drift_cells(const DDSketch *ref, uint64_t nMissRef, const DDSketch *cur,
                         uint64_t nMissCur, double *aRef, double *aCur);

#endif
