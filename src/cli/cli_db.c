/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel migrate (upgrade a database's schema explicitly) and keel copy (a
 * whole database between SQLite and PostgreSQL). */
#include "cli/cli.h"
#include "store/db.h"
#include "store/schema.h"
#include "store/store_copy.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cli_migrate(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        CLI_OPT_JSON("print JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel migrate --db DB [--json]\n\n"
                       "Bring the database's schema up to this keel's version. Each step runs\n"
                       "under the database's write lock and re-reads the version, so two\n"
                       "servers or operators migrating at once apply each step once. A\n"
                       "database written by a newer keel is refused.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos) return cli_usage_error("unexpected argument '%s'", argv[1]);
    const char *zDb = cli_opt(a, n, "db");
    if (!zDb) return cli_usage_error("--db DB is required");
    char zErr[512], zShown[256];
    db_display_name(zDb, zShown, sizeof zShown);
    Db *db = NULL;
    rc = db_open(zDb, 0, &db, zErr, sizeof zErr);
    if (rc) return cli_fail("%s", zErr);
    int before = 0, app = 0;
    db_get_version(db, &before, &app);
    rc = schema_migrate(db, zErr, sizeof zErr);
    int after = before;
    if (rc == 0) db_get_version(db, &after, &app);
    db_close(db);
    if (rc) {
        fprintf(stderr, "keel: %s: %s\n", zShown, zErr);
        return rc == KEEL_EVERSION ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    if (cli_opt(a, n, "json"))
        cli_print_json(json_pack("{ss si si}", "db", zShown, "from", before, "to", after));
    else if (before == after)
        printf("keel: %s is at schema %d already\n", zShown, before);
    else
        printf("keel: %s migrated from schema %d to %d\n", zShown, before, after);
    return 0;
}

static void copy_progress(void *pArg, int64_t nDone, int64_t nTotal, const char *zTable) {
    (void)pArg;
    int w = 30, k = nTotal > 0 ? (int)(nDone * w / nTotal) : w;
    fprintf(stderr, "\rcopying [%.*s%*s] %3d%% %-24.24s", k, "##############################",
            w - k, "", nTotal > 0 ? (int)(nDone * 100 / nTotal) : 100, zTable);
    if (nDone == nTotal) fprintf(stderr, "\n");
}

int cli_copy(int argc, char **argv) {
    CliOpt a[] = {
        {"from", 0, "DB", "the database to copy (SQLite file or postgresql:// URL)", NULL},
        {"to", 0, "DB", "an empty database: a new SQLite file or an empty PostgreSQL schema", NULL},
        CLI_OPT_JSON("print JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel copy --from DB --to DB [--json]\n\n"
                       "Copy a whole keel database between back ends (SQLite -> PostgreSQL or\n"
                       "PostgreSQL -> SQLite): the schema is created in the empty target, every\n"
                       "table is copied with its ids, audit entries verbatim (neither audit log\n"
                       "gets a new entry). At the end the row counts and `keel audit head` are\n"
                       "compared; on any difference nothing is kept in the target.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos) return cli_usage_error("unexpected argument '%s'", argv[1]);
    const char *zFrom = cli_opt(a, n, "from"), *zTo = cli_opt(a, n, "to");
    if (!zFrom || !zTo) return cli_usage_error("--from DB and --to DB are required");
    if (strcmp(zFrom, zTo) == 0) return cli_usage_error("--from and --to are the same database");
    if (!db_is_pg_url(zTo) && access(zTo, F_OK) == 0)
        return cli_usage_error("%s exists; copy into a new SQLite file", zTo);
    char zErr[512], zFromShown[256], zToShown[256];
    db_display_name(zFrom, zFromShown, sizeof zFromShown);
    db_display_name(zTo, zToShown, sizeof zToShown);
    Db *src = NULL, *dst = NULL;
    rc = schema_open_mode(zFrom, SCHEMA_CHECK, &src, zErr, sizeof zErr);
    if (rc) {
        fprintf(stderr, "keel: %s\n", zErr);
        return rc == KEEL_EVERSION ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    rc = db_open(zTo, 1, &dst, zErr, sizeof zErr);
    if (rc) {
        db_close(src);
        return cli_fail("%s", zErr);
    }
    CopyReport r;
    rc = store_copy(src, dst, cli_progress_enabled() ? copy_progress : NULL, NULL, &r, zErr,
                    sizeof zErr);
    db_close(src);
    db_close(dst);
    if (rc) {
        if (!db_is_pg_url(zTo)) unlink(zTo);
        fprintf(stderr, "keel: copy from %s to %s failed: %s\n", zFromShown, zToShown, zErr);
        return rc == KEEL_ECONFLICT || rc == KEEL_EVERSION ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    if (cli_opt(a, n, "json"))
        cli_print_json(json_pack("{ss ss si sI ss sI}", "from", zFromShown, "to", zToShown,
                                 "tables", r.nTable, "rows", (json_int_t)r.nRow, "audit_head",
                                 r.zHead, "audit_entries", (json_int_t)r.nAudit));
    else
        printf("keel: copied %d tables, %lld rows from %s to %s; row counts match; audit head "
               "%s %lld on both\n",
               r.nTable, (long long)r.nRow, zFromShown, zToShown, r.zHead, (long long)r.nAudit);
    return 0;
}
