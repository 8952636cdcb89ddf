/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Strategic alignment: resource definitions and the rules; see
 * alignment.h. */
#include "domain/alignment.h"
#include "engine/changepoint.h"
#include "engine/kpi_trend.h"
#include "store/store_alignment.h"
#include "store/store_crud.h"
#include "store/store_org.h"
#include "util/period.h"
#include "util/json.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const azStage[] = {"idea",      "assessed", "approved", "pilot", "scaling",
                               "operating", "retired",  "rejected", NULL};
const char *const azPainPoint[] = {"cost", "efficiency", "experience", "revenue", "risk", NULL};
static const char *const azObjectiveStatus[] = {"draft", "active", "achieved", "closed", NULL};
static const char *const azDirection[] = {"up", "down", NULL};

#define REF(name, table, flags, doc)                                                               \
    { name, FT_REF, flags, 1, 9e15, NULL, table, doc }
#define LONGTEXT(name, doc)                                                                        \
    { name, FT_TEXT, F_NULLABLE, 0, 8000, NULL, NULL, doc }
#define MONEY 1e15

static const FieldDef aObjectiveField[] = {
    ID_FIELD,
    {"title", FT_TEXT, F_REQUIRED | F_SORT, 1, 200, NULL, NULL, "what the business wants"},
    LONGTEXT("description", "why it matters"),
    {"pain_point", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azPainPoint, NULL,
     "cost, efficiency, experience, revenue or risk"},
    REF("owner_id", "person", F_NULLABLE | F_FILTER, "the accountable person"),
    REF("unit_id", "unit", F_NULLABLE | F_FILTER, "business unit"),
    {"horizon_start", FT_PERIOD, F_NULLABLE, 0, 0, NULL, NULL, "first period (2026Q1)"},
    {"horizon_end", FT_PERIOD, F_NULLABLE, 0, 0, NULL, NULL, "last period (2027Q4)"},
    {"status", FT_ENUM, F_FILTER, 0, 0, azObjectiveStatus, NULL,
     "draft, active, achieved or closed"},
    TIMES,
};
static const RefBy aObjectiveRefBy[] = {{"kpi", "objective_id", "KPIs"}};
const ResourceDef resource_objective =
    RESOURCE_REFBY("objective", "objective", aObjectiveField, aObjectiveRefBy);

static const FieldDef aKpiField[] = {
    ID_FIELD,
    REF("objective_id", "objective", F_REQUIRED | F_FILTER, "the objective it measures"),
    {"name", FT_TEXT, F_REQUIRED | F_SORT, 1, 200, NULL, NULL, "name"},
    {"unit", FT_TEXT, F_REQUIRED, 1, 40, NULL, NULL, "unit of measure: %, EUR, hours, ..."},
    {"direction", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azDirection, NULL,
     "up (higher is better) or down"},
    {"baseline", FT_REAL, F_REQUIRED, -1e15, 1e15, NULL, NULL, "value before the programme"},
    {"target", FT_REAL, F_REQUIRED, -1e15, 1e15, NULL, NULL, "value to reach"},
    {"target_period", FT_PERIOD, F_REQUIRED | F_SORT, 0, 0, NULL, NULL,
     "period by which the target is due"},
    LONGTEXT("definition", "how it is measured"),
    {"template", FT_TEXT, F_NULLABLE | F_FILTER, 1, 80, NULL, NULL,
     "catalogue KPI template it instantiates"},
    {"min_value", FT_REAL, F_NULLABLE, -1e15, 1e15, NULL, NULL,
     "lowest possible value (e.g. 0 for a rate); values below are refused"},
    {"max_value", FT_REAL, F_NULLABLE, -1e15, 1e15, NULL, NULL,
     "highest possible value (e.g. 100 for a percentage); values above are refused"},
    TIMES,
};
static const RefBy aKpiRefBy[] = {{"kpi_value", "kpi_id", "recorded values"},
                                  {"initiative_link", "kpi_id", "initiative links"}};
const ResourceDef resource_kpi = RESOURCE_REFBY("kpi", "kpi", aKpiField, aKpiRefBy);

static const FieldDef aKpiValueField[] = {
    ID_FIELD,
    REF("kpi_id", "kpi", F_READONLY | F_FILTER, "the KPI"),
    {"period", FT_PERIOD, F_REQUIRED | F_SORT, 0, 0, NULL, NULL, "2026Q3 or 2026-09"},
    {"value", FT_REAL, F_REQUIRED, -1e15, 1e15, NULL, NULL, "actual value"},
    {"note", FT_TEXT, F_NULLABLE, 0, 1000, NULL, NULL, "comment"},
};
const ResourceDef resource_kpi_value = RESOURCE("kpi_value", "kpi_value", aKpiValueField);

/* The purposes data may serve (purpose limitation, GDPR art. 5(1)(b),
 * PIPL art. 6): an initiative has one, a data asset the set it may serve. */
const char *const azPurpose[] = {"service_delivery",  "customer_support",
                                 "credit_assessment", "fraud_prevention",
                                 "risk_management",   "marketing",
                                 "personalisation",   "product_improvement",
                                 "operations",        "hr",
                                 "legal_compliance",  "security",
                                 "research",          NULL};

static const FieldDef aInitiativeField[] = {
    ID_FIELD,
    {"title", FT_TEXT, F_REQUIRED | F_SORT, 1, 200, NULL, NULL, "the AI use case"},
    LONGTEXT("problem", "the business problem it solves (charter)"),
    LONGTEXT("scope", "what is in and out (charter)"),
    LONGTEXT("risks", "main risks (charter)"),
    LONGTEXT("data_needed", "data it needs (charter)"),
    REF("unit_id", "unit", F_NULLABLE | F_FILTER, "business unit"),
    REF("sponsor_id", "person", F_NULLABLE | F_FILTER, "executive sponsor"),
    REF("owner_id", "person", F_NULLABLE | F_FILTER, "business owner"),
    REF("ai_lead_id", "person", F_NULLABLE | F_FILTER, "AI lead"),
    REF("risk_officer_id", "person", F_NULLABLE | F_FILTER,
        "risk officer: a fourth signatory when one of its AI systems is of the high tier"),
    {"stage", FT_ENUM, F_READONLY | F_FILTER | F_SORT, 0, 0, azStage, NULL,
     "idea, assessed, approved, pilot, scaling, operating, retired or rejected (change it "
     "with POST .../transition)"},
    {"expected_value", FT_REAL, F_NULLABLE | F_SORT, 0, MONEY, NULL, NULL,
     "expected value per year in the organisation's currency (charter)"},
    {"cost_estimate", FT_REAL, F_NULLABLE | F_SORT, 0, MONEY, NULL, NULL, "estimated cost"},
    {"start_date", FT_DATE, F_NULLABLE | F_SORT, 0, 0, NULL, NULL, "planned start"},
    {"end_date", FT_DATE, F_NULLABLE, 0, 0, NULL, NULL, "planned end"},
    {"catalogue_key", FT_TEXT, F_NULLABLE | F_FILTER, 1, 80, NULL, NULL,
     "the catalogue entry it was created from"},
    {"purpose", FT_ENUM, F_NULLABLE | F_FILTER, 0, 0, azPurpose, NULL,
     "what its data is used for (purpose limitation): service_delivery, customer_support, "
     "credit_assessment, fraud_prevention, risk_management, marketing, personalisation, "
     "product_improvement, operations, hr, legal_compliance, security or research"},
    {"charter_version", FT_INT, F_READONLY, 1, 9e15, NULL, NULL,
     "current charter version; a change to the charter makes a new one"},
    TIMES,
};
const ResourceDef resource_initiative = RESOURCE("initiative", "initiative", aInitiativeField);

static const FieldDef aLinkField[] = {
    ID_FIELD,
    REF("initiative_id", "initiative", F_READONLY | F_FILTER, "the initiative"),
    REF("kpi_id", "kpi", F_REQUIRED | F_FILTER, "the KPI it moves"),
    {"expected_impact", FT_REAL, F_REQUIRED, -1e15, 1e15, NULL, NULL,
     "absolute change of the KPI, in its unit"},
    {"impact_period", FT_PERIOD, F_REQUIRED, 0, 0, NULL, NULL, "by when"},
    LONGTEXT("rationale", "why this initiative moves this KPI"),
    TIMES,
};
const ResourceDef resource_link = RESOURCE("initiative_link", "initiative_link", aLinkField);

static const FieldDef aCriterionField[] = {
    ID_FIELD,
    {"key", FT_TEXT, F_REQUIRED | F_UNIQUE, 1, 40, NULL, NULL, "stable key"},
    {"name", FT_TEXT, F_REQUIRED, 1, 80, NULL, NULL, "label"},
    {"weight", FT_REAL, F_REQUIRED, 0, 100, NULL, NULL, "relative weight (>= 0)"},
    {"inverse", FT_BOOL, 0, 0, 0, NULL, NULL, "true when a high score is bad (risk)"},
    TIMES,
};
const ResourceDef resource_criterion = RESOURCE("criterion", "criterion", aCriterionField);

/* ---- the stage machine -------------------------------------------------- */
static const struct {
    const char *zFrom, *zTo;
} aTransition[] = {
    {"idea", "assessed"},     {"idea", "rejected"},   {"assessed", "approved"},
    {"assessed", "rejected"}, {"assessed", "idea"},   {"approved", "pilot"},
    {"approved", "retired"},  {"pilot", "scaling"},   {"pilot", "retired"},
    {"scaling", "operating"}, {"scaling", "retired"}, {"operating", "retired"},
    {"rejected", "idea"},
};
#define N_TRANSITION ((int)(sizeof aTransition / sizeof aTransition[0]))

int align_transition_legal(const char *zFrom, const char *zTo) {
    for (int i = 0; i < N_TRANSITION; i++)
        if (strcmp(aTransition[i].zFrom, zFrom) == 0 && strcmp(aTransition[i].zTo, zTo) == 0)
            return 1;
    return 0;
}

json_t *align_transitions_from(const char *zFrom) {
    json_t *a = json_array();
    for (int i = 0; i < N_TRANSITION; i++)
        if (strcmp(aTransition[i].zFrom, zFrom) == 0)
            json_array_append_new(a, json_string(aTransition[i].zTo));
    return a;
}

int align_fiscal_start(Db *db) { return store_org_fiscal_start(db); }

/* Owners may change what they own; admins and the committee anything.
 * AUTH_NONE principals are the CLI and the demo loader. */
static int may_edit_owned(const Principal *who, int64_t ownerId, const char *zWhat, KeelError *e) {
    if (auth_is_governor(who)) return 0;
    if (who->role == ROLE_OWNER && who->personId && who->personId == ownerId) return 0;
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                        "only the %s's owner, the committee or an admin may change it", zWhat);
}

static int get_row(Db *db, const ResourceDef *r, int64_t id, json_t **pp, KeelError *e) {
    int rc = store_crud_get(db, r, id, pp);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", r->zName, id);
    return rc;
}

/* ---- objectives ------------------------------------------------------------ */

int align_check_order(Db *db, const json_t *cur, const json_t *in, const char *zFirst,
                      const char *zLast, KeelError *e) {
    const json_t *a = json_object_get(in, zFirst), *b = json_object_get(in, zLast);
    if (!a && cur) a = json_object_get(cur, zFirst);
    if (!b && cur) b = json_object_get(cur, zLast);
    if (!json_is_string(a) || !json_is_string(b)) return 0;
    const char *za = json_string_value(a), *zb = json_string_value(b);
    Period pa, pb;
    int fs = align_fiscal_start(db), bad;
    if (period_parse(za, fs, &pa) == 0 && period_parse(zb, fs, &pb) == 0)
        bad = pa.firstMonth > pb.firstMonth + (pb.kind == PERIOD_QUARTER ? 2 : 0);
    else
        bad = strcmp(za, zb) > 0; /* ISO dates */
    if (!bad) return 0;
    return err_set_code(e, KEEL_ERULE, "out_of_order", zLast,
                        "the end, %s, comes before the start, %s: choose an end on or after "
                        "the start",
                        zb, za);
}

int align_kpi_value_in_bounds(const json_t *kpi, const char *zField, double v, KeelError *e) {
    const json_t *lo = json_object_get(kpi, "min_value"), *hi = json_object_get(kpi, "max_value");
    if ((json_is_number(lo) && v < json_number_value(lo)) ||
        (json_is_number(hi) && v > json_number_value(hi))) {
        char zLo[32] = "-inf", zHi[32] = "+inf";
        if (json_is_number(lo)) snprintf(zLo, sizeof zLo, "%g", json_number_value(lo));
        if (json_is_number(hi)) snprintf(zHi, sizeof zHi, "%g", json_number_value(hi));
        return err_set_code(e, KEEL_ERULE, "out_of_bounds", zField,
                            "%s %g is impossible for this KPI: its possible values are %s to %s %s",
                            zField, v, zLo, zHi, json_string_value(json_object_get(kpi, "unit")));
    }
    return 0;
}

int align_kpi_check(const json_t *cur, const json_t *in, KeelError *e) {
    json_t *m = cur ? json_deep_copy(cur) : json_object();
    json_object_update(m, (json_t *)in);
    const json_t *lo = json_object_get(m, "min_value"), *hi = json_object_get(m, "max_value");
    int rc = 0;
    if (json_is_number(lo) && json_is_number(hi) && json_number_value(lo) > json_number_value(hi))
        rc = err_set_code(e, KEEL_ERULE, "out_of_order", "max_value",
                          "max_value %g is below min_value %g", json_number_value(hi),
                          json_number_value(lo));
    if (rc == 0)
        rc = align_kpi_value_in_bounds(m, "baseline",
                                       json_number_value(json_object_get(m, "baseline")), e);
    if (rc == 0)
        rc = align_kpi_value_in_bounds(m, "target", json_number_value(json_object_get(m, "target")),
                                       e);
    json_decref(m);
    return rc;
}

int align_objective_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    if (who->role == ROLE_OWNER && !json_object_get(in, "owner_id") && who->personId)
        json_object_set_new(in, "owner_id", json_integer(who->personId));
    int rc = resource_validate(&resource_objective, in, 1, e);
    if (rc == 0) rc = align_check_order(db, NULL, in, "horizon_start", "horizon_end", e);
    if (rc) return rc;
    rc = may_edit_owned(who, json_get_id(in, "owner_id"), "objective", e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_create(db, &resource_objective, &a, in, pId, e);
}

int align_objective_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_objective, in, 0, e);
    if (rc) return rc;
    json_t *cur;
    if ((rc = get_row(db, &resource_objective, id, &cur, e))) return rc;
    rc = may_edit_owned(who, json_get_id(cur, "owner_id"), "objective", e);
    if (rc == 0) rc = align_check_order(db, cur, in, "horizon_start", "horizon_end", e);
    if (rc == 0 && json_object_get(in, "owner_id") && !auth_is_governor(who) &&
        json_get_id(in, "owner_id") != who->personId)
        rc = err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                          "only the committee or an admin may hand an objective to someone else");
    json_decref(cur);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_update(db, &resource_objective, &a, id, in, e);
}

/* ---- KPIs --------------------------------------------------------------------- */

/* The objective of a KPI must be editable by who. */
static int may_edit_objective(Db *db, const Principal *who, int64_t objectiveId, KeelError *e) {
    json_t *o;
    int rc = get_row(db, &resource_objective, objectiveId, &o, e);
    if (rc == KEEL_ENOTFOUND)
        e->rc = rc = KEEL_EINVAL, snprintf(e->zField, sizeof e->zField, "objective_id");
    if (rc) return rc;
    rc = may_edit_owned(who, json_get_id(o, "owner_id"), "objective", e);
    json_decref(o);
    return rc;
}

/* Who may record a KPI's values (also per business unit, pilot.c): the
 * owner of its objective, the committee, an admin. */
int align_kpi_may_edit(Db *db, const Principal *who, int64_t kpiId, KeelError *e) {
    json_t *kpi;
    int rc = get_row(db, &resource_kpi, kpiId, &kpi, e);
    if (rc) return rc;
    rc = may_edit_objective(db, who, json_get_id(kpi, "objective_id"), e);
    json_decref(kpi);
    return rc;
}

int align_kpi_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    int rc = resource_validate(&resource_kpi, in, 1, e);
    if (rc == 0) rc = align_kpi_check(NULL, in, e);
    if (rc) return rc;
    rc = may_edit_objective(db, who, json_get_id(in, "objective_id"), e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_create(db, &resource_kpi, &a, in, pId, e);
}

int align_kpi_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_kpi, in, 0, e);
    if (rc) return rc;
    json_t *cur;
    if ((rc = get_row(db, &resource_kpi, id, &cur, e))) return rc;
    rc = may_edit_objective(db, who, json_get_id(cur, "objective_id"), e);
    if (rc == 0 && json_object_get(in, "objective_id"))
        rc = may_edit_objective(db, who, json_get_id(in, "objective_id"), e);
    if (rc == 0) rc = align_kpi_check(cur, in, e);
    json_decref(cur);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_update(db, &resource_kpi, &a, id, in, e);
}

/* The change-point test of a KPI's latest period (engine/changepoint.c,
 * the defaults: against the line through the earlier periods, one-sided
 * for a move in the bad direction, false-alarm rate 0.5%, at least 5% of
 * the expected level): {flagged, latest, expected, change_pct, p_value,
 * earlier_points}, or null when there are too few periods to test (four
 * at least) or their positions do not increase. */
static json_t *kpi_recent_drop(const double *ax, const double *ay, int n, int bUp) {
    CpOptions o;
    changepoint_options_default(&o);
    o.side = bUp ? CP_FALL : CP_RISE;
    CpSeries s = {ay, ax, NULL, n};
    CpResult r;
    if (changepoint_test(&s, &o, &r) || !r.tested) return json_null();
    return json_pack("{sb sf sf so sf si}", "flagged", r.flagged, "latest", r.recent, "expected",
                     r.expected, "change_pct",
                     isfinite(r.relChange) ? json_real(round(r.relChange * 1000) / 10)
                                           : json_null(),
                     "p_value", r.pValue, "earlier_points", r.m);
}

int align_kpi_decorate(Db *db, json_t *kpi) { return align_kpi_as_of(db, kpi, NULL, 0); }

int align_kpi_as_of(Db *db, json_t *kpi, const char *zUntil, int bValues) {
    json_t *values;
    int rc = store_kpi_values(db, json_get_id(kpi, "id"), &values);
    if (rc) return rc;
    int fiscal = align_fiscal_start(db);
    Period pu;
    int until = -1; /* the last month that counts, -1: all */
    if (zUntil && period_parse(zUntil, fiscal, &pu) == 0)
        until = pu.firstMonth + (pu.kind == PERIOD_QUARTER ? 2 : 0);
    double ax[512], ay[512];
    int k = 0;
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v) {
        Period p;
        if (k >= 512 || period_parse(json_string_value(json_object_get(v, "period")), fiscal, &p))
            continue;
        if (until >= 0 && p.firstMonth > until) {
            json_array_remove(values, i--);
            continue;
        }
        ax[k] = p.mid;
        ay[k] = json_number_value(json_object_get(v, "value"));
        k++;
    }
    Period pt;
    double xt = period_parse(json_string_value(json_object_get(kpi, "target_period")), fiscal, &pt)
                    ? (k ? ax[k - 1] : 0)
                    : pt.mid;
    int bUp = strcmp(json_string_value(json_object_get(kpi, "direction")), "up") == 0;
    size_t n = json_array_size(values);
    KpiAssessment as;
    kpi_assess(json_number_value(json_object_get(kpi, "baseline")),
               json_number_value(json_object_get(kpi, "target")), bUp, ax, ay, k, xt, &as);
    json_object_set_new(kpi, "latest", n ? json_real(as.latest) : json_null());
    json_object_set_new(kpi, "progress", json_real(round(as.progress * 10) / 10));
    json_object_set_new(kpi, "trend_per_month", json_real(as.slope));
    json_object_set_new(kpi, "projected", json_real(as.projected));
    json_object_set_new(kpi, "status", json_string(kpi_status_name(as.status)));
    json_object_set_new(kpi, "values_recorded", json_integer((json_int_t)n));
    json_object_set_new(kpi, "recent_drop", kpi_recent_drop(ax, ay, k, bUp));
    if (bValues)
        json_object_set_new(kpi, "values", values);
    else
        json_decref(values);
    return 0;
}

int align_kpi_get(Db *db, int64_t id, json_t **ppOut) {
    json_t *k;
    int rc = store_crud_get(db, &resource_kpi, id, &k);
    if (rc) return rc;
    rc = align_kpi_decorate(db, k);
    json_t *values = NULL;
    if (rc == 0) rc = store_kpi_values(db, id, &values);
    if (rc) {
        json_decref(k);
        return rc;
    }
    json_object_set_new(k, "values", values);
    *ppOut = k;
    return 0;
}

/* Record a row error {row, field, message}. */
static void row_error(json_t *errs, size_t iRow, const char *zField, const char *zMsg) {
    json_array_append_new(
        errs, json_pack("{sI ss ss}", "row", (json_int_t)iRow, "field", zField, "message", zMsg));
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int align_kpi_usual_range(const double *a, size_t n, double *pLo, double *pHi) {
    if (n < KPI_USUAL_MIN_VALUES) return 0;
    double *s = malloc(n * sizeof *s), *d = malloc(n * sizeof *d);
    if (!s || !d) {
        free(s);
        free(d);
        return 0;
    }
    memcpy(s, a, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    for (size_t i = 0; i < n; i++)
        d[i] = fabs(s[i] - med);
    qsort(d, n, sizeof *d, cmp_double);
    double mad = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
    double spread = 1.4826 * mad;
    double floor = 0.05 * fabs(med) > 1e-9 ? 0.05 * fabs(med) : 1e-9;
    if (spread < floor) spread = floor;
    *pLo = med - KPI_USUAL_K * spread;
    *pHi = med + KPI_USUAL_K * spread;
    free(s);
    free(d);
    return 1;
}

/* Row errors for values outside the KPI's declared bounds (*pnBounds) and,
 * unless bConfirm, far outside its usual range (*pnUnusual). */
static int kpi_value_checks(Db *db, const json_t *kpi, int64_t kpiId, const json_t *rows,
                            const json_t *lines, int bConfirm, json_t *errs, size_t *pnBounds,
                            size_t *pnUnusual) {
    json_t *old;
    int rc = store_kpi_values(db, kpiId, &old);
    if (rc) return rc;
    size_t n = json_array_size(old), k = 0, i;
    double *a = malloc((n + 1) * sizeof *a), lo = 0, hi = 0;
    json_t *r;
    json_array_foreach(old, i, r) { a[k++] = json_number_value(json_object_get(r, "value")); }
    int bUsual = a && align_kpi_usual_range(a, k, &lo, &hi);
    free(a);
    json_decref(old);
    json_array_foreach(rows, i, r) {
        size_t iRow = lines ? (size_t)json_integer_value(json_array_get(lines, i)) : i + 1;
        double v = json_number_value(json_object_get(r, "value"));
        KeelError re = {0};
        if (align_kpi_value_in_bounds(kpi, "value", v, &re)) {
            row_error(errs, iRow, "value", re.zMsg);
            ++*pnBounds;
        } else if (bUsual && !bConfirm && (v < lo || v > hi)) {
            char zMsg[200];
            snprintf(zMsg, sizeof zMsg,
                     "value %g is far outside this KPI's usual range, %.4g to %.4g; check it, "
                     "or confirm to record it",
                     v, lo, hi);
            row_error(errs, iRow, "value", zMsg);
            ++*pnUnusual;
        }
    }
    return 0;
}

int align_kpi_values_import(Db *db, const Principal *who, int64_t kpiId, const json_t *rows,
                            const json_t *lines, int bConfirm, int *pnImported,
                            json_t **ppRowErrors, KeelError *e) {
    *pnImported = 0;
    *ppRowErrors = NULL;
    json_t *kpi;
    int rc = get_row(db, &resource_kpi, kpiId, &kpi, e);
    if (rc) return rc;
    rc = may_edit_objective(db, who, json_get_id(kpi, "objective_id"), e);
    if (rc) {
        json_decref(kpi);
        return rc;
    }
    if (!json_is_array(rows) || json_array_size(rows) == 0)
        return err_set(e, KEEL_EINVAL, "values",
                       "values must be a non-empty array of {period, value, note}");
    if (json_array_size(rows) > 10000)
        return err_set(e, KEEL_EINVAL, "values", "at most 10000 values per import");
    int fiscal = align_fiscal_start(db);
    json_t *errs = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        KeelError re = {0};
        size_t iRow = lines ? (size_t)json_integer_value(json_array_get(lines, i)) : i + 1;
        if (!json_is_object(r)) {
            row_error(errs, iRow, "", "each value must be an object {period, value, note}");
            continue;
        }
        json_t *c = json_deep_copy(r);
        int bad = resource_validate(&resource_kpi_value, c, 1, &re);
        json_decref(c);
        if (bad) {
            row_error(errs, iRow, re.zField, re.zMsg);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            const char *a = json_string_value(json_object_get(json_array_get(rows, j), "period"));
            const char *b = json_string_value(json_object_get(r, "period"));
            if (a && b && strcmp(a, b) == 0) {
                char zMsg[96];
                snprintf(zMsg, sizeof zMsg, "period %s appears twice", b);
                row_error(errs, iRow, "period", zMsg);
                break;
            }
        }
    }
    if (json_array_size(errs)) {
        json_decref(kpi);
        *ppRowErrors = errs;
        return err_set_code(e, KEEL_EINVAL, "invalid_rows", "values",
                            "%zu of %zu rows are invalid; nothing was imported",
                            json_array_size(errs), json_array_size(rows));
    }
    size_t nBounds = 0, nUnusual = 0;
    rc = kpi_value_checks(db, kpi, kpiId, rows, lines, bConfirm, errs, &nBounds, &nUnusual);
    json_decref(kpi);
    if (rc == 0 && json_array_size(errs)) {
        *ppRowErrors = errs;
        if (nBounds)
            return err_set_code(
                e, KEEL_ERULE, "out_of_bounds", "value", "%s%s",
                json_string_value(json_object_get(json_array_get(errs, 0), "message")),
                json_array_size(errs) > 1 ? " (and more rows)" : "");
        return err_set_code(e, KEEL_ERULE, "needs_confirm", "value", "%s%s",
                            json_string_value(json_object_get(json_array_get(errs, 0), "message")),
                            json_array_size(errs) > 1 ? " (and more rows)" : "");
    }
    json_decref(errs);
    if (rc) return rc;
    rc = db_begin(db);
    if (rc) return rc;
    Actor a = auth_actor(who);
    json_array_foreach(rows, i, r) {
        Period p;
        const char *zPeriod = json_string_value(json_object_get(r, "period"));
        period_parse(zPeriod, fiscal, &p);
        rc = store_kpi_value_put(db, &a, kpiId, zPeriod, p.firstMonth,
                                 json_number_value(json_object_get(r, "value")),
                                 json_string_value(json_object_get(r, "note")));
        if (rc) break;
    }
    rc = db_end(db, rc);
    if (rc == 0) *pnImported = (int)json_array_size(rows);
    return rc;
}

int align_values_from_csv(const char *z, size_t n, json_t **ppRows, json_t **ppLines,
                          json_t **ppRowErrors, KeelError *e) {
    *ppRows = NULL;
    *ppLines = NULL;
    *ppRowErrors = NULL;
    json_t *rows = json_array(), *errs = json_array(), *lines = json_array();
    size_t iLine = 0, pos = 0;
    int iPeriod = -1, iValue = -1, iNote = -1;
    while (pos < n) {
        size_t end = pos;
        while (end < n && z[end] != '\n')
            end++;
        size_t len = end - pos;
        if (len && z[pos + len - 1] == '\r') len--;
        char line[1200];
        iLine++;
        if (len >= sizeof line) {
            row_error(errs, iLine, "", "line longer than 1200 bytes");
            pos = end + 1;
            continue;
        }
        memcpy(line, z + pos, len);
        line[len] = 0;
        pos = end + 1;
        if (len == 0) continue;
        char *aField[8];
        int nField = 0;
        for (char *p = line, *tok; nField < 8 && (tok = strsep(&p, ","));)
            aField[nField++] = tok;
        if (iPeriod < 0 || iValue < 0) { /* the first non-empty line is the header */
            for (int k = 0; k < nField; k++) {
                if (strcmp(aField[k], "period") == 0)
                    iPeriod = k;
                else if (strcmp(aField[k], "value") == 0)
                    iValue = k;
                else if (strcmp(aField[k], "note") == 0)
                    iNote = k;
            }
            if (iPeriod < 0 || iValue < 0) {
                json_decref(rows);
                json_decref(errs);
                json_decref(lines);
                return err_set(e, KEEL_EINVAL, "body",
                               "the CSV needs a header row naming the columns period and value "
                               "(and optionally note)");
            }
            continue;
        }
        if (nField <= iPeriod || nField <= iValue) {
            row_error(errs, iLine, "", "too few columns");
            continue;
        }
        char *endp;
        double v = strtod(aField[iValue], &endp);
        json_t *o = json_pack("{ss}", "period", aField[iPeriod]);
        json_object_set_new(o, "value",
                            !*aField[iValue] || *endp || !isfinite(v) ? json_string(aField[iValue])
                                                                      : json_real(v));
        if (iNote >= 0 && nField > iNote && *aField[iNote])
            json_object_set_new(o, "note", json_string(aField[iNote]));
        json_array_append_new(rows, o);
        json_array_append_new(lines, json_integer((json_int_t)iLine));
    }
    if (iPeriod < 0 || iValue < 0) {
        json_decref(rows);
        json_decref(errs);
        json_decref(lines);
        return err_set(e, KEEL_EINVAL, "body",
                       "the CSV is empty: send a header row period,value[,note] and the values");
    }
    if (json_array_size(errs)) {
        json_decref(rows);
        json_decref(lines);
        *ppRowErrors = errs;
        return err_set_code(e, KEEL_EINVAL, "invalid_rows", "body",
                            "%zu lines are invalid; nothing was imported", json_array_size(errs));
    }
    json_decref(errs);
    *ppRows = rows;
    *ppLines = lines;
    return 0;
}

int align_kpi_value_delete(Db *db, const Principal *who, int64_t kpiId, int64_t valueId,
                           KeelError *e) {
    json_t *v;
    int rc = get_row(db, &resource_kpi_value, valueId, &v, e);
    if (rc) return rc;
    int64_t owner = json_get_id(v, "kpi_id");
    json_decref(v);
    if (owner != kpiId)
        return err_set(e, KEEL_ENOTFOUND, "id", "no such value of KPI %" PRId64, kpiId);
    json_t *kpi;
    if ((rc = get_row(db, &resource_kpi, kpiId, &kpi, e))) return rc;
    rc = may_edit_objective(db, who, json_get_id(kpi, "objective_id"), e);
    json_decref(kpi);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_delete(db, &resource_kpi_value, &a, valueId, e);
}
