/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The portfolio optimiser's method. (1) A greedy plan at once: the mandatory
 * items and their predecessors in dependency order at their earliest
 * feasible start, then the rest by value density (discounted value per unit
 * of capacity used, each pool scaled by its mean capacity), then a local
 * search (add, move earlier, swap one out for others). (2) The LP
 * relaxation of the time-indexed model (GLPK simplex; dependencies in their
 * cumulative, tighter form) gives the bound, and an LP-guided greedy
 * (items by LP weight, starts where the LP puts them) a second plan, and an
 * LP dive (fix the most decided fractional items, re-solve with the dual
 * simplex, ban a start on infeasibility; round the end point) a third. (3) A
 * large-neighbourhood search: each step frees a few dozen initiatives (a
 * window of periods, a pool, LP disagreements, items marginal by the LP's
 * reduced costs),
 * holds the rest at the incumbent, and lets GLPK's branch and bound solve
 * that sub-problem from the incumbent with a node limit; the neighbourhood
 * grows when sub-problems close and shrinks when they do not. It stops at
 * the bound, after PortfolioOptions.maxStale steps without improvement, at
 * the time limit or on cancel. Mandatory work that cannot fit is explained
 * by an elastic model (capacity rows with penalised slack). GLPK errors
 * longjmp out of an error hook; the environment is then freed. */
#include "engine/portfolio_int.h"
#include "util/err.h"
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static uint64_t solver_rand(Solver *S) {
    S->rng ^= S->rng >> 12;
    S->rng ^= S->rng << 25;
    S->rng ^= S->rng >> 27;
    return S->rng * 2685821657736338717ULL;
}

/* Whether the search must stop now (deadline or cancel). */
static int solver_stop(const Solver *S) {
    if (S->opt->pCancel && atomic_load(S->opt->pCancel)) return 1;
    return portfolio_now_ms() >= S->deadline;
}

/* Whether free item i can start in s in the current plan. */
static int solver_can_place(Solver *S, int i, int s) {
    const PortfolioProblem *p = S->p;
    const PortfolioItem *it = &p->aItem[i];
    double aTmp[PORTFOLIO_MAX_POOLS];
    if (s < S->aLo[i] || s > S->aHi[i]) return 0;
    for (int k = 0; k < it->nDep; k++) {
        int j = it->aDep[k], sj = S->aStart[j];
        if (sj == UNF || sj + p->aItem[j].nDur > s) return 0;
    }
    for (int k = 0; k < S->anSucc[i]; k++) {
        int d = S->aaSucc[i][k];
        if (S->aFree[d] && S->aStart[d] != UNF && s + it->nDur > S->aStart[d]) return 0;
    }
    for (int k = 0; k < it->nExcl; k++)
        if (S->aStart[it->aExcl[k]] != UNF) return 0;
    for (int k = 0; k < it->nDur; k++) {
        int t = s + k;
        const double *aL = S->aLoad + (size_t)t * S->nPool;
        for (int q = 0; q < S->nPool; q++)
            aTmp[q] = aL[q] + it->aDemand[q * it->nDur + k];
        if (!portfolio_period_fits(p, t, aTmp, NULL, NULL)) return 0;
    }
    return 1;
}

/* Start free item i in s (the caller checked it fits). */
static void solver_place(Solver *S, int i, int s) {
    S->aStart[i] = s;
    portfolio_load_add(S->p, i, s, 1, S->aLoad);
    S->obj += S->aCoef[(size_t)i * S->T + s];
}

/* Unfund free item i. */
static void solver_remove(Solver *S, int i) {
    int s = S->aStart[i];
    portfolio_load_add(S->p, i, s, -1, S->aLoad);
    S->obj -= S->aCoef[(size_t)i * S->T + s];
    S->aStart[i] = UNF;
}

/* Whether funded free item i may be removed (not mandatory, no funded
 * free dependent). */
static int solver_can_remove(const Solver *S, int i) {
    if (S->aMand[i] || !S->aFree[i] || S->aStart[i] == UNF) return 0;
    for (int k = 0; k < S->anSucc[i]; k++) {
        int d = S->aaSucc[i][k];
        if (S->aFree[d] && S->aStart[d] != UNF) return 0;
    }
    return 1;
}

/* The feasible start of i with the largest gain (earliest on ties), or UNF. */
static int solver_best_start(Solver *S, int i) {
    int best = UNF;
    for (int s = S->aLo[i]; s <= S->aHi[i]; s++)
        if ((best == UNF || S->aCoef[(size_t)i * S->T + s] > S->aCoef[(size_t)i * S->T + best]) &&
            solver_can_place(S, i, s))
            best = s;
    return best;
}

/* Keep the current plan when it beats the best. */
static void solver_keep(Solver *S) {
    if (!S->bHaveBest || S->obj > S->bestObj + 1e-9 * (1 + fabs(S->bestObj))) {
        memcpy(S->aBest, S->aStart, sizeof(int) * (size_t)S->n);
        S->bestObj = S->obj;
        S->bHaveBest = 1;
    }
}

/* Replace the current plan by aPlan (recomputing loads and objective). */
static void solver_set_plan(Solver *S, const int *aPlan) {
    const PortfolioProblem *p = S->p;
    memset(S->aLoad, 0, sizeof(double) * (size_t)S->T * S->nPool);
    S->obj = S->base;
    for (int i = 0; i < S->n; i++) {
        S->aStart[i] = aPlan[i];
        if (aPlan[i] == UNF) continue;
        portfolio_load_add(p, i, aPlan[i], 1, S->aLoad);
        if (S->aFree[i]) S->obj += S->aCoef[(size_t)i * S->T + aPlan[i]];
    }
}

/* Keys for solver_cmp_key (qsort has no context argument in C11). */
static _Thread_local const double *t_aKey;

/* Order by key descending, index ascending. */
static int solver_cmp_key(const void *a, const void *b) {
    int i = *(const int *)a, j = *(const int *)b;
    if (t_aKey[i] != t_aKey[j]) return t_aKey[i] > t_aKey[j] ? -1 : 1;
    return i - j;
}

/* Items sorted by aKey descending into aOrder (free items only); returns
 * their count. */
static int solver_sorted(Solver *S, const double *aKey, int *aOrder) {
    int m = 0;
    for (int i = 0; i < S->n; i++)
        if (S->aFree[i]) aOrder[m++] = i;
    t_aKey = aKey;
    qsort(aOrder, (size_t)m, sizeof(int), solver_cmp_key);
    return m;
}

/* Add unfunded free items in aOrder[m] wherever they gain most; a few
 * passes so that dependents follow their predecessors. Returns how many
 * were added. */
static int solver_fill(Solver *S, const int *aOrder, int m) {
    int nAdd = 0;
    for (int pass = 0; pass < 3; pass++) {
        int nPass = 0;
        for (int k = 0; k < m; k++) {
            int i = aOrder[k];
            if (S->aStart[i] != UNF || S->aLo[i] > S->aHi[i]) continue;
            int s = solver_best_start(S, i);
            if (s != UNF && S->aCoef[(size_t)i * S->T + s] > 0) {
                solver_place(S, i, s);
                nPass++;
            }
        }
        nAdd += nPass;
        if (!nPass) break;
    }
    return nAdd;
}

/* Place the mandatory closure in dependency order at earliest feasible
 * starts. Returns 1 when all were placed. */
static int solver_place_mandatory(Solver *S) {
    for (int k = 0; k < S->n; k++) {
        int i = S->aTopo[k];
        if (!S->aMand[i] || !S->aFree[i] || S->aStart[i] != UNF) continue;
        int s;
        for (s = S->aLo[i]; s <= S->aHi[i]; s++)
            if (solver_can_place(S, i, s)) break;
        if (s > S->aHi[i]) return 0;
        solver_place(S, i, s);
    }
    return 1;
}

/* Local search on the current plan: moves earlier, then one-out swaps
 * refilled by density, until no move improves (or the time is up). */
static void solver_local(Solver *S, const int *aOrder, int m) {
    int *aAdded = malloc(sizeof(int) * (size_t)(m + 1));
    /* Swaps cost O(m^2): at most a fifth of the time left (only very large
     * portfolios reach this). */
    double end = portfolio_now_ms() + 0.2 * (S->deadline - portfolio_now_ms());
    if (!aAdded) return;
    for (int round = 0; round < 4 && !solver_stop(S); round++) {
        int bImproved = 0;
        solver_fill(S, aOrder, m);
        /* Move earlier (or to a start of larger gain). */
        for (int k = 0; k < m; k++) {
            int i = aOrder[k], s = S->aStart[i];
            if (s == UNF || !S->aFree[i]) continue;
            solver_remove(S, i);
            int b = solver_best_start(S, i);
            if (b == UNF) b = s;
            if (b != s) bImproved = 1;
            solver_place(S, i, b);
        }
        /* Swap: take one out (lowest density first), refill. */
        for (int k = m - 1; k >= 0 && !solver_stop(S) && portfolio_now_ms() < end; k--) {
            int i = aOrder[k], s = S->aStart[i], nAdded = 0;
            if (!solver_can_remove(S, i)) continue;
            double before = S->obj;
            solver_remove(S, i);
            for (int h = 0; h < m; h++) {
                int j = aOrder[h];
                if (j == i || S->aStart[j] != UNF || S->aLo[j] > S->aHi[j]) continue;
                int b = solver_best_start(S, j);
                if (b != UNF && S->aCoef[(size_t)j * S->T + b] > 0) {
                    solver_place(S, j, b);
                    aAdded[nAdded++] = j;
                }
            }
            if (S->obj > before + 1e-9 * (1 + fabs(before))) {
                bImproved = 1;
                continue;
            }
            while (nAdded > 0)
                solver_remove(S, aAdded[--nAdded]);
            solver_place(S, i, s);
        }
        solver_keep(S);
        if (!bImproved) break;
    }
    free(aAdded);
}

/* Free everything the solver owns (not GLPK problems). */
static void solver_free(Solver *S) {
    if (!S) return;
    free(S->aLo);
    free(S->aHi);
    free(S->aFree);
    free(S->aMand);
    free(S->aCoef);
    free(S->aDens);
    free(S->aTopo);
    for (int i = 0; i < S->n && S->aaSucc; i++)
        free(S->aaSucc[i]);
    free(S->aaSucc);
    free(S->anSucc);
    free(S->aStart);
    free(S->aLoad);
    free(S->aBest);
    free(S->aCol);
    free(S->aLpX);
    free(S->aCapRow);
    free(S->aMarg);
    free(S->aCapRhs);
    free(S);
}

/* Set up windows, gains, densities, the dependency order and the fixed
 * items' loads. Returns 0 or KEEL_ENOMEM. */
static int solver_init(Solver *S) {
    const PortfolioProblem *p = S->p;
    int n = S->n, T = S->T, nPool = S->nPool;
    S->aLo = calloc((size_t)n + 1, sizeof(int));
    S->aHi = calloc((size_t)n + 1, sizeof(int));
    S->aFree = calloc((size_t)n + 1, sizeof(int));
    S->aMand = calloc((size_t)n + 1, sizeof(int));
    S->aCoef = calloc((size_t)n * T + 1, sizeof(double));
    S->aDens = calloc((size_t)n + 1, sizeof(double));
    S->aTopo = calloc((size_t)n + 1, sizeof(int));
    S->aaSucc = calloc((size_t)n + 1, sizeof(int *));
    S->anSucc = calloc((size_t)n + 1, sizeof(int));
    S->aStart = calloc((size_t)n + 1, sizeof(int));
    S->aBest = calloc((size_t)n + 1, sizeof(int));
    S->aLoad = calloc((size_t)T * nPool + 1, sizeof(double));
    int *aIn = calloc((size_t)n + 1, sizeof(int));
    double aScale[PORTFOLIO_MAX_POOLS];
    if (!S->aLo || !S->aHi || !S->aFree || !S->aMand || !S->aCoef || !S->aDens || !S->aTopo ||
        !S->aaSucc || !S->anSucc || !S->aStart || !S->aBest || !S->aLoad || !aIn) {
        free(aIn);
        return KEEL_ENOMEM;
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < p->aItem[i].nDep; k++) {
            int j = p->aItem[i].aDep[k];
            int *a = realloc(S->aaSucc[j], sizeof(int) * ((size_t)S->anSucc[j] + 1));
            if (!a) {
                free(aIn);
                return KEEL_ENOMEM;
            }
            S->aaSucc[j] = a;
            a[S->anSucc[j]++] = i;
        }
    /* Kahn: predecessors first (the input has no cycles). */
    int head = 0, tail = 0;
    for (int i = 0; i < n; i++)
        if (!(aIn[i] = p->aItem[i].nDep)) S->aTopo[tail++] = i;
    while (head < tail) {
        int j = S->aTopo[head++];
        for (int k = 0; k < S->anSucc[j]; k++)
            if (--aIn[S->aaSucc[j][k]] == 0) S->aTopo[tail++] = S->aaSucc[j][k];
    }
    free(aIn);
    /* Windows in dependency order: a start no earlier than every
     * predecessor's earliest finish; impossible predecessors propagate. */
    for (int k = 0; k < n; k++) {
        int i = S->aTopo[k];
        const PortfolioItem *it = &p->aItem[i];
        if (it->iFixed != UNF) {
            S->aLo[i] = S->aHi[i] = it->iFixed;
            continue;
        }
        S->aFree[i] = !it->bExcluded;
        S->aLo[i] = 0;
        S->aHi[i] = it->bExcluded ? -1 : T - it->nDur;
        for (int d = 0; d < it->nDep; d++) {
            int j = it->aDep[d];
            if (S->aLo[j] > S->aHi[j]) S->aHi[i] = -1;
            if (S->aLo[j] + p->aItem[j].nDur > S->aLo[i]) S->aLo[i] = S->aLo[j] + p->aItem[j].nDur;
        }
    }
    /* An alternative to work under way cannot start (nor its dependents). */
    for (int k = 0; k < n; k++) {
        int i = S->aTopo[k];
        const PortfolioItem *it = &p->aItem[i];
        if (!S->aFree[i]) continue;
        for (int e = 0; e < it->nExcl; e++)
            if (p->aItem[it->aExcl[e]].iFixed != UNF) S->aHi[i] = -1;
        for (int d = 0; d < it->nDep; d++)
            if (S->aLo[it->aDep[d]] > S->aHi[it->aDep[d]]) S->aHi[i] = -1;
    }
    /* Mandatory closure, dependents before predecessors (reverse order). */
    for (int k = n - 1; k >= 0; k--) {
        int i = S->aTopo[k];
        if (p->aItem[i].bMandatory && S->aFree[i]) S->aMand[i] = 1;
        if (!S->aMand[i]) continue;
        for (int d = 0; d < p->aItem[i].nDep; d++)
            if (S->aFree[p->aItem[i].aDep[d]]) S->aMand[p->aItem[i].aDep[d]] = 1;
    }
    /* Gains with the minimal-change term, the base objective. */
    S->base = 0;
    for (int i = 0; i < n; i++) {
        const PortfolioItem *it = &p->aItem[i];
        double pen = p->bPrev ? p->changePenalty : 0;
        double fUnf = (p->bPrev && it->iPrev != UNF) ? -pen : 0;
        if (it->iFixed != UNF) {
            S->base += it->value * portfolio_discount(p, it->iFixed) -
                       (p->bPrev && it->iPrev != it->iFixed ? pen : 0);
            S->aStart[i] = it->iFixed;
            portfolio_load_add(p, i, it->iFixed, 1, S->aLoad);
            continue;
        }
        S->base += fUnf;
        S->aStart[i] = UNF;
        for (int s = 0; s < T; s++)
            S->aCoef[(size_t)i * T + s] = it->value * portfolio_discount(p, s) -
                                          (p->bPrev && it->iPrev != s ? pen : 0) - fUnf;
    }
    for (int q = 0; q < nPool; q++) {
        double m = 0;
        for (int t = 0; t < T; t++)
            m += p->aPool[q].aCap[t];
        aScale[q] = m / T > 1e-12 ? m / T : 1e-12;
    }
    for (int i = 0; i < n; i++) {
        const PortfolioItem *it = &p->aItem[i];
        double use = 1e-9;
        for (int q = 0; q < nPool; q++)
            for (int k = 0; k < it->nDur; k++)
                use += it->aDemand[q * it->nDur + k] / aScale[q];
        double g = S->aFree[i] && S->aLo[i] <= S->aHi[i] ? S->aCoef[(size_t)i * T + S->aLo[i]] : 0;
        S->aDens[i] = g / use;
    }
    S->obj = S->base;
    return 0;
}

/* ---- GLPK ------------------------------------------------------------ */

/* GLPK's terminal hook: keep its last message (an error's text) in the
 * solver instead of printing it; returns 1 to suppress the output. */
static int solver_term_hook(void *info, const char *z) {
    Solver *S = info;
    size_t n = strlen(S->zGlpkMsg);
    if (n > 0 && S->zGlpkMsg[n - 1] == '\n') n = 0;
    snprintf(S->zGlpkMsg + n, sizeof S->zGlpkMsg - n, "%s", z);
    return 1;
}

/* GLPK's error hook: leave the failing call for solver_glpk's setjmp. */
static void solver_glpk_hook(void *info) { longjmp(((Solver *)info)->jb, 1); }

/* A growable triplet list for glp_load_matrix (1-based). */
typedef struct Trip {
    int *ia, *ja;
    double *ar;
    int n, cap;
} Trip;

/* Append one entry; 0 or KEEL_ENOMEM. */
static int trip_add(Trip *m, int r, int c, double v) {
    if (m->n + 2 > m->cap) {
        int cap = m->cap ? m->cap * 2 : 4096;
        int *ia = realloc(m->ia, sizeof(int) * (size_t)cap), *ja;
        if (!ia) return KEEL_ENOMEM;
        m->ia = ia;
        if (!(ja = realloc(m->ja, sizeof(int) * (size_t)cap))) return KEEL_ENOMEM;
        m->ja = ja;
        double *ar = realloc(m->ar, sizeof(double) * (size_t)cap);
        if (!ar) return KEEL_ENOMEM;
        m->ar = ar;
        m->cap = cap;
    }
    m->n++;
    m->ia[m->n] = r;
    m->ja[m->n] = c;
    m->ar[m->n] = v;
    return 0;
}

/* Build the time-indexed model into a new problem. Items in aUse (NULL:
 * every free item) with a non-empty window aLo..aHi get columns; those in
 * aMust (NULL: the mandatory closure) must start; aFix holds the loads of
 * everything else (period-major). bElastic adds a penalised slack to each
 * capacity row and minimises it (the infeasibility model). Returns the
 * problem (aCol: first column per item, 0 none; *pnCol item columns, the
 * cloud columns follow period-major) or NULL on ENOMEM. */
static glp_prob *solver_build(Solver *S, const char *aUse, const char *aMust, const int *aLo,
                              const int *aHi, const double *aFix, int bElastic, int *aCol,
                              int *aCapRow, double *aCapRhs, int *pnCol) {
    const PortfolioProblem *p = S->p;
    int T = S->T, nPool = S->nPool, nCol = 0, rc = 0;
    Trip m = {0};
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, bElastic ? GLP_MIN : GLP_MAX);
    /* Item columns. */
    for (int i = 0; i < S->n; i++) {
        aCol[i] = 0;
        if (!S->aFree[i] || aLo[i] > aHi[i] || (aUse && !aUse[i])) continue;
        int w = aHi[i] - aLo[i] + 1;
        aCol[i] = glp_add_cols(lp, w);
        for (int s = aLo[i]; s <= aHi[i]; s++) {
            int c = aCol[i] + s - aLo[i];
            glp_set_col_kind(lp, c, GLP_BV);
            glp_set_obj_coef(lp, c, bElastic ? 0 : S->aCoef[(size_t)i * T + s]);
        }
        nCol += w;
        int r = glp_add_rows(lp, 1);
        for (int s = aLo[i]; s <= aHi[i] && !rc; s++)
            rc = trip_add(&m, r, aCol[i] + s - aLo[i], 1);
        if (aMust ? aMust[i] : S->aMand[i])
            glp_set_row_bnds(lp, r, GLP_FX, 1, 1);
        else
            glp_set_row_bnds(lp, r, GLP_UP, 0, 1);
    }
    /* Capacity rows, cloud columns. */
    for (int t = 0; t < T && !rc; t++)
        for (int q = 0; q < nPool; q++) {
            int r = glp_add_rows(lp, 1);
            aCapRow[t * nPool + q] = r;
            aCapRhs[t * nPool + q] = p->aPool[q].aCap[t] - aFix[t * nPool + q];
            glp_set_row_bnds(lp, r, GLP_UP, 0, aCapRhs[t * nPool + q]);
        }
    for (int i = 0; i < S->n && !rc; i++) {
        const PortfolioItem *it = &p->aItem[i];
        if (!aCol[i]) continue;
        for (int s = aLo[i]; s <= aHi[i] && !rc; s++)
            for (int k = 0; k < it->nDur && !rc; k++)
                for (int q = 0; q < nPool && !rc; q++) {
                    double d = it->aDemand[q * it->nDur + k];
                    if (d != 0)
                        rc = trip_add(&m, aCapRow[(s + k) * nPool + q], aCol[i] + s - aLo[i], d);
                }
    }
    for (int t = 0; t < T && !rc; t++)
        for (int q = 0; q < nPool && !rc; q++) {
            const PortfolioPool *pp = &p->aPool[q];
            if (pp->cloudPrice <= 0) continue;
            int c = glp_add_cols(lp, 1);
            if (pp->aCloudMax)
                glp_set_col_bnds(lp, c, pp->aCloudMax[t] > 0 ? GLP_DB : GLP_FX, 0,
                                 pp->aCloudMax[t]);
            else
                glp_set_col_bnds(lp, c, GLP_LO, 0, 0);
            rc = trip_add(&m, aCapRow[t * nPool + q], c, -1);
            if (!rc) rc = trip_add(&m, aCapRow[t * nPool + pp->iCloudPayer], c, pp->cloudPrice);
        }
    if (bElastic)
        for (int t = 0; t < T && !rc; t++)
            for (int q = 0; q < nPool && !rc; q++) {
                int c = glp_add_cols(lp, 1);
                glp_set_col_bnds(lp, c, GLP_LO, 0, 0);
                glp_set_obj_coef(lp, c, 1.0 / (1.0 + p->aPool[q].aCap[t]));
                rc = trip_add(&m, aCapRow[t * nPool + q], c, -1);
            }
    /* Dependencies, cumulative form: started by s <= predecessor finished by s. */
    for (int i = 0; i < S->n && !rc; i++) {
        const PortfolioItem *it = &p->aItem[i];
        if (!aCol[i]) continue;
        for (int d = 0; d < it->nDep && !rc; d++) {
            int j = it->aDep[d], dj = p->aItem[j].nDur;
            if (!aCol[j]) continue; /* fixed predecessor: in the window */
            for (int s = aLo[i]; s <= aHi[i] && !rc; s++) {
                int r = glp_add_rows(lp, 1);
                glp_set_row_bnds(lp, r, GLP_UP, 0, 0);
                for (int u = aLo[i]; u <= s && !rc; u++)
                    rc = trip_add(&m, r, aCol[i] + u - aLo[i], 1);
                for (int u = aLo[j]; u <= aHi[j] && u + dj <= s && !rc; u++)
                    rc = trip_add(&m, r, aCol[j] + u - aLo[j], -1);
            }
        }
    }
    /* Exclusive pairs (each once). */
    for (int i = 0; i < S->n && !rc; i++) {
        const PortfolioItem *it = &p->aItem[i];
        if (!aCol[i]) continue;
        for (int e = 0; e < it->nExcl && !rc; e++) {
            int j = it->aExcl[e];
            if (j < i || !aCol[j]) continue;
            int r = glp_add_rows(lp, 1);
            glp_set_row_bnds(lp, r, GLP_UP, 0, 1);
            for (int u = aLo[i]; u <= aHi[i] && !rc; u++)
                rc = trip_add(&m, r, aCol[i] + u - aLo[i], 1);
            for (int u = aLo[j]; u <= aHi[j] && !rc; u++)
                rc = trip_add(&m, r, aCol[j] + u - aLo[j], 1);
        }
    }
    if (!rc) glp_load_matrix(lp, m.n, m.ia, m.ja, m.ar);
    free(m.ia);
    free(m.ja);
    free(m.ar);
    *pnCol = nCol;
    if (rc) {
        glp_delete_prob(lp);
        return NULL;
    }
    return lp;
}

/* Simplex on S->lp (warm start, quiet, time-limited); returns glp status. */
static int solver_simplex(Solver *S, glp_prob *lp) {
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    double left = S->deadline - portfolio_now_ms();
    sm.tm_lim = left < 1 ? 1 : (left > 1e9 ? 1000000000 : (int)left);
    int rc = glp_simplex(lp, &sm);
    if (rc != 0 && rc != GLP_ETMLIM) {
        glp_std_basis(lp);
        rc = glp_simplex(lp, &sm);
    }
    return rc == 0 ? glp_get_status(lp) : GLP_UNDEF;
}

/* Branch-and-bound callback: hand over the incumbent, stop on the node
 * limit, the deadline or cancel. */
static void solver_cb(glp_tree *tree, void *info) {
    Solver *S = info;
    int a, nl, tot;
    if (glp_ios_reason(tree) == GLP_IHEUR && !S->bHeurGiven && S->aHeur) {
        S->bHeurGiven = 1;
        glp_ios_heur_sol(tree, S->aHeur);
    }
    glp_ios_tree_size(tree, &a, &nl, &tot);
    if ((S->nodeLimit > 0 && tot > S->nodeLimit) || solver_stop(S)) {
        S->bTerminated = 1;
        glp_ios_terminate(tree);
    }
}

/* Column values of plan aPlan in model lp (item columns aCol over windows
 * aLo, nItemCol of them, then cloud columns) into aX (1-based). */
static void solver_plan_to_cols(Solver *S, glp_prob *lp, const int *aCol, const int *aLo,
                                int nItemCol, const int *aPlan, double *aX) {
    const PortfolioProblem *p = S->p;
    int nc = glp_get_num_cols(lp);
    double aCloud[PORTFOLIO_MAX_POOLS];
    for (int c = 1; c <= nc; c++)
        aX[c] = 0;
    for (int i = 0; i < S->n; i++)
        if (aCol[i] && aPlan[i] != UNF) aX[aCol[i] + aPlan[i] - aLo[i]] = 1;
    int c = nItemCol;
    double *aLoad = calloc((size_t)S->T * S->nPool + 1, sizeof(double));
    if (!aLoad) return;
    for (int i = 0; i < S->n; i++)
        if (aPlan[i] != UNF) portfolio_load_add(p, i, aPlan[i], 1, aLoad);
    for (int t = 0; t < S->T; t++) {
        portfolio_period_fits(p, t, aLoad + (size_t)t * S->nPool, aCloud, NULL);
        for (int q = 0; q < S->nPool; q++)
            if (p->aPool[q].cloudPrice > 0 && c < nc) aX[++c] = aCloud[q];
    }
    free(aLoad);
}

/* Read a solution of model lp into plan aPlan (items with columns). */
static void solver_cols_to_plan(Solver *S, glp_prob *lp, const int *aCol, const int *aLo,
                                const int *aHi, int *aPlan, int bMip) {
    for (int i = 0; i < S->n; i++) {
        if (!aCol[i]) continue;
        aPlan[i] = UNF;
        for (int s = aLo[i]; s <= aHi[i]; s++) {
            double x = bMip ? glp_mip_col_val(lp, aCol[i] + s - aLo[i])
                            : glp_get_col_prim(lp, aCol[i] + s - aLo[i]);
            if (x > 0.5) aPlan[i] = s;
        }
    }
}

/* Fix item i's columns to plan start s (UNF: all 0) or free them. */
static void solver_fix_item(Solver *S, int i, int s, int bFree) {
    for (int u = S->aLo[i]; u <= S->aHi[i]; u++) {
        int c = S->aCol[i] + u - S->aLo[i];
        if (bFree)
            glp_set_col_bnds(S->lp, c, GLP_DB, 0, 1);
        else
            glp_set_col_bnds(S->lp, c, GLP_FX, u == s ? 1 : 0, u == s ? 1 : 0);
    }
}

/* Choose the neighbourhood of step `it`: mark up to K items in aSel. */
static void solver_neighbourhood(Solver *S, int it, int K, char *aSel, int *aCand) {
    const PortfolioProblem *p = S->p;
    int nCand = 0, kind = it % 5, t0 = (int)(solver_rand(S) % (uint64_t)S->T);
    int q0 = (int)(solver_rand(S) % (uint64_t)S->nPool);
    memset(aSel, 0, (size_t)S->n);
    for (int i = 0; i < S->n; i++) {
        if (!S->aCol[i]) continue;
        int s = S->aBest[i], ok = 0;
        if (kind == 0) { /* LP disagreement */
            for (int u = S->aLo[i]; u <= S->aHi[i] && !ok; u++) {
                double x = S->aLpX[S->aCol[i] + u - S->aLo[i]];
                ok = fabs(x - (u == s ? 1 : 0)) > 1e-6;
            }
        } else if (kind == 1) { /* a window of periods */
            int lo = s == UNF ? S->aLo[i] : s,
                hi = s == UNF ? S->aHi[i] + p->aItem[i].nDur - 1 : s + p->aItem[i].nDur - 1;
            ok = lo <= t0 + 1 && hi >= t0;
        } else if (kind == 2) { /* a pool */
            for (int k = 0; k < p->aItem[i].nDur && !ok; k++)
                ok = p->aItem[i].aDemand[q0 * p->aItem[i].nDur + k] > 0;
        } else if (kind == 3) { /* marginal by LP reduced cost */
            ok = S->aMarg ? S->aMarg[i] : 1;
        } else { /* marginal and around a period */
            int lo = s == UNF ? S->aLo[i] : s,
                hi = s == UNF ? S->aHi[i] + p->aItem[i].nDur - 1 : s + p->aItem[i].nDur - 1;
            ok = (S->aMarg ? S->aMarg[i] : 1) && lo <= t0 + 2 && hi >= t0 - 1;
        }
        if (ok) aCand[nCand++] = i;
    }

    /* Random K of the candidates (partial Fisher-Yates); top up at random. */
    for (int k = 0; k < nCand && k < K; k++) {
        int j = k + (int)(solver_rand(S) % (uint64_t)(nCand - k));
        int tmp = aCand[k];
        aCand[k] = aCand[j];
        aCand[j] = tmp;
        aSel[aCand[k]] = 1;
    }
    int got = nCand < K ? nCand : K;
    for (int tries = 0; got < K && tries < 4 * K; tries++) {
        int i = (int)(solver_rand(S) % (uint64_t)S->n);
        if (S->aCol[i] && !aSel[i]) {
            aSel[i] = 1;
            got++;
        }
    }
    /* Free the dependency neighbours of selected items too, so moves stay possible. */
    for (int i = 0; i < S->n; i++)
        if (aSel[i] == 1)
            for (int d = 0; d < p->aItem[i].nDep; d++)
                if (S->aCol[p->aItem[i].aDep[d]] && !aSel[p->aItem[i].aDep[d]])
                    aSel[p->aItem[i].aDep[d]] = 2;
}

/* One sub-MIP on the neighbourhood aSel: a new problem over the selected
 * items only, everything else held at the best plan (its loads subtracted
 * from capacity, its starts narrowing the selected items' windows).
 * Returns 1 when the plan improved; *pbClosed says whether the
 * sub-problem was solved to optimality. */
static int solver_submip(Solver *S, const char *aSel, int bAll, int *aPlan, int *pbClosed) {
    const PortfolioProblem *p = S->p;
    int n = S->n, T = S->T, nPool = S->nPool, improved = 0, nItemCol = 0;
    int *aLo = malloc(sizeof(int) * (size_t)n), *aHi = malloc(sizeof(int) * (size_t)n);
    int *aCol = calloc((size_t)n, sizeof(int)), *aRow = calloc((size_t)T * nPool, sizeof(int));
    char *aMust = calloc((size_t)n, 1);
    double *aFix = calloc((size_t)T * nPool, sizeof(double)),
           *aRhs = calloc((size_t)T * nPool, sizeof(double));
    double *aX = NULL;
    glp_prob *lp = NULL;
    *pbClosed = 0;
    if (!aLo || !aHi || !aCol || !aRow || !aMust || !aFix || !aRhs) goto done;
    for (int i = 0; i < n; i++) {
        aLo[i] = S->aLo[i];
        aHi[i] = S->aHi[i];
        if (aSel[i]) continue;
        if (S->aBest[i] != UNF) portfolio_load_add(p, i, S->aBest[i], 1, aFix);
    }
    for (int i = 0; i < n; i++) {
        const PortfolioItem *it = &p->aItem[i];
        if (!aSel[i]) continue;
        aMust[i] = (char)S->aMand[i];
        for (int d = 0; d < it->nDep; d++) {
            int j = it->aDep[d];
            if (aSel[j]) continue;
            if (S->aBest[j] == UNF)
                aHi[i] = aLo[i] - 1;
            else if (S->aBest[j] + p->aItem[j].nDur > aLo[i])
                aLo[i] = S->aBest[j] + p->aItem[j].nDur;
        }
        for (int k = 0; k < S->anSucc[i]; k++) {
            int d = S->aaSucc[i][k];
            if (aSel[d] || !S->aFree[d] || S->aBest[d] == UNF) continue;
            aMust[i] = 1;
            if (S->aBest[d] - it->nDur < aHi[i]) aHi[i] = S->aBest[d] - it->nDur;
        }
        for (int e = 0; e < it->nExcl; e++)
            if (!aSel[it->aExcl[e]] && S->aBest[it->aExcl[e]] != UNF) aHi[i] = aLo[i] - 1;
    }
    lp = solver_build(S, aSel, aMust, aLo, aHi, aFix, 0, aCol, aRow, aRhs, &nItemCol);
    if (!lp) goto done;
    aX = calloc((size_t)glp_get_num_cols(lp) + 2, sizeof(double));
    if (!aX) goto done;
    glp_adv_basis(lp, 0);
    if (solver_simplex(S, lp) != GLP_OPT) goto done;
    /* Objective of the sub-problem's fixed part. */
    double fixedObj = S->bestObj;
    for (int i = 0; i < n; i++)
        if (aSel[i] && S->aBest[i] != UNF && S->aFree[i])
            fixedObj -= S->aCoef[(size_t)i * T + S->aBest[i]];
    if (fixedObj + glp_get_obj_val(lp) <= S->bestObj + 1e-9 * (1 + fabs(S->bestObj))) {
        *pbClosed = 1;
        goto done;
    }
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    io.presolve = GLP_OFF;
    io.cb_func = solver_cb;
    io.cb_info = S;
    if (bAll) io.mir_cuts = io.cov_cuts = io.clq_cuts = GLP_ON;
    double left = S->deadline - portfolio_now_ms();
    io.tm_lim = left < 1 ? 1 : (left > 1e9 ? 1000000000 : (int)left);
    solver_plan_to_cols(S, lp, aCol, aLo, nItemCol, S->aBest, aX);
    S->aHeur = aX;
    S->bHeurGiven = 0;
    S->bTerminated = 0;
    int rc = glp_intopt(lp, &io);
    S->aHeur = NULL;
    int st = glp_mip_status(lp);
    if ((rc == 0 || rc == GLP_ESTOP || rc == GLP_ETMLIM) && (st == GLP_OPT || st == GLP_FEAS)) {
        memcpy(aPlan, S->aBest, sizeof(int) * (size_t)n);
        solver_cols_to_plan(S, lp, aCol, aLo, aHi, aPlan, 1);
        if (!portfolio_plan_check(p, aPlan, NULL)) {
            solver_set_plan(S, aPlan);
            double before = S->bestObj;
            solver_keep(S);
            improved = S->bestObj > before + 1e-9 * (1 + fabs(before));
        }
    }
    *pbClosed = rc == 0 && !S->bTerminated && st == GLP_OPT;
done:
    if (lp) glp_delete_prob(lp);
    free(aLo);
    free(aHi);
    free(aCol);
    free(aRow);
    free(aMust);
    free(aFix);
    free(aRhs);
    free(aX);
    return improved;
}

/* Release item i's columns in a dive: [0, 1] except the banned ones. */
static void solver_dive_release(Solver *S, int i, const char *aBan) {
    for (int u = S->aLo[i]; u <= S->aHi[i]; u++) {
        int c = S->aCol[i] + u - S->aLo[i];
        glp_set_col_bnds(S->lp, c, aBan[c] ? GLP_FX : GLP_DB, 0, aBan[c] ? 0 : 1);
    }
}

/* LP diving on the full model (solved): fix the most decided fractional
 * fifth of the initiatives at their largest start and re-solve (dual
 * simplex, warm); when that is infeasible, fix only the most decided one,
 * or failing that ban its start. It stops when the LP is integral, at a
 * dead end or at msBudget. The last LP solution is then rounded: in
 * dependency order each initiative the LP starts at more than one half is
 * placed there if it fits, the rest are filled by density, and the local
 * search runs. Column bounds are left changed; later users reset them. */
static void solver_dive(Solver *S, int *aOrder, double *aKey, double msBudget) {
    int n = S->n, nc = glp_get_num_cols(S->lp), *aPick = malloc(sizeof(int) * ((size_t)n + 1));
    int *aPlan = calloc((size_t)n + 1, sizeof(int));
    char *aFix = calloc((size_t)n + 1, 1), *aBan = calloc((size_t)nc + 2, 1);
    double *aX = malloc(sizeof(double) * ((size_t)nc + 2)), end = portfolio_now_ms() + msBudget;
    glp_smcp sm;
    if (!aFix || !aPick || !aBan || !aX || !aPlan) goto done;
    for (int c = 1; c <= nc; c++)
        aX[c] = glp_get_col_prim(S->lp, c);
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.meth = GLP_DUALP;
    for (int round = 0; round < 4 * n + 10 && !solver_stop(S) && portfolio_now_ms() < end;
         round++) {
        int rc, nFrac = 0;
        for (int i = 0; i < n; i++) {
            aKey[i] = 0;
            aPick[i] = UNF;
            if (!S->aCol[i] || aFix[i]) continue;
            double sum = 0, best = 0;
            for (int u = S->aLo[i]; u <= S->aHi[i]; u++) {
                double x = aX[S->aCol[i] + u - S->aLo[i]];
                sum += x;
                if (x > best) {
                    best = x;
                    aPick[i] = u;
                }
            }
            if (best < 1 - 1e-9 && sum > 1e-9) {
                aKey[i] = best;
                aOrder[nFrac++] = i;
            }
        }
        if (nFrac == 0) break;
        t_aKey = aKey;
        qsort(aOrder, (size_t)nFrac, sizeof(int), solver_cmp_key);
        int k = nFrac / 5 + 1, i0 = aOrder[0];
        double left = S->deadline - portfolio_now_ms();
        sm.tm_lim = left < 1 ? 1 : (int)left;
        for (int m = 0; m < k; m++)
            solver_fix_item(S, aOrder[m], aPick[aOrder[m]], 0);
        rc = glp_simplex(S->lp, &sm);
        if (rc == 0 && glp_get_status(S->lp) == GLP_OPT) {
            for (int m = 0; m < k; m++)
                aFix[aOrder[m]] = 1;
        } else {
            for (int m = 1; m < k; m++)
                solver_dive_release(S, aOrder[m], aBan);
            rc = k > 1 ? glp_simplex(S->lp, &sm) : -1;
            if (rc == 0 && glp_get_status(S->lp) == GLP_OPT) {
                aFix[i0] = 1;
            } else {
                int c0 = S->aCol[i0] + aPick[i0] - S->aLo[i0];
                aBan[c0] = 1;
                solver_dive_release(S, i0, aBan);
                rc = glp_simplex(S->lp, &sm);
                if (rc != 0 || glp_get_status(S->lp) != GLP_OPT) break; /* dead end */
            }
        }
        for (int c = 1; c <= nc; c++)
            aX[c] = glp_get_col_prim(S->lp, c);
    }
    /* Round the last LP solution: its starts above one half, when they
     * pass the checks; else placed in dependency order where they fit. */
    for (int i = 0; i < n; i++) {
        aPlan[i] = S->aFree[i] ? UNF : S->aStart[i];
        if (!S->aCol[i]) continue;
        for (int u = S->aLo[i]; u <= S->aHi[i]; u++)
            if (aX[S->aCol[i] + u - S->aLo[i]] > 0.5) aPlan[i] = u;
    }
    if (portfolio_plan_check(S->p, aPlan, NULL) == 0) {
        solver_set_plan(S, aPlan);
    } else {
        for (int i = 0; i < n; i++)
            aPlan[i] = S->aFree[i] ? UNF : S->aStart[i];
        solver_set_plan(S, aPlan);
        for (int k = 0; k < n; k++) {
            int i = S->aTopo[k];
            if (!S->aCol[i] || S->aStart[i] != UNF) continue;
            for (int u = S->aLo[i]; u <= S->aHi[i]; u++)
                if (aX[S->aCol[i] + u - S->aLo[i]] > 0.5 && solver_can_place(S, i, u)) {
                    solver_place(S, i, u);
                    break;
                }
        }
        if (!solver_place_mandatory(S)) goto done;
    }
    int m = solver_sorted(S, S->aDens, aOrder);
    solver_fill(S, aOrder, m);
    solver_keep(S);
    solver_local(S, aOrder, m);
    solver_keep(S);
done:
    if (S->bHaveBest) solver_set_plan(S, S->aBest);
    free(aFix);
    free(aPlan);
    free(aPick);
    free(aBan);
    free(aX);
}

/* Mark the marginal items from the LP's capacity duals: the most decided
 * by the smallest |reduced cost| / value of their best start (a fifth of
 * the free items, at least 100). */
static void solver_marginal(Solver *S) {
    const PortfolioProblem *p = S->p;
    int n = S->n, T = S->T, nPool = S->nPool, m = 0;
    double *aDual = malloc(sizeof(double) * ((size_t)T * nPool + 1)),
           *aKey = malloc(sizeof(double) * ((size_t)n + 1));
    int *aOrd = malloc(sizeof(int) * ((size_t)n + 1));
    S->aMarg = calloc((size_t)n + 1, 1);
    if (!aDual || !aKey || !aOrd || !S->aMarg) goto done;
    for (int k = 0; k < T * nPool; k++)
        aDual[k] = glp_get_row_dual(S->lp, S->aCapRow[k]);
    for (int i = 0; i < n; i++) {
        const PortfolioItem *it = &p->aItem[i];
        if (!S->aCol[i]) continue;
        double best = -HUGE_VAL;
        for (int s = S->aLo[i]; s <= S->aHi[i]; s++) {
            double rc = S->aCoef[(size_t)i * T + s];
            for (int k = 0; k < it->nDur; k++)
                for (int q = 0; q < nPool; q++)
                    rc -= aDual[(s + k) * nPool + q] * it->aDemand[q * it->nDur + k];
            if (rc > best) best = rc;
        }
        aKey[i] = -fabs(best) / (it->value + 1e-9);
        aOrd[m++] = i;
    }
    t_aKey = aKey;
    qsort(aOrd, (size_t)m, sizeof(int), solver_cmp_key);
    int nMark = m / 5 > 100 ? m / 5 : 100;
    for (int k = 0; k < m && k < nMark; k++)
        S->aMarg[aOrd[k]] = 1;
done:
    free(aDual);
    free(aKey);
    free(aOrd);
}

/* The LP-guided greedy: items by LP weight, starts where the LP puts them. */
static void solver_lp_greedy(Solver *S, int *aOrder, double *aKey) {
    int *aPlan = malloc(sizeof(int) * (size_t)S->n);
    if (!aPlan) return;
    memcpy(aPlan, S->aStart, sizeof(int) * (size_t)S->n);
    for (int i = 0; i < S->n; i++) {
        aKey[i] = 0;
        if (!S->aCol[i]) continue;
        for (int s = S->aLo[i]; s <= S->aHi[i]; s++)
            aKey[i] += S->aLpX[S->aCol[i] + s - S->aLo[i]];
        aKey[i] += 1e-6 * S->aDens[i] / (1 + fabs(S->aDens[i]));
        if (!S->aMand[i]) aPlan[i] = UNF;
    }
    solver_set_plan(S, aPlan);
    int m = solver_sorted(S, aKey, aOrder);
    for (int k = 0; k < m; k++) {
        int i = aOrder[k], best = UNF;
        if (S->aStart[i] != UNF || !S->aCol[i]) continue;
        double bx = 1e-6;
        for (int s = S->aLo[i]; s <= S->aHi[i]; s++) {
            double x = S->aLpX[S->aCol[i] + s - S->aLo[i]];
            if (x > bx && solver_can_place(S, i, s)) {
                bx = x;
                best = s;
            }
        }
        if (best != UNF && S->aCoef[(size_t)i * S->T + best] > 0) solver_place(S, i, best);
    }
    solver_keep(S);
    m = solver_sorted(S, S->aDens, aOrder);
    solver_local(S, aOrder, m);
    free(aPlan);
}

/* Explain infeasible mandatory work with the elastic model: the capacity
 * rows that must be exceeded, with the items running there. Fills
 * r->conflicts; returns 1 when infeasibility is proved, 0 when the model
 * found a placement (copied into the current plan), -1 when unknown. */
static int solver_elastic(Solver *S, PortfolioRun *r) {
    const PortfolioProblem *p = S->p;
    int nCol, T = S->T, nPool = S->nPool, res = -1;
    int *aCol = calloc((size_t)S->n + 1, sizeof(int)),
        *aRow = calloc((size_t)T * nPool + 1, sizeof(int));
    double *aRhs = calloc((size_t)T * nPool + 1, sizeof(double));
    if (!aCol || !aRow || !aRhs) goto done;
    char *aUse = calloc((size_t)S->n + 1, 1);
    double *aFix = calloc((size_t)T * nPool + 1, sizeof(double));
    if (!aUse || !aFix) {
        free(aUse);
        free(aFix);
        goto done;
    }
    for (int i = 0; i < S->n; i++) {
        aUse[i] = (char)S->aMand[i];
        if (p->aItem[i].iFixed != UNF) portfolio_load_add(p, i, p->aItem[i].iFixed, 1, aFix);
    }
    S->el = solver_build(S, aUse, aUse, S->aLo, S->aHi, aFix, 1, aCol, aRow, aRhs, &nCol);
    free(aUse);
    free(aFix);
    if (!S->el) goto done;
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    io.presolve = GLP_ON;
    double left = S->deadline - portfolio_now_ms();
    io.tm_lim = left < 1 ? 1 : (left > 1e9 ? 1000000000 : (int)left);
    int rc = glp_intopt(S->el, &io), st = glp_mip_status(S->el);
    if (rc != 0 && rc != GLP_ETMLIM) goto done;
    if (st != GLP_OPT && st != GLP_FEAS) goto done;
    double z = glp_mip_obj_val(S->el);
    if (z <= 1e-7) {
        for (int i = 0; i < S->n; i++) {
            if (!aCol[i]) continue;
            for (int s = S->aLo[i]; s <= S->aHi[i]; s++)
                if (glp_mip_col_val(S->el, aCol[i] + s - S->aLo[i]) > 0.5) solver_place(S, i, s);
        }
        res = 0;
        goto done;
    }
    /* Slack columns are the last T * nPool columns. */
    int c0 = glp_get_num_cols(S->el) - T * nPool;
    for (int t = 0; t < T; t++)
        for (int q = 0; q < nPool; q++) {
            double u = glp_mip_col_val(S->el, c0 + 1 + t * nPool + q);
            if (u <= 1e-7 * (1 + p->aPool[q].aCap[t])) continue;
            json_t *o = json_object(), *ids = json_array();
            char zMsg[300];
            for (int i = 0; i < S->n; i++) {
                int s = UNF;
                if (p->aItem[i].iFixed != UNF)
                    s = p->aItem[i].iFixed;
                else if (aCol[i])
                    for (int v = S->aLo[i]; v <= S->aHi[i]; v++)
                        if (glp_mip_col_val(S->el, aCol[i] + v - S->aLo[i]) > 0.5) s = v;
                if (s == UNF || t < s || t >= s + p->aItem[i].nDur) continue;
                if (p->aItem[i].aDemand[q * p->aItem[i].nDur + t - s] > 0)
                    json_array_append_new(ids, json_string(p->aItem[i].zId));
            }
            snprintf(zMsg, sizeof zMsg,
                     "pool '%s' in %s: the mandatory and under-way initiatives need at least "
                     "%.6g more than its capacity %.6g",
                     p->aPool[q].zId, p->azPeriod[t], u, p->aPool[q].aCap[t]);
            json_object_set_new(o, "constraint", json_string("capacity"));
            json_object_set_new(o, "pool", json_string(p->aPool[q].zId));
            json_object_set_new(o, "period", json_string(p->azPeriod[t]));
            json_object_set_new(o, "capacity", json_real(p->aPool[q].aCap[t]));
            json_object_set_new(o, "short", json_real(u));
            json_object_set_new(o, "initiatives", ids);
            json_object_set_new(o, "message", json_string(zMsg));
            json_array_append_new(r->conflicts, o);
        }
    res = st == GLP_OPT ? 1 : -1;
done:
    if (S->el) glp_delete_prob(S->el);
    S->el = NULL;
    free(aCol);
    free(aRow);
    free(aRhs);
    return res;
}

/* Logical conflicts of the mandatory closure (no capacity involved):
 * impossible windows, exclusive pairs, excluded predecessors. Appends to
 * r->conflicts; returns how many. */
static int solver_logic_conflicts(Solver *S, PortfolioRun *r) {
    const PortfolioProblem *p = S->p;
    int nConf = 0;
    char zMsg[300];
    for (int i = 0; i < S->n; i++) {
        const PortfolioItem *it = &p->aItem[i];
        if (!it->bMandatory || it->iFixed != UNF) continue;
        json_t *o = NULL;
        int bExclFixed = 0;
        for (int e = 0; e < it->nExcl; e++)
            bExclFixed |= p->aItem[it->aExcl[e]].iFixed != UNF;
        if (S->aLo[i] > S->aHi[i] && !bExclFixed) {
            int j = -1;
            for (int d = 0; d < it->nDep; d++)
                if (p->aItem[it->aDep[d]].bExcluded) j = it->aDep[d];
            if (j >= 0)
                snprintf(zMsg, sizeof zMsg, "mandatory '%s' depends on '%s', which is excluded",
                         it->zId, p->aItem[j].zId);
            else
                snprintf(zMsg, sizeof zMsg,
                         "mandatory '%s' (%d periods) cannot finish within the horizon after "
                         "its predecessors: the earliest start is period %d of %d",
                         it->zId, it->nDur, S->aLo[i] + 1, S->T);
            o = json_pack("{s:s,s:[s],s:s}", "constraint", j >= 0 ? "excluded" : "dependency",
                          "initiatives", it->zId, "message", zMsg);
        }
        if (o) {
            json_array_append_new(r->conflicts, o);
            nConf++;
        }
    }
    for (int i = 0; i < S->n; i++)
        for (int e = 0; e < p->aItem[i].nExcl; e++) {
            int j = p->aItem[i].aExcl[e];
            int mi = S->aMand[i] || p->aItem[i].iFixed != UNF;
            int mj = S->aMand[j] || p->aItem[j].iFixed != UNF;
            if (j < i || !mi || !mj) continue;
            snprintf(zMsg, sizeof zMsg,
                     "'%s' and '%s' are mutually exclusive but both must be funded (mandatory, a "
                     "predecessor of one, or under way)",
                     p->aItem[i].zId, p->aItem[j].zId);
            json_array_append_new(r->conflicts,
                                  json_pack("{s:s,s:[s,s],s:s}", "constraint", "exclusive",
                                            "initiatives", p->aItem[i].zId, p->aItem[j].zId,
                                            "message", zMsg));
            nConf++;
        }
    return nConf;
}

/* Shadow prices: the LP with the plan's funded starts fixed at 1 and the
 * unfunded items relaxed; duals of the capacity rows. */
static void solver_shadow(Solver *S, PortfolioRun *r) {
    int T = S->T, nPool = S->nPool;
    for (int i = 0; i < S->n; i++)
        if (S->aCol[i]) solver_fix_item(S, i, S->aBest[i], S->aBest[i] == UNF);
    if (solver_simplex(S, S->lp) != GLP_OPT) return;
    r->aShadow = calloc((size_t)T * nPool + 1, sizeof(double));
    if (!r->aShadow) return;
    for (int k = 0; k < T * nPool; k++) {
        double d = glp_get_row_dual(S->lp, S->aCapRow[k]);
        r->aShadow[k] = fabs(d) < 1e-9 ? 0 : d;
    }
}

/* Everything that calls GLPK, under the error hook's setjmp in
 * solver_glpk. Returns 0 or KEEL_ENOMEM. */
static int solver_glpk_work(Solver *S, PortfolioRun *r, int *aOrder, double *aKey) {
    int rc = 0, nc;
    glp_term_out(GLP_OFF);
    S->aCol = calloc((size_t)S->n + 1, sizeof(int));
    S->aCapRow = calloc((size_t)S->T * S->nPool + 1, sizeof(int));
    S->aCapRhs = calloc((size_t)S->T * S->nPool + 1, sizeof(double));
    if (!S->aCol || !S->aCapRow || !S->aCapRhs) return KEEL_ENOMEM;
    double *aFix = calloc((size_t)S->T * S->nPool + 1, sizeof(double));
    if (!aFix) return KEEL_ENOMEM;
    for (int i = 0; i < S->n; i++)
        if (S->p->aItem[i].iFixed != UNF)
            portfolio_load_add(S->p, i, S->p->aItem[i].iFixed, 1, aFix);
    S->lp = solver_build(S, NULL, NULL, S->aLo, S->aHi, aFix, 0, S->aCol, S->aCapRow, S->aCapRhs,
                         &S->nCol);
    free(aFix);
    if (!S->lp) return KEEL_ENOMEM;
    nc = glp_get_num_cols(S->lp);
    S->aLpX = calloc((size_t)nc + 2, sizeof(double));
    if (!S->aLpX) return KEEL_ENOMEM;
    double t = portfolio_now_ms();
    glp_adv_basis(S->lp, 0);
    int st = solver_simplex(S, S->lp);
    r->lpMs = portfolio_now_ms() - t;
    if (st == GLP_OPT) {
        r->bound = S->base + glp_get_obj_val(S->lp);
        for (int c = 1; c <= nc; c++)
            S->aLpX[c] = glp_get_col_prim(S->lp, c);
        solver_marginal(S);
    } else if (st == GLP_NOFEAS && !S->bHaveBest) {
        r->status = PORTFOLIO_INFEASIBLE;
        return 0;
    }
    if (S->opt->method == PORTFOLIO_GLPK) {
        /* GLPK's own branch and bound alone, no incumbent from us. */
        glp_iocp io;
        glp_init_iocp(&io);
        io.msg_lev = GLP_MSG_OFF;
        io.presolve = GLP_OFF;
        io.cb_func = solver_cb;
        io.cb_info = S;
        double left = S->deadline - portfolio_now_ms();
        io.tm_lim = left < 1 ? 1 : (int)left;
        S->nodeLimit = 0;
        if (st == GLP_OPT) {
            int irc = glp_intopt(S->lp, &io), ist = glp_mip_status(S->lp);
            if ((irc == 0 || irc == GLP_ETMLIM || irc == GLP_ESTOP) &&
                (ist == GLP_OPT || ist == GLP_FEAS)) {
                int *aPlan = malloc(sizeof(int) * (size_t)S->n);
                if (!aPlan) return KEEL_ENOMEM;
                memcpy(aPlan, S->aStart, sizeof(int) * (size_t)S->n);
                solver_cols_to_plan(S, S->lp, S->aCol, S->aLo, S->aHi, aPlan, 1);
                S->bHaveBest = 0;
                if (!portfolio_plan_check(S->p, aPlan, NULL)) {
                    solver_set_plan(S, aPlan);
                    solver_keep(S);
                }
                free(aPlan);
                r->zStop = ist == GLP_OPT ? "optimal" : "time_limit";
            } else {
                S->bHaveBest = 0;
                r->zStop = "time_limit";
            }
        }
        return 0;
    }
    if (st == GLP_OPT && !solver_stop(S)) solver_lp_greedy(S, aOrder, aKey);
    if (st == GLP_OPT && !solver_stop(S))
        solver_dive(S, aOrder, aKey, 0.5 * (S->deadline - portfolio_now_ms()));

    /* Large-neighbourhood search. */
    char *aSel = calloc((size_t)S->n + 1, 1);
    int *aCand = calloc((size_t)S->n + 1, sizeof(int)),
        *aPlan = calloc((size_t)S->n + 1, sizeof(int));
    if (!aSel || !aCand || !aPlan) rc = KEEL_ENOMEM;
    int nFree = 0, stale = 0, maxStale = S->opt->maxStale > 0 ? S->opt->maxStale : 100;
    for (int i = 0; i < S->n; i++)
        nFree += S->aCol[i] != 0;
    int K = nFree < 30 ? nFree : 30;
    S->nodeLimit = PORTFOLIO_NODE_LIMIT;
    r->zStop = "converged";
    while (!rc && st == GLP_OPT && S->bHaveBest) {
        if (S->bestObj >= r->bound - 1e-9 * (1 + fabs(r->bound))) {
            r->zStop = "optimal";
            break;
        }
        if (solver_stop(S)) {
            r->zStop = S->opt->pCancel && atomic_load(S->opt->pCancel) ? "cancelled" : "time_limit";
            break;
        }
        if (stale >= maxStale && nFree > PORTFOLIO_SMALL) break;
        int bClosed;
        solver_neighbourhood(S, r->nIter, K >= nFree ? nFree : K, aSel, aCand);
        int bAll = K >= nFree;
        int imp = solver_submip(S, aSel, bAll, aPlan, &bClosed);
        r->nIter++;

        if (imp) {
            r->nImprove++;
            stale = 0;
        } else {
            stale++;
        }
        if (bAll && bClosed) {
            r->zStop = "optimal";
            r->status = PORTFOLIO_OPTIMAL;
            break;
        }
        if (bAll && nFree <= PORTFOLIO_SMALL) {
            /* Small: the whole problem again with twice the nodes. */
            if (S->nodeLimit >= 200000) break;
            S->nodeLimit *= 2;
        } else if (bAll)
            K = nFree * 3 / 4; /* the whole problem did not close: smaller steps */
        else if (bClosed && !imp)
            K = K + K / 4 + 1;
        else if (!imp && K > 10)
            K = K * 4 / 5;
        if (K > nFree) K = nFree;
    }
    free(aSel);
    free(aCand);
    free(aPlan);
    return rc;
}

/* Run xWork(S, pArg) with GLPK's error and terminal hooks on: a GLPK
 * error longjmps back here, the hooks go off, its environment is freed and
 * the answer is KEEL_EINTERNAL; otherwise the hooks go off and the answer
 * is xWork's. */
static int solver_guarded(Solver *S, int (*xWork)(Solver *, void *), void *pArg) {
    /* volatile: read after a longjmp. */
    volatile int rc = 0;
    glp_error_hook(solver_glpk_hook, S);
    glp_term_hook(solver_term_hook, S);
    if (setjmp(S->jb) == 0) {
        rc = xWork(S, pArg);
        glp_error_hook(NULL, NULL);
        glp_term_hook(NULL, NULL);
    } else {
        S->lp = S->el = NULL;
        glp_error_hook(NULL, NULL); /* (before the environment goes) */
        glp_term_hook(NULL, NULL);
        glp_free_env();
        rc = KEEL_EINTERNAL;
    }
    return rc;
}

/* What solver_glpk hands to solver_guarded. */
typedef struct SolverGlpkArg {
    PortfolioRun *r;
    int *aOrder;
    double *aKey;
} SolverGlpkArg;

static int solver_glpk_guarded_work(Solver *S, void *p) {
    SolverGlpkArg *a = p;
    int rc = solver_glpk_work(S, a->r, a->aOrder, a->aKey);
    if (!rc && S->bHaveBest && !S->opt->bNoReasons) solver_shadow(S, a->r);
    if (S->lp) glp_delete_prob(S->lp);
    S->lp = NULL;
    return rc;
}

/* The GLPK stages (LP bound, dive, neighbourhoods) under the error hook. */
static int solver_glpk(Solver *S, PortfolioRun *r, int *aOrder, double *aKey) {
    SolverGlpkArg a = {r, aOrder, aKey};
    return solver_guarded(S, solver_glpk_guarded_work, &a);
}

/* What solver_elastic_guarded hands to solver_guarded. */
typedef struct SolverElasticArg {
    PortfolioRun *r;
    int *pRes;
} SolverElasticArg;

static int solver_elastic_work(Solver *S, void *p) {
    SolverElasticArg *a = p;
    glp_term_out(GLP_OFF);
    *a->pRes = solver_elastic(S, a->r);
    return 0;
}

/* The elastic model under the error hook; see solver_elastic. */
static int solver_elastic_guarded(Solver *S, PortfolioRun *r, int *pRes) {
    SolverElasticArg a = {r, pRes};
    return solver_guarded(S, solver_elastic_work, &a);
}

/* Run the method; see portfolio_int.h. */
int portfolio_run(const PortfolioProblem *p, const PortfolioOptions *opt, const int *aInit,
                  PortfolioRun *r, EngineError *pErr) {
    static const PortfolioOptions dflt = {0};
    Solver *S = calloc(1, sizeof *S);
    int rc = 0, *aOrder = NULL, m;
    double *aKey = NULL;
    memset(r, 0, sizeof *r);
    r->bound = HUGE_VAL;
    r->status = PORTFOLIO_FEASIBLE;
    r->zStop = "greedy";
    r->conflicts = json_array();
    if (!S || !r->conflicts) {
        free(S);
        return KEEL_ENOMEM;
    }
    S->p = p;
    S->opt = opt ? opt : &dflt;
    S->n = p->nItem;
    S->T = p->nPeriod;
    S->nPool = p->nPool;
    S->t0 = portfolio_now_ms();
    S->deadline = S->t0 + 1000 * (S->opt->timeLimit > 0 ? S->opt->timeLimit : 10);
    S->rng = 0x9E3779B97F4A7C15ULL * (S->opt->seed ? S->opt->seed : 1);
    if ((rc = solver_init(S))) goto done;
    aOrder = calloc((size_t)S->n + 1, sizeof(int));
    aKey = calloc((size_t)S->n + 1, sizeof(double));
    r->aStart = calloc((size_t)S->n + 1, sizeof(int));
    if (!aOrder || !aKey || !r->aStart) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    /* Work under way must fit by itself, and mandatory work with it. */
    int bFits = 1;
    for (int t = 0; t < S->T && bFits; t++)
        bFits = portfolio_period_fits(p, t, S->aLoad + (size_t)t * S->nPool, NULL, NULL);
    if (solver_logic_conflicts(S, r) > 0) {
        r->status = PORTFOLIO_INFEASIBLE;
        goto done;
    }
    if (!bFits || !solver_place_mandatory(S)) {
        int res = -1;
        int *aPlan = malloc(sizeof(int) * (size_t)S->n);
        if (!aPlan) {
            rc = KEEL_ENOMEM;
            goto done;
        }
        for (int i = 0; i < S->n; i++)
            aPlan[i] = S->aFree[i] ? UNF : S->aStart[i];
        solver_set_plan(S, aPlan);
        free(aPlan);
        if (S->opt->method == PORTFOLIO_GREEDY)
            res = -1;
        else if ((rc = solver_elastic_guarded(S, r, &res))) {
            jspec_fail(pErr, "", "GLPK failed: %s", S->zGlpkMsg);
            goto done;
        }
        if (res != 0) {
            r->status = res == 1 ? PORTFOLIO_INFEASIBLE : PORTFOLIO_UNKNOWN;
            goto done;
        }
    }
    m = solver_sorted(S, S->aDens, aOrder);
    solver_fill(S, aOrder, m);
    solver_keep(S);
    r->greedyObj = S->obj;
    r->greedyMs = portfolio_now_ms() - S->t0;
    if (S->opt->method != PORTFOLIO_GLPK) solver_local(S, aOrder, m);
    if (aInit && S->opt->method == PORTFOLIO_FULL && !portfolio_plan_check(p, aInit, NULL)) {
        solver_set_plan(S, aInit);
        solver_keep(S);
        solver_set_plan(S, S->aBest);
    }
    if (S->opt->method != PORTFOLIO_GREEDY) {
        if ((rc = solver_glpk(S, r, aOrder, aKey))) {
            jspec_fail(pErr, "",
                       rc == KEEL_ENOMEM ? "out of memory" : "the LP/MIP solver failed internally");
            goto done;
        }
        if (r->status == PORTFOLIO_INFEASIBLE) goto done;
    }
    if (!S->bHaveBest) {
        r->status = PORTFOLIO_UNKNOWN;
        goto done;
    }
    /* Final polish: nothing that fits is left out (not for GLPK alone). */
    if (S->opt->method == PORTFOLIO_FULL) {
        solver_set_plan(S, S->aBest);
        solver_fill(S, aOrder, m);
        solver_keep(S);
    }
    memcpy(r->aStart, S->aBest, sizeof(int) * (size_t)S->n);
    r->objective = S->bestObj;
    if (r->status != PORTFOLIO_OPTIMAL && r->bound != HUGE_VAL &&
        r->objective >= r->bound - 1e-9 * (1 + fabs(r->bound)))
        r->status = PORTFOLIO_OPTIMAL;
    if (r->zStop && strcmp(r->zStop, "optimal") == 0 && S->opt->method != PORTFOLIO_GREEDY)
        r->status = PORTFOLIO_OPTIMAL;
done:
    if (r->status == PORTFOLIO_INFEASIBLE || r->status == PORTFOLIO_UNKNOWN) {
        if (r->aStart)
            for (int i = 0; i < S->n; i++)
                r->aStart[i] = UNF;
        r->zStop = r->status == PORTFOLIO_INFEASIBLE ? "infeasible" : "no_plan";
    }
    r->totalMs = portfolio_now_ms() - S->t0;
    /* No GLPK memory outlives the call (its environment is per thread, and
     * a worker thread's would otherwise stay until the process ends). */
    glp_free_env();
    free(aOrder);
    free(aKey);
    solver_free(S);
    return rc;
}

/* Free what a run owns. */
void portfolio_run_free(PortfolioRun *r) {
    free(r->aStart);
    free(r->aShadow);
    json_decref(r->conflicts);
    memset(r, 0, sizeof *r);
}

/* Provoke a GLPK error under the error hook (for tests): returns
 * KEEL_EINTERNAL when the hook caught it and the environment was freed. */
/* The self-test's work: a GLPK call that GLPK rejects (no column 5). */
static int solver_selftest_work(Solver *S, void *p) {
    (void)p;
    glp_term_out(GLP_OFF);
    S->lp = glp_create_prob();
    glp_set_col_bnds(S->lp, 5, GLP_FX, 0, 0);
    glp_delete_prob(S->lp);
    S->lp = NULL;
    return 0;
}

int portfolio_glpk_selftest(void) {
    Solver *S = calloc(1, sizeof *S);
    if (!S) return KEEL_ENOMEM;
    int rc = solver_guarded(S, solver_selftest_work, NULL);
    free(S);
    return rc;
}
