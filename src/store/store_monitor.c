/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for monitoring windows, state and jobs; see store_monitor.h. */
#include "store/store_monitor.h"
#include "store/store_cluster.h"
#include "util/err.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- windows ---------------------------------------------------------- */

static int agg_row(DbStmt *s, void *pv) {
    const char *z = db_column_text(s, 0);
    char **pzAgg = pv;
    *pzAgg = strdup(z ? z : "");
    return *pzAgg ? 0 : KEEL_ENOMEM;
}

int store_monitor_window_agg(Db *db, int64_t system, const char *zVersion, const char *zSegment,
                             const char *zGrain, int64_t startMs, char **pzAgg) {
    return db_query_row(db, agg_row, pzAgg,
                        "SELECT agg FROM monitor_window WHERE system_id = ? AND version = ? AND "
                        "segment = ? AND grain = ? AND window_start = ?",
                        "ittti", system, zVersion, zSegment, zGrain, startMs);
}

int store_monitor_window_put(Db *db, const MonWindowRow *r, const char *zNow) {
    int rc = db_run(
        db,
        "INSERT INTO monitor_window(system_id, version, segment, grain, window_start, n, n_error, "
        "n_labeled, error_rate, p50, p90, p99, mean_score, accuracy, precision_, recall, auc, "
        "ece, agg, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(system_id, version, segment, grain, window_start) DO UPDATE SET "
        "n = excluded.n, n_error = excluded.n_error, n_labeled = excluded.n_labeled, "
        "error_rate = excluded.error_rate, p50 = excluded.p50, p90 = excluded.p90, "
        "p99 = excluded.p99, mean_score = excluded.mean_score, accuracy = excluded.accuracy, "
        "precision_ = excluded.precision_, recall = excluded.recall, auc = excluded.auc, "
        "ece = excluded.ece, agg = excluded.agg, updated_at = excluded.updated_at",
        "itttiiiirrrrrrrrrrtt", r->system, r->zVersion, r->zSegment, r->zGrain, r->startMs, r->n,
        r->nError, r->nLabeled, r->errorRate, r->p50, r->p90, r->p99, r->meanScore, r->accuracy,
        r->precision, r->recall, r->auc, r->ece, r->zAgg, zNow);
    if (rc || strcmp(r->zGrain, "minute") != 0) return rc;
    /* the latest minute of each key and its gauges, for /metrics: a later
     * minute replaces it, the same minute again (late labels) refreshes it */
    return db_run(db,
                  "INSERT INTO monitor_latest(system_id, version, segment, window_start, n, "
                  "error_rate, p50, p90, p99, mean_score, accuracy, auc) VALUES (?, ?, ?, ?, ?, "
                  "?, ?, ?, ?, ?, ?, ?) ON CONFLICT(system_id, version, segment) DO UPDATE SET "
                  "window_start = excluded.window_start, n = excluded.n, error_rate = "
                  "excluded.error_rate, p50 = excluded.p50, p90 = excluded.p90, p99 = "
                  "excluded.p99, mean_score = excluded.mean_score, accuracy = excluded.accuracy, "
                  "auc = excluded.auc WHERE excluded.window_start >= monitor_latest.window_start",
                  "ittiirrrrrrr", r->system, r->zVersion, r->zSegment, r->startMs, r->n,
                  r->errorRate, r->p50, r->p90, r->p99, r->meanScore, r->accuracy, r->auc);
}

/* The columns a window list answers (no aggregate text). */
#define MON_COLUMNS                                                                                \
    "w.system_id AS system, w.version, w.segment, w.grain, w.window_start, w.n, w.n_error, "       \
    "w.n_labeled, w.error_rate, w.p50, w.p90, w.p99, w.mean_score, w.accuracy, w.precision_ AS "   \
    "precision, w.recall, w.auc, w.ece, w.updated_at, CASE WHEN EXISTS (SELECT 1 FROM "            \
    "system_version sv WHERE sv.system_id = "                                                      \
    "w.system_id AND sv.version = w.version) THEN 1 ELSE 0 END AS registered"

int store_monitor_version_known(Db *db, int64_t system, const char *zVersion) {
    int64_t n = 0;
    int rc = db_query_int(db, &n,
                          "SELECT COUNT(*) FROM system_version WHERE system_id = ? AND version = ?",
                          "it", system, zVersion);
    return rc ? rc : n > 0;
}

int store_monitor_window_list(Db *db, int64_t system, const char *zGrain, int64_t sinceMs,
                              int nLimit, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT " MON_COLUMNS " FROM monitor_window w WHERE system_id = ? AND "
                          "grain = ? AND window_start >= ? ORDER BY window_start DESC, version, "
                          "segment LIMIT ?",
                          "itii", system, zGrain, sinceMs, (int64_t)nLimit);
}

int store_monitor_window_latest(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          /* CROSS JOIN: SQLite keeps monitor_latest outside (one
                           * look-up a key, never a scan of every window kept) */
                          "SELECT " MON_COLUMNS ", s.name AS system_name FROM monitor_latest l "
                          "CROSS JOIN monitor_window w LEFT JOIN ai_system s ON s.id = "
                          "w.system_id WHERE w.system_id = l.system_id AND w.version = "
                          "l.version AND w.segment = l.segment AND w.grain = 'minute' AND "
                          "w.window_start = l.window_start ORDER BY l.system_id, l.version, "
                          "l.segment",
                          "");
}

typedef struct {
    int (*xRow)(void *ctx, const char *zSystem, const char *zVersion, const char *zSegment,
                const double *aV);
    void *ctx;
} LatestEach;

static int latest_each_row(DbStmt *s, void *pv) {
    const LatestEach *p = pv;
    double aV[MON_LATEST_NVAL];
    for (int i = 0; i < MON_LATEST_NVAL; i++)
        aV[i] = db_column_type(s, 3 + i) == DB_NULL ? NAN : db_column_real(s, 3 + i);
    const char *zSys = db_column_text(s, 0);
    return p->xRow(p->ctx, zSys ? zSys : "", db_column_text(s, 1), db_column_text(s, 2), aV);
}

int store_monitor_latest_each(Db *db,
                              int (*xRow)(void *ctx, const char *zSystem, const char *zVersion,
                                          const char *zSegment, const double *aV),
                              void *ctx) {
    DbStmt *s;
    int rc = db_prepare(db, &s,
                        "SELECT s.name, l.version, l.segment, l.n, l.error_rate, l.p50, l.p90, "
                        "l.p99, l.mean_score, l.accuracy, l.auc, l.window_start FROM "
                        "monitor_latest l LEFT JOIN ai_system s ON s.id = l.system_id ORDER BY "
                        "l.system_id, l.version, l.segment",
                        "");
    LatestEach each = {xRow, ctx};
    return rc ? rc : db_each_row(s, latest_each_row, &each);
}

int store_monitor_state_get(Db *db, const char *zName, int64_t *pv) {
    return db_query_int_or0(db, pv, "SELECT value FROM monitor_state WHERE name = ?", "t", zName);
}

int store_monitor_state_set(Db *db, const char *zName, int64_t v) {
    return db_run(db,
                  "INSERT INTO monitor_state(name, value) VALUES (?, ?) ON CONFLICT(name) DO "
                  "UPDATE SET value = excluded.value",
                  "ti", zName, v);
}

int store_monitor_compact(Db *db, int64_t minuteCutMs, int64_t hourCutMs) {
    int rc = db_run(db, "DELETE FROM monitor_window WHERE grain = 'minute' AND window_start < ?",
                    "i", minuteCutMs);
    if (!rc)
        rc = db_run(db, "DELETE FROM monitor_window WHERE grain = 'hour' AND window_start < ?", "i",
                    hourCutMs);
    if (!rc) /* a key whose latest minute is gone leaves /metrics, as it leaves the windows */
        rc = db_run(db, "DELETE FROM monitor_latest WHERE window_start < ?", "i", minuteCutMs);
    return rc;
}

/* ---- jobs -------------------------------------------------------------- */

int store_job_ensure(Db *db, const char *zName, int64_t periodS, int64_t nextRunMs) {
    return db_run(db,
                  "INSERT INTO job(name, period_s, next_run) VALUES (?, ?, ?) ON CONFLICT(name) "
                  "DO NOTHING",
                  "tii", zName, periodS, nextRunMs);
}

int store_job_lease(Db *db, const char *zName, const char *zOwner, int64_t nowMs, int64_t untilMs,
                    int bDueOnly, int *pGot) {
    int64_t ttlS = untilMs > nowMs ? (untilMs - nowMs + 999) / 1000 : 1;
    return store_lease_acquire_job(db, zName, zOwner, nowMs, ttlS, bDueOnly, pGot);
}

int store_job_release(Db *db, const char *zName, const char *zOwner, int64_t nextRunMs) {
    return store_lease_release_job(db, zName, zOwner, nextRunMs);
}

int store_job_run_start(Db *db, const char *zName, const char *zServer, const char *zStarted,
                        int64_t *pId) {
    return db_insert(db, pId,
                     "INSERT INTO job_run(job, server, started_at, outcome) VALUES (?, ?, ?, "
                     "'running')",
                     "ttt", zName, zServer, zStarted);
}

int store_job_run_finish(Db *db, int64_t id, const char *zFinished, const char *zOutcome,
                         const char *zError) {
    return db_run(db, "UPDATE job_run SET finished_at = ?, outcome = ?, error = ? WHERE id = ?",
                  "ttti", zFinished, zOutcome, zError, id);
}

int store_job_list(Db *db, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT j.name, j.period_s, j.next_run, l.holder AS lease_owner, l.expires_at * 1000 AS "
        "lease_until, r.started_at AS "
        "last_started, r.finished_at AS last_finished, r.outcome AS last_outcome, r.error AS "
        "last_error, r.server AS last_server FROM job j LEFT JOIN job_run r ON r.id = (SELECT "
        "MAX(id) FROM job_run x WHERE x.job = j.name) LEFT JOIN job_lease l ON l.name = j.name "
        "ORDER BY j.name",
        "");
}

int store_job_counts(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT job, COUNT(*) AS runs, SUM(CASE WHEN outcome = 'failed' THEN 1 "
                          "ELSE 0 END) AS failures FROM job_run GROUP BY job ORDER BY job",
                          "");
}
