/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 4's committee beyond the generic CRUD: the members with
 * their names and units, the votes and declared conflicts of a proposal
 * with the members' names, a member's own vote, and the decisions of an
 * initiative. Portable SQL only (SQLite and PostgreSQL). */
#ifndef KEEL_STORE_COMMITTEE_H
#define KEEL_STORE_COMMITTEE_H
#include "store/db.h"
#include "store/store_audit.h"
#include <jansson.h>

/* Members: [{id, person_id, name, unit_id, unit_name, chair}], the chair
 * first, then by name. */
int store_committee_members(Db *db, json_t **ppRows);
/* Accounts that may act for person personId (enabled, not viewers). */
int store_person_voting_accounts(Db *db, int64_t personId, int64_t *pn);
/* Votes of a proposal [{id, person_id, name, vote, comment, actor,
 * created_at}] and its conflicts [{id, person_id, name, reason, actor,
 * created_at}], by name. */
int store_proposal_votes(Db *db, int64_t proposalId, json_t **ppRows);
int store_proposal_conflicts(Db *db, int64_t proposalId, json_t **ppRows);
/* The id of person personId's vote (or conflict when bConflict) on a
 * proposal, 0 when none. */
int store_proposal_entry(Db *db, int64_t proposalId, int64_t personId, int bConflict, int64_t *pId);
/* Decisions concerning an initiative, newest first. */
int store_decisions_of_initiative(Db *db, int64_t initiativeId, json_t **ppRows);
/* The decision taken on a proposal (0 when none). */
int store_decision_of_proposal(Db *db, int64_t proposalId, int64_t *pId);

/* The agenda's sources: open proposals (by due date) and initiatives in
 * a stage whose next move has a gate. */
int store_proposals_open(Db *db, json_t **ppRows);
int store_initiatives_in_gated_stages(Db *db, json_t **ppRows);
/* The date of the meeting before zHeldOn (other than id) into z, "" when
 * none. */
int store_meeting_previous(Db *db, int64_t id, const char *zHeldOn, char *z, size_t n);
/* Decisions taken after day zFrom ("" or NULL: from the start) up to and
 * including day zTo. */
int store_decisions_between(Db *db, const char *zFrom, const char *zTo, json_t **ppRows);

/* A KPI's reading in one unit and period (replaced when there; audited). */
int store_unit_value_put(Db *db, const Actor *actor, int64_t kpiId, int64_t unitId,
                         const char *zPeriod, double value, const char *zNote);
/* Every unit reading of a KPI [{id, org_unit_id, unit_name, period, value, note}]. */
int store_unit_values(Db *db, int64_t kpiId, json_t **ppRows);
/* The pilot of an initiative (0 when none) and its rollouts with the
 * units' names. */
int store_pilot_of(Db *db, int64_t initiativeId, int64_t *pId);
int store_rollouts_of(Db *db, int64_t initiativeId, json_t **ppRows);

#endif
