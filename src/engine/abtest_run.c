/* SPDX-License-Identifier: GPL-3.0-or-later */
/* abtest_run_json(): an A/B analysis from a JSON spec and, optionally, a CSV
 * of units. Reads the spec (every error names its field), builds per-arm
 * summaries for each metric (from the spec's summaries, or in one pass over
 * the CSV, with CUPED when a pre-period column is present), runs the
 * statistics of abtest.c for every treatment arm against control, and
 * writes the result and the verdict as JSON. The input and output formats
 * are documented in docs/abtest.md. Reading the spec is abtest_spec.c,
 * reading the CSV abtest_csv.c (abtest_int.h is what they share). */
#include "engine/abtest_int.h"
#include "engine/stats.h"
#include "util/err.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AB_SRM_ALPHA 0.001 /* sample-ratio mismatch flagged below this p */

/* One comparison's results (treatment arm against control, one metric). */
typedef struct AbCmp {
    AbtestTest t;
    double pHolm;         /* Holm-adjusted over treatment arms */
    double seqP, seqHalf; /* always-valid p-value, CS half-width */
    double seqPHolm;      /* Holm-adjusted always-valid p */
    double tau;           /* mixing sd used */
    double beat, lossShip, lossKeep;
    double power; /* power reached at the plan's mde */
    double nNeed; /* units per arm the plan needs (NaN: unknown) */
} AbCmp;

/* The effect that the plan wants to detect, as (control value, treatment
 * value) for metric m given its control summary: *pTarget. NaN if no mde. */
static double ab_target(const AbInput *in, const AbMetric *m, const AbtestArmStat *c) {
    if (!in->hasMde) return NAN;
    double s = m->higherBetter ? 1 : -1;
    double d = in->mdeRelative ? in->mde * fabs(c->mean) : in->mde;
    return c->mean + s * d;
}

/* Compute comparison of arm a against control for metric m. */
static int ab_compare(const AbInput *in, const AbMetric *m, size_t a, AbCmp *pC) {
    const AbtestArmStat *c = &m->aArm[in->iControl], *t = &m->aArm[a];
    memset(pC, 0, sizeof *pC);
    abtest_test(m->kind, c, t, in->alpha, &pC->t);
    /* Power and planned size at the plan's minimum effect. */
    double target = ab_target(in, m, c);
    pC->power = pC->nNeed = NAN;
    int enough = m->kind == ABTEST_PROPORTION ? c->n > 0 : c->n >= 2 && t->n >= 2;
    if (isfinite(target) && enough) {
        if (m->kind == ABTEST_PROPORTION) {
            pC->nNeed = abtest_size_proportion(c->mean, target, in->alpha, in->power);
            if (target > 0 && target < 1)
                pC->power = abtest_power_proportion(c->mean, target, c->n, t->n, in->alpha);
        } else {
            double delta = target - c->mean;
            pC->nNeed = abtest_size_mean(delta, sqrt(c->var), sqrt(t->var), in->alpha, in->power);
            if (c->n > 0 && t->n > 0)
                pC->power =
                    abtest_power_mean(delta, sqrt(c->var / c->n + t->var / t->n), in->alpha);
        }
        if (isfinite(pC->nNeed)) pC->nNeed = ceil(pC->nNeed);
    }
    /* Sequential: the mixing variance from sequential.tau, or tightest at
     * n_star units per arm (default: the planned size, else the current). */
    double v = pC->t.se * pC->t.se;
    double perUnit = c->var + t->var; /* variance of diff times units per arm */
    double tau2;
    if (in->tau > 0) {
        tau2 = in->tau * in->tau;
    } else {
        double nStar = in->nStar > 0 ? in->nStar : isfinite(pC->nNeed) ? pC->nNeed : NAN;
        double vStar = isfinite(nStar) ? perUnit / nStar : v;
        tau2 = abtest_tau2_default(vStar, in->alpha);
    }
    pC->tau = sqrt(tau2);
    if (isfinite(v) && tau2 > 0) {
        abtest_msprt(pC->t.diff, v, tau2, in->alpha, &pC->seqP, &pC->seqHalf);
    } else {
        pC->seqP = 1;
        pC->seqHalf = NAN;
    }
    int rc = abtest_bayes(m->kind, c, t, m->higherBetter, in->priorSd, &pC->beat, &pC->lossShip,
                          &pC->lossKeep);
    if (rc == KEEL_EINTERNAL) { /* quadrature failed: report null, keep the rest */
        pC->beat = pC->lossShip = pC->lossKeep = NAN;
        rc = 0;
    }
    return rc;
}

/* Where a verdict's reasons go: the sentences (reasons) and, entry for
 * entry, the same reasons as a code with their numbers (reason_codes), so
 * that a client can word them in its own language. */
typedef struct AbReasons {
    json_t *aText; /* array of strings */
    json_t *aCode; /* array of objects: {"code": ..., parameters} */
} AbReasons;

/* Append a reason: jCode (stolen; {"code": ..., parameters}) and the
 * formatted sentence. */
static void ab_reason(AbReasons *r, json_t *jCode, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ab_reason(AbReasons *r, json_t *jCode, const char *zFmt, ...) {
    char z[400];
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(z, sizeof z, zFmt, ap);
    va_end(ap);
    json_array_append_new(r->aText, json_string(z));
    json_array_append_new(r->aCode, jCode ? jCode : json_object());
}

/* A reason code with the primary or a guardrail metric's effect: metric,
 * diff, relative (null when undefined), p_kind ("p" or "always_valid_p")
 * and p. */
static json_t *ab_code_effect(const char *zCode, const char *zMetric, const AbtestTest *t,
                              int sequential, double p) {
    return json_pack("{s:s, s:s, s:o, s:o, s:s, s:o}", "code", zCode, "metric", zMetric, "diff",
                     stats_json_real(t->diff), "relative", stats_json_real(t->rel), "p_kind",
                     sequential ? "always_valid_p" : "p", "p", stats_json_real(p));
}

/* Format an effect for a reason: "+1.23% (relative)" or "+0.0123". */
static const char *ab_effect_str(char *z, size_t n, const AbtestTest *t) {
    if (isfinite(t->rel))
        snprintf(z, n, "%+.4g (%+.2f%%)", t->diff, 100 * t->rel);
    else
        snprintf(z, n, "%+.4g", t->diff);
    return z;
}

enum { AB_SHIP = 0, AB_NO_SHIP = 1, AB_KEEP = 2 };
static const char *const azDecision[] = {"ship", "do_not_ship", "keep_running"};

/* The verdict for treatment arm a against control, with reasons appended to
 * r. aCmp[m * nArm + a] is metric m's comparison for arm a. Rules (also in
 * docs/abtest.md): a sample-ratio mismatch never ships; too few units keeps
 * running; a significantly worse primary metric, or a significant gain that
 * a guardrail pays for, or one below the plan's minimum effect, does not
 * ship; a significant gain ships; no significant effect keeps running until
 * the planned size is reached and then does not ship. */
static int ab_verdict_arm(const AbInput *in, const AbCmp *aCmp, size_t a, int srmFlagged,
                          double pSrm, AbReasons *r) {
    const AbMetric *m = &in->aMetric[in->iPrimary];
    const AbCmp *cp = &aCmp[in->iPrimary * in->nArm + a];
    const AbtestArmStat *c = &m->aArm[in->iControl], *t = &m->aArm[a];
    char zE[96];
    if (srmFlagged) {
        ab_reason(r,
                  json_pack("{s:s, s:o, s:f}", "code", "sample_ratio_mismatch", "p",
                            stats_json_real(pSrm), "alpha", AB_SRM_ALPHA),
                  "sample ratio mismatch (p = %.3g < %g): the split of units is not the "
                  "planned one, so the comparison is not trustworthy; fix the assignment",
                  pSrm, AB_SRM_ALPHA);
        return AB_NO_SHIP;
    }
    double units = 0;
    for (size_t i = 0; i < in->nArm; i++)
        units += in->aUnits[i];
    if (in->minUnits > 0 && units < in->minUnits) {
        ab_reason(r,
                  json_pack("{s:s, s:f, s:f}", "code", "too_few_units", "units", units, "min_units",
                            in->minUnits),
                  "%.0f of the planned minimum of %.0f units so far", units, in->minUnits);
        return AB_KEEP;
    }
    double p = in->planSequential ? cp->seqPHolm : cp->pHolm;
    const char *zKind = in->planSequential ? "always-valid p" : "p";
    int seq = in->planSequential;
    int good = m->higherBetter ? cp->t.diff > 0 : cp->t.diff < 0;
    if (p < in->alpha && !good) {
        ab_reason(r, ab_code_effect("primary_worse", m->zName, &cp->t, seq, p),
                  "primary metric '%s' is significantly worse: %s, %s = %.3g", m->zName,
                  ab_effect_str(zE, sizeof zE, &cp->t), zKind, p);
        return AB_NO_SHIP;
    }
    if (p < in->alpha) {
        int bad = 0;
        for (size_t g = 0; g < in->nGuard; g++) {
            const AbMetric *gm = &in->aMetric[in->aGuard[g]];
            const AbCmp *cg = &aCmp[in->aGuard[g] * in->nArm + a];
            double pg = in->planSequential ? cg->seqPHolm : cg->pHolm;
            int worse = gm->higherBetter ? cg->t.diff < 0 : cg->t.diff > 0;
            if (pg < in->alpha && worse) {
                ab_reason(r, ab_code_effect("guardrail_worse", gm->zName, &cg->t, seq, pg),
                          "guardrail '%s' is significantly worse: %s, %s = %.3g", gm->zName,
                          ab_effect_str(zE, sizeof zE, &cg->t), zKind, pg);
                bad = 1;
            }
        }
        if (bad) return AB_NO_SHIP;
        if (in->hasMde) {
            double eff = in->mdeRelative ? cp->t.rel : cp->t.diff;
            if (!m->higherBetter) eff = -eff;
            if (!(eff >= in->mde)) {
                json_t *jc = ab_code_effect("below_minimum_effect", m->zName, &cp->t, seq, p);
                json_object_set_new(jc, "mde", json_real(in->mde));
                json_object_set_new(jc, "mde_relative", json_boolean(in->mdeRelative));
                ab_reason(r, jc,
                          "primary metric '%s' improved significantly (%s, %s = %.3g) but by "
                          "less than the plan's minimum effect of %g%s",
                          m->zName, ab_effect_str(zE, sizeof zE, &cp->t), zKind, p,
                          in->mdeRelative ? 100 * in->mde : in->mde, in->mdeRelative ? "%" : "");
                return AB_NO_SHIP;
            }
        }
        ab_reason(r, ab_code_effect("primary_better", m->zName, &cp->t, seq, p),
                  "primary metric '%s' improved significantly: %s, %s = %.3g", m->zName,
                  ab_effect_str(zE, sizeof zE, &cp->t), zKind, p);
        return AB_SHIP;
    }
    json_t *jNone = ab_code_effect("no_effect", m->zName, &cp->t, seq, p);
    if (!in->hasMde) {
        json_object_set_new(jNone, "next", json_string("set_mde"));
        ab_reason(r, jNone,
                  "no significant effect on '%s' yet (%s = %.3g); set plan.mde to know when "
                  "the test has enough units",
                  m->zName, zKind, p);
        return AB_KEEP;
    }
    double nMin = fmin(c->n, t->n);
    if (isfinite(cp->nNeed) && nMin >= cp->nNeed) {
        json_object_set_new(jNone, "next", json_string("planned_size_reached"));
        json_object_set_new(jNone, "units_per_arm", json_real(cp->nNeed));
        json_object_set_new(jNone, "power",
                            stats_json_real(isfinite(cp->power) ? cp->power : in->power));
        ab_reason(r, jNone,
                  "no significant effect on '%s' (%s = %.3g) after the planned %.0f units "
                  "per arm (power %.2f at the minimum effect): the effect is likely smaller "
                  "than the minimum worth shipping",
                  m->zName, zKind, p, cp->nNeed, isfinite(cp->power) ? cp->power : in->power);
        return AB_NO_SHIP;
    }
    if (isfinite(cp->nNeed)) {
        json_object_set_new(jNone, "next", json_string("more_units"));
        json_object_set_new(jNone, "more_units_per_arm", json_real(cp->nNeed - nMin));
        json_object_set_new(jNone, "power", json_real(in->power));
        ab_reason(r, jNone,
                  "no significant effect on '%s' yet (%s = %.3g); %.0f more units per arm "
                  "needed for power %.2f at the minimum effect",
                  m->zName, zKind, p, cp->nNeed - nMin, in->power);
    } else {
        json_object_set_new(jNone, "next", json_string("size_unknown"));
        ab_reason(r, jNone,
                  "no significant effect on '%s' yet (%s = %.3g); the planned size cannot "
                  "be computed from the control's data",
                  m->zName, zKind, p);
    }
    return AB_KEEP;
}

/* [lo, hi] as a JSON array (null entries for non-finite values). */
static json_t *ab_interval(double lo, double hi) {
    json_t *a = json_array();
    json_array_append_new(a, stats_json_real(lo));
    json_array_append_new(a, stats_json_real(hi));
    return a;
}

/* One comparison as JSON. */
static json_t *ab_cmp_json(const AbInput *in, const AbMetric *m, size_t a, const AbCmp *cp) {
    json_t *o = json_object(), *seq = json_object(), *bay = json_object();
    const AbtestTest *t = &cp->t;
    json_object_set_new(o, "arm", json_string(in->azArm[a]));
    json_object_set_new(o, "test", json_string(m->kind == ABTEST_PROPORTION ? "z" : "welch_t"));
    json_object_set_new(o, "diff", stats_json_real(t->diff));
    json_object_set_new(o, "ci", ab_interval(t->lo, t->hi));
    json_object_set_new(o, "statistic", stats_json_real(t->stat));
    if (m->kind == ABTEST_MEAN) json_object_set_new(o, "df", stats_json_real(t->df));
    json_object_set_new(o, "p_value", stats_json_real(t->p));
    json_object_set_new(o, "p_value_holm", stats_json_real(cp->pHolm));
    json_object_set_new(o, "significant", json_boolean(cp->pHolm < in->alpha));
    json_object_set_new(o, "relative_lift", stats_json_real(t->rel));
    json_object_set_new(o, "relative_ci", ab_interval(t->relLo, t->relHi));
    json_object_set_new(o, "power", stats_json_real(cp->power));
    json_object_set_new(o, "required_units_per_arm", stats_json_count(cp->nNeed));
    json_object_set_new(seq, "p_value", stats_json_real(cp->seqP));
    json_object_set_new(seq, "p_value_holm", stats_json_real(cp->seqPHolm));
    json_object_set_new(seq, "ci", ab_interval(t->diff - cp->seqHalf, t->diff + cp->seqHalf));
    json_object_set_new(seq, "tau", stats_json_real(cp->tau));
    json_object_set_new(seq, "significant", json_boolean(cp->seqPHolm < in->alpha));
    json_object_set_new(o, "sequential", seq);
    json_object_set_new(bay, "prior",
                        json_string(m->kind == ABTEST_PROPORTION ? "beta(1,1)"
                                    : in->priorSd > 0            ? "normal_relative"
                                                                 : "flat"));
    if (m->kind == ABTEST_MEAN && in->priorSd > 0)
        json_object_set_new(bay, "prior_sd", json_real(in->priorSd));
    json_object_set_new(bay, "chance_to_beat_control", stats_json_real(cp->beat));
    json_object_set_new(bay, "expected_loss_ship", stats_json_real(cp->lossShip));
    json_object_set_new(bay, "expected_loss_keep", stats_json_real(cp->lossKeep));
    json_object_set_new(o, "bayes", bay);
    return o;
}

/* The per-arm summaries of metric m as JSON. */
static json_t *ab_arms_json(const AbInput *in, const AbMetric *m, const AbtestArmStat *aS,
                            AbtestKind kind) {
    json_t *arr = json_array();
    for (size_t a = 0; a < in->nArm; a++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(in->azArm[a]));
        json_object_set_new(o, "n", stats_json_count(aS[a].n));
        json_object_set_new(o, "mean", stats_json_real(aS[a].mean));
        if (kind == ABTEST_PROPORTION)
            json_object_set_new(o, "conversions",
                                stats_json_count(nearbyint(aS[a].mean * aS[a].n)));
        else
            json_object_set_new(o, "sd", stats_json_real(aS[a].n > 1 ? sqrt(aS[a].var) : NAN));
        json_array_append_new(arr, o);
    }
    (void)m;
    return arr;
}

/* Run the analysis on a filled AbInput and build the result object. */
static int ab_analyse(AbInput *in, int fromCsv, json_t **ppOut) {
    size_t nA = in->nArm, nM = in->nMetric;
    AbCmp *aCmp = calloc(nA * nM, sizeof *aCmp);
    json_t *out = json_object();
    int rc = 0;
    if (!aCmp || !out) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t m = 0; m < nM; m++) {
        double aP[AB_MAX_ARMS], aQ[AB_MAX_ARMS];
        size_t k = 0;
        for (size_t a = 0; a < nA; a++) {
            if (a == in->iControl) continue;
            if ((rc = ab_compare(in, &in->aMetric[m], a, &aCmp[m * nA + a]))) goto done;
            aP[k] = aCmp[m * nA + a].t.p;
            aQ[k++] = aCmp[m * nA + a].seqP;
        }
        stats_holm(aP, k, aP);
        stats_holm(aQ, k, aQ);
        k = 0;
        for (size_t a = 0; a < nA; a++) {
            if (a == in->iControl) continue;
            aCmp[m * nA + a].pHolm = aP[k];
            aCmp[m * nA + a].seqPHolm = aQ[k++];
        }
    }
    double chi2, pSrm;
    abtest_srm(in->aUnits, in->aWeight, nA, &chi2, &pSrm);
    int srmFlagged = pSrm < AB_SRM_ALPHA;
    json_object_set_new(out, "engine", json_string(ABTEST_ENGINE_VERSION));
    json_object_set_new(out, "source", json_string(fromCsv ? "csv" : "summary"));
    json_object_set_new(out, "control", json_string(in->azArm[in->iControl]));
    json_object_set_new(out, "alpha", json_real(in->alpha));
    json_object_set_new(out, "power", json_real(in->power));
    double units = 0, wTot = 0;
    for (size_t a = 0; a < nA; a++) {
        units += in->aUnits[a];
        wTot += in->aWeight[a];
    }
    json_t *arms = json_array();
    for (size_t a = 0; a < nA; a++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(in->azArm[a]));
        json_object_set_new(o, "units", stats_json_count(in->aUnits[a]));
        json_object_set_new(o, "planned_share", json_real(in->aWeight[a] / wTot));
        json_object_set_new(o, "expected_units", json_real(units * in->aWeight[a] / wTot));
        json_array_append_new(arms, o);
    }
    json_object_set_new(out, "arms", arms);
    json_t *srm = json_object();
    json_object_set_new(srm, "chi2", json_real(chi2));
    json_object_set_new(srm, "df", json_integer((json_int_t)(nA > 0 ? nA - 1 : 0)));
    json_object_set_new(srm, "p_value", json_real(pSrm));
    json_object_set_new(srm, "threshold", json_real(AB_SRM_ALPHA));
    json_object_set_new(srm, "flagged", json_boolean(srmFlagged));
    json_object_set_new(out, "srm", srm);
    json_t *metrics = json_array();
    for (size_t m = 0; m < nM; m++) {
        AbMetric *pm = &in->aMetric[m];
        json_t *o = json_object(), *cmps = json_array();
        int isGuard = 0;
        for (size_t g = 0; g < in->nGuard; g++)
            isGuard |= in->aGuard[g] == m;
        json_object_set_new(o, "name", json_string(pm->zName));
        json_object_set_new(o, "type",
                            json_string(pm->kindRaw == ABTEST_PROPORTION ? "proportion" : "mean"));
        json_object_set_new(o, "role",
                            json_string(m == in->iPrimary ? "primary"
                                        : isGuard         ? "guardrail"
                                                          : "secondary"));
        json_object_set_new(o, "higher_is_better", json_boolean(pm->higherBetter));
        json_object_set_new(o, "arms",
                            ab_arms_json(in, pm, pm->cuped ? pm->aRaw : pm->aArm, pm->kindRaw));
        if (pm->cuped) {
            json_t *cu = json_object();
            json_object_set_new(cu, "pre_metric", json_string(pm->zPre));
            json_object_set_new(cu, "theta", stats_json_real(pm->theta));
            json_object_set_new(cu, "variance_reduction", stats_json_real(pm->varReduction));
            json_object_set_new(cu, "arms", ab_arms_json(in, pm, pm->aArm, ABTEST_MEAN));
            json_object_set_new(o, "cuped", cu);
        }
        for (size_t a = 0; a < nA; a++)
            if (a != in->iControl)
                json_array_append_new(cmps, ab_cmp_json(in, pm, a, &aCmp[m * nA + a]));
        json_object_set_new(o, "comparisons", cmps);
        json_array_append_new(metrics, o);
    }
    json_object_set_new(out, "metrics", metrics);
    /* Verdict: each treatment arm, then the overall decision. */
    json_t *v = json_object(), *varms = json_array();
    AbReasons reasons = {json_array(), json_array()};
    int best = -1, anyKeep = 0;
    for (size_t a = 0; a < nA; a++) {
        if (a == in->iControl) continue;
        json_t *o = json_object();
        AbReasons r = {json_array(), json_array()};
        int d = ab_verdict_arm(in, aCmp, a, srmFlagged, pSrm, &r);
        json_object_set_new(o, "arm", json_string(in->azArm[a]));
        json_object_set_new(o, "decision", json_string(azDecision[d]));
        json_object_set_new(o, "reasons", r.aText);
        json_object_set_new(o, "reason_codes", r.aCode);
        json_array_append_new(varms, o);
        const AbMetric *pm = &in->aMetric[in->iPrimary];
        double gain = aCmp[in->iPrimary * nA + a].t.diff * (pm->higherBetter ? 1 : -1);
        if (d == AB_SHIP && (best < 0 || gain > aCmp[in->iPrimary * nA + best].t.diff *
                                                    (pm->higherBetter ? 1 : -1)))
            best = (int)a;
        anyKeep |= d == AB_KEEP;
    }
    int decision = best >= 0 ? AB_SHIP : anyKeep ? AB_KEEP : AB_NO_SHIP;
    if (nA < 2) {
        decision = AB_KEEP;
        ab_reason(&reasons, json_pack("{s:s}", "code", "only_control"),
                  "only the control arm has data: there is nothing to compare");
    } else if (best >= 0) {
        ab_reason(&reasons, json_pack("{s:s, s:s}", "code", "ship_arm", "arm", in->azArm[best]),
                  "ship arm '%s'", in->azArm[best]);
    } else if (srmFlagged) {
        ab_reason(
            &reasons,
            json_pack("{s:s, s:o}", "code", "sample_ratio_mismatch", "p", stats_json_real(pSrm)),
            "sample ratio mismatch (p = %.3g): do not ship until the assignment "
            "is fixed",
            pSrm);
    } else {
        ab_reason(&reasons, json_pack("{s:s}", "code", anyKeep ? "no_arm_yet" : "no_arm"), "%s",
                  anyKeep ? "no arm can ship yet" : "no arm should ship");
    }
    json_object_set_new(v, "decision", json_string(azDecision[decision]));
    json_object_set_new(v, "arm", best >= 0 ? json_string(in->azArm[best]) : json_null());
    json_object_set_new(v, "reasons", reasons.aText);
    json_object_set_new(v, "reason_codes", reasons.aCode);
    json_object_set_new(v, "arms", varms);
    json_object_set_new(out, "verdict", v);
done:
    free(aCmp);
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppOut = out;
    return 0;
}

/* The whole analysis from a spec and an optional CSV; see abtest.h. */
int abtest_run_json(const json_t *pSpec, const char *zCsv, size_t nCsv, int nThread, int csvMapped,
                    json_t **ppOut, EngineError *pErr) {
    static const char *const azTop[] = {
        "control", "alpha",      "power", "arms", "metric", "lower_is_better",
        "plan",    "sequential", "bayes", "csv",  NULL};
    AbInput *in = calloc(1, sizeof *in);
    int rc;
    stats_init();
    *ppOut = NULL;
    if (pErr) memset(pErr, 0, sizeof *pErr);
    if (!in) return KEEL_ENOMEM;
    if ((rc = jspec_only(pSpec, "", azTop, pErr))) goto done;
    if (!zCsv && json_object_get(pSpec, "csv")) {
        rc = jspec_fail(pErr, "csv", "names CSV columns but no CSV was given");
        goto done;
    }
    if ((rc = ab_read_arms(in, pSpec, zCsv != NULL, pErr))) goto done;
    if (zCsv && (rc = ab_read_csv(in, pSpec, zCsv, nCsv, nThread, csvMapped, pErr))) goto done;
    if (in->nArm == 0) {
        rc = jspec_fail(pErr, "arms", "no arms: the data has no units");
        goto done;
    }
    if ((rc = ab_read_settings(in, pSpec, pErr))) goto done;
    rc = ab_analyse(in, zCsv != NULL, ppOut);
done:
    ab_input_free(in);
    free(in);
    return rc;
}
