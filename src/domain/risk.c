/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The risk register and its heatmap; see risk.h. */
#include "domain/risk.h"
#include "domain/alignment.h"
#include "domain/system.h"
#include "store/store_crud.h"
#include "store/store_system.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const azCategory[] = {
    "privacy", "bias_ethics", "technical_failure", "security", "compliance", "third_party", NULL};
static const char *const azRiskStatus[] = {"open", "mitigating", "accepted", "closed", NULL};

static const FieldDef aRiskField[] = {
    {"id", FT_INT, F_READONLY | F_SORT, 1, 9e15, NULL, NULL, "identifier"},
    {"title", FT_TEXT, F_REQUIRED | F_SORT, 1, 300, NULL, NULL, "the risk in a sentence"},
    {"initiative_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "initiative",
     "the initiative it threatens"},
    {"system_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "ai_system",
     "the AI system it threatens"},
    {"category", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azCategory, NULL,
     "privacy, bias_ethics, technical_failure, security, compliance or third_party"},
    {"likelihood", FT_INT, F_REQUIRED | F_FILTER | F_SORT, 1, 5, NULL, NULL, "1 (rare) to 5"},
    {"impact", FT_INT, F_REQUIRED | F_FILTER | F_SORT, 1, 5, NULL, NULL, "1 (minor) to 5"},
    {"residual_likelihood", FT_INT, F_NULLABLE, 1, 5, NULL, NULL, "likelihood after mitigation"},
    {"residual_impact", FT_INT, F_NULLABLE, 1, 5, NULL, NULL, "impact after mitigation"},
    {"owner_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "person", "who owns the risk"},
    {"mitigation", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL, "what is done about it"},
    {"due_date", FT_DATE, F_NULLABLE | F_SORT, 0, 0, NULL, NULL, "when the mitigation is due"},
    {"status", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azRiskStatus, NULL,
     "open, mitigating, accepted or closed"},
    {"evidence_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "evidence",
     "evidence that the mitigation works"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it was created"},
    {"updated_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it last changed"},
};
const ResourceDef resource_risk = RESOURCE("risk", "risk", aRiskField);

/* The initiative a risk concerns (its own, or its system's). */
static int risk_initiative(Db *db, const json_t *r, int64_t *pId) {
    *pId = json_get_id(r, "initiative_id");
    if (*pId || !json_get_id(r, "system_id")) return 0;
    json_t *s;
    int rc = store_crud_get(db, &resource_system, json_get_id(r, "system_id"), &s);
    if (rc) return rc == KEEL_ENOTFOUND ? 0 : rc;
    *pId = json_get_id(s, "initiative_id");
    json_decref(s);
    return 0;
}

static int risk_check(Db *db, const Principal *who, const json_t *r, KeelError *e) {
    if (!json_get_id(r, "initiative_id") && !json_get_id(r, "system_id"))
        return err_set(e, KEEL_EINVAL, "initiative_id",
                       "a risk belongs to an initiative or a system: give initiative_id or "
                       "system_id");
    json_t *rl = json_object_get(r, "residual_likelihood"),
           *ri = json_object_get(r, "residual_impact");
    if (json_is_integer(rl) &&
        json_integer_value(rl) > json_integer_value(json_object_get(r, "likelihood")))
        return err_set(e, KEEL_EINVAL, "residual_likelihood",
                       "residual_likelihood cannot exceed the likelihood before mitigation");
    if (json_is_integer(ri) &&
        json_integer_value(ri) > json_integer_value(json_object_get(r, "impact")))
        return err_set(e, KEEL_EINVAL, "residual_impact",
                       "residual_impact cannot exceed the impact before mitigation");
    if (who->role != ROLE_OWNER) return 0;
    int64_t iid;
    int rc = risk_initiative(db, r, &iid);
    if (rc) return rc;
    return system_may_edit(db, who, iid, e);
}

int risk_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    int rc = resource_validate(&resource_risk, in, 1, e);
    if (rc == 0) rc = risk_check(db, who, in, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_create(db, &resource_risk, &a, in, pId, e);
}

int risk_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_risk, in, 0, e);
    if (rc) return rc;
    json_t *cur;
    rc = store_crud_get(db, &resource_risk, id, &cur);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "risk", id);
    if (rc) return rc;
    json_t *merged = json_deep_copy(cur);
    json_object_update(merged, in);
    rc = risk_check(db, who, cur, e); /* the caller may change the risk as it is */
    if (rc == 0) rc = risk_check(db, who, merged, e);
    json_decref(cur);
    json_decref(merged);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_update(db, &resource_risk, &a, id, in, e);
}

void risk_decorate(json_t *r, const char *zToday) {
    int64_t l = json_get_id(r, "likelihood"), i = json_get_id(r, "impact");
    json_t *rl = json_object_get(r, "residual_likelihood"),
           *ri = json_object_get(r, "residual_impact");
    int64_t l2 = json_is_integer(rl) ? json_integer_value(rl) : l;
    int64_t i2 = json_is_integer(ri) ? json_integer_value(ri) : i;
    json_object_set_new(r, "score", json_integer(l * i));
    json_object_set_new(r, "residual_score", json_integer(l2 * i2));
    const char *zDue = json_get_str(r, "due_date"), *zStatus = json_get_str(r, "status");
    int bOverdue = zDue && zStatus && strcmp(zStatus, "closed") && strcmp(zStatus, "accepted") &&
                   strncmp(zDue, zToday, 10) < 0;
    json_object_set_new(r, "overdue", json_boolean(bOverdue));
}

static json_t *grid(void) {
    json_t *g = json_array();
    for (int l = 0; l < 5; l++) {
        json_t *row = json_array();
        for (int i = 0; i < 5; i++)
            json_array_append_new(row, json_pack("{si s[]}", "count", 0, "ids"));
        json_array_append_new(g, row);
    }
    return g;
}

static void grid_add(json_t *g, int64_t l, int64_t i, int64_t id) {
    json_t *cell = json_array_get(json_array_get(g, (size_t)(l - 1)), (size_t)(i - 1));
    if (!cell) return;
    json_object_set_new(cell, "count", json_integer(json_get_id(cell, "count") + 1));
    json_array_append_new(json_object_get(cell, "ids"), json_integer(id));
}

int risk_heatmap(Db *db, json_t **ppOut) {
    json_t *rows;
    int rc = store_risks_open(db, &rows);
    if (rc) return rc;
    char zToday[32];
    time_iso(time_now(), zToday, sizeof zToday);
    json_t *inh = grid(), *res = grid(), *findings = json_array();
    size_t k;
    json_t *r;
    json_array_foreach(rows, k, r) {
        risk_decorate(r, zToday);
        int64_t id = json_get_id(r, "id");
        grid_add(inh, json_get_id(r, "likelihood"), json_get_id(r, "impact"), id);
        json_t *rl = json_object_get(r, "residual_likelihood"),
               *ri = json_object_get(r, "residual_impact");
        grid_add(res, json_is_integer(rl) ? json_integer_value(rl) : json_get_id(r, "likelihood"),
                 json_is_integer(ri) ? json_integer_value(ri) : json_get_id(r, "impact"), id);
        if (json_is_true(json_object_get(r, "overdue"))) {
            char z[400];
            snprintf(z, sizeof z,
                     "the mitigation of risk %" PRId64 " '%.200s' was due %s (owner %s)", id,
                     json_get_str(r, "title"), json_get_str(r, "due_date"),
                     json_get_str(r, "owner_name") ? json_get_str(r, "owner_name") : "none");
            json_array_append_new(
                findings, json_pack("{ss ss sI sO ss}", "code", "mitigation_overdue", "severity",
                                    json_get_id(r, "score") >= 15 ? "critical" : "warning",
                                    "risk_id", (json_int_t)id, "due_date",
                                    json_object_get(r, "due_date"), "message", z));
            /* the message as a code with its values (docs/api.md#sentences) */
            json_object_set_new(
                json_array_get(findings, json_array_size(findings) - 1), "message_code",
                json_pack("{ss s{sI sO sO sO*}}", "code", "mitigation_overdue", "params", "risk_id",
                          (json_int_t)id, "title", json_object_get(r, "title"), "due",
                          json_object_get(r, "due_date"), "owner",
                          json_object_get(r, "owner_name")));
        }
    }
    *ppOut = json_pack("{so so so so sI}", "inherent", inh, "residual", res, "risks", rows,
                       "findings", findings, "total", (json_int_t)json_array_size(rows));
    return 0;
}
