/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Alert rules, their history, webhooks (admins) and switch trips (issue
 * 20). Thin: parse, call domain/alert, render. */
#include "api/api.h"
#include "domain/alert.h"
#include "domain/system.h"
#include "store/store_alert.h"
#include "util/json.h"
#include <stdio.h>
#include <string.h>

int api_system_alert_rules_create(Req *req, Resp *resp) {
    return api_system_write(req, resp, alert_rule_create, 201, NULL);
}

int api_system_alert_rules_delete(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    int64_t id = 0;
    int rc = api_path_system(req, zName, sizeof zName, &id);
    if (rc) return rc;
    if ((rc = alert_rule_delete(req->db, &req->who, zName, req->aParam[0], &req->err))) return rc;
    resp_json(resp, 200, json_pack("{s:b}", "deleted", 1));
    return 0;
}

/* Everything the production page shows of a system's alerting: rules with
 * their state, the firing history, webhook deliveries, switch trips. */
int api_system_alerts(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    int64_t id = 0;
    int rc = api_path_system(req, zName, sizeof zName, &id);
    if (rc) return rc;
    json_t *rules = NULL, *hist = NULL, *del = NULL, *trips = NULL;
    rc = alert_rules(req->db, id, &rules);
    if (!rc) rc = store_alert_event_list(req->db, id, 200, &hist);
    if (!rc) rc = store_delivery_list(req->db, 0, id, 200, &del);
    if (!rc) rc = store_trip_list(req->db, id, NULL, &trips);
    if (rc) {
        json_decref(rules);
        json_decref(hist);
        json_decref(del);
        json_decref(trips);
        return err_set(&req->err, rc, "", "cannot read the alerts");
    }
    resp_json(resp, 200,
              json_pack("{s:s,s:o,s:o,s:o,s:o}", "system", zName, "rules", rules, "history", hist,
                        "deliveries", del, "trips", trips));
    return 0;
}

int api_webhooks_list(Req *req, Resp *resp) {
    json_t *rows, *del;
    int rc = store_webhook_list(req->db, &rows);
    if (!rc && (rc = store_delivery_list(req->db, 0, 0, 200, &del))) json_decref(rows);
    if (rc) return err_set(&req->err, rc, "", "cannot read the webhooks");
    resp_json(resp, 200, json_pack("{s:o,s:o}", "items", rows, "deliveries", del));
    return 0;
}

int api_webhooks_create(Req *req, Resp *resp) {
    json_t *o;
    int rc = alert_webhook_create(req->db, &req->who, req->pJson, &o, &req->err);
    if (rc) return rc;
    resp_json(resp, 201, o);
    return 0;
}

int api_webhooks_delete(Req *req, Resp *resp) {
    int rc = alert_webhook_delete(req->db, &req->who, req->aParam[0], &req->err);
    if (rc) return rc;
    resp_json(resp, 200, json_pack("{s:b}", "deleted", 1));
    return 0;
}

int api_switch_trips_list(Req *req, Resp *resp) {
    static const char *const az[] = {"status", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    const char *zStatus = req_query(req, "status");
    if (zStatus && strcmp(zStatus, "awaiting") && strcmp(zStatus, "confirmed") &&
        strcmp(zStatus, "reverted"))
        return err_set(&req->err, KEEL_EINVAL, "status",
                       "status is awaiting, confirmed or reverted");
    json_t *rows;
    if ((rc = store_trip_list(req->db, 0, zStatus, &rows)))
        return err_set(&req->err, rc, "", "cannot read the switch trips");
    resp_json(resp, 200, json_pack("{s:o}", "items", rows));
    return 0;
}

static int trip_decide(Req *req, Resp *resp, int bRevert) {
    json_t *o;
    json_t *in = req->pJson ? req->pJson : json_object();
    int rc = alert_trip_decide(req->db, &req->who, req->aParam[0], bRevert, in, &o, &req->err);
    if (!req->pJson) json_decref(in);
    return api_answer(resp, rc, o);
}

int api_switch_trips_confirm(Req *req, Resp *resp) { return trip_decide(req, resp, 0); }
int api_switch_trips_revert(Req *req, Resp *resp) { return trip_decide(req, resp, 1); }
