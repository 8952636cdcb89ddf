/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The committee's agenda and meetings; see meeting.h. */
#include "domain/meeting.h"
#include "domain/committee.h"
#include "domain/gate.h"
#include "domain/review.h"
#include "domain/risk.h"
#include "store/store_committee.h"
#include "store/store_crud.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azMeetingStatus[] = {"planned", "held", NULL};

static const FieldDef aMeetingField[] = {
    ID_FIELD,
    {"title", FT_TEXT, F_REQUIRED | F_SORT, 1, 200, NULL, NULL, "e.g. AI committee, Q3 2026"},
    {"held_on", FT_DATE, F_REQUIRED | F_SORT | F_FILTER, 0, 0, NULL, NULL, "the meeting's date"},
    {"status", FT_ENUM, F_FILTER, 0, 0, azMeetingStatus, NULL,
     "planned (the agenda is live) or held (the agenda is kept as it stood)"},
    {"agenda", FT_TEXT, F_READONLY | F_NULLABLE, 0, 0, NULL, NULL, "the agenda kept when held"},
    {"notes", FT_TEXT, F_NULLABLE, 0, 20000, NULL, NULL, "the minutes' own words"},
    TIMES,
};
const ResourceDef resource_meeting = RESOURCE("meeting", "meeting", aMeetingField);

static void add(json_t *items, const char *zKind, json_t *ref, const char *zTitle,
                const char *zDetail) {
    json_array_append_new(items, json_pack("{ss so ss ss}", "kind", zKind, "ref", ref, "title",
                                           zTitle ? zTitle : "", "detail", zDetail ? zDetail : ""));
}

static int agenda_proposals(Db *db, json_t *items, const char *zToday) {
    json_t *rows;
    int rc = store_proposals_open(db, &rows);
    if (rc) return rc;
    size_t i;
    json_t *p;
    json_array_foreach(rows, i, p) {
        char z[200];
        snprintf(z, sizeof z, "%s", json_get_str(p, "action_type"));
        add(items, "proposal", json_integer(json_get_id(p, "id")), json_get_str(p, "title"), z);
        json_t *it = json_array_get(items, json_array_size(items) - 1);
        json_object_set(it, "due", json_object_get(p, "due_date"));
        json_object_set_new(it, "overdue",
                            json_boolean(strcmp(json_get_str(p, "due_date"), zToday) < 0));
        json_object_set(it, "initiative_id", json_object_get(p, "initiative_id"));
    }
    json_decref(rows);
    return 0;
}

static int agenda_gates(Db *db, json_t *items) {
    static const char *const azNext[][2] = {
        {"approved", "pilot"}, {"pilot", "scaling"}, {"scaling", "operating"}};
    json_t *rows;
    int rc = store_initiatives_in_gated_stages(db, &rows);
    if (rc) return rc;
    size_t i, j;
    json_t *x, *r;
    json_array_foreach(rows, i, x) {
        const char *zStage = json_get_str(x, "stage"), *zNext = NULL;
        for (int k = 0; k < 3; k++)
            if (strcmp(zStage, azNext[k][0]) == 0) zNext = azNext[k][1];
        json_t *g = NULL;
        if (!zNext || gate_initiative(db, json_get_id(x, "id"), zStage, zNext, &g) || !g) continue;
        if (strcmp(json_get_str(g, "verdict"), "refuse") == 0) {
            int nOpen = 0;
            json_array_foreach(json_object_get(g, "requirements"), j, r) {
                if (strcmp(json_get_str(r, "state"), "met") &&
                    !json_is_true(json_object_get(r, "overridden")))
                    nOpen++;
            }
            char z[200];
            snprintf(z, sizeof z, "%s -> %s: %d requirements open", zStage, zNext, nOpen);
            add(items, "gate", json_integer(json_get_id(x, "id")), json_get_str(x, "title"), z);
            json_object_set(json_array_get(items, json_array_size(items) - 1), "initiative_id",
                            json_object_get(x, "id"));
        }
        json_decref(g);
    }
    json_decref(rows);
    return 0;
}

int committee_agenda(Db *db, json_t **ppOut) {
    char zToday[16], zNow[32];
    time_date(time_now(), zToday, sizeof zToday);
    time_iso(time_now(), zNow, sizeof zNow);
    json_t *items = json_array(), *sched = NULL, *heat = NULL;
    int rc = agenda_proposals(db, items, zToday);
    if (rc == 0) rc = agenda_gates(db, items);
    if (rc == 0) rc = review_schedule(db, &sched);
    size_t i;
    json_t *f;
    if (rc == 0) {
        json_array_foreach(json_object_get(sched, "findings"), i, f) {
            add(items, "review", json_incref(json_object_get(f, "system")),
                json_get_str(f, "system"), json_get_str(f, "code"));
            json_object_set(json_array_get(items, json_array_size(items) - 1), "due",
                            json_object_get(f, "due_on"));
        }
        rc = risk_heatmap(db, &heat);
    }
    if (rc == 0) {
        json_array_foreach(json_object_get(heat, "findings"), i, f) {
            if (strcmp(json_get_str(f, "severity"), "critical")) continue;
            add(items, "finding", json_incref(json_object_get(f, "risk_id")),
                json_get_str(f, "message"), json_get_str(f, "code"));
            json_object_set(json_array_get(items, json_array_size(items) - 1), "due",
                            json_object_get(f, "due_date"));
            json_object_set(json_array_get(items, json_array_size(items) - 1), "title_code",
                            json_object_get(f, "message_code"));
        }
    }
    json_decref(sched);
    json_decref(heat);
    if (rc) {
        json_decref(items);
        return rc;
    }
    json_t *counts =
        json_pack("{si si si si}", "proposal", 0, "gate", 0, "review", 0, "finding", 0);
    json_array_foreach(items, i, f) {
        const char *k = json_get_str(f, "kind");
        json_object_set_new(counts, k, json_integer(json_get_id(counts, k) + 1));
    }
    *ppOut = json_pack("{ss so so}", "generated_at", zNow, "items", items, "counts", counts);
    return 0;
}

int meeting_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    int rc = resource_validate(&resource_meeting, in, 1, e);
    if (rc) return rc;
    if (!json_object_get(in, "status")) json_object_set_new(in, "status", json_string("planned"));
    if (strcmp(json_get_str(in, "status"), "held") == 0)
        return err_set(e, KEEL_EINVAL, "status",
                       "a meeting starts planned; mark it held once it took place");
    Actor a = auth_actor(who);
    return store_crud_create(db, &resource_meeting, &a, in, pId, e);
}

int meeting_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_meeting, in, 0, e);
    if (rc) return rc;
    json_t *cur;
    rc = store_crud_get(db, &resource_meeting, id, &cur);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "meeting", id);
    if (rc) return rc;
    int bHeld = strcmp(json_get_str(cur, "status"), "held") == 0;
    json_decref(cur);
    const char *zStatus = json_get_str(in, "status");
    if (bHeld && zStatus && strcmp(zStatus, "planned") == 0)
        return err_set_code(e, KEEL_ECONFLICT, "meeting_held", "status",
                            "meeting %" PRId64 " was held; its agenda is kept as it stood", id);
    if (!bHeld && zStatus && strcmp(zStatus, "held") == 0) {
        json_t *ag;
        if ((rc = committee_agenda(db, &ag))) return rc;
        char *z = json_dumps(ag, JSON_COMPACT);
        json_decref(ag);
        json_object_set_new(in, "agenda", json_string(z ? z : "{}"));
        free(z);
    }
    Actor a = auth_actor(who);
    return store_crud_update(db, &resource_meeting, &a, id, in, e);
}

int meeting_get(Db *db, int64_t id, json_t **ppOut, KeelError *e) {
    json_t *m;
    int rc = store_crud_get(db, &resource_meeting, id, &m);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "meeting", id);
    if (rc) return rc;
    json_t *ag = NULL;
    const char *zAgenda = json_get_str(m, "agenda");
    if (zAgenda) ag = json_loads(zAgenda, 0, NULL);
    if (!ag && (rc = committee_agenda(db, &ag))) {
        json_decref(m);
        return rc;
    }
    json_object_set_new(m, "agenda", ag);
    char zPrev[16] = "";
    json_t *decisions = NULL;
    rc = store_meeting_previous(db, id, json_get_str(m, "held_on"), zPrev, sizeof zPrev);
    if (rc == 0) rc = store_decisions_between(db, zPrev, json_get_str(m, "held_on"), &decisions);
    if (rc) {
        json_decref(m);
        return rc;
    }
    size_t i;
    json_t *d;
    json_array_foreach(decisions, i, d) decision_decorate(db, d);
    json_object_set_new(m, "minutes",
                        json_pack("{s:s? ss so}", "from", zPrev[0] ? zPrev : NULL, "to",
                                  json_get_str(m, "held_on"), "decisions", decisions));
    *ppOut = m;
    return 0;
}
