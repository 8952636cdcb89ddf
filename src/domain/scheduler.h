/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scheduler inside `keel serve`: one thread that runs the periodic
 * jobs (the table in scheduler.c: roll-up compaction now, rules, webhooks,
 * due dates and reviews as later work adds them) and this server's own
 * upkeep (writing pending monitoring windows every second, pruning old
 * event segments hourly). A job runs only under its lease in the database
 * (store_job_lease), so with several servers on one database each run
 * happens once; every run is recorded (started, finished, outcome, error).
 * Upkeep is per server (its memory, its disk) and is not a job. */
#ifndef KEEL_DOMAIN_SCHEDULER_H
#define KEEL_DOMAIN_SCHEDULER_H
#include "domain/monitor.h"
#include "store/db.h"
#include "util/err.h"
#include <jansson.h>

typedef struct Scheduler Scheduler;

/* Register the jobs in db (idempotent). 0 or KEEL_E*. */
int scheduler_init_jobs(Db *db, KeelError *e);

/* Start the thread with its own connection to zDbPath; mon may be NULL.
 * zOwner names this server in leases and runs (host:pid). */
int scheduler_start(Scheduler **pp, const char *zDbPath, Monitor *mon, const char *zOwner,
                    KeelError *e);

/* Stop the thread (after a last upkeep pass) and free it. NULL is fine. */
void scheduler_stop(Scheduler *s);

/* Run job zName now under its lease (not waiting for it to be due), record
 * the run. KEEL_ENOTFOUND for an unknown job, KEEL_ECONFLICT when another
 * server holds the lease, else the job's own result. */
int scheduler_run_now(Db *db, const char *zName, const char *zOwner, KeelError *e);

/* The jobs with their last run (new reference). */
int scheduler_list(Db *db, json_t **ppRows, KeelError *e);

#endif
