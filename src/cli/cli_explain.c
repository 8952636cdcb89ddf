/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel explain: exact SHAP values of an XGBoost model (JSON) or a linear
 * model for the rows of a CSV file. Writes the per-row contributions as CSV
 * and/or prints the global summary as a table or JSON. The computation is
 * explain_compute() in engine/explain.h, the same one the API calls; this
 * file only reads files, parses options and writes the reports. */
#include "cli/cli.h"
#include "engine/explain.h"
#include "engine/explain_report.h"
#include "util/buf.h"
#include "util/err.h"
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char zExplainUsage[] =
    "usage: keel explain --model MODEL.json --data ROWS.csv [--out CONTRIBS.csv]\n"
    "                    [--summary] [--json] [--top N] [--threads N]\n"
    "\n"
    "Exact SHAP values: how much each feature moved each row's prediction away\n"
    "from the model's expected output. MODEL.json is an XGBoost model saved with\n"
    "save_model(\"model.json\") (gbtree; binary:logistic, reg:logistic,\n"
    "reg:squarederror, count:poisson, multi:softprob) or a linear/logistic model in\n"
    "keel's JSON form; ROWS.csv has a header and one row per case. Columns match\n"
    "the model's feature names, or its features by position when it has none.\n"
    "Empty, NA, NaN and null cells are missing values (XGBoost sends them down each\n"
    "split's default branch; linear models refuse them). docs/explain.md describes\n"
    "the formats and the algorithm.\n"
    "\n"
    "options:\n"
    "  --model FILE    the model (- for stdin)\n"
    "  --data FILE     the rows to explain (- for stdin)\n"
    "  --out FILE      write per-row contributions, bias and prediction as CSV\n"
    "                  (- for stdout); without --out, --summary or --json they go to\n"
    "                  stdout\n"
    "  --summary       print the global summary: features ranked by mean |SHAP|,\n"
    "                  with the direction of their effect\n"
    "  --json          print the report as JSON (with the per-row contributions\n"
    "                  unless --out or --summary is given)\n"
    "  --top N         features per output in the summary table (default 20, 0 all)\n"
    "  --threads N     threads (default: one per core)\n"
    "  --help          show this help\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime failure, 2 usage or bad input.\n";

/* Write n bytes at z to zPath ("-" = stdout). Returns 0 or CLI_EXIT_FAIL
 * with a message printed. */
static int explain_write(const char *zPath, const char *z, size_t n) {
    int toStdout = strcmp(zPath, "-") == 0;
    FILE *f = toStdout ? stdout : fopen(zPath, "wb");
    if (!f) return cli_fail("cannot create %s: %s", zPath, strerror(errno));
    size_t got = n ? fwrite(z, 1, n, f) : 0;
    int bad = got != n || fflush(f) != 0;
    if (!toStdout && fclose(f) != 0) bad = 1;
    if (bad) return cli_fail("cannot write %s: %s", zPath, strerror(errno));
    return 0;
}

/* ExplainWriteFn writing to the FILE at pArg; KEEL_EIO on failure. */
static int explain_fwrite(void *pArg, const char *z, size_t n) {
    return fwrite(z, 1, n, (FILE *)pArg) == n ? 0 : KEEL_EIO;
}

/* State of the progress line on a terminal. */
typedef struct ExplainProgress {
    double rStart; /* when the computation began (monotonic seconds) */
    double rLast;  /* when the line was last drawn, 0 = never */
} ExplainProgress;

/* Monotonic clock in seconds. */
static double explain_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Progress callback: after the first second, redraw "explained N of M
 * rows" on stderr at most five times a second. */
static void explain_progress(void *pArg, size_t nDone, size_t nTotal) {
    ExplainProgress *p = pArg;
    double now = explain_now();
    if (now - p->rStart < 1.0 || now - p->rLast < 0.2) return;
    p->rLast = now;
    fprintf(stderr, "\rkeel: explained %zu of %zu rows (%.0f%%)", nDone, nTotal,
            100.0 * (double)nDone / (double)nTotal);
    fflush(stderr);
}

/* Parse a non-negative integer option; -1 (usage error printed) if bad. */
static int explain_int_opt(const char *zOpt, const char *zVal, int *pn) {
    char *zEnd;
    long v = strtol(zVal, &zEnd, 10);
    if (zEnd == zVal || *zEnd || v < 0 || v > 4096) {
        cli_usage_error("%s needs a whole number from 0 to 4096, got '%s'", zOpt, zVal);
        return -1;
    }
    *pn = (int)v;
    return 0;
}

int cli_explain(int argc, char **argv) {
    static const struct option aOpt[] = {
        {"model", required_argument, 0, 'm'},
        {"data", required_argument, 0, 'd'},
        {"out", required_argument, 0, 'o'},
        {"summary", no_argument, 0, 's'},
        {"json", no_argument, 0, 'j'},
        {"top", required_argument, 0, 't'},
        {"threads", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *zModel = NULL, *zData = NULL, *zOut = NULL;
    int bSummary = 0, bJson = 0, nTop = 20, nThread = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", aOpt, NULL)) != -1) {
        switch (c) {
        case 'm': zModel = optarg; break;
        case 'd': zData = optarg; break;
        case 'o': zOut = optarg; break;
        case 's': bSummary = 1; break;
        case 'j': bJson = 1; break;
        case 't':
            if (explain_int_opt("--top", optarg, &nTop)) return CLI_EXIT_USAGE;
            break;
        case 'T':
            if (explain_int_opt("--threads", optarg, &nThread)) return CLI_EXIT_USAGE;
            break;
        case 'h': fputs(zExplainUsage, stdout); return CLI_EXIT_OK;
        default:
            return cli_usage_error("explain: unknown or incomplete option '%s'; see keel "
                                   "explain --help",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("explain: unexpected argument '%s'; see keel explain --help",
                               argv[optind]);
    if (!zModel || !zData)
        return cli_usage_error("explain needs --model FILE and --data FILE; see keel explain "
                               "--help");
    if (strcmp(zModel, "-") == 0 && strcmp(zData, "-") == 0)
        return cli_usage_error("explain: only one of --model and --data can be stdin");

    int rc, exitCode = CLI_EXIT_OK, bModelMapped = 0, bDataMapped = 0;
    const char *zM = NULL, *zD = NULL;
    size_t nM = 0, nD = 0;
    ExplainModel *pModel = NULL;
    CsvTable *pTable = NULL;
    ExplainResult *pRes = NULL;
    EngineError err = {0};
    EngineError cerr;
    Buf b;
    buf_init(&b, 0);
    rc = cli_map_file(zModel, &zM, &nM, &bModelMapped);
    if (!rc) rc = cli_map_file(zData, &zD, &nD, &bDataMapped);
    if (rc) {
        exitCode = cli_exit_for(rc);
        goto done;
    }
    rc = explain_model_parse(zM, nM, &pModel, &err);
    if (rc) {
        exitCode = rc == KEEL_EINVAL ? cli_usage_error("model %s: %s", zModel, err.zMsg)
                                     : cli_fail("model %s: out of memory", zModel);
        goto done;
    }
    CsvOptions copt = {.nThread = nThread};
    rc = csv_parse(zD, nD, &copt, &pTable, &cerr);
    if (rc) {
        exitCode = rc == KEEL_EINVAL
                       ? cli_usage_error("data %s, line %zu: %s", zData, cerr.iLine, cerr.zMsg)
                       : cli_fail("data %s: out of memory", zData);
        goto done;
    }
    ExplainProgress prog = {explain_now(), 0};
    ExplainOptions opt = {.nThread = nThread};
    rc = explain_compute_progress(
        pModel, pTable, &opt, cli_progress_enabled() ? explain_progress : NULL, &prog, &pRes, &err);
    if (prog.rLast > 0) fputs("\r\033[K", stderr); /* clear the progress line */
    if (rc) {
        const char *zWhat = strcmp(err.zField, "model") == 0 ? zModel : zData;
        exitCode = rc == KEEL_ENOMEM ? cli_fail("out of memory explaining %s", zData)
                                     : cli_usage_error("%s %s: %s", err.zField, zWhat, err.zMsg);
        goto done;
    }
    csv_free(pTable);
    pTable = NULL;
    if (zOut || (!bSummary && !bJson)) {
        const char *zPath = zOut ? zOut : "-";
        int toStdout = strcmp(zPath, "-") == 0;
        FILE *f = toStdout ? stdout : fopen(zPath, "wb");
        if (!f) {
            exitCode = cli_fail("cannot create %s: %s", zPath, strerror(errno));
            goto done;
        }
        rc = explain_report_csv_stream(pRes, nThread, explain_fwrite, f);
        if (fflush(f) != 0 && !rc) rc = KEEL_EIO;
        if (!toStdout && fclose(f) != 0 && !rc) rc = KEEL_EIO;
        if (rc) {
            exitCode = rc == KEEL_EIO ? cli_fail("cannot write %s: %s", zPath, strerror(errno))
                                      : cli_fail("out of memory writing the contributions");
            goto done;
        }
        if (zOut && !toStdout && cli_progress_enabled())
            fprintf(stderr, "keel: wrote contributions of %zu rows to %s\n", pRes->nRow, zOut);
    }
    if (bJson) {
        json_t *o = explain_report_json(pRes, !zOut && !bSummary);
        char *z = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!z) {
            exitCode = cli_fail("out of memory rendering the report");
            goto done;
        }
        buf_puts(&b, z);
        buf_putc(&b, '\n');
        free(z);
        exitCode = explain_write("-", b.z, b.n);
    } else if (bSummary) {
        if (explain_report_table(pRes, nTop, &b)) {
            exitCode = cli_fail("out of memory rendering the summary");
            goto done;
        }
        exitCode = explain_write("-", b.z, b.n);
    }
done:
    buf_reset(&b);
    explain_result_free(pRes);
    csv_free(pTable);
    explain_model_free(pModel);
    if (zM) cli_unmap_file(zM, nM, bModelMapped);
    if (zD) cli_unmap_file(zD, nD, bDataMapped);
    return exitCode;
}
