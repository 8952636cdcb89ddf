/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What several keel servers on one database share, for features with
 * per-server state (caches, aggregates, schedulers):
 *  - change counters: a writer bumps a channel's counter in its
 *    transaction (store_notify); another server learns of it with
 *    store_wait_change, through LISTEN/NOTIFY on PostgreSQL and by polling
 *    the counter on SQLite. The counter is the truth on both; a
 *    notification only wakes the waiter early.
 *  - leases: one holder per job name until the lease expires, so that one
 *    server (not every one) runs a scheduled job. */
#ifndef KEEL_STORE_CLUSTER_H
#define KEEL_STORE_CLUSTER_H
#include "store/db.h"

/* Channel names: 1 to 40 characters of a-z, 0-9 and _. */
int store_channel_valid(const char *zChannel);

/* Bump zChannel's counter (inside the caller's transaction, if any; the
 * NOTIFY is delivered when it commits). */
int store_notify(Db *db, const char *zChannel);
/* The counter's value (0 for a channel never bumped). */
int store_change_count(Db *db, const char *zChannel, int64_t *pn);
/* Wait up to timeoutMs for zChannel's counter to differ from *pSeen; 1 and
 * the new value in *pSeen when it did, 0 on timeout, or an error. Use a
 * connection of its own for waiting (outside any transaction). */
int store_wait_change(Db *db, const char *zChannel, int64_t *pSeen, int timeoutMs);

/* Take the lease zName for zHolder for ttlSec seconds: *pGot = 1 when it is
 * now zHolder's (free, expired, or already zHolder's: renewed), 0 when
 * another holder has it. */
int store_lease_acquire(Db *db, const char *zName, const char *zHolder, int64_t ttlSec, int *pGot);
/* The same for a scheduled job (table job): in one transaction, only when
 * the job is due (next_run <= nowMs) unless !bDueOnly, so a server that
 * saw the job due before another ran it and moved next_run does not run
 * it again. The scheduler's only lease (store_job_lease). */
int store_lease_acquire_job(Db *db, const char *zName, const char *zHolder, int64_t nowMs,
                            int64_t ttlSec, int bDueOnly, int *pGot);
/* Give the lease back (only its holder can). */
int store_lease_release(Db *db, const char *zName, const char *zHolder);
/* Give a job's lease back and set its next run, in one transaction (only
 * the holder can; otherwise nothing changes). */
int store_lease_release_job(Db *db, const char *zName, const char *zHolder, int64_t nextRunMs);

#endif
