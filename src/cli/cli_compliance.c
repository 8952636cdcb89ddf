/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Compliance from the command line: keel calendar (every open deadline),
 * keel obligations (what applies to a system and why), keel rules check
 * (validate a directory of rule packs before pointing a server at it).
 * The reports read through the API in-process, so they show exactly what
 * the server answers. */
#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/compliance.h"
#include "report/export_doc.h"
#include "store/db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_(const json_t *o, const char *k) {
    const char *z = json_string_value(json_object_get(o, k));
    return z ? z : "-";
}

/* Load the packs (--rules-dir), then read zPath as --as into *pj. */
static int read_as(const CliOpt *a, int n, const char *zPath, json_t **pj) {
    KeelError e = {0};
    if (compliance_init(cli_opt(a, n, "rules-dir"), &e))
        return cli_usage_error("the rule packs are refused: %s", e.zMsg);
    return cli_get(a, n, zPath, pj);
}

int cli_calendar(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"days", 0, "N", "only what is due within N days (overdue items always show)", NULL},
        {"rules-dir", 0, "DIR", "rule packs that replace the built-in ones", NULL},
        CLI_OPT_AS,
        CLI_OPT_JSON("print {\"items\": [...]} as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel calendar --db DB [--days N] [--json]\n\n"
                       "Every open compliance deadline of every AI system, overdue ones\n"
                       "included, soonest first: from launches, changes, incidents and the last\n"
                       "review, by the rule packs' rules (calendar days, Chinese working days,\n"
                       "every N months). A deadline in a year without a working-day table has no\n"
                       "date, with the reason. Exit 0 whatever it shows.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    const char *zDays = cli_opt(a, n, "days");
    char zPath[96];
    if (zDays) {
        char *end;
        long d = strtol(zDays, &end, 10);
        if (*end || end == zDays || d < 0 || d > 3660)
            return cli_usage_error("--days must be a whole number from 0 to 3660");
        snprintf(zPath, sizeof zPath, "/api/v1/compliance/calendar?days=%ld", d);
    } else {
        snprintf(zPath, sizeof zPath, "/api/v1/compliance/calendar");
    }
    json_t *j = NULL;
    if ((rc = read_as(a, n, zPath, &j))) return rc;
    if (cli_opt(a, n, "json")) {
        json_object_del(j, "today");
        cli_print_json(j);
        return 0;
    }
    size_t i;
    json_t *o;
    if (json_array_size(json_object_get(j, "items")) == 0)
        printf("nothing is due\n");
    else
        printf("%-10s %-22s %-18s %s\n", "due", "system", "obligation", "source / reason");
    json_array_foreach(json_object_get(j, "items"), i, o) {
        printf("%-10s %-22.22s %-18.18s %s%s\n    %s\n", s_(o, "due"), s_(o, "system"),
               s_(o, "obligation"), s_(o, "source"),
               json_is_true(json_object_get(o, "overdue")) ? "  [OVERDUE]" : "", s_(o, "reason"));
    }
    json_decref(j);
    return 0;
}

int cli_obligations(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"system", 0, "NAME", "the AI system", NULL},
        {"rules-dir", 0, "DIR", "rule packs that replace the built-in ones", NULL},
        CLI_OPT_AS,
        CLI_OPT_JSON("print the answer as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel obligations --db DB --system NAME [--json]\n\n"
                       "The obligations of the rule packs that apply to an AI system, why each\n"
                       "applies (the flag and the article), its evidence status and due date.\n"
                       "Exit 0 whatever they show.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    const char *zSys = cli_opt(a, n, "system");
    if (!zSys) return cli_usage_error("--system NAME is required");
    char zPath[160];
    snprintf(zPath, sizeof zPath, "/api/v1/systems/%.64s/obligations", zSys);
    json_t *j = NULL;
    if ((rc = read_as(a, n, zPath, &j))) return rc;
    if (cli_json_done(a, n, j)) return 0;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(j, "obligations"), i, o) {
        json_t *why = json_object_get(o, "why");
        printf("%-16s %-10s %s\n", s_(o, "id"), s_(o, "status"), s_(o, "source"));
        printf("    %s\n    why: ",
               json_string_value(json_object_get(json_object_get(o, "title"), "en")));
        size_t k;
        json_t *w;
        json_array_foreach(why, k, w) printf("%s%s", k ? "; " : "", json_string_value(w));
        printf("\n");
        if (json_is_string(json_object_get(o, "due")))
            printf("    due %s%s (%s)\n", s_(o, "due"),
                   json_is_true(json_object_get(o, "overdue")) ? " OVERDUE" : "",
                   s_(o, "due_reason"));
    }
    json_t *c = json_object_get(j, "counts");
    printf("\n%lld obligations: %lld met, %lld open, %lld overdue\n",
           (long long)json_integer_value(json_object_get(c, "total")),
           (long long)json_integer_value(json_object_get(c, "met")),
           (long long)json_integer_value(json_object_get(c, "open")),
           (long long)json_integer_value(json_object_get(c, "overdue")));
    json_decref(j);
    return 0;
}

int cli_rules(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_JSON("print the summary as JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel rules check DIR [--json]\n\n"
                       "Check a directory of rule packs (.json files) the way keel serve\n"
                       "--rules-dir loads them: each replaces the built-in pack of the same name\n"
                       "(or the working-day calendar). A bad pack is refused with the file, the\n"
                       "JSON path and the reason (exit 2).",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos != 2 || strcmp(argv[1], "check") != 0)
        return cli_usage_error("usage: keel rules check DIR [--json]");
    json_t *sum = NULL;
    KeelError e = {0};
    if (compliance_check_dir(argv[2], &sum, &e)) {
        fprintf(stderr, "keel rules: %s\n", e.zMsg);
        return 2;
    }
    if (cli_json_done(a, n, sum)) return 0;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(sum, "packs"), i, p)
        printf("%-14s %-12s %lld obligations\n", s_(p, "pack"), s_(p, "version"),
               (long long)json_integer_value(json_object_get(p, "obligations")));
    printf("all packs are valid\n");
    json_decref(sum);
    return 0;
}

int cli_export(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"system", 0, "NAME", "the AI system (the per-system exports)", NULL},
        {"format", 0, "FMT", "md, html, csv or json (default: the export's own)", NULL},
        {"lang", 0, "LANG", "en or zh-CN (default: the export's own)", NULL},
        {"out", 0, "FILE", "write to FILE (-o FILE); default: standard output", NULL},
        {"rules-dir", 0, "DIR", "rule packs that replace the built-in ones", NULL},
        {"as", 0, "EMAIL", "export as this account (default: the first admin)", NULL},
    };
    /* -o FILE is --out FILE */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-o") == 0) argv[i] = "--out";
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc =
        cli_parse(argc, argv, a, n,
                  "usage: keel export KIND --db DB [--system S] [--format md|html|csv|json]\n"
                  "                   [--lang en|zh-CN] [-o FILE]\n\n"
                  "A regulatory document from what keel holds, to edit and file, each\n"
                  "value keel lacks marked and listed at the end. KIND: register (the AI\n"
                  "system register), eu-registration (EU database data, Annex VIII), soa\n"
                  "(ISO/IEC 42001 Statement of Applicability), algorithm-self-assessment\n"
                  "(算法自评估报告), algorithm-disclosure (拟公示内容), pipl-pia (个人信息保护\n"
                  "影响评估记录). The last four and eu-registration need --system.",
                  &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos != 1) return cli_usage_error("name one export: keel export KIND --db DB (see --help)");
    KeelError e = {0};
    if (compliance_init(cli_opt(a, n, "rules-dir"), &e))
        return cli_usage_error("the rule packs are refused: %s", e.zMsg);
    Db *db = NULL;
    Principal who;
    if ((rc = cli_open_as(cli_opt(a, n, "db"), cli_opt(a, n, "as"), &db, &who))) return rc;
    Buf b;
    buf_init(&b, 64 * 1024 * 1024);
    const char *zType = NULL;
    char zFile[160];
    rc = report_export(db, &who, argv[1], cli_opt(a, n, "system"), cli_opt(a, n, "format"),
                       cli_opt(a, n, "lang"), &b, &zType, zFile, sizeof zFile, &e);
    db_close(db);
    if (rc) {
        buf_reset(&b);
        fprintf(stderr, "keel export: %s%s%s\n", e.zField[0] ? e.zField : "",
                e.zField[0] ? ": " : "", e.zMsg[0] ? e.zMsg : err_code_name(rc));
        return cli_exit_for(rc);
    }
    const char *zOut = cli_opt(a, n, "out");
    if (zOut)
        rc = cli_write_file(zOut, b.z, b.n);
    else if (fwrite(b.z, 1, b.n, stdout) != b.n)
        rc = cli_fail("cannot write the export");
    buf_reset(&b);
    return rc;
}
