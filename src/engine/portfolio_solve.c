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
 * longjmp out of an error hook; the environment is then freed.
 * This file runs the search; portfolio_greedy.c and portfolio_lp.c hold
 * its parts (portfolio_solver.h). */
#include "util/err.h"
#include "engine/portfolio_solver.h"
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    io.tm_lim = solver_ms_left(S);
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
        solver_iocp(S, &io);
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
