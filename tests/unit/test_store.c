/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for store/: migrations and version checks, the generic CRUD,
 * and the audit hash chain (edited, deleted and truncated entries). Uses
 * real SQLite files in a temporary directory, or, when KEEL_TEST_PG_FILE
 * names the state file of scripts/pgtest.sh, a fresh schema per database in
 * that throwaway PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domain/resource.h"
#include "store/schema.h"
#include "store/store_audit.h"
#include "store/store_crud.h"
#include "store/store_cluster.h"

static char zDir[64];
static char zPg[400]; /* the PostgreSQL base URL, or "" for SQLite */

static void pg_base(void) {
    const char *zFile = getenv("KEEL_TEST_PG_FILE");
    if (!zFile || !*zFile) return;
    FILE *f = fopen(zFile, "r");
    char zLine[300];
    while (f && fgets(zLine, sizeof zLine, f))
        if (strncmp(zLine, "url=", 4) == 0) {
            zLine[strcspn(zLine, "\n")] = 0;
            snprintf(zPg, sizeof zPg, "%s", zLine + 4);
        }
    if (f) fclose(f);
    if (!zPg[0]) fail_msg("%s has no url= line", zFile);
}

/* Run SQL with a separate handle (the "attacker"). */
static void raw_sql(const char *zPath, const char *zSql);

static void db_path(char *z, size_t n, const char *zName) {
    if (!zPg[0]) {
        snprintf(z, n, "%s/%s", zDir, zName);
        unlink(z);
        return;
    }
    char zSchema[64], zSql[200];
    snprintf(zSchema, sizeof zSchema, "u%d_%.*s", (int)getpid(), (int)strcspn(zName, "."), zName);
    snprintf(zSql, sizeof zSql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", zSchema,
             zSchema);
    raw_sql(zPg, zSql);
    snprintf(z, n, "%s?options=-csearch_path%%3D%s", zPg, zSchema);
}

static void raw_sql(const char *zPath, const char *zSql) {
    if (zPg[0]) {
        Db *db = NULL;
        char zErr[256];
        if (db_open(zPath, 0, &db, zErr, sizeof zErr)) fail_msg("%s", zErr);
        if (db_exec(db, zSql)) fail_msg("%s: %s", zSql, db_errmsg(db));
        db_close(db);
        return;
    }
    sqlite3 *h;
    assert_int_equal(sqlite3_open(zPath, &h), SQLITE_OK);
    char *zErr = NULL;
    if (sqlite3_exec(h, zSql, NULL, NULL, &zErr) != SQLITE_OK) fail_msg("%s: %s", zSql, zErr);
    sqlite3_close(h);
}

/* store-1: a new file is created at the current version, WAL mode */
static void test_migrate(void **state) {
    (void)state;
    char zPath[512], zErr[256];
    db_path(zPath, sizeof zPath, "m.db");
    Db *db;
    assert_int_equal(schema_open(zPath, 1, &db, zErr, sizeof zErr), 0);
    int v = 0, app = 0;
    assert_int_equal(db_get_version(db, &v, &app), 0);
    assert_int_equal(v, schema_version());
    assert_int_equal(app, SCHEMA_APP_ID);
    int64_t n = 0;
    assert_int_equal(db_query_int(db, &n, "SELECT count(*) FROM org_settings", NULL), 0);
    assert_int_equal(n, 1);
    db_close(db);
    /* reopening is a no-op */
    assert_int_equal(schema_open(zPath, 0, &db, zErr, sizeof zErr), 0);
    db_close(db);
}

/* store-2: a database from a newer keel is refused with a clear message */
static void test_newer_refused(void **state) {
    (void)state;
    char zPath[512], zErr[256], zSql[64];
    db_path(zPath, sizeof zPath, "new.db");
    Db *db;
    assert_int_equal(schema_open(zPath, 1, &db, zErr, sizeof zErr), 0);
    db_close(db);
    snprintf(zSql, sizeof zSql,
             zPg[0] ? "UPDATE keel_schema SET version = %d" : "PRAGMA user_version=%d",
             schema_version() + 1);
    raw_sql(zPath, zSql);
    assert_int_equal(schema_open(zPath, 0, &db, zErr, sizeof zErr), KEEL_EVERSION);
    assert_non_null(strstr(zErr, "newer keel"));
    assert_int_equal(schema_open(zPath, 1, &db, zErr, sizeof zErr), KEEL_EVERSION);
}

/* store-3: another application's database is refused, not migrated */
static void test_foreign_refused(void **state) {
    (void)state;
    char zPath[512], zErr[256];
    db_path(zPath, sizeof zPath, "other.db");
    raw_sql(zPath, "CREATE TABLE t(x TEXT)");
    Db *db;
    assert_int_equal(schema_open(zPath, 1, &db, zErr, sizeof zErr), KEEL_EVERSION);
    assert_int_equal(schema_open(zPath, 0, &db, zErr, sizeof zErr), KEEL_EVERSION);
}

static Db *fresh(const char *zName, char *zPath, size_t n) {
    char zErr[256];
    db_path(zPath, n, zName);
    Db *db;
    assert_int_equal(schema_open(zPath, 1, &db, zErr, sizeof zErr), 0);
    return db;
}

static int64_t add_unit(Db *db, const char *zName, int64_t parent) {
    json_t *in = json_pack("{ss ss}", "name", zName, "kind", "department");
    if (parent) json_object_set_new(in, "parent_id", json_integer(parent));
    KeelError e = {0};
    Actor a = {7, "tester"};
    assert_int_equal(resource_validate(&resource_unit, in, 1, &e), 0);
    int64_t id = 0;
    int rc = store_crud_create(db, &resource_unit, &a, in, &id, &e);
    json_decref(in);
    assert_int_equal(rc, 0);
    return id;
}

/* store-4: create, list with filters, refuse deleting referenced rows */
static void test_crud(void **state) {
    (void)state;
    char zPath[512];
    Db *db = fresh("crud.db", zPath, sizeof zPath);
    int64_t root = add_unit(db, "Root", 0);
    int64_t child = add_unit(db, "Child", root);
    add_unit(db, "Other", 0);
    ListQuery q;
    memset(&q, 0, sizeof q);
    q.limit = 10;
    q.aFilter[0].f = resource_field(&resource_unit, "parent_id");
    q.aFilter[0].zValue = "1";
    q.nFilter = 1;
    json_t *items;
    int64_t total;
    KeelError e = {0};
    assert_int_equal(store_crud_list(db, &resource_unit, &q, &items, &total, &e), 0);
    assert_int_equal(total, 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), child);
    json_decref(items);
    Actor a = {7, "tester"};
    assert_int_equal(store_crud_delete(db, &resource_unit, &a, root, &e), KEEL_ECONFLICT);
    assert_non_null(strstr(e.zMsg, "1 sub-units"));
    assert_int_equal(store_crud_delete(db, &resource_unit, &a, child, &e), 0);
    assert_int_equal(store_crud_delete(db, &resource_unit, &a, root, &e), 0);
    /* a duplicate name is a conflict naming the field, and changes nothing */
    json_t *in = json_pack("{ss ss}", "name", "Other", "kind", "region");
    int64_t id;
    assert_int_equal(store_crud_create(db, &resource_unit, &a, in, &id, &e), KEEL_ECONFLICT);
    assert_string_equal(e.zField, "name");
    json_decref(in);
    int64_t n = 0;
    db_query_int(db, &n, "SELECT count(*) FROM unit", NULL);
    assert_int_equal(n, 1);
    db_close(db);
}

/* store-5: the audit chain: intact, then an edit, a deletion, a cut end */
static void test_audit_chain(void **state) {
    (void)state;
    char zPath[512];
    Db *db = fresh("audit.db", zPath, sizeof zPath);
    for (int i = 0; i < 5; i++) {
        char z[16];
        snprintf(z, sizeof z, "U%d", i);
        add_unit(db, z, 0);
    }
    AuditVerify v;
    assert_int_equal(store_audit_verify(db, NULL, &v), 0);
    assert_int_equal(v.nEntry, 5);
    char zHead[CRYPTO_HEX_LEN];
    int64_t n;
    assert_int_equal(store_audit_head(db, zHead, &n), 0);
    assert_string_equal(zHead, v.zHead);
    assert_int_equal(store_audit_verify(db, zHead, &v), 0);
    db_close(db);

    /* an edited entry is named */
    raw_sql(zPath, "UPDATE audit SET after_json = replace(after_json, 'U2', 'U9') WHERE id = 3");
    char zErr[256];
    assert_int_equal(schema_open(zPath, 0, &db, zErr, sizeof zErr), 0);
    assert_int_equal(store_audit_verify(db, NULL, &v), KEEL_ECONFLICT);
    assert_int_equal(v.iBad, 3);
    assert_non_null(strstr(v.zMsg, "edited"));
    db_close(db);

    /* a deleted entry in the middle breaks the chain at the next one */
    db = fresh("audit2.db", zPath, sizeof zPath);
    for (int i = 0; i < 4; i++) {
        char z[16];
        snprintf(z, sizeof z, "V%d", i);
        add_unit(db, z, 0);
    }
    assert_int_equal(store_audit_head(db, zHead, &n), 0);
    db_close(db);
    raw_sql(zPath, "DELETE FROM audit WHERE id = 2");
    assert_int_equal(schema_open(zPath, 0, &db, zErr, sizeof zErr), 0);
    assert_int_equal(store_audit_verify(db, NULL, &v), KEEL_ECONFLICT);
    assert_int_equal(v.iBad, 3);
    db_close(db);

    /* entries cut from the end are only found against a kept head */
    raw_sql(zPath, "DELETE FROM audit WHERE id >= 2");
    assert_int_equal(schema_open(zPath, 0, &db, zErr, sizeof zErr), 0);
    assert_int_equal(store_audit_verify(db, NULL, &v), 0);
    assert_int_equal(store_audit_verify(db, zHead, &v), KEEL_ECONFLICT);
    assert_non_null(strstr(v.zMsg, "removed"));
    db_close(db);
}

/* store-6: a lease has one holder until it expires or is given back */
static void test_lease(void **state) {
    (void)state;
    char zPath[512], zErr[256];
    Db *a = fresh("lease.db", zPath, sizeof zPath), *b;
    assert_int_equal(schema_open(zPath, 0, &b, zErr, sizeof zErr), 0);
    int got = -1;
    assert_int_equal(store_lease_acquire(a, "nightly", "server-a", 60, &got), 0);
    assert_int_equal(got, 1);
    assert_int_equal(store_lease_acquire(b, "nightly", "server-b", 60, &got), 0);
    assert_int_equal(got, 0); /* held by a */
    assert_int_equal(store_lease_acquire(a, "nightly", "server-a", 60, &got), 0);
    assert_int_equal(got, 1); /* renewed */
    assert_int_equal(store_lease_acquire(b, "other", "server-b", 60, &got), 0);
    assert_int_equal(got, 1); /* another job is free */
    assert_int_equal(store_lease_release(b, "nightly", "server-b"), 0); /* not b's: no effect */
    assert_int_equal(store_lease_acquire(b, "nightly", "server-b", 60, &got), 0);
    assert_int_equal(got, 0);
    assert_int_equal(store_lease_release(a, "nightly", "server-a"), 0);
    assert_int_equal(store_lease_acquire(b, "nightly", "server-b", 60, &got), 0);
    assert_int_equal(got, 1);
    /* an expired lease goes to the next asker */
    assert_int_equal(db_run(a, "UPDATE job_lease SET expires_at = 0 WHERE name = 'nightly'", NULL),
                     0);
    assert_int_equal(store_lease_acquire(a, "nightly", "server-a", 60, &got), 0);
    assert_int_equal(got, 1);
    db_close(a);
    db_close(b);
}

/* store-7: a change on one connection wakes a waiter on another (NOTIFY on
 * PostgreSQL, the polled counter on SQLite); a timeout says 0 */
static void test_notify(void **state) {
    (void)state;
    char zPath[512], zErr[256];
    Db *a = fresh("notify.db", zPath, sizeof zPath), *b;
    assert_int_equal(schema_open(zPath, 0, &b, zErr, sizeof zErr), 0);
    int64_t seen = 0, n = -1;
    assert_int_equal(store_change_count(b, "switches", &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(store_wait_change(b, "switches", &seen, 20), 0); /* nothing yet */
    assert_int_equal(store_notify(a, "switches"), 0);
    assert_int_equal(store_wait_change(b, "switches", &seen, 5000), 1);
    assert_int_equal(seen, 1);
    /* inside a transaction the change shows (and wakes) at commit only */
    assert_int_equal(db_begin(a), 0);
    assert_int_equal(store_notify(a, "switches"), 0);
    assert_int_equal(store_notify(a, "switches"), 0);
    assert_int_equal(store_wait_change(b, "switches", &seen, 20), 0);
    assert_int_equal(db_commit(a), 0);
    assert_int_equal(store_wait_change(b, "switches", &seen, 5000), 1);
    assert_int_equal(seen, 3);
    assert_int_equal(store_notify(a, "Bad-Name"), KEEL_EINVAL);
    db_close(a);
    db_close(b);
}

/* store-8: every column a resource definition names exists in the
 * migrated schema, and a definition naming a missing one is caught */
static void test_defs_match_schema(void **state) {
    (void)state;
    char zPath[512], zErr[256];
    db_path(zPath, sizeof zPath, "defs.db");
    Db *db;
    assert_int_equal(schema_open(zPath, 1, &db, zErr, sizeof zErr), 0);
    int n = 0;
    for (const ResourceDef *const *p = resource_all; *p; p++, n++) {
        KeelError e;
        if (store_crud_check_def(db, *p, &e)) fail_msg("%s", e.zMsg);
        assert_string_equal((*p)->aField[0].zName, "id");
    }
    assert_true(n >= 19);
    static const FieldDef aBad[] = {ID_FIELD, {"colour", FT_TEXT, 0, 0, 10, NULL, NULL, "x"}};
    static const RefBy aBadRef[] = {{"person", "team_id", "people"}};
    const ResourceDef bad = RESOURCE("unit", "unit", aBad);
    const ResourceDef badRef = RESOURCE_REFBY("unit", "unit", aBad, aBadRef);
    KeelError e;
    assert_int_equal(bad.nField, 2);
    assert_int_equal(store_crud_check_def(db, &bad, &e), KEEL_EINTERNAL);
    assert_string_equal(e.zField, "colour");
    assert_int_equal(badRef.nRefBy, 1);
    assert_int_equal(store_crud_check_def(db, &badRef, &e), KEEL_EINTERNAL);
    db_close(db);
}

int main(void) {
    pg_base();
    snprintf(zDir, sizeof zDir, "/tmp/keel-store-XXXXXX");
    if (!mkdtemp(zDir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate),         cmocka_unit_test(test_newer_refused),
        cmocka_unit_test(test_foreign_refused), cmocka_unit_test(test_crud),
        cmocka_unit_test(test_audit_chain),     cmocka_unit_test(test_lease),
        cmocka_unit_test(test_notify),          cmocka_unit_test(test_defs_match_schema),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char zCmd[128];
    snprintf(zCmd, sizeof zCmd, "rm -rf %s", zDir);
    if (system(zCmd) != 0) return 1;
    return rc;
}
