/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for baselines and findings; see store_baseline.h. */
#include "store/store_baseline.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>

int store_baseline_put(Db *db, const BaselineRow *r, const char *zNow) {
    return db_run(
        db,
        "INSERT INTO monitor_baseline(system_id, version, segment, window_from, window_to, n, "
        "n_labeled, agg, reason, actor, frozen_at, accuracy, error_rate, mean_score, auc, p50, "
        "p99) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(system_id, "
        "version, segment) DO UPDATE SET window_from = excluded.window_from, window_to = "
        "excluded.window_to, n = excluded.n, n_labeled = excluded.n_labeled, agg = excluded.agg, "
        "reason = excluded.reason, actor = excluded.actor, frozen_at = excluded.frozen_at, "
        "accuracy = excluded.accuracy, error_rate = excluded.error_rate, mean_score = "
        "excluded.mean_score, auc = excluded.auc, p50 = excluded.p50, p99 = excluded.p99",
        "ittiiiittttrrrrrr", r->system, r->zVersion, r->zSegment, r->fromMs, r->toMs, r->n,
        r->nLabeled, r->zAgg, r->zReason, r->zActor, zNow, r->accuracy, r->errorRate, r->meanScore,
        r->auc, r->p50, r->p99);
}

int store_baseline_clear(Db *db, int64_t system, const char *zVersion) {
    return db_run(db, "DELETE FROM monitor_baseline WHERE system_id = ? AND version = ?", "it",
                  system, zVersion);
}

int store_baseline_list(Db *db, int64_t system, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT version, segment, window_from, window_to, n, n_labeled, "
                          "accuracy, error_rate, mean_score, auc, p50, p99, reason, actor, "
                          "frozen_at FROM monitor_baseline WHERE system_id = ? ORDER BY "
                          "frozen_at DESC, version, segment",
                          "i", system);
}

int store_baseline_aggs(Db *db, int64_t system, const char *zVersion, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT segment, window_from, window_to, agg FROM monitor_baseline "
                          "WHERE system_id = ? AND version = ? ORDER BY segment",
                          "it", system, zVersion);
}

int store_monitor_window_aggs(Db *db, int64_t system, const char *zVersion, const char *zGrain,
                              int64_t sinceMs, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT segment, window_start, agg FROM monitor_window WHERE system_id "
                          "= ? AND version = ? AND grain = ? AND window_start >= ? ORDER BY "
                          "segment, window_start",
                          "itti", system, zVersion, zGrain, sinceMs);
}

typedef struct {
    char *zVersion;
    size_t nVersion;
    int64_t *pLastMs;
} LatestVersion;

static int latest_row(DbStmt *s, void *pv) {
    LatestVersion *p = pv;
    snprintf(p->zVersion, p->nVersion, "%s", db_column_text(s, 0) ? db_column_text(s, 0) : "");
    *p->pLastMs = db_column_int(s, 1);
    return 0;
}

int store_monitor_latest_version(Db *db, int64_t system, char *zVersion, size_t nVersion,
                                 int64_t *pLastMs) {
    LatestVersion lv = {zVersion, nVersion, pLastMs};
    return db_query_row(db, latest_row, &lv,
                        "SELECT version, window_start FROM monitor_window WHERE system_id = ? "
                        "AND grain = 'minute' ORDER BY window_start DESC, version LIMIT 1",
                        "i", system);
}

int store_monitor_day_range(Db *db, int64_t system, const char *zVersion, int64_t *pFirst,
                            int64_t *pLast) {
    DbStmt *s;
    int rc = db_prepare(db, &s,
                        "SELECT COUNT(*), MIN(window_start), MAX(window_start) FROM "
                        "monitor_window WHERE system_id = ? AND version = ? AND grain = 'day'",
                        "it", system, zVersion);
    if (rc) return rc;
    rc = db_step(s);
    if (rc == DB_ROW) {
        rc = db_column_int(s, 0) > 0 ? 0 : KEEL_ENOTFOUND;
        *pFirst = db_column_int(s, 1);
        *pLast = db_column_int(s, 2);
    } else {
        rc = rc ? rc : KEEL_EINTERNAL;
    }
    db_finalize(s);
    return rc;
}

int store_monitor_systems(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT DISTINCT system_id FROM monitor_window ORDER BY system_id", "");
}

/* ---- findings ---------------------------------------------------------- */

int store_finding_clear(Db *db, int64_t system) {
    return db_run(db, "DELETE FROM monitor_finding WHERE system_id = ?", "i", system);
}

int store_finding_add(Db *db, const FindingRow *r, const char *zNow) {
    return db_run(db,
                  "INSERT INTO monitor_finding(system_id, version, kind, metric, segment, "
                  "detail, found_at, baseline, current_, ci_lo, ci_hi) VALUES (?, ?, ?, ?, "
                  "?, ?, ?, ?, ?, ?, ?)",
                  "ittttttrrrr", r->system, r->zVersion, r->zKind, r->zMetric, r->zSegment,
                  r->zDetail, zNow, r->baseline, r->current, r->ciLo, r->ciHi);
}

int store_finding_list(Db *db, int64_t system, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT f.id, s.name AS system, f.version, f.kind, f.metric, f.segment, "
                          "f.baseline, f.current_ AS current, f.ci_lo, f.ci_hi, f.detail, "
                          "f.found_at FROM monitor_finding f JOIN ai_system s ON s.id = "
                          "f.system_id WHERE (? = 0 OR f.system_id = ?) ORDER BY s.name, f.id",
                          "ii", system, system);
}
