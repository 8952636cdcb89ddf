/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel report board: the AI committee's quarterly board pack as PDF or
 * self-contained HTML, in English or Chinese. The rendering is
 * report_board() (src/report/board.c), the same the API serves. */
#include "cli/cli.h"
#include "report/board.h"
#include "store/db.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The format that the extension of zPath names, or 0. */
static ReportFormat format_of(const char *zPath) {
    const char *zDot = strrchr(zPath, '.');
    if (!zDot || strchr(zDot, '/')) return 0;
    if (strcasecmp(zDot, ".pdf") == 0) return REPORT_PDF;
    if (strcasecmp(zDot, ".html") == 0) return REPORT_HTML;
    return 0;
}

static int report_board_main(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB_FILE,
        {"period", 0, "QUARTER", "the fiscal quarter reported on, e.g. 2026Q4", NULL},
        {"lang", 0, "LANG", "en (default) or zh-CN", NULL},
        {"out", 0, "FILE", "the file to write: FILE.pdf or FILE.html", NULL},
        {"marks", 0, "FILE", "also write {chart id: marks drawn} as JSON (for tests)", NULL},
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(
        argc, argv, a, n,
        "usage: keel report board --db FILE --period QUARTER [--lang en|zh-CN] --out FILE\n\n"
        "The AI committee's board pack for a quarter: strategy scorecard, portfolio and\n"
        "plan, value, resource use, risk, production health, decisions and actions.\n"
        "The extension of --out picks the format: .pdf (A4, contents, page numbers)\n"
        "or .html (one self-contained file). Sections of paths keel does not have yet\n"
        "say so in one line.\n"
        "  keel report board --db keel.db --period 2026Q4 --out board.pdf\n"
        "  keel report board --db keel.db --period 2026Q4 --lang zh-CN --out board.html",
        &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos) return cli_usage_error("report board takes no positional argument ('%s')", argv[1]);
    const char *zOut = cli_opt(a, n, "out"), *zPeriod = cli_opt(a, n, "period");
    const char *zLang = cli_opt(a, n, "lang") ? cli_opt(a, n, "lang") : "en";
    if (!zPeriod) return cli_usage_error("--period QUARTER is required, e.g. --period 2026Q4");
    if (!zOut) return cli_usage_error("--out FILE is required (FILE.pdf or FILE.html)");
    ReportFormat fmt = format_of(zOut);
    if (!fmt)
        return cli_usage_error("--out %s: the extension picks the format; use .pdf or .html", zOut);
    if (strcmp(zLang, "en") && strcmp(zLang, "zh-CN"))
        return cli_usage_error("--lang %s: the board pack is written in en or zh-CN", zLang);
    Db *db;
    if ((rc = cli_open_db(cli_opt(a, n, "db"), 0, &db))) return rc;
    Buf out;
    buf_init(&out, 0);
    json_t *marks = NULL;
    KeelError e = {0};
    rc = report_board(db, zPeriod, zLang, fmt, &out, cli_opt(a, n, "marks") ? &marks : NULL, &e);
    db_close(db);
    if (rc) {
        buf_reset(&out);
        fprintf(stderr, "keel: %s%s%s%s\n", e.zField[0] ? "--" : "", e.zField,
                e.zField[0] ? ": " : "", e.zMsg);
        return cli_exit_for(rc);
    }
    rc = cli_write_file(zOut, out.z, out.n);
    buf_reset(&out);
    if (rc == 0 && marks) {
        char *z = json_dumps(marks, JSON_SORT_KEYS);
        rc = z ? cli_write_file(cli_opt(a, n, "marks"), z, strlen(z)) : cli_fail("out of memory");
        free(z);
    }
    json_decref(marks);
    return rc;
}

int cli_report(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        fprintf(f, "usage: keel report board --db FILE --period QUARTER [--lang en|zh-CN] --out "
                   "FILE\n\nReports:\n  board   the AI committee's quarterly board pack (PDF or "
                   "HTML)\n");
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "board") == 0) return report_board_main(argc - 1, argv + 1);
    return cli_usage_error("unknown report '%s'; `keel report --help` lists them", argv[1]);
}
