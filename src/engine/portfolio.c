/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Planning input for the portfolio optimiser: parse and validate the JSON
 * (refusing bad input with the field named), free it, and the independent
 * checks of a plan (its value, every constraint) that the tests and the
 * solver's own safety check use. The format is documented in docs/plan.md. */
#include "engine/portfolio_int.h"
#include "util/err.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Monotonic clock in milliseconds. */
double portfolio_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Discount factor (1 - discount)^max(s, 0). */
double portfolio_discount(const PortfolioProblem *p, int s) {
    return s <= 0 ? 1.0 : pow(1.0 - p->discount, s);
}

/* A string -> index map (open addressing, FNV-1a), for ids. */
typedef struct IdMap {
    int *aSlot;         /* index + 1, 0 = empty */
    size_t nSlot;       /* power of two */
    char *const *azKey; /* keys by index (borrowed) */
    char **azOwned;     /* an index array the map owns (freed with it), or NULL */
} IdMap;

/* FNV-1a hash of z. */
static uint64_t idmap_hash(const char *z) {
    uint64_t h = 1469598103934665603ULL;
    while (*z)
        h = (h ^ (unsigned char)*z++) * 1099511628211ULL;
    return h;
}

/* Find z; returns its index or -1. */
static int idmap_find(const IdMap *m, const char *z) {
    size_t k = idmap_hash(z) & (m->nSlot - 1);
    while (m->aSlot[k]) {
        if (strcmp(m->azKey[m->aSlot[k] - 1], z) == 0) return m->aSlot[k] - 1;
        k = (k + 1) & (m->nSlot - 1);
    }
    return -1;
}

/* Insert key index i (azKey[i]); returns the index already holding the same
 * key, or -1 when inserted. */
static int idmap_insert(IdMap *m, int i) {
    size_t k = idmap_hash(m->azKey[i]) & (m->nSlot - 1);
    while (m->aSlot[k]) {
        if (strcmp(m->azKey[m->aSlot[k] - 1], m->azKey[i]) == 0) return m->aSlot[k] - 1;
        k = (k + 1) & (m->nSlot - 1);
    }
    m->aSlot[k] = i + 1;
    return -1;
}

/* Allocate a map for n keys; 0 or KEEL_ENOMEM. */
static int idmap_init(IdMap *m, int n, char *const *azKey) {
    m->nSlot = 16;
    while (m->nSlot < (size_t)n * 2 + 2)
        m->nSlot *= 2;
    m->aSlot = calloc(m->nSlot, sizeof(int));
    m->azKey = azKey;
    return m->aSlot ? 0 : KEEL_ENOMEM;
}

/* Free the problem and everything it owns. */
void portfolio_problem_free(PortfolioProblem *p) {
    if (!p) return;
    for (int t = 0; t < p->nPeriod && p->azPeriod; t++)
        free(p->azPeriod[t]);
    free(p->azPeriod);
    for (int q = 0; q < p->nPool && p->aPool; q++) {
        free(p->aPool[q].zId);
        free(p->aPool[q].aCap);
        free(p->aPool[q].aCloudMax);
    }
    free(p->aPool);
    for (int i = 0; i < p->nItem && p->aItem; i++) {
        free(p->aItem[i].zId);
        free(p->aItem[i].aDemand);
        free(p->aItem[i].aDep);
        free(p->aItem[i].aExcl);
    }
    free(p->aItem);
    free(p);
}

/* Read a finite number >= 0 from v into *pX; zField names it in errors. */
static int parse_nonneg(const json_t *v, const char *zField, double *pX, EngineError *pErr) {
    if (!json_is_number(v)) return jspec_fail(pErr, zField, "must be a number");
    double x = json_number_value(v);
    if (!isfinite(x)) return jspec_fail(pErr, zField, "must be finite");
    if (x < 0) return jspec_fail(pErr, zField, "must not be negative (got %g)", x);
    *pX = x;
    return 0;
}

/* Read a per-period series: a number (the same every period) or an array
 * of exactly n numbers, each >= 0, into a new array *paX (caller frees). */
static int parse_series(const json_t *v, int n, const char *zField, const char *zWhat, double **paX,
                        EngineError *pErr) {
    char zF[128];
    double *a = calloc((size_t)n, sizeof(double));
    if (!a) return KEEL_ENOMEM;
    *paX = a;
    if (json_is_array(v)) {
        if ((int)json_array_size(v) != n)
            return jspec_fail(pErr, zField, "must have %d values (%s), got %d", n, zWhat,
                              (int)json_array_size(v));
        for (int k = 0; k < n; k++) {
            snprintf(zF, sizeof zF, "%s[%d]", zField, k);
            int rc = parse_nonneg(json_array_get(v, (size_t)k), zF, &a[k], pErr);
            if (rc) return rc;
        }
        return 0;
    }
    double x = 0;
    int rc = parse_nonneg(v, zField, &x, pErr);
    if (rc) return rc;
    for (int k = 0; k < n; k++)
        a[k] = x;
    return 0;
}

/* Resolve a period reference: a label in periods, or an integer offset from
 * the first period (negative: before the horizon). */
static int parse_period(const PortfolioProblem *p, const json_t *v, const char *zField, int *pT,
                        EngineError *pErr) {
    if (json_is_string(v)) {
        for (int t = 0; t < p->nPeriod; t++)
            if (strcmp(p->azPeriod[t], json_string_value(v)) == 0) {
                *pT = t;
                return 0;
            }
        return jspec_fail(pErr, zField, "'%.40s' is not one of the periods", json_string_value(v));
    }
    if (json_is_integer(v) ||
        (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)))) {
        double x = json_number_value(v);
        if (x < -1000 || x >= p->nPeriod)
            return jspec_fail(pErr, zField, "period offset %g is outside -1000 .. %d", x,
                              p->nPeriod - 1);
        *pT = (int)x;
        return 0;
    }
    return jspec_fail(pErr, zField, "must be a period label or an integer offset");
}

/* Parse "periods", "discount" and the pools. */
static int parse_pools(const json_t *in, PortfolioProblem *p, IdMap *pm, EngineError *pErr) {
    static const char *const azPoolKey[] = {"id",   "capacity", "cloud", "name",
                                            "kind", "unit",     NULL};
    static const char *const azCloudKey[] = {"price", "paid_from", "max", NULL};
    char zF[128];
    const json_t *per = json_object_get(in, "periods");
    int rc;
    if (!json_is_array(per) || json_array_size(per) == 0)
        return jspec_fail(pErr, "periods", "must be a non-empty array of period labels");
    if (json_array_size(per) > PORTFOLIO_MAX_PERIODS)
        return jspec_fail(pErr, "periods", "at most %d periods", PORTFOLIO_MAX_PERIODS);
    p->azPeriod = calloc(json_array_size(per), sizeof(char *));
    if (!p->azPeriod) return KEEL_ENOMEM;
    for (size_t t = 0; t < json_array_size(per); t++) {
        const char *z = json_string_value(json_array_get(per, t));
        snprintf(zF, sizeof zF, "periods[%zu]", t);
        if (!z || !z[0] || strlen(z) > 64)
            return jspec_fail(pErr, zF, "must be a non-empty string of at most 64 bytes");
        for (size_t u = 0; u < t; u++)
            if (strcmp(p->azPeriod[u], z) == 0)
                return jspec_fail(pErr, zF, "duplicate period '%s'", z);
        if (!(p->azPeriod[t] = strdup(z))) return KEEL_ENOMEM;
        p->nPeriod = (int)t + 1;
    }
    if ((rc = jspec_number(in, "discount", "", 0.03, 0, 1, 0, 1, &p->discount, pErr))) return rc;
    const json_t *pools = json_object_get(in, "pools");
    if (!json_is_array(pools)) return jspec_fail(pErr, "pools", "must be an array of pools");
    if (json_array_size(pools) > PORTFOLIO_MAX_POOLS)
        return jspec_fail(pErr, "pools", "at most %d pools", PORTFOLIO_MAX_POOLS);
    size_t nPool = json_array_size(pools);
    p->aPool = calloc(nPool ? nPool : 1, sizeof(PortfolioPool));
    char **azId = calloc(nPool ? nPool : 1, sizeof(char *));
    if (!p->aPool || !azId) {
        free(azId);
        return KEEL_ENOMEM;
    }
    for (size_t q = 0; q < nPool; q++) {
        const json_t *o = json_array_get(pools, q);
        PortfolioPool *pp = &p->aPool[q];
        const char *zId;
        snprintf(zF, sizeof zF, "pools[%zu]", q);
        p->nPool = (int)q + 1;
        pp->iCloudPayer = -1;
        if ((rc = jspec_only(o, zF, azPoolKey, pErr))) goto done;
        if ((rc = jspec_string(o, "id", zF, NULL, &zId, pErr))) goto done;
        if (!zId) {
            rc = jspec_fail(pErr, zF, "needs an \"id\"");
            goto done;
        }
        if (!(pp->zId = strdup(zId))) {
            rc = KEEL_ENOMEM;
            goto done;
        }
        azId[q] = pp->zId;
        snprintf(zF, sizeof zF, "pools[%zu].capacity", q);
        if (!json_object_get(o, "capacity")) {
            rc = jspec_fail(pErr, zF, "pool '%s' needs a capacity", zId);
            goto done;
        }
        if ((rc = parse_series(json_object_get(o, "capacity"), p->nPeriod, zF, "one per period",
                               &pp->aCap, pErr)))
            goto done;
    }
    if ((rc = idmap_init(pm, (int)nPool, azId))) goto done;
    for (size_t q = 0; q < nPool; q++)
        if (idmap_insert(pm, (int)q) >= 0) {
            snprintf(zF, sizeof zF, "pools[%zu].id", q);
            rc = jspec_fail(pErr, zF, "duplicate pool id '%s'", azId[q]);
            goto done;
        }
    const char *zBudget = NULL;
    if ((rc = jspec_string(in, "budget_pool", "", NULL, &zBudget, pErr))) goto done;
    p->iBudget = idmap_find(pm, zBudget ? zBudget : "budget");
    if (zBudget && p->iBudget < 0) {
        rc = jspec_fail(pErr, "budget_pool", "no pool '%s'", zBudget);
        goto done;
    }
    for (size_t q = 0; q < nPool; q++) {
        const json_t *c = json_object_get(json_array_get(pools, q), "cloud");
        PortfolioPool *pp = &p->aPool[q];
        const char *zPayer = NULL;
        if (!c || json_is_null(c)) continue;
        snprintf(zF, sizeof zF, "pools[%zu].cloud", q);
        if ((rc = jspec_only(c, zF, azCloudKey, pErr))) goto done;
        if ((rc = jspec_number(c, "price", zF, NAN, 0, 1e15, 1, 0, &pp->cloudPrice, pErr)))
            goto done;
        if (isnan(pp->cloudPrice)) {
            rc = jspec_fail(pErr, zF, "needs a \"price\" per unit (> 0)");
            goto done;
        }
        if ((rc = jspec_string(c, "paid_from", zF, NULL, &zPayer, pErr))) goto done;
        pp->iCloudPayer = zPayer ? idmap_find(pm, zPayer) : p->iBudget;
        snprintf(zF, sizeof zF, "pools[%zu].cloud.paid_from", q);
        if (pp->iCloudPayer < 0) {
            rc = jspec_fail(pErr, zF, zPayer ? "no pool '%s'" : "no budget pool to pay from%s",
                            zPayer ? zPayer : "");
            goto done;
        }
        if (pp->iCloudPayer == (int)q) {
            rc = jspec_fail(pErr, zF, "a pool cannot pay for itself");
            goto done;
        }
        if (json_object_get(c, "max")) {
            snprintf(zF, sizeof zF, "pools[%zu].cloud.max", q);
            if ((rc = parse_series(json_object_get(c, "max"), p->nPeriod, zF, "one per period",
                                   &pp->aCloudMax, pErr)))
                goto done;
        }
    }
    for (size_t q = 0; q < nPool; q++) {
        int b = p->aPool[q].iCloudPayer;
        if (b >= 0 && p->aPool[b].cloudPrice > 0) {
            snprintf(zF, sizeof zF, "pools[%zu].cloud.paid_from", q);
            rc = jspec_fail(pErr, zF,
                            "pool '%s' pays for cloud units itself and cannot pay for others",
                            p->aPool[b].zId);
            goto done;
        }
    }
done:
    if (rc) {
        free(azId);
        free(pm->aSlot);
        pm->aSlot = NULL;
    } else {
        pm->azOwned = azId;
    }
    return rc;
}

/* Parse one initiative's scalar fields and demand (ids resolved later). */
static int parse_item(const json_t *o, size_t i, PortfolioProblem *p, const IdMap *pm,
                      EngineError *pErr) {
    static const char *const azKey[] = {
        "id",    "value",      "duration",       "demand", "mandatory", "excluded",
        "start", "depends_on", "exclusive_with", "name",   "stage",     NULL};
    PortfolioItem *it = &p->aItem[i];
    char zF[160];
    const char *zId;
    double x;
    int rc;
    snprintf(zF, sizeof zF, "initiatives[%zu]", i);
    it->iFixed = it->iPrev = PORTFOLIO_UNFUNDED;
    if ((rc = jspec_only(o, zF, azKey, pErr))) return rc;
    if ((rc = jspec_string(o, "id", zF, NULL, &zId, pErr))) return rc;
    if (!zId) return jspec_fail(pErr, zF, "needs an \"id\"");
    if (strlen(zId) > 200) return jspec_fail(pErr, zF, "id longer than 200 bytes");
    if (!(it->zId = strdup(zId))) return KEEL_ENOMEM;
    snprintf(zF, sizeof zF, "initiatives[%zu].value", i);
    if (!json_object_get(o, "value"))
        return jspec_fail(pErr, zF, "initiative '%s' needs a value", zId);
    if ((rc = parse_nonneg(json_object_get(o, "value"), zF, &it->value, pErr))) return rc;
    snprintf(zF, sizeof zF, "initiatives[%zu]", i);
    if ((rc = jspec_count(o, "duration", zF, 1, &x, pErr))) return rc;
    snprintf(zF, sizeof zF, "initiatives[%zu].duration", i);
    if (x < 1 || x > 10000)
        return jspec_fail(pErr, zF, "initiative '%s': duration must be 1 .. 10000 periods", zId);
    snprintf(zF, sizeof zF, "initiatives[%zu]", i);
    it->nDur = (int)x;
    if ((rc = jspec_bool(o, "mandatory", zF, 0, &it->bMandatory, pErr))) return rc;
    if ((rc = jspec_bool(o, "excluded", zF, 0, &it->bExcluded, pErr))) return rc;
    if (json_object_get(o, "start") && !json_is_null(json_object_get(o, "start"))) {
        snprintf(zF, sizeof zF, "initiatives[%zu].start", i);
        if ((rc = parse_period(p, json_object_get(o, "start"), zF, &it->iFixed, pErr))) return rc;
        if (it->iFixed + it->nDur <= 0)
            return jspec_fail(pErr, zF, "initiative '%s' finished before the first period", zId);
    }
    snprintf(zF, sizeof zF, "initiatives[%zu]", i);
    if (it->bMandatory && it->bExcluded)
        return jspec_fail(pErr, zF, "initiative '%s' cannot be both mandatory and excluded", zId);
    if (it->iFixed != PORTFOLIO_UNFUNDED && it->bExcluded)
        return jspec_fail(pErr, zF, "initiative '%s' has a start and is excluded", zId);
    snprintf(zF, sizeof zF, "initiatives[%zu].duration", i);
    if (it->iFixed == PORTFOLIO_UNFUNDED && it->nDur > p->nPeriod && !it->bExcluded)
        return jspec_fail(pErr, zF,
                          "initiative '%s': duration %d is beyond the horizon of %d periods", zId,
                          it->nDur, p->nPeriod);
    if ((size_t)p->nPool * (size_t)it->nDur > 4000000)
        return jspec_fail(pErr, zF, "initiative '%s': too many demand values", zId);
    it->aDemand = calloc((size_t)p->nPool * (size_t)it->nDur + 1, sizeof(double));
    if (!it->aDemand) return KEEL_ENOMEM;
    const json_t *dem = json_object_get(o, "demand"), *v;
    const char *zPool;
    if (dem && !json_is_null(dem)) {
        snprintf(zF, sizeof zF, "initiatives[%zu].demand", i);
        if (!json_is_object(dem)) return jspec_fail(pErr, zF, "must be an object pool -> demand");
        json_object_foreach((json_t *)dem, zPool, v) {
            int q = idmap_find(pm, zPool);
            double *a;
            snprintf(zF, sizeof zF, "initiatives[%zu].demand.%.60s", i, zPool);
            if (q < 0)
                return jspec_fail(pErr, zF, "initiative '%s' demands unknown pool '%.60s'", zId,
                                  zPool);
            if (json_is_array(v) && json_array_size(v) == 1) v = json_array_get(v, 0);
            if ((rc = parse_series(v, it->nDur, zF, "one per period of the initiative's life", &a,
                                   pErr))) {
                free(a);
                return rc;
            }
            memcpy(it->aDemand + (size_t)q * it->nDur, a, sizeof(double) * (size_t)it->nDur);
            free(a);
        }
    }
    return 0;
}

/* Resolve an array of initiative ids into a new index array. */
static int parse_refs(const json_t *o, const char *zKey, size_t i, const IdMap *im, int **pa,
                      int *pn, EngineError *pErr) {
    const json_t *a = json_object_get(o, zKey);
    char zF[160];
    *pa = NULL;
    *pn = 0;
    if (!a || json_is_null(a)) return 0;
    snprintf(zF, sizeof zF, "initiatives[%zu].%s", i, zKey);
    if (!json_is_array(a)) return jspec_fail(pErr, zF, "must be an array of initiative ids");
    if (json_array_size(a) > PORTFOLIO_MAX_ITEMS) return jspec_fail(pErr, zF, "too many ids");
    *pa = malloc((json_array_size(a) + 1) * sizeof(int));
    if (!*pa) return KEEL_ENOMEM;
    for (size_t k = 0; k < json_array_size(a); k++) {
        const char *z = json_string_value(json_array_get(a, k));
        snprintf(zF, sizeof zF, "initiatives[%zu].%s[%zu]", i, zKey, k);
        if (!z) return jspec_fail(pErr, zF, "must be an initiative id (string)");
        int j = idmap_find(im, z);
        if (j < 0) return jspec_fail(pErr, zF, "unknown initiative '%.60s'", z);
        if (j == (int)i) return jspec_fail(pErr, zF, "initiative '%.60s' refers to itself", z);
        int dup = 0;
        for (int m = 0; m < *pn; m++)
            dup |= (*pa)[m] == j;
        if (!dup) (*pa)[(*pn)++] = j;
    }
    return 0;
}

/* Find a dependency cycle; on one, fail naming it ("a -> b -> a"). */
static int check_cycles(const PortfolioProblem *p, EngineError *pErr) {
    int n = p->nItem, rc = 0;
    char *aColor = calloc((size_t)n + 1, 1); /* 0 new, 1 on stack, 2 done */
    int *aStack = malloc(((size_t)n + 1) * sizeof(int)),
        *aPos = malloc(((size_t)n + 1) * sizeof(int));
    if (!aColor || !aStack || !aPos) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (int r = 0; r < n && !rc; r++) {
        if (aColor[r]) continue;
        int top = 0;
        aStack[0] = r;
        aPos[0] = 0;
        aColor[r] = 1;
        while (top >= 0 && !rc) {
            int u = aStack[top];
            if (aPos[top] < p->aItem[u].nDep) {
                int v = p->aItem[u].aDep[aPos[top]++];
                if (aColor[v] == 1) {
                    char z[200];
                    size_t o = 0;
                    int k = top;
                    while (aStack[k] != v)
                        k--;
                    for (int m = k; m <= top && o < sizeof z; m++)
                        o += (size_t)snprintf(z + o, sizeof z - o, "%s -> ",
                                              p->aItem[aStack[m]].zId);
                    if (o < sizeof z) snprintf(z + o, sizeof z - o, "%s", p->aItem[v].zId);
                    rc = jspec_fail(pErr, "depends_on", "dependency cycle: %s", z);
                } else if (!aColor[v]) {
                    aColor[v] = 1;
                    aStack[++top] = v;
                    aPos[top] = 0;
                }
            } else {
                aColor[u] = 2;
                top--;
            }
        }
    }
done:
    free(aColor);
    free(aStack);
    free(aPos);
    return rc;
}

/* Parse and validate planning input; see portfolio.h. */
int portfolio_problem_parse(const json_t *in, PortfolioProblem **ppProb, EngineError *pErr) {
    static const char *const azTop[] = {
        "periods",       "discount",       "pools", "initiatives", "budget_pool",
        "previous_plan", "change_penalty", "name",  "description", NULL};
    PortfolioProblem *p = calloc(1, sizeof *p);
    IdMap pm = {0}, im = {0};
    char **azId = NULL;
    char zF[160];
    int rc;
    *ppProb = NULL;
    if (!p) return KEEL_ENOMEM;
    p->iBudget = -1;
    if ((rc = jspec_only(in, "", azTop, pErr))) goto done;
    if ((rc = parse_pools(in, p, &pm, pErr))) goto done;
    const json_t *items = json_object_get(in, "initiatives");
    if (!json_is_array(items)) {
        rc = jspec_fail(pErr, "initiatives", "must be an array of initiatives");
        goto done;
    }
    size_t n = json_array_size(items);
    if (n > PORTFOLIO_MAX_ITEMS) {
        rc = jspec_fail(pErr, "initiatives", "at most %d initiatives", PORTFOLIO_MAX_ITEMS);
        goto done;
    }
    p->aItem = calloc(n + 1, sizeof(PortfolioItem));
    azId = calloc(n + 1, sizeof(char *));
    if (!p->aItem || !azId) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        p->nItem = (int)i + 1;
        if ((rc = parse_item(json_array_get(items, i), i, p, &pm, pErr))) goto done;
        azId[i] = p->aItem[i].zId;
    }
    if ((rc = idmap_init(&im, (int)n, azId))) goto done;
    for (size_t i = 0; i < n; i++)
        if (idmap_insert(&im, (int)i) >= 0) {
            snprintf(zF, sizeof zF, "initiatives[%zu].id", i);
            rc = jspec_fail(pErr, zF, "duplicate initiative id '%s'", azId[i]);
            goto done;
        }
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(items, i);
        PortfolioItem *it = &p->aItem[i];
        if ((rc = parse_refs(o, "depends_on", i, &im, &it->aDep, &it->nDep, pErr))) goto done;
        if ((rc = parse_refs(o, "exclusive_with", i, &im, &it->aExcl, &it->nExcl, pErr))) goto done;
    }
    /* Make exclusivity symmetric: add i to each partner's list. */
    for (int i = 0; i < p->nItem; i++)
        for (int k = 0; k < p->aItem[i].nExcl; k++) {
            PortfolioItem *o = &p->aItem[p->aItem[i].aExcl[k]];
            int have = 0;
            for (int m = 0; m < o->nExcl; m++)
                have |= o->aExcl[m] == i;
            if (have) continue;
            int *a = realloc(o->aExcl, ((size_t)o->nExcl + 2) * sizeof(int));
            if (!a) {
                rc = KEEL_ENOMEM;
                goto done;
            }
            o->aExcl = a;
            o->aExcl[o->nExcl++] = i;
        }
    for (int i = 0; i < p->nItem; i++)
        for (int k = 0; k < p->aItem[i].nExcl; k++) {
            const PortfolioItem *a = &p->aItem[i], *b = &p->aItem[a->aExcl[k]];
            if (a->iFixed != PORTFOLIO_UNFUNDED && b->iFixed != PORTFOLIO_UNFUNDED) {
                snprintf(zF, sizeof zF, "initiatives[%d].exclusive_with", i);
                rc = jspec_fail(pErr, zF, "'%s' and '%s' are exclusive but both have a start",
                                a->zId, b->zId);
                goto done;
            }
        }
    if ((rc = check_cycles(p, pErr))) goto done;
    const json_t *prev = json_object_get(in, "previous_plan"), *v;
    const char *zKey;
    if (prev && !json_is_null(prev)) {
        double maxV = 0;
        if (!json_is_object(prev)) {
            rc = jspec_fail(pErr, "previous_plan", "must be an object initiative id -> period");
            goto done;
        }
        json_object_foreach((json_t *)prev, zKey, v) {
            int i = idmap_find(&im, zKey);
            snprintf(zF, sizeof zF, "previous_plan.%.60s", zKey);
            if (i < 0) {
                rc = jspec_fail(pErr, zF, "unknown initiative '%.60s'", zKey);
                goto done;
            }
            if ((rc = parse_period(p, v, zF, &p->aItem[i].iPrev, pErr))) goto done;
        }
        for (int i = 0; i < p->nItem; i++)
            maxV += p->aItem[i].value;
        p->bPrev = 1;
        if ((rc = jspec_number(in, "change_penalty", "", p->nItem ? 0.01 * maxV / p->nItem : 0, 0,
                               1e300, 0, 0, &p->changePenalty, pErr)))
            goto done;
    } else if (json_object_get(in, "change_penalty")) {
        rc = jspec_fail(pErr, "change_penalty", "needs a previous_plan");
        goto done;
    }
    *ppProb = p;
    p = NULL;
done:
    free(pm.aSlot);
    free(pm.azOwned);
    free(im.aSlot);
    free(azId);
    portfolio_problem_free(p);
    return rc;
}

/* Add or remove item i started in s to period-major loads. */
void portfolio_load_add(const PortfolioProblem *p, int i, int s, double sign, double *aLoad) {
    const PortfolioItem *it = &p->aItem[i];
    for (int k = 0; k < it->nDur; k++) {
        int t = s + k;
        if (t < 0 || t >= p->nPeriod) continue;
        for (int q = 0; q < p->nPool; q++)
            aLoad[t * p->nPool + q] += sign * it->aDemand[q * it->nDur + k];
    }
}

/* Whether loads fit period t's capacities with cloud purchases; see
 * portfolio_int.h. */
int portfolio_period_fits(const PortfolioProblem *p, int t, const double *aLoad, double *aCloud,
                          PortfolioShort *pShort) {
    double aExtra[PORTFOLIO_MAX_POOLS];
    int nPool = p->nPool;
    for (int q = 0; q < nPool; q++)
        aExtra[q] = 0;
    for (int q = 0; q < nPool; q++) {
        const PortfolioPool *pp = &p->aPool[q];
        double cap = pp->aCap[t], over = aLoad[q] - cap;
        if (aCloud) aCloud[q] = 0;
        if (over <= PORTFOLIO_TOL * (1 + cap)) continue;
        if (pp->cloudPrice <= 0) {
            if (pShort)
                *pShort = (PortfolioShort){PORTFOLIO_SHORT_CAPACITY, q, t, aLoad[q], cap, 0};
            return 0;
        }
        if (pp->aCloudMax && over > pp->aCloudMax[t] + PORTFOLIO_TOL * (1 + cap)) {
            if (pShort)
                *pShort = (PortfolioShort){PORTFOLIO_SHORT_CLOUD_MAX, q, t, aLoad[q], cap,
                                           pp->aCloudMax[t]};
            return 0;
        }
        if (aCloud) aCloud[q] = over;
        aExtra[pp->iCloudPayer] += over * pp->cloudPrice;
    }
    for (int q = 0; q < nPool; q++) {
        if (aExtra[q] <= 0) continue;
        double cap = p->aPool[q].aCap[t];
        if (aLoad[q] + aExtra[q] > cap + PORTFOLIO_TOL * (1 + cap)) {
            if (pShort)
                *pShort =
                    (PortfolioShort){PORTFOLIO_SHORT_CLOUD_COST, q, t, aLoad[q], cap, aExtra[q]};
            return 0;
        }
    }
    return 1;
}

void portfolio_short_text(const PortfolioProblem *p, const PortfolioShort *sh, char *z, size_t n) {
    const char *zPool = p->aPool[sh->iPool].zId, *zPeriod = p->azPeriod[sh->iPeriod];
    switch (sh->kind) {
    case PORTFOLIO_SHORT_CAPACITY:
        snprintf(z, n, "pool '%s' in %s: %.6g needed, capacity %.6g", zPool, zPeriod, sh->need,
                 sh->cap);
        break;
    case PORTFOLIO_SHORT_CLOUD_MAX:
        snprintf(z, n, "pool '%s' in %s: %.6g needed, capacity %.6g plus at most %.6g bought",
                 zPool, zPeriod, sh->need, sh->cap, sh->extra);
        break;
    case PORTFOLIO_SHORT_CLOUD_COST:
        snprintf(z, n, "pool '%s' in %s: %.6g needed plus %.6g for cloud units, capacity %.6g",
                 zPool, zPeriod, sh->need, sh->extra, sh->cap);
        break;
    }
}

/* Plan value: sum of value * (1 - discount)^max(start, 0). */
double portfolio_plan_value(const PortfolioProblem *p, const int *aStart) {
    double v = 0;
    for (int i = 0; i < p->nItem; i++)
        if (aStart[i] != PORTFOLIO_UNFUNDED)
            v += p->aItem[i].value * portfolio_discount(p, aStart[i]);
    return v;
}

/* Check every constraint of a plan; see portfolio.h. */
int portfolio_plan_check(const PortfolioProblem *p, const int *aStart, EngineError *pWhy) {
    int T = p->nPeriod, bad = 0;
    for (int i = 0; i < p->nItem && !bad; i++) {
        const PortfolioItem *it = &p->aItem[i];
        int s = aStart[i];
        if (it->iFixed != PORTFOLIO_UNFUNDED) {
            if (s != it->iFixed)
                bad = engine_fail(pWhy, KEEL_ERULE, "", "'%s' must keep its start", it->zId);
            continue;
        }
        if (s == PORTFOLIO_UNFUNDED) {
            if (it->bMandatory)
                bad = engine_fail(pWhy, KEEL_ERULE, "", "mandatory '%s' is not funded", it->zId);
            continue;
        }
        if (it->bExcluded)
            bad = engine_fail(pWhy, KEEL_ERULE, "", "excluded '%s' is funded", it->zId);
        else if (s < 0 || s + it->nDur > T)
            bad = engine_fail(pWhy, KEEL_ERULE, "", "'%s' starts at %d, outside the horizon",
                              it->zId, s);
        for (int k = 0; k < it->nDep && !bad; k++) {
            int j = it->aDep[k];
            if (aStart[j] == PORTFOLIO_UNFUNDED || aStart[j] + p->aItem[j].nDur > s)
                bad = engine_fail(pWhy, KEEL_ERULE, "", "'%s' starts before '%s' has finished",
                                  it->zId, p->aItem[j].zId);
        }
        for (int k = 0; k < it->nExcl && !bad; k++)
            if (aStart[it->aExcl[k]] != PORTFOLIO_UNFUNDED)
                bad = engine_fail(pWhy, KEEL_ERULE, "", "exclusive '%s' and '%s' are both funded",
                                  it->zId, p->aItem[it->aExcl[k]].zId);
    }
    if (bad) return bad;
    double *aLoad = calloc((size_t)T * p->nPool + 1, sizeof(double));
    if (!aLoad) return engine_fail(pWhy, KEEL_ENOMEM, "", "out of memory");
    for (int i = 0; i < p->nItem; i++)
        if (aStart[i] != PORTFOLIO_UNFUNDED) portfolio_load_add(p, i, aStart[i], 1, aLoad);
    for (int t = 0; t < T && !bad; t++) {
        PortfolioShort sh;
        if (portfolio_period_fits(p, t, aLoad + (size_t)t * p->nPool, NULL, &sh)) continue;
        bad = engine_fail(pWhy, KEEL_ERULE, "", "over capacity");
        if (pWhy) portfolio_short_text(p, &sh, pWhy->zMsg, sizeof pWhy->zMsg);
    }
    free(aLoad);
    return bad;
}
