/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4's schedule slips: plans against actual dates, flags and their
 * blocking causes; see slip.h. */
#include "domain/slip.h"
#include "domain/alignment.h"
#include "domain/definition.h"
#include "domain/initiative.h"
#include "domain/pilot.h"
#include "store/store_committee.h"
#include "store/store_crud.h"
#include "store/store_slip.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the stages an initiative moves through, in order (retired and rejected
 * end it and have no plan) */
static const char *const azLine[] = {"idea",    "assessed",  "approved", "pilot",
                                     "scaling", "operating", NULL};
static const char *const azPlanned[] = {"assessed", "approved",  "pilot",
                                        "scaling",  "operating", NULL};

static const FieldDef aPlanField[] = {
    ID_FIELD,
    {"initiative_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "initiative", "the initiative"},
    {"stage", FT_ENUM, F_REQUIRED, 0, 0, azPlanned, NULL,
     "the stage to reach: assessed, approved, pilot, scaling or operating"},
    {"planned_on", FT_DATE, F_REQUIRED, 0, 0, NULL, NULL, "the day it should be reached by"},
    TIMES,
};
const ResourceDef resource_stage_plan = RESOURCE("stage_plan", "stage_plan", aPlanField);

static const FieldDef aDeadlineField[] = {
    ID_FIELD,
    {"initiative_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "initiative", "the initiative"},
    {"name", FT_TEXT, F_REQUIRED, 1, 200, NULL, NULL, "the business event (\"the sales season\")"},
    {"due_on", FT_DATE, F_REQUIRED, 0, 0, NULL, NULL, "its date"},
    {"stage", FT_ENUM, F_REQUIRED, 0, 0, azPlanned, NULL, "the stage needed by then"},
    TIMES,
};
const ResourceDef resource_deadline =
    RESOURCE("initiative_deadline", "initiative_deadline", aDeadlineField);

/* ---- dates (pure) ---- */

int slip_day(const char *z, int64_t *pDays) {
    if (!z || strlen(z) < 10) return -1;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? z[i] != '-' : z[i] < '0' || z[i] > '9') return -1;
    int y = atoi(z), m = atoi(z + 5), d = atoi(z + 8);
    static const int aDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > aDays[m - 1]) return -1;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return -1;
    *pDays = time_days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

int slip_eval(const char *zPlanned, const char *zActual, int bDone, const char *zToday,
              SlipEval *p) {
    int64_t plan, today, actual;
    if (slip_day(zPlanned, &plan) || slip_day(zToday, &today)) return -1;
    if (zActual && zActual[0]) {
        if (slip_day(zActual, &actual)) return -1;
        p->state = actual > plan ? SLIP_LATE : SLIP_ON_TIME;
        p->days = actual > plan ? actual - plan : plan - actual;
    } else if (bDone) {
        p->state = SLIP_ON_TIME;
        p->days = 0;
    } else if (today > plan) {
        p->state = SLIP_OVERDUE;
        p->days = today - plan;
    } else {
        p->state = SLIP_PENDING;
        p->days = plan - today;
    }
    return 0;
}

const char *slip_state_name(int state) {
    static const char *const az[] = {"pending", "on_time", "late", "overdue"};
    return state >= 0 && state <= 3 ? az[state] : "pending";
}

/* ---- the schedule ---- */

static int rank(const char *zStage) { return resource_enum_index(azLine, zStage); }

/* The day initiative (current stage zStage) entered zTarget: into zOn
 * (empty when unknown) and *pbDone when it has entered it at all. */
static void reached(const json_t *aReached, const char *zStage, const char *zTarget, char *zOn,
                    size_t n, int *pbDone) {
    size_t i;
    json_t *x;
    zOn[0] = 0;
    *pbDone = rank(zStage) >= 0 && rank(zStage) >= rank(zTarget);
    json_array_foreach(aReached, i, x) {
        if (strcmp(json_get_str(x, "to_stage"), zTarget) == 0 && *pbDone)
            snprintf(zOn, n, "%.10s", json_get_str(x, "reached_at"));
    }
}

/* Add state and days of ev to o (state name as given when zState). */
static void put_eval(json_t *o, const char *zPrefix, const SlipEval *ev, const char *zState) {
    char zKey[40];
    snprintf(zKey, sizeof zKey, "%sstate", zPrefix);
    json_object_set_new(o, zKey, json_string(zState ? zState : slip_state_name(ev->state)));
    snprintf(zKey, sizeof zKey, "%sdays", zPrefix);
    json_object_set_new(o, zKey, json_integer(ev->days));
}

/* Append a flag to slips; returns it (borrowed). */
static json_t *add_slip(json_t *slips, const char *zKind, const char *zWhat, const char *zPlanned,
                        const char *zState, int64_t days) {
    json_t *o = json_pack("{ss ss ss ss sI}", "kind", zKind, "what", zWhat, "planned_on", zPlanned,
                          "state", zState, "days", (json_int_t)days);
    json_array_append_new(slips, o);
    return o;
}

/* The stage plan and deadlines set against the stages reached. */
static int plan_part(Db *db, const json_t *init, const char *zToday, json_t *out, json_t *slips) {
    int64_t id = json_get_id(init, "id");
    const char *zStage = json_get_str(init, "stage");
    json_t *plan = NULL, *dl = NULL, *aReached = NULL;
    int rc = store_stage_plan_of(db, id, &plan);
    if (rc == 0) rc = store_deadlines_of(db, id, &dl);
    if (rc == 0) rc = store_stage_reached(db, id, &aReached);
    int bLive = rank(zStage) >= 0;
    int bBehind = 0; /* some planned stage is overdue */
    size_t i, j;
    json_t *x, *y;
    char zOn[16];
    int bDone;
    SlipEval ev;
    json_array_foreach(rc ? NULL : plan, i, x) {
        reached(aReached, zStage, json_get_str(x, "stage"), zOn, sizeof zOn, &bDone);
        if (slip_eval(json_get_str(x, "planned_on"), zOn, bDone, zToday, &ev)) continue;
        json_object_set_new(x, "reached_on", zOn[0] ? json_string(zOn) : json_null());
        put_eval(x, "", &ev, NULL);
        if (ev.state == SLIP_OVERDUE && bLive) {
            bBehind = 1;
            add_slip(slips, "stage", json_get_str(x, "stage"), json_get_str(x, "planned_on"),
                     "overdue", ev.days);
        }
    }
    json_array_foreach(rc ? NULL : dl, i, x) {
        const char *zNeed = json_get_str(x, "stage"), *zDue = json_get_str(x, "due_on");
        reached(aReached, zStage, zNeed, zOn, sizeof zOn, &bDone);
        if (slip_eval(zDue, zOn, bDone, zToday, &ev)) continue;
        json_object_set_new(x, "reached_on", zOn[0] ? json_string(zOn) : json_null());
        const char *zState = NULL;
        if (ev.state == SLIP_OVERDUE) zState = "missed";
        if (ev.state == SLIP_PENDING) { /* at risk: late already, or planned after it */
            int bAfter = 0;
            json_array_foreach(plan, j, y) bAfter |=
                strcmp(json_get_str(y, "stage"), zNeed) == 0 &&
                strcmp(json_get_str(y, "planned_on"), zDue) > 0;
            if (bBehind || bAfter) zState = "at_risk";
        }
        put_eval(x, "", &ev, zState);
        if (zState && bLive)
            json_object_set(
                add_slip(slips, "deadline", json_get_str(x, "name"), zDue, zState, ev.days),
                "stage_needed", json_object_get(x, "stage"));
    }
    if (rc == 0) {
        json_object_set(out, "plan", plan);
        json_object_set(out, "deadlines", dl);
    }
    json_decref(plan);
    json_decref(dl);
    json_decref(aReached);
    return rc;
}

/* The pilot's end and the rollouts' planned dates against what happened. */
static int delivery_part(Db *db, const json_t *init, const char *zToday, json_t *out, json_t *slips,
                         int *pbPilotUnmet) {
    int64_t id = json_get_id(init, "id");
    const char *zStage = json_get_str(init, "stage");
    json_t *pg = NULL, *ros = NULL;
    KeelError e2 = {0};
    int rc = pilot_get(db, id, &pg, &e2);
    if (rc == 0) rc = store_rollouts_of(db, id, &ros);
    if (rc) {
        json_decref(pg);
        return rc;
    }
    json_t *p = json_object_get(pg, "pilot");
    *pbPilotUnmet = json_is_object(p) && strcmp(json_get_str(pg, "status"), "met") != 0;
    SlipEval ev;
    if (json_is_object(p) &&
        slip_eval(json_get_str(p, "ends_on"), NULL, rank(zStage) > 3, zToday, &ev) == 0) {
        json_t *o = json_pack("{sO sO}", "ends_on", json_object_get(p, "ends_on"), "criteria",
                              json_object_get(pg, "status"));
        put_eval(o, "", &ev, NULL);
        /* a rollout under way is scaling in practice, whatever the stage says */
        int bScaling = 0;
        size_t k;
        json_t *r;
        json_array_foreach(ros, k, r) bScaling |=
            strcmp(json_get_str(r, "status"), "in_progress") == 0 ||
            strcmp(json_get_str(r, "status"), "live") == 0;
        if (ev.state == SLIP_OVERDUE && strcmp(zStage, "pilot") == 0 && !bScaling)
            add_slip(slips, "pilot", "pilot", json_get_str(p, "ends_on"), "overdue", ev.days);
        json_object_set_new(out, "pilot", o);
    } else {
        json_object_set_new(out, "pilot", json_null());
    }
    size_t i;
    json_t *r, *items = json_array();
    json_array_foreach(ros, i, r) {
        const char *zSt = json_get_str(r, "status");
        int bHalted = strcmp(zSt, "halted") == 0;
        json_t *o =
            json_pack("{sO sO sO sO* sO* sO* sO*}", "id", json_object_get(r, "id"), "unit_name",
                      json_object_get(r, "unit_name"), "status", json_object_get(r, "status"),
                      "planned_start", json_object_get(r, "planned_start"), "started_on",
                      json_object_get(r, "started_on"), "planned_live",
                      json_object_get(r, "planned_live"), "live_on", json_object_get(r, "live_on"));
        static const struct {
            const char *zPlan, *zActual, *zPrefix, *zKind;
        } aStep[] = {{"planned_start", "started_on", "start_", "rollout_start"},
                     {"planned_live", "live_on", "live_", "rollout_live"}};
        for (int k = 0; k < 2; k++) {
            const char *zPlan = json_get_str(r, aStep[k].zPlan);
            if (!zPlan || slip_eval(zPlan, json_get_str(r, aStep[k].zActual), 0, zToday, &ev))
                continue;
            put_eval(o, aStep[k].zPrefix, &ev, NULL);
            if (ev.state == SLIP_OVERDUE && !bHalted)
                add_slip(slips, aStep[k].zKind, json_get_str(r, "unit_name"), zPlan, "overdue",
                         ev.days);
        }
        json_array_append_new(items, o);
    }
    json_object_set_new(out, "rollouts", items);
    json_decref(pg);
    json_decref(ros);
    return 0;
}

/* A cause: its kind (zCode), the message in English, and the same as a
 * code with its values (zSay, params: stolen; docs/api.md#sentences). */
static void add_cause(json_t *causes, const char *zCode, const char *zSay, json_t *params,
                      const char *zFmt, ...) __attribute__((format(printf, 5, 6)));
static void add_cause(json_t *causes, const char *zCode, const char *zSay, json_t *params,
                      const char *zFmt, ...) {
    char z[600];
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(z, sizeof z, zFmt, ap);
    va_end(ap);
    json_array_append_new(causes,
                          json_pack("{ss ss s{ss so}}", "code", zCode, "message", z, "message_code",
                                    "code", zSay, "params", params ? params : json_object()));
}

/* What blocks the initiative's move to zNext (NULL: none planned). */
static int causes_of(Db *db, const json_t *init, const char *zNext, int bPilotUnmet,
                     int bRolloutSlip, json_t *causes) {
    int64_t id = json_get_id(init, "id");
    int rc = 0;
    if (zNext) {
        KeelError be = {0};
        int r = initiative_move_blocker(db, id, zNext, &be);
        if (r == KEEL_ECONFLICT) {
            const char *zCode = strcmp(be.zCode, "signoffs_missing") == 0 ? "missing_signoff"
                                : strcmp(be.zCode, "gate_refused") == 0   ? "gate"
                                                                          : be.zCode;
            json_t *params = be.zParams[0] ? json_loads(be.zParams, 0, NULL) : NULL;
            add_cause(causes, zCode, be.zCode, params, "%s", be.zMsg);
        } else if (r) {
            return r;
        }
    }
    json_t *defs = NULL, *deps = NULL, *x;
    size_t i;
    rc = definition_of_entity(db, "initiative", id, &defs);
    if (rc == 0) rc = store_dependencies_of(db, id, &deps);
    json_array_foreach(rc ? NULL : defs, i, x) {
        const char *zS = json_get_str(x, "status");
        if (strcmp(zS, "agreed") == 0) continue;
        json_t *d = json_array_get(json_object_get(x, "disputed_by"), 0);
        char zMissing[300] = "";
        size_t k = 0, j;
        json_t *m;
        json_array_foreach(json_object_get(x, "missing"), j, m) if (k < sizeof zMissing) k +=
            (size_t)snprintf(zMissing + k, sizeof zMissing - k, "%s%s", j ? ", " : "",
                             json_string_value(m));
        const char *zSince = d && json_get_str(d, "since") ? json_get_str(d, "since") : "";
        if (d)
            add_cause(causes, "definition", "definition_disputed",
                      json_pack("{sO sO ss#}", "definition", json_object_get(x, "name"), "by",
                                json_object_get(d, "name"), "since", zSince,
                                (int)strnlen(zSince, 10)),
                      "it relies on the definition '%s', disputed by %s since %.10s",
                      json_get_str(x, "name"), json_get_str(d, "name"), json_get_str(d, "since"));
        else
            add_cause(causes, "definition", "definition_unsigned",
                      json_pack("{sO sO}", "definition", json_object_get(x, "name"), "departments",
                                json_object_get(x, "missing")),
                      "it relies on the definition '%s', not signed by %s", json_get_str(x, "name"),
                      k ? zMissing : "any department");
    }
    json_array_foreach(rc ? NULL : deps, i, x) {
        const char *zS = json_get_str(x, "stage");
        if (zNext && rank(zS) >= 0 && rank(zS) >= rank(zNext)) continue;
        if (!zNext && rank(zS) >= 0) continue;
        add_cause(causes, "dependency", "dependency",
                  json_pack("{sO ss}", "initiative", json_object_get(x, "title"), "stage", zS),
                  "it depends on '%s', which is %s", json_get_str(x, "title"), zS);
    }
    if (rc == 0 && bPilotUnmet && ((zNext && strcmp(zNext, "scaling") == 0) || bRolloutSlip))
        add_cause(causes, "pilot_criteria", "pilot_criteria", NULL,
                  "the pilot has not met its exit criteria, and no rollout may start before it "
                  "does (unless the committee overrides it)");
    json_decref(defs);
    json_decref(deps);
    return rc;
}

/* The schedule of initiative init (a row with id, title, stage). */
static int schedule_of(Db *db, const json_t *init, json_t **ppOut) {
    char zToday[16];
    time_date(time_now(), zToday, sizeof zToday);
    const char *zStage = json_get_str(init, "stage");
    int r = rank(zStage);
    const char *zNext = r >= 0 && azLine[r + 1] ? azLine[r + 1] : NULL;
    json_t *out = json_pack("{sO sO sO ss* ss}", "initiative_id", json_object_get(init, "id"),
                            "title", json_object_get(init, "title"), "stage",
                            json_object_get(init, "stage"), "next_stage", zNext, "today", zToday);
    json_t *slips = json_array(), *causes = json_array();
    int bPilotUnmet = 0;
    int rc = plan_part(db, init, zToday, out, slips);
    if (rc == 0) rc = delivery_part(db, init, zToday, out, slips, &bPilotUnmet);
    int bRollout = 0;
    size_t i;
    json_t *s;
    json_array_foreach(slips, i, s) bRollout |= strncmp(json_get_str(s, "kind"), "rollout", 7) == 0;
    if (rc == 0 && json_array_size(slips))
        rc = causes_of(db, init, zNext, bPilotUnmet, bRollout, causes);
    json_array_foreach(slips, i, s) json_object_set(s, "causes", causes);
    json_object_set_new(out, "slips", slips);
    json_object_set_new(out, "causes", causes);
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppOut = out;
    return 0;
}

int slip_schedule_get(Db *db, int64_t initiativeId, json_t **ppOut, KeelError *e) {
    json_t *init;
    int rc = store_crud_get(db, &resource_initiative, initiativeId, &init);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "initiative", initiativeId);
    if (rc) return rc;
    rc = schedule_of(db, init, ppOut);
    json_decref(init);
    return rc;
}

/* Check a list of rows against r (at most 20), in place. */
static int check_rows(const ResourceDef *r, const json_t *rows, const char *zField, KeelError *e) {
    if (!json_is_array(rows) || json_array_size(rows) > 20)
        return err_set(e, KEEL_EINVAL, zField, "%s is a list of at most 20 rows", zField);
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        KeelError e2 = {0};
        if (!json_is_object(x) || resource_validate(r, x, 1, &e2))
            return err_set(e, KEEL_EINVAL, zField, "%s[%zu]: %s", zField, i,
                           json_is_object(x) ? e2.zMsg : "not an object");
    }
    return 0;
}

/* Replace the rows of r for the initiative by rows (inside a transaction). */
static int replace_rows(Db *db, const Actor *a, const ResourceDef *r, const json_t *old,
                        const json_t *rows, int64_t id, KeelError *e) {
    size_t i;
    json_t *x;
    int rc = 0;
    json_array_foreach(old, i, x) if (rc == 0) rc =
        store_crud_delete(db, r, a, json_get_id(x, "id"), e);
    json_array_foreach(rows, i, x) {
        if (rc) break;
        json_t *row = json_deep_copy(x);
        json_object_set_new(row, "initiative_id", json_integer(id));
        int64_t nid;
        rc = store_crud_create(db, r, a, row, &nid, e);
        json_decref(row);
    }
    return rc;
}

int slip_schedule_put(Db *db, const Principal *who, int64_t initiativeId, const json_t *in,
                      KeelError *e) {
    static const char *const azKey[] = {"plan", "deadlines", NULL};
    int rc = resource_only_keys(in, azKey, e);
    if (rc) return rc;
    const json_t *plan = json_object_get(in, "plan"), *dl = json_object_get(in, "deadlines");
    if (!plan && !dl)
        return err_set(e, KEEL_EINVAL, "",
                       "send plan: [{stage, planned_on}] and/or deadlines: "
                       "[{name, due_on, stage}]");
    json_t *p2 = plan ? json_deep_copy(plan) : NULL, *d2 = dl ? json_deep_copy(dl) : NULL;
    if (p2) rc = check_rows(&resource_stage_plan, p2, "plan", e);
    if (rc == 0 && d2) rc = check_rows(&resource_deadline, d2, "deadlines", e);
    /* one date per stage, and later stages not planned before earlier ones */
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(rc ? NULL : p2, i, x) json_array_foreach(p2, j, y) {
        if (rc || j <= i) continue;
        int ri = rank(json_get_str(x, "stage")), rj = rank(json_get_str(y, "stage"));
        int c = strcmp(json_get_str(x, "planned_on"), json_get_str(y, "planned_on"));
        if (ri == rj)
            rc = err_set(e, KEEL_EINVAL, "plan", "plan names the stage %s twice",
                         json_get_str(x, "stage"));
        else if ((ri < rj && c > 0) || (ri > rj && c < 0))
            rc = err_set_code(e, KEEL_ERULE, "out_of_order", "plan",
                              "the plan reaches %s before %s: stages come in order",
                              json_get_str(ri < rj ? y : x, "stage"),
                              json_get_str(ri < rj ? x : y, "stage"));
    }
    json_t *init = NULL, *old = NULL;
    if (rc == 0) rc = db_begin(db);
    if (rc) {
        json_decref(p2);
        json_decref(d2);
        return rc;
    }
    rc = store_crud_get(db, &resource_initiative, initiativeId, &init);
    if (rc == KEEL_ENOTFOUND) rc = err_no_id(e, rc, "id", "initiative", initiativeId);
    if (rc == 0 && !auth_is_governor(who) &&
        !(who->role == ROLE_OWNER && who->personId &&
          json_get_id(init, "owner_id") == who->personId))
        rc = err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "",
                          "only the initiative's business owner, the committee or an admin plan "
                          "its schedule");
    Actor a = auth_actor(who);
    if (rc == 0 && p2 && (rc = store_stage_plan_of(db, initiativeId, &old)) == 0) {
        rc = replace_rows(db, &a, &resource_stage_plan, old, p2, initiativeId, e);
        json_decref(old);
        old = NULL;
    }
    if (rc == 0 && d2 && (rc = store_deadlines_of(db, initiativeId, &old)) == 0)
        rc = replace_rows(db, &a, &resource_deadline, old, d2, initiativeId, e);
    json_decref(old);
    json_decref(init);
    json_decref(p2);
    json_decref(d2);
    return db_end(db, rc);
}

/* Every scheduled initiative's schedule (new array). */
static int all_schedules(Db *db, json_t **ppRows) {
    json_t *inits;
    int rc = store_initiatives_scheduled(db, &inits);
    if (rc) return rc;
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(inits, i, x) {
        json_t *s;
        if ((rc = schedule_of(db, x, &s))) break;
        json_array_append_new(out, s);
    }
    json_decref(inits);
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppRows = out;
    return 0;
}

int slip_list(Db *db, json_t **ppOut, KeelError *e) {
    (void)e;
    json_t *all;
    int rc = all_schedules(db, &all);
    if (rc) return rc;
    json_t *items = json_array();
    size_t i, j;
    json_t *s, *x;
    int nInit = 0;
    json_array_foreach(all, i, s) {
        nInit += json_array_size(json_object_get(s, "slips")) > 0;
        json_array_foreach(json_object_get(s, "slips"), j, x) {
            json_t *o = json_deep_copy(x);
            json_object_set(o, "initiative_id", json_object_get(s, "initiative_id"));
            json_object_set(o, "title", json_object_get(s, "title"));
            json_object_set(o, "stage", json_object_get(s, "stage"));
            json_object_set(o, "next_stage", json_object_get(s, "next_stage"));
            json_array_append_new(items, o);
        }
    }
    *ppOut = json_pack("{so s{si si si}}", "items", items, "counts", "initiatives_scheduled",
                       (int)json_array_size(all), "initiatives_slipping", nInit, "slips",
                       (int)json_array_size(items));
    json_decref(all);
    return 0;
}

int slip_findings(Db *db, json_t *findings) {
    json_t *all;
    int rc = all_schedules(db, &all);
    if (rc) return rc;
    size_t i, j, k;
    json_t *s, *x, *c;
    json_array_foreach(all, i, s) {
        const char *zTitle = json_get_str(s, "title");
        json_array_foreach(json_object_get(s, "slips"), j, x) {
            const char *zKind = json_get_str(x, "kind"), *zState = json_get_str(x, "state");
            char zMsg[1500];
            int n;
            if (strcmp(zKind, "stage") == 0)
                n = snprintf(zMsg, sizeof zMsg,
                             "initiative '%s' is %" PRId64 " days past its plan to reach %s "
                             "(planned %s; it is %s)",
                             zTitle, json_get_id(x, "days"), json_get_str(x, "what"),
                             json_get_str(x, "planned_on"), json_get_str(s, "stage"));
            else if (strcmp(zKind, "deadline") == 0)
                n = snprintf(zMsg, sizeof zMsg,
                             strcmp(zState, "missed") == 0
                                 ? "initiative '%s' missed '%s' (%s) by %" PRId64
                                   " days: it needed to be in %s and is %s"
                                 : "initiative '%s' is at risk of missing '%s' (%s, in %" PRId64
                                   " days): it needs to be in %s and is %s, behind its plan",
                             zTitle, json_get_str(x, "what"), json_get_str(x, "planned_on"),
                             json_get_id(x, "days"), json_get_str(x, "stage_needed"),
                             json_get_str(s, "stage"));
            else if (strcmp(zKind, "pilot") == 0)
                n = snprintf(zMsg, sizeof zMsg,
                             "the pilot of initiative '%s' ended %" PRId64
                             " days ago (%s) and it has not moved to scaling",
                             zTitle, json_get_id(x, "days"), json_get_str(x, "planned_on"));
            else
                n = snprintf(zMsg, sizeof zMsg,
                             "the rollout of initiative '%s' to %s is %" PRId64
                             " days past its planned %s (%s)",
                             zTitle, json_get_str(x, "what"), json_get_id(x, "days"),
                             strcmp(zKind, "rollout_start") == 0 ? "start" : "go-live",
                             json_get_str(x, "planned_on"));
            json_t *causes = json_object_get(x, "causes");
            json_array_foreach(causes, k, c) if (n > 0 && (size_t)n < sizeof zMsg) n +=
                snprintf(zMsg + n, sizeof zMsg - (size_t)n, "%s%s",
                         k ? "; " : "; blocked: ", json_get_str(c, "message"));
            const char *zFKind =
                strcmp(zKind, "deadline") == 0
                    ? (strcmp(zState, "missed") == 0 ? "deadline_missed" : "deadline_at_risk")
                    : "schedule_slip";
            json_array_append_new(
                findings,
                json_pack("{ss ss ss sO ss ss sO sO sO}", "kind", zFKind, "severity",
                          strcmp(zFKind, "deadline_missed") == 0 ? "critical" : "warning", "entity",
                          "initiative", "id", json_object_get(s, "initiative_id"), "name", zTitle,
                          "message", zMsg, "slip", x, "days", json_object_get(x, "days"), "causes",
                          causes));
        }
    }
    json_decref(all);
    return 0;
}
