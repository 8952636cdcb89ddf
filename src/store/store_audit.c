/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hash-chained audit log; see store_audit.h. */
#include "store/store_audit.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The hash of one entry: SHA-256 over its fields and the previous hash,
 * each length-prefixed so that no two entries serialise alike; with aKey,
 * the keyed form: HMAC-SHA-256 under the key, and a NULL before/after
 * written apart from an empty one. */
static int audit_hash(const unsigned char *aKey, const char *zPrev, const char *zAt,
                      int64_t actorId, const char *zActor, const char *zAction, const char *zEntity,
                      int64_t entityId, const char *zBefore, const char *zAfter,
                      char zOut[CRYPTO_HEX_LEN]) {
    Buf b;
    buf_init(&b, 0);
    if (aKey) buf_puts(&b, "keel-audit-2\n");
    const char *az[] = {
        zPrev, zAt, zActor, zAction, zEntity, zBefore ? zBefore : "", zAfter ? zAfter : ""};
    for (size_t i = 0; i < sizeof az / sizeof az[0]; i++) {
        if (aKey && i >= 5 && !(i == 5 ? zBefore : zAfter))
            buf_puts(&b, "-\n");
        else
            buf_printf(&b, "%zu:%s\n", strlen(az[i]), az[i]);
    }
    buf_printf(&b, "%" PRId64 ":%" PRId64 "\n", actorId, entityId);
    if (buf_err(&b)) {
        buf_reset(&b);
        return KEEL_ENOMEM;
    }
    if (aKey)
        crypto_hmac_hex(aKey, b.z, b.n, zOut);
    else
        crypto_sha256_hex(b.z, b.n, zOut);
    buf_reset(&b);
    return 0;
}

/* The anchor's MAC over the keyed range's first and last entries and the
 * last hash. */
static void anchor_mac(const unsigned char *aKey, int64_t fromId, int64_t lastId, const char *zHash,
                       char zOut[CRYPTO_HEX_LEN]) {
    char z[160];
    int n = snprintf(z, sizeof z, "keel-audit-anchor\n%" PRId64 "\n%" PRId64 "\n%s", fromId, lastId,
                     zHash);
    crypto_hmac_hex(aKey, z, (size_t)n, zOut);
}

/* The anchor row: *pFrom 0 when there is none. */
static int anchor_get(Db *db, int64_t *pFrom, int64_t *pLast, char zMac[CRYPTO_HEX_LEN]) {
    *pFrom = *pLast = 0;
    zMac[0] = 0;
    DbStmt *s;
    int rc =
        db_prepare(db, &s, "SELECT from_id, last_id, mac FROM audit_anchor WHERE id = 1", NULL);
    if (rc) return rc;
    rc = db_step(s);
    if (rc == DB_ROW) {
        *pFrom = db_column_int(s, 0);
        *pLast = db_column_int(s, 1);
        snprintf(zMac, CRYPTO_HEX_LEN, "%s", db_column_text(s, 2) ? db_column_text(s, 2) : "");
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = 0;
    }
    db_finalize(s);
    return rc;
}

void store_audit_key_path(const char *zDbPath, char *zOut, size_t nOut) {
    const char *zEnv = getenv("KEEL_AUDIT_KEY");
    if (zEnv && *zEnv)
        snprintf(zOut, nOut, "%s", zEnv);
    else
        db_sidecar_path(zDbPath, ".audit-key", zOut, nOut);
}

int store_audit_load_key(Db *db, const char *zDbPath, char *zErr, size_t nErr) {
    char zPath[1100];
    store_audit_key_path(zDbPath, zPath, sizeof zPath);
    const char *zEnv = getenv("KEEL_AUDIT_KEY");
    FILE *f = fopen(zPath, "r");
    if (!f) {
        if (errno == ENOENT && !(zEnv && *zEnv)) return 0; /* no key: the unkeyed form */
        snprintf(zErr, nErr, "cannot read the audit key %s: %s", zPath, strerror(errno));
        return KEEL_EIO;
    }
    char zHex[80] = "";
    size_t n = fread(zHex, 1, sizeof zHex - 1, f);
    fclose(f);
    while (n > 0 && (zHex[n - 1] == '\n' || zHex[n - 1] == '\r' || zHex[n - 1] == ' '))
        n--;
    zHex[n] = 0;
    unsigned char a[32];
    for (size_t i = 0; i < 32 && n == 64; i++) {
        unsigned v;
        if (sscanf(zHex + 2 * i, "%2x", &v) != 1 || !isxdigit((unsigned char)zHex[2 * i]) ||
            !isxdigit((unsigned char)zHex[2 * i + 1])) {
            n = 0;
            break;
        }
        a[i] = (unsigned char)v;
    }
    if (n != 64) {
        snprintf(zErr, nErr,
                 "the audit key %s is not 64 hex digits (make one with `keel audit key`)", zPath);
        return KEEL_EINVAL;
    }
    memcpy(db->aAuditKey, a, 32);
    db->bAuditKey = 1;
    return 0;
}

int store_audit_key_create(const char *zPath, char *zErr, size_t nErr) {
    int fd = open(zPath, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        snprintf(zErr, nErr, "cannot create the audit key %s: %s", zPath, strerror(errno));
        return errno == EEXIST ? KEEL_ECONFLICT : KEEL_EIO;
    }
    unsigned char a[32];
    char z[66];
    crypto_random_bytes(a, sizeof a);
    for (int i = 0; i < 32; i++)
        snprintf(z + 2 * i, 3, "%02x", a[i]);
    z[64] = '\n';
    int ok = write(fd, z, 65) == 65 && fsync(fd) == 0;
    close(fd);
    if (!ok) {
        snprintf(zErr, nErr, "cannot write the audit key %s: %s", zPath, strerror(errno));
        unlink(zPath);
        return KEEL_EIO;
    }
    return 0;
}

int store_audit_head(Db *db, char zOut[CRYPTO_HEX_LEN], int64_t *pnEntry) {
    DbStmt *s;
    int rc = db_prepare(db, &s, "SELECT hash, id FROM audit ORDER BY id DESC LIMIT 1", NULL);
    if (rc) return rc;
    rc = db_step(s);
    if (rc == DB_ROW) {
        snprintf(zOut, CRYPTO_HEX_LEN, "%s", db_column_text(s, 0));
        rc = 0;
    } else if (rc == DB_DONE) {
        snprintf(zOut, CRYPTO_HEX_LEN, "%s", AUDIT_GENESIS);
        rc = 0;
    }
    db_finalize(s);
    if (rc == 0 && pnEntry) {
        rc = db_query_int(db, pnEntry, "SELECT count(*) FROM audit", NULL);
    }
    return rc;
}

int store_audit_append(Db *db, const Actor *actor, const char *zAction, const char *zEntity,
                       int64_t entityId, const json_t *before, const json_t *after) {
    char zPrev[CRYPTO_HEX_LEN], zHash[CRYPTO_HEX_LEN], zAt[40];
    char *zBefore = before ? json_dump_compact(before) : NULL;
    char *zAfter = after ? json_dump_compact(after) : NULL;
    int rc = 0;
    if ((before && !zBefore) || (after && !zAfter)) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    rc = store_audit_head(db, zPrev, NULL);
    if (rc) goto done;
    int64_t fromId, lastId;
    char zMac[CRYPTO_HEX_LEN];
    rc = anchor_get(db, &fromId, &lastId, zMac);
    if (rc) goto done;
    if (fromId && !db->bAuditKey) {
        /* an unkeyed entry after keyed ones would read as tampering */
        log_error("the audit log is keyed from entry %" PRId64 " but this process has no audit "
                  "key: nothing was changed (give it the key file: KEEL_AUDIT_KEY=FILE)",
                  fromId);
        rc = KEEL_EINTERNAL;
        goto done;
    }
    time_iso_now(zAt, sizeof zAt);
    rc = audit_hash(db->bAuditKey ? db->aAuditKey : NULL, zPrev, zAt, actor->id, actor->zName,
                    zAction, zEntity, entityId, zBefore, zAfter, zHash);
    if (rc) goto done;
    rc = db_run(db,
                "INSERT INTO audit(at, actor_id, actor, action, entity, entity_id, before_json, "
                "after_json, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?,?)",
                "titttitttt", zAt, actor->id, actor->zName, zAction, zEntity, entityId, zBefore,
                zAfter, zPrev, zHash);
    if (rc || !db->bAuditKey) goto done;
    lastId = db_last_insert_id(db);
    if (!fromId) fromId = lastId; /* the first keyed entry: the mark */
    anchor_mac(db->aAuditKey, fromId, lastId, zHash, zMac);
    rc = db_run(db,
                "INSERT INTO audit_anchor(id, from_id, last_id, mac) VALUES(1, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET last_id = excluded.last_id, mac = excluded.mac",
                "iit", fromId, lastId, zMac);
done:
    free(zBefore);
    free(zAfter);
    return rc;
}

int store_audit_verify(Db *db, const char *zHead, AuditVerify *pOut) {
    memset(pOut, 0, sizeof *pOut);
    snprintf(pOut->zHead, sizeof pOut->zHead, "%s", AUDIT_GENESIS);
    DbStmt *s;
    int rc = db_prepare(db, &s,
                        "SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, "
                        "after_json, prev_hash, hash FROM audit ORDER BY id",
                        NULL);
    if (rc) return rc;
    int64_t fromId, anchorLast;
    char zAnchorMac[CRYPTO_HEX_LEN];
    rc = anchor_get(db, &fromId, &anchorLast, zAnchorMac);
    if (rc) {
        db_finalize(s);
        return rc;
    }
    pOut->keyedFrom = fromId;
    pOut->bKeyChecked = fromId && db->bAuditKey;
    int bHeadSeen = zHead == NULL || strcmp(zHead, AUDIT_GENESIS) == 0;
    int64_t lastId = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t id = db_column_int(s, 0);
        const char *zPrev = db_column_text(s, 9), *zStored = db_column_text(s, 10);
        char zHash[CRYPTO_HEX_LEN];
        pOut->nEntry++;
        if (!zPrev || strcmp(zPrev, pOut->zHead) != 0) {
            pOut->iBad = id;
            snprintf(pOut->zMsg, sizeof pOut->zMsg,
                     "entry %" PRId64 " does not follow entry %" PRId64
                     ": an entry before it was deleted or changed",
                     id, lastId);
            break;
        }
        const char *zActor = db_column_text(s, 3);
        int bKeyed = fromId && id >= fromId;
        if (bKeyed && !db->bAuditKey) { /* without the key: the links only */
            snprintf(zHash, sizeof zHash, "%s", zStored ? zStored : "");
        } else {
            rc = audit_hash(bKeyed ? db->aAuditKey : NULL, zPrev,
                            db_column_text(s, 1) ? db_column_text(s, 1) : "", db_column_int(s, 2),
                            zActor ? zActor : "", db_column_text(s, 4) ? db_column_text(s, 4) : "",
                            db_column_text(s, 5) ? db_column_text(s, 5) : "", db_column_int(s, 6),
                            db_column_text(s, 7), db_column_text(s, 8), zHash);
            if (rc) break;
        }
        if (!zStored || strcmp(zHash, zStored) != 0) {
            pOut->iBad = id;
            snprintf(pOut->zMsg, sizeof pOut->zMsg,
                     "entry %" PRId64 " was edited: its content does not match its hash", id);
            break;
        }
        snprintf(pOut->zHead, sizeof pOut->zHead, "%s", zHash);
        if (zHead && strcmp(zHash, zHead) == 0) bHeadSeen = 1;
        lastId = id;
    }
    db_finalize(s);
    if (rc != DB_DONE && rc != DB_ROW && rc != 0) return rc;
    if (pOut->iBad) return KEEL_ECONFLICT;
    if (fromId) {
        char zMac[CRYPTO_HEX_LEN] = "";
        if (db->bAuditKey) anchor_mac(db->aAuditKey, fromId, anchorLast, pOut->zHead, zMac);
        if (anchorLast != lastId || (db->bAuditKey && !crypto_str_eq(zMac, zAnchorMac))) {
            snprintf(pOut->zMsg, sizeof pOut->zMsg,
                     "the log ends at entry %" PRId64 " but its keyed anchor names entry %" PRId64
                     "%s: entries were removed from its end, or the anchor was changed",
                     lastId, anchorLast, anchorLast == lastId ? " with another hash" : "");
            pOut->iBad = lastId < anchorLast ? lastId + 1 : anchorLast + 1;
            return KEEL_ECONFLICT;
        }
    }
    if (!bHeadSeen) {
        snprintf(pOut->zMsg, sizeof pOut->zMsg,
                 "the head hash %.16s... is not in the log: entries were removed from its end "
                 "(the log now ends at entry %" PRId64 ")",
                 zHead, lastId);
        return KEEL_ECONFLICT;
    }
    return 0;
}

#define AUDIT_WHERE                                                                                \
    " WHERE (? IS NULL OR entity = ?) AND (? = 0 OR entity_id = ?) AND (? IS NULL OR actor = ?)"   \
    " AND (? IS NULL OR action = ?) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?)"
#define AUDIT_ARGS(q)                                                                              \
    (q)->zEntity, (q)->zEntity, (q)->entityId, (q)->entityId, (q)->zActor, (q)->zActor,            \
        (q)->zAction, (q)->zAction, (q)->zFrom, (q)->zFrom, (q)->zBefore, (q)->zBefore

/* An audit row of store_audit_list as its JSON entry. */
static json_t *audit_row_json(DbStmt *s, const void *ctx) {
    (void)ctx;
    json_t *before = NULL, *after = NULL;
    if (db_column_text(s, 7)) before = json_loads(db_column_text(s, 7), 0, NULL);
    if (db_column_text(s, 8)) after = json_loads(db_column_text(s, 8), 0, NULL);
    return json_pack("{sI ss sI ss ss ss sI so so ss}", "id", (json_int_t)db_column_int(s, 0), "at",
                     db_column_text(s, 1), "actor_id", (json_int_t)db_column_int(s, 2), "actor",
                     db_column_text(s, 3), "action", db_column_text(s, 4), "entity",
                     db_column_text(s, 5), "entity_id", (json_int_t)db_column_int(s, 6), "before",
                     before ? before : json_null(), "after", after ? after : json_null(), "hash",
                     db_column_text(s, 9));
}

int store_audit_list(Db *db, const AuditQuery *q, int64_t limit, int64_t offset, json_t **ppItems,
                     int64_t *pTotal) {
    *ppItems = NULL;
    int rc = db_query_int(db, pTotal, "SELECT count(*) FROM audit" AUDIT_WHERE,
                          "ttiittttttt"
                          "t",
                          AUDIT_ARGS(q));
    if (rc) return rc;
    DbStmt *s;
    rc = db_prepare(db, &s,
                    "SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, "
                    "after_json, hash FROM audit" AUDIT_WHERE " ORDER BY id DESC LIMIT ? OFFSET ?",
                    "ttiitttttttt"
                    "ii",
                    AUDIT_ARGS(q), limit, offset);
    if (rc) return rc;
    return db_rows_json(s, audit_row_json, NULL, ppItems);
}
