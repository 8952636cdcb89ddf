/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel api: call any route of the API in-process, as an account of the
 * database, with the same admission check, roles, rules and audit as over
 * HTTP. */
#include "cli/cli.h"
#include "http/local.h"
#include <stdlib.h>
#include <string.h>

int cli_api(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"as", 0, "EMAIL", "act as this account (default: the first admin)", NULL},
        {"data", 0, "JSON", "request body", NULL},
        {"data-file", 0, "FILE", "request body from a file (- for stdin)", NULL},
        {"csv", 1, "", "the body is CSV (routes that take it, e.g. KPI values)", NULL},
        {"accept-csv", 1, "", "ask lists for CSV", NULL},
        {"status", 1, "", "print the HTTP status (\"HTTP 201\") on stderr first", NULL},
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(
        argc, argv, a, n,
        "usage: keel api --db DB [--as EMAIL] METHOD PATH [--data JSON]\n\n"
        "Call any API route in-process, as an account, with the same roles,\n"
        "rules and audit as over HTTP. Prints the answer; a 4xx exits 2, a 5xx 1.\n"
        "  keel api --db k.db GET '/api/v1/initiatives?stage=pilot'\n"
        "  keel api --db k.db --as helena.marsh@meridian.example POST \\\n"
        "      /api/v1/initiatives/3/transition --data '{\"to\":\"approved\",\"reason\":\"ok\"}'\n"
        "  keel api --db k.db POST /api/v1/kpis/4/values --csv --data-file q3.csv",
        &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos != 2) return cli_usage_error("give METHOD and PATH, e.g. GET /api/v1/alignment");
    const char *zMethod = argv[1], *zPath = argv[2];
    if (zPath[0] != '/') return cli_usage_error("PATH must start with /, e.g. /api/v1/units");
    char *zBody = NULL;
    size_t nBody = 0;
    if (cli_opt(a, n, "data") && cli_opt(a, n, "data-file"))
        return cli_usage_error("give --data or --data-file, not both");
    if (cli_opt(a, n, "data")) {
        zBody = strdup(cli_opt(a, n, "data"));
        nBody = strlen(zBody);
    } else if (cli_opt(a, n, "data-file")) {
        if (cli_read_file(cli_opt(a, n, "data-file"), &zBody, &nBody)) return CLI_EXIT_USAGE;
    }
    Db *db;
    Principal who;
    if ((rc = cli_open_as(cli_opt(a, n, "db"), cli_opt(a, n, "as"), &db, &who)) == 0) {
        Resp r;
        http_local(db, &who, zMethod, zPath, zBody, nBody, cli_opt(a, n, "csv") != NULL,
                   cli_opt(a, n, "accept-csv") != NULL, &r);
        if (cli_opt(a, n, "status")) fprintf(stderr, "HTTP %d\n", r.status);
        if (r.status >= 400) {
            fwrite(r.zBody, 1, r.nBody, stderr);
            fputc('\n', stderr);
            rc = r.status >= 500 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        } else if (r.nBody && r.zType && strncmp(r.zType, "application/json", 16) == 0) {
            cli_print_json(json_loadb(r.zBody, r.nBody, 0, NULL));
        } else if (r.nBody) {
            fwrite(r.zBody, 1, r.nBody, stdout);
        }
        resp_free(&r);
    }
    free(zBody);
    db_close(db);
    return rc;
}
