/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 5 reports: keel actions, keel review, keel radar, read through the
 * API in-process (GET /api/v1/actions, /api/v1/reviews/{period},
 * /api/v1/radar) so they show exactly what the server answers. */
#include "cli/cli.h"
#include "domain/auth.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_(const json_t *o, const char *k) {
    const char *z = json_string_value(json_object_get(o, k));
    return z ? z : "-";
}

/* Open --db, read zPath as --as (or the first admin) into *pj. */
static int cli_read(const CliOpt *a, int n, const char *zPath, json_t **pj) {
    Db *db;
    int rc = cli_open_db(cli_opt(a, n, "db"), 0, &db);
    if (rc) return rc;
    Principal who;
    if ((rc = cli_principal(db, cli_opt(a, n, "as"), &who)) == 0)
        rc = cli_call(db, &who, "GET", zPath, pj);
    db_close(db);
    return rc;
}

static void print_findings(const json_t *j) {
    size_t i;
    json_t *o;
    if (!json_array_size(json_object_get(j, "findings"))) return;
    printf("\nfindings:\n");
    json_array_foreach(json_object_get(j, "findings"), i, o)
        printf("  %-8s %s\n", s_(o, "severity"), s_(o, "message"));
}

int cli_actions(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "DB", "SQLite file or postgresql:// URL", NULL},
        {"as", 0, "EMAIL", "read as this account (default: the first admin)", NULL},
        {"overdue", 1, "", "only overdue actions", NULL},
        {"all", 1, "", "closed actions too (default: open and in progress)", NULL},
        {"json", 1, "", "print the answer as JSON", NULL},
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel actions --db DB [--overdue] [--all] [--json]\n\n"
                       "Actions with their owner, due date, status and what raised them (a\n"
                       "review, a monitoring finding, a risk, a gate refusal); overdue ones are\n"
                       "findings. Exit 0 whatever they show.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    char zPath[128];
    snprintf(zPath, sizeof zPath, "/api/v1/actions%s%s",
             cli_opt(a, n, "overdue") ? "?overdue=1"
                                      : (cli_opt(a, n, "all") ? "" : "?status=active"),
             "");
    json_t *j = NULL;
    if ((rc = cli_read(a, n, zPath, &j))) return rc;
    if (cli_opt(a, n, "json")) {
        cli_print_json(j);
        return 0;
    }
    size_t i;
    json_t *o;
    printf("%-5s %-11s %-10s %-20s %-9s %s\n", "id", "status", "due", "owner", "source", "title");
    json_array_foreach(json_object_get(j, "items"), i, o) {
        printf("%-5lld %-11s %-10s %-20.20s %-9s %s%s\n",
               (long long)json_integer_value(json_object_get(o, "id")), s_(o, "status"),
               s_(o, "due_date"), s_(o, "owner_name"), s_(o, "source"), s_(o, "title"),
               json_is_true(json_object_get(o, "overdue")) ? "  [OVERDUE]" : "");
    }
    print_findings(j);
    json_decref(j);
    return 0;
}
