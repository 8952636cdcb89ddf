/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The A/B analysis, part 1: reading the spec. Arms with their weights and
 * summaries, metrics, and the settings (control, alpha, power, plan,
 * sequential, bayes); every error names its field (docs/abtest.md). */
#include "engine/abtest_int.h"
#include "util/err.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Free what an AbInput owns. */
void ab_input_free(AbInput *in) {
    for (size_t i = 0; i < in->nArm; i++)
        free(in->azArm[i]);
    for (size_t i = 0; i < in->nMetric; i++) {
        free(in->aMetric[i].zName);
        free(in->aMetric[i].aArm);
        free(in->aMetric[i].aRaw);
        free(in->aMetric[i].zPre);
    }
}

/* Index of the arm named z, or -1. */
int ab_arm_find(const AbInput *in, const char *z) {
    for (size_t i = 0; i < in->nArm; i++)
        if (strcmp(in->azArm[i], z) == 0) return (int)i;
    return -1;
}

/* Add an arm named z (weight 1) to the ones the data found; its index, or
 * KEEL_ENOMEM. The caller checks that there is room. */
int ab_arm_add(AbInput *in, const char *z) {
    if (!(in->azArm[in->nArm] = strdup(z))) return KEEL_ENOMEM;
    in->aWeight[in->nArm] = 1;
    return (int)in->nArm++;
}

/* Index of the metric named z, or -1. */
int ab_metric_find(const AbInput *in, const char *z) {
    for (size_t i = 0; i < in->nMetric; i++)
        if (strcmp(in->aMetric[i].zName, z) == 0) return (int)i;
    return -1;
}

/* Add a metric named z (copied) with room for every arm; its index through
 * *pi. Fails when there are too many metrics. */
int ab_metric_add(AbInput *in, const char *z, AbtestKind kind, size_t *pi, EngineError *pErr) {
    if (in->nMetric == AB_MAX_METRICS)
        return jspec_fail(pErr, "metrics", "at most %d metrics", AB_MAX_METRICS);
    AbMetric *m = &in->aMetric[in->nMetric];
    memset(m, 0, sizeof *m);
    m->zName = strdup(z);
    m->aArm = calloc(in->nArm ? in->nArm : 1, sizeof *m->aArm);
    if (!m->zName || !m->aArm) {
        free(m->zName);
        free(m->aArm);
        return KEEL_ENOMEM;
    }
    m->kind = m->kindRaw = kind;
    m->higherBetter = 1;
    *pi = in->nMetric++;
    return 0;
}

/* Read one arm's summary of one metric from object o (at path zPath):
 * {"conversions": x} or {"mean": m, "sd": s}, with n = "units" of o when
 * present, else nUnits. Adds the metric on first sight and checks that
 * every arm gives the same kind. */
static int ab_read_summary(AbInput *in, const json_t *o, const char *zPath, const char *zMetric,
                           size_t iArm, double nUnits, EngineError *pErr) {
    char zF[128];
    double n, x, mean, sd;
    int rc = jspec_count(o, "units", zPath, nUnits, &n, pErr);
    if (rc) return rc;
    int isProp = json_object_get(o, "conversions") != NULL;
    int isMean = json_object_get(o, "mean") != NULL;
    if (isProp == isMean) {
        snprintf(zF, sizeof zF, "%s", zPath);
        return jspec_fail(pErr, zF, "give either \"conversions\" or \"mean\" and \"sd\"");
    }
    AbtestKind kind = isProp ? ABTEST_PROPORTION : ABTEST_MEAN;
    int iM = ab_metric_find(in, zMetric);
    size_t im;
    if (iM < 0) {
        if ((rc = ab_metric_add(in, zMetric, kind, &im, pErr))) return rc;
    } else {
        im = (size_t)iM;
        if (in->aMetric[im].kind != kind)
            return jspec_fail(pErr, zPath, "metric '%s' is a %s in another arm", zMetric,
                              in->aMetric[im].kind == ABTEST_PROPORTION ? "proportion" : "mean");
    }
    AbtestArmStat *s = &in->aMetric[im].aArm[iArm];
    s->n = n;
    if (isProp) {
        if ((rc = jspec_count(o, "conversions", zPath, 0, &x, pErr))) return rc;
        if (x > n) {
            snprintf(zF, sizeof zF, "%s%sconversions", zPath, zPath[0] ? "." : "");
            return jspec_fail(pErr, zF, "%.17g conversions exceed the %.17g units", x, n);
        }
        s->mean = n > 0 ? x / n : 0;
        s->var = s->mean * (1 - s->mean);
    } else {
        if ((rc = jspec_number(o, "mean", zPath, 0, -HUGE_VAL, HUGE_VAL, 0, 0, &mean, pErr)))
            return rc;
        snprintf(zF, sizeof zF, "%s%ssd", zPath, zPath[0] ? "." : "");
        if (!json_object_get(o, "sd")) return jspec_fail(pErr, zF, "is required with \"mean\"");
        if ((rc = jspec_number(o, "sd", zPath, 0, 0, HUGE_VAL, 0, 0, &sd, pErr))) return rc;
        s->mean = mean;
        s->var = sd * sd;
    }
    return 0;
}

/* Read spec.arms (names, weights and, without a CSV, summaries). */
int ab_read_arms(AbInput *in, const json_t *spec, int fromCsv, EngineError *pErr) {
    static const char *const azArmKey[] = {"name", "weight", "units",   "conversions",
                                           "mean", "sd",     "metrics", NULL};
    json_t *aArms = json_object_get(spec, "arms");
    const char *zMetric;
    char zP[96], zP2[160];
    int rc = jspec_string(spec, "metric", "", "metric", &zMetric, pErr);
    if (rc) return rc;
    if (!aArms) {
        if (fromCsv) return 0;
        return jspec_fail(pErr, "arms", "is required (or give a CSV of units)");
    }
    if (!json_is_array(aArms) || json_array_size(aArms) == 0)
        return jspec_fail(pErr, "arms", "must be a non-empty array of arms");
    if (json_array_size(aArms) > AB_MAX_ARMS)
        return jspec_fail(pErr, "arms", "at most %d arms", AB_MAX_ARMS);
    for (size_t i = 0; i < json_array_size(aArms); i++) {
        json_t *a = json_array_get(aArms, i);
        const char *zName;
        snprintf(zP, sizeof zP, "arms[%zu]", i);
        if ((rc = jspec_only(a, zP, azArmKey, pErr))) return rc;
        if ((rc = jspec_string(a, "name", zP, NULL, &zName, pErr))) return rc;
        if (!zName) return jspec_fail(pErr, zP, "needs a \"name\"");
        if (ab_arm_find(in, zName) >= 0)
            return jspec_fail(pErr, zP, "arm '%s' is listed twice", zName);
        if (!(in->azArm[in->nArm] = strdup(zName))) return KEEL_ENOMEM;
        size_t k = in->nArm++;
        if ((rc = jspec_number(a, "weight", zP, 1, 0, HUGE_VAL, 1, 0, &in->aWeight[k], pErr)))
            return rc;
        if (fromCsv) {
            static const char *const azNo[] = {"units", "conversions", "mean", "sd", "metrics"};
            for (size_t j = 0; j < sizeof azNo / sizeof azNo[0]; j++)
                if (json_object_get(a, azNo[j])) {
                    snprintf(zP2, sizeof zP2, "%s.%s", zP, azNo[j]);
                    return jspec_fail(pErr, zP2,
                                      "is not allowed with CSV input (the data "
                                      "gives the summaries)");
                }
        }
    }
    if (fromCsv) return 0;
    /* Summaries: metrics need every arm, so read after all names are known. */
    for (size_t i = 0; i < in->nArm; i++) {
        json_t *a = json_array_get(aArms, i);
        snprintf(zP, sizeof zP, "arms[%zu]", i);
        if ((rc = jspec_count(a, "units", zP, -1, &in->aUnits[i], pErr))) return rc;
        if (in->aUnits[i] < 0) return jspec_fail(pErr, zP, "needs \"units\"");
        if (json_object_get(a, "conversions") || json_object_get(a, "mean") ||
            json_object_get(a, "sd")) {
            json_t *o = json_object();
            if (!o) return KEEL_ENOMEM;
            static const char *const azCopy[] = {"conversions", "mean", "sd"};
            for (size_t j = 0; j < 3; j++)
                if (json_object_get(a, azCopy[j]))
                    json_object_set(o, azCopy[j], json_object_get(a, azCopy[j]));
            rc = ab_read_summary(in, o, zP, zMetric, i, in->aUnits[i], pErr);
            json_decref(o);
            if (rc) return rc;
        }
        json_t *ms = json_object_get(a, "metrics");
        if (ms) {
            snprintf(zP2, sizeof zP2, "%s.metrics", zP);
            if (!json_is_object(ms)) return jspec_fail(pErr, zP2, "must be an object");
            const char *zKey;
            json_t *v;
            json_object_foreach(ms, zKey, v) {
                static const char *const azKey[] = {"units", "conversions", "mean", "sd", NULL};
                char zP3[256];
                snprintf(zP3, sizeof zP3, "%s.%s", zP2, zKey);
                if ((rc = jspec_only(v, zP3, azKey, pErr))) return rc;
                if (ab_metric_find(in, zKey) < 0 && i > 0)
                    return jspec_fail(pErr, zP3, "metric '%s' is missing in arms[0]", zKey);
                if ((rc = ab_read_summary(in, v, zP3, zKey, i, in->aUnits[i], pErr))) return rc;
            }
        }
    }
    /* Every metric must be in every arm. */
    for (size_t i = 0; i < in->nArm; i++) {
        json_t *a = json_array_get(aArms, i), *ms = json_object_get(a, "metrics");
        snprintf(zP, sizeof zP, "arms[%zu]", i);
        for (size_t m = 0; m < in->nMetric; m++) {
            int has = (strcmp(in->aMetric[m].zName, zMetric) == 0 &&
                       (json_object_get(a, "conversions") || json_object_get(a, "mean"))) ||
                      (ms && json_object_get(ms, in->aMetric[m].zName));
            if (!has)
                return jspec_fail(pErr, zP, "has no summary of metric '%s'", in->aMetric[m].zName);
        }
    }
    if (in->nMetric == 0)
        return jspec_fail(pErr, "arms[0]", "give \"conversions\" or \"mean\" and \"sd\"");
    return 0;
}

/* Read the top-level settings: control, alpha, power, lower_is_better,
 * plan, sequential, bayes. Runs after arms and metrics are known. */
int ab_read_settings(AbInput *in, const json_t *spec, EngineError *pErr) {
    const char *zControl;
    char zF[160];
    int rc = jspec_string(spec, "control", "", NULL, &zControl, pErr);
    if (rc) return rc;
    if (!zControl) return jspec_fail(pErr, "control", "is required: name the control arm");
    int k = ab_arm_find(in, zControl);
    if (k < 0) return jspec_fail(pErr, "control", "no arm named '%s'", zControl);
    in->iControl = (size_t)k;
    if ((rc = jspec_number(spec, "alpha", "", 0.05, 0, 1, 1, 1, &in->alpha, pErr))) return rc;
    if ((rc = jspec_number(spec, "power", "", 0.8, 0, 1, 1, 1, &in->power, pErr))) return rc;
    json_t *lower = json_object_get(spec, "lower_is_better");
    if (lower) {
        if (!json_is_array(lower))
            return jspec_fail(pErr, "lower_is_better", "must be an array of metric names");
        for (size_t i = 0; i < json_array_size(lower); i++) {
            json_t *v = json_array_get(lower, i);
            int m = json_is_string(v) ? ab_metric_find(in, json_string_value(v)) : -1;
            snprintf(zF, sizeof zF, "lower_is_better[%zu]", i);
            if (m < 0) return jspec_fail(pErr, zF, "is not a metric of this analysis");
            in->aMetric[m].higherBetter = 0;
        }
    }
    /* plan */
    static const char *const azPlan[] = {"primary",    "mde",        "mde_type", "min_units",
                                         "guardrails", "sequential", NULL};
    json_t *plan = json_object_get(spec, "plan");
    const char *zPrimary, *zMdeType;
    if (plan && (rc = jspec_only(plan, "plan", azPlan, pErr))) return rc;
    if ((rc = jspec_string(plan, "primary", "plan", in->aMetric[0].zName, &zPrimary, pErr)))
        return rc;
    if ((k = ab_metric_find(in, zPrimary)) < 0)
        return jspec_fail(pErr, "plan.primary", "no metric named '%s'", zPrimary);
    in->iPrimary = (size_t)k;
    in->hasMde =
        plan && json_object_get(plan, "mde") && !json_is_null(json_object_get(plan, "mde"));
    if ((rc = jspec_number(plan, "mde", "plan", 0, 0, HUGE_VAL, 1, 0, &in->mde, pErr))) return rc;
    if ((rc = jspec_string(plan, "mde_type", "plan", "relative", &zMdeType, pErr))) return rc;
    if (strcmp(zMdeType, "relative") && strcmp(zMdeType, "absolute"))
        return jspec_fail(pErr, "plan.mde_type", "must be \"relative\" or \"absolute\"");
    in->mdeRelative = strcmp(zMdeType, "relative") == 0;
    if ((rc = jspec_count(plan, "min_units", "plan", 0, &in->minUnits, pErr))) return rc;
    if ((rc = jspec_bool(plan, "sequential", "plan", 0, &in->planSequential, pErr))) return rc;
    json_t *g = plan ? json_object_get(plan, "guardrails") : NULL;
    if (g) {
        if (!json_is_array(g))
            return jspec_fail(pErr, "plan.guardrails", "must be an array of metric names");
        for (size_t i = 0; i < json_array_size(g) && i < AB_MAX_METRICS; i++) {
            json_t *v = json_array_get(g, i);
            int m = json_is_string(v) ? ab_metric_find(in, json_string_value(v)) : -1;
            snprintf(zF, sizeof zF, "plan.guardrails[%zu]", i);
            if (m < 0) return jspec_fail(pErr, zF, "is not a metric of this analysis");
            if ((size_t)m == in->iPrimary)
                return jspec_fail(pErr, zF, "the primary metric cannot be its own guardrail");
            in->aGuard[in->nGuard++] = (size_t)m;
        }
    }
    /* sequential and bayes */
    static const char *const azSeq[] = {"tau", "n_star", NULL};
    static const char *const azBayes[] = {"prior", "prior_sd", NULL};
    json_t *seq = json_object_get(spec, "sequential");
    if (seq && (rc = jspec_only(seq, "sequential", azSeq, pErr))) return rc;
    if ((rc = jspec_number(seq, "tau", "sequential", 0, 0, HUGE_VAL, 1, 0, &in->tau, pErr)))
        return rc;
    if ((rc = jspec_number(seq, "n_star", "sequential", 0, 1, HUGE_VAL, 0, 0, &in->nStar, pErr)))
        return rc;
    json_t *bayes = json_object_get(spec, "bayes");
    const char *zPrior;
    if (bayes && (rc = jspec_only(bayes, "bayes", azBayes, pErr))) return rc;
    if ((rc = jspec_string(bayes, "prior", "bayes", "flat", &zPrior, pErr))) return rc;
    if (strcmp(zPrior, "flat") && strcmp(zPrior, "normal"))
        return jspec_fail(pErr, "bayes.prior", "must be \"flat\" or \"normal\"");
    double sd;
    if ((rc = jspec_number(bayes, "prior_sd", "bayes", 0.3, 0, HUGE_VAL, 1, 0, &sd, pErr)))
        return rc;
    in->priorSd = strcmp(zPrior, "normal") == 0 ? sd : 0;
    return 0;
}
