/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who is calling: resolves the session cookie or Bearer token of a request
 * into req->who, then applies the route's roles, the token's scope and the
 * CSRF rule for cookie-authenticated writes. */
#ifndef KEEL_HTTP_AUTH_H
#define KEEL_HTTP_AUTH_H
#include "http/router.h"

#define HTTP_SESSION_COOKIE "keel_session"

/* 0 when the request may go on; else KEEL_EAUTH / KEEL_EFORBIDDEN with e. */
int http_auth_check(Req *req, const Route *r, const AuthPolicy *pol, KeelError *e);

#endif
