/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel abtest: analyse an A/B test from a JSON spec of per-arm summaries, or
 * from a CSV of units (arm, metric, optional pre_metric), and print the
 * result as text or, with --json, as the engine's JSON (the same document
 * that POST /api/v1/analyses/abtest returns). Options override the spec's
 * keys. The analysis itself is abtest_run_json() in engine/abtest.h. */
#include "cli/cli.h"
#include "engine/abtest.h"
#include "util/err.h"
#include "util/mem.h"
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char zAbtestUsage[] =
    "usage: keel abtest [SPEC.json] [--csv FILE] [OPTIONS]\n"
    "\n"
    "Analyse an A/B test: lift with confidence intervals (z-test for conversions,\n"
    "Welch's t-test for means, Holm's correction over treatment arms), power and\n"
    "sample size, sample-ratio mismatch, always-valid sequential p-values and\n"
    "confidence sequences, Bayesian chance to beat control, CUPED, and a verdict:\n"
    "ship, do_not_ship or keep_running. docs/abtest.md describes the formats.\n"
    "\n"
    "SPEC.json (or - for stdin) holds the arms' summaries, e.g.\n"
    "  {\"control\":\"A\",\"arms\":[{\"name\":\"A\",\"units\":10000,\"conversions\":1000},\n"
    "                             {\"name\":\"B\",\"units\":10000,\"conversions\":1100}]}\n"
    "With --csv the units come from a CSV with columns arm, metric and optionally\n"
    "pre_metric (used for CUPED); the spec then only sets options.\n"
    "\n"
    "options (each overrides the spec):\n"
    "  --csv FILE          CSV of units, one row per unit\n"
    "  --control ARM       the control arm (spec \"control\")\n"
    "  --alpha A           significance level, default 0.05\n"
    "  --power P           target power, default 0.8\n"
    "  --mde X             minimum effect worth detecting (plan.mde)\n"
    "  --absolute          the mde is absolute, not relative to control\n"
    "  --min-units N       keep running below N units in all (plan.min_units)\n"
    "  --sequential        the verdict uses the always-valid (peeking-safe) results\n"
    "  --arm-col NAME      CSV arm column (default arm)\n"
    "  --metric-col NAME   CSV metric column (default metric)\n"
    "  --pre-col NAME      CSV pre-period column for CUPED (default pre_metric if present)\n"
    "  --threads N         CSV parser threads (default: one per core)\n"
    "  --json              print the full result as JSON\n"
    "  --help              show this help\n"
    "\n"
    "Exit codes: 0 analysed (whatever the verdict), 1 runtime failure, 2 usage or bad input.\n";

/* Set key zKey of the object at path zObj ("" top level, else one level) in
 * spec to v (stolen). */
static void abtest_spec_set(json_t *spec, const char *zObj, const char *zKey, json_t *v) {
    json_t *o = spec;
    if (zObj[0]) {
        o = json_object_get(spec, zObj);
        if (!json_is_object(o)) {
            o = json_object();
            json_object_set_new(spec, zObj, o);
        }
    }
    json_object_set_new(o, zKey, v);
}

/* Parse a number option or report a usage error. */
static int abtest_number_opt(const char *zOpt, const char *zVal, double *pX) {
    char *zEnd;
    *pX = strtod(zVal, &zEnd);
    if (zEnd == zVal || *zEnd || !isfinite(*pX)) {
        cli_usage_error("%s needs a number, got '%s'", zOpt, zVal);
        return -1;
    }
    return 0;
}

/* Text rendering of the engine's result. */
static void abtest_print_text(const json_t *r) {
    json_t *srm = json_object_get(r, "srm"), *v = json_object_get(r, "verdict");
    size_t i, j;
    json_t *a, *m;
    printf("A/B test, control '%s', alpha %g\n\nunits:",
           json_string_value(json_object_get(r, "control")),
           json_number_value(json_object_get(r, "alpha")));
    json_array_foreach(json_object_get(r, "arms"), i, a) {
        printf("  %s %.0f (expected %.1f)", json_string_value(json_object_get(a, "name")),
               json_number_value(json_object_get(a, "units")),
               json_number_value(json_object_get(a, "expected_units")));
    }
    printf("\nsample ratio: chi2 %.4g, p %.4g%s\n", json_number_value(json_object_get(srm, "chi2")),
           json_number_value(json_object_get(srm, "p_value")),
           json_is_true(json_object_get(srm, "flagged")) ? "  MISMATCH" : "");
    json_array_foreach(json_object_get(r, "metrics"), i, m) {
        json_t *cu = json_object_get(m, "cuped"), *c;
        printf("\nmetric '%s' (%s, %s, %s is better)\n",
               json_string_value(json_object_get(m, "name")),
               json_string_value(json_object_get(m, "role")),
               json_string_value(json_object_get(m, "type")),
               json_is_true(json_object_get(m, "higher_is_better")) ? "higher" : "lower");
        json_array_foreach(json_object_get(m, "arms"), j, a) {
            printf("  %-12s n %-10.0f mean ", json_string_value(json_object_get(a, "name")),
                   json_number_value(json_object_get(a, "n")));
            cli_print_num(a, "mean", "%.6g", "-");
            printf("\n");
        }
        if (cu) {
            printf("  CUPED on '%s': theta ", json_string_value(json_object_get(cu, "pre_metric")));
            cli_print_num(cu, "theta", "%.4g", "-");
            printf(", variance reduced by %.1f%%\n",
                   100 * json_number_value(json_object_get(cu, "variance_reduction")));
        }
        json_array_foreach(json_object_get(m, "comparisons"), j, c) {
            json_t *ci = json_object_get(c, "ci"), *seq = json_object_get(c, "sequential");
            json_t *bay = json_object_get(c, "bayes");
            printf("  %s vs control: diff ", json_string_value(json_object_get(c, "arm")));
            cli_print_num(c, "diff", "%+.6g", "-");
            printf(" [");
            if (json_is_number(json_array_get(ci, 0)))
                printf("%.6g, %.6g]", json_number_value(json_array_get(ci, 0)),
                       json_number_value(json_array_get(ci, 1)));
            else
                printf("-]");
            const CliNum aNum[] = {
                {", relative ", c, "relative_lift", "%+.4f"},
                {", p ", c, "p_value", "%.4g"},
                {" (Holm ", c, "p_value_holm", "%.4g"},
                {")\n    always-valid p ", seq, "p_value", "%.4g"},
                {", P(beat control) ", bay, "chance_to_beat_control", "%.4f"},
                {", power ", c, "power", "%.3f"},
                {", needed per arm ", c, "required_units_per_arm", "%.0f"},
            };
            cli_print_nums(aNum, ARRAY_SIZE(aNum));
            printf("\n");
        }
    }
    printf("\nverdict: %s", json_string_value(json_object_get(v, "decision")));
    if (json_is_string(json_object_get(v, "arm")))
        printf(" (arm '%s')", json_string_value(json_object_get(v, "arm")));
    printf("\n");
    json_array_foreach(json_object_get(v, "arms"), i, a) {
        json_t *z;
        printf("  %s: %s\n", json_string_value(json_object_get(a, "arm")),
               json_string_value(json_object_get(a, "decision")));
        json_array_foreach(json_object_get(a, "reasons"), j, z)
            printf("    - %s\n", json_string_value(z));
    }
}

/* keel abtest; see zAbtestUsage. */
int cli_abtest(int argc, char **argv) {
    static const struct option aOpt[] = {{"csv", required_argument, 0, 'c'},
                                         {"control", required_argument, 0, 'C'},
                                         {"alpha", required_argument, 0, 'a'},
                                         {"power", required_argument, 0, 'p'},
                                         {"mde", required_argument, 0, 'm'},
                                         {"absolute", no_argument, 0, 'A'},
                                         {"min-units", required_argument, 0, 'u'},
                                         {"sequential", no_argument, 0, 's'},
                                         {"arm-col", required_argument, 0, '1'},
                                         {"metric-col", required_argument, 0, '2'},
                                         {"pre-col", required_argument, 0, '3'},
                                         {"threads", required_argument, 0, 't'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    json_t *spec = NULL, *out = NULL;
    const char *zCsvPath = NULL;
    const char *zCsv = NULL;
    size_t nCsv = 0;
    int mapped = 0, json = 0, nThread = 0, rc = CLI_EXIT_OK, ch;
    double x;
    json_t *aSet = json_array(); /* [obj, key, value] triples applied after loading */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", aOpt, NULL)) != -1) {
        json_t *tr = NULL;
        switch (ch) {
        case 'h':
            fputs(zAbtestUsage, stdout);
            json_decref(aSet);
            return CLI_EXIT_OK;
        case 'j': json = 1; break;
        case 'c': zCsvPath = optarg; break;
        case 't':
            if (abtest_number_opt("--threads", optarg, &x) || x < 0 || x > 256) {
                json_decref(aSet);
                return CLI_EXIT_USAGE;
            }
            nThread = (int)x;
            break;
        case 'C': tr = json_pack("[ss s]", "", "control", optarg); break;
        case '1': tr = json_pack("[ss s]", "csv", "arm", optarg); break;
        case '2': tr = json_pack("[ss s]", "csv", "metric", optarg); break;
        case '3': tr = json_pack("[ss s]", "csv", "pre_metric", optarg); break;
        case 'A': tr = json_pack("[ss s]", "plan", "mde_type", "absolute"); break;
        case 's': tr = json_pack("[ss b]", "plan", "sequential", 1); break;
        case 'a':
        case 'p':
        case 'm':
        case 'u': {
            const char *zName = ch == 'a'   ? "--alpha"
                                : ch == 'p' ? "--power"
                                : ch == 'm' ? "--mde"
                                            : "--min-units";
            if (abtest_number_opt(zName, optarg, &x)) {
                json_decref(aSet);
                return CLI_EXIT_USAGE;
            }
            tr = json_pack("[ss f]", ch == 'a' || ch == 'p' ? "" : "plan",
                           ch == 'a'   ? "alpha"
                           : ch == 'p' ? "power"
                           : ch == 'm' ? "mde"
                                       : "min_units",
                           x);
            break;
        }
        default:
            json_decref(aSet);
            return cli_usage_error(
                "unknown or incomplete option '%s'; `keel abtest --help` lists them",
                argv[optind - 1]);
        }
        if (tr) json_array_append_new(aSet, tr);
    }
    if (optind + 1 < argc) {
        json_decref(aSet);
        return cli_usage_error("one spec file at most; `keel abtest --help`");
    }
    if (optind == argc && !zCsvPath) {
        json_decref(aSet);
        fputs(zAbtestUsage, stderr);
        return CLI_EXIT_USAGE;
    }
    if (optind < argc) {
        json_error_t je;
        char *z;
        size_t n;
        if (cli_read_file(argv[optind], &z, &n)) {
            json_decref(aSet);
            return CLI_EXIT_FAIL;
        }
        spec = json_loadb(z, n, JSON_REJECT_DUPLICATES, &je);
        free(z);
        if (!spec) {
            json_decref(aSet);
            return cli_usage_error("%s: line %d: %s", argv[optind], je.line, je.text);
        }
    } else {
        spec = json_object();
    }
    size_t i;
    json_t *tr;
    json_array_foreach(aSet, i, tr) {
        abtest_spec_set(spec, json_string_value(json_array_get(tr, 0)),
                        json_string_value(json_array_get(tr, 1)),
                        json_incref(json_array_get(tr, 2)));
    }
    json_decref(aSet);
    if (zCsvPath && cli_map_file(zCsvPath, &zCsv, &nCsv, &mapped)) {
        json_decref(spec);
        return CLI_EXIT_FAIL;
    }
    EngineError e;
    int erc = abtest_run_json(spec, zCsvPath ? zCsv : NULL, nCsv, nThread, mapped, &out, &e);
    if (erc == KEEL_EINVAL) {
        rc = cli_usage_error("%s%s%s", e.zField, e.zField[0] ? ": " : "", e.zMsg);
    } else if (erc) {
        rc = cli_fail("abtest failed: %s", err_code_name(erc));
    } else if (json) {
        char *z = json_dumps(out, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        if (!z) {
            rc = cli_fail("out of memory");
        } else {
            puts(z);
            free(z);
        }
    } else {
        abtest_print_text(out);
    }
    json_decref(out);
    json_decref(spec);
    if (zCsvPath) cli_unmap_file(zCsv, nCsv, mapped);
    return rc;
}
