/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Request authentication and authorisation against the route table; see
 * auth.h. */
#include "http/auth.h"
#include "util/crypto.h"
#include <microhttpd.h>
#include <string.h>

int http_auth_check(Req *req, const Route *r, const AuthPolicy *pol, KeelError *e) {
    const char *zAuthz = req_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *zCookie =
        MHD_lookup_connection_value(req->pConn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
    int rc = KEEL_EAUTH;
    memset(&req->who, 0, sizeof req->who);
    if (zAuthz) {
        if (strncmp(zAuthz, "Bearer ", 7) != 0 || strlen(zAuthz + 7) > 200) {
            if (r->roles & ROLE_PUBLIC) return 0;
            return err_set(e, KEEL_EAUTH, "", "the Authorization header must be 'Bearer <token>'");
        }
        rc = auth_bearer(req->db, zAuthz + 7, &req->who);
        if (rc && rc != KEEL_EAUTH) return rc;
        if (rc && !(r->roles & ROLE_PUBLIC))
            return err_set(e, KEEL_EAUTH, "", "the token is unknown, revoked or expired");
    } else if (zCookie && strlen(zCookie) < 200) {
        rc = auth_session(req->db, zCookie, pol, &req->who);
        if (rc && rc != KEEL_EAUTH) return rc;
        if (rc && !(r->roles & ROLE_PUBLIC))
            return err_set(e, KEEL_EAUTH, "", "the session has expired or ended; sign in again");
    }
    /* a calendar application cannot send headers: routes that a
     * calendar:read token reaches take the token as ?token= (the access
     * log never shows query strings) */
    const char *zQueryToken = req_query(req, "token");
    if (!zAuthz && !(zCookie && rc == 0) && zQueryToken && (r->scopes & SCOPE_CALENDAR_READ)) {
        rc = strlen(zQueryToken) > 200 ? KEEL_EAUTH : auth_bearer(req->db, zQueryToken, &req->who);
        if (rc && rc != KEEL_EAUTH) return rc;
        if (rc) return err_set(e, KEEL_EAUTH, "token", "the token is unknown, revoked or expired");
        /* a URL ends up in calendar services, proxies and browser history:
         * only a calendar:read token, which reads the calendar and nothing
         * else, may travel in one */
        if (req->who.scope != SCOPE_CALENDAR_READ) {
            memset(&req->who, 0, sizeof req->who);
            return err_set(e, KEEL_EFORBIDDEN, "token",
                           "only a calendar:read token may be sent as ?token=; send other tokens "
                           "in the Authorization header (Bearer), or make a calendar:read token");
        }
    }
    if (rc) memset(&req->who, 0, sizeof req->who); /* no valid credentials */
    int bWrite = strcmp(req->zMethod, "GET") != 0 && strcmp(req->zMethod, "HEAD") != 0;
    if (bWrite && !(r->roles & ROLE_PUBLIC) && req->who.kind == AUTH_COOKIE) {
        const char *zCsrf = req_header(req, "X-CSRF-Token");
        if (!zCsrf || !crypto_str_eq(zCsrf, req->who.zCsrf))
            return err_set(e, KEEL_EFORBIDDEN, "X-CSRF-Token",
                           "send the session's csrf_token in the X-CSRF-Token header");
    }
    return 0;
}
