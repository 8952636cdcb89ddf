/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel: subcommand dispatch. Each command lives in src/cli/cli_<family>.c;
 * this file only maps names to entry points and prints the overview. */
#include "cli/cli.h"
#include "store/db.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Command {
    const char *zName;          /* as typed after `keel` */
    int (*xMain)(int, char **); /* entry point; argv[0] is zName */
    const char *zSummary;       /* one line for `keel --help` */
} Command;

static int cli_version(int argc, char **argv) {
    int json = argc > 1 && strcmp(argv[1], "--json") == 0;
    if (argc > 1 && !json) {
        printf("usage: keel version [--json]\n\nPrint keel's version.\n");
        return strcmp(argv[1], "--help") == 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    if (json)
        printf("{\"version\":\"%s\"}\n", KEEL_VERSION);
    else
        printf("keel %s\n", KEEL_VERSION);
    return CLI_EXIT_OK;
}

static const Command aCommand[] = {
    {"init", cli_init, "create a database and its first admin account"},
    {"serve", cli_serve, "serve the HTTP API and the web UI"},
    {"demo", cli_demo, "load the demo enterprise into a database"},
    {"user", cli_user, "manage accounts: add, list, passwd, disable"},
    {"token", cli_token, "manage API tokens: create, list, revoke"},
    {"audit", cli_audit, "verify the audit log's hash chain, print its head"},
    {"backup", cli_backup, "copy a database consistently, even while served"},
    {"migrate", cli_migrate, "upgrade a database's schema (under a lock)"},
    {"copy", cli_copy, "copy a whole database between SQLite and PostgreSQL"},
    {"api", cli_api, "call any API route in-process, as an account"},
    {"alignment", cli_alignment, "the alignment chain and its findings"},
    {"priorities", cli_priorities, "initiatives ranked by weighted score, with quadrants"},
    {"catalogue", cli_catalogue, "the use-case catalogue by pain point and industry"},
    {"drift", cli_drift, "compare two datasets: PSI, KS, JS, Wasserstein, chi-square"},
    {"profile", cli_profile, "data readiness profile of a dataset"},
    {"abtest", cli_abtest, "analyse an A/B test: lift, power, SRM, sequential, Bayesian"},
    {"fairness", cli_fairness, "fairness audit of predictions by protected group"},
    {"explain", cli_explain, "exact SHAP values for XGBoost and linear models"},
    {"usage", cli_pool_usage, "record actual usage of a resource pool from CSV"},
    {"plan", cli_plan, "portfolio optimiser: solve, frontier, compare scenarios"},
    {"gate", cli_gate, "would an AI system pass a lifecycle gate? (exit 0 pass, 3 refuse)"},
    {"switch", cli_switch,
     "an AI system's human-override switch: get, set (with a reason), history"},
    {"report", cli_report, "the board pack: PDF or HTML, English or Chinese"},
    {"ingest", cli_ingest, "prediction events or labels from a file into a system's monitoring"},
    {"monitor", cli_monitor, "a system's monitoring windows: events, errors, latency, accuracy"},
    {"actions", cli_actions, "actions: owner, due date, status, what raised them; overdue ones"},
    {"review", cli_review,
     "the quarterly review of a quarter: assembled from the data, or as held"},
    {"radar", cli_radar,
     "the technology radar: rings, quadrants, fit per unit, this quarter's moves"},
    {"proposals", cli_proposals, "proposals to the AI committee with their count"},
    {"decisions", cli_decisions, "the committee's decision log, newest first"},
    {"training", cli_training, "training coverage, units below target, roles short per quarter"},
    {"definitions", cli_definitions, "shared definitions: status, who has not signed, findings"},
    {"slips", cli_slips, "schedule slips of the programme and what blocks them"},
    {"calendar", cli_calendar, "compliance deadlines of every AI system, overdue ones first"},
    {"export", cli_export, "regulatory exports to edit and file: register, EU data, SoA, China"},
    {"obligations", cli_obligations, "the rule packs' obligations of an AI system and why"},
    {"kanon", cli_kanon, "k-anonymity of a data asset's quasi-identifiers (who stands out)"},
    {"rules", cli_rules, "check a directory of compliance rule packs"},
    {"jobs", cli_jobs, "the scheduler's jobs: list, run one now"},
    {"version", cli_version, "print the version"},
};

static void usage(FILE *f) {
    fprintf(f, "usage: keel COMMAND [OPTIONS]\n\n"
               "keel: enterprise AI strategy management.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof aCommand / sizeof aCommand[0]; i++)
        fprintf(f, "  %-11s %s\n", aCommand[i].zName, aCommand[i].zSummary);
    fprintf(f, "\n`keel COMMAND --help` describes a command. Exit codes: 0 ok, 1 runtime "
               "failure, 2 usage or bad input.\n");
}

/* A PostgreSQL URL given on the command line may carry a password: keep a
 * private copy for the command and blank it in the process's own argument
 * area, which process lists (ps, /proc/PID/cmdline) show. */
static char *azArgCopy[8];

static void free_arg_copies(void) {
    for (size_t i = 0; i < sizeof azArgCopy / sizeof azArgCopy[0]; i++)
        free(azArgCopy[i]);
}

static void scrub_argv(int argc, char **argv) {
    size_t n = 0;
    for (int i = 1; i < argc && n < sizeof azArgCopy / sizeof azArgCopy[0]; i++) {
        char *u = strstr(argv[i], "postgres");
        if (!u || !db_is_pg_url(u)) continue;
        char *zCopy = strdup(argv[i]);
        if (!zCopy) continue;
        db_scrub_password(u);
        argv[i] = azArgCopy[n++] = zCopy;
    }
    if (n) atexit(free_arg_copies);
}

int main(int argc, char **argv) {
    scrub_argv(argc, argv);
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (time_init()) {
        fprintf(stderr, "keel: KEEL_NOW must be a date such as 2027-12-07 or "
                        "2027-12-07T09:00:00Z (UTC)\n");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0) return cli_version(1, argv + 1);
    for (size_t i = 0; i < sizeof aCommand / sizeof aCommand[0]; i++)
        if (strcmp(argv[1], aCommand[i].zName) == 0) return aCommand[i].xMain(argc - 1, argv + 1);
    fprintf(stderr, "keel: unknown command '%s'; `keel --help` lists them\n", argv[1]);
    return CLI_EXIT_USAGE;
}
