/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Route matching and response helpers; see router.h. */
#include "http/router.h"
#include "util/json.h"
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* Length of the key segment at zPath: 1 to ROUTE_KEY_MAX of a-z, 0-9, '_'
 * and '-' up to the next '/' or the end; 0 when it is not one. */
static size_t key_len(const char *zPath) {
    size_t n = 0;
    while ((zPath[n] >= 'a' && zPath[n] <= 'z') || (zPath[n] >= '0' && zPath[n] <= '9') ||
           zPath[n] == '-' || zPath[n] == '_')
        n++;
    return n >= 1 && n <= ROUTE_KEY_MAX && (zPath[n] == 0 || zPath[n] == '/') ? n : 0;
}

/* The end of the {...} segment of a pattern starting at zPat. */
static const char *segment_end(const char *zPat) {
    const char *p = strchr(zPat, '}');
    return p ? p + 1 : zPat + strlen(zPat);
}

/* Match one pattern against a path; {id} takes 1 to 15 digits, no leading
 * zero; any other {name} a key (see key_len); a trailing {*name} takes the
 * non-empty rest of the path. Returns 1 on a match. */
static int pattern_match(const char *zPat, const char *zPath, int64_t *aParam, int *pn) {
    int n = 0;
    while (*zPat && *zPath) {
        if (zPat[0] == '{' && zPat[1] == '*') {
            *pn = n;
            return 1; /* *zPath is not NUL here: the rest is non-empty */
        }
        if (zPat[0] == '{' && strncmp(zPat, "{id}", 4) != 0) {
            size_t k = key_len(zPath);
            if (!k) return 0;
            zPath += k;
            zPat = segment_end(zPat);
            continue;
        }
        if (zPat[0] == '{') { /* {id}: the one brace left here */
            const char *p = zPath;
            int64_t v = 0;
            int nDigit = 0;
            if (*p < '1' || *p > '9') return 0;
            while (*p >= '0' && *p <= '9' && nDigit < 16)
                v = v * 10 + (*p++ - '0'), nDigit++;
            if (nDigit > 15 || (*p && *p != '/')) return 0;
            if (n < ROUTE_MAX_PARAM) aParam[n++] = v;
            zPat += 4;
            zPath = p;
            continue;
        }
        if (*zPat != *zPath) return 0;
        zPat++;
        zPath++;
    }
    if (*zPat || *zPath) return 0;
    *pn = n;
    return 1;
}

const char *router_wildcard(const char *zPattern, const char *zPath) {
    const char *zStar = strstr(zPattern, "{*");
    if (!zStar) return NULL;
    /* the pattern before the wildcard may hold {id} segments: walk both */
    const char *p = zPattern, *q = zPath;
    while (p < zStar && *q) {
        if (*p == '{') {
            while (*q && *q != '/')
                q++;
            p = segment_end(p);
        } else {
            p++;
            q++;
        }
    }
    return q;
}

int router_key(const char *zPattern, const char *zPath, int iKey, char *zOut, size_t nOut) {
    const char *p = zPattern, *q = zPath;
    int k = 0;
    zOut[0] = 0;
    while (*p && *q) {
        if (*p != '{') {
            p++, q++;
            continue;
        }
        const char *zEnd = q;
        while (*zEnd && *zEnd != '/')
            zEnd++;
        if (strncmp(p, "{id}", 4) != 0 && p[1] != '*' && k++ == iKey) {
            size_t n = (size_t)(zEnd - q);
            if (n + 1 > nOut) return -1;
            memcpy(zOut, q, n);
            zOut[n] = 0;
            return 0;
        }
        q = zEnd;
        p = segment_end(p);
    }
    return -1;
}

const Route *router_match(const char *zMethod, const char *zPath, int64_t *aParam, int *pnParam,
                          int *pStatus, char *zAllow, size_t nAllow) {
    int bPath = 0;
    size_t k = 0;
    zAllow[0] = 0;
    *pnParam = 0;
    /* the request path runs this on every request: first only the routes
     * of the method asked (their first match is the answer: the table's
     * order), and only when none matches the whole table for 404 or 405 */
    int bHead = strcmp(zMethod, "HEAD") == 0;
    const char *zWant = bHead ? "GET" : zMethod;
    for (int i = 0; i < nRoute; i++) {
        int64_t a[ROUTE_MAX_PARAM];
        int n = 0;
        if (aRoute[i].zMethod[0] != zWant[0] || strcmp(aRoute[i].zMethod, zWant) != 0) continue;
        if (!pattern_match(aRoute[i].zPattern, zPath, a, &n)) continue;
        memcpy(aParam, a, sizeof a);
        *pnParam = n;
        return &aRoute[i];
    }
    for (int i = 0; i < nRoute; i++) {
        int64_t a[ROUTE_MAX_PARAM];
        int n = 0;
        if (!pattern_match(aRoute[i].zPattern, zPath, a, &n)) continue;
        bPath = 1;
        if (strcmp(aRoute[i].zMethod, zMethod) == 0 ||
            (strcmp(zMethod, "HEAD") == 0 && strcmp(aRoute[i].zMethod, "GET") == 0)) {
            memcpy(aParam, a, sizeof a);
            *pnParam = n;
            return &aRoute[i];
        }
        if (k < nAllow && !strstr(zAllow, aRoute[i].zMethod))
            k += (size_t)snprintf(zAllow + k, nAllow - k, "%s%s", k ? ", " : "", aRoute[i].zMethod);
    }
    *pStatus = bPath ? 405 : 404;
    return NULL;
}

const Route *route_find(const char *zMethod, const char *zPath, int64_t *aParam, int *pnParam,
                        char *zAllow, size_t nAllow, KeelError *e) {
    int status = 0;
    const Route *r = router_match(zMethod, zPath, aParam, pnParam, &status, zAllow, nAllow);
    if (r) return r;
    if (status == 405)
        err_set(e, KEEL_EMETHOD, "", "method %s is not allowed here; allowed: %s", zMethod, zAllow);
    else
        err_set(e, KEEL_ENOTFOUND, "", "no route %s %s; see /api/v1/openapi.json", zMethod, zPath);
    return NULL;
}

int route_scopes(const Route *r) {
    return SCOPE_WRITE | r->scopes | (strcmp(r->zMethod, "GET") == 0 ? SCOPE_READ : 0);
}

/* Content type without parameters, lower-cased into z. */
static void media_type(const char *zCt, char *z, size_t n) {
    size_t k = 0;
    z[0] = 0;
    if (!zCt) return;
    while (*zCt == ' ')
        zCt++;
    for (; *zCt && *zCt != ';' && *zCt != ' ' && k + 1 < n; zCt++)
        z[k++] = (char)((*zCt >= 'A' && *zCt <= 'Z') ? *zCt + 32 : *zCt);
    z[k] = 0;
}

int route_body_csv(const char *zContentType) {
    char zMt[64];
    media_type(zContentType, zMt, sizeof zMt);
    return strcmp(zMt, "text/csv") == 0;
}

int route_admit(const Route *r, const Principal *who, const char *zMethod, const char *zContentType,
                long long nBody, KeelError *e) {
    if (!(r->roles & ROLE_PUBLIC)) {
        if (who->kind == AUTH_NONE)
            return err_set(e, KEEL_EAUTH, "",
                           "sign in first: send a session cookie or a Bearer token");
        if (!(r->roles & who->role))
            return err_set(e, KEEL_EFORBIDDEN, "", "the %s role may not %s %s",
                           auth_role_name(who->role), r->zMethod, r->zPattern);
        if (who->kind == AUTH_BEARER && !(who->scope & route_scopes(r))) {
            int i = 0;
            while (auth_scope_name[i] && who->scope != 1 << i)
                i++;
            return err_set(e, KEEL_EFORBIDDEN, "", "a token with the %s scope may not %s %s",
                           auth_scope_name[i] ? auth_scope_name[i] : "unknown", r->zMethod,
                           r->zPattern);
        }
    }
    int bWrite = strcmp(zMethod, "POST") == 0 || strcmp(zMethod, "PUT") == 0 ||
                 strcmp(zMethod, "PATCH") == 0;
    if (r->bodyType == BODY_NONE || !bWrite) {
        if (nBody > 0 || nBody == ROUTE_BODY_CHUNKED)
            return err_set(e, KEEL_ETOOBIG, "", "%s %s takes no request body", r->zMethod,
                           r->zPattern);
        return 0;
    }
    if (nBody == ROUTE_BODY_NO_LENGTH)
        return err_set(e, KEEL_ELENGTH, "", "send a Content-Length header with the body");
    if (nBody > 0 && (unsigned long long)nBody > r->nBodyCap)
        return err_set(e, KEEL_ETOOBIG, "", "the body is %lld bytes; this route takes at most %zu",
                       nBody, r->nBodyCap);
    char zMt[64];
    media_type(zContentType, zMt, sizeof zMt);
    int bJson = strcmp(zMt, "application/json") == 0;
    int bCsv = strcmp(zMt, "text/csv") == 0;
    if (r->bodyType == BODY_EVENTS) {
        if (bCsv || strcmp(zMt, "application/x-ndjson") == 0) return 0;
        return err_set(e, KEEL_EMEDIA, "Content-Type",
                       "send events as application/x-ndjson or text/csv (Content-Type)");
    }
    if (!(bJson || (bCsv && r->bodyType == BODY_JSON_OR_CSV)))
        return err_set(e, KEEL_EMEDIA, "Content-Type", "send the body as %s (Content-Type)",
                       r->bodyType == BODY_JSON_OR_CSV ? "application/json or text/csv"
                                                       : "application/json");
    return 0;
}

void resp_free(Resp *r) {
    free(r->zBody);
    r->zBody = NULL;
    r->pStaticBody = NULL;
    r->nBody = 0;
}

void resp_json(Resp *r, int status, json_t *j) {
    resp_free(r);
    char *z = j ? json_dump_compact(j) : NULL;
    json_decref(j);
    if (!z) {
        r->status = 500;
        r->zType = "application/json";
        r->zBody = strdup("{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out of memory\"}}");
        r->nBody = r->zBody ? strlen(r->zBody) : 0;
        return;
    }
    r->status = status;
    r->zType = "application/json";
    r->zBody = z;
    r->nBody = strlen(z);
}

static const char *generic_message(int rc) {
    switch (rc) {
    case KEEL_EINVAL: return "the request is invalid";
    case KEEL_ENOTFOUND: return "no such resource";
    case KEEL_ECONFLICT: return "the change conflicts with the current state";
    case KEEL_EAUTH: return "sign in first: send a session cookie or a Bearer token";
    case KEEL_EFORBIDDEN: return "your role may not do this";
    case KEEL_ETOOBIG: return "the request body is too large";
    case KEEL_ERULE: return "a rule forbids this change";
    case KEEL_EBUSY: return "the database is busy; try again";
    case KEEL_ERATE: return "too many attempts; try again later";
    case KEEL_EMETHOD: return "this path does not take that method; see the Allow header";
    case KEEL_ELENGTH: return "send a Content-Length header with the body";
    case KEEL_EMEDIA: return "the body's Content-Type is not one this route takes";
    case KEEL_EFULL:
        return "the disk is full: nothing was saved; free space on the server, then try again";
    default: return "internal error; the request id identifies it in the server log";
    }
}

void resp_error(Resp *r, const char *zRequestId, int rc, const KeelError *e) {
    if (rc == 0) rc = KEEL_EINTERNAL;
    const char *zMsg = e && e->rc == rc && e->zMsg[0] ? e->zMsg : generic_message(rc);
    const char *zCode = e && e->rc == rc && e->zCode[0] ? e->zCode : err_code_name(rc);
    json_t *o = json_pack("{ss ss}", "code", zCode, "message", zMsg);
    if (e && e->rc == rc && e->zField[0]) json_object_set_new(o, "field", json_string(e->zField));
    if (e && e->rc == rc) json_err_put_params(o, e);
    json_object_set_new(o, "request_id", json_string(zRequestId ? zRequestId : ""));
    resp_json(r, err_http_status(rc), json_pack("{so}", "error", o));
}

void resp_buf(Resp *r, int status, const char *zType, Buf *b) {
    resp_free(r);
    size_t n = 0;
    char *z = buf_steal(b, &n);
    if (!z) {
        resp_error(r, NULL, KEEL_ENOMEM, NULL);
        return;
    }
    r->status = status;
    r->zType = zType;
    r->zBody = z;
    r->nBody = n;
}

/* ---- the request's query and headers (a connection, or keel api's
 * decoded query) ---- */

/* Remember that the handler consulted zName. */
static void req_query_seen(Req *req, const char *zName) {
    for (int i = 0; i < req->nQuerySeen; i++)
        if (strcmp(req->azQuerySeen[i], zName) == 0) return;
    if (req->nQuerySeen < 16 && strlen(zName) < sizeof req->azQuerySeen[0])
        snprintf(req->azQuerySeen[req->nQuerySeen++], sizeof req->azQuerySeen[0], "%s", zName);
    else
        req->bQueryAll = 1; /* cannot keep count: refuse nothing */
}

const char *req_query(Req *req, const char *zName) {
    req_query_seen(req, zName);
    if (!req->pConn) {
        for (int i = 0; i < req->nQuery; i++)
            if (strcmp(req->azQuery[i][0], zName) == 0) return req->azQuery[i][1];
        return NULL;
    }
    return MHD_lookup_connection_value(req->pConn, MHD_GET_ARGUMENT_KIND, zName);
}

const char *req_header(Req *req, const char *zName) {
    return req->pConn ? MHD_lookup_connection_value(req->pConn, MHD_HEADER_KIND, zName) : NULL;
}

const char *req_key(const Req *req, int iKey, char *z, size_t n) {
    if (router_key(req->pRoute->zPattern, req->zPath, iKey, z, n)) z[0] = 0;
    return z;
}

typedef struct QueryCb {
    int (*x)(void *, const char *, const char *);
    void *ctx;
} QueryCb;

static enum MHD_Result query_each(void *cls, enum MHD_ValueKind kind, const char *zKey,
                                  const char *zValue) {
    (void)kind;
    QueryCb *q = cls;
    return q->x(q->ctx, zKey, zValue) ? MHD_YES : MHD_NO;
}

/* Walk the query without marking it consulted. */
static void query_walk(Req *req, int (*x)(void *, const char *, const char *), void *ctx) {
    if (!req->pConn) {
        for (int i = 0; i < req->nQuery; i++)
            if (!x(ctx, req->azQuery[i][0], req->azQuery[i][1])) return;
        return;
    }
    QueryCb q = {x, ctx};
    MHD_get_connection_values(req->pConn, MHD_GET_ARGUMENT_KIND, query_each, &q);
}

void req_query_foreach(Req *req, int (*x)(void *, const char *, const char *), void *ctx) {
    req->bQueryAll = 1;
    query_walk(req, x, ctx);
}

typedef struct UnreadCtx {
    Req *req;
    const char *zFound;
} UnreadCtx;

static int unread_arg(void *cls, const char *zKey, const char *zValue) {
    (void)zValue;
    UnreadCtx *c = cls;
    for (int i = 0; i < c->req->nQuerySeen; i++)
        if (strcmp(c->req->azQuerySeen[i], zKey) == 0) return 1;
    c->zFound = zKey;
    return 0;
}

typedef struct TwiceCtx {
    const char *azKey[32];
    int n;
    const char *zFound;
} TwiceCtx;

static int twice_arg(void *cls, const char *zKey, const char *zValue) {
    (void)zValue;
    TwiceCtx *c = cls;
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->azKey[i], zKey) == 0) {
            c->zFound = zKey;
            return 0;
        }
    if (c->n < (int)(sizeof c->azKey / sizeof *c->azKey)) c->azKey[c->n++] = zKey;
    return 1;
}

const char *req_query_repeated(Req *req) {
    TwiceCtx c = {{0}, 0, NULL};
    query_walk(req, twice_arg, &c);
    return c.zFound;
}

const char *req_query_unread(Req *req) {
    if (req->bQueryAll) return NULL;
    UnreadCtx c = {req, NULL};
    query_walk(req, unread_arg, &c);
    return c.zFound;
}
