/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/audit: the audit log, newest first, and its verification. */
#include "api/api.h"
#include "store/store_audit.h"
#include "util/timeutil.h"
#include <stdlib.h>
#include <string.h>

int api_audit_list(Req *req, Resp *resp) {
    int64_t limit, offset, entityId = 0;
    int rc = api_page(req, &limit, &offset);
    if (rc) return rc;
    AuditQuery q = {req_query(req, "entity"), 0,    req_query(req, "actor"),
                    req_query(req, "action"), NULL, NULL};
    const char *zEntity = q.zEntity;
    const char *zId = req_query(req, "entity_id");
    /* from and to are days (YYYY-MM-DD, UTC), both included */
    char zFrom[24], zBefore[24];
    static const char *const azDay[] = {"from", "to"};
    for (int i = 0; i < 2; i++) {
        const char *z = req_query(req, azDay[i]);
        int64_t t;
        if (!z) continue;
        if (strlen(z) != 10 || time_parse_iso(z, &t))
            return err_set(&req->err, KEEL_EINVAL, azDay[i], "%s must be a day such as 2026-03-31",
                           azDay[i]);
        if (i == 0) {
            time_iso(t, zFrom, sizeof zFrom);
            q.zFrom = zFrom;
        } else {
            time_iso(t + 86400, zBefore, sizeof zBefore);
            q.zBefore = zBefore;
        }
    }
    if ((q.zActor && strlen(q.zActor) > 320) || (q.zAction && strlen(q.zAction) > 40))
        return err_set(&req->err, KEEL_EINVAL,
                       q.zActor && strlen(q.zActor) > 320 ? "actor" : "action",
                       "actor or action is too long");
    if (zEntity && (strlen(zEntity) > 40 || !*zEntity))
        return err_set(&req->err, KEEL_EINVAL, "entity",
                       "entity must be a resource name such as unit");
    if (zId) {
        char *end;
        long long v = strtoll(zId, &end, 10);
        if (!*zId || *end || v < 1)
            return err_set(&req->err, KEEL_EINVAL, "entity_id",
                           "entity_id must be a positive integer");
        entityId = v;
    }
    q.entityId = entityId;
    json_t *items;
    int64_t total;
    rc = store_audit_list(req->db, &q, limit, offset, &items, &total);
    if (rc) return rc;
    api_list_respond(req, resp, NULL, items, total, limit, offset);
    return 0;
}

int api_audit_verify(Req *req, Resp *resp) {
    AuditVerify v;
    const char *zHead = req_query(req, "head");
    if (zHead && strlen(zHead) != 64)
        return err_set(&req->err, KEEL_EINVAL, "head",
                       "head must be a 64-digit hex hash from `keel audit head`");
    int rc = store_audit_verify(req->db, zHead, &v);
    if (rc && rc != KEEL_ECONFLICT) return rc;
    json_t *o = json_pack("{sb sI ss}", "intact", rc == 0, "entries", (json_int_t)v.nEntry, "head",
                          v.zHead);
    if (o && v.keyedFrom) {
        json_object_set_new(o, "keyed_from", json_integer(v.keyedFrom));
        json_object_set_new(o, "key_checked", json_boolean(v.bKeyChecked));
    }
    if (rc) {
        json_object_set_new(o, "first_bad_entry", v.iBad ? json_integer(v.iBad) : json_null());
        json_object_set_new(o, "problem", json_string(v.zMsg));
    }
    resp_json(resp, 200, o);
    return 0;
}
