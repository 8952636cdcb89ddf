/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The database driver interface. store_<resource>.c files talk only to this
 * API; a driver (db_sqlite.c, db_pg.c) implements DbDriver. db_open picks
 * the driver from the name: postgres://… or postgresql://… is PostgreSQL,
 * anything else a SQLite file. SQL handed to it stays in the portable
 * subset that both run: `?` placeholders, no SQLite-only or
 * PostgreSQL-only functions in queries, every table with an `id` column.
 * One Db per thread: a Db is not shared between threads. */
#ifndef KEEL_STORE_DB_H
#define KEEL_STORE_DB_H
#include <stddef.h>
#include <jansson.h>
#include <stdint.h>

typedef struct Db Db;
typedef struct DbStmt DbStmt;

enum { DB_ROW = 100, DB_DONE = 101 };           /* db_step results */
enum { DB_NULL = 0, DB_INT, DB_REAL, DB_TEXT }; /* db_column_type */

/* What a driver provides. Every function returns 0 / DB_ROW / DB_DONE or a
 * negative KEEL_E*; errors leave a message for xErrmsg. */
typedef struct DbDriver {
    const char *zName;
    int (*xOpen)(const char *zPath, int bCreate, void **ppConn, char *zErr, size_t nErr);
    void (*xClose)(void *pConn);
    int (*xPrepare)(void *pConn, const char *zSql, void **ppStmt);
    int (*xBindNull)(void *pStmt, int i);
    int (*xBindInt)(void *pStmt, int i, int64_t v);
    int (*xBindReal)(void *pStmt, int i, double v);
    int (*xBindText)(void *pStmt, int i, const char *z);
    /* How many parameters the statement has (the largest index). */
    int (*xParamCount)(void *pStmt);
    const char *(*xSql)(void *pStmt); /* the statement's text, for messages */
    int (*xStep)(void *pStmt);
    void (*xFinalize)(void *pStmt);
    int (*xColumnCount)(void *pStmt);
    const char *(*xColumnName)(void *pStmt, int i);
    int (*xColumnType)(void *pStmt, int i);
    int64_t (*xColumnInt)(void *pStmt, int i);
    double (*xColumnReal)(void *pStmt, int i);
    const char *(*xColumnText)(void *pStmt, int i);
    int (*xExec)(void *pConn, const char *zSql);
    int64_t (*xLastInsertId)(void *pConn);
    int (*xChanges)(void *pConn);
    const char *(*xErrmsg)(void *pConn);
    /* Read or set the schema version / application id (driver-specific). */
    int (*xGetVersion)(void *pConn, int *pVersion, int *pAppId);
    int (*xSetVersion)(void *pConn, int version, int appId);
    /* Online copy of the whole database to zPath. */
    int (*xBackup)(void *pConn, const char *zPath, char *zErr, size_t nErr);
    /* Start a write transaction (see db_begin). */
    int (*xBegin)(void *pConn);
    /* Run schema statements written in the common dialect (db_exec_ddl). */
    int (*xExecDdl)(void *pConn, const char *zSql);
    /* Wake waiters on zChannel when the transaction commits (NOTIFY);
     * wait up to timeoutMs for a wake-up or until it is time to poll. */
    int (*xNotify)(void *pConn, const char *zChannel);
    int (*xWait)(void *pConn, const char *zChannel, int timeoutMs);
    /* A query listing the user tables, one column `name`, sorted. */
    const char *zTablesSql;
} DbDriver;

struct Db {
    const DbDriver *pDriver; /* the driver that opened it */
    void *pConn;             /* the driver's connection */
    int nTxn;                /* nesting depth of db_begin */
    int bAuditKey;           /* aAuditKey holds the audit MAC key (store_audit_load_key) */
    unsigned char aAuditKey[32];
    int nSaveTxn; /* the depth db_savepoint marked, 0 when none */
};

/* Open the database zPath: a PostgreSQL URL (postgres://…, postgresql://…,
 * with the usual libpq parameters, PGPASSFILE and PG* variables) or a
 * SQLite file. With bCreate a SQLite file is created if missing. Does not
 * migrate: call schema_migrate() (schema.h) next. On error writes a message
 * to zErr (never a password). */
int db_open(const char *zPath, int bCreate, Db **ppDb, char *zErr, size_t nErr);
void db_close(Db *db);

/* Prepare zSql and bind arguments described by zFmt, one letter per `?`:
 *   i  int64_t        d  double         t  const char * (NULL binds NULL)
 *   k  int64_t, NULL when 0 or less (an optional id or code)
 *   r  double, NULL when NaN (a measurement that may be missing)
 *   n  NULL (no argument consumed)
 * Returns 0 or an error (statement freed). */
int db_prepare(Db *db, DbStmt **ppStmt, const char *zSql, const char *zFmt, ...);
/* Bind one value to parameter i (1-based) of a prepared statement, for
 * statements whose parameters are only known at run time. */
int db_bind_null(DbStmt *s, int i);
int db_bind_int(DbStmt *s, int i, int64_t v);
int db_bind_real(DbStmt *s, int i, double v);
int db_bind_text(DbStmt *s, int i, const char *z);
/* Step: DB_ROW, DB_DONE or a negative error. */
int db_step(DbStmt *s);
/* Step a statement that returns no rows (INSERT, UPDATE, DELETE) once and
 * finalize it: 0 or the step's error. */
int db_step_done(DbStmt *s);
void db_finalize(DbStmt *s);
int db_column_count(DbStmt *s);
const char *db_column_name(DbStmt *s, int i);
int db_column_type(DbStmt *s, int i);
int64_t db_column_int(DbStmt *s, int i);
double db_column_real(DbStmt *s, int i);
/* Borrowed text valid until the next step/finalize; NULL for NULL. */
const char *db_column_text(DbStmt *s, int i);

/* Run a statement that returns no rows; same binding as db_prepare. */
int db_run(Db *db, const char *zSql, const char *zFmt, ...);
/* db_run an INSERT and put the new row's id into *pId. */
int db_insert(Db *db, int64_t *pId, const char *zSql, const char *zFmt, ...);
/* Reads the current row of s into ctx; returns 0 or an error. */
typedef int (*DbRowFn)(DbStmt *s, void *ctx);
/* Step s once and finalize it: a row gives fn(s, ctx)'s answer, no row
 * KEEL_ENOTFOUND, a failing step its error. The one-row read of the store. */
int db_one_row(DbStmt *s, DbRowFn fn, void *ctx);
/* Step s to its end and finalize it, calling fn(s, ctx) on each row; the
 * first error (fn's or a step's) stops it and is the answer. */
int db_each_row(DbStmt *s, DbRowFn fn, void *ctx);
/* Maps the current row of s to a new JSON value (NULL: out of memory). */
typedef json_t *(*DbJsonFn)(DbStmt *s, const void *ctx);
/* db_each_row collecting fn(s, ctx) of every row into a new array in
 * *ppRows (NULL on error). The list read of the store. */
int db_rows_json(DbStmt *s, DbJsonFn fn, const void *ctx, json_t **ppRows);
/* db_prepare (same binding) and db_one_row. */
int db_query_row(Db *db, DbRowFn fn, void *ctx, const char *zSql, const char *zFmt, ...);
/* Run a query returning one integer (first column of the first row) into
 * *pv; KEEL_ENOTFOUND when no row. */
int db_query_int(Db *db, int64_t *pv, const char *zSql, const char *zFmt, ...);
/* db_query_int where no row is an answer too: *pv = 0 and 0 returned (the
 * id of a row that may not exist, a setting not set yet). */
int db_query_int_or0(Db *db, int64_t *pv, const char *zSql, const char *zFmt, ...);
/* Run a query and return its rows as a new JSON array of objects keyed by
 * column name (integers, reals, text, null as stored). */
int db_select_json(Db *db, json_t **ppRows, const char *zSql, const char *zFmt, ...);
/* The first row db_select_json would give, as a new object in *ppRow; no
 * row: *ppRow NULL and KEEL_ENOTFOUND. */
int db_select_json_row(Db *db, json_t **ppRow, const char *zSql, const char *zFmt, ...);
/* Execute one or more statements without parameters (schema, pragmas). */
int db_exec(Db *db, const char *zSql);
int64_t db_last_insert_id(Db *db);
int db_changes(Db *db);
const char *db_errmsg(Db *db);

/* Transactions: db_begin takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite) so that read-then-write sequences cannot deadlock. Nested calls
 * only count; the outermost commit or rollback ends the transaction. */
int db_begin(Db *db);
int db_commit(Db *db);
void db_rollback(Db *db);
/* End the transaction a db_begin opened: commit when rc is 0, else roll
 * back. Returns rc, or the commit's error. */
int db_end(Db *db, int rc);
/* A savepoint inside the current transaction (one at a time): work that
 * may fail and must leave the rest of the transaction standing (a passed
 * proposal's action). While it is set, a db_rollback by the code inside
 * rolls back to it instead of ending the transaction. db_savepoint_undo
 * rolls back to it (if not done yet) and removes it; db_savepoint_keep
 * removes it and keeps the work. */
int db_savepoint(Db *db);
void db_savepoint_undo(Db *db);
int db_savepoint_keep(Db *db);

int db_get_version(Db *db, int *pVersion, int *pAppId);
int db_set_version(Db *db, int version, int appId);
int db_backup(Db *db, const char *zPath, char *zErr, size_t nErr);

/* Run schema statements (CREATE TABLE, ALTER TABLE …) written once in the
 * common dialect: on PostgreSQL INTEGER becomes BIGINT, REAL DOUBLE
 * PRECISION and INTEGER PRIMARY KEY an auto-numbered BIGSERIAL. */
int db_exec_ddl(Db *db, const char *zSql);
/* The user tables (keel's, without driver bookkeeping) as a JSON array of
 * names, sorted. */
int db_tables(Db *db, json_t **ppNames);
/* Notification hooks behind store_cluster.h: db_notify wakes waiters on a
 * channel at commit (PostgreSQL NOTIFY; nothing on SQLite), db_wait
 * returns after a notification, after timeoutMs, or (SQLite) after a short
 * poll interval. */
int db_notify(Db *db, const char *zChannel);
int db_wait(Db *db, const char *zChannel, int timeoutMs);
/* "sqlite" or "postgresql". */
const char *db_driver_name(Db *db);
int db_is_pg(Db *db);
/* 1 when z names a PostgreSQL database (postgres:// or postgresql://). */
int db_is_pg_url(const char *z);
/* zPath as it may be shown in messages and logs: a URL without its
 * password. */
void db_display_name(const char *zPath, char *zOut, size_t nOut);
/* A file or directory that belongs with the database (e.g. the monitoring
 * event log, zSuffix ".events"): next to a SQLite file (FILE.events); for
 * PostgreSQL in the working directory, named after the URL without its
 * password (keel-<16 hex digits>.events), one per database and schema. */
void db_sidecar_path(const char *zPath, const char *zSuffix, char *zOut, size_t nOut);
/* Overwrite the password of a URL in place (for argv, so that process
 * lists do not show it); the string keeps its length. */
void db_scrub_password(char *zUrl);

extern const DbDriver db_sqlite_driver;
extern const DbDriver db_pg_driver;

#endif
