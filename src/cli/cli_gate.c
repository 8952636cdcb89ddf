/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel gate check: would a system version pass the gate into a stage?
 * For pipelines: exit 0 when the gate would pass (or the committee has
 * overridden it), 3 when it would refuse, 2 on bad input (unknown system,
 * version or stage), 1 when keel cannot be reached. Reads the database
 * (--db) through the same route as the API, or a running keel (--url with
 * a token from --token-file). */
#include "cli/cli.h"
#include "cli/cli_http.h"
#include "http/local.h"
#include "store/store_account.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { GATE_EXIT_REFUSE = 3 };

static const char zGateUsage[] =
    "usage: keel gate check (--db FILE | --url URL --token-file F) --system NAME --stage STAGE\n"
    "                       [--version V] [--json]\n\n"
    "Evaluate the gate into STAGE (training, pre_launch, launch, operating, retired) for a\n"
    "version of an AI system (default: its latest), as the server would on a move, and\n"
    "print each requirement: met, missing, failing, stale or foreign. A stage the version\n"
    "has already passed is evaluated all the same.\n"
    "Exit: 0 the gate would pass (or is overridden), 3 it would refuse, 2 bad input,\n"
    "1 keel could not be reached.\n"
    "  keel gate check --db keel.db --system credit-scoring-v2 --stage launch\n"
    "  keel gate check --url http://keel:8080 --token-file ci.token --system eta-model \\\n"
    "      --stage launch --json";

/* The key rules of a name or stage for the URL: [a-z0-9_-]{1,64}. */
static int key_ok(const char *z) {
    size_t n = 0;
    for (; z[n]; n++)
        if (!((z[n] >= 'a' && z[n] <= 'z') || (z[n] >= '0' && z[n] <= '9') || z[n] == '-' ||
              z[n] == '_'))
            return 0;
    return n >= 1 && n <= 64;
}

/* Percent-encode a version label for the query (labels are letters,
 * digits, '.', '_', '-': nothing to encode, but refuse anything else). */
static int version_ok(const char *z) {
    size_t n = 0;
    for (; z[n]; n++)
        if (!((z[n] >= 'a' && z[n] <= 'z') || (z[n] >= 'A' && z[n] <= 'Z') ||
              (z[n] >= '0' && z[n] <= '9') || z[n] == '-' || z[n] == '.' || z[n] == '_'))
            return 0;
    return n >= 1 && n <= 40;
}

/* Fetch the gate: local (--db) or remote (--url). */
static int gate_fetch(const CliOpt *a, int n, const char *zPath, int *pStatus, char **pzBody,
                      size_t *pnBody) {
    const char *zUrl = cli_opt(a, n, "url");
    if (zUrl) {
        char *zTok = NULL;
        size_t nTok = 0;
        const char *zFile = cli_opt(a, n, "token-file");
        if (!zFile) return cli_usage_error("--url needs --token-file (a token of scope read)");
        if (cli_read_file(zFile, &zTok, &nTok)) return CLI_EXIT_USAGE;
        while (nTok && (zTok[nTok - 1] == '\n' || zTok[nTok - 1] == '\r' || zTok[nTok - 1] == ' '))
            zTok[--nTok] = 0;
        char zErr[256];
        int rc = cli_http_get(zUrl, zPath, zTok, pStatus, pzBody, pnBody, zErr, sizeof zErr);
        free(zTok);
        return rc ? cli_fail("%s", zErr) : 0;
    }
    const char *zDb = cli_opt(a, n, "db");
    /* a database file that is not there is bad input (2), like a bad flag */
    if (zDb && strncmp(zDb, "postgres://", 11) != 0 && strncmp(zDb, "postgresql://", 13) != 0 &&
        access(zDb, F_OK) != 0)
        return cli_usage_error("no database file %s (give the keel database, e.g. --db keel.db)",
                               zDb);
    Db *db;
    Principal who;
    int rc = cli_open_as(zDb, NULL, &db, &who);
    if (rc == 0) {
        Resp r;
        http_local(db, &who, "GET", zPath, NULL, 0, 0, 0, &r);
        *pStatus = r.status;
        *pzBody = malloc(r.nBody + 1);
        if (*pzBody) {
            memcpy(*pzBody, r.zBody ? r.zBody : "", r.nBody);
            (*pzBody)[r.nBody] = 0;
            *pnBody = r.nBody;
        } else {
            rc = CLI_EXIT_FAIL;
        }
        resp_free(&r);
    }
    db_close(db);
    return rc;
}

static void gate_print(const json_t *g) {
    const char *zVerdict = json_string_value(json_object_get(g, "verdict"));
    printf("%s %s: the %s gate would %s (gate version %lld; the version is %s)\n",
           json_string_value(json_object_get(g, "system")),
           json_string_value(json_object_get(g, "version")),
           json_string_value(json_object_get(g, "stage")),
           strcmp(zVerdict, "pass") == 0         ? "PASS"
           : strcmp(zVerdict, "overridden") == 0 ? "PASS (overridden by the committee)"
                                                 : "REFUSE",
           (long long)json_integer_value(json_object_get(g, "gate_version")),
           json_string_value(json_object_get(g, "current_stage")));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(g, "requirements"), i, x) {
        printf("  %-8s %-18s %s\n", json_string_value(json_object_get(x, "state")),
               json_string_value(json_object_get(x, "id")),
               json_string_value(json_object_get(x, "detail")));
    }
    json_t *ov = json_object_get(g, "override");
    if (json_is_object(ov))
        printf("override%s: %s (by %s, expires %s)\n",
               json_is_true(json_object_get(ov, "expired")) ? " (expired)" : "",
               json_string_value(json_object_get(ov, "reason")),
               json_string_value(json_object_get(ov, "created_by")),
               json_string_value(json_object_get(ov, "expires_at")));
}

static int gate_check(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB_FILE,
        {"url", 0, "URL", "a running keel instead of the file, e.g. http://127.0.0.1:8080", NULL},
        {"token-file", 0, "FILE", "with --url: a file holding an API token", NULL},
        {"system", 0, "NAME", "the system's name (its key)", NULL},
        {"stage", 0, "STAGE", "the gate: training, pre_launch, launch, operating, retired", NULL},
        {"version", 0, "V", "the version label (default: the latest)", NULL},
        CLI_OPT_JSON("print {system, version, stage, verdict, requirements}"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n, zGateUsage, &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    const char *zSystem = cli_opt(a, n, "system"), *zStage = cli_opt(a, n, "stage");
    const char *zVersion = cli_opt(a, n, "version");
    if (nPos) return cli_usage_error("unexpected argument '%s'", argv[1]);
    if (!cli_opt(a, n, "db") == !cli_opt(a, n, "url"))
        return cli_usage_error("give --db FILE or --url URL (with --token-file)");
    if (!zSystem || !key_ok(zSystem))
        return cli_usage_error("--system must be a system's name (a-z, 0-9, '-'), e.g. "
                               "credit-scoring-v2");
    if (!zStage || !key_ok(zStage))
        return cli_usage_error("--stage must be training, pre_launch, launch, operating or "
                               "retired");
    if (zVersion && !version_ok(zVersion))
        return cli_usage_error("--version must be a version label such as 2.1.0");
    char zPath[256];
    snprintf(zPath, sizeof zPath, "/api/v1/systems/%s/gates/%s%s%s", zSystem, zStage,
             zVersion ? "?version=" : "", zVersion ? zVersion : "");
    int status = 0;
    char *zBody = NULL;
    size_t nBody = 0;
    if ((rc = gate_fetch(a, n, zPath, &status, &zBody, &nBody))) return rc;
    json_t *j = json_loadb(zBody, nBody, 0, NULL);
    free(zBody);
    if (status != 200) {
        const char *zMsg =
            json_string_value(json_object_get(json_object_get(j, "error"), "message"));
        fprintf(stderr, "keel: %s\n", zMsg ? zMsg : "the server refused the request");
        json_decref(j);
        return status >= 500 || status == 0 ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
    }
    if (!j) return cli_fail("the answer is not JSON");
    const char *zVerdict = json_string_value(json_object_get(j, "verdict"));
    rc = zVerdict && strcmp(zVerdict, "refuse") == 0 ? GATE_EXIT_REFUSE : 0;
    if (cli_opt(a, n, "json")) {
        json_t *o = json_pack("{sO sO sO sO sO sO}", "system", json_object_get(j, "system"),
                              "version", json_object_get(j, "version"), "stage",
                              json_object_get(j, "stage"), "verdict", json_object_get(j, "verdict"),
                              "requirements", json_object_get(j, "requirements"), "override",
                              json_object_get(j, "override"));
        cli_print_json(o);
    } else {
        gate_print(j);
    }
    json_decref(j);
    return rc;
}

int cli_gate(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        puts(zGateUsage);
        return argc < 2 ? CLI_EXIT_USAGE : 0;
    }
    if (strcmp(argv[1], "check") == 0) return gate_check(argc - 1, argv + 1);
    return cli_usage_error("unknown gate command '%s'; try keel gate check --help", argv[1]);
}
