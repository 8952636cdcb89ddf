/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 4's committee; see store_committee.h. */
#include "store/store_committee.h"
#include "util/err.h"

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
    *pId = 0;
    int rc = db_query_int(db, pId,
                          bConflict ? "SELECT id FROM proposal_conflict WHERE proposal_id = ? AND "
                                      "person_id = ?"
                                    : "SELECT id FROM proposal_vote WHERE proposal_id = ? AND "
                                      "person_id = ?",
                          "ii", proposalId, personId);
    return rc == KEEL_ENOTFOUND ? 0 : rc;
}

int store_decisions_of_initiative(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, proposal_id, kind, action_type, outcome, execution, "
                          "execution_code, reason, actor, created_at FROM decision WHERE "
                          "initiative_id = ? ORDER BY id DESC",
                          "i", initiativeId);
}

int store_decision_of_proposal(Db *db, int64_t proposalId, int64_t *pId) {
    *pId = 0;
    int rc = db_query_int(db, pId, "SELECT max(id) FROM decision WHERE proposal_id = ?", "i",
                          proposalId);
    return rc == KEEL_ENOTFOUND ? 0 : rc;
}
