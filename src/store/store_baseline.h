/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for baselines and decay findings (issue 20): a baseline row per
 * (system, version, segment) holds the merged aggregate of the frozen
 * window (engine/evagg.h text: score and feature histograms) beside its
 * metrics; segment '*' is all segments together. Findings are the latest
 * detection run's, per system. Portable SQL. */
#ifndef KEEL_STORE_BASELINE_H
#define KEEL_STORE_BASELINE_H
#include "store/db.h"
#include <jansson.h>
#include <stdint.h>

/* A baseline row. NaN metrics are stored as NULL. */
typedef struct BaselineRow {
    int64_t system;
    const char *zVersion, *zSegment;
    int64_t fromMs, toMs; /* the frozen window [from, to) */
    int64_t n, nLabeled;
    double accuracy, errorRate, meanScore, auc, p50, p99;
    const char *zAgg;    /* merged aggregate text */
    const char *zReason; /* why it was frozen */
    const char *zActor;
} BaselineRow;

/* Insert or replace the baseline of (system, version, segment). */
int store_baseline_put(Db *db, const BaselineRow *r, const char *zNow);

/* Delete every baseline of (system, version) (before a re-freeze). */
int store_baseline_clear(Db *db, int64_t system, const char *zVersion);

/* The baselines of a system (every version, without the aggregate
 * text), newest version first (new reference). */
int store_baseline_list(Db *db, int64_t system, json_t **ppRows);

/* The baselines of (system, version) with their aggregate text, as
 * [{segment, window_from, window_to, agg}] (new reference). */
int store_baseline_aggs(Db *db, int64_t system, const char *zVersion, json_t **ppRows);

/* The windows of (system, version) at grain starting at or after sinceMs
 * as [{segment, window_start, agg}] by segment then time (new reference). */
int store_monitor_window_aggs(Db *db, int64_t system, const char *zVersion, const char *zGrain,
                              int64_t sinceMs, json_t **ppRows);

/* The version of system with the newest window, and that window's start
 * (minute grain); KEEL_ENOTFOUND when the system has no windows. */
int store_monitor_latest_version(Db *db, int64_t system, char *zVersion, size_t nVersion,
                                 int64_t *pLastMs);

/* The first and last day-window starts of (system, version);
 * KEEL_ENOTFOUND when it has none. */
int store_monitor_day_range(Db *db, int64_t system, const char *zVersion, int64_t *pFirst,
                            int64_t *pLast);

/* Systems with windows (new reference: [{system_id}]). */
int store_monitor_systems(Db *db, json_t **ppRows);

/* ---- findings ---------------------------------------------------------- */

/* A finding row; zDetail is JSON text (test, p-values, drifted inputs). */
typedef struct FindingRow {
    int64_t system;
    const char *zVersion, *zKind, *zMetric, *zSegment;
    double baseline, current, ciLo, ciHi;
    const char *zDetail;
} FindingRow;

/* Delete the findings of a system (a detection run replaces them). */
int store_finding_clear(Db *db, int64_t system);

int store_finding_add(Db *db, const FindingRow *r, const char *zNow);

/* The findings of a system (system 0: every system, with its name) as
 * rows with detail text (new reference). */
int store_finding_list(Db *db, int64_t system, json_t **ppRows);

#endif
