/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of compliance; see store_compliance.h. */
#include "store/store_compliance.h"
#include "util/err.h"

int store_compliance_dates(Db *db, int64_t systemId, json_t **ppRow) {
    return db_select_json_row(
        db, ppRow,
        "SELECT (SELECT substr(min(created_at), 1, 10) FROM system_stage_change WHERE system_id = "
        "? "
        "AND to_stage = 'launch') AS launch_on, "
        "(SELECT substr(max(created_at), 1, 10) FROM system_stage_change WHERE system_id = ? AND "
        "to_stage = 'retired') AS retired_on, "
        "(SELECT max(occurred_on) FROM compliance_event WHERE system_id = ? AND kind = 'change') "
        "AS change_on, "
        "(SELECT max(occurred_on) FROM compliance_event WHERE system_id = ? AND kind = "
        "'incident') AS incident_on",
        "iiii", systemId, systemId, systemId, systemId);
}

int store_compliance_evidence_since(Db *db, int64_t systemId, const char *zKind, const char *zSince,
                                    int64_t *pn) {
    return db_query_int(db, pn,
                        "SELECT count(*) FROM evidence WHERE system_id = ? AND kind = ? AND "
                        "substr(created_at, 1, 10) >= ?",
                        "itt", systemId, zKind, zSince);
}

int store_compliance_systems(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows, "SELECT * FROM ai_system ORDER BY name", "");
}

int store_soa_all(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT s.*, p.name AS owner_name FROM soa_entry s LEFT JOIN person p "
                          "ON p.id = s.owner_id ORDER BY s.control",
                          "");
}

int store_soa_id(Db *db, const char *zControl, int64_t *pId) {
    return db_query_int(db, pId, "SELECT id FROM soa_entry WHERE control = ?", "t", zControl);
}

int store_compliance_assets(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows, "SELECT * FROM data_asset ORDER BY name", "");
}

int store_compliance_risks(Db *db, int64_t systemId, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT r.*, p.name AS owner_name FROM risk r LEFT JOIN person p ON p.id "
                          "= r.owner_id WHERE r.system_id = ? OR r.initiative_id = ? ORDER BY r.id",
                          "ii", systemId, initiativeId);
}

int store_compliance_events(Db *db, int64_t systemId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT kind, occurred_on, description FROM compliance_event WHERE "
                          "system_id = ? ORDER BY occurred_on, id",
                          "i", systemId);
}
