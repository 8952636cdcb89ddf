/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resource pools: definitions, the rules of their kinds, capacity and
 * usage per period, planning horizons, the capacity a plan may use, and
 * the report of plan versus actual with idle and over-committed pools and
 * the cloud-versus-private break-even of compute pools. */
#include "domain/allocation.h"
#include "domain/rows.h"
#include "engine/breakeven.h"
#include "store/store_allocation.h"
#include "store/store_org.h"
#include "store/store_crud.h"
#include "util/period.h"
#include "util/timeutil.h"
#include "util/json.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const azPoolKind[] = {"budget", "compute", "people", NULL};
static const char *const azDeployment[] = {"public_cloud", "private_cloud", "on_premises", "hybrid",
                                           NULL};

#define MONEY 1e15

static const FieldDef aPoolField[] = {
    ID_FIELD,
    {"key", FT_TEXT, F_REQUIRED | F_UNIQUE | F_SORT | F_FILTER, 1, 40, NULL, NULL,
     "stable key used in planning inputs (gpu_private, budget, ml_engineer, ...)"},
    {"name", FT_TEXT, F_REQUIRED | F_SORT, 1, 200, NULL, NULL, "name"},
    {"kind", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azPoolKind, NULL,
     "budget (money), compute (GPU hours) or people (FTE of one skill)"},
    {"skill", FT_ENUM, F_NULLABLE | F_FILTER, 0, 0, azSkill, NULL,
     "people pools: the skill (capacity from the people register unless set)"},
    {"deployment", FT_ENUM, F_NULLABLE | F_FILTER, 0, 0, azDeployment, NULL,
     "compute pools: public_cloud, private_cloud, on_premises or hybrid"},
    {"unit_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "unit", "business unit owning it"},
    {"capacity", FT_REAL, F_NULLABLE, 0, MONEY, NULL, NULL,
     "capacity per period where no period sets its own (money, GPU hours or FTE)"},
    {"price_per_hour", FT_REAL, F_NULLABLE, 0, 1e6, NULL, NULL,
     "compute: cloud price of a GPU hour (for owned pools, the price to compare with)"},
    {"capital_cost", FT_REAL, F_NULLABLE, 0, MONEY, NULL, NULL,
     "compute: purchase price of the owned capacity"},
    {"lifetime_periods", FT_INT, F_NULLABLE, 1, 200, NULL, NULL,
     "compute: periods over which the capital is written off (default 12)"},
    {"running_cost_per_period", FT_REAL, F_NULLABLE, 0, MONEY, NULL, NULL,
     "compute: fixed running cost per period (staff, space, support)"},
    {"variable_cost_per_hour", FT_REAL, F_NULLABLE, 0, 1e6, NULL, NULL,
     "compute: cost per GPU hour used when owning (power)"},
    {"cloud_burst", FT_BOOL, 0, 0, 0, NULL, NULL,
     "compute: GPU hours beyond capacity may be bought from the cloud out of the budget"},
    {"notes", FT_TEXT, F_NULLABLE, 0, 8000, NULL, NULL, "notes"},
    TIMES,
};
static const RefBy aPoolRefBy[] = {{"pool_capacity", "pool_id", "capacity rows"},
                                   {"pool_usage", "pool_id", "usage rows"},
                                   {"initiative_demand", "pool_id", "initiative demands"}};
const ResourceDef resource_pool =
    RESOURCE_REFBY("resource_pool", "resource_pool", aPoolField, aPoolRefBy);

static const FieldDef aCapacityField[] = {
    ID_FIELD,
    {"pool_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "resource_pool", "the pool"},
    {"period", FT_PERIOD, F_REQUIRED | F_SORT, 0, 0, NULL, NULL, "2026Q3 (quarters)"},
    {"capacity", FT_REAL, F_REQUIRED, 0, MONEY, NULL, NULL, "capacity in that period (>= 0)"},
    {"note", FT_TEXT, F_NULLABLE, 0, 1000, NULL, NULL, "comment"},
};
const ResourceDef resource_pool_capacity =
    RESOURCE("pool_capacity", "pool_capacity", aCapacityField);

static const FieldDef aUsageField[] = {
    ID_FIELD,
    {"pool_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "resource_pool", "the pool"},
    {"period", FT_PERIOD, F_REQUIRED | F_SORT, 0, 0, NULL, NULL, "2026Q3 (quarters)"},
    {"amount", FT_REAL, F_REQUIRED, 0, MONEY, NULL, NULL, "actual usage in that period (>= 0)"},
    {"note", FT_TEXT, F_NULLABLE, 0, 1000, NULL, NULL, "comment"},
};
const ResourceDef resource_pool_usage = RESOURCE("pool_usage", "pool_usage", aUsageField);

/* ---- periods ---------------------------------------------------------------- */

static int fiscal_start(Db *db) { return store_org_fiscal_start(db); }

void alloc_current_quarter(Db *db, char z[12]) {
    period_quarter_at(time_now(), fiscal_start(db), 0, z);
}

void alloc_report_default_from(Db *db, char z[12]) {
    period_quarter_at(time_now(), fiscal_start(db), -ALLOC_REPORT_BACK, z);
}

int alloc_quarter_ord(const char *z) {
    int y, q;
    char c;
    if (!z || sscanf(z, "%4dQ%1d%c", &y, &q, &c) != 2 || q < 1 || q > 4) return -1;
    return y * 4 + q - 1;
}

int alloc_horizon(Db *db, const char *zFrom, int n, AllocHorizon *h, KeelError *e) {
    char zCur[12];
    if (!zFrom) {
        alloc_current_quarter(db, zCur);
        zFrom = zCur;
    }
    if (n == 0) n = 8;
    if (n < 1 || n > ALLOC_MAX_PERIODS)
        return err_set(e, KEEL_EINVAL, "periods", "periods must be from 1 to %d",
                       ALLOC_MAX_PERIODS);
    Period p;
    int fs = fiscal_start(db);
    if (period_parse(zFrom, fs, &p) || p.kind != PERIOD_QUARTER)
        return err_set(e, KEEL_EINVAL, "from", "from must be a quarter such as 2026Q4");
    int year = p.year, q = p.part;
    h->n = n;
    for (int i = 0; i < n; i++) {
        snprintf(h->az[i], sizeof h->az[i], "%04dQ%d", year % 10000, q);
        Period pi;
        period_parse(h->az[i], fs, &pi);
        h->aIndex[i] = pi.firstMonth;
        if (++q > 4) q = 1, year++;
    }
    return 0;
}

/* ---- pools ------------------------------------------------------------------ */

/* The kind rules over the merged row: people pools name a skill, compute
 * pools a deployment, nothing else does. */
static int pool_check_kind(const json_t *row, KeelError *e) {
    const char *zKind = json_string_value(json_object_get(row, "kind"));
    int bSkill = json_is_string(json_object_get(row, "skill"));
    int bDeploy = json_is_string(json_object_get(row, "deployment"));
    if (!zKind) return 0;
    if (strcmp(zKind, "people") == 0 && !bSkill)
        return err_set(e, KEEL_EINVAL, "skill", "a people pool needs the skill it counts");
    if (strcmp(zKind, "compute") == 0 && !bDeploy)
        return err_set(e, KEEL_EINVAL, "deployment",
                       "a compute pool needs its deployment: public_cloud, private_cloud, "
                       "on_premises or hybrid");
    if (strcmp(zKind, "people") != 0 && bSkill)
        return err_set(e, KEEL_EINVAL, "skill", "only people pools have a skill");
    if (strcmp(zKind, "compute") != 0 && bDeploy)
        return err_set(e, KEEL_EINVAL, "deployment", "only compute pools have a deployment");
    return 0;
}

int alloc_pool_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    int rc = resource_validate(&resource_pool, in, 1, e);
    if (rc == 0) rc = pool_check_kind(in, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_create(db, &resource_pool, &a, in, pId, e);
}

int alloc_pool_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_pool, in, 0, e);
    if (rc) return rc;
    json_t *cur;
    rc = store_crud_get(db, &resource_pool, id, &cur);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "pool", id);
    if (rc) return rc;
    json_object_update(cur, in);
    rc = pool_check_kind(cur, e);
    json_decref(cur);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_update(db, &resource_pool, &a, id, in, e);
}

int alloc_period_import(Db *db, const Principal *who, int64_t poolId, PoolSeries series,
                        const json_t *rows, const json_t *lines, int *pnImported,
                        json_t **ppRowErrors, KeelError *e) {
    *pnImported = 0;
    *ppRowErrors = NULL;
    int bCap = series == POOL_CAPACITY;
    const ResourceDef *r = bCap ? &resource_pool_capacity : &resource_pool_usage;
    const char *zCol = bCap ? "capacity" : "amount";
    json_t *pool;
    int rc = store_crud_get(db, &resource_pool, poolId, &pool);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "pool", poolId);
    if (rc) return rc;
    json_decref(pool);
    rc = rows_check(r, rows, lines, "period", bCap ? "capacity" : "usage", ppRowErrors, e);
    if (rc) return rc;
    int fs = fiscal_start(db);
    if ((rc = db_begin(db))) return rc;
    Actor a = auth_actor(who);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        Period p;
        const char *zPeriod = json_string_value(json_object_get(row, "period"));
        period_parse(zPeriod, fs, &p);
        rc = store_alloc_period_put(db, &a, series, poolId, zPeriod, p.firstMonth,
                                    json_number_value(json_object_get(row, zCol)),
                                    json_string_value(json_object_get(row, "note")));
        if (rc) break;
    }
    rc = db_end(db, rc);
    if (rc == 0) *pnImported = (int)json_array_size(rows);
    return rc;
}

double alloc_register_fte(const json_t *people, const char *zSkill) {
    double sum = 0;
    size_t i;
    json_t *p;
    char zNeedle[48];
    snprintf(zNeedle, sizeof zNeedle, ",%s,", zSkill);
    json_array_foreach(people, i, p) {
        const char *z = json_string_value(json_object_get(p, "skills"));
        if (!z || !strstr(z, zNeedle)) continue;
        int nSkill = -1;
        for (const char *c = z; *c; c++)
            nSkill += *c == ',';
        if (nSkill < 1) nSkill = 1;
        sum += json_number_value(json_object_get(p, "capacity_fte")) / nSkill;
    }
    return sum;
}

int alloc_capacities(Db *db, const AllocHorizon *h, json_t **ppCap, json_t **ppPools) {
    json_t *pools = NULL, *rows = NULL, *people = NULL;
    int rc = store_alloc_pools(db, &pools);
    if (rc == 0) rc = store_alloc_period_rows(db, POOL_CAPACITY, 0, &rows);
    if (rc == 0) rc = store_alloc_people(db, &people);
    if (rc) goto done;
    json_t *cap = json_object();
    size_t i, j;
    json_t *p, *r;
    json_array_foreach(pools, i, p) {
        double dflt = 0;
        json_t *c = json_object_get(p, "capacity");
        if (json_is_number(c))
            dflt = json_number_value(c);
        else if (json_is_string(json_object_get(p, "skill")))
            dflt =
                round(alloc_register_fte(people, json_string_value(json_object_get(p, "skill"))) *
                      1000) /
                1000;
        json_t *a = json_array();
        for (int t = 0; t < h->n; t++) {
            double v = dflt;
            json_array_foreach(rows, j, r) {
                if (json_get_id(r, "pool_id") == json_get_id(p, "id") &&
                    strcmp(json_string_value(json_object_get(r, "period")), h->az[t]) == 0)
                    v = json_number_value(json_object_get(r, "capacity"));
            }
            json_array_append_new(a, json_real(v));
        }
        json_object_set_new(cap, json_string_value(json_object_get(p, "key")), a);
    }
    *ppCap = cap;
    if (ppPools) *ppPools = json_incref(pools);
done:
    json_decref(pools);
    json_decref(rows);
    json_decref(people);
    return rc;
}

double alloc_utilisation(double use, double capacity) {
    return capacity > 0 ? use / capacity : NAN;
}

/* A utilisation over quarters zFrom..zTo (n of them) as JSON: {value,
 * from, to, quarters}; value null when there is none. */
static json_t *utilisation_json(double use, double cap, const char *zFrom, const char *zTo, int n) {
    double u = n ? alloc_utilisation(use, cap) : NAN;
    json_t *o = json_pack("{ss ss si}", "from", zFrom, "to", zTo, "quarters", n);
    json_object_set_new(o, "value", isnan(u) ? json_null() : json_real(round(u * 10000) / 10000));
    return o;
}

/* The break-even of a compute pool as JSON (new reference). */
static json_t *pool_breakeven(const json_t *p, double capacity, double util) {
    const char *zDeploy = json_string_value(json_object_get(p, "deployment"));
    json_t *price = json_object_get(p, "price_per_hour"),
           *capital = json_object_get(p, "capital_cost");
    if (!zDeploy) return json_null();
    if (!json_is_number(price) || !json_is_number(capital) || capacity <= 0)
        return json_pack("{ss ss}", "advice", "incomplete", "message",
                         "give price_per_hour, capital_cost and a capacity to compare owning "
                         "with renting");
    json_t *life = json_object_get(p, "lifetime_periods");
    BreakevenInput in = {capacity,
                         json_number_value(price),
                         json_number_value(capital),
                         json_is_integer(life) ? (double)json_integer_value(life) : 12,
                         json_number_value(json_object_get(p, "running_cost_per_period")),
                         json_number_value(json_object_get(p, "variable_cost_per_hour")),
                         util};
    BreakevenResult r;
    if (breakeven_compute(&in, &r)) return json_null();
    json_t *o = json_pack("{sf sf ss}", "capacity_hours", capacity, "fixed_per_period",
                          r.fixedPerPeriod, "advice", breakeven_advice_name(r.advice));
    json_object_set_new(o, "breakeven_utilisation",
                        isfinite(r.breakeven) ? json_real(r.breakeven) : json_null());
    json_object_set_new(o, "utilisation", isnan(util) ? json_null() : json_real(util));
#define NUM(k, v) json_object_set_new(o, k, isfinite(v) ? json_real(v) : json_null())
    NUM("private_per_period", r.privatePerPeriod);
    NUM("cloud_per_period", r.cloudPerPeriod);
    NUM("savings_per_period", r.savingsPerPeriod);
    NUM("private_per_hour", r.privatePerHour);
#undef NUM
    char zMsg[300];
    int bOwned = strcmp(zDeploy, "public_cloud") != 0;
    switch (r.advice) {
    case BREAKEVEN_OWN:
        snprintf(zMsg, sizeof zMsg,
                 "owning wins: at %.0f%% utilisation (break-even %.0f%%) it saves %.0f a period",
                 util * 100, r.breakeven * 100, r.savingsPerPeriod);
        break;
    case BREAKEVEN_CLOUD:
        snprintf(zMsg, sizeof zMsg,
                 "renting wins: at %.0f%% utilisation (break-even %.0f%%) owning costs %.0f a "
                 "period more%s",
                 util * 100, r.breakeven * 100, -r.savingsPerPeriod,
                 bOwned ? "; move work to the cloud or use the cluster more" : "");
        break;
    case BREAKEVEN_CLOUD_ALWAYS:
        snprintf(zMsg, sizeof zMsg,
                 "owning never pays at this price: even fully used it costs "
                 "more than the cloud");
        break;
    default:
        snprintf(zMsg, sizeof zMsg, "no usage recorded; owning pays from %.0f%% utilisation",
                 r.breakeven * 100);
    }
    json_object_set_new(o, "message", json_string(zMsg));
    return o;
}

int alloc_pool_get(Db *db, int64_t id, json_t **ppOut) {
    json_t *p, *cap = NULL, *use = NULL;
    int rc = store_crud_get(db, &resource_pool, id, &p);
    if (rc) return rc;
    if ((rc = store_alloc_period_rows(db, POOL_CAPACITY, id, &cap)) == 0)
        rc = store_alloc_period_rows(db, POOL_USAGE, id, &use);
    if (rc) {
        json_decref(p);
        json_decref(cap);
        return rc;
    }
    json_object_set_new(p, "capacity_by_period", cap);
    json_object_set_new(p, "usage", use);
    *ppOut = p;
    return 0;
}

/* Planned load per pool key and horizon period from the latest plan:
 * {key: [..]} (new reference; empty without a plan). */
static int planned_load(Db *db, const AllocHorizon *h, json_t **ppLoad, int64_t *pPlanId,
                        json_t *pInfo) {
    json_t *load = json_object(), *plan = NULL;
    *pPlanId = 0;
    int rc = store_alloc_plan(db, 0, &plan);
    if (rc == KEEL_ENOTFOUND) {
        *ppLoad = load;
        return 0;
    }
    if (rc) {
        json_decref(load);
        return rc;
    }
    *pPlanId = json_get_id(plan, "id");
    json_t *in = json_loads(json_string_value(json_object_get(plan, "input_json")), 0, NULL);
    json_t *res = json_loads(json_string_value(json_object_get(plan, "result_json")), 0, NULL);
    json_t *starts = json_object_get(res, "starts"), *under = json_object_get(res, "under_way");
    /* an infeasible solve funds nothing: its conflicts say what does not fit */
    if (pInfo) {
        json_object_set(pInfo, "plan_status", json_object_get(plan, "status"));
        if (json_is_array(json_object_get(res, "conflicts")))
            json_object_set(pInfo, "conflicts", json_object_get(res, "conflicts"));
    }
    int first = alloc_quarter_ord(h->az[0]);
    int planFirst =
        alloc_quarter_ord(json_string_value(json_array_get(json_object_get(in, "periods"), 0)));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(in, "initiatives"), i, x) {
        /* the start as a quarter ordinal: a period of the plan, or an
         * offset before its first period (work under way) */
        const char *zId = json_string_value(json_object_get(x, "id"));
        json_t *off = json_object_get(under, zId);
        int start = json_is_integer(off) && planFirst >= 0
                        ? planFirst + (int)json_integer_value(off)
                        : alloc_quarter_ord(json_string_value(json_object_get(starts, zId)));
        if (start < 0) continue;
        int s = start - first;
        int dur = (int)json_integer_value(json_object_get(x, "duration"));
        if (s >= h->n || s + dur <= 0) continue;
        const char *zKey;
        json_t *d;
        json_object_foreach(json_object_get(x, "demand"), zKey, d) {
            json_t *a = json_object_get(load, zKey);
            if (!a) {
                a = json_array();
                for (int t = 0; t < h->n; t++)
                    json_array_append_new(a, json_real(0));
                json_object_set_new(load, zKey, a);
            }
            for (int k = s < 0 ? -s : 0; k < dur && s + k < h->n; k++) {
                double v = json_is_array(d) ? json_number_value(json_array_get(d, (size_t)k))
                                            : json_number_value(d);
                json_t *cell = json_array_get(a, (size_t)(s + k));
                json_real_set(cell, json_real_value(cell) + v);
            }
        }
    }
    json_decref(in);
    json_decref(res);
    json_decref(plan);
    *ppLoad = load;
    return 0;
}

static void finding(json_t *a, const char *zKind, const char *zSeverity, int64_t id,
                    const char *zMsg) {
    json_array_append_new(a, json_pack("{ss ss ss sI ss}", "kind", zKind, "severity", zSeverity,
                                       "entity", "resource_pool", "id", (json_int_t)id, "message",
                                       zMsg));
}

int alloc_pools_report(Db *db, const AllocHorizon *h, double threshold, json_t **ppOut) {
    json_t *cap = NULL, *pools = NULL, *use = NULL, *load = NULL;
    int64_t planId = 0;
    int rc = alloc_capacities(db, h, &cap, &pools);
    if (rc == 0) rc = store_alloc_period_rows(db, POOL_USAGE, 0, &use);
    json_t *info = json_object();
    if (rc == 0) rc = planned_load(db, h, &load, &planId, info);
    if (rc) goto done;
    json_t *items = json_array(), *findings = json_array();
    size_t i, j;
    json_t *p, *u;
    char zCur[12];
    alloc_current_quarter(db, zCur);
    int curOrd = alloc_quarter_ord(zCur);
    json_array_foreach(pools, i, p) {
        int64_t id = json_get_id(p, "id");
        const char *zKey = json_string_value(json_object_get(p, "key"));
        const char *zName = json_string_value(json_object_get(p, "name"));
        json_t *c = json_object_get(cap, zKey), *pl = json_object_get(load, zKey);
        json_t *periods = json_array();
        int nLow = 0, bIdle = 0, bOver = 0, nRec = 0, nPlan = 0, tRec = 0, tRecLast = 0, tPlan = 0;
        char zMsg[400], zWhen[16] = "";
        double sumUse = 0, sumCap = 0, capSum = 0, sumPlan = 0, sumPlanCap = 0;
        for (int t = 0; t < h->n; t++) {
            double ct = json_number_value(json_array_get(c, (size_t)t));
            double planned = pl ? json_number_value(json_array_get(pl, (size_t)t)) : 0;
            json_t *actual = json_null();
            json_array_foreach(use, j, u) {
                if (json_get_id(u, "pool_id") == id &&
                    strcmp(json_string_value(json_object_get(u, "period")), h->az[t]) == 0)
                    actual = json_real(json_number_value(json_object_get(u, "amount")));
            }
            capSum += ct;
            json_t *util = json_null();
            if (alloc_quarter_ord(h->az[t]) >= curOrd && ct > 0) {
                if (!nPlan++) tPlan = t;
                sumPlan += planned;
                sumPlanCap += ct;
            }
            if (json_is_number(actual) && ct > 0) {
                double uu = alloc_utilisation(json_number_value(actual), ct);
                util = json_real(round(uu * 10000) / 10000);
                if (!nRec++) tRec = t;
                tRecLast = t;
                sumUse += json_number_value(actual);
                sumCap += ct;
                nLow = uu < threshold ? nLow + 1 : 0;
                if (nLow >= 2 && !bIdle) bIdle = 1, snprintf(zWhen, sizeof zWhen, "%s", h->az[t]);
            } else if (!json_is_number(actual)) {
                nLow = 0;
            }
            if (planned > ct * (1 + 1e-9) + 1e-9 ||
                (json_is_number(actual) && json_number_value(actual) > ct * (1 + 1e-9) + 1e-9))
                bOver = bOver ? bOver : t + 1;
            json_array_append_new(periods, json_pack("{ss sf sf so so}", "period", h->az[t],
                                                     "capacity", ct, "planned", planned, "actual",
                                                     actual, "utilisation", util));
        }
        /* usage before the horizon counts for idleness too: two recorded periods running */
        json_t *o = json_deep_copy(p);
        json_object_set_new(o, "periods", periods);
        /* one utilisation per pool: recorded use over the quarters in view
         * that have it (the break-even judges the same figure), and the
         * plan's load from the current quarter on */
        double util = alloc_utilisation(sumUse, sumCap);
        json_object_set_new(o, "utilisation",
                            utilisation_json(sumUse, sumCap, h->az[tRec], h->az[tRecLast], nRec));
        json_object_set_new(o, "planned_utilisation",
                            utilisation_json(sumPlan, sumPlanCap, h->az[tPlan],
                                             h->az[nPlan ? tPlan + nPlan - 1 : 0], nPlan));
        if (strcmp(json_string_value(json_object_get(p, "kind")), "compute") == 0)
            json_object_set_new(
                o, "breakeven",
                pool_breakeven(p,
                               json_is_number(json_object_get(p, "capacity"))
                                   ? json_number_value(json_object_get(p, "capacity"))
                                   : capSum / h->n,
                               util));
        if (bIdle) {
            snprintf(zMsg, sizeof zMsg,
                     "pool '%s' is idle: utilisation below %.0f%% for two periods running (to "
                     "%s); release capacity or move work onto it",
                     zName, threshold * 100, zWhen);
            finding(findings, "idle_pool", "warning", id, zMsg);
        }
        if (bOver) {
            snprintf(zMsg, sizeof zMsg,
                     "pool '%s' is over-committed in %s: planned or actual use exceeds its "
                     "capacity",
                     zName, h->az[bOver - 1]);
            finding(findings, "over_committed_pool", "critical", id, zMsg);
        }
        json_object_set_new(o, "idle", json_boolean(bIdle));
        json_object_set_new(o, "over_committed", json_boolean(bOver));
        json_array_append_new(items, o);
    }
    json_t *horizon = json_array();
    for (int t = 0; t < h->n; t++)
        json_array_append_new(horizon, json_string(h->az[t]));
    *ppOut = json_pack("{so so so sf so}", "periods", horizon, "pools", items, "findings", findings,
                       "idle_threshold", threshold, "plan_id",
                       planId ? json_integer(planId) : json_null());
    json_object_update(*ppOut, info);
done:
    json_decref(info);
    json_decref(cap);
    json_decref(pools);
    json_decref(use);
    json_decref(load);
    return rc;
}

/* The capacity of a pool row in each quarter of h: its own capacity rows
 * (existing pools), else its default capacity, else for a people pool the
 * register's FTE of its skill. */
static int preview_capacity(Db *db, int64_t id, const json_t *row, const AllocHorizon *h,
                            double *aCap) {
    json_t *rows = NULL, *people = NULL;
    int rc = id ? store_alloc_period_rows(db, POOL_CAPACITY, id, &rows) : 0;
    if (rc == 0) rc = store_alloc_people(db, &people);
    if (rc == 0) {
        json_t *c = json_object_get(row, "capacity");
        const char *zSkill = json_string_value(json_object_get(row, "skill"));
        double dflt = json_is_number(c) ? json_number_value(c)
                      : zSkill          ? round(alloc_register_fte(people, zSkill) * 1000) / 1000
                                        : 0;
        for (int t = 0; t < h->n; t++) {
            size_t j;
            json_t *r;
            aCap[t] = dflt;
            json_array_foreach(rows, j, r) {
                if (strcmp(json_string_value(json_object_get(r, "period")), h->az[t]) == 0)
                    aCap[t] = json_number_value(json_object_get(r, "capacity"));
            }
        }
    }
    json_decref(rows);
    json_decref(people);
    return rc;
}

int alloc_pool_preview(Db *db, int64_t id, json_t *in, double threshold, json_t **ppOut,
                       KeelError *e) {
    json_t *row = NULL, *load = NULL;
    int rc = resource_validate(&resource_pool, in, id == 0, e);
    if (rc) return rc;
    if (id) {
        rc = store_crud_get(db, &resource_pool, id, &row);
        if (rc == KEEL_ENOTFOUND) return err_no_id(e, KEEL_EINVAL, "id", "pool", id);
        if (rc) return rc;
    }
    /* the plan knows a pool by its stored key */
    char zKey[48];
    snprintf(zKey, sizeof zKey, "%s", json_string_value(json_object_get(row ? row : in, "key")));
    if (row)
        json_object_update(row, in);
    else
        row = json_deep_copy(in);
    AllocHorizon h;
    int64_t planId = 0;
    double aCap[ALLOC_PREVIEW_PERIODS];
    rc = pool_check_kind(row, e);
    if (rc == 0) rc = alloc_horizon(db, NULL, ALLOC_PREVIEW_PERIODS, &h, e);
    if (rc == 0) rc = preview_capacity(db, id, row, &h, aCap);
    if (rc == 0) rc = planned_load(db, &h, &load, &planId, NULL);
    if (rc) {
        json_decref(row);
        return rc;
    }
    json_t *periods = json_array(), *pl = json_object_get(load, zKey);
    double sumPlan = 0, sumCap = 0;
    int tOver = -1;
    for (int t = 0; t < h.n; t++) {
        double planned = pl ? json_number_value(json_array_get(pl, (size_t)t)) : 0;
        double u = alloc_utilisation(planned, aCap[t]);
        sumPlan += planned;
        sumCap += aCap[t];
        if (tOver < 0 && planned > aCap[t] * (1 + 1e-9) + 1e-9) tOver = t;
        json_t *o =
            json_pack("{ss sf sf}", "period", h.az[t], "capacity", aCap[t], "planned", planned);
        json_object_set_new(o, "utilisation",
                            isnan(u) ? json_null() : json_real(round(u * 10000) / 10000));
        json_array_append_new(periods, o);
    }
    double u = alloc_utilisation(sumPlan, sumCap);
    const char *zAdvice = !planId             ? "no_plan"
                          : tOver >= 0        ? "over_committed"
                          : !(u >= threshold) ? "idle"
                                              : "fits";
    char zMsg[400];
    if (!planId)
        snprintf(zMsg, sizeof zMsg,
                 "there is no plan yet: solve one to see how much of this pool the portfolio "
                 "would use");
    else if (tOver >= 0)
        snprintf(zMsg, sizeof zMsg,
                 "the latest plan needs %.0f in %s, more than this capacity (%.0f)",
                 json_number_value(json_array_get(pl, (size_t)tOver)), h.az[tOver], aCap[tOver]);
    else if (!(u >= threshold))
        snprintf(zMsg, sizeof zMsg,
                 "the latest plan would use %.0f%% of this capacity from %s to %s, below the "
                 "idle threshold of %.0f%%: plan work onto it before buying, or buy less",
                 isnan(u) ? 0 : u * 100, h.az[0], h.az[h.n - 1], threshold * 100);
    else
        snprintf(zMsg, sizeof zMsg,
                 "the latest plan would use %.0f%% of this capacity from %s to %s", u * 100,
                 h.az[0], h.az[h.n - 1]);
    json_t *out = json_pack("{so so sb sb sf ss ss}", "periods", periods, "planned_utilisation",
                            utilisation_json(sumPlan, sumCap, h.az[0], h.az[h.n - 1], h.n), "idle",
                            strcmp(zAdvice, "idle") == 0, "over_committed", tOver >= 0,
                            "idle_threshold", threshold, "advice", zAdvice, "message", zMsg);
    json_object_set_new(out, "plan_id", planId ? json_integer(planId) : json_null());
    if (strcmp(json_string_value(json_object_get(row, "kind")), "compute") == 0)
        json_object_set_new(out, "breakeven", pool_breakeven(row, sumCap / h.n, isnan(u) ? 0 : u));
    json_decref(row);
    json_decref(load);
    *ppOut = out;
    return 0;
}
