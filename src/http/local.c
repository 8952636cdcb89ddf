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
    KeelError e = {0};
    req->pRoute = route_find(zMethod, zPath, req->aParam, &req->nParam, resp->zAllow,
                             sizeof resp->zAllow, &e);
    const char *zType = bCsv ? "text/csv"
                        : req->pRoute && req->pRoute->bodyType == BODY_EVENTS
                            ? "application/x-ndjson"
                            : "application/json";
    int rc =
        req->pRoute ? route_admit(req->pRoute, who, zMethod, zType, (long long)nBody, &e) : e.rc;
    if (rc) {
        resp_error(resp, req->zRequestId, rc, &e);
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
