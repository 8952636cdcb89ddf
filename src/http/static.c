/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Serving the embedded web UI; see static.h. Nothing here touches the file
 * system: a path is looked up in the generated table, so no path can reach
 * outside it. */
#include "http/static.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int static_accepts_gzip(const char *z) {
    while (z && *z) {
        while (*z == ' ' || *z == ',')
            z++;
        const char *zTok = z;
        while (*z && *z != ',' && *z != ';' && *z != ' ')
            z++;
        size_t n = (size_t)(z - zTok);
        int bGzip = (n == 4 && strncasecmp(zTok, "gzip", 4) == 0) || (n == 1 && *zTok == '*');
        double q = 1;
        while (*z && *z != ',') {
            if (*z == ';') {
                const char *p = z + 1;
                while (*p == ' ')
                    p++;
                if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') q = strtod(p + 2, NULL);
            }
            z++;
        }
        if (bGzip) return q > 0;
    }
    return 0;
}

const StaticAsset *static_find(const char *zPath) {
    int lo = 0, hi = nStaticAsset - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(zPath, aStaticAsset[mid].zPath);
        if (c == 0) return &aStaticAsset[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Answer with an embedded file (its bytes are not copied), compressed when
 * the client takes gzip and the build compressed it. */
static void static_send(Req *req, Resp *resp, const StaticAsset *a, const char *zCacheControl) {
    resp_free(resp);
    resp->status = 200;
    resp->zType = a->zType;
    resp->pStaticBody = a->aData;
    resp->nBody = a->nData;
    resp->zCacheControl = zCacheControl;
    resp->zCsp = STATIC_CSP;
    if (a->aGz) {
        resp->bVary = 1;
        if (static_accepts_gzip(req_header(req, "Accept-Encoding"))) {
            resp->pStaticBody = a->aGz;
            resp->nBody = a->nGz;
            resp->zEncoding = "gzip";
        }
    }
}

int static_index(Req *req, Resp *resp) {
    const StaticAsset *a = static_find("index.html");
    if (!a) return err_set(&req->err, KEEL_ENOTFOUND, "", "this build has no web UI");
    static_send(req, resp, a, NULL); /* NULL: no-store, index.html names this build's assets */
    return 0;
}

int static_asset(Req *req, Resp *resp) {
    const char *zRest = router_wildcard(req->pRoute->zPattern, req->zPath);
    size_t nHash = strlen(zStaticHash);
    if (!zRest || strncmp(zRest, zStaticHash, nHash) != 0 || zRest[nHash] != '/')
        return err_set(&req->err, KEEL_ENOTFOUND, "",
                       "no such asset in this build; reload the page");
    const StaticAsset *a = static_find(zRest + nHash + 1);
    if (!a || strcmp(a->zPath, "index.html") == 0)
        return err_set(&req->err, KEEL_ENOTFOUND, "", "no such asset in this build");
    static_send(req, resp, a, "public, max-age=31536000, immutable");
    return 0;
}
