/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4 from the command line, for the committee's secretary: keel
 * proposals (open ones by default, with their count), keel decisions (the
 * log, newest first), keel training (programmes, units below target, team
 * members lacking a required programme, the roles short per quarter).
 * Thin: each reads its API routes in-process as an account (--as, default
 * the first admin), so the answers are the server's. */
#include "cli/cli.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_(const json_t *o, const char *k) {
    const char *z = json_string_value(json_object_get(o, k));
    return z ? z : "-";
}

static long long i_(const json_t *o, const char *k) {
    return (long long)json_integer_value(json_object_get(o, k));
}

/* "for · against · abstain" and who was present of how many needed. */
static void print_count(const json_t *t) {
    printf("%lld·%lld·%lld", i_(t, "for"), i_(t, "against"), i_(t, "abstain"));
}

int cli_proposals(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        CLI_OPT_AS,
        {"all", 1, "", "decided proposals too (default: the open ones)", NULL},
        CLI_OPT_JSON("print {\"items\": [...]} as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel proposals --db DB [--all] [--json]\n\n"
                       "Proposals to the AI committee, the open ones by default (soonest due\n"
                       "first), with their action, due date and the count as it stands: votes\n"
                       "for, against and abstaining, members present against the quorum, those\n"
                       "conflicted out. Exit 0 whatever they show.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    json_t *j = NULL;
    if ((rc = cli_get(a, n,
                      cli_opt(a, n, "all")
                          ? "/api/v1/proposals?sort=-id&limit=1000"
                          : "/api/v1/proposals?status=open&sort=due_date&limit=1000",
                      &j)))
        return rc;
    if (cli_json_done(a, n, j)) return 0;
    size_t i;
    json_t *o;
    if (json_array_size(json_object_get(j, "items")) == 0)
        printf("no %sproposals\n", cli_opt(a, n, "all") ? "" : "open ");
    else
        printf("%-5s %-9s %-10s %-18s %-9s %-9s %s\n", "id", "status", "due", "action", "f·a·abs",
               "present", "title");
    json_array_foreach(json_object_get(j, "items"), i, o) {
        const json_t *t = json_object_get(o, "tally");
        printf("%-5lld %-9s %-10s %-18.18s ", i_(o, "id"), s_(o, "status"), s_(o, "due_date"),
               s_(o, "action_type"));
        print_count(t);
        printf("%*s %lld/%lld%*s %s%s", 4, "", i_(t, "present"), i_(t, "quorum_needed"), 5, "",
               s_(o, "title"), json_is_true(json_object_get(o, "overdue")) ? "  [OVERDUE]" : "");
        if (i_(t, "conflicted")) printf("  (%lld conflicted out)", i_(t, "conflicted"));
        printf("\n");
    }
    json_decref(j);
    return 0;
}

int cli_decisions(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        CLI_OPT_AS,
        {"initiative", 0, "ID", "only the decisions about this initiative", NULL},
        {"limit", 0, "N", "at most N decisions (default 50)", NULL},
        CLI_OPT_JSON("print {\"items\": [...]} as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel decisions --db DB [--initiative ID] [--limit N] [--json]\n\n"
                       "The committee's decision log, newest first: the action, the outcome\n"
                       "(passed, rejected, lapsed, or a direct decision of one), the count,\n"
                       "whether it was carried out or refused by the rules and why.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    long lim = 50, ini = 0;
    const char *z;
    char *end;
    if ((z = cli_opt(a, n, "limit"))) {
        lim = strtol(z, &end, 10);
        if (*end || end == z || lim < 1 || lim > 1000)
            return cli_usage_error("--limit must be a whole number from 1 to 1000");
    }
    if ((z = cli_opt(a, n, "initiative"))) {
        ini = strtol(z, &end, 10);
        if (*end || end == z || ini < 1) return cli_usage_error("--initiative must be an id");
    }
    char zPath[128];
    if (ini)
        snprintf(zPath, sizeof zPath, "/api/v1/decisions?sort=-id&limit=%ld&initiative_id=%ld", lim,
                 ini);
    else
        snprintf(zPath, sizeof zPath, "/api/v1/decisions?sort=-id&limit=%ld", lim);
    json_t *j = NULL;
    if ((rc = cli_get(a, n, zPath, &j))) return rc;
    if (cli_json_done(a, n, j)) return 0;
    size_t i;
    json_t *o;
    if (json_array_size(json_object_get(j, "items")) == 0) printf("no decisions\n");
    json_array_foreach(json_object_get(j, "items"), i, o) {
        char zDay[11];
        snprintf(zDay, sizeof zDay, "%s", s_(o, "created_at"));
        printf("%-5lld %s %-8s %-18.18s ", i_(o, "id"), zDay, s_(o, "outcome"),
               s_(o, "action_type"));
        print_count(json_object_get(o, "tally"));
        printf("  %s", s_(o, "execution"));
        if (i_(o, "proposal_id")) printf("  proposal %lld", i_(o, "proposal_id"));
        printf("  %s\n", s_(o, "reason"));
        if (json_is_string(json_object_get(o, "execution_message")))
            printf("      refused: %s\n", s_(o, "execution_message"));
    }
    json_decref(j);
    return 0;
}

int cli_training(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        CLI_OPT_AS,
        CLI_OPT_JSON("print {programmes, below, flagged, forecast} as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel training --db DB [--json]\n\n"
                       "Training programmes with their overall coverage; the units below a\n"
                       "programme's target (a rollout to them waits); team members without the\n"
                       "training their initiative requires; the roles the latest plan needs\n"
                       "per quarter against the people available, and the quarters short.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    json_t *p = NULL, *c = NULL, *f = NULL;
    rc = cli_get(a, n, "/api/v1/training/programmes?limit=1000", &p);
    if (rc == 0) rc = cli_get(a, n, "/api/v1/training/coverage", &c);
    if (rc == 0) rc = cli_get(a, n, "/api/v1/training/forecast", &f);
    if (rc) {
        json_decref(p);
        json_decref(c);
        return rc;
    }
    if (cli_opt(a, n, "json")) {
        cli_print_json(json_pack("{sO sO sO so}", "programmes", json_object_get(p, "items"),
                                 "below", json_object_get(c, "below"), "flagged",
                                 json_object_get(c, "flagged"), "forecast", f));
        json_decref(p);
        json_decref(c);
        return 0;
    }
    size_t i, k;
    json_t *o, *x;
    printf("programmes\n");
    json_array_foreach(json_object_get(p, "items"), i, o) {
        printf("  %-40.40s %-11s %lld/%lld completed, target %.0f%%\n", s_(o, "name"),
               s_(o, "kind"), i_(o, "completed"), i_(o, "people"),
               json_number_value(json_object_get(o, "target_pct")));
    }
    printf("units below target\n");
    json_array_foreach(json_object_get(c, "below"), i, o) {
        printf("  %-28.28s %-36.36s %lld of %lld (%.0f%%, target %.0f%%)\n", s_(o, "unit_name"),
               s_(o, "programme"), i_(o, "completed"), i_(o, "people"),
               json_number_value(json_object_get(o, "pct")),
               json_number_value(json_object_get(o, "target_pct")));
    }
    printf("team members without a required programme\n");
    json_array_foreach(json_object_get(c, "flagged"), i, o) {
        printf("  %-22.22s %-16s %-32.32s missing:", s_(o, "person_name"), s_(o, "skill"),
               s_(o, "title"));
        json_array_foreach(json_object_get(o, "missing"), k, x) printf(" %s;", s_(x, "name"));
        printf("\n");
    }
    if (json_is_null(json_object_get(f, "plan_id")))
        printf("roles short: no plan yet\n");
    else
        printf("roles short (plan %lld)%s\n", i_(f, "plan_id"),
               json_array_size(json_object_get(f, "short")) ? "" : ": none");
    json_array_foreach(json_object_get(f, "short"), i, o) {
        printf("  %-8s %-16s needs %.2f FTE, %.2f available: %.2f short\n", s_(o, "period"),
               s_(o, "skill"), json_number_value(json_object_get(o, "need")),
               json_number_value(json_object_get(o, "available")),
               json_number_value(json_object_get(o, "short")));
    }
    json_decref(p);
    json_decref(c);
    json_decref(f);
    return 0;
}
