/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scoring, the ranked list and the alignment chain with its coverage
 * findings. Ranking and trends are computed by engine/ on every read, so a
 * changed weight or a new value re-ranks at once. */
#include "domain/alignment.h"
#include "domain/definition.h"
#include "domain/slip.h"
#include "engine/prioritise.h"
#include "store/store_alignment.h"
#include "store/store_crud.h"
#include "util/json.h"
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int align_scores_set(Db *db, const Principal *who, int64_t initiativeId, const json_t *in,
                     KeelError *e) {
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "scores"))
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s'; send {\"scores\":{criterion: 1..5}}", zKey);
    }
    json_t *scores = json_object_get(in, "scores");
    if (!json_is_object(scores) || json_object_size(scores) == 0)
        return err_set(e, KEEL_EINVAL, "scores", "scores must be an object {criterion_key: 1..5}");
    json_t *init, *crit;
    int rc = store_crud_get(db, &resource_initiative, initiativeId, &init);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "initiative", initiativeId);
    if (rc) return rc;
    json_decref(init);
    if ((rc = store_criteria(db, &crit))) return rc;
    json_object_foreach(scores, zKey, v) {
        size_t i;
        json_t *c;
        int64_t cid = 0;
        json_array_foreach(crit, i, c) if (strcmp(json_string_value(json_object_get(c, "key")),
                                                  zKey) == 0) cid = json_get_id(c, "id");
        char zField[64];
        snprintf(zField, sizeof zField, "scores.%.50s", zKey);
        if (!cid)
            rc = err_set(e, KEEL_EINVAL, zField, "no scoring criterion '%.40s'", zKey);
        else if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5)
            rc = err_set(e, KEEL_EINVAL, zField, "a score is an integer from 1 to 5");
        if (rc) break;
    }
    if (rc) {
        json_decref(crit);
        return rc;
    }
    Actor a = auth_actor(who);
    if ((rc = db_begin(db)) == 0) {
        json_object_foreach(scores, zKey, v) {
            size_t i;
            json_t *c;
            json_array_foreach(crit, i, c) {
                if (strcmp(json_string_value(json_object_get(c, "key")), zKey) == 0)
                    rc = store_score_put(db, &a, initiativeId, json_get_id(c, "id"),
                                         json_integer_value(v));
            }
            if (rc) break;
        }
        rc = db_end(db, rc);
    }
    json_decref(crit);
    return rc;
}

/* KEEL_ERULE "weights_all_zero" when, with criterion id (0: a new one)
 * weighing w, every weight would be 0: nothing could be scored. */
static int weights_not_all_zero(const json_t *crit, int64_t id, double w, KeelError *e) {
    double total = w;
    size_t i;
    json_t *c;
    json_array_foreach(crit, i, c) {
        if (json_integer_value(json_object_get(c, "id")) != id)
            total += json_number_value(json_object_get(c, "weight"));
    }
    if (total > 0) return 0;
    return err_set_code(e, KEEL_ERULE, "weights_all_zero", "weight",
                        "every scoring weight would be 0, so no initiative could be ranked; "
                        "keep at least one weight above 0");
}

int align_criterion_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    int rc = resource_validate(&resource_criterion, in, 1, e);
    if (rc) return rc;
    json_t *crit;
    if ((rc = store_criteria(db, &crit))) return rc;
    if ((rc = weights_not_all_zero(crit, 0, json_number_value(json_object_get(in, "weight")), e))) {
        json_decref(crit);
        return rc;
    }
    size_t n = json_array_size(crit);
    json_decref(crit);
    if (n >= PRIO_MAX_CRITERIA)
        return err_set(e, KEEL_ERULE, "key", "at most %d scoring criteria", PRIO_MAX_CRITERIA);
    Actor a = auth_actor(who);
    return store_crud_create(db, &resource_criterion, &a, in, pId, e);
}

int align_criterion_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    if (json_object_get(in, "key"))
        return err_set(e, KEEL_EINVAL, "key", "a criterion's key cannot change");
    int rc = resource_validate(&resource_criterion, in, 0, e);
    if (rc) return rc;
    json_t *crit;
    if ((rc = store_criteria(db, &crit))) return rc;
    if (json_object_get(in, "weight"))
        rc = weights_not_all_zero(crit, id, json_number_value(json_object_get(in, "weight")), e);
    json_decref(crit);
    if (rc) return rc;
    return resource_update(db, who, &resource_criterion, id, in, e);
}

int align_priorities(Db *db, const char *zStage, int64_t unitId, json_t **ppOut) {
    json_t *crit = NULL, *means = NULL, *inits = NULL;
    int rc = store_criteria(db, &crit);
    if (rc == 0) rc = store_score_means(db, &means);
    if (rc == 0) rc = store_initiatives_for_ranking(db, zStage, unitId, &inits);
    if (rc) goto done;
    int nCrit = (int)json_array_size(crit), nItem = (int)json_array_size(inits);
    if (nCrit > PRIO_MAX_CRITERIA) nCrit = PRIO_MAX_CRITERIA;
    PrioCriterion aCrit[PRIO_MAX_CRITERIA];
    int iValue = -1, iFeas = -1;
    for (int c = 0; c < nCrit; c++) {
        json_t *x = json_array_get(crit, (size_t)c);
        aCrit[c].weight = json_number_value(json_object_get(x, "weight"));
        aCrit[c].bInverse = json_is_true(json_object_get(x, "inverse"));
        const char *zKey = json_string_value(json_object_get(x, "key"));
        if (strcmp(zKey, "business_value") == 0) iValue = c;
        if (strcmp(zKey, "feasibility") == 0) iFeas = c;
    }
    PrioItem *aItem = calloc((size_t)(nItem ? nItem : 1), sizeof *aItem);
    if (!aItem) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (int i = 0; i < nItem; i++) {
        aItem[i].id = json_get_id(json_array_get(inits, (size_t)i), "id");
        for (int c = 0; c < PRIO_MAX_CRITERIA; c++)
            aItem[i].aScore[c] = NAN;
    }
    size_t k;
    json_t *m;
    json_array_foreach(means, k, m) {
        int64_t iid = json_get_id(m, "initiative_id"), cid = json_get_id(m, "criterion_id");
        for (int i = 0; i < nItem; i++) {
            if (aItem[i].id != iid) continue;
            for (int c = 0; c < nCrit; c++)
                if (json_get_id(json_array_get(crit, (size_t)c), "id") == cid)
                    aItem[i].aScore[c] = json_number_value(json_object_get(m, "mean"));
        }
    }
    rc = prioritise_rank(aCrit, nCrit, iValue, iFeas, aItem, nItem);
    if (rc) {
        free(aItem);
        goto done;
    }
    json_t *ranked = json_array();
    for (int i = 0; i < nItem; i++) {
        json_t *src = NULL;
        size_t j;
        json_t *x;
        json_array_foreach(inits, j, x) if (json_get_id(x, "id") == aItem[i].id) src = x;
        json_t *o = json_deep_copy(src);
        json_t *sc = json_object();
        for (int c = 0; c < nCrit; c++)
            json_object_set_new(
                sc, json_string_value(json_object_get(json_array_get(crit, (size_t)c), "key")),
                isnan(aItem[i].aScore[c]) ? json_null() : json_real(aItem[i].aScore[c]));
        json_object_set_new(o, "scores", sc);
        json_object_set_new(o, "total",
                            isnan(aItem[i].total) ? json_null()
                                                  : json_real(round(aItem[i].total * 1000) / 1000));
        json_object_set_new(o, "rank", aItem[i].rank ? json_integer(aItem[i].rank) : json_null());
        json_object_set_new(o, "quadrant",
                            json_string(prioritise_quadrant_name(aItem[i].quadrant)));
        json_array_append_new(ranked, o);
    }
    free(aItem);
    *ppOut = json_pack("{so sO sf}", "items", ranked, "criteria", crit, "midpoint", PRIO_MIDPOINT);
done:
    json_decref(crit);
    json_decref(means);
    json_decref(inits);
    return rc;
}

/* Stages whose initiatives count as live work. */
static int stage_live(const char *z) {
    return z && strcmp(z, "rejected") != 0 && strcmp(z, "retired") != 0;
}

static void finding(json_t *a, const char *zKind, const char *zSeverity, const char *zEntity,
                    int64_t id, const char *zName, const char *zFmt, ...)
    __attribute__((format(printf, 7, 8)));

static void finding(json_t *a, const char *zKind, const char *zSeverity, const char *zEntity,
                    int64_t id, const char *zName, const char *zFmt, ...) {
    char zMsg[400];
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(zMsg, sizeof zMsg, zFmt, ap);
    va_end(ap);
    json_array_append_new(a, json_pack("{ss ss ss sI ss ss}", "kind", zKind, "severity", zSeverity,
                                       "entity", zEntity, "id", (json_int_t)id, "name",
                                       zName ? zName : "", "message", zMsg));
}

int align_alignment(Db *db, json_t **ppOut) {
    json_t *objectives = NULL, *kpis = NULL, *links = NULL, *inits = NULL, *signoffs = NULL;
    ListQuery q;
    memset(&q, 0, sizeof q);
    q.limit = 100000;
    int64_t total;
    KeelError e;
    int rc = store_crud_list(db, &resource_objective, &q, &objectives, &total, &e);
    if (rc == 0) rc = store_crud_list(db, &resource_kpi, &q, &kpis, &total, &e);
    if (rc == 0) rc = store_links_all(db, &links);
    if (rc == 0) rc = store_initiatives_coverage(db, &inits);
    if (rc) goto done;
    json_t *findings = json_array();
    size_t i, j, k;
    json_t *o, *kp, *l, *in;
    json_array_foreach(kpis, k, kp) {
        rc = align_kpi_decorate(db, kp);
        if (rc) {
            json_decref(findings);
            goto done;
        }
        json_t *ki = json_array();
        double sumImpact = 0;
        json_array_foreach(links, j, l) {
            if (json_get_id(l, "kpi_id") != json_get_id(kp, "id")) continue;
            json_array_append_new(
                ki, json_pack("{sI sO sO sO sO}", "initiative_id",
                              (json_int_t)json_get_id(l, "initiative_id"), "title",
                              json_object_get(l, "title"), "stage", json_object_get(l, "stage"),
                              "expected_impact", json_object_get(l, "expected_impact"),
                              "impact_period", json_object_get(l, "impact_period")));
            if (stage_live(json_string_value(json_object_get(l, "stage"))))
                sumImpact += json_number_value(json_object_get(l, "expected_impact"));
        }
        json_object_set_new(kp, "initiatives", ki);
        json_object_set_new(kp, "linked_impact", json_real(sumImpact));
        double latest = json_is_number(json_object_get(kp, "latest"))
                            ? json_number_value(json_object_get(kp, "latest"))
                            : json_number_value(json_object_get(kp, "baseline"));
        double target = json_number_value(json_object_get(kp, "target"));
        int bUp = strcmp(json_string_value(json_object_get(kp, "direction")), "up") == 0;
        const char *zName = json_string_value(json_object_get(kp, "name"));
        const char *zStatus = json_string_value(json_object_get(kp, "status"));
        double reach = latest + sumImpact;
        int bGap = bUp ? reach < target : reach > target;
        json_object_set_new(kp, "impact_gap", json_real(bGap ? fabs(target - reach) : 0));
        if (json_array_size(ki) > 0 && bGap)
            finding(
                findings, "impact_gap", "warning", "kpi", json_get_id(kp, "id"), zName,
                "the initiatives linked to KPI '%s' are expected to bring it to %.6g %s, short of "
                "the target %.6g",
                zName, reach, json_string_value(json_object_get(kp, "unit")), target);
        if (strcmp(zStatus, "off_track") == 0)
            finding(findings, "kpi_off_track", "critical", "kpi", json_get_id(kp, "id"), zName,
                    "KPI '%s' is off track: at the current trend it reaches %.6g by %s against a "
                    "target of %.6g",
                    zName, json_number_value(json_object_get(kp, "projected")),
                    json_string_value(json_object_get(kp, "target_period")), target);
        else if (strcmp(zStatus, "at_risk") == 0)
            finding(findings, "kpi_at_risk", "warning", "kpi", json_get_id(kp, "id"), zName,
                    "KPI '%s' is at risk: the trend reaches only part of the target by %s", zName,
                    json_string_value(json_object_get(kp, "target_period")));
        json_t *drop = json_object_get(kp, "recent_drop");
        if (json_is_true(json_object_get(drop, "flagged")))
            finding(findings, "kpi_recent_drop", "critical", "kpi", json_get_id(kp, "id"), zName,
                    "KPI '%s' moved suddenly the wrong way: %.6g in the latest period against "
                    "%.6g expected from the earlier periods (%+.1f%%); the long trend can hide it",
                    zName, json_number_value(json_object_get(drop, "latest")),
                    json_number_value(json_object_get(drop, "expected")),
                    json_number_value(json_object_get(drop, "change_pct")));
    }
    json_array_foreach(objectives, i, o) {
        json_t *ok = json_array();
        int nLive = 0;
        json_array_foreach(kpis, k, kp) {
            if (json_get_id(kp, "objective_id") != json_get_id(o, "id")) continue;
            json_array_append(ok, kp);
            json_array_foreach(json_object_get(kp, "initiatives"), j,
                               in) if (stage_live(json_string_value(json_object_get(in, "stage"))))
                nLive++;
        }
        json_object_set_new(o, "kpis", ok);
        const char *zStatus = json_string_value(json_object_get(o, "status"));
        if (nLive == 0 && strcmp(zStatus, "closed") && strcmp(zStatus, "achieved"))
            finding(findings, "objective_without_initiative", "warning", "objective",
                    json_get_id(o, "id"), json_string_value(json_object_get(o, "title")),
                    "objective '%s' has no live initiative working on its KPIs",
                    json_string_value(json_object_get(o, "title")));
        if (json_array_size(ok) == 0)
            finding(findings, "objective_without_kpi", "warning", "objective", json_get_id(o, "id"),
                    json_string_value(json_object_get(o, "title")),
                    "objective '%s' has no KPI, so no progress can be measured",
                    json_string_value(json_object_get(o, "title")));
    }
    json_t *unaligned = json_array();
    json_array_foreach(inits, i, in) {
        const char *zStage = json_string_value(json_object_get(in, "stage"));
        if (!stage_live(zStage)) continue;
        const char *zTitle = json_string_value(json_object_get(in, "title"));
        if (json_get_id(in, "n_links") == 0) {
            json_array_append(unaligned, in);
            finding(findings, "unaligned_initiative", "critical", "initiative",
                    json_get_id(in, "id"), zTitle,
                    "initiative '%s' (%s) moves no KPI: it is unaligned and cannot be approved",
                    zTitle, zStage);
        }
        if ((strcmp(zStage, "idea") == 0 || strcmp(zStage, "assessed") == 0) &&
            json_get_id(in, "n_signoffs") < json_get_id(in, "n_signatories") &&
            json_get_id(in, "n_links") > 0)
            finding(findings, "signoffs_missing",
                    strcmp(zStage, "assessed") == 0 ? "warning" : "info", "initiative",
                    json_get_id(in, "id"), zTitle,
                    "initiative '%s' has %" PRId64 " of %" PRId64
                    " sign-offs on charter version %" PRId64,
                    zTitle, json_get_id(in, "n_signoffs"), json_get_id(in, "n_signatories"),
                    json_get_id(in, "charter_version"));
    }
    /* links to shared definitions not agreed, schedule slips (path 4) */
    if ((rc = definition_findings(db, findings)) || (rc = slip_findings(db, findings))) {
        json_decref(findings);
        json_decref(unaligned);
        goto done;
    }
    json_t *counts = json_object();
    json_array_foreach(findings, i, o) {
        const char *zKind = json_string_value(json_object_get(o, "kind"));
        json_object_set_new(counts, zKind,
                            json_integer(json_integer_value(json_object_get(counts, zKind)) + 1));
    }
    *ppOut = json_pack("{sO so so so}", "objectives", objectives, "unaligned_initiatives",
                       unaligned, "findings", findings, "finding_counts", counts);
done:
    json_decref(objectives);
    json_decref(kpis);
    json_decref(links);
    json_decref(inits);
    json_decref(signoffs);
    return rc;
}
