/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Monitoring intake: prediction events and labels in, durably and
 * exactly once, with the window aggregates kept up to date. One Monitor
 * per server process owns the event log (store/segment.h), the event_id
 * dedup index (engine/dedup.h) and the aggregates not yet written to the
 * database (per system, version, segment and minute). A batch is checked
 * first (without partial, one bad line refuses it whole), then, under the
 * monitor's lock, each line is deduplicated, added to its window and
 * copied into the batch's frame, which is compressed and written; the
 * caller answers after the frame's fsync (shared with concurrent
 * batches). monitor_flush writes the pending windows into the minute, hour
 * and day rows of the store with the last applied frame's number in the
 * same transaction, so a restart replays exactly the frames after it.
 * Details in docs/monitoring.md. */
#ifndef KEEL_DOMAIN_MONITOR_H
#define KEEL_DOMAIN_MONITOR_H
#include "engine/evscan.h"
#include "store/db.h"
#include "util/err.h"
#include <stddef.h>
#include <stdint.h>

#define MONITOR_MAX_REJECTED 100 /* refused lines listed in an answer */

typedef struct MonitorConfig {
    const char *zDir;    /* event log directory */
    int level;           /* zstd level (default 1) */
    int retentionDays;   /* segments kept (default 90) */
    int dedupDays;       /* dedup horizon (default 32) */
    size_t dedupEntries; /* dedup cap in live entries (default 2^24; the table at most 512 MiB) */
} MonitorConfig;

#define MONITOR_MAX_VERSIONS 32 /* version labels an ingest answer lists */

/* What an ingest did. */
typedef struct MonIngestResult {
    uint64_t nAccepted;   /* events (or labels) stored */
    uint64_t nDuplicates; /* event_ids already taken (not stored, not counted) */
    uint64_t nUnmatched;  /* labels: event_ids the monitor does not hold */
    uint32_t nVersions;   /* distinct version labels of the accepted events (to the cap) */
    char azVersion[MONITOR_MAX_VERSIONS][EVSCAN_MAX_LABEL + 1];
    uint32_t nRejected; /* refused lines (all of them, listed up to the cap) */
    EngineError aRejected[MONITOR_MAX_REJECTED];
} MonIngestResult;

/* Counters for /metrics. */
typedef struct MonStats {
    uint64_t nEvents, nDuplicates, nRejected, nLabels, nBytes, nBatches;
    uint64_t nPendingWindows; /* windows waiting for the next flush */
    uint64_t nFlushes, nFlushFailures;
    uint64_t lastSeq, appliedSeq;
    uint64_t nSegments, nSegmentBytes, nSyncs;
    int dedupHorizonDays;
    uint64_t nDedupSlots;
} MonStats;

typedef struct Monitor Monitor;

/* Fill the defaults (zDir stays NULL: the caller sets it). */
void monitor_config_init(MonitorConfig *c);

/* Open the event log, rebuild the dedup index from it and the aggregates
 * of frames the database has not applied, and flush them. db is used
 * during the call only. 0 or KEEL_E* with e filled. */
int monitor_open(Monitor **ppMon, const MonitorConfig *c, Db *db, KeelError *e);

/* Close (no ingest may be running). NULL is fine. */
void monitor_close(Monitor *mon);

/* Take a batch for system (the caller checked the system and the rights).
 * kind: events or labels. Returns 0 when stored and durable (res says how
 * many were accepted, duplicates, refused with partial); KEEL_EINVAL when
 * a line is refused and !partial (res lists them; nothing stored);
 * KEEL_EIO when the log failed (503: the server needs a restart). */
int monitor_ingest(Monitor *mon, int64_t system, const char *z, size_t n, EvFormat format,
                   EvKind kind, int partial, MonIngestResult *res, KeelError *e);

/* Write the pending windows into the store (minute, hour and day rows)
 * with the applied frame number; on failure they stay pending. 0 or
 * KEEL_E* with e filled. */
int monitor_flush(Monitor *mon, Db *db, KeelError *e);

/* Delete segments older than the retention. Returns how many. */
int monitor_prune(Monitor *mon, KeelError *e);

/* Current counters. */
void monitor_stats(Monitor *mon, MonStats *st);

#endif
