/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 1, strategic alignment: objectives, KPIs and their actual values,
 * initiatives (AI use cases) with their stage machine, the links from
 * initiatives to the KPIs they move, charters and sign-offs, scoring, and
 * the coverage findings. The rules live here:
 *  - an initiative with no KPI link is unaligned and cannot be approved;
 *  - approval needs the sponsor's, the business owner's and the AI lead's
 *    sign-offs of the current charter version, each given through the
 *    account linked to that person; any change to the charter (problem,
 *    scope, risks, data needed, expected value, links) makes a new version
 *    and so voids the sign-offs;
 *  - only legal stage transitions; approving and rejecting is for the
 *    committee (and admins); every transition is recorded with who and why;
 *  - a KPI whose objective is closed takes no new links;
 *  - business owners change only their own objectives and initiatives. */
#ifndef KEEL_DOMAIN_ALIGNMENT_H
#define KEEL_DOMAIN_ALIGNMENT_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include "store/store_audit.h"
#include <jansson.h>

extern const ResourceDef resource_objective;
extern const ResourceDef resource_kpi;
extern const ResourceDef resource_kpi_value;
extern const ResourceDef resource_initiative;
extern const ResourceDef resource_link;
extern const ResourceDef resource_criterion;

extern const char *const azStage[]; /* idea, assessed, approved, pilot, scaling, operating,
                                       retired, rejected */
extern const char *const azPainPoint[];

/* The purposes data may serve: an initiative's purpose, a data asset's
 * purposes (NULL-terminated). */
extern const char *const azPurpose[];

/* 1 when the stage machine allows zFrom -> zTo. */
int align_transition_legal(const char *zFrom, const char *zTo);
/* The stages reachable from zFrom as a JSON array (new reference). */
json_t *align_transitions_from(const char *zFrom);

/* Objectives and KPIs (create: *pId; update: id). */
int align_objective_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
int align_objective_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
int align_kpi_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
int align_kpi_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
/* A KPI with its values and assessment (progress, trend, status). */
/* 0 when who may record KPI kpiId's values; 403 not_owner, 404 otherwise. */
int align_kpi_may_edit(Db *db, const Principal *who, int64_t kpiId, KeelError *e);
int align_kpi_get(Db *db, int64_t id, json_t **ppOut);
/* Add the assessment fields to a KPI object (borrowed). */
int align_kpi_decorate(Db *db, json_t *kpi);
/* The same as of period zUntil (a quarter or month; NULL: all values):
 * only values of periods that start by zUntil's last month count. With
 * bValues, the values used are added as "values" [{id, period, value,
 * note}]. */
int align_kpi_as_of(Db *db, json_t *kpi, const char *zUntil, int bValues);
/* Import values: rows is an array of {period, value, note?}. All or
 * nothing: when any row is bad, *ppRowErrors lists every bad row
 * ({row, field, message}) and KEEL_EINVAL is returned. Rows are numbered
 * from 1, or by lines[i] when given (the line numbers of a CSV file).
 * Existing periods are replaced. */
/* KEEL_ERULE "out_of_order" at zLast when the row (in over cur, which may
 * be NULL) has zFirst after zLast: periods ("2026Q1", "2026-03") by the
 * months they cover, dates ("2026-03-01") as text. */
int align_check_order(Db *db, const json_t *cur, const json_t *in, const char *zFirst,
                      const char *zLast, KeelError *e);
/* KEEL_ERULE "out_of_bounds" at zField when v lies outside the KPI's
 * declared bounds (kpi: a row with min_value / max_value; either may be
 * absent or null). Pure. */
int align_kpi_value_in_bounds(const json_t *kpi, const char *zField, double v, KeelError *e);
/* A KPI's bounds in order (KEEL_ERULE "out_of_order" at max_value), its
 * baseline and target within them ("out_of_bounds"): the row in over cur
 * (cur may be NULL). Pure. */
int align_kpi_check(const json_t *cur, const json_t *in, KeelError *e);
/* A KPI's usual range from its recorded values a[0..n): median ± K times
 * the robust spread 1.4826·MAD (at least 5% of |median|); 0 with fewer
 * than KPI_USUAL_MIN_VALUES values (no range), else 1 (docs/paths/alignment.md). */
enum { KPI_USUAL_MIN_VALUES = 4 };
#define KPI_USUAL_K 6.0
int align_kpi_usual_range(const double *a, size_t n, double *pLo, double *pHi);
/* Import rows {period, value, note}; bConfirm records values far outside
 * the usual range (else KEEL_ERULE "needs_confirm"); values outside the
 * declared bounds are refused (KEEL_ERULE "out_of_bounds"). */
int align_kpi_values_import(Db *db, const Principal *who, int64_t kpiId, const json_t *rows,
                            const json_t *lines, int bConfirm, int *pnImported,
                            json_t **ppRowErrors, KeelError *e);
/* Parse CSV text "period,value[,note]" (header required) into rows and
 * their line numbers (header = line 1); values that are not numbers are
 * kept as text for the import to report. */
int align_values_from_csv(const char *z, size_t n, json_t **ppRows, json_t **ppLines,
                          json_t **ppRowErrors, KeelError *e);
int align_kpi_value_delete(Db *db, const Principal *who, int64_t kpiId, int64_t valueId,
                           KeelError *e);

/* Set the caller's scores {"scores":{criterion_key: 1..5}}. */
int align_scores_set(Db *db, const Principal *who, int64_t initiativeId, const json_t *in,
                     KeelError *e);

/* Add a scoring criterion (at most PRIO_MAX_CRITERIA). */
int align_criterion_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
/* Change a criterion's weight or name; its key never changes; refuses
 * (KEEL_ERULE "weights_all_zero") a change that leaves every weight 0. */
int align_criterion_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);

/* The ranked list with totals and quadrants; zStage / unitId filter (NULL,
 * 0 for all). */
int align_priorities(Db *db, const char *zStage, int64_t unitId, json_t **ppOut);
/* The whole chain objective -> KPI -> initiative with the findings. */
int align_alignment(Db *db, json_t **ppOut);

/* The organisation's fiscal year start (1-12). */
int align_fiscal_start(Db *db);

#endif
