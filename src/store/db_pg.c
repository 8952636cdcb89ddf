/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL driver (libpq). The store's portable SQL is adapted here:
 *  - `?` placeholders become $1, $2, … (outside quotes);
 *  - db_last_insert_id asks lastval(): the id the last INSERT drew from
 *    its table's BIGSERIAL (tables without one, e.g. keyed by two
 *    columns, need no id);
 *  - inside a transaction each data-changing statement runs behind a
 *    savepoint, so a failed statement (a unique violation the caller turns
 *    into a clear 409) leaves the transaction usable, as on SQLite;
 *  - DDL types are widened (INTEGER → BIGINT, REAL → DOUBLE PRECISION,
 *    INTEGER PRIMARY KEY → BIGSERIAL) by db_pg_ddl().
 * Parameters are sent as text with type "unknown", so PostgreSQL infers
 * each from its context the way SQLite's dynamic typing accepts them; a
 * parameter with no context (`? IS NULL`) is retried as typed. Results are
 * read whole (PQexecParams) and stepped through in memory. */
#include "store/db.h"
#include "util/err.h"
#include <ctype.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

/* Type OIDs (pg_type.h is server-side; these are stable). */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

/* Statements prepared on the connection, by SQL text: parsed and planned
 * once, then only executed (the same few hundred statements run again and
 * again). Evicted round-robin; dropped when the connection is reset. */
#define PG_CACHE 128
typedef struct PgCached {
    char *zSql;
    int nParam;
} PgCached;

typedef struct PgConn {
    PGconn *c;
    int64_t lastId;
    int nChanges;
    char zErr[512];
    PgCached aCache[PG_CACHE];
    int iEvict;
} PgConn;

static void pg_cache_clear(PgConn *p) {
    for (int i = 0; i < PG_CACHE; i++) {
        free(p->aCache[i].zSql);
        p->aCache[i].zSql = NULL;
    }
}

typedef struct PgStmt {
    PgConn *conn;
    char *zSql;    /* translated */
    int nParam;    /* number of $n */
    char **azVal;  /* text of each parameter (NULL = SQL NULL) */
    char *aKind;   /* 'i', 'd', 't', 'n' per parameter */
    PGresult *res; /* after the first step */
    int iRow;      /* current row, -1 before the first */
    int bInsertId; /* an INSERT: db_last_insert_id may follow */
    int bWrite;    /* INSERT/UPDATE/DELETE */
} PgStmt;

static void pg_set_err(PgConn *p, const char *z) {
    size_t n = z ? strlen(z) : 0;
    if (n >= sizeof p->zErr) n = sizeof p->zErr - 1;
    if (z && z != p->zErr) memmove(p->zErr, z, n); /* may be called with p->zErr itself */
    p->zErr[n] = 0;
    while (n && (p->zErr[n - 1] == '\n' || p->zErr[n - 1] == ' '))
        p->zErr[--n] = 0;
}

/* Map a failed result to a KEEL_E* code, keeping the message. */
static int pg_fail(PgConn *p, PGresult *r) {
    const char *zState = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    pg_set_err(p, r ? PQresultErrorMessage(r) : PQerrorMessage(p->c));
    if (PQstatus(p->c) != CONNECTION_OK) return KEEL_EIO;
    if (!zState) return KEEL_EIO;
    if (strncmp(zState, "23", 2) == 0) return KEEL_ECONFLICT; /* integrity */
    if (strcmp(zState, "40001") == 0 || strcmp(zState, "40P01") == 0 ||
        strcmp(zState, "55P03") == 0 || strncmp(zState, "57", 2) == 0 ||
        strncmp(zState, "08", 2) == 0)
        return KEEL_EBUSY;
    if (strcmp(zState, "54000") == 0) return KEEL_ETOOBIG;
    if (strcmp(zState, "53200") == 0) return KEEL_ENOMEM;
    return KEEL_EIO;
}

int db_is_pg_url(const char *z) {
    return z && (strncmp(z, "postgres://", 11) == 0 || strncmp(z, "postgresql://", 13) == 0);
}

static void pg_notice(void *arg, const char *msg) {
    (void)arg;
    (void)msg; /* notices (e.g. "relation exists, skipping") are not errors */
}

static int pg_open(const char *zUrl, int bCreate, void **ppConn, char *zErr, size_t nErr) {
    (void)bCreate;
    PgConn *p = calloc(1, sizeof *p);
    if (!p) return KEEL_ENOMEM;
    char zShown[256];
    db_display_name(zUrl, zShown, sizeof zShown);
    p->c = PQconnectdb(zUrl);
    if (!p->c || PQstatus(p->c) != CONNECTION_OK) {
        snprintf(zErr, nErr, "cannot connect to PostgreSQL at %s: %s", zShown,
                 p->c ? PQerrorMessage(p->c) : "out of memory");
        size_t n = strlen(zErr);
        while (n && zErr[n - 1] == '\n')
            zErr[--n] = 0;
        PQfinish(p->c);
        free(p);
        return KEEL_EIO;
    }
    PQsetNoticeProcessor(p->c, pg_notice, NULL);
    PGresult *r = PQexec(p->c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; "
                               "SET client_min_messages = warning");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) snprintf(zErr, nErr, "cannot use %s: %s", zShown, PQresultErrorMessage(r));
    PQclear(r);
    if (!ok) {
        PQfinish(p->c);
        free(p);
        return KEEL_EIO;
    }
    *ppConn = p;
    return 0;
}

static void pg_close(void *pv) {
    PgConn *p = pv;
    if (!p) return;
    pg_cache_clear(p);
    PQfinish(p->c);
    free(p);
}

/* Skip a quoted section starting at z (a ' or "); returns the char after. */
static const char *skip_quoted(const char *z) {
    char q = *z++;
    while (*z) {
        if (*z == q) {
            if (z[1] == q) {
                z += 2;
                continue;
            }
            return z + 1;
        }
        z++;
    }
    return z;
}

/* Copy the quoted string at *pc (as skip_quoted finds its end) to o
 * unchanged; advance *pc past it and return the end of the copy. */
static char *copy_quoted(char *o, const char **pc) {
    const char *e = skip_quoted(*pc);
    memcpy(o, *pc, (size_t)(e - *pc));
    o += e - *pc;
    *pc = e;
    return o;
}

static int starts_word(const char *z, const char *zWord) {
    while (isspace((unsigned char)*z))
        z++;
    size_t n = strlen(zWord);
    return strncasecmp(z, zWord, n) == 0 && !isalnum((unsigned char)z[n]) && z[n] != '_';
}

static int has_word(const char *z, const char *zWord) {
    size_t n = strlen(zWord);
    for (const char *c = z; *c;) {
        if (*c == '\'' || *c == '"') {
            c = skip_quoted(c);
            continue;
        }
        if ((c == z || !(isalnum((unsigned char)c[-1]) || c[-1] == '_')) &&
            strncasecmp(c, zWord, n) == 0 && !isalnum((unsigned char)c[n]) && c[n] != '_')
            return 1;
        c++;
    }
    return 0;
}

static int pg_param_count(void *pv) { return ((PgStmt *)pv)->nParam; }
static const char *pg_sql(void *pv) { return ((PgStmt *)pv)->zSql; }

static int pg_prepare(void *pv, const char *zSql, void **pp) {
    PgConn *p = pv;
    *pp = NULL;
    PgStmt *s = calloc(1, sizeof *s);
    if (!s) return KEEL_ENOMEM;
    s->conn = p;
    s->iRow = -1;
    size_t n = strlen(zSql);
    int nQ = 0;
    for (const char *c = zSql; *c; c++)
        if (*c == '?') nQ++;
    s->zSql = malloc(n + (size_t)nQ * 6 + 16);
    if (!s->zSql) {
        free(s);
        return KEEL_ENOMEM;
    }
    char *o = s->zSql;
    for (const char *c = zSql; *c;) {
        if (*c == '\'' || *c == '"') {
            o = copy_quoted(o, &c);
        } else if (*c == '?') {
            o += sprintf(o, "$%d", ++s->nParam);
            c++;
        } else {
            *o++ = *c++;
        }
    }
    *o = 0;
    while (o > s->zSql && (isspace((unsigned char)o[-1]) || o[-1] == ';'))
        *--o = 0;
    s->bWrite =
        starts_word(zSql, "INSERT") || starts_word(zSql, "UPDATE") || starts_word(zSql, "DELETE");
    s->bInsertId = starts_word(zSql, "INSERT") && !has_word(zSql, "RETURNING");
    if (s->nParam) {
        s->azVal = calloc((size_t)s->nParam, sizeof *s->azVal);
        s->aKind = calloc((size_t)s->nParam, 1);
        if (!s->azVal || !s->aKind) {
            free(s->azVal);
            free(s->aKind);
            free(s->zSql);
            free(s);
            return KEEL_ENOMEM;
        }
        memset(s->aKind, 'n', (size_t)s->nParam);
    }
    *pp = s;
    return 0;
}

static int pg_bind(PgStmt *s, int i, char kind, char *zOwned) {
    if (i < 1 || i > s->nParam) {
        free(zOwned);
        pg_set_err(s->conn, "bind index out of range");
        return KEEL_EINTERNAL;
    }
    free(s->azVal[i - 1]);
    s->azVal[i - 1] = zOwned;
    s->aKind[i - 1] = kind;
    return 0;
}

static int pg_bind_null(void *pv, int i) { return pg_bind(pv, i, 'n', NULL); }
static int pg_bind_int(void *pv, int i, int64_t v) {
    char *z = malloc(24);
    if (!z) return KEEL_ENOMEM;
    snprintf(z, 24, "%" PRId64, v);
    return pg_bind(pv, i, 'i', z);
}
static int pg_bind_real(void *pv, int i, double v) {
    char *z = malloc(32);
    if (!z) return KEEL_ENOMEM;
    snprintf(z, 32, "%.17g", v);
    return pg_bind(pv, i, 'd', z);
}
static int pg_bind_text(void *pv, int i, const char *zText) {
    char *z = strdup(zText);
    if (!z) return KEEL_ENOMEM;
    return pg_bind(pv, i, 't', z);
}

/* Run s through a prepared statement "k<slot>": the result, the error of
 * preparing it, or NULL when out of memory (run it unprepared then). */
static PGresult *pg_exec_cached(PgStmt *s) {
    PgConn *p = s->conn;
    int k = -1;
    for (int i = 0; i < PG_CACHE; i++)
        if (p->aCache[i].zSql && p->aCache[i].nParam == s->nParam &&
            strcmp(p->aCache[i].zSql, s->zSql) == 0) {
            k = i;
            break;
        }
    char zName[16];
    if (k < 0) {
        k = p->iEvict;
        p->iEvict = (p->iEvict + 1) % PG_CACHE;
        snprintf(zName, sizeof zName, "k%d", k);
        if (p->aCache[k].zSql) {
            char zSql[40];
            snprintf(zSql, sizeof zSql, "DEALLOCATE %s", zName);
            PQclear(PQexec(p->c, zSql));
            free(p->aCache[k].zSql);
            p->aCache[k].zSql = NULL;
        }
        PGresult *r = PQprepare(p->c, zName, s->zSql, s->nParam, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) return r; /* the statement's error */
        PQclear(r);
        p->aCache[k].zSql = strdup(s->zSql);
        p->aCache[k].nParam = s->nParam;
        if (!p->aCache[k].zSql) { /* out of memory: forget the prepared one */
            char zSql[40];
            snprintf(zSql, sizeof zSql, "DEALLOCATE %s", zName);
            PQclear(PQexec(p->c, zSql));
            return NULL;
        }
    }
    snprintf(zName, sizeof zName, "k%d", k);
    return PQexecPrepared(p->c, zName, s->nParam, (const char *const *)s->azVal, NULL, NULL, 0);
}

static PGresult *pg_exec_params(PgStmt *s, int bTyped) {
    if (!bTyped && PQtransactionStatus(s->conn->c) != PQTRANS_INERROR) {
        PGresult *r = pg_exec_cached(s);
        if (r) return r;
    }
    Oid aType[s->nParam > 0 ? s->nParam : 1];
    for (int i = 0; i < s->nParam; i++) {
        aType[i] = 0;
        if (bTyped) {
            switch (s->aKind[i]) {
            case 'i': aType[i] = OID_INT8; break;
            case 'd': aType[i] = OID_FLOAT8; break;
            default: aType[i] = OID_TEXT;
            }
        }
    }
    return PQexecParams(s->conn->c, s->zSql, s->nParam, aType, (const char *const *)s->azVal, NULL,
                        NULL, 0);
}

static int pg_alive(PgConn *p);

/* A statement failed because the connection turned out to be gone (libpq
 * learns it only when it uses the socket): outside a transaction it is
 * safe to reconnect and run it again, once. */
static int pg_lost(PgConn *p, int bWasIdle, PGresult *r) {
    return r && PQresultStatus(r) == PGRES_FATAL_ERROR && bWasIdle &&
           PQstatus(p->c) != CONNECTION_OK && pg_alive(p) == 0;
}

static PGresult *pg_exec_retry(PgConn *p, const char *zSql) {
    int bIdle = PQtransactionStatus(p->c) == PQTRANS_IDLE;
    PGresult *r = PQexec(p->c, zSql);
    if (pg_lost(p, bIdle, r)) {
        PQclear(r);
        r = PQexec(p->c, zSql);
    }
    return r;
}

static int pg_simple(PgConn *p, const char *zSql) {
    if (PQtransactionStatus(p->c) == PQTRANS_IDLE || PQstatus(p->c) != CONNECTION_OK) {
        int rc = pg_alive(p);
        if (rc) return rc;
    }
    PGresult *r = pg_exec_retry(p, zSql);
    ExecStatusType st = PQresultStatus(r);
    int rc = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? 0 : pg_fail(p, r);
    PQclear(r);
    return rc;
}

/* A connection lost (server restart, failover, network) is re-established
 * at the next statement outside a transaction: servers keep no state of
 * their own, so a new connection is as good as the old one. */
static int pg_alive(PgConn *p) {
    if (PQstatus(p->c) == CONNECTION_OK) return 0;
    PQreset(p->c);
    pg_cache_clear(p); /* a new session has no prepared statements */
    if (PQstatus(p->c) != CONNECTION_OK) {
        snprintf(p->zErr, sizeof p->zErr, "PostgreSQL is unreachable: %s", PQerrorMessage(p->c));
        pg_set_err(p, p->zErr);
        return KEEL_EBUSY;
    }
    PQsetNoticeProcessor(p->c, pg_notice, NULL);
    PGresult *r = PQexec(p->c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; "
                               "SET client_min_messages = warning");
    PQclear(r);
    return 0;
}

static int pg_run(PgStmt *s) {
    PgConn *p = s->conn;
    int rcAlive = pg_alive(p);
    if (rcAlive) return rcAlive;
    int bSave = s->bWrite && PQtransactionStatus(p->c) == PQTRANS_INTRANS;
    if (bSave) {
        int rc = pg_simple(p, "SAVEPOINT keel_stmt");
        if (rc) return rc;
    }
    int bIdle = PQtransactionStatus(p->c) == PQTRANS_IDLE;
    PGresult *r = pg_exec_params(s, 0);
    if (pg_lost(p, bIdle, r)) {
        PQclear(r);
        r = pg_exec_params(s, 0);
    }
    if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
        const char *zState = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (zState && (strcmp(zState, "42P18") == 0 || strcmp(zState, "42P08") == 0 ||
                       strcmp(zState, "42725") == 0)) {
            /* a parameter PostgreSQL cannot type from its context */
            PQclear(r);
            if (bSave) pg_simple(p, "ROLLBACK TO SAVEPOINT keel_stmt");
            r = pg_exec_params(s, 1);
        }
    }
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        int rc = pg_fail(p, r);
        PQclear(r);
        if (bSave) {
            char zKeep[sizeof p->zErr];
            memcpy(zKeep, p->zErr, sizeof zKeep);
            pg_simple(p, "ROLLBACK TO SAVEPOINT keel_stmt; RELEASE SAVEPOINT keel_stmt");
            memcpy(p->zErr, zKeep, sizeof zKeep);
        }
        return rc;
    }
    if (bSave) pg_simple(p, "RELEASE SAVEPOINT keel_stmt");
    s->res = r;
    const char *zN = PQcmdTuples(r);
    p->nChanges = zN && *zN ? atoi(zN) : 0;
    if (s->bInsertId) p->lastId = -1; /* read lazily by pg_last_id */
    return 0;
}

static int pg_step(void *pv) {
    PgStmt *s = pv;
    if (!s->res) {
        int rc = pg_run(s);
        if (rc) return rc;
        if (s->bInsertId) return DB_DONE;
    }
    if (s->bInsertId || PQresultStatus(s->res) != PGRES_TUPLES_OK) return DB_DONE;
    if (s->iRow + 1 >= PQntuples(s->res)) {
        s->iRow = PQntuples(s->res);
        return DB_DONE;
    }
    s->iRow++;
    return DB_ROW;
}

static void pg_finalize(void *pv) {
    PgStmt *s = pv;
    if (!s) return;
    PQclear(s->res);
    for (int i = 0; i < s->nParam; i++)
        free(s->azVal[i]);
    free(s->azVal);
    free(s->aKind);
    free(s->zSql);
    free(s);
}

static int pg_column_count(void *pv) {
    PgStmt *s = pv;
    if (!s->res) { /* a statement is described by running it (always read-only here) */
        if (s->bWrite || pg_run(s)) return 0;
    }
    return PQnfields(s->res);
}
static const char *pg_column_name(void *pv, int i) { return PQfname(((PgStmt *)pv)->res, i); }

static int in_row(PgStmt *s, int i) {
    return s->res && s->iRow >= 0 && s->iRow < PQntuples(s->res) && i >= 0 && i < PQnfields(s->res);
}

static int pg_column_type(void *pv, int i) {
    PgStmt *s = pv;
    if (!in_row(s, i) || PQgetisnull(s->res, s->iRow, i)) return DB_NULL;
    switch (PQftype(s->res, i)) {
    case OID_INT8:
    case OID_INT4:
    case OID_INT2:
    case OID_OID:
    case OID_BOOL: return DB_INT;
    case OID_FLOAT4:
    case OID_FLOAT8: return DB_REAL;
    case OID_NUMERIC: /* sum() of integers is numeric: an integer when it has no fraction */
        return strpbrk(PQgetvalue(s->res, s->iRow, i), ".eEN") ? DB_REAL : DB_INT;
    default: return DB_TEXT;
    }
}
static int64_t pg_column_int(void *pv, int i) {
    PgStmt *s = pv;
    if (!in_row(s, i) || PQgetisnull(s->res, s->iRow, i)) return 0;
    const char *z = PQgetvalue(s->res, s->iRow, i);
    if (PQftype(s->res, i) == OID_BOOL) return *z == 't';
    if (strpbrk(z, ".eE")) return (int64_t)strtod(z, NULL);
    return strtoll(z, NULL, 10);
}
static double pg_column_real(void *pv, int i) {
    PgStmt *s = pv;
    if (!in_row(s, i) || PQgetisnull(s->res, s->iRow, i)) return 0;
    const char *z = PQgetvalue(s->res, s->iRow, i);
    if (PQftype(s->res, i) == OID_BOOL) return *z == 't';
    return strtod(z, NULL);
}
static const char *pg_column_text(void *pv, int i) {
    PgStmt *s = pv;
    if (!in_row(s, i) || PQgetisnull(s->res, s->iRow, i)) return NULL;
    return PQgetvalue(s->res, s->iRow, i);
}

static int pg_exec(void *pv, const char *zSql) { return pg_simple(pv, zSql); }

/* The common schema dialect in PostgreSQL's words: word by word outside
 * quotes, INTEGER PRIMARY KEY → BIGSERIAL PRIMARY KEY, INTEGER → BIGINT,
 * REAL → DOUBLE PRECISION, AUTOINCREMENT dropped, foreign keys
 * DEFERRABLE (checked per statement unless a transaction defers them). */
static char *pg_ddl(const char *zSql) {
    size_t n = strlen(zSql);
    char *zOut = malloc(n * 8 + 1), *o = zOut;
    if (!zOut) return NULL;
    for (const char *c = zSql; *c;) {
        if (*c == '\'' || *c == '"') {
            o = copy_quoted(o, &c);
            continue;
        }
        if (isalpha((unsigned char)*c) &&
            (c == zSql || !(isalnum((unsigned char)c[-1]) || c[-1] == '_'))) {
            const char *e = c;
            while (isalnum((unsigned char)*e) || *e == '_')
                e++;
            size_t w = (size_t)(e - c);
            if (w == 7 && strncasecmp(c, "INTEGER", 7) == 0) {
                if (starts_word(e, "PRIMARY")) {
                    o += sprintf(o, "BIGSERIAL");
                } else {
                    o += sprintf(o, "BIGINT");
                }
            } else if (w == 4 && strncasecmp(c, "REAL", 4) == 0) {
                o += sprintf(o, "DOUBLE PRECISION");
            } else if (w == 13 && strncasecmp(c, "AUTOINCREMENT", 13) == 0) {
                /* nothing: BIGSERIAL never reuses */
            } else if (w == 10 && strncasecmp(c, "REFERENCES", 10) == 0 && strchr(e, ')')) {
                /* deferrable, so that keel copy can load rows in any order */
                const char *close = strchr(e, ')') + 1;
                memcpy(o, c, (size_t)(close - c));
                o += close - c;
                o += sprintf(o, " DEFERRABLE INITIALLY IMMEDIATE");
                e = close;
            } else {
                memcpy(o, c, w);
                o += w;
            }
            c = e;
            continue;
        }
        *o++ = *c++;
    }
    *o = 0;
    return zOut;
}

static int pg_exec_ddl(void *pv, const char *zSql) {
    char *z = pg_ddl(zSql);
    if (!z) return KEEL_ENOMEM;
    int rc = pg_simple(pv, z);
    free(z);
    return rc;
}
static int64_t pg_last_id(void *pv) {
    PgConn *p = pv;
    if (p->lastId != -1) return p->lastId;
    PGresult *r = PQexec(p->c, "SELECT lastval()");
    p->lastId = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
                    ? strtoll(PQgetvalue(r, 0, 0), NULL, 10)
                    : 0;
    PQclear(r);
    return p->lastId;
}
static int pg_changes(void *pv) { return ((PgConn *)pv)->nChanges; }
static const char *pg_errmsg(void *pv) {
    PgConn *p = pv;
    if (!p->zErr[0] && PQstatus(p->c) != CONNECTION_OK) pg_set_err(p, PQerrorMessage(p->c));
    return p->zErr;
}

/* The schema version lives in a one-row table (PostgreSQL has no
 * user_version). */
static int pg_get_version(void *pv, int *pVersion, int *pAppId) {
    PgConn *p = pv;
    *pVersion = *pAppId = 0;
    int rcAlive = pg_alive(p);
    if (rcAlive) return rcAlive;
    PGresult *r = pg_exec_retry(p, "SELECT to_regclass('keel_schema') IS NOT NULL");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        int rc = pg_fail(p, r);
        PQclear(r);
        return rc;
    }
    int bHave = PQntuples(r) == 1 && *PQgetvalue(r, 0, 0) == 't';
    PQclear(r);
    if (!bHave) return 0;
    r = PQexec(p->c, "SELECT version, app_id FROM keel_schema WHERE id = 1");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        int rc = pg_fail(p, r);
        PQclear(r);
        return rc;
    }
    if (PQntuples(r) == 1) {
        *pVersion = atoi(PQgetvalue(r, 0, 0));
        *pAppId = atoi(PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return 0;
}

static int pg_set_version(void *pv, int version, int appId) {
    char zSql[320];
    snprintf(zSql, sizeof zSql,
             "CREATE TABLE IF NOT EXISTS keel_schema(id INTEGER PRIMARY KEY CHECK (id = 1), "
             "version INTEGER NOT NULL, app_id INTEGER NOT NULL); "
             "INSERT INTO keel_schema VALUES(1, %d, %d) ON CONFLICT(id) DO UPDATE SET "
             "version = excluded.version, app_id = excluded.app_id",
             version, appId);
    return pg_simple(pv, zSql);
}

static int pg_backup(void *pv, const char *zPath, char *zErr, size_t nErr) {
    (void)pv;
    snprintf(zErr, nErr,
             "keel backup copies SQLite files; for PostgreSQL use pg_dump or point-in-time "
             "recovery, or `keel copy --from URL --to %s` for a SQLite copy "
             "(docs/operations.md)",
             zPath);
    return KEEL_EINVAL;
}

/* Writers take one transaction-scoped advisory lock per keel schema, so
 * write transactions run one at a time across every server, as BEGIN
 * IMMEDIATE makes them on SQLite; READ COMMITTED then gives each statement
 * of the writer a snapshot taken after the lock, i.e. after every earlier
 * commit. Readers outside db_begin are not blocked. */
static int pg_begin(void *pv) {
    return pg_simple(pv, "BEGIN ISOLATION LEVEL READ COMMITTED; "
                         "SELECT pg_advisory_xact_lock(1801807212, hashtext(current_schema()))");
}

/* NOTIFY at commit; LISTEN (idempotent) then wait on the socket. Channel
 * names are checked by the caller (store_channel_valid). */
static int pg_notify_ch(void *pv, const char *zChannel) {
    PgConn *p = pv;
    const char *aVal[1] = {zChannel};
    PGresult *r = PQexecParams(p->c, "SELECT pg_notify($1, '')", 1, NULL, aVal, NULL, NULL, 0);
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : pg_fail(p, r);
    PQclear(r);
    return rc;
}

static int pg_wait(void *pv, const char *zChannel, int timeoutMs) {
    PgConn *p = pv;
    char zSql[80];
    snprintf(zSql, sizeof zSql, "LISTEN \"%s\"", zChannel);
    int rc = pg_simple(p, zSql);
    if (rc) return rc;
    PGnotify *n;
    int bGot = 0;
    PQconsumeInput(p->c);
    while ((n = PQnotifies(p->c))) {
        bGot = 1;
        PQfreemem(n);
    }
    if (bGot) return 0;
    int fd = PQsocket(p->c);
    if (fd < 0) return KEEL_EBUSY;
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    struct timeval tv = {timeoutMs / 1000, (timeoutMs % 1000) * 1000};
    if (select(fd + 1, &set, NULL, NULL, &tv) > 0) {
        PQconsumeInput(p->c);
        while ((n = PQnotifies(p->c)))
            PQfreemem(n);
    }
    return 0;
}

const DbDriver db_pg_driver = {
    .zName = "postgresql",
    .xOpen = pg_open,
    .xClose = pg_close,
    .xPrepare = pg_prepare,
    .xParamCount = pg_param_count,
    .xSql = pg_sql,
    .xBindNull = pg_bind_null,
    .xBindInt = pg_bind_int,
    .xBindReal = pg_bind_real,
    .xBindText = pg_bind_text,
    .xStep = pg_step,
    .xFinalize = pg_finalize,
    .xColumnCount = pg_column_count,
    .xColumnName = pg_column_name,
    .xColumnType = pg_column_type,
    .xColumnInt = pg_column_int,
    .xColumnReal = pg_column_real,
    .xColumnText = pg_column_text,
    .xExec = pg_exec,
    .xLastInsertId = pg_last_id,
    .xChanges = pg_changes,
    .xErrmsg = pg_errmsg,
    .xGetVersion = pg_get_version,
    .xSetVersion = pg_set_version,
    .xBackup = pg_backup,
    .xBegin = pg_begin,
    .xExecDdl = pg_exec_ddl,
    .xNotify = pg_notify_ch,
    .xWait = pg_wait,
    .zTablesSql = "SELECT table_name AS name FROM information_schema.tables WHERE "
                  "table_schema = current_schema() AND table_type = 'BASE TABLE' AND "
                  "table_name <> 'keel_schema' ORDER BY 1",
};
