/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/reports/board?period=&lang=&format=: the board pack as a
 * download, rendered by report_board() as `keel report board` does. The
 * HTML is served with a Content-Security-Policy that allows nothing but
 * its inline styles (it has no script, image or external link). */
#include "api/api.h"
#include "domain/allocation.h"
#include "report/board.h"
#include <stdio.h>
#include <string.h>

#define REPORT_HTML_CSP "default-src 'none'; style-src 'unsafe-inline'; sandbox"

int api_reports_board(Req *req, Resp *resp) {
    static const char *const az[] = {"period", "lang", "format", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    char zCur[12];
    const char *zPeriod = req_query(req, "period"), *zLang = req_query(req, "lang");
    const char *zFormat = req_query(req, "format");
    if (!zPeriod || !*zPeriod) {
        alloc_current_quarter(req->db, zCur);
        zPeriod = zCur;
    }
    if (!zLang) zLang = "en";
    ReportFormat fmt = report_format_named(zFormat ? zFormat : "pdf");
    if (!fmt)
        return err_set(&req->err, KEEL_EINVAL, "format", "format must be pdf or html, not '%.20s'",
                       zFormat);
    Buf out;
    buf_init(&out, 0);
    if ((rc = report_board(req->db, zPeriod, zLang, fmt, &out, NULL, &req->err))) {
        buf_reset(&out);
        return rc;
    }
    snprintf(resp->zDisposition, sizeof resp->zDisposition,
             "attachment; filename=\"board-%s-%s.%s\"", zPeriod, zLang,
             fmt == REPORT_PDF ? "pdf" : "html");
    if (fmt == REPORT_HTML) resp->zCsp = REPORT_HTML_CSP;
    resp_buf(resp, 200, fmt == REPORT_PDF ? "application/pdf" : "text/html; charset=utf-8", &out);
    return 0;
}
