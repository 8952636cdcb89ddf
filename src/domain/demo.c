/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loads the demo enterprise; see demo.h. Everything goes through the same
 * domain functions as the API (validation, rules, audit): sign-offs are
 * given by the accounts of the named people, approvals by the committee
 * chair. KPI actuals are generated from each KPI's series (trend per
 * quarter plus Gaussian noise) with a seeded generator, so a given seed
 * always gives the same enterprise. */
#include "domain/demo.h"
#include "domain/compliance.h"
#include "domain/alignment.h"
#include "domain/initiative.h"
#include "domain/allocation.h"
#include "domain/analysis.h"
#include "domain/auth.h"
#include "domain/gate.h"
#include "domain/org.h"
#include "store/store_account.h"
#include "store/store_crud.h"
#include "store/store_org.h"
#include "util/json.h"
#include "util/period.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* splitmix64: small, seedable, good enough for demo noise */
static uint64_t demo_next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double demo_uniform(uint64_t *s) {
    return ((double)(demo_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

static double demo_gauss(uint64_t *s) {
    double u = demo_uniform(s), v = demo_uniform(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ---- dates relative to the day the demo is loaded (docs/demo.md) ------------ */

/* Rewrite the markers in z into b: {Q+n} / {Q-n} the fiscal quarter n
 * quarters from the current one ({Q-1} = the last full quarter), {Y-n}
 * the calendar year, {D-n} the date n days from today. */
static int demo_date_string(const char *z, int64_t now, int fs, Buf *b, KeelError *e) {
    while (*z) {
        const char *o = strchr(z, '{');
        if (!o) {
            buf_puts(b, z);
            break;
        }
        buf_append(b, z, (size_t)(o - z));
        char kind = 0, sign = 0, close = 0;
        int n = 0, len = 0;
        if (sscanf(o, "{%c%c%4d%c%n", &kind, &sign, &n, &close, &len) != 4 || close != '}' ||
            (sign != '+' && sign != '-') || !strchr("QYD", kind)) {
            buf_putc(b, '{');
            z = o + 1;
            continue;
        }
        if (sign == '-') n = -n;
        char zOut[16];
        if (kind == 'Q') {
            period_quarter_at(now, fs, n, zOut);
        } else if (kind == 'D') {
            time_date(now + (int64_t)n * 86400, zOut, sizeof zOut);
        } else {
            time_date(now, zOut, sizeof zOut);
            snprintf(zOut, sizeof zOut, "%04d", atoi(zOut) + n);
        }
        buf_puts(b, zOut);
        z = o + len;
    }
    return buf_err(b) ? err_set(e, KEEL_ENOMEM, "", "out of memory") : 0;
}

/* Apply demo_date_string to every string under v, in place; a string
 * that changes comes back in *pNew for the caller to store. */
static int demo_dates(json_t *v, int64_t now, int fs, json_t **pNew, KeelError *e) {
    int rc = 0;
    *pNew = NULL;
    if (json_is_string(v) && strchr(json_string_value(v), '{')) {
        Buf b;
        buf_init(&b, 0);
        rc = demo_date_string(json_string_value(v), now, fs, &b, e);
        if (rc == 0) *pNew = json_stringn(b.z ? b.z : "", b.n);
        buf_reset(&b);
        return rc;
    }
    const char *zKey;
    size_t i;
    json_t *x, *nw;
    if (json_is_object(v)) {
        json_object_foreach(v, zKey, x) {
            if ((rc = demo_dates(x, now, fs, &nw, e))) return rc;
            if (nw) json_object_set_new(v, zKey, nw);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) {
            if ((rc = demo_dates(x, now, fs, &nw, e))) return rc;
            if (nw) json_array_set_new(v, i, nw);
        }
    }
    return rc;
}

/* Replace the by-name reference zKey ("parent") with zIdKey ("parent_id"). */
static int demo_resolve(Db *db, json_t *o, const char *zKey, const char *zIdKey,
                        const ResourceDef *r, const char *zColumn, KeelError *e) {
    const char *z = json_string_value(json_object_get(o, zKey));
    if (!z) return 0;
    int64_t id = store_crud_id_by(db, r, zColumn, z);
    if (!id) return err_set(e, KEEL_EINVAL, zKey, "demo: no %s '%s'", r->zName, z);
    json_object_set_new(o, zIdKey, json_integer(id));
    json_object_del(o, zKey);
    return 0;
}

/* Prefix e's message with where in the demo document it happened. */
static int demo_where(KeelError *e, int rc, const char *zSection, size_t i) {
    char zMsg[200];
    snprintf(zMsg, sizeof zMsg, "%.199s", e->zMsg);
    snprintf(e->zMsg, sizeof e->zMsg, "demo %.40s[%zu]: %s", zSection, i, zMsg);
    return rc;
}

static int demo_section(Db *db, const Actor *actor, const json_t *doc, const char *zSection,
                        const ResourceDef *r, const char *zPassword, KeelError *e) {
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(doc, zSection), i, item) {
        json_t *o = json_deep_copy(item);
        int rc = 0;
        int64_t id;
        if (r == &resource_unit)
            rc = demo_resolve(db, o, "parent", "parent_id", &resource_unit, "name", e);
        else if (r == &resource_person)
            rc = demo_resolve(db, o, "unit", "unit_id", &resource_unit, "name", e);
        else
            rc = demo_resolve(db, o, "person", "person_id", &resource_person, "email", e);
        if (rc == 0 && r == &resource_account) {
            json_object_set_new(o, "password", json_string(zPassword));
            rc = auth_account_create(db, actor, o, &id, e);
        } else if (rc == 0) {
            rc = resource_validate(r, o, 1, e);
            if (rc == 0) rc = store_crud_create(db, r, actor, o, &id, e);
        }
        json_decref(o);
        if (rc) return demo_where(e, rc, zSection, i);
    }
    return 0;
}

/* The principal of the account linked to person email zEmail. */
static int demo_principal(Db *db, const char *zEmail, Principal *p) {
    AccountRow a;
    int rc = store_account_by_email(db, zEmail, &a);
    if (rc) return rc;
    auth_principal_from_account(&a, AUTH_COOKIE, p);
    return 0;
}

static int demo_objectives(Db *db, const Principal *sys, const json_t *doc, KeelError *e) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(doc, "objectives"), i, x) {
        json_t *o = json_deep_copy(x);
        int64_t id;
        int rc = demo_resolve(db, o, "unit", "unit_id", &resource_unit, "name", e);
        if (rc == 0) rc = demo_resolve(db, o, "owner", "owner_id", &resource_person, "email", e);
        if (rc == 0) rc = align_objective_create(db, sys, o, &id, e);
        json_decref(o);
        if (rc) return demo_where(e, rc, "objectives", i);
    }
    return 0;
}

/* KPIs and their generated quarterly actuals. */
static int demo_kpis(Db *db, const Principal *sys, const json_t *doc, uint64_t *seed,
                     KeelError *e) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(doc, "kpis"), i, x) {
        json_t *o = json_deep_copy(x), *series = json_incref(json_object_get(o, "series"));
        json_object_del(o, "series");
        int64_t id;
        int rc = demo_resolve(db, o, "objective", "objective_id", &resource_objective, "title", e);
        if (rc == 0) rc = align_kpi_create(db, sys, o, &id, e);
        if (rc == 0 && series) {
            Period p;
            rc = period_parse(json_string_value(json_object_get(series, "first_period")), 1, &p);
            json_t *rows = json_array();
            double base = json_number_value(json_object_get(o, "baseline"));
            double step = json_number_value(json_object_get(series, "step"));
            double noise = json_number_value(json_object_get(series, "noise"));
            int year = p.year, q = p.part;
            for (int k = 0; rc == 0 && k < json_integer_value(json_object_get(series, "quarters"));
                 k++) {
                char zPeriod[8];
                snprintf(zPeriod, sizeof zPeriod, "%04dQ%d", year, q);
                double v = base + step * (k + 1) + noise * demo_gauss(seed);
                json_array_append_new(
                    rows, json_pack("{ss sf}", "period", zPeriod, "value", round(v * 100) / 100));
                if (++q > 4) q = 1, year++;
            }
            int n;
            json_t *rowErrors = NULL;
            if (rc == 0)
                rc = align_kpi_values_import(db, sys, id, rows, NULL, 1, &n, &rowErrors, e);
            json_decref(rowErrors);
            json_decref(rows);
        }
        json_decref(series);
        json_decref(o);
        if (rc) return demo_where(e, rc, "kpis", i);
    }
    return 0;
}

/* Days between two stage moves of a demo initiative: its stages and
 * sign-offs fall in the recent past, the last move DEMO_STEP_DAYS ago. */
enum { DEMO_STEP_DAYS = 40 };

/* The number of stage moves that take an initiative to zStage. */
static int demo_moves(const char *zStage) {
    static const char *const az[] = {"idea",    "assessed",  "approved", "pilot",
                                     "scaling", "operating", NULL};
    if (!zStage) return 0;
    if (strcmp(zStage, "rejected") == 0) return 1;
    if (strcmp(zStage, "retired") == 0) return 4;
    for (int k = 0; az[k]; k++)
        if (strcmp(az[k], zStage) == 0) return k;
    return 0;
}

/* Set keel's clock for the demo: n steps before today, less jitter days. */
static void demo_clock(int n, int jitter) {
    time_shift(-((int64_t)n * DEMO_STEP_DAYS + jitter) * 86400);
}

/* Walk an initiative through the stages towards zStage: phase 1 up to
 * approval (or rejection), phase 2 from there on, once teams are staffed
 * (the move to pilot needs a complete team: the initiative gate). */
static int demo_walk(Db *db, const Principal *sys, const Principal *chair, int64_t id,
                     const char *zStage, int phase, KeelError *e) {
    static const char *const azPath[] = {"assessed", "approved",  "pilot",
                                         "scaling",  "operating", NULL};
    static const char *const azReason[] = {
        "business case reviewed", "approved by the AI committee", "pilot started in one unit",
        "pilot met its exit criteria", "in production in every unit"};
    int rc = 0;
    int n = demo_moves(zStage);
    if (strcmp(zStage, "idea") == 0) return 0;
    demo_clock(n, 0);
    if (strcmp(zStage, "rejected") == 0) {
        if (phase == 2) return 0;
        json_t *t = json_pack("{ss ss}", "to", "rejected", "reason",
                              "the committee judged the value too uncertain for the risk");
        rc = initiative_transition(db, chair, id, t, e);
        json_decref(t);
        return rc;
    }
    const char *zGoal = strcmp(zStage, "retired") == 0 ? "pilot" : zStage;
    int bDone = 0;
    for (int k = 0; azPath[k] && rc == 0 && !bDone; k++) {
        bDone = strcmp(azPath[k], zGoal) == 0;
        if ((phase == 1) != (k < 2)) continue;
        demo_clock(n - k, 0);
        json_t *t = json_pack("{ss ss}", "to", azPath[k], "reason", azReason[k]);
        rc = initiative_transition(db, strcmp(azPath[k], "approved") == 0 ? chair : sys, id, t, e);
        json_decref(t);
    }
    if (rc == 0 && phase == 2 && strcmp(zStage, "retired") == 0) {
        demo_clock(1, 0);
        json_t *t = json_pack("{ss ss}", "to", "retired", "reason", "replaced by the ML forecast");
        rc = initiative_transition(db, sys, id, t, e);
        json_decref(t);
    }
    return rc;
}

/* Phase 2 of every initiative's walk, after the teams are staffed; the
 * committee first records the waivers the demo data names
 * ("gate_waivers": {"pilot": "reason"}), valid 90 days. */
static int demo_walk_on(Db *db, const Principal *sys, const json_t *doc, KeelError *e) {
    Principal chair;
    const json_t *scorers = json_object_get(doc, "scorers");
    int rc = demo_principal(db, json_string_value(json_array_get(scorers, 0)), &chair);
    if (rc) return err_set(e, rc, "scorers", "demo: the committee chair has no account");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(doc, "initiatives"), i, x) {
        int64_t id = store_crud_id_by(db, &resource_initiative, "title", json_get_str(x, "title"));
        const char *zMove;
        json_t *why;
        json_object_foreach(json_object_get(x, "gate_waivers"), zMove, why) {
            char zExp[32];
            demo_clock(demo_moves(json_get_str(x, "stage")) - 2, 0); /* when it moved to pilot */
            time_iso(time_now() + 90 * 86400, zExp, sizeof zExp);
            json_t *o = json_pack("{ss sO ss}", "stage", zMove, "reason", why, "expires_at", zExp);
            int64_t oid;
            if (rc == 0) rc = gate_override_add(db, &chair, NULL, id, o, &oid, e);
            json_decref(o);
        }
        if (rc == 0) rc = demo_walk(db, sys, &chair, id, json_get_str(x, "stage"), 2, e);
        time_shift(0);
        if (rc) return demo_where(e, rc, "initiatives", i);
    }
    return 0;
}

static int demo_initiatives(Db *db, const Principal *sys, const json_t *doc, uint64_t *seed,
                            KeelError *e) {
    Principal chair;
    const json_t *scorers = json_object_get(doc, "scorers");
    int rc = demo_principal(db, json_string_value(json_array_get(scorers, 0)), &chair);
    if (rc) return err_set(e, rc, "scorers", "demo: the committee chair has no account");
    static const char *const azSign[][2] = {
        {"sponsor", "sponsor"}, {"owner", "owner"}, {"ai_lead", "ai_lead"}};
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(doc, "initiatives"), i, x) {
        json_t *o = json_deep_copy(x);
        const char *zKey = json_string_value(json_object_get(x, "catalogue_key"));
        json_object_del(o, "stage");
        json_object_del(o, "links");
        json_object_del(o, "signoffs");
        json_object_del(o, "catalogue_key");
        json_object_del(o, "gate_waivers");
        if (json_is_number(json_object_get(o, "expected_value")) &&
            json_number_value(json_object_get(o, "expected_value")) == 0)
            json_object_set_new(o, "expected_value", json_null());
        int64_t id = 0;
        /* created and signed before its first move */
        demo_clock(demo_moves(json_string_value(json_object_get(x, "stage"))) + 1,
                   (int)(i * 7 % 11));
        rc = demo_resolve(db, o, "unit", "unit_id", &resource_unit, "name", e);
        if (rc == 0)
            rc = demo_resolve(db, o, "sponsor", "sponsor_id", &resource_person, "email", e);
        if (rc == 0) rc = demo_resolve(db, o, "owner", "owner_id", &resource_person, "email", e);
        if (rc == 0)
            rc = demo_resolve(db, o, "ai_lead", "ai_lead_id", &resource_person, "email", e);
        if (rc == 0) rc = initiative_create_from(db, sys, o, zKey, &id, e);
        json_decref(o);
        size_t k;
        json_t *l;
        json_array_foreach(json_object_get(x, "links"), k, l) {
            if (rc) break;
            int64_t kpi = store_crud_id_by(db, &resource_kpi, "name",
                                           json_string_value(json_object_get(l, "kpi")));
            json_t *lj = json_pack("{sI sO ss sO}", "kpi_id", (json_int_t)kpi, "expected_impact",
                                   json_object_get(l, "impact"), "impact_period",
                                   json_string_value(json_object_get(l, "impact_period")),
                                   "rationale", json_object_get(l, "rationale"));
            int64_t lid;
            rc = initiative_link_create(db, sys, id, lj, &lid, e);
            json_decref(lj);
        }
        json_array_foreach(json_object_get(x, "signoffs"), k, l) {
            if (rc) break;
            const char *zRole = json_string_value(l);
            for (int s = 0; s < 3; s++) {
                if (strcmp(zRole, azSign[s][0])) continue;
                const char *zWho = json_string_value(
                    json_object_get(x, strcmp(zRole, "ai_lead") == 0 ? "ai_lead" : zRole));
                Principal p;
                rc = demo_principal(db, zWho, &p);
                if (rc) {
                    err_set(e, rc, zRole, "demo: %s has no account", zWho);
                    break;
                }
                json_t *sj = json_pack("{ss ss}", "role", zRole, "comment", "reviewed the charter");
                rc = initiative_signoff(db, &p, id, sj, e);
                json_decref(sj);
            }
        }
        if (rc == 0)
            rc = demo_walk(db, sys, &chair, id, json_string_value(json_object_get(x, "stage")), 1,
                           e);
        time_shift(0);
        /* the committee scores what has a business case */
        const char *zStage = json_string_value(json_object_get(x, "stage"));
        double value = json_number_value(json_object_get(x, "expected_value"));
        double cost = json_number_value(json_object_get(x, "cost_estimate"));
        json_array_foreach(scorers, k, l) {
            if (rc || strcmp(zStage, "retired") == 0) break;
            Principal p;
            if ((rc = demo_principal(db, json_string_value(l), &p))) break;
            int bv = (int)lround(1 + value / 600000.0 + demo_gauss(seed) * 0.4);
            int fe = (int)lround(5.5 - cost / 150000.0 + demo_gauss(seed) * 0.6);
            int dr = 2 + (int)(demo_uniform(seed) * 3.99);
            int rk = 1 + (int)(demo_uniform(seed) * 3.99);
            int sf = (int)lround(2 + value / 900000.0 + demo_gauss(seed) * 0.5);
            int a[] = {bv, fe, dr, rk, sf};
            for (int s = 0; s < 5; s++)
                a[s] = a[s] < 1 ? 1 : a[s] > 5 ? 5 : a[s];
            json_t *sj =
                json_pack("{s{si si si si si}}", "scores", "business_value", a[0], "feasibility",
                          a[1], "data_readiness", a[2], "risk", a[3], "strategic_fit", a[4]);
            rc = align_scores_set(db, &p, id, sj, e);
            json_decref(sj);
        }
        if (rc) return demo_where(e, rc, "initiatives", i);
    }
    return 0;
}

/* A copy of doc with every date marker replaced by a date relative to
 * today; links without an impact period expect their impact in a year. */
static json_t *demo_dated(const json_t *doc, KeelError *e) {
    json_t *d = json_deep_copy(doc), *nw = NULL, *x, *l;
    size_t i, k;
    json_array_foreach(json_object_get(d, "initiatives"), i, x) {
        json_array_foreach(json_object_get(x, "links"), k, l) {
            if (!json_object_get(l, "impact_period"))
                json_object_set_new(l, "impact_period", json_string("{Q+4}"));
        }
    }
    json_t *fs = json_object_get(json_object_get(d, "settings"), "fiscal_year_start_month");
    if (demo_dates(d, time_now(), fs ? (int)json_integer_value(fs) : 1, &nw, e)) {
        json_decref(d);
        return NULL;
    }
    return d;
}

/* ---- analyses computed from the files under data/demo/ -------------------- */

#define DEMO_FILE(sym)                                                                             \
    extern const unsigned char sym[];                                                              \
    extern const unsigned int sym##_len;
DEMO_FILE(demo_credit_scoring_csv)
DEMO_FILE(demo_recommendations_ab_csv)
DEMO_FILE(demo_maintenance_model_json)
DEMO_FILE(demo_maintenance_presses_csv)

/* The embedded file data/demo/zName, or NULL. */
const char *demo_file(const char *zName, size_t *pn) {
    static const struct {
        const char *zName;
        const unsigned char *p;
        const unsigned int *pn;
    } a[] = {
        {"credit_scoring.csv", demo_credit_scoring_csv, &demo_credit_scoring_csv_len},
        {"recommendations_ab.csv", demo_recommendations_ab_csv, &demo_recommendations_ab_csv_len},
        {"maintenance_model.json", demo_maintenance_model_json, &demo_maintenance_model_json_len},
        {"maintenance_presses.csv", demo_maintenance_presses_csv,
         &demo_maintenance_presses_csv_len},
    };
    for (size_t i = 0; zName && i < sizeof a / sizeof a[0]; i++)
        if (strcmp(a[i].zName, zName) == 0) {
            *pn = *a[i].pn;
            return (const char *)a[i].p;
        }
    return NULL;
}

/* Each entry of "analyses": run by the named account's engine, days_ago
 * days ago, as evidence for the initiative. */
static int demo_analyses(Db *db, const json_t *doc, KeelError *e) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(doc, "analyses"), i, x) {
        AnalysisInput in;
        memset(&in, 0, sizeof in);
        Principal p;
        int rc = demo_principal(db, json_string_value(json_object_get(x, "by")), &p);
        if (rc) err_set(e, rc, "by", "demo: the analyst has no account");
        in.zKind = json_string_value(json_object_get(x, "kind"));
        in.spec = json_object_get(x, "spec");
        in.zTitle = json_string_value(json_object_get(x, "title"));
        in.zData = demo_file(json_string_value(json_object_get(x, "data")), &in.nData);
        if (json_object_get(x, "model"))
            in.zModel = demo_file(json_string_value(json_object_get(x, "model")), &in.nModel);
        in.initiativeId = store_crud_id_by(db, &resource_initiative, "title",
                                           json_string_value(json_object_get(x, "initiative")));
        if (rc == 0 && (!in.zKind || !in.zData || (json_object_get(x, "model") && !in.zModel)))
            rc = err_set(e, KEEL_EINVAL, "data", "demo: no such data file");
        int64_t id;
        time_shift(-json_integer_value(json_object_get(x, "days_ago")) * 86400);
        if (rc == 0) rc = analysis_run(db, &p, &in, &id, e);
        time_shift(0);
        if (rc) return demo_where(e, rc, "analyses", i);
    }
    return 0;
}

int demo_load(Db *db, const Actor *actor, const json_t *doc0, const char *zPassword, uint64_t seed,
              KeelError *e) {
    int64_t n = 0;
    int rc = store_org_size(db, &n);
    if (rc) return rc;
    if (n > 0)
        return err_set(e, KEEL_ECONFLICT, "",
                       "the database already holds an organisation; "
                       "load the demo into a new database");
    uint64_t s = seed;
    Principal sys;
    memset(&sys, 0, sizeof sys);
    sys.kind = AUTH_NONE;
    snprintf(sys.zEmail, sizeof sys.zEmail, "%s", actor->zName);
    json_t *doc = demo_dated(doc0, e);
    if (!doc) return KEEL_ENOMEM;
    rc = db_begin(db);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    json_t *settings = json_deep_copy(json_object_get(doc, "settings"));
    if (settings) {
        rc = resource_validate(&resource_settings, settings, 0, e);
        if (rc == 0) rc = store_crud_update(db, &resource_settings, actor, 1, settings, e);
        json_decref(settings);
    }
    if (rc == 0) rc = demo_section(db, actor, doc, "units", &resource_unit, zPassword, e);
    if (rc == 0) rc = demo_section(db, actor, doc, "people", &resource_person, zPassword, e);
    if (rc == 0) rc = demo_section(db, actor, doc, "accounts", &resource_account, zPassword, e);
    if (rc == 0) rc = demo_objectives(db, &sys, doc, e);
    if (rc == 0) rc = demo_kpis(db, &sys, doc, &s, e);
    if (rc == 0) rc = demo_initiatives(db, &sys, doc, &s, e);
    if (rc == 0) rc = alloc_demo_load(db, &sys, doc, seed, e);
    if (rc == 0) rc = demo_walk_on(db, &sys, doc, e);
    time_shift(0);
    if (rc == 0) rc = alloc_demo_solve(db, &sys, doc, e);
    if (rc == 0) rc = demo_analyses(db, doc, e);
    time_shift(0);
    if (rc == 0) rc = risk_demo_load(db, doc, e);
    time_shift(0);
    if (rc == 0) rc = iteration_demo_load(db, doc, e);
    time_shift(0);
    if (rc == 0) rc = collab_demo_load(db, doc, e);
    time_shift(0);
    if (rc == 0) rc = definition_demo_load(db, doc, e);
    time_shift(0);
    if (rc == 0) rc = slip_demo_load(db, doc, e);
    if (rc == 0) rc = compliance_demo_load(db, doc, e);
    json_decref(doc);
    return db_end(db, rc);
}
