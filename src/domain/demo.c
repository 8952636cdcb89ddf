/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loads the demo enterprise; see demo.h. */
#include "domain/demo.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "store/store_crud.h"
#include <stdio.h>
#include <string.h>

/* Id of the row of table zTable whose zColumn equals z; 0 when absent. */
static int64_t demo_lookup(Db *db, const char *zTable, const char *zColumn, const char *z) {
    char zSql[128];
    int64_t id = 0;
    snprintf(zSql, sizeof zSql, "SELECT id FROM %s WHERE %s = ?", zTable, zColumn);
    if (z && db_query_int(db, &id, zSql, "t", z)) id = 0;
    return id;
}

/* Replace the by-name reference zKey ("parent") with zIdKey ("parent_id"). */
static int demo_resolve(Db *db, json_t *o, const char *zKey, const char *zIdKey, const char *zTable,
                        const char *zColumn, KeelError *e) {
    const char *z = json_string_value(json_object_get(o, zKey));
    if (!z) return 0;
    int64_t id = demo_lookup(db, zTable, zColumn, z);
    if (!id) return err_set(e, KEEL_EINVAL, zKey, "demo: no %s '%s'", zTable, z);
    json_object_set_new(o, zIdKey, json_integer(id));
    json_object_del(o, zKey);
    return 0;
}

static int demo_section(Db *db, const Actor *actor, const json_t *doc, const char *zSection,
                        const ResourceDef *r, const char *zPassword, KeelError *e) {
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(doc, zSection), i, item) {
        json_t *o = json_deep_copy(item);
        int rc = 0;
        int64_t id;
        if (r == &resource_unit)
            rc = demo_resolve(db, o, "parent", "parent_id", "unit", "name", e);
        else if (r == &resource_person)
            rc = demo_resolve(db, o, "unit", "unit_id", "unit", "name", e);
        else
            rc = demo_resolve(db, o, "person", "person_id", "person", "email", e);
        if (rc == 0 && r == &resource_account) {
            json_object_set_new(o, "password", json_string(zPassword));
            rc = auth_account_create(db, actor, o, &id, e);
        } else if (rc == 0) {
            rc = resource_validate(r, o, 1, e);
            if (rc == 0) rc = store_crud_create(db, r, actor, o, &id, e);
        }
        json_decref(o);
        if (rc) {
            char zMsg[200];
            snprintf(zMsg, sizeof zMsg, "%.199s", e->zMsg);
            snprintf(e->zMsg, sizeof e->zMsg, "demo %.40s[%zu]: %s", zSection, i, zMsg);
            return rc;
        }
    }
    return 0;
}

int demo_load(Db *db, const Actor *actor, const json_t *doc, const char *zPassword, KeelError *e) {
    int64_t n = 0;
    int rc = db_query_int(
        db, &n, "SELECT (SELECT count(*) FROM unit) + (SELECT count(*) FROM person)", NULL);
    if (rc) return rc;
    if (n > 0)
        return err_set(e, KEEL_ECONFLICT, "",
                       "the database already holds an organisation; "
                       "load the demo into a new database");
    rc = db_begin(db);
    if (rc) return rc;
    json_t *settings = json_deep_copy(json_object_get(doc, "settings"));
    if (settings) {
        rc = resource_validate(&resource_settings, settings, 0, e);
        if (rc == 0) rc = store_crud_update(db, &resource_settings, actor, 1, settings, e);
        json_decref(settings);
    }
    if (rc == 0) rc = demo_section(db, actor, doc, "units", &resource_unit, zPassword, e);
    if (rc == 0) rc = demo_section(db, actor, doc, "people", &resource_person, zPassword, e);
    if (rc == 0) rc = demo_section(db, actor, doc, "accounts", &resource_account, zPassword, e);
    if (rc == 0) return db_commit(db);
    db_rollback(db);
    return rc;
}
