/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sign-in, sessions, tokens and account rules; see auth.h. */
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/store_account.h"
#include "store/store_crud.h"
#include "util/crypto.h"
#include "util/timeutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int auth_role_bit(const char *zRole) {
    int i = zRole ? resource_enum_index(azRole, zRole) : -1;
    return i < 0 ? 0 : 1 << i;
}

const char *auth_role_name(int bit) {
    for (int i = 0; azRole[i]; i++)
        if (bit == 1 << i) return azRole[i];
    return "none";
}

const char *const auth_scope_name[] = {"read",         "write",         "switch:read", "ingest",
                                       "metrics:read", "calendar:read", NULL};

int auth_scope_bit(const char *zScope) {
    int i = zScope ? resource_enum_index(auth_scope_name, zScope) : -1;
    return i < 0 ? 0 : 1 << i;
}

int auth_password_check(const char *zPassword, KeelError *e) {
    size_t n = zPassword ? strlen(zPassword) : 0;
    if (n < 10 || n > 1024)
        return err_set(e, KEEL_EINVAL, "password", "the password must be 10 to 1024 characters");
    return 0;
}

/* ---- throttling of failed sign-ins ------------------------------------
 * Failures are counted per (account, address) in the database, so every
 * server on it sees them and a restart forgets nothing. After
 * AUTH_FREE_FAILS failures that pair must wait 2^(n - AUTH_FREE_FAILS)
 * seconds (at most AUTH_MAX_WAIT) after its last failure before the next
 * attempt is even checked. Failures on other accounts, or from other
 * addresses, do not count: guessing from one address cannot lock the real
 * user out from theirs. */
#define AUTH_FREE_FAILS 5
#define AUTH_MAX_WAIT 900

int64_t auth_throttle_wait(int64_t nFail, int64_t lastFail, int64_t now) {
    if (nFail < AUTH_FREE_FAILS) return 0;
    int64_t shift = nFail - AUTH_FREE_FAILS;
    int64_t wait = shift >= 10 ? AUTH_MAX_WAIT : (int64_t)1 << shift;
    if (wait > AUTH_MAX_WAIT) wait = AUTH_MAX_WAIT;
    int64_t left = lastFail + wait - now;
    return left > 0 ? left : 0;
}

/* The throttle's clock. A binary configured with -DKEEL_TEST_HOOKS=ON
 * stops it when KEEL_TEST_THROTTLE_CLOCK=frozen (at the first sign-in), so
 * that a test's waits never pass however slow the machine is; the waits
 * themselves are checked in unit/test_throttle. Any other build ignores
 * the variable. */
static int64_t throttle_now(int64_t now) {
#ifdef KEEL_TEST_HOOKS
    static _Atomic int64_t frozen;
    const char *z = getenv("KEEL_TEST_THROTTLE_CLOCK");
    if (z && strcmp(z, "frozen") == 0) {
        int64_t zero = 0;
        atomic_compare_exchange_strong(&frozen, &zero, now);
        return atomic_load(&frozen);
    }
#endif
    return now;
}

static char zDummyHash[CRYPTO_PWHASH_LEN];
static pthread_once_t dummyOnce = PTHREAD_ONCE_INIT;

static void dummy_hash_init(void) {
    if (crypto_pw_hash("keel-no-such-account", zDummyHash)) zDummyHash[0] = 0;
}

void auth_principal_from_account(const AccountRow *a, int kind, Principal *p) {
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->accountId = a->id;
    p->role = auth_role_bit(a->zRole);
    snprintf(p->zEmail, sizeof p->zEmail, "%s", a->zEmail);
    snprintf(p->zName, sizeof p->zName, "%s", a->zName);
    snprintf(p->zActor, sizeof p->zActor, "%s", a->zEmail);
    p->personId = a->personId;
}

void auth_principal_operator(Principal *p, const char *zLogin) {
    memset(p, 0, sizeof *p);
    snprintf(p->zActor, sizeof p->zActor, "cli:%s", zLogin && *zLogin ? zLogin : "unknown");
}

void auth_principal_via_cli(Principal *p) {
    snprintf(p->zActor, sizeof p->zActor, "cli:%s", p->zEmail);
}

int auth_login(Db *db, const char *zEmail, const char *zPassword, const char *zAddr,
               char *zSessionToken, size_t nSessionToken, Principal *p, int *pRetryAfter,
               KeelError *e) {
    char zEmailLc[256];
    snprintf(zEmailLc, sizeof zEmailLc, "%s", zEmail);
    for (char *c = zEmailLc; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
    const char *zAt = zAddr ? zAddr : "";
    int64_t now = time_now(), nFail, lastFail;
    int rc = store_throttle_get(db, zEmailLc, zAt, &nFail, &lastFail);
    if (rc) return rc;
    int64_t wait = auth_throttle_wait(nFail, lastFail, throttle_now(now));
    if (wait > 0) {
        *pRetryAfter = (int)wait;
        return err_set(e, KEEL_ERATE, "", "too many failed sign-ins; try again in %lld seconds",
                       (long long)wait);
    }
    AccountRow a;
    rc = store_account_by_email(db, zEmailLc, &a);
    if (rc && rc != KEEL_ENOTFOUND) return rc;
    /* Every case spends one password check, so that timing tells nothing:
     * an unknown account is checked against a hash made once with the same
     * parameters as real ones, a disabled one against its own hash. */
    const char *zHash = a.zPwHash;
    if (rc == KEEL_ENOTFOUND) {
        pthread_once(&dummyOnce, dummy_hash_init);
        zHash = zDummyHash;
    }
    int bPwOk = crypto_pw_verify(zHash, zPassword);
    int ok = rc == 0 && bPwOk && !a.disabled;
    if (!ok) {
        rc = store_throttle_fail(db, zEmailLc, zAt, now);
        if (rc) return rc;
        return err_set(e, KEEL_EAUTH, "", "wrong e-mail or password, or the account is disabled");
    }
    if (nFail > 0 && (rc = store_throttle_clear(db, zEmailLc, zAt))) return rc;
    char zTokHash[CRYPTO_HEX_LEN];
    auth_principal_from_account(&a, AUTH_COOKIE, p);
    crypto_random_secret("ks_", zSessionToken, nSessionToken);
    crypto_random_secret("", p->zCsrf, sizeof p->zCsrf);
    crypto_sha256_hex(zSessionToken, strlen(zSessionToken), zTokHash);
    rc = store_session_create(db, a.id, zTokHash, p->zCsrf, now);
    if (rc == 0) {
        p->sessionId = db_last_insert_id(db);
        /* old sessions and old failures of everyone are swept now and then */
        if ((now & 15) == 0) {
            store_session_expire(db, now - 7 * 86400, now - 30 * 86400);
            store_throttle_expire(db, now - 86400);
        }
    }
    return rc;
}

Actor auth_actor(const Principal *who) {
    Actor a = {who->accountId, who->zActor[0] ? who->zActor : "system"};
    return a;
}

int auth_is_governor(const Principal *who) {
    return who->role == ROLE_ADMIN || who->role == ROLE_COMMITTEE || who->kind == AUTH_NONE;
}

int auth_logout(Db *db, int64_t sessionId) { return store_session_delete(db, sessionId); }

int auth_session(Db *db, const char *zToken, const AuthPolicy *pol, Principal *p) {
    char zHash[CRYPTO_HEX_LEN];
    SessionRow s;
    AccountRow a;
    crypto_sha256_hex(zToken, strlen(zToken), zHash);
    int rc = store_session_by_hash(db, zHash, &s);
    if (rc == KEEL_ENOTFOUND) return KEEL_EAUTH;
    if (rc) return rc;
    int64_t now = time_now();
    /* last_seen is written at most once a minute (below), so the last
     * request was in [last_seen, last_seen + 60): the idle time counts from
     * the latest it could have been, a minute's precision in the session's
     * favour, never early */
    if (now - s.lastSeen >= pol->idleSeconds + 60 || now - s.createdAt > pol->maxSeconds) {
        store_session_delete(db, s.id);
        return KEEL_EAUTH;
    }
    rc = store_account_by_id(db, s.accountId, &a);
    if (rc == KEEL_ENOTFOUND || (rc == 0 && a.disabled)) return KEEL_EAUTH;
    if (rc) return rc;
    auth_principal_from_account(&a, AUTH_COOKIE, p);
    p->sessionId = s.id;
    snprintf(p->zCsrf, sizeof p->zCsrf, "%s", s.zCsrf);
    /* last_seen is written at most once a minute */
    if (now - s.lastSeen >= 60) store_session_touch(db, s.id, now);
    return 0;
}

/* ---- verified bearer tokens --------------------------------------------
 * A direct-mapped table keyed by the token's SHA-256. An entry is trusted
 * for TOKEN_TRUST_MS after it was read from the store, then read again: so
 * a revocation, an expiry or a disabled owner takes effect within that time
 * on every server sharing the database, and at once in the process that
 * made the change (auth_token_cache_clear). last_used_at is written when
 * the last write from this process is a minute old. */
#define TOKEN_SLOTS 256
#define TOKEN_TRUST_MS 1000.0
#define TOKEN_USED_EVERY 60

typedef struct TokenCache {
    char zHash[CRYPTO_HEX_LEN]; /* "" when free */
    Principal who;
    char zExpires[32];
    double verifiedMs;   /* time_mono_ms() of the last read from the store */
    int64_t usedWritten; /* time_now() of the last last_used_at write */
} TokenCache;

static TokenCache aTokenCache[TOKEN_SLOTS];
static pthread_mutex_t tokenMutex = PTHREAD_MUTEX_INITIALIZER;

void auth_token_cache_clear(void) {
    pthread_mutex_lock(&tokenMutex);
    for (int i = 0; i < TOKEN_SLOTS; i++)
        aTokenCache[i].zHash[0] = 0;
    pthread_mutex_unlock(&tokenMutex);
}

static TokenCache *token_slot(const char *zHash) {
    unsigned h = 0;
    for (int i = 0; i < 8; i++)
        h = h * 16 + (unsigned)(zHash[i] <= '9' ? zHash[i] - '0' : zHash[i] - 'a' + 10);
    return &aTokenCache[h % TOKEN_SLOTS];
}

int auth_bearer(Db *db, const char *zToken, Principal *p) {
    char zHash[CRYPTO_HEX_LEN];
    char zNow[32];
    crypto_sha256_hex(zToken, strlen(zToken), zHash);
    int64_t now = time_now();
    time_iso(now, zNow, sizeof zNow);
    double ms = time_mono_ms();
    int64_t usedWritten = 0;
    pthread_mutex_lock(&tokenMutex);
    TokenCache *c = token_slot(zHash);
    if (strcmp(c->zHash, zHash) == 0) {
        usedWritten = c->usedWritten;
        if (ms - c->verifiedMs < TOKEN_TRUST_MS &&
            !(c->zExpires[0] && strcmp(c->zExpires, zNow) <= 0)) {
            *p = c->who;
            int bTouch = now - c->usedWritten >= TOKEN_USED_EVERY;
            if (bTouch) c->usedWritten = now;
            int64_t id = c->who.tokenId;
            pthread_mutex_unlock(&tokenMutex);
            if (bTouch) store_token_mark_used(db, id, zNow);
            return 0;
        }
    }
    pthread_mutex_unlock(&tokenMutex);
    TokenRow t;
    AccountRow a;
    int rc = store_token_by_hash(db, zHash, &t);
    if (rc == KEEL_ENOTFOUND) return KEEL_EAUTH;
    if (rc) return rc;
    if (t.revoked || (t.zExpires[0] && strcmp(t.zExpires, zNow) <= 0)) return KEEL_EAUTH;
    rc = store_account_by_id(db, t.accountId, &a);
    if (rc == KEEL_ENOTFOUND || (rc == 0 && a.disabled)) return KEEL_EAUTH;
    if (rc) return rc;
    auth_principal_from_account(&a, AUTH_BEARER, p);
    p->scope = auth_scope_bit(t.zScope);
    p->tokenId = t.id;
    int bTouch = now - usedWritten >= TOKEN_USED_EVERY;
    pthread_mutex_lock(&tokenMutex);
    c = token_slot(zHash);
    memcpy(c->zHash, zHash, sizeof zHash);
    c->who = *p;
    snprintf(c->zExpires, sizeof c->zExpires, "%s", t.zExpires);
    c->verifiedMs = ms;
    c->usedWritten = bTouch ? now : usedWritten;
    pthread_mutex_unlock(&tokenMutex);
    if (bTouch) store_token_mark_used(db, t.id, zNow);
    return 0;
}

/* Take "password" out of a body (new reference to its string, or NULL). */
static int take_password(json_t *in, char *z, size_t n, int bRequired, KeelError *e) {
    json_t *v = json_object_get(in, "password");
    z[0] = 0;
    if (!v) {
        if (bRequired) return err_set(e, KEEL_EINVAL, "password", "password is required");
        return 1;
    }
    if (!json_is_string(v) || json_string_length(v) >= n ||
        strlen(json_string_value(v)) != json_string_length(v))
        return err_set(e, KEEL_EINVAL, "password",
                       "password must be a string of 10 to 1024 characters");
    snprintf(z, n, "%s", json_string_value(v));
    json_object_del(in, "password");
    return auth_password_check(z, e);
}

int auth_account_create(Db *db, const Actor *actor, json_t *in, int64_t *pId, KeelError *e) {
    char zPw[1100], zHash[CRYPTO_PWHASH_LEN];
    int rc = take_password(in, zPw, sizeof zPw, 1, e);
    if (rc) return rc;
    rc = resource_validate(&resource_account, in, 1, e);
    if (rc) return rc;
    if (crypto_pw_hash(zPw, zHash)) return KEEL_ENOMEM;
    json_object_set_new(in, "password_hash", json_string(zHash));
    rc = store_crud_create(db, &resource_account, actor, in, pId, e);
    json_object_del(in, "password_hash");
    return rc;
}

int auth_account_update(Db *db, const Actor *actor, int64_t id, json_t *in, KeelError *e) {
    char zPw[1100], zHash[CRYPTO_PWHASH_LEN];
    int rc = take_password(in, zPw, sizeof zPw, 0, e);
    int bPw = rc == 0;
    if (rc < 0) return rc;
    if (json_object_get(in, "email"))
        return err_set(e, KEEL_EINVAL, "email",
                       "the login e-mail of an account cannot change; "
                       "create a new account instead");
    if (json_object_size(in) > 0 || !bPw) {
        rc = resource_validate(&resource_account, in, 0, e);
        if (rc) return rc;
    }
    /* the slow hash first, outside the write lock */
    if (bPw && crypto_pw_hash(zPw, zHash)) return KEEL_ENOMEM;
    const char *zRole = json_string_value(json_object_get(in, "role"));
    int bDemote = zRole && strcmp(zRole, "admin") != 0;
    int bDisable = json_is_true(json_object_get(in, "disabled"));
    /* The last-admin check and the write are one transaction that takes
     * the write lock first (BEGIN IMMEDIATE): two admins disabling each
     * other at once are serialised and the second sees the first's write. */
    rc = db_begin(db);
    if (rc) return rc;
    AccountRow a;
    rc = store_account_by_id(db, id, &a);
    if (rc == KEEL_ENOTFOUND) err_no_id(e, rc, "id", "account", id);
    if (rc == 0 && strcmp(a.zRole, "admin") == 0 && !a.disabled && (bDemote || bDisable)) {
        int64_t n = 0;
        rc = store_account_count_other_admins(db, id, &n);
        if (rc == 0 && n == 0)
            rc = err_set(e, KEEL_ERULE, bDisable ? "disabled" : "role",
                         "this is the last enabled admin account; make another admin first");
    }
    if (rc == 0 && json_object_size(in) > 0)
        rc = store_crud_update(db, &resource_account, actor, id, in, e);
    if (rc == 0 && bPw) rc = store_account_set_password(db, actor, id, zHash);
    /* a new password ends every credential the old one could have made:
     * sessions and API tokens (docs/security.md) */
    if (rc == 0 && bPw) rc = store_token_revoke_account(db, actor, id);
    if (rc == 0 && (bDisable || bPw || bDemote)) rc = store_session_delete_account(db, id);
    rc = db_end(db, rc);
    auth_token_cache_clear(); /* a changed role or a disabled owner counts at once */
    return rc;
}

int auth_token_create(Db *db, const Actor *actor, int64_t accountId, json_t *in, char *zToken,
                      size_t nToken, int64_t *pId, KeelError *e) {
    int rc = resource_validate(&resource_api_token, in, 1, e);
    if (rc) return rc;
    const char *zExp = json_string_value(json_object_get(in, "expires_at"));
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    if (zExp && strcmp(zExp, zNow) <= 0)
        return err_set(e, KEEL_EINVAL, "expires_at", "expires_at must be in the future");
    char zHash[CRYPTO_HEX_LEN];
    crypto_random_secret("kt_", zToken, nToken);
    crypto_sha256_hex(zToken, strlen(zToken), zHash);
    json_object_set_new(in, "account_id", json_integer(accountId));
    json_object_set_new(in, "token_hash", json_string(zHash));
    rc = store_crud_create(db, &resource_api_token, actor, in, pId, e);
    json_object_del(in, "token_hash");
    return rc;
}

int auth_token_list(Db *db, const Principal *who, const char *zAccountId, ListQuery *q,
                    json_t **ppItems, int64_t *pTotal, KeelError *e) {
    char zOwn[32];
    snprintf(zOwn, sizeof zOwn, "%lld", (long long)who->accountId);
    int bAll = who->kind == AUTH_NONE || who->role == ROLE_ADMIN;
    if (!bAll && zAccountId && strcmp(zAccountId, zOwn) != 0)
        return err_set(e, KEEL_EFORBIDDEN, "account_id",
                       "only admins may list the tokens of other accounts");
    q->nFilter = 0;
    if (!bAll || zAccountId) {
        q->aFilter[0].f = resource_field(&resource_api_token, "account_id");
        q->aFilter[0].zValue = zAccountId ? zAccountId : zOwn;
        q->nFilter = 1;
    }
    return store_crud_list(db, &resource_api_token, q, ppItems, pTotal, e);
}

int auth_token_revoke(Db *db, const Principal *who, int64_t id, KeelError *e) {
    json_t *o;
    int rc = store_crud_get(db, &resource_api_token, id, &o);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "token", id);
    if (rc) return rc;
    int64_t owner = json_integer_value(json_object_get(o, "account_id"));
    json_decref(o);
    if (who->kind != AUTH_NONE && owner != who->accountId && who->role != ROLE_ADMIN)
        return err_no_id(e, KEEL_ENOTFOUND, "id", "token", id);
    Actor a = auth_actor(who);
    rc = store_token_revoke(db, &resource_api_token, &a, id, e);
    if (rc == 0) auth_token_cache_clear();
    return rc;
}
