/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQLite driver: WAL journal, synchronous=FULL (a committed change is
 * on disk before the API answers 2xx), a busy timeout, foreign keys on. */
#include "store/db.h"
#include "util/err.h"
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define SQLITE_BUSY_MS 10000

static int sq_rc(int rc) {
    switch (rc) {
    case SQLITE_OK: return 0;
    case SQLITE_ROW: return DB_ROW;
    case SQLITE_DONE: return DB_DONE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return KEEL_EBUSY;
    case SQLITE_CONSTRAINT: return KEEL_ECONFLICT;
    case SQLITE_NOMEM: return KEEL_ENOMEM;
    case SQLITE_TOOBIG: return KEEL_ETOOBIG;
    case SQLITE_FULL: return KEEL_EFULL;
    default: return KEEL_EIO;
    }
}

static int sq_open(const char *zPath, int bCreate, void **ppConn, char *zErr, size_t nErr) {
    sqlite3 *h = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (bCreate ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(zPath, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(zErr, nErr, "cannot open database %s: %s%s", zPath,
                 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc),
                 bCreate ? "" : " (create it with `keel init --db FILE`)");
        sqlite3_close(h);
        return KEEL_EIO;
    }
    sqlite3_busy_timeout(h, SQLITE_BUSY_MS);
    sqlite3_extended_result_codes(h, 0);
    char *zMsg = NULL;
    rc = sqlite3_exec(h,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                      "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;",
                      NULL, NULL, &zMsg);
    if (rc != SQLITE_OK) {
        snprintf(zErr, nErr, "cannot use %s as a keel database: %s", zPath,
                 zMsg ? zMsg : sqlite3_errstr(rc));
        sqlite3_free(zMsg);
        sqlite3_close(h);
        return KEEL_EIO;
    }
    *ppConn = h;
    return 0;
}

static void sq_close(void *p) { sqlite3_close_v2(p); }

static int sq_param_count(void *p) { return sqlite3_bind_parameter_count(p); }
static const char *sq_sql(void *p) { return sqlite3_sql(p); }

static int sq_prepare(void *p, const char *zSql, void **pp) {
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(p, zSql, -1, &s, NULL);
    *pp = s;
    return sq_rc(rc);
}

static int sq_bind_null(void *s, int i) { return sq_rc(sqlite3_bind_null(s, i)); }
static int sq_bind_int(void *s, int i, int64_t v) { return sq_rc(sqlite3_bind_int64(s, i, v)); }
static int sq_bind_real(void *s, int i, double v) { return sq_rc(sqlite3_bind_double(s, i, v)); }
static int sq_bind_text(void *s, int i, const char *z) {
    return sq_rc(sqlite3_bind_text(s, i, z, -1, SQLITE_TRANSIENT));
}
static int sq_step(void *s) { return sq_rc(sqlite3_step(s)); }
static void sq_finalize(void *s) { sqlite3_finalize(s); }
static int sq_column_count(void *s) { return sqlite3_column_count(s); }
static const char *sq_column_name(void *s, int i) { return sqlite3_column_name(s, i); }
static int sq_column_type(void *s, int i) {
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER: return DB_INT;
    case SQLITE_FLOAT: return DB_REAL;
    case SQLITE_NULL: return DB_NULL;
    default: return DB_TEXT;
    }
}
static int64_t sq_column_int(void *s, int i) { return sqlite3_column_int64(s, i); }
static double sq_column_real(void *s, int i) { return sqlite3_column_double(s, i); }
static const char *sq_column_text(void *s, int i) {
    return (const char *)sqlite3_column_text(s, i);
}
static int sq_exec(void *p, const char *zSql) {
    /* SQLite ends the transaction itself on some errors (SQLITE_FULL,
     * IOERR, NOMEM); rolling back again would replace the real error
     * message with "cannot rollback - no transaction is active" */
    if (strcmp(zSql, "ROLLBACK") == 0 && sqlite3_get_autocommit(p)) return 0;
    return sq_rc(sqlite3_exec(p, zSql, NULL, NULL, NULL));
}
static int64_t sq_last_id(void *p) { return sqlite3_last_insert_rowid(p); }
static int sq_changes(void *p) { return sqlite3_changes(p); }
static const char *sq_errmsg(void *p) { return sqlite3_errmsg(p); }

static int sq_pragma_int(sqlite3 *h, const char *zSql, int *pv) {
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(h, zSql, -1, &s, NULL);
    if (rc != SQLITE_OK) return sq_rc(rc);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) *pv = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : sq_rc(rc);
}

static int sq_get_version(void *p, int *pVersion, int *pAppId) {
    int rc = sq_pragma_int(p, "PRAGMA user_version", pVersion);
    if (rc == 0) rc = sq_pragma_int(p, "PRAGMA application_id", pAppId);
    return rc;
}

static int sq_set_version(void *p, int version, int appId) {
    char zSql[96];
    snprintf(zSql, sizeof zSql, "PRAGMA user_version=%d; PRAGMA application_id=%d", version, appId);
    return sq_exec(p, zSql);
}

static int sq_backup(void *p, const char *zPath, char *zErr, size_t nErr) {
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(zPath, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        snprintf(zErr, nErr, "cannot create %s: %s", zPath, dst ? sqlite3_errmsg(dst) : "");
        sqlite3_close(dst);
        return KEEL_EIO;
    }
    sqlite3_busy_timeout(dst, SQLITE_BUSY_MS);
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", p, "main");
    if (!b) {
        snprintf(zErr, nErr, "backup failed: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return KEEL_EIO;
    }
    /* Copy in steps; a writer between steps restarts the copy, so the
     * result is always one consistent snapshot. */
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(zErr, nErr, "backup failed: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return KEEL_EIO;
    }
    rc = sqlite3_exec(dst, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    sqlite3_close(dst);
    return rc == SQLITE_OK ? 0 : KEEL_EIO;
}

/* BEGIN IMMEDIATE takes the write lock at once: writers run one at a time. */
static int sq_begin(void *p) { return sq_exec(p, "BEGIN IMMEDIATE"); }

/* No notifications on SQLite: waiters poll the change counter. */
#define SQLITE_POLL_MS 50
static int sq_notify(void *p, const char *zChannel) {
    (void)p;
    (void)zChannel;
    return 0;
}
static int sq_wait(void *p, const char *zChannel, int timeoutMs) {
    (void)p;
    (void)zChannel;
    sqlite3_sleep(timeoutMs < SQLITE_POLL_MS ? timeoutMs : SQLITE_POLL_MS);
    return 0;
}

const DbDriver db_sqlite_driver = {
    .zName = "sqlite",
    .xOpen = sq_open,
    .xClose = sq_close,
    .xPrepare = sq_prepare,
    .xBindNull = sq_bind_null,
    .xBindInt = sq_bind_int,
    .xBindReal = sq_bind_real,
    .xBindText = sq_bind_text,
    .xParamCount = sq_param_count,
    .xSql = sq_sql,
    .xStep = sq_step,
    .xFinalize = sq_finalize,
    .xColumnCount = sq_column_count,
    .xColumnName = sq_column_name,
    .xColumnType = sq_column_type,
    .xColumnInt = sq_column_int,
    .xColumnReal = sq_column_real,
    .xColumnText = sq_column_text,
    .xExec = sq_exec,
    .xLastInsertId = sq_last_id,
    .xChanges = sq_changes,
    .xErrmsg = sq_errmsg,
    .xGetVersion = sq_get_version,
    .xSetVersion = sq_set_version,
    .xBackup = sq_backup,
    .xBegin = sq_begin,
    .xExecDdl = sq_exec,
    .xNotify = sq_notify,
    .xWait = sq_wait,
    .zTablesSql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                  "'sqlite\\_%' ESCAPE '\\' ORDER BY name",
};
