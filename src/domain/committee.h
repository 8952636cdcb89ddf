/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: the AI committee. Its membership is a list of people (each with
 * an account that may vote; distinct from the `committee` role, which is
 * the permission to act for it) with one chair, and a quorum rule
 * (engine/tally.h: half, two_thirds or all of the eligible members, the
 * chair included or not, the chair's casting vote on a tie or not).
 * Proposals carry a typed action (approve_initiative, move_stage,
 * change_budget, pool_capacity, accept_risk, override_gate,
 * adopt_scenario) with a due date and evidence (given, and a snapshot of
 * the rules' view taken when proposed). Members vote for, against or
 * abstain with a comment; a member who declares a conflict of interest is
 * excluded from that vote. The vote is decided when every eligible member
 * has voted, or when the committee closes it: passed, rejected, or lapsed
 * without a quorum. A passed proposal executes its action through the same
 * domain functions as a direct request, as the committee; when the rules
 * refuse, the decision records the refusal and its reason and nothing
 * else changes. Every decision is in the log, with its votes.
 * The setting committee_direct_moves (default on) lets the committee role
 * (and admins) still move an initiative or override a gate in one request,
 * logged as a decision of one; when it is off such a request first meets
 * the domain rules, then is refused with 409 proposal_required. */
#ifndef KEEL_DOMAIN_COMMITTEE_H
#define KEEL_DOMAIN_COMMITTEE_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

extern const ResourceDef resource_committee_rule;
extern const ResourceDef resource_committee_member;
extern const ResourceDef resource_proposal;
extern const ResourceDef resource_proposal_vote;
extern const ResourceDef resource_proposal_conflict;
extern const ResourceDef resource_decision;
extern const char *const azActionType[];

/* {members, chair, rule: {quorum, chair_in_quorum, casting_vote},
 * direct_moves}. */
int committee_get(Db *db, json_t **ppOut);
/* Change the rule (admins): any of quorum, chair_in_quorum, casting_vote. */
int committee_rule_set(Db *db, const Principal *who, json_t *in, KeelError *e);
/* Members (admins): {person_id, chair?}; a person with an account that
 * may vote; making a member the chair unseats the previous one. */
int committee_member_add(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
int committee_member_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
int committee_member_remove(Db *db, const Principal *who, int64_t id, KeelError *e);

/* Propose {title, action_type, action: {...}, due_date, evidence?: [{kind,
 * ref?, note?}], note?}: owners for their own initiatives, the committee
 * and admins for anything. */
int proposal_create(Db *db, const Principal *who, const json_t *in, int64_t *pId, KeelError *e);
/* A proposal with its action, evidence, votes, conflicts, the count
 * (tally), its decision once decided and, for who, what the caller may do
 * (you: member, conflicted, vote, may_vote, may_close). */
int proposal_get(Db *db, const Principal *who, int64_t id, json_t **ppOut, KeelError *e);
/* Parse action and evidence of a listed proposal and add its tally. */
int proposal_decorate(Db *db, json_t *p);
/* Vote {vote: for|against|abstain, comment?} as the caller's person (a
 * member, not conflicted, while open; a second vote replaces the first).
 * The last eligible vote decides and executes. */
int proposal_vote(Db *db, const Principal *who, int64_t id, const json_t *in, KeelError *e);
/* Declare a conflict {reason} (the member; admins for {person_id}): the
 * member is excluded from the vote and any vote of theirs withdrawn. */
int proposal_conflict(Db *db, const Principal *who, int64_t id, const json_t *in, KeelError *e);
/* Close the vote now (the committee, admins): decide from the votes cast. */
int proposal_close(Db *db, const Principal *who, int64_t id, KeelError *e);

/* A decision with its action and tally parsed. */
int decision_decorate(Db *db, json_t *d);

/* For a request of the committee role or an admin that is a committee
 * decision (an initiative's move, a gate override), after the domain rules
 * have passed: 0 when it may go ahead (the setting is on, the caller is
 * the CLI's operator or a passed proposal), else 409 proposal_required. */
int committee_direct_check(Db *db, const Principal *who, const char *zActionType, KeelError *e);
/* Log that decision as a decision of one (inside the caller's
 * transaction; nothing for proposals, which log their own). */
int committee_direct_record(Db *db, const Principal *who, const char *zActionType,
                            const json_t *action, int64_t initiativeId, const char *zReason);

#endif
