/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The staggered comparison of a rollout (path 4): the KPI change of the
 * units already rolled out against the units not yet rolled out, each
 * unit's change measured from the same baseline period. The estimate is
 * the difference of the two groups' mean changes, with Welch's interval
 * (unequal variances, Welch-Satterthwaite degrees of freedom) at the given
 * confidence: the interval that scipy.stats.ttest_ind(a, b,
 * equal_var=False).confidence_interval(level) gives. Pure computation. */
#ifndef KEEL_ENGINE_STAGGER_H
#define KEEL_ENGINE_STAGGER_H
#include <stddef.h>

typedef struct StaggerResult {
    size_t nRolled, nWaiting;
    double meanRolled, meanWaiting; /* mean change per group */
    double diff;                    /* meanRolled - meanWaiting */
    double lo, hi;                  /* the interval (NaN when it cannot be computed) */
    double df;                      /* Welch-Satterthwaite degrees of freedom */
    double se;                      /* the difference's standard error (NaN: none) */
    int bInterval;                  /* 1 when lo and hi are numbers (two units a side, spread) */
} StaggerResult;

/* The mean and the sample variance (n - 1; NaN below two values) of
 * a[0..n). */
void stagger_mean_var(const double *a, size_t n, double *pMean, double *pVar);

/* a[0..na) the rolled-out units' changes, b[0..nb) the waiting units'. */
void stagger_compare(const double *a, size_t na, const double *b, size_t nb, double level,
                     StaggerResult *r);

#endif
