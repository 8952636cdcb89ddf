/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for alert rules, their history, webhooks, deliveries and switch
 * trips; see store_alert.h. */
#include "store/store_alert.h"
#include "util/err.h"
#include <string.h>

/* ---- rules ----------------------------------------------------------------- */

int store_alert_rule_add(Db *db, const AlertRuleRow *r, const char *zNow, int64_t *pId) {
    return db_insert(db, pId,
                     "INSERT INTO alert_rule(system_id, name, kind, metric, segment, op, value, "
                     "for_s, severity, trip_switch, created_by, created_at, updated_at, "
                     "webhook_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     "itttttdititttk", r->system, r->zName, r->zKind, r->zMetric, r->zSegment,
                     r->zOp, r->value, r->forS, r->zSeverity, (int64_t)r->bTrip, r->zCreatedBy,
                     zNow, zNow, r->webhookId);
}

int store_alert_rule_list(Db *db, int64_t system, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT r.id, s.name AS system, r.system_id, r.name, r.kind, r.metric, "
                          "r.segment, r.op, r.value, r.for_s, r.severity, w.name AS webhook, "
                          "r.webhook_id, r.trip_switch, r.state, r.pending_since, r.last_value, "
                          "r.created_by, r.created_at, r.updated_at FROM alert_rule r JOIN "
                          "ai_system s ON s.id = r.system_id LEFT JOIN webhook w ON w.id = "
                          "r.webhook_id WHERE (? = 0 OR r.system_id = ?) ORDER BY s.name, r.id",
                          "ii", system, system);
}

int store_alert_rule_delete(Db *db, int64_t system, int64_t id) {
    int rc = db_run(db, "DELETE FROM switch_trip WHERE rule_id = ?", "i", id);
    if (!rc)
        rc = db_run(db,
                    "UPDATE webhook_delivery SET alert_event_id = NULL WHERE "
                    "alert_event_id IN (SELECT id FROM alert_event WHERE rule_id = ?)",
                    "i", id);
    if (!rc) rc = db_run(db, "DELETE FROM alert_event WHERE rule_id = ?", "i", id);
    if (!rc)
        rc = db_run(db, "DELETE FROM alert_rule WHERE id = ? AND system_id = ?", "ii", id, system);
    if (!rc && db_changes(db) == 0) rc = KEEL_ENOTFOUND;
    return rc;
}

int store_alert_rule_state(Db *db, int64_t id, const char *zState, int64_t pendingSince,
                           double lastValue, const char *zNow) {
    /* pending_since: a time in ms, -1 for none (no rule is pending since 1970) */
    return db_run(db,
                  "UPDATE alert_rule SET state = ?, updated_at = ?, pending_since = ?, "
                  "last_value = ? WHERE id = ?",
                  "ttkri", zState, zNow, pendingSince, lastValue, id);
}

/* ---- history ----------------------------------------------------------------- */

int store_alert_event_add(Db *db, int64_t ruleId, int64_t system, const char *zState, double value,
                          const char *zMessage, const char *zNow, int64_t *pId) {
    return db_insert(db, pId,
                     "INSERT INTO alert_event(rule_id, system_id, state, message, created_at, "
                     "value) VALUES (?, ?, ?, ?, ?, ?)",
                     "iitttr", ruleId, system, zState, zMessage, zNow, value);
}

int store_alert_event_list(Db *db, int64_t system, int64_t limit, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT e.id, s.name AS system, r.name AS rule, r.severity, e.state, "
                          "e.value, e.message, e.created_at FROM alert_event e JOIN alert_rule r "
                          "ON r.id = e.rule_id JOIN ai_system s ON s.id = e.system_id WHERE (? = "
                          "0 OR e.system_id = ?) ORDER BY e.id DESC LIMIT ?",
                          "iii", system, system, limit);
}

/* ---- webhooks ------------------------------------------------------------------ */

int store_webhook_add(Db *db, const char *zName, const char *zUrl, const char *zSecret,
                      const char *zBy, const char *zNow, int64_t *pId) {
    return db_insert(db, pId,
                     "INSERT INTO webhook(name, url, secret, created_by, created_at) VALUES (?, ?, "
                     "?, ?, ?)",
                     "ttttt", zName, zUrl, zSecret, zBy, zNow);
}

int store_webhook_list(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT w.id, w.name, w.url, w.enabled, w.created_by, w.created_at, "
                          "(SELECT COUNT(*) FROM webhook_delivery d WHERE d.webhook_id = w.id AND "
                          "d.status = 'delivered') AS delivered, (SELECT COUNT(*) FROM "
                          "webhook_delivery d WHERE d.webhook_id = w.id AND d.status <> "
                          "'delivered') AS not_delivered FROM webhook w ORDER BY w.name",
                          "");
}

int store_webhook_id(Db *db, const char *zName, int64_t *pId) {
    return db_query_int(db, pId, "SELECT id FROM webhook WHERE name = ?", "t", zName);
}

int store_webhook_delete(Db *db, int64_t id) {
    int rc = db_run(db, "UPDATE alert_rule SET webhook_id = NULL WHERE webhook_id = ?", "i", id);
    if (!rc) rc = db_run(db, "DELETE FROM webhook_delivery WHERE webhook_id = ?", "i", id);
    if (!rc) rc = db_run(db, "DELETE FROM webhook WHERE id = ?", "i", id);
    if (!rc && db_changes(db) == 0) rc = KEEL_ENOTFOUND;
    return rc;
}

int store_delivery_add(Db *db, int64_t webhookId, int64_t eventId, const char *zPayload,
                       int64_t nextMs, const char *zNow, int64_t *pId) {
    return db_insert(db, pId,
                     "INSERT INTO webhook_delivery(webhook_id, alert_event_id, payload, status, "
                     "next_attempt, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?)",
                     "iititt", webhookId, eventId, zPayload, nextMs, zNow, zNow);
}

int store_delivery_due(Db *db, int64_t nowMs, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT d.id, d.payload, d.attempts, w.url, w.secret FROM "
                          "webhook_delivery d JOIN webhook w ON w.id = d.webhook_id WHERE "
                          "d.status = 'pending' AND d.next_attempt <= ? ORDER BY d.id LIMIT 100",
                          "i", nowMs);
}

int store_delivery_update(Db *db, int64_t id, int64_t attempts, const char *zStatus,
                          int64_t httpStatus, const char *zError, int64_t nextMs,
                          const char *zNow) {
    return db_run(db,
                  "UPDATE webhook_delivery SET attempts = ?, status = ?, error = ?, "
                  "next_attempt = ?, updated_at = ?, http_status = ? WHERE id = ?",
                  "ittitki", attempts, zStatus, zError, nextMs, zNow, httpStatus, id);
}

int store_delivery_list(Db *db, int64_t webhookId, int64_t system, int64_t limit, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT d.id, w.name AS webhook, s.name AS system, r.name AS rule, "
                          "e.state AS alert_state, d.attempts, d.status, d.http_status, d.error, "
                          "d.next_attempt, d.created_at, d.updated_at FROM webhook_delivery d "
                          "JOIN webhook w ON w.id = d.webhook_id LEFT JOIN alert_event e ON e.id "
                          "= d.alert_event_id LEFT JOIN alert_rule r ON r.id = e.rule_id LEFT "
                          "JOIN ai_system s ON s.id = e.system_id WHERE (? = 0 OR d.webhook_id = "
                          "?) AND (? = 0 OR e.system_id = ?) ORDER BY d.id DESC LIMIT ?",
                          "iiiii", webhookId, webhookId, system, system, limit);
}

/* ---- switch trips -------------------------------------------------------------- */

int store_trip_add(Db *db, int64_t system, int64_t ruleId, int64_t eventId, const char *zPriorState,
                   int64_t priorPercent, const char *zNow, int64_t *pId) {
    return db_insert(db, pId,
                     "INSERT INTO switch_trip(system_id, rule_id, alert_event_id, prior_state, "
                     "prior_percent, status, created_at) VALUES (?, ?, ?, ?, ?, 'awaiting', ?)",
                     "iiitit", system, ruleId, eventId, zPriorState, priorPercent, zNow);
}

#define TRIP_SELECT                                                                                \
    "SELECT t.id, s.name AS system, t.system_id, r.name AS rule, r.severity, t.alert_event_id, "   \
    "e.message, t.prior_state, t.prior_percent, t.status, t.decided_by, t.decided_at, "            \
    "t.created_at FROM switch_trip t JOIN ai_system s ON s.id = t.system_id JOIN alert_rule r "    \
    "ON r.id = t.rule_id LEFT JOIN alert_event e ON e.id = t.alert_event_id "

int store_trip_list(Db *db, int64_t system, const char *zStatus, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          TRIP_SELECT "WHERE (? = 0 OR t.system_id = ?) AND t.status = "
                                      "COALESCE(?, t.status) ORDER BY t.id DESC",
                          "iit", system, system, zStatus);
}

int store_trip_get(Db *db, int64_t id, json_t **ppRow) {
    return db_select_json_row(db, ppRow, TRIP_SELECT "WHERE t.id = ?", "i", id);
}

int store_trip_decide(Db *db, int64_t id, const char *zStatus, const char *zBy, const char *zNow) {
    int rc = db_run(db,
                    "UPDATE switch_trip SET status = ?, decided_by = ?, decided_at = ? WHERE id = "
                    "? AND status = 'awaiting'",
                    "ttti", zStatus, zBy, zNow, id);
    if (!rc && db_changes(db) == 0) rc = KEEL_ECONFLICT;
    return rc;
}

int store_switch_ever_on(Db *db, int64_t system, int *pb) {
    int64_t n = 0;
    int rc = db_query_int(db, &n,
                          "SELECT COUNT(*) FROM switch_flip WHERE system_id = ? AND state <> 'off'",
                          "i", system);
    *pb = n > 0;
    return rc;
}
