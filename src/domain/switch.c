/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The human-override switch and its read cache; see switch.h. */
#include "domain/switch.h"
#include "domain/gate.h"
#include "domain/resource.h"
#include "domain/review.h"
#include "domain/system.h"
#include "store/schema.h"
#include "store/store_cluster.h"
#include "store/store_switch.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const azSwitchState[] = {"on", "off", "shadow", "percent", NULL};
const char *const azSwitchFallback[] = {"rules", "human_review", "previous_version", NULL};
#define DEFAULT_FALLBACK "human_review"

/* ---- the cache ---- */

typedef struct SwitchEntry {
    char zName[SYSTEM_NAME_MAX + 1];
    char zEtag[48];
    char *zBody;
    size_t nBody;
} SwitchEntry;

static pthread_rwlock_t gLock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t gRefresh = PTHREAD_MUTEX_INITIALIZER; /* one refresher at a time */
static SwitchEntry *aEntry;
static int nEntry;
static int64_t gFlips = -1, gSystems = -1;

static int entry_cmp(const void *a, const void *b) {
    return strcmp(((const SwitchEntry *)a)->zName, ((const SwitchEntry *)b)->zName);
}

/* The answer for a row of store_switch_all (or a flip row joined with the
 * name): {system, state, percent, fallback, version, etag}. */
static json_t *switch_answer(const char *zName, int64_t systemId, const json_t *row) {
    const char *zState = json_get_str(row, "state");
    const char *zFallback = json_get_str(row, "fallback");
    int64_t version = json_get_id(row, "version");
    char zEtag[48];
    snprintf(zEtag, sizeof zEtag, "%lld-%lld", (long long)systemId, (long long)version);
    return json_pack("{ss ss sI ss sI ss}", "system", zName, "state", zState ? zState : "off",
                     "percent", (json_int_t)json_get_id(row, "percent"), "fallback",
                     zFallback ? zFallback : DEFAULT_FALLBACK, "version", (json_int_t)version,
                     "etag", zEtag);
}

static void entries_free(SwitchEntry *a, int n) {
    for (int i = 0; i < n; i++)
        free(a[i].zBody);
    free(a);
}

int switch_cache_refresh(Db *db) {
    int64_t flips, systems;
    pthread_mutex_lock(&gRefresh);
    int rc = store_switch_counter(db, &flips, &systems);
    if (rc || (flips == gFlips && systems == gSystems)) {
        pthread_mutex_unlock(&gRefresh);
        return rc;
    }
    json_t *rows;
    if ((rc = store_switch_all(db, &rows))) {
        pthread_mutex_unlock(&gRefresh);
        return rc;
    }
    int n = (int)json_array_size(rows);
    SwitchEntry *a = calloc((size_t)n + 1, sizeof *a);
    if (!a) rc = KEEL_ENOMEM;
    for (int i = 0; rc == 0 && i < n; i++) {
        json_t *x = json_array_get(rows, (size_t)i);
        json_t *o = switch_answer(json_get_str(x, "name"), json_get_id(x, "id"), x);
        snprintf(a[i].zName, sizeof a[i].zName, "%s", json_get_str(x, "name"));
        snprintf(a[i].zEtag, sizeof a[i].zEtag, "\"%s\"", json_get_str(o, "etag"));
        a[i].zBody = json_dump_compact(o);
        json_decref(o);
        if (!a[i].zBody) rc = KEEL_ENOMEM;
        else a[i].nBody = strlen(a[i].zBody);
    }
    json_decref(rows);
    if (rc) {
        if (a) entries_free(a, n);
        pthread_mutex_unlock(&gRefresh);
        return rc;
    }
    qsort(a, (size_t)n, sizeof *a, entry_cmp); /* by bytes, whatever the database's collation */
    pthread_rwlock_wrlock(&gLock);
    SwitchEntry *old = aEntry;
    int nOld = nEntry;
    aEntry = a;
    nEntry = n;
    gFlips = flips;
    gSystems = systems;
    pthread_rwlock_unlock(&gLock);
    pthread_mutex_unlock(&gRefresh);
    entries_free(old, nOld);
    return 0;
}

int switch_cache_read(const char *zName, char **pzBody, size_t *pnBody, char *zEtag,
                      size_t nEtag) {
    SwitchEntry key;
    snprintf(key.zName, sizeof key.zName, "%s", zName);
    int rc = KEEL_ENOTFOUND;
    pthread_rwlock_rdlock(&gLock);
    SwitchEntry *p = aEntry ? bsearch(&key, aEntry, (size_t)nEntry, sizeof *aEntry, entry_cmp)
                            : NULL;
    if (p) {
        *pzBody = malloc(p->nBody + 1);
        if (*pzBody) {
            memcpy(*pzBody, p->zBody, p->nBody + 1);
            *pnBody = p->nBody;
            snprintf(zEtag, nEtag, "%s", p->zEtag);
            rc = 0;
        } else {
            rc = KEEL_ENOMEM;
        }
    }
    pthread_rwlock_unlock(&gLock);
    return rc;
}

/* ---- the poller ---- */

static pthread_t gPoller;
static atomic_int gPolling, gStopPoll;
static _Atomic double gLastGood;
static char *gzPollPath;

static void *poll_main(void *p) {
    (void)p;
    Db *db = NULL;
    int bWarned = 0;
    int64_t seen = -1;
    while (!atomic_load(&gStopPoll)) {
        char zErr[256];
        if (!db && schema_open(gzPollPath, 0, &db, zErr, sizeof zErr)) db = NULL;
        /* wakes early on a notification (PostgreSQL), else polls the
         * counter; the refresh also picks up systems registered since */
        int rc = db ? store_wait_change(db, SWITCH_CHANNEL, &seen, SWITCH_POLL_MS) : KEEL_EIO;
        if (rc >= 0) rc = switch_cache_refresh(db);
        if (rc == 0) {
            atomic_store(&gLastGood, time_mono_ms());
            bWarned = 0;
            continue;
        }
        if (!bWarned)
            log_error("switch: cannot refresh from the database (answering from the last known "
                      "state): %s", db ? db_errmsg(db) : "cannot open it");
        bWarned = 1;
        db_close(db);
        db = NULL;
        seen = -1;
        usleep(SWITCH_POLL_MS * 1000);
    }
    db_close(db);
    return NULL;
}

int switch_poll_start(const char *zDbPath) {
    gzPollPath = strdup(zDbPath);
    if (!gzPollPath) return KEEL_ENOMEM;
    atomic_store(&gStopPoll, 0);
    atomic_store(&gLastGood, time_mono_ms());
    if (pthread_create(&gPoller, NULL, poll_main, NULL)) {
        free(gzPollPath);
        gzPollPath = NULL;
        return KEEL_EIO;
    }
    atomic_store(&gPolling, 1);
    return 0;
}

void switch_poll_stop(void) {
    if (!atomic_load(&gPolling)) return;
    atomic_store(&gStopPoll, 1);
    pthread_join(gPoller, NULL);
    atomic_store(&gPolling, 0);
    free(gzPollPath);
    gzPollPath = NULL;
    pthread_rwlock_wrlock(&gLock);
    entries_free(aEntry, nEntry);
    aEntry = NULL;
    nEntry = 0;
    gFlips = gSystems = -1;
    pthread_rwlock_unlock(&gLock);
}

int switch_poll_status(double *pAgeMs) {
    *pAgeMs = time_mono_ms() - atomic_load(&gLastGood);
    return atomic_load(&gPolling);
}

/* ---- rules ---- */

int switch_get(Db *db, const char *zName, json_t **ppOut, KeelError *e) {
    json_t *sys, *row = NULL;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    int64_t id = json_get_id(sys, "id");
    if ((rc = store_switch_latest(db, id, &row)) == 0) *ppOut = switch_answer(zName, id, row);
    json_decref(row);
    json_decref(sys);
    return rc;
}

/* May who flip the switch of sys? Risk officers, the committee, admins;
 * owners for systems under their initiatives. */
static int may_flip(Db *db, const Principal *who, const json_t *sys, KeelError *e) {
    if (who->role == ROLE_RISK || who->role == ROLE_COMMITTEE || who->role == ROLE_ADMIN)
        return 0;
    if (who->role == ROLE_OWNER) return system_may_edit(db, who, json_get_id(sys, "initiative_id"), e);
    return err_set(e, KEEL_EFORBIDDEN, "",
                   "only risk officers, the committee and the system's owner flip its switch");
}

/* A switch may leave off only once the launch gate passes (a version in
 * launch or operating, or the launch gate passing or overridden), and never
 * while an ethics review's suspension stands. */
static int may_leave_off(Db *db, const json_t *sys, const char *zName, KeelError *e) {
    json_t *st;
    int rc = review_status(db, sys, time_now(), &st);
    if (rc) return rc;
    int bSuspended = json_is_true(json_object_get(st, "suspended"));
    json_decref(st);
    if (bSuspended)
        return err_set(e, KEEL_ECONFLICT, "state",
                       "%s is suspended by its ethics review: its switch stays off until a later "
                       "review lifts the suspension",
                       zName);
    json_t *ver;
    KeelError e2 = {0};
    if (system_version_find(db, json_get_id(sys, "id"), zName, NULL, &ver, &e2))
        return err_set(e, KEEL_ECONFLICT, "state",
                       "%s has no version yet: its switch stays off until its launch gate passes",
                       zName);
    const char *zStage = json_get_str(ver, "stage");
    int bLaunched = zStage && (strcmp(zStage, "launch") == 0 || strcmp(zStage, "operating") == 0);
    json_decref(ver);
    if (bLaunched) return 0;
    json_t *gate;
    if ((rc = gate_evaluate(db, zName, NULL, "launch", &gate, &e2))) return rc;
    const char *zVerdict = json_get_str(gate, "verdict");
    int bPass = zVerdict && strcmp(zVerdict, "refuse") != 0;
    json_decref(gate);
    if (!bPass)
        return err_set(e, KEEL_ECONFLICT, "state",
                       "%s has not passed its launch gate: its switch stays off until it does "
                       "(GET /api/v1/systems/%s/gates/launch says what is missing)",
                       zName, zName);
    return 0;
}

/* Validate a flip body into its parts. */
static int flip_parse(const json_t *in, const json_t *cur, const char **pzState,
                      int64_t *pPercent, const char **pzFallback, const char **pzReason,
                      KeelError *e) {
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "state") && strcmp(zKey, "percent") && strcmp(zKey, "fallback") &&
            strcmp(zKey, "reason"))
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s': send state, percent, fallback and reason",
                           zKey);
    }
    const char *zState = json_get_str(in, "state");
    if (!zState || resource_enum_index(azSwitchState, zState) < 0)
        return err_set(e, KEEL_EINVAL, "state", "state must be on, off, shadow or percent");
    json_t *p = json_object_get(in, "percent");
    if (strcmp(zState, "percent") == 0) {
        if (!json_is_integer(p) || json_integer_value(p) < 0 || json_integer_value(p) > 100)
            return err_set(e, KEEL_EINVAL, "percent",
                           "percent must be an integer from 0 to 100 (the share of traffic the "
                           "model serves)");
        *pPercent = json_integer_value(p);
    } else {
        if (p && !json_is_null(p))
            return err_set(e, KEEL_EINVAL, "percent",
                           "percent goes only with state percent; leave it out for %s", zState);
        *pPercent = strcmp(zState, "on") == 0 ? 100 : 0;
    }
    json_t *f = json_object_get(in, "fallback");
    const char *zFallback = json_string_value(f);
    if (f && !json_is_null(f) && (!zFallback || resource_enum_index(azSwitchFallback, zFallback) < 0))
        return err_set(e, KEEL_EINVAL, "fallback",
                       "fallback must be rules, human_review or previous_version");
    if (!zFallback) zFallback = json_get_str(cur, "fallback");
    *pzFallback = zFallback ? zFallback : DEFAULT_FALLBACK;
    const char *zReason = json_get_str(in, "reason");
    size_t n = zReason ? strlen(zReason) : 0;
    size_t nBlank = zReason ? strspn(zReason, " \t\r\n") : 0;
    if (!zReason || nBlank == n)
        return err_set(e, KEEL_EINVAL, "reason",
                       "a flip needs its reason: say why (it is kept with who and when)");
    if (n > 2000 || !utf8_valid(zReason, n))
        return err_set(e, KEEL_EINVAL, "reason", "reason must be UTF-8 text of at most 2000 bytes");
    *pzState = zState;
    *pzReason = zReason;
    return 0;
}

/* Append a flip of systemId in a transaction of its own (or the caller's)
 * and refresh the cache once committed. */
static int flip_commit(Db *db, const Principal *who, int64_t systemId, const char *zState,
                       int64_t percent, const char *zFallback, const char *zReason,
                       const char *zCause) {
    Actor a = auth_actor(who);
    json_t *cur = NULL;
    int bOuter = db->nTxn > 0;
    int rc = db_begin(db);
    if (rc == 0) rc = store_switch_latest(db, systemId, &cur);
    if (rc == 0) {
        if (!zFallback) zFallback = json_get_str(cur, "fallback");
        int64_t id;
        rc = store_switch_flip(db, &a, systemId, json_get_id(cur, "version") + 1, zState, percent,
                               zFallback ? zFallback : DEFAULT_FALLBACK, zReason, zCause, &id);
    }
    json_decref(cur);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    if ((rc = db_commit(db))) return rc;
    if (!bOuter) switch_cache_refresh(db); /* a read after our answer sees the flip */
    return 0;
}

int switch_set(Db *db, const Principal *who, const char *zName, const json_t *in,
               json_t **ppOut, KeelError *e) {
    json_t *sys, *cur = NULL;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    int64_t id = json_get_id(sys, "id");
    const char *zState = NULL, *zFallback = NULL, *zReason = NULL;
    int64_t percent = 0;
    rc = may_flip(db, who, sys, e);
    if (rc == 0) rc = store_switch_latest(db, id, &cur);
    if (rc == 0) rc = flip_parse(in, cur, &zState, &percent, &zFallback, &zReason, e);
    if (rc == 0 && strcmp(zState, "off") != 0) rc = may_leave_off(db, sys, zName, e);
    if (rc == 0)
        rc = flip_commit(db, who, id, zState, percent, zFallback, zReason, NULL);
    json_decref(cur);
    json_decref(sys);
    return rc ? rc : switch_get(db, zName, ppOut, e);
}

int switch_force_off(Db *db, const Principal *who, int64_t systemId, const char *zReason,
                     const char *zCause) {
    return flip_commit(db, who, systemId, "off", 0, NULL, zReason, zCause);
}

int switch_history(Db *db, const char *zName, int64_t limit, json_t **ppOut, KeelError *e) {
    json_t *sys, *rows;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    int64_t id = json_get_id(sys, "id");
    json_decref(sys);
    if ((rc = store_switch_history(db, id, limit, &rows))) return rc;
    json_t *cur;
    if ((rc = switch_get(db, zName, &cur, e))) {
        json_decref(rows);
        return rc;
    }
    *ppOut = json_pack("{so so}", "switch", cur, "items", rows);
    return 0;
}

int switch_board(Db *db, json_t **ppOut) {
    json_t *rows;
    int rc = store_switch_all(db, &rows);
    if (rc) return rc;
    json_t *items = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        const char *zName = json_get_str(x, "name");
        json_t *o = switch_answer(zName, json_get_id(x, "id"), x), *last = NULL;
        if (store_switch_latest(db, json_get_id(x, "id"), &last) == 0 && last) {
            json_object_set(o, "reason", json_object_get(last, "reason"));
            json_object_set(o, "actor", json_object_get(last, "actor"));
            json_object_set(o, "changed_at", json_object_get(last, "created_at"));
            json_object_set(o, "cause", json_object_get(last, "cause"));
        }
        json_decref(last);
        json_array_append_new(items, o);
    }
    json_decref(rows);
    *ppOut = json_pack("{so}", "items", items);
    return 0;
}

/* ---- switch tests ---- */

int switch_test_add(Db *db, const Principal *who, const char *zName, const json_t *in,
                    int64_t *pId, KeelError *e) {
    json_t *sys;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    int64_t id = json_get_id(sys, "id");
    rc = may_flip(db, who, sys, e);
    json_decref(sys);
    if (rc) return rc;
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "result") && strcmp(zKey, "environment") && strcmp(zKey, "note"))
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s': send result, environment and note", zKey);
    }
    const char *zResult = json_get_str(in, "result");
    if (!zResult || (strcmp(zResult, "pass") && strcmp(zResult, "fail")))
        return err_set(e, KEEL_EINVAL, "result",
                       "result must be pass (flipped to the fallback and back, both seen) or fail");
    const char *azText[] = {"environment", "note"};
    for (int i = 0; i < 2; i++) {
        json_t *t = json_object_get(in, azText[i]);
        if (t && !json_is_null(t) &&
            (!json_is_string(t) || json_string_length(t) > 2000 ||
             !utf8_valid(json_string_value(t), json_string_length(t))))
            return err_set(e, KEEL_EINVAL, azText[i], "%s must be text of at most 2000 bytes",
                           azText[i]);
    }
    Actor a = auth_actor(who);
    return store_switch_test_add(db, &a, id, zResult, json_get_str(in, "environment"),
                                 json_get_str(in, "note"), pId);
}

int switch_tests(Db *db, const char *zName, json_t **ppOut, KeelError *e) {
    json_t *sys, *rows;
    int rc = system_get_row(db, zName, &sys, e);
    if (rc) return rc;
    rc = store_switch_tests(db, json_get_id(sys, "id"), &rows);
    json_decref(sys);
    if (rc) return rc;
    char zCut[32];
    time_iso(time_now() - (int64_t)SWITCH_TEST_DAYS * 86400, zCut, sizeof zCut);
    json_t *ev = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        if (strcmp(json_get_str(x, "result"), "pass") == 0 &&
            strcmp(json_get_str(x, "created_at"), zCut) >= 0) {
            ev = x;
            break;
        }
    }
    *ppOut = json_pack("{so sO}", "items", rows, "evidence", ev ? ev : json_null());
    return 0;
}
