/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pilot, then scale; see pilot.h. */
#include "domain/pilot.h"
#include "domain/alignment.h"
#include "domain/org.h"
#include "domain/training.h"
#include "engine/stagger.h"
#include "store/store_committee.h"
#include "store/store_crud.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/period.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azRolloutStatus[] = {"planned", "in_progress", "live", "halted", NULL};

static const FieldDef aUnitValueField[] = {
    ID_FIELD,
    {"kpi_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "kpi", "the KPI"},
    {"org_unit_id", FT_REF, F_REQUIRED | F_FILTER, 1, 9e15, NULL, "unit",
     "the business unit the reading is of (the KPI's unit stays its measurement unit)"},
    {"period", FT_PERIOD, F_REQUIRED | F_SORT, 0, 0, NULL, NULL, "2026Q3 or 2026-09"},
    {"value", FT_REAL, F_REQUIRED, -1e15, 1e15, NULL, NULL, "actual value in that unit"},
    {"note", FT_TEXT, F_NULLABLE, 0, 1000, NULL, NULL, "comment"},
    TIMES,
};
const ResourceDef resource_kpi_unit_value =
    RESOURCE("kpi_unit_value", "kpi_unit_value", aUnitValueField);

static const FieldDef aPilotField[] = {
    ID_FIELD,
    {"initiative_id", FT_REF, F_READONLY | F_UNIQUE | F_FILTER, 1, 9e15, NULL, "initiative",
     "the initiative piloted"},
    {"org_unit_id", FT_REF, F_REQUIRED, 1, 9e15, NULL, "unit", "the pilot's unit or region"},
    {"starts_on", FT_DATE, F_REQUIRED, 0, 0, NULL, NULL, "start"},
    {"ends_on", FT_DATE, F_REQUIRED, 0, 0, NULL, NULL, "planned end"},
    {"baseline_period", FT_PERIOD, F_REQUIRED, 0, 0, NULL, NULL,
     "the period the unit's baseline readings are of"},
    {"measure_period", FT_PERIOD, F_REQUIRED, 0, 0, NULL, NULL,
     "the period the exit criteria are measured in"},
    {"criteria", FT_TEXT, F_READONLY, 0, 0, NULL, NULL,
     "exit criteria [{kpi_id, change_pct}]: the KPI's change against the baseline"},
    {"note", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL, "what the pilot tries"},
    TIMES,
};
const ResourceDef resource_pilot = RESOURCE("pilot", "pilot", aPilotField);

static const FieldDef aRolloutField[] = {
    ID_FIELD,
    {"initiative_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "initiative", "initiative"},
    {"org_unit_id", FT_REF, F_REQUIRED | F_FILTER, 1, 9e15, NULL, "unit", "the unit rolled out to"},
    {"status", FT_ENUM, F_FILTER | F_SORT, 0, 0, azRolloutStatus, NULL,
     "planned, in_progress, live or halted"},
    {"planned_start", FT_DATE, F_NULLABLE | F_SORT, 0, 0, NULL, NULL, "planned start"},
    {"planned_live", FT_DATE, F_NULLABLE, 0, 0, NULL, NULL, "planned go-live"},
    {"started_on", FT_DATE, F_READONLY | F_NULLABLE, 0, 0, NULL, NULL, "actual start"},
    {"live_on", FT_DATE, F_READONLY | F_NULLABLE, 0, 0, NULL, NULL, "actual go-live"},
    {"override_proposal_id", FT_INT, F_READONLY | F_NULLABLE, 1, 9e15, NULL, NULL,
     "the passed proposal that lets it start before the pilot's criteria are met"},
    {"note", FT_TEXT, F_NULLABLE, 0, 2000, NULL, NULL, "comment"},
    TIMES,
};
const ResourceDef resource_rollout = RESOURCE("rollout", "rollout", aRolloutField);

static int get_initiative(Db *db, int64_t id, json_t **pp, KeelError *e) {
    int rc = store_crud_get(db, &resource_initiative, id, pp);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "initiative", id);
    return rc;
}

/* Owners change only their own initiatives' pilots and rollouts. */
static int may_edit(Db *db, const Principal *who, int64_t initiativeId, KeelError *e) {
    json_t *init;
    int rc = get_initiative(db, initiativeId, &init, e);
    if (rc) return rc;
    int bOwn = who->personId && json_get_id(init, "owner_id") == who->personId;
    json_decref(init);
    if (auth_is_governor(who) || (who->role == ROLE_OWNER && bOwn)) return 0;
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "initiative_id",
                        "only the initiative's business owner, the committee or an admin may plan "
                        "its pilot and rollouts");
}

/* ---- unit readings ---- */

/* Who records a KPI's readings per unit: whoever records its values (the
 * objective's owner, the committee, an admin), and the owner of an
 * initiative that moves the KPI (an initiative link: the pilot's owner). */
static int may_record(Db *db, const Principal *who, int64_t kpiId, KeelError *e) {
    int rc = align_kpi_may_edit(db, who, kpiId, e);
    if (rc != KEEL_EFORBIDDEN || who->role != ROLE_OWNER || !who->personId) return rc;
    char zKpi[24];
    snprintf(zKpi, sizeof zKpi, "%" PRId64, kpiId);
    ListQuery q = {.limit = 1, .nFilter = 1, .initiativeOwner = who->personId};
    q.aFilter[0].f = resource_field(&resource_link, "kpi_id");
    q.aFilter[0].zValue = zKpi;
    json_t *items = NULL;
    int64_t n = 0;
    KeelError e2 = {0};
    int rc2 = store_crud_list(db, &resource_link, &q, &items, &n, &e2);
    json_decref(items);
    if (rc2) return err_set(e, rc2, "", "cannot read the KPI's initiative links");
    if (n == 0)
        return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "id",
                            "owners record unit readings of the KPIs of their objectives, or of "
                            "KPIs an initiative of theirs moves (its links); the committee and "
                            "admins of any");
    if (e) memset(e, 0, sizeof *e);
    return 0;
}

int pilot_unit_values_import(Db *db, const Principal *who, int64_t kpiId, const json_t *rows,
                             int *pn, KeelError *e) {
    int rc = may_record(db, who, kpiId, e);
    if (rc) return rc;
    if (!json_is_array(rows) || json_array_size(rows) == 0 || json_array_size(rows) > 10000)
        return err_set(e, KEEL_EINVAL, "rows",
                       "rows is required: 1 to 10000 readings {org_unit_id, period, value, note?}");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        json_t *c = json_is_object(r) ? json_deep_copy(r) : NULL;
        KeelError e2 = {0};
        rc = c ? resource_validate(&resource_kpi_unit_value, c, 1, &e2) : KEEL_EINVAL;
        if (rc == 0) {
            rc = store_crud_exists(db, &resource_unit, json_get_id(c, "org_unit_id"));
            if (rc == 0)
                rc = err_set(&e2, KEEL_EINVAL, "org_unit_id", "no unit with that id");
            else if (rc > 0)
                rc = 0;
        }
        json_decref(c);
        if (rc)
            return err_set(e, KEEL_EINVAL, "rows", "row %zu: %s%s%s", i + 1,
                           e2.zField[0] ? e2.zField : "", e2.zField[0] ? ": " : "",
                           e2.zMsg[0] ? e2.zMsg : "an object {org_unit_id, period, value, note?}");
    }
    Actor a = auth_actor(who);
    if ((rc = db_begin(db))) return rc;
    json_array_foreach(rows, i, r) {
        if (rc) break;
        rc = store_unit_value_put(
            db, &a, kpiId, json_get_id(r, "org_unit_id"), json_get_str(r, "period"),
            json_number_value(json_object_get(r, "value")), json_get_str(r, "note"));
    }
    if (rc == 0) *pn = (int)json_array_size(rows);
    return db_end(db, rc);
}

/* ---- the pilot ---- */

static int criteria_check(Db *db, const json_t *c, KeelError *e) {
    if (!json_is_array(c) || json_array_size(c) == 0 || json_array_size(c) > 20)
        return err_set(e, KEEL_EINVAL, "criteria",
                       "criteria is required: 1 to 20 exit criteria {kpi_id, change_pct}, e.g. "
                       "{kpi_id: 4, change_pct: -15} for a 15%% drop against the baseline");
    size_t i;
    json_t *x;
    json_array_foreach(c, i, x) {
        json_t *p = json_object_get(x, "change_pct");
        if (!json_is_object(x) || json_object_size(x) != 2 || !json_is_number(p) ||
            json_number_value(p) == 0 || fabs(json_number_value(p)) > 1000)
            return err_set(e, KEEL_EINVAL, "criteria",
                           "criteria[%zu] must be {kpi_id, change_pct} with change_pct a non-zero "
                           "percentage (negative: a drop)",
                           i);
        int rc = store_crud_exists(db, &resource_kpi, json_get_id(x, "kpi_id"));
        if (rc < 0) return rc;
        if (rc == 0) return err_set(e, KEEL_EINVAL, "criteria", "criteria[%zu]: no such KPI", i);
    }
    return 0;
}

int pilot_put(Db *db, const Principal *who, int64_t initiativeId, const json_t *in, KeelError *e) {
    int rc = may_edit(db, who, initiativeId, e);
    if (rc) return rc;
    json_t *row = json_deep_copy(in);
    json_t *crit = json_incref(json_object_get(row, "criteria"));
    json_object_del(row, "criteria");
    rc = resource_validate(&resource_pilot, row, 1, e);
    if (rc == 0) rc = criteria_check(db, crit, e);
    if (rc == 0 && strcmp(json_get_str(row, "ends_on"), json_get_str(row, "starts_on")) < 0)
        rc = err_set_code(e, KEEL_ERULE, "out_of_order", "ends_on",
                          "ends_on comes before starts_on");
    if (rc == 0) {
        int fy = align_fiscal_start(db);
        Period b, m;
        period_parse(json_get_str(row, "baseline_period"), fy, &b);
        period_parse(json_get_str(row, "measure_period"), fy, &m);
        if (m.firstMonth <= b.firstMonth)
            rc = err_set_code(e, KEEL_ERULE, "out_of_order", "measure_period",
                              "measure_period must come after baseline_period");
    }
    if (rc == 0) {
        rc = store_crud_exists(db, &resource_unit, json_get_id(row, "org_unit_id"));
        if (rc == 0)
            rc = err_set(e, KEEL_EINVAL, "org_unit_id", "no unit with that id");
        else if (rc > 0)
            rc = 0;
    }
    if (rc) {
        json_decref(row);
        json_decref(crit);
        return rc;
    }
    char *z = json_dumps(crit, JSON_COMPACT);
    json_decref(crit);
    json_object_set_new(row, "criteria", json_string(z ? z : "[]"));
    free(z);
    Actor a = auth_actor(who);
    int64_t id = 0;
    if ((rc = db_begin(db))) {
        json_decref(row);
        return rc;
    }
    rc = store_pilot_of(db, initiativeId, &id);
    if (rc == 0 && id) {
        rc = store_crud_update(db, &resource_pilot, &a, id, row, e);
    } else if (rc == 0) {
        json_object_set_new(row, "initiative_id", json_integer(initiativeId));
        rc = store_crud_create(db, &resource_pilot, &a, row, &id, e);
    }
    json_decref(row);
    return db_end(db, rc);
}

/* The reading of unit at period among rows (NaN when none). */
static double reading(const json_t *rows, int64_t unitId, const char *zPeriod) {
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        if (json_get_id(r, "org_unit_id") == unitId &&
            strcmp(json_get_str(r, "period"), zPeriod) == 0)
            return json_number_value(json_object_get(r, "value"));
    }
    return NAN;
}

static json_t *num(double x) { return isfinite(x) ? json_real(x) : json_null(); }

int pilot_get(Db *db, int64_t initiativeId, json_t **ppOut, KeelError *e) {
    json_t *init;
    int rc = get_initiative(db, initiativeId, &init, e);
    if (rc) return rc;
    json_decref(init);
    int64_t id = 0;
    if ((rc = store_pilot_of(db, initiativeId, &id))) return rc;
    if (!id) {
        *ppOut = json_pack("{sI sn ss}", "initiative_id", (json_int_t)initiativeId, "pilot",
                           "status", "none");
        return 0;
    }
    json_t *p;
    if ((rc = store_crud_get(db, &resource_pilot, id, &p))) return rc;
    json_t *crit = json_loads(json_get_str(p, "criteria"), 0, NULL);
    if (!crit) crit = json_array();
    json_object_set(p, "criteria", crit);
    int64_t unit = json_get_id(p, "org_unit_id");
    const char *zBase = json_get_str(p, "baseline_period"),
               *zMeas = json_get_str(p, "measure_period");
    int nMet = 0, nNoData = 0;
    size_t i;
    json_t *c, *results = json_array();
    json_array_foreach(crit, i, c) {
        json_t *rows = NULL;
        if ((rc = store_unit_values(db, json_get_id(c, "kpi_id"), &rows))) break;
        double b = reading(rows, unit, zBase), m = reading(rows, unit, zMeas);
        json_decref(rows);
        double want = json_number_value(json_object_get(c, "change_pct"));
        double got = isfinite(b) && isfinite(m) && b != 0 ? (m - b) / fabs(b) * 100.0 : NAN;
        const char *zState = !isfinite(got)                           ? "no_data"
                             : (want < 0 ? got <= want : got >= want) ? "met"
                                                                      : "not_met";
        if (strcmp(zState, "met") == 0) nMet++;
        if (strcmp(zState, "no_data") == 0) nNoData++;
        json_array_append_new(
            results, json_pack("{sO sO so so so ss}", "kpi_id", json_object_get(c, "kpi_id"),
                               "change_pct", json_object_get(c, "change_pct"), "baseline", num(b),
                               "measured", num(m), "actual_change_pct", num(got), "state", zState));
    }
    json_decref(crit);
    if (rc) {
        json_decref(results);
        json_decref(p);
        return rc;
    }
    size_t n = json_array_size(results);
    const char *zStatus = nMet == (int)n ? "met" : nNoData ? "no_data" : "not_met";
    json_object_set_new(p, "results", results);
    *ppOut = json_pack("{sI so ss}", "initiative_id", (json_int_t)initiativeId, "pilot", p,
                       "status", zStatus);
    return 0;
}

/* ---- rollouts ---- */

/* 0 when a rollout may start: the pilot met its criteria and the unit's
 * people reached the training targets of the programmes the initiative
 * requires, or a passed proposal overrode the rules for it; else 409
 * pilot_criteria_unmet or training_below_target. */
static int may_start(Db *db, int64_t initiativeId, const json_t *ro, KeelError *e) {
    if (json_get_id(ro, "override_proposal_id")) return 0;
    json_t *pg;
    KeelError e2 = {0};
    int rc = pilot_get(db, initiativeId, &pg, &e2);
    if (rc) return rc;
    const char *zStatus = json_get_str(pg, "status");
    int bMet = strcmp(zStatus, "met") == 0;
    char z[40];
    snprintf(z, sizeof z, "%s", zStatus);
    json_decref(pg);
    if (bMet) return training_rollout_check(db, initiativeId, json_get_id(ro, "org_unit_id"), e);
    return err_set_code(e, KEEL_ECONFLICT, "pilot_criteria_unmet", "status",
                        "a rollout cannot start before the pilot meets its exit criteria (the "
                        "pilot's status is %s); the committee may override this by proposal "
                        "(action_type override_rollout)",
                        strcmp(z, "none") == 0 ? "none: no pilot is defined" : z);
}

int rollout_create(Db *db, const Principal *who, int64_t initiativeId, json_t *in, int64_t *pId,
                   KeelError *e) {
    int rc = may_edit(db, who, initiativeId, e);
    if (rc == 0) rc = resource_validate(&resource_rollout, in, 1, e);
    if (rc) return rc;
    const char *zStatus = json_get_str(in, "status");
    if (zStatus && strcmp(zStatus, "planned"))
        return err_set(e, KEEL_EINVAL, "status",
                       "a rollout starts planned; start it with PATCH {status: in_progress}");
    json_object_set_new(in, "status", json_string("planned"));
    json_object_set_new(in, "initiative_id", json_integer(initiativeId));
    Actor a = auth_actor(who);
    rc = store_crud_create(db, &resource_rollout, &a, in, pId, e);
    if (rc == KEEL_ECONFLICT && !e->zCode[0])
        rc = err_set_code(e, KEEL_ECONFLICT, "duplicate", "org_unit_id",
                          "the initiative already has a rollout to that unit");
    return rc;
}

static int get_rollout(Db *db, int64_t initiativeId, int64_t id, json_t **pp, KeelError *e) {
    int rc = store_crud_get(db, &resource_rollout, id, pp);
    if (rc == 0 && json_get_id(*pp, "initiative_id") != initiativeId) {
        json_decref(*pp);
        rc = KEEL_ENOTFOUND;
    }
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "rollout", id);
    return rc;
}

int rollout_update(Db *db, const Principal *who, int64_t initiativeId, int64_t id, json_t *in,
                   KeelError *e) {
    int rc = may_edit(db, who, initiativeId, e);
    if (rc == 0) rc = resource_validate(&resource_rollout, in, 0, e);
    if (rc) return rc;
    if (json_object_get(in, "org_unit_id"))
        return err_set(e, KEEL_EINVAL, "org_unit_id",
                       "a rollout keeps its unit; plan another rollout for another unit");
    if ((rc = db_begin(db))) return rc;
    json_t *ro = NULL;
    rc = get_rollout(db, initiativeId, id, &ro, e);
    const char *zTo = json_get_str(in, "status");
    if (rc == 0 && zTo) {
        const char *zFrom = json_get_str(ro, "status");
        char zToday[16];
        time_date(time_now(), zToday, sizeof zToday);
        int bStart = strcmp(zTo, "in_progress") == 0 || strcmp(zTo, "live") == 0;
        if (strcmp(zFrom, zTo) == 0) {
            /* no change of status */
        } else if (strcmp(zTo, "planned") == 0) {
            rc = err_set_code(e, KEEL_ECONFLICT, "illegal_transition", "status",
                              "a rollout that started cannot go back to planned; halt it");
        } else if (bStart) {
            rc = may_start(db, initiativeId, ro, e);
            if (rc == 0 && !json_get_str(ro, "started_on"))
                json_object_set_new(in, "started_on", json_string(zToday));
            if (rc == 0 && strcmp(zTo, "live") == 0)
                json_object_set_new(in, "live_on", json_string(zToday));
        }
    }
    if (rc == 0) {
        Actor a = auth_actor(who);
        rc = store_crud_update(db, &resource_rollout, &a, id, in, e);
    }
    json_decref(ro);
    return db_end(db, rc);
}

int rollout_override(Db *db, const Principal *who, int64_t rolloutId, int64_t proposalId,
                     KeelError *e) {
    if (who->kind != AUTH_PROPOSAL)
        return err_set_code(e, KEEL_EFORBIDDEN, "proposal_required", "",
                            "only a passed proposal overrides the rollout rule");
    json_t *ro;
    int rc = store_crud_get(db, &resource_rollout, rolloutId, &ro);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "rollout_id", "rollout", rolloutId);
    if (rc) return rc;
    json_decref(ro);
    json_t *upd = json_pack("{sI}", "override_proposal_id", (json_int_t)proposalId);
    Actor a = auth_actor(who);
    rc = store_crud_update(db, &resource_rollout, &a, rolloutId, upd, e);
    json_decref(upd);
    return rc;
}

/* The staggered comparison of one KPI at period zAt. */
static int compare_kpi(Db *db, int64_t kpiId, int64_t pilotUnit, const json_t *rollouts,
                       const char *zBase, const char *zAt, double level, json_t **ppOut) {
    json_t *rows;
    int rc = store_unit_values(db, kpiId, &rows);
    if (rc) return rc;
    size_t n = json_array_size(rows), i, j;
    double *a = mem_alloc(n ? n : 1, sizeof(double), 1),
           *b = mem_alloc(n ? n : 1, sizeof(double), 1);
    json_t *units = json_array(), *seen = json_object(), *r, *ro;
    size_t na = 0, nb = 0;
    if (!a || !b) rc = KEEL_ENOMEM;
    json_array_foreach(rows, i, r) {
        if (rc) break;
        int64_t u = json_get_id(r, "org_unit_id");
        char zKey[24];
        snprintf(zKey, sizeof zKey, "%" PRId64, u);
        if (json_object_get(seen, zKey)) continue;
        json_object_set_new(seen, zKey, json_true());
        double v0 = reading(rows, u, zBase), v1 = reading(rows, u, zAt);
        if (!isfinite(v0) || !isfinite(v1) || v0 == 0) continue;
        double ch = (v1 - v0) / fabs(v0) * 100.0;
        int bRolled = u == pilotUnit;
        json_array_foreach(rollouts, j, ro) {
            if (json_get_id(ro, "org_unit_id") == u &&
                strcmp(json_get_str(ro, "status"), "live") == 0)
                bRolled = 1;
        }
        if (bRolled)
            a[na++] = ch;
        else
            b[nb++] = ch;
        json_array_append_new(units, json_pack("{sI sb sf sf sf}", "org_unit_id", (json_int_t)u,
                                               "rolled_out", bRolled, "change_pct", ch, "baseline",
                                               v0, "value", v1));
    }
    json_decref(seen);
    json_decref(rows);
    if (rc == 0) {
        StaggerResult s;
        stagger_compare(a, na, b, nb, level, &s);
        *ppOut = json_pack("{sI ss ss si si so so so so so so so}", "kpi_id", (json_int_t)kpiId,
                           "baseline_period", zBase, "period", zAt, "rolled_out", (int)na,
                           "waiting", (int)nb, "mean_change_rolled_out", num(s.meanRolled),
                           "mean_change_waiting", num(s.meanWaiting), "difference",
                           num(na && nb ? s.diff : NAN), "interval_low", num(s.lo), "interval_high",
                           num(s.hi), "df", num(s.df), "units", units);
        json_object_set_new(*ppOut, "level", json_real(level));
    } else {
        json_decref(units);
    }
    free(a);
    free(b);
    return rc;
}

int rollout_list(Db *db, int64_t initiativeId, const char *zAt, json_t **ppOut, KeelError *e) {
    json_t *pg;
    int rc = pilot_get(db, initiativeId, &pg, e);
    if (rc) return rc;
    json_t *rollouts = NULL;
    if ((rc = store_rollouts_of(db, initiativeId, &rollouts))) {
        json_decref(pg);
        return rc;
    }
    json_t *cmp = json_array(), *p = json_object_get(pg, "pilot");
    if (json_is_object(p)) {
        const char *zBase = json_get_str(p, "baseline_period");
        const char *zPeriod = zAt ? zAt : json_get_str(p, "measure_period");
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(p, "criteria"), i, c) {
            json_t *o = NULL;
            if ((rc = compare_kpi(db, json_get_id(c, "kpi_id"), json_get_id(p, "org_unit_id"),
                                  rollouts, zBase, zPeriod, 0.95, &o)))
                break;
            json_array_append_new(cmp, o);
        }
    }
    if (rc) {
        json_decref(cmp);
        json_decref(rollouts);
        json_decref(pg);
        return rc;
    }
    /* what would refuse a start now, for the rollouts not yet started (or
     * halted), so that clients show it before anyone asks */
    size_t k;
    json_t *ro;
    json_array_foreach(rollouts, k, ro) {
        const char *zS = json_get_str(ro, "status");
        if (rc || (strcmp(zS, "planned") && strcmp(zS, "halted"))) continue;
        KeelError be = {0};
        int r = may_start(db, initiativeId, ro, &be);
        if (r == KEEL_ECONFLICT)
            json_object_set_new(ro, "blocked",
                                json_pack("{ss ss}", "code", be.zCode, "message", be.zMsg));
        else if (r)
            rc = r;
    }
    if (rc) {
        json_decref(cmp);
        json_decref(rollouts);
        json_decref(pg);
        return rc;
    }
    *ppOut = json_pack("{sI so sO so so}", "initiative_id", (json_int_t)initiativeId, "items",
                       rollouts, "pilot_status", json_object_get(pg, "status"), "comparison", cmp,
                       "pilot", json_incref(json_object_get(pg, "pilot")));
    json_decref(pg);
    return 0;
}

int pilot_compare_latest(Db *db, int64_t initiativeId, int64_t kpiId, const char *zUntil,
                         double level, json_t **ppOut) {
    *ppOut = NULL;
    int64_t pid = 0;
    int rc = store_pilot_of(db, initiativeId, &pid);
    if (rc || !pid) return rc;
    json_t *p = NULL, *rollouts = NULL, *rows = NULL;
    if ((rc = store_crud_get(db, &resource_pilot, pid, &p)) == 0 &&
        (rc = store_rollouts_of(db, initiativeId, &rollouts)) == 0)
        rc = store_unit_values(db, kpiId, &rows);
    int fs = align_fiscal_start(db);
    Period pb, pu, pp;
    const char *zBase = json_get_str(p, "baseline_period");
    int untilLast = 1 << 30;
    if (zUntil && period_parse(zUntil, fs, &pu) == 0)
        untilLast = pu.firstMonth + (pu.kind == PERIOD_QUARTER ? 2 : 0);
    if (rc == 0 && zBase && period_parse(zBase, fs, &pb) == 0) {
        /* the latest period after the baseline, up to zUntil, in which the
         * comparison has an interval */
        int bestLast = -1;
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r) {
            const char *z = json_get_str(r, "period");
            if (period_parse(z, fs, &pp)) continue;
            int last = pp.firstMonth + (pp.kind == PERIOD_QUARTER ? 2 : 0);
            if (pp.firstMonth <= pb.firstMonth || last > untilLast || last <= bestLast) continue;
            json_t *o = NULL;
            if ((rc = compare_kpi(db, kpiId, json_get_id(p, "org_unit_id"), rollouts, zBase, z,
                                  level, &o)))
                break;
            if (json_is_number(json_object_get(o, "interval_low"))) {
                bestLast = last;
                json_decref(*ppOut);
                *ppOut = o;
            } else {
                json_decref(o);
            }
        }
    }
    json_decref(p);
    json_decref(rollouts);
    json_decref(rows);
    if (rc) {
        json_decref(*ppOut);
        *ppOut = NULL;
    }
    return rc;
}
