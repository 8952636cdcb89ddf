/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Quarterly reviews and realised value; see quarterly.h. */
#include "domain/quarterly.h"
#include "domain/action.h"
#include "domain/allocation.h"
#include "domain/alignment.h"
#include "domain/decay.h"
#include "domain/pilot.h"
#include "domain/radar.h"
#include "domain/review.h"
#include "domain/slip.h"
#include "domain/risk.h"
#include "engine/realised.h"
#include "store/store_alignment.h"
#include "store/store_allocation.h"
#include "store/store_crud.h"
#include "store/store_iteration.h"
#include "store/store_system.h"
#include "util/json.h"
#include "util/period.h"
#include "util/timeutil.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const azDecision[] = {"continue", "scale", "fix", "stop", NULL};

static const FieldDef aFeedbackField[] = {
    ID_FIELD,
    {"period", FT_PERIOD, F_READONLY | F_FILTER, 0, 0, NULL, NULL, "the review's quarter"},
    {"unit_id", FT_REF, F_REQUIRED | F_FILTER, 1, 9e15, NULL, "unit", "the unit giving it"},
    {"initiative_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "initiative",
     "the initiative it is about (none: the programme)"},
    {"satisfaction", FT_INT, F_REQUIRED, 1, 5, NULL, NULL, "1 (poor) to 5 (excellent)"},
    {"cost_change_pct", FT_REAL, F_NULLABLE, -100, 1000, NULL, NULL,
     "change of the unit's cost for the work, in percent (negative: cheaper)"},
    {"comment", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL, "what the front line says"},
    {"account_id", FT_INT, F_READONLY, 0, 9e15, NULL, NULL, "who recorded it"},
    {"created_by", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who recorded it"},
    TIMES,
};
const ResourceDef resource_review_feedback =
    RESOURCE("review_feedback", "review_feedback", aFeedbackField);

/* ---- periods ---- */

/* Normalise zIn into z ("2026q4" -> "2026Q4") and parse it; it must be a
 * quarter that has begun. */
static int qr_period(Db *db, const char *zIn, char z[16], Period *p, KeelError *e) {
    size_t n = zIn ? strlen(zIn) : 0;
    if (n == 0 || n > 10)
        return err_set(e, KEEL_EINVAL, "period", "give a fiscal quarter, e.g. 2026Q4");
    for (size_t i = 0; i <= n; i++)
        z[i] = (char)toupper((unsigned char)zIn[i]);
    int fs = align_fiscal_start(db);
    if (period_parse(z, fs, p) || p->kind != PERIOD_QUARTER)
        return err_set(e, KEEL_EINVAL, "period", "'%.10s' is not a fiscal quarter, e.g. 2026Q4",
                       zIn);
    char zNow[12];
    Period cur;
    period_quarter_at(time_now(), fs, 0, zNow);
    period_parse(zNow, fs, &cur);
    if (p->firstMonth > cur.firstMonth)
        return err_set(e, KEEL_EINVAL, "period",
                       "%s has not begun (the current quarter is %s): a review looks back", z,
                       zNow);
    return 0;
}

/* Month index of an ISO date or timestamp (-1 when none). */
static int month_of(const char *z) {
    int y, m;
    if (!z || sscanf(z, "%4d-%2d", &y, &m) != 2) return -1;
    return y * 12 + m - 1;
}

static json_t *num_or_null(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* ---- realised value ---- */

/* The realised share of one link measured against the units not yet
 * rolled out (path 4's staggered comparison of per-unit readings): the
 * rolled-out units' mean change from the pilot's baseline period, in
 * percent, less the waiting units'; the promise in percent is the
 * expected impact against the KPI's baseline. 0 with *ppOut NULL when
 * there is no such comparison. */
static int link_by_units(Db *db, int64_t iniId, const json_t *link, const char *zUntil,
                         json_t **ppOut) {
    *ppOut = NULL;
    double exp = json_number_value(json_object_get(link, "expected_impact"));
    double base = json_number_value(json_object_get(link, "baseline"));
    if (!json_is_number(json_object_get(link, "baseline")) || base == 0 || exp == 0) return 0;
    json_t *cmp;
    int rc = pilot_compare_latest(db, iniId, json_get_id(link, "id"), zUntil, QR_LEVEL, &cmp);
    if (rc || !cmp) return rc;
    double expPct = exp / fabs(base) * 100.0;
    double d = json_number_value(json_object_get(cmp, "difference"));
    double lo = json_number_value(json_object_get(cmp, "interval_low")) / expPct,
           hi = json_number_value(json_object_get(cmp, "interval_high")) / expPct;
    json_t *o = json_pack(
        "{sO sO sO sO sb ss sO sO sO sO sf sf s[ff] sf s[ff] sO}", "kpi_id",
        json_object_get(link, "id"), "kpi", json_object_get(link, "name"), "unit",
        json_object_get(link, "unit"), "expected_impact", json_object_get(link, "expected_impact"),
        "tested", 1, "comparison", "units_not_rolled_out", "baseline_period",
        json_object_get(cmp, "baseline_period"), "period", json_object_get(cmp, "period"),
        "n_rolled_out", json_object_get(cmp, "rolled_out"), "n_waiting",
        json_object_get(cmp, "waiting"), "expected_change_pct", expPct, "change_pct", d,
        "interval_pct", json_number_value(json_object_get(cmp, "interval_low")),
        json_number_value(json_object_get(cmp, "interval_high")), "share", d / expPct,
        "share_interval", fmin(lo, hi), fmax(lo, hi), "units", json_object_get(cmp, "units"));
    json_decref(cmp);
    *ppOut = o;
    return 0;
}

static int link_realised(Db *db, int fs, int64_t iniId, const json_t *link, int liveMonth,
                         int untilMonth, const char *zUntil, json_t **ppOut) {
    int rc = link_by_units(db, iniId, link, zUntil, ppOut);
    if (rc || *ppOut) return rc;
    json_t *values;
    rc = store_kpi_values(db, json_get_id(link, "id"), &values);
    if (rc) return rc;
    double a[512], b[512];
    int nA = 0, nB = 0;
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v) {
        Period p;
        if (period_parse(json_get_str(v, "period"), fs, &p)) continue;
        int last = p.firstMonth + (p.kind == PERIOD_QUARTER ? 2 : 0);
        double x = json_number_value(json_object_get(v, "value"));
        if (untilMonth >= 0 && last > untilMonth) continue;
        if (last < liveMonth && nA < 512)
            a[nA++] = x;
        else if (p.firstMonth >= liveMonth && nB < 512)
            b[nB++] = x;
    }
    json_decref(values);
    RvResult r;
    realised_change(a, nA, b, nB, QR_LEVEL, &r);
    double exp = json_number_value(json_object_get(link, "expected_impact"));
    double share = r.tested && exp != 0 ? r.change / exp : NAN;
    double s1 = r.tested && exp != 0 ? r.lo / exp : NAN,
           s2 = r.tested && exp != 0 ? r.hi / exp : NAN;
    json_t *o =
        json_pack("{sO sO sO sO sb ss si si}", "kpi_id", json_object_get(link, "id"), "kpi",
                  json_object_get(link, "name"), "unit", json_object_get(link, "unit"),
                  "expected_impact", json_object_get(link, "expected_impact"), "tested", r.tested,
                  "comparison", "pre_period", "n_before", r.nBefore, "n_after", r.nAfter);
    json_object_set_new(o, "before", num_or_null(r.before));
    json_object_set_new(o, "after", num_or_null(r.after));
    json_object_set_new(o, "change", num_or_null(r.change));
    json_object_set_new(o, "interval", r.tested ? json_pack("[ff]", r.lo, r.hi) : json_null());
    json_object_set_new(o, "share", num_or_null(share));
    json_object_set_new(o, "share_interval",
                        r.tested && exp != 0 ? json_pack("[ff]", fmin(s1, s2), fmax(s1, s2))
                                             : json_null());
    *ppOut = o;
    return 0;
}

int quarterly_realised(Db *db, const json_t *ini, const char *zUntil, json_t **ppOut) {
    int fs = align_fiscal_start(db);
    int untilMonth = -1;
    Period pu;
    if (zUntil && period_parse(zUntil, fs, &pu) == 0)
        untilMonth = pu.firstMonth + (pu.kind == PERIOD_QUARTER ? 2 : 0);
    const char *zLive = json_get_str(ini, "live_since");
    int liveMonth = month_of(zLive);
    json_t *promised = json_object_get(ini, "expected_value");
    json_t *o = json_pack("{sO s:s? sI}", "promised_value", promised ? promised : json_null(),
                          "live_since", zLive, "level", (json_int_t)llround(QR_LEVEL * 100));
    json_t *links = json_array();
    int nTested = 0;
    double sum = 0, sumLo = 0, sumHi = 0;
    if (liveMonth >= 0 && (untilMonth < 0 || liveMonth <= untilMonth)) {
        json_t *rows;
        int rc = store_initiative_links(db, json_get_id(ini, "id"), &rows);
        if (rc) {
            json_decref(o);
            json_decref(links);
            return rc;
        }
        size_t i;
        json_t *l;
        json_array_foreach(rows, i, l) {
            json_t *r;
            if ((rc = link_realised(db, fs, json_get_id(ini, "id"), l, liveMonth, untilMonth,
                                    zUntil, &r)))
                break;
            double s = json_number_value(json_object_get(r, "share"));
            json_t *si = json_object_get(r, "share_interval");
            if (json_is_true(json_object_get(r, "tested")) && json_is_array(si)) {
                nTested++;
                sum += s;
                sumLo += json_number_value(json_array_get(si, 0));
                sumHi += json_number_value(json_array_get(si, 1));
            }
            json_array_append_new(links, r);
        }
        json_decref(rows);
        if (rc) {
            json_decref(o);
            json_decref(links);
            return rc;
        }
    }
    json_object_set_new(o, "links", links);
    json_object_set_new(o, "tested", json_boolean(nTested > 0));
    double pv = json_number_value(promised);
    if (nTested) {
        double s = sum / nTested, lo = sumLo / nTested, hi = sumHi / nTested;
        json_object_set_new(o, "share", json_real(s));
        json_object_set_new(o, "share_interval", json_pack("[ff]", lo, hi));
        json_object_set_new(o, "realised_value",
                            json_is_number(promised) ? json_real(pv * s) : json_null());
        json_object_set_new(o, "value_interval",
                            json_is_number(promised) ? json_pack("[ff]", pv * lo, pv * hi)
                                                     : json_null());
        int bShort = strcmp(json_get_str(ini, "stage") ? json_get_str(ini, "stage") : "",
                            "operating") == 0 &&
                     s < QR_SHORTFALL && hi < 1.0;
        json_object_set_new(o, "shortfall", json_boolean(bShort));
    } else {
        json_object_set_new(o, "share", json_null());
        json_object_set_new(o, "realised_value", json_null());
        json_object_set_new(o, "shortfall", json_false());
        json_object_set_new(o, "reason",
                            json_string(liveMonth < 0 ? "not live yet"
                                                      : "too few KPI values before "
                                                        "or after go-live"));
    }
    *ppOut = o;
    return 0;
}

/* ---- assembly ---- */

static void finding(json_t *arr, const char *zCode, const char *zSeverity, int64_t ini,
                    const char *zFmt, ...) __attribute__((format(printf, 5, 6)));
static void finding(json_t *arr, const char *zCode, const char *zSeverity, int64_t ini,
                    const char *zFmt, ...) {
    char z[600];
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(z, sizeof z, zFmt, ap);
    va_end(ap);
    utf8_repair(z); /* a long title may have been cut inside a character */
    json_array_append_new(arr, json_pack("{ss ss sI ss}", "code", zCode, "severity", zSeverity,
                                         "initiative_id", (json_int_t)ini, "message", z));
}

/* Findings of other paths that belong to initiative iniId. */
static void copy_findings(json_t *dst, const json_t *src, int64_t iniId) {
    size_t i;
    json_t *f;
    json_array_foreach(src, i, f) if (json_get_id(f, "initiative_id") == iniId)
        json_array_append(dst, f);
}

/* What monitoring found in the quarter, as findings keyed to initiatives:
 * decay, segment, drift and no-data findings of the latest detection
 * (when it ran in the quarter), alerts that fired and switch flips. */
static json_t *monitoring_findings(Db *db, const Period *pp, json_t *counts) {
    char zFrom[32], zTo[32];
    int m0 = pp->firstMonth, m1 = pp->firstMonth + 3;
    snprintf(zFrom, sizeof zFrom, "%04d-%02d-01", m0 / 12, m0 % 12 + 1);
    snprintf(zTo, sizeof zTo, "%04d-%02d-01", m1 / 12, m1 % 12 + 1);
    json_t *out = json_array(), *found = NULL, *alerts = NULL, *flips = NULL, *systems = NULL, *x;
    size_t i, k;
    int nFound = 0, nAlert = 0, nFlip = 0;
    if (decay_findings(db, 0, &found)) found = NULL;
    if (store_systems_list(db, 0, &systems)) systems = NULL;
    json_array_foreach(found, i, x) {
        const char *zAt = json_get_str(x, "found_at");
        if (!zAt || strcmp(zAt, zFrom) < 0 || strcmp(zAt, zTo) >= 0) continue;
        int64_t ini = 0;
        json_t *s;
        json_array_foreach(systems, k,
                           s) if (strcmp(json_get_str(s, "name"), json_get_str(x, "system")) == 0)
            ini = json_get_id(s, "initiative_id");
        const char *zKind = json_get_str(x, "kind");
        double far = json_number_value(json_object_get(x, "false_alarm_rate"));
        char zRate[64] = "";
        if (json_is_number(json_object_get(x, "false_alarm_rate")))
            snprintf(zRate, sizeof zRate, " (false-alarm rate %.2g%%)", far * 100);
        const char *zSys = json_get_str(x, "system"), *zSeg = json_get_str(x, "segment");
        const char *zVer = json_get_str(x, "version") ? json_get_str(x, "version") : "";
        zSeg = zSeg ? zSeg : "*";
        if (strcmp(zKind, "drift") == 0)
            finding(out, "monitoring_drift", "warning", ini,
                    "%s %s: its inputs drifted (largest PSI %.2f), found %.10s%s", zSys, zVer,
                    json_number_value(json_object_get(x, "current")), zAt, zRate);
        else if (strcmp(zKind, "no_data") == 0)
            finding(out, "monitoring_no_data", "warning", ini,
                    "%s %s: no events for %lld minutes, found %.10s", zSys, zVer,
                    (long long)json_integer_value(json_object_get(x, "minutes")), zAt);
        else
            finding(out, "monitoring_decay", "warning", ini,
                    "%s %s: %s %s on %s%s: %.3g against %.3g at the baseline (%s), found "
                    "%.10s%s",
                    zSys, zVer, json_get_str(x, "metric") ? json_get_str(x, "metric") : "-",
                    strcmp(json_get_str(x, "metric") ? json_get_str(x, "metric") : "",
                           "error_rate") == 0
                        ? "rose"
                        : "fell",
                    strcmp(zSeg, "*") == 0 ? "all segments" : "segment ",
                    strcmp(zSeg, "*") == 0 ? "" : zSeg,
                    json_number_value(json_object_get(x, "current")),
                    json_number_value(json_object_get(x, "baseline")),
                    strcmp(zKind, "decay") == 0 ? "decay" : "a segment that fails", zAt, zRate);
        json_t *f = json_array_get(out, json_array_size(out) - 1);
        json_object_set(f, "system", json_object_get(x, "system"));
        json_object_set(f, "kind", json_object_get(x, "kind"));
        json_object_set(f, "segment", json_object_get(x, "segment"));
        if (json_is_number(json_object_get(x, "false_alarm_rate")))
            json_object_set(f, "false_alarm_rate", json_object_get(x, "false_alarm_rate"));
        nFound++;
    }
    if (store_review_alerts(db, zFrom, zTo, &alerts)) alerts = NULL;
    json_array_foreach(alerts, i, x) {
        finding(out, "alert_fired",
                strcmp(json_get_str(x, "severity") ? json_get_str(x, "severity") : "", "critical")
                    ? "warning"
                    : "critical",
                json_get_id(x, "initiative_id"), "%s: alert '%s' fired on %.10s: %s",
                json_get_str(x, "system"), json_get_str(x, "rule"), json_get_str(x, "created_at"),
                json_get_str(x, "message") ? json_get_str(x, "message") : "");
        json_object_set(json_array_get(out, json_array_size(out) - 1), "system",
                        json_object_get(x, "system"));
        nAlert++;
    }
    if (store_review_flips(db, zFrom, zTo, &flips)) flips = NULL;
    json_array_foreach(flips, i, x) {
        const char *zState = json_get_str(x, "state");
        char zPct[24] = "";
        if (strcmp(zState, "percent") == 0)
            snprintf(zPct, sizeof zPct, " %lld%%",
                     (long long)json_integer_value(json_object_get(x, "percent")));
        finding(out, "switch_flip", strcmp(zState, "off") == 0 ? "warning" : "info",
                json_get_id(x, "initiative_id"),
                "%s: the switch was set to %s%s on %.10s by %s: %s", json_get_str(x, "system"),
                zState, zPct, json_get_str(x, "created_at"),
                json_get_str(x, "actor") ? json_get_str(x, "actor") : "-",
                json_get_str(x, "reason") ? json_get_str(x, "reason") : "");
        json_t *f = json_array_get(out, json_array_size(out) - 1);
        json_object_set(f, "system", json_object_get(x, "system"));
        json_object_set(f, "state", json_object_get(x, "state"));
        nFlip++;
    }
    json_object_set_new(counts, "findings", json_integer(nFound));
    json_object_set_new(counts, "alerts_fired", json_integer(nAlert));
    json_object_set_new(counts, "switch_flips", json_integer(nFlip));
    json_decref(found);
    json_decref(alerts);
    json_decref(flips);
    json_decref(systems);
    return out;
}

/* The start quarters {initiative id: quarter} of the latest plan (a solve
 * or a replan) made before zBefore, and its id (0 and NULL: none). */
static int plan_starts(Db *db, const char *zBefore, json_t **ppStarts, int64_t *pPlan) {
    *ppStarts = NULL;
    *pPlan = 0;
    json_t *rows;
    int64_t total;
    int rc = store_alloc_plans(db, 50, 0, &rows, &total);
    if (rc) return rc;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *zKind = json_get_str(row, "kind"), *zAt = json_get_str(row, "created_at");
        if (!zKind || (strcmp(zKind, "solve") && strcmp(zKind, "replan")) || !zAt ||
            strcmp(zAt, zBefore) >= 0)
            continue;
        json_t *p;
        if ((rc = alloc_plan_get(db, json_get_id(row, "id"), &p)) == 0) {
            json_t *st = json_object_get(json_object_get(p, "result"), "starts");
            *ppStarts = json_is_object(st) ? json_incref(st) : NULL;
            *pPlan = json_get_id(row, "id");
            json_decref(p);
        }
        break;
    }
    json_decref(rows);
    return rc;
}

/* A slip: the plan started initiative ini in a quarter that has ended (by
 * today, and by the review's end) and it had not gone live by then; it is
 * the review's finding until the initiative goes live, and in the review
 * of the quarter it went live in. */
static void slip_finding(json_t *findings, const json_t *ini, const json_t *starts, int64_t plan,
                         int fs, const Period *pp) {
    char zId[24];
    snprintf(zId, sizeof zId, "%" PRId64, json_get_id(ini, "id"));
    const char *zStart = json_string_value(json_object_get(starts, zId));
    Period ps;
    if (!zStart || period_parse(zStart, fs, &ps) || ps.kind != PERIOD_QUARTER) return;
    int startLast = ps.firstMonth + 2, reviewLast = pp->firstMonth + 2;
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    int nowMonth = month_of(zNow);
    if (startLast > reviewLast || startLast >= nowMonth) return; /* not ended yet */
    int live = month_of(json_get_str(ini, "live_since"));
    if (live >= 0 && live <= startLast) return;                            /* on time */
    if (live >= 0 && (live < pp->firstMonth || live > reviewLast)) return; /* late, not now */
    int64_t id = json_get_id(ini, "id");
    if (live < 0)
        finding(findings, "plan_slip", "warning", id,
                "%s was planned to start in %s (plan %" PRId64 ") and has not gone live",
                json_get_str(ini, "title"), zStart, plan);
    else
        finding(findings, "plan_slip", "info", id,
                "%s was planned to start in %s (plan %" PRId64 ") and went live on %.10s",
                json_get_str(ini, "title"), zStart, plan, json_get_str(ini, "live_since"));
    json_t *f = json_array_get(findings, json_array_size(findings) - 1);
    json_object_set_new(f, "planned_start", json_string(zStart));
    json_object_set_new(f, "plan_id", json_integer(plan));
}

static int assemble(Db *db, const char *zPeriod, const Period *pp, json_t **ppOut) {
    json_t *inis = NULL, *acts = NULL, *heat = NULL, *sched = NULL, *systems = NULL,
           *decisions = NULL, *feedback = NULL, *pools = NULL;
    int rc = store_review_initiatives(db, &inis);
    ActionFilter af = {0};
    if (rc == 0) rc = action_list(db, &af, &acts);
    if (rc == 0) rc = risk_heatmap(db, &heat);
    if (rc == 0) rc = review_schedule(db, &sched);
    if (rc == 0) rc = store_systems_list(db, 0, &systems);
    if (rc == 0) rc = store_review_decisions(db, zPeriod, &decisions);
    if (rc == 0) rc = store_review_feedback(db, zPeriod, &feedback);
    if (rc == 0) rc = store_pool_use(db, pp->firstMonth, pp->firstMonth + 2, &pools);
    json_t *radar = NULL;
    if (rc == 0) rc = radar_moves_between(db, pp->firstMonth, pp->firstMonth + 2, &radar);
    json_t *items = json_array(), *all = json_array();
    double promised = 0, realised = 0;
    int nOpen = 0, nOverdue = 0;
    size_t i, k;
    json_t *ini, *x;
    /* overdue mitigations and ethics reviews, keyed to initiatives */
    json_t *riskF = json_array(), *ethicsF = json_array(), *monCounts = json_object();
    /* path 4's schedule slips (stages, deadlines, pilot, rollouts) as of now */
    json_t *slipF = json_array(), *sl = json_array();
    if (rc == 0 && slip_findings(db, sl) == 0) json_array_foreach(sl, k, x) {
            if (strcmp(json_get_str(x, "entity") ? json_get_str(x, "entity") : "", "initiative"))
                continue;
            json_array_append_new(slipF,
                                  json_pack("{sO sO sO sO}", "code", json_object_get(x, "kind"),
                                            "severity", json_object_get(x, "severity"),
                                            "initiative_id", json_object_get(x, "id"), "message",
                                            json_object_get(x, "message")));
        }
    json_decref(sl);
    json_t *monF = rc == 0 ? monitoring_findings(db, pp, monCounts) : json_array();
    json_t *starts = NULL;
    int64_t planId = 0;
    int fs = align_fiscal_start(db);
    char zEnd[32];
    snprintf(zEnd, sizeof zEnd, "%04d-%02d-01", (pp->firstMonth + 3) / 12,
             (pp->firstMonth + 3) % 12 + 1);
    if (rc == 0) rc = plan_starts(db, zEnd, &starts, &planId);
    json_array_foreach(json_object_get(heat, "findings"), k, x) {
        json_t *r, *f = json_deep_copy(x);
        json_array_foreach(json_object_get(heat, "risks"), i, r) {
            if (json_get_id(r, "id") != json_get_id(x, "risk_id")) continue;
            int64_t iid = json_get_id(r, "initiative_id");
            json_t *s;
            size_t j;
            json_array_foreach(systems, j,
                               s) if (!iid && json_get_id(s, "id") == json_get_id(r, "system_id"))
                iid = json_get_id(s, "initiative_id");
            json_object_set_new(f, "initiative_id", json_integer(iid));
        }
        json_array_append_new(riskF, f);
    }
    json_array_foreach(json_object_get(sched, "findings"), k, x) {
        json_t *f = json_deep_copy(x), *s;
        size_t j;
        json_array_foreach(systems, j,
                           s) if (strcmp(json_get_str(s, "name"), json_get_str(x, "system")) == 0)
            json_object_set(f, "initiative_id", json_object_get(s, "initiative_id"));
        json_array_append_new(ethicsF, f);
    }
    json_array_foreach(inis, i, ini) {
        if (rc) break;
        int64_t id = json_get_id(ini, "id");
        json_t *item = json_pack(
            "{sI sO sO s:s? s:s?}", "id", (json_int_t)id, "title", json_object_get(ini, "title"),
            "stage", json_object_get(ini, "stage"), "owner_name", json_get_str(ini, "owner_name"),
            "unit_name", json_get_str(ini, "unit_name"));
        json_t *findings = json_array(), *kpis = json_array(), *links = NULL, *rv = NULL;
        rc = store_initiative_links(db, id, &links);
        json_array_foreach(links, k, x) {
            if (rc) break;
            json_t *kp = json_deep_copy(x);
            rc = align_kpi_as_of(db, kp, zPeriod, 0);
            json_t *o = json_pack(
                "{sO sO sO sO sO sO sO sO sO sO sO sO sO}", "id", json_object_get(kp, "id"), "name",
                json_object_get(kp, "name"), "unit", json_object_get(kp, "unit"), "direction",
                json_object_get(kp, "direction"), "baseline", json_object_get(kp, "baseline"),
                "target", json_object_get(kp, "target"), "target_period",
                json_object_get(kp, "target_period"), "latest", json_object_get(kp, "latest"),
                "progress", json_object_get(kp, "progress"), "status",
                json_object_get(kp, "status"), "trend_per_month",
                json_object_get(kp, "trend_per_month"), "recent_change",
                json_object_get(kp, "recent_drop"), "expected_impact",
                json_object_get(x, "expected_impact"));
            json_array_append_new(kpis, o);
            if (json_is_true(json_object_get(json_object_get(kp, "recent_drop"), "flagged")))
                finding(findings, "kpi_recent_drop", "warning", id,
                        "%s: %s broke from its trend in its latest period (the recent-change "
                        "test, false-alarm rate 0.5%%)",
                        json_get_str(ini, "title"), json_get_str(kp, "name"));
            if (strcmp(json_get_str(kp, "status") ? json_get_str(kp, "status") : "", "off_track") ==
                0)
                finding(findings, "kpi_off_track", "warning", id,
                        "%s: %s is off track for its target %g %s by %s",
                        json_get_str(ini, "title"), json_get_str(kp, "name"),
                        json_number_value(json_object_get(kp, "target")), json_get_str(kp, "unit"),
                        json_get_str(kp, "target_period"));
            json_decref(kp);
        }
        json_decref(links);
        if (rc == 0) rc = quarterly_realised(db, ini, zPeriod, &rv);
        if (rc) {
            json_decref(item);
            json_decref(findings);
            json_decref(kpis);
            break;
        }
        if (json_is_true(json_object_get(rv, "shortfall"))) {
            json_t *vi = json_object_get(rv, "share_interval");
            finding(findings, "value_shortfall", "warning", id,
                    "%s delivers %.0f%% of its promised value (%d%% interval %.0f%%-%.0f%%): "
                    "%.0f of %.0f (an initiative that keeps its promise is flagged at most 5%% "
                    "of the time)",
                    json_get_str(ini, "title"),
                    json_number_value(json_object_get(rv, "share")) * 100,
                    (int)llround(QR_LEVEL * 100), json_number_value(json_array_get(vi, 0)) * 100,
                    json_number_value(json_array_get(vi, 1)) * 100,
                    json_number_value(json_object_get(rv, "realised_value")),
                    json_number_value(json_object_get(rv, "promised_value")));
            json_object_set(json_array_get(findings, json_array_size(findings) - 1), "share",
                            json_object_get(rv, "share"));
        }
        promised += json_number_value(json_object_get(rv, "promised_value"));
        realised += json_number_value(json_object_get(rv, "realised_value"));
        copy_findings(findings, json_object_get(acts, "findings"), id);
        copy_findings(findings, riskF, id);
        copy_findings(findings, ethicsF, id);
        copy_findings(findings, monF, id);
        copy_findings(findings, slipF, id);
        if (starts) slip_finding(findings, ini, starts, planId, fs, pp);
        json_t *mine = json_array(), *sys = json_array();
        json_array_foreach(json_object_get(acts, "items"), k, x) {
            if (json_get_id(x, "initiative_id") != id) continue;
            const char *zSt = json_get_str(x, "status");
            int bActive = strcmp(zSt, "open") == 0 || strcmp(zSt, "in_progress") == 0;
            const char *zRp = json_get_str(x, "review_period");
            if (bActive || (zRp && strcmp(zRp, zPeriod) == 0))
                json_array_append_new(mine, json_pack("{sO sO sO sO sO sO sO}", "id",
                                                      json_object_get(x, "id"), "title",
                                                      json_object_get(x, "title"), "status",
                                                      json_object_get(x, "status"), "owner_name",
                                                      json_object_get(x, "owner_name"), "due_date",
                                                      json_object_get(x, "due_date"), "overdue",
                                                      json_object_get(x, "overdue"), "source",
                                                      json_object_get(x, "source")));
        }
        json_array_foreach(systems, k, x) if (json_get_id(x, "initiative_id") == id)
            json_array_append_new(sys,
                                  json_pack("{sO sO sO}", "name", json_object_get(x, "name"),
                                            "latest_version", json_object_get(x, "latest_version"),
                                            "latest_stage", json_object_get(x, "latest_stage")));
        json_t *dec = json_null(), *fb = json_array();
        json_array_foreach(decisions, k, x) if (json_get_id(x, "initiative_id") == id) dec =
            json_pack("{sO sO}", "decision", json_object_get(x, "decision"), "rationale",
                      json_object_get(x, "rationale"));
        json_array_foreach(feedback, k, x) if (json_get_id(x, "initiative_id") == id)
            json_array_append(fb, x);
        json_object_set_new(item, "kpis", kpis);
        json_object_set(item, "promised_value", json_object_get(rv, "promised_value"));
        json_object_set(item, "realised_value", json_object_get(rv, "realised_value"));
        json_object_set_new(item, "realised", rv);
        json_object_set_new(item, "systems", sys);
        json_object_set_new(item, "findings", findings);
        json_object_set_new(item, "actions", mine);
        json_object_set_new(item, "decision", dec);
        json_object_set_new(item, "feedback", fb);
        json_array_foreach(findings, k, x) json_array_append(all, x);
        json_array_append_new(items, item);
    }
    json_array_foreach(json_object_get(acts, "items"), k, x) {
        const char *zSt = json_get_str(x, "status");
        nOpen += strcmp(zSt, "open") == 0 || strcmp(zSt, "in_progress") == 0;
        nOverdue += json_is_true(json_object_get(x, "overdue"));
    }
    /* findings of the programme that belong to no reviewed initiative */
    json_t *prog =
        json_pack("{sf sf s{si si} sO sO}", "promised_value", promised, "realised_value", realised,
                  "actions", "open", nOpen, "overdue", nOverdue, "pools",
                  pools ? pools : json_null(), "feedback", feedback ? feedback : json_null());
    json_object_set(prog, "ethics_overdue", json_object_get(sched, "findings"));
    json_object_set_new(prog, "radar_moves", radar ? radar : json_array());
    json_object_set_new(prog, "monitoring", monCounts);
    json_object_set_new(prog, "risks_open",
                        json_integer(json_integer_value(json_object_get(heat, "total"))));
    json_t *dates =
        json_pack("{si si}", "first_month", pp->firstMonth, "last_month", pp->firstMonth + 2);
    if (rc == 0)
        *ppOut =
            json_pack("{ss ss so so so so}", "period", zPeriod, "status", "open", "initiatives",
                      items, "programme", prog, "findings", all, "months", dates);
    else {
        json_decref(items);
        json_decref(prog);
        json_decref(all);
        json_decref(dates);
    }
    json_decref(inis);
    json_decref(acts);
    json_decref(heat);
    json_decref(sched);
    json_decref(systems);
    json_decref(decisions);
    json_decref(feedback);
    json_decref(pools);
    json_decref(riskF);
    json_decref(ethicsF);
    json_decref(monF);
    json_decref(slipF);
    json_decref(starts);
    return rc;
}

int quarterly_review(Db *db, const char *zIn, json_t **ppOut, KeelError *e) {
    char z[16];
    Period p;
    int rc = qr_period(db, zIn, z, &p, e);
    if (rc) return rc;
    json_t *held;
    rc = store_review_held(db, z, &held);
    if (rc == 0) {
        json_t *snap = json_loads(json_get_str(held, "snapshot"), 0, NULL);
        if (!snap) {
            json_decref(held);
            return KEEL_EINTERNAL;
        }
        json_object_set_new(snap, "status", json_string("held"));
        json_object_set(snap, "held_on", json_object_get(held, "held_on"));
        json_object_set(snap, "held_by", json_object_get(held, "created_by"));
        json_object_set(snap, "summary", json_object_get(held, "summary"));
        json_decref(held);
        *ppOut = snap;
        return 0;
    }
    if (rc != KEEL_ENOTFOUND) return rc;
    return assemble(db, z, &p, ppOut);
}

int quarterly_feedback_add(Db *db, const Principal *who, const char *zIn, json_t *in, int64_t *pId,
                           KeelError *e) {
    char z[16];
    Period p;
    int rc = qr_period(db, zIn, z, &p, e);
    if (rc == 0) rc = resource_validate(&resource_review_feedback, in, 1, e);
    if (rc) return rc;
    if ((rc = db_begin(db))) return rc;
    json_t *held;
    if ((rc = store_review_held(db, z, &held)) == 0) {
        json_decref(held);
        rc = err_set_code(e, KEEL_ECONFLICT, "already_held", "period",
                          "the review of %s has been held: it takes no more feedback", z);
        return db_end(db, rc);
    }
    if (rc != KEEL_ENOTFOUND) return db_end(db, rc);
    json_object_set_new(in, "period", json_string(z));
    json_object_set_new(in, "account_id", json_integer(who->accountId));
    Actor a = auth_actor(who);
    json_object_set_new(in, "created_by", json_string(a.zName && a.zName[0] ? a.zName : "system"));
    rc = store_crud_create(db, &resource_review_feedback, &a, in, pId, e);
    return db_end(db, rc);
}

int quarterly_hold(Db *db, const Principal *who, const char *zIn, json_t *in, KeelError *e) {
    char z[16];
    Period p;
    int rc = qr_period(db, zIn, z, &p, e);
    if (rc) return rc;
    static const char *const azKnown[] = {"held_on", "summary", "decisions", "actions", NULL};
    const char *zKey;
    json_t *v;
    json_object_foreach(in, zKey, v) {
        if (resource_enum_index(azKnown, zKey) < 0)
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s': send held_on, summary, decisions, actions",
                           zKey);
    }
    char zToday[32];
    time_iso(time_now(), zToday, sizeof zToday);
    zToday[10] = 0;
    const char *zHeld = json_get_str(in, "held_on") ? json_get_str(in, "held_on") : zToday;
    int64_t tH;
    if (strlen(zHeld) != 10 || time_parse_iso(zHeld, &tH))
        return err_set(e, KEEL_EINVAL, "held_on", "held_on is a date YYYY-MM-DD");
    if (strcmp(zHeld, zToday) > 0)
        return err_set(e, KEEL_EINVAL, "held_on", "held_on is in the future");
    if (month_of(zHeld) < p.firstMonth)
        return err_set(e, KEEL_EINVAL, "held_on", "the review of %s cannot be held before it began",
                       z);
    json_t *summary = json_object_get(in, "summary");
    if (summary && !json_is_null(summary) &&
        (!json_is_string(summary) || strlen(json_string_value(summary)) > 8000))
        return err_set(e, KEEL_EINVAL, "summary", "summary is text of at most 8000 bytes");
    json_t *decs = json_object_get(in, "decisions"), *acts = json_object_get(in, "actions");
    if (!json_is_array(decs))
        return err_set(e, KEEL_EINVAL, "decisions",
                       "decisions is a list [{initiative_id, decision, rationale?}], one per "
                       "initiative of the review");
    if (acts && !json_is_array(acts))
        return err_set(e, KEEL_EINVAL, "actions", "actions is a list of actions to raise");
    if ((rc = db_begin(db))) return rc;
    json_t *held, *cur = NULL;
    if ((rc = store_review_held(db, z, &held)) == 0) {
        json_decref(held);
        rc = err_set_code(e, KEEL_ECONFLICT, "already_held", "period",
                          "the review of %s was held already; a held review does not change", z);
        return db_end(db, rc);
    }
    if (rc != KEEL_ENOTFOUND) return db_end(db, rc);
    if ((rc = assemble(db, z, &p, &cur))) return db_end(db, rc);
    Actor a = auth_actor(who);
    size_t i, k;
    json_t *d, *x;
    json_array_foreach(decs, i, d) {
        char zf[64];
        snprintf(zf, sizeof zf, "decisions[%zu]", i);
        int64_t iid = json_get_id(d, "initiative_id");
        const char *zDec = json_get_str(d, "decision");
        int bIn = 0;
        json_array_foreach(json_object_get(cur, "initiatives"), k, x) bIn |=
            json_get_id(x, "id") == iid;
        json_t *rat = json_object_get(d, "rationale");
        if (!json_is_object(d) || !bIn) {
            rc = err_set(e, KEEL_EINVAL, zf,
                         "%s: initiative_id %" PRId64 " is not an initiative of this review", zf,
                         iid);
        } else if (resource_enum_index(azDecision, zDec) < 0) {
            rc = err_set(e, KEEL_EINVAL, zf, "%s: decision is continue, scale, fix or stop", zf);
        } else if (rat && !json_is_null(rat) &&
                   (!json_is_string(rat) || strlen(json_string_value(rat)) > 4000)) {
            rc = err_set(e, KEEL_EINVAL, zf, "%s: rationale is text of at most 4000 bytes", zf);
        }
        if (rc) break;
        rc = store_review_decision_put(db, &a, z, iid, zDec, json_string_value(rat));
        if (rc) break;
    }
    if (rc == 0) {
        /* one decision per initiative */
        char zMissing[200] = "";
        int nMissing = 0;
        json_array_foreach(json_object_get(cur, "initiatives"), k, x) {
            int bHas = 0;
            json_array_foreach(decs, i, d) bHas |=
                json_get_id(d, "initiative_id") == json_get_id(x, "id");
            if (!bHas && nMissing++ < 8) {
                size_t n = strlen(zMissing);
                snprintf(zMissing + n, sizeof zMissing - n, "%s%" PRId64, n ? ", " : "",
                         json_get_id(x, "id"));
            }
        }
        if (nMissing)
            rc = err_set_code(e, KEEL_ERULE, "decisions_missing", "decisions",
                              "every initiative of the review needs a decision (continue, scale, "
                              "fix, stop); missing: %s",
                              zMissing);
    }
    json_array_foreach(acts, i, x) {
        if (rc) break;
        char zf[64];
        snprintf(zf, sizeof zf, "actions[%zu]", i);
        if (!json_is_object(x)) {
            rc =
                err_set(e, KEEL_EINVAL, zf, "%s is an action {title, owner_id, due_date, ...}", zf);
            break;
        }
        json_t *one = json_deep_copy(x);
        json_object_set_new(one, "source", json_string("review"));
        json_object_set_new(one, "review_period", json_string(z));
        int64_t aid;
        int bNew;
        rc = action_create(db, who, one, &aid, &bNew, e);
        json_decref(one);
        if (rc && e) {
            /* name the action in the list: actions[2].owner_id */
            char zMsg[200], zField[24];
            snprintf(zMsg, sizeof zMsg, "%.199s", e->zMsg);
            snprintf(zField, sizeof zField, "%.23s", e->zField);
            snprintf(e->zField, sizeof e->zField, "actions[%zu].%s", i, zField);
            snprintf(e->zMsg, sizeof e->zMsg, "actions[%zu]: %s", i, zMsg);
        }
    }
    json_decref(cur);
    cur = NULL;
    /* the snapshot: the review as held, with its decisions and actions */
    if (rc == 0) rc = assemble(db, z, &p, &cur);
    if (rc == 0) {
        json_object_set_new(cur, "status", json_string("held"));
        char *zSnap = json_dumps(cur, JSON_COMPACT);
        int64_t id;
        rc = zSnap ? store_review_hold(db, &a, z, zHeld, json_string_value(summary), zSnap, &id)
                   : KEEL_ENOMEM;
        free(zSnap);
    }
    json_decref(cur);
    return db_end(db, rc);
}

int quarterly_list(Db *db, json_t **ppOut) {
    json_t *held;
    int rc = store_reviews_held(db, &held);
    if (rc) return rc;
    int fs = align_fiscal_start(db);
    char zCur[12], zPrev[12];
    period_quarter_at(time_now(), fs, 0, zCur);
    period_quarter_at(time_now(), fs, -1, zPrev);
    json_t *q = json_array();
    const char *az[] = {zCur, zPrev};
    for (int i = 0; i < 2; i++) {
        int bHeld = 0;
        size_t k;
        json_t *x;
        json_array_foreach(held, k, x) bHeld |= strcmp(json_get_str(x, "period"), az[i]) == 0;
        json_array_append_new(
            q, json_pack("{ss ss}", "period", az[i], "status", bHeld ? "held" : "open"));
    }
    *ppOut = json_pack("{so so ss}", "items", held, "quarters", q, "current", zCur);
    return 0;
}

int quarterly_value(Db *db, int n, json_t **ppOut) {
    if (n < 1) n = 1;
    if (n > 16) n = 16;
    json_t *inis;
    int rc = store_review_initiatives(db, &inis);
    if (rc) return rc;
    int fs = align_fiscal_start(db);
    json_t *qs = json_array();
    for (int q = -(n - 1); q <= 0 && rc == 0; q++) {
        char zQ[12];
        period_quarter_at(time_now(), fs, q, zQ);
        Period p;
        period_parse(zQ, fs, &p);
        double promised = 0, realised = 0;
        int nLive = 0, nTested = 0;
        size_t i;
        json_t *ini;
        json_array_foreach(inis, i, ini) {
            int live = month_of(json_get_str(ini, "live_since"));
            if (live < 0 || live > p.firstMonth + 2) continue;
            json_t *rv;
            if ((rc = quarterly_realised(db, ini, zQ, &rv))) break;
            nLive++;
            promised += json_number_value(json_object_get(rv, "promised_value"));
            if (json_is_true(json_object_get(rv, "tested"))) {
                nTested++;
                realised += json_number_value(json_object_get(rv, "realised_value"));
            }
            json_decref(rv);
        }
        json_array_append_new(qs, json_pack("{ss sf sf si si}", "period", zQ, "promised", promised,
                                            "realised", realised, "initiatives", nLive, "measured",
                                            nTested));
    }
    json_decref(inis);
    if (rc) {
        json_decref(qs);
        return rc;
    }
    *ppOut = json_pack("{so si}", "quarters", qs, "level", (int)llround(QR_LEVEL * 100));
    return 0;
}
