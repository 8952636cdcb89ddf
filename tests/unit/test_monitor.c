/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for domain/monitor.c and domain/scheduler.c on a real SQLite
 * file and a real event directory: batches in, duplicates counted once,
 * a bad line refusing the batch (nothing stored) or, with partial, only
 * itself; the stored minute, hour and day rows equal the aggregate of the
 * accepted events computed directly; a restart without a flush replays
 * the log into the same rows (no event counted twice); late labels join
 * their events; jobs run under a lease and are recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "domain/monitor.h"
#include "domain/scheduler.h"
#include "engine/evagg.h"
#include "store/schema.h"
#include "store/store_cluster.h"
#include "store/store_monitor.h"
#include "util/buf.h"
#include "util/crypto.h"

typedef struct Fix {
    char zDir[64];
    char zDb[96];
    char zEv[96];
    Db *db;
} Fix;

static int fix_setup(void **state) {
    static Fix f;
    strcpy(f.zDir, "/tmp/keel-mon-XXXXXX");
    assert_non_null(mkdtemp(f.zDir));
    snprintf(f.zDb, sizeof f.zDb, "%s/k.db", f.zDir);
    snprintf(f.zEv, sizeof f.zEv, "%s/events", f.zDir);
    char zErr[256];
    assert_int_equal(crypto_init(), 0);
    assert_int_equal(schema_open(f.zDb, 1, &f.db, zErr, sizeof zErr), 0);
    *state = &f;
    return 0;
}

static int fix_teardown(void **state) {
    Fix *f = *state;
    db_close(f->db);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->zDir);
    return system(cmd);
}

static Monitor *mon_open(Fix *f) {
    MonitorConfig c;
    monitor_config_init(&c);
    c.zDir = f->zEv;
    c.dedupEntries = 1 << 16;
    Monitor *m = NULL;
    KeelError e;
    int rc = monitor_open(&m, &c, f->db, &e);
    if (rc) fail_msg("monitor_open: %s", e.zMsg);
    return m;
}

/* Line i of a generated batch: 3 versions, 2 segments, over 3 hours. */
static void gen_line(Buf *b, long i) {
    double score = ((i * 37) % 100 + 0.5) / 100;
    buf_printf(b,
               "{\"event_id\":\"ev-%ld\",\"ts\":%lld,\"version\":\"v%ld\",\"segment\":\"%s\","
               "\"latency_ms\":%g,\"score\":%g,\"prediction\":%d",
               i, 1796650000000LL + (i % 180) * 60000LL + i % 997, i % 3, i % 2 ? "eu" : "us",
               1 + (double)(i % 250) * 0.7, score, score >= 0.5);
    if (i % 3 == 0) buf_printf(b, ",\"label\":%d", (i * 13) % 7 < 3);
    buf_printf(b, ",\"f.age\":%ld}\n", 20 + i % 50);
}

/* The directly computed aggregate of events [0, n) of version v, segment
 * s, whose hour starts at hourMs (hour rows compared). */
static void direct(long n, long v, const char *zSeg, int64_t hourMs, EvAgg *a) {
    evagg_init(a);
    Buf b;
    buf_init(&b, 0);
    for (long i = 0; i < n; i++) {
        if (i % 3 != v || strcmp(i % 2 ? "eu" : "us", zSeg) != 0) continue;
        b.n = 0;
        gen_line(&b, i);
        static EvScan sc;
        EvEvent ev;
        EngineError er;
        assert_int_equal(evscan_init(&sc, b.z, b.n, EVSCAN_NDJSON, EVSCAN_EVENTS, &er), 0);
        assert_int_equal(evscan_next(&sc, &ev, &er), 1);
        if (ev.tsMs / 3600000 * 3600000 != hourMs) continue;
        evagg_add_event(a, &ev);
    }
    buf_reset(&b);
}

/* Compare the stored hour row with direct computation. */
static void check_hour(Fix *f, long n, long v, const char *zSeg, int64_t hourMs) {
    char zVer[8];
    snprintf(zVer, sizeof zVer, "v%ld", v);
    char *zAgg = NULL;
    assert_int_equal(store_monitor_window_agg(f->db, 7, zVer, zSeg, "hour", hourMs, &zAgg), 0);
    EvAgg got, want;
    assert_int_equal(evagg_read(&got, zAgg, strlen(zAgg)), 0);
    free(zAgg);
    direct(n, v, zSeg, hourMs, &want);
    assert_true(got.n == want.n && got.nLabeled == want.nLabeled && got.tp == want.tp);
    assert_memory_equal(got.aScore, want.aScore, sizeof got.aScore);
    for (double q = 0.05; q < 1; q += 0.1)
        assert_true(ddsketch_quantile(&got.latency, q) == ddsketch_quantile(&want.latency, q));
    evagg_free(&got);
    evagg_free(&want);
}

/* mon-1: batches, duplicates, refusals, flush, restart, labels */
static void test_ingest(void **state) {
    Fix *f = *state;
    Monitor *m = mon_open(f);
    static MonIngestResult res;
    KeelError e;
    Buf b;
    buf_init(&b, 0);
    long n = 3000;
    for (long i = 0; i < 2000; i++)
        gen_line(&b, i);
    assert_int_equal(monitor_ingest(m, 7, b.z, b.n, EVSCAN_NDJSON, EVSCAN_EVENTS, 0, &res, &e), 0);
    assert_true(res.nAccepted == 2000 && res.nDuplicates == 0);
    /* replay of 1500..2999: 500 duplicates */
    b.n = 0;
    for (long i = 1500; i < n; i++)
        gen_line(&b, i);
    assert_int_equal(monitor_ingest(m, 7, b.z, b.n, EVSCAN_NDJSON, EVSCAN_EVENTS, 0, &res, &e), 0);
    assert_true(res.nAccepted == 1000 && res.nDuplicates == 500);
    /* a bad line refuses the batch whole */
    const char *zBad = "{\"event_id\":\"new-1\",\"ts\":0,\"version\":\"v0\",\"latency_ms\":1}\n"
                       "{\"event_id\":\"new-2\",\"ts\":0,\"version\":\"v0\"}\n";
    assert_int_equal(
        monitor_ingest(m, 7, zBad, strlen(zBad), EVSCAN_NDJSON, EVSCAN_EVENTS, 0, &res, &e),
        KEEL_EINVAL);
    assert_true(res.nRejected == 1 && res.aRejected[0].iLine == 2 && res.nAccepted == 0);
    assert_string_equal(res.aRejected[0].zField, "latency_ms");
    /* the same with partial: the good line only; then new-1 is a duplicate */
    assert_int_equal(
        monitor_ingest(m, 8, zBad, strlen(zBad), EVSCAN_NDJSON, EVSCAN_EVENTS, 1, &res, &e), 0);
    assert_true(res.nRejected == 1 && res.nAccepted == 1);
    assert_int_equal(
        monitor_ingest(m, 8, zBad, strlen(zBad), EVSCAN_NDJSON, EVSCAN_EVENTS, 1, &res, &e), 0);
    assert_true(res.nAccepted == 0 && res.nDuplicates == 1);
    assert_int_equal(monitor_flush(m, f->db, &e), 0);
    int64_t h0 = 1796650000000LL / 3600000 * 3600000;
    for (long v = 0; v < 3; v++) {
        check_hour(f, n, v, "eu", h0);
        check_hour(f, n, v, "us", h0 + 3600000);
    }
    /* more events, no flush, then a "crash" (close without flushing):
     * the restart replays them exactly once */
    b.n = 0;
    for (long i = n; i < n + 1000; i++)
        gen_line(&b, i);
    assert_int_equal(monitor_ingest(m, 7, b.z, b.n, EVSCAN_NDJSON, EVSCAN_EVENTS, 0, &res, &e), 0);
    monitor_close(m); /* no flush */
    m = mon_open(f);  /* replays the tail and flushes */
    for (long v = 0; v < 3; v++)
        check_hour(f, n + 1000, v, "us", h0 + 3600000);
    /* an event taken before the restart is still a duplicate */
    b.n = 0;
    gen_line(&b, 5);
    assert_int_equal(monitor_ingest(m, 7, b.z, b.n, EVSCAN_NDJSON, EVSCAN_EVENTS, 0, &res, &e), 0);
    assert_true(res.nDuplicates == 1 && res.nAccepted == 0);
    /* late labels for events 1 and 2 (no inline label): counted once */
    const char *zLab = "event_id,label\nev-1,1\nev-2,0\nev-1,1\nnope,1\n";
    assert_int_equal(
        monitor_ingest(m, 7, zLab, strlen(zLab), EVSCAN_CSV, EVSCAN_LABELS, 0, &res, &e), 0);
    assert_true(res.nAccepted == 2 && res.nDuplicates == 1 && res.nUnmatched == 1);
    assert_int_equal(monitor_flush(m, f->db, &e), 0);
    MonStats st;
    monitor_stats(m, &st);
    assert_true(st.appliedSeq == st.lastSeq && st.nPendingWindows == 0);
    monitor_close(m);
    m = mon_open(f); /* the labels replay into the recent map, not twice into the store */
    int64_t nLab = 0;
    assert_int_equal(db_query_int(f->db, &nLab,
                                  "SELECT SUM(n_labeled) FROM monitor_window WHERE grain = 'day' "
                                  "AND system_id = 7",
                                  ""),
                     0);
    assert_int_equal(nLab, (n + 1000 + 2) / 3 + 2);
    monitor_close(m);
    buf_reset(&b);
}

/* mon-2: jobs run under the lease and are recorded */
static void test_jobs(void **state) {
    Fix *f = *state;
    KeelError e;
    assert_int_equal(scheduler_run_now(f->db, "monitor.compact", "test:1", &e), 0);
    assert_int_equal(scheduler_run_now(f->db, "nope", "test:1", &e), KEEL_ENOTFOUND);
    /* another server holds the lease: refused */
    int got = 0;
    assert_int_equal(store_job_lease(f->db, "monitor.compact", "other:2", 0, INT64_MAX / 2, 0, &got),
                     0);
    assert_int_equal(got, 1);
    assert_int_equal(scheduler_run_now(f->db, "monitor.compact", "test:1", &e), KEEL_ECONFLICT);
    json_t *rows;
    assert_int_equal(scheduler_list(f->db, &rows, &e), 0);
    json_t *r = NULL, *x; /* the jobs are listed by name: find monitor.compact */
    size_t i;
    json_array_foreach(rows, i, x) if (!strcmp(json_string_value(json_object_get(x, "name")),
                                               "monitor.compact")) r = x;
    assert_non_null(r);
    assert_string_equal(json_string_value(json_object_get(r, "last_outcome")), "ok");
    assert_string_equal(json_string_value(json_object_get(r, "lease_owner")), "other:2");
    json_decref(rows);
    /* one lease: the job's is the job_lease table's (store_cluster.h) */
    assert_int_equal(store_lease_acquire(f->db, "monitor.compact", "third:3", 60, &got), 0);
    assert_int_equal(got, 0);
    /* the holder ran it and moved next_run: a server that saw it due
     * before does not take it (due-only lease), and the lease is gone */
    int64_t now = (int64_t)time(NULL) * 1000;
    assert_int_equal(store_job_release(f->db, "monitor.compact", "other:2", now + 3600000), 0);
    assert_int_equal(store_job_lease(f->db, "monitor.compact", "test:1", now, now + 60000, 1, &got),
                     0);
    assert_int_equal(got, 0);
    assert_int_equal(store_lease_acquire(f->db, "monitor.compact", "third:3", 60, &got), 0);
    assert_int_equal(got, 1);
    assert_int_equal(store_lease_release(f->db, "monitor.compact", "third:3"), 0);
    /* due again: taken */
    assert_int_equal(
        store_job_lease(f->db, "monitor.compact", "test:1", now + 3600000, now + 3660000, 1, &got),
        0);
    assert_int_equal(got, 1);
    assert_int_equal(store_job_release(f->db, "monitor.compact", "test:1", now), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ingest),
        cmocka_unit_test(test_jobs),
    };
    return cmocka_run_group_tests(tests, fix_setup, fix_teardown);
}
