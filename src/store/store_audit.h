/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit log: every change of state appends an entry (who, when, what,
 * before, after) in the same transaction as the change. Entries form a hash
 * chain: each stores the previous entry's hash and its own hash over the
 * previous hash and its fields, so an edited or deleted entry is detected by
 * store_audit_verify(); entries cut from the end are detected when the head
 * hash was kept outside keel. */
#ifndef KEEL_STORE_AUDIT_H
#define KEEL_STORE_AUDIT_H
#include "store/db.h"
#include "util/crypto.h"
#include <jansson.h>

/* Who makes a change: the account id (0 for the system or the CLI) and a
 * name for the log (e-mail, or "cli:<user>"). */
typedef struct Actor {
    int64_t id;
    const char *zName;
} Actor;

/* The hash every chain starts from. */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Append an entry. before/after are borrowed and may be NULL (create has no
 * before, delete no after). Must run inside the change's transaction. */
int store_audit_append(Db *db, const Actor *actor, const char *zAction, const char *zEntity,
                       int64_t entityId, const json_t *before, const json_t *after);

typedef struct AuditVerify {
    int64_t nEntry;             /* entries checked */
    int64_t iBad;               /* id of the first bad entry, 0 if none */
    char zHead[CRYPTO_HEX_LEN]; /* hash of the last entry (genesis if empty) */
    char zMsg[256];             /* what is wrong, when iBad or a head mismatch */
    int64_t keyedFrom;          /* first entry under the audit key's MAC, 0: none */
    int bKeyChecked;            /* the key was there: MACs and the anchor were checked */
} AuditVerify;

/* The audit MAC key (docs/security.md, the audit chain): 32 random bytes
 * as 64 hex digits in a file kept outside the database, the file named by
 * KEEL_AUDIT_KEY or else FILE.audit-key beside a SQLite file. When db has
 * the key, each new entry's hash is an HMAC-SHA-256 under it (NULL and
 * empty fields apart) from the first such entry on, and audit_anchor keeps
 * the key's MAC over the latest entry, so that entries cut from the end are
 * caught. Reads the key into db; no file: no key (an error only when
 * KEEL_AUDIT_KEY names it). 0, or KEEL_EIO / KEEL_EINVAL with zErr. */
int store_audit_load_key(Db *db, const char *zDbPath, char *zErr, size_t nErr);
/* The key file's path for zDbPath (KEEL_AUDIT_KEY or the sidecar). */
void store_audit_key_path(const char *zDbPath, char *zOut, size_t nOut);
/* Write a new random key to zPath (created, mode 0600; refused when it
 * exists). 0, or KEEL_ECONFLICT / KEEL_EIO with zErr. */
int store_audit_key_create(const char *zPath, char *zErr, size_t nErr);

/* Walk the chain. Entries before the keyed ones are checked by their
 * SHA-256; keyed ones by their MAC when db has the key, else by their
 * links only, and the anchor must name the last entry. Returns 0 when intact (and, with zHead
 * non-NULL, when it ends in zHead or contains it as its last entry), KEEL_ECONFLICT when tampered,
 * with the detail in *pOut. */
int store_audit_verify(Db *db, const char *zHead, AuditVerify *pOut);

/* The current head hash into zOut. */
int store_audit_head(Db *db, char zOut[CRYPTO_HEX_LEN], int64_t *pnEntry);

/* Filters of the audit list (NULL / 0: any). */
typedef struct AuditQuery {
    const char *zEntity; /* kind of record, e.g. "initiative" */
    int64_t entityId;
    const char *zActor;  /* who, exactly as logged (an e-mail, cli:<user>) */
    const char *zAction; /* create, update, transition, ... */
    const char *zFrom;   /* entries at or after this time (ISO 8601, UTC) */
    const char *zBefore; /* entries before this time */
} AuditQuery;

/* Entries newest first, filtered by q. *ppItems is a new array; *pTotal
 * the count before paging. */
int store_audit_list(Db *db, const AuditQuery *q, int64_t limit, int64_t offset, json_t **ppItems,
                     int64_t *pTotal);

#endif
