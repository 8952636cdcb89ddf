/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libmicrohttpd glue: request state, body reading, the checks every route
 * gets before its handler (method, auth, role, CSRF, body size and type),
 * the response with request id, the access log, and shutdown. */
#include "http/server.h"
#include "api/api.h"
#include "domain/allocation.h"
#include "domain/monitor.h"
#include "domain/scheduler.h"
#include "domain/switch.h"
#include "http/metrics.h"
#include "http/auth.h"
#include "http/conns.h"
#include "http/proxy.h"
#include "http/router.h"
#include "store/schema.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

/* Per-request state, kept in MHD's con_cls between calls. */
typedef struct ReqState {
    Req req;
    Resp resp;
    double t0; /* start, monotonic ms */
    int bDone; /* a response is decided (early refusal or handled) */
    int bBodyTooBig;
    int bOverBudget;      /* the body would take the bytes in flight over the budget */
    atomic_int bAnswered; /* a writer thread has run the handler (then resumed the connection) */
    int bQueued;          /* handed to the writer threads, connection suspended */
    struct MHD_Connection *pConn;
    struct ReqState *pNextJob;
    long long nReserved; /* body bytes this request holds in gBodyBytes */
    char zMethod[16];
    char *zPath;
} ReqState;

static const ServerConfig *gCfg;
static ProxyList gProxies; /* trusted reverse proxies */
static atomic_int gInFlight;
static atomic_llong gBodyBytes; /* body bytes reserved by requests in flight (bodyBudget) */
static atomic_ulong gReqCounter;
static char gReqPrefix[9];
static volatile sig_atomic_t gStop;

/* Database connections, one per worker thread, opened on first use. */
static __thread Db *tlsDb;
static pthread_mutex_t dbListMutex = PTHREAD_MUTEX_INITIALIZER;
static Db *aDbOpen[256];
static int nDbOpen;

static Db *server_db(char *zErr, size_t nErr) {
    if (tlsDb) return tlsDb;
    Db *db = NULL;
    if (schema_open_mode(gCfg->zDbPath, SCHEMA_CHECK, &db, zErr, nErr)) {
        log_error("cannot open database: %s", zErr);
        return NULL;
    }
    pthread_mutex_lock(&dbListMutex);
    if (nDbOpen < 256) aDbOpen[nDbOpen++] = db;
    pthread_mutex_unlock(&dbListMutex);
    tlsDb = db;
    return db;
}

void server_config_init(ServerConfig *c) {
    memset(c, 0, sizeof *c);
    c->zHost = "127.0.0.1";
    c->port = 8080;
    c->connTimeout = 30;
    c->connLimit = 4096;
    c->headerTimeout = 10;
    c->maxPerAddr = 512;
    c->sessionIdle = 30 * 60;
    c->sessionMax = 12 * 3600;
    c->bodyBudget = 128LL * 1024 * 1024;
}

/* Reserve n more body bytes for st against the budget: 0, or 1 when the
 * bytes in flight would pass it (nothing is reserved then). */
static int body_reserve(ReqState *st, long long n) {
    if (n <= 0) return 0;
    long long now = atomic_fetch_add(&gBodyBytes, n) + n;
    if (now > gCfg->bodyBudget && now > n) { /* one body alone always fits its route's cap */
        atomic_fetch_sub(&gBodyBytes, n);
        return 1;
    }
    st->nReserved += n;
    return 0;
}

/* 503 with Retry-After: the bodies in flight fill the budget. */
static void body_refuse(ReqState *st) {
    KeelError e;
    err_set(&e, KEEL_EBUSY, "",
            "the server is receiving %lld MB of request bodies already; try again in a few "
            "seconds",
            (long long)(gCfg->bodyBudget >> 20));
    resp_error(&st->resp, st->req.zRequestId, KEEL_EBUSY, &e);
    st->resp.retryAfter = 2;
}

/* The checks that come before the body is read: route, credentials and
 * CSRF (http_auth_check), then route_admit. Returns 0 to go on, or sets
 * st->resp and returns 1. */
static int server_precheck(ReqState *st) {
    Req *req = &st->req;
    KeelError e = {0};
    req->pRoute = route_find(st->zMethod, st->zPath, req->aParam, &req->nParam, st->resp.zAllow,
                             sizeof st->resp.zAllow, &e);
    if (!req->pRoute) {
        resp_error(&st->resp, req->zRequestId, e.rc, &e);
        return 1;
    }
    const Route *r = req->pRoute;
    char zDbErr[320];
    req->db = server_db(zDbErr, sizeof zDbErr);
    if (!req->db) {
        KeelError e = {0};
        err_set(&e, KEEL_EBUSY, "", "the database is unreachable: %.280s", zDbErr);
        resp_error(&st->resp, req->zRequestId, KEEL_EBUSY, &e);
        return 1;
    }
    AuthPolicy pol = {gCfg->sessionIdle, gCfg->sessionMax};
    int rc = http_auth_check(req, r, &pol, &e);
    long long nBody = 0;
    if (rc == 0) {
        const char *zLen = req_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
        const char *zTe = req_header(req, MHD_HTTP_HEADER_TRANSFER_ENCODING);
        nBody = zTe    ? ROUTE_BODY_CHUNKED
                : zLen ? (long long)(strtoull(zLen, NULL, 10) & 0x7fffffffffffffffULL)
                       : ROUTE_BODY_NO_LENGTH;
        const char *zCt = req_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
        rc = route_admit(r, &req->who, st->zMethod, zCt, nBody, &e);
        req->bBodyCsv = route_body_csv(zCt);
    }
    if (rc) {
        resp_error(&st->resp, req->zRequestId, rc, &e);
        return 1;
    }
    if (r->bodyType != BODY_NONE) {
        buf_init(&req->body, r->nBodyCap);
        if (nBody > 0 && (size_t)nBody <= r->nBodyCap) /* admitted: one allocation */
            buf_prealloc(&req->body, (size_t)nBody);
    }
    const char *zAccept = req_header(req, MHD_HTTP_HEADER_ACCEPT);
    req->bWantCsv = zAccept && strstr(zAccept, "text/csv") != NULL;
    return 0;
}

/* A GET answered although a query parameter was never consulted (a typo,
 * or a parameter another route takes): 400 naming it and the ones this
 * route reads, instead of an answer that silently ignored it. */
static void query_refuse_unread(Req *req, Resp *resp) {
    const char *zKey = req_query_unread(req);
    if (!zKey) return;
    char zKnown[200] = "";
    size_t n = 0;
    for (int i = 0; i < req->nQuerySeen && n < sizeof zKnown; i++)
        n += (size_t)snprintf(zKnown + n, sizeof zKnown - n, "%s%s", i ? ", " : "",
                              req->azQuerySeen[i]);
    KeelError e;
    err_set(&e, KEEL_EINVAL, zKey, "unknown query parameter '%.40s' for GET %s; %s%s", zKey,
            req->pRoute->zPattern, req->nQuerySeen ? "it takes: " : "it takes none", zKnown);
    resp_free(resp);
    memset(resp->zEtag, 0, sizeof resp->zEtag);
    resp->zCacheControl = NULL;
    resp->zDisposition[0] = 0;
    resp->zEncoding = NULL;
    resp->zCsp = NULL;
    resp->bVary = 0;
    resp_error(resp, req->zRequestId, KEEL_EINVAL, &e);
}

/* Run the handler once the whole body is in. */
static void server_dispatch(ReqState *st) { http_handle(&st->req, &st->resp, st->bBodyTooBig); }

/* ---- the writer threads (docs/security.md, readers and writers) ----
 * A request that may write is handed to a thread of its own pool, and its
 * connection is suspended meanwhile: its wait for the database's write
 * lock and its fsync never hold one of libmicrohttpd's workers, so the
 * reads on that worker go on. Each writer thread has its own database
 * connection (server_db). */
static pthread_mutex_t jobMutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobCond = PTHREAD_COND_INITIALIZER;
static ReqState *pJobHead, *pJobTail;
static int bJobsStop;
static pthread_t aWriter[64];
static int nWriter;

static void *writer_main(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&jobMutex);
        while (!pJobHead && !bJobsStop)
            pthread_cond_wait(&jobCond, &jobMutex);
        ReqState *st = pJobHead;
        if (st) {
            pJobHead = st->pNextJob;
            if (!pJobHead) pJobTail = NULL;
        }
        pthread_mutex_unlock(&jobMutex);
        if (!st) return NULL; /* stopping, queue empty */
        char zErr[320];
        st->req.db = server_db(zErr, sizeof zErr); /* this thread's connection */
        if (!st->req.db) {
            KeelError e;
            err_set(&e, KEEL_EBUSY, "", "the database is unreachable: %.280s", zErr);
            resp_error(&st->resp, st->req.zRequestId, KEEL_EBUSY, &e);
        } else {
            server_dispatch(st);
        }
        atomic_store(&st->bAnswered, 1);
        MHD_resume_connection(st->pConn);
    }
}

/* Queue st for a writer thread (its connection is suspended already). */
static void writer_submit(ReqState *st) {
    pthread_mutex_lock(&jobMutex);
    st->pNextJob = NULL;
    if (pJobTail)
        pJobTail->pNextJob = st;
    else
        pJobHead = st;
    pJobTail = st;
    pthread_cond_signal(&jobCond);
    pthread_mutex_unlock(&jobMutex);
}

static int writers_start(int n) {
    bJobsStop = 0;
    for (nWriter = 0; nWriter < n && nWriter < 64; nWriter++)
        if (pthread_create(&aWriter[nWriter], NULL, writer_main, NULL)) break;
    return nWriter > 0 ? 0 : -1;
}

/* Let the writers finish what is queued, then join them. */
static void writers_stop(void) {
    pthread_mutex_lock(&jobMutex);
    bJobsStop = 1;
    pthread_cond_broadcast(&jobCond);
    pthread_mutex_unlock(&jobMutex);
    for (int i = 0; i < nWriter; i++)
        pthread_join(aWriter[i], NULL);
    nWriter = 0;
}

void http_handle(Req *req, Resp *resp, int bBodyTooBig) {
    if (bBodyTooBig || buf_err(&req->body)) {
        KeelError e;
        err_set(&e, KEEL_ETOOBIG, "", "the body is larger than the %zu bytes this route takes",
                req->pRoute->nBodyCap);
        resp_error(resp, req->zRequestId, KEEL_ETOOBIG, &e);
        return;
    }
    if (req->pRoute->bodyType != BODY_NONE && req->pRoute->bodyType != BODY_EVENTS &&
        req->body.n > 0 && !req->bBodyCsv) {
        char zErr[256];
        if (json_parse_object(req->body.z, req->body.n, &req->pJson, zErr, sizeof zErr)) {
            KeelError e;
            err_set(&e, KEEL_EINVAL, "", "%s", zErr);
            resp_error(resp, req->zRequestId, KEEL_EINVAL, &e);
            return;
        }
    }
    int bWrite = strcmp(req->zMethod, "GET") != 0 && strcmp(req->zMethod, "HEAD") != 0;
    if (bWrite && req->pRoute->bodyType == BODY_JSON && !req->pJson &&
        strcmp(req->zMethod, "DELETE") != 0) {
        KeelError e;
        err_set(&e, KEEL_EINVAL, "", "a JSON object body is required");
        resp_error(resp, req->zRequestId, KEEL_EINVAL, &e);
        return;
    }
    const char *zTwice = req_query_repeated(req);
    if (zTwice) {
        KeelError e;
        err_set(&e, KEEL_EINVAL, zTwice,
                "query parameter '%.40s' is given more than once; give it once", zTwice);
        resp_error(resp, req->zRequestId, KEEL_EINVAL, &e);
        return;
    }
    memset(&req->err, 0, sizeof req->err);
    int rc = req->pRoute->xHandler(req, resp);
    if (req->db && req->db->nTxn) db_rollback(req->db); /* a handler left a transaction open */
    if (rc) {
        if (rc == KEEL_EIO || rc == KEEL_EINTERNAL || rc == KEEL_ENOMEM || rc == KEEL_EFULL)
            log_error("%s %s %s failed: %s%s (%s)", req->zRequestId, req->zMethod, req->zPath,
                      err_code_name(rc), rc == KEEL_EFULL ? ": disk full" : "",
                      req->db ? db_errmsg(req->db) : "");
        resp_error(resp, req->zRequestId, rc, &req->err);
    } else if (!bWrite && strncmp(req->zPath, "/api/", 5) == 0) {
        query_refuse_unread(req, resp);
    }
    if (!rc && !resp->status) {
        resp_free(resp);
        resp->status = 204;
    }
}

static enum MHD_Result server_send(struct MHD_Connection *conn, ReqState *st) {
    Resp *r = &st->resp;
    struct MHD_Response *m;
    /* for HEAD, libmicrohttpd sends the headers (Content-Length included)
     * and leaves the body out */
    if (r->pStaticBody)
        m = MHD_create_response_from_buffer(r->nBody, (void *)r->pStaticBody,
                                            MHD_RESPMEM_PERSISTENT);
    else
        m = MHD_create_response_from_buffer(r->nBody, r->zBody, MHD_RESPMEM_MUST_COPY);
    if (!m) return MHD_NO;
    if (r->zType) MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_TYPE, r->zType);
    MHD_add_response_header(m, "X-Request-Id", st->req.zRequestId);
    MHD_add_response_header(m, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->zCacheControl ? r->zCacheControl : "no-store");
    MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(m, "X-Frame-Options", "DENY");
    if (r->zCsp) MHD_add_response_header(m, "Content-Security-Policy", r->zCsp);
    if (r->zEncoding) MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_ENCODING, r->zEncoding);
    if (r->bVary) MHD_add_response_header(m, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    if (r->zSetCookie[0]) MHD_add_response_header(m, MHD_HTTP_HEADER_SET_COOKIE, r->zSetCookie);
    if (r->zAllow[0] && r->status == 405)
        MHD_add_response_header(m, MHD_HTTP_HEADER_ALLOW, r->zAllow);
    if (r->zLocation[0]) MHD_add_response_header(m, MHD_HTTP_HEADER_LOCATION, r->zLocation);
    if (r->zEtag[0]) MHD_add_response_header(m, MHD_HTTP_HEADER_ETAG, r->zEtag);
    if (r->zDisposition[0])
        MHD_add_response_header(m, MHD_HTTP_HEADER_CONTENT_DISPOSITION, r->zDisposition);
    if (r->bClose) MHD_add_response_header(m, MHD_HTTP_HEADER_CONNECTION, "close");
    if (r->retryAfter > 0) {
        char z[16];
        snprintf(z, sizeof z, "%d", r->retryAfter);
        MHD_add_response_header(m, MHD_HTTP_HEADER_RETRY_AFTER, z);
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, m);
    MHD_destroy_response(m);
    return ret;
}

/* The socket's peer address as text. */
static void sockaddr_text(const struct sockaddr *sa, char *z, size_t n) {
    z[0] = 0;
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, z, (socklen_t)n);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, z, (socklen_t)n);
}

/* The client's address: the peer's, or behind a trusted proxy the one it
 * forwarded (X-Forwarded-For, http/proxy.h). */
static void server_client_addr(struct MHD_Connection *conn, char *z, size_t n) {
    char zPeer[INET6_ADDRSTRLEN];
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sockaddr_text(ci ? ci->client_addr : NULL, zPeer, sizeof zPeer);
    proxy_client_addr(&gProxies, zPeer,
                      MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For"), z, n);
}

/* ---- framing: what must be refused before a route is even looked at ---- */

/* The first byte libmicrohttpd's unescaping leaves for a URL part that
 * decodes to a NUL byte, or to bytes that are not UTF-8 (server_unescape). */
#define URL_HAS_NUL '\xff'
#define URL_NOT_UTF8 '\xfe'

/* Percent-decode like libmicrohttpd, then mark a value holding NUL or
 * invalid UTF-8 with one of the bytes above (valid UTF-8 never holds them),
 * so that server_framing can refuse it: otherwise NUL cuts the value short
 * ("/units/1%00" would be "/units/1"). A value with NUL had at least three
 * characters ("%00"), one not UTF-8 at least one. */
static size_t server_unescape(void *cls, struct MHD_Connection *conn, char *z) {
    (void)cls;
    (void)conn;
    size_t n = MHD_http_unescape(z);
    if (memchr(z, 0, n)) {
        z[0] = URL_HAS_NUL;
        z[1] = 0;
        return 1;
    }
    if (!utf8_valid(z, n)) {
        z[0] = URL_NOT_UTF8;
        z[1] = 0;
        return 1;
    }
    return n;
}

/* Why a decoded URL part was marked, or NULL. */
static const char *url_mark(const char *z) {
    if (z && z[0] == URL_HAS_NUL) return "holds a NUL byte (%00)";
    if (z && z[0] == URL_NOT_UTF8) return "is not valid UTF-8";
    return NULL;
}

typedef struct FramingCtx {
    int nLength, nCoding;
    const char *zLength; /* the first Content-Length */
    int bLengthsDiffer;
    const char *zCoding;
    const char *zBadArg, *zBadWhy; /* a query argument url_mark refuses */
} FramingCtx;

static enum MHD_Result framing_header(void *cls, enum MHD_ValueKind kind, const char *zKey,
                                      const char *zValue) {
    (void)kind;
    FramingCtx *f = cls;
    if (strcasecmp(zKey, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (f->nLength++ && strcmp(f->zLength, zValue ? zValue : "") != 0) f->bLengthsDiffer = 1;
        if (f->nLength == 1) f->zLength = zValue ? zValue : "";
    } else if (strcasecmp(zKey, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->nCoding++;
        f->zCoding = zValue ? zValue : "";
    }
    return MHD_YES;
}

static enum MHD_Result framing_arg(void *cls, enum MHD_ValueKind kind, const char *zKey,
                                   const char *zValue) {
    (void)kind;
    FramingCtx *f = cls;
    const char *zWhy = url_mark(zKey);
    if (!zWhy) zWhy = url_mark(zValue);
    if (!zWhy) return MHD_YES;
    f->zBadArg = url_mark(zKey) ? "" : zKey;
    f->zBadWhy = zWhy;
    return MHD_NO;
}

/* Refuse a request whose URL or framing is ambiguous: NUL or invalid UTF-8
 * in the path or query (400), two different Content-Lengths or a
 * Content-Length with a Transfer-Encoding (400: the body could be read two
 * ways, which is how a second request is smuggled), a transfer coding
 * other than chunked (501). 0, or the error in e. */
static int server_framing(struct MHD_Connection *conn, const char *zUrl, KeelError *e) {
    const char *zWhy = url_mark(zUrl);
    if (zWhy)
        return err_set(e, KEEL_EINVAL, "", "the URL's path %s; percent-encode UTF-8 text only",
                       zWhy);
    FramingCtx f = {0};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, framing_arg, &f);
    if (f.zBadWhy)
        return err_set(e, KEEL_EINVAL, f.zBadArg, "the query parameter%s%s%s %s",
                       f.zBadArg[0] ? " '" : "", f.zBadArg, f.zBadArg[0] ? "'" : "", f.zBadWhy);
    MHD_get_connection_values(conn, MHD_HEADER_KIND, framing_header, &f);
    if (f.bLengthsDiffer)
        return err_set(e, KEEL_EINVAL, "", "two different Content-Length headers: send one");
    if (f.nLength && f.nCoding)
        return err_set(e, KEEL_EINVAL, "",
                       "Content-Length and Transfer-Encoding together: frame the body one way");
    if (f.nCoding > 1 || (f.nCoding && strcasecmp(f.zCoding, "chunked") != 0))
        return err_set(e, KEEL_EUNIMPL, "",
                       "Transfer-Encoding '%.40s' is not supported: send chunked or a "
                       "Content-Length",
                       f.zCoding);
    return 0;
}

static enum MHD_Result server_access(void *cls, struct MHD_Connection *conn, const char *zUrl,
                                     const char *zMethod, const char *zVersion, const char *zUpload,
                                     size_t *pnUpload, void **ppState) {
    (void)cls;
    (void)zVersion;
    ReqState *st = *ppState;
    if (!st) {
        /* zeroed but for the query buffer of `keel api` (8 KB, unused here:
         * nQuery 0), which a calloc would clear on every request */
        st = malloc(sizeof *st);
        if (!st) return MHD_NO;
        memset(st, 0, offsetof(ReqState, req.azQuery));
        memset((char *)st + offsetof(ReqState, resp), 0, sizeof *st - offsetof(ReqState, resp));
        *ppState = st;
        atomic_fetch_add(&gInFlight, 1);
        st->t0 = time_mono_ms();
        snprintf(st->zMethod, sizeof st->zMethod, "%s", zMethod);
        st->zPath = strdup(zUrl ? zUrl : "/");
        st->req.zMethod = st->zMethod;
        st->req.zPath = st->zPath;
        st->req.pConn = conn;
        st->req.bSecureCookie = gCfg->bSecureCookie;
        st->req.sessionMax = gCfg->sessionMax;
        snprintf(st->req.zRequestId, sizeof st->req.zRequestId, "%s%08lx", gReqPrefix,
                 (unsigned long)atomic_fetch_add(&gReqCounter, 1) & 0xffffffffUL);
        server_client_addr(conn, st->req.zAddr, sizeof st->req.zAddr);
        conns_request_started(conn);
        if (!st->zPath) return MHD_NO;
        KeelError fe = {0};
        if (server_framing(conn, st->zPath, &fe)) {
            resp_error(&st->resp, st->req.zRequestId, fe.rc, &fe);
            st->resp.bClose = 1; /* the rest of the stream cannot be trusted */
            st->bDone = 1;
            return server_send(conn, st);
        }
        if (server_precheck(st))
            st->bDone = 1;
        else if (st->req.pRoute->bodyType != BODY_NONE) {
            /* a declared length is reserved whole, before any of it is read */
            const char *zLen = req_header(&st->req, MHD_HTTP_HEADER_CONTENT_LENGTH);
            long long nLen = zLen ? strtoll(zLen, NULL, 10) : 0;
            if (body_reserve(st, nLen)) {
                body_refuse(st);
                st->resp.bClose = 1;
                st->bDone = 1;
            }
        }
        if (st->bDone &&
            !(zMethod && (strcmp(zMethod, "GET") == 0 || strcmp(zMethod, "HEAD") == 0)))
            return server_send(conn, st); /* refuse before reading the body */
        return MHD_YES;
    }
    if (*pnUpload > 0) {
        if (!st->bDone) {
            size_t nHave = st->req.body.n + *pnUpload;
            if (st->req.body.nCap && *pnUpload > st->req.body.nCap - st->req.body.n)
                st->bBodyTooBig = 1;
            else if ((long long)nHave > st->nReserved &&
                     body_reserve(st, (long long)nHave - st->nReserved)) /* chunked */
                st->bOverBudget = 1;
            else
                buf_append(&st->req.body, zUpload, *pnUpload);
        }
        *pnUpload = 0;
        return MHD_YES;
    }
    if (!st->bDone && st->bQueued) {
        if (!atomic_load(&st->bAnswered)) return MHD_YES; /* woken early: still writing */
        st->bDone = 1;
    }
    if (!st->bDone) {
        if (st->bOverBudget) {
            body_refuse(st);
        } else if (strcmp(st->zMethod, "GET") != 0 && strcmp(st->zMethod, "HEAD") != 0 &&
                   nWriter > 0) {
            st->bQueued = 1;
            st->pConn = conn;
            MHD_suspend_connection(conn); /* before the writer can resume it */
            writer_submit(st);
            return MHD_YES;
        } else {
            server_dispatch(st);
        }
        st->bDone = 1;
    }
    return server_send(conn, st);
}

static void server_completed(void *cls, struct MHD_Connection *conn, void **ppState,
                             enum MHD_RequestTerminationCode toe) {
    (void)cls;
    ReqState *st = *ppState;
    if (!st) return;
    conns_request_done(conn);
    http_metrics_observe(st->req.pRoute ? (int)(st->req.pRoute - aRoute) : -1, st->resp.status,
                         time_mono_ms() - st->t0);
    /* switch reads are polled on every serving request: counted in the
     * metrics above, not logged one by one (errors still are) */
    int bSwitchRead =
        st->req.pRoute && st->req.pRoute->xHandler == api_switch_get && st->resp.status < 400;
    if (!gCfg->bQuiet && !bSwitchRead)
        log_info("%s %s %s %d %zu %.1fms %s%s", st->req.zRequestId, st->zMethod,
                 st->zPath ? st->zPath : "-", st->resp.status, st->resp.nBody,
                 time_mono_ms() - st->t0, st->req.who.zEmail[0] ? st->req.who.zEmail : "-",
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    json_decref(st->req.pJson);
    buf_reset(&st->req.body);
    resp_free(&st->resp);
    free(st->zPath);
    if (st->nReserved) atomic_fetch_sub(&gBodyBytes, st->nReserved);
    free(st);
    *ppState = NULL;
    atomic_fetch_sub(&gInFlight, 1);
}

static void server_panic(void *cls, const char *zFile, unsigned line, const char *zReason) {
    (void)cls;
    log_error("libmicrohttpd panic at %s:%u: %s", zFile ? zFile : "?", line,
              zReason ? zReason : "");
    abort();
}

static void on_signal(int sig) {
    (void)sig;
    gStop = 1;
}

int server_run(const ServerConfig *c) {
    gCfg = c;
    /* request bodies (up to 16 MiB, one allocation each) and event frames
     * come from the heap and stay mapped between requests, instead of a
     * fresh mmap (page faults, pages zeroed) for each one */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    unsigned char r[4];
    FILE *fr = fopen("/dev/urandom", "rb");
    if (!fr || fread(r, 1, 4, fr) != 4) memset(r, 0x5a, 4);
    if (fr) fclose(fr);
    snprintf(gReqPrefix, sizeof gReqPrefix, "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);

    /* the database must open before we accept anything */
    Db *probe = NULL;
    char zErr[256];
    if (schema_open_mode(c->zDbPath, c->bMigrate ? SCHEMA_UPGRADE : SCHEMA_AUTO, &probe, zErr,
                         sizeof zErr)) {
        log_error("%s", zErr);
        return KEEL_EIO;
    }
    /* monitoring: the event log (replayed into the windows) and the
     * scheduler with its own connection */
    char zEvDir[1024], zOwner[128], zHostName[64] = "keel";
    db_sidecar_path(c->zDbPath, ".events", zEvDir, sizeof zEvDir);
    MonitorConfig mc;
    monitor_config_init(&mc);
    mc.zDir = c->zEventDir ? c->zEventDir : zEvDir;
    if (c->retentionDays > 0) mc.retentionDays = c->retentionDays;
    if (c->dedupEntries > 0) mc.dedupEntries = (size_t)c->dedupEntries;
    Monitor *mon = NULL;
    Scheduler *sched = NULL;
    KeelError me = {0};
    int mrc = monitor_open(&mon, &mc, probe, &me);
    if (mrc == KEEL_EBUSY) { /* another server on this database holds it */
        log_error("monitoring intake is off on this server: %s (give each server its own "
                  "--events-dir)",
                  me.zMsg);
        mrc = 0;
    }
    if (mrc || scheduler_init_jobs(probe, &me)) {
        log_error("monitoring cannot start: %s", me.zMsg);
        monitor_close(mon);
        db_close(probe);
        return KEEL_EIO;
    }
    db_close(probe);
    api_monitor_set(mon);
    if (switch_poll_start(c->zDbPath)) {
        log_error("the switch poller cannot start");
        api_monitor_set(NULL);
        monitor_close(mon);
        return KEEL_EIO;
    }
    gethostname(zHostName, sizeof zHostName - 1);
    snprintf(zOwner, sizeof zOwner, "%s:%ld", zHostName, (long)getpid());
    if (scheduler_start(&sched, c->zDbPath, mon, zOwner, &me)) {
        log_error("%s", me.zMsg);
        api_monitor_set(NULL);
        monitor_close(mon);
        switch_poll_stop();
        return KEEL_EIO;
    }

    if (proxy_list_parse(c->zTrustedProxies, &gProxies, zErr, sizeof zErr)) {
        log_error("--trusted-proxy: %s", zErr);
        switch_poll_stop();
        return KEEL_EINVAL;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)c->port);
    if (inet_pton(AF_INET, c->zHost, &addr.sin_addr) != 1) {
        log_error("cannot listen on '%s': give an IPv4 address such as 127.0.0.1", c->zHost);
        switch_poll_stop();
        return KEEL_EINVAL;
    }
    int nThread = c->nThread > 0 ? c->nThread : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nThread < 1) nThread = 1;
    if (nThread > 64) nThread = 64;

    /* writes run on their own threads, readers keep libmicrohttpd's
     * workers; a plan solve holds its writer up to its time limit: keep
     * one writer free */
    int nWriters = nThread < 4 ? 4 : nThread;
    alloc_solve_set_slots(nWriters - 1);
    if (writers_start(nWriters)) {
        log_error("cannot start the writer threads");
        scheduler_stop(sched);
        api_monitor_set(NULL);
        monitor_close(mon);
        switch_poll_stop();
        return KEEL_EIO;
    }
    MHD_set_panic_func(server_panic, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* slow clients (docs/security.md): room for many connections (epoll,
     * the open-file limit raised to its hard limit), little memory each, a
     * deadline for each request head and a limit per address (http/conns.c) */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)c->connLimit + 64)
        log_info("the open-file limit (%llu) is below --max-connections %d: connections "
                 "beyond it wait to be accepted",
                 (unsigned long long)rl.rlim_cur, c->connLimit);
    conns_configure(c->headerTimeout, c->maxPerAddr, &gProxies);
    /* each connection's memory pool holds the request line and headers
     * (bodies go to the route's own buffer) and the response's headers;
     * libmicrohttpd zeroes the whole pool between the requests of a kept-
     * alive connection, so its size is paid on every request: 16 KB holds
     * any header keel takes (cookies and tokens are under 200 bytes) */
    unsigned flags =
        MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
        (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL_INTERNAL_THREAD
                                                                : MHD_USE_AUTO_INTERNAL_THREAD);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, conns_accept, NULL, server_access, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)nThread,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->connTimeout, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)c->connLimit, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, server_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
        conns_notify, NULL, MHD_OPTION_UNESCAPE_CALLBACK, server_unescape, NULL, MHD_OPTION_END);
    if (!d) {
        log_error("cannot listen on %s:%d: %s", c->zHost, c->port, strerror(errno));
        writers_stop();
        scheduler_stop(sched);
        api_monitor_set(NULL);
        monitor_close(mon);
        switch_poll_stop();
        return KEEL_EIO;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    int port = di ? di->port : c->port;
    printf("keel: listening on http://%s:%d\n", c->zHost, port);
    fflush(stdout);
    char zShown[256];
    db_display_name(c->zDbPath, zShown, sizeof zShown);
    log_info("serving %s on http://%s:%d with %d workers and %d writers", zShown, c->zHost, port,
             nThread, nWriters);

    while (!gStop) {
        usleep(100 * 1000);
        conns_sweep();
    }

    log_info("shutting down: finishing %d request(s) in flight", atomic_load(&gInFlight));
    MHD_quiesce_daemon(d);
    for (int i = 0; i < 100 && atomic_load(&gInFlight) > 0; i++)
        usleep(100 * 1000);
    writers_stop(); /* the queued writes finish and resume their connections */
    MHD_stop_daemon(d);
    switch_poll_stop();
    scheduler_stop(sched); /* writes the pending windows */
    api_monitor_set(NULL);
    monitor_close(mon);
    pthread_mutex_lock(&dbListMutex);
    for (int i = 0; i < nDbOpen; i++)
        db_close(aDbOpen[i]);
    nDbOpen = 0;
    pthread_mutex_unlock(&dbListMutex);
    log_info("stopped cleanly");
    return 0;
}
