/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The portfolio optimiser, part 2: the time-indexed model in GLPK, the LP
 * relaxation and what it guides (the LP greedy, the dive, the marginal
 * items), and one large-neighbourhood step (a sub-MIP from the incumbent);
 * see portfolio_solver.h. */
#include "engine/portfolio_solver.h"
#include "util/err.h"
#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- GLPK ------------------------------------------------------------ */

/* GLPK's terminal hook: keep its last message (an error's text) in the
 * solver instead of printing it; returns 1 to suppress the output. */
int solver_term_hook(void *info, const char *z) {
    Solver *S = info;
    size_t n = strlen(S->zGlpkMsg);
    if (n > 0 && S->zGlpkMsg[n - 1] == '\n') n = 0;
    snprintf(S->zGlpkMsg + n, sizeof S->zGlpkMsg - n, "%s", z);
    return 1;
}

/* GLPK's error hook: leave the failing call for solver_glpk's setjmp. */
void solver_glpk_hook(void *info) { longjmp(((Solver *)info)->jb, 1); }

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
glp_prob *solver_build(Solver *S, const char *aUse, const char *aMust, const int *aLo,
                       const int *aHi, const double *aFix, int bElastic, int *aCol, int *aCapRow,
                       double *aCapRhs, int *pnCol) {
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

int solver_ms_left(const Solver *S) {
    double left = S->deadline - portfolio_now_ms();
    return left < 1 ? 1 : (left > 1e9 ? 1000000000 : (int)left);
}

void solver_iocp(Solver *S, glp_iocp *io) {
    glp_init_iocp(io);
    io->msg_lev = GLP_MSG_OFF;
    io->presolve = GLP_OFF;
    io->cb_func = solver_cb;
    io->cb_info = S;
    io->tm_lim = solver_ms_left(S);
}

/* Simplex on S->lp (warm start, quiet, time-limited); returns glp status. */
int solver_simplex(Solver *S, glp_prob *lp) {
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.tm_lim = solver_ms_left(S);
    int rc = glp_simplex(lp, &sm);
    if (rc != 0 && rc != GLP_ETMLIM) {
        glp_std_basis(lp);
        rc = glp_simplex(lp, &sm);
    }
    return rc == 0 ? glp_get_status(lp) : GLP_UNDEF;
}

/* Branch-and-bound callback: hand over the incumbent, stop on the node
 * limit, the deadline or cancel. */
void solver_cb(glp_tree *tree, void *info) {
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
void solver_cols_to_plan(Solver *S, glp_prob *lp, const int *aCol, const int *aLo, const int *aHi,
                         int *aPlan, int bMip) {
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
void solver_fix_item(Solver *S, int i, int s, int bFree) {
    for (int u = S->aLo[i]; u <= S->aHi[i]; u++) {
        int c = S->aCol[i] + u - S->aLo[i];
        if (bFree)
            glp_set_col_bnds(S->lp, c, GLP_DB, 0, 1);
        else
            glp_set_col_bnds(S->lp, c, GLP_FX, u == s ? 1 : 0, u == s ? 1 : 0);
    }
}

/* Choose the neighbourhood of step `it`: mark up to K items in aSel. */
void solver_neighbourhood(Solver *S, int it, int K, char *aSel, int *aCand) {
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
int solver_submip(Solver *S, const char *aSel, int bAll, int *aPlan, int *pbClosed) {
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
    solver_iocp(S, &io);
    if (bAll) io.mir_cuts = io.cov_cuts = io.clq_cuts = GLP_ON;
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
void solver_dive(Solver *S, int *aOrder, double *aKey, double msBudget) {
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
        solver_sort_by_key(aOrder, nFrac, aKey);
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
void solver_marginal(Solver *S) {
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
    solver_sort_by_key(aOrd, m, aKey);
    int nMark = m / 5 > 100 ? m / 5 : 100;
    for (int k = 0; k < m && k < nMark; k++)
        S->aMarg[aOrd[k]] = 1;
done:
    free(aDual);
    free(aKey);
    free(aOrd);
}

/* The LP-guided greedy: items by LP weight, starts where the LP puts them. */
void solver_lp_greedy(Solver *S, int *aOrder, double *aKey) {
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
