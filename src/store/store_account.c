/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for accounts, sessions and tokens; see store_account.h. */
#include "store/store_account.h"
#include "store/store_crud.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void copy_text(char *z, size_t n, const char *zSrc) {
    snprintf(z, n, "%s", zSrc ? zSrc : "");
}

static int account_row(DbStmt *s, void *pv) {
    AccountRow *p = pv;
    memset(p, 0, sizeof *p);
    p->id = db_column_int(s, 0);
    copy_text(p->zEmail, sizeof p->zEmail, db_column_text(s, 1));
    copy_text(p->zName, sizeof p->zName, db_column_text(s, 2));
    copy_text(p->zRole, sizeof p->zRole, db_column_text(s, 3));
    copy_text(p->zPwHash, sizeof p->zPwHash, db_column_text(s, 4));
    p->personId = db_column_int(s, 5);
    p->disabled = (int)db_column_int(s, 6);
    return 0;
}

static int account_fetch(Db *db, AccountRow *p, const char *zWhere, const char *zFmt,
                         const void *pArg) {
    char zSql[256];
    snprintf(zSql, sizeof zSql,
             "SELECT id, email, name, role, password_hash, person_id, disabled FROM account "
             "WHERE %s",
             zWhere);
    DbStmt *s;
    int rc = zFmt[0] == 't' ? db_prepare(db, &s, zSql, "t", (const char *)pArg)
                            : db_prepare(db, &s, zSql, "i", *(const int64_t *)pArg);
    return rc ? rc : db_one_row(s, account_row, p);
}

int store_account_by_email(Db *db, const char *zEmail, AccountRow *p) {
    return account_fetch(db, p, "email = ?", "t", zEmail);
}

int store_account_by_id(Db *db, int64_t id, AccountRow *p) {
    return account_fetch(db, p, "id = ?", "i", &id);
}

int store_account_first_admin(Db *db, AccountRow *p) {
    int64_t id = 0;
    int rc = db_query_int(
        db, &id, "SELECT coalesce(min(id), 0) FROM account WHERE role = 'admin' AND disabled = 0",
        NULL);
    if (rc == 0 && id == 0) rc = KEEL_ENOTFOUND;
    return rc ? rc : store_account_by_id(db, id, p);
}

int store_account_count_other_admins(Db *db, int64_t id, int64_t *pn) {
    return db_query_int(db, pn,
                        "SELECT count(*) FROM account WHERE role = 'admin' AND disabled = 0 AND "
                        "id <> ?",
                        "i", id);
}

int store_account_set_password(Db *db, const Actor *actor, int64_t id, const char *zHash) {
    int rc = db_begin(db);
    if (rc) return rc;
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    rc = db_run(db, "UPDATE account SET password_hash = ?, updated_at = ? WHERE id = ?", "tti",
                zHash, zNow, id);
    if (rc == 0 && db_changes(db) == 0) rc = KEEL_ENOTFOUND;
    if (rc == 0) {
        json_t *note = json_pack("{sb}", "password_changed", 1);
        rc = store_audit_append(db, actor, "set_password", "account", id, NULL, note);
        json_decref(note);
    }
    rc = db_end(db, rc);
    return rc;
}

int store_session_delete_account(Db *db, int64_t accountId) {
    return db_run(db, "DELETE FROM session WHERE account_id = ?", "i", accountId);
}

int store_session_create(Db *db, int64_t accountId, const char *zTokenHash, const char *zCsrf,
                         int64_t now) {
    return db_run(db,
                  "INSERT INTO session(token_hash, account_id, csrf_token, created_at, last_seen) "
                  "VALUES(?,?,?,?,?)",
                  "titii", zTokenHash, accountId, zCsrf, now, now);
}

static int session_row(DbStmt *s, void *pv) {
    SessionRow *p = pv;
    p->id = db_column_int(s, 0);
    p->accountId = db_column_int(s, 1);
    copy_text(p->zCsrf, sizeof p->zCsrf, db_column_text(s, 2));
    p->createdAt = db_column_int(s, 3);
    p->lastSeen = db_column_int(s, 4);
    return 0;
}

int store_session_by_hash(Db *db, const char *zTokenHash, SessionRow *p) {
    return db_query_row(db, session_row, p,
                        "SELECT id, account_id, csrf_token, created_at, last_seen FROM session "
                        "WHERE token_hash = ?",
                        "t", zTokenHash);
}

int store_session_touch(Db *db, int64_t id, int64_t now) {
    return db_run(db, "UPDATE session SET last_seen = ? WHERE id = ?", "ii", now, id);
}

int store_session_delete(Db *db, int64_t id) {
    return db_run(db, "DELETE FROM session WHERE id = ?", "i", id);
}

int store_session_expire(Db *db, int64_t idleBefore, int64_t createdBefore) {
    return db_run(db, "DELETE FROM session WHERE last_seen < ? OR created_at < ?", "ii", idleBefore,
                  createdBefore);
}

static int token_row(DbStmt *s, void *pv) {
    TokenRow *p = pv;
    p->id = db_column_int(s, 0);
    p->accountId = db_column_int(s, 1);
    copy_text(p->zScope, sizeof p->zScope, db_column_text(s, 2));
    copy_text(p->zExpires, sizeof p->zExpires, db_column_text(s, 3));
    p->revoked = db_column_type(s, 4) != DB_NULL;
    return 0;
}

int store_token_by_hash(Db *db, const char *zTokenHash, TokenRow *p) {
    return db_query_row(db, token_row, p,
                        "SELECT id, account_id, scope, expires_at, revoked_at FROM api_token "
                        "WHERE token_hash = ?",
                        "t", zTokenHash);
}

int store_token_mark_used(Db *db, int64_t id, const char *zNow) {
    return db_run(db, "UPDATE api_token SET last_used_at = ? WHERE id = ?", "ti", zNow, id);
}

int store_token_revoke(Db *db, const ResourceDef *r, const Actor *actor, int64_t id, KeelError *e) {
    json_t *before = NULL, *after = NULL;
    int rc = db_begin(db);
    if (rc) return rc;
    rc = store_crud_get(db, r, id, &before);
    if (rc == KEEL_ENOTFOUND) err_no_id(e, rc, "id", "token", id);
    if (rc == 0 && !json_is_null(json_object_get(before, "revoked_at")))
        rc = err_set(e, KEEL_ECONFLICT, "id", "token %" PRId64 " is already revoked", id);
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    if (rc == 0)
        rc = db_run(db, "UPDATE api_token SET revoked_at = ? WHERE id = ?", "ti", zNow, id);
    if (rc == 0) rc = store_crud_get(db, r, id, &after);
    if (rc == 0) rc = store_audit_append(db, actor, "revoke", "api_token", id, before, after);
    rc = db_end(db, rc);
    json_decref(before);
    json_decref(after);
    return rc;
}

int store_token_revoke_account(Db *db, const Actor *actor, int64_t accountId) {
    int rc = db_begin(db);
    if (rc) return rc;
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    rc = db_run(db,
                "UPDATE api_token SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                "ti", zNow, accountId);
    int n = rc == 0 ? db_changes(db) : 0;
    if (rc == 0 && n > 0) {
        json_t *note = json_pack("{si ss}", "tokens_revoked", n, "reason", "password_changed");
        rc = store_audit_append(db, actor, "revoke_tokens", "account", accountId, NULL, note);
        json_decref(note);
    }
    rc = db_end(db, rc);
    return rc;
}

int store_throttle_get(Db *db, const char *zAccount, const char *zAddress, int64_t *pnFail,
                       int64_t *pLastFail) {
    DbStmt *s;
    *pnFail = *pLastFail = 0;
    int rc = db_prepare(db, &s,
                        "SELECT n_fail, last_fail FROM login_throttle WHERE account = ? AND "
                        "address = ?",
                        "tt", zAccount, zAddress);
    if (rc) return rc;
    rc = db_step(s);
    if (rc == DB_ROW) {
        *pnFail = db_column_int(s, 0);
        *pLastFail = db_column_int(s, 1);
    }
    db_finalize(s);
    return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

int store_throttle_fail(Db *db, const char *zAccount, const char *zAddress, int64_t now) {
    /* INSERT … ON CONFLICT … DO UPDATE: SQLite 3.24+ and PostgreSQL 9.5+ */
    return db_run(db,
                  "INSERT INTO login_throttle(account, address, n_fail, last_fail) "
                  "VALUES(?, ?, 1, ?) ON CONFLICT(account, address) DO UPDATE SET "
                  "n_fail = login_throttle.n_fail + 1, last_fail = excluded.last_fail",
                  "tti", zAccount, zAddress, now);
}

int store_throttle_clear(Db *db, const char *zAccount, const char *zAddress) {
    return db_run(db, "DELETE FROM login_throttle WHERE account = ? AND address = ?", "tt",
                  zAccount, zAddress);
}

int store_throttle_expire(Db *db, int64_t before) {
    return db_run(db, "DELETE FROM login_throttle WHERE last_fail < ?", "i", before);
}
