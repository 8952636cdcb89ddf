/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel catalogue: the use-case catalogue, filtered by pain point and
 * industry. Needs no database: the catalogue is built into keel. */
#include "cli/cli.h"
#include "domain/catalogue.h"

int cli_catalogue(int argc, char **argv) {
    CliOpt a[] = {
        {"pain", 0, "PAIN", "cost, efficiency, experience, revenue or risk", NULL},
        {"industry", 0, "NAME",
         "manufacturing, retail, logistics, finance, services, e-commerce or healthcare", NULL},
        CLI_OPT_JSON("print JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel catalogue [--pain PAIN] [--industry NAME] [--json]\n\n"
                       "Typical AI scenarios per pain point and industry, with the KPIs they\n"
                       "usually move and the data they need.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    json_t *entries;
    KeelError e = {0};
    rc = catalogue_find(cli_opt(a, n, "pain"), cli_opt(a, n, "industry"), &entries, &e);
    if (rc) return cli_usage_error("%s", e.zMsg);
    if (cli_json_done(a, n, entries)) return 0;
    size_t i, k;
    json_t *x, *t;
    json_array_foreach(entries, i, x) {
        printf("%-30s %-13s %-10s %s\n", json_string_value(json_object_get(x, "key")),
               json_string_value(json_object_get(x, "industry")),
               json_string_value(json_object_get(x, "pain_point")),
               json_string_value(json_object_get(x, "title")));
        json_array_foreach(json_object_get(x, "kpi_templates"), k, t)
            printf("    moves %s (%s, %s is good)\n", json_string_value(json_object_get(t, "name")),
                   json_string_value(json_object_get(t, "unit")),
                   json_string_value(json_object_get(t, "direction")));
    }
    json_decref(entries);
    return 0;
}
