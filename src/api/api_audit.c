/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/audit: the audit log, newest first, and its verification. */
#include "api/api.h"
#include "store/store_audit.h"
#include <stdlib.h>
#include <string.h>

int api_audit_list(Req *req, Resp *resp) {
    int64_t limit, offset, entityId = 0;
    int rc = api_page(req, &limit, &offset);
    if (rc) return rc;
    const char *zEntity = req_query(req, "entity");
    const char *zId = req_query(req, "entity_id");
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
    json_t *items;
    int64_t total;
    rc = store_audit_list(req->db, zEntity, entityId, limit, offset, &items, &total);
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
    if (rc) {
        json_object_set_new(o, "first_bad_entry", v.iBad ? json_integer(v.iBad) : json_null());
        json_object_set_new(o, "problem", json_string(v.zMsg));
    }
    resp_json(resp, 200, o);
    return 0;
}
