/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel demo: load the demo enterprise (Meridian Group) into a new
 * database. Every demo account gets the same password: a generated one,
 * printed at the end, or the one in --password-file. For demonstrations
 * only. The data is the same for the same --seed. */
#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/demo.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/log.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

/* One account per role, as printed. */
static const char *const azDemoLogin[][2] = {
    {"admin", "admin@meridian.example"},         {"committee", "helena.marsh@meridian.example"},
    {"owner", "sofia.alvarez@meridian.example"}, {"engineer", "kenji.sato@meridian.example"},
    {"risk", "grace.kim@meridian.example"},      {"viewer", "olivia.brown@meridian.example"},
};

/* A readable random password: demo-xxxx-xxxx-xxxx. */
static void demo_password(char *z, size_t n) {
    static const char az[] = "abcdefghjkmnpqrstuvwxyz23456789";
    char r[12];
    for (int i = 0; i < 12; i++)
        r[i] = az[randombytes_uniform(sizeof az - 1)];
    snprintf(z, n, "demo-%.4s-%.4s-%.4s", r, r + 4, r + 8);
}

/* The size of array zPath ("a/b/c") of doc (0 when absent). */
static size_t demo_count(const json_t *doc, const char *zA, const char *zB, const char *zC) {
    const json_t *x = json_object_get(doc, zA);
    if (zB) x = json_object_get(x, zB);
    if (zC) x = json_object_get(x, zC);
    return json_array_size(x);
}

/* The help text, its numbers counted from the embedded demo so that they
 * never drift from what it loads (test_cli_kanon checks them against the
 * loaded database). */
static void demo_usage(const json_t *doc, char *z, size_t n) {
    snprintf(z, n,
             "usage: keel demo --db DB [--password-file F] [--seed N]\n\n"
             "Create DB (if needed) and load the demo enterprise, Meridian Group: %zu\n"
             "business units, %zu people, accounts for every role, %zu objectives, %zu\n"
             "KPIs with their quarterly actuals, %zu initiatives across every stage, %zu\n"
             "AI systems with months of production monitoring, and the findings of\n"
             "every path firing (docs/demo.md). For demonstrations only.",
             demo_count(doc, "units", NULL, NULL) + demo_count(doc, "collaboration", "units", NULL),
             demo_count(doc, "people", NULL, NULL) +
                 demo_count(doc, "collaboration", "training", "people"),
             demo_count(doc, "objectives", NULL, NULL), demo_count(doc, "kpis", NULL, NULL),
             demo_count(doc, "initiatives", NULL, NULL), demo_count(doc, "risk", "systems", NULL));
}

/* The demo's production events go through the intake into a scratch
 * event log, removed after (the windows keep them). */
static int demo_production(Db *db, uint64_t seed, KeelError *e) {
    char zDir[] = "/tmp/keel-demo-events-XXXXXX";
    if (!mkdtemp(zDir)) return err_set(e, KEEL_EIO, "", "cannot make a scratch directory in /tmp");
    log_set_level(LOG_ERROR); /* the demo's webhook has no receiver: its failed
                               * deliveries are logged in the database, not here */
    int rc = production_demo_load(db, zDir, seed, e);
    log_set_level(LOG_INFO);
    DIR *d = opendir(zDir);
    struct dirent *x;
    while (d && (x = readdir(d))) {
        char zPath[sizeof zDir + 300];
        if (!strcmp(x->d_name, ".") || !strcmp(x->d_name, "..")) continue;
        snprintf(zPath, sizeof zPath, "%s/%s", zDir, x->d_name);
        unlink(zPath);
    }
    if (d) closedir(d);
    rmdir(zDir);
    return rc;
}

/* The options after parsing: the seed and the password (given or made). */
static int demo_options(CliOpt *a, int n, int nPos, char **argv, uint64_t *pSeed, char *zPw,
                        size_t nPw) {
    if (nPos) return cli_usage_error("unexpected argument '%s'", argv[1]);
    if (cli_opt(a, n, "seed")) {
        char *end;
        const char *z = cli_opt(a, n, "seed");
        unsigned long long v = strtoull(z, &end, 10);
        if (!*z || *end || z[0] == '-')
            return cli_usage_error("--seed must be a non-negative integer");
        *pSeed = v;
    }
    if (crypto_init()) return cli_fail("libsodium failed to initialise");
    if (cli_opt(a, n, "password-file"))
        return cli_read_password(cli_opt(a, n, "password-file"), "password", zPw, nPw);
    demo_password(zPw, nPw);
    return 0;
}

int cli_demo(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "FILE", "database to create and fill (must hold no organisation yet)", NULL},
        {"password-file", 0, "FILE",
         "password for every demo account (default: a generated one, printed)", NULL},
        {"seed", 0, "N", "seed of the generated actuals and scores (default 1)", NULL},
        {"listen", 0, "HOST:PORT",
         "where it will be served, for the printed URL (default 127.0.0.1:8080)", NULL},
        CLI_OPT_JSON("print JSON"),
    };
    json_error_t je;
    json_t *doc = json_loadb((const char *)demo_enterprise_json, demo_enterprise_json_len,
                             JSON_REJECT_DUPLICATES, &je);
    if (!doc) return cli_fail("the embedded demo is malformed: %s (line %d)", je.text, je.line);
    char zUsage[1024];
    demo_usage(doc, zUsage, sizeof zUsage);
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n, zUsage, &nPos);
    uint64_t seed = 1;
    char zPw[1100];
    if (rc == 0) rc = demo_options(a, n, nPos, argv, &seed, zPw, sizeof zPw);
    if (rc) {
        json_decref(doc);
        return rc < 0 ? 0 : rc;
    }
    Db *db;
    Principal op;
    if ((rc = cli_open_operator(cli_opt(a, n, "db"), 1, &db, &op))) {
        json_decref(doc);
        return rc;
    }
    KeelError e = {0};
    Actor actor = auth_actor(&op);
    rc = demo_load(db, &actor, doc, zPw, seed, &e);
    json_decref(doc);
    if (rc == 0) rc = demo_production(db, seed, &e);
    db_close(db);
    if (rc)
        return rc == KEEL_ECONFLICT || rc == KEEL_EINVAL
                   ? cli_usage_error("%s", e.zMsg)
                   : cli_fail("loading the demo failed: %s",
                              e.zMsg[0] ? e.zMsg : err_code_name(rc));
    if (cli_opt(a, n, "json")) {
        json_t *acc = json_object();
        for (size_t i = 0; i < sizeof azDemoLogin / sizeof azDemoLogin[0]; i++)
            json_object_set_new(acc, azDemoLogin[i][0], json_string(azDemoLogin[i][1]));
        cli_print_json(json_pack("{ss so ss sI}", "db", cli_opt(a, n, "db"), "accounts", acc,
                                 "password", zPw, "seed", (json_int_t)seed));
        return 0;
    }
    printf("keel: demo enterprise Meridian Group loaded into %s (seed %llu)\n", cli_opt(a, n, "db"),
           (unsigned long long)seed);
    const char *zListen = cli_opt(a, n, "listen") ? cli_opt(a, n, "listen") : "127.0.0.1:8080";
    printf("  serve it:  keel serve --db %s --listen %s   then open http://%s/\n",
           cli_opt(a, n, "db"), zListen, zListen);
    printf("  sign in as (one account per role; demo only):\n");
    for (size_t i = 0; i < sizeof azDemoLogin / sizeof azDemoLogin[0]; i++)
        printf("    %-10s %s\n", azDemoLogin[i][0], azDemoLogin[i][1]);
    printf("  password for every demo account: %s\n", zPw);
    return 0;
}
