/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Baselines frozen per version and decay detection per segment; see
 * decay.h. Loading (store), deciding (engine/decay.h, engine/drift.h) and
 * shaping the findings are separate steps below. */
#include "domain/decay.h"
#include "domain/action.h"
#include "domain/system.h"
#include "engine/decay.h"
#include "engine/drift.h"
#include "engine/evagg.h"
#include "store/store_audit.h"
#include "store/store_baseline.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL
#define DECAY_ALL "*"

/* ---- per-segment aggregates ------------------------------------------- */

/* One segment's merged aggregates: nAgg slots (one per period, or one). */
typedef struct SegAggs {
    char *zSeg;
    EvAgg *aAgg;
} SegAggs;

typedef struct SegSet {
    SegAggs *a;
    int n, nAlloc, nSlot;
} SegSet;

static void segset_free(SegSet *s) {
    for (int i = 0; i < s->n; i++) {
        for (int k = 0; k < s->nSlot; k++)
            evagg_free(&s->a[i].aAgg[k]);
        free(s->a[i].aAgg);
        free(s->a[i].zSeg);
    }
    free(s->a);
    memset(s, 0, sizeof *s);
}

/* The aggregates of segment zSeg (created empty when new); NULL on ENOMEM. */
static SegAggs *segset_get(SegSet *s, const char *zSeg) {
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->a[i].zSeg, zSeg) == 0) return &s->a[i];
    if (s->n == s->nAlloc) {
        int n2 = s->nAlloc ? 2 * s->nAlloc : 8;
        SegAggs *a2 = realloc(s->a, sizeof *a2 * (size_t)n2);
        if (!a2) return NULL;
        s->a = a2;
        s->nAlloc = n2;
    }
    SegAggs *g = &s->a[s->n];
    g->zSeg = strdup(zSeg);
    g->aAgg = calloc((size_t)s->nSlot, sizeof *g->aAgg);
    if (!g->zSeg || !g->aAgg) {
        free(g->zSeg);
        free(g->aAgg);
        return NULL;
    }
    for (int k = 0; k < s->nSlot; k++)
        evagg_init(&g->aAgg[k]);
    s->n++;
    return g;
}

/* Merge aggregate text zAgg into segment zSeg's slot k and into "*"'s. */
static int segset_add(SegSet *s, const char *zSeg, int k, const char *zAgg) {
    EvAgg x;
    int rc = evagg_read(&x, zAgg, strlen(zAgg));
    if (rc) return rc;
    SegAggs *g = segset_get(s, zSeg), *all = segset_get(s, DECAY_ALL);
    rc = g && all ? 0 : KEEL_ENOMEM;
    if (!rc) rc = evagg_merge(&g->aAgg[k], &x);
    if (!rc) rc = evagg_merge(&all->aAgg[k], &x);
    evagg_free(&x);
    return rc;
}

/* ---- freezing ------------------------------------------------------------ */

/* Write one baseline row per segment of s (slot 0). */
static int baseline_store(Db *db, const Actor *a, int64_t systemId, const char *zVersion,
                          int64_t fromMs, int64_t toMs, const char *zReason, SegSet *s) {
    char zNow[32];
    time_iso_now(zNow, sizeof zNow);
    int rc = store_baseline_clear(db, systemId, zVersion);
    for (int i = 0; i < s->n && !rc; i++) {
        EvMetrics m;
        evagg_metrics(&s->a[i].aAgg[0], &m);
        Buf b;
        buf_init(&b, 0);
        evagg_write(&s->a[i].aAgg[0], &b);
        BaselineRow r = {
            systemId,   zVersion,    s->a[i].zSeg, fromMs, toMs,  (int64_t)m.n, (int64_t)m.nLabeled,
            m.accuracy, m.errorRate, m.meanScore,  m.auc,  m.p50, m.p99,        b.z ? b.z : "",
            zReason,    a->zName};
        rc = buf_err(&b) ? KEEL_ENOMEM : store_baseline_put(db, &r, zNow);
        buf_reset(&b);
    }
    return rc;
}

int baseline_freeze(Db *db, const Actor *a, int64_t systemId, const char *zVersion, int64_t fromMs,
                    int64_t toMs, const char *zReason, int *pnSeg) {
    *pnSeg = 0;
    int64_t first, last;
    int rc = store_monitor_day_range(db, systemId, zVersion, &first, &last);
    if (rc == KEEL_ENOTFOUND) return 0;
    if (rc) return rc;
    if (fromMs == INT64_MIN) fromMs = last - (DECAY_BASELINE_DAYS - 1) * DAY_MS;
    if (toMs == INT64_MAX) toMs = last + DAY_MS;
    json_t *rows;
    rc = store_monitor_window_aggs(db, systemId, zVersion, "day", fromMs, &rows);
    if (rc) return rc;
    SegSet s = {.nSlot = 1};
    size_t i;
    json_t *w;
    json_array_foreach(rows, i, w) {
        if (json_integer_value(json_object_get(w, "window_start")) >= toMs) continue;
        rc = segset_add(&s, json_get_str(w, "segment"), 0, json_get_str(w, "agg"));
        if (rc) break;
    }
    json_decref(rows);
    if (!rc && s.n) {
        rc = db_begin(db);
        if (!rc) {
            rc = baseline_store(db, a, systemId, zVersion, fromMs, toMs, zReason, &s);
            json_t *after = json_pack("{s:s,s:I,s:I,s:s,s:i}", "version", zVersion, "window_from",
                                      (json_int_t)fromMs, "window_to", (json_int_t)toMs, "reason",
                                      zReason, "segments", s.n);
            if (!rc)
                rc = store_audit_append(db, a, "freeze", "monitor_baseline", systemId, NULL, after);
            json_decref(after);
            rc = db_end(db, rc);
        }
        if (!rc) *pnSeg = s.n;
    }
    segset_free(&s);
    return rc;
}

/* A date field of in (RFC 3339 date or time) as epoch ms into *pMs;
 * absent leaves *pMs. */
static int freeze_date(const json_t *in, const char *zKey, int64_t *pMs, KeelError *e) {
    json_t *v = json_object_get(in, zKey);
    if (!v) return 0;
    int64_t t;
    if (!json_is_string(v) || time_parse_iso(json_string_value(v), &t))
        return err_set(e, KEEL_EINVAL, zKey, "%s must be a date (YYYY-MM-DD) or an RFC 3339 time",
                       zKey);
    *pMs = t * 1000;
    return 0;
}

int baseline_freeze_api(Db *db, const Principal *who, const char *zName, const json_t *in,
                        json_t **ppOut, KeelError *e) {
    *ppOut = NULL;
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "version") && strcmp(zKey, "from") && strcmp(zKey, "to") &&
            strcmp(zKey, "reason"))
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s'; send version, from, to, reason", zKey);
    }
    int64_t systemId = 0;
    int rc = system_for_edit(db, who, zName, &systemId, e);
    if (rc) return rc;
    char zVersion[80];
    int64_t lastMs;
    json_t *jv = json_object_get(in, "version");
    if (jv &&
        (!json_is_string(jv) || !*json_string_value(jv) || strlen(json_string_value(jv)) > 64))
        return err_set(e, KEEL_EINVAL, "version", "version must be a version label (1-64 bytes)");
    if (jv) {
        snprintf(zVersion, sizeof zVersion, "%s", json_string_value(jv));
    } else if ((rc = store_monitor_latest_version(db, systemId, zVersion, sizeof zVersion,
                                                  &lastMs))) {
        return rc == KEEL_ENOTFOUND
                   ? err_set(e, KEEL_ECONFLICT, "version",
                             "%s has no monitoring windows yet: send events first", zName)
                   : err_set(e, rc, "", "cannot read the windows: %s", db_errmsg(db));
    }
    int64_t fromMs = INT64_MIN, toMs = INT64_MAX;
    if ((rc = freeze_date(in, "from", &fromMs, e)) || (rc = freeze_date(in, "to", &toMs, e)))
        return rc;
    if (fromMs != INT64_MIN && toMs != INT64_MAX && toMs <= fromMs)
        return err_set(e, KEEL_EINVAL, "to", "to must be after from");
    const char *zReason = json_get_str(in, "reason");
    if (zReason && strlen(zReason) > 2000)
        return err_set(e, KEEL_EINVAL, "reason", "reason is at most 2000 characters");
    Actor a = auth_actor(who);
    int nSeg = 0;
    rc = baseline_freeze(db, &a, systemId, zVersion, fromMs, toMs,
                         zReason && *zReason ? zReason : "frozen on demand", &nSeg);
    if (rc) return err_set(e, rc, "", "cannot freeze the baseline: %s", db_errmsg(db));
    if (nSeg == 0)
        return err_set(e, KEEL_ECONFLICT, "version",
                       "version %s of %s has no day windows in that range: nothing to freeze",
                       zVersion, zName);
    return store_baseline_list(db, systemId, ppOut);
}

/* ---- detection ------------------------------------------------------------- */

/* The inputs of cur that drifted against base (verdict drift or warn),
 * largest PSI first, at most DECAY_MAX_DRIFTED (new reference). */
static json_t *drifted_inputs(const EvAgg *base, const EvAgg *cur) {
    DriftOptions o;
    drift_options_default(&o);
    json_t *out = json_array();
    for (uint32_t i = 0; i < base->nFeat; i++) {
        const EvFeatAgg *fb = &base->aFeat[i], *fc = NULL;
        for (uint32_t j = 0; j < cur->nFeat && !fc; j++)
            if (strcmp(cur->aFeat[j].zName, fb->zName) == 0) fc = &cur->aFeat[j];
        if (!fc) continue;
        double aRef[DECAY_DRIFT_CELLS + 1], aCur[DECAY_DRIFT_CELLS + 1];
        size_t k = decay_drift_cells(&fb->sk, fb->nMissing, &fc->sk, fc->nMissing, aRef, aCur);
        DriftColumn c;
        drift_bins_compare(aRef, aCur, k, &o, &c);
        if (c.verdict != DRIFT_DRIFT && c.verdict != DRIFT_WARN) continue;
        json_t *x = json_pack("{s:s,s:f,s:f,s:s}", "input", fb->zName, "psi", c.psi, "p_value",
                              c.chi2P, "verdict", drift_verdict_name(c.verdict));
        size_t at = json_array_size(out);
        while (at > 0 &&
               json_real_value(json_object_get(json_array_get(out, at - 1), "psi")) < c.psi)
            at--;
        json_array_insert_new(out, at, x);
    }
    while (json_array_size(out) > DECAY_MAX_DRIFTED)
        json_array_remove(out, json_array_size(out) - 1);
    return out;
}

/* The periods of one metric of a segment as decay points (empty periods
 * left out): slot k holds the period ending k periods before the newest. */
static int metric_points(const SegAggs *g, int nSlot, int bError, DecayPoint *a) {
    int n = 0;
    for (int k = nSlot - 1; k >= 0; k--) {
        const EvAgg *x = &g->aAgg[k];
        double num = bError ? (double)x->nError : (double)x->nCorrect;
        double den = bError ? (double)x->n : (double)x->nPredLabeled;
        if (den <= 0) continue;
        a[n++] = (DecayPoint){num, den, -(double)k * DECAY_PERIOD_DAYS};
    }
    return n;
}

/* Everything one detection run needs. */
typedef struct DetectCtx {
    Db *db;
    int64_t systemId;
    const char *zVersion;
    char zNow[32];
    int nFound;
} DetectCtx;

static int finding_put(DetectCtx *c, const char *zKind, const char *zMetric, const char *zSeg,
                       double base, double cur, double lo, double hi, json_t *detail) {
    char *zDetail = json_dumps(detail, JSON_COMPACT);
    json_decref(detail);
    if (!zDetail) return KEEL_ENOMEM;
    FindingRow r = {c->systemId, c->zVersion, zKind, zMetric, zSeg, base, cur, lo, hi, zDetail};
    int rc = store_finding_add(c->db, &r, c->zNow);
    free(zDetail);
    if (!rc) c->nFound++;
    return rc;
}

/* Test one metric of segment g against baseline b; a finding when
 * flagged. *pFlagged says whether it was. */
static int detect_metric(DetectCtx *c, const SegAggs *g, int nSlot, const EvAgg *b, int bOwn,
                         int bError, int *pFlagged) {
    *pFlagged = 0;
    DecayPoint base = {bError ? (double)b->nError : (double)b->nCorrect,
                       bError ? (double)b->n : (double)b->nPredLabeled, 0};
    if (base.n <= 0) return 0;
    DecayPoint *a = malloc(sizeof *a * (size_t)nSlot);
    if (!a) return KEEL_ENOMEM;
    int n = metric_points(g, nSlot, bError, a);
    DecayOptions o;
    decay_options_default(&o);
    o.side = bError ? 1 : -1;
    DecayResult r;
    /* the newest period must be the last one, else the segment is quiet */
    /* a new segment has no history of its own to set a level: its last
     * period is held against the all-segment baseline alone */
    int rc = n > 0 && a[n - 1].t == 0 ? (bOwn ? decay_test(&base, a, n, &o, &r)
                                              : decay_test(&base, a + n - 1, 1, &o, &r))
                                      : 0;
    free(a);
    if (rc || n == 0 || !r.tested) return rc;
    int flagged = r.dropFlagged || (bOwn && r.trendFlagged);
    if (!flagged) return 0;
    *pFlagged = 1;
    json_t *d = json_pack("{s:s,s:f,s:f,s:I,s:o}", "test", r.dropFlagged ? "change_point" : "trend",
                          "p_value", r.dropFlagged ? r.pDrop : r.pTrend, "false_alarm_rate",
                          bOwn ? 2 * o.alpha : o.alpha, "n_current",
                          (json_int_t)(bError ? g->aAgg[0].n : g->aAgg[0].nPredLabeled),
                          "drifted_inputs", drifted_inputs(b, &g->aAgg[0]));
    if (isfinite(r.slope)) json_object_set_new(d, "slope_per_day", json_real(r.slope));
    return finding_put(c, bOwn ? "decay" : "segment_failure", bError ? "error_rate" : "accuracy",
                       g->zSeg, r.baseline, r.current, r.ciLo, r.ciHi, d);
}

/* Test every segment of s (periods) against the baselines bs (slot 0). */
static int detect_segments(DetectCtx *c, SegSet *s, SegSet *bs) {
    const SegAggs *all = NULL;
    for (int i = 0; i < bs->n; i++)
        if (strcmp(bs->a[i].zSeg, DECAY_ALL) == 0) all = &bs->a[i];
    int rc = 0;
    for (int i = 0; i < s->n && !rc; i++) {
        const SegAggs *g = &s->a[i], *own = NULL;
        if (s->n == 2 && strcmp(g->zSeg, DECAY_ALL)) continue; /* one segment: "*" says it */
        for (int j = 0; j < bs->n; j++)
            if (strcmp(bs->a[j].zSeg, g->zSeg) == 0) own = &bs->a[j];
        const EvAgg *b = own ? &own->aAgg[0] : all ? &all->aAgg[0] : NULL;
        if (!b) continue;
        int f1 = 0, f2 = 0;
        rc = detect_metric(c, g, s->nSlot, b, own != NULL, 0, &f1);
        if (!rc) rc = detect_metric(c, g, s->nSlot, b, own != NULL, 1, &f2);
        if (rc || f1 || f2 || strcmp(g->zSeg, DECAY_ALL)) continue;
        /* no decay over all segments: still say when inputs drifted */
        json_t *di = drifted_inputs(b, &g->aAgg[0]);
        json_t *top = json_array_get(di, 0);
        if (top && strcmp(json_get_str(top, "verdict"), "drift") == 0) {
            json_t *d = json_pack("{s:s,s:f,s:o}", "test", "drift", "false_alarm_rate",
                                  0.005 * b->nFeat, "drifted_inputs", di);
            rc = finding_put(c, "drift", "psi", g->zSeg, 0,
                             json_real_value(json_object_get(top, "psi")), NAN, NAN, d);
        } else {
            json_decref(di);
        }
    }
    return rc;
}

/* Load the baselines of (system, version) into bs (slot 0). */
static int load_baselines(Db *db, int64_t systemId, const char *zVersion, SegSet *bs,
                          int64_t *pToMs) {
    json_t *rows;
    int rc = store_baseline_aggs(db, systemId, zVersion, &rows);
    if (rc) return rc;
    size_t i;
    json_t *w;
    *pToMs = INT64_MIN;
    json_array_foreach(rows, i, w) {
        EvAgg x;
        SegAggs *g = segset_get(bs, json_get_str(w, "segment"));
        const char *z = json_get_str(w, "agg");
        if (!g) rc = KEEL_ENOMEM;
        if (!rc) rc = evagg_read(&x, z, strlen(z));
        if (!rc) {
            rc = evagg_merge(&g->aAgg[0], &x);
            evagg_free(&x);
        }
        *pToMs = json_integer_value(json_object_get(w, "window_to"));
        if (rc) break;
    }
    json_decref(rows);
    return rc;
}

/* Load the day windows after the baseline into periods (slot k: the
 * period ending k periods before the newest window). */
static int load_periods(Db *db, int64_t systemId, const char *zVersion, int64_t sinceMs,
                        int64_t lastMs, SegSet *s) {
    s->nSlot = (int)((lastMs - sinceMs) / (DECAY_PERIOD_DAYS * DAY_MS)) + 1;
    if (s->nSlot < 1) s->nSlot = 1;
    json_t *rows;
    int rc = store_monitor_window_aggs(db, systemId, zVersion, "day", sinceMs, &rows);
    if (rc) return rc;
    size_t i;
    json_t *w;
    json_array_foreach(rows, i, w) {
        int64_t ws = json_integer_value(json_object_get(w, "window_start"));
        int k = (int)((lastMs - ws) / (DECAY_PERIOD_DAYS * DAY_MS));
        if (k < 0 || k >= s->nSlot) continue;
        if ((rc = segset_add(s, json_get_str(w, "segment"), k, json_get_str(w, "agg")))) break;
    }
    json_decref(rows);
    return rc;
}

int decay_detect(Db *db, int64_t systemId, int *pnFound, KeelError *e) {
    *pnFound = 0;
    DetectCtx c = {db, systemId, NULL, "", 0};
    time_iso_now(c.zNow, sizeof c.zNow);
    char zVersion[80];
    int64_t lastMinute, first, last, toMs;
    int rc = store_monitor_latest_version(db, systemId, zVersion, sizeof zVersion, &lastMinute);
    if (rc == KEEL_ENOTFOUND) return 0;
    if (!rc) rc = store_monitor_day_range(db, systemId, zVersion, &first, &last);
    if (rc == KEEL_ENOTFOUND) return 0;
    if (rc) return err_set(e, rc, "", "cannot read the windows: %s", db_errmsg(db));
    c.zVersion = zVersion;
    SegSet bs = {.nSlot = 1}, s = {0};
    rc = load_baselines(db, systemId, zVersion, &bs, &toMs);
    if (!rc && bs.n == 0 && last - first >= DECAY_BASELINE_DAYS * DAY_MS) {
        /* no baseline yet: the version's first days are its baseline */
        Actor a = {0, "monitor.decay"};
        int nSeg;
        rc =
            baseline_freeze(db, &a, systemId, zVersion, first, first + DECAY_BASELINE_DAYS * DAY_MS,
                            "the version's first days (no baseline was frozen)", &nSeg);
        if (!rc) rc = load_baselines(db, systemId, zVersion, &bs, &toMs);
    }
    if (!rc) rc = db_begin(db);
    if (rc) {
        segset_free(&bs);
        return err_set(e, rc, "", "cannot read the baselines: %s", db_errmsg(db));
    }
    rc = store_finding_clear(db, systemId);
    if (!rc && bs.n) {
        rc = load_periods(db, systemId, zVersion, toMs, last, &s);
        if (!rc) rc = detect_segments(&c, &s, &bs);
        int64_t nowMs = time_now() * 1000;
        if (!rc && nowMs - (lastMinute + 60000) > DECAY_NO_DATA_MIN * 60000LL) {
            json_t *d =
                json_pack("{s:s,s:I,s:[]}", "test", "no_data", "minutes",
                          (json_int_t)((nowMs - lastMinute - 60000) / 60000), "drifted_inputs");
            rc = finding_put(&c, "no_data", "events", DECAY_ALL, NAN, 0, NAN, NAN, d);
        }
    }
    if (!rc && c.nFound) {
        /* each decay, segment or drift finding raises one retraining action (path 5) */
        json_t *found;
        int nNew;
        if ((rc = decay_findings(db, systemId, &found)) == 0) {
            rc = action_raise_for_findings(db, systemId, found, &nNew);
            json_decref(found);
        }
    }
    rc = db_end(db, rc);
    segset_free(&s);
    segset_free(&bs);
    if (rc) return err_set(e, rc, "", "cannot run decay detection: %s", db_errmsg(db));
    *pnFound = c.nFound;
    return 0;
}

int decay_job(Db *db, KeelError *e) {
    json_t *rows;
    int rc = store_monitor_systems(db, &rows);
    if (rc) return err_set(e, rc, "", "cannot list systems: %s", db_errmsg(db));
    size_t i;
    json_t *w;
    json_array_foreach(rows, i, w) {
        int n;
        if ((rc = decay_detect(db, json_get_id(w, "system_id"), &n, e))) break;
    }
    json_decref(rows);
    return rc;
}

int decay_findings(Db *db, int64_t systemId, json_t **ppOut) {
    json_t *rows;
    int rc = store_finding_list(db, systemId, &rows);
    if (rc) return rc;
    size_t i;
    json_t *f;
    json_array_foreach(rows, i, f) {
        json_t *d = json_loads(json_get_str(f, "detail"), 0, NULL);
        json_t *lo = json_object_get(f, "ci_lo"), *hi = json_object_get(f, "ci_hi");
        json_object_set_new(f, "ci", json_is_number(lo) ? json_pack("[OO]", lo, hi) : json_null());
        json_object_del(f, "ci_lo");
        json_object_del(f, "ci_hi");
        json_object_del(f, "detail");
        if (json_is_object(d)) json_object_update(f, d);
        json_decref(d);
    }
    *ppOut = rows;
    return 0;
}
