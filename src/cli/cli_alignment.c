/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel alignment: the chain objective -> KPI -> initiative with the
 * findings, read through the API in-process (GET /api/v1/alignment). */
#include "cli/cli.h"
#include "domain/auth.h"
#include <stdlib.h>
#include <string.h>

int cli_alignment(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        CLI_OPT_AS,
        CLI_OPT_JSON("print the whole chain as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel alignment --db DB [--json]\n\n"
                       "The alignment chain objective -> KPI -> initiative, with each KPI's\n"
                       "progress and status, and the findings: unaligned initiatives, objectives\n"
                       "with no initiative, KPIs off track or out of reach, missing sign-offs.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    json_t *j = NULL;
    if ((rc = cli_get(a, n, "/api/v1/alignment", &j))) return rc;
    if (cli_json_done(a, n, j)) return 0;
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
