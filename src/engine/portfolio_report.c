/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The portfolio optimiser's report and entry points: a run rendered as the
 * JSON document of docs/plan.md (plan, value, bound and gap, utilisation
 * per pool and period, binding constraints with shadow prices, a reason in
 * words for each unfunded initiative, conflicts when infeasible), the
 * JSON-in/JSON-out solve, and the value/budget frontier. */
#include "engine/portfolio_int.h"
#include "util/err.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNF PORTFOLIO_UNFUNDED

/* Round to 9 significant digits, so reports are stable across platforms'
 * last-bit differences and readable. */
static json_t *report_num(double x) {
    if (!isfinite(x)) return json_null();
    if (x == 0) return json_real(0);
    double m = pow(10, 8 - (int)floor(log10(fabs(x))));
    return json_real(round(x * m) / m);
}

/* The pool shortage sh as fields of a reason code. */
static void report_short_json(const PortfolioProblem *p, const PortfolioShort *sh, json_t *o) {
    static const char *const azKind[] = {"capacity", "cloud_limit", "cloud_cost"};
    json_object_set_new(o, "pool", json_string(p->aPool[sh->iPool].zId));
    json_object_set_new(o, "pool_period", json_string(p->azPeriod[sh->iPeriod]));
    json_object_set_new(o, "short", json_string(azKind[sh->kind]));
    json_object_set_new(o, "need", report_num(sh->need));
    json_object_set_new(o, "capacity", report_num(sh->cap));
    if (sh->kind == PORTFOLIO_SHORT_CLOUD_MAX)
        json_object_set_new(o, "cloud_limit", report_num(sh->extra));
    if (sh->kind == PORTFOLIO_SHORT_CLOUD_COST)
        json_object_set_new(o, "cloud_cost", report_num(sh->extra));
}

/* Why unfunded item i is not in plan aStart (loads aLoad period-major): in
 * words into z, and as a reason code with its fields (returned, new). */
static json_t *report_reason(const PortfolioProblem *p, const int *aStart, const double *aLoad,
                             int i, char *z, size_t n) {
    const PortfolioItem *it = &p->aItem[i];
    double aTmp[PORTFOLIO_MAX_POOLS];
    char zWhy[240] = "";
    PortfolioShort sh;
    int T = p->nPeriod, lo = 0, jLate = -1, haveShort = 0;
    if (it->bExcluded) {
        snprintf(z, n, "excluded (forced out in this scenario)");
        return json_pack("{s:s}", "code", "excluded");
    }
    for (int e = 0; e < it->nExcl; e++)
        if (aStart[it->aExcl[e]] != UNF) {
            const char *zOther = p->aItem[it->aExcl[e]].zId;
            snprintf(z, n, "mutually exclusive with '%s', which is funded", zOther);
            return json_pack("{s:s, s:s}", "code", "exclusive_funded", "other", zOther);
        }
    for (int d = 0; d < it->nDep; d++) {
        int j = it->aDep[d];
        if (aStart[j] == UNF) {
            snprintf(z, n, "depends on '%s', which is not funded", p->aItem[j].zId);
            return json_pack("{s:s, s:s}", "code", "depends_unfunded", "other", p->aItem[j].zId);
        }
        if (aStart[j] + p->aItem[j].nDur > lo) {
            lo = aStart[j] + p->aItem[j].nDur;
            jLate = j;
        }
    }
    if (lo > T - it->nDur) {
        const char *zEnd = p->azPeriod[lo - 1 < T ? lo - 1 : T - 1];
        snprintf(z, n,
                 "depends on '%s', which finishes at the end of %s: too late for %d more periods "
                 "within the horizon",
                 p->aItem[jLate].zId, zEnd, it->nDur);
        return json_pack("{s:s, s:s, s:s, s:i}", "code", "depends_too_late", "other",
                         p->aItem[jLate].zId, "period", zEnd, "periods", it->nDur);
    }
    for (int s = lo; s <= T - it->nDur; s++) {
        int ok = 1;
        for (int k = 0; k < it->nDur && ok; k++) {
            for (int q = 0; q < p->nPool; q++)
                aTmp[q] = aLoad[(size_t)(s + k) * p->nPool + q] + it->aDemand[q * it->nDur + k];
            ok = portfolio_period_fits(p, s + k, aTmp, NULL, s == lo ? &sh : NULL);
            if (!ok && s == lo) haveShort = 1;
        }
        if (ok) {
            double v = it->value * portfolio_discount(p, s);
            json_t *o = json_pack("{s:s, s:s, s:o}", "code", "no_gain", "period", p->azPeriod[s],
                                  "value", report_num(v));
            if (p->bPrev) {
                snprintf(z, n,
                         "it would fit starting %s, but its discounted value %.6g does not "
                         "outweigh the change penalty %.6g",
                         p->azPeriod[s], v, p->changePenalty);
                json_object_set_new(o, "change_penalty", report_num(p->changePenalty));
            } else {
                snprintf(z, n,
                         "it would fit starting %s, but its discounted value %.6g adds nothing",
                         p->azPeriod[s], v);
            }
            return o;
        }
    }
    if (haveShort) portfolio_short_text(p, &sh, zWhy, sizeof zWhy);
    json_t *o = json_pack("{s:s, s:s}", "code", "no_room", "period", p->azPeriod[lo]);
    if (jLate >= 0) json_object_set_new(o, "after", json_string(p->aItem[jLate].zId));
    if (haveShort) report_short_json(p, &sh, o);
    if (jLate >= 0)
        snprintf(z, n, "no start leaves room for it: starting %s (after '%s' finishes), %s",
                 p->azPeriod[lo], p->aItem[jLate].zId, zWhy);
    else
        snprintf(z, n, "no start leaves room for it: starting %s (its earliest), %s",
                 p->azPeriod[lo], zWhy);
    return o;
}

static const char *const azStatus[] = {"optimal", "feasible", "infeasible", "unknown"};

/* Render a run; see portfolio_int.h. */
json_t *portfolio_report(const PortfolioProblem *p, const PortfolioOptions *opt,
                         const PortfolioRun *r) {
    int T = p->nPeriod, nPool = p->nPool, nFunded = 0, nChange = 0;
    json_t *o = json_object(), *starts = json_object(), *under = json_object();
    json_t *unf = json_array(), *bind = json_array(), *util = json_object(),
           *shadow = json_object();
    json_t *per = json_array();
    double *aLoad = calloc((size_t)T * nPool + 1, sizeof(double));
    double *aCloud = calloc((size_t)T * nPool + 1, sizeof(double));
    char z[480];
    int bPlan = r->status == PORTFOLIO_OPTIMAL || r->status == PORTFOLIO_FEASIBLE;
    if (!o || !starts || !under || !unf || !bind || !util || !shadow || !per || !aLoad || !aCloud)
        goto oom;
    for (int t = 0; t < T; t++)
        json_array_append_new(per, json_string(p->azPeriod[t]));
    json_object_set_new(o, "status", json_string(azStatus[r->status]));
    json_object_set_new(o, "periods", per);
    per = NULL;
    for (int i = 0; i < p->nItem; i++) {
        int s = r->aStart[i];
        if (p->bPrev && s != p->aItem[i].iPrev) nChange++;
        if (s == UNF) continue;
        nFunded++;
        portfolio_load_add(p, i, s, 1, aLoad);
        if (s >= 0)
            json_object_set_new(starts, p->aItem[i].zId, json_string(p->azPeriod[s]));
        else
            json_object_set_new(under, p->aItem[i].zId, json_integer(s));
    }
    json_object_set_new(o, "value",
                        bPlan ? report_num(portfolio_plan_value(p, r->aStart)) : json_null());
    if (p->bPrev) {
        json_object_set_new(o, "objective", bPlan ? report_num(r->objective) : json_null());
        json_object_set_new(o, "changes", json_integer(nChange));
    }
    double bound = r->bound;
    json_object_set_new(o, "bound", report_num(bound == HUGE_VAL ? NAN : bound));
    double gap = NAN;
    if (bPlan && bound != HUGE_VAL) {
        gap = (bound - r->objective) / (fabs(bound) > 1e-9 ? fabs(bound) : 1);
        if (gap < 0 || r->status == PORTFOLIO_OPTIMAL) gap = gap < 1e-9 ? 0 : gap;
    }
    json_object_set_new(o, "gap", report_num(gap));
    json_object_set_new(o, "starts", starts);
    starts = NULL;
    if (json_object_size(under))
        json_object_set_new(o, "under_way", under);
    else
        json_decref(under);
    under = NULL;
    json_object_set_new(o, "funded", json_integer(nFunded));
    if (bPlan && !(opt && opt->bNoReasons)) {
        for (int i = 0; i < p->nItem; i++) {
            if (r->aStart[i] != UNF) continue;
            json_t *jCode = report_reason(p, r->aStart, aLoad, i, z, sizeof z);
            json_array_append_new(unf, json_pack("{s:s, s:s, s:o}", "id", p->aItem[i].zId, "reason",
                                                 z, "reason_code", jCode));
        }
    } else if (bPlan) {
        for (int i = 0; i < p->nItem; i++)
            if (r->aStart[i] == UNF)
                json_array_append_new(unf, json_pack("{s:s}", "id", p->aItem[i].zId));
    }
    json_object_set_new(o, "unfunded", unf);
    unf = NULL;
    /* Utilisation (cloud bought, and its cost charged to the payer). */
    for (int t = 0; t < T && bPlan; t++) {
        portfolio_period_fits(p, t, aLoad + (size_t)t * nPool, aCloud + (size_t)t * nPool, NULL);
        for (int q = 0; q < nPool; q++)
            if (aCloud[t * nPool + q] > 0)
                aLoad[t * nPool + p->aPool[q].iCloudPayer] +=
                    aCloud[t * nPool + q] * p->aPool[q].cloudPrice;
    }
    for (int q = 0; q < nPool && bPlan; q++) {
        const PortfolioPool *pp = &p->aPool[q];
        json_t *u = json_object(), *aU = json_array(), *aC = json_array(), *aR = json_array(),
               *aB = json_array();
        json_t *aS = json_array();
        for (int t = 0; t < T; t++) {
            double used = aLoad[t * nPool + q], cap = pp->aCap[t], cl = aCloud[t * nPool + q];
            double priv = used - cl;
            json_array_append_new(aU, report_num(used));
            json_array_append_new(aC, report_num(cap));
            json_array_append_new(aR, cap > 0 ? report_num(priv / cap) : json_null());
            json_array_append_new(aB, report_num(cl));
            double sp = r->aShadow ? r->aShadow[t * nPool + q] : 0;
            json_array_append_new(aS, report_num(sp));
            if ((cap > 0 && priv >= cap * (1 - 1e-6) - 1e-9) || cl > 0 || sp > 0) {
                json_t *b = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "constraint", "capacity", "pool",
                                      pp->zId, "period", p->azPeriod[t], "used", report_num(used),
                                      "capacity", report_num(cap), "slack",
                                      report_num(cap - priv > 0 ? cap - priv : 0));
                if (cl > 0) json_object_set_new(b, "cloud_bought", report_num(cl));
                if (r->aShadow) json_object_set_new(b, "shadow_price", report_num(sp));
                json_array_append_new(bind, b);
            }
        }
        json_object_set_new(u, "used", aU);
        json_object_set_new(u, "capacity", aC);
        json_object_set_new(u, "utilisation", aR);
        if (pp->cloudPrice > 0)
            json_object_set_new(u, "cloud_bought", aB);
        else
            json_decref(aB);
        json_object_set_new(util, pp->zId, u);
        if (r->aShadow)
            json_object_set_new(shadow, pp->zId, aS);
        else
            json_decref(aS);
    }
    /* Dependencies met with no period to spare; exclusive choices made. */
    for (int i = 0; i < p->nItem && bPlan; i++) {
        const PortfolioItem *it = &p->aItem[i];
        int s = r->aStart[i];
        if (s == UNF || it->iFixed != UNF) continue;
        for (int d = 0; d < it->nDep; d++) {
            int j = it->aDep[d];
            if (r->aStart[j] != UNF && r->aStart[j] + p->aItem[j].nDur == s)
                json_array_append_new(bind, json_pack("{s:s,s:s,s:s}", "constraint", "dependency",
                                                      "initiative", it->zId, "depends_on",
                                                      p->aItem[j].zId));
        }
        for (int e = 0; e < it->nExcl; e++)
            if (r->aStart[it->aExcl[e]] == UNF)
                json_array_append_new(bind, json_pack("{s:s,s:s,s:s}", "constraint", "exclusive",
                                                      "funded", it->zId, "instead_of",
                                                      p->aItem[it->aExcl[e]].zId));
    }
    json_object_set_new(o, "binding", bind);
    bind = NULL;
    json_object_set_new(o, "utilisation", util);
    util = NULL;
    if (r->aShadow)
        json_object_set_new(o, "shadow_prices", shadow);
    else
        json_decref(shadow);
    shadow = NULL;
    if (json_array_size(r->conflicts))
        json_object_set_new(o, "conflicts", json_deep_copy(r->conflicts));
    json_object_set_new(o, "method",
                        json_pack("{s:o,s:o,s:o,s:i,s:i,s:s,s:o}", "greedy_objective",
                                  report_num(r->greedyObj), "greedy_ms", report_num(r->greedyMs),
                                  "lp_ms", report_num(r->lpMs), "iterations", r->nIter,
                                  "improvements", r->nImprove, "stopped", r->zStop ? r->zStop : "",
                                  "time_ms", report_num(r->totalMs)));
    free(aLoad);
    free(aCloud);
    return o;
oom:
    json_decref(o);
    json_decref(starts);
    json_decref(under);
    json_decref(unf);
    json_decref(bind);
    json_decref(util);
    json_decref(shadow);
    json_decref(per);
    free(aLoad);
    free(aCloud);
    return NULL;
}

/* Solve a parsed problem and report; see portfolio.h. */
int portfolio_solve(const PortfolioProblem *p, const PortfolioOptions *opt, json_t **pResult,
                    EngineError *pErr) {
    PortfolioRun r;
    *pResult = NULL;
    int rc = portfolio_run(p, opt, NULL, &r, pErr);
    if (!rc && !(*pResult = portfolio_report(p, opt, &r))) rc = KEEL_ENOMEM;
    if (rc == KEEL_ENOMEM) jspec_fail(pErr, "", "out of memory");
    portfolio_run_free(&r);
    return rc;
}

/* Parse, solve, report; see portfolio.h. */
int portfolio_solve_json(const json_t *input, const PortfolioOptions *opt, json_t **pResult,
                         EngineError *pErr) {
    PortfolioProblem *p = NULL;
    *pResult = NULL;
    int rc = portfolio_problem_parse(input, &p, pErr);
    if (!rc) rc = portfolio_solve(p, opt, pResult, pErr);
    portfolio_problem_free(p);
    return rc;
}

/* Solve and return the starts (tests); see portfolio.h. */
int portfolio_solve_starts(const PortfolioProblem *p, const PortfolioOptions *opt, int *aStart,
                           int *pStatus, double *pObj, double *pBound, EngineError *pErr) {
    PortfolioRun r;
    int rc = portfolio_run(p, opt, NULL, &r, pErr);
    if (!rc) {
        memcpy(aStart, r.aStart, sizeof(int) * (size_t)p->nItem);
        *pStatus = r.status;
        *pObj = r.objective;
        *pBound = r.bound;
    }
    portfolio_run_free(&r);
    return rc;
}

/* The value/budget frontier; see portfolio.h. */
int portfolio_frontier_json(const json_t *input, const PortfolioOptions *opt, int nStep,
                            json_t **pResult, EngineError *pErr) {
    PortfolioProblem *p = NULL;
    PortfolioOptions o = opt ? *opt : (PortfolioOptions){0};
    double *aCap0 = NULL;
    int *aPrev = NULL, bPrev = 0;
    json_t *pts = NULL;
    *pResult = NULL;
    int rc = portfolio_problem_parse(input, &p, pErr);
    if (rc) goto done;
    if (nStep < 2 || nStep > 101) {
        rc = jspec_fail(pErr, "steps", "must be 2 .. 101");
        goto done;
    }
    if (p->iBudget < 0) {
        rc = jspec_fail(pErr, "budget_pool",
                        "the frontier needs a budget pool (a pool \"budget\" or \"budget_pool\")");
        goto done;
    }
    PortfolioPool *b = &p->aPool[p->iBudget];
    aCap0 = malloc(sizeof(double) * (size_t)p->nPeriod);
    aPrev = malloc(sizeof(int) * ((size_t)p->nItem + 1));
    pts = json_array();
    if (!aCap0 || !aPrev || !pts) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    memcpy(aCap0, b->aCap, sizeof(double) * (size_t)p->nPeriod);
    o.timeLimit = (o.timeLimit > 0 ? o.timeLimit : 10) / nStep;
    o.bNoReasons = 1;
    for (int k = 0; k < nStep && !rc; k++) {
        double scale = 0.5 + (double)k / (nStep - 1), tot = 0;
        PortfolioRun r;
        for (int t = 0; t < p->nPeriod; t++)
            tot += (b->aCap[t] = aCap0[t] * scale);
        rc = portfolio_run(p, &o, bPrev ? aPrev : NULL, &r, pErr);
        if (rc) break;
        bPrev = r.status <= PORTFOLIO_FEASIBLE;
        if (bPrev) memcpy(aPrev, r.aStart, sizeof(int) * (size_t)p->nItem);
        double gap = r.bound != HUGE_VAL && r.status <= PORTFOLIO_FEASIBLE
                         ? (r.bound - r.objective) / (fabs(r.bound) > 1e-9 ? fabs(r.bound) : 1)
                         : NAN;
        int nF = 0;
        for (int i = 0; i < p->nItem; i++)
            nF += r.aStart[i] != UNF;
        int bPlan = r.status <= PORTFOLIO_FEASIBLE;
        json_array_append_new(
            pts,
            json_pack("{s:o,s:o,s:o,s:o,s:o,s:i,s:s}", "scale", report_num(scale), "budget",
                      report_num(tot), "value",
                      bPlan ? report_num(portfolio_plan_value(p, r.aStart)) : json_null(), "bound",
                      report_num(r.bound == HUGE_VAL ? NAN : r.bound), "gap",
                      report_num(gap < 0 ? 0 : gap), "funded", nF, "status", azStatus[r.status]));
        portfolio_run_free(&r);
    }
    if (!rc) {
        *pResult = json_pack("{s:s,s:o}", "budget_pool", b->zId, "points", pts);
        pts = NULL;
        if (!*pResult) rc = KEEL_ENOMEM;
    }
done:
    if (rc == KEEL_ENOMEM) jspec_fail(pErr, "", "out of memory");
    json_decref(pts);
    free(aCap0);
    free(aPrev);
    portfolio_problem_free(p);
    return rc;
}
