/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The portfolio optimiser's solver, shared by its three files (see
 * portfolio_solve.c for the method): portfolio_greedy.c keeps the plan
 * (place, remove, loads), builds the greedy plan and improves it by local
 * search; portfolio_lp.c holds the GLPK model and what the LP and branch
 * and bound give (the bound, the LP-guided greedy, the dive, the
 * neighbourhoods); portfolio_solve.c runs the search and explains
 * infeasibility. Internal to engine/portfolio*.c. */
#ifndef KEEL_ENGINE_PORTFOLIO_SOLVER_H
#define KEEL_ENGINE_PORTFOLIO_SOLVER_H
#include "engine/portfolio_int.h"
#include <glpk.h>
#include <setjmp.h>
#include <stdint.h>

#define UNF PORTFOLIO_UNFUNDED
/* Branch-and-bound nodes per neighbourhood (a deterministic budget). */
#define PORTFOLIO_NODE_LIMIT 300
/* Up to this many free items the search is GLPK's branch and bound on the
 * whole problem (with cuts), its node budget doubling until it closes. */
#define PORTFOLIO_SMALL 40

/* Solver state. */
typedef struct Solver {
    const PortfolioProblem *p;
    const PortfolioOptions *opt;
    int n, T, nPool;
    int *aLo, *aHi; /* start window of each item (lo > hi: cannot start) */
    int *aFree;     /* 1: the solver decides it (not fixed, not excluded) */
    int *aMand;     /* 1: mandatory, or a predecessor of a mandatory item */
    double *aCoef;  /* objective gain of starting i in s: aCoef[i * T + s] */
    double base;    /* objective with every free item unfunded */
    double *aDens;  /* value density, for greedy orders */
    int *aTopo;     /* items in dependency order */
    int **aaSucc;   /* dependents of each item */
    int *anSucc;
    int *aStart;   /* current plan */
    double *aLoad; /* its loads, period-major */
    double obj;    /* its objective */
    int *aBest;    /* best plan */
    double bestObj;
    int bHaveBest;
    double t0, deadline;
    uint64_t rng;
    /* GLPK */
    jmp_buf jb;
    glp_prob *lp; /* the time-indexed model */
    glp_prob *el; /* the elastic model (infeasibility) */
    int *aCol;    /* first column of item i (columns aCol[i] .. + hi - lo), 0 none */
    int nCol;
    double *aLpX;  /* LP relaxation values by column [nCol + 1] */
    double *aHeur; /* incumbent handed to the branch and bound (borrowed) */
    int bHeurGiven;
    int nodeLimit;
    char *aMarg;        /* items whose LP reduced cost is nearest zero */
    int *aCapRow;       /* row of capacity (t, q), 0 none [T * nPool] */
    double *aCapRhs;    /* its right-hand side */
    int bTerminated;    /* the sub-MIP was cut short */
    char zGlpkMsg[160]; /* GLPK's last message line (its error text) */
} Solver;

/* xorshift64* random numbers, for neighbourhoods. */
uint64_t solver_rand(Solver *S);

/* Whether the search must stop now (deadline or cancel). */
int solver_stop(const Solver *S);

/* Whether free item i can start in s in the current plan. */
int solver_can_place(Solver *S, int i, int s);

/* Start free item i in s (the caller checked it fits). */
void solver_place(Solver *S, int i, int s);

/* Keep the current plan when it beats the best. */
void solver_keep(Solver *S);

/* Replace the current plan by aPlan (recomputing loads and objective). */
void solver_set_plan(Solver *S, const int *aPlan);

/* Sort the m items of aOrder by aKey descending, index ascending. */
void solver_sort_by_key(int *aOrder, int m, const double *aKey);

/* Items sorted by aKey descending into aOrder (free items only); returns
 * their count. */
int solver_sorted(Solver *S, const double *aKey, int *aOrder);

/* Add unfunded free items in aOrder[m] wherever they gain most; a few
 * passes so that dependents follow their predecessors. Returns how many
 * were added. */
int solver_fill(Solver *S, const int *aOrder, int m);

/* Place the mandatory closure in dependency order at earliest feasible
 * starts. Returns 1 when all were placed. */
int solver_place_mandatory(Solver *S);

/* Local search on the current plan: moves earlier, then one-out swaps
 * refilled by density, until no move improves (or the time is up). */
void solver_local(Solver *S, const int *aOrder, int m);

/* Free everything the solver owns (not GLPK problems). */
void solver_free(Solver *S);

/* Set up windows, gains, densities, the dependency order and the fixed
 * items' loads. Returns 0 or KEEL_ENOMEM. */
int solver_init(Solver *S);

/* GLPK's terminal hook: keep its last message (an error's text) in the
 * solver instead of printing it; returns 1 to suppress the output. */
int solver_term_hook(void *info, const char *z);

/* GLPK's error hook: leave the failing call for solver_glpk's setjmp. */
void solver_glpk_hook(void *info);

/* Build the time-indexed model into a new problem. Items in aUse (NULL:
 * every free item) with a non-empty window aLo..aHi get columns; those in
 * aMust (NULL: the mandatory closure) must start; aFix holds the loads of
 * everything else (period-major). bElastic adds a penalised slack to each
 * capacity row and minimises it (the infeasibility model). Returns the
 * problem (aCol: first column per item, 0 none; *pnCol item columns, the
 * cloud columns follow period-major) or NULL on ENOMEM. */
glp_prob *solver_build(Solver *S, const char *aUse, const char *aMust, const int *aLo,
                       const int *aHi, const double *aFix, int bElastic, int *aCol, int *aCapRow,
                       double *aCapRhs, int *pnCol);

/* Simplex on S->lp (warm start, quiet, time-limited); returns glp status. */
int solver_simplex(Solver *S, glp_prob *lp);

/* Branch-and-bound callback: hand over the incumbent, stop on the node
 * limit, the deadline or cancel. */
void solver_cb(glp_tree *tree, void *info);

/* Milliseconds left until S's deadline as a GLPK time limit (1 to 1e9). */
int solver_ms_left(const Solver *S);
/* GLPK branch-and-bound options for S: quiet, no presolve, solver_cb with
 * S, the time left until S's deadline as limit. */
void solver_iocp(Solver *S, glp_iocp *io);

/* Read a solution of model lp into plan aPlan (items with columns). */
void solver_cols_to_plan(Solver *S, glp_prob *lp, const int *aCol, const int *aLo, const int *aHi,
                         int *aPlan, int bMip);

/* Fix item i's columns to plan start s (UNF: all 0) or free them. */
void solver_fix_item(Solver *S, int i, int s, int bFree);

/* Choose the neighbourhood of step `it`: mark up to K items in aSel. */
void solver_neighbourhood(Solver *S, int it, int K, char *aSel, int *aCand);

/* One sub-MIP on the neighbourhood aSel: a new problem over the selected
 * items only, everything else held at the best plan (its loads subtracted
 * from capacity, its starts narrowing the selected items' windows).
 * Returns 1 when the plan improved; *pbClosed says whether the
 * sub-problem was solved to optimality. */
int solver_submip(Solver *S, const char *aSel, int bAll, int *aPlan, int *pbClosed);

/* LP diving on the full model (solved): fix the most decided fractional
 * fifth of the initiatives at their largest start and re-solve (dual
 * simplex, warm); when that is infeasible, fix only the most decided one,
 * or failing that ban its start. It stops when the LP is integral, at a
 * dead end or at msBudget. The last LP solution is then rounded: in
 * dependency order each initiative the LP starts at more than one half is
 * placed there if it fits, the rest are filled by density, and the local
 * search runs. Column bounds are left changed; later users reset them. */
void solver_dive(Solver *S, int *aOrder, double *aKey, double msBudget);

/* Mark the marginal items from the LP's capacity duals: the most decided
 * by the smallest |reduced cost| / value of their best start (a fifth of
 * the free items, at least 100). */
void solver_marginal(Solver *S);

/* The LP-guided greedy: items by LP weight, starts where the LP puts them. */
void solver_lp_greedy(Solver *S, int *aOrder, double *aKey);

#endif
