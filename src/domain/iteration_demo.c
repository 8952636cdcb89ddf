/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo's path 5 section ("iteration" in data/demo.json): the
 * technology radar with its moves (this quarter's among them) and fit per
 * unit; the retraining loop (a completed chain from a decay finding to the
 * retrained maintenance model in production, with its A/B test 82% -> 95%
 * on the new equipment segment computed by keel from generated units, and
 * one in progress); KPI values after go-live that make one operating
 * initiative deliver half its promise; feedback, the previous quarter's
 * review held with a decision per initiative and its actions, and the
 * current quarter's feedback (its review ready to hold). Everything goes
 * through the same domain functions as the API; dates are days before the
 * day the demo loads. */
#include "domain/action.h"
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "domain/analysis.h"
#include "domain/demo.h"
#include "domain/quarterly.h"
#include "domain/radar.h"
#include "domain/system.h"
#include "store/store_account.h"
#include "store/store_alignment.h"
#include "store/store_crud.h"
#include "store/store_iteration.h"
#include "store/store_system.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/period.h"
#include "util/timeutil.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int it_who(Db *db, const char *zEmail, Principal *p, KeelError *e) {
    AccountRow a;
    int rc = zEmail ? store_account_by_email(db, zEmail, &a) : KEEL_ENOTFOUND;
    if (rc) return err_set(e, rc, "by", "demo: no account %.100s", zEmail ? zEmail : "(none)");
    auth_principal_from_account(&a, AUTH_COOKIE, p);
    return 0;
}

static void it_days_ago(const json_t *o, const char *zKey) {
    time_shift(-json_integer_value(json_object_get(o, zKey)) * 86400);
}

/* The date n days from now (negative: ago) as YYYY-MM-DD. */
static void it_date(int64_t n, char z[16]) {
    char zT[32];
    time_iso(time_now() + n * 86400, zT, sizeof zT);
    snprintf(z, 16, "%.10s", zT);
}

static int64_t it_person(Db *db, const json_t *o, const char *zKey) {
    const char *z = json_get_str(o, zKey);
    return z ? store_crud_id_by(db, &resource_person, "email", z) : 0;
}

static int64_t it_id(Db *db, const ResourceDef *r, const char *zField, const char *z) {
    return z ? store_crud_id_by(db, r, zField, z) : 0;
}

static int it_radar(Db *db, const Principal *by, const json_t *sec, KeelError *e) {
    size_t i, k;
    json_t *x, *m;
    int rc = 0;
    json_array_foreach(json_object_get(sec, "radar"), i, x) {
        char zOn[16];
        time_shift(0);
        it_date(-json_integer_value(json_object_get(x, "added_days_ago")), zOn);
        json_t *o = json_pack("{sO sO sO sO sO ss ss}", "key", json_object_get(x, "key"), "name",
                              json_object_get(x, "name"), "quadrant",
                              json_object_get(x, "quadrant"), "ring", json_object_get(x, "ring"),
                              "rationale", json_object_get(x, "rationale"), "moved_on", zOn,
                              "reason", "put on the radar");
        int64_t owner = it_person(db, x, "owner"), id;
        if (owner) json_object_set_new(o, "owner_id", json_integer(owner));
        rc = radar_create(db, by, o, &id, e);
        json_decref(o);
        json_array_foreach(json_object_get(x, "moves"), k, m) {
            if (rc) break;
            it_date(-json_integer_value(json_object_get(m, "days_ago")), zOn);
            json_t *mv = json_pack("{sO sO ss}", "ring", json_object_get(m, "ring"), "reason",
                                   json_object_get(m, "reason"), "moved_on", zOn);
            rc = radar_move(db, by, json_get_str(x, "key"), mv, e);
            json_decref(mv);
        }
        const char *zUnit;
        json_t *fit;
        json_object_foreach(json_object_get(x, "fit"), zUnit, fit) {
            if (rc) break;
            json_t *f = json_pack("{sI sO}", "unit_id",
                                  (json_int_t)it_id(db, &resource_unit, "name", zUnit), "fit", fit);
            rc = radar_fit(db, by, json_get_str(x, "key"), f, e);
            json_decref(f);
        }
        if (rc) return err_set(e, rc, e->zField, "demo radar %zu: %s", i, e->zMsg);
    }
    return 0;
}

/* An A/B test of two versions on generated units: n per arm, a share p of
 * them correct, as "arm,correct" CSV. */
static int it_abtest(Db *db, const Principal *by, const json_t *ab, const char *zSystem,
                     const char *zVersion, int64_t ini, int64_t *pId, KeelError *e) {
    Buf b;
    buf_init(&b, 1 << 20);
    buf_puts(&b, "arm,correct\n");
    int n = (int)json_integer_value(json_object_get(ab, "units"));
    const char *az[2] = {json_get_str(ab, "control"), json_get_str(ab, "treatment")};
    double ap[2] = {json_number_value(json_object_get(ab, "control_rate")),
                    json_number_value(json_object_get(ab, "treatment_rate"))};
    for (int a = 0; a < 2; a++)
        for (int i = 0; i < n; i++) {
            /* spread the correct ones evenly: unit i is correct while the
             * running share is below p */
            int bOk = (int)((i + 1) * ap[a] + 1e-9) > (int)(i * ap[a] + 1e-9);
            buf_printf(&b, "%s,%d\n", az[a], bOk);
        }
    json_t *spec =
        json_pack("{ss s{ss ss}}", "control", az[0], "csv", "arm", "arm", "metric", "correct");
    AnalysisInput in;
    memset(&in, 0, sizeof in);
    in.zKind = "abtest";
    in.spec = spec;
    in.zData = b.z;
    in.nData = b.n;
    in.initiativeId = ini;
    in.zTitle = json_get_str(ab, "title");
    in.zSystem = zSystem;
    in.zVersion = zVersion;
    int rc = buf_err(&b) ? KEEL_ENOMEM : analysis_run(db, by, &in, pId, e);
    json_decref(spec);
    buf_reset(&b);
    return rc;
}

static int it_retraining(Db *db, const json_t *sec, KeelError *e) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sec, "retraining"), i, x) {
        Principal by;
        int rc = it_who(db, json_get_str(x, "by"), &by, e);
        if (rc) return rc;
        const char *zSys = json_get_str(x, "system");
        int64_t sys = system_id_by_name(db, zSys);
        json_t *srow;
        if (!sys || store_crud_get(db, &resource_system, sys, &srow))
            return err_set(e, KEEL_EINVAL, "system", "demo: no system %s", zSys ? zSys : "");
        int64_t ini = json_get_id(srow, "initiative_id");
        json_decref(srow);
        time_shift(0);
        it_days_ago(x, "days_ago");
        char zDue[16];
        it_date(json_integer_value(json_object_get(x, "due_in_days")), zDue);
        json_t *o = json_pack(
            "{sO sO ss ss sO sI sI ss sb}", "title", json_object_get(x, "title"), "description",
            json_object_get(x, "description"), "kind", "retraining", "source", "finding",
            "source_key", json_object_get(x, "finding"), "system_id", (json_int_t)sys, "owner_id",
            (json_int_t)it_person(db, x, "owner"), "due_date", zDue, "evidence_required", 1);
        int64_t asset = it_id(db, &resource_data_asset, "name", json_get_str(x, "data_asset"));
        if (asset) json_object_set_new(o, "data_asset_id", json_integer(asset));
        int64_t id;
        int bNew;
        rc = action_create(db, &by, o, &id, &bNew, e);
        json_decref(o);
        if (rc) return rc;
        const char *zStatus = json_get_str(x, "status");
        json_t *ch = json_pack("{ss}", "status", zStatus ? zStatus : "open");
        json_t *ab = json_object_get(x, "abtest");
        if (ab) {
            time_shift(0);
            it_days_ago(ab, "days_ago");
            int64_t an;
            if ((rc = it_abtest(db, &by, ab, zSys, json_get_str(x, "version"), ini, &an, e))) {
                json_decref(ch);
                return rc;
            }
            json_t *vers;
            if ((rc = store_system_versions(db, sys, &vers))) {
                json_decref(ch);
                return rc;
            }
            size_t k;
            json_t *v;
            json_array_foreach(
                vers, k, v) if (strcmp(json_get_str(v, "version"), json_get_str(x, "version")) == 0)
                json_object_set_new(ch, "version_id", json_integer(json_get_id(v, "id")));
            json_decref(vers);
            json_object_set_new(ch, "evidence_analysis_id", json_integer(an));
            json_object_set(ch, "close_note", json_object_get(x, "close_note"));
            time_shift(0);
            it_days_ago(x, "closed_days_ago");
        }
        rc = action_update(db, &by, id, ch, e);
        json_decref(ch);
        if (rc) return rc;
    }
    return 0;
}

/* Monthly values of a KPI after its initiative went live, at the mean of
 * the values before go-live moved by share x the link's expected impact
 * (with offsets that cancel out), so that keel measures that share. */
static int it_realised(Db *db, const Principal *by, const json_t *sec, KeelError *e) {
    const json_t *r = json_object_get(sec, "realised");
    if (!r) return 0;
    int64_t ini = it_id(db, &resource_initiative, "title", json_get_str(r, "initiative"));
    int64_t kpi = it_id(db, &resource_kpi, "name", json_get_str(r, "kpi"));
    json_t *inis, *links, *values;
    int rc = store_review_initiatives(db, &inis);
    if (rc) return rc;
    const char *zLive = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(inis, i, x) if (json_get_id(x, "id") == ini) zLive =
        json_get_str(x, "live_since");
    int y, m, live = -1;
    if (zLive && sscanf(zLive, "%4d-%2d", &y, &m) == 2) live = y * 12 + m - 1;
    double impact = 0;
    if ((rc = store_initiative_links(db, ini, &links)) == 0) {
        json_array_foreach(links, i, x) if (json_get_id(x, "id") == kpi) impact =
            json_number_value(json_object_get(x, "expected_impact"));
        json_decref(links);
    }
    if (rc == 0) rc = store_kpi_values(db, kpi, &values);
    if (rc || live < 0 || impact == 0) {
        json_decref(inis);
        return rc ? rc : err_set(e, KEEL_EINVAL, "realised", "demo: no live initiative or link");
    }
    double sum = 0;
    int n = 0;
    json_array_foreach(values, i, x) {
        Period p;
        if (period_parse(json_get_str(x, "period"), 1, &p) == 0 &&
            p.firstMonth + (p.kind == PERIOD_QUARTER ? 2 : 0) < live) {
            sum += json_number_value(json_object_get(x, "value"));
            n++;
        }
    }
    json_decref(values);
    json_decref(inis);
    char zNow[32];
    time_shift(0);
    time_iso(time_now(), zNow, sizeof zNow);
    int cy = 0, cm = 0;
    sscanf(zNow, "%4d-%2d", &cy, &cm);
    int cur = cy * 12 + cm - 1;
    double level = n ? sum / n + json_number_value(json_object_get(r, "share")) * impact : 0;
    double spread = json_number_value(json_object_get(r, "spread"));
    json_t *rows = json_array();
    int k = 0;
    for (int mo = live; mo < cur; mo++, k++) {
        char zP[24];
        snprintf(zP, sizeof zP, "%04d-%02d", mo / 12, mo % 12 + 1);
        /* +s, -s, +s, -s ...; an odd count ends with 0 so the mean stays */
        double off = (k % 2 ? -spread : spread);
        if (mo == cur - 1 && (cur - live) % 2) off = 0;
        json_array_append_new(rows,
                              json_pack("{ss sf}", "period", zP, "value",
                                        (double)((long long)((level + off) * 100 + 0.5)) / 100));
    }
    int nImp;
    json_t *rowErrors = NULL;
    rc = align_kpi_values_import(db, by, kpi, rows, NULL, 1, &nImp, &rowErrors, e);
    json_decref(rowErrors);
    json_decref(rows);
    return rc;
}

static int it_feedback(Db *db, const Principal *by, const json_t *fbs, const char *zQ,
                       KeelError *e) {
    size_t i;
    json_t *x;
    json_array_foreach(fbs, i, x) {
        json_t *o =
            json_pack("{sI sO}", "unit_id",
                      (json_int_t)it_id(db, &resource_unit, "name", json_get_str(x, "unit")),
                      "satisfaction", json_object_get(x, "satisfaction"));
        int64_t ini = it_id(db, &resource_initiative, "title", json_get_str(x, "initiative"));
        if (ini) json_object_set_new(o, "initiative_id", json_integer(ini));
        if (json_object_get(x, "cost_change_pct"))
            json_object_set(o, "cost_change_pct", json_object_get(x, "cost_change_pct"));
        if (json_object_get(x, "comment"))
            json_object_set(o, "comment", json_object_get(x, "comment"));
        int64_t id;
        int rc = quarterly_feedback_add(db, by, zQ, o, &id, e);
        json_decref(o);
        if (rc) return rc;
    }
    return 0;
}

static int it_reviews(Db *db, const Principal *chair, const json_t *sec, KeelError *e) {
    size_t i, k;
    json_t *x, *it;
    json_array_foreach(json_object_get(sec, "reviews"), i, x) {
        char zQ[12];
        time_shift(0);
        period_quarter_at(time_now(), align_fiscal_start(db),
                          (int)json_integer_value(json_object_get(x, "quarter")), zQ);
        int rc = it_feedback(db, chair, json_object_get(x, "feedback"), zQ, e);
        if (rc || !json_object_get(x, "held_days_ago")) {
            if (rc) return rc;
            continue;
        }
        it_days_ago(x, "held_days_ago");
        json_t *rv;
        if ((rc = quarterly_review(db, zQ, &rv, e))) return rc;
        json_t *decs = json_array(), *given = json_object_get(x, "decisions");
        json_array_foreach(json_object_get(rv, "initiatives"), k, it) {
            json_t *d = json_object_get(given, json_get_str(it, "title"));
            json_array_append_new(
                decs,
                json_pack("{sO sO sO}", "initiative_id", json_object_get(it, "id"), "decision",
                          d ? json_array_get(d, 0) : json_object_get(x, "default_decision"),
                          "rationale", d ? json_array_get(d, 1) : json_null()));
        }
        json_decref(rv);
        json_t *acts = json_array(), *a;
        json_array_foreach(json_object_get(x, "actions"), k, a) {
            char zDue[16];
            it_date(json_integer_value(json_object_get(a, "due_in_days")), zDue);
            json_t *o = json_pack("{sO sI ss}", "title", json_object_get(a, "title"), "owner_id",
                                  (json_int_t)it_person(db, a, "owner"), "due_date", zDue);
            int64_t ini = it_id(db, &resource_initiative, "title", json_get_str(a, "initiative"));
            if (ini) json_object_set_new(o, "initiative_id", json_integer(ini));
            json_array_append_new(acts, o);
        }
        char zHeld[16];
        it_date(0, zHeld);
        json_t *hold = json_pack("{ss sO so so}", "held_on", zHeld, "summary",
                                 json_object_get(x, "summary"), "decisions", decs, "actions", acts);
        rc = quarterly_hold(db, chair, zQ, hold, e);
        json_decref(hold);
        time_shift(0);
        if (rc) return rc;
    }
    return 0;
}

int iteration_demo_load(Db *db, const json_t *doc, KeelError *e) {
    const json_t *sec = json_object_get(doc, "iteration");
    if (!sec) return 0;
    Principal chair, lead;
    int rc = it_who(db, json_get_str(sec, "chair"), &chair, e);
    if (rc == 0) rc = it_who(db, json_get_str(sec, "radar_owner"), &lead, e);
    if (rc == 0) rc = it_radar(db, &lead, sec, e);
    time_shift(0);
    if (rc == 0) rc = it_retraining(db, sec, e);
    time_shift(0);
    if (rc == 0) rc = it_realised(db, &chair, sec, e);
    if (rc == 0) rc = it_reviews(db, &chair, sec, e);
    time_shift(0);
    return rc;
}
