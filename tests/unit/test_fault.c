/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fault injection as SQLite tests itself (util/fault.h): a series of API
 * calls, run in-process through the real route table over a real SQLite
 * file; for every call and every N the call reaches, the Nth allocation
 * fails (SQLite's and keel's buffers), or the Nth store call
 * fails as SQLITE_FULL, SQLITE_IOERR or SQLITE_BUSY would. After each:
 * keel answered (2xx, or an error envelope with a code and a message,
 * never a crash), a refused call changed nothing (same audit head), and
 * PRAGMA integrity_check and the audit chain pass.
 *
 * `test_fault` alone: a real SQLITE_FULL, then FULL, IOERR and BUSY at
 * every store call of every call. `test_fault alloc I N`: allocation
 * faults over every call, shard I of N (ctest runs the shards in
 * parallel); a shard's calls get the faults, the others run once to build
 * on. Allocation indices are sampled: the first 32, every STRIDE-th and a
 * seeded pseudo-random one in RAND of the others (KEEL_FAULT_STRIDE,
 * KEEL_FAULT_RAND, KEEL_FAULT_SEED; sparser under ASan); KEEL_FAULT_FULL=1
 * tries every index (docs/security.md has the full run's figures). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/auth.h"
#include "http/local.h"
#include "store/schema.h"
#include "store/store_audit.h"
#include "util/crypto.h"
#include "util/fault.h"
#include "util/log.h"

/* ---- allocation hooks: SQLite's and jansson's allocators ------------- */
static sqlite3_mem_methods origMem;

static void *fault_sq_malloc(int n) { return fault_alloc() ? NULL : origMem.xMalloc(n); }
static void *fault_sq_realloc(void *p, int n) {
    return fault_alloc() ? NULL : origMem.xRealloc(p, n);
}

static void hooks_install(void) {
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &origMem);
    sqlite3_mem_methods m = origMem;
    m.xMalloc = fault_sq_malloc;
    m.xRealloc = fault_sq_realloc;
    assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
    /* jansson's allocations are not failed: its parser (2.14) asserts, or
     * corrupts the heap without assertions, when an allocation fails while
     * it lexes a string (lex_scan_string, load.c:442). Failing them found
     * that json_dumps returns broken JSON on a failed append, which keel
     * now avoids (util/json.c json_dump_compact). */
}

/* ---- the calls --------------------------------------------------------
 * %d in a body is replaced with a number unique to the attempt, so that a
 * create that succeeded despite the fault does not make the next attempt a
 * duplicate. Changes keep one body: a change saved by an attempt is then a
 * no-op for the next, and the calls an attempt makes stay bounded. */
typedef struct Call {
    const char *zMethod, *zUrl, *zBody;
    int bCsv;
    int bWantCsv; /* a CSV export */
} Call;

static const Call aCall[] = {
    {"POST", "/api/v1/units", "{\"name\":\"Unit %d\",\"kind\":\"department\"}", 0, 0},
    {"PATCH", "/api/v1/units/1", "{\"name\":\"Renamed\"}", 0, 0},
    {"POST", "/api/v1/people",
     "{\"name\":\"Person %d\",\"email\":\"p%d@x.example\",\"skills\":[\"ml_engineer\"]}", 0, 0},
    {"POST", "/api/v1/people", "{\"name\":\"Person %d\",\"email\":\"p%d@x.example\"}", 0, 0},
    {"POST", "/api/v1/people", "{\"name\":\"Person %d\",\"email\":\"p%d@x.example\"}", 0, 0},
    {"POST", "/api/v1/objectives", "{\"title\":\"Objective %d\",\"pain_point\":\"cost\"}", 0, 0},
    {"POST", "/api/v1/kpis",
     "{\"objective_id\":1,\"name\":\"KPI %d\",\"unit\":\"%%\",\"direction\":\"down\","
     "\"baseline\":6,\"target\":2,\"target_period\":\"2027Q4\"}",
     0, 0},
    {"POST", "/api/v1/kpis/1/values", "period,value\r\n2026Q1,6.%d\r\n2026Q2,5.5\r\n", 1, 0},
    {"POST", "/api/v1/initiatives",
     "{\"title\":\"Initiative %d\",\"problem\":\"p\",\"sponsor_id\":1,\"ai_lead_id\":2}", 0, 0},
    {"POST", "/api/v1/initiatives/1/links",
     "{\"kpi_id\":1,\"expected_impact\":-1,\"impact_period\":\"2027Q2\",\"rationale\":\"r%d\"}", 0,
     0},
    {"PATCH", "/api/v1/initiatives/1", "{\"scope\":\"the scope\",\"ai_lead_id\":3}", 0, 0},
    {"POST", "/api/v1/initiatives/1/team",
     "{\"person_id\":1,\"skill\":\"ml_engineer\",\"fte\":0.5}", 0, 0},
    {"PATCH", "/api/v1/initiatives/1/team/1", "{\"fte\":0.25,\"note\":\"n\"}", 0, 0},
    {"POST", "/api/v1/initiatives/1/transition", "{\"to\":\"assessed\",\"reason\":\"r%d\"}", 0, 0},
    {"PATCH", "/api/v1/accounts/1", "{\"name\":\"Admin renamed\"}", 0, 0},
    {"POST", "/api/v1/tokens", "{\"name\":\"t%d\",\"scope\":\"read\"}", 0, 0},
    {"GET", "/api/v1/alignment", NULL, 0, 0},
    {"GET", "/api/v1/initiatives/1", NULL, 0, 0},
    {"GET", "/api/v1/initiatives", NULL, 0, 1},
    {"GET", "/api/v1/audit?limit=5", NULL, 0, 0},
};
#define N_CALL ((int)(sizeof aCall / sizeof aCall[0]))

static char zDir[64], zPath[128];
static Db *gDb;
static Principal gAdmin;
static int gSerial;

/* The database is intact: integrity_check says ok and the chain verifies.
 * A separate connection, as an operator would check. */
static sqlite3 *hCheck;

static void check_intact(const char *zWhat, int kind, long n) {
    sqlite3 *h = hCheck;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    if (strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0)
        fail_msg("%s, fault %d at %ld: integrity_check: %s", zWhat, kind, n,
                 sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    AuditVerify v;
    int rc = store_audit_verify(gDb, NULL, &v);
    if (rc) fail_msg("%s, fault %d at %ld: audit verify: %s", zWhat, kind, n, v.zMsg);
}

static void run_call(const Call *c, Resp *resp) {
    char zBody[512];
    size_t nBody = 0;
    if (c->zBody) {
        int k = ++gSerial;
        /* every %d gets the same number (bodies hold at most two) */
        nBody = (size_t)snprintf(zBody, sizeof zBody, c->zBody, k, k);
    }
    http_local(gDb, &gAdmin, c->zMethod, c->zUrl, c->zBody ? zBody : NULL, nBody, c->bCsv,
               c->bWantCsv, resp);
}

/* The answer is either a success or a clear error envelope. */
static int answered(const Resp *r, const char *zWhat, int kind, long n) {
    if (r->status >= 200 && r->status < 300) return 1;
    json_t *j = r->zBody ? json_loadb(r->zBody, r->nBody, 0, NULL) : NULL;
    json_t *e = json_object_get(j, "error");
    const char *zCode = json_string_value(json_object_get(e, "code"));
    const char *zMsg = json_string_value(json_object_get(e, "message"));
    if (r->status < 400 || !zCode || !zMsg || !*zMsg)
        fail_msg("%s, fault %d at %ld: status %d without an error envelope: %.*s", zWhat, kind, n,
                 r->status, (int)r->nBody, r->zBody ? r->zBody : "");
    /* a store fault is named for what it is */
    if (kind == FAULT_FULL && fault_fired() && strcmp(zCode, "disk_full") != 0 && r->status >= 500)
        fail_msg("%s, fault FULL at %ld: answered %s, not disk_full", zWhat, n, zCode);
    json_decref(j);
    return 0;
}

/* ---- which calls, which allocation indices ------------------------- */
#if defined(__SANITIZE_ADDRESS__)
#define FAULT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAULT_ASAN 1
#endif
#endif
static int gShard = 0, gShards = 1;  /* allocation faults: calls i % gShards == gShard */
static int gFull;                    /* KEEL_FAULT_FULL=1: every allocation index */
static long gStride = 16, gRand = 8; /* else: every gStride-th, 1 in gRand of the rest */
static unsigned long long gSeed = 20261207;

static long env_long(const char *zName, long dflt) {
    const char *z = getenv(zName);
    return z && *z ? strtol(z, NULL, 10) : dflt;
}

/* splitmix64: a seeded pseudo-random choice that does not depend on the
 * order the indices are tried in */
static unsigned long long mix(unsigned long long x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Whether the nth event of call i is failed. Store calls (a few dozen a
 * call) are all tried; allocations (thousands) are sampled unless full. */
static int sampled(int kind, int i, long n) {
    if (kind != FAULT_ALLOC || gFull || n <= 32 || n % gStride == 0) return 1;
    return mix(gSeed ^ ((unsigned long long)i << 40) ^ (unsigned long long)n) %
               (unsigned long long)gRand ==
           0;
}

static long run_faults(int kind) {
    long nTotal = 0;
    for (int i = 0; i < N_CALL; i++) {
        if (kind == FAULT_ALLOC && i % gShards != gShard) {
            /* another shard's call: run it once to build on */
            Resp r;
            run_call(&aCall[i], &r);
            resp_free(&r);
            continue;
        }
        int bDone = 0; /* an attempt saved its change despite its fault */
        long nCall = 0;
        char zWhat[160];
        snprintf(zWhat, sizeof zWhat, "%s %s", aCall[i].zMethod, aCall[i].zUrl);
        for (long n = 1;; n++) {
            if (!sampled(kind, i, n)) continue;
            char zHead0[CRYPTO_HEX_LEN], zHead1[CRYPTO_HEX_LEN];
            assert_int_equal(store_audit_head(gDb, zHead0, NULL), 0);
            Resp r;
            fault_arm(kind, n);
            run_call(&aCall[i], &r);
            int bFired = fault_fired();
            long nSeen = fault_seen();
            fault_arm(FAULT_NONE, 0);
            int ok = answered(&r, zWhat, kind, n);
            int status = r.status;
            char zAnswer[200];
            snprintf(zAnswer, sizeof zAnswer, "%d %.*s", r.status,
                     (int)(r.nBody < 150 ? r.nBody : 150), r.zBody ? r.zBody : "");
            resp_free(&r);
            assert_int_equal(store_audit_head(gDb, zHead1, NULL), 0);
            /* a refusal (4xx) changes nothing; a server error (5xx) after
             * the commit, when reading the row back fails, may follow a
             * saved change: its outcome is unknown, the audit log tells */
            if (!ok && status < 500 && strcmp(zHead0, zHead1) != 0)
                fail_msg("%s, fault %d at %ld: refused but the audit log grew", zWhat, kind, n);
            check_intact(zWhat, kind, n);
            nTotal++;
            nCall++;
            bDone |= ok || strcmp(zHead0, zHead1) != 0; /* saved, answered or not */
            if (getenv("KEEL_FAULT_TRACE") && n % 200 == 0)
                fprintf(stderr, "%s kind %d n %ld\n", zWhat, kind, n);
            if (!bFired) {
                if (getenv("KEEL_FAULT_REPORT"))
                    fprintf(stderr, "fault kind %d: %-6s %-34s %5ld runs; %ld events\n", kind,
                            aCall[i].zMethod, aCall[i].zUrl, nCall, nSeen);
                /* the call ran to its end without reaching n: it must have
                 * succeeded, now or in an earlier attempt (a transition
                 * made once cannot be made again) */
                if (!bDone) fail_msg("%s failed without a fault: %s", zWhat, zAnswer);
                break;
            }
        }
    }
    return nTotal;
}

static void setup_db(void) {
    char zErr[256];
    snprintf(zPath, sizeof zPath, "%s/fault.db", zDir);
    unlink(zPath);
    assert_int_equal(schema_open(zPath, 1, &gDb, zErr, sizeof zErr), 0);
    /* thousands of commits: no fsync (durability is test_durability's) */
    assert_int_equal(db_exec(gDb, "PRAGMA synchronous=OFF"), 0);
    assert_int_equal(sqlite3_open_v2(zPath, &hCheck, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    json_t *in = json_pack("{ss ss ss ss}", "email", "admin@x.example", "name", "Admin", "role",
                           "admin", "password", "admin-password-1");
    Actor a = {0, "test"};
    int64_t id;
    KeelError e;
    assert_int_equal(auth_account_create(gDb, &a, in, &id, &e), 0);
    json_decref(in);
    memset(&gAdmin, 0, sizeof gAdmin);
    gAdmin.kind = AUTH_BEARER;
    gAdmin.accountId = id;
    gAdmin.role = ROLE_ADMIN;
    gAdmin.scope = SCOPE_WRITE;
    snprintf(gAdmin.zEmail, sizeof gAdmin.zEmail, "admin@x.example");
}

/* fault-1..4: each kind over the whole sequence (allocations: this
 * shard's calls), on a fresh database */
static void test_fault_kind(void **state) {
    int kind = (int)(intptr_t)*state;
    setup_db();
    long n = run_faults(kind);
    print_message("fault kind %d: %ld injected runs\n", kind, n);
    assert_true(n > N_CALL / (kind == FAULT_ALLOC ? gShards : 1));
    sqlite3_close(hCheck);
    db_close(gDb);
    gDb = NULL;
}

/* fault-5: a real SQLITE_FULL (the database capped at its current size
 * with max_page_count): 507 disk_full in the envelope, SQLite's own
 * message kept for the log (not "cannot rollback"), the database intact,
 * and writes work again once there is room */
static void test_real_full(void **state) {
    (void)state;
    setup_db();
    int64_t nPage = 0;
    assert_int_equal(db_query_int(gDb, &nPage, "PRAGMA page_count", NULL), 0);
    char zSql[64];
    snprintf(zSql, sizeof zSql, "PRAGMA max_page_count=%lld", (long long)nPage);
    int64_t ignored;
    db_query_int(gDb, &ignored, zSql, NULL);
    const Call big = {"POST", "/api/v1/people",
                      "{\"name\":\"Person %d\",\"email\":\"p%d@x.example\"}", 0, 0};
    Resp r;
    int status = 201;
    for (int i = 0; i < 2000 && status == 201; i++) {
        run_call(&big, &r);
        status = r.status;
        if (status != 201) {
            assert_int_equal(status, 507);
            assert_non_null(strstr(r.zBody, "\"code\":\"disk_full\""));
            assert_non_null(strstr(r.zBody, "disk is full"));
            assert_non_null(strstr(db_errmsg(gDb), "full"));
        }
        resp_free(&r);
    }
    assert_int_equal(status, 507);
    check_intact("real full", FAULT_FULL, 0);
    snprintf(zSql, sizeof zSql, "PRAGMA max_page_count=%lld", (long long)nPage * 100);
    db_query_int(gDb, &ignored, zSql, NULL);
    run_call(&big, &r);
    assert_int_equal(r.status, 201);
    resp_free(&r);
    sqlite3_close(hCheck);
    db_close(gDb);
    gDb = NULL;
}

static int setup_kind(void **state, int kind) {
    *state = (void *)(intptr_t)kind;
    return 0;
}
static int setup_alloc(void **s) { return setup_kind(s, FAULT_ALLOC); }
static int setup_full(void **s) { return setup_kind(s, FAULT_FULL); }
static int setup_ioerr(void **s) { return setup_kind(s, FAULT_IOERR); }
static int setup_busy(void **s) { return setup_kind(s, FAULT_BUSY); }

int main(int argc, char **argv) {
#ifndef KEEL_TEST_HOOKS
    (void)argc;
    (void)argv;
    printf("test_fault: skipped (a build without -DKEEL_TEST_HOOKS=ON has no fault hooks)\n");
    return 0;
#endif
    int bAlloc = argc >= 2 && strcmp(argv[1], "alloc") == 0;
    if (bAlloc && argc == 4) {
        gShard = atoi(argv[2]) - 1;
        gShards = atoi(argv[3]);
    }
    if (gShards < 1 || gShard < 0 || gShard >= gShards || (argc > 1 && !bAlloc)) {
        fprintf(stderr, "usage: test_fault [alloc [SHARD NSHARDS]] (shards from 1)\n");
        return 2;
    }
    gFull = env_long("KEEL_FAULT_FULL", 0) != 0;
#ifdef FAULT_ASAN
    gStride = 64; /* ASan makes each run several times dearer */
    gRand = 32;
#endif
    gStride = env_long("KEEL_FAULT_STRIDE", gStride);
    gRand = env_long("KEEL_FAULT_RAND", gRand);
    gSeed = (unsigned long long)env_long("KEEL_FAULT_SEED", (long)gSeed);
    if (gStride < 1) gStride = 1;
    if (gRand < 1) gRand = 1;
    if (bAlloc)
        printf("test_fault: allocation faults, shard %d of %d, %s (seed %llu)\n", gShard + 1,
               gShards, gFull ? "every index" : "sampled", gSeed);
    setenv("KEEL_FAST_PWHASH", "1", 1);
    log_set_level(LOG_ERROR + 1); /* thousands of expected error lines */
    hooks_install();
    if (crypto_init()) return 1;
    snprintf(zDir, sizeof zDir, "/tmp/keel-fault-XXXXXX");
    if (!mkdtemp(zDir)) return 1;
    const struct CMUnitTest testsStore[] = {
        cmocka_unit_test(test_real_full),
        cmocka_unit_test_setup(test_fault_kind, setup_full),
        cmocka_unit_test_setup(test_fault_kind, setup_ioerr),
        cmocka_unit_test_setup(test_fault_kind, setup_busy),
    };
    const struct CMUnitTest testsAlloc[] = {
        cmocka_unit_test_setup(test_fault_kind, setup_alloc),
    };
    int rc = bAlloc ? cmocka_run_group_tests(testsAlloc, NULL, NULL)
                    : cmocka_run_group_tests(testsStore, NULL, NULL);
    char zCmd[128];
    snprintf(zCmd, sizeof zCmd, "rm -rf %s", zDir);
    if (system(zCmd)) rc = rc ? rc : 1;
    return rc;
}
