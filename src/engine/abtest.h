/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A/B test analysis: the statistics that decide whether a model may launch.
 * One entry point, abtest_run_json(), takes an analysis spec (JSON) and,
 * optionally, a CSV of units in memory, and returns the whole analysis as a
 * JSON object: per-arm summaries, the sample-ratio-mismatch check, for each
 * metric and treatment arm the frequentist test (two-proportion z-test or
 * Welch's t-test) with Holm's correction, power and sample size, the
 * always-valid (sequential) p-value and confidence sequence, the Bayesian
 * chance to beat control and expected loss, CUPED when a pre-period metric
 * is given, and a verdict against the plan. The CLI (`keel abtest`) and the
 * API (POST /api/v1/analyses/abtest) both call it, so the input format is
 * defined here once; docs/abtest.md describes it for users. The building
 * blocks are exported for tests and simulations. Pure: no I/O. */
#ifndef KEEL_ENGINE_ABTEST_H
#define KEEL_ENGINE_ABTEST_H
#include "engine/jspec.h"
#include <jansson.h>
#include <stddef.h>

#define ABTEST_ENGINE_VERSION "abtest/1"

typedef enum AbtestKind {
    ABTEST_PROPORTION = 1, /* 0/1 outcome: conversions out of units */
    ABTEST_MEAN = 2,       /* continuous outcome: mean and sample sd */
} AbtestKind;

/* One arm's summary of one metric. */
typedef struct AbtestArmStat {
    double n;    /* units measured */
    double mean; /* conversion rate (proportions) or mean */
    double var;  /* sample variance with n - 1 (means); p (1 - p) for
                  * proportions, the binomial variance per unit */
} AbtestArmStat;

/* Treatment against control for one metric (fixed-horizon inference). */
typedef struct AbtestTest {
    double diff;         /* treatment - control */
    double se;           /* unpooled standard error of diff */
    double stat;         /* z (pooled variance) or Welch t */
    double df;           /* Welch-Satterthwaite degrees of freedom; 0 for z */
    double p;            /* two-sided p-value */
    double lo, hi;       /* 1 - alpha interval for diff (Wald unpooled / Welch) */
    double rel;          /* diff / control mean; NaN when the control mean is 0 */
    double relLo, relHi; /* delta-method interval for rel; NaN likewise */
} AbtestTest;

/* Fixed-horizon test of treatment t against control c at level alpha
 * (0 < alpha < 1). Degenerate cases (documented in docs/abtest.md): a zero
 * standard error gives stat 0 and p 1 when diff is 0, and stat 0 with p 0
 * when it is not; fewer than 2 units in an arm (means) or 0 units
 * (proportions) gives p 1 and an interval of NaN. Never fails. */
void abtest_test(AbtestKind kind, const AbtestArmStat *c, const AbtestArmStat *t, double alpha,
                 AbtestTest *pOut);

/* Sample size per arm (not rounded) to detect control rate p1 moving to p2
 * at two-sided level alpha with the given power: the null variance pooled at
 * (p1 + p2) / 2, the alternative unpooled, no continuity correction.
 * Returns NaN when p1 == p2 or a rate is outside (0, 1). */
double abtest_size_proportion(double p1, double p2, double alpha, double power);

/* Sample size per arm (not rounded) for a difference of means delta with arm
 * standard deviations s1, s2: (z(1-alpha/2) + z(power))^2 (s1^2 + s2^2) /
 * delta^2. NaN when delta is 0. */
double abtest_size_mean(double delta, double s1, double s2, double alpha, double power);

/* Power of the two-sided pooled z-test with n1, n2 units to detect p1 -> p2
 * (both tails counted, as statsmodels' power_proportions_2indep). */
double abtest_power_proportion(double p1, double p2, double n1, double n2, double alpha);

/* Power of a two-sided z-test for difference delta whose estimator has
 * standard error se (both tails counted). */
double abtest_power_mean(double delta, double se, double alpha);

/* Sample-ratio mismatch: Pearson chi-square of observed units aObs against
 * the planned shares aWeight (any positive scale) over n arms; df = n - 1.
 * With one arm, or no units at all, *pChi2 = 0 and *pP = 1. */
void abtest_srm(const double *aObs, const double *aWeight, size_t n, double *pChi2, double *pP);

/* Mixture SPRT (normal mixing distribution N(0, tau2) on the effect) for an
 * estimate diff with variance v: the always-valid p-value min(1, 1/Lambda)
 * and the (1 - alpha) confidence sequence diff -/+ half-width. Returns the
 * half-width through *pHalf; see docs/abtest.md for the formulas and the
 * references (Johari, Pekelis & Walsh, Operations Research 2022;
 * Waudby-Smith et al., Annals of Statistics 2024). A zero v
 * gives p 1 when diff is 0, else 0, and a zero half-width. */
void abtest_msprt(double diff, double v, double tau2, double alpha, double *pP, double *pHalf);

/* The default mixing variance: tau2 = vStar * (-2 ln alpha + ln(1 - 2 ln
 * alpha)), which makes the confidence sequence tightest when the estimate's
 * variance is vStar (Waudby-Smith et al. 2024, their optimal rho). */
double abtest_tau2_default(double vStar, double alpha);

/* Bayesian comparison of treatment against control. Proportions: Beta(1,1)
 * priors and binomial likelihoods, integrals by adaptive quadrature.
 * Means: flat prior (Gaussian posteriors N(mean, var/n)), or, when
 * priorSd > 0, a Normal(0, priorSd^2) prior on the relative lift. Outputs
 * the chance that treatment is better (by the metric's direction) and the
 * expected loss, in the metric's units, of shipping treatment and of
 * keeping control. Returns 0, or KEEL_EINTERNAL if quadrature failed. */
int abtest_bayes(AbtestKind kind, const AbtestArmStat *c, const AbtestArmStat *t, int higherBetter,
                 double priorSd, double *pBeat, double *pLossShip, double *pLossKeep);

/* Run a whole analysis. pSpec is the analysis spec (borrowed; format in
 * docs/abtest.md). zCsv/nCsv, when zCsv is not NULL, is a CSV of units
 * (columns named by spec.csv; need not be NUL-terminated); the arms'
 * summaries then come from it. nThread is passed to the CSV reader (0: one
 * per core); csvMapped says zCsv is a read-only private file mapping (the
 * reader then releases the pages it has read). On success *ppOut is a new JSON object the caller
 * owns. Returns 0; KEEL_EINVAL with *pErr naming the field for bad input; or KEEL_ENOMEM /
 * KEEL_EINTERNAL. */
int abtest_run_json(const json_t *pSpec, const char *zCsv, size_t nCsv, int nThread, int csvMapped,
                    json_t **ppOut, EngineError *pErr);

#endif
