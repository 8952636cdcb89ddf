/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The technology radar; see radar.h. */
#include "domain/radar.h"
#include "domain/alignment.h"
#include "store/store_crud.h"
#include "store/store_iteration.h"
#include "util/json.h"
#include "util/period.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <string.h>

static const char *const azQuadrant[] = {"techniques", "models", "platforms", "tools", NULL};
static const char *const azRing[] = {"adopt", "trial", "assess", "hold", NULL};
static const char *const azFit[] = {"high", "medium", "low", "none", NULL};

static const FieldDef aTechField[] = {
    ID_FIELD,
    {"key", FT_TEXT, F_REQUIRED | F_UNIQUE | F_FILTER, 1, 64, NULL, NULL,
     "a stable key: a-z, 0-9, - and _ (vector-search)"},
    {"name", FT_TEXT, F_REQUIRED | F_SORT, 1, 200, NULL, NULL, "the technology"},
    {"quadrant", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azQuadrant, NULL,
     "techniques, models, platforms or tools"},
    {"ring", FT_ENUM, F_READONLY | F_FILTER, 0, 0, azRing, NULL,
     "adopt, trial, assess or hold (changed by a move)"},
    {"rationale", FT_TEXT, F_REQUIRED, 1, 4000, NULL, NULL, "why it stands where it stands"},
    {"owner_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "person", "who watches it"},
    TIMES,
};
const ResourceDef resource_technology = RESOURCE("technology", "technology", aTechField);

static int key_ok(const char *z) {
    size_t n = 0;
    for (; z && z[n]; n++)
        if (!((z[n] >= 'a' && z[n] <= 'z') || (z[n] >= '0' && z[n] <= '9') || z[n] == '-' ||
              z[n] == '_'))
            return 0;
    return n >= 1 && n <= 64;
}

static int tech_row(Db *db, const char *zKey, json_t **ppRow, KeelError *e) {
    int64_t id = key_ok(zKey) ? store_crud_id_by(db, &resource_technology, "key", zKey) : 0;
    if (!id || store_crud_get(db, &resource_technology, id, ppRow))
        return err_set(e, KEEL_ENOTFOUND, "key", "no technology '%.64s' on the radar",
                       zKey ? zKey : "");
    return 0;
}

/* A move's date: given (not in the future) or today. */
static int move_date(const json_t *in, char z[16], KeelError *e) {
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    const char *zOn = json_get_str(in, "moved_on");
    int64_t t;
    if (json_object_get(in, "moved_on") && !zOn)
        return err_set(e, KEEL_EINVAL, "moved_on", "moved_on is a date YYYY-MM-DD");
    if (zOn && (strlen(zOn) != 10 || time_parse_iso(zOn, &t)))
        return err_set(e, KEEL_EINVAL, "moved_on", "moved_on is a date YYYY-MM-DD");
    if (zOn && strncmp(zOn, zNow, 10) > 0)
        return err_set(e, KEEL_EINVAL, "moved_on", "moved_on is in the future");
    snprintf(z, 16, "%.10s", zOn ? zOn : zNow);
    return 0;
}

static int reason_ok(const json_t *in, KeelError *e) {
    const char *z = json_get_str(in, "reason");
    if (!z || !z[0] || strlen(z) > 2000)
        return err_set(e, KEEL_EINVAL, "reason",
                       "a move needs its reason (at most 2000 bytes): what was learnt");
    return 0;
}

int radar_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    json_t *ring = json_incref(json_object_get(in, "ring")),
           *on = json_incref(json_object_get(in, "moved_on")),
           *reason = json_incref(json_object_get(in, "reason"));
    json_object_del(in, "ring");
    json_object_del(in, "moved_on");
    json_object_del(in, "reason");
    json_t *mv = json_object();
    if (on) json_object_set(mv, "moved_on", on);
    json_object_set_new(mv, "reason",
                        reason ? json_incref(reason) : json_string("added to the radar"));
    int rc = resource_validate(&resource_technology, in, 1, e);
    char zOn[16];
    if (rc == 0 && !key_ok(json_get_str(in, "key")))
        rc = err_set(e, KEEL_EINVAL, "key", "key is 1-64 of a-z, 0-9, - and _");
    if (rc == 0 && resource_enum_index(azRing, json_string_value(ring)) < 0)
        rc = err_set(e, KEEL_EINVAL, "ring", "ring is adopt, trial, assess or hold");
    if (rc == 0) rc = move_date(mv, zOn, e);
    if (rc == 0) rc = reason_ok(mv, e);
    if (rc == 0) {
        json_object_set(in, "ring", ring);
        if ((rc = db_begin(db)) == 0) {
            Actor a = auth_actor(who);
            rc = store_crud_create(db, &resource_technology, &a, in, pId, e);
            if (rc == 0)
                rc = store_technology_move(db, &a, *pId, NULL, json_string_value(ring), zOn,
                                           json_get_str(mv, "reason"));
            rc = db_end(db, rc);
        }
    }
    json_decref(ring);
    json_decref(on);
    json_decref(reason);
    json_decref(mv);
    return rc;
}

int radar_update(Db *db, const Principal *who, const char *zKey, json_t *in, KeelError *e) {
    if (json_object_get(in, "key"))
        return err_set(e, KEEL_EINVAL, "key", "a technology's key does not change");
    int rc = resource_validate(&resource_technology, in, 0, e);
    json_t *row;
    if (rc == 0) rc = tech_row(db, zKey, &row, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    rc = store_crud_update(db, &resource_technology, &a, json_get_id(row, "id"), in, e);
    json_decref(row);
    return rc;
}

int radar_move(Db *db, const Principal *who, const char *zKey, const json_t *in, KeelError *e) {
    const char *zKnown[] = {"ring", "reason", "moved_on", NULL};
    const char *zField;
    json_t *v;
    json_object_foreach((json_t *)in, zField, v) {
        if (resource_enum_index(zKnown, zField) < 0)
            return err_set(e, KEEL_EINVAL, zField,
                           "unknown field '%.40s': a move is {ring, reason, moved_on?}", zField);
    }
    const char *zRing = json_get_str(in, "ring");
    if (resource_enum_index(azRing, zRing) < 0)
        return err_set(e, KEEL_EINVAL, "ring", "ring is adopt, trial, assess or hold");
    char zOn[16];
    int rc = move_date(in, zOn, e);
    if (rc == 0) rc = reason_ok(in, e);
    if (rc) return rc;
    if ((rc = db_begin(db))) return rc;
    json_t *row;
    if ((rc = tech_row(db, zKey, &row, e))) return db_end(db, rc);
    const char *zFrom = json_get_str(row, "ring");
    if (strcmp(zFrom, zRing) == 0)
        rc = err_set_code(e, KEEL_ECONFLICT, "same_ring", "ring", "%s is in %s already",
                          json_get_str(row, "name"), zRing);
    Actor a = auth_actor(who);
    if (rc == 0)
        rc = store_technology_move(db, &a, json_get_id(row, "id"), zFrom, zRing, zOn,
                                   json_get_str(in, "reason"));
    json_decref(row);
    return db_end(db, rc);
}

int radar_fit(Db *db, const Principal *who, const char *zKey, const json_t *in, KeelError *e) {
    const char *zFit = json_get_str(in, "fit"), *zNote = json_get_str(in, "note");
    int64_t unit = json_get_id(in, "unit_id");
    if (resource_enum_index(azFit, zFit) < 0)
        return err_set(e, KEEL_EINVAL, "fit", "fit is high, medium, low or none");
    if (json_object_get(in, "note") && !json_is_null(json_object_get(in, "note")) &&
        (!zNote || strlen(zNote) > 2000))
        return err_set(e, KEEL_EINVAL, "note", "note is text of at most 2000 bytes");
    if (json_object_size(in) > 2u + (json_object_get(in, "note") != NULL))
        return err_set(e, KEEL_EINVAL, "", "a fit is {unit_id, fit, note?}");
    if (unit < 1 || store_crud_exists(db, &resource_unit, unit) != 1)
        return err_set(e, KEEL_EINVAL, "unit_id", "unit_id names no business unit");
    int rc = db_begin(db);
    if (rc) return rc;
    json_t *row;
    if ((rc = tech_row(db, zKey, &row, e))) return db_end(db, rc);
    Actor a = auth_actor(who);
    rc = store_technology_fit_put(db, &a, json_get_id(row, "id"), unit, zFit, zNote);
    json_decref(row);
    return db_end(db, rc);
}

static int month_of(const char *z) {
    int y, m;
    if (!z || sscanf(z, "%4d-%2d", &y, &m) != 2) return -1;
    return y * 12 + m - 1;
}

int radar_moves_between(Db *db, int first, int last, json_t **ppOut) {
    json_t *moves;
    int rc = store_technology_moves(db, 0, &moves);
    if (rc) return rc;
    json_t *out = json_array(), *x;
    size_t i;
    json_array_foreach(moves, i, x) {
        int m = month_of(json_get_str(x, "moved_on"));
        if (m >= first && m <= last) json_array_append(out, x);
    }
    json_decref(moves);
    *ppOut = out;
    return 0;
}

static void attach(json_t *tech, const json_t *fits, const json_t *moves) {
    json_t *f = json_array(), *m = json_array(), *x;
    size_t i;
    json_array_foreach(fits, i, x) if (json_get_id(x, "technology_id") == json_get_id(tech, "id"))
        json_array_append_new(
            f, json_pack("{sO sO sO sO}", "unit_id", json_object_get(x, "unit_id"), "unit_name",
                         json_object_get(x, "unit_name"), "fit", json_object_get(x, "fit"), "note",
                         json_object_get(x, "note")));
    json_array_foreach(moves, i, x) if (json_get_id(x, "technology_id") == json_get_id(tech, "id"))
        json_array_append_new(
            m, json_pack("{sO sO sO sO sO}", "from_ring", json_object_get(x, "from_ring"),
                         "to_ring", json_object_get(x, "to_ring"), "moved_on",
                         json_object_get(x, "moved_on"), "reason", json_object_get(x, "reason"),
                         "actor", json_object_get(x, "actor")));
    json_object_set_new(tech, "fit", f);
    json_object_set_new(tech, "moves", m);
}

int radar_get(Db *db, const char *zQuarter, json_t **ppOut) {
    int fs = align_fiscal_start(db);
    char zQ[12];
    Period p;
    if (zQuarter)
        snprintf(zQ, sizeof zQ, "%s", zQuarter);
    else
        period_quarter_at(time_now(), fs, 0, zQ);
    if (period_parse(zQ, fs, &p)) return KEEL_EINVAL;
    json_t *techs = NULL, *fits = NULL, *moves = NULL, *recent = NULL;
    int rc = store_technologies(db, &techs);
    if (rc == 0) rc = store_technology_fit(db, &fits);
    if (rc == 0) rc = store_technology_moves(db, 0, &moves);
    if (rc == 0) rc = radar_moves_between(db, p.firstMonth, p.firstMonth + 2, &recent);
    if (rc == 0) {
        json_t *x, *m;
        size_t i, k;
        json_array_foreach(techs, i, x) {
            attach(x, fits, moves);
            int bMoved = 0;
            json_array_foreach(recent, k, m) bMoved |=
                json_get_id(m, "technology_id") == json_get_id(x, "id");
            json_object_set_new(x, "moved_this_quarter", json_boolean(bMoved));
        }
        json_t *quads = json_array(), *rings = json_array();
        for (int q = 0; azQuadrant[q]; q++)
            json_array_append_new(quads, json_string(azQuadrant[q]));
        for (int r = 0; azRing[r]; r++)
            json_array_append_new(rings, json_string(azRing[r]));
        *ppOut = json_pack("{sO sO ss so so}", "technologies", techs, "moves_this_quarter", recent,
                           "quarter", zQ, "quadrants", quads, "rings", rings);
    }
    json_decref(techs);
    json_decref(fits);
    json_decref(moves);
    json_decref(recent);
    return rc;
}

int radar_get_one(Db *db, const char *zKey, json_t **ppOut, KeelError *e) {
    json_t *row, *fits = NULL, *moves = NULL;
    int rc = tech_row(db, zKey, &row, e);
    if (rc) return rc;
    rc = store_technology_fit(db, &fits);
    if (rc == 0) rc = store_technology_moves(db, json_get_id(row, "id"), &moves);
    if (rc == 0) {
        attach(row, fits, moves);
        *ppOut = json_incref(row);
    }
    json_decref(row);
    json_decref(fits);
    json_decref(moves);
    return rc;
}
