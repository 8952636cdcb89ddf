/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The request and response types every handler sees, the route table's
 * row type, the matcher and the admission check. The one sorted route
 * table lives in routes.c; route_admit() is the only place that decides
 * whether a caller may call a row (roles, token scope, body size and type),
 * for the server (server.c) and the in-process path (local.c) alike. */
#ifndef KEEL_HTTP_ROUTER_H
#define KEEL_HTTP_ROUTER_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include "util/buf.h"
#include "util/err.h"
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define ROUTE_MAX_PARAM 4
#define ROUTE_KEY_MAX 64 /* longest key segment ({system}, {stage}) */

/* Body types a route accepts. */
enum {
    BODY_NONE = 0,
    BODY_JSON = 1,
    BODY_JSON_OR_CSV = 2,
    BODY_EVENTS = 3
}; /* EVENTS: x-ndjson or csv, raw */

typedef struct Req Req;
typedef struct Resp Resp;
typedef int (*Handler)(Req *req, Resp *resp);

typedef struct Route {
    const char *zMethod;  /* GET, POST, PATCH, PUT, DELETE */
    const char *zPattern; /* "/api/v1/units/{id}"; {id} matches a positive integer; any
                             other {name} a key: 1 to 64 of a-z, 0-9, '_', '-'; a
                             trailing {*name} matches the non-empty rest of the path */
    Handler xHandler;
    int roles;                    /* ROLE_* bits allowed, or ROLE_PUBLIC */
    size_t nBodyCap;              /* largest body accepted in bytes (0: no body) */
    int bodyType;                 /* BODY_* */
    const char *zSummary;         /* one line for OpenAPI */
    const ResourceDef *pResource; /* resource it serves (OpenAPI schema), or NULL */
    int scopes; /* narrow token scopes (SCOPE_* bits) that reach this route; read (GET
                   routes) and write (every route) always do */
} Route;

struct Req {
    const char *zMethod;
    const char *zPath;               /* without the query string */
    const Route *pRoute;             /* matched route */
    int64_t aParam[ROUTE_MAX_PARAM]; /* values of {id} segments, in order */
    int nParam;
    void *pConn;   /* the MHD connection (query args, headers) */
    Buf body;      /* request body, capped at the route's nBodyCap */
    json_t *pJson; /* parsed body when it is JSON, else NULL */
    int bBodyCsv;  /* the body is CSV */
    int bWantCsv;  /* Accept: text/csv */
    Principal who; /* the caller */
    Db *db;        /* this worker's connection */
    char zRequestId[24];
    char zAddr[64];     /* peer address */
    KeelError err;      /* detail of a failure, rendered as the envelope */
    int bSecureCookie;  /* cookies get the Secure attribute */
    int64_t sessionMax; /* session lifetime for the cookie's Max-Age */
    /* (everything before azQuery is zeroed per request: server_access) */
    int nQuerySeen; /* query names the handler consulted (req_query) */
    char azQuerySeen[16][32];
    int bQueryAll;            /* the handler walked every parameter (req_query_foreach) */
    int nQuery;               /* without a connection (keel api): the query */
    char azQuery[16][2][256]; /* its decoded name/value pairs */
};

struct Resp {
    int status;  /* HTTP status; 0 until set */
    char *zBody; /* owned, malloc'd */
    size_t nBody;
    const char *zType;         /* content type (static string) */
    char zSetCookie[256];      /* Set-Cookie header or "" */
    char zAllow[64];           /* Allow header for 405 or "" */
    char zLocation[128];       /* Location for 201 or "" */
    char zDisposition[128];    /* Content-Disposition (a download) or "" */
    int retryAfter;            /* Retry-After seconds, 0 none */
    const char *zCacheControl; /* Cache-Control header, or NULL for no-store */
    const char *zCsp;          /* Content-Security-Policy header, or NULL for none */
    const void *pStaticBody;   /* body in static memory, nBody long (not freed), or NULL */
    char zEtag[48];            /* ETag header (quoted) or "" */
    const char *zEncoding;     /* Content-Encoding of the body ("gzip"), or NULL */
    int bVary;                 /* the body depends on Accept-Encoding (Vary header) */
    int bClose;                /* close the connection after this response (framing refused) */
};

/* The route table (routes.c), sorted by pattern then method. */
extern const Route aRoute[];
extern const int nRoute;

/* Match method and path. Returns the route, or NULL: then *pStatus is 404
 * (no pattern matches) or 405 with the allowed methods in zAllow. Fills the
 * {id} parameters. Pure; used by the server and the tests. */
const Route *router_match(const char *zMethod, const char *zPath, int64_t *aParam, int *pnParam,
                          int *pStatus, char *zAllow, size_t nAllow);

/* Match like router_match; when nothing matches, fills e: KEEL_ENOTFOUND
 * (no such path) or KEEL_EMETHOD (other methods; zAllow lists them). */
const Route *route_find(const char *zMethod, const char *zPath, int64_t *aParam, int *pnParam,
                        char *zAllow, size_t nAllow, KeelError *e);

/* Body length for route_admit when a body comes without a length
 * (HTTP chunked encoding) and when no length was given at all. */
#define ROUTE_BODY_CHUNKED (-1)
#define ROUTE_BODY_NO_LENGTH (-2)

/* The token scopes (SCOPE_* bits) that reach route r. */
int route_scopes(const Route *r);

/* The one admission check, before any body is read: may who call r with
 * zMethod, a body of nBody bytes (or ROUTE_BODY_*) of type zContentType
 * (may carry parameters; NULL when absent)? who->kind is AUTH_NONE for a
 * caller without valid credentials. 0, or a KEEL_E* with e: EAUTH (401),
 * EFORBIDDEN (role or token scope, 403), ELENGTH (411), ETOOBIG (over the
 * cap, or any body to a route that takes none, 413), EMEDIA (415). */
int route_admit(const Route *r, const Principal *who, const char *zMethod, const char *zContentType,
                long long nBody, KeelError *e);

/* 1 when a Content-Type value names text/csv (parameters ignored). */
int route_body_csv(const char *zContentType);

/* The part of zPath matched by zPattern's trailing {*name} wildcard, or
 * NULL when the pattern has none. Points into zPath. Call only for a path
 * that matched the pattern. */
const char *router_wildcard(const char *zPattern, const char *zPath);

/* Copy the iKey-th key segment (0-based; {id} and {*rest} do not count)
 * of zPath matched by zPattern into zOut. 0, or -1 when there is none or
 * it does not fit. Call only for a path that matched the pattern. */
int router_key(const char *zPattern, const char *zPath, int iKey, char *zOut, size_t nOut);

/* Respond with JSON (steals j). */
void resp_json(Resp *r, int status, json_t *j);
/* Respond with the error envelope for rc using e's field and message (or a
 * generic message for the code). */
void resp_error(Resp *r, const char *zRequestId, int rc, const KeelError *e);
/* Respond with a body taken over from b (type given). */
void resp_buf(Resp *r, int status, const char *zType, Buf *b);
/* Free the body. */
void resp_free(Resp *r);

/* A query-string argument, or NULL. */
const char *req_query(Req *req, const char *zName);
/* A request header, or NULL. */
const char *req_header(Req *req, const char *zName);
/* The iKey-th key segment of the request's path (see router_key) into z,
 * "" when there is none; returns z. */
const char *req_key(const Req *req, int iKey, char *z, size_t n);
/* Call x(ctx, name, value) for each query argument until it returns 0. */
void req_query_foreach(Req *req, int (*x)(void *, const char *, const char *), void *ctx);
/* The first query parameter of req its handler never consulted (through
 * req_query or req_query_foreach), or NULL. http_handle refuses a GET
 * with one, so that a typo is never silently ignored. */
const char *req_query_unread(Req *req);
/* A query parameter given more than once (no route reads a list from
 * repeats: the first would win and the rest be ignored), or NULL. */
const char *req_query_repeated(Req *req);

/* Run the matched route's handler on a request whose body is complete
 * (server.c): body size, JSON parsing, the handler, the error envelope. */
void http_handle(Req *req, Resp *resp, int bBodyTooBig);

#endif
