/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who is calling: resolves the session cookie or Bearer token of a request
 * into req->who and applies the CSRF rule for cookie-authenticated writes.
 * Roles, token scopes and the body are route_admit's (router.h). */
#ifndef KEEL_HTTP_AUTH_H
#define KEEL_HTTP_AUTH_H
#include "http/router.h"

#define HTTP_SESSION_COOKIE "keel_session"

/* 0 when the request may go on to route_admit (req->who.kind is AUTH_NONE
 * without credentials); else KEEL_EAUTH for credentials that are sent but
 * invalid, KEEL_EFORBIDDEN for a cookie write without the CSRF token. */
int http_auth_check(Req *req, const Route *r, const AuthPolicy *pol, KeelError *e);

#endif
