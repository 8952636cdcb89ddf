/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Change counters (with NOTIFY on PostgreSQL) and job leases. */
#include "store/store_cluster.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <string.h>
#include <time.h>

int store_channel_valid(const char *z) {
    size_t n = z ? strlen(z) : 0;
    if (n < 1 || n > 40) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((z[i] >= 'a' && z[i] <= 'z') || (z[i] >= '0' && z[i] <= '9') || z[i] == '_'))
            return 0;
    return 1;
}

int store_notify(Db *db, const char *zChannel) {
    if (!store_channel_valid(zChannel)) return KEEL_EINVAL;
    int rc = db_run(db,
                    "INSERT INTO change_counter(channel, n, updated_at) VALUES(?, 1, ?) "
                    "ON CONFLICT(channel) DO UPDATE SET n = change_counter.n + 1, "
                    "updated_at = excluded.updated_at",
                    "ti", zChannel, (int64_t)time_now());
    if (rc == 0) rc = db_notify(db, zChannel);
    return rc;
}

int store_change_count(Db *db, const char *zChannel, int64_t *pn) {
    return db_query_int_or0(db, pn, "SELECT n FROM change_counter WHERE channel = ?", "t",
                            zChannel);
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int store_wait_change(Db *db, const char *zChannel, int64_t *pSeen, int timeoutMs) {
    if (!store_channel_valid(zChannel)) return KEEL_EINVAL;
    int64_t end = now_ms() + (timeoutMs > 0 ? timeoutMs : 0);
    for (;;) {
        int64_t n = 0;
        int rc = store_change_count(db, zChannel, &n);
        if (rc) return rc;
        if (n != *pSeen) {
            *pSeen = n;
            return 1;
        }
        int64_t left = end - now_ms();
        if (left <= 0) return 0;
        rc = db_wait(db, zChannel, (int)left);
        if (rc < 0) return rc;
    }
}

/* Take the lease inside the caller's transaction (see store_lease_acquire);
 * now and the expiry in epoch seconds. */
static int lease_take(Db *db, const char *zName, const char *zHolder, int64_t now, int64_t ttlSec,
                      int *pGot) {
    DbStmt *s;
    int rc =
        db_prepare(db, &s, "SELECT holder, expires_at FROM job_lease WHERE name = ?", "t", zName);
    int bRow = 0, bMine = 0, bFree = 1;
    if (rc == 0) {
        rc = db_step(s);
        if (rc == DB_ROW) {
            bRow = 1;
            bMine = strcmp(db_column_text(s, 0), zHolder) == 0;
            bFree = db_column_int(s, 1) <= now;
            rc = 0;
        } else if (rc == DB_DONE) {
            rc = 0;
        }
        db_finalize(s);
    }
    if (rc == 0 && !bRow)
        rc = db_run(db,
                    "INSERT INTO job_lease(name, holder, acquired_at, expires_at) VALUES(?,?,?,?)",
                    "ttii", zName, zHolder, now, now + ttlSec);
    else if (rc == 0 && (bMine || bFree))
        rc = db_run(db,
                    "UPDATE job_lease SET holder = ?, acquired_at = CASE WHEN holder = ? THEN "
                    "acquired_at ELSE ? END, expires_at = ? WHERE name = ?",
                    "ttiit", zHolder, zHolder, now, now + ttlSec, zName);
    if (rc == 0) *pGot = !bRow || bMine || bFree;
    return rc;
}

int store_lease_acquire(Db *db, const char *zName, const char *zHolder, int64_t ttlSec, int *pGot) {
    *pGot = 0;
    int rc = db_begin(db);
    if (rc) return rc;
    rc = db_end(db, lease_take(db, zName, zHolder, time_now(), ttlSec, pGot));
    if (rc) *pGot = 0;
    return rc;
}

int store_lease_acquire_job(Db *db, const char *zName, const char *zHolder, int64_t nowMs,
                            int64_t ttlSec, int bDueOnly, int *pGot) {
    *pGot = 0;
    int rc = db_begin(db);
    if (rc) return rc;
    int64_t next = 0;
    rc = db_query_int(db, &next, "SELECT next_run FROM job WHERE name = ?", "t", zName);
    if (rc == 0 && (!bDueOnly || next <= nowMs))
        rc = lease_take(db, zName, zHolder, nowMs / 1000, ttlSec, pGot);
    rc = db_end(db, rc);
    if (rc) *pGot = 0;
    return rc;
}

int store_lease_release(Db *db, const char *zName, const char *zHolder) {
    return db_run(db, "DELETE FROM job_lease WHERE name = ? AND holder = ?", "tt", zName, zHolder);
}

int store_lease_release_job(Db *db, const char *zName, const char *zHolder, int64_t nextRunMs) {
    int rc = db_begin(db);
    if (rc) return rc;
    rc = db_run(db,
                "UPDATE job SET next_run = ? WHERE name = ? AND EXISTS (SELECT 1 FROM job_lease l "
                "WHERE l.name = ? AND l.holder = ?)",
                "ittt", nextRunMs, zName, zName, zHolder);
    if (rc == 0) rc = store_lease_release(db, zName, zHolder);
    return db_end(db, rc);
}
