/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 5 (continuous iteration); see store_iteration.h. */
#include "store/store_iteration.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <stdio.h>

static void now_iso(char *z, size_t n) { time_iso(time_now(), z, n); }

static int audit_new(Db *db, const Actor *actor, const char *zAction, const char *zEntity,
                     int64_t id, json_t *after) {
    int rc = store_audit_append(db, actor, zAction, zEntity, id, NULL, after);
    json_decref(after);
    return rc;
}

int store_actions(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT a.*, p.name AS owner_name, i.title AS initiative_title, "
                          "s.name AS system_name FROM action_item a "
                          "LEFT JOIN person p ON p.id = a.owner_id "
                          "LEFT JOIN initiative i ON i.id = a.initiative_id "
                          "LEFT JOIN ai_system s ON s.id = a.system_id ORDER BY a.id DESC",
                          "");
}

int store_action_open_by_key(Db *db, const char *zKey, int64_t *pId) {
    return db_query_int_or0(db, pId,
                            "SELECT id FROM action_item WHERE source_key = ? AND status IN "
                            "('open', 'in_progress') ORDER BY id",
                            "t", zKey);
}

int store_review_held(Db *db, const char *zPeriod, json_t **ppRow) {
    return db_select_json_row(db, ppRow,
                              "SELECT id, period, held_on, summary, snapshot, created_by, "
                              "created_at FROM quarterly_review WHERE period = ?",
                              "t", zPeriod);
}

int store_reviews_held(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, period, held_on, summary, created_by, created_at FROM "
                          "quarterly_review ORDER BY period DESC",
                          "");
}

int store_review_hold(Db *db, const Actor *actor, const char *zPeriod, const char *zHeldOn,
                      const char *zSummary, const char *zSnapshot, int64_t *pId) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc = db_insert(db, pId,
                       "INSERT INTO quarterly_review(period, held_on, summary, snapshot, "
                       "account_id, created_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)",
                       "ttttittt", zPeriod, zHeldOn, zSummary, zSnapshot, actor->id, actor->zName,
                       zNow, zNow);
    if (rc) return rc;
    return audit_new(db, actor, "hold", "quarterly_review", *pId,
                     json_pack("{ss ss}", "period", zPeriod, "held_on", zHeldOn));
}

int store_review_decisions(Db *db, const char *zPeriod, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT d.id, d.period, d.initiative_id, i.title AS initiative_title, "
                          "d.decision, d.rationale, d.created_by, d.created_at FROM "
                          "review_decision d JOIN initiative i ON i.id = d.initiative_id WHERE "
                          "d.period = ? ORDER BY d.initiative_id",
                          "t", zPeriod);
}

int store_review_feedback(Db *db, const char *zPeriod, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT f.*, u.name AS unit_name, i.title AS initiative_title FROM "
                          "review_feedback f JOIN unit u ON u.id = f.unit_id LEFT JOIN "
                          "initiative i ON i.id = f.initiative_id WHERE f.period = ? ORDER BY "
                          "u.name, f.id",
                          "t", zPeriod);
}

int store_review_decision_put(Db *db, const Actor *actor, const char *zPeriod, int64_t initiativeId,
                              const char *zDecision, const char *zRationale) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc =
        db_run(db,
               "INSERT INTO review_decision(period, initiative_id, decision, rationale, "
               "account_id, created_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?) "
               "ON CONFLICT(period, initiative_id) DO UPDATE SET decision = "
               "excluded.decision, rationale = excluded.rationale, updated_at = "
               "excluded.updated_at",
               "titti"
               "ttt",
               zPeriod, initiativeId, zDecision, zRationale, actor->id, actor->zName, zNow, zNow);
    if (rc) return rc;
    return audit_new(db, actor, "decide", "initiative", initiativeId,
                     json_pack("{ss ss}", "period", zPeriod, "decision", zDecision));
}

int store_review_initiatives(Db *db, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT i.id, i.title, i.stage, i.expected_value, i.cost_estimate, i.unit_id, "
        "u.name AS unit_name, i.owner_id, p.name AS owner_name, "
        "(SELECT min(created_at) FROM stage_change c WHERE c.initiative_id = i.id AND "
        "c.to_stage IN ('pilot', 'scaling', 'operating')) AS live_since, "
        "(SELECT min(created_at) FROM stage_change c WHERE c.initiative_id = i.id AND "
        "c.to_stage = 'operating') AS operating_since FROM initiative i "
        "LEFT JOIN unit u ON u.id = i.unit_id LEFT JOIN person p ON p.id = i.owner_id "
        "WHERE i.stage IN ('approved', 'pilot', 'scaling', 'operating') ORDER BY i.id",
        "");
}

int store_initiative_links(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT l.id AS link_id, l.expected_impact, l.impact_period, k.* FROM "
                          "initiative_link l JOIN kpi k ON k.id = l.kpi_id WHERE "
                          "l.initiative_id = ? ORDER BY l.id",
                          "i", initiativeId);
}

int store_pool_use(Db *db, int firstIndex, int lastIndex, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT p.id, p.key, p.name, p.kind, "
        "(SELECT sum(capacity) FROM pool_capacity c WHERE c.pool_id = p.id AND c.period_index "
        "BETWEEN ? AND ?) AS capacity, "
        "(SELECT sum(amount) FROM pool_usage u WHERE u.pool_id = p.id AND u.period_index "
        "BETWEEN ? AND ?) AS used FROM resource_pool p ORDER BY p.key",
        "iiii", (int64_t)firstIndex, (int64_t)lastIndex, (int64_t)firstIndex, (int64_t)lastIndex);
}

int store_technologies(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT t.*, p.name AS owner_name FROM technology t LEFT JOIN person p "
                          "ON p.id = t.owner_id ORDER BY t.quadrant, t.name",
                          "");
}

int store_technology_moves(Db *db, int64_t technologyId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT m.id, m.technology_id, t.key, t.name, m.from_ring, m.to_ring, "
                          "m.moved_on, m.reason, m.actor, m.created_at FROM technology_move m "
                          "JOIN technology t ON t.id = m.technology_id WHERE (? = 0 OR "
                          "m.technology_id = ?) ORDER BY m.moved_on DESC, m.id DESC",
                          "ii", technologyId, technologyId);
}

int store_technology_fit(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT f.technology_id, f.unit_id, u.name AS unit_name, f.fit, f.note "
                          "FROM technology_fit f JOIN unit u ON u.id = f.unit_id ORDER BY "
                          "f.technology_id, u.name",
                          "");
}

int store_technology_move(Db *db, const Actor *actor, int64_t technologyId, const char *zFrom,
                          const char *zTo, const char *zOn, const char *zReason) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc =
        db_run(db,
               "INSERT INTO technology_move(technology_id, from_ring, to_ring, moved_on, "
               "reason, account_id, actor, created_at) VALUES(?,?,?,?,?,?,?,?)",
               "ittttitt", technologyId, zFrom, zTo, zOn, zReason, actor->id, actor->zName, zNow);
    if (rc == 0 && zFrom)
        rc = db_run(db, "UPDATE technology SET ring = ?, updated_at = ? WHERE id = ?", "tti", zTo,
                    zNow, technologyId);
    if (rc) return rc;
    return audit_new(
        db, actor, "move", "technology", technologyId,
        json_pack("{ss? ss ss ss}", "from", zFrom, "to", zTo, "on", zOn, "reason", zReason));
}

int store_technology_fit_put(Db *db, const Actor *actor, int64_t technologyId, int64_t unitId,
                             const char *zFit, const char *zNote) {
    char zNow[32];
    now_iso(zNow, sizeof zNow);
    int rc = db_run(db,
                    "INSERT INTO technology_fit(technology_id, unit_id, fit, note, created_at, "
                    "updated_at) VALUES(?,?,?,?,?,?) ON CONFLICT(technology_id, unit_id) DO "
                    "UPDATE SET fit = excluded.fit, note = excluded.note, updated_at = "
                    "excluded.updated_at",
                    "iitttt", technologyId, unitId, zFit, zNote, zNow, zNow);
    if (rc) return rc;
    return audit_new(db, actor, "fit", "technology", technologyId,
                     json_pack("{sI ss}", "unit_id", (json_int_t)unitId, "fit", zFit));
}

int store_review_alerts(Db *db, const char *zFrom, const char *zTo, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT s.name AS system, e.system_id, s.initiative_id, r.name AS rule, "
                          "r.severity, e.message, e.created_at FROM alert_event e JOIN alert_rule "
                          "r ON r.id = e.rule_id JOIN ai_system s ON s.id = e.system_id WHERE "
                          "e.state = 'firing' AND e.created_at >= ? AND e.created_at < ? ORDER "
                          "BY e.id",
                          "tt", zFrom, zTo);
}

int store_review_flips(Db *db, const char *zFrom, const char *zTo, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT s.name AS system, f.system_id, s.initiative_id, f.state, "
                          "f.percent, f.fallback, f.reason, f.cause, f.actor, f.created_at FROM "
                          "switch_flip f JOIN ai_system s ON s.id = f.system_id WHERE "
                          "f.created_at >= ? AND f.created_at < ? ORDER BY f.id",
                          "tt", zFrom, zTo);
}
