/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one mapping from keel error codes to wire names and HTTP statuses. */
#include "util/err.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *err_code_name(int rc) {
    switch (rc) {
    case KEEL_OK: return "ok";
    case KEEL_EINVAL: return "invalid";
    case KEEL_ENOTFOUND: return "not_found";
    case KEEL_ECONFLICT: return "conflict";
    case KEEL_EAUTH: return "unauthenticated";
    case KEEL_EFORBIDDEN: return "forbidden";
    case KEEL_ENOMEM: return "out_of_memory";
    case KEEL_EIO: return "io_error";
    case KEEL_ETOOBIG: return "too_large";
    case KEEL_ERULE: return "rule_violation";
    case KEEL_EBUSY: return "busy";
    case KEEL_ERATE: return "rate_limited";
    case KEEL_EVERSION: return "version_mismatch";
    case KEEL_EMETHOD: return "method_not_allowed";
    case KEEL_ELENGTH: return "length_required";
    case KEEL_EMEDIA: return "unsupported_media_type";
    case KEEL_EFULL: return "disk_full";
    case KEEL_EUNIMPL: return "not_implemented";
    default: return "internal";
    }
}

int err_http_status(int rc) {
    switch (rc) {
    case KEEL_OK: return 200;
    case KEEL_EINVAL: return 400;
    case KEEL_ENOTFOUND: return 404;
    case KEEL_ECONFLICT: return 409;
    case KEEL_EAUTH: return 401;
    case KEEL_EFORBIDDEN: return 403;
    case KEEL_ETOOBIG: return 413;
    case KEEL_ERULE: return 422;
    case KEEL_EBUSY: return 503;
    case KEEL_ERATE: return 429;
    case KEEL_EMETHOD: return 405;
    case KEEL_ELENGTH: return 411;
    case KEEL_EMEDIA: return 415;
    case KEEL_EFULL: return 507;
    case KEEL_EUNIMPL: return 501;
    default: return 500;
    }
}

/* Fill e (may be NULL) with every part; returns rc. */
static int err_vset(KeelError *e, int rc, const char *zCode, const char *zField, const char *zFmt,
                    va_list ap) {
    if (!e) return rc;
    e->rc = rc;
    snprintf(e->zCode, sizeof e->zCode, "%s", zCode ? zCode : "");
    e->zParams[0] = 0;
    snprintf(e->zField, sizeof e->zField, "%s", zField ? zField : "");
    vsnprintf(e->zMsg, sizeof e->zMsg, zFmt, ap);
    return rc;
}

int err_set(KeelError *e, int rc, const char *zField, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    err_vset(e, rc, NULL, zField, zFmt, ap);
    va_end(ap);
    return rc;
}

int err_set_code(KeelError *e, int rc, const char *zCode, const char *zField, const char *zFmt,
                 ...) {
    va_list ap;
    va_start(ap, zFmt);
    err_vset(e, rc, zCode, zField, zFmt, ap);
    va_end(ap);
    return rc;
}

void err_set_params(KeelError *e, const char *zJson) {
    if (!e) return;
    e->zParams[0] = 0;
    if (zJson && strlen(zJson) < sizeof e->zParams)
        snprintf(e->zParams, sizeof e->zParams, "%s", zJson);
}

int err_no_id(KeelError *e, int rc, const char *zField, const char *zWhat, long long id) {
    return err_set(e, rc, zField, "no %s with id %lld", zWhat, id);
}
