/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Monitoring over HTTP: prediction events and labels in
 * (POST /api/v1/systems/{system}/events and /labels), a system's windows
 * (GET /api/v1/systems/{system}/monitor), the jobs (GET /api/v1/jobs,
 * POST /api/v1/jobs/{*name}), and GET /metrics for Prometheus. The
 * process's Monitor is set by keel serve (or keel ingest --db); without
 * one, intake answers 503. */
#include "api/api.h"
#include "domain/decay.h"
#include "domain/monitor.h"
#include "domain/scheduler.h"
#include "domain/system.h"
#include "http/metrics.h"
#include "store/store_monitor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static Monitor *gMon; /* set once before serving; read-only afterwards */

void api_monitor_set(Monitor *mon) { gMon = mon; }

/* The system named in the path: its name into zName (ROUTE_KEY_MAX + 1
 * bytes) and, when bLookUp, its id into *pId (404 when there is none). */
static int monitor_path_system(Req *req, char *zName, int bLookUp, int64_t *pId) {
    if (router_key(req->pRoute->zPattern, req->zPath, 0, zName, ROUTE_KEY_MAX + 1))
        return err_set(&req->err, KEEL_ENOTFOUND, "system", "no such system");
    if (!bLookUp) return 0;
    int64_t id = system_id_by_name(req->db, zName);
    if (id < 0) return err_set(&req->err, (int)id, "", "cannot look the system up");
    if (id == 0)
        return err_set(&req->err, KEEL_ENOTFOUND, "system",
                       "no AI system is called '%s'; register it first", zName);
    *pId = id;
    return 0;
}

/* The system named in the path into *pId when the caller may send it
 * events: admins and engineers for any system, owners for their own. */
static int monitor_system(Req *req, int64_t *pId) {
    char zName[ROUTE_KEY_MAX + 1];
    int bAny = req->who.role == ROLE_ADMIN || req->who.role == ROLE_ENGINEER;
    int rc = monitor_path_system(req, zName, bAny, pId);
    if (rc || bAny) return rc;
    return system_for_edit(req->db, &req->who, zName, pId, &req->err);
}

/* The version labels of the batch that the register does not have (new
 * reference): the events are taken all the same, and flagged here and in
 * the windows ("registered": false). */
static json_t *monitor_unregistered(Db *db, int64_t system, const MonIngestResult *res) {
    json_t *a = json_array();
    for (uint32_t i = 0; i < res->nVersions; i++)
        if (store_monitor_version_known(db, system, res->azVersion[i]) == 0)
            json_array_append_new(a, json_string(res->azVersion[i]));
    return a;
}

/* The answer of an ingest: counts and the refused lines (new reference). */
static json_t *monitor_answer(const MonIngestResult *res, EvKind kind) {
    json_t *a = json_array();
    for (uint32_t i = 0; i < res->nRejected && i < MONITOR_MAX_REJECTED; i++) {
        const EngineError *e = &res->aRejected[i];
        json_array_append_new(a, json_pack("{s:I,s:s,s:s}", "line", (json_int_t)e->iLine, "field",
                                           e->zField, "message", e->zMsg));
    }
    json_t *j = json_pack("{s:I,s:I,s:I,s:o}", "accepted", (json_int_t)res->nAccepted, "duplicates",
                          (json_int_t)res->nDuplicates, "rejected_count",
                          (json_int_t)res->nRejected, "rejected", a);
    if (kind == EVSCAN_LABELS)
        json_object_set_new(j, "unmatched", json_integer((json_int_t)res->nUnmatched));
    return j;
}

/* POST events or labels. */
static int monitor_take(Req *req, Resp *resp, EvKind kind) {
    int64_t id = 0;
    int rc = monitor_system(req, &id);
    if (rc) return rc;
    if (!gMon)
        return err_set(&req->err, KEEL_EBUSY, "",
                       "events are taken by a running keel serve (or keel ingest --db)");
    const char *zPartial = req_query(req, "partial");
    int partial = zPartial && (strcmp(zPartial, "1") == 0 || strcmp(zPartial, "true") == 0);
    MonIngestResult *res = malloc(sizeof *res);
    if (!res) return err_set(&req->err, KEEL_ENOMEM, "", "out of memory");
    rc = monitor_ingest(gMon, id, req->body.z ? req->body.z : "", req->body.n,
                        req->bBodyCsv ? EVSCAN_CSV : EVSCAN_NDJSON, kind, partial, res, &req->err);
    if (rc == 0 || rc == KEEL_EINVAL) {
        json_t *j = monitor_answer(res, kind);
        if (kind == EVSCAN_EVENTS)
            json_object_set_new(j, "unregistered_versions", monitor_unregistered(req->db, id, res));
        if (rc) {
            json_object_set_new(j, "error",
                                json_pack("{s:s,s:s,s:s}", "code", "invalid_lines", "message",
                                          req->err.zMsg, "field", req->err.zField));
        }
        resp_json(resp, rc ? 422 : 200, j);
        rc = 0;
    }
    free(res);
    return rc;
}

int api_system_events(Req *req, Resp *resp) { return monitor_take(req, resp, EVSCAN_EVENTS); }
int api_system_labels(Req *req, Resp *resp) { return monitor_take(req, resp, EVSCAN_LABELS); }

int api_system_monitor(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    int64_t id = 0;
    int rc = monitor_path_system(req, zName, 1, &id);
    if (rc) return rc;
    const char *zGrain = req_query(req, "grain");
    if (!zGrain) zGrain = "minute";
    if (strcmp(zGrain, "minute") && strcmp(zGrain, "hour") && strcmp(zGrain, "day"))
        return err_set(&req->err, KEEL_EINVAL, "grain", "grain is minute, hour or day");
    const char *zLimit = req_query(req, "limit");
    long nLimit = zLimit ? strtol(zLimit, NULL, 10) : 60;
    if (nLimit < 1 || nLimit > 10000)
        return err_set(&req->err, KEEL_EINVAL, "limit", "limit is 1 to 10000");
    json_t *rows;
    rc = store_monitor_window_list(req->db, id, zGrain, INT64_MIN, (int)nLimit, &rows);
    if (rc) return err_set(&req->err, rc, "", "cannot read the windows");
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *r = json_object_get(row, "registered");
        json_object_set_new(row, "registered", json_boolean(r && json_integer_value(r) != 0));
    }
    json_t *findings;
    if ((rc = decay_findings(req->db, id, &findings))) {
        json_decref(rows);
        return err_set(&req->err, rc, "", "cannot read the findings");
    }
    resp_json(resp, 200,
              json_pack("{s:s,s:s,s:o,s:o}", "system", zName, "grain", zGrain, "windows", rows,
                        "findings", findings));
    return 0;
}

int api_jobs_list(Req *req, Resp *resp) {
    json_t *rows;
    int rc = scheduler_list(req->db, &rows, &req->err);
    if (rc) return rc;
    resp_json(resp, 200, json_pack("{s:o}", "jobs", rows));
    return 0;
}

int api_jobs_run(Req *req, Resp *resp) {
    const char *zName = router_wildcard(req->pRoute->zPattern, req->zPath);
    char zOwner[96];
    snprintf(zOwner, sizeof zOwner, "api:%ld", (long)getpid());
    int rc = scheduler_run_now(req->db, zName ? zName : "", zOwner, &req->err);
    if (rc) return rc;
    return api_jobs_list(req, resp);
}

/* ---- /metrics ----------------------------------------------------------- */

/* Append one gauge or counter line "name{labels} value" (NaN skipped). */
static void prom_line(Buf *b, const char *zName, const char *zLabels, double v) {
    if (isnan(v)) return;
    buf_puts(b, zName);
    if (zLabels) {
        buf_putc(b, '{');
        buf_puts(b, zLabels);
        buf_putc(b, '}');
    }
    if (v == floor(v) && fabs(v) < 9e15) /* counts and times: an integer, exactly */
        buf_printf(b, " %lld\n", (long long)v);
    else
        buf_printf(b, " %.17g\n", v);
}

/* Append a metric's "# HELP" and "# TYPE" lines. */
static void prom_head(Buf *b, const char *zName, const char *zHelp, const char *zType) {
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", zName, zHelp, zName, zType);
}

/* Append a label value escaped for the exposition format. */
static void prom_escape(Buf *b, const char *z) {
    for (; z && *z; z++) {
        if (*z == '\\' || *z == '"') buf_putc(b, '\\');
        if (*z == '\n') {
            buf_puts(b, "\\n");
            continue;
        }
        buf_putc(b, *z);
    }
}

/* The monitor's own counters. */
static void metrics_monitor(Buf *b) {
    MonStats st;
    monitor_stats(gMon, &st);
    static const struct {
        const char *zName, *zType, *zHelp;
        size_t off;
    } a[] = {
        {"keel_ingest_events_total", "counter", "Prediction events stored.",
         offsetof(MonStats, nEvents)},
        {"keel_ingest_duplicates_total", "counter", "Events refused as already taken.",
         offsetof(MonStats, nDuplicates)},
        {"keel_ingest_rejected_total", "counter", "Lines refused as invalid.",
         offsetof(MonStats, nRejected)},
        {"keel_ingest_labels_total", "counter", "Labels joined to their events.",
         offsetof(MonStats, nLabels)},
        {"keel_ingest_bytes_total", "counter", "Request body bytes taken.",
         offsetof(MonStats, nBytes)},
        {"keel_ingest_batches_total", "counter", "Batches taken.", offsetof(MonStats, nBatches)},
        {"keel_monitor_pending_windows", "gauge", "Windows waiting to be written to the store.",
         offsetof(MonStats, nPendingWindows)},
        {"keel_monitor_flushes_total", "counter", "Window flushes.", offsetof(MonStats, nFlushes)},
        {"keel_monitor_flush_failures_total", "counter", "Window flushes that failed.",
         offsetof(MonStats, nFlushFailures)},
        {"keel_dedup_slots", "gauge",
         "Slots of the event_id index (8 bytes each; both tables while it grows).",
         offsetof(MonStats, nDedupSlots)},
        {"keel_segment_files", "gauge", "Event segment files on disk.",
         offsetof(MonStats, nSegments)},
        {"keel_segment_bytes", "gauge", "Bytes of event segments on disk.",
         offsetof(MonStats, nSegmentBytes)},
        {"keel_segment_syncs_total", "counter", "fdatasync calls of the event log.",
         offsetof(MonStats, nSyncs)},
    };
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        uint64_t v;
        memcpy(&v, (const char *)&st + a[i].off, sizeof v);
        prom_head(b, a[i].zName, a[i].zHelp, a[i].zType);
        buf_printf(b, "%s %llu\n", a[i].zName, (unsigned long long)v);
    }
    buf_printf(b,
               "# HELP keel_monitor_lag_frames Event frames not yet in the stored windows.\n"
               "# TYPE keel_monitor_lag_frames gauge\nkeel_monitor_lag_frames %llu\n"
               "# HELP keel_dedup_horizon_days Days back the event_id index reaches.\n"
               "# TYPE keel_dedup_horizon_days gauge\nkeel_dedup_horizon_days %d\n",
               (unsigned long long)(st.lastSeq - st.appliedSeq), st.dedupHorizonDays);
}

/* One metric drawn from rows: zCol of each row, divided by div. */
typedef struct PromMetric {
    const char *zCol, *zName, *zHelp;
    double div;
} PromMetric;

/* Each metric of a[0..n) as zType lines, one per row that has a number in
 * its column, labelled with the row's columns azLabel[2k + 1] under the
 * names azLabel[2k] (a NULL-terminated list of pairs). Releases rows. */
static void prom_rows(Buf *b, json_t *rows, const PromMetric *a, size_t n, const char *zType,
                      const char *const *azLabel) {
    for (size_t k = 0; k < n; k++) {
        prom_head(b, a[k].zName, a[k].zHelp, zType);
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r) {
            json_t *v = json_object_get(r, a[k].zCol);
            if (!json_is_number(v)) continue;
            Buf lab;
            buf_init(&lab, 0);
            for (size_t l = 0; azLabel[l]; l += 2) {
                buf_printf(&lab, "%s%s=\"", l ? "," : "", azLabel[l]);
                prom_escape(&lab, json_string_value(json_object_get(r, azLabel[l + 1])));
                buf_putc(&lab, '"');
            }
            prom_line(b, a[k].zName, lab.z, json_number_value(v) / a[k].div);
            buf_reset(&lab);
        }
    }
    json_decref(rows);
}

/* Job runs and failures. */
static int metrics_jobs(Req *req, Buf *b) {
    json_t *rows;
    int rc = store_job_counts(req->db, &rows);
    if (rc) return rc;
    static const PromMetric a[] = {
        {"runs", "keel_job_runs_total", "Scheduled job runs recorded.", 1},
        {"failures", "keel_job_failures_total", "Scheduled job runs that failed.", 1},
    };
    static const char *const azLabel[] = {"job", "job", NULL};
    prom_rows(b, rows, a, sizeof a / sizeof *a, "counter", azLabel);
    return 0;
}

/* Each system's latest minute window as labelled gauges: one pass over the
 * rows (no JSON), each metric's lines gathered in its own buffer. */
static const struct {
    const char *zName, *zHelp;
} aWinMetric[MON_LATEST_NVAL] = {
    {"keel_window_events", "Events in the latest minute window."},
    {"keel_window_error_rate", "Share of events with error: true."},
    {"keel_window_latency_p50_ms", "Median latency (DDSketch, 1% relative)."},
    {"keel_window_latency_p90_ms", "90th percentile latency."},
    {"keel_window_latency_p99_ms", "99th percentile latency."},
    {"keel_window_mean_score", "Mean score."},
    {"keel_window_accuracy", "Accuracy of labelled events."},
    {"keel_window_auc", "ROC AUC of labelled events."},
    {"keel_window_start_seconds", "Start of the latest window."},
};

/* One row into the per-metric buffers (ctx: Buf[MON_LATEST_NVAL + 1], the
 * last one for the labels). */
static int metrics_window_row(void *ctx, const char *zSystem, const char *zVersion,
                              const char *zSegment, const double *aV) {
    Buf *ab = ctx, *lab = &ab[MON_LATEST_NVAL];
    lab->n = 0;
    buf_puts(lab, "system=\"");
    prom_escape(lab, zSystem);
    buf_puts(lab, "\",version=\"");
    prom_escape(lab, zVersion);
    buf_puts(lab, "\",segment=\"");
    prom_escape(lab, zSegment);
    buf_putc(lab, '"');
    for (int k = 0; k < MON_LATEST_NVAL; k++)
        prom_line(&ab[k], aWinMetric[k].zName, lab->z,
                  k == MON_LATEST_NVAL - 1 ? aV[k] / 1000 : aV[k]);
    return buf_err(lab);
}

static int metrics_windows(Req *req, Buf *b) {
    Buf ab[MON_LATEST_NVAL + 1];
    for (int k = 0; k <= MON_LATEST_NVAL; k++)
        buf_init(&ab[k], 0);
    int rc = store_monitor_latest_each(req->db, metrics_window_row, ab);
    for (int k = 0; k < MON_LATEST_NVAL; k++) {
        if (!rc) rc = buf_err(&ab[k]);
        if (!rc) {
            prom_head(b, aWinMetric[k].zName, aWinMetric[k].zHelp, "gauge");
            buf_append(b, ab[k].z, ab[k].n);
        }
    }
    for (int k = 0; k <= MON_LATEST_NVAL; k++)
        buf_reset(&ab[k]);
    return rc;
}

int api_metrics(Req *req, Resp *resp) {
    if (req->who.kind != AUTH_BEARER && req->who.role != ROLE_ADMIN)
        return err_set(&req->err, KEEL_EFORBIDDEN, "",
                       "/metrics is for admins, or a token with the metrics:read scope");
    Buf b;
    buf_init(&b, 0);
    http_metrics_render(&b);
    if (gMon) metrics_monitor(&b);
    int rc = metrics_jobs(req, &b);
    if (!rc) rc = metrics_windows(req, &b);
    if (!rc) rc = buf_err(&b);
    if (rc) {
        buf_reset(&b);
        return err_set(&req->err, rc, "", "cannot read the metrics");
    }
    resp_buf(resp, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
    return 0;
}
