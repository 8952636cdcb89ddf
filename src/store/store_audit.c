/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hash-chained audit log; see store_audit.h. */
#include "store/store_audit.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The hash of one entry: SHA-256 over its fields and the previous hash,
 * each length-prefixed so that no two entries serialise alike. */
static int audit_hash(const char *zPrev, const char *zAt, int64_t actorId, const char *zActor,
                      const char *zAction, const char *zEntity, int64_t entityId,
                      const char *zBefore, const char *zAfter, char zOut[CRYPTO_HEX_LEN]) {
    Buf b;
    buf_init(&b, 0);
    const char *az[] = {
        zPrev, zAt, zActor, zAction, zEntity, zBefore ? zBefore : "", zAfter ? zAfter : ""};
    for (size_t i = 0; i < sizeof az / sizeof az[0]; i++)
        buf_printf(&b, "%zu:%s\n", strlen(az[i]), az[i]);
    buf_printf(&b, "%" PRId64 ":%" PRId64 "\n", actorId, entityId);
    if (buf_err(&b)) {
        buf_reset(&b);
        return KEEL_ENOMEM;
    }
    crypto_sha256_hex(b.z, b.n, zOut);
    buf_reset(&b);
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
    time_iso_now(zAt, sizeof zAt);
    rc = audit_hash(zPrev, zAt, actor->id, actor->zName, zAction, zEntity, entityId, zBefore,
                    zAfter, zHash);
    if (rc) goto done;
    rc = db_run(db,
                "INSERT INTO audit(at, actor_id, actor, action, entity, entity_id, before_json, "
                "after_json, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?,?)",
                "titttitttt", zAt, actor->id, actor->zName, zAction, zEntity, entityId, zBefore,
                zAfter, zPrev, zHash);
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
        rc =
            audit_hash(zPrev, db_column_text(s, 1) ? db_column_text(s, 1) : "", db_column_int(s, 2),
                       zActor ? zActor : "", db_column_text(s, 4) ? db_column_text(s, 4) : "",
                       db_column_text(s, 5) ? db_column_text(s, 5) : "", db_column_int(s, 6),
                       db_column_text(s, 7), db_column_text(s, 8), zHash);
        if (rc) break;
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

int store_audit_list(Db *db, const AuditQuery *q, int64_t limit, int64_t offset,
                     json_t **ppItems, int64_t *pTotal) {
    *ppItems = NULL;
    int rc = db_query_int(db, pTotal, "SELECT count(*) FROM audit" AUDIT_WHERE, "ttiittttttt" "t",
                          AUDIT_ARGS(q));
    if (rc) return rc;
    DbStmt *s;
    rc = db_prepare(db, &s,
                    "SELECT id, at, actor_id, actor, action, entity, entity_id, before_json, "
                    "after_json, hash FROM audit" AUDIT_WHERE " ORDER BY id DESC LIMIT ? OFFSET ?",
                    "ttiitttttttt" "ii", AUDIT_ARGS(q), limit, offset);
    if (rc) return rc;
    json_t *a = json_array();
    while ((rc = db_step(s)) == DB_ROW) {
        json_t *before = NULL, *after = NULL;
        if (db_column_text(s, 7)) before = json_loads(db_column_text(s, 7), 0, NULL);
        if (db_column_text(s, 8)) after = json_loads(db_column_text(s, 8), 0, NULL);
        json_array_append_new(
            a, json_pack("{sI ss sI ss ss ss sI so so ss}", "id", (json_int_t)db_column_int(s, 0),
                         "at", db_column_text(s, 1), "actor_id", (json_int_t)db_column_int(s, 2),
                         "actor", db_column_text(s, 3), "action", db_column_text(s, 4), "entity",
                         db_column_text(s, 5), "entity_id", (json_int_t)db_column_int(s, 6),
                         "before", before ? before : json_null(), "after",
                         after ? after : json_null(), "hash", db_column_text(s, 9)));
    }
    db_finalize(s);
    if (rc != DB_DONE) {
        json_decref(a);
        return rc;
    }
    *ppItems = a;
    return 0;
}
