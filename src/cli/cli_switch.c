/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel switch get|set|history: the human-override switch of an AI system
 * from the command line. Thin: each runs the API route in-process
 * (http/local.c) as an account (--as, default the first admin), so the
 * rules, roles and audit are the server's. */
#include "cli/cli.h"
#include "http/local.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char zSwitchUsage[] =
    "usage: keel switch get     --db FILE --system NAME [--json]\n"
    "       keel switch set     --db FILE --system NAME --state on|off|shadow|percent\n"
    "                           [--percent N] [--fallback rules|human_review|previous_version]\n"
    "                           --reason TEXT [--as EMAIL] [--json]\n"
    "       keel switch history --db FILE --system NAME [--limit N] [--json]\n\n"
    "The human-override switch of an AI system (docs/paths/switch.md): its state, a flip\n"
    "with its reason (audited as the account --as names, default the first admin), and\n"
    "its flips with who, when and why.\n"
    "  keel switch set --db keel.db --system support-chatbot --state off \\\n"
    "      --fallback human_review --reason \"wrong refund answers\" --as rita@example.com";

/* Run a route in-process; print the answer (or the error) and return an
 * exit code. */
static int switch_call(const char *zDb, const char *zAs, const char *zMethod, const char *zPath,
                       json_t *body, int bJson) {
    Db *db;
    Principal who;
    char *zBody = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    int rc = cli_open_as(zDb, zAs, &db, &who);
    if (rc == 0) {
        Resp r;
        memset(&r, 0, sizeof r);
        http_local(db, &who, zMethod, zPath, zBody, zBody ? strlen(zBody) : 0, 0, 0, &r);
        json_t *j = r.zBody ? json_loadb(r.zBody, r.nBody, 0, NULL) : NULL;
        if (r.status != 200) {
            json_t *err = json_object_get(j, "error");
            const char *zMsg = json_string_value(json_object_get(err, "message"));
            fprintf(stderr, "keel: %s\n", zMsg ? zMsg : "refused");
            rc = r.status >= 500 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
        } else if (bJson || !json_is_array(json_object_get(j, "items"))) {
            cli_print_json(json_incref(j));
        } else {
            size_t i;
            json_t *x;
            json_array_foreach(json_object_get(j, "items"), i, x)
                printf("%s  v%-4lld %-8s %3lld%%  %-16s %s: %s\n",
                       json_string_value(json_object_get(x, "created_at")),
                       (long long)json_integer_value(json_object_get(x, "version")),
                       json_string_value(json_object_get(x, "state")),
                       (long long)json_integer_value(json_object_get(x, "percent")),
                       json_string_value(json_object_get(x, "fallback")),
                       json_string_value(json_object_get(x, "actor")),
                       json_string_value(json_object_get(x, "reason")));
        }
        json_decref(j);
        resp_free(&r);
    }
    free(zBody);
    db_close(db);
    return rc;
}

int cli_switch(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        puts(zSwitchUsage);
        return argc < 2 ? CLI_EXIT_USAGE : 0;
    }
    const char *zCmd = argv[1];
    if (strcmp(zCmd, "get") && strcmp(zCmd, "set") && strcmp(zCmd, "history"))
        return cli_usage_error("unknown switch command '%s'; try keel switch --help", zCmd);
    CliOpt a[] = {
        CLI_OPT_DB_FILE,
        {"system", 0, "NAME", "the system's name (its key)", NULL},
        {"state", 0, "STATE", "set: on, off, shadow or percent", NULL},
        {"percent", 0, "N", "set: with --state percent, 0 to 100", NULL},
        {"fallback", 0, "NAME", "set: rules, human_review or previous_version", NULL},
        {"reason", 0, "TEXT", "set: why (required; kept with who and when)", NULL},
        {"as", 0, "EMAIL", "set: the account that flips (default: the first admin)", NULL},
        {"limit", 0, "N", "history: at most N flips (default 100)", NULL},
        CLI_OPT_JSON("print the API's JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc - 1, argv + 1, a, n, zSwitchUsage, &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos) return cli_usage_error("unexpected argument '%s'", argv[2]);
    const char *zDb = cli_opt(a, n, "db"), *zSystem = cli_opt(a, n, "system");
    if (!zDb) return cli_usage_error("--db FILE is required");
    if (!zSystem || strlen(zSystem) > 64 ||
        strspn(zSystem, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(zSystem) || !*zSystem)
        return cli_usage_error(
            "--system must be a system's name (a-z, 0-9, '-'), e.g. support-chatbot");
    int bJson = cli_opt(a, n, "json") != NULL;
    char zPath[160];
    if (strcmp(zCmd, "get") == 0) {
        snprintf(zPath, sizeof zPath, "/api/v1/switch/%s", zSystem);
        return switch_call(zDb, NULL, "GET", zPath, NULL, 1);
    }
    if (strcmp(zCmd, "history") == 0) {
        const char *zLimit = cli_opt(a, n, "limit");
        if (zLimit && strspn(zLimit, "0123456789") != strlen(zLimit))
            return cli_usage_error("--limit must be a number from 1 to 1000");
        snprintf(zPath, sizeof zPath, "/api/v1/switch/%s/history?limit=%s", zSystem,
                 zLimit ? zLimit : "100");
        return switch_call(zDb, NULL, "GET", zPath, NULL, bJson);
    }
    const char *zState = cli_opt(a, n, "state"), *zPct = cli_opt(a, n, "percent");
    if (!zState) return cli_usage_error("set needs --state on, off, shadow or percent");
    if (!cli_opt(a, n, "reason")) return cli_usage_error("set needs --reason: say why");
    json_t *body = json_pack("{ss ss}", "state", zState, "reason", cli_opt(a, n, "reason"));
    if (zPct) {
        char *zEnd;
        long long v = strtoll(zPct, &zEnd, 10);
        if (*zEnd || zEnd == zPct) {
            json_decref(body);
            return cli_usage_error("--percent must be a whole number from 0 to 100");
        }
        json_object_set_new(body, "percent", json_integer(v));
    }
    if (cli_opt(a, n, "fallback"))
        json_object_set_new(body, "fallback", json_string(cli_opt(a, n, "fallback")));
    snprintf(zPath, sizeof zPath, "/api/v1/switch/%s", zSystem);
    return switch_call(zDb, cli_opt(a, n, "as"), "PUT", zPath, body, 1);
}
