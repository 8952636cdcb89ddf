/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for monitoring: one row per (system, version, segment, grain,
 * window start) holding the window's aggregate in its text form
 * (engine/evagg.h) beside the numbers people and /metrics read; a small
 * key-value state (how far the event log has been applied); the scheduled
 * jobs with their lease and their recorded runs. Portable SQL (upserts
 * with ON CONFLICT, no SQLite-only functions). */
#ifndef KEEL_STORE_MONITOR_H
#define KEEL_STORE_MONITOR_H
#include "store/db.h"
#include <jansson.h>
#include <stdint.h>

/* The numbers of a window row beside its aggregate text. NaN is stored as
 * NULL. */
typedef struct MonWindowRow {
    int64_t system;
    const char *zVersion, *zSegment;
    const char *zGrain; /* "minute", "hour" or "day" */
    int64_t startMs;    /* window start, epoch ms */
    int64_t n, nError, nLabeled;
    double errorRate, p50, p90, p99, meanScore, accuracy, precision, recall, auc, ece;
    const char *zAgg; /* the aggregate's text form */
} MonWindowRow;

/* 1 when the register has version zVersion of system, 0 when not (events
 * for it are taken and flagged), or KEEL_E*. */
int store_monitor_version_known(Db *db, int64_t system, const char *zVersion);

/* The aggregate text of a window into *pzAgg (caller frees);
 * KEEL_ENOTFOUND when there is no such row. */
int store_monitor_window_agg(Db *db, int64_t system, const char *zVersion, const char *zSegment,
                             const char *zGrain, int64_t startMs, char **pzAgg);

/* Insert or replace a window row. */
int store_monitor_window_put(Db *db, const MonWindowRow *r, const char *zNow);

/* The windows of a system at a grain starting at or after sinceMs, newest
 * first, at most nLimit, as a JSON array (new reference); zVersion and
 * zSegment filter when not NULL. Without the aggregate text. */
int store_monitor_window_list(Db *db, int64_t system, const char *zGrain, int64_t sinceMs,
                              int nLimit, json_t **ppRows);

/* The latest minute window per (system, version, segment), for /metrics
 * (new reference). */
int store_monitor_window_latest(Db *db, json_t **ppRows);

/* The same rows for /metrics without building JSON: xRow is called for
 * each with the system's name, version, segment and aV[] = n, error_rate,
 * p50, p90, p99, mean_score, accuracy, auc, window_start (epoch ms); NaN
 * where NULL. Stops at xRow's first nonzero answer, which it returns. */
#define MON_LATEST_NVAL 9
int store_monitor_latest_each(Db *db,
                              int (*xRow)(void *ctx, const char *zSystem, const char *zVersion,
                                          const char *zSegment, const double *aV),
                              void *ctx);

/* A named integer of the monitoring state (0 when never set). */
int store_monitor_state_get(Db *db, const char *zName, int64_t *pv);
int store_monitor_state_set(Db *db, const char *zName, int64_t v);

/* Delete minute windows that start before minuteCutMs and hour windows
 * before hourCutMs (day windows stay). */
int store_monitor_compact(Db *db, int64_t minuteCutMs, int64_t hourCutMs);

/* ---- jobs -------------------------------------------------------------- */

/* Register a job if it is not there (keeps an existing job's settings). */
int store_job_ensure(Db *db, const char *zName, int64_t periodS, int64_t nextRunMs);

/* Take the job's lease for owner until untilMs when it is free, expired or
 * already owner's; *pGot is 1 when taken. With bDueOnly, only when the
 * job is due (next_run <= nowMs). The lease is the job_lease table's
 * (store_cluster.h), the one lease every server shares. */
int store_job_lease(Db *db, const char *zName, const char *zOwner, int64_t nowMs, int64_t untilMs,
                    int bDueOnly, int *pGot);

/* Give the lease back and set the next run. */
int store_job_release(Db *db, const char *zName, const char *zOwner, int64_t nextRunMs);

/* Record a run's start (*pId gets its id) and its end. */
int store_job_run_start(Db *db, const char *zName, const char *zServer, const char *zStarted,
                        int64_t *pId);
int store_job_run_finish(Db *db, int64_t id, const char *zFinished, const char *zOutcome,
                         const char *zError);

/* Every job with its last run (new reference). */
int store_job_list(Db *db, json_t **ppRows);

/* Runs and failures per job since the start (for /metrics; new reference). */
int store_job_counts(Db *db, json_t **ppRows);

#endif
