/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Compliance as data (issue 25): the rule packs (EU AI Act, ISO/IEC
 * 42001 Annex A, NIST AI RMF, China), which obligations apply to a system
 * and why, the gate requirements they add, the compliance calendar with
 * Chinese working days, change and incident events, the Statement of
 * Applicability, the overview for the committee and the iCalendar feed.
 * docs/compliance.md is the reader's guide. */
#ifndef KEEL_DOMAIN_COMPLIANCE_H
#define KEEL_DOMAIN_COMPLIANCE_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include "util/buf.h"
#include <jansson.h>

extern const ResourceDef resource_compliance_event;
extern const ResourceDef resource_soa_entry;

/* Load the packs once: the embedded ones, then every .json file of zDir (NULL:
 * $KEEL_RULES_DIR, if set), each replacing the embedded pack of the same
 * name (or the calendar, for a file with "calendar"). A bad file is
 * refused: KEEL_EINVAL, e->zMsg "FILE: JSON.PATH: reason". */
int compliance_init(const char *zDir, KeelError *e);
/* Check the packs of a directory without loading them (keel rules check). */
int compliance_check_dir(const char *zDir, json_t **ppSummary, KeelError *e);

/* The packs (summary: pack, title, kind, jurisdiction, source, version,
 * published, verified, note, figures, obligations count) and the
 * calendar's years. New reference. */
json_t *compliance_packs(void);

/* Gate requirements the packs add to stage zStage for system row sys
 * (borrowed): [{id, evidence_kind, max_age_days?, label, source}]. */
json_t *compliance_gate_requirements(const json_t *sys, const char *zStage);

/* A system's obligations: {system, jurisdictions, obligations: [{pack,
 * id, article, source, title{en,zh-CN}, why[], evidence_kind, gate,
 * status: met|missing|failing|stale|foreign|not_evidenced, detail, due,
 * overdue, verified}], counts}. */
int compliance_system(Db *db, const char *zName, json_t **ppOut, KeelError *e);
/* What a change of the system's flags would do, before it is saved:
 * {appear: [...], disappear: [...], stay: [ids]}; changes as PATCH. */
int compliance_preview(Db *db, const char *zName, const json_t *changes, json_t **ppOut,
                       KeelError *e);

/* Every open calendar item (overdue ones included), soonest first; with
 * days >= 0 only those due within that many days (and those without a
 * date): {items: [{id, system, obligation, pack, source, title, due,
 * overdue, reason, event, event_on}], today}. */
int compliance_calendar(Db *db, int days, json_t **ppOut, KeelError *e);
/* The calendar as iCalendar (RFC 5545) into b. */
int compliance_ics(Db *db, Buf *b, KeelError *e);

/* Record a change or an incident of a system {kind, occurred_on,
 * description}: the editors of the system. */
int compliance_event_add(Db *db, const Principal *who, const char *zName, json_t *in, int64_t *pId,
                         KeelError *e);

/* The Statement of Applicability: every Annex A control with its
 * decision (included, justification, implementation, owner), the
 * evidence keel holds for it, and what is still missing. */
int compliance_soa(Db *db, json_t **ppOut, KeelError *e);
/* Decide a control {included, justification, implementation?, owner_id?}
 * (admins, the committee, risk officers). */
int compliance_soa_put(Db *db, const Principal *who, const char *zControl, json_t *in,
                       KeelError *e);

/* The personal-data findings on data assets: purpose_outside (a link to
 * an initiative whose purpose the asset may not serve) and
 * undeclared_personal_data (a profiled sample holding personal data in
 * an asset not marked personal), each with asset_id, asset, message. */
int compliance_data_findings(Db *db, json_t **ppOut, KeelError *e);

/* The committee's view: systems x packs with met, missing and overdue
 * counts, the calendar's overdue and next-7-day items, and the
 * personal-data findings (compliance_data_findings). */
int compliance_overview(Db *db, json_t **ppOut, KeelError *e);

/* The demo's compliance section: scope flags of its systems, a change
 * across the National Day week, incidents, SoA decisions. */
int compliance_demo_load(Db *db, const json_t *doc, KeelError *e);

#endif
