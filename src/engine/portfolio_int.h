/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internals shared by the portfolio optimiser's files (portfolio.c: input
 * and checks; portfolio_solve.c: the method; portfolio_report.c: the JSON
 * report). Not for callers outside src/engine/portfolio*.c. */
#ifndef KEEL_ENGINE_PORTFOLIO_INT_H
#define KEEL_ENGINE_PORTFOLIO_INT_H
#include "engine/portfolio.h"

/* Relative tolerance of capacity checks. */
#define PORTFOLIO_TOL 1e-7

/* Why loads do not fit a period: the pool at fault and by how much. */
typedef enum PortfolioShortKind {
    PORTFOLIO_SHORT_CAPACITY = 0,   /* over capacity, no cloud units to buy */
    PORTFOLIO_SHORT_CLOUD_MAX = 1,  /* over capacity plus the cloud units allowed */
    PORTFOLIO_SHORT_CLOUD_COST = 2, /* the payer's capacity cannot pay for the cloud units */
} PortfolioShortKind;

typedef struct PortfolioShort {
    PortfolioShortKind kind;
    int iPool, iPeriod; /* the pool and the period */
    double need, cap;   /* load and capacity */
    double extra;       /* CLOUD_MAX: units that may be bought; CLOUD_COST: their cost */
} PortfolioShort;

/* Whether loads aLoad[nPool] fit period t's capacities, buying cloud units
 * where allowed. When aCloud is not NULL it receives the units bought per
 * pool. When pShort is not NULL and the period does not fit, it receives
 * the pool at fault and by how much. Returns 1 when it fits. */
int portfolio_period_fits(const PortfolioProblem *p, int t, const double *aLoad, double *aCloud,
                          PortfolioShort *pShort);

/* sh in words ("pool 'gpu' in 2026Q3: 12 needed, capacity 10") into z. */
void portfolio_short_text(const PortfolioProblem *p, const PortfolioShort *sh, char *z, size_t n);

/* Add (sign +1) or remove (-1) item i started in s to loads aLoad laid out
 * period-major: aLoad[t * nPool + q]. Periods outside the horizon are
 * skipped. */
void portfolio_load_add(const PortfolioProblem *p, int i, int s, double sign, double *aLoad);

/* Discount factor (1 - discount)^max(s, 0). */
double portfolio_discount(const PortfolioProblem *p, int s);

/* The result of a solve, before it is rendered as JSON. */
typedef struct PortfolioRun {
    int status;        /* PORTFOLIO_* */
    int *aStart;       /* [nItem] the plan */
    double objective;  /* value minus change penalties */
    double bound;      /* LP-relaxation bound on the objective (HUGE_VAL
                        * when not computed) */
    double greedyObj;  /* objective of the greedy start */
    double greedyMs;   /* time to the greedy plan */
    double lpMs;       /* time to the LP bound */
    double totalMs;    /* whole solve */
    int nIter;         /* neighbourhoods solved */
    int nImprove;      /* neighbourhoods that improved the plan */
    const char *zStop; /* why the search stopped */
    double *aShadow;   /* [nPeriod * nPool] shadow prices, or NULL */
    json_t *conflicts; /* infeasible: array of explanations (owned) */
} PortfolioRun;

/* Run the method; fills *r (free with portfolio_run_free). aInit (may be
 * NULL) is a plan to start from when it is feasible (the frontier hands
 * each step the plan of the smaller budget before it). */
int portfolio_run(const PortfolioProblem *p, const PortfolioOptions *opt, const int *aInit,
                  PortfolioRun *r, EngineError *pErr);
void portfolio_run_free(PortfolioRun *r);

/* Render a run as the report document (new reference, NULL on ENOMEM). */
json_t *portfolio_report(const PortfolioProblem *p, const PortfolioOptions *opt,
                         const PortfolioRun *r);

/* Monotonic clock in milliseconds. */
double portfolio_now_ms(void);

#endif
