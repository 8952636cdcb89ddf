/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Notifications (issue 23): the inbox, a person's preferences and
 * language, the send log and the SMTP test. Thin: parse, call
 * domain/notification, render. */
#include "api/api.h"
#include "domain/notification.h"

int api_inbox_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = notif_inbox(req->db, &req->who, &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_inbox_read(Req *req, Resp *resp) {
    int rc = notif_inbox_read(req->db, &req->who, req->pJson, &req->err);
    if (rc) return rc;
    return api_inbox_get(req, resp);
}

int api_me_preferences_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = notif_prefs_get(req->db, &req->who, &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_me_preferences_update(Req *req, Resp *resp) {
    int rc = notif_prefs_set(req->db, &req->who, req->pJson, &req->err);
    if (rc) return rc;
    return api_me_preferences_get(req, resp);
}

int api_notifications_log(Req *req, Resp *resp) {
    int64_t limit, offset;
    int rc = api_page(req, &limit, &offset);
    if (rc) return rc;
    json_t *o;
    if ((rc = notif_log(req->db, limit, offset, &o, &req->err))) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_settings_smtp_test(Req *req, Resp *resp) {
    json_t *o;
    int rc = notif_test_send(req->db, &req->who, req->pJson, &o, &req->err);
    return api_answer(resp, rc, o);
}
