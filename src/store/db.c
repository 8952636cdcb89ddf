/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Driver-independent database API; dispatches to the Db's DbDriver. */
#include "store/db.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/fault.h"
#include "util/log.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct DbStmt {
    Db *db;
    void *pStmt;
    int nParam;     /* the statement's parameters */
    uint64_t bound; /* bit i-1: parameter i bound (the first 64) */
};

/* Note parameter i as bound. */
static void db_mark(DbStmt *s, int i) {
    if (i >= 1 && i <= 64) s->bound |= (uint64_t)1 << (i - 1);
}

/* Every parameter bound before a statement runs: the drivers read an
 * unbound one as NULL, which would store a wrong row without a word (a
 * format of five letters for six `?` once put a time in the wrong column). */
static int db_check_bound(DbStmt *s) {
    int n = s->nParam < 64 ? s->nParam : 64;
    uint64_t want = n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
    if ((s->bound & want) == want) return 0;
    log_error("db: %d parameters, not all bound (mask %llx) [%s]", s->nParam,
              (unsigned long long)s->bound, s->db->pDriver->xSql(s->pStmt));
    return KEEL_EINTERNAL;
}

int db_open(const char *zPath, int bCreate, Db **ppDb, char *zErr, size_t nErr) {
    *ppDb = NULL;
    Db *db = calloc(1, sizeof *db);
    if (!db) return KEEL_ENOMEM;
    db->pDriver = db_is_pg_url(zPath) ? &db_pg_driver : &db_sqlite_driver;
    int rc = db->pDriver->xOpen(zPath, bCreate, &db->pConn, zErr, nErr);
    if (rc) {
        free(db);
        return rc;
    }
    *ppDb = db;
    return 0;
}

void db_close(Db *db) {
    if (!db) return;
    db->pDriver->xClose(db->pConn);
    free(db);
}

static int db_vbind(DbStmt *s, const char *zFmt, va_list ap) {
    const DbDriver *d = s->db->pDriver;
    int i = 1, rc = 0;
    for (const char *f = zFmt ? zFmt : ""; *f && rc == 0; f++, i++) {
        switch (*f) {
        case 'i': rc = d->xBindInt(s->pStmt, i, va_arg(ap, int64_t)); break;
        case 'd': rc = d->xBindReal(s->pStmt, i, va_arg(ap, double)); break;
        case 't': {
            const char *z = va_arg(ap, const char *);
            rc = z ? d->xBindText(s->pStmt, i, z) : d->xBindNull(s->pStmt, i);
            break;
        }
        case 'k': {
            int64_t v = va_arg(ap, int64_t);
            rc = v > 0 ? d->xBindInt(s->pStmt, i, v) : d->xBindNull(s->pStmt, i);
            break;
        }
        case 'r': {
            double v = va_arg(ap, double);
            rc = isnan(v) ? d->xBindNull(s->pStmt, i) : d->xBindReal(s->pStmt, i, v);
            break;
        }
        case 'n': rc = d->xBindNull(s->pStmt, i); break;
        default: rc = KEEL_EINTERNAL;
        }
        if (!rc) db_mark(s, i);
    }
    return rc;
}

static int db_vprepare(Db *db, DbStmt **ppStmt, const char *zSql, const char *zFmt, va_list ap) {
    *ppStmt = NULL;
    DbStmt *s = calloc(1, sizeof *s);
    if (!s) return KEEL_ENOMEM;
    s->db = db;
    int rc = fault_db();
    if (rc) {
        free(s);
        return rc;
    }
    rc = db->pDriver->xPrepare(db->pConn, zSql, &s->pStmt);
    if (rc) {
        log_error("db: prepare failed: %s [%s]", db_errmsg(db), zSql);
        free(s);
        return rc;
    }
    s->nParam = db->pDriver->xParamCount(s->pStmt);
    rc = db_vbind(s, zFmt, ap);
    if (rc) {
        db_finalize(s);
        return rc;
    }
    *ppStmt = s;
    return 0;
}

int db_prepare(Db *db, DbStmt **ppStmt, const char *zSql, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    int rc = db_vprepare(db, ppStmt, zSql, zFmt, ap);
    va_end(ap);
    return rc;
}

int db_bind_null(DbStmt *s, int i) {
    db_mark(s, i);
    return s->db->pDriver->xBindNull(s->pStmt, i);
}
int db_bind_int(DbStmt *s, int i, int64_t v) {
    db_mark(s, i);
    return s->db->pDriver->xBindInt(s->pStmt, i, v);
}
int db_bind_real(DbStmt *s, int i, double v) {
    db_mark(s, i);
    return s->db->pDriver->xBindReal(s->pStmt, i, v);
}
int db_bind_text(DbStmt *s, int i, const char *z) {
    db_mark(s, i);
    return s->db->pDriver->xBindText(s->pStmt, i, z);
}

int db_step(DbStmt *s) {
    int rc = db_check_bound(s);
    if (rc) return rc;
    rc = fault_db();
    return rc ? rc : s->db->pDriver->xStep(s->pStmt);
}

int db_step_done(DbStmt *s) {
    int rc = db_step(s);
    db_finalize(s);
    return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

void db_finalize(DbStmt *s) {
    if (!s) return;
    s->db->pDriver->xFinalize(s->pStmt);
    free(s);
}

int db_column_count(DbStmt *s) { return s->db->pDriver->xColumnCount(s->pStmt); }
const char *db_column_name(DbStmt *s, int i) { return s->db->pDriver->xColumnName(s->pStmt, i); }
int db_column_type(DbStmt *s, int i) { return s->db->pDriver->xColumnType(s->pStmt, i); }
int64_t db_column_int(DbStmt *s, int i) { return s->db->pDriver->xColumnInt(s->pStmt, i); }
double db_column_real(DbStmt *s, int i) { return s->db->pDriver->xColumnReal(s->pStmt, i); }
const char *db_column_text(DbStmt *s, int i) { return s->db->pDriver->xColumnText(s->pStmt, i); }

static int db_vrun(Db *db, const char *zSql, const char *zFmt, va_list ap) {
    DbStmt *s;
    int rc = db_vprepare(db, &s, zSql, zFmt, ap);
    return rc ? rc : db_step_done(s);
}

int db_run(Db *db, const char *zSql, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    int rc = db_vrun(db, zSql, zFmt, ap);
    va_end(ap);
    return rc;
}

int db_insert(Db *db, int64_t *pId, const char *zSql, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    int rc = db_vrun(db, zSql, zFmt, ap);
    va_end(ap);
    if (rc == 0) *pId = db_last_insert_id(db);
    return rc;
}

int db_one_row(DbStmt *s, DbRowFn fn, void *ctx) {
    int rc = db_step(s);
    if (rc == DB_ROW)
        rc = fn(s, ctx);
    else if (rc == DB_DONE)
        rc = KEEL_ENOTFOUND;
    db_finalize(s);
    return rc;
}

int db_each_row(DbStmt *s, DbRowFn fn, void *ctx) {
    int rc;
    while ((rc = db_step(s)) == DB_ROW)
        if ((rc = fn(s, ctx))) break;
    db_finalize(s);
    return rc == DB_DONE ? 0 : rc;
}

typedef struct {
    json_t *a;
    DbJsonFn fn;
    const void *ctx;
} RowsJson;

static int rows_json_add(DbStmt *s, void *pv) {
    RowsJson *p = pv;
    return json_array_append_new(p->a, p->fn(s, p->ctx)) ? KEEL_ENOMEM : 0;
}

int db_rows_json(DbStmt *s, DbJsonFn fn, const void *ctx, json_t **ppRows) {
    RowsJson r = {json_array(), fn, ctx};
    *ppRows = NULL;
    int rc = r.a ? db_each_row(s, rows_json_add, &r) : KEEL_ENOMEM;
    if (!r.a) db_finalize(s);
    if (rc)
        json_decref(r.a);
    else
        *ppRows = r.a;
    return rc;
}

static int db_vquery_row(Db *db, DbRowFn fn, void *ctx, const char *zSql, const char *zFmt,
                         va_list ap) {
    DbStmt *s;
    int rc = db_vprepare(db, &s, zSql, zFmt, ap);
    return rc ? rc : db_one_row(s, fn, ctx);
}

int db_query_row(Db *db, DbRowFn fn, void *ctx, const char *zSql, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    int rc = db_vquery_row(db, fn, ctx, zSql, zFmt, ap);
    va_end(ap);
    return rc;
}

static int read_int(DbStmt *s, void *pv) {
    *(int64_t *)pv = db_column_int(s, 0);
    return 0;
}

int db_query_int(Db *db, int64_t *pv, const char *zSql, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    int rc = db_vquery_row(db, read_int, pv, zSql, zFmt, ap);
    va_end(ap);
    return rc;
}

int db_query_int_or0(Db *db, int64_t *pv, const char *zSql, const char *zFmt, ...) {
    *pv = 0;
    va_list ap;
    va_start(ap, zFmt);
    int rc = db_vquery_row(db, read_int, pv, zSql, zFmt, ap);
    va_end(ap);
    return rc == KEEL_ENOTFOUND ? 0 : rc;
}

int db_exec(Db *db, const char *zSql) {
    /* a failing ROLLBACK is not injected: SQLite's own never fails */
    int rc = strcmp(zSql, "ROLLBACK") == 0 ? 0 : fault_db();
    return rc ? rc : db->pDriver->xExec(db->pConn, zSql);
}
int64_t db_last_insert_id(Db *db) { return db->pDriver->xLastInsertId(db->pConn); }
int db_changes(Db *db) { return db->pDriver->xChanges(db->pConn); }
const char *db_errmsg(Db *db) { return db->pDriver->xErrmsg(db->pConn); }

int db_begin(Db *db) {
    if (db->nTxn++ > 0) return 0;
    int rc = db->pDriver->xBegin(db->pConn);
    if (rc) {
        db->nTxn = 0;
        db_exec(db, "ROLLBACK");
    }
    return rc;
}

int db_commit(Db *db) {
    if (db->nTxn == 0) return KEEL_EINTERNAL;
    if (--db->nTxn > 0) return 0;
    int rc = db_exec(db, "COMMIT");
    if (rc) {
        db_exec(db, "ROLLBACK");
    }
    return rc;
}

void db_rollback(Db *db) {
    if (db->nTxn == 0) return;
    if (db->nSaveTxn && db->nTxn > db->nSaveTxn) {
        db_exec(db, "ROLLBACK TO SAVEPOINT keel_work");
        db->nTxn = db->nSaveTxn;
        return;
    }
    db->nSaveTxn = 0;
    db->nTxn = 0;
    db_exec(db, "ROLLBACK");
}

int db_savepoint(Db *db) {
    if (db->nTxn == 0 || db->nSaveTxn) return KEEL_EINTERNAL;
    int rc = db_exec(db, "SAVEPOINT keel_work");
    if (rc == 0) db->nSaveTxn = db->nTxn;
    return rc;
}

void db_savepoint_undo(Db *db) {
    if (!db->nSaveTxn) return;
    db_exec(db, "ROLLBACK TO SAVEPOINT keel_work");
    db_exec(db, "RELEASE SAVEPOINT keel_work");
    db->nTxn = db->nSaveTxn;
    db->nSaveTxn = 0;
}

int db_savepoint_keep(Db *db) {
    if (!db->nSaveTxn) return KEEL_EINTERNAL;
    db->nSaveTxn = 0;
    return db_exec(db, "RELEASE SAVEPOINT keel_work");
}

int db_end(Db *db, int rc) {
    if (rc == 0) return db_commit(db);
    db_rollback(db);
    return rc;
}

int db_get_version(Db *db, int *pVersion, int *pAppId) {
    return db->pDriver->xGetVersion(db->pConn, pVersion, pAppId);
}
int db_set_version(Db *db, int version, int appId) {
    return db->pDriver->xSetVersion(db->pConn, version, appId);
}
int db_backup(Db *db, const char *zPath, char *zErr, size_t nErr) {
    return db->pDriver->xBackup(db->pConn, zPath, zErr, nErr);
}

int db_exec_ddl(Db *db, const char *zSql) { return db->pDriver->xExecDdl(db->pConn, zSql); }
int db_notify(Db *db, const char *zChannel) { return db->pDriver->xNotify(db->pConn, zChannel); }
int db_wait(Db *db, const char *zChannel, int timeoutMs) {
    return db->pDriver->xWait(db->pConn, zChannel, timeoutMs);
}
const char *db_driver_name(Db *db) { return db->pDriver->zName; }
int db_is_pg(Db *db) { return db->pDriver == &db_pg_driver; }

int db_tables(Db *db, json_t **ppNames) {
    *ppNames = NULL;
    json_t *rows;
    int rc = db_select_json(db, &rows, db->pDriver->zTablesSql, NULL);
    if (rc) return rc;
    json_t *a = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) json_array_append(a, json_object_get(r, "name"));
    json_decref(rows);
    *ppNames = a;
    return 0;
}

/* The password span of a URL "scheme://user:password@host…" or of a
 * "password=" query parameter: *pOff and *pLen; 0 when there is none. */
static int url_password(const char *z, size_t from, size_t *pOff, size_t *pLen) {
    const char *s = strstr(z, "://");
    if (!s) return 0;
    s += 3;
    if (from <= (size_t)(s - z)) {
        size_t nAuth = strcspn(s, "/?#");
        const char *at = memchr(s, '@', nAuth);
        const char *colon = at ? memchr(s, ':', (size_t)(at - s)) : NULL;
        if (colon && at > colon + 1) {
            *pOff = (size_t)(colon + 1 - z);
            *pLen = (size_t)(at - colon - 1);
            return 1;
        }
    }
    const char *q = strchr(s, '?');
    for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
        if (strncmp(p + 1, "password=", 9) == 0 && (size_t)(p + 10 - z) >= from) {
            *pOff = (size_t)(p + 10 - z);
            *pLen = strcspn(p + 10, "&#");
            return 1;
        }
    }
    return 0;
}

void db_display_name(const char *zPath, char *zOut, size_t nOut) {
    if (!nOut) return;
    snprintf(zOut, nOut, "%s", zPath ? zPath : "");
    if (!db_is_pg_url(zOut)) return;
    size_t off, len, from = 0;
    while (url_password(zOut, from, &off, &len)) {
        if (len < 3 && off + 3 >= nOut) break;
        memmove(zOut + off + 3, zOut + off + len, strlen(zOut + off + len) + 1);
        memcpy(zOut + off, "***", 3);
        from = off + 3;
        zOut[nOut - 1] = 0;
    }
}

void db_sidecar_path(const char *zPath, const char *zSuffix, char *zOut, size_t nOut) {
    if (!db_is_pg_url(zPath)) {
        snprintf(zOut, nOut, "%s%s", zPath, zSuffix);
        return;
    }
    char zShown[1024], zHash[CRYPTO_HEX_LEN];
    db_display_name(zPath, zShown, sizeof zShown);
    crypto_sha256_hex(zShown, strlen(zShown), zHash);
    snprintf(zOut, nOut, "keel-%.16s%s", zHash, zSuffix);
}

void db_scrub_password(char *zUrl) {
    if (!db_is_pg_url(zUrl)) return;
    size_t off, len, from = 0;
    while (url_password(zUrl, from, &off, &len)) {
        memset(zUrl + off, '*', len);
        from = off + len;
    }
}

/* A row as an object keyed by column name, values as stored. */
static json_t *row_object(DbStmt *s, const void *ctx) {
    (void)ctx;
    json_t *o = json_object();
    int nCol = db_column_count(s);
    for (int i = 0; o && i < nCol; i++) {
        json_t *v;
        switch (db_column_type(s, i)) {
        case DB_INT: v = json_integer(db_column_int(s, i)); break;
        case DB_REAL: v = json_real(db_column_real(s, i)); break;
        case DB_TEXT: v = json_string(db_column_text(s, i)); break;
        default: v = json_null();
        }
        json_object_set_new(o, db_column_name(s, i), v ? v : json_null());
    }
    return o;
}

static int db_vselect_json(Db *db, json_t **ppRows, const char *zSql, const char *zFmt,
                           va_list ap) {
    *ppRows = NULL;
    DbStmt *s;
    int rc = db_vprepare(db, &s, zSql, zFmt, ap);
    return rc ? rc : db_rows_json(s, row_object, NULL, ppRows);
}

int db_select_json(Db *db, json_t **ppRows, const char *zSql, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    int rc = db_vselect_json(db, ppRows, zSql, zFmt, ap);
    va_end(ap);
    return rc;
}

int db_select_json_row(Db *db, json_t **ppRow, const char *zSql, const char *zFmt, ...) {
    json_t *rows;
    va_list ap;
    va_start(ap, zFmt);
    int rc = db_vselect_json(db, &rows, zSql, zFmt, ap);
    va_end(ap);
    *ppRow = NULL;
    if (rc) return rc;
    *ppRow = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    return *ppRow ? 0 : KEEL_ENOTFOUND;
}
