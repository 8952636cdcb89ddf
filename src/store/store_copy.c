/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel copy: a whole database from one back end to another. */
#include "store/store_copy.h"
#include "store/schema.h"
#include "store/store_audit.h"
#include "util/buf.h"
#include "util/err.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Copy the rows of one table (ids included); *pnDone counts rows. */
static int copy_table(Db *src, Db *dst, const char *zTable, int64_t *pnDone, int64_t nTotal,
                      CopyProgress xProgress, void *pArg, char *zErr, size_t nErr) {
    char zSql[160];
    snprintf(zSql, sizeof zSql, "SELECT * FROM %s ORDER BY 1", zTable);
    DbStmt *s = NULL, *ins = NULL;
    int rc = db_prepare(src, &s, zSql, NULL);
    if (rc) {
        snprintf(zErr, nErr, "cannot read %s: %s", zTable, db_errmsg(src));
        return rc;
    }
    Buf b;
    buf_init(&b, 0);
    int nCol = 0, bHeader = 0, bId = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (!bHeader) {
            bHeader = 1;
            nCol = db_column_count(s);
            buf_printf(&b, "INSERT INTO %s(", zTable);
            for (int i = 0; i < nCol; i++) {
                buf_printf(&b, "%s%s", i ? ", " : "", db_column_name(s, i));
                bId |= strcmp(db_column_name(s, i), "id") == 0;
            }
            buf_puts(&b, ") VALUES(");
            for (int i = 0; i < nCol; i++)
                buf_puts(&b, i ? ", ?" : "?");
            buf_puts(&b, ")");
            if (buf_err(&b)) {
                rc = KEEL_ENOMEM;
                break;
            }
        }
        rc = db_prepare(dst, &ins, b.z, NULL);
        for (int i = 0; rc == 0 && i < nCol; i++) {
            switch (db_column_type(s, i)) {
            case DB_INT: rc = db_bind_int(ins, i + 1, db_column_int(s, i)); break;
            case DB_REAL: rc = db_bind_real(ins, i + 1, db_column_real(s, i)); break;
            case DB_TEXT: rc = db_bind_text(ins, i + 1, db_column_text(s, i)); break;
            default: rc = db_bind_null(ins, i + 1);
            }
        }
        if (rc == 0) rc = db_step(ins);
        if (rc == DB_DONE) rc = 0;
        if (rc) snprintf(zErr, nErr, "cannot write a row of %s: %s", zTable, db_errmsg(dst));
        db_finalize(ins);
        ins = NULL;
        if (rc) break;
        ++*pnDone;
        if (xProgress && (*pnDone % 256 == 0 || *pnDone == nTotal))
            xProgress(pArg, *pnDone, nTotal, zTable);
    }
    if (rc == DB_DONE)
        rc = 0;
    else if (rc && !zErr[0])
        snprintf(zErr, nErr, "cannot read %s: %s", zTable, db_errmsg(src));
    db_finalize(s);
    buf_reset(&b);
    if (rc == 0 && bId && db_is_pg(dst)) {
        /* the next id after the copied ones */
        snprintf(zSql, sizeof zSql,
                 "SELECT setval(pg_get_serial_sequence('%s', 'id'), coalesce(max(id), 0) + 1, "
                 "false) FROM %s",
                 zTable, zTable);
        rc = db_exec(dst, zSql);
        if (rc) snprintf(zErr, nErr, "cannot set the next id of %s: %s", zTable, db_errmsg(dst));
    }
    return rc;
}

static int count_rows(Db *db, const char *zTable, int64_t *pn) {
    char zSql[128];
    snprintf(zSql, sizeof zSql, "SELECT count(*) FROM %s", zTable);
    return db_query_int(db, pn, zSql, NULL);
}

int store_copy(Db *src, Db *dst, CopyProgress xProgress, void *pArg, CopyReport *pOut, char *zErr,
               size_t nErr) {
    memset(pOut, 0, sizeof *pOut);
    zErr[0] = 0;
    json_t *aTable = NULL, *aDst = NULL;
    int rc = schema_check(src);
    if (rc) {
        snprintf(zErr, nErr,
                 "the source is not a keel database at schema %d (run `keel migrate` "
                 "on it first)",
                 schema_version());
        return KEEL_EVERSION;
    }
    rc = db_tables(dst, &aDst);
    if (rc == 0 && json_array_size(aDst) > 0) {
        snprintf(zErr, nErr,
                 "the target already holds %zu tables; copy only into an empty "
                 "database (a new SQLite file, an empty PostgreSQL schema)",
                 json_array_size(aDst));
        rc = KEEL_ECONFLICT;
    }
    json_decref(aDst);
    if (rc) return rc;

    /* the source: a consistent snapshot (writers wait for the copy) */
    rc = db_begin(src);
    if (rc) {
        snprintf(zErr, nErr, "cannot lock the source: %s", db_errmsg(src));
        return rc;
    }
    rc = db_begin(dst);
    if (rc) {
        snprintf(zErr, nErr, "cannot lock the target: %s", db_errmsg(dst));
        db_rollback(src);
        return rc;
    }
    /* the schema, in the same transaction (migrations nest in it) */
    rc = schema_migrate(dst, zErr, nErr);
    if (rc == 0)
        rc = db_exec(dst, db_is_pg(dst) ? "SET CONSTRAINTS ALL DEFERRED"
                                        : "PRAGMA defer_foreign_keys = ON");
    if (rc == 0) rc = db_tables(src, &aTable);
    int64_t nTotal = 0, nDone = 0;
    size_t i;
    json_t *t;
    if (rc == 0) {
        json_array_foreach(aTable, i, t) {
            int64_t n = 0;
            if ((rc = count_rows(src, json_string_value(t), &n))) break;
            nTotal += n;
        }
    }
    /* the rows the migrations seeded (settings, criteria) give way to the
     * source's */
    char zSql[128];
    if (rc == 0) {
        json_array_foreach(aTable, i, t) {
            snprintf(zSql, sizeof zSql, "DELETE FROM %s", json_string_value(t));
            if ((rc = db_exec(dst, zSql))) break;
        }
    }
    if (rc == 0) {
        json_array_foreach(aTable, i, t) {
            rc = copy_table(src, dst, json_string_value(t), &nDone, nTotal, xProgress, pArg, zErr,
                            nErr);
            if (rc) break;
        }
    }
    /* verify: every table's row count and the audit head on both sides */
    if (rc == 0) {
        json_array_foreach(aTable, i, t) {
            int64_t a = -1, b = -2;
            const char *z = json_string_value(t);
            rc = count_rows(src, z, &a);
            if (rc == 0) rc = count_rows(dst, z, &b);
            if (rc == 0 && a != b) {
                snprintf(zErr, nErr,
                         "table %s has %" PRId64 " rows in the source but %" PRId64
                         " in the target",
                         z, a, b);
                rc = KEEL_ECONFLICT;
            }
            if (rc) break;
        }
    }
    char zHeadDst[CRYPTO_HEX_LEN];
    int64_t nAuditDst = 0;
    if (rc == 0) rc = store_audit_head(src, pOut->zHead, &pOut->nAudit);
    if (rc == 0) rc = store_audit_head(dst, zHeadDst, &nAuditDst);
    if (rc == 0 && (strcmp(pOut->zHead, zHeadDst) != 0 || pOut->nAudit != nAuditDst)) {
        snprintf(zErr, nErr,
                 "the audit head differs after the copy (%s %" PRId64 " vs %s %" PRId64 ")",
                 pOut->zHead, pOut->nAudit, zHeadDst, nAuditDst);
        rc = KEEL_ECONFLICT;
    }
    if (rc && !zErr[0]) snprintf(zErr, nErr, "copy failed: %s", db_errmsg(dst));
    int rcWork = rc;
    rc = db_end(dst, rc);
    if (rc && !rcWork) snprintf(zErr, nErr, "cannot commit the copy: %s", db_errmsg(dst));
    db_rollback(src); /* read only */
    if (rc == 0) {
        pOut->nTable = (int)json_array_size(aTable);
        pOut->nRow = nDone;
    }
    json_decref(aTable);
    return rc;
}
