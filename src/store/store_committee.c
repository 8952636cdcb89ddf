/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 4's committee; see store_committee.h. */
#include "store/store_committee.h"
#include "util/err.h"
#include "util/timeutil.h"
#include <stdio.h>

int store_committee_members(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT m.id, m.person_id, p.name, p.unit_id, u.name AS unit_name, "
                          "m.chair, m.created_at FROM committee_member m JOIN person p ON p.id = "
                          "m.person_id LEFT JOIN unit u ON u.id = p.unit_id ORDER BY m.chair DESC, "
                          "p.name, m.id",
                          "");
}

int store_person_voting_accounts(Db *db, int64_t personId, int64_t *pn) {
    return db_query_int(db, pn,
                        "SELECT count(*) FROM account WHERE person_id = ? AND disabled = 0 AND "
                        "role <> 'viewer'",
                        "i", personId);
}

int store_proposal_votes(Db *db, int64_t proposalId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT v.id, v.person_id, p.name, v.vote, v.comment, v.actor, "
                          "v.created_at FROM proposal_vote v JOIN person p ON p.id = v.person_id "
                          "WHERE v.proposal_id = ? ORDER BY p.name, v.id",
                          "i", proposalId);
}

int store_proposal_conflicts(Db *db, int64_t proposalId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT c.id, c.person_id, p.name, c.reason, c.actor, c.created_at FROM "
                          "proposal_conflict c JOIN person p ON p.id = c.person_id WHERE "
                          "c.proposal_id = ? ORDER BY p.name, c.id",
                          "i", proposalId);
}

int store_proposal_entry(Db *db, int64_t proposalId, int64_t personId, int bConflict,
                         int64_t *pId) {
    return db_query_int_or0(db, pId,
                            bConflict
                                ? "SELECT id FROM proposal_conflict WHERE proposal_id = ? AND "
                                  "person_id = ?"
                                : "SELECT id FROM proposal_vote WHERE proposal_id = ? AND "
                                  "person_id = ?",
                            "ii", proposalId, personId);
}

int store_decisions_of_initiative(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, proposal_id, kind, action_type, outcome, execution, "
                          "execution_code, reason, actor, created_at FROM decision WHERE "
                          "initiative_id = ? ORDER BY id DESC",
                          "i", initiativeId);
}

int store_decision_of_proposal(Db *db, int64_t proposalId, int64_t *pId) {
    return db_query_int_or0(db, pId, "SELECT max(id) FROM decision WHERE proposal_id = ?", "i",
                            proposalId);
}

/* ---- agenda and meetings ---- */

int store_proposals_open(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, title, action_type, due_date, initiative_id FROM proposal "
                          "WHERE status = 'open' ORDER BY due_date, id",
                          "");
}

int store_initiatives_in_gated_stages(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, title, stage FROM initiative WHERE stage IN ('approved', "
                          "'pilot', 'scaling') ORDER BY id",
                          "");
}

int store_meeting_previous(Db *db, int64_t id, const char *zHeldOn, char *z, size_t n) {
    json_t *row;
    int rc = db_select_json_row(db, &row,
                                "SELECT held_on FROM meeting WHERE held_on < ? AND id <> ? ORDER "
                                "BY held_on DESC LIMIT 1",
                                "ti", zHeldOn, id);
    if (rc && rc != KEEL_ENOTFOUND) return rc;
    const char *zPrev = json_string_value(json_object_get(row, "held_on"));
    snprintf(z, n, "%s", zPrev ? zPrev : "");
    json_decref(row);
    return 0;
}

int store_decisions_between(Db *db, const char *zFrom, const char *zTo, json_t **ppRows) {
    /* dates as the day's end: "2026-12-07T24" sorts after every time of that day */
    char zA[40], zB[40];
    snprintf(zA, sizeof zA, "%s%s", zFrom && *zFrom ? zFrom : "0000-00-00", "T24");
    snprintf(zB, sizeof zB, "%sT24", zTo);
    return db_select_json(db, ppRows,
                          "SELECT * FROM decision WHERE created_at > ? AND created_at < ? ORDER BY "
                          "id",
                          "tt", zA, zB);
}

/* ---- pilots and rollouts ---- */

int store_unit_value_put(Db *db, const Actor *actor, int64_t kpiId, int64_t unitId,
                         const char *zPeriod, double value, const char *zNote) {
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    int64_t id = 0;
    int rc = db_query_int(db, &id,
                          "SELECT id FROM kpi_unit_value WHERE kpi_id = ? AND org_unit_id = ? AND "
                          "period = ?",
                          "iit", kpiId, unitId, zPeriod);
    if (rc && rc != KEEL_ENOTFOUND) return rc;
    if (id)
        rc =
            db_run(db, "UPDATE kpi_unit_value SET value = ?, note = ?, updated_at = ? WHERE id = ?",
                   "dtti", value, zNote, zNow, id);
    else
        rc = db_insert(db, &id,
                       "INSERT INTO kpi_unit_value(kpi_id, org_unit_id, period, value, note, "
                       "created_at, updated_at) VALUES(?,?,?,?,?,?,?)",
                       "iitdttt", kpiId, unitId, zPeriod, value, zNote, zNow, zNow);
    if (rc) return rc;
    json_t *after = json_pack("{sI sI ss sf}", "kpi_id", (json_int_t)kpiId, "org_unit_id",
                              (json_int_t)unitId, "period", zPeriod, "value", value);
    rc = store_audit_append(db, actor, "put", "kpi_unit_value", id, NULL, after);
    json_decref(after);
    return rc;
}

int store_unit_values(Db *db, int64_t kpiId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT v.id, v.org_unit_id, u.name AS unit_name, v.period, v.value, "
                          "v.note FROM kpi_unit_value v JOIN unit u ON u.id = v.org_unit_id WHERE "
                          "v.kpi_id = ? ORDER BY v.org_unit_id, v.period",
                          "i", kpiId);
}

int store_pilot_of(Db *db, int64_t initiativeId, int64_t *pId) {
    return db_query_int_or0(db, pId, "SELECT id FROM pilot WHERE initiative_id = ?", "i",
                            initiativeId);
}

int store_rollouts_of(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT r.*, u.name AS unit_name FROM rollout r JOIN unit u ON u.id = "
        "r.org_unit_id WHERE r.initiative_id = ? ORDER BY coalesce(r.planned_start, "
        "'9999-12-31'), r.id",
        "i", initiativeId);
}
