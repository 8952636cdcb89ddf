/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel priorities: the ranked initiatives, read through the API
 * in-process (GET /api/v1/priorities). */
#include "cli/cli.h"
#include "domain/auth.h"
#include <stdlib.h>
#include <string.h>

int cli_priorities(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"stage", 0, "STAGE", "only initiatives in this stage", NULL},
        CLI_OPT_AS,
        CLI_OPT_JSON("print JSON"),
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
    json_t *j = NULL;
    if ((rc = cli_get(a, n, zUrl, &j))) return rc;
    if (cli_json_done(a, n, j)) return 0;
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
