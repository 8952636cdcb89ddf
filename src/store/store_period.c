/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Values per period of an owner row; see store_period.h. */
#include "store/store_period.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <stdio.h>

int store_period_value_put(Db *db, const Actor *actor, const PeriodTable *t, int64_t ownerId,
                           const char *zPeriod, int64_t periodIndex, double value,
                           const char *zNote) {
    char zNow[32], zSql[256];
    time_iso(time_now(), zNow, sizeof zNow);
    json_t *old = NULL;
    snprintf(zSql, sizeof zSql,
             "SELECT id, %s, period, %s, note FROM %s WHERE %s = ? AND period = ?", t->zOwner,
             t->zValue, t->zTable, t->zOwner);
    int rc = db_select_json_row(db, &old, zSql, "it", ownerId, zPeriod);
    if (rc && rc != KEEL_ENOTFOUND) return rc;
    int64_t id = 0;
    if (old) {
        id = json_integer_value(json_object_get(old, "id"));
        snprintf(zSql, sizeof zSql,
                 "UPDATE %s SET %s = ?, note = ?, period_index = ?, updated_at = ? WHERE id = ?",
                 t->zTable, t->zValue);
        rc = db_run(db, zSql, "dtiti", value, zNote, periodIndex, zNow, id);
    } else {
        snprintf(zSql, sizeof zSql,
                 "INSERT INTO %s(%s, period, period_index, %s, note, created_at, updated_at) "
                 "VALUES(?,?,?,?,?,?,?)",
                 t->zTable, t->zOwner, t->zValue);
        rc = db_insert(db, &id, zSql, "itidttt", ownerId, zPeriod, periodIndex, value, zNote, zNow,
                       zNow);
    }
    if (rc == 0) {
        json_t *after = json_pack("{sI sI ss sf so}", "id", (json_int_t)id, t->zOwner,
                                  (json_int_t)ownerId, "period", zPeriod, t->zValue, value, "note",
                                  zNote ? json_string(zNote) : json_null());
        rc = store_audit_append(db, actor, old ? "update" : "create", t->zTable, id, old, after);
        json_decref(after);
    }
    json_decref(old);
    return rc;
}
