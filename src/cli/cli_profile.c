/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel profile: the data-readiness profile of a CSV file. Thin: parses
 * options, maps and parses the file (the label column read as
 * categorical), calls engine/profile and prints a table or JSON. Exit 0
 * with a profile, 2 on bad input. */
#include "cli/cli.h"
#include "engine/csv.h"
#include "engine/profile.h"
#include "util/buf.h"
#include "util/err.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char zProfileUsage[] =
    "usage: keel profile [OPTIONS] DATA.csv\n"
    "\n"
    "Profile a dataset for readiness: per column the type, missing share,\n"
    "distinct values, constancy, statistics or top categories and outliers;\n"
    "duplicate rows, redundant columns, label coverage and class balance; and\n"
    "a readiness score 0-100 with every deduction explained.\n"
    "\n"
    "options:\n"
    "  --json                 print JSON (docs/profile.md describes the fields)\n"
    "  --label COL            the label column (read as categorical)\n"
    "  --categorical COL      read COL as categorical (repeatable)\n"
    "  --numeric COL          read COL as numeric (repeatable)\n"
    "  --redundant-r X        |Pearson r| that makes a column redundant (0.99)\n"
    "  --threads N            worker threads (0: one per core)\n"
    "  --help                 this help\n";

int cli_profile(int argc, char **argv) {
    int json = 0, rc = 0;
    const char *zPath = NULL;
    ProfileOptions po = {0};
    CsvTypeOverride *aOv = calloc((size_t)argc + 1, sizeof *aOv);
    size_t nOv = 0;
    CsvTable *t = NULL;
    ProfileResult *r = NULL;
    const char *z = NULL;
    size_t n = 0;
    int mapped = 0, haveFile = 0;
    Buf b;
    buf_init(&b, 0);
    if (!aOv) return cli_fail("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *zArg = argv[i], *zVal = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(zArg, "--help") == 0 || strcmp(zArg, "-h") == 0) {
            fputs(zProfileUsage, stdout);
            free(aOv);
            return CLI_EXIT_OK;
        } else if (strcmp(zArg, "--json") == 0) {
            json = 1;
        } else if (strcmp(zArg, "--label") == 0 && zVal) {
            po.zLabel = zVal;
            i++;
        } else if ((strcmp(zArg, "--categorical") == 0 || strcmp(zArg, "--numeric") == 0) && zVal) {
            aOv[nOv++] = (CsvTypeOverride){zVal, zArg[2] == 'c' ? CSV_CATEGORICAL : CSV_NUMERIC};
            i++;
        } else if ((strcmp(zArg, "--redundant-r") == 0 || strcmp(zArg, "--threads") == 0) && zVal) {
            char *zEnd;
            errno = 0;
            double v = strtod(zVal, &zEnd);
            if (errno || zEnd == zVal || *zEnd || !(v >= 0) ||
                (zArg[2] == 'r' && !(v > 0 && v <= 1))) {
                rc = cli_usage_error("%s needs a number%s", zArg,
                                     zArg[2] == 'r' ? " in (0, 1]" : " >= 0");
                goto done;
            }
            if (zArg[2] == 'r')
                po.redundantR = v;
            else
                po.nThread = v > 64 ? 64 : (int)v;
            i++;
        } else if (zArg[0] == '-' && zArg[1]) {
            rc = cli_usage_error("unknown or incomplete option '%s'; see `keel profile --help`",
                                 zArg);
            goto done;
        } else if (zPath) {
            rc = cli_usage_error("profile takes one file; see `keel profile --help`");
            goto done;
        } else {
            zPath = zArg;
        }
    }
    if (!zPath) {
        rc = cli_usage_error("profile needs a DATA.csv file; see `keel profile --help`");
        goto done;
    }
    if (cli_map_file(zPath, &z, &n, &mapped)) {
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    haveFile = 1;
    EngineError pe;
    int erc = profile_csv(z, n, &po, aOv, nOv, mapped, &t, &r, &pe);
    cli_unmap_file(z, n, mapped);
    haveFile = 0;
    if (erc) {
        if (erc != KEEL_EINVAL)
            rc = cli_fail("%s: out of memory", zPath);
        else if (strcmp(pe.zField, "data") == 0)
            rc = cli_usage_error("%s: %s", zPath, pe.zMsg);
        else
            rc = cli_usage_error("%s", pe.zMsg);
        goto done;
    }
    if (json)
        profile_result_json(r, t, &b);
    else
        profile_result_text(r, t, &b);
    if (buf_err(&b)) {
        rc = cli_fail("out of memory");
        goto done;
    }
    fwrite(b.z, 1, b.n, stdout);
done:
    if (haveFile) cli_unmap_file(z, n, mapped);
    buf_reset(&b);
    profile_result_free(r);
    csv_free(t);
    free(aOv);
    return rc;
}
