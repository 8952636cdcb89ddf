/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts, sessions and API tokens: the lookups that authentication needs
 * (by e-mail, by token hash) beyond the generic CRUD of store_crud.h. */
#ifndef KEEL_STORE_ACCOUNT_H
#define KEEL_STORE_ACCOUNT_H
#include "store/db.h"
#include "store/resdef.h"
#include "store/store_audit.h"
#include "util/crypto.h"
#include "util/err.h"
#include <stdint.h>

typedef struct AccountRow {
    int64_t id;
    char zEmail[256];
    char zName[256];
    char zRole[16];
    char zPwHash[CRYPTO_PWHASH_LEN];
    int64_t personId; /* 0 when not linked */
    int disabled;
} AccountRow;

typedef struct SessionRow {
    int64_t id;
    int64_t accountId;
    char zCsrf[80];
    int64_t createdAt; /* unix seconds */
    int64_t lastSeen;
} SessionRow;

typedef struct TokenRow {
    int64_t id;
    int64_t accountId;
    char zScope[16];
    char zExpires[32]; /* "" when none */
    int revoked;
} TokenRow;

int store_account_by_email(Db *db, const char *zEmail, AccountRow *p);
int store_account_by_id(Db *db, int64_t id, AccountRow *p);
/* The enabled admin with the lowest id into *p; KEEL_ENOTFOUND when none. */
int store_account_first_admin(Db *db, AccountRow *p);
/* Enabled admins other than id (for the last-admin rule). */
int store_account_count_other_admins(Db *db, int64_t id, int64_t *pn);
/* Replace the password hash; audited (the hash itself is never logged). */
int store_account_set_password(Db *db, const Actor *actor, int64_t id, const char *zHash);
/* Drop every session of the account (logout everywhere). */
int store_session_delete_account(Db *db, int64_t accountId);

int store_session_create(Db *db, int64_t accountId, const char *zTokenHash, const char *zCsrf,
                         int64_t now);
int store_session_by_hash(Db *db, const char *zTokenHash, SessionRow *p);
int store_session_touch(Db *db, int64_t id, int64_t now);
int store_session_delete(Db *db, int64_t id);
/* Remove sessions idle since before idleBefore or created before createdBefore. */
int store_session_expire(Db *db, int64_t idleBefore, int64_t createdBefore);

int store_token_by_hash(Db *db, const char *zTokenHash, TokenRow *p);
int store_token_mark_used(Db *db, int64_t id, const char *zNow);
/* Revoke the token of definition r; audited. KEEL_ENOTFOUND when absent,
 * KEEL_ECONFLICT when already revoked. */
int store_token_revoke(Db *db, const ResourceDef *r, const Actor *actor, int64_t id, KeelError *e);
/* Revoke every live token of an account (its password changed), with one
 * audit entry naming how many; inside the caller's transaction if any. */
int store_token_revoke_account(Db *db, const Actor *actor, int64_t accountId);

/* Failed sign-ins of (account, address): *pnFail and *pLastFail (0, 0 when
 * none). */
int store_throttle_get(Db *db, const char *zAccount, const char *zAddress, int64_t *pnFail,
                       int64_t *pLastFail);
/* Count one more failure at `now`. */
int store_throttle_fail(Db *db, const char *zAccount, const char *zAddress, int64_t now);
/* Forget the failures of (account, address). */
int store_throttle_clear(Db *db, const char *zAccount, const char *zAddress);
/* Forget failures older than `before`. */
int store_throttle_expire(Db *db, int64_t before);

#endif
