/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 4's training (issue 21, item 7) beyond the generic CRUD: the
 * people with their units and skills, the units' tree, the completions and
 * sessions of programmes, the initiatives' teams and AI systems. Portable
 * SQL only (SQLite and PostgreSQL). */
#ifndef KEEL_STORE_TRAINING_H
#define KEEL_STORE_TRAINING_H
#include "store/db.h"
#include <jansson.h>

/* Programmes by name [{id, name, kind, target_pct, required_for_all,
 * required_tiers (",high,"), system_id, system_name}]. */
int store_training_programmes(Db *db, json_t **ppRows);
/* People [{id, name, unit_id, skills (",a,b,"), capacity_fte}] by id. */
int store_training_people(Db *db, json_t **ppRows);
/* Units [{id, name, kind, parent_id}] by id. */
int store_training_units(Db *db, json_t **ppRows);
/* Completions [{id, programme_id, person_id, person_name, unit_id,
 * session_id, completed_on, note}] of programme id (0: of every one). */
int store_training_completions(Db *db, int64_t programmeId, json_t **ppRows);
/* Sessions of programme id by date [{id, held_on, trainer, location,
 * note, completions}]. */
int store_training_sessions(Db *db, int64_t programmeId, json_t **ppRows);
/* Team members of initiatives [{initiative_id, title, stage, person_id,
 * person_name, skill, fte}] by initiative and name. */
int store_training_teams(Db *db, json_t **ppRows);
/* AI systems [{id, name, initiative_id, risk_tier}] by id. */
int store_training_systems(Db *db, json_t **ppRows);

#endif
