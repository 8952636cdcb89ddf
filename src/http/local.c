/* SPDX-License-Identifier: GPL-3.0-or-later */
/* In-process route calls; see local.h. */
#include "http/local.h"
#include <stdlib.h>
#include <string.h>

/* Percent-decode n bytes of z ('+' is a space) into zOut (size nOut). */
static void url_decode(const char *z, size_t n, char *zOut, size_t nOut) {
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < nOut; i++) {
        if (z[i] == '+') {
            zOut[k++] = ' ';
        } else if (z[i] == '%' && i + 2 < n) {
            char h[3] = {z[i + 1], z[i + 2], 0};
            char *end;
            long v = strtol(h, &end, 16);
            if (*end == 0 && v > 0) {
                zOut[k++] = (char)v;
                i += 2;
            } else {
                zOut[k++] = z[i];
            }
        } else {
            zOut[k++] = z[i];
        }
    }
    zOut[k] = 0;
}

/* Split the query string into req->azQuery. */
static void parse_query(Req *req, const char *zQ) {
    while (zQ && *zQ && req->nQuery < 16) {
        const char *amp = strchr(zQ, '&');
        size_t n = amp ? (size_t)(amp - zQ) : strlen(zQ);
        const char *eq = memchr(zQ, '=', n);
        size_t nName = eq ? (size_t)(eq - zQ) : n;
        if (nName) {
            url_decode(zQ, nName, req->azQuery[req->nQuery][0], 256);
            if (eq) url_decode(eq + 1, n - nName - 1, req->azQuery[req->nQuery][1], 256);
            req->nQuery++;
        }
        zQ = amp ? amp + 1 : NULL;
    }
}

void http_local(Db *db, const Principal *who, const char *zMethod, const char *zUrl,
                const char *zBody, size_t nBody, int bCsv, int bWantCsv, Resp *resp) {
    Req *req = calloc(1, sizeof *req);
    char *zPath = strdup(zUrl);
    memset(resp, 0, sizeof *resp);
    if (!req || !zPath) {
        free(req);
        free(zPath);
        resp_error(resp, "local", KEEL_ENOMEM, NULL);
        return;
    }
    char *q = strchr(zPath, '?');
    if (q) *q++ = 0;
    snprintf(req->zRequestId, sizeof req->zRequestId, "local");
    req->zMethod = zMethod;
    req->zPath = zPath;
    req->db = db;
    req->who = *who;
    req->bWantCsv = bWantCsv;
    req->bBodyCsv = bCsv;
    parse_query(req, q);
    int status = 0;
    KeelError e;
    req->pRoute = router_match(zMethod, zPath, req->aParam, &req->nParam, &status, resp->zAllow,
                               sizeof resp->zAllow);
    if (!req->pRoute) {
        err_set(&e, status == 405 ? KEEL_EINVAL : KEEL_ENOTFOUND, "",
                status == 405 ? "method %s is not allowed here; allowed: %s" : "no route %s %s",
                zMethod, status == 405 ? resp->zAllow : zPath);
        resp_error(resp, req->zRequestId, e.rc, &e);
        if (status == 405) resp->status = 405;
    } else if (!(req->pRoute->roles & ROLE_PUBLIC) && !(req->pRoute->roles & who->role)) {
        err_set(&e, KEEL_EFORBIDDEN, "", "the %s role may not %s %s", auth_role_name(who->role),
                zMethod, req->pRoute->zPattern);
        resp_error(resp, req->zRequestId, KEEL_EFORBIDDEN, &e);
    } else if (nBody && req->pRoute->bodyType == BODY_NONE) {
        err_set(&e, KEEL_EINVAL, "", "this route takes no body");
        resp_error(resp, req->zRequestId, KEEL_EINVAL, &e);
    } else if (bCsv && req->pRoute->bodyType != BODY_JSON_OR_CSV) {
        err_set(&e, KEEL_EINVAL, "", "this route takes a JSON body, not CSV");
        resp_error(resp, req->zRequestId, KEEL_EINVAL, &e);
    } else {
        buf_init(&req->body, req->pRoute->nBodyCap ? req->pRoute->nBodyCap : 1);
        if (nBody) buf_append(&req->body, zBody, nBody);
        http_handle(req, resp, 0);
    }
    json_decref(req->pJson);
    buf_reset(&req->body);
    free(req);
    free(zPath);
}
