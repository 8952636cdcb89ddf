/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The strategy over time; see strategy.h. */
#include "domain/strategy.h"
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "store/store_alignment.h"
#include "store/store_allocation.h"
#include "store/store_crud.h"
#include "util/json.h"
#include "util/period.h"
#include "util/timeutil.h"
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int all_rows(Db *db, const ResourceDef *r, json_t **ppRows) {
    ListQuery q;
    memset(&q, 0, sizeof q);
    q.limit = 1000;
    int64_t total;
    KeelError e;
    return store_crud_list(db, r, &q, ppRows, &total, &e);
}

/* The KPI's value in quarter p: its quarterly value, else the mean of its
 * monthly values in the quarter; NAN when none. */
static double quarter_value(const json_t *values, int fs, const Period *p) {
    double sum = 0;
    int n = 0;
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v) {
        Period x;
        if (period_parse(json_get_str(v, "period"), fs, &x)) continue;
        double y = json_number_value(json_object_get(v, "value"));
        if (x.kind == PERIOD_QUARTER && x.firstMonth == p->firstMonth) return y;
        if (x.kind == PERIOD_MONTH && x.firstMonth >= p->firstMonth &&
            x.firstMonth <= p->firstMonth + 2) {
            sum += y;
            n++;
        }
    }
    return n ? sum / n : NAN;
}

/* The initiatives a plan's result funds: starts and under_way keys. */
static json_t *funded_of(const json_t *result) {
    json_t *s = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(result, "starts"), k, v) json_object_set(s, k, v);
    json_object_foreach(json_object_get(result, "under_way"), k, v) if (!json_object_get(s, k))
        json_object_set_new(s, k, json_string("under way"));
    return s;
}

static json_t *title_of(const json_t *inis, const char *zId) {
    size_t i;
    json_t *x;
    long long id = atoll(zId);
    json_array_foreach(inis, i, x) if (json_get_id(x, "id") == id) return json_pack(
        "{sI sO}", "id", (json_int_t)id, "title", json_object_get(x, "title"));
    return json_pack("{sI s:s}", "id", (json_int_t)id, "title", zId);
}

static int plans(Db *db, json_t *inis, json_t **ppOut) {
    json_t *rows;
    int64_t total;
    int rc = store_alloc_plans(db, 50, 0, &rows, &total);
    if (rc) return rc;
    json_t *out = json_array(), *prev = NULL;
    double prevValue = NAN;
    for (size_t i = json_array_size(rows); i-- > 0 && rc == 0;) {
        json_t *row = json_array_get(rows, i), *p;
        const char *zKind = json_get_str(row, "kind");
        if (!zKind || (strcmp(zKind, "solve") && strcmp(zKind, "replan"))) continue;
        if ((rc = alloc_plan_get(db, json_get_id(row, "id"), &p))) break;
        json_t *funded = funded_of(json_object_get(p, "result"));
        json_t *added = json_array(), *dropped = json_array(), *moved = json_array(),
               *names = json_array();
        const char *k;
        json_t *v;
        json_object_foreach(funded, k, v) {
            json_array_append_new(names, title_of(inis, k));
            json_t *was = prev ? json_object_get(prev, k) : NULL;
            if (prev && !was)
                json_array_append_new(added, title_of(inis, k));
            else if (was && !json_equal(was, v)) {
                json_t *m = title_of(inis, k);
                json_object_set(m, "from", was);
                json_object_set(m, "to", v);
                json_array_append_new(moved, m);
            }
        }
        if (prev)
            json_object_foreach(prev, k, v) if (!json_object_get(funded, k))
                json_array_append_new(dropped, title_of(inis, k));
        double value = json_number_value(json_object_get(row, "value"));
        json_t *o =
            json_pack("{sO sO sO sO so so so so}", "id", json_object_get(row, "id"), "kind",
                      json_object_get(row, "kind"), "created_at",
                      json_object_get(row, "created_at"), "value", json_object_get(row, "value"),
                      "funded", names, "added", added, "dropped", dropped, "moved", moved);
        json_object_set_new(o, "value_change",
                            isfinite(prevValue) && json_is_number(json_object_get(row, "value"))
                                ? json_real(value - prevValue)
                                : json_null());
        json_array_append_new(out, o);
        json_decref(prev);
        prev = funded;
        prevValue = value;
        json_decref(p);
    }
    json_decref(prev);
    json_decref(rows);
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppOut = out;
    return 0;
}

int strategy_over_time(Db *db, int n, json_t **ppOut) {
    if (n < 1) n = 1;
    if (n > 16) n = 16;
    int fs = align_fiscal_start(db);
    json_t *objs = NULL, *kpis = NULL, *inis = NULL;
    int rc = all_rows(db, &resource_objective, &objs);
    if (rc == 0) rc = all_rows(db, &resource_kpi, &kpis);
    if (rc == 0) rc = all_rows(db, &resource_initiative, &inis);
    json_t *qs = json_array();
    Period ap[16];
    for (int q = 0; q < n; q++) {
        char z[12];
        period_quarter_at(time_now(), fs, q - (n - 1), z);
        period_parse(z, fs, &ap[q]);
        json_array_append_new(qs, json_string(z));
    }
    json_t *outObjs = json_array();
    size_t i, k;
    json_t *o, *kp;
    json_array_foreach(objs, i, o) {
        if (rc) break;
        json_t *ok = json_array();
        json_array_foreach(kpis, k, kp) {
            if (rc) break;
            if (json_get_id(kp, "objective_id") != json_get_id(o, "id")) continue;
            json_t *values, *byq = json_array();
            if ((rc = store_kpi_values(db, json_get_id(kp, "id"), &values))) break;
            for (int q = 0; q < n && rc == 0; q++) {
                const char *zQ = json_string_value(json_array_get(qs, (size_t)q));
                json_t *c = json_deep_copy(kp);
                rc = align_kpi_as_of(db, c, zQ, 0);
                double v = quarter_value(values, fs, &ap[q]);
                json_array_append_new(byq, json_pack("{ss so sO}", "period", zQ, "value",
                                                     isfinite(v) ? json_real(v) : json_null(),
                                                     "status", json_object_get(c, "status")));
                json_decref(c);
            }
            json_decref(values);
            json_array_append_new(
                ok, json_pack("{sO sO sO sO sO sO so}", "id", json_object_get(kp, "id"), "name",
                              json_object_get(kp, "name"), "unit", json_object_get(kp, "unit"),
                              "direction", json_object_get(kp, "direction"), "target",
                              json_object_get(kp, "target"), "target_period",
                              json_object_get(kp, "target_period"), "by_quarter", byq));
        }
        json_array_append_new(outObjs, json_pack("{sO sO sO so}", "id", json_object_get(o, "id"),
                                                 "title", json_object_get(o, "title"), "status",
                                                 json_object_get(o, "status"), "kpis", ok));
    }
    json_t *pl = NULL;
    if (rc == 0) rc = plans(db, inis, &pl);
    if (rc == 0)
        *ppOut = json_pack("{so so so}", "quarters", qs, "objectives", outObjs, "plans", pl);
    else {
        json_decref(qs);
        json_decref(outObjs);
    }
    json_decref(objs);
    json_decref(kpis);
    json_decref(inis);
    return rc;
}
