/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A minimal HTTP/1.1 client for the CLI commands that talk to a running
 * keel over --url (plain http://, one request per connection, a Bearer
 * token): pipelines without the database file. TLS is a reverse proxy's
 * job; a pipeline on another host reaches keel through one with curl. */
#ifndef KEEL_CLI_HTTP_H
#define KEEL_CLI_HTTP_H
#include <stddef.h>

#define CLI_HTTP_MAX (16u << 20) /* largest response accepted */

/* Parse a whole HTTP/1.x response (n bytes at z, read until the server
 * closed): the status code into *pStatus and the body (Content-Length,
 * chunked, or up to the end) into a new NUL-terminated *pzBody (caller
 * frees) of *pnBody bytes. 0, or -1 with zErr saying what is malformed. */
int cli_http_parse(const char *z, size_t n, int *pStatus, char **pzBody, size_t *pnBody, char *zErr,
                   size_t nErr);

/* GET zPath (with query) from the server at zUrl ("http://host:port",
 * optionally with a path prefix) with "Authorization: Bearer zToken"
 * (may be NULL). 0 with the status and body, or -1 with zErr (cannot
 * connect, timeout after 30 s, malformed answer). */
int cli_http_get(const char *zUrl, const char *zPath, const char *zToken, int *pStatus,
                 char **pzBody, size_t *pnBody, char *zErr, size_t nErr);

/* The same for any method, with a body of nBody bytes of type zType
 * (zType NULL: no body). */
int cli_http_request(const char *zUrl, const char *zMethod, const char *zPath, const char *zToken,
                     const char *zType, const char *zBody, size_t nBody, int *pStatus,
                     char **pzBody, size_t *pnBody, char *zErr, size_t nErr);

#endif
