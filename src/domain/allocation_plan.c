/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Planning: the planning attributes of initiatives (duration, mandatory,
 * demands over their life, dependencies without cycles, exclusive
 * alternatives), the planning input built from the store, solves with a
 * time limit in the calling thread, scenarios, the frontier and stored
 * plans. The optimiser is engine/portfolio.c; the input it reads is the
 * same file format `keel plan solve --input` takes (docs/plan.md). */
#include "domain/allocation.h"
#include "engine/portfolio.h"
#include "store/store_allocation.h"
#include "store/store_crud.h"
#include "domain/alignment.h"
#include "util/crypto.h"
#include "util/period.h"
#include "util/json.h"
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const FieldDef aAttrField[] = {
    ID_FIELD,
    {"initiative_id", FT_REF, F_READONLY, 1, 9e15, NULL, "initiative", "the initiative"},
    {"duration", FT_INT, 0, 1, ALLOC_MAX_PERIODS, NULL, NULL, "periods from start to end"},
    {"mandatory", FT_BOOL, 0, 0, 0, NULL, NULL, "must be funded (committee and admins set it)"},
    {"started_period", FT_PERIOD, F_NULLABLE, 0, 0, NULL, NULL,
     "under way: the quarter it started in"},
    TIMES,
};
const ResourceDef resource_initiative_plan =
    RESOURCE("initiative_plan", "initiative_plan", aAttrField);

static const FieldDef aScenarioField[] = {
    ID_FIELD,
    {"name", FT_TEXT, F_REQUIRED | F_UNIQUE | F_SORT, 1, 200, NULL, NULL, "name"},
    {"description", FT_TEXT, F_NULLABLE, 0, 8000, NULL, NULL, "what it asks"},
    {"changes", FT_TEXT, F_READONLY, 0, 0, NULL, NULL,
     "{capacity: {pool: factor | [per period]}, force_in: [ids], force_out: [ids]}"},
    TIMES,
};
static const RefBy aScenarioRefBy[] = {{"plan", "scenario_id", "stored plans"}};
const ResourceDef resource_scenario =
    RESOURCE_REFBY("scenario", "scenario", aScenarioField, aScenarioRefBy);

/* ---- planning attributes ---------------------------------------------------- */

int alloc_attrs_get(Db *db, int64_t initiativeId, json_t **ppOut) {
    json_t *init, *attrs = NULL, *dem = NULL, *deps = NULL, *excl = NULL;
    int rc = store_crud_get(db, &resource_initiative, initiativeId, &init);
    if (rc) return rc;
    json_decref(init);
    rc = store_alloc_attrs(db, initiativeId, &attrs);
    if (rc == 0) rc = store_alloc_demands(db, initiativeId, &dem);
    if (rc == 0) rc = store_alloc_edges(db, EDGE_DEPENDENCY, &deps);
    if (rc == 0) rc = store_alloc_edges(db, EDGE_EXCLUSION, &excl);
    if (rc) goto done;
    json_t *o =
        json_pack("{sI sI sb so}", "initiative_id", (json_int_t)initiativeId, "duration",
                  (json_int_t)(attrs ? json_get_id(attrs, "duration") : 1), "mandatory",
                  attrs && json_get_id(attrs, "mandatory"), "started_period",
                  attrs ? json_incref(json_object_get(attrs, "started_period")) : json_null());
    json_t *ad = json_array(), *adep = json_array(), *aex = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(dem, i, x) {
        json_t *amounts =
            json_loads(json_string_value(json_object_get(x, "amounts")), JSON_DECODE_ANY, NULL);
        json_array_append_new(
            ad, json_pack("{sI sO so}", "pool_id", (json_int_t)json_get_id(x, "pool_id"), "pool",
                          json_object_get(x, "pool"), "amounts", amounts ? amounts : json_null()));
    }
    json_array_foreach(deps, i, x) {
        if (json_get_id(x, "initiative_id") == initiativeId)
            json_array_append_new(adep, json_integer(json_get_id(x, "other_id")));
    }
    json_array_foreach(excl, i, x) {
        if (json_get_id(x, "initiative_id") == initiativeId)
            json_array_append_new(aex, json_integer(json_get_id(x, "other_id")));
        else if (json_get_id(x, "other_id") == initiativeId)
            json_array_append_new(aex, json_integer(json_get_id(x, "initiative_id")));
    }
    json_object_set_new(o, "demands", ad);
    json_object_set_new(o, "depends_on", adep);
    json_object_set_new(o, "exclusive_with", aex);
    *ppOut = o;
done:
    json_decref(attrs);
    json_decref(dem);
    json_decref(deps);
    json_decref(excl);
    return rc;
}

/* Check an array of initiative ids: integers, existing, not self, no
 * duplicates. */
static int check_ids(Db *db, const json_t *a, const char *zField, int64_t self, KeelError *e) {
    if (!json_is_array(a) || json_array_size(a) > 200)
        return err_set(e, KEEL_EINVAL, zField, "%s must be an array of at most 200 initiative ids",
                       zField);
    size_t i, j;
    json_t *v;
    json_array_foreach(a, i, v) {
        int64_t id = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
        int64_t n = 0;
        if (id < 1) return err_set(e, KEEL_EINVAL, zField, "%s holds initiative ids", zField);
        if (id == self)
            return zField[0] == 'd'
                       ? err_set_code(e, KEEL_ERULE, "dependency_cycle", zField,
                                      "dependency cycle: an initiative cannot depend on itself")
                       : err_set(e, KEEL_EINVAL, zField, "an initiative cannot exclude itself");
        int rc = store_crud_exists(db, &resource_initiative, id);
        if (rc < 0) return rc;
        n = rc;
        if (!n) return err_no_id(e, KEEL_EINVAL, zField, "initiative", id);
        for (j = 0; j < i; j++)
            if (json_integer_value(json_array_get(a, j)) == (json_int_t)id)
                return err_set(e, KEEL_EINVAL, zField, "initiative %" PRId64 " appears twice", id);
    }
    return 0;
}

/* Depth-first search for a path from `from` to `to` over edges (arrays of
 * {initiative_id, other_id}: initiative depends on other). Appends the
 * path's ids to path. */
static int dep_path(const json_t *edges, int64_t from, int64_t to, json_t *seen, json_t *path) {
    char zKey[24];
    snprintf(zKey, sizeof zKey, "%" PRId64, from);
    if (json_object_get(seen, zKey)) return 0;
    json_object_set_new(seen, zKey, json_true());
    json_array_append_new(path, json_integer(from));
    if (from == to) return 1;
    size_t i;
    json_t *x;
    json_array_foreach(edges, i, x) {
        if (json_get_id(x, "initiative_id") == from &&
            dep_path(edges, json_get_id(x, "other_id"), to, seen, path))
            return 1;
    }
    json_array_remove(path, json_array_size(path) - 1);
    return 0;
}

/* Refuse new dependencies of initiativeId that close a cycle, naming it. */
static int check_cycle(Db *db, int64_t initiativeId, const json_t *deps, KeelError *e) {
    json_t *edges;
    int rc = store_alloc_edges(db, EDGE_DEPENDENCY, &edges);
    if (rc) return rc;
    for (size_t i = json_array_size(edges); i-- > 0;)
        if (json_get_id(json_array_get(edges, i), "initiative_id") == initiativeId)
            json_array_remove(edges, i);
    size_t i;
    json_t *v;
    json_array_foreach(deps, i, v) {
        json_array_append_new(edges, json_pack("{sI sI}", "initiative_id", (json_int_t)initiativeId,
                                               "other_id", json_integer_value(v)));
    }
    json_t *seen = json_object(), *path = json_array();
    int bCycle = 0;
    json_array_foreach(deps, i, v) {
        json_object_clear(seen);
        json_array_clear(path);
        if ((bCycle = dep_path(edges, json_integer_value(v), initiativeId, seen, path))) break;
    }
    if (bCycle) {
        char zCycle[280];
        size_t k = 0;
        json_t *titles;
        json_array_insert_new(path, 0, json_integer(initiativeId));
        json_array_foreach(path, i, v) {
            const char *zTitle = NULL;
            rc = store_crud_get(db, &resource_initiative, (int64_t)json_integer_value(v), &titles);
            if (rc) break;
            zTitle = json_string_value(json_object_get(titles, "title"));
            if (k < sizeof zCycle)
                k += (size_t)snprintf(zCycle + k, sizeof zCycle - k, "%s'%.40s' (%" PRId64 ")",
                                      i ? " -> " : "", zTitle ? zTitle : "?",
                                      (int64_t)json_integer_value(v));
            json_decref(titles);
        }
        if (rc == 0)
            rc = err_set_code(e, KEEL_ERULE, "dependency_cycle", "depends_on",
                              "dependency cycle: %s", zCycle);
    }
    json_decref(seen);
    json_decref(path);
    json_decref(edges);
    return rc;
}

/* Validate demands in place: resolve pool keys to pool_id; amounts a
 * number or an array of duration numbers, all >= 0. */
static int check_demands(Db *db, json_t *dem, int64_t duration, KeelError *e) {
    if (!json_is_array(dem) || json_array_size(dem) > 200)
        return err_set(e, KEEL_EINVAL, "demands",
                       "demands must be an array of {pool_id or pool, amounts}");
    size_t i, j;
    json_t *d, *v;
    json_array_foreach(dem, i, d) {
        char zF[48];
        snprintf(zF, sizeof zF, "demands[%zu]", i);
        if (!json_is_object(d)) return err_set(e, KEEL_EINVAL, zF, "each demand is an object");
        const char *zKey;
        json_object_foreach(d, zKey, v) {
            if (strcmp(zKey, "pool_id") && strcmp(zKey, "pool") && strcmp(zKey, "amounts"))
                return err_set(e, KEEL_EINVAL, zF, "unknown field '%.40s' in a demand", zKey);
        }
        int64_t poolId = json_get_id(d, "pool_id");
        const char *zPool = json_string_value(json_object_get(d, "pool"));
        int rc;
        if (zPool && !poolId) {
            poolId = store_crud_id_by(db, &resource_pool, "key", zPool);
            rc = poolId ? 0 : KEEL_ENOTFOUND;
            if (rc == KEEL_ENOTFOUND) {
                snprintf(zF, sizeof zF, "demands[%zu].pool", i);
                return err_set(e, KEEL_EINVAL, zF, "no pool with key '%.40s'", zPool);
            }
            if (rc) return rc;
        } else if (poolId) {
            rc = store_crud_exists(db, &resource_pool, poolId);
            if (rc < 0) return rc;
            if (!rc) {
                snprintf(zF, sizeof zF, "demands[%zu].pool_id", i);
                return err_no_id(e, KEEL_EINVAL, zF, "pool", poolId);
            }
        } else {
            snprintf(zF, sizeof zF, "demands[%zu].pool_id", i);
            return err_set(e, KEEL_EINVAL, zF, "a demand names its pool: pool_id or pool (key)");
        }
        json_object_del(d, "pool");
        json_object_set_new(d, "pool_id", json_integer(poolId));
        for (j = 0; j < i; j++)
            if (json_get_id(json_array_get(dem, j), "pool_id") == poolId) {
                snprintf(zF, sizeof zF, "demands[%zu].pool_id", i);
                return err_set(e, KEEL_EINVAL, zF, "pool %" PRId64 " appears twice", poolId);
            }
        json_t *a = json_object_get(d, "amounts");
        snprintf(zF, sizeof zF, "demands[%zu].amounts", i);
        if (json_is_array(a) && (int64_t)json_array_size(a) != duration)
            return err_set(e, KEEL_EINVAL, zF,
                           "amounts has %zu values but the initiative lasts %" PRId64
                           " periods: give one per period of its life, or one number for all",
                           json_array_size(a), duration);
        json_t *one = json_is_array(a) ? NULL : a;
        size_t n = json_is_array(a) ? json_array_size(a) : 1;
        for (j = 0; j < n; j++) {
            json_t *x = one ? one : json_array_get(a, j);
            if (!json_is_number(x) || !isfinite(json_number_value(x)) || json_number_value(x) < 0 ||
                json_number_value(x) > 1e15)
                return err_set(e, KEEL_EINVAL, zF,
                               "amounts must be numbers from 0 to 1e15 (a negative demand is "
                               "refused)");
        }
    }
    return 0;
}

int alloc_attrs_set(Db *db, const Principal *who, int64_t initiativeId, json_t *in, KeelError *e) {
    json_t *init, *cur = NULL, *dem = NULL;
    int rc = store_crud_get(db, &resource_initiative, initiativeId, &init);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "initiative", initiativeId);
    if (rc) return rc;
    int64_t owner = json_get_id(init, "owner_id");
    json_decref(init);
    if (!auth_is_governor(who) &&
        !(who->role == ROLE_OWNER && who->personId && who->personId == owner))
        return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                            "only the initiative's owner, the committee or an admin may change "
                            "its demands");
    /* the scalar attributes through the field definitions */
    json_t *attrs = json_object();
    const char *zKey;
    json_t *v;
    json_object_foreach(in, zKey, v) {
        if (strcmp(zKey, "demands") == 0 || strcmp(zKey, "depends_on") == 0 ||
            strcmp(zKey, "exclusive_with") == 0)
            continue;
        json_object_set(attrs, zKey, v);
    }
    if (json_object_size(attrs)) rc = resource_validate(&resource_initiative_plan, attrs, 0, e);
    if (rc == 0) rc = store_alloc_attrs(db, initiativeId, &cur);
    if (rc) goto done;
    int64_t duration = json_is_integer(json_object_get(attrs, "duration"))
                           ? json_get_id(attrs, "duration")
                           : (cur ? json_get_id(cur, "duration") : 1);
    int bMandatory = json_is_boolean(json_object_get(attrs, "mandatory"))
                         ? json_is_true(json_object_get(attrs, "mandatory"))
                         : (cur && json_get_id(cur, "mandatory"));
    int bWasMandatory = cur && json_get_id(cur, "mandatory");
    if (bMandatory != bWasMandatory && !auth_is_governor(who)) {
        rc = err_set_code(e, KEEL_EFORBIDDEN, "committee_only", "mandatory",
                          "only the committee or an admin may make an initiative mandatory");
        goto done;
    }
    json_t *started = json_object_get(attrs, "started_period");
    if (!started && cur) started = json_object_get(cur, "started_period");
    if (json_is_string(started) && alloc_quarter_ord(json_string_value(started)) < 0) {
        rc = err_set(e, KEEL_EINVAL, "started_period", "started_period must be a quarter (2026Q1)");
        goto done;
    }
    json_t *deps = json_object_get(in, "depends_on"), *excl = json_object_get(in, "exclusive_with");
    dem = json_deep_copy(json_object_get(in, "demands"));
    if (dem) rc = check_demands(db, dem, duration, e);
    if (rc == 0 && deps) rc = check_ids(db, deps, "depends_on", initiativeId, e);
    if (rc == 0 && excl) rc = check_ids(db, excl, "exclusive_with", initiativeId, e);
    if (rc == 0 && deps) rc = check_cycle(db, initiativeId, deps, e);
    if (rc == 0 && !dem) {
        /* a new duration must fit the demands already stored */
        json_t *old;
        if ((rc = store_alloc_demands(db, initiativeId, &old))) goto done;
        size_t i;
        json_t *x;
        json_array_foreach(old, i, x) {
            json_t *a =
                json_loads(json_string_value(json_object_get(x, "amounts")), JSON_DECODE_ANY, NULL);
            if (json_is_array(a) && (int64_t)json_array_size(a) != duration)
                rc =
                    err_set_code(e, KEEL_ERULE, "demand_length", "duration",
                                 "the demand on pool '%s' has %zu values; give new demands "
                                 "with the new duration",
                                 json_string_value(json_object_get(x, "pool")), json_array_size(a));
            json_decref(a);
            if (rc) break;
        }
        json_decref(old);
    }
    if (rc) goto done;
    Actor a = auth_actor(who);
    if ((rc = db_begin(db))) goto done;
    rc = store_alloc_attrs_put(db, &a, initiativeId, duration, bMandatory,
                               json_string_value(started));
    if (rc == 0 && dem) rc = store_alloc_demands_replace(db, &a, initiativeId, dem);
    if (rc == 0 && deps)
        rc = store_alloc_edges_replace(db, &a, EDGE_DEPENDENCY, initiativeId, deps);
    if (rc == 0 && excl) rc = store_alloc_edges_replace(db, &a, EDGE_EXCLUSION, initiativeId, excl);
    rc = db_end(db, rc);
done:
    json_decref(attrs);
    json_decref(cur);
    json_decref(dem);
    return rc;
}

/* ---- the planning input ----------------------------------------------------- */

static int stage_in(const char *z, const char *const *az) {
    for (int i = 0; z && az[i]; i++)
        if (strcmp(z, az[i]) == 0) return 1;
    return 0;
}

static void exclude(json_t *excluded, const json_t *x, const char *zReason) {
    json_array_append_new(excluded,
                          json_pack("{sI sO sO ss}", "id", (json_int_t)json_get_id(x, "id"),
                                    "title", json_object_get(x, "title"), "stage",
                                    json_object_get(x, "stage"), "reason", zReason));
}

/* Apply a scenario's capacity changes to cap (pool key -> array). */
static int apply_capacity(json_t *cap, const json_t *changes, const AllocHorizon *h, KeelError *e) {
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)json_object_get(changes, "capacity"), zKey, v) {
        json_t *a = json_object_get(cap, zKey);
        if (!a)
            return err_set_code(e, KEEL_ERULE, "scenario", "changes.capacity",
                                "the scenario changes pool '%.40s', which does not exist", zKey);
        if (json_is_number(v)) {
            for (int t = 0; t < h->n; t++) {
                json_t *c = json_array_get(a, (size_t)t);
                json_real_set(c, json_real_value(c) * json_number_value(v));
            }
        } else {
            for (int t = 0; t < h->n && t < (int)json_array_size(v); t++)
                json_real_set(json_array_get(a, (size_t)t),
                              json_number_value(json_array_get(v, (size_t)t)));
        }
    }
    return 0;
}

/* Rows grouped by the integer member zKey: {"<value>": [rows]} (new
 * reference; the rows are shared with the input). */
static json_t *group_by(const json_t *rows, const char *zKey) {
    json_t *g = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        char z[24];
        snprintf(z, sizeof z, "%" PRId64, json_get_id(x, zKey));
        json_t *a = json_object_get(g, z);
        if (!a) json_object_set_new(g, z, a = json_array());
        json_array_append(a, x);
    }
    return g;
}

int alloc_plan_input(Db *db, const AllocHorizon *h, const json_t *scenario, json_t **ppInput,
                     json_t **ppExcluded, KeelError *e) {
    static const char *const azCandidate[] = {"assessed", "approved", NULL};
    static const char *const azUnderWay[] = {"pilot", "scaling", "operating", NULL};
    json_t *inits = NULL, *dem = NULL, *deps = NULL, *excl = NULL, *cap = NULL, *pools = NULL;
    json_t *excluded = json_array(), *chosen = json_object();
    json_t *byId = NULL, *demBy = NULL, *depBy = NULL, *exclBy = NULL, *exclBy2 = NULL;
    const json_t *changes = json_object_get(scenario, "changes");
    int rc = store_alloc_initiatives(db, &inits);
    if (rc == 0) rc = store_alloc_demands(db, 0, &dem);
    if (rc == 0) rc = store_alloc_edges(db, EDGE_DEPENDENCY, &deps);
    if (rc == 0) rc = store_alloc_edges(db, EDGE_EXCLUSION, &excl);
    if (rc == 0) rc = alloc_capacities(db, h, &cap, &pools);
    if (rc == 0 && changes) rc = apply_capacity(cap, changes, h, e);
    if (rc) goto done;
    byId = group_by(inits, "id");
    demBy = group_by(dem, "initiative_id");
    depBy = group_by(deps, "initiative_id");
    exclBy = group_by(excl, "initiative_id");
    exclBy2 = group_by(excl, "other_id");
    int first = alloc_quarter_ord(h->az[0]);
    size_t i, j;
    json_t *x, *d;
    char zMsg[300], zId[24];
    /* which initiatives enter, and how */
    json_array_foreach(inits, i, x) {
        const char *zStage = json_string_value(json_object_get(x, "stage"));
        int64_t dur =
            json_is_integer(json_object_get(x, "duration")) ? json_get_id(x, "duration") : 1;
        snprintf(zId, sizeof zId, "%" PRId64, json_get_id(x, "id"));
        if (stage_in(zStage, azUnderWay)) {
            const char *zStarted = json_string_value(json_object_get(x, "started_period"));
            int off = zStarted ? alloc_quarter_ord(zStarted) - first : 0;
            if (off >= h->n) off = h->n - 1;
            if (off + dur <= 0) {
                snprintf(zMsg, sizeof zMsg,
                         "under way since %s; its %" PRId64 " planned periods ended before %s",
                         zStarted, dur, h->az[0]);
                exclude(excluded, x, zMsg);
                continue;
            }
            json_object_set_new(chosen, zId, json_integer(off));
        } else if (stage_in(zStage, azCandidate)) {
            if (json_get_id(x, "n_links") == 0)
                exclude(excluded, x, "unaligned: it moves no KPI");
            else if (dur > h->n) {
                snprintf(zMsg, sizeof zMsg,
                         "its duration of %" PRId64 " periods is beyond the horizon of %d", dur,
                         h->n);
                exclude(excluded, x, zMsg);
            } else
                json_object_set_new(chosen, zId, json_null());
        } else {
            snprintf(zMsg, sizeof zMsg,
                     "stage %s is not planned (candidates are assessed or "
                     "approved and aligned; pilot, scaling and operating are under way)",
                     zStage);
            exclude(excluded, x, zMsg);
        }
    }
    /* a candidate depending on something that will not run cannot start */
    for (int bMore = 1; bMore;) {
        bMore = 0;
        json_array_foreach(deps, i, d) {
            char zA[24], zB[24];
            snprintf(zA, sizeof zA, "%" PRId64, json_get_id(d, "initiative_id"));
            snprintf(zB, sizeof zB, "%" PRId64, json_get_id(d, "other_id"));
            json_t *ca = json_object_get(chosen, zA);
            if (!ca || !json_is_null(ca) || json_object_get(chosen, zB)) continue;
            json_t *other = json_array_get(json_object_get(byId, zB), 0);
            json_t *self = json_array_get(json_object_get(byId, zA), 0);
            const char *zOther = json_string_value(json_object_get(other, "stage"));
            if (zOther && strcmp(zOther, "retired") == 0) continue; /* finished */
            snprintf(zMsg, sizeof zMsg, "depends on '%.60s' (stage %s), which is not planned",
                     json_string_value(json_object_get(other, "title")), zOther ? zOther : "?");
            exclude(excluded, self, zMsg);
            json_object_del(chosen, zA);
            bMore = 1;
        }
    }
    json_t *aPool = json_array(), *aItem = json_array();
    const char *zBudget = NULL;
    json_array_foreach(pools, i, x) {
        if (!zBudget && strcmp(json_string_value(json_object_get(x, "kind")), "budget") == 0)
            zBudget = json_string_value(json_object_get(x, "key"));
    }
    json_array_foreach(pools, i, x) {
        const char *zKey = json_string_value(json_object_get(x, "key"));
        json_t *o =
            json_pack("{ss sO sO sO}", "id", zKey, "name", json_object_get(x, "name"), "kind",
                      json_object_get(x, "kind"), "capacity", json_object_get(cap, zKey));
        json_t *price = json_object_get(x, "price_per_hour");
        if (json_get_id(x, "cloud_burst") && zBudget && strcmp(zKey, zBudget) &&
            json_is_number(price) && json_number_value(price) > 0)
            json_object_set_new(o, "cloud",
                                json_pack("{sO ss}", "price", price, "paid_from", zBudget));
        json_array_append_new(aPool, o);
    }
    json_array_foreach(inits, i, x) {
        snprintf(zId, sizeof zId, "%" PRId64, json_get_id(x, "id"));
        json_t *c = json_object_get(chosen, zId);
        if (!c) continue;
        json_t *ev = json_object_get(x, "expected_value");
        json_t *o = json_pack("{ss sO sO sf sI}", "id", zId, "name", json_object_get(x, "title"),
                              "stage", json_object_get(x, "stage"), "value",
                              json_is_number(ev) ? json_number_value(ev) : 0.0, "duration",
                              (json_int_t)(json_is_integer(json_object_get(x, "duration"))
                                               ? json_get_id(x, "duration")
                                               : 1));
        json_t *dm = json_object();
        json_array_foreach(json_object_get(demBy, zId), j, d) {
            json_t *a =
                json_loads(json_string_value(json_object_get(d, "amounts")), JSON_DECODE_ANY, NULL);
            if (a) json_object_set_new(dm, json_string_value(json_object_get(d, "pool")), a);
        }
        json_object_set_new(o, "demand", dm);
        if (json_is_integer(c)) {
            json_object_set_new(o, "start", json_incref(c));
        } else {
            json_t *adep = json_array(), *aex = json_array();
            json_array_foreach(json_object_get(depBy, zId), j, d) {
                char zB[24];
                snprintf(zB, sizeof zB, "%" PRId64, json_get_id(d, "other_id"));
                if (json_object_get(chosen, zB)) json_array_append_new(adep, json_string(zB));
            }
            /* a pair is listed once: by its lower id when both are
             * candidates, by the candidate when the other is under way */
            json_array_foreach(json_object_get(exclBy, zId), j, d) {
                char zB[24];
                snprintf(zB, sizeof zB, "%" PRId64, json_get_id(d, "other_id"));
                if (json_object_get(chosen, zB)) json_array_append_new(aex, json_string(zB));
            }
            json_array_foreach(json_object_get(exclBy2, zId), j, d) {
                char zB[24];
                snprintf(zB, sizeof zB, "%" PRId64, json_get_id(d, "initiative_id"));
                if (json_is_integer(json_object_get(chosen, zB)))
                    json_array_append_new(aex, json_string(zB));
            }
            int bMand = json_get_id(x, "mandatory") != 0, bOut = 0;
            json_array_foreach(json_object_get(changes, "force_in"), j, d) {
                if (json_integer_value(d) == (json_int_t)json_get_id(x, "id")) bMand = 1;
            }
            json_array_foreach(json_object_get(changes, "force_out"), j, d) {
                if (json_integer_value(d) == (json_int_t)json_get_id(x, "id")) bOut = 1, bMand = 0;
            }
            json_object_set_new(o, "mandatory", json_boolean(bMand));
            if (bOut) json_object_set_new(o, "excluded", json_true());
            json_object_set_new(o, "depends_on", adep);
            json_object_set_new(o, "exclusive_with", aex);
        }
        json_array_append_new(aItem, o);
    }
    json_t *per = json_array();
    for (int t = 0; t < h->n; t++)
        json_array_append_new(per, json_string(h->az[t]));
    json_t *input = json_pack("{so sf so so}", "periods", per, "discount", 0.03, "pools", aPool,
                              "initiatives", aItem);
    if (zBudget) json_object_set_new(input, "budget_pool", json_string(zBudget));
    if (scenario)
        json_object_set_new(input, "name", json_incref(json_object_get(scenario, "name")));
    *ppInput = input;
    if (ppExcluded) *ppExcluded = json_incref(excluded);
done:
    json_decref(inits);
    json_decref(dem);
    json_decref(deps);
    json_decref(excl);
    json_decref(cap);
    json_decref(pools);
    json_decref(excluded);
    json_decref(chosen);
    json_decref(byId);
    json_decref(demBy);
    json_decref(depBy);
    json_decref(exclBy);
    json_decref(exclBy2);
    return rc;
}

/* ---- what must run, against capacity ---------------------------------------- */

/* The demand of item x in pool zPool at offset k of its life, or 0. */
static double item_demand(const json_t *x, const char *zPool, int k) {
    const json_t *d = json_object_get(json_object_get(x, "demand"), zPool);
    if (json_is_array(d)) return json_number_value(json_array_get(d, (size_t)k));
    return json_is_number(d) ? json_number_value(d) : 0;
}

int alloc_must_run_short(Db *db, json_t **ppShort, KeelError *e) {
    *ppShort = NULL;
    AllocHorizon h;
    json_t *in = NULL;
    int rc = alloc_horizon(db, NULL, 8, &h, e);
    if (rc == 0) rc = alloc_plan_input(db, &h, NULL, &in, NULL, e);
    if (rc) return rc;
    json_t *out = json_array(), *pool, *x;
    size_t i, j;
    json_array_foreach(json_object_get(in, "pools"), i, pool) {
        if (json_is_true(json_object_get(pool, "cloud_burst"))) continue;
        const char *zPool = json_string_value(json_object_get(pool, "id"));
        for (int p = 0; p < h.n && zPool; p++) {
            const json_t *cap = json_object_get(pool, "capacity");
            cap = json_is_array(cap) ? json_array_get(cap, (size_t)p) : cap;
            if (!json_is_number(cap)) continue;
            double need = 0;
            json_array_foreach(json_object_get(in, "initiatives"), j, x) {
                const json_t *st = json_object_get(x, "start");
                if (!json_is_integer(st) && !json_is_true(json_object_get(x, "mandatory")))
                    continue;
                int k = p - (json_is_integer(st) ? (int)json_integer_value(st) : 0);
                if (k >= 0 && k < json_integer_value(json_object_get(x, "duration")))
                    need += item_demand(x, zPool, k);
            }
            double c = json_number_value(cap);
            if (need > c + 1e-9)
                json_array_append_new(
                    out, json_pack("{ss ss ss sf sf sf}", "pool", zPool, "name",
                                   json_string_value(json_object_get(pool, "name")), "period",
                                   h.az[p], "capacity", c, "need", need, "short", need - c));
        }
    }
    json_decref(in);
    *ppShort = out;
    return 0;
}

json_t *alloc_short_warning(const json_t *before, const json_t *after) {
    json_t *grown = json_array(), *a, *b;
    size_t i, j;
    json_array_foreach(after, i, a) {
        double was = 0;
        json_array_foreach(before, j, b) {
            if (strcmp(json_string_value(json_object_get(a, "pool")),
                       json_string_value(json_object_get(b, "pool"))) == 0 &&
                strcmp(json_string_value(json_object_get(a, "period")),
                       json_string_value(json_object_get(b, "period"))) == 0)
                was = json_number_value(json_object_get(b, "short"));
        }
        if (json_number_value(json_object_get(a, "short")) > was + 1e-9)
            json_array_append(grown, a);
    }
    if (!json_array_size(grown)) {
        json_decref(grown);
        return NULL;
    }
    const json_t *f = json_array_get(grown, 0);
    char zMsg[300];
    snprintf(zMsg, sizeof zMsg,
             "after this move the work that must run no longer fits: %s in %s needs %g more "
             "than its capacity %g%s; the next solve will find no plan until capacity is added "
             "or work is stopped",
             json_string_value(json_object_get(f, "name")),
             json_string_value(json_object_get(f, "period")),
             json_number_value(json_object_get(f, "short")),
             json_number_value(json_object_get(f, "capacity")),
             json_array_size(grown) > 1 ? " (and in other quarters)" : "");
    return json_pack("{ss ss so}", "code", "must_run_short", "message", zMsg, "conflicts", grown);
}
