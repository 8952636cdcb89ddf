/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of the human-override switch; see store_switch.h. */
#include "store/store_switch.h"
#include "store/store_cluster.h"
#include "util/err.h"
#include "util/timeutil.h"

int store_switch_counter(Db *db, int64_t *pFlips, int64_t *pSystems) {
    int rc = store_change_count(db, SWITCH_CHANNEL, pFlips);
    if (rc == 0) rc = db_query_int(db, pSystems, "SELECT coalesce(max(id), 0) FROM ai_system", "");
    return rc;
}

int store_switch_all(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT s.id, s.name, f.state, f.percent, f.fallback, f.version "
                          "FROM ai_system s LEFT JOIN switch_flip f ON f.id = "
                          "(SELECT max(id) FROM switch_flip WHERE system_id = s.id) "
                          "ORDER BY s.name",
                          "");
}

int store_switch_latest(Db *db, int64_t systemId, json_t **ppRow) {
    int rc = db_select_json_row(db, ppRow,
                                "SELECT * FROM switch_flip WHERE system_id = ? ORDER BY id DESC "
                                "LIMIT 1",
                                "i", systemId);
    return rc == KEEL_ENOTFOUND ? 0 : rc;
}

int store_switch_flip(Db *db, const Actor *actor, int64_t systemId, int64_t version,
                      const char *zState, int64_t percent, const char *zFallback,
                      const char *zReason, const char *zCause, int64_t *pId) {
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    int rc = db_insert(db, pId,
                       "INSERT INTO switch_flip(system_id, version, state, percent, fallback, "
                       "reason, cause, account_id, actor, created_at) VALUES(?,?,?,?,?,?,?,?,?,?)",
                       "iititttitt", systemId, version, zState, percent, zFallback, zReason, zCause,
                       actor->id, actor->zName, zNow);
    if (rc) return rc;
    if ((rc = store_notify(db, SWITCH_CHANNEL))) return rc;
    json_t *after =
        json_pack("{sI sI ss sI ss ss s?}", "system_id", (json_int_t)systemId, "version",
                  (json_int_t)version, "state", zState, "percent", (json_int_t)percent, "fallback",
                  zFallback, "reason", zReason, "cause", zCause);
    rc = store_audit_append(db, actor, "switch", "switch_flip", *pId, NULL, after);
    json_decref(after);
    return rc;
}

int store_switch_history(Db *db, int64_t systemId, int64_t limit, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, version, state, percent, fallback, reason, cause, actor, "
                          "created_at FROM switch_flip WHERE system_id = ? ORDER BY id DESC "
                          "LIMIT ?",
                          "ii", systemId, limit);
}

int store_switch_test_add(Db *db, const Actor *actor, int64_t systemId, const char *zResult,
                          const char *zEnvironment, const char *zNote, int64_t *pId) {
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    int rc = db_begin(db);
    if (rc) return rc;
    rc =
        db_insert(db, pId,
                  "INSERT INTO switch_test(system_id, result, environment, note, account_id, "
                  "actor, created_at) VALUES(?,?,?,?,?,?,?)",
                  "itttitt", systemId, zResult, zEnvironment, zNote, actor->id, actor->zName, zNow);
    if (rc == 0) {
        json_t *after = json_pack("{sI ss s?}", "system_id", (json_int_t)systemId, "result",
                                  zResult, "environment", zEnvironment);
        rc = store_audit_append(db, actor, "create", "switch_test", *pId, NULL, after);
        json_decref(after);
    }
    return db_end(db, rc);
}

int store_switch_tests(Db *db, int64_t systemId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, result, environment, note, actor, created_at FROM "
                          "switch_test WHERE system_id = ? ORDER BY id DESC",
                          "i", systemId);
}
