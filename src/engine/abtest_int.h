/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the three files of the A/B analysis share: abtest_spec.c reads the
 * spec (arms, summaries, settings), abtest_csv.c reads a CSV of units into
 * per-arm summaries, abtest_run.c compares, decides and writes the JSON
 * (abtest_run_json). Internal to engine/. */
#ifndef KEEL_ENGINE_ABTEST_INT_H
#define KEEL_ENGINE_ABTEST_INT_H
#include "engine/abtest.h"
#include "engine/csv.h"
#include <stddef.h>

#define AB_MAX_ARMS 64    /* arms in one analysis */
#define AB_MAX_METRICS 64 /* metrics in one analysis */

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

/* Free what an AbInput owns. */
void ab_input_free(AbInput *in);

/* Index of the arm named z, or -1. */
int ab_arm_find(const AbInput *in, const char *z);

/* Add an arm named z (weight 1) to the ones the data found; its index, or
 * KEEL_ENOMEM. The caller checks that there is room. */
int ab_arm_add(AbInput *in, const char *z);

/* Index of the metric named z, or -1. */
int ab_metric_find(const AbInput *in, const char *z);

/* Add a metric named z (copied) with room for every arm; its index through
 * *pi. Fails when there are too many metrics. */
int ab_metric_add(AbInput *in, const char *z, AbtestKind kind, size_t *pi, EngineError *pErr);

/* Read spec.arms (names, weights and, without a CSV, summaries). */
int ab_read_arms(AbInput *in, const json_t *spec, int fromCsv, EngineError *pErr);

/* Read the top-level settings: control, alpha, power, lower_is_better,
 * plan, sequential, bayes. Runs after arms and metrics are known. */
int ab_read_settings(AbInput *in, const json_t *spec, EngineError *pErr);

/* Read the CSV of units into arms and metric summaries (spec.csv names the
 * columns). */
int ab_read_csv(AbInput *in, const json_t *spec, const char *zCsv, size_t nCsv, int nThread,
                int mapped, EngineError *pErr);

#endif
