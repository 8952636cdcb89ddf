/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of compliance (issue 25): the dates that start a system's deadlines
 * (launch, retirement, the latest change and incident), evidence of a kind
 * added since a date, every system row, the Statement of Applicability.
 * Portable SQL only. */
#ifndef KEEL_STORE_COMPLIANCE_H
#define KEEL_STORE_COMPLIANCE_H
#include "store/db.h"
#include <jansson.h>

/* {launch_on, retired_on, change_on, incident_on} of a system (dates
 * YYYY-MM-DD or null): the first move of any version into launch, the
 * latest into retired, the latest change and incident events. */
int store_compliance_dates(Db *db, int64_t systemId, json_t **ppRow);
/* How many evidence rows of kind the system has created on or after
 * zSince (a date). */
int store_compliance_evidence_since(Db *db, int64_t systemId, const char *zKind, const char *zSince,
                                    int64_t *pn);
/* Every system row (as stored), by name. */
int store_compliance_systems(Db *db, json_t **ppRows);
/* The Statement of Applicability rows, by control. */
int store_soa_all(Db *db, json_t **ppRows);
/* The id of the SoA row of a control (KEEL_ENOTFOUND when none). */
int store_soa_id(Db *db, const char *zControl, int64_t *pId);
/* Every data asset row (as stored), by name. */
int store_compliance_assets(Db *db, json_t **ppRows);
/* The risks of a system or of its initiative, with the owner's name. */
int store_compliance_risks(Db *db, int64_t systemId, int64_t initiativeId, json_t **ppRows);
/* The change and incident events of a system {kind, occurred_on,
 * description}, oldest first. */
int store_compliance_events(Db *db, int64_t systemId, json_t **ppRows);

#endif
