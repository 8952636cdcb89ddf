/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fairness audit's answer for one set of groups: each group's counts
 * and rates, the gaps and ratios, percentile intervals from the bootstrap,
 * and the failures against the spec's thresholds (docs/fairness.md). */
#include "engine/fairness_int.h"
#include "engine/stats.h"
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Percentile interval at level of the finite values a[0], a[stride], ...
 * (n values): [lo, hi] as JSON, null entries when none are finite. */
static json_t *fair_ci(const double *a, size_t stride, size_t n, double level, double *aTmp) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(a[i * stride])) aTmp[k++] = a[i * stride];
    json_t *o = json_array();
    if (k == 0) {
        json_array_append_new(o, json_null());
        json_array_append_new(o, json_null());
        return o;
    }
    gsl_sort(aTmp, 1, k);
    json_array_append_new(
        o, json_real(gsl_stats_quantile_from_sorted_data(aTmp, 1, k, (1 - level) / 2)));
    json_array_append_new(
        o, json_real(gsl_stats_quantile_from_sorted_data(aTmp, 1, k, (1 + level) / 2)));
    return o;
}

/* Append a failure {attribute, metric, value, threshold, groups, message}. */
static void fair_failure(json_t *aFail, const char *zSet, const char *zMetric, double value,
                         double threshold, json_t *aGroups, const char *zMsg) {
    json_t *o = json_object();
    json_object_set_new(o, "attribute", json_string(zSet));
    json_object_set_new(o, "metric", json_string(zMetric));
    json_object_set_new(o, "value", stats_json_real(value));
    json_object_set_new(o, "threshold", json_real(threshold));
    json_object_set_new(o, "groups", aGroups);
    json_object_set_new(o, "message", json_string(zMsg));
    json_array_append_new(aFail, o);
}

/* One set's JSON (groups, metrics, intervals) and its failures appended to
 * aFail. aBoot is NULL without bootstrap. */
json_t *fair_set_json(const FairData *d, const FairSpec *s, const FairSet *st,
                      const FairBoot *aBoot, double *aTmp, json_t *aFail) {
    char zG[512], zG2[512], zMsg[1400];
    FairMetrics m;
    FairnessRates ref;
    fair_metrics(st->aCnt, st->nGroup, s->minCount, &m);
    fairness_rates(&st->aCnt[st->iRef], d->hasScore, &ref);
    json_t *o = json_object(), *groups = json_array(), *met = json_object();
    json_t *cols = json_array();
    if (st->iAttr >= 0)
        json_array_append_new(cols, json_string(s->azAttr[st->iAttr]));
    else
        for (size_t i = 0; i < s->nAttr; i++)
            json_array_append_new(cols, json_string(s->azAttr[i]));
    json_object_set_new(o, "attribute", json_string(st->zName));
    json_object_set_new(o, "columns", cols);
    json_object_set_new(o, "reference",
                        json_string(fair_group_name(d, st, (size_t)st->iRef, zG, sizeof zG)));
    json_object_set_new(o, "reference_rule",
                        json_string(st->refGiven   ? "given"
                                    : s->favorable ? "highest_selection_rate"
                                                   : "lowest_selection_rate"));
    double diMin = HUGE_VAL;
    int iDiMin = -1;
    json_t *lowDi = json_array();
    size_t nBig = 0;
    for (size_t g = 0; g < st->nGroup; g++)
        nBig += fair_n(&st->aCnt[g]) >= s->minCount;
    for (size_t g = 0; g < st->nGroup; g++) {
        const FairnessCounts *c = &st->aCnt[g];
        FairnessRates r;
        fairness_rates(c, d->hasScore, &r);
        int judged = nBig == 0 || r.n >= s->minCount;
        double di = fair_di(&r, &ref, s->favorable);
        json_t *og = json_object(), *vals = json_object();
        fair_group_name(d, st, g, zG, sizeof zG);
        for (size_t i = 0; i < d->nAttr; i++)
            if (st->iAttr < 0 || (size_t)st->iAttr == i)
                json_object_set_new(
                    vals, s->azAttr[i],
                    json_string(fair_level_name(d, i, fair_level(d, i, st->aGroupCell[g]))));
        json_object_set_new(og, "group", json_string(zG));
        json_object_set_new(og, "values", vals);
        json_object_set_new(og, "count", stats_json_count(r.n));
        json_object_set_new(og, "positives", stats_json_count(c->tp + c->fn));
        json_object_set_new(og, "predicted_positives", stats_json_count(c->tp + c->fp));
        json_object_set_new(og, "true_positives", stats_json_count(c->tp));
        json_object_set_new(og, "false_positives", stats_json_count(c->fp));
        json_object_set_new(og, "base_rate", stats_json_real(r.baseRate));
        json_object_set_new(og, "selection_rate", stats_json_real(r.selRate));
        json_object_set_new(og, "tpr", stats_json_real(r.tpr));
        json_object_set_new(og, "fpr", stats_json_real(r.fpr));
        json_object_set_new(og, "precision", stats_json_real(r.precision));
        json_object_set_new(og, "ece", stats_json_real(r.ece));
        json_object_set_new(og, "disparate_impact", stats_json_real(di));
        json_object_set_new(og, "equal_opportunity_difference", stats_json_real(r.tpr - ref.tpr));
        json_object_set_new(og, "fpr_difference", stats_json_real(r.fpr - ref.fpr));
        json_object_set_new(og, "average_odds_difference",
                            stats_json_real(0.5 * ((r.fpr - ref.fpr) + (r.tpr - ref.tpr))));
        json_object_set_new(og, "reference", json_boolean((int)g == st->iRef));
        json_object_set_new(og, "judged", json_boolean(judged));
        if (aBoot) {
            json_t *ci = json_object();
            size_t B = (size_t)s->nBoot, stride = st->nGroup * 4;
            static const char *const azK[] = {"selection_rate", "tpr", "fpr", "disparate_impact"};
            for (int k = 0; k < 4; k++)
                json_object_set_new(
                    ci, azK[k],
                    fair_ci(&aBoot->aGroup[g * 4 + (size_t)k], stride, B, s->level, aTmp));
            json_object_set_new(og, "ci", ci);
        }
        json_array_append_new(groups, og);
        if (judged && (int)g != st->iRef && isfinite(di)) {
            if (di < diMin) diMin = di, iDiMin = (int)g;
            if (di < s->diMin) json_array_append_new(lowDi, json_string(zG));
        }
    }
    json_object_set_new(o, "groups", groups);
    json_object_set_new(met, "demographic_parity_difference", json_real(m.dpd));
    json_object_set_new(met, "demographic_parity_ratio", json_real(m.dpr));
    json_object_set_new(met, "equal_opportunity_difference", json_real(m.tprGap));
    json_object_set_new(met, "equalized_odds_difference", json_real(m.eqOdds));
    json_object_set_new(met, "tpr_difference", json_real(m.tprGap));
    json_object_set_new(met, "fpr_difference", json_real(m.fprGap));
    json_object_set_new(met, "min_disparate_impact", iDiMin >= 0 ? json_real(diMin) : json_real(1));
    json_object_set_new(o, "metrics", met);
    if (aBoot) {
        json_t *ci = json_object();
        static const char *const azK[] = {
            "demographic_parity_difference", "demographic_parity_ratio",
            "equal_opportunity_difference", "fpr_difference", "equalized_odds_difference"};
        for (int k = 0; k < 5; k++)
            json_object_set_new(ci, azK[k],
                                fair_ci(&aBoot->aSet[k], 5, (size_t)s->nBoot, s->level, aTmp));
        json_object_set_new(o, "ci", ci);
        json_t *bo = json_object();
        json_object_set_new(bo, "replicates", json_integer(s->nBoot));
        json_object_set_new(bo, "seed", json_integer((json_int_t)s->seed));
        json_object_set_new(bo, "level", json_real(s->level));
        json_object_set_new(o, "bootstrap", bo);
    }
    /* Failures, each naming the groups responsible. */
    size_t nFail0 = json_array_size(aFail);
    if (json_array_size(lowDi) > 0) {
        fair_group_name(d, st, (size_t)iDiMin, zG, sizeof zG);
        fair_group_name(d, st, (size_t)st->iRef, zG2, sizeof zG2);
        snprintf(zMsg, sizeof zMsg,
                 "%.200s: disparate impact of '%.300s' is %.3f against '%.300s' (%s rate "
                 "%.3f vs %.3f), below the four-fifths threshold %.2f",
                 st->zName, zG, diMin, zG2, s->favorable ? "selection" : "favorable prediction",
                 diMin * fair_fav(&ref, s->favorable), fair_fav(&ref, s->favorable), s->diMin);
        fair_failure(aFail, st->zName, "disparate_impact", diMin, s->diMin, json_incref(lowDi),
                     zMsg);
    }
    json_decref(lowDi);
    if (m.dpd > s->dpdMax && m.iSelMax >= 0) {
        fair_group_name(d, st, (size_t)m.iSelMax, zG, sizeof zG);
        fair_group_name(d, st, (size_t)m.iSelMin, zG2, sizeof zG2);
        snprintf(zMsg, sizeof zMsg,
                 "%.200s: demographic parity difference %.3f between '%.300s' and '%.300s' "
                 "exceeds %.2f",
                 st->zName, m.dpd, zG, zG2, s->dpdMax);
        fair_failure(aFail, st->zName, "demographic_parity_difference", m.dpd, s->dpdMax,
                     json_pack("[ss]", zG, zG2), zMsg);
    }
    if (m.tprGap > s->eodMax && m.iTprMax >= 0) {
        fair_group_name(d, st, (size_t)m.iTprMax, zG, sizeof zG);
        fair_group_name(d, st, (size_t)m.iTprMin, zG2, sizeof zG2);
        snprintf(zMsg, sizeof zMsg,
                 "%.200s: equal opportunity difference (TPR gap) %.3f: '%.300s' has "
                 "TPR %.3f, '%.300s' %.3f; threshold %.2f",
                 st->zName, m.tprGap, zG2,
                 st->aCnt[m.iTprMin].tp / (st->aCnt[m.iTprMin].tp + st->aCnt[m.iTprMin].fn), zG,
                 st->aCnt[m.iTprMax].tp / (st->aCnt[m.iTprMax].tp + st->aCnt[m.iTprMax].fn),
                 s->eodMax);
        fair_failure(aFail, st->zName, "equal_opportunity_difference", m.tprGap, s->eodMax,
                     json_pack("[ss]", zG2, zG), zMsg);
    }
    if (m.eqOdds > s->eqoMax) {
        int fpr = m.fprGap >= m.tprGap;
        int iHi = fpr ? m.iFprMax : m.iTprMax, iLo = fpr ? m.iFprMin : m.iTprMin;
        FairnessRates rh, rl;
        fairness_rates(&st->aCnt[iHi], 0, &rh);
        fairness_rates(&st->aCnt[iLo], 0, &rl);
        fair_group_name(d, st, (size_t)iHi, zG, sizeof zG);
        fair_group_name(d, st, (size_t)iLo, zG2, sizeof zG2);
        if (fpr)
            snprintf(
                zMsg, sizeof zMsg,
                "%.200s: equalized odds difference %.3f is the FPR gap: '%.300s' "
                "has false positive rate %.3f against %.3f for '%.300s' (its true negatives are "
                "flagged far more often); threshold %.2f",
                st->zName, m.eqOdds, zG, rh.fpr, rl.fpr, zG2, s->eqoMax);
        else
            snprintf(zMsg, sizeof zMsg,
                     "%.200s: equalized odds difference %.3f is the TPR gap: '%.300s' "
                     "has true positive rate %.3f against %.3f for '%.300s'; threshold %.2f",
                     st->zName, m.eqOdds, zG2, rl.tpr, rh.tpr, zG, s->eqoMax);
        json_t *f = json_pack("[ss]", fpr ? zG : zG2, fpr ? zG2 : zG);
        fair_failure(aFail, st->zName, "equalized_odds_difference", m.eqOdds, s->eqoMax, f, zMsg);
        json_t *last = json_array_get(aFail, json_array_size(aFail) - 1);
        json_object_set_new(last, "gap", json_string(fpr ? "fpr" : "tpr"));
    }
    json_object_set_new(o, "passed", json_boolean(json_array_size(aFail) == nFail0));
    return o;
}
