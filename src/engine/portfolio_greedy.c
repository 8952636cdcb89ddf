/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The portfolio optimiser, part 1: the solver's state (the plan, its loads
 * and objective, the best plan so far), the greedy plan (mandatory closure
 * first, then by value density) and the local search; see
 * portfolio_solver.h. */
#include "engine/portfolio_solver.h"
#include "util/err.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* xorshift64* random numbers, for neighbourhoods. */
uint64_t solver_rand(Solver *S) {
    S->rng ^= S->rng >> 12;
    S->rng ^= S->rng << 25;
    S->rng ^= S->rng >> 27;
    return S->rng * 2685821657736338717ULL;
}

/* Whether the search must stop now (deadline or cancel). */
int solver_stop(const Solver *S) {
    if (S->opt->pCancel && atomic_load(S->opt->pCancel)) return 1;
    return portfolio_now_ms() >= S->deadline;
}

/* Whether free item i can start in s in the current plan. */
int solver_can_place(Solver *S, int i, int s) {
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
void solver_place(Solver *S, int i, int s) {
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
void solver_keep(Solver *S) {
    if (!S->bHaveBest || S->obj > S->bestObj + 1e-9 * (1 + fabs(S->bestObj))) {
        memcpy(S->aBest, S->aStart, sizeof(int) * (size_t)S->n);
        S->bestObj = S->obj;
        S->bHaveBest = 1;
    }
}

/* Replace the current plan by aPlan (recomputing loads and objective). */
void solver_set_plan(Solver *S, const int *aPlan) {
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

/* Sort the m items of aOrder by aKey descending, index ascending. */
void solver_sort_by_key(int *aOrder, int m, const double *aKey) {
    t_aKey = aKey;
    qsort(aOrder, (size_t)m, sizeof(int), solver_cmp_key);
}

/* Items sorted by aKey descending into aOrder (free items only); returns
 * their count. */
int solver_sorted(Solver *S, const double *aKey, int *aOrder) {
    int m = 0;
    for (int i = 0; i < S->n; i++)
        if (S->aFree[i]) aOrder[m++] = i;
    solver_sort_by_key(aOrder, m, aKey);
    return m;
}

/* Add unfunded free items in aOrder[m] wherever they gain most; a few
 * passes so that dependents follow their predecessors. Returns how many
 * were added. */
int solver_fill(Solver *S, const int *aOrder, int m) {
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
int solver_place_mandatory(Solver *S) {
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
void solver_local(Solver *S, const int *aOrder, int m) {
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
void solver_free(Solver *S) {
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
int solver_init(Solver *S) {
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
