/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo's path 4 section ("collaboration" in data/demo.json): the AI
 * committee with its chair, stores as units with KPI readings per store,
 * the stores' staff with their training (one store below its AI literacy
 * target, so that its rollout waits), programmes with sessions and
 * completions, a pilot that met its exit criteria and its rollouts store
 * by store, and
 * proposals voted at the dates the section gives (days before the load
 * day): decided ones for the decision log (one of them refused by the
 * rules), a pending one with votes cast and a member conflicted out, and
 * a meeting held. Everything goes through the domain functions the API
 * calls. */
#include "domain/demo.h"
#include "domain/alignment.h"
#include "domain/committee.h"
#include "domain/meeting.h"
#include "domain/pilot.h"
#include "domain/training.h"
#include "store/store_account.h"
#include "store/store_crud.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <string.h>

int demo_as(Db *db, const char *zEmail, Principal *p, KeelError *e) {
    AccountRow a;
    int rc = zEmail ? store_account_by_email(db, zEmail, &a) : KEEL_ENOTFOUND;
    if (rc) return err_set(e, rc, "by", "demo: no account %.100s", zEmail ? zEmail : "(none)");
    auth_principal_from_account(&a, AUTH_COOKIE, p);
    return 0;
}

int demo_section_error(int rc, KeelError *e, const char *zSection) {
    if (rc && !strstr(e->zMsg, "demo")) {
        char z[sizeof e->zMsg];
        snprintf(z, sizeof z, "demo %s: %.290s", zSection, e->zMsg);
        snprintf(e->zMsg, sizeof e->zMsg, "%s", z);
    }
    return rc;
}

static int64_t id_by(Db *db, const ResourceDef *r, const char *zField, const json_t *o,
                     const char *zKey) {
    const char *z = json_get_str(o, zKey);
    return z ? store_crud_id_by(db, r, zField, z) : 0;
}

static void at(const json_t *o) {
    time_shift(-json_integer_value(json_object_get(o, "days_ago")) * 86400);
}

static int committee(Db *db, const Principal *sys, const json_t *sec, KeelError *e) {
    size_t i;
    json_t *m;
    int rc = 0;
    json_array_foreach(json_object_get(sec, "members"), i, m) {
        int64_t id;
        json_t *in = json_pack(
            "{sI sb}", "person_id",
            (json_int_t)store_crud_id_by(db, &resource_person, "email", json_string_value(m)),
            "chair", i == 0);
        rc = committee_member_add(db, sys, in, &id, e);
        json_decref(in);
        if (rc) return rc;
    }
    return 0;
}

static int stores(Db *db, const Principal *sys, const json_t *sec, KeelError *e) {
    size_t i, k;
    json_t *u, *r;
    int rc = 0;
    json_array_foreach(json_object_get(sec, "units"), i, u) {
        int64_t id;
        json_t *in =
            json_pack("{sO ss sI}", "name", json_object_get(u, "name"), "kind", "region",
                      "parent_id", (json_int_t)id_by(db, &resource_unit, "name", u, "parent"));
        rc = resource_create(db, sys, &resource_unit, in, &id, e);
        json_decref(in);
        if (rc) return rc;
    }
    json_array_foreach(json_object_get(sec, "unit_values"), i, u) {
        json_t *rows = json_array();
        json_array_foreach(json_object_get(u, "readings"), k, r) {
            json_array_append_new(
                rows,
                json_pack("{sI sO sO}", "org_unit_id",
                          (json_int_t)id_by(db, &resource_unit, "name", r, "unit"), "period",
                          json_object_get(r, "period"), "value", json_object_get(r, "value")));
        }
        int n;
        rc = pilot_unit_values_import(db, sys, id_by(db, &resource_kpi, "name", u, "kpi"), rows, &n,
                                      e);
        json_decref(rows);
        if (rc) return rc;
    }
    return 0;
}

/* The stores' staff, the training programmes with their sessions and who
 * completed them (at a session's date). */
static int training(Db *db, const Principal *sys, const json_t *sec, KeelError *e) {
    const json_t *tr = json_object_get(sec, "training");
    size_t i, k;
    json_t *x, *y;
    int rc = 0;
    json_array_foreach(json_object_get(tr, "people"), i, x) {
        int64_t id;
        json_t *in = json_pack("{sO sO sI sO sO}", "name", json_object_get(x, "name"), "email",
                               json_object_get(x, "email"), "unit_id",
                               (json_int_t)id_by(db, &resource_unit, "name", x, "unit"), "skills",
                               json_object_get(x, "skills"), "capacity_fte",
                               json_object_get(x, "capacity_fte"));
        rc = resource_create(db, sys, &resource_person, in, &id, e);
        json_decref(in);
        if (rc) return rc;
    }
    json_array_foreach(json_object_get(tr, "programmes"), i, x) {
        json_t *in = json_deep_copy(x);
        json_object_del(in, "sessions");
        json_object_del(in, "completed");
        json_object_del(in, "audience");
        if (json_get_str(x, "audience"))
            json_object_set_new(in, "audience_unit_id",
                                json_integer(id_by(db, &resource_unit, "name", x, "audience")));
        int64_t pid, sid;
        rc = training_programme_create(db, sys, in, &pid, e);
        json_decref(in);
        json_t *sessions = json_array(), *dates = json_object_get(x, "sessions");
        json_array_foreach(dates, k, y) {
            if (rc) break;
            json_t *s = json_deep_copy(y);
            rc = training_session_add(db, sys, pid, s, &sid, e);
            json_decref(s);
            json_array_append_new(sessions, json_integer(sid));
        }
        json_array_foreach(json_object_get(x, "completed"), k, y) {
            if (rc) break;
            size_t n = (size_t)json_integer_value(json_object_get(y, "session"));
            json_t *c = json_pack("{sI sO sO}", "person_id",
                                  (json_int_t)id_by(db, &resource_person, "email", y, "person"),
                                  "session_id", json_array_get(sessions, n), "completed_on",
                                  json_object_get(json_array_get(dates, n), "held_on"));
            int64_t cid;
            rc = training_completion_add(db, sys, pid, c, &cid, e);
            json_decref(c);
        }
        json_decref(sessions);
        if (rc) return rc;
    }
    return 0;
}

static int pilots(Db *db, const json_t *sec, KeelError *e) {
    size_t i, k;
    json_t *p, *c;
    int rc = 0;
    json_array_foreach(json_object_get(sec, "pilots"), i, p) {
        Principal by;
        if ((rc = demo_as(db, json_get_str(p, "by"), &by, e))) return rc;
        int64_t iid = id_by(db, &resource_initiative, "title", p, "initiative");
        json_t *in = json_deep_copy(p), *crit = json_array();
        json_array_foreach(json_object_get(p, "criteria"), k, c) {
            json_array_append_new(crit,
                                  json_pack("{sI sO}", "kpi_id",
                                            (json_int_t)id_by(db, &resource_kpi, "name", c, "kpi"),
                                            "change_pct", json_object_get(c, "change_pct")));
        }
        json_object_set_new(in, "criteria", crit);
        json_object_set_new(in, "org_unit_id",
                            json_integer(id_by(db, &resource_unit, "name", p, "unit")));
        static const char *const azDrop[] = {"by", "initiative", "unit", "rollouts"};
        for (int d = 0; d < 4; d++)
            json_object_del(in, azDrop[d]);
        rc = pilot_put(db, &by, iid, in, e);
        json_decref(in);
        json_array_foreach(json_object_get(p, "rollouts"), k, c) {
            if (rc) break;
            int64_t rid;
            json_t *ro = json_pack("{sI sO* sO*}", "org_unit_id",
                                   (json_int_t)id_by(db, &resource_unit, "name", c, "unit"),
                                   "planned_start", json_object_get(c, "planned_start"),
                                   "planned_live", json_object_get(c, "planned_live"));
            rc = rollout_create(db, &by, iid, ro, &rid, e);
            json_decref(ro);
            const char *zStatus = json_get_str(c, "status");
            if (rc == 0 && zStatus && strcmp(zStatus, "planned")) {
                /* started on its planned start, live on its planned go-live */
                json_t *upd = json_pack("{ss}", "status", "in_progress");
                at(c);
                rc = rollout_update(db, &by, iid, rid, upd, e);
                json_decref(upd);
                if (rc == 0 && strcmp(zStatus, "live") == 0) {
                    json_t *live = json_pack("{ss}", "status", "live");
                    time_shift(-json_integer_value(json_object_get(c, "live_days_ago")) * 86400);
                    rc = rollout_update(db, &by, iid, rid, live, e);
                    json_decref(live);
                }
                time_shift(0);
            }
        }
        if (rc) return rc;
    }
    return 0;
}

/* The action of a demo proposal with names resolved to ids. */
static json_t *action_of(Db *db, const json_t *p) {
    json_t *a = json_deep_copy(json_object_get(p, "action"));
    if (json_get_str(a, "initiative")) {
        json_object_set_new(
            a, "initiative_id",
            json_integer(id_by(db, &resource_initiative, "title", a, "initiative")));
        json_object_del(a, "initiative");
    }
    return a;
}

static int proposals(Db *db, const json_t *sec, KeelError *e) {
    size_t i, k;
    json_t *p, *v;
    int rc = 0;
    json_array_foreach(json_object_get(sec, "proposals"), i, p) {
        Principal by, voter;
        if ((rc = demo_as(db, json_get_str(p, "by"), &by, e))) return rc;
        at(p);
        char zDue[16];
        time_date(time_now() + 14 * 86400, zDue, sizeof zDue);
        json_t *in =
            json_pack("{sO sO so ss sO*}", "title", json_object_get(p, "title"), "action_type",
                      json_object_get(p, "action_type"), "action", action_of(db, p), "due_date",
                      zDue, "note", json_object_get(p, "note"));
        if (json_object_get(p, "evidence"))
            json_object_set(in, "evidence", json_object_get(p, "evidence"));
        int64_t pid;
        rc = proposal_create(db, &by, in, &pid, e);
        json_decref(in);
        json_array_foreach(json_object_get(p, "conflicts"), k, v) {
            if (rc) break;
            if ((rc = demo_as(db, json_get_str(v, "by"), &voter, e))) break;
            json_t *c = json_pack("{sO}", "reason", json_object_get(v, "reason"));
            rc = proposal_conflict(db, &voter, pid, c, e);
            json_decref(c);
        }
        json_array_foreach(json_object_get(p, "votes"), k, v) {
            if (rc) break;
            if ((rc = demo_as(db, json_get_str(v, "by"), &voter, e))) break;
            json_t *c = json_pack("{sO sO*}", "vote", json_object_get(v, "vote"), "comment",
                                  json_object_get(v, "comment"));
            rc = proposal_vote(db, &voter, pid, c, e);
            json_decref(c);
        }
        if (rc == 0 && json_is_true(json_object_get(p, "close")))
            rc = proposal_close(db, &by, pid, e);
        time_shift(0);
        if (rc) return rc;
    }
    return 0;
}

static int meetings(Db *db, const json_t *sec, KeelError *e) {
    size_t i;
    json_t *m;
    int rc = 0;
    json_array_foreach(json_object_get(sec, "meetings"), i, m) {
        Principal by;
        if ((rc = demo_as(db, json_get_str(m, "by"), &by, e))) return rc;
        at(m);
        char zOn[16];
        time_date(time_now(), zOn, sizeof zOn);
        int64_t id;
        json_t *in = json_pack("{sO ss sO*}", "title", json_object_get(m, "title"), "held_on", zOn,
                               "notes", json_object_get(m, "notes"));
        rc = meeting_create(db, &by, in, &id, e);
        json_decref(in);
        if (rc == 0 && json_is_true(json_object_get(m, "held"))) {
            json_t *upd = json_pack("{ss}", "status", "held");
            rc = meeting_update(db, &by, id, upd, e);
            json_decref(upd);
        }
        time_shift(0);
        if (rc) return rc;
    }
    return 0;
}

int collab_demo_load(Db *db, const json_t *doc, KeelError *e) {
    const json_t *sec = json_object_get(doc, "collaboration");
    if (!sec) return 0;
    Principal sys;
    int rc = demo_as(db, json_get_str(sec, "admin"), &sys, e);
    if (rc == 0) rc = committee(db, &sys, sec, e);
    if (rc == 0) rc = stores(db, &sys, sec, e);
    if (rc == 0) rc = training(db, &sys, sec, e);
    if (rc == 0) rc = pilots(db, sec, e);
    if (rc == 0) rc = proposals(db, sec, e);
    if (rc == 0) rc = meetings(db, sec, e);
    time_shift(0);
    return demo_section_error(rc, e, "collaboration");
}
