/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The portfolio optimiser: which initiatives to fund and in which period
 * each starts, to maximise discounted expected value under every pool's
 * capacity in every period, with dependencies, mandatory items, mutually
 * exclusive alternatives, initiatives already under way, cloud GPU hours
 * bought out of the budget and an optional minimal-change term against a
 * previous plan. Pure computation (no I/O): callers hand it the planning
 * input as JSON (docs/plan.md; the format of ../shared/bench/portfolio_gen.py
 * plus the extras documented there) and get a JSON report back. The method
 * is a greedy start, the LP relaxation (GLPK simplex) for the bound, and a
 * large-neighbourhood search whose sub-problems GLPK's branch and bound
 * solves; see docs/plan.md. Safe to call from several threads at once (each
 * call has its own GLPK problems; GLPK's environment is thread-local): an
 * internal GLPK error is caught by an error hook and returned as
 * KEEL_EINTERNAL, never an abort; a solve stops at its time limit or when
 * the caller sets *pCancel from another thread. Each solve frees its
 * thread's GLPK environment when it ends, so no GLPK memory outlives a
 * call (callers must not keep GLPK objects of their own on that thread). */
#ifndef KEEL_ENGINE_PORTFOLIO_H
#define KEEL_ENGINE_PORTFOLIO_H
#include "engine/jspec.h"
#include <jansson.h>
#include <stdatomic.h>

/* A start that means "not funded" (starts of items under way may be
 * negative: they began before the first planning period). */
#define PORTFOLIO_UNFUNDED (-1000000)
/* Input limits (refused beyond): items, periods, pools. */
#define PORTFOLIO_MAX_ITEMS 20000
#define PORTFOLIO_MAX_PERIODS 120
#define PORTFOLIO_MAX_POOLS 200

/* One resource pool. */
typedef struct PortfolioPool {
    char *zId;         /* its key in the input, e.g. "gpu_hours" (owned) */
    double *aCap;      /* capacity per period [nPeriod], >= 0 (owned) */
    double cloudPrice; /* > 0: units beyond capacity may be bought at this
                        * price per unit out of pool iCloudPayer; 0: no */
    int iCloudPayer;   /* index of the paying (budget) pool, or -1 */
    double *aCloudMax; /* most units bought per period [nPeriod], or NULL
                        * for no limit (owned) */
} PortfolioPool;

/* One initiative. */
typedef struct PortfolioItem {
    char *zId;       /* its key in the input (owned) */
    double value;    /* expected value when started in period 0, >= 0 */
    int nDur;        /* duration in periods, >= 1 */
    double *aDemand; /* demand of pool p in the k-th period of its life at
                      * aDemand[p * nDur + k], >= 0 (owned) */
    int bMandatory;  /* must be funded */
    int bExcluded;   /* may not be funded (a scenario's "forced out") */
    int iFixed;      /* fixed start (under way, or forced to a period), may
                      * be negative; PORTFOLIO_UNFUNDED when free */
    int iPrev;       /* start in the previous plan, PORTFOLIO_UNFUNDED when
                      * it was not funded there (minimal-change term) */
    int *aDep;       /* indexes of the items it depends on (owned) */
    int nDep;
    int *aExcl; /* indexes of its exclusive alternatives, both
                 * directions, no duplicates (owned) */
    int nExcl;
} PortfolioItem;

/* A planning problem, as parsed and validated from the input JSON. */
typedef struct PortfolioProblem {
    int nPeriod;     /* T */
    char **azPeriod; /* period labels [nPeriod] (owned) */
    double discount; /* per period, in [0, 1), default 0.03 */
    int nPool;
    PortfolioPool *aPool; /* [nPool] (owned) */
    int nItem;
    PortfolioItem *aItem; /* [nItem] (owned) */
    int iBudget;          /* the budget pool (input "budget_pool", default
                           * the pool named "budget"), or -1 */
    int bPrev;            /* a previous plan was given */
    double changePenalty; /* value lost per initiative whose start differs
                           * from the previous plan */
} PortfolioProblem;

/* Methods, for benchmarks and comparisons; FULL is what users get. */
enum { PORTFOLIO_FULL = 0, PORTFOLIO_GREEDY = 1, PORTFOLIO_GLPK = 2 };

/* Options of a solve. Zeroed means the defaults. */
typedef struct PortfolioOptions {
    double timeLimit;          /* seconds of wall time; <= 0: 10 */
    const atomic_int *pCancel; /* stop as soon as *pCancel != 0 (may be NULL);
                                * the best plan found so far is returned */
    int method;                /* PORTFOLIO_FULL (default), _GREEDY, _GLPK */
    unsigned seed;             /* neighbourhood choice; 0 means 1 */
    int maxStale;              /* stop after this many neighbourhoods in a row
                                * without improvement; <= 0: 100 */
    int bNoReasons;            /* skip reasons and shadow prices (frontier) */
} PortfolioOptions;

/* Statuses of a result. */
enum {
    PORTFOLIO_OPTIMAL = 0,    /* proved optimal (value equals the bound) */
    PORTFOLIO_FEASIBLE = 1,   /* a feasible plan, gap reported */
    PORTFOLIO_INFEASIBLE = 2, /* no plan meets the mandatory items / the
                               * work under way: conflicts explained */
    PORTFOLIO_UNKNOWN = 3     /* stopped before any feasible plan was found */
};

/* Parse and validate planning input. On success *ppProb is a new problem
 * (free with portfolio_problem_free); on bad input returns KEEL_EINVAL with
 * pErr naming the field and what is wrong (negative capacity, unknown pool
 * or initiative, a dependency cycle named, duration beyond the horizon...).
 * Borrows input. KEEL_ENOMEM when memory runs out. */
int portfolio_problem_parse(const json_t *input, PortfolioProblem **ppProb, EngineError *pErr);

/* Free a problem (NULL is fine). */
void portfolio_problem_free(PortfolioProblem *pProb);

/* Solve a parsed problem and build the report (a new JSON object in
 * *pResult, owned by the caller; see docs/plan.md for its fields). opt may be
 * NULL for the defaults. Returns 0 (also when the problem is infeasible:
 * status "infeasible" with "conflicts"), KEEL_ENOMEM, or KEEL_EINTERNAL when
 * GLPK failed internally (pErr says so; the process goes on). */
int portfolio_solve(const PortfolioProblem *pProb, const PortfolioOptions *opt, json_t **pResult,
                    EngineError *pErr);

/* The entry point for the API and the CLI: parse input, solve, report.
 * Returns 0 with *pResult (new reference), or KEEL_EINVAL (bad input, pErr
 * names the field), KEEL_ENOMEM, KEEL_EINTERNAL; *pResult is NULL then. */
int portfolio_solve_json(const json_t *input, const PortfolioOptions *opt, json_t **pResult,
                         EngineError *pErr);

/* The value/budget frontier: solve with the budget pool's capacity scaled
 * by nStep factors evenly from 0.5 to 1.5 (nStep >= 2; each step gets
 * timeLimit / nStep seconds; each starts from the plan of the step before,
 * so the objective never falls as the budget grows). *pResult is
 * {"budget_pool", "points":[{"scale",
 * "budget","value","bound","gap","funded","status"}...]}. The input must
 * have a budget pool. Returns as portfolio_solve_json. */
int portfolio_frontier_json(const json_t *input, const PortfolioOptions *opt, int nStep,
                            json_t **pResult, EngineError *pErr);

/* Plan value of given starts (aStart[nItem], PORTFOLIO_UNFUNDED for none):
 * sum of value * (1 - discount)^max(start, 0) over funded items. */
double portfolio_plan_value(const PortfolioProblem *pProb, const int *aStart);

/* Check given starts against every constraint; returns 0 when feasible,
 * KEEL_ERULE with the first violation described in *pWhy (may be NULL), or
 * KEEL_ENOMEM. */
int portfolio_plan_check(const PortfolioProblem *pProb, const int *aStart, EngineError *pWhy);

/* Solve and return the plan's starts in aStart[nItem] (for tests): the
 * status through *pStatus, the objective through *pObj and the bound
 * through *pBound. Returns as portfolio_solve. */
int portfolio_solve_starts(const PortfolioProblem *pProb, const PortfolioOptions *opt, int *aStart,
                           int *pStatus, double *pObj, double *pBound, EngineError *pErr);

/* For tests: provoke an internal GLPK error under the error hook. Returns
 * KEEL_EINTERNAL when it was caught (the process goes on, and later solves
 * work), 0 if GLPK did not fail. */
int portfolio_glpk_selftest(void);

#endif
