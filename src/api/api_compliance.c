/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Compliance (issue 25): the rule packs, a system's obligations and what a
 * change of its flags would do, change and incident events, the calendar
 * (JSON and iCalendar), the Statement of Applicability, the overview.
 * Thin: parse, call domain/compliance, render. */
#include "api/api.h"
#include "domain/compliance.h"
#include "domain/export.h"
#include "report/export_doc.h"
#include "util/json.h"
#include <stdlib.h>
#include <string.h>

int api_compliance_packs(Req *req, Resp *resp) {
    (void)req;
    return api_answer(resp, 0, compliance_packs());
}

int api_compliance_overview(Req *req, Resp *resp) {
    json_t *o = NULL;
    int rc = compliance_overview(req->db, &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_compliance_calendar(Req *req, Resp *resp) {
    const char *zDays = req_query(req, "days");
    long days = -1;
    if (zDays) {
        char *end;
        days = strtol(zDays, &end, 10);
        if (*end || end == zDays || days < 0 || days > 3660)
            return err_set(&req->err, KEEL_EINVAL, "days",
                           "days must be a whole number from 0 to 3660 (omit it for every item)");
    }
    json_t *o = NULL;
    int rc = compliance_calendar(req->db, (int)days, &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_calendar_ics(Req *req, Resp *resp) {
    Buf b;
    buf_init(&b, 16 * 1024 * 1024);
    int rc = compliance_ics(req->db, &b, &req->err);
    if (rc) {
        buf_reset(&b);
        return rc;
    }
    resp_buf(resp, 200, "text/calendar; charset=utf-8", &b);
    resp->zCacheControl = "no-cache";
    return 0;
}

int api_system_obligations(Req *req, Resp *resp) {
    return api_key_read(req, resp, compliance_system);
}

int api_system_obligations_preview(Req *req, Resp *resp) {
    char z[ROUTE_KEY_MAX + 1];
    json_t *o = NULL;
    int rc = compliance_preview(req->db, req_key(req, 0, z, sizeof z), req->pJson, &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_system_compliance_events_add(Req *req, Resp *resp) {
    return api_key_create(req, resp, compliance_event_add, &resource_compliance_event);
}

int api_compliance_soa(Req *req, Resp *resp) {
    json_t *o = NULL;
    int rc = compliance_soa(req->db, &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_compliance_soa_put(Req *req, Resp *resp) {
    json_t *in = req->pJson;
    const char *zControl = json_get_str(in, "control");
    if (!zControl)
        return err_set(&req->err, KEEL_EINVAL, "control",
                       "name the Annex A control, e.g. {\"control\": \"A.6.2.4\", \"included\": "
                       "true, \"justification\": \"...\"}");
    char zC[48];
    snprintf(zC, sizeof zC, "%.40s", zControl);
    json_object_del(in, "control");
    int rc = compliance_soa_put(req->db, &req->who, zC, in, &req->err);
    if (rc) return rc;
    return api_compliance_soa(req, resp);
}

int api_compliance_exports(Req *req, Resp *resp) {
    json_t *o = NULL;
    int rc = export_kinds(req->db, &o, &req->err);
    return api_answer(resp, rc, o);
}

/* A regulatory export as a download (?system=&format=&lang=); HTML is
 * served with the board pack's policy: inline styles, nothing else. */
int api_compliance_export(Req *req, Resp *resp) {
    static const char *const az[] = {"system", "format", "lang", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    char zKind[ROUTE_KEY_MAX + 1], zFile[104];
    const char *zType = NULL;
    Buf b;
    buf_init(&b, 64 * 1024 * 1024);
    rc = report_export(req->db, &req->who, req_key(req, 0, zKind, sizeof zKind),
                       req_query(req, "system"), req_query(req, "format"), req_query(req, "lang"),
                       &b, &zType, zFile, sizeof zFile, &req->err);
    if (rc) {
        buf_reset(&b);
        return rc;
    }
    snprintf(resp->zDisposition, sizeof resp->zDisposition, "attachment; filename=\"%.100s\"",
             zFile);
    if (strncmp(zType, "text/html", 9) == 0)
        resp->zCsp = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
    resp_buf(resp, 200, zType, &b);
    return 0;
}
