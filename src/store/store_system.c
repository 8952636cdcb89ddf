/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 3 (risk control); see store_system.h. */
#include "store/store_system.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <stdlib.h>

static void now_iso(char *z, size_t n) { time_iso(time_now(), z, n); }

int store_system_versions(Db *db, int64_t systemId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT v.*, p.name AS owner_name, ta.name AS training_asset_name, "
                          "ea.name AS evaluation_asset_name FROM system_version v "
                          "LEFT JOIN person p ON p.id = v.owner_id "
                          "LEFT JOIN data_asset ta ON ta.id = v.training_asset_id "
                          "LEFT JOIN data_asset ea ON ea.id = v.evaluation_asset_id "
                          "WHERE v.system_id = ? ORDER BY v.id",
                          "i", systemId);
}

int store_system_evidence(Db *db, int64_t systemId, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT e.id, e.system_id, e.version_id, v.version, e.kind, e.analysis_id, e.title, "
        "e.reference, e.reviewer_id, r.name AS reviewer_name, e.attested_at, e.created_by, "
        "e.created_at, a.verdict, a.input_hash, a.data_sha256, a.engine_version, "
        "a.title AS analysis_title, a.created_by AS analysis_by, a.created_at AS analysis_at "
        "FROM evidence e JOIN system_version v ON v.id = e.version_id "
        "LEFT JOIN analysis a ON a.id = e.analysis_id "
        "LEFT JOIN account r ON r.id = e.reviewer_id "
        "WHERE e.system_id = ? ORDER BY e.id DESC",
        "i", systemId);
}

int store_analysis_system(Db *db, int64_t analysisId, int64_t *pSystemId) {
    return db_query_int_or0(db, pSystemId,
                            "SELECT system_id FROM evidence WHERE analysis_id = ? ORDER BY id", "i",
                            analysisId);
}

static const char zSystemSelect[] =
    "SELECT s.id, s.name, s.title, s.initiative_id, i.title AS initiative_title, s.risk_tier, "
    "s.tier_reason, s.personal_data, s.sensitive_data, s.automated_decisions, s.public_facing, "
    "s.generative, s.model_source, s.ethics_domain, s.created_at, s.updated_at, "
    "v.version AS latest_version, v.stage AS latest_stage FROM ai_system s "
    "JOIN initiative i ON i.id = s.initiative_id "
    "LEFT JOIN system_version v ON v.id = (SELECT max(id) FROM system_version WHERE system_id = "
    "s.id) ";

int store_systems_of_initiative(Db *db, int64_t initiativeId, json_t **ppRows) {
    return store_systems_list(db, initiativeId, ppRows);
}

int store_systems_list(Db *db, int64_t initiativeId, json_t **ppRows) {
    char zSql[1024];
    snprintf(zSql, sizeof zSql, "%s%s ORDER BY s.name", zSystemSelect,
             initiativeId ? "WHERE s.initiative_id = ?" : "");
    return initiativeId ? db_select_json(db, ppRows, zSql, "i", initiativeId)
                        : db_select_json(db, ppRows, zSql, "");
}

int store_version_stage(Db *db, const Actor *actor, int64_t systemId, int64_t versionId,
                        const char *zFrom, const char *zTo, const char *zReason,
                        const char *zVerdict, int64_t overrideId) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc = db_run(db, "UPDATE system_version SET stage = ?, updated_at = ? WHERE id = ?", "tti",
                    zTo, zNow, versionId);
    if (rc == 0)
        rc = db_run(db,
                    overrideId ? "INSERT INTO system_stage_change(system_id, version_id, "
                                 "from_stage, to_stage, reason, verdict, account_id, actor, "
                                 "created_at, override_id) VALUES(?,?,?,?,?,?,?,?,?,?)"
                               : "INSERT INTO system_stage_change(system_id, version_id, "
                                 "from_stage, to_stage, reason, verdict, account_id, actor, "
                                 "created_at) VALUES(?,?,?,?,?,?,?,?,?)",
                    overrideId ? "iittttitti" : "iittttitt", systemId, versionId, zFrom, zTo,
                    zReason, zVerdict, actor->id, actor->zName, zNow, overrideId);
    if (rc) return rc;
    json_t *before = json_pack("{ss}", "stage", zFrom);
    json_t *after = json_pack("{ss ss ss}", "stage", zTo, "reason", zReason, "gate", zVerdict);
    rc = store_audit_append(db, actor, "transition", "system_version", versionId, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

int store_system_history(Db *db, int64_t systemId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT c.id, v.version, c.from_stage, c.to_stage, c.reason, c.verdict, "
                          "c.override_id, c.actor, c.created_at FROM system_stage_change c JOIN "
                          "system_version v ON v.id = c.version_id WHERE c.system_id = ? ORDER BY "
                          "c.id DESC",
                          "i", systemId);
}

int store_gate_defs_latest(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT g.stage, g.version, g.requirements, g.note, g.created_by, "
                          "g.created_at FROM gate_def g WHERE g.version = (SELECT max(version) "
                          "FROM gate_def h WHERE h.stage = g.stage)",
                          "");
}

int store_gate_def_versions(Db *db, const char *zStage, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT stage, version, requirements, note, created_by, created_at FROM "
                          "gate_def WHERE stage = ? ORDER BY version DESC",
                          "t", zStage);
}

int store_gate_def_add(Db *db, const Actor *actor, const char *zStage, const char *zRequirements,
                       const char *zNote, int64_t *pVersion) {
    int64_t v = 0;
    int rc = db_query_int(db, &v, "SELECT coalesce(max(version), 0) FROM gate_def WHERE stage = ?",
                          "t", zStage);
    if (rc) return rc;
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int64_t id = 0;
    rc = db_insert(db, &id,
                   "INSERT INTO gate_def(stage, version, requirements, note, created_by, "
                   "created_at) VALUES(?,?,?,?,?,?)",
                   "titttt", zStage, v + 1, zRequirements, zNote, actor->zName, zNow);
    if (rc) return rc;
    json_t *req = json_loads(zRequirements, 0, NULL);
    json_t *after = json_pack("{ss sI so}", "stage", zStage, "version", (json_int_t)(v + 1),
                              "requirements", req ? req : json_null());
    rc = store_audit_append(db, actor, "create", "gate_def", id, NULL, after);
    json_decref(after);
    *pVersion = v + 1;
    return rc;
}

int store_overrides(Db *db, int64_t systemId, int64_t initiativeId, const char *zStage,
                    json_t **ppRows) {
    const char *zSql =
        systemId ? (zStage ? "SELECT * FROM gate_override WHERE system_id = ? AND stage = ? ORDER "
                             "BY id DESC"
                           : "SELECT * FROM gate_override WHERE system_id = ? ORDER BY id DESC")
                 : (zStage ? "SELECT * FROM gate_override WHERE initiative_id = ? AND stage = ? "
                             "ORDER BY id DESC"
                           : "SELECT * FROM gate_override WHERE initiative_id = ? ORDER BY id "
                             "DESC");
    return zStage
               ? db_select_json(db, ppRows, zSql, "it", systemId ? systemId : initiativeId, zStage)
               : db_select_json(db, ppRows, zSql, "i", systemId ? systemId : initiativeId);
}

int store_override_add(Db *db, const Actor *actor, int64_t systemId, int64_t initiativeId,
                       const char *zStage, const char *zReason, const char *zExpires,
                       int64_t *pId) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc = db_insert(db, pId,
                       systemId ? "INSERT INTO gate_override(system_id, stage, reason, expires_at, "
                                  "account_id, created_by, created_at) VALUES(?,?,?,?,?,?,?)"
                                : "INSERT INTO gate_override(initiative_id, stage, reason, "
                                  "expires_at, account_id, created_by, created_at) "
                                  "VALUES(?,?,?,?,?,?,?)",
                       "itttitt", systemId ? systemId : initiativeId, zStage, zReason, zExpires,
                       actor->id, actor->zName, zNow);
    if (rc) return rc;
    json_t *after =
        json_pack("{ss ss ss}", "stage", zStage, "reason", zReason, "expires_at", zExpires);
    if (systemId) json_object_set_new(after, "system_id", json_integer(systemId));
    if (initiativeId) json_object_set_new(after, "initiative_id", json_integer(initiativeId));
    rc = store_audit_append(db, actor, "create", "gate_override", *pId, NULL, after);
    json_decref(after);
    return rc;
}

int store_reviews_of(Db *db, int64_t systemId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT * FROM ethics_review WHERE system_id = ? ORDER BY held_on DESC, "
                          "id DESC",
                          "i", systemId);
}

int store_review_schedule(Db *db, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT s.id AS system_id, s.name, s.title, s.risk_tier, s.created_at, r.id AS review_id, "
        "r.held_on, r.decision, r.board FROM ai_system s LEFT JOIN ethics_review r ON r.id = "
        "(SELECT x.id FROM ethics_review x WHERE x.system_id = s.id ORDER BY x.held_on DESC, "
        "x.id DESC LIMIT 1) ORDER BY s.name",
        "");
}

int store_review_intervals(Db *db, json_t **ppOut) {
    json_t *rows;
    int rc = db_select_json(db, &rows, "SELECT tier, months FROM review_interval", "");
    if (rc) return rc;
    json_t *o = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) json_object_set(o, json_string_value(json_object_get(x, "tier")),
                                                   json_object_get(x, "months"));
    json_decref(rows);
    *ppOut = o;
    return 0;
}

int store_review_interval_set(Db *db, const Actor *actor, const char *zTier, int64_t months) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int64_t id = 0, old = 0;
    int rc = db_query_int(db, &id, "SELECT id FROM review_interval WHERE tier = ?", "t", zTier);
    if (rc == 0)
        rc = db_query_int(db, &old, "SELECT months FROM review_interval WHERE id = ?", "i", id);
    if (rc == 0)
        rc = db_run(db, "UPDATE review_interval SET months = ?, updated_at = ? WHERE id = ?", "iti",
                    months, zNow, id);
    if (rc) return rc;
    json_t *before = json_pack("{ss sI}", "tier", zTier, "months", (json_int_t)old);
    json_t *after = json_pack("{ss sI}", "tier", zTier, "months", (json_int_t)months);
    rc = store_audit_append(db, actor, "update", "review_interval", id, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

int store_risks_open(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT r.*, p.name AS owner_name, s.name AS system_name, i.title AS "
                          "initiative_title FROM risk r LEFT JOIN person p ON p.id = r.owner_id "
                          "LEFT JOIN ai_system s ON s.id = r.system_id LEFT JOIN initiative i ON "
                          "i.id = r.initiative_id WHERE r.status <> 'closed' ORDER BY r.id",
                          "");
}

int store_team_skills(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT DISTINCT skill FROM team_member WHERE initiative_id = ?", "i",
                          initiativeId);
}
