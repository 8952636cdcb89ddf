/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Command-line front doors. Each command family lives in its own file
 * (cli_<family>.c) and exposes one entry point `int cli_<family>(int argc,
 * char **argv)` where argv[0] is the command name. Exit codes: 0 ok,
 * 1 runtime failure, 2 usage or bad input (CLI_EXIT_*). */
#ifndef KEEL_CLI_CLI_H
#define KEEL_CLI_CLI_H
#include <stdio.h>

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* Print "keel: <message>" to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "keel: <message>" to stderr; returns CLI_EXIT_FAIL. */
int cli_fail(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));
/* Map a KEEL_E* code to an exit code (EINVAL and friends -> 2, else 1). */
int cli_exit_for(int rc);
/* Read a whole file (or "-" for stdin) into memory; caller frees *pz.
 * Returns 0, or KEEL_EIO with a message already printed. */
int cli_read_file(const char *zPath, char **pz, size_t *pn);
/* Write n bytes to zPath through a temporary file renamed into place, so
 * that a failure never leaves half a file; 0 or an exit code (printed). */
int cli_write_file(const char *zPath, const char *z, size_t n);
/* Map a file read-only (falls back to reading for pipes). Unmap with
 * cli_unmap_file(z, n, mapped). */
int cli_map_file(const char *zPath, const char **pz, size_t *pn, int *pMapped);
void cli_unmap_file(const char *z, size_t n, int mapped);
/* True when stderr is a terminal (progress may be shown). */
int cli_progress_enabled(void);

#include <jansson.h>

/* Print number zKey of object o with the printf format zFmt (one double),
 * or zMissing when it is absent or not a number (null). */
void cli_print_num(const json_t *o, const char *zKey, const char *zFmt, const char *zMissing);
/* One labelled number of a line: zBefore, then number zKey of o printed
 * with zFmt, or "-" when it is absent or null. */
typedef struct CliNum {
    const char *zBefore;
    const json_t *o;
    const char *zKey;
    const char *zFmt;
} CliNum;
/* Print the n numbers of a in turn (no newline). */
void cli_print_nums(const CliNum *a, size_t n);
/* Print j as indented JSON on stdout and release it (steals j). */
void cli_print_json(json_t *j);

struct Db;
/* Open (bCreate: create and migrate) the database at zPath, printing a
 * clear message on failure. Returns 0 or an exit code. */
int cli_open_db(const char *zPath, int bCreate, struct Db **ppDb);

struct Principal;
/* The principal for --as EMAIL, or the first enabled admin when zEmail is
 * NULL; prints the reason and returns an exit code when there is none. */
int cli_principal(struct Db *db, const char *zEmail, struct Principal *p);
/* The preamble of a command that acts as an account: libsodium set up, the
 * database at zDb opened, the principal for --as zAs (NULL: the first
 * admin) in *pWho. Returns 0 (close *ppDb with db_close) or an exit code
 * with the reason printed (nothing left open). */
int cli_open_as(const char *zDb, const char *zAs, struct Db **ppDb, struct Principal *pWho);
/* The preamble of a command the CLI's operator runs (init, demo, user,
 * token): libsodium, the database (bCreate: created and migrated) and the
 * operator's principal (cli_operator). 0 or an exit code, as above. */
int cli_open_operator(const char *zDb, int bCreate, struct Db **ppDb, struct Principal *pOp);
/* The operator of the CLI (the login name running it): the principal of
 * commands that need no account (init, demo, user, token). */
void cli_operator(struct Principal *p);
/* Call a route in-process as who and parse its JSON answer into *ppOut;
 * prints the error envelope's message and returns an exit code on
 * failure (the CLI reports are built on it). */
int cli_call(struct Db *db, const struct Principal *who, const char *zMethod, const char *zUrl,
             json_t **ppOut);
/* cli_call with a JSON body (NULL: none), e.g. a PATCH. */
int cli_call_body(struct Db *db, const struct Principal *who, const char *zMethod, const char *zUrl,
                  const json_t *body, json_t **ppOut);
/* cli_call with a body of nBody bytes: CSV when bCsv, else JSON. */
int cli_call_raw(struct Db *db, const struct Principal *who, const char *zMethod, const char *zUrl,
                 const char *zBody, size_t nBody, int bCsv, json_t **ppOut);
struct Buf;
/* Percent-encode z into b, for a value in a URL's query. */
void cli_url_escape(struct Buf *b, const char *z);
/* cli_open_as, cli_call and db_close: one GET (or other body-less call)
 * of a report command. */
int cli_call_as(const char *zDb, const char *zAs, const char *zMethod, const char *zUrl,
                json_t **ppOut);

/* Command entry points, one per family. */
int cli_init(int argc, char **argv);
int cli_calendar(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_proposals(int argc, char **argv);
int cli_decisions(int argc, char **argv);
int cli_training(int argc, char **argv);
int cli_obligations(int argc, char **argv);
int cli_rules(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_copy(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_drift(int argc, char **argv);
int cli_profile(int argc, char **argv);
int cli_abtest(int argc, char **argv);
int cli_fairness(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_api(int argc, char **argv);
int cli_alignment(int argc, char **argv);
int cli_priorities(int argc, char **argv);
int cli_catalogue(int argc, char **argv);
int cli_plan(int argc, char **argv);
int cli_pool_usage(int argc, char **argv);
int cli_gate(int argc, char **argv);
int cli_switch(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_ingest(int argc, char **argv);
int cli_monitor(int argc, char **argv);
int cli_jobs(int argc, char **argv);
int cli_actions(int argc, char **argv);
int cli_review(int argc, char **argv);
int cli_radar(int argc, char **argv);
int cli_definitions(int argc, char **argv);
int cli_slips(int argc, char **argv);
int cli_kanon(int argc, char **argv);

/* A command's options for cli_parse(). */
typedef struct CliOpt {
    const char *zName;  /* long name without dashes, e.g. "db" */
    int bFlag;          /* 1: takes no value */
    const char *zArg;   /* value placeholder for help, e.g. "FILE" */
    const char *zHelp;  /* one line */
    const char *zValue; /* out: the value given (or "1" for a flag), else NULL */
} CliOpt;

/* Parse --name VALUE, --name=VALUE and flags; --help prints zUsage and the
 * options to stdout. Positional arguments are moved to the front of argv
 * (after argv[0]) and counted in *pnPos. Returns 0 to go on, -1 when help
 * was printed (exit 0), or CLI_EXIT_USAGE after printing the error. */
int cli_parse(int argc, char **argv, CliOpt *aOpt, int nOpt, const char *zUsage, int *pnPos);
/* The value of option zName (NULL if not given). */
const char *cli_opt(const CliOpt *aOpt, int nOpt, const char *zName);

/* The options most commands share, spelled once (the help text is part of
 * the CLI's output: change it here for every command). */
/* clang-format off */
#define CLI_OPT_DB {"db", 0, "DB", "SQLite file or postgresql:// URL", NULL}
#define CLI_OPT_DB_FILE {"db", 0, "FILE", "database file", NULL}
#define CLI_OPT_AS {"as", 0, "EMAIL", "read as this account (default: the first admin)", NULL}
#define CLI_OPT_JSON(zHelp) {"json", 1, "", zHelp, NULL}
/* clang-format on */
/* GET zPath in-process from the database of --db as the account of --as
 * (the first admin when absent): cli_call_as with a command's options. */
int cli_get(const CliOpt *aOpt, int nOpt, const char *zPath, json_t **ppOut);
/* With --json given: print j as indented JSON, release it and return 1;
 * else return 0 and leave j to the caller. */
int cli_json_done(const CliOpt *aOpt, int nOpt, json_t *j);
/* Read a password: from the file named by zFile ("-" for stdin; first line)
 * or, when zFile is NULL and stdin is a terminal, by prompting twice with
 * echo off. Returns 0 or CLI_EXIT_USAGE (message printed). */
int cli_read_password(const char *zFile, const char *zPrompt, char *z, size_t n);

#endif
