/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Calling a route in-process, without a socket: the same route table,
 * role check, body rules and handlers as the server, for `keel api` and
 * the CLI reports. The caller is an account of the database. */
#ifndef KEEL_HTTP_LOCAL_H
#define KEEL_HTTP_LOCAL_H
#include "http/router.h"

/* Run zMethod zUrl ("/api/v1/units?kind=region") as who over db, with an
 * optional body (JSON, or CSV when bCsv). resp receives status and body
 * (the error envelope on failure). bWantCsv asks lists for CSV. */
void http_local(Db *db, const Principal *who, const char *zMethod, const char *zUrl,
                const char *zBody, size_t nBody, int bCsv, int bWantCsv, Resp *resp);

#endif
