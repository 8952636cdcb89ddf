/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel fairness: audit a classifier's predictions by protected group from a
 * CSV (true label, prediction or score, protected attributes) and print the
 * per-group table, the fairness metrics and the verdict as text or, with
 * --json, as the engine's JSON (the same document that POST
 * /api/v1/analyses/fairness returns). Options override the spec file's
 * keys. The audit itself is fairness_run_json() in engine/fairness.h. */
#include "cli/cli.h"
#include "engine/fairness.h"
#include "util/err.h"
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char zFairnessUsage[] =
    "usage: keel fairness DATA.csv [OPTIONS]\n"
    "\n"
    "Fairness audit of predictions by protected group: per group count, base rate,\n"
    "selection rate, TPR, FPR, precision and calibration error; demographic parity\n"
    "difference and ratio, disparate impact (four-fifths rule), equal opportunity,\n"
    "equalized odds and average odds differences; a pass/fail verdict naming the\n"
    "groups responsible. docs/fairness.md describes the formats and formulas.\n"
    "\n"
    "options (each overrides the spec file):\n"
    "  --spec FILE           audit spec (JSON); see docs/fairness.md\n"
    "  --label COL           true label column, 0/1 (default label)\n"
    "  --prediction COL      predicted label column, 0/1 (default prediction)\n"
    "  --score COL           score column in [0, 1]; without --prediction the\n"
    "                        prediction is score >= threshold\n"
    "  --threshold T         decision threshold for --score (default 0.5)\n"
    "  --protected COLS      protected attribute column(s), comma-separated; the\n"
    "                        intersection of several is audited too\n"
    "  --reference [ATTR=]G  reference group (default: most favorable predictions)\n"
    "  --favorable 0|1       the prediction that is good for the person (default 1;\n"
    "                        0 for a risk model whose 1 means flagged)\n"
    "  --bootstrap N         N bootstrap replicates for confidence intervals\n"
    "  --seed S              bootstrap seed (default 1)\n"
    "  --threads N           CSV parser threads (default: one per core)\n"
    "  --json                print the full result as JSON\n"
    "  --help                show this help\n"
    "\n"
    "Exit codes: 0 audited (pass or fail), 1 runtime failure, 2 usage or bad input.\n";

/* Text rendering of the engine's result. */
static void fairness_print_text(const json_t *r) {
    size_t i, j;
    json_t *a, *g, *z;
    json_t *v = json_object_get(r, "verdict");
    printf("fairness audit of %lld rows\n",
           (long long)json_integer_value(json_object_get(r, "rows")));
    json_array_foreach(json_object_get(r, "attributes"), i, a) {
        json_t *m = json_object_get(a, "metrics");
        printf("\n%s (reference '%s', %s)\n", json_string_value(json_object_get(a, "attribute")),
               json_string_value(json_object_get(a, "reference")),
               json_string_value(json_object_get(a, "reference_rule")));
        printf("  %-24s %10s %9s %9s %9s %9s %9s %9s %9s\n", "group", "count", "base", "selected",
               "TPR", "FPR", "precision", "ECE", "DI");
        json_array_foreach(json_object_get(a, "groups"), j, g) {
            printf("  %-24.24s %10lld", json_string_value(json_object_get(g, "group")),
                   (long long)json_integer_value(json_object_get(g, "count")));
            cli_print_num(g, "base_rate", " %9.4f", "         -");
            cli_print_num(g, "selection_rate", " %9.4f", "         -");
            cli_print_num(g, "tpr", " %9.4f", "         -");
            cli_print_num(g, "fpr", " %9.4f", "         -");
            cli_print_num(g, "precision", " %9.4f", "         -");
            cli_print_num(g, "ece", " %9.4f", "         -");
            cli_print_num(g, "disparate_impact", " %9.4f", "         -");
            printf("\n");
        }
        printf("  demographic parity difference %.4f, ratio %.4f\n",
               json_number_value(json_object_get(m, "demographic_parity_difference")),
               json_number_value(json_object_get(m, "demographic_parity_ratio")));
        printf("  equal opportunity difference %.4f, equalized odds difference %.4f (FPR gap "
               "%.4f)\n",
               json_number_value(json_object_get(m, "equal_opportunity_difference")),
               json_number_value(json_object_get(m, "equalized_odds_difference")),
               json_number_value(json_object_get(m, "fpr_difference")));
    }
    printf("\nverdict: %s\n", json_string_value(json_object_get(v, "decision")));
    json_array_foreach(json_object_get(v, "reasons"), i, z)
        printf("  - %s\n", json_string_value(z));
}

/* keel fairness; see zFairnessUsage. */
int cli_fairness(int argc, char **argv) {
    static const struct option aOpt[] = {{"spec", required_argument, 0, 'S'},
                                         {"label", required_argument, 0, 'l'},
                                         {"prediction", required_argument, 0, 'p'},
                                         {"score", required_argument, 0, 's'},
                                         {"threshold", required_argument, 0, 't'},
                                         {"protected", required_argument, 0, 'P'},
                                         {"reference", required_argument, 0, 'r'},
                                         {"bootstrap", required_argument, 0, 'b'},
                                         {"seed", required_argument, 0, 'e'},
                                         {"threads", required_argument, 0, 'T'},
                                         {"favorable", required_argument, 0, 'f'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *zSpecPath = NULL;
    json_t *over = json_object(), *spec = NULL, *out = NULL, *boot = NULL, *ref = NULL;
    int json = 0, nThread = 0, ch, rc = CLI_EXIT_OK;
    char *zEnd;
    double x;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", aOpt, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(zFairnessUsage, stdout);
            rc = -1;
            goto done;
        case 'j': json = 1; break;
        case 'S': zSpecPath = optarg; break;
        case 'l': json_object_set_new(over, "label", json_string(optarg)); break;
        case 'p': json_object_set_new(over, "prediction", json_string(optarg)); break;
        case 's': json_object_set_new(over, "score", json_string(optarg)); break;
        case 'P': {
            json_t *a = json_array();
            char *z = strdup(optarg), *zSave = NULL;
            for (char *t = strtok_r(z, ",", &zSave); t; t = strtok_r(NULL, ",", &zSave))
                json_array_append_new(a, json_string(t));
            free(z);
            json_object_set_new(over, "protected", a);
            break;
        }
        case 'r': {
            const char *zEq = strchr(optarg, '=');
            if (!zEq) {
                json_decref(ref);
                ref = json_string(optarg);
            } else {
                if (!json_is_object(ref)) {
                    json_decref(ref);
                    ref = json_object();
                }
                char *zAttr = strndup(optarg, (size_t)(zEq - optarg));
                json_object_set_new(ref, zAttr, json_string(zEq + 1));
                free(zAttr);
            }
            break;
        }
        case 'f':
        case 't':
        case 'b':
        case 'e':
        case 'T':
            x = strtod(optarg, &zEnd);
            if (zEnd == optarg || *zEnd || !isfinite(x)) {
                rc = cli_usage_error("--%s needs a number, got '%s'",
                                     ch == 't'   ? "threshold"
                                     : ch == 'b' ? "bootstrap"
                                     : ch == 'e' ? "seed"
                                                 : "threads",
                                     optarg);
                goto done;
            }
            if (ch == 't') json_object_set_new(over, "threshold", json_real(x));
            if (ch == 'f') json_object_set_new(over, "favorable", json_real(x));
            if (ch == 'T') nThread = x < 0 ? 0 : x > 256 ? 256 : (int)x;
            if (ch == 'b' || ch == 'e') {
                if (!boot) boot = json_object();
                json_object_set_new(boot, ch == 'b' ? "replicates" : "seed", json_real(x));
            }
            break;
        default:
            rc = cli_usage_error(
                "unknown or incomplete option '%s'; `keel fairness --help` lists them",
                argv[optind - 1]);
            goto done;
        }
    }
    if (optind + 1 != argc) {
        fputs(zFairnessUsage, stderr);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (zSpecPath) {
        char *z;
        size_t n;
        json_error_t je;
        if (cli_read_file(zSpecPath, &z, &n)) {
            rc = CLI_EXIT_FAIL;
            goto done;
        }
        spec = json_loadb(z, n, JSON_REJECT_DUPLICATES, &je);
        free(z);
        if (!spec) {
            rc = cli_usage_error("%s: line %d: %s", zSpecPath, je.line, je.text);
            goto done;
        }
    } else {
        spec = json_object();
    }
    json_object_update(spec, over);
    if (ref) json_object_set(spec, "reference", ref);
    if (boot) {
        json_t *b = json_object_get(spec, "bootstrap");
        if (json_is_object(b))
            json_object_update(b, boot);
        else
            json_object_set(spec, "bootstrap", boot);
    }
    const char *zCsv;
    size_t nCsv;
    int mapped;
    if (cli_map_file(argv[optind], &zCsv, &nCsv, &mapped)) {
        rc = CLI_EXIT_FAIL;
        goto done;
    }
    EngineError e;
    int erc = fairness_run_json(spec, zCsv, nCsv, nThread, mapped, &out, &e);
    cli_unmap_file(zCsv, nCsv, mapped);
    if (erc == KEEL_EINVAL) {
        rc = cli_usage_error("%s%s%s", e.zField, e.zField[0] ? ": " : "", e.zMsg);
    } else if (erc) {
        rc = cli_fail("fairness audit failed: %s", err_code_name(erc));
    } else if (json) {
        char *z = json_dumps(out, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        if (z)
            puts(z);
        else
            rc = cli_fail("out of memory");
        free(z);
    } else {
        fairness_print_text(out);
    }
done:
    json_decref(over);
    json_decref(spec);
    json_decref(out);
    json_decref(boot);
    json_decref(ref);
    return rc < 0 ? CLI_EXIT_OK : rc;
}
