/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Training and the translator gap; see training.h. */
#include "domain/training.h"
#include "domain/allocation.h"
#include "domain/system.h"
#include "store/store_crud.h"
#include "store/store_training.h"
#include "util/json.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azKind[] = {"ai_literacy", "tool", "ethics", NULL};
static const char *const azTier[] = {"high", "limited", "minimal", NULL};
/* The roles the forecast counts: the translator is the product manager. */
static const char *const azForecastRole[] = {"business_expert", "ml_engineer", "product_manager",
                                             NULL};

static const FieldDef aProgrammeField[] = {
    ID_FIELD,
    {"name", FT_TEXT, F_REQUIRED | F_UNIQUE | F_SORT | F_FILTER, 1, 200, NULL, NULL,
     "the programme's name"},
    {"kind", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azKind, NULL, "ai_literacy, tool or ethics"},
    {"description", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL, "what it teaches"},
    {"target_pct", FT_REAL, 0, 0, 100, NULL, NULL,
     "coverage each unit should reach, in % of its people (default 80)"},
    {"required_for_all", FT_BOOL, F_FILTER, 0, 0, NULL, NULL,
     "required of every initiative's team and of every unit rolled out to"},
    {"required_tiers", FT_SET, 0, 0, 0, azTier, NULL,
     "required where an initiative has an AI system of these tiers: high, limited, minimal"},
    {"system_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "ai_system",
     "the AI system a tool training is for (required of its initiative)"},
    {"audience_unit_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "unit",
     "the unit (with its sub-units) whose people it is for; null: everyone"},
    TIMES,
};
const ResourceDef resource_training_programme =
    RESOURCE("training_programme", "training_programme", aProgrammeField);

static const FieldDef aSessionField[] = {
    ID_FIELD,
    {"programme_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "training_programme",
     "the programme"},
    {"held_on", FT_DATE, F_REQUIRED | F_SORT, 0, 0, NULL, NULL, "the day it is held"},
    {"trainer", FT_TEXT, F_NULLABLE, 0, 200, NULL, NULL, "who teaches it"},
    {"location", FT_TEXT, F_NULLABLE, 0, 200, NULL, NULL, "where (or online)"},
    {"note", FT_TEXT, F_NULLABLE, 0, 2000, NULL, NULL, "comment"},
    TIMES,
};
const ResourceDef resource_training_session =
    RESOURCE("training_session", "training_session", aSessionField);

static const FieldDef aCompletionField[] = {
    ID_FIELD,
    {"programme_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "training_programme",
     "the programme"},
    {"person_id", FT_REF, F_REQUIRED | F_FILTER, 1, 9e15, NULL, "person", "who completed it"},
    {"session_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "training_session",
     "the session they attended (null: e-learning)"},
    {"completed_on", FT_DATE, F_REQUIRED | F_SORT, 0, 0, NULL, NULL, "the day completed"},
    {"note", FT_TEXT, F_NULLABLE, 0, 1000, NULL, NULL, "comment"},
    TIMES,
};
const ResourceDef resource_training_completion =
    RESOURCE("training_completion", "training_completion", aCompletionField);

/* ---- programmes, sessions, completions ---- */

static int check_system(Db *db, const json_t *in, KeelError *e) {
    json_t *s = json_object_get(in, "system_id"), *u = json_object_get(in, "audience_unit_id");
    int rc = 1;
    if (s && !json_is_null(s)) {
        rc = store_crud_exists(db, &resource_system, json_get_id(in, "system_id"));
        if (rc == 0) return err_set(e, KEEL_EINVAL, "system_id", "no AI system with that id");
    }
    if (rc > 0 && u && !json_is_null(u)) {
        rc = store_crud_exists(db, &resource_unit, json_get_id(in, "audience_unit_id"));
        if (rc == 0) return err_set(e, KEEL_EINVAL, "audience_unit_id", "no unit with that id");
    }
    return rc < 0 ? rc : 0;
}

static int duplicate_name(int rc, KeelError *e) {
    if (rc == KEEL_ECONFLICT && !e->zCode[0])
        rc = err_set_code(e, KEEL_ECONFLICT, "duplicate", "name",
                          "a programme of that name exists; choose another name");
    return rc;
}

int training_programme_create(Db *db, const Principal *who, json_t *in, int64_t *pId,
                              KeelError *e) {
    int rc = resource_validate(&resource_training_programme, in, 1, e);
    if (rc == 0) rc = check_system(db, in, e);
    if (rc) return rc;
    if (!json_object_get(in, "target_pct")) json_object_set_new(in, "target_pct", json_real(80));
    Actor a = auth_actor(who);
    return duplicate_name(store_crud_create(db, &resource_training_programme, &a, in, pId, e), e);
}

int training_programme_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_training_programme, in, 0, e);
    if (rc == 0) rc = check_system(db, in, e);
    if (rc) return rc;
    rc = store_crud_exists(db, &resource_training_programme, id);
    if (rc <= 0) return rc < 0 ? rc : err_no_id(e, KEEL_ENOTFOUND, "id", "training programme", id);
    Actor a = auth_actor(who);
    return duplicate_name(store_crud_update(db, &resource_training_programme, &a, id, in, e), e);
}

static int get_programme(Db *db, int64_t id, json_t **pp, KeelError *e) {
    int rc = store_crud_get(db, &resource_training_programme, id, pp);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "training programme", id);
    return rc;
}

int training_session_add(Db *db, const Principal *who, int64_t programmeId, json_t *in,
                         int64_t *pId, KeelError *e) {
    json_t *p;
    int rc = get_programme(db, programmeId, &p, e);
    if (rc) return rc;
    json_decref(p);
    if ((rc = resource_validate(&resource_training_session, in, 1, e))) return rc;
    json_object_set_new(in, "programme_id", json_integer(programmeId));
    Actor a = auth_actor(who);
    return store_crud_create(db, &resource_training_session, &a, in, pId, e);
}

int training_completion_add(Db *db, const Principal *who, int64_t programmeId, json_t *in,
                            int64_t *pId, KeelError *e) {
    json_t *p;
    int rc = get_programme(db, programmeId, &p, e);
    if (rc) return rc;
    json_decref(p);
    if ((rc = resource_validate(&resource_training_completion, in, 1, e))) return rc;
    rc = store_crud_exists(db, &resource_person, json_get_id(in, "person_id"));
    if (rc == 0) return err_set(e, KEEL_EINVAL, "person_id", "no person with that id");
    if (rc < 0) return rc;
    int64_t sid = json_get_id(in, "session_id");
    if (sid) {
        json_t *s;
        rc = store_crud_get(db, &resource_training_session, sid, &s);
        if (rc == KEEL_ENOTFOUND || (rc == 0 && json_get_id(s, "programme_id") != programmeId))
            rc = err_set(e, KEEL_EINVAL, "session_id", "no session %" PRId64 " of this programme",
                         sid);
        if (rc == 0) json_decref(s);
        if (rc) return rc;
    }
    json_object_set_new(in, "programme_id", json_integer(programmeId));
    Actor a = auth_actor(who);
    rc = store_crud_create(db, &resource_training_completion, &a, in, pId, e);
    if (rc == KEEL_ECONFLICT && !e->zCode[0])
        rc = err_set_code(e, KEEL_ECONFLICT, "duplicate", "person_id",
                          "that person has already completed this programme");
    return rc;
}

/* ---- coverage ---- */

/* Does programme p (as stored, or as shown) name tier zTier? */
static int has_tier(const json_t *p, const char *zTier) {
    json_t *a = json_object_get(p, "required_tiers");
    if (json_is_array(a)) {
        size_t i;
        json_t *x;
        json_array_foreach(a, i, x) {
            if (!strcmp(json_string_value(x), zTier)) return 1;
        }
        return 0;
    }
    const char *z = json_get_str(p, "required_tiers");
    char zNeedle[24];
    snprintf(zNeedle, sizeof zNeedle, ",%s,", zTier);
    return z && strstr(z, zNeedle) != NULL;
}

/* Everything the rules read, loaded once. */
typedef struct Data {
    json_t *programmes, *people, *units, *completions, *systems, *teams;
} Data;

static void data_free(Data *d) {
    json_decref(d->programmes);
    json_decref(d->people);
    json_decref(d->units);
    json_decref(d->completions);
    json_decref(d->systems);
    json_decref(d->teams);
    memset(d, 0, sizeof *d);
}

/* A stored programme row as the API shows it: a boolean and a list. */
static void programme_view(json_t *p) {
    json_object_set_new(p, "required_for_all",
                        json_boolean(json_get_id(p, "required_for_all") == 1 ||
                                     json_is_true(json_object_get(p, "required_for_all"))));
    json_t *tiers = json_array();
    for (int k = 0; azTier[k]; k++)
        if (has_tier(p, azTier[k])) json_array_append_new(tiers, json_string(azTier[k]));
    json_object_set_new(p, "required_tiers", tiers);
}

static int data_load(Db *db, Data *d) {
    memset(d, 0, sizeof *d);
    int rc = store_training_programmes(db, &d->programmes);
    if (rc == 0) rc = store_training_people(db, &d->people);
    if (rc == 0) rc = store_training_units(db, &d->units);
    if (rc == 0) rc = store_training_completions(db, 0, &d->completions);
    if (rc == 0) rc = store_training_systems(db, &d->systems);
    if (rc == 0) rc = store_training_teams(db, &d->teams);
    if (rc) {
        data_free(d);
        return rc;
    }
    size_t i;
    json_t *p;
    json_array_foreach(d->programmes, i, p) { programme_view(p); }
    return 0;
}

/* Is unit u root or one of its sub-units? */
static int in_unit(const json_t *units, int64_t u, int64_t root) {
    for (int depth = 0; u && depth < 64; depth++) {
        if (u == root) return 1;
        int64_t parent = 0;
        size_t i;
        json_t *x;
        json_array_foreach(units, i, x) {
            if (json_get_id(x, "id") == u) parent = json_get_id(x, "parent_id");
        }
        u = parent;
    }
    return 0;
}

/* Is unit u within programme p's audience? */
static int for_unit(const Data *d, const json_t *p, int64_t u) {
    int64_t aud = json_get_id(p, "audience_unit_id");
    return !aud || in_unit(d->units, u, aud);
}

static int completed(const Data *d, int64_t programmeId, int64_t personId) {
    size_t i;
    json_t *c;
    json_array_foreach(d->completions, i, c) {
        if (json_get_id(c, "programme_id") == programmeId &&
            json_get_id(c, "person_id") == personId)
            return 1;
    }
    return 0;
}

/* The people of unit root (sub-units included) and how many of them
 * completed programme p. */
static void coverage_of(const Data *d, int64_t root, int64_t p, int *pn, int *pDone) {
    int n = 0, done = 0;
    size_t i;
    json_t *x;
    json_array_foreach(d->people, i, x) {
        if (!in_unit(d->units, json_get_id(x, "unit_id"), root)) continue;
        n++;
        done += completed(d, p, json_get_id(x, "id"));
    }
    *pn = n;
    *pDone = done;
}

/* Does initiative iid require programme p? */
static int requires(const Data *d, const json_t *p, int64_t iid) {
    if (json_is_true(json_object_get(p, "required_for_all"))) return 1;
    size_t i;
    json_t *s;
    json_array_foreach(d->systems, i, s) {
        if (json_get_id(s, "initiative_id") != iid) continue;
        if (json_get_id(p, "system_id") == json_get_id(s, "id")) return 1;
        if (has_tier(p, json_get_str(s, "risk_tier"))) return 1;
    }
    return 0;
}

static double pct(int done, int n) { return n ? 100.0 * done / n : NAN; }

static json_t *num(double x) { return isfinite(x) ? json_real(x) : json_null(); }

int training_programme_decorate(Db *db, json_t *p) {
    Data d;
    int rc = data_load(db, &d);
    if (rc) return rc;
    int64_t id = json_get_id(p, "id");
    int done = 0;
    size_t i;
    json_t *x;
    json_array_foreach(d.people, i, x) { done += completed(&d, id, json_get_id(x, "id")); }
    int n = (int)json_array_size(d.people);
    json_object_set_new(p, "completed", json_integer(done));
    json_object_set_new(p, "people", json_integer(n));
    json_object_set_new(p, "coverage_pct", num(pct(done, n)));
    data_free(&d);
    return 0;
}

/* Coverage rows of the units that have people, for the programmes given. */
static json_t *unit_rows(const Data *d, const json_t *programmes, json_t *below) {
    json_t *rows = json_array();
    size_t i, j;
    json_t *u, *p;
    json_array_foreach(d->units, i, u) {
        int64_t uid = json_get_id(u, "id");
        json_t *cov = json_array();
        int nPeople = 0;
        json_array_foreach(programmes, j, p) {
            int n, done;
            coverage_of(d, uid, json_get_id(p, "id"), &n, &done);
            nPeople = n;
            if (!for_unit(d, p, uid)) continue;
            double v = pct(done, n), target = json_number_value(json_object_get(p, "target_pct"));
            int bBelow = n > 0 && v < target;
            json_array_append_new(cov,
                                  json_pack("{sI si so sf sb}", "programme_id",
                                            (json_int_t)json_get_id(p, "id"), "completed", done,
                                            "pct", num(v), "target_pct", target, "below", bBelow));
            if (bBelow && below)
                json_array_append_new(
                    below, json_pack("{sI sO sI sO si si sf sf}", "unit_id", (json_int_t)uid,
                                     "unit_name", json_object_get(u, "name"), "programme_id",
                                     (json_int_t)json_get_id(p, "id"), "programme",
                                     json_object_get(p, "name"), "people", n, "completed", done,
                                     "pct", v, "target_pct", target));
        }
        if (json_array_size(programmes) == 0) {
            size_t k;
            json_t *x;
            json_array_foreach(d->people, k, x) {
                nPeople += in_unit(d->units, json_get_id(x, "unit_id"), uid);
            }
        }
        if (nPeople == 0 || (json_array_size(programmes) && !json_array_size(cov))) {
            json_decref(cov);
            continue;
        }
        json_array_append_new(rows, json_pack("{sI sO sO si so}", "unit_id", (json_int_t)uid,
                                              "name", json_object_get(u, "name"), "kind",
                                              json_object_get(u, "kind"), "people", nPeople,
                                              "coverage", cov));
    }
    return rows;
}

/* Team members of live initiatives lacking a programme it requires. */
static json_t *flagged(const Data *d) {
    json_t *out = json_array();
    size_t i, j;
    json_t *t, *p;
    json_array_foreach(d->teams, i, t) {
        const char *zStage = json_get_str(t, "stage");
        if (!strcmp(zStage, "idea") || !strcmp(zStage, "rejected") || !strcmp(zStage, "retired"))
            continue;
        int64_t iid = json_get_id(t, "initiative_id"), pid = json_get_id(t, "person_id");
        json_t *missing = json_array();
        json_array_foreach(d->programmes, j, p) {
            if (requires(d, p, iid) && !completed(d, json_get_id(p, "id"), pid))
                json_array_append_new(missing, json_pack("{sI sO}", "programme_id",
                                                         (json_int_t)json_get_id(p, "id"), "name",
                                                         json_object_get(p, "name")));
        }
        if (json_array_size(missing) == 0) {
            json_decref(missing);
            continue;
        }
        json_array_append_new(out,
                              json_pack("{sI sO sO sI sO sO so}", "initiative_id", (json_int_t)iid,
                                        "title", json_object_get(t, "title"), "stage",
                                        json_object_get(t, "stage"), "person_id", (json_int_t)pid,
                                        "person_name", json_object_get(t, "person_name"), "skill",
                                        json_object_get(t, "skill"), "missing", missing));
    }
    return out;
}

int training_coverage(Db *db, json_t **ppOut) {
    Data d;
    int rc = data_load(db, &d);
    if (rc) return rc;
    json_t *below = json_array();
    json_t *units = unit_rows(&d, d.programmes, below);
    *ppOut = json_pack("{sO so so so}", "programmes", d.programmes, "units", units, "below", below,
                       "flagged", flagged(&d));
    data_free(&d);
    return 0;
}

int training_programme_get(Db *db, int64_t id, json_t **ppOut, KeelError *e) {
    json_t *p;
    int rc = get_programme(db, id, &p, e);
    if (rc) return rc;
    json_t *sessions = NULL, *done = NULL;
    Data d;
    rc = store_training_sessions(db, id, &sessions);
    if (rc == 0) rc = store_training_completions(db, id, &done);
    if (rc == 0) rc = training_programme_decorate(db, p);
    if (rc == 0) rc = data_load(db, &d);
    if (rc) {
        json_decref(p);
        json_decref(sessions);
        json_decref(done);
        return rc;
    }
    json_t *one = json_array();
    json_array_append(one, p);
    json_object_set_new(p, "units", unit_rows(&d, one, NULL));
    json_decref(one);
    json_object_set_new(p, "sessions", sessions);
    json_object_set_new(p, "completions", done);
    data_free(&d);
    *ppOut = p;
    return 0;
}

int training_rollout_check(Db *db, int64_t initiativeId, int64_t unitId, KeelError *e) {
    Data d;
    int rc = data_load(db, &d);
    if (rc) return rc;
    const char *zUnit = "";
    size_t i;
    json_t *p;
    json_array_foreach(d.units, i, p) {
        if (json_get_id(p, "id") == unitId) zUnit = json_get_str(p, "name");
    }
    json_array_foreach(d.programmes, i, p) {
        if (!requires(&d, p, initiativeId) || !for_unit(&d, p, unitId)) continue;
        int n, done;
        coverage_of(&d, unitId, json_get_id(p, "id"), &n, &done);
        double target = json_number_value(json_object_get(p, "target_pct"));
        if (n == 0 || pct(done, n) >= target) continue;
        rc = err_set_code(e, KEEL_ECONFLICT, "training_below_target", "status",
                          "a rollout to %s cannot start: %d of its %d people (%.0f%%) completed "
                          "'%s', against a target of %.0f%%; train them first, or the committee "
                          "may override this by proposal (action_type override_rollout)",
                          zUnit, done, n, pct(done, n), json_get_str(p, "name"), target);
        break;
    }
    data_free(&d);
    return rc;
}

/* ---- the forecast ---- */

/* What initiative iid needs of a role: at least the norm, more where its
 * team already commits more to it. */
static double role_need(const json_t *teams, int64_t iid, const char *zSkill) {
    double fte = 0;
    size_t i;
    json_t *t;
    json_array_foreach(teams, i, t) {
        if (json_get_id(t, "initiative_id") == iid && !strcmp(json_get_str(t, "skill"), zSkill))
            fte += json_number_value(json_object_get(t, "fte"));
    }
    return fte > TRAINING_ROLE_NORM ? fte : TRAINING_ROLE_NORM;
}

static double round3(double x) { return round(x * 1000) / 1000; }

int training_forecast(Db *db, json_t **ppOut) {
    json_t *plan = NULL;
    int rc = alloc_plan_get(db, 0, &plan);
    if (rc == KEEL_ENOTFOUND) {
        *ppOut = json_pack("{sn s[] s[] s[] sf}", "plan_id", "periods", "roles", "short",
                           "role_norm_fte", TRAINING_ROLE_NORM);
        return 0;
    }
    if (rc) return rc;
    Data d;
    if ((rc = data_load(db, &d))) {
        json_decref(plan);
        return rc;
    }
    json_t *res = json_object_get(plan, "result"), *in = json_object_get(plan, "input");
    json_t *periods = json_object_get(res, "periods");
    if (!json_is_array(periods)) periods = json_object_get(in, "periods");
    size_t nq = json_array_size(periods), i, q;
    /* each initiative the plan runs: its first quarter (index) and duration */
    json_t *runs = json_array(), *x;
    json_array_foreach(json_object_get(in, "initiatives"), i, x) {
        const char *zId = json_get_str(x, "id");
        json_t *uw = json_object_get(json_object_get(res, "under_way"), zId ? zId : "");
        const char *zStart =
            json_string_value(json_object_get(json_object_get(res, "starts"), zId ? zId : ""));
        long start;
        if (json_is_integer(uw)) {
            start = (long)json_integer_value(uw);
        } else if (zStart) {
            start = -1000;
            for (q = 0; q < nq; q++)
                if (!strcmp(json_string_value(json_array_get(periods, q)), zStart)) start = (long)q;
            if (start == -1000) continue;
        } else {
            continue;
        }
        json_array_append_new(
            runs, json_pack("{sI sO si si}", "id", (json_int_t)atoll(zId ? zId : "0"), "name",
                            json_object_get(x, "name"), "start", (int)start, "duration",
                            (int)json_integer_value(json_object_get(x, "duration"))));
    }
    json_t *roles = json_array(), *shortList = json_array();
    for (int r = 0; azForecastRole[r]; r++) {
        double avail = round3(alloc_register_fte(d.people, azForecastRole[r]));
        json_t *quarters = json_array();
        for (q = 0; q < nq; q++) {
            double need = 0;
            json_t *who = json_array();
            json_array_foreach(runs, i, x) {
                long s = (long)json_integer_value(json_object_get(x, "start"));
                long n = (long)json_integer_value(json_object_get(x, "duration"));
                if ((long)q < s || (long)q >= s + n) continue;
                need += role_need(d.teams, json_get_id(x, "id"), azForecastRole[r]);
                json_array_append(who, json_object_get(x, "id"));
            }
            need = round3(need);
            double sh = need > avail + 1e-9 ? round3(need - avail) : 0;
            json_t *period = json_array_get(periods, q);
            json_array_append_new(quarters,
                                  json_pack("{sO sf sf sf so}", "period", period, "need", need,
                                            "available", avail, "short", sh, "initiatives", who));
            if (sh > 0)
                json_array_append_new(shortList, json_pack("{sO ss sf sf sf}", "period", period,
                                                           "skill", azForecastRole[r], "need", need,
                                                           "available", avail, "short", sh));
        }
        json_array_append_new(roles, json_pack("{ss sf so}", "skill", azForecastRole[r],
                                               "available", avail, "quarters", quarters));
    }
    *ppOut = json_pack("{sO sO* sO so so sf}", "plan_id", json_object_get(plan, "id"),
                       "plan_created_at", json_object_get(plan, "created_at"), "periods", periods,
                       "roles", roles, "short", shortList, "role_norm_fte", TRAINING_ROLE_NORM);
    json_decref(runs);
    json_decref(plan);
    data_free(&d);
    return 0;
}
