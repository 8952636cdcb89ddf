/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Realised against promised: how much a KPI moved after an initiative went
 * live, measured against a comparison, with an interval. The comparison is
 * the KPI's own values before go-live (the pre-period) or, where values
 * per unit exist, the units not yet rolled out; either way two groups of
 * values. The change is mean(after) - mean(comparison). With two or more
 * values on each side the interval is Welch's: se = sqrt(s1^2/n1 +
 * s2^2/n2), degrees of freedom by Welch-Satterthwaite, change +- t(df) se
 * (what scipy.stats.ttest_ind(equal_var=False).confidence_interval gives).
 * With one value after go-live its own noise is unknown: the comparison's
 * scatter stands in for it, se = s1 sqrt(1/n1 + 1), df = n1 - 1 (the
 * prediction interval of a new value). Pure: numbers in, a result out. */
#ifndef KEEL_ENGINE_REALISED_H
#define KEEL_ENGINE_REALISED_H

typedef struct RvResult {
    int tested; /* >= 2 comparison values and >= 1 after */
    int nBefore, nAfter;
    double before; /* mean of the comparison */
    double after;  /* mean after go-live */
    double change; /* after - before */
    double se, df; /* standard error and degrees of freedom */
    double lo, hi; /* the interval at the level asked */
} RvResult;

/* The change from a[0..nA) (comparison) to b[0..nB) (after) with an
 * interval at level (e.g. 0.9). Returns 0, or KEEL_EINVAL when level is
 * outside (0, 1) or a value is not finite; too few values is not an error
 * (r->tested 0, the means filled where they exist). */
int realised_change(const double *a, int nA, const double *b, int nB, double level, RvResult *r);

#endif
