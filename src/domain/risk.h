/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 3: the risk register. A risk belongs to an initiative or a system,
 * has a category, likelihood and impact (1-5), an owner, a mitigation
 * with its due date, a status, the residual likelihood and impact after
 * mitigation and optionally the evidence that shows the mitigation works.
 * Overdue mitigations are findings; the 5x5 heatmap counts risks per cell
 * (inherent and residual) with their ids. */
#ifndef KEEL_DOMAIN_RISK_H
#define KEEL_DOMAIN_RISK_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

extern const ResourceDef resource_risk;

/* Create / change a risk (risk officers, the committee, admins; owners
 * for their own initiatives' risks). Checks: an initiative or a system,
 * residual no worse than inherent. */
int risk_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
int risk_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);

/* Add computed fields to a risk row (borrowed): score, residual_score,
 * overdue. */
void risk_decorate(json_t *risk, const char *zToday);

/* The heatmap: {inherent: 5x5 [likelihood-1][impact-1] {count, ids},
 * residual: the same, findings: overdue mitigations, total}. */
int risk_heatmap(Db *db, json_t **ppOut);

#endif
