/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo enterprise: a realistic organisation loaded through the same
 * validation, rules and audit as the API, so the demo shows every check
 * working. Later paths add their sections to data/demo.json. */
#ifndef KEEL_DOMAIN_DEMO_H
#define KEEL_DOMAIN_DEMO_H
#include "store/db.h"
#include "store/store_audit.h"
#include "util/err.h"
#include <jansson.h>
#include <stdint.h>

/* The demo document embedded in the binary (data/demo.json). */
extern const unsigned char demo_enterprise_json[];
extern const unsigned int demo_enterprise_json_len;

/* Load doc into db in one transaction; every account gets zPassword; seed
 * makes the generated actuals and scores reproducible.
 * Refuses (KEEL_ECONFLICT) a database that already holds units or people.
 * On error nothing is kept and e says which entry failed. */
int demo_load(Db *db, const Actor *actor, const json_t *doc, const char *zPassword, uint64_t seed,
              KeelError *e);

/* A file the demo ships (data/demo/<zName>, embedded), or NULL. */
const char *demo_file(const char *zName, size_t *pn);
/* The demo's path 3 section ("risk"): see risk_demo.c. */
int risk_demo_load(Db *db, const json_t *doc, KeelError *e);

/* The demo's production data (domain/production_demo.c): six months of
 * events for product-recs and maintenance-model through the intake (into
 * the scratch event log zEventsDir, which the caller removes after: the
 * database is left needing no log), baselines, findings, alert rules, a
 * webhook and a switch trip. After demo_load, on the same database. */
int production_demo_load(Db *db, const char *zEventsDir, uint64_t seed, KeelError *e);
/* Path 5 (iteration_demo.c): the radar, the retraining loop, realised value, reviews. */
int iteration_demo_load(Db *db, const json_t *doc, KeelError *e);
/* The demo's path 4 section ("collaboration"): see collab_demo.c. */
int collab_demo_load(Db *db, const json_t *doc, KeelError *e);
/* The principal of the demo account zEmail (KEEL_ENOTFOUND naming it). */
struct Principal;
int demo_as(Db *db, const char *zEmail, struct Principal *p, KeelError *e);
/* rc, with e's message prefixed "demo SECTION: " when it does not say
 * demo yet. */
int demo_section_error(int rc, KeelError *e, const char *zSection);
/* The shared definitions section (domain/definition_demo.c). */
int definition_demo_load(Db *db, const json_t *doc, KeelError *e);
/* The schedules section (domain/slip_demo.c). */
int slip_demo_load(Db *db, const json_t *doc, KeelError *e);

#endif
