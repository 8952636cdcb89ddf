/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel ingest, keel monitor and keel jobs: prediction events from a file
 * into a system (in batches through the same route a server takes them
 * by, run in-process with the database's own event log), a system's
 * current windows per version and segment, and the scheduler's jobs. */
#include "api/api.h"
#include "cli/cli.h"
#include "cli/cli_http.h"
#include "domain/monitor.h"
#include "domain/scheduler.h"
#include "http/local.h"
#include "store/db.h"
#include "util/crypto.h"
#include "util/timeutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- keel ingest ------------------------------------------------------- */

/* Totals of an ingest and the state of the progress line. */
typedef struct IngestTally {
    uint64_t nAccepted, nDuplicates, nRejected, nUnmatched;
    size_t nDone, nTotal; /* bytes */
    double t0;            /* start, monotonic ms */
    int bProgress;        /* draw on stderr */
    int nShown;           /* refused lines printed */
} IngestTally;

/* Redraw the progress line: events/s, bytes, ETA. */
static void ingest_progress(const IngestTally *t) {
    if (!t->bProgress) return;
    double s = (time_mono_ms() - t->t0) / 1000;
    double rate = s > 0 ? (double)t->nAccepted / s : 0;
    double eta = t->nDone && s > 0 ? s * (double)(t->nTotal - t->nDone) / (double)t->nDone : 0;
    int w = 30, k = t->nTotal ? (int)(w * (double)t->nDone / (double)t->nTotal) : w;
    fprintf(stderr, "\r[%.*s%*s] %5.1f%%  %.0f events/s  %.1f/%.1f MB  ETA %.0fs ", k,
            "##############################", w - k, "",
            t->nTotal ? 100.0 * (double)t->nDone / (double)t->nTotal : 100.0, rate,
            (double)t->nDone / 1e6, (double)t->nTotal / 1e6, eta);
}

/* Where batches go: in-process (db, who) or a server (zServer, zToken). */
typedef struct IngestTo {
    Db *db;
    const Principal *who;
    const char *zServer; /* --url, or NULL */
    const char *zToken;  /* its bearer token */
    const char *zPath;   /* /api/v1/systems/NAME/events[?partial=1] */
    int bCsv;
} IngestTo;

/* Post one batch through the route; adds to the tally. 0 or an exit code. */
static int ingest_batch(const IngestTo *to, const char *z, size_t n, size_t iFirstLine,
                        IngestTally *t) {
    Resp r;
    memset(&r, 0, sizeof r);
    if (to->zServer) {
        char zErr[256];
        if (cli_http_request(to->zServer, "POST", to->zPath, to->zToken,
                             to->bCsv ? "text/csv" : "application/x-ndjson", z, n, &r.status,
                             &r.zBody, &r.nBody, zErr, sizeof zErr)) {
            if (t->bProgress) fputc('\n', stderr);
            fprintf(stderr, "keel ingest: %s\n", zErr);
            return CLI_EXIT_FAIL;
        }
    } else {
        http_local(to->db, to->who, "POST", to->zPath, z, n, to->bCsv, 0, &r);
    }
    json_t *j = json_loadb(r.zBody ? r.zBody : "", r.nBody, 0, NULL);
    int rc = 0;
    if (r.status == 200 || r.status == 422) {
        t->nAccepted += (uint64_t)json_integer_value(json_object_get(j, "accepted"));
        t->nDuplicates += (uint64_t)json_integer_value(json_object_get(j, "duplicates"));
        t->nRejected += (uint64_t)json_integer_value(json_object_get(j, "rejected_count"));
        t->nUnmatched += (uint64_t)json_integer_value(json_object_get(j, "unmatched"));
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(j, "rejected"), i, e) {
            if (t->nShown++ >= 20) break;
            if (t->bProgress) fputc('\n', stderr);
            fprintf(stderr, "line %lld: %s: %s\n",
                    (long long)(json_integer_value(json_object_get(e, "line")) +
                                (json_int_t)iFirstLine - 1),
                    json_string_value(json_object_get(e, "field")),
                    json_string_value(json_object_get(e, "message")));
        }
        if (r.status == 422) rc = CLI_EXIT_USAGE;
    } else {
        if (t->bProgress) fputc('\n', stderr);
        fprintf(stderr, "keel ingest: %.*s\n", (int)r.nBody, r.zBody ? r.zBody : "");
        rc = r.status >= 500 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    json_decref(j);
    resp_free(&r);
    return rc;
}

/* Split the file into batches of nBatch records (CSV: the header repeated)
 * and post each. */
static int ingest_file(const IngestTo *to, const char *z, size_t n, long nBatch, IngestTally *t) {
    int bCsv = to->bCsv;
    size_t iPos = 0, iLine = 1, nHead = 0;
    if (bCsv) {
        const char *nl = memchr(z, '\n', n);
        nHead = nl ? (size_t)(nl - z) + 1 : n;
        iPos = nHead;
        iLine = 2;
    }
    Buf b;
    buf_init(&b, 0);
    int rc = 0;
    while (iPos < n && !rc) {
        size_t iEnd = iPos, nLines = 0;
        while (iEnd < n &&
               nLines < (size_t)nBatch) { /* whole lines (quoted CSV line breaks rare) */
            const char *nl = memchr(z + iEnd, '\n', n - iEnd);
            iEnd = nl ? (size_t)(nl - z) + 1 : n;
            nLines++;
        }
        const char *zBody = z + iPos;
        size_t nBody = iEnd - iPos;
        if (bCsv) {
            b.n = 0;
            buf_append(&b, z, nHead);
            buf_append(&b, z + iPos, iEnd - iPos);
            if (buf_err(&b)) return cli_fail("out of memory");
            zBody = b.z;
            nBody = b.n;
        }
        /* the route counts lines from 1 (CSV: the header is line 1) */
        rc = ingest_batch(to, zBody, nBody, bCsv ? iLine - 1 : iLine, t);
        iLine += nLines;
        iPos = iEnd;
        t->nDone = iPos;
        ingest_progress(t);
    }
    buf_reset(&b);
    return rc;
}

int cli_ingest(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "FILE", "database file (in-process; or --url)", NULL},
        {"url", 0, "URL", "a running keel, e.g. http://127.0.0.1:8080 (with --token-file)", NULL},
        {"token-file", 0, "FILE", "a file holding a token with the ingest scope (- for stdin)",
         NULL},
        {"system", 0, "NAME", "the AI system the events belong to", NULL},
        {"events-dir", 0, "DIR", "the event log (default FILE.events, as keel serve uses)", NULL},
        {"as", 0, "EMAIL", "send as this account (default: the first admin)", NULL},
        {"labels", 1, "", "the file holds labels (event_id,label), not events", NULL},
        {"format", 0, "ndjson|csv", "the file's format (default: csv for *.csv, else ndjson)",
         NULL},
        {"partial", 1, "", "store the good lines of a batch with bad ones (else refused whole)",
         NULL},
        {"batch", 0, "N", "events per batch (default 5000)", NULL},
        CLI_OPT_JSON("print the summary as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel ingest --db FILE --system NAME [--labels] EVENTS-FILE\n"
                       "       keel ingest --url URL --token-file F --system NAME EVENTS-FILE\n\n"
                       "Take prediction events (or labels) from an NDJSON or CSV file into a\n"
                       "system's monitoring, in batches, exactly as POST\n"
                       "/api/v1/systems/NAME/events does; a running keel serve holds the event\n"
                       "log, so send to it over HTTP instead (docs/monitoring.md).",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    const char *zDb = cli_opt(a, n, "db"), *zSys = cli_opt(a, n, "system");
    const char *zServer = cli_opt(a, n, "url");
    if (!zDb == !zServer) return cli_usage_error("give --db FILE or --url URL (with --token-file)");
    if (zServer && !cli_opt(a, n, "token-file"))
        return cli_usage_error("--url needs --token-file (a token with the ingest scope)");
    if (!zSys) return cli_usage_error("--system NAME is required");
    if (nPos != 1) return cli_usage_error("give one events file");
    const char *zFile = argv[1], *zFmt = cli_opt(a, n, "format");
    long nBatch = 5000;
    if (cli_opt(a, n, "batch")) {
        nBatch = strtol(cli_opt(a, n, "batch"), NULL, 10);
        if (nBatch < 1 || nBatch > 1000000) return cli_usage_error("--batch is 1 to 1000000");
    }
    size_t nName = strlen(zFile);
    int bCsv =
        zFmt ? strcmp(zFmt, "csv") == 0 : (nName > 4 && strcmp(zFile + nName - 4, ".csv") == 0);
    if (zFmt && !bCsv && strcmp(zFmt, "ndjson") != 0)
        return cli_usage_error("--format is ndjson or csv");
    if (crypto_init()) return cli_fail("libsodium failed to initialise");
    const char *z;
    size_t nz;
    int mapped;
    if (cli_map_file(zFile, &z, &nz, &mapped)) return CLI_EXIT_USAGE;
    Db *db = NULL;
    Monitor *mon = NULL;
    char *zTok = NULL;
    size_t nTok = 0;
    Principal who;
    char zUrl[256];
    snprintf(zUrl, sizeof zUrl, "/api/v1/systems/%s/%s%s", zSys,
             cli_opt(a, n, "labels") ? "labels" : "events",
             cli_opt(a, n, "partial") ? "?partial=1" : "");
    IngestTo to = {NULL, &who, zServer, NULL, zUrl, bCsv};
    KeelError e = {0};
    if (zServer) {
        if (cli_read_file(cli_opt(a, n, "token-file"), &zTok, &nTok)) {
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        while (nTok && (zTok[nTok - 1] == '\n' || zTok[nTok - 1] == '\r' || zTok[nTok - 1] == ' '))
            zTok[--nTok] = 0;
        to.zToken = zTok;
    } else {
        if ((rc = cli_open_db(zDb, 0, &db))) goto done;
        char zDir[1024];
        db_sidecar_path(zDb, ".events", zDir, sizeof zDir);
        MonitorConfig mc;
        monitor_config_init(&mc);
        mc.zDir = cli_opt(a, n, "events-dir") ? cli_opt(a, n, "events-dir") : zDir;
        if (monitor_open(&mon, &mc, db, &e)) {
            rc = cli_fail("%s", e.zMsg);
            goto done;
        }
        api_monitor_set(mon);
        if ((rc = cli_principal(db, cli_opt(a, n, "as"), &who))) goto done;
        to.db = db;
    }
    IngestTally t = {0};
    t.nTotal = nz;
    t.t0 = time_mono_ms();
    t.bProgress = cli_progress_enabled() && !cli_opt(a, n, "json");
    rc = ingest_file(&to, z, nz, nBatch, &t);
    if (t.bProgress) fputc('\n', stderr);
    if (mon && monitor_flush(mon, db, &e))
        rc = cli_fail("the windows were not written: %s", e.zMsg);
    double s = (time_mono_ms() - t.t0) / 1000;
    if (cli_opt(a, n, "json")) {
        cli_print_json(json_pack("{s:I,s:I,s:I,s:I,s:f}", "accepted", (json_int_t)t.nAccepted,
                                 "duplicates", (json_int_t)t.nDuplicates, "rejected",
                                 (json_int_t)t.nRejected, "unmatched", (json_int_t)t.nUnmatched,
                                 "seconds", s));
    } else {
        printf("%llu accepted, %llu duplicates, %llu rejected", (unsigned long long)t.nAccepted,
               (unsigned long long)t.nDuplicates, (unsigned long long)t.nRejected);
        if (cli_opt(a, n, "labels"))
            printf(", %llu without their event", (unsigned long long)t.nUnmatched);
        printf(" in %.2f s\n", s);
    }
done:
    free(zTok);
    api_monitor_set(NULL);
    monitor_close(mon);
    if (db) db_close(db);
    cli_unmap_file(z, nz, mapped);
    return rc;
}

/* ---- keel monitor -------------------------------------------------------- */

/* Print a number column or "-" for null. */
static void mon_cell(json_t *v, const char *zFmt, double scale) {
    if (json_is_number(v))
        printf(zFmt, json_number_value(v) * scale);
    else
        printf("%*s", atoi(zFmt + 1), "-");
}

/* Before reading: freeze the baseline and/or run detection when asked.
 * 0 or an exit status (the error printed). */
static int monitor_first(Db *db, const Principal *who, const char *zSystem, int bFreeze,
                         const char *zVersion, int bDetect) {
    for (int step = 0; step < 2; step++) {
        if (step == 0 ? !bFreeze : !bDetect) continue;
        char zUrl[256];
        snprintf(zUrl, sizeof zUrl, "/api/v1/systems/%s/%s", zSystem,
                 step == 0 ? "baselines" : "decay");
        json_t *body = json_object();
        if (step == 0 && zVersion) json_object_set_new(body, "version", json_string(zVersion));
        char *z = step == 0 ? json_dumps(body, JSON_COMPACT) : NULL;
        json_decref(body);
        Resp r;
        http_local(db, who, "POST", zUrl, z, z ? strlen(z) : 0, 0, 0, &r);
        free(z);
        int st = r.status;
        if (st != 200 && st != 201)
            fprintf(stderr, "keel monitor: %.*s\n", (int)r.nBody, r.zBody ? r.zBody : "");
        resp_free(&r);
        if (st != 200 && st != 201) return st >= 500 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    return 0;
}

int cli_monitor(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB_FILE,
        {"system", 0, "NAME", "the AI system", NULL},
        {"grain", 0, "minute|hour|day", "window size (default minute)", NULL},
        {"limit", 0, "N", "windows shown (default 20)", NULL},
        CLI_OPT_AS,
        CLI_OPT_JSON("print the windows and findings as JSON"),
        {"freeze-baseline", 1, "", "first freeze the version's baseline (the last 7 days)", NULL},
        {"version", 0, "V", "with --freeze-baseline: the version (default: the newest)", NULL},
        {"detect", 1, "", "first run decay detection (as the monitor.decay job does)", NULL},
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc =
        cli_parse(argc, argv, a, n,
                  "usage: keel monitor --db FILE --system NAME [--grain hour] [--json]\n\n"
                  "A system's latest windows per version and segment: events, error rate,\n"
                  "latency quantiles (1% relative accuracy) and, with labels, accuracy and AUC.",
                  &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (!cli_opt(a, n, "system")) return cli_usage_error("--system NAME is required");
    if (nPos) return cli_usage_error("unexpected argument '%s'", argv[1]);
    Db *db;
    Principal who;
    if ((rc = cli_open_as(cli_opt(a, n, "db"), cli_opt(a, n, "as"), &db, &who))) return rc;
    char zUrl[256];
    snprintf(zUrl, sizeof zUrl, "/api/v1/systems/%s/monitor?grain=%s&limit=%s",
             cli_opt(a, n, "system"), cli_opt(a, n, "grain") ? cli_opt(a, n, "grain") : "minute",
             cli_opt(a, n, "limit") ? cli_opt(a, n, "limit") : "20");
    json_t *j = NULL;
    rc = monitor_first(db, &who, cli_opt(a, n, "system"), cli_opt(a, n, "freeze-baseline") != NULL,
                       cli_opt(a, n, "version"), cli_opt(a, n, "detect") != NULL);
    if (rc == 0) {
        Resp r;
        http_local(db, &who, "GET", zUrl, NULL, 0, 0, 0, &r);
        if (r.status != 200) {
            fprintf(stderr, "keel monitor: %.*s\n", (int)r.nBody, r.zBody ? r.zBody : "");
            rc = r.status >= 500 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        } else {
            j = json_loadb(r.zBody, r.nBody, 0, NULL);
        }
        resp_free(&r);
    }
    db_close(db);
    if (rc) return rc;
    if (cli_json_done(a, n, j)) return 0;
    printf("%-20s %-12s %-10s %9s %6s %9s %9s %9s %6s %6s\n", "window (UTC)", "version", "segment",
           "events", "err%", "p50 ms", "p90 ms", "p99 ms", "acc", "auc");
    size_t i;
    json_t *w;
    int bUnregistered = 0;
    json_array_foreach(json_object_get(j, "windows"), i, w) {
        char zTime[32], zVer[16];
        int bReg = json_is_true(json_object_get(w, "registered"));
        bUnregistered |= !bReg;
        snprintf(zVer, sizeof zVer, "%.11s%s", json_string_value(json_object_get(w, "version")),
                 bReg ? "" : "*");
        time_iso((int64_t)(json_integer_value(json_object_get(w, "window_start")) / 1000), zTime,
                 sizeof zTime);
        const char *zSeg = json_string_value(json_object_get(w, "segment"));
        printf("%-20s %-12.12s %-10.10s %9lld ", zTime, zVer, zSeg && *zSeg ? zSeg : "(all)",
               (long long)json_integer_value(json_object_get(w, "n")));
        mon_cell(json_object_get(w, "error_rate"), "%6.2f", 100);
        mon_cell(json_object_get(w, "p50"), " %9.2f", 1);
        mon_cell(json_object_get(w, "p90"), " %9.2f", 1);
        mon_cell(json_object_get(w, "p99"), " %9.2f", 1);
        mon_cell(json_object_get(w, "accuracy"), " %6.3f", 1);
        mon_cell(json_object_get(w, "auc"), " %6.3f", 1);
        printf("\n");
    }
    if (bUnregistered)
        printf("* a version the register does not have: its events are taken and flagged; "
               "register it with POST /api/v1/systems/%s/versions\n",
               cli_opt(a, n, "system"));
    json_array_foreach(json_object_get(j, "findings"), i, w) {
        if (i == 0) printf("\nfindings (each with its false-alarm rate under no change):\n");
        json_t *ci = json_object_get(w, "ci");
        printf("  %-15s %-10s segment %-10s", json_string_value(json_object_get(w, "kind")),
               json_string_value(json_object_get(w, "metric")),
               json_string_value(json_object_get(w, "segment")));
        mon_cell(json_object_get(w, "baseline"), " %7.3f", 1);
        printf(" ->");
        mon_cell(json_object_get(w, "current"), " %7.3f", 1);
        if (json_is_array(ci))
            printf("  change in [%.3f, %.3f] (95%%)", json_number_value(json_array_get(ci, 0)),
                   json_number_value(json_array_get(ci, 1)));
        size_t k;
        json_t *d;
        json_array_foreach(json_object_get(w, "drifted_inputs"), k, d) printf(
            "%s%s", k ? ", " : "  inputs moved: ", json_string_value(json_object_get(d, "input")));
        printf("  (false alarms %.1f%%)\n",
               100 * json_number_value(json_object_get(w, "false_alarm_rate")));
    }
    json_decref(j);
    return 0;
}

/* ---- keel jobs ------------------------------------------------------------ */

int cli_jobs(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB_FILE,
        CLI_OPT_JSON("print as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel jobs list --db FILE [--json]\n"
                       "       keel jobs run NAME --db FILE\n\n"
                       "The scheduler's jobs with their last run, or run one now (under its\n"
                       "lease, recorded like a scheduled run).",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    int bList = nPos == 1 && strcmp(argv[1], "list") == 0;
    int bRun = nPos == 2 && strcmp(argv[1], "run") == 0;
    if (!bList && !bRun) return cli_usage_error("give `list` or `run NAME`");
    Db *db;
    if ((rc = cli_open_db(cli_opt(a, n, "db"), 0, &db))) return rc;
    KeelError e = {0};
    if (bRun) {
        char zOwner[64];
        snprintf(zOwner, sizeof zOwner, "cli:%ld", (long)getpid());
        rc = scheduler_run_now(db, argv[2], zOwner, &e);
        if (rc)
            rc = cli_fail("%s", e.zMsg);
        else if (!cli_opt(a, n, "json"))
            printf("%s: ok\n", argv[2]);
    }
    json_t *rows = NULL;
    if (!rc && (bList || cli_opt(a, n, "json")) && scheduler_list(db, &rows, &e))
        rc = cli_fail("%s", e.zMsg);
    db_close(db);
    if (rc || !rows) return rc;
    if (cli_json_done(a, n, rows)) return 0;
    printf("%-20s %8s %-24s %-8s %s\n", "job", "every s", "last run", "outcome", "error");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *zLast = json_string_value(json_object_get(r, "last_started"));
        const char *zOut = json_string_value(json_object_get(r, "last_outcome"));
        const char *zErr = json_string_value(json_object_get(r, "last_error"));
        printf("%-20s %8lld %-24s %-8s %s\n", json_string_value(json_object_get(r, "name")),
               (long long)json_integer_value(json_object_get(r, "period_s")),
               zLast ? zLast : "never", zOut ? zOut : "-", zErr ? zErr : "");
    }
    json_decref(rows);
    return 0;
}
