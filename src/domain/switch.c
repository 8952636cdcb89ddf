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
    int64_t systemId, version; /* a system's versions only grow: the cache never goes back */
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

/* Fill *p from an answer of switch_answer: 0 or KEEL_ENOMEM. */
static int entry_fill(SwitchEntry *p, const json_t *o) {
    snprintf(p->zName, sizeof p->zName, "%s", json_get_str(o, "system"));
    snprintf(p->zEtag, sizeof p->zEtag, "\"%s\"", json_get_str(o, "etag"));
    p->version = json_get_id(o, "version");
    p->systemId = strtoll(json_get_str(o, "etag"), NULL, 10);
    p->zBody = json_dump_compact(o);
    if (!p->zBody) return KEEL_ENOMEM;
    p->nBody = strlen(p->zBody);
    return 0;
}

static SwitchEntry *entry_find(SwitchEntry *a, int n, const char *zName) {
    SwitchEntry key;
    snprintf(key.zName, sizeof key.zName, "%s", zName);
    return a ? bsearch(&key, a, (size_t)n, sizeof *a, entry_cmp) : NULL;
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
        rc = entry_fill(&a[i], o);
        json_decref(o);
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
    /* a flip put its answer in since these rows were read (switch_cache_put):
     * keep the newer of the two, so a read after a flip's answer never sees
     * the version before it */
    for (int i = 0; i < n; i++) {
        SwitchEntry *p = entry_find(old, nOld, a[i].zName);
        if (p && p->systemId == a[i].systemId && p->version > a[i].version) {
            SwitchEntry tmp = *p;
            *p = a[i];
            a[i] = tmp;
        }
    }
    aEntry = a;
    nEntry = n;
    gFlips = flips;
    gSystems = systems;
    pthread_rwlock_unlock(&gLock);
    pthread_mutex_unlock(&gRefresh);
    entries_free(old, nOld);
    return 0;
}

int switch_cache_put(const json_t *answer) {
    SwitchEntry x;
    if (entry_fill(&x, answer)) return KEEL_ENOMEM;
    int rc = 0;
    pthread_rwlock_wrlock(&gLock);
    SwitchEntry *p = entry_find(aEntry, nEntry, x.zName);
    if (p && (p->systemId != x.systemId || p->version < x.version)) {
        SwitchEntry tmp = *p;
        *p = x;
        x = tmp;
    } else if (!p) { /* a system the cache has not seen yet */
        SwitchEntry *a = realloc(aEntry, ((size_t)nEntry + 1) * sizeof *a);
        if (a) {
            a[nEntry++] = x;
            memset(&x, 0, sizeof x);
            qsort(a, (size_t)nEntry, sizeof *a, entry_cmp);
            aEntry = a;
        } else {
            rc = KEEL_ENOMEM;
        }
    }
    pthread_rwlock_unlock(&gLock);
    free(x.zBody); /* the entry replaced, or the older answer not put */
    return rc;
}

int switch_cache_read(const char *zName, char **pzBody, size_t *pnBody, char *zEtag, size_t nEtag) {
    int rc = KEEL_ENOTFOUND;
    pthread_rwlock_rdlock(&gLock);
    SwitchEntry *p = entry_find(aEntry, nEntry, zName);
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
                      "state): %s",
                      db ? db_errmsg(db) : "cannot open it");
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
    if (who->role == ROLE_RISK || who->role == ROLE_COMMITTEE || who->role == ROLE_ADMIN) return 0;
    if (who->role == ROLE_OWNER)
        return system_may_edit(db, who, json_get_id(sys, "initiative_id"), e);
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
static int flip_parse(const json_t *in, const json_t *cur, const char **pzState, int64_t *pPercent,
                      const char **pzFallback, const char **pzReason, KeelError *e) {
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "state") && strcmp(zKey, "percent") && strcmp(zKey, "fallback") &&
            strcmp(zKey, "reason"))
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s': send state, percent, fallback and reason", zKey);
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
    if (f && !json_is_null(f) &&
        (!zFallback || resource_enum_index(azSwitchFallback, zFallback) < 0))
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

/* Append a flip of systemId (called zName) inside the caller's
 * transaction; *ppAnswer gets the flip's answer, built from the row it
 * wrote (not read back after commit, when another flip may have followed). */
static int flip_append(Db *db, const Principal *who, int64_t systemId, const char *zName,
                       const char *zState, int64_t percent, const char *zFallback,
                       const char *zReason, const char *zCause, json_t **ppAnswer) {
    Actor a = auth_actor(who);
    json_t *cur = NULL;
    int rc = store_switch_latest(db, systemId, &cur);
    if (rc) return rc;
    if (!zFallback) zFallback = json_get_str(cur, "fallback");
    if (!zFallback) zFallback = DEFAULT_FALLBACK;
    int64_t id, version = json_get_id(cur, "version") + 1;
    rc = store_switch_flip(db, &a, systemId, version, zState, percent, zFallback, zReason, zCause,
                           &id);
    if (rc == 0) { /* zFallback may point into cur */
        json_t *row = json_pack("{ss sI ss sI}", "state", zState, "percent", (json_int_t)percent,
                                "fallback", zFallback, "version", (json_int_t)version);
        *ppAnswer = row ? switch_answer(zName, systemId, row) : NULL;
        json_decref(row);
        if (!*ppAnswer) rc = KEEL_ENOMEM;
    }
    json_decref(cur);
    return rc;
}

int switch_set(Db *db, const Principal *who, const char *zName, const json_t *in, json_t **ppOut,
               KeelError *e) {
    /* the checks and the flip in one write transaction: writers run one at
     * a time (BEGIN IMMEDIATE, PostgreSQL's advisory lock), so the version
     * read is the latest and no suspension slips in between check and flip */
    json_t *sys = NULL, *cur = NULL, *out = NULL;
    int rc = db_begin(db);
    if (rc) return rc;
    rc = system_get_row(db, zName, &sys, e);
    int64_t id = rc ? 0 : json_get_id(sys, "id");
    const char *zState = NULL, *zFallback = NULL, *zReason = NULL;
    int64_t percent = 0;
    if (rc == 0) rc = may_flip(db, who, sys, e);
    if (rc == 0) rc = store_switch_latest(db, id, &cur);
    if (rc == 0) rc = flip_parse(in, cur, &zState, &percent, &zFallback, &zReason, e);
    if (rc == 0 && strcmp(zState, "off") != 0) rc = may_leave_off(db, sys, zName, e);
    if (rc == 0)
        rc = flip_append(db, who, id, json_get_str(sys, "name"), zState, percent, zFallback,
                         zReason, NULL, &out);
    json_decref(cur);
    json_decref(sys);
    if ((rc = db_end(db, rc))) {
        json_decref(out);
        return rc;
    }
    /* this server's cache before the answer: a read that starts after it
     * sees the flip (or a later one) */
    if ((rc = switch_cache_put(out))) {
        json_decref(out);
        return rc;
    }
    *ppOut = out;
    return 0;
}

int switch_force_off(Db *db, const Principal *who, int64_t systemId, const char *zName,
                     const char *zReason, const char *zCause, json_t **ppAnswer) {
    if (db->nTxn == 0) return KEEL_EINTERNAL; /* the caller's transaction */
    return flip_append(db, who, systemId, zName, "off", 0, NULL, zReason, zCause, ppAnswer);
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

int switch_test_add(Db *db, const Principal *who, const char *zName, const json_t *in, int64_t *pId,
                    KeelError *e) {
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
