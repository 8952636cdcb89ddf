/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 4's shared definitions beyond the generic CRUD: a
 * definition's departments, stances, versions and links with the names of
 * what they point at, the links of one KPI, initiative or data asset, and
 * the disputes the escalation looks at. Portable SQL only. */
#ifndef KEEL_STORE_DEFINITION_H
#define KEEL_STORE_DEFINITION_H
#include "store/db.h"
#include <jansson.h>

/* Departments that use definition id: [{id, unit_id, name}] by name. */
int store_definition_departments(Db *db, int64_t id, json_t **ppRows);
/* Every stance on definition id of version `version` (0: all versions):
 * [{id, version, unit_id, unit_name, person_id, person_name, stance,
 * reason, actor, created_at, updated_at}]. */
int store_definition_stances(Db *db, int64_t id, int64_t version, json_t **ppRows);
/* The id of department unitId's stance on a version (0 when none). */
int store_definition_stance_of(Db *db, int64_t id, int64_t version, int64_t unitId, int64_t *pId);
/* Versions [{id, version, note, actor, escalated_proposal_id, created_at}],
 * newest first; one version with its body (KEEL_ENOTFOUND). */
int store_definition_versions(Db *db, int64_t id, json_t **ppRows);
int store_definition_version(Db *db, int64_t id, int64_t version, json_t **ppRow);
/* Links of definition id (0: of every definition) with the name of what
 * they point at (null when it is gone): [{id, definition_id, entity,
 * entity_id, name, created_at}]. */
int store_definition_links(Db *db, int64_t id, json_t **ppRows);
/* The link of (entity, entity id) to definition id (0 when none). */
int store_definition_link_of(Db *db, int64_t id, const char *zEntity, int64_t entityId,
                             int64_t *pId);
/* Definitions linked to one entity: [{definition_id}]. */
int store_definition_links_to(Db *db, const char *zEntity, int64_t entityId, json_t **ppRows);
/* 1 when row id of zEntity's table exists (kpi, initiative, data_asset),
 * 0 when not, negative on error. */
int store_definition_entity_exists(Db *db, const char *zEntity, int64_t entityId);
/* Disputes of current versions made before zBefore (ISO time) on versions
 * not yet escalated: [{definition_id, name, version, version_id, unit_name,
 * person_name, reason, since}] oldest first (since: when disputed). */
int store_definition_disputes_before(Db *db, const char *zBefore, json_t **ppRows);

#endif
