/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Initiatives (domain/initiative.c): create and change under the owner
 * rule, the stage machine, links to KPIs, the charter with its versions
 * and sign-offs, and what a caller may do with one initiative. The
 * resource definition and the stage vocabulary are alignment.h's. */
#ifndef KEEL_DOMAIN_INITIATIVE_H
#define KEEL_DOMAIN_INITIATIVE_H
#include "domain/alignment.h"

int initiative_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
/* Add link_count and aligned to an initiative object (borrowed). */
int initiative_decorate(Db *db, json_t *init);
/* The same, recording the catalogue entry it was derived from (trusted
 * callers only: catalogue_key is read-only for clients). */
int initiative_create_from(Db *db, const Principal *who, json_t *in, const char *zCatalogueKey,
                           int64_t *pId, KeelError *e);
int initiative_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
/* Initiative with its links, sign-off status, allowed transitions and,
 * when who is given, what that caller may do ("you": may_edit,
 * transitions, may_sign). */
int initiative_get(Db *db, const Principal *who, int64_t id, json_t **ppOut);
int initiative_transition(Db *db, const Principal *who, int64_t id, const json_t *in, KeelError *e);
/* The refusal a data rule would give now to moving initiative id to zTo
 * (KEEL_ECONFLICT with e's code unaligned, signoffs_missing or
 * gate_refused), 0 when none refuses it. Neither the stage machine nor
 * the caller's rights are checked. */
int initiative_move_blocker(Db *db, int64_t id, const char *zTo, KeelError *e);
int initiative_link_create(Db *db, const Principal *who, int64_t initiativeId, json_t *in,
                           int64_t *pId, KeelError *e);
int initiative_link_update(Db *db, const Principal *who, int64_t initiativeId, int64_t linkId,
                           json_t *in, KeelError *e);
int initiative_link_delete(Db *db, const Principal *who, int64_t initiativeId, int64_t linkId,
                           KeelError *e);
/* The current charter, its version and sign-off status, and past versions. */
int initiative_charter_get(Db *db, int64_t initiativeId, json_t **ppOut);
/* Sign the current charter version as sponsor, owner or ai_lead. */
int initiative_signoff(Db *db, const Principal *who, int64_t initiativeId, const json_t *in,
                       KeelError *e);
#endif
