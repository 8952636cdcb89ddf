/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 4's shared definitions; see store_definition.h. */
#include "store/store_definition.h"
#include "util/err.h"
#include <string.h>

int store_definition_departments(Db *db, int64_t id, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT d.id, d.unit_id, u.name FROM definition_department d JOIN unit u "
                          "ON u.id = d.unit_id WHERE d.definition_id = ? ORDER BY u.name, d.id",
                          "i", id);
}

int store_definition_stances(Db *db, int64_t id, int64_t version, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT s.id, s.version, s.unit_id, u.name AS unit_name, s.person_id, "
                          "p.name AS person_name, s.stance, s.reason, s.actor, s.created_at, "
                          "s.updated_at FROM definition_signature s JOIN unit u ON u.id = "
                          "s.unit_id JOIN person p ON p.id = s.person_id WHERE s.definition_id = ? "
                          "AND (? = 0 OR s.version = ?) ORDER BY s.version DESC, u.name, s.id",
                          "iii", id, version, version);
}

int store_definition_stance_of(Db *db, int64_t id, int64_t version, int64_t unitId, int64_t *pId) {
    return db_query_int_or0(db, pId,
                            "SELECT id FROM definition_signature WHERE definition_id = ? AND "
                            "version = ? AND unit_id = ?",
                            "iii", id, version, unitId);
}

int store_definition_versions(Db *db, int64_t id, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, version, note, actor, escalated_proposal_id, created_at FROM "
                          "definition_version WHERE definition_id = ? ORDER BY version DESC",
                          "i", id);
}

int store_definition_version(Db *db, int64_t id, int64_t version, json_t **ppRow) {
    return db_select_json_row(db, ppRow,
                              "SELECT id, version, body, note, actor, escalated_proposal_id, "
                              "created_at FROM definition_version WHERE definition_id = ? AND "
                              "version = ?",
                              "ii", id, version);
}

int store_definition_links(Db *db, int64_t id, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT l.id, l.definition_id, l.entity, l.entity_id, COALESCE(k.name, i.title, a.name) "
        "AS name, l.created_at FROM definition_link l LEFT JOIN kpi k ON l.entity = 'kpi' AND "
        "k.id = l.entity_id LEFT JOIN initiative i ON l.entity = 'initiative' AND i.id = "
        "l.entity_id LEFT JOIN data_asset a ON l.entity = 'data_asset' AND a.id = l.entity_id "
        "WHERE ? = 0 OR l.definition_id = ? ORDER BY l.definition_id, l.entity, l.entity_id",
        "ii", id, id);
}

int store_definition_link_of(Db *db, int64_t id, const char *zEntity, int64_t entityId,
                             int64_t *pId) {
    return db_query_int_or0(db, pId,
                            "SELECT id FROM definition_link WHERE definition_id = ? AND entity = ? "
                            "AND entity_id = ?",
                            "iti", id, zEntity, entityId);
}

int store_definition_links_to(Db *db, const char *zEntity, int64_t entityId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT definition_id FROM definition_link WHERE entity = ? AND "
                          "entity_id = ? ORDER BY definition_id",
                          "ti", zEntity, entityId);
}

int store_definition_entity_exists(Db *db, const char *zEntity, int64_t entityId) {
    const char *zSql = strcmp(zEntity, "kpi") == 0 ? "SELECT count(*) FROM kpi WHERE id = ?"
                       : strcmp(zEntity, "initiative") == 0
                           ? "SELECT count(*) FROM initiative WHERE id = ?"
                           : "SELECT count(*) FROM data_asset WHERE id = ?";
    int64_t n = 0;
    int rc = db_query_int(db, &n, zSql, "i", entityId);
    return rc ? rc : n > 0;
}

int store_definition_disputes_before(Db *db, const char *zBefore, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT d.id AS definition_id, d.name, d.version, v.id AS version_id, u.name AS "
        "unit_name, p.name AS person_name, s.reason, s.created_at AS since FROM definition d JOIN "
        "definition_version v ON v.definition_id = d.id AND v.version = d.version JOIN "
        "definition_signature s ON s.definition_id = d.id AND s.version = d.version JOIN unit u "
        "ON u.id = s.unit_id JOIN person p ON p.id = s.person_id WHERE s.stance = 'disputed' AND "
        "s.created_at < ? AND v.escalated_proposal_id IS NULL ORDER BY s.created_at, s.id",
        "t", zBefore);
}
