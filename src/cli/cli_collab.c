/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `keel definitions` and `keel slips`: path 4's shared definitions with
 * their agreement status and findings, and the programme's schedule
 * slips with their blocking causes, read through the API in-process. */
#include "cli/cli.h"
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *str(const json_t *o, const char *k) {
    const char *z = json_string_value(json_object_get(o, k));
    return z ? z : "-";
}

/* Parse the options of a report that reads zPath; *pj is its answer, or
 * the command's exit code is returned (-1: --help was printed). */
static int read_report(int argc, char **argv, const char *zUsage, const char *zPath, int *pbJson,
                       json_t **pj) {
    CliOpt a[] = {
        CLI_OPT_DB,
        CLI_OPT_AS,
        CLI_OPT_JSON("print the API's answer as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n, zUsage, &nPos);
    if (rc) return rc < 0 ? -1 : rc;
    *pbJson = cli_opt(a, n, "json") != NULL;
    return cli_get(a, n, zPath, pj);
}

int cli_definitions(int argc, char **argv) {
    json_t *j = NULL;
    int bJson = 0;
    int rc = read_report(argc, argv,
                         "usage: keel definitions --db DB [--as EMAIL] [--json]\n\n"
                         "The shared definitions: each one's version and status (agreed only\n"
                         "when every department that uses it signed the current version), who\n"
                         "has not signed or disputes it, and the findings of what relies on a\n"
                         "definition not agreed.",
                         "/api/v1/definitions", &bJson, &j);
    if (rc) return rc < 0 ? 0 : rc;
    if (bJson) {
        cli_print_json(j);
        return 0;
    }
    size_t i, k;
    json_t *d, *x;
    json_array_foreach(json_object_get(j, "items"), i, d) {
        printf("%-32.32s v%-3lld %-9s", str(d, "name"),
               (long long)json_integer_value(json_object_get(d, "version")), str(d, "status"));
        json_array_foreach(json_object_get(d, "disputed_by"), k, x)
            printf(" disputed by %s (%lld days);", str(x, "name"),
                   (long long)json_integer_value(json_object_get(x, "days")));
        if (json_array_size(json_object_get(d, "missing"))) {
            printf(" not signed by:");
            json_array_foreach(json_object_get(d, "missing"), k, x)
                printf("%s %s", k ? "," : "", json_string_value(x));
        }
        printf("\n");
    }
    if (json_array_size(json_object_get(j, "findings"))) printf("\nfindings:\n");
    json_array_foreach(json_object_get(j, "findings"), i, x)
        printf("  %-8s %s\n", str(x, "severity"), str(x, "message"));
    json_decref(j);
    return 0;
}

int cli_slips(int argc, char **argv) {
    json_t *j = NULL;
    int bJson = 0;
    int rc = read_report(argc, argv,
                         "usage: keel slips --db DB [--as EMAIL] [--json]\n\n"
                         "The programme's schedule slips: initiatives past the plan for a\n"
                         "stage, past (or at risk of) a business deadline, pilots past their\n"
                         "end and rollouts past their planned dates, each with what blocks\n"
                         "the next move.",
                         "/api/v1/slips", &bJson, &j);
    if (rc) return rc < 0 ? 0 : rc;
    if (bJson) {
        cli_print_json(j);
        return 0;
    }
    size_t i, k;
    json_t *s, *c;
    json_array_foreach(json_object_get(j, "items"), i, s) {
        printf("%-32.32s %-9s %-13s %-24.24s %s %s %lld days\n", str(s, "title"), str(s, "stage"),
               str(s, "kind"), str(s, "what"), str(s, "planned_on"), str(s, "state"),
               (long long)json_integer_value(json_object_get(s, "days")));
        json_array_foreach(json_object_get(s, "causes"), k, c)
            printf("    blocked (%s): %s\n", str(c, "code"), str(c, "message"));
    }
    if (!json_array_size(json_object_get(j, "items"))) printf("no slips\n");
    json_decref(j);
    return 0;
}
