/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scheduler (scheduler.h): a loop every 200 ms on its own thread and
 * database connection. Jobs: each due job whose lease this server can take
 * runs, is recorded, and gets its next run; a lease lasts five minutes
 * (a server that dies mid-run frees its job after that). */
#include "domain/scheduler.h"
#include "domain/definition.h"
#include "domain/alert.h"
#include "domain/decay.h"
#include "domain/notification.h"
#include "store/schema.h"
#include "store/store_monitor.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define SCHED_LEASE_MS (5 * 60 * 1000)
#define SCHED_TICK_US (200 * 1000)

/* A job: what it is called, how often it runs and what it does. */
typedef struct JobDef {
    const char *zName;
    int64_t periodS;
    int (*xRun)(Db *db, KeelError *e);
} JobDef;

/* monitor.compact: minute windows are kept 14 days, hour windows 400;
 * day windows stay. */
static int job_monitor_compact(Db *db, KeelError *e) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    int64_t now = (int64_t)tv.tv_sec * 1000;
    int rc = store_monitor_compact(db, now - 14 * 86400000LL, now - 400 * 86400000LL);
    return rc ? err_set(e, rc, "", "cannot compact windows: %s", db_errmsg(db)) : 0;
}

static const JobDef aJob[] = {
    {"monitor.compact", 3600, job_monitor_compact},
    {"monitor.decay", 3600, decay_job},
    {"alerts.evaluate", 60, alert_job},
    {"webhooks.deliver", 10, alert_deliver_job},
    {"notifications", 300, notif_job},                       /* domain/notification.h */
    {"definitions.escalate", 3600, definition_escalate_job}, /* domain/definition.h */
};
#define N_JOB ((int)(sizeof aJob / sizeof aJob[0]))

struct Scheduler {
    pthread_t th;
    atomic_int stop;
    char *zDbPath;
    char *zOwner;
    Monitor *mon;
};

static int64_t sched_now_ms(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int scheduler_init_jobs(Db *db, KeelError *e) {
    for (int i = 0; i < N_JOB; i++) {
        int rc = store_job_ensure(db, aJob[i].zName, aJob[i].periodS, 0);
        if (rc)
            return err_set(e, rc, "", "cannot register job %s: %s", aJob[i].zName, db_errmsg(db));
    }
    return 0;
}

/* Run job j (its lease taken), record the run, release the lease. */
static int sched_run(Db *db, const JobDef *j, const char *zOwner, KeelError *e) {
    char zStart[40], zEnd[40];
    time_iso_now(zStart, sizeof zStart);
    int64_t id = 0;
    int rc = store_job_run_start(db, j->zName, zOwner, zStart, &id);
    if (rc) return err_set(e, rc, "", "cannot record a run of %s: %s", j->zName, db_errmsg(db));
    KeelError je = {0};
    int jrc = j->xRun(db, &je);
    time_iso_now(zEnd, sizeof zEnd);
    rc = store_job_run_finish(db, id, zEnd, jrc ? "failed" : "ok", jrc ? je.zMsg : NULL);
    if (!rc) rc = store_job_release(db, j->zName, zOwner, sched_now_ms() + j->periodS * 1000);
    if (jrc) {
        if (e) *e = je;
        return jrc;
    }
    return rc ? err_set(e, rc, "", "cannot record a run of %s: %s", j->zName, db_errmsg(db)) : 0;
}

/* The due jobs whose lease this server takes. */
static void sched_jobs_due(Db *db, const char *zOwner) {
    int64_t now = sched_now_ms();
    for (int i = 0; i < N_JOB; i++) {
        int got = 0;
        if (store_job_lease(db, aJob[i].zName, zOwner, now, now + SCHED_LEASE_MS, 1, &got) || !got)
            continue;
        KeelError e = {0};
        if (sched_run(db, &aJob[i], zOwner, &e))
            log_error("job %s failed: %s", aJob[i].zName, e.zMsg);
    }
}

static void *sched_main(void *p) {
    Scheduler *s = p;
    Db *db = NULL;
    char zErr[256];
    if (schema_open(s->zDbPath, 0, &db, zErr, sizeof zErr)) {
        log_error("scheduler: cannot open the database: %s", zErr);
        return NULL;
    }
    int64_t lastFlush = 0, lastPrune = 0, lastJobs = 0;
    for (;;) {
        int stop = atomic_load(&s->stop);
        int64_t now = sched_now_ms();
        KeelError e = {0};
        if (s->mon && (stop || now - lastFlush >= 1000)) {
            if (monitor_flush(s->mon, db, &e)) log_error("monitoring flush failed: %s", e.zMsg);
            lastFlush = now;
        }
        if (stop) break;
        if (s->mon && now - lastPrune >= 3600 * 1000) {
            if (monitor_prune(s->mon, &e) < 0) log_error("segment prune failed: %s", e.zMsg);
            lastPrune = now;
        }
        if (now - lastJobs >= 1000) {
            sched_jobs_due(db, s->zOwner);
            lastJobs = now;
        }
        usleep(SCHED_TICK_US);
    }
    db_close(db);
    return NULL;
}

int scheduler_start(Scheduler **pp, const char *zDbPath, Monitor *mon, const char *zOwner,
                    KeelError *e) {
    Scheduler *s = calloc(1, sizeof *s);
    if (!s || !(s->zDbPath = strdup(zDbPath)) || !(s->zOwner = strdup(zOwner))) {
        if (s) free(s->zDbPath);
        free(s);
        return err_set(e, KEEL_ENOMEM, "", "out of memory");
    }
    s->mon = mon;
    if (pthread_create(&s->th, NULL, sched_main, s)) {
        free(s->zDbPath);
        free(s->zOwner);
        free(s);
        return err_set(e, KEEL_EINTERNAL, "", "cannot start the scheduler thread");
    }
    *pp = s;
    return 0;
}

void scheduler_stop(Scheduler *s) {
    if (!s) return;
    atomic_store(&s->stop, 1);
    pthread_join(s->th, NULL);
    free(s->zDbPath);
    free(s->zOwner);
    free(s);
}

int scheduler_run_now(Db *db, const char *zName, const char *zOwner, KeelError *e) {
    for (int i = 0; i < N_JOB; i++) {
        if (strcmp(aJob[i].zName, zName) != 0) continue;
        int rc = scheduler_init_jobs(db, e), got = 0;
        int64_t now = sched_now_ms();
        if (!rc) rc = store_job_lease(db, zName, zOwner, now, now + SCHED_LEASE_MS, 0, &got);
        if (rc) return err_set(e, rc, "", "cannot take the lease of %s: %s", zName, db_errmsg(db));
        if (!got)
            return err_set(e, KEEL_ECONFLICT, "",
                           "job %s is running on another server (its lease "
                           "is taken); try again later",
                           zName);
        return sched_run(db, &aJob[i], zOwner, e);
    }
    return err_set(e, KEEL_ENOTFOUND, "", "no job is called '%s'; `keel jobs list` shows them",
                   zName);
}

int scheduler_list(Db *db, json_t **ppRows, KeelError *e) {
    int rc = scheduler_init_jobs(db, e);
    if (!rc && (rc = store_job_list(db, ppRows)))
        err_set(e, rc, "", "cannot list jobs: %s", db_errmsg(db));
    return rc;
}
