/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Actions and the retraining chain; see action.h. */
#include "domain/action.h"
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "domain/analysis.h"
#include "domain/risk.h"
#include "domain/system.h"
#include "store/store_analysis.h"
#include "store/store_crud.h"
#include "store/store_iteration.h"
#include "store/store_system.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const azActionKind[] = {"general", "retraining", NULL};
static const char *const azActionStatus[] = {"open", "in_progress", "done", "cancelled", NULL};
static const char *const azActionSource[] = {"manual", "review", "finding", "risk", "gate", NULL};

static const FieldDef aActionField[] = {
    ID_FIELD,
    {"title", FT_TEXT, F_REQUIRED | F_SORT, 1, 300, NULL, NULL, "what is to be done"},
    {"description", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL, "more detail"},
    {"kind", FT_ENUM, F_FILTER, 0, 0, azActionKind, NULL,
     "general, or retraining (a model retrained on new data; done with the new version)"},
    {"owner_id", FT_REF, F_REQUIRED | F_FILTER, 1, 9e15, NULL, "person", "who does it"},
    {"due_date", FT_DATE, F_REQUIRED | F_SORT, 0, 0, NULL, NULL, "when it is due"},
    {"status", FT_ENUM, F_FILTER, 0, 0, azActionStatus, NULL,
     "open, in_progress, done or cancelled (done and cancelled need a close_note)"},
    {"source", FT_ENUM, F_FILTER, 0, 0, azActionSource, NULL,
     "what raised it: manual, review, finding, risk or gate"},
    {"source_key", FT_TEXT, F_NULLABLE | F_FILTER, 1, 200, NULL, NULL,
     "the finding that raised it (e.g. decay:maintenance-model:new_equipment); one open action "
     "per key"},
    {"initiative_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "initiative", "its initiative"},
    {"system_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "ai_system", "its AI system"},
    {"risk_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "risk", "the risk that raised it"},
    {"review_period", FT_PERIOD, F_NULLABLE | F_FILTER, 0, 0, NULL, NULL,
     "the quarterly review that raised it"},
    {"evidence_required", FT_BOOL, 0, 0, 0, NULL, NULL,
     "closing as done needs a stored analysis (evidence_analysis_id)"},
    {"evidence_analysis_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "analysis",
     "the analysis that shows it is done (retraining: the A/B test of the new version)"},
    {"data_asset_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "data_asset",
     "retraining: the new data (profiled for readiness)"},
    {"version_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "system_version",
     "retraining: the retrained version"},
    {"close_note", FT_TEXT, F_NULLABLE, 1, 4000, NULL, NULL, "how it was closed"},
    {"closed_at", FT_TIME, F_READONLY, 0, 0, NULL, NULL, "when it was closed"},
    {"closed_by", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who closed it"},
    {"account_id", FT_INT, F_READONLY, 0, 9e15, NULL, NULL, "who raised it"},
    {"created_by", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who raised it"},
    TIMES,
};
const ResourceDef resource_action = RESOURCE("action", "action_item", aActionField);

static int is_active(const char *zStatus) {
    return zStatus && (strcmp(zStatus, "open") == 0 || strcmp(zStatus, "in_progress") == 0);
}

void action_decorate(json_t *a, const char *zToday) {
    const char *zDue = json_get_str(a, "due_date");
    int bOverdue = is_active(json_get_str(a, "status")) && zDue && strncmp(zDue, zToday, 10) < 0;
    json_object_set_new(a, "overdue", json_boolean(bOverdue));
    json_t *ev = json_object_get(a, "evidence_required");
    if (json_is_integer(ev))
        json_object_set_new(a, "evidence_required", json_boolean(json_integer_value(ev)));
    if (bOverdue) {
        int64_t tDue, tNow;
        if (time_parse_iso(zDue, &tDue) == 0 && time_parse_iso(zToday, &tNow) == 0)
            json_object_set_new(a, "days_overdue", json_integer((tNow - tDue) / 86400));
    }
}

/* Fill initiative_id from the system or the risk when not given; check
 * that the links named agree. */
static int action_links(Db *db, json_t *in, KeelError *e) {
    int64_t sys = json_get_id(in, "system_id"), risk = json_get_id(in, "risk_id");
    int64_t ini = json_get_id(in, "initiative_id");
    json_t *row;
    if (sys && store_crud_get(db, &resource_system, sys, &row) == 0) {
        int64_t i2 = json_get_id(row, "initiative_id");
        json_decref(row);
        if (ini && ini != i2)
            return err_set(e, KEEL_EINVAL, "initiative_id",
                           "system %" PRId64 " belongs to initiative %" PRId64 ", not %" PRId64,
                           sys, i2, ini);
        ini = i2;
    }
    if (!ini && risk && store_crud_get(db, &resource_risk, risk, &row) == 0) {
        ini = json_get_id(row, "initiative_id");
        if (!sys && json_get_id(row, "system_id"))
            json_object_set_new(in, "system_id", json_integer(json_get_id(row, "system_id")));
        json_decref(row);
    }
    if (ini) json_object_set_new(in, "initiative_id", json_integer(ini));
    int64_t ver = json_get_id(in, "version_id");
    sys = json_get_id(in, "system_id");
    if (ver && store_crud_get(db, &resource_system_version, ver, &row) == 0) {
        int64_t s2 = json_get_id(row, "system_id");
        json_decref(row);
        if (sys && s2 != sys)
            return err_set(e, KEEL_EINVAL, "version_id",
                           "version %" PRId64 " belongs to another system than the action's", ver);
    }
    return 0;
}

int action_create(Db *db, const Principal *who, json_t *in, int64_t *pId, int *pbNew,
                  KeelError *e) {
    *pbNew = 0;
    int rc = resource_validate(&resource_action, in, 1, e);
    if (rc) return rc;
    const char *zStatus = json_get_str(in, "status");
    if (zStatus && strcmp(zStatus, "open") != 0)
        return err_set(e, KEEL_EINVAL, "status", "a new action is open; change its status later");
    if (json_object_get(in, "close_note") && !json_is_null(json_object_get(in, "close_note")))
        return err_set(e, KEEL_EINVAL, "close_note", "a new action has no close_note yet");
    const char *zSource = json_get_str(in, "source") ? json_get_str(in, "source") : "manual";
    const char *zKey = json_get_str(in, "source_key");
    if (strcmp(zSource, "risk") == 0 && !json_get_id(in, "risk_id"))
        return err_set(e, KEEL_EINVAL, "risk_id", "an action raised by a risk names the risk_id");
    if (strcmp(zSource, "review") == 0 && !json_get_str(in, "review_period"))
        return err_set(e, KEEL_EINVAL, "review_period",
                       "an action raised by a review names its review_period, e.g. 2026Q3");
    if ((strcmp(zSource, "finding") == 0 || strcmp(zSource, "gate") == 0) && !zKey)
        return err_set(e, KEEL_EINVAL, "source_key",
                       "an action raised by a %s names it in source_key, e.g. %s", zSource,
                       zSource[0] == 'f' ? "decay:maintenance-model:new_equipment"
                                         : "gate:credit-scoring-v2:launch");
    const char *zKind = json_get_str(in, "kind");
    if (zKind && strcmp(zKind, "retraining") == 0 && !json_get_id(in, "system_id"))
        return err_set(e, KEEL_EINVAL, "system_id", "a retraining action names the system_id");
    if ((rc = db_begin(db))) return rc;
    if (zKey) {
        /* one open action per finding: a second evaluation finds the first */
        rc = store_action_open_by_key(db, zKey, pId);
        if (rc || *pId) return db_end(db, rc);
    }
    rc = action_links(db, in, e);
    if (rc == 0) {
        json_object_set_new(in, "source", json_string(zSource));
        if (!zKind) json_object_set_new(in, "kind", json_string("general"));
        json_object_set_new(in, "status", json_string("open"));
        json_object_set_new(in, "account_id", json_integer(who->accountId));
        Actor a = auth_actor(who);
        json_object_set_new(in, "created_by",
                            json_string(a.zName && a.zName[0] ? a.zName : "system"));
        rc = store_crud_create(db, &resource_action, &a, in, pId, e);
        *pbNew = rc == 0;
    }
    return db_end(db, rc);
}

int action_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_action, in, 0, e);
    if (rc) return rc;
    static const char *const azFixed[] = {"source", "source_key", "review_period", "risk_id", NULL};
    for (int i = 0; azFixed[i]; i++)
        if (json_object_get(in, azFixed[i]))
            return err_set(e, KEEL_EINVAL, azFixed[i],
                           "%s says what raised the action and does not change", azFixed[i]);
    if ((rc = db_begin(db))) return rc;
    json_t *cur = NULL, *merged = NULL;
    rc = store_crud_get(db, &resource_action, id, &cur);
    if (rc == KEEL_ENOTFOUND) rc = err_no_id(e, rc, "id", "action", id);
    if (rc) return db_end(db, rc);
    if (!(who->role & (ROLE_ADMIN | ROLE_COMMITTEE)) &&
        (!who->personId || who->personId != json_get_id(cur, "owner_id"))) {
        rc = err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                          "only the action's owner, the committee or an admin may change it");
        goto out;
    }
    const char *zOld = json_get_str(cur, "status");
    if (!is_active(zOld)) {
        rc = err_set_code(e, KEEL_ECONFLICT, "closed", "status",
                          "action %" PRId64 " is %s: a closed action does not change; raise a new "
                          "one",
                          id, zOld);
        goto out;
    }
    merged = json_deep_copy(cur);
    json_object_update(merged, in);
    const char *zNew = json_get_str(merged, "status");
    if (!is_active(zNew)) {
        if (!json_get_str(merged, "close_note")) {
            rc = err_set(e, KEEL_EINVAL, "close_note",
                         "closing an action (%s) needs a close_note saying what was done", zNew);
            goto out;
        }
        int bEvidence = json_is_true(json_object_get(merged, "evidence_required")) ||
                        json_integer_value(json_object_get(merged, "evidence_required")) != 0;
        int bRetrain = strcmp(json_get_str(merged, "kind"), "retraining") == 0;
        if (strcmp(zNew, "done") == 0 && (bEvidence || bRetrain) &&
            !json_get_id(merged, "evidence_analysis_id")) {
            rc = err_set_code(e, KEEL_ERULE, "evidence_required", "evidence_analysis_id",
                              "this action is done only with its evidence: give "
                              "evidence_analysis_id, a stored analysis%s",
                              bRetrain ? " (the A/B test of the retrained version)" : "");
            goto out;
        }
        if (strcmp(zNew, "done") == 0 && bRetrain && !json_get_id(merged, "version_id")) {
            rc = err_set_code(e, KEEL_ERULE, "version_required", "version_id",
                              "a retraining action is done with the retrained version: give "
                              "version_id");
            goto out;
        }
        char zNow[32];
        time_iso(time_now(), zNow, sizeof zNow);
        Actor a0 = auth_actor(who);
        json_object_set_new(in, "closed_at", json_string(zNow));
        json_object_set_new(in, "closed_by",
                            json_string(a0.zName && a0.zName[0] ? a0.zName : "system"));
    }
    if ((rc = action_links(db, merged, e))) goto out;
    if (json_get_id(merged, "initiative_id") != json_get_id(cur, "initiative_id"))
        json_object_set(in, "initiative_id", json_object_get(merged, "initiative_id"));
    Actor a = auth_actor(who);
    rc = store_crud_update(db, &resource_action, &a, id, in, e);
out:
    json_decref(cur);
    json_decref(merged);
    return db_end(db, rc);
}

/* The retraining chain of action a (borrowed): {finding, data, version,
 * evaluations, abtest, in_production, steps_done}. */
static json_t *action_chain(Db *db, const json_t *a) {
    json_t *chain = json_object(), *row;
    int nDone = 1; /* the finding raised it */
    json_object_set_new(chain, "finding",
                        json_pack("{s:s?, s:s}", "key", json_get_str(a, "source_key"), "raised_at",
                                  json_get_str(a, "created_at")));
    int64_t asset = json_get_id(a, "data_asset_id"), ver = json_get_id(a, "version_id");
    if (asset && store_crud_get(db, &resource_data_asset, asset, &row) == 0) {
        json_object_set_new(chain, "data",
                            json_pack("{sI ss sO sO}", "id", (json_int_t)asset, "name",
                                      json_get_str(row, "name"), "readiness_score",
                                      json_object_get(row, "readiness_score"), "profiled_at",
                                      json_object_get(row, "profiled_at")));
        nDone += json_is_number(json_object_get(row, "readiness_score"));
        json_decref(row);
    }
    int bProd = 0;
    if (ver && store_crud_get(db, &resource_system_version, ver, &row) == 0) {
        json_object_set_new(chain, "version",
                            json_pack("{sI ss ss}", "id", (json_int_t)ver, "version",
                                      json_get_str(row, "version"), "stage",
                                      json_get_str(row, "stage")));
        bProd = strcmp(json_get_str(row, "stage"), "operating") == 0;
        nDone++;
        json_decref(row);
        json_t *ev;
        if (store_system_evidence(db, json_get_id(a, "system_id"), &ev) == 0) {
            json_t *evals = json_array(), *x;
            size_t i;
            json_array_foreach(ev, i, x) {
                if (json_get_id(x, "version_id") != ver || !json_get_id(x, "analysis_id")) continue;
                json_array_append_new(evals, json_pack("{sO sO sO sO}", "analysis_id",
                                                       json_object_get(x, "analysis_id"), "kind",
                                                       json_object_get(x, "kind"), "title",
                                                       json_object_get(x, "analysis_title"),
                                                       "verdict", json_object_get(x, "verdict")));
            }
            json_object_set_new(chain, "evaluations", evals);
            json_decref(ev);
        }
    }
    int64_t an = json_get_id(a, "evidence_analysis_id");
    if (an && store_crud_get(db, &resource_analysis, an, &row) == 0) {
        json_t *ab = json_pack("{sI sO sO sO}", "analysis_id", (json_int_t)an, "kind",
                               json_object_get(row, "kind"), "title", json_object_get(row, "title"),
                               "verdict", json_object_get(row, "verdict"));
        json_t *spec = NULL, *res = NULL;
        store_analysis_payload(db, an, &spec, &res);
        json_decref(spec);
        /* the primary metric's mean in the control arm and the other arm */
        const char *zControl = json_get_str(res, "control");
        json_t *m, *arm;
        size_t k, q;
        json_array_foreach(json_object_get(res, "metrics"), k, m) {
            if (strcmp(json_get_str(m, "role") ? json_get_str(m, "role") : "", "primary")) continue;
            json_object_set(ab, "metric", json_object_get(m, "name"));
            json_array_foreach(json_object_get(m, "arms"), q, arm) json_object_set(
                ab,
                zControl && strcmp(json_get_str(arm, "name"), zControl) == 0 ? "control_rate"
                                                                             : "treatment_rate",
                json_object_get(arm, "mean"));
        }
        json_decref(res);
        json_object_set_new(chain, "abtest", ab);
        nDone++;
        json_decref(row);
    }
    json_object_set_new(chain, "in_production", json_boolean(bProd));
    json_object_set_new(chain, "steps_done", json_integer(nDone + bProd));
    json_object_set_new(chain, "steps", json_integer(5));
    return chain;
}

int action_get(Db *db, int64_t id, json_t **ppOut) {
    json_t *rows;
    int rc = store_actions(db, &rows);
    if (rc) return rc;
    json_t *x, *found = NULL;
    size_t i;
    json_array_foreach(rows, i, x) if (json_get_id(x, "id") == id) found = json_incref(x);
    json_decref(rows);
    if (!found) return KEEL_ENOTFOUND;
    char zToday[32];
    time_iso(time_now(), zToday, sizeof zToday);
    action_decorate(found, zToday);
    if (strcmp(json_get_str(found, "kind"), "retraining") == 0)
        json_object_set_new(found, "chain", action_chain(db, found));
    *ppOut = found;
    return 0;
}

static int str_is(const char *zFilter, const char *z) {
    return !zFilter || (z && strcmp(zFilter, z) == 0);
}

int action_list(Db *db, const ActionFilter *f, json_t **ppOut) {
    json_t *rows;
    int rc = store_actions(db, &rows);
    if (rc) return rc;
    char zToday[32];
    time_iso(time_now(), zToday, sizeof zToday);
    json_t *items = json_array(), *findings = json_array(), *x;
    size_t i;
    json_array_foreach(rows, i, x) {
        action_decorate(x, zToday);
        int bOverdue = json_is_true(json_object_get(x, "overdue"));
        if (bOverdue) {
            char z[480];
            snprintf(z, sizeof z, "action %" PRId64 " '%.200s' (owner %.80s) was due %s",
                     json_get_id(x, "id"), json_get_str(x, "title"),
                     json_get_str(x, "owner_name") ? json_get_str(x, "owner_name") : "none",
                     json_get_str(x, "due_date"));
            json_array_append_new(
                findings, json_pack("{ss ss sO sO sO ss}", "code", "action_overdue", "severity",
                                    "warning", "action_id", json_object_get(x, "id"),
                                    "initiative_id", json_object_get(x, "initiative_id"),
                                    "due_date", json_object_get(x, "due_date"), "message", z));
        }
        const char *zSt = json_get_str(x, "status");
        if (f->zStatus && strcmp(f->zStatus, "active") == 0 ? !is_active(zSt)
                                                            : !str_is(f->zStatus, zSt))
            continue;
        if (!str_is(f->zSource, json_get_str(x, "source")) ||
            !str_is(f->zKind, json_get_str(x, "kind")) ||
            !str_is(f->zPeriod, json_get_str(x, "review_period")) ||
            (f->initiativeId && json_get_id(x, "initiative_id") != f->initiativeId) ||
            (f->systemId && json_get_id(x, "system_id") != f->systemId) ||
            (f->bOverdue && !bOverdue))
            continue;
        json_array_append(items, x);
    }
    json_decref(rows);
    *ppOut = json_pack("{so so sI}", "items", items, "findings", findings, "total",
                       (json_int_t)json_array_size(items));
    return 0;
}

int action_raise_for_findings(Db *db, int64_t systemId, const json_t *findings, int *pnNew) {
    *pnNew = 0;
    json_t *sys, *vers = NULL, *ini = NULL;
    int rc = store_crud_get(db, &resource_system, systemId, &sys);
    if (rc) return rc == KEEL_ENOTFOUND ? 0 : rc;
    if ((rc = store_system_versions(db, systemId, &vers)) == 0)
        rc = store_crud_get(db, &resource_initiative, json_get_id(sys, "initiative_id"), &ini);
    Principal who;
    memset(&who, 0, sizeof who);
    who.kind = AUTH_NONE;
    snprintf(who.zEmail, sizeof who.zEmail, "monitor.decay");
    snprintf(who.zActor, sizeof who.zActor, "monitor.decay");
    char zDue[32];
    time_iso(time_now() + ACTION_FINDING_DAYS * 86400, zDue, sizeof zDue);
    zDue[10] = 0;
    size_t i, k;
    json_t *f, *v;
    json_array_foreach(findings, i, f) {
        if (rc) break;
        const char *zKind = json_get_str(f, "kind");
        if (!zKind ||
            (strcmp(zKind, "decay") && strcmp(zKind, "segment_failure") && strcmp(zKind, "drift")))
            continue;
        int64_t owner = 0;
        json_array_foreach(
            vers, k, v) if (json_get_str(f, "version") &&
                            strcmp(json_get_str(v, "version"), json_get_str(f, "version")) == 0)
            owner = json_get_id(v, "owner_id");
        if (!owner) owner = json_get_id(ini, "owner_id");
        if (!owner) continue; /* nobody to give it to: the finding stays a finding */
        char zKey[200], zTitle[300];
        snprintf(zKey, sizeof zKey, "%s:%.64s:%.64s:%.40s", zKind, json_get_str(sys, "name"),
                 json_get_str(f, "segment") ? json_get_str(f, "segment") : "*",
                 json_get_str(f, "metric") ? json_get_str(f, "metric") : "-");
        snprintf(zTitle, sizeof zTitle, "Retrain %.64s %.20s: %.20s %s on segment %.64s",
                 json_get_str(sys, "name"),
                 json_get_str(f, "version") ? json_get_str(f, "version") : "",
                 json_get_str(f, "metric") ? json_get_str(f, "metric") : "", zKind,
                 json_get_str(f, "segment") ? json_get_str(f, "segment") : "*");
        utf8_repair(zKey); /* a segment's name cut by %.64s */
        utf8_repair(zTitle);
        json_t *in =
            json_pack("{ss ss ss ss sI sI ss sb}", "title", zTitle, "kind", "retraining", "source",
                      "finding", "source_key", zKey, "system_id", (json_int_t)systemId, "owner_id",
                      (json_int_t)owner, "due_date", zDue, "evidence_required", 1);
        int64_t id;
        int bNew;
        KeelError e;
        rc = action_create(db, &who, in, &id, &bNew, &e);
        json_decref(in);
        *pnNew += bNew;
    }
    json_decref(sys);
    json_decref(vers);
    json_decref(ini);
    return rc;
}

/* The key of a gate's refusal: gate:credit-scoring-v2:launch, or
 * gate:initiative-12:pilot for an initiative's move. */
static void gate_key(char *z, size_t n, const char *zSystem, int64_t initiativeId,
                     const char *zStage) {
    if (zSystem)
        snprintf(z, n, "gate:%.64s:%.40s", zSystem, zStage);
    else
        snprintf(z, n, "gate:initiative-%" PRId64 ":%.40s", initiativeId, zStage);
}

int action_raise_for_gate(Db *db, const Principal *who, const char *zSystem, int64_t systemId,
                          int64_t initiativeId, int64_t ownerId, const char *zStage,
                          const json_t *gate, int64_t *pId) {
    *pId = 0;
    json_t *ini = NULL;
    if (initiativeId && store_crud_get(db, &resource_initiative, initiativeId, &ini)) ini = NULL;
    if (!ownerId) ownerId = json_get_id(ini, "owner_id");
    if (!ownerId) ownerId = who->personId;
    if (!ownerId) { /* nobody to give it to: the refusal stays a refusal */
        json_decref(ini);
        return 0;
    }
    char zKey[200], zTitle[300], zDesc[2000];
    gate_key(zKey, sizeof zKey, zSystem, initiativeId, zStage);
    size_t nDesc = 0, i, nOpen = 0;
    json_t *r, *reqs = json_object_get(gate, "requirements");
    zDesc[0] = 0;
    json_array_foreach(reqs, i, r) {
        const char *zState = json_get_str(r, "state");
        if (!zState || strcmp(zState, "met") == 0 || json_is_true(json_object_get(r, "overridden")))
            continue;
        nOpen++;
        if (nDesc < sizeof zDesc - 200)
            nDesc += (size_t)snprintf(zDesc + nDesc, sizeof zDesc - nDesc, "%s%s%s%s: %s (%.300s)",
                                      nDesc ? "; " : "",
                                      json_get_str(r, "system") ? json_get_str(r, "system") : "",
                                      json_get_str(r, "system") ? " " : "",
                                      json_get_str(r, "id") ? json_get_str(r, "id") : "?", zState,
                                      json_get_str(r, "detail") ? json_get_str(r, "detail") : "");
    }
    if (zSystem)
        snprintf(zTitle, sizeof zTitle,
                 "Meet the %s gate of %.64s: %zu of %zu requirements not met", zStage, zSystem,
                 nOpen, json_array_size(reqs));
    else
        snprintf(zTitle, sizeof zTitle,
                 "Meet the gate into %s of %.120s: %zu of %zu requirements not met", zStage,
                 ini ? json_get_str(ini, "title") : "the initiative", nOpen, json_array_size(reqs));
    json_decref(ini);
    utf8_repair(zTitle); /* %.Ns may have cut a character */
    utf8_repair(zDesc);
    char zDue[32];
    time_iso(time_now() + ACTION_FINDING_DAYS * 86400, zDue, sizeof zDue);
    zDue[10] = 0;
    json_t *in = json_pack("{ss ss ss ss sI ss ss}", "title", zTitle, "kind", "general", "source",
                           "gate", "source_key", zKey, "owner_id", (json_int_t)ownerId, "due_date",
                           zDue, "description", zDesc);
    if (systemId)
        json_object_set_new(in, "system_id", json_integer(systemId));
    else if (initiativeId)
        json_object_set_new(in, "initiative_id", json_integer(initiativeId));
    int bNew;
    KeelError e = {0};
    int rc = action_create(db, who, in, pId, &bNew, &e);
    json_decref(in);
    return rc;
}

int action_gate_open(Db *db, const char *zSystem, int64_t initiativeId, const char *zStage,
                     int64_t *pId) {
    char zKey[200];
    gate_key(zKey, sizeof zKey, zSystem, initiativeId, zStage);
    return store_action_open_by_key(db, zKey, pId);
}

int action_close_for_gate(Db *db, const Principal *who, const char *zSystem, int64_t initiativeId,
                          const char *zStage) {
    int64_t id;
    int rc = action_gate_open(db, zSystem, initiativeId, zStage, &id);
    if (rc || !id) return rc;
    Actor a = auth_actor(who);
    char zNow[32], zNote[200];
    time_iso(time_now(), zNow, sizeof zNow);
    snprintf(zNote, sizeof zNote, "the %s gate passed on %.10s: the move was made", zStage, zNow);
    json_t *upd = json_pack("{ss ss ss ss}", "status", "done", "close_note", zNote, "closed_at",
                            zNow, "closed_by", a.zName && a.zName[0] ? a.zName : "system");
    KeelError e = {0};
    rc = store_crud_update(db, &resource_action, &a, id, upd, &e);
    json_decref(upd);
    return rc;
}
