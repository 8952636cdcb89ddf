/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Ethics reviews and their schedule; see review.h. */
#include "domain/review.h"
#include "domain/switch.h"
#include "domain/system.h"
#include "store/store_crud.h"
#include "store/store_system.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const azDecision[] = {"continue", "continue_with_conditions", "suspend", NULL};

static const FieldDef aReviewField[] = {
    {"id", FT_INT, F_READONLY | F_SORT, 1, 9e15, NULL, NULL, "identifier"},
    {"system_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "ai_system", "the system"},
    {"board", FT_TEXT, F_REQUIRED | F_FILTER, 1, 200, NULL, NULL, "the board that held it"},
    {"held_on", FT_DATE, F_REQUIRED | F_SORT, 0, 0, NULL, NULL, "when it was held"},
    {"findings", FT_TEXT, F_NULLABLE, 0, 8000, NULL, NULL, "what the board found"},
    {"decision", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azDecision, NULL,
     "continue, continue_with_conditions or suspend (blocks every gate until lifted)"},
    {"conditions", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL, "conditions of a conditional go"},
    {"follow_ups", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL, "follow-up actions"},
    {"account_id", FT_INT, F_READONLY, 0, 9e15, NULL, NULL, "who recorded it"},
    {"created_by", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who recorded it"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it was recorded"},
    {"updated_at", FT_TIME, F_READONLY, 0, 0, NULL, NULL, "when it last changed"},
};
const ResourceDef resource_ethics_review = RESOURCE("ethics_review", "ethics_review", aReviewField);

void review_add_months(const char *zDate, int months, char *zOut, size_t nOut) {
    int y = 1970, m = 1, d = 1;
    sscanf(zDate ? zDate : "", "%4d-%2d-%2d", &y, &m, &d);
    int t = y * 12 + (m - 1) + months;
    y = t / 12;
    m = t % 12 + 1;
    static const int aDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int nDays = aDays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d > nDays) d = nDays;
    snprintf(zOut, nOut, "%04d-%02d-%02d", y, m, d);
}

/* Status from a row with risk_tier, created_at and the latest review's
 * held_on, decision, board (NULL when none). */
static json_t *status_of(const json_t *intervals, const char *zTier, const char *zCreated,
                         const char *zHeld, const char *zDecision, const char *zBoard,
                         int64_t now) {
    int months = (int)json_integer_value(json_object_get(intervals, zTier ? zTier : "minimal"));
    if (months < 1) months = 12;
    char zDue[16], zToday[32];
    review_add_months(zHeld ? zHeld : zCreated, months, zDue, sizeof zDue);
    time_iso(now, zToday, sizeof zToday);
    int bOverdue = strncmp(zDue, zToday, 10) < 0;
    json_t *o = json_pack("{si ss sb sb}", "interval_months", months, "due_on", zDue, "overdue",
                          bOverdue, "suspended", zDecision && strcmp(zDecision, "suspend") == 0);
    json_object_set_new(o, "last_held_on", zHeld ? json_string(zHeld) : json_null());
    json_object_set_new(o, "last_decision", zDecision ? json_string(zDecision) : json_null());
    json_object_set_new(o, "board", zBoard ? json_string(zBoard) : json_null());
    if (bOverdue) {
        int64_t t;
        if (time_parse_iso(zDue, &t) == 0)
            json_object_set_new(o, "days_overdue", json_integer((now - t) / 86400));
    }
    return o;
}

int review_status(Db *db, const json_t *sys, int64_t now, json_t **ppOut) {
    json_t *intervals, *rows;
    int rc = store_review_intervals(db, &intervals);
    if (rc) return rc;
    if ((rc = store_reviews_of(db, json_get_id(sys, "id"), &rows))) {
        json_decref(intervals);
        return rc;
    }
    json_t *last = json_array_get(rows, 0);
    *ppOut = status_of(intervals, json_get_str(sys, "risk_tier"), json_get_str(sys, "created_at"),
                       json_get_str(last, "held_on"), json_get_str(last, "decision"),
                       json_get_str(last, "board"), now);
    json_decref(rows);
    json_decref(intervals);
    return 0;
}

int review_create(Db *db, const Principal *who, const char *zName, json_t *in, int64_t *pId,
                  KeelError *e) {
    int rc = resource_validate(&resource_ethics_review, in, 1, e);
    if (rc) return rc;
    char zToday[32];
    time_iso(time_now(), zToday, sizeof zToday);
    if (strncmp(json_get_str(in, "held_on"), zToday, 10) > 0)
        return err_set(e, KEEL_EINVAL, "held_on",
                       "held_on is in the future; record a review once it has been held");
    if (strcmp(json_get_str(in, "decision"), "continue_with_conditions") == 0 &&
        !json_is_string(json_object_get(in, "conditions")))
        return err_set(e, KEEL_EINVAL, "conditions",
                       "a decision continue_with_conditions needs its conditions");
    json_t *sys;
    if ((rc = system_get_row(db, zName, &sys, e))) return rc;
    json_object_set_new(in, "system_id", json_integer(json_get_id(sys, "id")));
    char zSys[SYSTEM_NAME_MAX + 1];
    snprintf(zSys, sizeof zSys, "%s", json_get_str(sys, "name"));
    json_decref(sys);
    json_object_set_new(in, "account_id", json_integer(who->accountId));
    json_object_set_new(in, "created_by", json_string(who->zEmail[0] ? who->zEmail : "system"));
    Actor a = auth_actor(who);
    int64_t systemId = json_get_id(in, "system_id");
    int bSuspend = strcmp(json_get_str(in, "decision"), "suspend") == 0;
    json_t *answer = NULL;
    /* the review and, for a suspension, its switch flip commit together */
    if ((rc = db_begin(db))) return rc;
    rc = store_crud_create(db, &resource_ethics_review, &a, in, pId, e);
    if (rc == 0 && bSuspend) {
        /* a suspension takes the system out of the loop now: its switch off */
        char zReason[400], zCause[64];
        snprintf(zReason, sizeof zReason, "suspended by the ethics review of %s held on %s",
                 json_get_str(in, "board"), json_get_str(in, "held_on"));
        snprintf(zCause, sizeof zCause, "ethics_review:%lld", (long long)*pId);
        rc = switch_force_off(db, who, systemId, zSys, zReason, zCause, &answer);
    }
    if ((rc = db_end(db, rc)) == 0 && answer) rc = switch_cache_put(answer);
    json_decref(answer);
    return rc;
}

int review_schedule(Db *db, json_t **ppOut) {
    json_t *intervals, *rows;
    int rc = store_review_intervals(db, &intervals);
    if (rc) return rc;
    if ((rc = store_review_schedule(db, &rows))) {
        json_decref(intervals);
        return rc;
    }
    int64_t now = time_now();
    json_t *items = json_array(), *findings = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        json_t *st = status_of(intervals, json_get_str(x, "risk_tier"),
                               json_get_str(x, "created_at"), json_get_str(x, "held_on"),
                               json_get_str(x, "decision"), json_get_str(x, "board"), now);
        json_object_set(st, "system", json_object_get(x, "name"));
        json_object_set(st, "title", json_object_get(x, "title"));
        json_object_set(st, "risk_tier", json_object_get(x, "risk_tier"));
        char z[300];
        if (json_is_true(json_object_get(st, "overdue"))) {
            snprintf(z, sizeof z, "the ethics review of %s (%s tier, every %lld months) was due %s",
                     json_get_str(x, "name"), json_get_str(x, "risk_tier"),
                     (long long)json_integer_value(json_object_get(st, "interval_months")),
                     json_get_str(st, "due_on"));
            json_array_append_new(findings, json_pack("{ss ss sO sO ss}", "code", "review_overdue",
                                                      "severity", "warning", "system",
                                                      json_object_get(x, "name"), "due_on",
                                                      json_object_get(st, "due_on"), "message", z));
        }
        if (json_is_true(json_object_get(st, "suspended"))) {
            snprintf(z, sizeof z,
                     "%s is suspended by the ethics review of %s: every gate is "
                     "blocked until a later review lifts it",
                     json_get_str(x, "name"), json_get_str(x, "held_on"));
            json_array_append_new(findings, json_pack("{ss ss sO ss}", "code", "suspended",
                                                      "severity", "critical", "system",
                                                      json_object_get(x, "name"), "message", z));
        }
        json_array_append_new(items, st);
    }
    json_decref(rows);
    *ppOut = json_pack("{so so so}", "items", items, "findings", findings, "intervals", intervals);
    return 0;
}

int review_intervals_set(Db *db, const Principal *who, const json_t *in, KeelError *e) {
    const char *zKey;
    json_t *v;
    if (!json_object_size(in))
        return err_set(e, KEEL_EINVAL, "", "send {tier: months}, e.g. {\"high\": 6}");
    json_object_foreach((json_t *)in, zKey, v) {
        if (resource_enum_index(azRiskTier, zKey) < 0)
            return err_set(e, KEEL_EINVAL, zKey,
                           "'%.40s' is not a tier: prohibited, high, limited or minimal", zKey);
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 60)
            return err_set(e, KEEL_EINVAL, zKey, "%s: months must be an integer 1 to 60", zKey);
    }
    Actor a = auth_actor(who);
    int rc = db_begin(db);
    json_object_foreach((json_t *)in, zKey, v) {
        if (rc) break;
        rc = store_review_interval_set(db, &a, zKey, json_integer_value(v));
    }
    return db_end(db, rc);
}
