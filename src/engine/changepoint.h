/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The change-point test: did the last k points of a series break from
 * the level the earlier points set? The earlier points (m = n - k) give
 * the expected level at the recent window: by default the least-squares
 * line through them, projected to the window's positions (so a KPI that
 * climbs steadily is judged against where its climb was heading, and a
 * fall is not hidden by the long trend), or their mean (trend 0). The
 * statistic is the window's mean minus that expectation over its standard
 * error, with the noise taken from the earlier points' scatter about the
 * line (a t statistic with m - 2 degrees of freedom, m - 1 for the mean):
 * the prediction-interval test of ordinary least squares, so that under
 * no change (a straight line, or a flat level, plus independent normal
 * noise) it flags with probability alpha exactly, whatever the noise
 * level. With per-point sampling variances (a model metric measured on
 * n_i cases: p(1 - p)/n_i), the fit is weighted by 1/variance and the
 * noise is those variances, scaled up when the points scatter more than
 * they explain (quasi-likelihood: scale = max(1, weighted RSS / df); the
 * statistic is normal at scale 1, else t). A flag also needs the change
 * to be at least minRel of the expected level, so that a tiny but very
 * regular shift is not called a drop. KPI statuses (domain/alignment.c,
 * finding kpi_recent_drop) use it one-sided for a fall in the bad
 * direction; monitoring can hand it a model metric's series with its
 * sample sizes. Pure: numbers in, a result out. docs/paths/alignment.md
 * states the rule and its simulated false-alarm rate. */
#ifndef KEEL_ENGINE_CHANGEPOINT_H
#define KEEL_ENGINE_CHANGEPOINT_H

/* A series, in time order. */
typedef struct CpSeries {
    const double *aY;   /* n values */
    const double *aX;   /* n positions (months, periods); NULL: 0, 1, 2, ... */
    const double *aVar; /* n sampling variances of the values (all > 0), or
                         * NULL: the noise is estimated from the earlier
                         * points */
    int n;
} CpSeries;

/* Which way a change counts. */
enum { CP_FALL = -1, CP_EITHER = 0, CP_RISE = 1 };

/* Options; changepoint_options_default() fills the defaults. */
typedef struct CpOptions {
    int k;         /* the recent window: the last k points (1) */
    int trend;     /* 1: the earlier level is a line (default); 0: a mean */
    int side;      /* CP_FALL, CP_RISE or CP_EITHER (two-sided) (CP_FALL) */
    double alpha;  /* false-alarm rate of a flag under no change (0.005) */
    double minRel; /* smallest |change| / |expected| flagged (0.05) */
} CpOptions;

/* The result. Numbers that do not apply are NAN. */
typedef struct CpResult {
    int tested;       /* enough earlier points to test: without variances
                       * m >= 3 with a line, m >= 2 with a mean (one
                       * fewer with variances) */
    int flagged;      /* p < alpha and |relChange| >= minRel */
    int m;            /* earlier points used */
    double expected;  /* the earlier level at the window (its mean position) */
    double recent;    /* the window's mean */
    double change;    /* recent - expected */
    double relChange; /* change / |expected| (NAN when expected is 0) */
    double se;        /* standard error of change */
    double stat;      /* change / se */
    double df;        /* its degrees of freedom (INFINITY: normal) */
    double pValue;    /* one-sided in opt.side's direction, two-sided for
                       * CP_EITHER */
} CpResult;

/* Fill *o with the defaults. */
void changepoint_options_default(CpOptions *o);

/* Test series s with options o (NULL: the defaults) into *r. Returns 0,
 * or KEEL_EINVAL when the options or series are malformed (k < 1, alpha
 * outside (0, 1), a non-finite value or position, a variance <= 0, or
 * positions not increasing); r is then all "not tested". Too few points
 * is not an error: r->tested is 0. */
int changepoint_test(const CpSeries *s, const CpOptions *o, CpResult *r);

#endif
