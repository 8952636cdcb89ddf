/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Generic, audited storage for ResourceDef-described tables; see
 * store_crud.h. */
#include "store/store_crud.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Bind values collected while building a statement. */
typedef struct Binds {
    int n;
    struct {
        int type; /* 'i', 'd', 't', 'n' */
        int64_t i;
        double d;
        const char *z;
    } a[48];
} Binds;

static void binds_add(Binds *b, int type, int64_t i, double d, const char *z) {
    if (b->n >= 48) return;
    b->a[b->n].type = type;
    b->a[b->n].i = i;
    b->a[b->n].d = d;
    b->a[b->n].z = z;
    b->n++;
}

/* Prepare zSql and bind the collected values (their number is only known
 * at run time, so the format-string interface does not fit). */
static int crud_prepare(Db *db, DbStmt **pp, const char *zSql, const Binds *b) {
    int rc = db_prepare(db, pp, zSql, NULL);
    if (rc) return rc;
    for (int k = 0; k < b->n && rc == 0; k++) {
        switch (b->a[k].type) {
        case 'i': rc = db_bind_int(*pp, k + 1, b->a[k].i); break;
        case 'd': rc = db_bind_real(*pp, k + 1, b->a[k].d); break;
        case 't': rc = db_bind_text(*pp, k + 1, b->a[k].z); break;
        default: rc = db_bind_null(*pp, k + 1);
        }
    }
    if (rc) {
        db_finalize(*pp);
        *pp = NULL;
    }
    return rc;
}

/* The JSON value of column i of the current row for field f. */
static json_t *crud_column_json(DbStmt *s, int i, const FieldDef *f) {
    if (db_column_type(s, i) == DB_NULL) return json_null();
    switch (f->type) {
    case FT_INT:
    case FT_REF: return json_integer(db_column_int(s, i));
    case FT_REAL: return json_real(db_column_real(s, i));
    case FT_BOOL: return json_boolean(db_column_int(s, i) != 0);
    case FT_SET: return json_set_parse(db_column_text(s, i));
    default: return json_string(db_column_text(s, i));
    }
}

/* "SELECT a, b, c FROM t": every non-secret column. */
static void crud_select_list(Buf *b, const ResourceDef *r) {
    buf_puts(b, "SELECT ");
    int first = 1;
    for (int i = 0; i < r->nField; i++) {
        if (r->aField[i].flags & F_SECRET) continue;
        buf_printf(b, "%s%s", first ? "" : ", ", r->aField[i].zName);
        first = 0;
    }
    buf_printf(b, " FROM %s", r->zTable);
}

/* The row as an object of the definition's fields (ctx: the ResourceDef). */
static json_t *crud_row_json(DbStmt *s, const void *ctx) {
    const ResourceDef *r = ctx;
    json_t *o = json_object();
    int k = 0;
    for (int i = 0; i < r->nField; i++) {
        if (r->aField[i].flags & F_SECRET) continue;
        json_object_set_new(o, r->aField[i].zName, crud_column_json(s, k++, &r->aField[i]));
    }
    return o;
}

typedef struct {
    const ResourceDef *r;
    json_t **ppOut;
} CrudRow;

static int crud_row(DbStmt *s, void *pv) {
    CrudRow *p = pv;
    *p->ppOut = crud_row_json(s, p->r);
    return 0;
}

int store_crud_get(Db *db, const ResourceDef *r, int64_t id, json_t **ppOut) {
    *ppOut = NULL;
    Buf b;
    buf_init(&b, 0);
    crud_select_list(&b, r);
    buf_puts(&b, " WHERE id = ?");
    if (buf_err(&b)) {
        int rcBuf = buf_err(&b);
        buf_reset(&b); /* a failed append keeps what it had (found by test_fault) */
        return rcBuf;
    }
    DbStmt *s;
    int rc = db_prepare(db, &s, b.z, "i", id);
    buf_reset(&b);
    if (rc) return rc;
    CrudRow row = {r, ppOut};
    return db_one_row(s, crud_row, &row);
}

/* Append " WHERE ..." for the filters, collecting binds. */
static int crud_where(Buf *b, Binds *bind, const ListQuery *q, KeelError *e) {
    for (int k = 0; k < q->nFilter; k++) {
        const FieldDef *f = q->aFilter[k].f;
        const char *z = q->aFilter[k].zValue;
        buf_puts(b, k == 0 ? " WHERE " : " AND ");
        char *end;
        switch (f->type) {
        case FT_INT:
        case FT_REF:
            if (strcmp(z, "null") == 0 && (f->flags & F_NULLABLE)) {
                buf_printf(b, "%s IS NULL", f->zName);
                break;
            }
            {
                long long v = strtoll(z, &end, 10);
                if (!*z || *end)
                    return err_set(e, KEEL_EINVAL, f->zName,
                                   "filter %s must be an integer (or null)", f->zName);
                buf_printf(b, "%s = ?", f->zName);
                binds_add(bind, 'i', v, 0, NULL);
            }
            break;
        case FT_BOOL:
            if (strcmp(z, "true") && strcmp(z, "false"))
                return err_set(e, KEEL_EINVAL, f->zName, "filter %s must be true or false",
                               f->zName);
            buf_printf(b, "%s = ?", f->zName);
            binds_add(bind, 'i', strcmp(z, "true") == 0, 0, NULL);
            break;
        case FT_ENUM:
        case FT_SET:
            if (resource_enum_index(f->azEnum, z) < 0)
                return err_set(e, KEEL_EINVAL, f->zName, "filter %s: '%.40s' is not a valid value",
                               f->zName, z);
            if (f->type == FT_ENUM) {
                buf_printf(b, "%s = ?", f->zName);
                binds_add(bind, 't', 0, 0, z);
            } else {
                /* the value is one of the fixed vocabulary: no LIKE wildcards */
                buf_printf(b, "%s LIKE ?", f->zName);
                binds_add(bind, 'p', 0, 0, z);
            }
            break;
        default: buf_printf(b, "%s = ?", f->zName); binds_add(bind, 't', 0, 0, z);
        }
    }
    if (q->initiativeOwner) {
        buf_puts(b, q->nFilter ? " AND " : " WHERE ");
        buf_puts(b, "initiative_id IN (SELECT id FROM initiative WHERE owner_id = ?)");
        binds_add(bind, 'i', q->initiativeOwner, 0, NULL);
    }
    return 0;
}

int store_crud_list(Db *db, const ResourceDef *r, const ListQuery *q, json_t **ppItems,
                    int64_t *pTotal, KeelError *e) {
    *ppItems = NULL;
    Buf where, sql;
    Binds bind = {0};
    char zLike[CRUD_MAX_FILTER][80];
    buf_init(&where, 0);
    buf_init(&sql, 0);
    int rc = crud_where(&where, &bind, q, e);
    if (rc) goto done;
    /* set filters: wrap the value as ",value," pattern */
    for (int k = 0, j = 0; k < bind.n; k++) {
        if (bind.a[k].type != 'p') continue;
        snprintf(zLike[j], sizeof zLike[j], "%%,%s,%%", bind.a[k].z);
        bind.a[k].type = 't';
        bind.a[k].z = zLike[j++];
    }
    buf_printf(&sql, "SELECT count(*) FROM %s%s", r->zTable, where.z ? where.z : "");
    if ((rc = buf_err(&sql))) goto done;
    DbStmt *s;
    rc = crud_prepare(db, &s, sql.z, &bind);
    if (rc) goto done;
    rc = db_step(s);
    *pTotal = rc == DB_ROW ? db_column_int(s, 0) : 0;
    db_finalize(s);
    if (rc != DB_ROW) goto done;
    buf_reset(&sql);
    crud_select_list(&sql, r);
    if (where.z) buf_puts(&sql, where.z);
    const char *zSort = q->zSort ? q->zSort : "id";
    int desc = zSort[0] == '-';
    const FieldDef *f = resource_field(r, zSort + desc);
    if (!f || !(f->flags & F_SORT)) {
        rc = err_set(e, KEEL_EINVAL, "sort", "cannot sort by '%.40s'", zSort);
        goto done;
    }
    buf_printf(&sql, " ORDER BY %s %s, id LIMIT ? OFFSET ?", f->zName, desc ? "DESC" : "ASC");
    binds_add(&bind, 'i', q->limit, 0, NULL);
    binds_add(&bind, 'i', q->offset, 0, NULL);
    if ((rc = buf_err(&sql))) goto done;
    rc = crud_prepare(db, &s, sql.z, &bind);
    if (rc == 0) rc = db_rows_json(s, crud_row_json, r, ppItems);
done:
    buf_reset(&where);
    buf_reset(&sql);
    return rc;
}

/* The stored form of a validated value. */
static void crud_bind_value(Binds *b, const FieldDef *f, json_t *v, char *zSet, size_t nSet) {
    if (json_is_null(v)) {
        binds_add(b, 'n', 0, 0, NULL);
        return;
    }
    switch (f->type) {
    case FT_INT:
    case FT_REF: binds_add(b, 'i', json_integer_value(v), 0, NULL); break;
    case FT_REAL: binds_add(b, 'd', 0, json_number_value(v), NULL); break;
    case FT_BOOL: binds_add(b, 'i', json_is_true(v), 0, NULL); break;
    case FT_SET: {
        size_t i, k = 0;
        json_t *x;
        zSet[0] = 0;
        /* stored in vocabulary order so equal sets store alike */
        for (int j = 0; f->azEnum[j]; j++)
            json_array_foreach(v, i, x) if (strcmp(json_string_value(x), f->azEnum[j]) == 0) k +=
                (size_t)snprintf(zSet + k, nSet - k, ",%s", f->azEnum[j]);
        if (k) snprintf(zSet + k, nSet - k, ",");
        binds_add(b, 't', 0, 0, zSet);
        break;
    }
    default: binds_add(b, 't', 0, 0, json_string_value(v));
    }
}

/* Every FT_REF given must name an existing row. */
static int crud_check_refs(Db *db, const ResourceDef *r, const json_t *in, KeelError *e) {
    for (int i = 0; i < r->nField; i++) {
        const FieldDef *f = &r->aField[i];
        json_t *v = json_object_get(in, f->zName);
        if (f->type != FT_REF || !json_is_integer(v)) continue;
        char zSql[128];
        snprintf(zSql, sizeof zSql, "SELECT count(*) FROM %s WHERE id = ?", f->zRef);
        int64_t n = 0;
        int rc = db_query_int(db, &n, zSql, "i", (int64_t)json_integer_value(v));
        if (rc) return rc;
        if (n == 0)
            return err_set(e, KEEL_EINVAL, f->zName, "%s %" PRId64 " does not exist (no such %s)",
                           f->zName, (int64_t)json_integer_value(v), f->zRef);
    }
    return 0;
}

/* Map a unique-constraint failure to a 409 naming the field whose value
 * another row already has. */
static int crud_conflict(Db *db, const ResourceDef *r, int64_t id, const json_t *in, KeelError *e) {
    for (int i = 0; i < r->nField; i++) {
        const FieldDef *f = &r->aField[i];
        const char *z = json_string_value(json_object_get(in, f->zName));
        if (!(f->flags & F_UNIQUE) || !z) continue;
        char zSql[160];
        int64_t n = 0;
        snprintf(zSql, sizeof zSql, "SELECT count(*) FROM %s WHERE %s = ? AND id <> ?", r->zTable,
                 f->zName);
        if (db_query_int(db, &n, zSql, "ti", z, id) == 0 && n > 0)
            return err_set(e, KEEL_ECONFLICT, f->zName,
                           "another %s already has %s '%.80s'; choose another", r->zName, f->zName,
                           z);
    }
    return err_set(e, KEEL_ECONFLICT, "", "the change conflicts with an existing %s", r->zName);
}

/* Run zSql, the INSERT (id 0) or UPDATE (of row id) of in, with the
 * collected values; a unique column's refusal is explained (crud_conflict). */
static int crud_write(Db *db, const ResourceDef *r, int64_t id, const json_t *in, const char *zSql,
                      const Binds *b, KeelError *e) {
    DbStmt *s;
    int rc = crud_prepare(db, &s, zSql, b);
    if (rc == 0) rc = db_step_done(s);
    return rc == KEEL_ECONFLICT ? crud_conflict(db, r, id, in, e) : rc;
}

int store_crud_create(Db *db, const ResourceDef *r, const Actor *actor, const json_t *in,
                      int64_t *pId, KeelError *e) {
    Buf cols, vals;
    Binds bind = {0};
    char zSet[8][256]; /* one per set field (a table has fewer than 8) */
    char zNow[32];
    int nSet = 0;
    buf_init(&cols, 0);
    buf_init(&vals, 0);
    time_iso(time_now(), zNow, sizeof zNow);
    for (int i = 0; i < r->nField; i++) {
        const FieldDef *f = &r->aField[i];
        json_t *v = json_object_get(in, f->zName);
        int bTime = strcmp(f->zName, "created_at") == 0 || strcmp(f->zName, "updated_at") == 0;
        if (!v && !bTime) continue;
        if (strcmp(f->zName, "id") == 0) continue;
        buf_printf(&cols, "%s%s", cols.n ? ", " : "", f->zName);
        buf_printf(&vals, "%s?", vals.n ? ", " : "");
        if (bTime && !v)
            binds_add(&bind, 't', 0, 0, zNow);
        else
            crud_bind_value(&bind, f, (json_t *)v, zSet[f->type == FT_SET && nSet < 7 ? nSet++ : 7],
                            sizeof zSet[0]);
    }
    int rc = buf_err(&cols) ? buf_err(&cols) : buf_err(&vals);
    if (rc) goto done;
    Buf sql;
    buf_init(&sql, 0);
    buf_printf(&sql, "INSERT INTO %s(%s) VALUES(%s)", r->zTable, cols.z, vals.z);
    rc = db_begin(db);
    if (rc) {
        buf_reset(&sql);
        goto done;
    }
    rc = crud_check_refs(db, r, in, e);
    if (rc == 0) rc = crud_write(db, r, 0, in, sql.z, &bind, e);
    buf_reset(&sql);
    json_t *after = NULL;
    if (rc == 0) {
        *pId = db_last_insert_id(db);
        rc = store_crud_get(db, r, *pId, &after);
    }
    if (rc == 0) rc = store_audit_append(db, actor, "create", r->zName, *pId, NULL, after);
    json_decref(after);
    rc = db_end(db, rc);
done:
    buf_reset(&cols);
    buf_reset(&vals);
    return rc;
}

int store_crud_update(Db *db, const ResourceDef *r, const Actor *actor, int64_t id,
                      const json_t *in, KeelError *e) {
    Buf sql;
    Binds bind = {0};
    char zSet[8][256]; /* one per set field (a table has fewer than 8) */
    char zNow[32];
    int nSet = 0;
    json_t *before = NULL, *after = NULL;
    buf_init(&sql, 0);
    time_iso(time_now(), zNow, sizeof zNow);
    buf_printf(&sql, "UPDATE %s SET ", r->zTable);
    int n = 0;
    for (int i = 0; i < r->nField; i++) {
        const FieldDef *f = &r->aField[i];
        json_t *v = json_object_get(in, f->zName);
        int bUpd = strcmp(f->zName, "updated_at") == 0;
        if ((!v && !bUpd) || strcmp(f->zName, "id") == 0 || strcmp(f->zName, "created_at") == 0)
            continue;
        buf_printf(&sql, "%s%s = ?", n++ ? ", " : "", f->zName);
        if (bUpd && !v)
            binds_add(&bind, 't', 0, 0, zNow);
        else
            crud_bind_value(&bind, f, v, zSet[f->type == FT_SET && nSet < 7 ? nSet++ : 7],
                            sizeof zSet[0]);
    }
    buf_puts(&sql, " WHERE id = ?");
    binds_add(&bind, 'i', id, 0, NULL);
    int rc = buf_err(&sql);
    if (rc) goto done;
    rc = db_begin(db);
    if (rc) goto done;
    rc = store_crud_get(db, r, id, &before);
    if (rc == KEEL_ENOTFOUND) err_no_id(e, rc, "id", r->zName, id);
    if (rc == 0) rc = crud_check_refs(db, r, in, e);
    if (rc == 0) rc = crud_write(db, r, id, in, sql.z, &bind, e);
    if (rc == 0) rc = store_crud_get(db, r, id, &after);
    if (rc == 0) rc = store_audit_append(db, actor, "update", r->zName, id, before, after);
    rc = db_end(db, rc);
done:
    json_decref(before);
    json_decref(after);
    buf_reset(&sql);
    return rc;
}

int store_crud_count_refs(Db *db, const char *zTable, const char *zColumn, int64_t id,
                          int64_t *pn) {
    char zSql[160];
    snprintf(zSql, sizeof zSql, "SELECT count(*) FROM %s WHERE %s = ?", zTable, zColumn);
    return db_query_int(db, pn, zSql, "i", id);
}

int store_crud_delete(Db *db, const ResourceDef *r, const Actor *actor, int64_t id, KeelError *e) {
    json_t *before = NULL;
    int rc = db_begin(db);
    if (rc) return rc;
    rc = store_crud_get(db, r, id, &before);
    if (rc == KEEL_ENOTFOUND) err_no_id(e, rc, "id", r->zName, id);
    Buf why;
    buf_init(&why, 0);
    for (int k = 0; rc == 0 && k < r->nRefBy; k++) {
        int64_t n = 0;
        rc = store_crud_count_refs(db, r->aRefBy[k].zTable, r->aRefBy[k].zColumn, id, &n);
        if (rc == 0 && n > 0)
            buf_printf(&why, "%s%" PRId64 " %s", why.n ? ", " : "", n, r->aRefBy[k].zWhat);
    }
    if (rc == 0 && why.n) {
        rc = err_set(e, KEEL_ECONFLICT, "id",
                     "%s %" PRId64 " is still referenced by %s; reassign or delete them first",
                     r->zName, id, why.z);
    }
    buf_reset(&why);
    if (rc == 0) {
        char zSql[128];
        snprintf(zSql, sizeof zSql, "DELETE FROM %s WHERE id = ?", r->zTable);
        rc = db_run(db, zSql, "i", id);
        if (rc == KEEL_ECONFLICT)
            err_set(e, rc, "id", "%s %" PRId64 " is still referenced", r->zName, id);
    }
    if (rc == 0) rc = store_audit_append(db, actor, "delete", r->zName, id, before, NULL);
    rc = db_end(db, rc);
    json_decref(before);
    return rc;
}

int64_t store_crud_id_by(Db *db, const ResourceDef *r, const char *zField, const char *z) {
    if (!z || !resource_field(r, zField)) return 0;
    char zSql[160];
    int64_t id = 0;
    snprintf(zSql, sizeof zSql, "SELECT id FROM %s WHERE %s = ? ORDER BY id LIMIT 1", r->zTable,
             zField);
    if (db_query_int(db, &id, zSql, "t", z)) id = 0;
    return id;
}

int store_crud_exists(Db *db, const ResourceDef *r, int64_t id) {
    char zSql[128];
    int64_t n = 0;
    snprintf(zSql, sizeof zSql, "SELECT count(*) FROM %s WHERE id = ?", r->zTable);
    int rc = db_query_int(db, &n, zSql, "i", id);
    return rc ? rc : n > 0;
}

/* 0 when SELECT zCol FROM zTable compiles on db. */
static int column_exists(Db *db, const char *zTable, const char *zCol) {
    char zSql[200];
    snprintf(zSql, sizeof zSql, "SELECT %s FROM %s LIMIT 0", zCol, zTable);
    DbStmt *s;
    int rc = db_prepare(db, &s, zSql, NULL);
    if (rc == 0) { /* PostgreSQL's driver checks a statement when it runs */
        rc = db_step(s);
        rc = rc == DB_DONE || rc == DB_ROW ? 0 : rc;
        db_finalize(s);
    }
    return rc;
}

int store_crud_check_def(Db *db, const ResourceDef *r, KeelError *e) {
    for (int i = 0; i < r->nField; i++) {
        const FieldDef *f = &r->aField[i];
        if (column_exists(db, r->zTable, f->zName))
            return err_set(e, KEEL_EINTERNAL, f->zName, "resource %s: table %s has no column %s",
                           r->zName, r->zTable, f->zName);
        if (f->type == FT_REF && column_exists(db, f->zRef, "id"))
            return err_set(e, KEEL_EINTERNAL, f->zName, "resource %s: %s refers to no table %s",
                           r->zName, f->zName, f->zRef);
    }
    for (int i = 0; i < r->nRefBy; i++)
        if (column_exists(db, r->aRefBy[i].zTable, r->aRefBy[i].zColumn))
            return err_set(e, KEEL_EINTERNAL, "", "resource %s: no column %s.%s refers to it",
                           r->zName, r->aRefBy[i].zTable, r->aRefBy[i].zColumn);
    return 0;
}
