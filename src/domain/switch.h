/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The human-override switch (issue 18). Every registered system has one
 * from registration: off until its launch gate passes. States: on, off,
 * shadow (serve the fallback, run the model and log it), percent (0-100
 * of traffic to the model), with a named fallback (rules, human_review,
 * previous_version). A flip always carries a reason; risk officers, the
 * committee, admins and the system's owner flip it; every flip is audited
 * and kept (who, when, why). An ethics review that decides suspend flips
 * it off.
 *
 * The read path is served from a process-wide cache: each system's answer
 * ({"system","state","percent","fallback","version","etag"}) is built once
 * per change and copied out under a read lock, so a read is never torn and
 * costs no database round trip. A flip refreshes the cache of the server
 * that took it before it answers; other servers on the same database poll
 * a change counter (the highest flip and system ids: one indexed query)
 * every SWITCH_POLL_MS. */
#ifndef KEEL_DOMAIN_SWITCH_H
#define KEEL_DOMAIN_SWITCH_H
#include "domain/auth.h"
#include "store/db.h"
#include <jansson.h>

#define SWITCH_POLL_MS 50
#define SWITCH_TEST_DAYS 30 /* a passing switch test is launch evidence this long */

extern const char *const azSwitchState[];    /* on, off, shadow, percent */
extern const char *const azSwitchFallback[]; /* rules, human_review, previous_version */

/* Bring the cache up to date when the change counter moved (one query
 * when it did not). 0 or a negative error (the cache is kept). */
int switch_cache_refresh(Db *db);

/* The cached answer for system zName: a malloc'd copy of the JSON body
 * (*pzBody, *pnBody) and its ETag (quoted) into zEtag. KEEL_ENOTFOUND when
 * the cache has no such system. */
int switch_cache_read(const char *zName, char **pzBody, size_t *pnBody, char *zEtag, size_t nEtag);

/* Put a flip's answer (as switch_set answers) into the cache, unless the
 * cache already holds a later version of that switch. */
int switch_cache_put(const json_t *answer);

/* Start (and stop) the poller thread of a server: it opens its own
 * connection to zDbPath and refreshes every SWITCH_POLL_MS. While it runs,
 * reads do not touch the database. */
int switch_poll_start(const char *zDbPath);
void switch_poll_stop(void);
/* 1 while the poller runs; *pAgeMs: milliseconds since its last good
 * refresh (for /healthz). */
int switch_poll_status(double *pAgeMs);

/* The switch of system zName as {system, state, percent, fallback,
 * version, etag} read from the database. */
int switch_get(Db *db, const char *zName, json_t **ppOut, KeelError *e);

/* Flip the switch of system zName {state, percent?, fallback?, reason}.
 * *ppOut gets the new state. */
int switch_set(Db *db, const Principal *who, const char *zName, const json_t *in, json_t **ppOut,
               KeelError *e);

/* Flip system systemId (called zName) off with zReason (an ethics review's
 * suspend; zCause says which), inside the caller's transaction, so the
 * cause and the flip commit together. *ppAnswer gets the new state: once
 * committed, the caller puts it into the cache (switch_cache_put). */
int switch_force_off(Db *db, const Principal *who, int64_t systemId, const char *zName,
                     const char *zReason, const char *zCause, json_t **ppAnswer);

/* The flips of system zName, newest first (at most limit, 1-1000). */
int switch_history(Db *db, const char *zName, int64_t limit, json_t **ppOut, KeelError *e);

/* Every system's switch with its latest flip (who, when, why): the
 * production board. */
int switch_board(Db *db, json_t **ppOut);

/* Record a switch test of system zName {result: pass|fail, environment?,
 * note?} (the roles that flip). */
int switch_test_add(Db *db, const Principal *who, const char *zName, const json_t *in, int64_t *pId,
                    KeelError *e);
/* The tests of system zName, newest first, with `evidence`: the last
 * passing test within SWITCH_TEST_DAYS or null. */
int switch_tests(Db *db, const char *zName, json_t **ppOut, KeelError *e);

#endif
