/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts, roles, sessions and API tokens: the rules of who may sign in
 * and as whom. Roles are a closed set; routes list the roles they allow as
 * a bit mask (no implicit order between roles). */
#ifndef KEEL_DOMAIN_AUTH_H
#define KEEL_DOMAIN_AUTH_H
#include "store/db.h"
#include "store/store_audit.h"
#include "util/err.h"
#include <jansson.h>
#include <stdint.h>

enum {
    ROLE_ADMIN = 1 << 0,
    ROLE_COMMITTEE = 1 << 1,
    ROLE_OWNER = 1 << 2,
    ROLE_ENGINEER = 1 << 3,
    ROLE_RISK = 1 << 4,
    ROLE_VIEWER = 1 << 5,
    ROLE_ALL = 0x3F,
    ROLE_PUBLIC = 1 << 7, /* route needs no credentials at all */
};

/* AUTH_PROPOSAL: the AI committee acting through a passed proposal
 * (domain/committee.c runs the proposal's action under it). */
enum { AUTH_NONE = 0, AUTH_COOKIE = 1, AUTH_BEARER = 2, AUTH_PROPOSAL = 3 };

/* Token scopes, one bit each, in the order of auth_scope_name[]. read
 * reaches every GET route, write every route the owner's role allows; a
 * narrow scope reaches only the routes whose row lists it (Route.scopes). */
enum {
    SCOPE_READ = 1 << 0,
    SCOPE_WRITE = 1 << 1,
    SCOPE_SWITCH_READ = 1 << 2,
    SCOPE_INGEST = 1 << 3,
    SCOPE_METRICS_READ = 1 << 4,
    SCOPE_CALENDAR_READ = 1 << 5,
};
/* The scope names, NULL-terminated: bit 1 << i is auth_scope_name[i]. */
extern const char *const auth_scope_name[];
/* The bit of a scope name, or 0 when unknown. */
int auth_scope_bit(const char *zScope);

/* The caller of a request, once authenticated. */
typedef struct Principal {
    int kind; /* AUTH_NONE, AUTH_COOKIE or AUTH_BEARER */
    int64_t accountId;
    int role; /* one ROLE_* bit */
    char zEmail[256];
    char zName[256];
    int64_t personId;  /* 0 when the account is not linked to a person */
    int64_t sessionId; /* cookie sessions */
    int64_t tokenId;   /* bearer tokens */
    char zCsrf[80];    /* cookie sessions: the token writes must echo */
    int scope;         /* bearer tokens: the token's SCOPE_* bit; 0 for other callers */
    char zActor[272];  /* the audit actor's name (auth_actor), "" for the system */
} Principal;

/* Session lifetime (seconds): idle timeout and absolute lifetime. */
typedef struct AuthPolicy {
    int64_t idleSeconds;
    int64_t maxSeconds;
} AuthPolicy;

/* The bit of a role name, or 0 when unknown. */
int auth_role_bit(const char *zRole);
/* The name of a role bit. */
const char *auth_role_name(int bit);

/* Minimum password rules: 10 to 1024 bytes. KEEL_EINVAL with e. */
int auth_password_check(const char *zPassword, KeelError *e);

/* Sign in with e-mail and password from address zAddr. On success fills a
 * new session token (shown to the client once, in a cookie) and the CSRF
 * token. Repeated failures per account and per address are slowed down:
 * KEEL_ERATE with *pRetryAfter seconds. Wrong credentials: KEEL_EAUTH with
 * one message for every cause (no account enumeration). */
/* Seconds a (account, address) pair with nFail failures, the last at
 * lastFail, must still wait at now: none for the first five, then 1, 2, 4
 * ... seconds after the last failure, at most 15 minutes. */
int64_t auth_throttle_wait(int64_t nFail, int64_t lastFail, int64_t now);
int auth_login(Db *db, const char *zEmail, const char *zPassword, const char *zAddr,
               char *zSessionToken, size_t nSessionToken, Principal *p, int *pRetryAfter,
               KeelError *e);
/* End a session. */
int auth_logout(Db *db, int64_t sessionId);
/* Resolve a session cookie; KEEL_EAUTH when unknown, expired or disabled. */
int auth_session(Db *db, const char *zToken, const AuthPolicy *pol, Principal *p);
/* Resolve a bearer token; KEEL_EAUTH when unknown, revoked, expired or the
 * account is disabled. Verified tokens are kept in memory for at most a
 * second (so a revocation or a disabled account takes effect within 1 s on
 * every server) and last_used_at is written at most once a minute. */
int auth_bearer(Db *db, const char *zToken, Principal *p);
/* Forget every verified token (this process): called after a revocation
 * or an account change so they take effect here at once. */
void auth_token_cache_clear(void);

/* Create an account from a JSON body {email, name, role, password,
 * person_id?}; the password is hashed (argon2id) and never stored or
 * logged in clear. */
int auth_account_create(Db *db, const Actor *actor, json_t *in, int64_t *pId, KeelError *e);
/* Change fields of an account {name?, role?, person_id?, disabled?,
 * password?}. The last enabled admin cannot be demoted or disabled.
 * Disabling ends the account's sessions. */
int auth_account_update(Db *db, const Actor *actor, int64_t id, json_t *in, KeelError *e);
/* Create an API token {name, scope, expires_at?} for accountId: writes the
 * clear token (shown once) into zToken. */
int auth_token_create(Db *db, const Actor *actor, int64_t accountId, json_t *in, char *zToken,
                      size_t nToken, int64_t *pId, KeelError *e);
/* The tokens who may see (never the token itself): an account sees its
 * own; an admin or the operator all, or one account's (zAccountId, may be
 * NULL); anyone else asking for another account's gets KEEL_EFORBIDDEN.
 * q carries paging and sort; its filters are set here. */
struct ListQuery;
int auth_token_list(Db *db, const Principal *who, const char *zAccountId, struct ListQuery *q,
                    json_t **ppItems, int64_t *pTotal, KeelError *e);
/* Revoke token id as who: its owner, an admin, or the system (the CLI
 * operator) may; for anyone else it does not exist (KEEL_ENOTFOUND).
 * KEEL_ECONFLICT when already revoked. Takes effect at once here and
 * within a second on other servers. */
int auth_token_revoke(Db *db, const Principal *who, int64_t id, KeelError *e);

/* The audit actor of a principal: the one place its name is spelt.
 *   <email>             an account over HTTP (cookie or token)
 *   cli:<email>         an account acting through the CLI (keel api --as,
 *                       the CLI reports; auth_principal_via_cli)
 *   cli:<login name>    the CLI's operator, who holds the database file
 *                       (init, demo, user, token; auth_principal_operator)
 *   system              keel itself, or a caller without an account
 * (and "system: <job>" for keel's own scheduled work). */
Actor auth_actor(const Principal *who);
/* The CLI's operator: no account, may do what the holder of the database
 * file may (kind AUTH_NONE, a governor), audited as cli:<zLogin>. */
void auth_principal_operator(Principal *p, const char *zLogin);
/* An account's principal acting through the CLI: audited as cli:<email>. */
void auth_principal_via_cli(Principal *p);
/* Admins and the committee govern; so does the system itself (AUTH_NONE:
 * the CLI's loaders). */
int auth_is_governor(const Principal *who);
struct AccountRow;
/* The principal of an account row, authenticated as kind. */
void auth_principal_from_account(const struct AccountRow *a, int kind, Principal *p);

#endif
