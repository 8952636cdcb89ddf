/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The use-case catalogue: pain point x industry -> typical AI scenarios,
 * each with the KPI templates it usually moves and the data it usually
 * needs (data/catalogue.json, embedded). Owners derive initiatives
 * backwards from needs: creating an initiative from an entry pre-fills it
 * and proposes links to the organisation's KPIs that instantiate the
 * entry's templates (kpi.template), with drafts for the missing KPIs. */
#ifndef KEEL_DOMAIN_CATALOGUE_H
#define KEEL_DOMAIN_CATALOGUE_H
#include "domain/auth.h"
#include "store/db.h"
#include <jansson.h>

extern const unsigned char catalogue_json[];
extern const unsigned int catalogue_json_len;

/* Entries matching the filters (NULL: any), each with its templates
 * expanded; a new array. KEEL_EINVAL for an unknown pain point or industry
 * (e names the field). */
int catalogue_find(const char *zPain, const char *zIndustry, json_t **ppOut, KeelError *e);
/* Create an initiative from entry "key" of body in ({key, title?, unit_id?,
 * sponsor_id?, owner_id?, ai_lead_id?}); *ppOut gets {initiative,
 * proposed_links, kpi_drafts}. */
int catalogue_instantiate(Db *db, const Principal *who, json_t *in, json_t **ppOut, KeelError *e);

#endif
