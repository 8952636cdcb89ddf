/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel backup: a consistent copy of the database through SQLite's online
 * backup, safe while the server runs. */
#include "cli/cli.h"
#include "store/db.h"
#include <unistd.h>

int cli_backup(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "FILE", "database to copy", NULL},
        {"to", 0, "FILE", "where to write the copy (must not exist)", NULL},
        CLI_OPT_JSON("print JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel backup --db DB --to FILE\n\n"
                       "Copy the database consistently, even while `keel serve` writes to it.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    const char *zTo = cli_opt(a, n, "to");
    if (!zTo) return cli_usage_error("--to FILE is required");
    if (access(zTo, F_OK) == 0)
        return cli_usage_error("%s exists; choose a new file name for the backup", zTo);
    Db *db;
    if ((rc = cli_open_db(cli_opt(a, n, "db"), 0, &db))) return rc;
    char zErr[256];
    rc = db_backup(db, zTo, zErr, sizeof zErr);
    db_close(db);
    if (rc) return cli_fail("%s", zErr);
    if (cli_opt(a, n, "json"))
        cli_print_json(json_pack("{ss ss}", "db", cli_opt(a, n, "db"), "backup", zTo));
    else
        printf("keel: backup written to %s\n", zTo);
    return 0;
}
