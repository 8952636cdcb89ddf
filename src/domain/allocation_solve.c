/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Solving from the store: a plan (optionally a re-plan with the
 * minimal-change term against the latest plan), scenarios compared side by
 * side, the value/budget frontier, and stored plans. Solves run in the
 * calling thread with a time limit (default ALLOC_TIME_DEFAULT seconds, at
 * most ALLOC_TIME_MAX) and no database transaction open, so a long solve
 * holds no lock; the engine returns its own failures as errors, and at most
 * ALLOC_MAX_SOLVES solves run at once (503 busy beyond). */
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "engine/portfolio.h"
#include "store/store_allocation.h"
#include "store/store_crud.h"
#include "util/crypto.h"
#include "util/json.h"
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALLOC_MAX_SOLVES 2

/* Solves allowed at once; the server lowers it so that one worker always
 * stays free for other requests. */
static atomic_int nSolveSlots = ALLOC_MAX_SOLVES;

void alloc_solve_set_slots(int n) {
    atomic_store(&nSolveSlots, n < 1 ? 1 : n > ALLOC_MAX_SOLVES ? ALLOC_MAX_SOLVES : n);
}

static atomic_int nSolving;

/* A solve request: horizon, time limit, scenario. */
typedef struct SolveReq {
    AllocHorizon h;
    double timeLimit;
    json_t *scenario; /* the scenario row with changes parsed, or NULL (owned) */
    int bReplan;
    double changePenalty; /* NAN: the engine's default */
    int nStep;
} SolveReq;

static int parse_req(Db *db, const json_t *in, const char *const *azKey, SolveReq *r,
                     KeelError *e) {
    memset(r, 0, sizeof *r);
    r->timeLimit = ALLOC_TIME_DEFAULT;
    r->changePenalty = NAN;
    r->nStep = 11;
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        int k = 0;
        while (azKey[k] && strcmp(azKey[k], zKey))
            k++;
        if (!azKey[k]) return err_set(e, KEEL_EINVAL, zKey, "unknown field '%.40s'", zKey);
    }
    v = json_object_get(in, "time_limit");
    if (v) {
        if (!json_is_number(v) || json_number_value(v) <= 0 ||
            json_number_value(v) > ALLOC_TIME_MAX)
            return err_set(e, KEEL_EINVAL, "time_limit",
                           "time_limit is in seconds, more than 0 and at most %g", ALLOC_TIME_MAX);
        r->timeLimit = json_number_value(v);
    }
    v = json_object_get(in, "periods");
    if (v && (!json_is_integer(v) || json_integer_value(v) < 1))
        return err_set(e, KEEL_EINVAL, "periods", "periods must be from 1 to %d",
                       ALLOC_MAX_PERIODS);
    v = json_object_get(in, "from");
    if (v && !json_is_string(v))
        return err_set(e, KEEL_EINVAL, "from", "from must be a quarter such as 2026Q4");
    int rc = alloc_horizon(db, json_string_value(v),
                           (int)json_integer_value(json_object_get(in, "periods")), &r->h, e);
    if (rc) return rc;
    v = json_object_get(in, "replan");
    if (v && !json_is_boolean(v)) return err_set(e, KEEL_EINVAL, "replan", "replan is a boolean");
    r->bReplan = json_is_true(v);
    v = json_object_get(in, "change_penalty");
    if (v) {
        if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1e15)
            return err_set(e, KEEL_EINVAL, "change_penalty",
                           "change_penalty is the value given up per changed start (>= 0)");
        r->changePenalty = json_number_value(v);
    }
    v = json_object_get(in, "steps");
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 2 || json_integer_value(v) > 21)
            return err_set(e, KEEL_EINVAL, "steps", "steps must be from 2 to 21");
        r->nStep = (int)json_integer_value(v);
    }
    v = json_object_get(in, "scenario_id");
    if (v && !json_is_null(v)) {
        if (!json_is_integer(v))
            return err_set(e, KEEL_EINVAL, "scenario_id", "scenario_id is an integer");
        rc = alloc_scenario_get(db, json_integer_value(v), &r->scenario);
        if (rc == KEEL_ENOTFOUND)
            return err_no_id(e, KEEL_EINVAL, "scenario_id", "scenario",
                             (int64_t)json_integer_value(v));
        if (rc) return rc;
    }
    return 0;
}

/* The starts of the latest plan as offsets from the horizon's first
 * period, for the initiatives of input: the previous_plan term. */
static int previous_plan(Db *db, const AllocHorizon *h, json_t *input) {
    json_t *plan;
    int rc = store_alloc_plan(db, 0, &plan);
    if (rc == KEEL_ENOTFOUND) return 0;
    if (rc) return rc;
    json_t *res = json_loads(json_string_value(json_object_get(plan, "result_json")), 0, NULL);
    json_t *pin = json_loads(json_string_value(json_object_get(plan, "input_json")), 0, NULL);
    int first = alloc_quarter_ord(h->az[0]);
    int pfirst =
        alloc_quarter_ord(json_string_value(json_array_get(json_object_get(pin, "periods"), 0)));
    json_t *prev = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(input, "initiatives"), i, x) {
        const char *zId = json_string_value(json_object_get(x, "id"));
        json_t *s = json_object_get(json_object_get(res, "starts"), zId);
        json_t *u = json_object_get(json_object_get(res, "under_way"), zId);
        int off;
        if (json_is_string(s))
            off = alloc_quarter_ord(json_string_value(s)) - first;
        else if (json_is_integer(u) && pfirst >= 0)
            off = pfirst + (int)json_integer_value(u) - first;
        else
            continue;
        if (off < -1000 || off >= h->n) continue;
        json_object_set_new(prev, zId, json_integer(off));
    }
    if (json_object_size(prev))
        json_object_set_new(input, "previous_plan", prev);
    else
        json_decref(prev);
    json_decref(res);
    json_decref(pin);
    json_decref(plan);
    return 0;
}

/* Run the engine on input; map its failures to errors people can act on. */
static int run_engine(const json_t *input, double timeLimit, int nStep, json_t **ppRes,
                      KeelError *e) {
    int nSlots = atomic_load(&nSolveSlots);
    if (atomic_fetch_add(&nSolving, 1) >= nSlots) {
        atomic_fetch_sub(&nSolving, 1);
        return err_set(e, KEEL_EBUSY, "", "%d plan(s) are being solved; retry in a few seconds",
                       nSlots);
    }
    PortfolioOptions o;
    memset(&o, 0, sizeof o);
    o.timeLimit = timeLimit;
    EngineError ee = {0};
    int rc = nStep ? portfolio_frontier_json(input, &o, nStep, ppRes, &ee)
                   : portfolio_solve_json(input, &o, ppRes, &ee);
    atomic_fetch_sub(&nSolving, 1);
    if (rc == KEEL_EINVAL)
        return err_set_code(e, KEEL_ERULE, "plan_input", "",
                            "the planning input built from the store is not valid: %s%s%s",
                            ee.zField, ee.zField[0] ? ": " : "", ee.zMsg);
    if (rc == KEEL_EINTERNAL) return err_set(e, rc, "", "the optimiser failed: %s", ee.zMsg);
    return rc;
}

static double num_or_nan(const json_t *o, const char *zKey) {
    json_t *v = json_object_get(o, zKey);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Store input and result as a plan of kind zKind; *pId gets its id and
 * zHash the input's SHA-256. */
static int store_plan(Db *db, const Principal *who, const char *zKind, const SolveReq *r,
                      const json_t *input, const json_t *res, int64_t *pId,
                      char zHash[CRYPTO_HEX_LEN]) {
    char *zIn = json_dumps(input, JSON_COMPACT | JSON_SORT_KEYS);
    char *zRes = json_dumps(res, JSON_COMPACT);
    int rc = KEEL_ENOMEM;
    if (zIn && zRes) {
        crypto_sha256_hex(zIn, strlen(zIn), zHash);
        const char *zStatus = json_string_value(json_object_get(res, "status"));
        PlanRow p = {zKind,
                     r->scenario ? json_get_id(r->scenario, "id") : 0,
                     zHash,
                     r->h.az[0],
                     r->h.n,
                     r->timeLimit,
                     zStatus ? zStatus : "done",
                     num_or_nan(res, "value"),
                     num_or_nan(res, "bound"),
                     num_or_nan(res, "gap"),
                     zIn,
                     zRes};
        Actor a = auth_actor(who);
        rc = db_begin(db);
        if (rc == 0) rc = store_alloc_plan_add(db, &a, &p, pId);
        rc = db_end(db, rc);
    }
    free(zIn);
    free(zRes);
    return rc;
}

/* Build, solve and store one plan; *ppOut is the engine's report with
 * plan_id, input_hash, excluded and scenario added. */
static int solve_one(Db *db, const Principal *who, SolveReq *r, const char *zKind, double tl,
                     json_t **ppOut, KeelError *e) {
    json_t *input = NULL, *excluded = NULL, *res = NULL;
    int rc = alloc_plan_input(db, &r->h, r->scenario, &input, &excluded, e);
    if (rc == 0 && r->bReplan) {
        rc = previous_plan(db, &r->h, input);
        if (rc == 0 && !isnan(r->changePenalty) && json_object_get(input, "previous_plan"))
            json_object_set_new(input, "change_penalty", json_real(r->changePenalty));
    }
    if (rc == 0) rc = run_engine(input, tl, 0, &res, e);
    int64_t id = 0;
    char zHash[CRYPTO_HEX_LEN];
    if (rc == 0) rc = store_plan(db, who, zKind, r, input, res, &id, zHash);
    if (rc == 0) {
        json_object_set_new(res, "plan_id", json_integer(id));
        json_object_set_new(res, "input_hash", json_string(zHash));
        json_object_set_new(res, "excluded", json_incref(excluded));
        json_object_set_new(res, "time_limit", json_real(tl));
        json_object_set_new(res, "scenario",
                            r->scenario
                                ? json_pack("{sO sO}", "id", json_object_get(r->scenario, "id"),
                                            "name", json_object_get(r->scenario, "name"))
                                : json_null());
        *ppOut = res;
        res = NULL;
    }
    json_decref(input);
    json_decref(excluded);
    json_decref(res);
    return rc;
}

int alloc_plan_solve(Db *db, const Principal *who, const json_t *in, json_t **ppOut, KeelError *e) {
    static const char *const azKey[] = {"from",   "periods",        "time_limit", "scenario_id",
                                        "replan", "change_penalty", NULL};
    SolveReq r;
    int rc = parse_req(db, in, azKey, &r, e);
    if (rc == 0 && !isnan(r.changePenalty) && !r.bReplan)
        rc = err_set(e, KEEL_EINVAL, "change_penalty", "change_penalty needs replan: true");
    if (rc == 0)
        rc = solve_one(db, who, &r,
                       r.bReplan    ? "replan"
                       : r.scenario ? "scenario"
                                    : "solve",
                       r.timeLimit, ppOut, e);
    json_decref(r.scenario);
    return rc;
}

int alloc_plan_compare(Db *db, const Principal *who, const json_t *in, json_t **ppOut,
                       KeelError *e) {
    static const char *const azKey[] = {"from", "periods", "time_limit", "scenario_ids", NULL};
    SolveReq r;
    int rc = parse_req(db, in, azKey, &r, e);
    if (rc) return rc;
    json_t *ids = json_object_get(in, "scenario_ids");
    if (!json_is_array(ids) || json_array_size(ids) < 1 || json_array_size(ids) > 8)
        return err_set(e, KEEL_EINVAL, "scenario_ids",
                       "scenario_ids must list 1 to 8 scenarios to compare with the base plan");
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) {
        json_t *s;
        if (!json_is_integer(v))
            return err_set(e, KEEL_EINVAL, "scenario_ids", "scenario_ids holds integers");
        rc = alloc_scenario_get(db, json_integer_value(v), &s);
        if (rc == KEEL_ENOTFOUND)
            return err_no_id(e, KEEL_EINVAL, "scenario_ids", "scenario",
                             (int64_t)json_integer_value(v));
        if (rc) return rc;
        json_decref(s);
    }
    double tl = r.timeLimit / (double)(json_array_size(ids) + 1);
    json_t *items = json_array(), *base = NULL;
    for (size_t k = 0; k <= json_array_size(ids) && rc == 0; k++) {
        json_t *res;
        if (k > 0)
            rc =
                alloc_scenario_get(db, json_integer_value(json_array_get(ids, k - 1)), &r.scenario);
        if (rc == 0) rc = solve_one(db, who, &r, k ? "scenario" : "compare", tl, &res, e);
        json_decref(r.scenario);
        r.scenario = NULL;
        if (rc) break;
        json_t *row = json_pack(
            "{sO sO sO sO sO sO sO sO sO}", "scenario", json_object_get(res, "scenario"), "plan_id",
            json_object_get(res, "plan_id"), "status", json_object_get(res, "status"), "value",
            json_object_get(res, "value"), "bound", json_object_get(res, "bound"), "gap",
            json_object_get(res, "gap"), "funded", json_object_get(res, "funded"), "starts",
            json_object_get(res, "starts"), "utilisation",
            json_object_get(res, "utilisation") ? json_object_get(res, "utilisation")
                                                : json_null());
        if (!base) {
            base = json_incref(json_object_get(res, "starts"));
        } else {
            /* what the scenario changes against the base plan */
            json_t *diff = json_array();
            const char *zId;
            json_t *s;
            json_object_foreach(json_object_get(res, "starts"), zId, s) {
                json_t *b = json_object_get(base, zId);
                if (!b || !json_equal(b, s))
                    json_array_append_new(diff, json_pack("{ss so sO}", "id", zId, "base",
                                                          b ? json_incref(b) : json_null(),
                                                          "scenario", s));
            }
            json_object_foreach(base, zId, s) {
                if (!json_object_get(json_object_get(res, "starts"), zId))
                    json_array_append_new(
                        diff, json_pack("{ss sO sn}", "id", zId, "base", s, "scenario"));
            }
            json_object_set_new(row, "changes", diff);
        }
        json_array_append_new(items, row);
        json_decref(res);
    }
    json_decref(base);
    if (rc) {
        json_decref(items);
        return rc;
    }
    json_t *per = json_array();
    for (int t = 0; t < r.h.n; t++)
        json_array_append_new(per, json_string(r.h.az[t]));
    *ppOut = json_pack("{so so sf}", "periods", per, "items", items, "time_limit", r.timeLimit);
    return 0;
}

int alloc_plan_frontier(Db *db, const Principal *who, const json_t *in, json_t **ppOut,
                        KeelError *e) {
    static const char *const azKey[] = {"from",        "periods", "time_limit",
                                        "scenario_id", "steps",   NULL};
    SolveReq r;
    int rc = parse_req(db, in, azKey, &r, e);
    json_t *input = NULL, *res = NULL;
    if (rc == 0) rc = alloc_plan_input(db, &r.h, r.scenario, &input, NULL, e);
    if (rc == 0 && !json_object_get(input, "budget_pool"))
        rc = err_set_code(e, KEEL_ERULE, "no_budget_pool", "",
                          "the frontier scales the budget: create a pool of kind budget first");
    if (rc == 0) rc = run_engine(input, r.timeLimit, r.nStep, &res, e);
    int64_t id;
    char zHash[CRYPTO_HEX_LEN];
    if (rc == 0) rc = store_plan(db, who, "frontier", &r, input, res, &id, zHash);
    if (rc == 0) {
        json_object_set_new(res, "plan_id", json_integer(id));
        json_object_set_new(res, "input_hash", json_string(zHash));
        *ppOut = res;
        res = NULL;
    }
    json_decref(input);
    json_decref(res);
    json_decref(r.scenario);
    return rc;
}

int alloc_plan_get(Db *db, int64_t id, json_t **ppOut) {
    json_t *row;
    int rc = store_alloc_plan(db, id, &row);
    if (rc) return rc;
    json_t *in = json_loads(json_string_value(json_object_get(row, "input_json")), 0, NULL);
    json_t *res = json_loads(json_string_value(json_object_get(row, "result_json")), 0, NULL);
    json_object_del(row, "input_json");
    json_object_del(row, "result_json");
    json_object_set_new(row, "input", in ? in : json_null());
    json_object_set_new(row, "result", res ? res : json_null());
    *ppOut = row;
    return 0;
}

/* ---- scenarios -------------------------------------------------------------- */

/* Validate changes {capacity: {key: factor >= 0 | [values >= 0]}, force_in:
 * [ids], force_out: [ids]}. */
static int check_changes(Db *db, const json_t *c, KeelError *e) {
    if (!json_is_object(c))
        return err_set(e, KEEL_EINVAL, "changes",
                       "changes must be an object {capacity, force_in, force_out}");
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)c, zKey, v) {
        if (strcmp(zKey, "capacity") && strcmp(zKey, "force_in") && strcmp(zKey, "force_out"))
            return err_set(e, KEEL_EINVAL, "changes", "unknown change '%.40s'", zKey);
    }
    json_t *cap = json_object_get(c, "capacity");
    if (cap && !json_is_object(cap))
        return err_set(e, KEEL_EINVAL, "changes.capacity",
                       "capacity maps pool keys to a factor or to values per period");
    json_object_foreach(cap, zKey, v) {
        char zF[80];
        snprintf(zF, sizeof zF, "changes.capacity.%.40s", zKey);
        if (!store_crud_id_by(db, &resource_pool, "key", zKey))
            return err_set(e, KEEL_EINVAL, zF, "no pool with key '%.40s'", zKey);
        size_t m = json_is_array(v) ? json_array_size(v) : 1;
        if (!json_is_array(v) && !json_is_number(v))
            return err_set(e, KEEL_EINVAL, zF, "a factor (1.2) or capacities per period");
        for (size_t k = 0; k < m; k++) {
            json_t *x = json_is_array(v) ? json_array_get(v, k) : v;
            if (!json_is_number(x) || json_number_value(x) < 0 || json_number_value(x) > 1e15)
                return err_set(e, KEEL_EINVAL, zF, "capacity cannot be negative");
        }
    }
    static const char *const azList[] = {"force_in", "force_out"};
    for (int k = 0; k < 2; k++) {
        json_t *a = json_object_get(c, azList[k]);
        char zF[40];
        snprintf(zF, sizeof zF, "changes.%s", azList[k]);
        if (!a) continue;
        if (!json_is_array(a)) return err_set(e, KEEL_EINVAL, zF, "a list of initiative ids");
        size_t i;
        json_array_foreach(a, i, v) {
            int rc = json_is_integer(v) ? store_crud_exists(db, &resource_initiative,
                                                            (int64_t)json_integer_value(v))
                                        : 0;
            if (rc < 0) return rc;
            if (!rc) return err_set(e, KEEL_EINVAL, zF, "no initiative with that id");
        }
    }
    size_t i, j;
    json_t *a;
    json_array_foreach(json_object_get(c, "force_in"), i, v) {
        json_array_foreach(json_object_get(c, "force_out"), j, a) {
            if (json_equal(a, v))
                return err_set(e, KEEL_EINVAL, "changes.force_out",
                               "initiative %lld is forced both in and out",
                               (long long)json_integer_value(v));
        }
    }
    return 0;
}

/* Split body into the CRUD fields and the changes text. */
static int scenario_prepare(Db *db, json_t *in, int bCreate, KeelError *e) {
    json_t *c = json_incref(json_object_get(in, "changes"));
    json_object_del(in, "changes");
    int rc = resource_validate(&resource_scenario, in, bCreate, e);
    if (rc == 0 && (c || bCreate)) {
        if (!c) c = json_object();
        rc = check_changes(db, c, e);
        char *z = rc ? NULL : json_dumps(c, JSON_COMPACT);
        if (rc == 0 && !z) rc = KEEL_ENOMEM;
        if (rc == 0) json_object_set_new(in, "changes", json_string(z));
        free(z);
    }
    json_decref(c);
    return rc;
}

int alloc_scenario_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    int rc = scenario_prepare(db, in, 1, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_create(db, &resource_scenario, &a, in, pId, e);
}

int alloc_scenario_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = scenario_prepare(db, in, 0, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_update(db, &resource_scenario, &a, id, in, e);
}

void alloc_scenario_decorate(json_t *item) {
    json_t *c = json_loads(json_string_value(json_object_get(item, "changes")), 0, NULL);
    json_object_set_new(item, "changes", c ? c : json_object());
}

int alloc_scenario_get(Db *db, int64_t id, json_t **ppOut) {
    int rc = store_crud_get(db, &resource_scenario, id, ppOut);
    if (rc == 0) alloc_scenario_decorate(*ppOut);
    return rc;
}
