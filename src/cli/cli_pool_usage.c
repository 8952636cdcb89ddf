/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel usage: record the actual usage of a resource pool from a CSV file
 * (period,amount[,note]), through the same route, roles, all-or-none rule
 * and audit as POST /api/v1/pools/{id}/usage. */
#include "cli/cli.h"
#include "http/local.h"
#include "store/store_account.h"
#include <stdlib.h>
#include <string.h>

int cli_pool_usage(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"pool", 0, "ID", "the pool's id", NULL},
        {"as", 0, "EMAIL", "act as this account (default: the first admin)", NULL},
        CLI_OPT_JSON("print the answer as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel usage import --db DB --pool ID FILE.csv\n\n"
                       "Record actual usage of a resource pool per period from CSV with the\n"
                       "header period,amount[,note]. All rows or none: every bad line is\n"
                       "listed and nothing is stored. A period given again replaces the\n"
                       "recorded one.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos != 2 || strcmp(argv[1], "import") != 0)
        return cli_usage_error("give: keel usage import --db DB --pool ID FILE.csv");
    const char *zPool = cli_opt(a, n, "pool");
    char *end;
    long long pool = zPool ? strtoll(zPool, &end, 10) : 0;
    if (!zPool || !*zPool || *end || pool < 1)
        return cli_usage_error("--pool takes the pool's id (keel api GET /api/v1/pools)");
    char *zBody = NULL;
    size_t nBody = 0;
    if (cli_read_file(argv[2], &zBody, &nBody)) return CLI_EXIT_USAGE;
    Db *db;
    Principal who;
    if ((rc = cli_open_as(cli_opt(a, n, "db"), cli_opt(a, n, "as"), &db, &who)) == 0) {
        char zUrl[64];
        snprintf(zUrl, sizeof zUrl, "/api/v1/pools/%lld/usage", pool);
        Resp r;
        http_local(db, &who, "POST", zUrl, zBody, nBody, 1, 0, &r);
        json_t *j = r.nBody ? json_loadb(r.zBody, r.nBody, 0, NULL) : NULL;
        if (r.status >= 400) {
            json_t *err = json_object_get(j, "error");
            fprintf(stderr, "keel: %s\n", json_string_value(json_object_get(err, "message")));
            size_t i;
            json_t *row;
            json_array_foreach(json_object_get(err, "rows"), i, row) {
                fprintf(stderr, "  line %lld: %s: %s\n",
                        (long long)json_integer_value(json_object_get(row, "row")),
                        json_string_value(json_object_get(row, "field")),
                        json_string_value(json_object_get(row, "message")));
            }
            rc = r.status >= 500 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
            json_decref(j);
        } else if (cli_opt(a, n, "json")) {
            cli_print_json(j);
        } else {
            printf("imported %lld usage rows into pool %lld\n",
                   (long long)json_integer_value(json_object_get(j, "imported")), pool);
            json_decref(j);
        }
        resp_free(&r);
    }
    db_close(db);
    free(zBody);
    return rc;
}
