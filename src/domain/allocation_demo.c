/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo enterprise's path 2: the "allocation" section of
 * data/demo.json loaded through the same domain functions as the API
 * (pools, usage, planning attributes, teams, data assets with generated
 * samples profiled by the readiness engine, and a first plan). The
 * samples come from a seeded generator, so a seed gives the same scores:
 * "shipments" has over a third of its rows duplicated, a redundant, a
 * constant and an empty column, weights missing and almost no labels;
 * "sales" is clean; "loyalty" holds resident ID numbers, and its sample
 * is kept (retain_days) so that k-anonymity can be checked over it. */
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "engine/pii.h"
#include "store/store_crud.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <string.h>

static uint64_t next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int uniform(uint64_t *s, int n) { return (int)(next(s) % (uint64_t)n); }

/* A CSV sample named zKind into b. */
static void demo_sample(const char *zKind, uint64_t *s, Buf *b) {
    static const char *const azDepot[] = {"Hamburg", "Lyon", "Milan", "Suzhou", "Madrid"};
    static const char *const azReason[] = {"weather", "traffic", "address", "capacity"};
    if (strcmp(zKind, "shipments") == 0) {
        char aRow[400][160];
        buf_puts(b, "shipment_id,depot,distance_km,distance_miles,weight_kg,promised_hours,"
                    "actual_hours,carrier,legacy_flag,delay_reason\n");
        for (int i = 0; i < 400; i++) {
            if (i > 20 && uniform(s, 9) < 4) {
                /* the same scan loaded twice */
                memcpy(aRow[i], aRow[uniform(s, i)], sizeof aRow[i]);
            } else {
                int km = 5 + uniform(s, 400), promised = 24 + 24 * uniform(s, 3);
                int late = uniform(s, 10) == 0 ? 4 + uniform(s, 30) : 0;
                char zWeight[16] = "";
                if (uniform(s, 10) >= 3)
                    snprintf(zWeight, sizeof zWeight, "%d.%d", 1 + uniform(s, 30), uniform(s, 10));
                snprintf(aRow[i], sizeof aRow[i], "S%06d,%s,%d,%.1f,%s,%d,%d,Meridian Fleet,,%s",
                         100000 + i, azDepot[uniform(s, 5)], km, km * 0.621371, zWeight, promised,
                         promised - 6 + uniform(s, 10) + late,
                         late && uniform(s, 8) == 0 ? azReason[uniform(s, 4)] : "");
            }
            buf_printf(b, "%s\n", aRow[i]);
        }
    } else if (strcmp(zKind, "loyalty") == 0) {
        /* loyalty members with their resident ID numbers (valid check
         * digits): the asset is wrongly marked as not personal */
        static const char *const azCity[] = {"310104", "440305", "320505", "110105", "510107"};
        buf_puts(b, "member_no,id_number,city_code,birth_decade,gender,points,tier\n");
        for (int i = 0; i < 200; i++) {
            char zId[64];
            const char *zCity = azCity[uniform(s, 5)];
            int year = 1960 + uniform(s, 45);
            snprintf(zId, sizeof zId, "%s%04d%02d%02d%03d", zCity, year, 1 + uniform(s, 12),
                     1 + uniform(s, 28), uniform(s, 1000));
            zId[17] = pii_cn_id_check(zId);
            zId[18] = 0;
            /* the decade of birth and the sex the ID number carries (its
             * 17th digit: odd for men): with the city, quasi-identifiers
             * under which some members stand alone (k-anonymity: k = 1) */
            buf_printf(b, "M%05d,%s,%s,%ds,%s,%d,%s\n", 20000 + i, zId, zCity, year / 10 * 10,
                       (zId[16] - '0') % 2 ? "M" : "F", uniform(s, 5000),
                       uniform(s, 4) ? "silver" : "gold");
        }
    } else {
        /* four weeks of sales ending a week ago */
        buf_puts(b, "store,item,day,units,stock,price\n");
        for (int i = 0; i < 300; i++) {
            char zDay[16];
            time_date(time_now() - (int64_t)(35 - i % 28) * 86400, zDay, sizeof zDay);
            buf_printf(b, "%d,%d,%s,%d,%d,%d.%02d\n", 1 + i % 12, 1000 + i / 12, zDay,
                       uniform(s, 40), 20 + uniform(s, 200), 1 + uniform(s, 30), uniform(s, 100));
        }
    }
}

/* Initiative id by title (0 when absent). */
static int64_t initiative_id(Db *db, const char *zTitle) {
    return store_crud_id_by(db, &resource_initiative, "title", zTitle);
}

static int where(KeelError *e, int rc, const char *zWhat, const char *zName) {
    char zMsg[200];
    snprintf(zMsg, sizeof zMsg, "%.199s", e->zMsg);
    snprintf(e->zMsg, sizeof e->zMsg, "demo allocation %s '%.60s': %s", zWhat, zName ? zName : "?",
             zMsg);
    return rc;
}

/* Replace the titles of array key zKey of o with their ids. */
static json_t *title_ids(Db *db, const json_t *titles) {
    json_t *a = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(titles, i, v) {
        json_array_append_new(a, json_integer(initiative_id(db, json_string_value(v))));
    }
    return a;
}

static int demo_people_ref(Db *db, json_t *o, const char *zKey, const char *zIdKey) {
    const char *z = json_string_value(json_object_get(o, zKey));
    if (!z) return 0;
    int64_t id = store_crud_id_by(db, &resource_person, "email", z);
    if (!id) return KEEL_EINVAL;
    json_object_del(o, zKey);
    json_object_set_new(o, zIdKey, json_integer(id));
    return 0;
}

int alloc_demo_load(Db *db, const Principal *sys, const json_t *doc, uint64_t seed, KeelError *e) {
    const json_t *al = json_object_get(doc, "allocation");
    if (!al) return 0;
    int rc = 0;
    size_t i, j;
    json_t *x, *v;
    int64_t id;
    json_array_foreach(json_object_get(al, "pools"), i, x) {
        json_t *o = json_deep_copy(x);
        rc = alloc_pool_create(db, sys, o, &id, e);
        json_decref(o);
        if (rc) return where(e, rc, "pool", json_get_str(x, "key"));
    }
    const char *zKey;
    json_object_foreach((json_t *)json_object_get(al, "usage"), zKey, v) {
        json_t *rows = json_array();
        json_array_foreach(v, j, x) {
            json_array_append_new(rows, json_pack("{sO sO}", "period", json_array_get(x, 0),
                                                  "amount", json_array_get(x, 1)));
        }
        int n;
        json_t *rowErrors = NULL;
        id = store_crud_id_by(db, &resource_pool, "key", zKey);
        rc = id ? 0 : KEEL_EINVAL;
        if (rc == 0)
            rc = alloc_period_import(db, sys, id, POOL_USAGE, rows, NULL, &n, &rowErrors, e);
        json_decref(rows);
        json_decref(rowErrors);
        if (rc) return where(e, rc, "usage of", zKey);
    }
    json_array_foreach(json_object_get(al, "initiatives"), i, x) {
        const char *zTitle = json_get_str(x, "initiative");
        int64_t iid = initiative_id(db, zTitle);
        json_t *dem = json_array();
        json_object_foreach((json_t *)json_object_get(x, "demands"), zKey, v) {
            json_array_append_new(dem, json_pack("{ss sO}", "pool", zKey, "amounts", v));
        }
        json_t *in =
            json_pack("{sO so}", "duration", json_object_get(x, "duration"), "demands", dem);
        if (json_object_get(x, "started_period"))
            json_object_set(in, "started_period", json_object_get(x, "started_period"));
        rc = iid ? alloc_attrs_set(db, sys, iid, in, e)
                 : err_set(e, KEEL_EINVAL, "initiative", "no such initiative");
        json_decref(in);
        json_array_foreach(json_object_get(x, "team"), j, v) {
            if (rc) break;
            json_t *m = json_pack("{sO sO sO}", "person", json_array_get(v, 0), "skill",
                                  json_array_get(v, 1), "fte", json_array_get(v, 2));
            rc = demo_people_ref(db, m, "person", "person_id");
            if (rc == 0) rc = alloc_team_add(db, sys, iid, m, &id, e);
            json_decref(m);
        }
        if (rc) return where(e, rc, "initiative", zTitle);
    }
    static const char *const azEdge[] = {"dependencies", "exclusive"};
    for (int k = 0; k < 2; k++) {
        json_array_foreach(json_object_get(al, azEdge[k]), i, x) {
            const char *zTitle = json_string_value(json_array_get(x, 0));
            json_t *other = json_array();
            json_array_append_new(
                other, json_integer(initiative_id(db, json_string_value(json_array_get(x, 1)))));
            json_t *in = json_pack("{so}", k ? "exclusive_with" : "depends_on", other);
            rc = alloc_attrs_set(db, sys, initiative_id(db, zTitle), in, e);
            json_decref(in);
            if (rc) return where(e, rc, azEdge[k], zTitle);
        }
    }
    json_array_foreach(json_object_get(al, "mandatory"), i, x) {
        json_t *in = json_pack("{sb}", "mandatory", 1);
        rc = alloc_attrs_set(db, sys, initiative_id(db, json_string_value(x)), in, e);
        json_decref(in);
        if (rc) return where(e, rc, "mandatory", json_string_value(x));
    }
    uint64_t s = seed ^ 0xA11C;
    json_array_foreach(json_object_get(al, "data_assets"), i, x) {
        json_t *o = json_deep_copy(x);
        const char *zSample = json_get_str(x, "sample");
        int retain = (int)json_integer_value(json_object_get(x, "retain_days"));
        json_object_del(o, "sample");
        json_object_del(o, "retain_days");
        json_object_set_new(o, "initiative_ids", title_ids(db, json_object_get(o, "initiatives")));
        json_object_del(o, "initiatives");
        /* purposes declared after the links were made, as happens: a
         * link they do not cover stays, a purpose-limitation finding */
        json_t *purposes = json_incref(json_object_get(o, "purposes"));
        json_object_del(o, "purposes");
        rc = demo_people_ref(db, o, "owner", "owner_id");
        if (rc == 0) rc = alloc_asset_create(db, sys, o, &id, e);
        json_decref(o);
        if (rc == 0 && purposes) {
            json_t *in = json_pack("{sO}", "purposes", purposes);
            rc = alloc_asset_update(db, sys, id, in, e);
            json_decref(in);
        }
        json_decref(purposes);
        if (rc == 0 && zSample) {
            Buf b;
            buf_init(&b, 0);
            demo_sample(zSample, &s, &b);
            json_t *out = NULL;
            rc = buf_err(&b);
            if (rc == 0)
                rc = alloc_asset_profile(db, sys, id, b.z, b.n,
                                         strcmp(zSample, "shipments") == 0 ? "delay_reason" : NULL,
                                         retain, &out, e);
            json_decref(out);
            buf_reset(&b);
        }
        if (rc) return where(e, rc, "data asset", json_get_str(x, "name"));
    }
    return 0;
}

int alloc_demo_solve(Db *db, const Principal *sys, const json_t *doc, KeelError *e) {
    const json_t *solve = json_object_get(json_object_get(doc, "allocation"), "solve");
    if (!solve) return 0;
    json_t *out = NULL;
    int rc = alloc_plan_solve(db, sys, solve, &out, e);
    json_decref(out);
    return rc ? where(e, rc, "plan", "first") : 0;
}
