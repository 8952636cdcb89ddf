/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 5 reports: keel actions, keel review, keel radar, read through the
 * API in-process (GET /api/v1/actions, /api/v1/reviews/{period},
 * /api/v1/radar) so they show exactly what the server answers. */
#include "cli/cli.h"
#include "domain/auth.h"
#include "store/db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_(const json_t *o, const char *k) {
    const char *z = json_string_value(json_object_get(o, k));
    return z ? z : "-";
}

static void print_findings(const json_t *j) {
    size_t i;
    json_t *o;
    if (!json_array_size(json_object_get(j, "findings"))) return;
    printf("\nfindings:\n");
    json_array_foreach(json_object_get(j, "findings"), i, o)
        printf("  %-8s %s\n", s_(o, "severity"), s_(o, "message"));
}

/* A whole positive number (an id), else 0. */
static long long cli_id(const char *z) {
    if (!z || !*z || strlen(z) > 15 || strspn(z, "0123456789") != strlen(z)) return 0;
    return strtoll(z, NULL, 10);
}

/* keel actions close ID --note TEXT [--evidence ANALYSIS] [--version
 * VERSION] [--cancel]: PATCH /api/v1/actions/{id} as --as, so the rules
 * (a note, the evidence an action asks for, the owner or the committee)
 * are the server's. */
static int actions_close(int argc, char **argv) {
    static const char zUsage[] =
        "usage: keel actions close ID --db DB --note TEXT [--evidence ANALYSIS_ID]\n"
        "                          [--version VERSION_ID] [--cancel] [--as EMAIL] [--json]\n\n"
        "Close action ID as done (or, with --cancel, as cancelled) with a note saying what\n"
        "was done or why not. An action that needs evidence is done only with a stored\n"
        "analysis (--evidence, its id); a retraining action also with the retrained\n"
        "version (--version, its id). Only the action's owner, the committee and admins\n"
        "close it (--as, default the first admin); a closed action does not change.\n"
        "Exit 2 when refused.\n"
        "  keel actions close 7 --db keel.db --note \"relabelled 1200 failures\" --as "
        "jonas@example.com";
    CliOpt a[] = {
        CLI_OPT_DB,
        {"as", 0, "EMAIL", "the account that closes it (default: the first admin)", NULL},
        {"note", 0, "TEXT", "what was done, or why not (required)", NULL},
        {"evidence", 0, "ANALYSIS_ID", "the stored analysis that shows it is done", NULL},
        {"version", 0, "VERSION_ID", "retraining: the retrained version", NULL},
        {"cancel", 1, "", "close it as cancelled rather than done", NULL},
        CLI_OPT_JSON("print the closed action as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n, zUsage, &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos != 1) return cli_usage_error("close takes one action id, e.g. keel actions close 7");
    long long id = cli_id(argv[1]);
    if (!id) return cli_usage_error("'%s' is not an action id (a whole number)", argv[1]);
    const char *zNote = cli_opt(a, n, "note");
    if (!zNote || !*zNote) return cli_usage_error("close needs --note: say what was done");
    if (!cli_opt(a, n, "db")) return cli_usage_error("--db DB is required");
    json_t *body = json_pack("{ss ss}", "status", cli_opt(a, n, "cancel") ? "cancelled" : "done",
                             "close_note", zNote);
    static const char *const azRef[][2] = {{"evidence", "evidence_analysis_id"},
                                           {"version", "version_id"}};
    for (int i = 0; i < 2; i++) {
        const char *z = cli_opt(a, n, azRef[i][0]);
        if (!z) continue;
        if (!cli_id(z)) {
            json_decref(body);
            return cli_usage_error("--%s must be an id (a whole number), not '%s'", azRef[i][0], z);
        }
        json_object_set_new(body, azRef[i][1], json_integer(cli_id(z)));
    }
    char zPath[64];
    snprintf(zPath, sizeof zPath, "/api/v1/actions/%lld", id);
    Db *db;
    Principal who;
    json_t *j = NULL;
    if ((rc = cli_open_as(cli_opt(a, n, "db"), cli_opt(a, n, "as"), &db, &who)) == 0) {
        rc = cli_call_body(db, &who, "PATCH", zPath, body, &j);
        db_close(db);
    }
    json_decref(body);
    if (rc) return rc;
    if (cli_json_done(a, n, j)) return 0;
    printf("action %lld %s: %s\n", id, s_(j, "status"), s_(j, "close_note"));
    json_decref(j);
    return 0;
}

int cli_actions(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "close") == 0) return actions_close(argc - 1, argv + 1);
    CliOpt a[] = {
        CLI_OPT_DB,
        CLI_OPT_AS,
        {"overdue", 1, "", "only overdue actions", NULL},
        {"all", 1, "", "closed actions too (default: open and in progress)", NULL},
        CLI_OPT_JSON("print the answer as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc =
        cli_parse(argc, argv, a, n,
                  "usage: keel actions --db DB [--overdue] [--all] [--json]\n"
                  "       keel actions close ID --db DB --note TEXT [--evidence ANALYSIS_ID]\n"
                  "                          [--version VERSION_ID] [--cancel] [--as EMAIL]\n\n"
                  "Actions with their owner, due date, status and what raised them (a\n"
                  "review, a monitoring finding, a risk, a gate refusal); overdue ones are\n"
                  "findings. Exit 0 whatever they show.",
                  &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    char zPath[128];
    snprintf(zPath, sizeof zPath, "/api/v1/actions%s%s",
             cli_opt(a, n, "overdue") ? "?overdue=1"
                                      : (cli_opt(a, n, "all") ? "" : "?status=active"),
             "");
    json_t *j = NULL;
    if ((rc = cli_get(a, n, zPath, &j))) return rc;
    if (cli_json_done(a, n, j)) return 0;
    size_t i;
    json_t *o;
    printf("%-5s %-11s %-10s %-20s %-9s %s\n", "id", "status", "due", "owner", "source", "title");
    json_array_foreach(json_object_get(j, "items"), i, o) {
        printf("%-5lld %-11s %-10s %-20.20s %-9s %s%s\n",
               (long long)json_integer_value(json_object_get(o, "id")), s_(o, "status"),
               s_(o, "due_date"), s_(o, "owner_name"), s_(o, "source"), s_(o, "title"),
               json_is_true(json_object_get(o, "overdue")) ? "  [OVERDUE]" : "");
    }
    print_findings(j);
    json_decref(j);
    return 0;
}

static void print_money(const char *zLabel, const json_t *v) {
    if (json_is_number(v))
        printf("%s%.0f", zLabel, json_number_value(v));
    else
        printf("%s-", zLabel);
}

int cli_review(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        CLI_OPT_AS,
        {"period", 0, "QUARTER", "the fiscal quarter, e.g. 2026Q4", NULL},
        CLI_OPT_JSON("print the review as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel review --db DB --period QUARTER [--json]\n\n"
                       "The quarterly review of a fiscal quarter that has begun, assembled from\n"
                       "the data (KPIs against target and trend, realised against promised\n"
                       "value, findings, actions, the committee's decision per initiative), or\n"
                       "as it was held (a held review is frozen).",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    const char *zP = cli_opt(a, n, "period");
    if (!zP) {
        fprintf(stderr, "keel review: --period is required, e.g. --period 2026Q4\n");
        return CLI_EXIT_USAGE;
    }
    char zPath[96], zLow[24];
    size_t k = 0;
    for (; zP[k] && k < sizeof zLow - 1; k++)
        zLow[k] = (zP[k] >= 'A' && zP[k] <= 'Z') ? (char)(zP[k] + 32) : zP[k];
    zLow[k] = 0;
    for (size_t i = 0; zLow[i]; i++)
        if (!((zLow[i] >= '0' && zLow[i] <= '9') || zLow[i] == 'q')) {
            fprintf(stderr, "keel review: '%s' is not a fiscal quarter, e.g. 2026Q4\n", zP);
            return CLI_EXIT_USAGE;
        }
    snprintf(zPath, sizeof zPath, "/api/v1/reviews/%s", zLow);
    json_t *j = NULL;
    if ((rc = cli_get(a, n, zPath, &j))) return rc;
    if (cli_json_done(a, n, j)) return 0;
    printf("Quarterly review %s (%s)\n", s_(j, "period"), s_(j, "status"));
    size_t i, m;
    json_t *o, *x;
    json_array_foreach(json_object_get(j, "initiatives"), i, o) {
        json_t *d = json_object_get(o, "decision");
        printf("\n%s  [%s]  decision: %s\n", s_(o, "title"), s_(o, "stage"),
               json_is_object(d) ? s_(d, "decision") : "-");
        print_money("  value: promised ", json_object_get(o, "promised_value"));
        print_money(", realised ", json_object_get(o, "realised_value"));
        printf("\n");
        json_array_foreach(json_object_get(o, "kpis"), m, x)
            printf("  KPI %-36.36s %-9s latest %g, target %g\n", s_(x, "name"), s_(x, "status"),
                   json_number_value(json_object_get(x, "latest")),
                   json_number_value(json_object_get(x, "target")));
        json_array_foreach(json_object_get(o, "findings"), m, x)
            printf("  ! %s\n", s_(x, "message"));
        json_array_foreach(json_object_get(o, "actions"), m, x) printf(
            "  action %s (%s, due %s)\n", s_(x, "title"), s_(x, "status"), s_(x, "due_date"));
    }
    json_t *p = json_object_get(j, "programme");
    print_money("\nprogramme: promised ", json_object_get(p, "promised_value"));
    print_money(", realised ", json_object_get(p, "realised_value"));
    printf("\n");
    json_decref(j);
    return 0;
}

int cli_radar(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        CLI_OPT_AS,
        CLI_OPT_JSON("print the radar as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel radar --db DB [--json]\n\n"
                       "The technology radar: each technology's ring (adopt, trial, assess,\n"
                       "hold) by quadrant, its owner and fit per unit, and this quarter's moves\n"
                       "with their reasons.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    json_t *j = NULL;
    if ((rc = cli_get(a, n, "/api/v1/radar", &j))) return rc;
    if (cli_json_done(a, n, j)) return 0;
    size_t i, k, m;
    json_t *q, *r, *o, *x;
    json_array_foreach(json_object_get(j, "quadrants"), i, q) {
        printf("%s\n", json_string_value(q));
        json_array_foreach(json_object_get(j, "rings"), k, r) {
            json_array_foreach(json_object_get(j, "technologies"), m, o) {
                if (strcmp(s_(o, "quadrant"), json_string_value(q)) ||
                    strcmp(s_(o, "ring"), json_string_value(r)))
                    continue;
                printf("  %-7s %-34.34s %s%s\n", json_string_value(r), s_(o, "name"),
                       s_(o, "owner_name"),
                       json_is_true(json_object_get(o, "moved_this_quarter")) ? "  (moved)" : "");
            }
        }
    }
    printf("\nmoves in %s:\n", s_(j, "quarter"));
    json_array_foreach(json_object_get(j, "moves_this_quarter"), i, x)
        printf("  %s  %-30.30s %s -> %s: %s\n", s_(x, "moved_on"), s_(x, "name"),
               s_(x, "from_ring"), s_(x, "to_ring"), s_(x, "reason"));
    json_decref(j);
    return 0;
}
