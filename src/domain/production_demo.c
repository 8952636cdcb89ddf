/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo's production data (issue 20): six months of prediction events
 * generated here and taken in through the monitoring intake (the event
 * log and the windows, as a serving system's batches would be), then the
 * baselines, the decay findings, alert rules, a webhook and the switch
 * trip they lead to. Product recommendations decay from 31 % to 25 %
 * hits as the short-video traffic source grows; the maintenance model
 * fails on a new equipment segment (82 % against 95 %). Dates are
 * relative to the day the demo is loaded. */
#include "domain/alert.h"
#include "domain/decay.h"
#include "domain/demo.h"
#include "domain/monitor.h"
#include "domain/switch.h"
#include "domain/system.h"
#include "store/store_alert.h"
#include "store/store_monitor.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_DAYS 182
#define DAY_MS 86400000LL

/* xorshift64*: the demo's events are the same for a seed. */
static double demo_unif(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

static double demo_gauss(uint64_t *s) {
    double u = demo_unif(s) + 1e-12;
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * demo_unif(s));
}

/* The time of event i of day d (d = 0 today, negative before): noon on
 * past days, the last half hour today (so the last hour has windows). */
static int64_t demo_ts(int64_t nowMs, int d, int i) {
    if (d == 0) return nowMs - 1800000 + (int64_t)i * 997 % 1800000;
    int64_t day = (nowMs / DAY_MS + d) * DAY_MS;
    return day + 12 * 3600000LL + i * 97;
}

/* Product recommendations 5.0: a hit (label 1) with 31.8 % for search,
 * e-mail and social traffic and 18 % for short video, whose share grows
 * from 5 % to 50 % over the six months. */
static void demo_recs_day(Buf *b, int64_t nowMs, int d, uint64_t *s) {
    double share = 0.05 + 0.45 * (double)(d + DEMO_DAYS - 1) / (DEMO_DAYS - 1);
    for (int i = 0; i < 300; i++) {
        int src = demo_unif(s) < share ? 4 : 1 + (int)(demo_unif(s) * 3);
        double p = src == 4 ? 0.18 : 0.318;
        int hit = demo_unif(s) < p;
        double minutes = src == 4 ? 2 + 8 * demo_unif(s) : 4 + 10 * demo_unif(s);
        buf_printf(
            b,
            "{\"event_id\":\"recs-%d-%d\",\"ts\":%lld,\"version\":\"5.0\",\"segment\":\"%s\","
            "\"latency_ms\":%.1f,\"score\":%.3f,\"prediction\":1,\"label\":%d,"
            "\"f.traffic_source\":%d,\"f.session_minutes\":%.2f,\"f.basket_items\":%d}\n",
            d, i, (long long)demo_ts(nowMs, d, i), i % 2 ? "app" : "web",
            38 + 25 * demo_unif(s) + (demo_unif(s) < 0.02 ? 200 : 0), 0.2 + 0.5 * demo_unif(s), hit,
            src, minutes, (int)(demo_unif(s) * 6));
    }
}

/* The maintenance model 3.1: 95 % right on hydraulic and mechanical
 * presses; servo transfer presses, added 45 days ago, vibrate
 * differently and it is right on 82 % of them. */
static void demo_maint_day(Buf *b, int64_t nowMs, int d, uint64_t *s) {
    int n = d >= -45 ? 240 : 180;
    for (int i = 0; i < n; i++) {
        int seg = i < 180 ? i % 2 : 2;
        static const char *const az[] = {"hydraulic", "mechanical", "servo-transfer"};
        double p = seg == 2 ? 0.82 : 0.95;
        int fail = demo_unif(s) < 0.2, ok = demo_unif(s) < p;
        double vib = seg == 2 ? 7.5 + 1.5 * demo_gauss(s) : 4 + 0.8 * demo_gauss(s);
        buf_printf(
            b,
            "{\"event_id\":\"press-%d-%d\",\"ts\":%lld,\"version\":\"3.1\",\"segment\":\"%s\","
            "\"latency_ms\":%.1f,\"score\":%.3f,\"prediction\":%d,\"label\":%d,"
            "\"f.vibration_rms\":%.2f,\"f.temperature_c\":%.1f,\"f.load_pct\":%.1f}\n",
            d, i, (long long)demo_ts(nowMs, d, i), az[seg], 8 + 4 * demo_unif(s),
            fail ? 0.6 + 0.4 * demo_unif(s) : 0.4 * demo_unif(s), ok ? fail : !fail, fail,
            fabs(vib), 55 + 8 * demo_gauss(s), 40 + 50 * demo_unif(s));
    }
}

/* Generate one system's events, 30 days a batch, into the intake. */
static int demo_ingest(Monitor *mon, int64_t systemId, int64_t nowMs, uint64_t *s,
                       void (*xDay)(Buf *, int64_t, int, uint64_t *), KeelError *e) {
    Buf b;
    buf_init(&b, 0);
    int rc = 0;
    for (int d = -(DEMO_DAYS - 1); d <= 0 && !rc; d++) {
        xDay(&b, nowMs, d, s);
        if ((d + DEMO_DAYS) % 30 && d) continue;
        if (buf_err(&b)) {
            rc = KEEL_ENOMEM;
            break;
        }
        MonIngestResult *res = calloc(1, sizeof *res);
        if (!res) rc = KEEL_ENOMEM;
        if (!rc)
            rc = monitor_ingest(mon, systemId, b.z, b.n, EVSCAN_NDJSON, EVSCAN_EVENTS, 0, res, e);
        if (rc == KEEL_EINVAL && res && res->nRejected)
            err_set(e, rc, "", "demo event line %zu: %s", (size_t)res->aRejected[0].iLine,
                    res->aRejected[0].zMsg);
        free(res);
        buf_reset(&b);
    }
    buf_reset(&b);
    return rc;
}

/* The rules, the webhook and the first evaluation: the maintenance
 * model's rule on its new segment trips its switch. */
static int demo_alerts(Db *db, KeelError *e) {
    Principal admin;
    memset(&admin, 0, sizeof admin);
    admin.kind = AUTH_NONE;
    admin.role = ROLE_ADMIN;
    snprintf(admin.zActor, sizeof admin.zActor, "demo");
    json_t *in =
        json_pack("{s:s,s:s,s:s}", "name", "ops-pager", "url", "http://127.0.0.1:9/keel-demo-pager",
                  "secret", "demo-secret-not-for-production");
    json_t *out = NULL;
    int rc = alert_webhook_create(db, &admin, in, &out, e);
    json_decref(in);
    json_decref(out);
    static const char *const azRule[][2] = {
        {"maintenance-model",
         "{\"name\":\"new equipment failing\",\"kind\":\"decay\",\"segment\":\"servo-transfer\","
         "\"op\":\">\",\"value\":0,\"severity\":\"critical\",\"webhook\":\"ops-pager\","
         "\"trip_switch\":true}"},
        {"maintenance-model",
         "{\"name\":\"p99 latency\",\"kind\":\"threshold\",\"metric\":\"p99\",\"op\":\">\","
         "\"value\":250,\"for\":600,\"severity\":\"warning\"}"},
        {"product-recs",
         "{\"name\":\"hit rate decaying\",\"kind\":\"decay\",\"op\":\">\",\"value\":0,"
         "\"severity\":\"warning\",\"webhook\":\"ops-pager\"}"},
        {"product-recs",
         "{\"name\":\"hit rate 10% below baseline\",\"kind\":\"relative\",\"metric\":"
         "\"accuracy\",\"op\":\"<\",\"value\":-0.1,\"for\":3600,\"severity\":\"critical\"}"},
        {"product-recs", "{\"name\":\"no events\",\"kind\":\"no_data\",\"op\":\">\",\"value\":1440,"
                         "\"severity\":\"warning\"}"},
    };
    for (size_t i = 0; i < sizeof azRule / sizeof azRule[0] && !rc; i++) {
        in = json_loads(azRule[i][1], 0, NULL);
        rc = in ? alert_rule_create(db, &admin, azRule[i][0], in, &out, e) : KEEL_EINTERNAL;
        json_decref(in);
        if (!rc) json_decref(out);
    }
    if (!rc) rc = alert_job(db, e);
    return rc;
}

int production_demo_load(Db *db, const char *zEventsDir, uint64_t seed, KeelError *e) {
    int64_t recs = system_id_by_name(db, "product-recs");
    int64_t maint = system_id_by_name(db, "maintenance-model");
    if (recs <= 0 || maint <= 0)
        return err_set(e, KEEL_EINVAL, "", "the demo has no product-recs or maintenance-model");
    /* the maintenance model serves: its switch is on (the demo's gate walk
     * took it to operating), so the rule below can trip it; the
     * recommender's version is still being registered for its gates (its
     * switch stays off) while its events already arrive */
    Principal chair;
    memset(&chair, 0, sizeof chair);
    chair.kind = AUTH_NONE;
    chair.role = ROLE_COMMITTEE;
    snprintf(chair.zActor, sizeof chair.zActor, "demo");
    json_t *flip = json_pack("{s:s,s:s,s:s}", "state", "on", "fallback", "rules", "reason",
                             "launched: the presses' planners follow it");
    json_t *out = NULL;
    int rc = switch_set(db, &chair, "maintenance-model", flip, &out, e);
    json_decref(out);
    json_decref(flip);
    if (rc) return rc;
    MonitorConfig mc;
    monitor_config_init(&mc);
    mc.zDir = zEventsDir;
    Monitor *mon = NULL;
    if ((rc = monitor_open(&mon, &mc, db, e))) return rc;
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 20;
    int64_t nowMs = time_now() * 1000;
    rc = demo_ingest(mon, recs, nowMs, &s, demo_recs_day, e);
    if (!rc) rc = demo_ingest(mon, maint, nowMs, &s, demo_maint_day, e);
    if (!rc) rc = monitor_flush(mon, db, e);
    monitor_close(mon);
    /* the windows hold the events now; the log was the demo's own (the
     * caller removes it), so the database starts a fresh one where it is
     * served, copied or restored */
    if (!rc) rc = store_monitor_state_set(db, "applied_seq", 0);
    if (rc) return rc;
    Actor a = {0, "demo"};
    int64_t from = (nowMs / DAY_MS - (DEMO_DAYS - 1)) * DAY_MS;
    int nSeg, nFound;
    rc = baseline_freeze(db, &a, recs, "5.0", from, from + 7 * DAY_MS,
                         "launch gate passed: the first week in production", &nSeg);
    if (!rc)
        rc = baseline_freeze(db, &a, maint, "3.1", from, from + 7 * DAY_MS,
                             "launch gate passed: the first week in production", &nSeg);
    if (rc) return err_set(e, rc, "", "cannot freeze the demo baselines: %s", db_errmsg(db));
    if ((rc = decay_detect(db, recs, &nFound, e)) || (rc = decay_detect(db, maint, &nFound, e)))
        return rc;
    return demo_alerts(db, e);
}
