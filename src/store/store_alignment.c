/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for strategic alignment; see store_alignment.h. */
#include "store/store_alignment.h"
#include "store/store_period.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <stdlib.h>

static void now_iso(char *z, size_t n) { time_iso(time_now(), z, n); }

int store_kpi_values(Db *db, int64_t kpiId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, period, value, note FROM kpi_value WHERE kpi_id = ? "
                          "ORDER BY period_index, period",
                          "i", kpiId);
}

int store_kpi_value_put(Db *db, const Actor *actor, int64_t kpiId, const char *zPeriod,
                        int64_t periodIndex, double value, const char *zNote) {
    static const PeriodTable t = {"kpi_value", "kpi_id", "value"};
    return store_period_value_put(db, actor, &t, kpiId, zPeriod, periodIndex, value, zNote);
}

int store_links_of_initiative(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT l.id, l.initiative_id, l.kpi_id, k.name AS kpi_name, k.unit AS kpi_unit, "
        "k.objective_id, o.title AS objective_title, l.expected_impact, l.impact_period, "
        "l.rationale, l.created_at, l.updated_at FROM initiative_link l JOIN kpi k ON k.id = "
        "l.kpi_id JOIN objective o ON o.id = k.objective_id WHERE l.initiative_id = ? ORDER BY "
        "l.id",
        "i", initiativeId);
}

int store_initiatives_for_ranking(Db *db, const char *zStage, int64_t unitId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, title, stage, unit_id, expected_value, cost_estimate FROM "
                          "initiative WHERE (? IS NULL OR stage = ?) AND (? = 0 OR unit_id = ?) "
                          "ORDER BY id",
                          "ttii", zStage, zStage, unitId, unitId);
}

int store_initiatives_coverage(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT i.id, i.title, i.stage, i.unit_id, i.owner_id, "
                          "i.expected_value, i.charter_version, (SELECT count(*) FROM "
                          "initiative_link l WHERE l.initiative_id = i.id) AS n_links, (SELECT "
                          "count(DISTINCT s.role) FROM signoff s WHERE s.initiative_id = i.id "
                          "AND s.charter_version = i.charter_version AND (s.role <> "
                          "'risk_officer' OR EXISTS (SELECT 1 FROM ai_system y WHERE "
                          "y.initiative_id = i.id AND "
                          "y.risk_tier = 'high'))) AS n_signoffs, CASE WHEN EXISTS (SELECT 1 "
                          "FROM ai_system y WHERE y.initiative_id = i.id AND y.risk_tier = "
                          "'high') THEN 4 ELSE 3 END AS n_signatories FROM initiative i ORDER BY "
                          "i.id",
                          NULL);
}

int store_kpi_objective(Db *db, int64_t kpiId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT o.status, o.title FROM kpi k JOIN objective o ON o.id = "
                          "k.objective_id WHERE k.id = ?",
                          "i", kpiId);
}

int store_kpis_by_template(Db *db, const char *zTemplate, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT k.id AS kpi_id, k.name AS kpi_name, k.unit, o.title AS "
                          "objective_title FROM kpi k JOIN objective o ON o.id = "
                          "k.objective_id WHERE k.template = ? ORDER BY k.id",
                          "t", zTemplate);
}

int store_high_tier_systems(Db *db, int64_t initiativeId, int64_t *pn) {
    return db_query_int(db, pn,
                        "SELECT count(*) FROM ai_system WHERE initiative_id = ? AND risk_tier = "
                        "'high'",
                        "i", initiativeId);
}

int store_link_count(Db *db, int64_t initiativeId, int64_t *pn) {
    return db_query_int(db, pn, "SELECT count(*) FROM initiative_link WHERE initiative_id = ?", "i",
                        initiativeId);
}

int store_links_all(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT l.id, l.initiative_id, l.kpi_id, l.expected_impact, "
                          "l.impact_period, l.rationale, i.title, i.stage FROM initiative_link l "
                          "JOIN initiative i ON i.id = l.initiative_id ORDER BY l.kpi_id, l.id",
                          NULL);
}

int store_charter_add(Db *db, const Actor *actor, int64_t initiativeId, const json_t *content,
                      int64_t *pVersion) {
    int64_t v = 0;
    int rc = db_query_int(
        db, &v, "SELECT coalesce(max(version), 0) + 1 FROM charter WHERE initiative_id = ?", "i",
        initiativeId);
    if (rc) return rc;
    char *z = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    if (!z) return KEEL_ENOMEM;
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    rc = db_run(db,
                "INSERT INTO charter(initiative_id, version, content, created_at) VALUES(?,?,?,?)",
                "iitt", initiativeId, v, z, zNow);
    free(z);
    if (rc == 0)
        rc = db_run(db, "UPDATE initiative SET charter_version = ? WHERE id = ?", "ii", v,
                    initiativeId);
    if (rc == 0) {
        json_t *after = json_pack("{sI sO}", "version", (json_int_t)v, "content", content);
        rc = store_audit_append(db, actor, "charter_version", "initiative", initiativeId, NULL,
                                after);
        json_decref(after);
    }
    if (rc == 0) *pVersion = v;
    return rc;
}

int store_charter_versions(Db *db, int64_t initiativeId, json_t **ppRows) {
    int rc = db_select_json(db, ppRows,
                            "SELECT version, content, created_at FROM charter WHERE "
                            "initiative_id = ? ORDER BY version DESC",
                            "i", initiativeId);
    if (rc) return rc;
    size_t i;
    json_t *r;
    json_array_foreach(*ppRows, i, r) {
        json_t *c = json_loads(json_string_value(json_object_get(r, "content")), 0, NULL);
        json_object_set_new(r, "content", c ? c : json_null());
    }
    return 0;
}

int store_signoffs(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT s.id, s.charter_version, s.role, s.person_id, p.name AS "
        "person_name, s.account_id, s.comment, s.created_at FROM signoff s JOIN "
        "person p ON p.id = s.person_id WHERE s.initiative_id = ? ORDER BY s.id DESC",
        "i", initiativeId);
}

int store_signoff_add(Db *db, const Actor *actor, int64_t initiativeId, int64_t version,
                      const char *zRole, int64_t personId, const char *zComment) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc = db_run(db,
                    "INSERT INTO signoff(initiative_id, charter_version, role, person_id, "
                    "account_id, comment, created_at) VALUES(?,?,?,?,?,?,?)",
                    "iitiitt", initiativeId, version, zRole, personId, actor->id, zComment, zNow);
    if (rc) return rc;
    json_t *after = json_pack("{sI ss sI so}", "charter_version", (json_int_t)version, "role",
                              zRole, "person_id", (json_int_t)personId, "comment",
                              zComment ? json_string(zComment) : json_null());
    rc = store_audit_append(db, actor, "signoff", "initiative", initiativeId, NULL, after);
    json_decref(after);
    return rc;
}

int store_signoffs_void(Db *db, const Actor *actor, int64_t initiativeId, int64_t version,
                        int *pn) {
    json_t *before;
    *pn = 0;
    int rc = db_select_json(db, &before,
                            "SELECT role, person_id, account_id, created_at FROM signoff WHERE "
                            "initiative_id = ? AND charter_version = ? ORDER BY id",
                            "ii", initiativeId, version);
    if (rc) return rc;
    if (json_array_size(before) > 0) {
        rc = db_run(db, "DELETE FROM signoff WHERE initiative_id = ? AND charter_version = ?", "ii",
                    initiativeId, version);
        if (rc == 0) {
            *pn = (int)json_array_size(before);
            json_t *b =
                json_pack("{sI sO}", "charter_version", (json_int_t)version, "signoffs", before);
            rc =
                store_audit_append(db, actor, "void_signoffs", "initiative", initiativeId, b, NULL);
            json_decref(b);
        }
    }
    json_decref(before);
    return rc;
}

int store_stage_change_add(Db *db, const Actor *actor, int64_t initiativeId, const char *zFrom,
                           const char *zTo, const char *zReason) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc = db_run(db,
                    "INSERT INTO stage_change(initiative_id, from_stage, to_stage, reason, "
                    "account_id, actor, created_at) VALUES(?,?,?,?,?,?,?)",
                    "itttitt", initiativeId, zFrom, zTo, zReason, actor->id, actor->zName, zNow);
    if (rc) return rc;
    json_t *before = json_pack("{ss}", "stage", zFrom);
    json_t *after = json_pack("{ss ss}", "stage", zTo, "reason", zReason);
    rc = store_audit_append(db, actor, "transition", "initiative", initiativeId, before, after);
    json_decref(before);
    json_decref(after);
    return rc;
}

int store_stage_history(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT c.id, c.from_stage, c.to_stage, c.reason, c.actor, c.account_id, "
                          "COALESCE(p.name, a.name, c.actor) AS actor_name, c.created_at "
                          "FROM stage_change c LEFT JOIN account a ON a.id = c.account_id "
                          "LEFT JOIN person p ON p.id = a.person_id "
                          "WHERE c.initiative_id = ? ORDER BY c.id",
                          "i", initiativeId);
}

int store_criteria(Db *db, json_t **ppRows) {
    int rc = db_select_json(
        db, ppRows, "SELECT id, key, name, weight, inverse FROM criterion ORDER BY id", NULL);
    if (rc) return rc;
    size_t i;
    json_t *r;
    json_array_foreach(*ppRows, i, r) {
        json_t *w = json_object_get(r, "weight");
        if (json_is_integer(w))
            json_object_set_new(r, "weight", json_real((double)json_integer_value(w)));
        json_object_set_new(r, "inverse",
                            json_boolean(json_integer_value(json_object_get(r, "inverse")) != 0));
    }
    return 0;
}

int store_score_put(Db *db, const Actor *actor, int64_t initiativeId, int64_t criterionId,
                    int64_t value) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc =
        db_run(db,
               "INSERT INTO score(initiative_id, criterion_id, value, account_id, scorer, "
               "created_at, updated_at) VALUES(?,?,?,?,?,?,?) ON CONFLICT(initiative_id, "
               "criterion_id, account_id) DO UPDATE SET value = excluded.value, "
               "updated_at = excluded.updated_at",
               "iiiittt", initiativeId, criterionId, value, actor->id, actor->zName, zNow, zNow);
    if (rc) return rc;
    json_t *after =
        json_pack("{sI sI}", "criterion_id", (json_int_t)criterionId, "value", (json_int_t)value);
    rc = store_audit_append(db, actor, "score", "initiative", initiativeId, NULL, after);
    json_decref(after);
    return rc;
}

int store_scores_of(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT c.key AS criterion, s.value, s.scorer, s.account_id, s.updated_at, "
        "COALESCE(p.name, a.name, s.scorer) AS scorer_name "
        "FROM score s JOIN criterion c ON c.id = s.criterion_id "
        "LEFT JOIN account a ON a.id = s.account_id LEFT JOIN person p ON p.id = a.person_id "
        "WHERE s.initiative_id = ? ORDER BY s.account_id, c.id",
        "i", initiativeId);
}

int store_score_means(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT initiative_id, criterion_id, avg(value) AS mean, count(*) AS n "
                          "FROM score GROUP BY initiative_id, criterion_id",
                          NULL);
}
