/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel kanon: the k-anonymity of a data asset's quasi-identifiers, over
 * the sample keel keeps of it or a CSV file given, through the same route,
 * roles and rules as GET / POST /api/v1/data-assets/{id}/k-anonymity
 * (in-process): the asset's owner, the committee and admins only; nothing
 * is stored. */
#include "cli/cli.h"
#include "domain/auth.h"
#include "store/db.h"
#include "util/buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long num(const json_t *o, const char *zKey) {
    return (long long)json_integer_value(json_object_get(o, zKey));
}

/* The answer for a reader: what was counted, k against the threshold, the
 * groups below it and the smallest group, and what the verdict means. */
static void print_kanon(const json_t *j, const char *zAsset) {
    const json_t *cols = json_object_get(j, "columns"), *rare = json_object_get(j, "rarest");
    size_t i;
    json_t *c;
    printf("%s: k-anonymity of ", zAsset ? zAsset : "data asset");
    json_array_foreach(cols, i, c) printf("%s%s", i ? ", " : "", json_string_value(c));
    const char *zWhen = json_string_value(json_object_get(j, "sample_created_at"));
    if (zWhen)
        printf("\n  over the sample kept from %.10s (%lld rows)\n", zWhen, num(j, "rows"));
    else
        printf("\n  over the file given (%lld rows; nothing kept)\n", num(j, "rows"));
    long long k = num(j, "k"), thr = num(j, "threshold"), rows = num(j, "rows");
    if (k < thr)
        printf("  k = %lld (threshold %lld): FINDING - some people share these values with fewer "
               "than %lld others%s\n",
               k, thr, thr - 1, k == 1 ? "; some are unique, so they can be singled out" : "");
    else
        printf("  k = %lld (threshold %lld): met - everyone shares these values with at least %lld "
               "others\n",
               k, thr, thr - 1);
    long long below = num(j, "classes_below"), rowsBelow = num(j, "rows_below");
    printf("  groups: %lld; below %lld: %lld group%s holding %lld row%s (%.1f%%)\n",
           num(j, "classes"), thr, below, below == 1 ? "" : "s", rowsBelow,
           rowsBelow == 1 ? "" : "s", rows ? 100.0 * (double)rowsBelow / (double)rows : 0.0);
    printf("  smallest group (%lld row%s): ", num(rare, "size"), num(rare, "size") == 1 ? "" : "s");
    json_array_foreach(cols, i, c) {
        const char *zCol = json_string_value(c);
        printf("%s%s=%s", i ? ", " : "", zCol,
               json_string_value(json_object_get(json_object_get(rare, "values"), zCol)));
    }
    printf("\n  an exact count over these rows, not an estimate (no false alarm on them);\n"
           "  over the whole table a group may be larger, and groups this sample lacks\n"
           "  may be smaller.\n");
}

int cli_kanon(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"asset", 0, "ID", "the data asset's id (keel api GET /api/v1/data-assets)", NULL},
        {"file", 0, "FILE.csv",
         "count over this CSV (- for stdin) instead of the sample kept; nothing is kept", NULL},
        {"columns", 0, "A,B",
         "the quasi-identifier columns (default: the asset's declared quasi_identifiers)", NULL},
        {"threshold", 0, "N", "the smallest group size wanted, 2 or more (default 5)", NULL},
        CLI_OPT_AS,
        CLI_OPT_JSON("print the API's answer as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(
        argc, argv, a, n,
        "usage: keel kanon --db DB --asset ID [--file FILE.csv] [--columns A,B] [--threshold N]\n"
        "                  [--as EMAIL] [--json]\n\n"
        "k-anonymity of a data asset's quasi-identifiers: columns such as age, postcode\n"
        "and sex that together can single a person out. The rows are grouped by their\n"
        "values; k is the size of the smallest group, so every person shares them with\n"
        "at least k - 1 others. Prints k against the threshold, the groups below it and\n"
        "the rows in them, and the values of the smallest group. Over the sample keel\n"
        "keeps of the asset (profile it with retain_days above 0), or over --file.\n"
        "Only the asset's owner, the AI committee and admins may ask (the data holds\n"
        "personal data); nothing is stored. Exit 0 whatever k is; 2 for refused input\n"
        "(no such asset, an unknown column, no sample kept, a role that may not ask).",
        &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos) return cli_usage_error("unexpected argument '%s'", argv[1]);
    const char *zAsset = cli_opt(a, n, "asset"), *zThr = cli_opt(a, n, "threshold");
    char *end;
    long long asset = zAsset ? strtoll(zAsset, &end, 10) : 0;
    if (!zAsset || !*zAsset || *end || asset < 1)
        return cli_usage_error(
            "--asset takes the data asset's id (keel api GET /api/v1/data-assets)");
    long thr = zThr ? strtol(zThr, &end, 10) : 5;
    if (zThr && (!*zThr || *end || thr < 2 || thr > 1000000))
        return cli_usage_error("--threshold must be a whole number from 2 to 1000000");
    char *zCsv = NULL;
    size_t nCsv = 0;
    if (cli_opt(a, n, "file") && cli_read_file(cli_opt(a, n, "file"), &zCsv, &nCsv))
        return CLI_EXIT_USAGE;
    Buf url;
    buf_init(&url, 0);
    buf_printf(&url, "/api/v1/data-assets/%lld/k-anonymity?threshold=%ld", asset, thr);
    if (cli_opt(a, n, "columns")) {
        buf_puts(&url, "&columns=");
        cli_url_escape(&url, cli_opt(a, n, "columns"));
    }
    Db *db = NULL;
    Principal who;
    json_t *j = NULL, *meta = NULL;
    rc = buf_err(&url) ? cli_fail("out of memory") : 0;
    if (rc == 0 && (rc = cli_open_as(cli_opt(a, n, "db"), cli_opt(a, n, "as"), &db, &who)))
        db = NULL;
    if (rc == 0)
        rc = zCsv ? cli_call_raw(db, &who, "POST", url.z, zCsv, nCsv, 1, &j)
                  : cli_call(db, &who, "GET", url.z, &j);
    if (rc == 0 && !cli_opt(a, n, "json")) {
        char zPath[64];
        snprintf(zPath, sizeof zPath, "/api/v1/data-assets/%lld", asset);
        if (cli_call(db, &who, "GET", zPath, &meta)) meta = NULL;
    }
    if (db) db_close(db);
    buf_reset(&url);
    free(zCsv);
    if (rc) return rc;
    if (cli_opt(a, n, "json")) {
        cli_print_json(j);
        return 0;
    }
    print_kanon(j, json_string_value(json_object_get(meta, "name")));
    json_decref(j);
    json_decref(meta);
    return 0;
}
