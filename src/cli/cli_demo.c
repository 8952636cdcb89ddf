/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel demo: load the demo enterprise (Meridian Industrial Group) into a
 * new database. Every demo account gets the same password, printed at the
 * end; it is for demonstrations only. */
#include "cli/cli.h"
#include "domain/demo.h"
#include "util/crypto.h"
#include "util/err.h"
#include <string.h>

#define DEMO_PASSWORD "keel-demo-2026"

int cli_demo(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "FILE", "database to create and fill (must hold no organisation yet)", NULL},
        {"password-file", 0, "FILE", "password for every demo account (default " DEMO_PASSWORD ")",
         NULL},
        {"json", 1, "", "print JSON", NULL},
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel demo --db FILE\n\n"
                       "Create FILE (if needed) and load the demo enterprise: units, people,\n"
                       "accounts for every role. For demonstrations only.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    char zPw[1100] = DEMO_PASSWORD;
    if (cli_opt(a, n, "password-file") &&
        (rc = cli_read_password(cli_opt(a, n, "password-file"), "password", zPw, sizeof zPw)))
        return rc;
    if (crypto_init()) return cli_fail("libsodium failed to initialise");
    json_error_t je;
    json_t *doc = json_loadb((const char *)demo_enterprise_json, demo_enterprise_json_len,
                             JSON_REJECT_DUPLICATES, &je);
    if (!doc) return cli_fail("the embedded demo is malformed: %s (line %d)", je.text, je.line);
    Db *db;
    if ((rc = cli_open_db(cli_opt(a, n, "db"), 1, &db))) {
        json_decref(doc);
        return rc;
    }
    KeelError e = {0};
    Actor actor = {0, "cli:demo"};
    rc = demo_load(db, &actor, doc, zPw, &e);
    json_decref(doc);
    db_close(db);
    if (rc)
        return rc == KEEL_ECONFLICT || rc == KEEL_EINVAL
                   ? cli_usage_error("%s", e.zMsg)
                   : cli_fail("loading the demo failed: %s",
                              e.zMsg[0] ? e.zMsg : err_code_name(rc));
    if (cli_opt(a, n, "json"))
        cli_print_json(json_pack("{ss ss ss}", "db", cli_opt(a, n, "db"), "admin",
                                 "admin@meridian.example", "password", zPw));
    else
        printf("keel: demo enterprise loaded into %s\n"
               "  sign in as admin@meridian.example (admin), helena.marsh@meridian.example\n"
               "  (CEO, committee), sofia.alvarez@meridian.example (owner),\n"
               "  kenji.sato@meridian.example (engineer), grace.kim@meridian.example (risk)\n"
               "  password for every demo account: %s\n",
               cli_opt(a, n, "db"), zPw);
    return 0;
}
