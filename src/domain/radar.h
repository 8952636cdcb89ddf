/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 5: the technology radar. Each technology (large language models,
 * vector search, ...) has a key, a quadrant (techniques, models,
 * platforms, tools), a ring (adopt, trial, assess, hold), a rationale, an
 * owner and a fit per business unit (high, medium, low, none). The ring
 * changes only by a move, kept with its date and reason (the first move
 * puts it on the radar); a move to the ring it is in, in the future or
 * without a reason is refused. The radar lists the moves of the current
 * quarter, and the quarterly review those of its quarter. */
#ifndef KEEL_DOMAIN_RADAR_H
#define KEEL_DOMAIN_RADAR_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

extern const ResourceDef resource_technology;

/* Add {key, name, quadrant, ring, rationale, owner_id?, moved_on?,
 * reason?} (the committee, admins, engineers). */
int radar_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
/* Change name, quadrant, rationale or owner (not the ring). */
int radar_update(Db *db, const Principal *who, const char *zKey, json_t *in, KeelError *e);
/* Move {ring, reason, moved_on?}. */
int radar_move(Db *db, const Principal *who, const char *zKey, const json_t *in, KeelError *e);
/* Fit for a unit {unit_id, fit, note?}. */
int radar_fit(Db *db, const Principal *who, const char *zKey, const json_t *in, KeelError *e);
/* The radar {technologies: [{..., fit, moves}], moves_this_quarter,
 * quarter, quadrants, rings}; zQuarter NULL: the current one. */
int radar_get(Db *db, const char *zQuarter, json_t **ppOut);
/* One technology with its fit and every move; KEEL_ENOTFOUND. */
int radar_get_one(Db *db, const char *zKey, json_t **ppOut, KeelError *e);
/* The moves dated within months [first, last] (month indexes). */
int radar_moves_between(Db *db, int firstMonth, int lastMonth, json_t **ppOut);

#endif
