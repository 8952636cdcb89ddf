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
} AuditVerify;

/* Walk the chain. Returns 0 when intact (and, with zHead non-NULL, when it
 * ends in zHead or contains it as its last entry), KEEL_ECONFLICT when
 * tampered, with the detail in *pOut. */
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
int store_audit_list(Db *db, const AuditQuery *q, int64_t limit, int64_t offset,
                     json_t **ppItems, int64_t *pTotal);

#endif
