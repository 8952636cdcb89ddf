/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel init: create a database (or bring an existing one up to date) and
 * its first admin account. There is never a default password. */
#include "cli/cli.h"
#include "domain/auth.h"
#include "store/schema.h"
#include <jansson.h>
#include <string.h>

int cli_init(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "DB", "SQLite file or postgresql:// URL to create", NULL},
        {"admin-email", 0, "EMAIL", "e-mail of the first admin account", NULL},
        {"admin-name", 0, "NAME", "display name of the admin (default: Administrator)", NULL},
        {"admin-password-file", 0, "FILE",
         "read the admin password from FILE (- for stdin); "
         "else prompt",
         NULL},
        CLI_OPT_JSON("print the result as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel init --db DB [--admin-email EMAIL]\n\n"
                       "Create a keel database (or migrate an existing one) and, with\n"
                       "--admin-email, its first admin account.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos) return cli_usage_error("unexpected argument '%s'", argv[1]);
    const char *zDb = cli_opt(a, n, "db"), *zEmail = cli_opt(a, n, "admin-email");
    if (!zDb) return cli_usage_error("--db DB is required");
    char zPw[1100] = "";
    if (zEmail) {
        rc = cli_read_password(cli_opt(a, n, "admin-password-file"), "admin password", zPw,
                               sizeof zPw);
        if (rc) return rc;
    }
    Db *db;
    Principal op;
    if ((rc = cli_open_operator(zDb, 1, &db, &op))) return rc;
    int64_t id = 0;
    if (zEmail) {
        const char *zName = cli_opt(a, n, "admin-name");
        json_t *in = json_pack("{ss ss ss ss}", "email", zEmail, "name",
                               zName ? zName : "Administrator", "role", "admin", "password", zPw);
        KeelError e = {0};
        Actor actor = auth_actor(&op);
        rc = auth_account_create(db, &actor, in, &id, &e);
        json_decref(in);
        if (rc) {
            db_close(db);
            return cli_exit_for(rc) == CLI_EXIT_USAGE
                       ? cli_usage_error("cannot create the admin: %s%s%s", e.zMsg,
                                         e.zField[0] ? " (field " : "", e.zField[0] ? e.zField : "")
                       : cli_fail("cannot create the admin: %s",
                                  e.zMsg[0] ? e.zMsg : db_errmsg(db));
        }
    }
    db_close(db);
    if (cli_opt(a, n, "json"))
        cli_print_json(json_pack("{ss si so}", "db", zDb, "schema", schema_version(), "admin_id",
                                 id ? json_integer(id) : json_null()));
    else
        printf("keel: database %s ready (schema %d)%s%s\n", zDb, schema_version(),
               zEmail ? "; admin " : "", zEmail ? zEmail : "");
    return 0;
}
