/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel audit verify|head: check the audit log's hash chain; print its head
 * so it can be kept outside keel and later passed to verify --head. */
#include "cli/cli.h"
#include "store/store_audit.h"
#include "util/err.h"
#include <string.h>

int cli_audit(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"head", 0, "HASH", "verify: also require the log to reach this head hash", NULL},
        CLI_OPT_JSON("print JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel audit verify|head|key --db DB [--head HASH] [--json]\n\n"
                       "  verify  walk the hash chain; exit 1 and name the entry when an entry\n"
                       "          was edited or deleted, or (with --head, or a keyed log) cut\n"
                       "          from the end\n"
                       "  head    print the current head hash and the number of entries\n"
                       "  key     create the audit MAC key (FILE.audit-key beside a SQLite file,\n"
                       "          or the file KEEL_AUDIT_KEY names): from the next entry on,\n"
                       "          entries are MACed under it; keep a copy outside the server",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos != 1 ||
        (strcmp(argv[1], "verify") && strcmp(argv[1], "head") && strcmp(argv[1], "key")))
        return cli_usage_error("say what to do: keel audit verify|head|key");
    if (strcmp(argv[1], "key") == 0) {
        const char *zDb = cli_opt(a, n, "db");
        if (!zDb) return cli_usage_error("--db DB is required");
        char zPath[1100], zErr[1300];
        store_audit_key_path(zDb, zPath, sizeof zPath);
        if ((rc = store_audit_key_create(zPath, zErr, sizeof zErr)))
            return rc == KEEL_ECONFLICT ? cli_usage_error("%s: the log has a key already", zErr)
                                        : cli_fail("%s", zErr);
        printf("keel: audit key written to %s (mode 0600); entries from the next change on are "
               "MACed under it. Keep a copy where the database's administrators cannot write, "
               "and give every keel process on this database the key (KEEL_AUDIT_KEY=FILE when "
               "it is not beside the database)\n",
               zPath);
        return 0;
    }
    const char *zHead = cli_opt(a, n, "head");
    if (zHead && strlen(zHead) != 64)
        return cli_usage_error("--head must be the 64-digit hash printed by `keel audit head`");
    Db *db;
    if ((rc = cli_open_db(cli_opt(a, n, "db"), 0, &db))) return rc;
    int bJson = cli_opt(a, n, "json") != NULL;
    if (strcmp(argv[1], "head") == 0) {
        char zHash[CRYPTO_HEX_LEN];
        int64_t nEntry = 0;
        rc = store_audit_head(db, zHash, &nEntry);
        db_close(db);
        if (rc) return cli_fail("cannot read the audit log");
        if (bJson)
            cli_print_json(json_pack("{ss sI}", "head", zHash, "entries", (json_int_t)nEntry));
        else
            printf("%s %lld\n", zHash, (long long)nEntry);
        return 0;
    }
    AuditVerify v;
    rc = store_audit_verify(db, zHead, &v);
    db_close(db);
    if (rc && rc != KEEL_ECONFLICT) return cli_fail("cannot read the audit log");
    if (bJson) {
        json_t *o = json_pack("{sb sI ss}", "intact", rc == 0, "entries", (json_int_t)v.nEntry,
                              "head", v.zHead);
        if (v.keyedFrom) {
            json_object_set_new(o, "keyed_from", json_integer(v.keyedFrom));
            json_object_set_new(o, "key_checked", json_boolean(v.bKeyChecked));
        }
        if (rc) {
            json_object_set_new(o, "first_bad_entry", v.iBad ? json_integer(v.iBad) : json_null());
            json_object_set_new(o, "problem", json_string(v.zMsg));
        }
        cli_print_json(o);
    } else if (rc == 0) {
        printf("keel: audit log intact: %lld entries, head %s\n", (long long)v.nEntry, v.zHead);
        if (v.keyedFrom && v.bKeyChecked)
            printf("keel: entries from %lld on are MACed under the audit key: checked\n",
                   (long long)v.keyedFrom);
        else if (v.keyedFrom)
            printf("keel: entries from %lld on are MACed under the audit key, which this "
                   "process does not have: their links were checked, not their contents\n",
                   (long long)v.keyedFrom);
    } else {
        fprintf(stderr, "keel: audit log TAMPERED: %s\n", v.zMsg);
    }
    return rc ? CLI_EXIT_FAIL : 0;
}
