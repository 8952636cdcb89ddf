/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel api: call any route of the API in-process, as an account of the
 * database, with the same roles, rules and audit as over HTTP; and the
 * readable path-1 reports built on it: keel alignment, keel priorities,
 * keel catalogue. */
#include "cli/cli.h"
#include "http/local.h"
#include "store/store_account.h"
#include "util/crypto.h"
#include <stdlib.h>
#include <string.h>

/* Call a route and parse its JSON answer into *ppOut; prints the error
 * envelope and returns an exit code on failure. */
static int cli_call(Db *db, const Principal *who, const char *zMethod, const char *zUrl,
                    json_t **ppOut) {
    Resp r;
    http_local(db, who, zMethod, zUrl, NULL, 0, 0, 0, &r);
    json_t *j = r.nBody ? json_loadb(r.zBody, r.nBody, 0, NULL) : NULL;
    int status = r.status;
    resp_free(&r);
    if (status >= 400) {
        const char *zMsg =
            json_string_value(json_object_get(json_object_get(j, "error"), "message"));
        fprintf(stderr, "keel: %s\n", zMsg ? zMsg : "request failed");
        json_decref(j);
        return status >= 500 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    *ppOut = j;
    return 0;
}

int cli_api(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "DB", "SQLite file or postgresql:// URL", NULL},
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
    if (crypto_init()) return cli_fail("libsodium failed to initialise");
    Db *db;
    if ((rc = cli_open_db(cli_opt(a, n, "db"), 0, &db))) {
        free(zBody);
        return rc;
    }
    Principal who;
    if ((rc = cli_principal(db, cli_opt(a, n, "as"), &who)) == 0) {
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

int cli_alignment(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "DB", "SQLite file or postgresql:// URL", NULL},
        {"as", 0, "EMAIL", "read as this account (default: the first admin)", NULL},
        {"json", 1, "", "print the whole chain as JSON", NULL},
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel alignment --db DB [--json]\n\n"
                       "The alignment chain objective -> KPI -> initiative, with each KPI's\n"
                       "progress and status, and the findings: unaligned initiatives, objectives\n"
                       "with no initiative, KPIs off track or out of reach, missing sign-offs.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    Db *db;
    if ((rc = cli_open_db(cli_opt(a, n, "db"), 0, &db))) return rc;
    Principal who;
    json_t *j = NULL;
    if ((rc = cli_principal(db, cli_opt(a, n, "as"), &who)) == 0)
        rc = cli_call(db, &who, "GET", "/api/v1/alignment", &j);
    db_close(db);
    if (rc) return rc;
    if (cli_opt(a, n, "json")) {
        cli_print_json(j);
        return 0;
    }
    size_t i, k, m;
    json_t *o, *kp, *in;
    json_array_foreach(json_object_get(j, "objectives"), i, o) {
        printf("%s  [%s, %s]\n", json_string_value(json_object_get(o, "title")),
               json_string_value(json_object_get(o, "pain_point")),
               json_string_value(json_object_get(o, "status")));
        json_array_foreach(json_object_get(o, "kpis"), k, kp) {
            printf("  KPI %-38.38s %5.1f%%  %-9s target %g %s by %s\n",
                   json_string_value(json_object_get(kp, "name")),
                   json_number_value(json_object_get(kp, "progress")),
                   json_string_value(json_object_get(kp, "status")),
                   json_number_value(json_object_get(kp, "target")),
                   json_string_value(json_object_get(kp, "unit")),
                   json_string_value(json_object_get(kp, "target_period")));
            json_array_foreach(json_object_get(kp, "initiatives"), m, in)
                printf("      <- %-40.40s %-9s impact %+g\n",
                       json_string_value(json_object_get(in, "title")),
                       json_string_value(json_object_get(in, "stage")),
                       json_number_value(json_object_get(in, "expected_impact")));
        }
    }
    printf("\nfindings:\n");
    json_array_foreach(json_object_get(j, "findings"), i, o)
        printf("  %-8s %s\n", json_string_value(json_object_get(o, "severity")),
               json_string_value(json_object_get(o, "message")));
    json_decref(j);
    return 0;
}

int cli_priorities(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "DB", "SQLite file or postgresql:// URL", NULL},
        {"stage", 0, "STAGE", "only initiatives in this stage", NULL},
        {"as", 0, "EMAIL", "read as this account (default: the first admin)", NULL},
        {"json", 1, "", "print JSON", NULL},
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel priorities --db DB [--stage STAGE] [--json]\n\n"
                       "Initiatives ranked by their weighted scores, with the value/feasibility\n"
                       "quadrant (quick win, big bet, fill-in, money pit).",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    char zUrl[128] = "/api/v1/priorities";
    if (cli_opt(a, n, "stage")) {
        const char *z = cli_opt(a, n, "stage");
        for (const char *c = z; *c; c++)
            if ((*c < 'a' || *c > 'z') && *c != '_')
                return cli_usage_error("--stage: not a stage: %s", z);
        snprintf(zUrl, sizeof zUrl, "/api/v1/priorities?stage=%.40s", z);
    }
    Db *db;
    if ((rc = cli_open_db(cli_opt(a, n, "db"), 0, &db))) return rc;
    Principal who;
    json_t *j = NULL;
    if ((rc = cli_principal(db, cli_opt(a, n, "as"), &who)) == 0)
        rc = cli_call(db, &who, "GET", zUrl, &j);
    db_close(db);
    if (rc) return rc;
    if (cli_opt(a, n, "json")) {
        cli_print_json(j);
        return 0;
    }
    printf("%-4s %-5s %-10s %-9s %s\n", "RANK", "SCORE", "QUADRANT", "STAGE", "INITIATIVE");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(j, "items"), i, x) {
        json_t *rank = json_object_get(x, "rank"), *tot = json_object_get(x, "total");
        char zRank[8] = "-", zTot[16] = "-";
        if (json_is_integer(rank))
            snprintf(zRank, sizeof zRank, "%lld", (long long)json_integer_value(rank));
        if (json_is_number(tot)) snprintf(zTot, sizeof zTot, "%.2f", json_number_value(tot));
        printf("%-4s %-5s %-10s %-9s %s\n", zRank, zTot,
               json_string_value(json_object_get(x, "quadrant")),
               json_string_value(json_object_get(x, "stage")),
               json_string_value(json_object_get(x, "title")));
    }
    json_decref(j);
    return 0;
}
