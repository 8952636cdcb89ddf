/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel plan: the portfolio optimiser on planning-input files. `solve`
 * prints the plan (value, bound, gap, starts, unfunded with reasons,
 * binding constraints, utilisation, shadow prices), `frontier` the
 * value/budget frontier from 50% to 150% of budget, `compare` several
 * scenarios side by side. The optimiser is engine/portfolio.c; this file
 * parses options, reads files and renders. docs/plan.md has the formats. */
#include "cli/cli.h"
#include "engine/portfolio.h"
#include "util/err.h"
#include "util/mem.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char zPlanUsage[] =
    "usage: keel plan solve --input FILE.json [--time-limit S] [--method M] [--json]\n"
    "       keel plan frontier --input FILE.json [--steps N] [--time-limit S] [--json]\n"
    "       keel plan compare A.json B.json ... [--time-limit S] [--json]\n"
    "\n"
    "The portfolio optimiser: which initiatives to fund and when each starts, to\n"
    "maximise discounted expected value under every pool's capacity in every\n"
    "period, with dependencies, mandatory and mutually exclusive initiatives, work\n"
    "under way, cloud units bought from the budget and a minimal-change term.\n"
    "docs/plan.md describes the input and output formats and the method.\n"
    "\n"
    "Exit codes: 0 a plan, 1 failure or no feasible plan (conflicts printed),\n"
    "2 usage or bad input.\n";

/* Parse a positive number of seconds; 0 on error. */
static double plan_seconds(const char *z) {
    char *zEnd;
    double x = z ? strtod(z, &zEnd) : 10;
    if (z && (*zEnd || !(x > 0) || x > 86400)) return 0;
    return x;
}

/* Read and parse a JSON file (duplicate keys refused). Returns 0 or an
 * exit code with the message printed. */
static int plan_load(const char *zPath, json_t **pj) {
    char *z = NULL;
    size_t n = 0;
    json_error_t je;
    if (cli_read_file(zPath, &z, &n)) return CLI_EXIT_FAIL;
    *pj = json_loadb(z, n, JSON_REJECT_DUPLICATES, &je);
    free(z);
    if (!*pj) return cli_usage_error("%s:%d: %s", zPath, je.line, je.text);
    return 0;
}

/* Print an engine error and return the exit code for rc. */
static int plan_engine_fail(const char *zPath, int rc, const EngineError *e) {
    if (rc == KEEL_EINVAL)
        return cli_usage_error("%s: %s%s%s", zPath, e->zField[0] ? e->zField : "",
                               e->zField[0] ? ": " : "", e->zMsg);
    return cli_fail("%s: %s", zPath, e->zMsg[0] ? e->zMsg : "solve failed");
}

/* Print j as indented JSON with 12 significant digits; steals j. */
static void plan_print_json(json_t *j) {
    json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
    fputc('\n', stdout);
    json_decref(j);
}

/* Text rendering of a solve report. */
static void plan_print_text(const json_t *r) {
    const char *zKey;
    json_t *v;
    size_t i;
    const CliNum aNum[] = {
        {"\nvalue    ", r, "value", "%.6g"},
        {"\nbound    ", r, "bound", "%.6g"},
        {"\ngap      ", r, "gap", "%.4g"},
    };
    printf("status   %s", json_string_value(json_object_get(r, "status")));
    cli_print_nums(aNum, ARRAY_SIZE(aNum));
    printf("\nfunded   %lld\n", (long long)json_integer_value(json_object_get(r, "funded")));
    if (json_object_get(r, "changes")) {
        printf("objective ");
        cli_print_num(r, "objective", "%.6g", "-");
        printf(" (value minus change penalties; the bound is on it)\nchanges  %lld\n",
               (long long)json_integer_value(json_object_get(r, "changes")));
    }
    if (json_object_size(json_object_get(r, "starts"))) printf("\nstarts\n");
    json_object_foreach(json_object_get(r, "starts"), zKey, v)
        printf("  %-24s %s\n", zKey, json_string_value(v));
    if (json_object_size(json_object_get(r, "under_way"))) printf("\nunder way (started before)\n");
    json_object_foreach(json_object_get(r, "under_way"), zKey, v)
        printf("  %-24s %lld\n", zKey, (long long)json_integer_value(v));
    if (json_array_size(json_object_get(r, "unfunded"))) printf("\nunfunded\n");
    json_array_foreach(json_object_get(r, "unfunded"), i, v)
        printf("  %-24s %s\n", json_string_value(json_object_get(v, "id")),
               json_string_value(json_object_get(v, "reason")));
    if (json_array_size(json_object_get(r, "binding"))) printf("\nbinding\n");
    json_array_foreach(json_object_get(r, "binding"), i, v) {
        const char *zC = json_string_value(json_object_get(v, "constraint"));
        if (strcmp(zC, "capacity") == 0) {
            printf("  capacity %s in %s: used %.6g of %.6g",
                   json_string_value(json_object_get(v, "pool")),
                   json_string_value(json_object_get(v, "period")),
                   json_number_value(json_object_get(v, "used")),
                   json_number_value(json_object_get(v, "capacity")));
            if (json_object_get(v, "cloud_bought"))
                printf(", %.6g bought", json_number_value(json_object_get(v, "cloud_bought")));
            if (json_object_get(v, "shadow_price"))
                printf(", shadow price %.6g",
                       json_number_value(json_object_get(v, "shadow_price")));
            printf("\n");
        } else if (strcmp(zC, "dependency") == 0) {
            printf("  dependency %s starts as %s finishes\n",
                   json_string_value(json_object_get(v, "initiative")),
                   json_string_value(json_object_get(v, "depends_on")));
        } else {
            printf("  exclusive %s funded instead of %s\n",
                   json_string_value(json_object_get(v, "funded")),
                   json_string_value(json_object_get(v, "instead_of")));
        }
    }
    if (json_array_size(json_object_get(r, "conflicts"))) printf("\nconflicts\n");
    json_array_foreach(json_object_get(r, "conflicts"), i, v)
        printf("  %s\n", json_string_value(json_object_get(v, "message")));
}

/* Options shared by the subcommands. */
enum { OPT_INPUT, OPT_TIME, OPT_METHOD, OPT_STEPS, OPT_SEED, OPT_JSON };

/* keel plan; see zPlanUsage. */
int cli_plan(int argc, char **argv) {
    CliOpt aOpt[] = {
        {"input", 0, "FILE", "planning input (JSON; \"-\" for stdin)", NULL},
        {"time-limit", 0, "S", "seconds of wall time per solve (default 10; frontier: in all)",
         NULL},
        {"method", 0, "M", "full (default), greedy or glpk (benchmarks)", NULL},
        {"steps", 0, "N", "frontier points from 50% to 150% of budget (default 11)", NULL},
        {"seed", 0, "N", "neighbourhood seed (default 1)", NULL},
        {"json", 1, NULL, "print JSON", NULL},
    };
    int nOpt = (int)(sizeof aOpt / sizeof aOpt[0]), nPos = 0, rc;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(zPlanUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    const char *zSub = argv[1];
    if (strcmp(zSub, "solve") && strcmp(zSub, "frontier") && strcmp(zSub, "compare"))
        return cli_usage_error("plan: unknown subcommand '%s' (solve, frontier, compare)", zSub);
    rc = cli_parse(argc - 1, argv + 1, aOpt, nOpt, zPlanUsage, &nPos);
    if (rc == -1) return CLI_EXIT_OK;
    if (rc) return rc;
    char **azPos = argv + 2;
    PortfolioOptions o = {0};
    o.timeLimit = plan_seconds(aOpt[OPT_TIME].zValue);
    if (o.timeLimit <= 0) return cli_usage_error("--time-limit: a number of seconds > 0");
    const char *zM = aOpt[OPT_METHOD].zValue;
    if (zM && strcmp(zM, "full") == 0)
        o.method = PORTFOLIO_FULL;
    else if (zM && strcmp(zM, "greedy") == 0)
        o.method = PORTFOLIO_GREEDY;
    else if (zM && strcmp(zM, "glpk") == 0)
        o.method = PORTFOLIO_GLPK;
    else if (zM)
        return cli_usage_error("--method: full, greedy or glpk");
    if (aOpt[OPT_SEED].zValue) o.seed = (unsigned)strtoul(aOpt[OPT_SEED].zValue, NULL, 10);
    int bJson = aOpt[OPT_JSON].zValue != NULL;
    EngineError e = {0};
    json_t *in = NULL, *out = NULL;
    if (strcmp(zSub, "compare") == 0) {
        if (nPos < 1) return cli_usage_error("plan compare: give one or more scenario files");
        json_t *arr = json_array();
        for (int k = 0; k < nPos; k++) {
            if ((rc = plan_load(azPos[k], &in))) break;
            rc = portfolio_solve_json(in, &o, &out, &e);
            json_decref(in);
            if (rc) {
                rc = plan_engine_fail(azPos[k], rc, &e);
                break;
            }
            json_object_set_new(out, "scenario", json_string(azPos[k]));
            json_array_append_new(arr, out);
        }
        if (rc) {
            json_decref(arr);
            return rc;
        }
        if (bJson) {
            plan_print_json(json_pack("{s:o}", "scenarios", arr));
            return CLI_EXIT_OK;
        }
        /* Side by side: the figures, then each initiative's start. */
        size_t i;
        json_t *s;
        printf("%-24s", "");
        json_array_foreach(arr, i, s)
            printf(" %14.14s", json_string_value(json_object_get(s, "scenario")));
        const char *azRow[] = {"status", "value", "bound", "gap", "funded"};
        for (int k = 0; k < 5; k++) {
            printf("\n%-24s", azRow[k]);
            json_array_foreach(arr, i, s) {
                json_t *v = json_object_get(s, azRow[k]);
                if (json_is_string(v))
                    printf(" %14s", json_string_value(v));
                else if (json_is_integer(v))
                    printf(" %14lld", (long long)json_integer_value(v));
                else if (json_is_number(v))
                    printf(" %14.6g", json_number_value(v));
                else
                    printf(" %14s", "-");
            }
        }
        printf("\n\nstarts that differ between scenarios\n");
        json_t *ids = json_object();
        json_array_foreach(arr, i, s) {
            const char *zK;
            json_t *v;
            json_object_foreach(json_object_get(s, "starts"), zK, v)
                json_object_set_new(ids, zK, json_true());
        }
        const char *zK;
        json_t *dummy;
        json_object_foreach(ids, zK, dummy) {
            int differ = 0;
            const char *z0 = NULL;
            json_array_foreach(arr, i, s) {
                const char *z =
                    json_string_value(json_object_get(json_object_get(s, "starts"), zK));
                if (i == 0)
                    z0 = z;
                else if ((z0 == NULL) != (z == NULL) || (z && strcmp(z, z0)))
                    differ = 1;
            }
            if (!differ) continue;
            printf("%-24.24s", zK);
            json_array_foreach(arr, i, s) {
                const char *z =
                    json_string_value(json_object_get(json_object_get(s, "starts"), zK));
                printf(" %14s", z ? z : "-");
            }
            printf("\n");
        }
        json_decref(ids);
        json_decref(arr);
        return CLI_EXIT_OK;
    }
    const char *zIn = aOpt[OPT_INPUT].zValue;
    if (!zIn && nPos == 1) zIn = azPos[0];
    if (!zIn) return cli_usage_error("plan %s: --input FILE is required", zSub);
    if ((rc = plan_load(zIn, &in))) return rc;
    if (strcmp(zSub, "frontier") == 0) {
        char *zEnd;
        long nStep = aOpt[OPT_STEPS].zValue ? strtol(aOpt[OPT_STEPS].zValue, &zEnd, 10) : 11;
        if (aOpt[OPT_STEPS].zValue && (*zEnd || nStep < 2 || nStep > 101)) {
            json_decref(in);
            return cli_usage_error("--steps: 2 .. 101");
        }
        rc = portfolio_frontier_json(in, &o, (int)nStep, &out, &e);
        json_decref(in);
        if (rc) return plan_engine_fail(zIn, rc, &e);
        if (bJson) {
            plan_print_json(out);
            return CLI_EXIT_OK;
        }
        size_t i;
        json_t *pt;
        printf("%6s %14s %14s %14s %8s %7s\n", "budget", "amount", "value", "bound", "gap",
               "funded");
        json_array_foreach(json_object_get(out, "points"), i, pt) {
            printf("%5.0f%% ", 100 * json_number_value(json_object_get(pt, "scale")));
            const CliNum aNum[] = {
                {"", pt, "budget", "%14.6g"},
                {" ", pt, "value", "%14.6g"},
                {" ", pt, "bound", "%14.6g"},
                {" ", pt, "gap", "%8.4f"},
            };
            cli_print_nums(aNum, ARRAY_SIZE(aNum));
            printf(" %7lld\n", (long long)json_integer_value(json_object_get(pt, "funded")));
        }
        json_decref(out);
        return CLI_EXIT_OK;
    }
    rc = portfolio_solve_json(in, &o, &out, &e);
    json_decref(in);
    if (rc) return plan_engine_fail(zIn, rc, &e);
    const char *zSt = json_string_value(json_object_get(out, "status"));
    int bOk = strcmp(zSt, "optimal") == 0 || strcmp(zSt, "feasible") == 0;
    if (bJson)
        plan_print_json(out);
    else {
        plan_print_text(out);
        json_decref(out);
    }
    return bOk ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
