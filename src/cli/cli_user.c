/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel user add|list|passwd|disable: accounts from the command line, with
 * the same rules as the API (domain/auth.c). */
#include "cli/cli.h"
#include "domain/resource.h"
#include "domain/auth.h"
#include "store/store_account.h"
#include "store/store_crud.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *zUserUsage =
    "usage: keel user add|list|passwd|disable --db DB [options]\n\n"
    "  add      --email E --name N --role R [--person ID] [--password-file F]\n"
    "  list     [--json]\n"
    "  passwd   --email E [--password-file F]\n"
    "  disable  --email E\n\n"
    "Roles: admin, committee, owner, engineer, risk, viewer.";

static int report(int rc, const KeelError *e, Db *db) {
    if (rc == 0) return 0;
    if (e->zMsg[0])
        fprintf(stderr, "keel: %s%s%s%s\n", e->zMsg, e->zField[0] ? " (field " : "", e->zField,
                e->zField[0] ? ")" : "");
    else
        fprintf(stderr, "keel: %s: %s\n", err_code_name(rc), db ? db_errmsg(db) : "");
    return cli_exit_for(rc);
}

static int user_list(Db *db, int bJson) {
    ListQuery q;
    memset(&q, 0, sizeof q);
    q.limit = 1000000;
    json_t *items;
    int64_t total;
    KeelError e = {0};
    int rc = store_crud_list(db, &resource_account, &q, &items, &total, &e);
    if (rc) return report(rc, &e, db);
    if (bJson) {
        cli_print_json(items);
        return 0;
    }
    printf("%-5s %-32s %-10s %-8s %s\n", "ID", "EMAIL", "ROLE", "STATUS", "NAME");
    size_t i;
    json_t *r;
    json_array_foreach(items, i, r) {
        printf("%-5lld %-32s %-10s %-8s %s\n",
               (long long)json_integer_value(json_object_get(r, "id")),
               json_string_value(json_object_get(r, "email")),
               json_string_value(json_object_get(r, "role")),
               json_is_true(json_object_get(r, "disabled")) ? "disabled" : "active",
               json_string_value(json_object_get(r, "name")));
    }
    json_decref(items);
    return 0;
}

int cli_user(int argc, char **argv) {
    CliOpt a[] = {
        CLI_OPT_DB,
        {"email", 0, "EMAIL", "login e-mail of the account", NULL},
        {"name", 0, "NAME", "display name", NULL},
        {"role", 0, "ROLE", "admin, committee, owner, engineer, risk or viewer", NULL},
        {"person", 0, "ID", "link to person ID of the register", NULL},
        {"password-file", 0, "FILE", "read the password from FILE (- for stdin); else prompt",
         NULL},
        CLI_OPT_JSON("print JSON"),
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n, zUserUsage, &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos != 1) return cli_usage_error("say what to do: keel user add|list|passwd|disable");
    const char *zVerb = argv[1], *zEmail = cli_opt(a, n, "email");
    int bAdd = strcmp(zVerb, "add") == 0, bList = strcmp(zVerb, "list") == 0;
    int bPw = strcmp(zVerb, "passwd") == 0, bDis = strcmp(zVerb, "disable") == 0;
    if (!bAdd && !bList && !bPw && !bDis)
        return cli_usage_error("unknown user command '%s' (add, list, passwd, disable)", zVerb);
    if (!bList && !zEmail) return cli_usage_error("--email is required");
    char zPw[1100] = "";
    if ((bAdd || bPw) &&
        (rc = cli_read_password(cli_opt(a, n, "password-file"), "password", zPw, sizeof zPw)))
        return rc;
    Db *db;
    Principal op;
    if ((rc = cli_open_operator(cli_opt(a, n, "db"), 0, &db, &op))) return rc;
    Actor actor = auth_actor(&op);
    KeelError e = {0};
    if (bList) {
        rc = user_list(db, cli_opt(a, n, "json") != NULL);
        db_close(db);
        return rc;
    }
    if (bAdd) {
        if (!cli_opt(a, n, "name") || !cli_opt(a, n, "role")) {
            db_close(db);
            return cli_usage_error("--name and --role are required");
        }
        json_t *in = json_pack("{ss ss ss ss}", "email", zEmail, "name", cli_opt(a, n, "name"),
                               "role", cli_opt(a, n, "role"), "password", zPw);
        const char *zPerson = cli_opt(a, n, "person");
        if (zPerson) json_object_set_new(in, "person_id", json_integer(atoll(zPerson)));
        int64_t id = 0;
        rc = auth_account_create(db, &actor, in, &id, &e);
        json_decref(in);
        if (rc == 0) {
            if (cli_opt(a, n, "json"))
                cli_print_json(json_pack("{sI ss}", "id", (json_int_t)id, "email", zEmail));
            else
                printf("keel: account %lld created for %s\n", (long long)id, zEmail);
        }
    } else {
        AccountRow acc;
        char zLower[256];
        snprintf(zLower, sizeof zLower, "%s", zEmail);
        for (char *p = zLower; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        rc = store_account_by_email(db, zLower, &acc);
        if (rc == KEEL_ENOTFOUND) {
            db_close(db);
            return cli_usage_error("no account with e-mail %s", zEmail);
        }
        json_t *in = bPw ? json_pack("{ss}", "password", zPw) : json_pack("{sb}", "disabled", 1);
        if (rc == 0) rc = auth_account_update(db, &actor, acc.id, in, &e);
        json_decref(in);
        if (rc == 0) printf("keel: %s %s\n", zEmail, bPw ? "has a new password" : "is disabled");
    }
    rc = report(rc, &e, db);
    db_close(db);
    return rc;
}
