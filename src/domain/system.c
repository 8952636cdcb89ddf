/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AI system register: systems, versions and evidence; see system.h. */
#include "domain/system.h"
#include "domain/alignment.h"
#include "domain/analysis.h"
#include "store/store_crud.h"
#include "store/store_system.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *const azSystemStage[] = {"data_collection", "training", "pre_launch", "launch",
                                     "operating",       "retired",  NULL};
const char *const azRiskTier[] = {"prohibited", "high", "limited", "minimal", NULL};
/* The evidence kinds, written once: the lists below are made of these
 * (the documents in two parts only to keep the order the API lists). */
#define EVIDENCE_ANALYSES "fairness", "explain", "abtest", "drift"
#define EVIDENCE_DOCUMENTS_1                                                                       \
    "consent_record", "impact_assessment", "filing", "red_team", "monitoring", "switch_test",      \
        "ab_exemption"
#define EVIDENCE_DOCUMENTS_2                                                                       \
    "technical_documentation", "eu_registration", "fria", "pia", "label_check",                    \
        "security_assessment", "incident_report"
const char *const azAnalysisEvidence[] = {EVIDENCE_ANALYSES, NULL};
const char *const azDocumentEvidence[] = {EVIDENCE_DOCUMENTS_1, EVIDENCE_DOCUMENTS_2, NULL};
/* Every kind a gate requirement may name: analyses, documents, and what
 * keel reads from elsewhere (data readiness and consent of the version's
 * data assets, the initiative's team, the system's ethics review). */
const char *const azEvidenceKind[] = {
    EVIDENCE_ANALYSES, EVIDENCE_DOCUMENTS_1, "readiness", "consent", "team",
    "ethics_review",   EVIDENCE_DOCUMENTS_2, NULL};
static const char *const azModelSource[] = {"own", "fine_tuned", "third_party", NULL};
static const char *const azEthicsDomain[] = {"credit", "hiring", "health", "minors", NULL};

const char *const azJurisdiction[] = {"eu", "cn", "us", "uk", NULL};
static const char *const azEuRole[] = {"provider", "deployer", "both", NULL};
static const char *const azAnnexIII[] = {"biometrics",
                                         "critical_infrastructure",
                                         "education",
                                         "employment",
                                         "essential_services",
                                         "credit",
                                         "insurance",
                                         "law_enforcement",
                                         "migration",
                                         "justice",
                                         NULL};
static const char *const azAlgorithmType[] = {
    "generative_synthesis", "personalised_push", "ranking",
    "search_filter",        "dispatch_decision", NULL};

#define FLAG(name, doc)                                                                            \
    { name, FT_BOOL, F_FILTER, 0, 0, NULL, NULL, doc }

static const FieldDef aSystemField[] = {
    ID_FIELD,
    {"name", FT_TEXT, F_REQUIRED | F_FILTER | F_SORT | F_UNIQUE, 1, SYSTEM_NAME_MAX, NULL, NULL,
     "stable key: 1 to 64 of a-z, 0-9 and -; never changes"},
    {"title", FT_TEXT, F_REQUIRED | F_SORT, 1, 200, NULL, NULL, "name for display"},
    {"initiative_id", FT_REF, F_REQUIRED | F_FILTER, 1, 9e15, NULL, "initiative",
     "the initiative it belongs to"},
    {"description", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL, "what it does"},
    {"risk_tier", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azRiskTier, NULL,
     "prohibited, high, limited or minimal"},
    {"tier_reason", FT_TEXT, F_REQUIRED, 1, 2000, NULL, NULL, "why this tier"},
    FLAG("personal_data", "processes personal data"),
    FLAG("sensitive_data", "processes sensitive personal data"),
    FLAG("automated_decisions",
         "makes automated decisions with legal or similarly significant effect on people"),
    FLAG("public_facing", "the public uses it directly"),
    FLAG("generative", "generates content (text, images, ...)"),
    {"model_source", FT_ENUM, F_FILTER, 0, 0, azModelSource, NULL,
     "own, fine_tuned (a third party's model tuned here) or third_party"},
    {"ethics_domain", FT_ENUM, F_NULLABLE | F_FILTER, 0, 0, azEthicsDomain, NULL,
     "ethics-sensitive domain: credit, hiring, health, minors, or null"},
    {"jurisdictions", FT_SET, F_FILTER, 0, 0, azJurisdiction, NULL,
     "where it is offered or used: eu, cn, us, uk (selects the rule packs)"},
    {"eu_role", FT_ENUM, F_NULLABLE | F_FILTER, 0, 0, azEuRole, NULL,
     "EU AI Act role: provider, deployer or both"},
    {"annex_iii_area", FT_ENUM, F_NULLABLE | F_FILTER, 0, 0, azAnnexIII, NULL,
     "EU AI Act Annex III high-risk area, or null"},
    {"algorithm_types", FT_SET, F_FILTER, 0, 0, azAlgorithmType, NULL,
     "China's five algorithm types: generative_synthesis, personalised_push, ranking, "
     "search_filter, dispatch_decision"},
    FLAG("public_opinion",
         "has public-opinion or social-mobilisation capacity (China: 舆论属性或社会动员能力)"),
    FLAG("transfer_abroad", "sends personal information across borders"),
    TIMES,
};
static const RefBy aSystemRefBy[] = {
    {"system_version", "system_id", "versions"},
    {"risk", "system_id", "risks"},
    {"ethics_review", "system_id", "ethics reviews"},
};
const ResourceDef resource_system =
    RESOURCE_REFBY("system", "ai_system", aSystemField, aSystemRefBy);

static const FieldDef aVersionField[] = {
    ID_FIELD,
    {"system_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "ai_system", "the system"},
    {"version", FT_TEXT, F_REQUIRED | F_FILTER, 1, 40, NULL, NULL,
     "version label (1 to 40 of letters, digits, '.', '_', '-'), unique per system"},
    {"stage", FT_ENUM, F_READONLY | F_FILTER, 0, 0, azSystemStage, NULL,
     "data_collection, training, pre_launch, launch, operating or retired"},
    {"training_asset_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "data_asset",
     "the data asset it is trained on"},
    {"evaluation_asset_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "data_asset",
     "the data asset it is evaluated on"},
    {"evaluation_sha256", FT_TEXT, F_NULLABLE, 64, 64, NULL, NULL,
     "SHA-256 (hex) of the evaluation file as registered; analyses on other data do not count"},
    {"algorithm", FT_TEXT, F_NULLABLE, 0, 200, NULL, NULL, "algorithm family"},
    {"owner_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "person", "who answers for it"},
    {"purpose", FT_TEXT, F_NULLABLE, 0, 2000, NULL, NULL, "intended purpose"},
    {"deployment", FT_TEXT, F_NULLABLE, 0, 500, NULL, NULL, "where it runs"},
    {"callers", FT_TEXT, F_NULLABLE, 0, 500, NULL, NULL, "who calls it"},
    TIMES,
};
const ResourceDef resource_system_version =
    RESOURCE("system_version", "system_version", aVersionField);

static const FieldDef aEvidenceField[] = {
    ID_FIELD,
    {"system_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "ai_system", "the system"},
    {"version_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "system_version",
     "the version it is evidence for"},
    {"kind", FT_ENUM, F_FILTER, 0, 0, azEvidenceKind, NULL, "what it shows"},
    {"analysis_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "analysis", "the stored analysis"},
    {"title", FT_TEXT, F_NULLABLE, 0, 200, NULL, NULL, "document title"},
    {"reference", FT_TEXT, F_NULLABLE, 0, 500, NULL, NULL,
     "document reference: filing number, notice version, report id"},
    {"reviewer_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "account", "who must attest it"},
    {"attested_at", FT_TIME, F_READONLY | F_NULLABLE, 0, 0, NULL, NULL, "when it was attested"},
    {"account_id", FT_INT, F_READONLY, 0, 9e15, NULL, NULL, "who added it"},
    {"created_by", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who added it"},
    TIMES,
};
const ResourceDef resource_evidence = RESOURCE("evidence", "evidence", aEvidenceField);

int system_name_ok(const char *z) {
    size_t n = 0;
    for (; z && z[n]; n++)
        if (!((z[n] >= 'a' && z[n] <= 'z') || (z[n] >= '0' && z[n] <= '9') || z[n] == '-'))
            return 0;
    return n >= 1 && n <= SYSTEM_NAME_MAX;
}

static int version_label_ok(const char *z) {
    size_t n = 0;
    for (; z && z[n]; n++)
        if (!((z[n] >= 'a' && z[n] <= 'z') || (z[n] >= 'A' && z[n] <= 'Z') ||
              (z[n] >= '0' && z[n] <= '9') || z[n] == '-' || z[n] == '.' || z[n] == '_'))
            return 0;
    return n >= 1 && n <= 40;
}

static int hex64_ok(const char *z) {
    size_t n = 0;
    for (; z && z[n]; n++)
        if (!((z[n] >= 'a' && z[n] <= 'f') || (z[n] >= '0' && z[n] <= '9'))) return 0;
    return n == 64;
}

int64_t system_id_by_name(Db *db, const char *zName) {
    if (!system_name_ok(zName)) return 0;
    return store_crud_id_by(db, &resource_system, "name", zName);
}

int system_get_row(Db *db, const char *zName, json_t **ppOut, KeelError *e) {
    int64_t id = system_id_by_name(db, zName);
    if (id < 0) return (int)id;
    if (id == 0)
        return err_set(e, KEEL_ENOTFOUND, "system",
                       "no AI system named '%.64s'; GET /api/v1/systems lists them", zName);
    return store_crud_get(db, &resource_system, id, ppOut);
}

int system_may_edit(Db *db, const Principal *who, int64_t initiativeId, KeelError *e) {
    if (who->role == ROLE_VIEWER)
        return err_set(e, KEEL_EFORBIDDEN, "", "viewers may not change the register");
    if (who->role != ROLE_OWNER) return 0;
    json_t *init;
    int rc = resource_get_ref(db, &resource_initiative, initiativeId, "initiative_id", "initiative",
                              &init, e);
    if (rc) return rc;
    int64_t owner = json_get_id(init, "owner_id");
    json_decref(init);
    if (who->personId && who->personId == owner) return 0;
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "initiative_id",
                        "a business owner registers systems only under the initiatives they own");
}

int system_for_edit(Db *db, const Principal *who, const char *zName, int64_t *pId, KeelError *e) {
    json_t *sys;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    *pId = json_get_id(sys, "id");
    rc = system_may_edit(db, who, json_get_id(sys, "initiative_id"), e);
    json_decref(sys);
    return rc;
}

/* What the caller may do with a system: {may_edit, may_override}. */
static json_t *system_rights(Db *db, const Principal *who, const json_t *sys) {
    KeelError e;
    int bEdit =
        system_may_edit(db, who, json_get_id(sys, "id") ? json_get_id(sys, "initiative_id") : 0,
                        &e) == 0;
    return json_pack("{sb sb sb}", "may_edit", bEdit, "may_override",
                     who->role == ROLE_COMMITTEE || who->role == ROLE_ADMIN, "may_attest",
                     who->role == ROLE_RISK);
}

int system_get(Db *db, const Principal *who, const char *zName, json_t **ppOut, KeelError *e) {
    json_t *sys, *versions = NULL, *evidence = NULL, *history = NULL, *init = NULL;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    int64_t id = json_get_id(sys, "id");
    rc = store_system_versions(db, id, &versions);
    if (rc == 0) rc = store_system_evidence(db, id, &evidence);
    if (rc == 0) rc = store_system_history(db, id, &history);
    if (rc == 0)
        rc = store_crud_get(db, &resource_initiative, json_get_id(sys, "initiative_id"), &init);
    if (rc) {
        json_decref(sys);
        json_decref(versions);
        json_decref(evidence);
        json_decref(history);
        return rc;
    }
    size_t i, k;
    json_t *v, *ev;
    json_array_foreach(versions, i, v) {
        json_t *mine = json_array();
        json_array_foreach(evidence, k, ev) {
            if (json_get_id(ev, "version_id") == json_get_id(v, "id")) json_array_append(mine, ev);
        }
        json_object_set_new(v, "evidence", mine);
    }
    json_object_set(sys, "initiative_title", json_object_get(init, "title"));
    json_object_set(sys, "initiative_stage", json_object_get(init, "stage"));
    json_decref(init);
    json_object_set_new(sys, "versions", versions);
    json_object_set_new(sys, "evidence", evidence);
    json_object_set_new(sys, "history", history);
    if (who) json_object_set_new(sys, "you", system_rights(db, who, sys));
    *ppOut = sys;
    return 0;
}

int system_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    int rc = resource_validate(&resource_system, in, 1, e);
    if (rc) return rc;
    const char *zName = json_string_value(json_object_get(in, "name"));
    if (!system_name_ok(zName))
        return err_set(e, KEEL_EINVAL, "name",
                       "name must be a key of 1 to 64 characters a-z, 0-9 and '-' (e.g. "
                       "credit-scoring-v2); use title for the display name");
    if ((rc = system_may_edit(db, who, json_get_id(in, "initiative_id"), e))) return rc;
    Actor a = auth_actor(who);
    rc = store_crud_create(db, &resource_system, &a, in, pId, e);
    if (rc == KEEL_ECONFLICT)
        err_set_code(e, rc, "duplicate", "name", "a system named '%s' is already registered",
                     zName);
    return rc;
}

int system_update(Db *db, const Principal *who, const char *zName, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_system, in, 0, e);
    if (rc) return rc;
    if (json_object_get(in, "name") || json_object_get(in, "initiative_id"))
        return err_set(e, KEEL_EINVAL, json_object_get(in, "name") ? "name" : "initiative_id",
                       "a system's name and initiative never change; register a new system "
                       "instead");
    int64_t id;
    if ((rc = system_for_edit(db, who, zName, &id, e))) return rc;
    Actor a = auth_actor(who);
    return store_crud_update(db, &resource_system, &a, id, in, e);
}

int system_version_create(Db *db, const Principal *who, const char *zName, json_t *in, int64_t *pId,
                          KeelError *e) {
    int rc = resource_validate(&resource_system_version, in, 1, e);
    if (rc) return rc;
    if (!version_label_ok(json_string_value(json_object_get(in, "version"))))
        return err_set(e, KEEL_EINVAL, "version",
                       "version must be 1 to 40 letters, digits, '.', '_' or '-' (e.g. 2.1.0)");
    const char *zSha = json_string_value(json_object_get(in, "evaluation_sha256"));
    if (zSha && !hex64_ok(zSha))
        return err_set(e, KEEL_EINVAL, "evaluation_sha256",
                       "evaluation_sha256 must be 64 lower-case hex digits (sha256sum FILE)");
    int64_t id;
    if ((rc = system_for_edit(db, who, zName, &id, e))) return rc;
    json_object_set_new(in, "system_id", json_integer(id));
    json_object_set_new(in, "stage", json_string("data_collection"));
    Actor a = auth_actor(who);
    rc = store_crud_create(db, &resource_system_version, &a, in, pId, e);
    if (rc == KEEL_ECONFLICT && !e->zField[0])
        err_set_code(e, rc, "duplicate", "version", "%s already has a version %s", zName,
                     json_string_value(json_object_get(in, "version")));
    return rc;
}

int system_version_find(Db *db, int64_t systemId, const char *zName, const char *zVersion,
                        json_t **ppOut, KeelError *e) {
    json_t *all;
    int rc = store_system_versions(db, systemId, &all);
    if (rc) return rc;
    json_t *hit = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(all, i, v) {
        if (!zVersion || strcmp(json_string_value(json_object_get(v, "version")), zVersion) == 0)
            hit = v;
    }
    if (hit) *ppOut = json_incref(hit);
    json_decref(all);
    if (hit) return 0;
    if (!zVersion)
        return err_set_code(e, KEEL_ENOTFOUND, "no_version", "version",
                            "%s has no version yet; register one with POST "
                            "/api/v1/systems/%s/versions",
                            zName, zName);
    return err_set(e, KEEL_ENOTFOUND, "version", "%s has no version '%.40s'", zName, zVersion);
}

/* Checks for a stored analysis offered as evidence of systemId. */
static int evidence_analysis(Db *db, int64_t systemId, const char *zName, json_t *in,
                             KeelError *e) {
    int64_t aid = json_get_id(in, "analysis_id");
    json_t *an;
    int rc = resource_get_ref(db, &resource_analysis, aid, "analysis_id", "analysis", &an, e);
    if (rc) return rc;
    const char *zKind = json_string_value(json_object_get(an, "kind"));
    const char *zHash = json_string_value(json_object_get(in, "input_hash"));
    const char *zHave = json_string_value(json_object_get(an, "input_hash"));
    int64_t owner = 0;
    rc = store_analysis_system(db, aid, &owner);
    if (rc == 0 && owner && owner != systemId)
        rc = err_set_code(e, KEEL_ECONFLICT, "foreign_evidence", "analysis_id",
                          "analysis %" PRId64 " is already evidence of another system; evidence "
                          "of one system never counts for another: run the analysis on %s's own "
                          "data",
                          aid, zName);
    else if (rc == 0 && zHash && (!zHave || strcmp(zHash, zHave) != 0))
        rc = err_set_code(e, KEEL_ECONFLICT, "stale_hash", "input_hash",
                          "input_hash %.16s... is not the input hash of analysis %" PRId64
                          " (%.16s...): the analysis you meant was computed on other inputs",
                          zHash, aid, zHave ? zHave : "none");
    else if (rc == 0 && zKind)
        json_object_set_new(in, "kind", json_string(zKind));
    json_decref(an);
    json_object_del(in, "input_hash");
    return rc;
}

/* Checks for a document offered as evidence: kind, title, reviewer. */
static int evidence_document(Db *db, json_t *in, KeelError *e) {
    const char *zKind = json_string_value(json_object_get(in, "kind"));
    if (!zKind || resource_enum_index(azDocumentEvidence, zKind) < 0)
        return err_set(e, KEEL_EINVAL, "kind",
                       "a document's kind must be one of consent_record, impact_assessment, "
                       "filing, red_team, monitoring, switch_test or ab_exemption (analyses are "
                       "attached by analysis_id)");
    if (!json_is_string(json_object_get(in, "title")))
        return err_set(e, KEEL_EINVAL, "title", "title is required for a document");
    int64_t rid = json_get_id(in, "reviewer_id");
    if (!rid)
        return err_set(e, KEEL_EINVAL, "reviewer_id",
                       "reviewer_id is required: the risk officer's account that attests it");
    json_t *acc;
    int rc = resource_get_ref(db, &resource_account, rid, "reviewer_id", "account", &acc, e);
    if (rc) return rc;
    const char *zRole = json_string_value(json_object_get(acc, "role"));
    if (!zRole || strcmp(zRole, "risk") != 0)
        rc = err_set_code(e, KEEL_ERULE, "not_risk_officer", "reviewer_id",
                          "documents are attested by a risk officer; account %" PRId64
                          " has the role %s",
                          rid, zRole ? zRole : "?");
    json_decref(acc);
    return rc;
}

int system_evidence_add(Db *db, const Principal *who, const char *zName, json_t *in, int64_t *pId,
                        KeelError *e) {
    static const char *const azKey[] = {"version", "analysis_id", "input_hash",  "kind",
                                        "title",   "reference",   "reviewer_id", NULL};
    const char *zKey;
    json_t *v;
    json_object_foreach(in, zKey, v) {
        if (resource_enum_index(azKey, zKey) < 0)
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s'; send version and analysis_id (with "
                           "input_hash), or kind, title, reference and reviewer_id",
                           zKey);
    }
    json_t *jv = json_object_get(in, "version");
    if (jv && !json_is_string(jv))
        return err_set(e, KEEL_EINVAL, "version", "version must be a version label");
    json_t *ih = json_object_get(in, "input_hash");
    if (ih && !json_is_string(ih))
        return err_set(e, KEEL_EINVAL, "input_hash", "input_hash must be the analysis's hash");
    json_t *body = json_deep_copy(in);
    json_object_del(body, "version");
    json_object_del(body, "input_hash");
    int rc = resource_validate(&resource_evidence, body, 1, e);
    json_decref(body);
    if (rc) return rc;
    json_t *ver = NULL;
    int64_t sid;
    rc = system_for_edit(db, who, zName, &sid, e);
    if (rc == 0) rc = system_version_find(db, sid, zName, json_string_value(jv), &ver, e);
    if (rc == KEEL_ENOTFOUND && jv) rc = e->rc = KEEL_EINVAL;
    if (rc) return rc;
    int64_t vid = json_get_id(ver, "id");
    json_decref(ver);
    json_t *row = json_deep_copy(in);
    json_object_del(row, "version");
    if (json_object_get(row, "analysis_id")) {
        if (json_object_get(row, "reviewer_id"))
            rc = err_set(e, KEEL_EINVAL, "reviewer_id",
                         "analyses are computed evidence; reviewer_id is for documents");
        if (rc == 0) rc = evidence_analysis(db, sid, zName, row, e);
    } else {
        rc = evidence_document(db, row, e);
    }
    if (rc == 0) {
        json_object_set_new(row, "system_id", json_integer(sid));
        json_object_set_new(row, "version_id", json_integer(vid));
        json_object_set_new(row, "account_id", json_integer(who->accountId));
        json_object_set_new(row, "created_by",
                            json_string(who->zEmail[0] ? who->zEmail : "system"));
        Actor a = auth_actor(who);
        rc = store_crud_create(db, &resource_evidence, &a, row, pId, e);
    }
    json_decref(row);
    return rc;
}

int system_evidence_attest(Db *db, const Principal *who, int64_t id, KeelError *e) {
    json_t *ev;
    int rc = store_crud_get(db, &resource_evidence, id, &ev);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "evidence", id);
    if (rc) return rc;
    int64_t reviewer = json_get_id(ev, "reviewer_id");
    int bAttested = json_is_string(json_object_get(ev, "attested_at"));
    json_decref(ev);
    if (!reviewer)
        return err_set_code(e, KEEL_ECONFLICT, "not_document", "id",
                            "evidence %" PRId64 " is a computed analysis; only documents are "
                            "attested",
                            id);
    if (who->accountId != reviewer)
        return err_set_code(e, KEEL_EFORBIDDEN, "not_reviewer", "id",
                            "only the reviewer named on the document (account %" PRId64
                            "), through their own account, may attest it",
                            reviewer);
    if (bAttested)
        return err_set_code(e, KEEL_ECONFLICT, "already_attested", "id",
                            "evidence %" PRId64 " is already attested", id);
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    /* attested_at is read-only to clients: set it through the store */
    json_t *upd = json_pack("{ss}", "attested_at", zNow);
    Actor a = auth_actor(who);
    rc = store_crud_update(db, &resource_evidence, &a, id, upd, e);
    json_decref(upd);
    return rc;
}
