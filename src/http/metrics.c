/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Request metrics (metrics.h). Counters are relaxed atomics in static
 * arrays sized for the route table (checked when rendering); a request is
 * five atomic adds. */
#include "http/metrics.h"
#include "http/router.h"
#include <stdatomic.h>

#define HM_MAX_ROUTES 512
#define HM_BUCKETS 12

/* Bucket upper bounds in seconds (Prometheus's defaults plus finer ones). */
static const double aLe[HM_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                       0.05,   0.1,   0.25,   0.5,   1,    2.5};
static const char *const azClass[5] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

static atomic_ullong aCount[HM_MAX_ROUTES + 1][5];
static atomic_ullong aBucket[HM_MAX_ROUTES + 1][HM_BUCKETS + 1];
static atomic_ullong aSumUs[HM_MAX_ROUTES + 1];

void http_metrics_observe(int iRoute, int status, double ms) {
    int i = iRoute < 0 || iRoute >= HM_MAX_ROUTES ? HM_MAX_ROUTES : iRoute;
    int c = status / 100 - 1;
    if (c < 0 || c > 4) c = 4;
    atomic_fetch_add_explicit(&aCount[i][c], 1, memory_order_relaxed);
    int b = 0;
    while (b < HM_BUCKETS && ms / 1000 > aLe[b])
        b++;
    atomic_fetch_add_explicit(&aBucket[i][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&aSumUs[i], (unsigned long long)(ms * 1000), memory_order_relaxed);
}

/* The label value naming row i ("GET /api/v1/units" or "unmatched"). */
static void hm_route_label(Buf *b, int i) {
    if (i == HM_MAX_ROUTES)
        buf_puts(b, "unmatched");
    else
        buf_printf(b, "%s %s", aRoute[i].zMethod, aRoute[i].zPattern);
}

void http_metrics_render(Buf *b) {
    int n = nRoute < HM_MAX_ROUTES ? nRoute : HM_MAX_ROUTES;
    buf_puts(b, "# HELP keel_http_requests_total HTTP requests by route and status class.\n"
                "# TYPE keel_http_requests_total counter\n");
    for (int k = 0; k <= n; k++) {
        int i = k == n ? HM_MAX_ROUTES : k;
        for (int c = 0; c < 5; c++) {
            unsigned long long v = atomic_load_explicit(&aCount[i][c], memory_order_relaxed);
            if (!v) continue;
            buf_puts(b, "keel_http_requests_total{route=\"");
            hm_route_label(b, i);
            buf_printf(b, "\",code=\"%s\"} %llu\n", azClass[c], v);
        }
    }
    buf_puts(b, "# HELP keel_http_request_duration_seconds Time to answer, by route.\n"
                "# TYPE keel_http_request_duration_seconds histogram\n");
    for (int k = 0; k <= n; k++) {
        int i = k == n ? HM_MAX_ROUTES : k;
        unsigned long long cum = 0, total = 0;
        for (int j = 0; j <= HM_BUCKETS; j++)
            total += atomic_load_explicit(&aBucket[i][j], memory_order_relaxed);
        if (!total) continue;
        for (int j = 0; j <= HM_BUCKETS; j++) {
            cum += atomic_load_explicit(&aBucket[i][j], memory_order_relaxed);
            buf_puts(b, "keel_http_request_duration_seconds_bucket{route=\"");
            hm_route_label(b, i);
            if (j < HM_BUCKETS)
                buf_printf(b, "\",le=\"%g\"} %llu\n", aLe[j], cum);
            else
                buf_printf(b, "\",le=\"+Inf\"} %llu\n", cum);
        }
        buf_puts(b, "keel_http_request_duration_seconds_sum{route=\"");
        hm_route_label(b, i);
        buf_printf(b, "\"} %.6f\nkeel_http_request_duration_seconds_count{route=\"",
                   (double)atomic_load_explicit(&aSumUs[i], memory_order_relaxed) / 1e6);
        hm_route_label(b, i);
        buf_printf(b, "\"} %llu\n", cum);
    }
}
