/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of the human-override switch: the flips of each system (the latest
 * is its state; a system without one is off), the change counter other
 * servers poll, and switch tests. Portable SQL only (SQLite and
 * PostgreSQL). */
#ifndef KEEL_STORE_SWITCH_H
#define KEEL_STORE_SWITCH_H
#include "store/db.h"
#include "store/store_audit.h"
#include <jansson.h>

#define SWITCH_CHANNEL "switch" /* the change counter a flip bumps (store_cluster.h) */

/* The change counters: the switch channel's (every flip bumps it) and the
 * highest system id (a registration adds a switch too), two indexed
 * lookups. */
int store_switch_counter(Db *db, int64_t *pFlips, int64_t *pSystems);
/* Every system (id, name) with its latest flip's state, percent,
 * fallback, version (NULL columns when never flipped), by name. */
int store_switch_all(Db *db, json_t **ppRows);
/* The latest flip of system systemId (row or NULL *ppRow). */
int store_switch_latest(Db *db, int64_t systemId, json_t **ppRow);
/* Append a flip (audited); *pId gets its id. Run inside a transaction. */
int store_switch_flip(Db *db, const Actor *actor, int64_t systemId, int64_t version,
                      const char *zState, int64_t percent, const char *zFallback,
                      const char *zReason, const char *zCause, int64_t *pId);
/* Flips of a system, newest first (at most limit). */
int store_switch_history(Db *db, int64_t systemId, int64_t limit, json_t **ppRows);
/* Record a switch test (audited). */
int store_switch_test_add(Db *db, const Actor *actor, int64_t systemId, const char *zResult,
                          const char *zEnvironment, const char *zNote, int64_t *pId);
/* Switch tests of a system, newest first. */
int store_switch_tests(Db *db, int64_t systemId, json_t **ppRows);

#endif
