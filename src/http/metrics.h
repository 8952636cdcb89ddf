/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server's own request metrics for GET /metrics: per route (and one
 * row for requests no route matched) the requests by status class and a
 * latency histogram, kept in atomic counters (no lock on the request
 * path), rendered in the Prometheus text exposition format. */
#ifndef KEEL_HTTP_METRICS_H
#define KEEL_HTTP_METRICS_H
#include "util/buf.h"

/* Count a finished request: iRoute is the index in aRoute, or -1 when no
 * route matched; ms its duration. */
void http_metrics_observe(int iRoute, int status, double ms);

/* Append keel_http_requests_total and keel_http_request_duration_seconds
 * to b (# HELP and # TYPE lines included). */
void http_metrics_render(Buf *b);

#endif
