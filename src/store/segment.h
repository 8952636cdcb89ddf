/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event log: append-only segment files of zstd-compressed frames, one
 * frame per accepted batch, fsync'd before the caller answers. Several
 * threads may append at once; their fsyncs are shared (group commit: one
 * fdatasync covers every frame written before it started). A segment is
 * closed at SEGLOG_SEGMENT_BYTES and a new one opened; segments older than
 * the retention are deleted by seglog_prune. On open the last segment's
 * torn tail (a frame cut by a crash before its fsync returned, so never
 * acknowledged) is cut off. seglog_replay hands every frame back in order,
 * which is how the dedup index and the aggregates of the tail are rebuilt
 * after a restart. The format is in docs/monitoring.md. */
#ifndef KEEL_STORE_SEGMENT_H
#define KEEL_STORE_SEGMENT_H
#include "util/err.h"
#include <stddef.h>
#include <stdint.h>

#define SEGLOG_SEGMENT_BYTES (64u << 20) /* a segment is closed past this size */

/* What a frame carries besides its bytes. */
typedef struct SegFrameInfo {
    uint64_t seq;      /* frame number, 1, 2, ... across segments (set by seglog_append) */
    int64_t system;    /* the AI system's id */
    int64_t arrivalMs; /* when the batch was taken (epoch ms) */
    uint32_t nEvents;  /* records in the frame */
    uint8_t kind;      /* EVSCAN_EVENTS or EVSCAN_LABELS */
    uint8_t format;    /* EVSCAN_NDJSON or EVSCAN_CSV (a CSV frame starts with its header) */
} SegFrameInfo;

/* Counters for /metrics (read with seglog_stats). */
typedef struct SegLogStats {
    uint64_t nFrames;      /* frames appended since open */
    uint64_t nRawBytes;    /* their uncompressed bytes */
    uint64_t nDiskBytes;   /* bytes written (headers and compressed payloads) */
    uint64_t nSyncs;       /* fdatasync calls (fewer than frames under load) */
    uint64_t nSegments;    /* segment files on disk */
    uint64_t nBytesOnDisk; /* their total size */
    uint64_t lastSeq;      /* the last frame's seq */
} SegLogStats;

typedef struct SegLog SegLog;

/* Open (creating when missing) the log in directory zDir; level is the zstd
 * level (1 is a good default; negative levels are faster). Cuts a torn
 * tail. 0 or KEEL_EIO / KEEL_ENOMEM with e filled. */
int seglog_open(SegLog **ppLog, const char *zDir, int level, KeelError *e);

/* Close segments past nBytes instead of SEGLOG_SEGMENT_BYTES (tests and
 * small installations). */
void seglog_set_segment_bytes(SegLog *log, uint64_t nBytes);

/* Close the log (no appends may be running). NULL is fine. */
void seglog_close(SegLog *log);

/* Compress raw[0..nRaw), append it as one frame and return once it is on
 * disk (fsync'd). info->seq is set. Thread-safe. 0 or KEEL_EIO/ENOMEM. */
int seglog_append(SegLog *log, SegFrameInfo *info, const void *raw, size_t nRaw, KeelError *e);

/* The two halves of seglog_append: write the frame (compressed; in the
 * page cache, not yet durable; info->seq set), and wait until every frame
 * up to seq is on disk (sharing fsyncs with other waiters). A failed write
 * or sync fails the log: later calls answer KEEL_EIO until a restart,
 * which cuts the tail and rebuilds from what is on disk. */
int seglog_write(SegLog *log, SegFrameInfo *info, const void *raw, size_t nRaw, KeelError *e);
int seglog_sync(SegLog *log, uint64_t seq, KeelError *e);

/* Called by seglog_replay for each frame with its decompressed bytes
 * (valid during the call); a non-zero return stops the replay with it. */
typedef int (*SegFrameFn)(void *ctx, const SegFrameInfo *info, const char *z, size_t n);

/* Hand every frame with seq > afterSeq to xFrame, oldest first. Not to be
 * run while appends are. 0, what xFrame returned, or KEEL_EIO (a damaged
 * frame inside a closed segment: e says which file and where). */
int seglog_replay(SegLog *log, uint64_t afterSeq, SegFrameFn xFrame, void *ctx, KeelError *e);

/* Delete closed segments whose newest frame arrived before cutoffMs;
 * returns how many were deleted, or KEEL_EIO. */
int seglog_prune(SegLog *log, int64_t cutoffMs, KeelError *e);

/* Current counters. */
void seglog_stats(SegLog *log, SegLogStats *st);

#endif
