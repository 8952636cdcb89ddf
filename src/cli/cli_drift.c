/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel drift: compare a reference dataset (a CSV file or a saved baseline)
 * with a current CSV file, and `keel drift baseline` to save a reference's
 * summary. Thin: parses options, maps and parses the files with the same
 * column types on both sides, calls engine/drift and prints the result as
 * a table or JSON. Exit 0 with a result (drift or not), 2 on bad input. */
#include "cli/cli.h"
#include "engine/csv.h"
#include "engine/drift.h"
#include "util/buf.h"
#include "util/err.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char zDriftUsage[] =
    "usage: keel drift [OPTIONS] REF.csv CUR.csv\n"
    "       keel drift [OPTIONS] REF.baseline.json CUR.csv\n"
    "       keel drift baseline [OPTIONS] REF.csv -o REF.baseline.json\n"
    "\n"
    "Compare the current data with the reference, column by column: PSI,\n"
    "Jensen-Shannon, Kolmogorov-Smirnov and normalised Wasserstein for numeric\n"
    "columns; PSI, Jensen-Shannon and chi-square for categorical ones. A\n"
    "baseline saves what the comparison needs so the reference file can go.\n"
    "\n"
    "options:\n"
    "  --json                 print JSON (docs/drift.md describes the fields)\n"
    "  --segment COL          also compare per value of COL\n"
    "  --categorical COL      read COL as categorical (repeatable)\n"
    "  --numeric COL          read COL as numeric (repeatable)\n"
    "  --psi X                PSI drift threshold (0.2)\n"
    "  --psi-warn X           PSI warning threshold (0.1)\n"
    "  --wasserstein X        normalised Wasserstein threshold (0.1)\n"
    "  --js X                 Jensen-Shannon threshold, categorical (0.1)\n"
    "  --alpha X              KS / chi-square level: a column's false-alarm rate (0.005)\n"
    "  --share X              dataset drifts at this share of drifted columns (0.5)\n"
    "  --threads N            worker threads (0: one per core)\n"
    "  -o FILE                (baseline) where to write the baseline\n"
    "  --help                 this help\n";

/* Parsed command line. */
typedef struct DriftArgs {
    int json;             /* --json */
    DriftOptions opt;     /* thresholds, segment, threads */
    CsvTypeOverride *aOv; /* --categorical / --numeric */
    size_t nOv;
    const char *azPos[3]; /* positional arguments */
    int nPos;
    const char *zOut; /* -o */
} DriftArgs;

/* Parse a number option value; 0 or a usage error code. */
static int drift_arg_num(const char *zOpt, const char *z, double lo, double *pOut) {
    char *zEnd;
    errno = 0;
    double v = z ? strtod(z, &zEnd) : 0;
    if (!z || errno || zEnd == z || *zEnd || !(v >= lo))
        return cli_usage_error("%s needs a number >= %g", zOpt, lo);
    *pOut = v;
    return 0;
}

/* Parse argv into *a; returns -1 to go on, else an exit code. */
static int drift_args(int argc, char **argv, int isBaseline, DriftArgs *a) {
    drift_options_default(&a->opt);
    for (int i = 1; i < argc; i++) {
        const char *z = argv[i], *zVal = i + 1 < argc ? argv[i + 1] : NULL;
        double v = 0;
        int rc = 0;
        if (strcmp(z, "--help") == 0 || strcmp(z, "-h") == 0) {
            fputs(zDriftUsage, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(z, "--json") == 0) {
            a->json = 1;
            continue;
        } else if (strcmp(z, "--segment") == 0 && zVal) {
            a->opt.zSegment = zVal;
        } else if ((strcmp(z, "--categorical") == 0 || strcmp(z, "--numeric") == 0) && zVal) {
            CsvTypeOverride *p = realloc(a->aOv, (a->nOv + 1) * sizeof *p);
            if (!p) return cli_fail("out of memory");
            a->aOv = p;
            p[a->nOv++] = (CsvTypeOverride){zVal, z[2] == 'c' ? CSV_CATEGORICAL : CSV_NUMERIC};
        } else if (strcmp(z, "--psi") == 0) {
            rc = drift_arg_num(z, zVal, 0, &a->opt.psiDrift);
        } else if (strcmp(z, "--psi-warn") == 0) {
            rc = drift_arg_num(z, zVal, 0, &a->opt.psiWarn);
        } else if (strcmp(z, "--wasserstein") == 0) {
            rc = drift_arg_num(z, zVal, 0, &a->opt.wassDrift);
        } else if (strcmp(z, "--js") == 0) {
            rc = drift_arg_num(z, zVal, 0, &a->opt.jsDrift);
        } else if (strcmp(z, "--alpha") == 0) {
            rc = drift_arg_num(z, zVal, 0, &a->opt.alpha);
        } else if (strcmp(z, "--share") == 0) {
            rc = drift_arg_num(z, zVal, 0, &a->opt.shareDrift);
        } else if (strcmp(z, "--threads") == 0) {
            rc = drift_arg_num(z, zVal, 0, &v);
            a->opt.nThread = v > 64 ? 64 : (int)v;
        } else if (strcmp(z, "-o") == 0 && isBaseline && zVal) {
            a->zOut = zVal;
        } else if (z[0] == '-' && z[1]) {
            return cli_usage_error("unknown or incomplete option '%s'; see `keel drift --help`", z);
        } else {
            if (a->nPos >= 2) return cli_usage_error("too many arguments; see `keel drift --help`");
            a->azPos[a->nPos++] = z;
            continue;
        }
        if (rc) return rc;
        i++; /* the option's value */
    }
    int nWant = isBaseline ? 1 : 2;
    if (a->nPos != nWant)
        return cli_usage_error("%s; see `keel drift --help`",
                               isBaseline ? "baseline needs one REF.csv and -o FILE"
                                          : "drift needs REF and CUR files");
    if (isBaseline && !a->zOut) return cli_usage_error("baseline needs -o FILE");
    return -1;
}

/* Map and parse the CSV file zPath with the given overrides; on bad input
 * prints the error (file, line, field) and returns KEEL_EINVAL. */
static int drift_load(const char *zPath, const CsvTypeOverride *aOv, size_t nOv, int nThread,
                      CsvTable **ppT) {
    const char *z;
    size_t n;
    int mapped;
    int rc = cli_map_file(zPath, &z, &n, &mapped);
    if (rc) return rc == KEEL_EIO ? KEEL_EINVAL : rc;
    CsvOptions o = {.nThread = nThread, .aOverride = aOv, .nOverride = nOv};
    EngineError e;
    rc = mapped ? csv_parse_mapped(z, n, &o, ppT, &e) : csv_parse(z, n, &o, ppT, &e);
    cli_unmap_file(z, n, mapped);
    if (rc == KEEL_EINVAL)
        cli_usage_error("%s: %s", zPath, e.zMsg);
    else if (rc)
        cli_fail("%s: %s", zPath, e.zMsg);
    return rc;
}

/* Overrides a->aOv plus CSV_CATEGORICAL for every column categorical in t
 * and for the segment column; caller frees the array. */
static CsvTypeOverride *drift_overrides(const DriftArgs *a, const CsvTable *t, size_t *pn) {
    size_t n = a->nOv + (t ? t->nCol : 0) + 1;
    CsvTypeOverride *p = malloc(n * sizeof *p);
    if (!p) return NULL;
    size_t k = 0;
    if (t)
        for (size_t i = 0; i < t->nCol; i++)
            if (t->aCol[i].type == CSV_CATEGORICAL)
                p[k++] = (CsvTypeOverride){t->aCol[i].zName, CSV_CATEGORICAL};
    if (a->opt.zSegment) p[k++] = (CsvTypeOverride){a->opt.zSegment, CSV_CATEGORICAL};
    for (size_t i = 0; i < a->nOv; i++) /* the user's choice wins: later ones apply last */
        p[k++] = a->aOv[i];
    *pn = k;
    return p;
}

/* Print the result in the chosen format. */
static int drift_print(const DriftResult *r, int json) {
    Buf b;
    buf_init(&b, 0);
    if (json)
        drift_result_json(r, &b);
    else
        drift_result_text(r, &b);
    int rc = buf_err(&b);
    if (!rc) fwrite(b.z, 1, b.n, stdout);
    buf_reset(&b);
    return rc ? cli_fail("out of memory") : CLI_EXIT_OK;
}

/* True when the file looks like a baseline (a JSON object). */
static int drift_is_baseline(const char *zPath) {
    size_t n = strlen(zPath);
    return n > 5 && strcmp(zPath + n - 5, ".json") == 0;
}

/* keel drift baseline REF.csv -o FILE */
static int drift_cmd_baseline(DriftArgs *a) {
    CsvTable *t = NULL;
    size_t nOv = 0;
    CsvTypeOverride *aOv = drift_overrides(a, NULL, &nOv);
    Buf b;
    buf_init(&b, 0);
    EngineError ee;
    int rc = aOv ? drift_load(a->azPos[0], aOv, nOv, a->opt.nThread, &t) : KEEL_ENOMEM;
    if (!rc) {
        rc = drift_baseline_build(t, &a->opt, &b, &ee);
        if (rc == KEEL_EINVAL) cli_usage_error("%s", ee.zMsg);
        if (!rc) rc = buf_err(&b);
    }
    if (!rc) {
        FILE *f = strcmp(a->zOut, "-") == 0 ? stdout : fopen(a->zOut, "wb");
        if (!f) {
            cli_fail("cannot write %s: %s", a->zOut, strerror(errno));
            rc = KEEL_EIO;
        } else {
            int bad = fwrite(b.z, 1, b.n, f) != b.n;
            if (f != stdout) bad |= fclose(f) != 0;
            if (bad) {
                cli_fail("cannot write %s", a->zOut);
                rc = KEEL_EIO;
            }
        }
        if (!rc && a->json)
            printf("{\"baseline\":\"%s\",\"columns\":%zu,\"rows\":%zu}\n", a->zOut, t->nCol,
                   t->nRow);
    }
    buf_reset(&b);
    free(aOv);
    csv_free(t);
    return cli_exit_for(rc);
}

/* Overrides: base[0..nBase) (the reference's types), then the segment
 * column as categorical, then the user's (which win, applying last).
 * Caller frees. */
static CsvTypeOverride *drift_merge_overrides(const DriftArgs *a, const CsvTypeOverride *base,
                                              size_t nBase, size_t *pn) {
    CsvTypeOverride *p = malloc((nBase + a->nOv + 1) * sizeof *p);
    if (!p) return NULL;
    if (nBase) memcpy(p, base, nBase * sizeof *p);
    size_t k = nBase;
    if (a->opt.zSegment) p[k++] = (CsvTypeOverride){a->opt.zSegment, CSV_CATEGORICAL};
    if (a->nOv) memcpy(p + k, a->aOv, a->nOv * sizeof *p);
    *pn = k + a->nOv;
    return p;
}

/* Compare the current file (a->azPos[1]) with reference summary r and
 * print the result; returns a KEEL_E* code (messages printed). */
static int drift_run(DriftArgs *a, DriftRef **ppRef, const char *zRefCsv) {
    CsvTypeOverride *aBase = NULL, *aOv = NULL;
    size_t nBase = 0, nOv = 0;
    CsvTable *cur = NULL, *ref = NULL;
    DriftResult *res = NULL;
    EngineError ee;
    int rc = drift_ref_types(*ppRef, &aBase, &nBase);
    if (!rc) {
        aOv = drift_merge_overrides(a, aBase, nBase, &nOv);
        if (!aOv) rc = KEEL_ENOMEM;
    }
    if (!rc) rc = drift_load(a->azPos[1], aOv, nOv, a->opt.nThread, &cur);
    if (rc) goto done;
    /* a column numeric in the reference file but text in the current one:
     * read the reference again with the current file's types */
    int again = 0;
    for (size_t i = 0; zRefCsv && i < nBase; i++) {
        int j = csv_column_index(cur, aBase[i].zName);
        if (j >= 0 && aBase[i].type == CSV_AUTO && cur->aCol[j].type == CSV_CATEGORICAL) again = 1;
    }
    if (again) {
        free(aOv);
        aOv = drift_overrides(a, cur, &nOv);
        if (!aOv) {
            rc = KEEL_ENOMEM;
            goto done;
        }
        free(aBase);
        aBase = NULL;
        drift_ref_free(*ppRef);
        *ppRef = NULL;
        rc = drift_load(zRefCsv, aOv, nOv, a->opt.nThread, &ref);
        if (!rc) rc = drift_ref_from_table_consume(ref, &a->opt, ppRef, &ee);
        if (rc == KEEL_EINVAL && ref) cli_usage_error("%s", ee.zMsg);
        if (rc) goto done;
    }
    rc = drift_ref_compare_consume(*ppRef, cur, &a->opt, &res, &ee);
    if (rc == KEEL_EINVAL) cli_usage_error("%s", ee.zMsg);
    if (!rc) rc = drift_print(res, a->json) ? KEEL_ENOMEM : 0;
done:
    if (rc == KEEL_ENOMEM) cli_fail("out of memory");
    drift_result_free(res);
    csv_free(cur);
    csv_free(ref);
    free(aOv);
    free(aBase);
    return rc;
}

/* keel drift BASELINE.json CUR.csv */
static int drift_cmd_from_baseline(DriftArgs *a) {
    char *zBase = NULL;
    size_t nBase = 0;
    DriftRef *r = NULL;
    EngineError ee;
    int rc = cli_read_file(a->azPos[0], &zBase, &nBase);
    if (rc) return CLI_EXIT_USAGE;
    rc = drift_ref_from_baseline(zBase, nBase, &r, &ee);
    free(zBase);
    if (rc == KEEL_EINVAL) cli_usage_error("%s: %s", a->azPos[0], ee.zMsg);
    if (rc == KEEL_ENOMEM) cli_fail("out of memory");
    if (!rc) rc = drift_run(a, &r, NULL);
    drift_ref_free(r);
    return cli_exit_for(rc);
}

/* keel drift REF.csv CUR.csv: summarise the reference and free its table
 * before reading the current file, so one table is in memory at a time. */
static int drift_cmd_compare(DriftArgs *a) {
    CsvTable *ref = NULL;
    DriftRef *r = NULL;
    size_t nOv = 0;
    EngineError ee;
    CsvTypeOverride *aOv = drift_merge_overrides(a, NULL, 0, &nOv);
    if (!aOv) return cli_fail("out of memory");
    int rc = drift_load(a->azPos[0], aOv, nOv, a->opt.nThread, &ref);
    free(aOv);
    if (!rc) {
        rc = drift_ref_from_table_consume(ref, &a->opt, &r, &ee);
        if (rc == KEEL_EINVAL) cli_usage_error("%s", ee.zMsg);
        if (rc == KEEL_ENOMEM) cli_fail("out of memory");
    }
    csv_free(ref);
    if (!rc) rc = drift_run(a, &r, a->azPos[0]);
    drift_ref_free(r);
    return cli_exit_for(rc);
}

int cli_drift(int argc, char **argv) {
    DriftArgs a = {0};
    int isBaseline = argc > 1 && strcmp(argv[1], "baseline") == 0;
    int rc = drift_args(argc - isBaseline, argv + isBaseline, isBaseline, &a);
    if (rc < 0) {
        if (isBaseline)
            rc = drift_cmd_baseline(&a);
        else if (drift_is_baseline(a.azPos[0]))
            rc = drift_cmd_from_baseline(&a);
        else
            rc = drift_cmd_compare(&a);
    }
    free(a.aOv);
    return rc;
}
