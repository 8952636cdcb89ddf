/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel token create|list|revoke: API tokens for machines. */
#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/store_account.h"
#include "store/store_crud.h"
#include <stdlib.h>
#include <string.h>

static const char *zTokenUsage =
    "usage: keel token create|list|revoke --db DB [options]\n\n"
    "  create  --email E --name N [--scope S] [--expires 2027-01-01]\n"
    "          prints the token alone on stdout, once (details on stderr);\n"
    "          keel keeps only its hash. Scopes: read (GET only), write (default),\n"
    "          or a narrow one that reaches only the routes listing it:\n"
    "          switch:read, ingest, metrics:read, calendar:read\n"
    "  list    [--email E] [--json]\n"
    "  revoke  --id N";

int cli_token(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"email", 0, "EMAIL", "the account that owns the token", NULL},
        {"name", 0, "NAME", "what the token is for", NULL},
        {"scope", 0, "SCOPE",
         "read, write (default), switch:read, ingest, metrics:read, calendar:read", NULL},
        {"expires", 0, "DATE", "expiry, e.g. 2027-01-01 or 2027-01-01T00:00:00Z", NULL},
        {"id", 0, "N", "token id (revoke)", NULL},
        CLI_OPT_JSON("print JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n, zTokenUsage, &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos != 1) return cli_usage_error("say what to do: keel token create|list|revoke");
    const char *zVerb = argv[1];
    if (strcmp(zVerb, "create") && strcmp(zVerb, "list") && strcmp(zVerb, "revoke"))
        return cli_usage_error("unknown token command '%s' (create, list, revoke)", zVerb);
    Db *db;
    Principal op;
    if ((rc = cli_open_operator(cli_opt(a, n, "db"), 0, &db, &op))) return rc;
    Actor actor = auth_actor(&op);
    KeelError e = {0};
    const char *zEmail = cli_opt(a, n, "email");
    AccountRow acc = {0};
    if (zEmail) {
        char zLower[256];
        snprintf(zLower, sizeof zLower, "%s", zEmail);
        for (char *p = zLower; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        if (store_account_by_email(db, zLower, &acc)) {
            db_close(db);
            return cli_usage_error("no account with e-mail %s", zEmail);
        }
    }
    if (strcmp(zVerb, "create") == 0) {
        if (!zEmail || !cli_opt(a, n, "name")) {
            db_close(db);
            return cli_usage_error("--email and --name are required");
        }
        const char *zScope = cli_opt(a, n, "scope");
        json_t *in =
            json_pack("{ss ss}", "name", cli_opt(a, n, "name"), "scope", zScope ? zScope : "write");
        if (cli_opt(a, n, "expires"))
            json_object_set_new(in, "expires_at", json_string(cli_opt(a, n, "expires")));
        char zToken[80];
        int64_t id;
        rc = auth_token_create(db, &actor, acc.id, in, zToken, sizeof zToken, &id, &e);
        json_decref(in);
        if (rc == 0) {
            if (cli_opt(a, n, "json"))
                cli_print_json(json_pack("{sI ss}", "id", (json_int_t)id, "token", zToken));
            else
                printf("%s\n", zToken);
            const char *zExp = cli_opt(a, n, "expires");
            fprintf(stderr,
                    "keel: token %lld for %s, scope %s, %s%s; shown once, keel keeps only its "
                    "hash\n",
                    (long long)id, acc.zEmail, zScope ? zScope : "write",
                    zExp ? "expires " : "no expiry", zExp ? zExp : "");
        }
    } else if (strcmp(zVerb, "list") == 0) {
        ListQuery q;
        memset(&q, 0, sizeof q);
        q.limit = 1000000;
        char zId[32];
        snprintf(zId, sizeof zId, "%lld", (long long)acc.id);
        json_t *items;
        int64_t total;
        rc = auth_token_list(db, &op, zEmail ? zId : NULL, &q, &items, &total, &e);
        if (rc == 0 && cli_opt(a, n, "json")) {
            cli_print_json(items);
        } else if (rc == 0) {
            printf("%-5s %-8s %-6s %-21s %-21s %s\n", "ID", "ACCOUNT", "SCOPE", "EXPIRES",
                   "REVOKED", "NAME");
            size_t i;
            json_t *r;
            json_array_foreach(items, i, r) {
                const char *zExp = json_string_value(json_object_get(r, "expires_at"));
                const char *zRev = json_string_value(json_object_get(r, "revoked_at"));
                printf("%-5lld %-8lld %-6s %-21s %-21s %s\n",
                       (long long)json_integer_value(json_object_get(r, "id")),
                       (long long)json_integer_value(json_object_get(r, "account_id")),
                       json_string_value(json_object_get(r, "scope")), zExp ? zExp : "-",
                       zRev ? zRev : "-", json_string_value(json_object_get(r, "name")));
            }
            json_decref(items);
        }
    } else {
        const char *zId = cli_opt(a, n, "id");
        char *end = NULL;
        long long id = zId ? strtoll(zId, &end, 10) : 0;
        if (!zId || *end || id < 1) {
            db_close(db);
            return cli_usage_error("--id N (a token id from `keel token list`) is required");
        }
        rc = auth_token_revoke(db, &op, id, &e);
        if (rc == 0) printf("keel: token %lld revoked\n", id);
    }
    if (rc) {
        fprintf(stderr, "keel: %s\n", e.zMsg[0] ? e.zMsg : err_code_name(rc));
        rc = cli_exit_for(rc);
    }
    db_close(db);
    return rc;
}
