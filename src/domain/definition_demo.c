/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo's shared definitions ("definitions" in data/demo.json): the
 * department heads, definitions with their versions written and signed
 * or disputed at the days the section gives (days before the load day),
 * the KPIs and initiatives that rely on them, and then the escalation of
 * disputes older than the setting to the committee, as the daily job
 * would have done. Everything goes through the domain functions the API
 * calls. */
#include "domain/demo.h"
#include "domain/alignment.h"
#include "domain/definition.h"
#include "store/store_crud.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <string.h>

static void at(const json_t *o) {
    time_shift(-json_integer_value(json_object_get(o, "days_ago")) * 86400);
}

static int heads(Db *db, const Principal *sys, const json_t *sec, KeelError *e) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sec, "heads"), i, x) {
        int64_t id = store_crud_id_by(db, &resource_person, "email", json_string_value(x));
        json_t *upd = json_pack("{sb}", "department_head", 1);
        int rc =
            id ? resource_update(db, sys, &resource_person, id, upd, e)
               : err_set(e, KEEL_EINVAL, "heads", "demo: no person %.100s", json_string_value(x));
        json_decref(upd);
        if (rc) return rc;
    }
    return 0;
}

static int stances(Db *db, int64_t id, const json_t *ver, KeelError *e) {
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(ver, "stances"), i, s) {
        Principal by;
        int rc = demo_as(db, json_get_str(s, "by"), &by, e);
        if (rc) return rc;
        at(s);
        json_t *in = json_pack("{sO sO*}", "stance", json_object_get(s, "stance"), "reason",
                               json_object_get(s, "reason"));
        rc = definition_sign(db, &by, id, in, e);
        json_decref(in);
        time_shift(0);
        if (rc) return rc;
    }
    return 0;
}

static int links(Db *db, const Principal *sys, int64_t id, const json_t *d, KeelError *e) {
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(d, "links"), i, l) {
        const char *zKpi = json_get_str(l, "kpi"), *zInit = json_get_str(l, "initiative");
        int64_t eid = zKpi
                          ? store_crud_id_by(db, &resource_kpi, "name", zKpi)
                          : store_crud_id_by(db, &resource_initiative, "title", zInit ? zInit : "");
        json_t *in = json_pack("{ss sI}", "entity", zKpi ? "kpi" : "initiative", "entity_id",
                               (json_int_t)eid);
        int64_t lid;
        int rc = definition_link_add(db, sys, id, in, &lid, e);
        json_decref(in);
        if (rc) return rc;
    }
    return 0;
}

static int one(Db *db, const Principal *sys, const json_t *d, KeelError *e) {
    Principal by;
    int rc = demo_as(db, json_get_str(d, "by"), &by, e);
    if (rc) return rc;
    json_t *depts = json_array(), *x;
    size_t i;
    json_array_foreach(json_object_get(d, "departments"), i, x) json_array_append_new(
        depts, json_integer(store_crud_id_by(db, &resource_unit, "name", json_string_value(x))));
    json_t *vers = json_object_get(d, "versions");
    json_t *v0 = json_array_get(vers, 0);
    at(v0);
    json_t *in = json_pack("{sO sO sO so}", "name", json_object_get(d, "name"), "kind",
                           json_object_get(d, "kind"), "body", json_object_get(v0, "body"),
                           "departments", depts);
    int64_t id = 0;
    rc = definition_create(db, &by, in, &id, e);
    json_decref(in);
    time_shift(0);
    json_t *v;
    json_array_foreach(vers, i, v) {
        if (rc) break;
        if (i > 0) {
            at(v);
            json_t *nv = json_pack("{sO sO*}", "body", json_object_get(v, "body"), "note",
                                   json_object_get(v, "note"));
            rc = definition_version_add(db, &by, id, nv, e);
            json_decref(nv);
            time_shift(0);
        }
        if (rc == 0) rc = stances(db, id, v, e);
    }
    if (rc == 0) rc = links(db, sys, id, d, e);
    return rc;
}

int definition_demo_load(Db *db, const json_t *doc, KeelError *e) {
    const json_t *sec = json_object_get(doc, "definitions");
    if (!sec) return 0;
    Principal sys;
    int rc = demo_as(db, json_get_str(sec, "admin"), &sys, e);
    if (rc == 0) rc = heads(db, &sys, sec, e);
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(sec, "items"), i, d) {
        if (rc) break;
        rc = one(db, &sys, d, e);
    }
    if (rc == 0) rc = definition_escalate(db, NULL, e);
    time_shift(0);
    return demo_section_error(rc, e, "definitions");
}
