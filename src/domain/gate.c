/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lifecycle gates as data and their evaluation; see gate.h. */
#include "domain/gate.h"
#include "domain/action.h"
#include "domain/compliance.h"
#include "domain/decay.h"
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "domain/analysis.h"
#include "domain/committee.h"
#include "domain/review.h"
#include "domain/switch.h"
#include "domain/system.h"
#include "store/store_analysis.h"
#include "store/store_crud.h"
#include "store/store_switch.h"
#include "store/store_system.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- definitions ---- */

/* The stages a gate guards: the system stages, then the initiative moves
 * that pass their systems' gates. */
static const char *const azGateStage[] = {"data_collection",
                                          "training",
                                          "pre_launch",
                                          "launch",
                                          "operating",
                                          "retired",
                                          "initiative_pilot",
                                          "initiative_scaling",
                                          "initiative_operating",
                                          NULL};

/* Conditions a requirement may apply under (any of them). */
static const char *const azCondition[] = {
    "personal_data", "sensitive_data", "automated_decisions", "public_facing", "generative",
    "third_party",   "ethics_domain",  "tier_high",           "tier_limited",  NULL};

/* Verdicts an analysis requirement may ask for. */
static const char *const azWantVerdict[] = {"pass", "ship", "stable", NULL};

/* The built-in definitions (version 0), used until an admin stores one. */
static const char *const azBuiltIn[][2] = {
    {"data_collection",
     "[{\"id\":\"consent\",\"evidence_kind\":\"consent\",\"when\":[\"personal_data\"],"
     "\"label\":\"a consent basis or legal basis for each data asset with personal data\"}]"},
    {"training",
     "[{\"id\":\"readiness\",\"evidence_kind\":\"readiness\",\"min_score\":70,"
     "\"max_age_days\":180,\"label\":\"data readiness of at least 70 on the version's data "
     "assets, profiled within 180 days\"},"
     "{\"id\":\"consent\",\"evidence_kind\":\"consent\",\"when\":[\"personal_data\"],"
     "\"label\":\"a consent basis for each data asset with personal data\"}]"},
    {"pre_launch",
     "[{\"id\":\"impact_assessment\",\"evidence_kind\":\"impact_assessment\","
     "\"when\":[\"sensitive_data\",\"tier_high\"],\"label\":\"an impact assessment attested by "
     "a risk officer\"},"
     "{\"id\":\"red_team\",\"evidence_kind\":\"red_team\",\"when\":[\"generative\"],"
     "\"label\":\"a red-team report\"}]"},
    {"launch",
     "[{\"id\":\"fairness\",\"evidence_kind\":\"fairness\",\"verdict\":\"pass\","
     "\"max_age_days\":90,\"when\":[\"automated_decisions\"],"
     "\"label\":\"a passing fairness audit on this version, at most 90 days old\"},"
     "{\"id\":\"explanation\",\"evidence_kind\":\"explain\",\"when\":[\"automated_decisions\"],"
     "\"label\":\"an explanation report on this version\"},"
     "{\"id\":\"ab_test\",\"evidence_kind\":\"abtest\",\"verdict\":\"ship\","
     "\"exemption_kind\":\"ab_exemption\",\"label\":\"an A/B verdict ship, or a documented "
     "exemption\"},"
     "{\"id\":\"monitoring\",\"evidence_kind\":\"monitoring\",\"label\":\"monitoring "
     "configured\"},"
     "{\"id\":\"switch_test\",\"evidence_kind\":\"switch_test\",\"max_age_days\":30,"
     "\"label\":\"a human-override switch test within 30 days\"},"
     "{\"id\":\"filing\",\"evidence_kind\":\"filing\",\"when\":[\"generative\"],"
     "\"label\":\"the algorithm filing number\"}]"},
    {"operating",
     "[{\"id\":\"ethics_review\",\"evidence_kind\":\"ethics_review\",\"label\":\"an ethics "
     "review that is not overdue\"}]"},
    {"retired", "[]"},
    {"initiative_pilot",
     "[{\"id\":\"team\",\"evidence_kind\":\"team\",\"label\":\"a complete team: business "
     "expert, ML engineer and product manager\"}]"},
    {"initiative_scaling", "[]"},
    {"initiative_operating", "[]"},
};
#define N_BUILTIN ((int)(sizeof azBuiltIn / sizeof azBuiltIn[0]))

static int stage_index(const char *const *az, const char *z) {
    return z ? resource_enum_index(az, z) : -1;
}

/* The definition of one stage now in force: {stage, version,
 * requirements (array), note, created_by, created_at}. */
static int def_current(Db *db, const char *zStage, json_t **ppOut) {
    json_t *rows;
    int rc = store_gate_def_versions(db, zStage, &rows);
    if (rc) return rc;
    json_t *top = json_array_get(rows, 0);
    json_t *o;
    if (top) {
        o = json_deep_copy(top);
        json_t *req = json_loads(json_string_value(json_object_get(top, "requirements")), 0, NULL);
        json_object_set_new(o, "requirements", req ? req : json_array());
    } else {
        const char *zReq = "[]";
        for (int i = 0; i < N_BUILTIN; i++)
            if (strcmp(azBuiltIn[i][0], zStage) == 0) zReq = azBuiltIn[i][1];
        json_t *req = json_loads(zReq, 0, NULL);
        o = json_pack("{ss si so ss ss sn}", "stage", zStage, "version", 0, "requirements",
                      req ? req : json_array(), "note", "built in", "created_by", "keel",
                      "created_at");
    }
    json_decref(rows);
    *ppOut = o;
    return 0;
}

int gate_defs(Db *db, json_t **ppOut) {
    json_t *a = json_array();
    for (int i = 0; azGateStage[i]; i++) {
        json_t *o;
        int rc = def_current(db, azGateStage[i], &o);
        if (rc) {
            json_decref(a);
            return rc;
        }
        json_array_append_new(a, o);
    }
    *ppOut = a;
    return 0;
}

static int bad_stage(KeelError *e, const char *zStage) {
    return err_set(e, KEEL_EINVAL, "stage",
                   "'%.40s' is not a gated stage: data_collection, training, pre_launch, launch, "
                   "operating, retired, initiative_pilot, initiative_scaling or "
                   "initiative_operating",
                   zStage ? zStage : "");
}

int gate_def_get(Db *db, const char *zStage, json_t **ppOut, KeelError *e) {
    if (stage_index(azGateStage, zStage) < 0) return bad_stage(e, zStage);
    json_t *o, *past;
    int rc = def_current(db, zStage, &o);
    if (rc) return rc;
    if ((rc = store_gate_def_versions(db, zStage, &past))) {
        json_decref(o);
        return rc;
    }
    size_t i;
    json_t *x;
    json_array_foreach(past, i, x) {
        json_t *req = json_loads(json_string_value(json_object_get(x, "requirements")), 0, NULL);
        json_object_set_new(x, "requirements", req ? req : json_array());
    }
    json_object_set_new(o, "versions", past);
    *ppOut = o;
    return 0;
}

/* Check one requirement of a definition; zAt names it in messages. */
static int check_requirement(const json_t *r, const char *zAt, KeelError *e) {
    static const char *const azKey[] = {"id",        "evidence_kind",  "label",
                                        "when",      "verdict",        "max_age_days",
                                        "min_score", "exemption_kind", NULL};
    if (!json_is_object(r))
        return err_set(e, KEEL_EINVAL, zAt, "%s must be an object {id, evidence_kind, ...}", zAt);
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)r, zKey, v) {
        if (resource_enum_index(azKey, zKey) < 0)
            return err_set(e, KEEL_EINVAL, zAt,
                           "%s: unknown member '%.40s'; a requirement has id, evidence_kind, "
                           "label, when, verdict, max_age_days, min_score and exemption_kind",
                           zAt, zKey);
    }
    const char *zId = json_string_value(json_object_get(r, "id"));
    size_t n = zId ? strlen(zId) : 0;
    for (size_t i = 0; i < n; i++)
        if (!((zId[i] >= 'a' && zId[i] <= 'z') || (zId[i] >= '0' && zId[i] <= '9') ||
              zId[i] == '_'))
            n = 0;
    if (n < 1 || n > 40)
        return err_set(e, KEEL_EINVAL, zAt, "%s.id must be 1 to 40 of a-z, 0-9 and _", zAt);
    const char *zKind = json_string_value(json_object_get(r, "evidence_kind"));
    if (!zKind || resource_enum_index(azEvidenceKind, zKind) < 0)
        return err_set(e, KEEL_EINVAL, zAt,
                       "%s.evidence_kind must be one of fairness, explain, abtest, drift, "
                       "consent_record, impact_assessment, filing, red_team, monitoring, "
                       "switch_test, ab_exemption, readiness, consent, team or ethics_review",
                       zAt);
    json_t *label = json_object_get(r, "label");
    if (label && (!json_is_string(label) || json_string_length(label) > 300))
        return err_set(e, KEEL_EINVAL, zAt, "%s.label must be text of at most 300 bytes", zAt);
    json_t *when = json_object_get(r, "when");
    size_t i;
    json_array_foreach(when, i, v) {
        if (!json_is_string(v) || resource_enum_index(azCondition, json_string_value(v)) < 0)
            return err_set(e, KEEL_EINVAL, zAt,
                           "%s.when[%zu] must be a condition: personal_data, sensitive_data, "
                           "automated_decisions, public_facing, generative, third_party, "
                           "ethics_domain, tier_high or tier_limited",
                           zAt, i);
    }
    if (when && !json_is_array(when))
        return err_set(e, KEEL_EINVAL, zAt, "%s.when must be an array of conditions", zAt);
    json_t *verdict = json_object_get(r, "verdict");
    if (verdict &&
        (resource_enum_index(azAnalysisEvidence, zKind) < 0 || !json_is_string(verdict) ||
         resource_enum_index(azWantVerdict, json_string_value(verdict)) < 0))
        return err_set(e, KEEL_EINVAL, zAt,
                       "%s.verdict is for analyses (fairness, explain, abtest, drift) and must "
                       "be pass, ship or stable",
                       zAt);
    json_t *age = json_object_get(r, "max_age_days");
    if (age &&
        (!json_is_integer(age) || json_integer_value(age) < 1 || json_integer_value(age) > 3650))
        return err_set(e, KEEL_EINVAL, zAt, "%s.max_age_days must be an integer 1 to 3650", zAt);
    json_t *score = json_object_get(r, "min_score");
    if (score && (strcmp(zKind, "readiness") || !json_is_number(score) ||
                  json_number_value(score) < 0 || json_number_value(score) > 100))
        return err_set(e, KEEL_EINVAL, zAt,
                       "%s.min_score is for readiness and must be a number 0 to 100", zAt);
    json_t *ex = json_object_get(r, "exemption_kind");
    if (ex &&
        (!json_is_string(ex) || resource_enum_index(azDocumentEvidence, json_string_value(ex)) < 0))
        return err_set(e, KEEL_EINVAL, zAt,
                       "%s.exemption_kind must be a document kind (e.g. ab_exemption)", zAt);
    return 0;
}

int gate_def_put(Db *db, const Principal *who, const char *zStage, const json_t *in,
                 int64_t *pVersion, KeelError *e) {
    if (stage_index(azGateStage, zStage) < 0) return bad_stage(e, zStage);
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "requirements") && strcmp(zKey, "note"))
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s'; send requirements and note", zKey);
    }
    json_t *reqs = json_object_get(in, "requirements");
    json_t *note = json_object_get(in, "note");
    if (!json_is_array(reqs) || json_array_size(reqs) > 40)
        return err_set(e, KEEL_EINVAL, "requirements",
                       "requirements must be an array of at most 40 requirements");
    if (note && !json_is_null(note) && (!json_is_string(note) || json_string_length(note) > 2000))
        return err_set(e, KEEL_EINVAL, "note", "note must be text of at most 2000 bytes");
    size_t i, k;
    json_t *r;
    json_array_foreach(reqs, i, r) {
        char zAt[40];
        snprintf(zAt, sizeof zAt, "requirements[%zu]", i);
        int rc = check_requirement(r, zAt, e);
        if (rc) return rc;
        for (k = 0; k < i; k++)
            if (json_equal(json_object_get(json_array_get(reqs, k), "id"),
                           json_object_get(r, "id")))
                return err_set(e, KEEL_EINVAL, zAt, "%s: the id '%s' appears twice", zAt,
                               json_string_value(json_object_get(r, "id")));
    }
    char *zReq = json_dumps(reqs, JSON_COMPACT);
    if (!zReq) return KEEL_ENOMEM;
    Actor a = auth_actor(who);
    int rc = db_begin(db);
    if (rc == 0) rc = store_gate_def_add(db, &a, zStage, zReq, json_string_value(note), pVersion);
    free(zReq);
    return db_end(db, rc);
}

/* ---- evaluation ---- */

/* The context one system version is evaluated in. */
typedef struct GateCtx {
    Db *db;
    const json_t *sys; /* the system row */
    const json_t *ver; /* the version row */
    json_t *evidence;  /* every evidence row of the system */
    json_t *review;    /* review_status of the system */
    int64_t now;
} GateCtx;

static int condition_holds(const json_t *sys, const char *z) {
    if (strcmp(z, "third_party") == 0)
        return json_get_str(sys, "model_source") &&
               strcmp(json_get_str(sys, "model_source"), "own") != 0;
    if (strcmp(z, "ethics_domain") == 0)
        return json_is_string(json_object_get(sys, "ethics_domain"));
    if (strncmp(z, "tier_", 5) == 0)
        return json_get_str(sys, "risk_tier") && strcmp(json_get_str(sys, "risk_tier"), z + 5) == 0;
    json_t *v = json_object_get(sys, z);
    return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
}

/* 1 when rule r applies to sys (no `when`, or any condition holds). */
static int rule_applies(const json_t *sys, const json_t *r) {
    json_t *when = json_object_get(r, "when");
    if (!json_is_array(when) || json_array_size(when) == 0) return 1;
    size_t i;
    json_t *c;
    json_array_foreach(when, i, c) {
        if (condition_holds(sys, json_string_value(c))) return 1;
    }
    return 0;
}

static double age_days(const char *zIso, int64_t now) {
    int64_t t;
    if (!zIso || time_parse_iso(zIso, &t)) return 1e9;
    return (double)(now - t) / 86400.0;
}

/* A sentence as a code and its values (params, stolen; NULL: none), for
 * clients that word it in their own language (docs/api.md#sentences). */
static json_t *say(const char *zCode, json_t *params) {
    return json_pack("{ss so}", "code", zCode, "params", params ? params : json_object());
}

/* The date part of an ISO time as a new JSON string (null when none). */
static json_t *day_of(const char *zIso) {
    return zIso ? json_stringn(zIso, strnlen(zIso, 10)) : json_null();
}

/* A requirement's result object: detail is the sentence in English,
 * detail_code (stolen) the same as a code with its values. */
static json_t *req_result(const json_t *r, const char *zState, const char *zDetail, json_t *code) {
    json_t *o = json_pack("{sO sO ss ss so}", "id", json_object_get(r, "id"), "evidence_kind",
                          json_object_get(r, "evidence_kind"), "state", zState, "detail",
                          zDetail ? zDetail : "", "detail_code", code ? code : json_null());
    json_t *label = json_object_get(r, "label");
    if (label) json_object_set(o, "label", label);
    /* an obligation's title in each language ({en, zh-CN}) */
    if (json_is_object(json_object_get(r, "title")))
        json_object_set(o, "title", json_object_get(r, "title"));
    return o;
}

/* A switch test: attested document evidence, or the switch tests recorded
 * through POST /api/v1/systems/{system}/switch-tests, whose newest passing
 * one within max_age_days (default SWITCH_TEST_DAYS) is met. */
static json_t *eval_with_exemption(GateCtx *c, const json_t *r);
static json_t *eval_switch_test(GateCtx *c, const json_t *r) {
    json_t *o = eval_with_exemption(c, r);
    if (strcmp(json_get_str(o, "state"), "met") == 0) return o;
    json_t *rows;
    if (store_switch_tests(c->db, json_get_id(c->sys, "id"), &rows)) return o;
    json_t *age = json_object_get(r, "max_age_days");
    int64_t maxDays = age ? (int64_t)json_integer_value(age) : SWITCH_TEST_DAYS;
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) { /* newest first */
        if (strcmp(json_get_str(x, "result"), "pass") != 0) continue;
        double days = age_days(json_get_str(x, "created_at"), c->now);
        char zDetail[300];
        snprintf(zDetail, sizeof zDetail, "switch test %" PRId64 " passed on %.10s (by %s)%s",
                 json_get_id(x, "id"), json_get_str(x, "created_at"), json_get_str(x, "actor"),
                 days > (double)maxDays ? ", too long ago" : "");
        json_decref(o);
        o = req_result(
            r, days > (double)maxDays ? "stale" : "met", zDetail,
            say(days > (double)maxDays ? "switch_test_too_old" : "switch_test_passed",
                json_pack("{sO so sO sI}", "switch_test_id", json_object_get(x, "id"), "date",
                          day_of(json_get_str(x, "created_at")), "actor",
                          json_object_get(x, "actor"), "max_days", (json_int_t)maxDays)));
        json_object_set(o, "switch_test_id", json_object_get(x, "id"));
        break;
    }
    json_decref(rows);
    return o;
}

/* The reason sentences of an analysis's result, for failing detail; into
 * params (when not NULL) its reason_codes and, for a fairness audit, each
 * attribute's groups with their TPR and FPR (the numbers the codes name). */
static void analysis_reason(Db *db, int64_t analysisId, char *z, size_t n, json_t *params) {
    json_t *spec = NULL, *res = NULL;
    z[0] = 0;
    if (store_analysis_payload(db, analysisId, &spec, &res) == 0) {
        json_t *v = json_object_get(res, "verdict");
        json_t *reasons = json_object_get(v, "reasons");
        if (!reasons) reasons = json_object_get(res, "reasons");
        json_t *codes = json_object_get(v, "reason_codes");
        if (!codes) codes = json_object_get(res, "reason_codes");
        if (params && json_is_array(codes)) {
            json_object_set(params, "reason_codes", codes);
            json_t *attrs = json_array(), *a, *g;
            size_t ia, ig;
            json_array_foreach(json_object_get(res, "attributes"), ia, a) {
                json_t *groups = json_array();
                json_array_foreach(json_object_get(a, "groups"), ig, g) json_array_append_new(
                    groups, json_pack("{sO* sO* sO*}", "group", json_object_get(g, "group"), "tpr",
                                      json_object_get(g, "tpr"), "fpr", json_object_get(g, "fpr")));
                json_array_append_new(attrs,
                                      json_pack("{sO* so}", "attribute",
                                                json_object_get(a, "attribute"), "groups", groups));
            }
            json_object_set_new(params, "attributes", attrs);
        }
        size_t i, k = 0;
        json_t *x;
        json_array_foreach(reasons, i, x) {
            if (json_is_string(x) && k + 1 < n)
                k += (size_t)snprintf(z + k, n - k, "%s%s", k ? "; " : "", json_string_value(x));
        }
    }
    json_decref(spec);
    json_decref(res);
}

/* Evidence of kind zKind: the requirement's state from the newest of this
 * version's matching rows. */
static json_t *eval_evidence(GateCtx *c, const json_t *r, const char *zKind) {
    char zDetail[720];
    int64_t vid = json_get_id(c->ver, "id");
    const char *zVersion = json_get_str(c->ver, "version");
    const char *zEval = json_get_str(c->ver, "evaluation_sha256");
    json_t *age = json_object_get(r, "max_age_days");
    const char *zWant = json_get_str(r, "verdict");
    int bAnalysis = resource_enum_index(azAnalysisEvidence, zKind) >= 0;
    const json_t *other = NULL, *foreignData = NULL, *pending = NULL;
    size_t i;
    json_t *ev;
    json_array_foreach(c->evidence, i, ev) { /* newest first */
        if (strcmp(json_get_str(ev, "kind"), zKind) != 0) continue;
        if (json_get_id(ev, "version_id") != vid) {
            if (!other) other = ev;
            continue;
        }
        if (bAnalysis) {
            const char *zData = json_get_str(ev, "data_sha256");
            if (zEval && (!zData || strcmp(zData, zEval) != 0)) {
                if (!foreignData) foreignData = ev;
                continue;
            }
        } else if (!json_is_string(json_object_get(ev, "attested_at"))) {
            if (!pending) pending = ev;
            continue;
        }
        /* the newest usable row decides */
        const char *zAt =
            bAnalysis ? json_get_str(ev, "analysis_at") : json_get_str(ev, "attested_at");
        double days = age_days(zAt, c->now);
        json_t *o;
        if (age && days > (double)json_integer_value(age)) {
            snprintf(zDetail, sizeof zDetail,
                     "the newest %s (evidence %" PRId64 ") is %.0f days old; at most %" PRId64
                     " allowed",
                     zKind, json_get_id(ev, "id"), floor(days), (int64_t)json_integer_value(age));
            o = req_result(
                r, "stale", zDetail,
                say("evidence_too_old",
                    json_pack("{ss sI sI sI}", "kind", zKind, "evidence_id",
                              (json_int_t)json_get_id(ev, "id"), "days", (json_int_t)floor(days),
                              "max_days", (json_int_t)json_integer_value(age))));
        } else if (bAnalysis && zWant &&
                   (!json_get_str(ev, "verdict") || strcmp(json_get_str(ev, "verdict"), zWant))) {
            char zWhy[560];
            json_t *params =
                json_pack("{sI sO* ss}", "analysis_id", (json_int_t)json_get_id(ev, "analysis_id"),
                          "verdict", json_object_get(ev, "verdict"), "want", zWant);
            analysis_reason(c->db, json_get_id(ev, "analysis_id"), zWhy, sizeof zWhy, params);
            json_object_set_new(params, "reasons", json_string(zWhy));
            snprintf(zDetail, sizeof zDetail, "analysis %" PRId64 " says %s, not %s%s%s",
                     json_get_id(ev, "analysis_id"),
                     json_get_str(ev, "verdict") ? json_get_str(ev, "verdict") : "nothing", zWant,
                     zWhy[0] ? ": " : "", zWhy);
            o = req_result(r, "failing", zDetail, say("analysis_verdict", params));
        } else {
            if (bAnalysis)
                snprintf(zDetail, sizeof zDetail, "analysis %" PRId64 " (%s) by %s on %.10s",
                         json_get_id(ev, "analysis_id"),
                         json_get_str(ev, "verdict") ? json_get_str(ev, "verdict") : "computed",
                         json_get_str(ev, "analysis_by"), zAt);
            else
                snprintf(zDetail, sizeof zDetail, "%s%s%s attested by %s on %.10s",
                         json_get_str(ev, "title") ? json_get_str(ev, "title") : zKind,
                         json_get_str(ev, "reference") ? " " : "",
                         json_get_str(ev, "reference") ? json_get_str(ev, "reference") : "",
                         json_get_str(ev, "reviewer_name"), zAt);
            o = req_result(
                r, "met", zDetail,
                bAnalysis
                    ? say("analysis_done",
                          json_pack("{sI sO* sO* so}", "analysis_id",
                                    (json_int_t)json_get_id(ev, "analysis_id"), "verdict",
                                    json_object_get(ev, "verdict"), "by",
                                    json_object_get(ev, "analysis_by"), "date", day_of(zAt)))
                    : say("attested",
                          json_pack("{sO* ss sO* sO* so}", "title", json_object_get(ev, "title"),
                                    "kind", zKind, "reference", json_object_get(ev, "reference"),
                                    "reviewer", json_object_get(ev, "reviewer_name"), "date",
                                    day_of(zAt))));
        }
        json_object_set_new(o, "evidence_id", json_integer(json_get_id(ev, "id")));
        if (bAnalysis)
            json_object_set_new(o, "analysis_id", json_integer(json_get_id(ev, "analysis_id")));
        return o;
    }
    json_t *o;
    if (foreignData) {
        const char *zData = json_get_str(foreignData, "data_sha256");
        snprintf(zDetail, sizeof zDetail,
                 "analysis %" PRId64 " was computed on data %.12s..., not on the evaluation data "
                 "version %s declares (%.12s...)",
                 json_get_id(foreignData, "analysis_id"), zData ? zData : "(unrecorded)", zVersion,
                 zEval);
        o = req_result(r, "foreign", zDetail,
                       say("analysis_other_data",
                           json_pack("{sI sO* ss ss*}", "analysis_id",
                                     (json_int_t)json_get_id(foreignData, "analysis_id"), "data",
                                     json_object_get(foreignData, "data_sha256"), "version",
                                     zVersion, "expected", zEval)));
        json_object_set_new(o, "evidence_id", json_integer(json_get_id(foreignData, "id")));
    } else if (pending) {
        snprintf(zDetail, sizeof zDetail, "%s awaits attestation by %s",
                 json_get_str(pending, "title") ? json_get_str(pending, "title") : zKind,
                 json_get_str(pending, "reviewer_name") ? json_get_str(pending, "reviewer_name")
                                                        : "its reviewer");
        o = req_result(
            r, "missing", zDetail,
            say("awaits_attestation",
                json_pack("{sO* ss sO*}", "title", json_object_get(pending, "title"), "kind", zKind,
                          "reviewer", json_object_get(pending, "reviewer_name"))));
        json_object_set_new(o, "evidence_id", json_integer(json_get_id(pending, "id")));
    } else if (other) {
        snprintf(zDetail, sizeof zDetail,
                 "the %s on record (evidence %" PRId64 ") is of version %s, not %s", zKind,
                 json_get_id(other, "id"), json_get_str(other, "version"), zVersion);
        o = req_result(r, "foreign", zDetail,
                       say("evidence_other_version",
                           json_pack("{ss sI sO ss}", "kind", zKind, "evidence_id",
                                     (json_int_t)json_get_id(other, "id"), "of_version",
                                     json_object_get(other, "version"), "version", zVersion)));
        json_object_set_new(o, "evidence_id", json_integer(json_get_id(other, "id")));
    } else {
        snprintf(zDetail, sizeof zDetail, "no %s on record for version %s", zKind, zVersion);
        o = req_result(
            r, "missing", zDetail,
            say("no_evidence", json_pack("{ss ss}", "kind", zKind, "version", zVersion)));
    }
    return o;
}

/* The requirement with its exemption: an attested exemption document of
 * this version turns a requirement that is not met into met. */
static json_t *eval_with_exemption(GateCtx *c, const json_t *r) {
    json_t *o = eval_evidence(c, r, json_get_str(r, "evidence_kind"));
    const char *zEx = json_get_str(r, "exemption_kind");
    if (!zEx || strcmp(json_get_str(o, "state"), "met") == 0) return o;
    json_t *rx = json_pack("{sO ss}", "id", json_object_get(r, "id"), "evidence_kind", zEx);
    json_t *x = eval_evidence(c, rx, zEx);
    json_decref(rx);
    if (strcmp(json_get_str(x, "state"), "met") == 0) {
        char zDetail[640];
        snprintf(zDetail, sizeof zDetail, "exempt: %s", json_get_str(x, "detail"));
        json_object_set_new(o, "state", json_string("met"));
        json_object_set_new(o, "detail", json_string(zDetail));
        json_object_set_new(
            o, "detail_code",
            say("exempt", json_pack("{sO}", "detail", json_object_get(x, "detail_code"))));
        json_object_set(o, "evidence_id", json_object_get(x, "evidence_id"));
    }
    json_decref(x);
    return o;
}

/* Readiness of the version's data assets. */
static int eval_assets(GateCtx *c, const json_t *r, int bConsent, json_t **ppOut) {
    static const char *const azAsset[] = {"training_asset_id", "evaluation_asset_id"};
    char zDetail[640] = "";
    size_t k = 0;
    const char *zState = "met";
    int nAsset = 0;
    json_t *aWhy = json_array(); /* each asset's reason as a code and values */
    double minScore = json_number_value(json_object_get(r, "min_score"));
    json_t *age = json_object_get(r, "max_age_days");
    for (int i = 0; i < 2; i++) {
        int64_t aid = json_get_id(c->ver, azAsset[i]);
        if (!aid || (i == 1 && aid == json_get_id(c->ver, azAsset[0]))) continue;
        json_t *a;
        int rc = store_crud_get(c->db, &resource_data_asset, aid, &a);
        if (rc) {
            json_decref(aWhy);
            return rc;
        }
        nAsset++;
        const char *zName = json_get_str(a, "name");
        const char *zBad = NULL;
        char zWhy[200] = "";
        json_t *why = NULL; /* zWhy as a code and values */
        if (bConsent) {
            if (json_is_true(json_object_get(a, "personal_data")) &&
                !json_is_string(json_object_get(a, "consent_basis")))
                zBad = "failing",
                snprintf(zWhy, sizeof zWhy, "holds personal data with no consent basis"),
                why = say("no_consent_basis", NULL);
            else if (json_is_true(json_object_get(a, "personal_data")))
                snprintf(zWhy, sizeof zWhy, "consent basis %s", json_get_str(a, "consent_basis")),
                    why = say("consent_basis",
                              json_pack("{sO}", "basis", json_object_get(a, "consent_basis")));
            else
                snprintf(zWhy, sizeof zWhy, "no personal data"),
                    why = say("no_personal_data", NULL);
        } else {
            json_t *score = json_object_get(a, "readiness_score");
            if (!json_is_number(score)) {
                zBad = "missing";
                snprintf(zWhy, sizeof zWhy, "never profiled");
                why = say("never_profiled", NULL);
            } else if (json_number_value(score) < minScore) {
                zBad = "failing";
                snprintf(zWhy, sizeof zWhy, "readiness %.0f, below %.0f", json_number_value(score),
                         minScore);
                why = say("readiness_below",
                          json_pack("{sf sf}", "score", json_number_value(score), "min", minScore));
            } else if (age && age_days(json_get_str(a, "profiled_at"), c->now) >
                                  (double)json_integer_value(age)) {
                zBad = "stale";
                snprintf(zWhy, sizeof zWhy, "profiled %.0f days ago (at most %lld)",
                         floor(age_days(json_get_str(a, "profiled_at"), c->now)),
                         (long long)json_integer_value(age));
                why = say(
                    "profiled_too_long_ago",
                    json_pack("{sI sI}", "days",
                              (json_int_t)floor(age_days(json_get_str(a, "profiled_at"), c->now)),
                              "max_days", (json_int_t)json_integer_value(age)));
            } else {
                snprintf(zWhy, sizeof zWhy, "readiness %.0f", json_number_value(score));
                why = say("readiness_ok", json_pack("{sf}", "score", json_number_value(score)));
            }
        }
        /* the worst state wins: failing > stale > missing > met */
        if (zBad && (strcmp(zState, "met") == 0 || strcmp(zBad, "failing") == 0 ||
                     (strcmp(zBad, "stale") == 0 && strcmp(zState, "missing") == 0)))
            zState = zBad;
        if (k < sizeof zDetail)
            k += (size_t)snprintf(zDetail + k, sizeof zDetail - k, "%s'%s': %s", k ? "; " : "",
                                  zName, zWhy);
        if (why) json_object_set_new(why, "asset", json_string(zName ? zName : ""));
        json_array_append_new(aWhy, why ? why : json_null());
        json_decref(a);
    }
    if (nAsset == 0) {
        if (bConsent && !condition_holds(c->sys, "personal_data"))
            zState = "met";
        else
            zState = "missing";
        snprintf(zDetail, sizeof zDetail, "version %s names no data asset (training_asset_id)",
                 json_get_str(c->ver, "version"));
    }
    *ppOut =
        req_result(r, zState, zDetail,
                   nAsset ? say("assets", json_pack("{so}", "assets", aWhy))
                          : (json_decref(aWhy),
                             say("no_data_asset", json_pack("{sO}", "version",
                                                            json_object_get(c->ver, "version")))));
    return 0;
}

/* The initiative's team has a business expert, an ML engineer and a
 * product manager. */
static int eval_team(Db *db, int64_t initiativeId, const json_t *r, json_t **ppOut) {
    static const char *const azNeed[] = {"business_expert", "ml_engineer", "product_manager"};
    json_t *rows;
    int rc = store_team_skills(db, initiativeId, &rows);
    if (rc) return rc;
    char zMissing[200] = "";
    size_t k = 0;
    json_t *lacks = json_array();
    for (int i = 0; i < 3; i++) {
        int bHas = 0;
        size_t j;
        json_t *x;
        json_array_foreach(rows, j, x) {
            if (strcmp(json_get_str(x, "skill"), azNeed[i]) == 0) bHas = 1;
        }
        if (!bHas) {
            k += (size_t)snprintf(zMissing + k, sizeof zMissing - k, "%s%s", k ? ", " : "",
                                  azNeed[i]);
            json_array_append_new(lacks, json_string(azNeed[i]));
        }
    }
    json_decref(rows);
    char zDetail[300];
    if (k)
        snprintf(zDetail, sizeof zDetail, "the team lacks: %s", zMissing);
    else
        snprintf(zDetail, sizeof zDetail, "business expert, ML engineer and product manager named");
    *ppOut = req_result(r, k ? "missing" : "met", zDetail,
                        k ? say("team_lacks", json_pack("{so}", "roles", lacks))
                          : (json_decref(lacks), say("team_complete", NULL)));
    return 0;
}

static json_t *eval_review(GateCtx *c, const json_t *r) {
    char zDetail[300];
    json_t *st = c->review;
    const char *zLast = json_get_str(st, "last_held_on");
    if (!zLast) {
        snprintf(zDetail, sizeof zDetail, "no ethics review held yet (due %s)",
                 json_get_str(st, "due_on"));
        return req_result(
            r, json_is_true(json_object_get(st, "overdue")) ? "stale" : "missing", zDetail,
            say("no_review_yet", json_pack("{sO}", "due", json_object_get(st, "due_on"))));
    }
    if (json_is_true(json_object_get(st, "overdue"))) {
        snprintf(zDetail, sizeof zDetail, "the last review (%s) is overdue since %s", zLast,
                 json_get_str(st, "due_on"));
        return req_result(r, "stale", zDetail,
                          say("review_overdue", json_pack("{ss sO}", "last", zLast, "due",
                                                          json_object_get(st, "due_on"))));
    }
    snprintf(zDetail, sizeof zDetail, "reviewed %s by %s: %s; next due %s", zLast,
             json_get_str(st, "board"), json_get_str(st, "last_decision"),
             json_get_str(st, "due_on"));
    return req_result(r, "met", zDetail,
                      say("reviewed", json_pack("{ss sO sO sO}", "date", zLast, "board",
                                                json_object_get(st, "board"), "decision",
                                                json_object_get(st, "last_decision"), "due",
                                                json_object_get(st, "due_on"))));
}

/* The active (unexpired) override of a gate, or the newest expired one
 * (with expired: true), or NULL; a new reference. */
static int find_override(Db *db, int64_t systemId, int64_t initiativeId, const char *zStage,
                         int64_t now, json_t **ppOut) {
    json_t *rows;
    *ppOut = NULL;
    int rc = store_overrides(db, systemId, initiativeId, zStage, &rows);
    if (rc) return rc;
    size_t i;
    json_t *x;
    json_t *best = NULL;
    json_array_foreach(rows, i, x) {
        int64_t t;
        int bLive = time_parse_iso(json_get_str(x, "expires_at"), &t) == 0 && t > now;
        if (bLive || !best) {
            json_decref(best);
            best = json_deep_copy(x);
            json_object_set_new(best, "expired", json_boolean(!bLive));
            if (bLive) break;
        }
    }
    json_decref(rows);
    *ppOut = best;
    return 0;
}

/* Verdict of a list of requirement results with an override. */
static const char *verdict_of(const json_t *reqs, const json_t *ov) {
    int bFail = 0, bHard = 0;
    size_t i;
    json_t *x;
    json_array_foreach(reqs, i, x) {
        if (strcmp(json_get_str(x, "state"), "met") == 0) continue;
        bFail = 1;
        if (json_is_false(json_object_get(x, "overridable"))) bHard = 1;
    }
    if (!bFail) return "pass";
    if (!bHard && ov && !json_is_true(json_object_get(ov, "expired"))) return "overridden";
    return "refuse";
}

/* Evaluate the gate of zStage for a system version. */
/* One requirement's state for c's system and version (*ppOut NULL when
 * it has nothing to say). */
static int eval_requirement(GateCtx *c, const json_t *r, json_t **ppOut) {
    const char *zKind = json_get_str(r, "evidence_kind");
    *ppOut = NULL;
    if (strcmp(zKind, "readiness") == 0) return eval_assets(c, r, 0, ppOut);
    if (strcmp(zKind, "consent") == 0) return eval_assets(c, r, 1, ppOut);
    if (strcmp(zKind, "team") == 0)
        return eval_team(c->db, json_get_id(c->sys, "initiative_id"), r, ppOut);
    if (strcmp(zKind, "ethics_review") == 0)
        *ppOut = eval_review(c, r);
    else if (strcmp(zKind, "switch_test") == 0)
        *ppOut = eval_switch_test(c, r);
    else
        *ppOut = eval_with_exemption(c, r);
    return 0;
}

int gate_requirements_state(Db *db, const json_t *sys, const json_t *ver, const json_t *reqs,
                            json_t **ppOut) {
    GateCtx c = {db, sys, ver, NULL, NULL, time_now()};
    int rc = store_system_evidence(db, json_get_id(sys, "id"), &c.evidence);
    if (rc == 0) rc = review_status(db, sys, c.now, &c.review);
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rc ? NULL : reqs, i, r) {
        json_t *o = NULL;
        if ((rc = eval_requirement(&c, r, &o))) break;
        json_array_append_new(out, o ? o : json_null());
    }
    json_decref(c.evidence);
    json_decref(c.review);
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppOut = out;
    return 0;
}

static int evaluate_version(Db *db, const json_t *sys, const json_t *ver, const char *zStage,
                            int64_t now, json_t **ppOut) {
    GateCtx c = {db, sys, ver, NULL, NULL, now};
    json_t *def = NULL, *reqs = json_array(), *ov = NULL;
    int rc = store_system_evidence(db, json_get_id(sys, "id"), &c.evidence);
    if (rc == 0) rc = review_status(db, sys, now, &c.review);
    if (rc == 0) rc = def_current(db, zStage, &def);
    if (rc == 0) rc = find_override(db, json_get_id(sys, "id"), 0, zStage, now, &ov);
    const char *zTier = json_get_str(sys, "risk_tier");
    if (rc == 0 && zTier && strcmp(zTier, "prohibited") == 0 &&
        strcmp(zStage, "data_collection") != 0) {
        char z[300];
        snprintf(z, sizeof z,
                 "the system's risk tier is prohibited (%s): it passes no gate past "
                 "data_collection",
                 json_get_str(sys, "tier_reason"));
        json_t *o =
            json_pack("{ss ss ss ss so sb}", "id", "risk_tier", "evidence_kind", "risk_tier",
                      "state", "failing", "detail", z, "detail_code",
                      say("tier_prohibited",
                          json_pack("{sO*}", "reason", json_object_get(sys, "tier_reason"))),
                      "overridable", 0);
        json_array_append_new(reqs, o);
    }
    if (rc == 0 && json_is_true(json_object_get(c.review, "suspended"))) {
        char z[300];
        snprintf(z, sizeof z,
                 "suspended by the ethics review of %s (%s); a later review must "
                 "lift it",
                 json_get_str(c.review, "last_held_on"), json_get_str(c.review, "board"));
        json_array_append_new(
            reqs,
            json_pack("{ss ss ss ss so sb}", "id", "ethics_suspension", "evidence_kind",
                      "ethics_review", "state", "failing", "detail", z, "detail_code",
                      say("ethics_suspended",
                          json_pack("{sO* sO*}", "date", json_object_get(c.review, "last_held_on"),
                                    "board", json_object_get(c.review, "board"))),
                      "overridable", 0));
    }
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(def, "requirements"), i, r) {
        if (rc) break;
        if (!rule_applies(sys, r)) continue;
        json_t *o = NULL;
        rc = eval_requirement(&c, r, &o);
        if (o) json_array_append_new(reqs, o);
    }
    /* what the compliance rule packs add to this stage for this system
     * (its jurisdictions and flags): an obligation whose evidence the gate
     * already asks for is cited on that requirement instead */
    json_t *extra = rc ? NULL : compliance_gate_requirements(sys, zStage);
    json_array_foreach(extra, i, r) {
        if (rc) break;
        json_t *same = NULL;
        size_t j;
        json_t *x;
        json_array_foreach(reqs, j, x) if (strcmp(json_get_str(x, "evidence_kind"),
                                                  json_get_str(r, "evidence_kind")) == 0) same = x;
        if (same) {
            json_t *cite = json_object_get(same, "obligations");
            if (!cite) json_object_set_new(same, "obligations", cite = json_array());
            json_array_append(cite, json_object_get(r, "id"));
            continue;
        }
        json_t *o = NULL;
        rc = eval_requirement(&c, r, &o);
        if (o) {
            json_object_set(o, "source", json_object_get(r, "source"));
            json_array_append_new(reqs, o);
        }
    }
    json_decref(extra);
    if (rc == 0) {
        json_t *out = json_pack("{sO sO ss sO sO ss sO}", "system", json_object_get(sys, "name"),
                                "version", json_object_get(ver, "version"), "stage", zStage,
                                "current_stage", json_object_get(ver, "stage"), "gate_version",
                                json_object_get(def, "version"), "verdict", verdict_of(reqs, ov),
                                "requirements", reqs);
        json_object_set_new(out, "override", ov ? json_incref(ov) : json_null());
        json_object_set(out, "review", c.review);
        *ppOut = out;
    }
    json_decref(reqs);
    json_decref(def);
    json_decref(ov);
    json_decref(c.evidence);
    json_decref(c.review);
    return rc;
}

int gate_evaluate(Db *db, const char *zName, const char *zVersion, const char *zStage,
                  json_t **ppOut, KeelError *e) {
    if (stage_index(azSystemStage, zStage) < 0)
        return err_set(e, KEEL_EINVAL, "stage",
                       "'%.40s' is not a stage: data_collection, training, pre_launch, launch, "
                       "operating or retired",
                       zStage ? zStage : "");
    json_t *sys, *ver;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    rc = system_version_find(db, json_get_id(sys, "id"), zName, zVersion, &ver, e);
    if (rc == 0) {
        rc = evaluate_version(db, sys, ver, zStage, time_now(), ppOut);
        json_decref(ver);
    }
    json_decref(sys);
    return rc;
}

int gate_board(Db *db, const char *zName, const char *zVersion, json_t **ppOut, KeelError *e) {
    json_t *sys, *ver;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    rc = system_version_find(db, json_get_id(sys, "id"), zName, zVersion, &ver, e);
    if (rc) {
        json_decref(sys);
        return rc;
    }
    json_t *gates = json_array();
    int64_t now = time_now();
    for (int i = 1; azSystemStage[i] && rc == 0; i++) { /* data_collection is the start */
        json_t *g;
        rc = evaluate_version(db, sys, ver, azSystemStage[i], now, &g);
        if (rc == 0) json_array_append_new(gates, g);
    }
    if (rc == 0) {
        json_t *all;
        rc = store_overrides(db, json_get_id(sys, "id"), 0, NULL, &all);
        if (rc == 0)
            *ppOut =
                json_pack("{sO sO sO sO so so}", "system", json_object_get(sys, "name"), "title",
                          json_object_get(sys, "title"), "version", json_object_get(ver, "version"),
                          "current_stage", json_object_get(ver, "stage"), "gates",
                          json_incref(gates), "overrides", all);
    }
    json_decref(gates);
    json_decref(ver);
    json_decref(sys);
    return rc;
}

/* ---- moves ---- */

int gate_system_transition(Db *db, const Principal *who, const char *zName, const json_t *in,
                           json_t **ppGate, KeelError *e) {
    *ppGate = NULL;
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "to") && strcmp(zKey, "reason") && strcmp(zKey, "version"))
            return err_set(e, KEEL_EINVAL, zKey, "unknown field '%.40s'; send to, reason, version",
                           zKey);
    }
    const char *zTo = json_get_str(in, "to");
    const char *zReason = json_get_str(in, "reason");
    json_t *jv = json_object_get(in, "version");
    if (stage_index(azSystemStage, zTo) < 0)
        return err_set(e, KEEL_EINVAL, "to",
                       "to must be a stage: data_collection, training, pre_launch, launch, "
                       "operating or retired");
    if (!zReason || !*zReason || strlen(zReason) > 2000)
        return err_set(e, KEEL_EINVAL, "reason", "reason is required (1 to 2000 characters)");
    if (jv && !json_is_string(jv))
        return err_set(e, KEEL_EINVAL, "version", "version must be a version label");
    json_t *sys, *ver = NULL;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    rc = system_may_edit(db, who, json_get_id(sys, "initiative_id"), e);
    if (rc == 0)
        rc = system_version_find(db, json_get_id(sys, "id"), zName, json_string_value(jv), &ver, e);
    if (rc) {
        json_decref(sys);
        return rc;
    }
    char zFrom[32];
    snprintf(zFrom, sizeof zFrom, "%s", json_get_str(ver, "stage"));
    int iFrom = stage_index(azSystemStage, zFrom), iTo = stage_index(azSystemStage, zTo);
    const char *zVerdict = "not_gated";
    int64_t overrideId = 0;
    if (iTo == iFrom || strcmp(zFrom, "retired") == 0) {
        rc = err_set_code(e, KEEL_ECONFLICT, "illegal_transition", "to",
                          "version %s is %s; it can move one stage forward through its gate, "
                          "back to an earlier stage, or to retired",
                          json_get_str(ver, "version"), zFrom);
    } else if (iTo > iFrom + 1 && strcmp(zTo, "retired") != 0) {
        rc = err_set_code(e, KEEL_ECONFLICT, "illegal_transition", "to",
                          "version %s is %s; it must pass the %s gate first (one stage at a "
                          "time)",
                          json_get_str(ver, "version"), zFrom, azSystemStage[iFrom + 1]);
    } else if (iTo == iFrom + 1 && strcmp(zTo, "retired") != 0) {
        rc = evaluate_version(db, sys, ver, zTo, time_now(), ppGate);
        if (rc == 0) {
            zVerdict = json_get_str(*ppGate, "verdict");
            if (strcmp(zVerdict, "refuse") == 0) {
                int nOpen = 0;
                size_t i;
                json_t *x;
                json_array_foreach(json_object_get(*ppGate, "requirements"), i, x) nOpen +=
                    strcmp(json_get_str(x, "state"), "met") != 0;
                rc = err_set_code(e, KEEL_ECONFLICT, "gate_refused", "to",
                                  "the %s gate refuses %s version %s: %d of %zu requirements are "
                                  "not met; see requirements",
                                  zTo, zName, json_get_str(ver, "version"), nOpen,
                                  json_array_size(json_object_get(*ppGate, "requirements")));
                json_err_params(
                    e, json_pack(
                           "{ss ss sO si sI}", "system_stage", zTo, "system", zName, "version",
                           json_object_get(ver, "version"), "open", nOpen, "total",
                           (json_int_t)json_array_size(json_object_get(*ppGate, "requirements"))));
                /* the refusal raises one action (path 5), tried again: the same one */
                int64_t aid = 0;
                if (action_raise_for_gate(db, who, zName, json_get_id(sys, "id"),
                                          json_get_id(sys, "initiative_id"),
                                          json_get_id(ver, "owner_id"), zTo, *ppGate, &aid) == 0 &&
                    aid)
                    json_object_set_new(*ppGate, "action_id", json_integer(aid));
            } else if (strcmp(zVerdict, "overridden") == 0) {
                overrideId = json_get_id(json_object_get(*ppGate, "override"), "id");
            }
        }
    }
    if (rc == 0) {
        Actor a = auth_actor(who);
        rc = db_begin(db);
        if (rc == 0)
            rc = store_version_stage(db, &a, json_get_id(sys, "id"), json_get_id(ver, "id"), zFrom,
                                     zTo, zReason, zVerdict, overrideId);
        if (rc == 0 && iTo == iFrom + 1) rc = action_close_for_gate(db, who, zName, 0, zTo);
        rc = db_end(db, rc);
        /* the launch gate passed: the version's baseline is what it has
         * shown so far (when it has windows; else the monitor.decay job
         * freezes its first days) */
        int nSeg;
        if (rc == 0 && strcmp(zTo, "launch") == 0)
            baseline_freeze(db, &a, json_get_id(sys, "id"), json_get_str(ver, "version"), INT64_MIN,
                            INT64_MAX, "launch gate passed", &nSeg);
    }
    json_decref(ver);
    json_decref(sys);
    return rc;
}

int gate_override_add(Db *db, const Principal *who, const char *zName, int64_t initiativeId,
                      const json_t *in, int64_t *pId, KeelError *e) {
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "stage") && strcmp(zKey, "reason") && strcmp(zKey, "expires_at"))
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s'; send stage, reason and expires_at", zKey);
    }
    const char *zStage = json_get_str(in, "stage");
    const char *zReason = json_get_str(in, "reason");
    const char *zExp = json_get_str(in, "expires_at");
    if (zName ? stage_index(azSystemStage, zStage) < 1
              : (!zStage || (strcmp(zStage, "pilot") && strcmp(zStage, "scaling") &&
                             strcmp(zStage, "operating"))))
        return err_set(e, KEEL_EINVAL, "stage",
                       zName ? "stage must be a gated stage: training, pre_launch, launch, "
                               "operating or retired"
                             : "stage must be an initiative move with a gate: pilot, scaling or "
                               "operating");
    if (!zReason || strlen(zReason) < 10 || strlen(zReason) > 2000)
        return err_set(e, KEEL_EINVAL, "reason",
                       "reason is required: say why the committee overrides the gate (10 to 2000 "
                       "characters)");
    int64_t t, now = time_now();
    if (!zExp || time_parse_iso(zExp, &t))
        return err_set(e, KEEL_EINVAL, "expires_at",
                       "expires_at is required: a date such as 2027-03-31 or a UTC time");
    if (t <= now || t > now + 366 * 86400)
        return err_set(e, KEEL_EINVAL, "expires_at",
                       "expires_at must be after now and at most a year ahead");
    if (who->role != ROLE_COMMITTEE && who->role != ROLE_ADMIN)
        return err_set_code(e, KEEL_EFORBIDDEN, "committee_only", "",
                            "only the AI committee (or an admin) overrides a gate");
    int64_t sid = 0;
    if (zName) {
        sid = system_id_by_name(db, zName);
        if (sid < 0) return (int)sid;
        if (sid == 0)
            return err_set(e, KEEL_ENOTFOUND, "system", "no AI system named '%.64s'", zName);
    } else {
        int rc = store_crud_exists(db, &resource_initiative, initiativeId);
        if (rc < 0) return rc;
        if (rc == 0) return err_no_id(e, KEEL_ENOTFOUND, "id", "initiative", initiativeId);
    }
    /* an override by the committee is a committee decision (path 4) */
    int rc = committee_direct_check(db, who, "override_gate", e);
    if (rc) return rc;
    char zIso[32], zStageKey[40];
    time_iso(t, zIso, sizeof zIso);
    snprintf(zStageKey, sizeof zStageKey, "%s%s", zName ? "" : "initiative_", zStage);
    Actor a = auth_actor(who);
    int64_t iid = initiativeId;
    if (zName) {
        json_t *s;
        if (store_crud_get(db, &resource_system, sid, &s) == 0) {
            iid = json_get_id(s, "initiative_id");
            json_decref(s);
        }
    }
    rc = db_begin(db);
    if (rc == 0)
        rc = store_override_add(db, &a, sid, zName ? 0 : initiativeId, zStageKey, zReason, zIso,
                                pId);
    if (rc == 0) {
        json_t *act =
            zName ? json_pack("{ss ss ss}", "system", zName, "stage", zStage, "expires_at", zIso)
                  : json_pack("{sI ss ss}", "initiative_id", (json_int_t)initiativeId, "stage",
                              zStage, "expires_at", zIso);
        rc = committee_direct_record(db, who, "override_gate", act, iid, zReason);
        json_decref(act);
    }
    return db_end(db, rc);
}

int gate_initiative(Db *db, int64_t initiativeId, const char *zFrom, const char *zTo,
                    json_t **ppGate) {
    static const char *const azMove[][3] = {{"approved", "pilot", "pre_launch"},
                                            {"pilot", "scaling", "launch"},
                                            {"scaling", "operating", "operating"}};
    *ppGate = NULL;
    int k = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(zFrom, azMove[i][0]) == 0 && strcmp(zTo, azMove[i][1]) == 0) k = i;
    if (k < 0) return 0;
    char zStage[40];
    snprintf(zStage, sizeof zStage, "initiative_%s", zTo);
    json_t *def = NULL, *reqs = json_array(), *systems = NULL, *ov = NULL, *out = NULL;
    int64_t now = time_now();
    int rc = def_current(db, zStage, &def);
    if (rc == 0) rc = store_systems_of_initiative(db, initiativeId, &systems);
    if (rc == 0) rc = find_override(db, 0, initiativeId, zStage, now, &ov);
    size_t i, j;
    json_t *r, *s;
    json_array_foreach(json_object_get(def, "requirements"), i, r) {
        if (rc) break;
        json_t *o = NULL;
        if (strcmp(json_get_str(r, "evidence_kind"), "team") == 0)
            rc = eval_team(db, initiativeId, r, &o);
        else
            o = req_result(r, "missing",
                           "only team requirements apply to an initiative's move; "
                           "evidence belongs to its systems",
                           say("team_only", NULL));
        if (o) json_array_append_new(reqs, o);
    }
    json_t *gates = json_array();
    json_array_foreach(systems, i, s) {
        if (rc) break;
        json_t *sys, *ver, *g = NULL;
        KeelError e2;
        rc = store_crud_get(db, &resource_system, json_get_id(s, "id"), &sys);
        if (rc) break;
        rc = system_version_find(db, json_get_id(sys, "id"), json_get_str(sys, "name"), NULL, &ver,
                                 &e2);
        if (rc == KEEL_ENOTFOUND) {
            rc = 0;
            char z[200];
            snprintf(z, sizeof z, "%s has no registered version", json_get_str(sys, "name"));
            json_array_append_new(
                reqs, json_pack("{ss ss ss ss so sO}", "id", "version", "evidence_kind", "version",
                                "state", "missing", "detail", z, "detail_code",
                                say("no_version",
                                    json_pack("{sO}", "system", json_object_get(sys, "name"))),
                                "system", json_object_get(sys, "name")));
        } else if (rc == 0) {
            rc = evaluate_version(db, sys, ver, azMove[k][2], now, &g);
            json_decref(ver);
        }
        json_decref(sys);
        if (!g) continue;
        int bPass = strcmp(json_get_str(g, "verdict"), "refuse") != 0;
        json_array_foreach(json_object_get(g, "requirements"), j, r) {
            json_t *o = json_deep_copy(r);
            json_object_set(o, "system", json_object_get(g, "system"));
            /* a system gate the committee overrode counts as passed */
            if (bPass && strcmp(json_get_str(o, "state"), "met") != 0)
                json_object_set_new(o, "overridden", json_true());
            json_array_append_new(reqs, o);
        }
        json_array_append_new(gates, g);
    }
    if (rc == 0) {
        /* requirements of overridden system gates do not hold the move back */
        json_t *open = json_array();
        json_array_foreach(reqs, i, r) {
            if (!json_is_true(json_object_get(r, "overridden"))) json_array_append(open, r);
        }
        out = json_pack("{ss ss sO so sO}", "stage", zTo, "system_stage", azMove[k][2],
                        "gate_version", json_object_get(def, "version"), "verdict",
                        json_string(verdict_of(open, ov)), "requirements", reqs);
        json_decref(open);
        json_object_set_new(out, "systems", gates);
        json_object_set_new(out, "override", ov ? json_incref(ov) : json_null());
        *ppGate = out;
    } else {
        json_decref(gates);
    }
    json_decref(reqs);
    json_decref(def);
    json_decref(systems);
    json_decref(ov);
    return rc;
}
