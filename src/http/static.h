/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The web UI's static files, embedded into the binary at build time by
 * cmake/embed_web.cmake, and the handlers that serve them: index.html at
 * "/" (never cached, strict Content-Security-Policy) and every asset at
 * /assets/<hash>/<path> with a year of immutable caching, where <hash> is
 * the build's content hash of all assets. Text assets over 1 KiB are also
 * embedded gzip-compressed and sent so (Content-Encoding: gzip, Vary:
 * Accept-Encoding) to clients that accept it. */
#ifndef KEEL_HTTP_STATIC_H
#define KEEL_HTTP_STATIC_H
#include "http/router.h"

/* One embedded file. */
typedef struct StaticAsset {
    const char *zPath;          /* relative to web/, e.g. "pages/home.js" */
    const unsigned char *aData; /* the bytes (NUL-terminated, not counted) */
    unsigned int nData;         /* length in bytes */
    const char *zType;          /* Content-Type */
    const unsigned char *aGz;   /* the same gzip-compressed at build time (text
                                 * assets over 1 KiB), or NULL */
    unsigned int nGz;           /* its length */
} StaticAsset;

/* The generated table (build dir gen/embed_web.c), sorted by zPath. */
extern const StaticAsset aStaticAsset[];
extern const int nStaticAsset;
/* 16 hex digits: SHA-256 of every asset's path and content. */
extern const char zStaticHash[];

/* The Content-Security-Policy sent with the UI: scripts, styles, images,
 * fonts and API calls from this origin only; no inline script or style,
 * no frames, no plugins. */
#define STATIC_CSP                                                                                 \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "                  \
    "form-action 'self'; frame-ancestors 'none'"

/* 1 when an Accept-Encoding header value takes gzip (not with q=0). */
int static_accepts_gzip(const char *zAccept);

/* The asset at zPath (relative to web/), or NULL. Binary search. */
const StaticAsset *static_find(const char *zPath);

/* GET / : index.html. */
int static_index(Req *req, Resp *resp);
/* GET /assets/{*path} : an asset of this build, 404 for another hash or
 * an unknown path. */
int static_asset(Req *req, Resp *resp);

#endif
