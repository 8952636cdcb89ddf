/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AI committee: members, the quorum rule, proposals, votes, conflicts,
 * execution through the domain rules and the decision log; see
 * committee.h. */
#include "domain/committee.h"
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "domain/definition.h"
#include "domain/gate.h"
#include "domain/initiative.h"
#include "domain/org.h"
#include "domain/pilot.h"
#include "domain/risk.h"
#include "domain/system.h"
#include "engine/tally.h"
#include "store/store_committee.h"
#include "store/store_crud.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *const azActionType[] = {
    "approve_initiative", "move_stage",     "change_budget",    "pool_capacity",      "accept_risk",
    "override_gate",      "adopt_scenario", "override_rollout", "resolve_definition", NULL};
static const char *const azProposalStatus[] = {"open", "passed", "rejected", "lapsed", NULL};
static const char *const azDecisionKind[] = {"vote", "direct", NULL};
static const char *const azOutcome[] = {"passed", "rejected", "no_quorum", "direct", NULL};
static const char *const azExecution[] = {"executed", "refused", "recorded", "none", NULL};
static const char *const azProposalEvidence[] = {"finding",  "analysis", "plan", "gate",
                                                 "document", "note",     NULL};

static const FieldDef aRuleField[] = {
    {"id", FT_INT, F_READONLY, 1, 1, NULL, NULL, "always 1"},
    {"quorum", FT_ENUM, 0, 0, 0, tally_quorum_names, NULL,
     "how many eligible members must vote: half (more than half), two_thirds or all"},
    {"chair_in_quorum", FT_BOOL, 0, 0, 0, NULL, NULL, "the quorum needs the chair's vote"},
    {"casting_vote", FT_BOOL, 0, 0, 0, NULL, NULL, "the chair's vote breaks a tie"},
    {"updated_at", FT_TIME, F_READONLY, 0, 0, NULL, NULL, "when it last changed"},
};
const ResourceDef resource_committee_rule =
    RESOURCE("committee_rule", "committee_rule", aRuleField);

static const FieldDef aMemberField[] = {
    ID_FIELD,
    {"person_id", FT_REF, F_REQUIRED | F_UNIQUE | F_FILTER, 1, 9e15, NULL, "person",
     "the member (a person with an account that may vote)"},
    {"chair", FT_BOOL, 0, 0, 0, NULL, NULL, "the chair (one at most; the CEO or COO)"},
    TIMES,
};
const ResourceDef resource_committee_member =
    RESOURCE("committee_member", "committee_member", aMemberField);

static const FieldDef aProposalField[] = {
    ID_FIELD,
    {"title", FT_TEXT, F_REQUIRED | F_SORT, 1, 300, NULL, NULL, "what the committee decides"},
    {"action_type", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azActionType, NULL,
     "approve_initiative, move_stage, change_budget, pool_capacity, accept_risk, override_gate, "
     "adopt_scenario, override_rollout or resolve_definition"},
    {"action", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "the action's parameters (an object)"},
    {"initiative_id", FT_REF, F_READONLY | F_NULLABLE | F_FILTER, 1, 9e15, NULL, "initiative",
     "the initiative it concerns"},
    {"due_date", FT_DATE, F_REQUIRED | F_SORT, 0, 0, NULL, NULL, "when the vote is due"},
    {"evidence", FT_TEXT, F_READONLY, 0, 0, NULL, NULL,
     "evidence given and the rules' view when proposed"},
    {"note", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL, "the case for it"},
    {"status", FT_ENUM, F_READONLY | F_FILTER | F_SORT, 0, 0, azProposalStatus, NULL,
     "open, passed, rejected or lapsed"},
    {"created_by", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who proposed it"},
    {"decided_at", FT_TIME, F_READONLY | F_NULLABLE | F_SORT, 0, 0, NULL, NULL, "when decided"},
    TIMES,
};
const ResourceDef resource_proposal = RESOURCE("proposal", "proposal", aProposalField);

static const FieldDef aVoteField[] = {
    ID_FIELD,
    {"proposal_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "proposal", "the proposal"},
    {"person_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "person", "the member"},
    {"vote", FT_ENUM, F_REQUIRED, 0, 0, tally_vote_names, NULL, "for, against or abstain"},
    {"comment", FT_TEXT, F_NULLABLE, 0, 2000, NULL, NULL, "why"},
    {"actor", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who cast it"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when"},
};
const ResourceDef resource_proposal_vote = RESOURCE("proposal_vote", "proposal_vote", aVoteField);

static const FieldDef aConflictField[] = {
    ID_FIELD,
    {"proposal_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "proposal", "the proposal"},
    {"person_id", FT_REF, F_NULLABLE, 1, 9e15, NULL, "person",
     "the member (admins declare for another member)"},
    {"reason", FT_TEXT, F_REQUIRED, 5, 2000, NULL, NULL, "the interest declared"},
    {"actor", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who declared it"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when"},
};
const ResourceDef resource_proposal_conflict =
    RESOURCE("proposal_conflict", "proposal_conflict", aConflictField);

static const FieldDef aDecisionField[] = {
    ID_FIELD,
    {"proposal_id", FT_REF, F_READONLY | F_NULLABLE | F_FILTER, 1, 9e15, NULL, "proposal",
     "the proposal voted on (null: a direct decision of one)"},
    {"kind", FT_ENUM, F_READONLY | F_FILTER, 0, 0, azDecisionKind, NULL, "vote or direct"},
    {"action_type", FT_ENUM, F_READONLY | F_FILTER, 0, 0, azActionType, NULL, "the action"},
    {"action", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "its parameters"},
    {"initiative_id", FT_REF, F_READONLY | F_NULLABLE | F_FILTER, 1, 9e15, NULL, "initiative",
     "the initiative it concerns"},
    {"outcome", FT_ENUM, F_READONLY | F_FILTER, 0, 0, azOutcome, NULL,
     "passed, rejected, no_quorum or direct"},
    {"tally", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "the count and the votes"},
    {"execution", FT_ENUM, F_READONLY | F_FILTER, 0, 0, azExecution, NULL,
     "executed, refused (by the rules), recorded (nothing to run) or none"},
    {"execution_code", FT_TEXT, F_READONLY | F_NULLABLE, 0, 0, NULL, NULL, "the rule that refused"},
    {"execution_message", FT_TEXT, F_READONLY | F_NULLABLE, 0, 0, NULL, NULL, "why"},
    {"reason", FT_TEXT, F_READONLY | F_NULLABLE, 0, 0, NULL, NULL, "the reason given"},
    {"account_id", FT_INT, F_READONLY | F_NULLABLE, 0, 9e15, NULL, NULL, "account"},
    {"actor", FT_TEXT, F_READONLY | F_FILTER, 0, 0, NULL, NULL, "who decided or closed"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when"},
};
const ResourceDef resource_decision = RESOURCE("decision", "decision", aDecisionField);

/* ---- helpers ---- */

static void today(char z[16]) { time_date(time_now(), z, 16); }

/* Parse a stored JSON text member in place (bad text stays as is). */
static void parse_member(json_t *o, const char *zKey) {
    const char *z = json_get_str(o, zKey);
    if (!z) return;
    json_t *v = json_loads(z, 0, NULL);
    if (v) json_object_set_new(o, zKey, v);
}

static int rule_read(Db *db, TallyRule *r, json_t **ppRule) {
    json_t *o;
    int rc = store_crud_get(db, &resource_committee_rule, 1, &o);
    if (rc) return rc;
    int q = tally_quorum_index(json_get_str(o, "quorum"));
    r->quorum = q < 0 ? TALLY_QUORUM_HALF : q;
    r->bChairInQuorum = json_is_true(json_object_get(o, "chair_in_quorum"));
    r->bCastingVote = json_is_true(json_object_get(o, "casting_vote"));
    if (ppRule) {
        json_object_del(o, "id");
        *ppRule = o;
    } else {
        json_decref(o);
    }
    return 0;
}

static int direct_moves(Db *db, int *pOn) {
    json_t *s;
    int rc = store_crud_get(db, &resource_settings, 1, &s);
    if (rc) return rc;
    json_t *v = json_object_get(s, "committee_direct_moves");
    *pOn = !json_is_false(v);
    json_decref(s);
    return 0;
}

/* ---- membership ---- */

static int person_in(const json_t *rows, int64_t personId, json_t **ppRow) {
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        if (json_get_id(x, "person_id") == personId) {
            if (ppRow) *ppRow = x;
            return 1;
        }
    }
    return 0;
}

static int member_of(Db *db, int64_t personId, json_t **ppMember) {
    json_t *members;
    int rc = store_committee_members(db, &members);
    if (rc) return rc;
    json_t *m = NULL;
    *ppMember = person_in(members, personId, &m) ? json_incref(m) : NULL;
    json_decref(members);
    return 0;
}

int committee_get(Db *db, json_t **ppOut) {
    json_t *members = NULL, *rule = NULL;
    TallyRule r;
    int bOn = 1;
    int rc = store_committee_members(db, &members);
    if (rc == 0) rc = rule_read(db, &r, &rule);
    if (rc == 0) rc = direct_moves(db, &bOn);
    if (rc) {
        json_decref(members);
        json_decref(rule);
        return rc;
    }
    json_t *chair = json_null();
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m) {
        json_object_set_new(m, "chair", json_boolean(json_get_id(m, "chair") != 0));
        if (json_is_true(json_object_get(m, "chair"))) chair = json_incref(m);
    }
    *ppOut = json_pack("{so so so sb}", "members", members, "chair", chair, "rule", rule,
                       "direct_moves", bOn);
    return 0;
}

int committee_rule_set(Db *db, const Principal *who, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_committee_rule, in, 0, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_update(db, &resource_committee_rule, &a, 1, in, e);
}

/* Unseat the chair other than keepId (inside the caller's transaction). */
static int unseat_chair(Db *db, const Actor *a, int64_t keepId, KeelError *e) {
    json_t *members;
    int rc = store_committee_members(db, &members);
    if (rc) return rc;
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m) {
        if (rc) break;
        if (json_get_id(m, "chair") && json_get_id(m, "id") != keepId) {
            json_t *upd = json_pack("{sb}", "chair", 0);
            rc = store_crud_update(db, &resource_committee_member, a, json_get_id(m, "id"), upd, e);
            json_decref(upd);
        }
    }
    json_decref(members);
    return rc;
}

int committee_member_add(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    int rc = resource_validate(&resource_committee_member, in, 1, e);
    if (rc) return rc;
    int64_t personId = json_get_id(in, "person_id"), n = 0;
    rc = store_crud_exists(db, &resource_person, personId);
    if (rc <= 0) return rc < 0 ? rc : err_no_id(e, KEEL_EINVAL, "person_id", "person", personId);
    json_t *m = NULL;
    if ((rc = member_of(db, personId, &m))) return rc;
    if (m) {
        json_decref(m);
        return err_set_code(e, KEEL_ECONFLICT, "duplicate", "person_id",
                            "person %" PRId64 " is already a member of the committee", personId);
    }
    rc = store_person_voting_accounts(db, personId, &n);
    if (rc) return rc;
    if (n == 0)
        return err_set_code(e, KEEL_ERULE, "no_account", "person_id",
                            "person %" PRId64 " has no enabled account that may vote (viewers only "
                            "read): give them an account first",
                            personId);
    if (!json_object_get(in, "chair")) json_object_set_new(in, "chair", json_false());
    Actor a = auth_actor(who);
    if ((rc = db_begin(db))) return rc;
    if (json_is_true(json_object_get(in, "chair"))) rc = unseat_chair(db, &a, 0, e);
    if (rc == 0) rc = store_crud_create(db, &resource_committee_member, &a, in, pId, e);
    return db_end(db, rc);
}

int committee_member_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_committee_member, in, 0, e);
    if (rc) return rc;
    if (json_object_get(in, "person_id"))
        return err_set(e, KEEL_EINVAL, "person_id",
                       "a membership keeps its person; remove it and add the other person");
    Actor a = auth_actor(who);
    if ((rc = db_begin(db))) return rc;
    rc = store_crud_exists(db, &resource_committee_member, id);
    if (rc == 0)
        rc = err_no_id(e, KEEL_ENOTFOUND, "id", "committee member", id);
    else if (rc > 0)
        rc = 0;
    if (rc == 0 && json_is_true(json_object_get(in, "chair"))) rc = unseat_chair(db, &a, id, e);
    if (rc == 0) rc = store_crud_update(db, &resource_committee_member, &a, id, in, e);
    return db_end(db, rc);
}

int committee_member_remove(Db *db, const Principal *who, int64_t id, KeelError *e) {
    Actor a = auth_actor(who);
    int rc = store_crud_delete(db, &resource_committee_member, &a, id, e);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "committee member", id);
    return rc;
}

/* ---- actions ---- */

/* The initiative an action concerns (0 when none), checking the ids it
 * names exist; *pOwned is set when who owns that initiative. */
static int action_check(Db *db, const Principal *who, const char *zType, const json_t *act,
                        int64_t *pInitiative, KeelError *e) {
    static const char *const azKeys[][4] = {
        {"initiative_id", NULL},
        {"initiative_id", "to", NULL},
        {"initiative_id", "cost_estimate", NULL},
        {"pool_id", "capacity", NULL},
        {"risk_id", NULL},
        {"initiative_id", "system", "stage", "expires_at"},
        {"scenario_id", NULL},
        {"rollout_id", NULL},
        {"definition_id", NULL},
    };
    int t = resource_enum_index(azActionType, zType);
    *pInitiative = 0;
    if (!json_is_object(act))
        return err_set(e, KEEL_EINVAL, "action",
                       "action is required: an object of the %s's "
                       "parameters (see docs/paths/collaboration.md)",
                       zType);
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)act, zKey, v) {
        int bKnown = 0;
        for (int k = 0; k < 4 && azKeys[t][k]; k++)
            bKnown |= strcmp(azKeys[t][k], zKey) == 0;
        if (!bKnown)
            return err_set(e, KEEL_EINVAL, "action", "unknown parameter '%.40s' of a %s action",
                           zKey, zType);
    }
    int rc = 0;
    int64_t iid = json_get_id(act, "initiative_id");
    const char *zSystem = json_get_str(act, "system");
    const char *zTo = json_get_str(act, "to");
    switch (t) {
    case 0:
    case 1:
    case 2:
        if (iid <= 0) return err_set(e, KEEL_EINVAL, "action", "action.initiative_id is required");
        if (t == 1 && (!zTo || resource_enum_index(azStage, zTo) < 0))
            return err_set(e, KEEL_EINVAL, "action",
                           "action.to must be a stage: idea, assessed, approved, pilot, scaling, "
                           "operating, retired or rejected");
        if (t == 2 && !json_is_number(json_object_get(act, "cost_estimate")))
            return err_set(e, KEEL_EINVAL, "action",
                           "action.cost_estimate is required: the new budget (a number)");
        break;
    case 3: {
        json_t *c = json_object_get(act, "capacity");
        if (!json_is_number(c) || json_number_value(c) < 0)
            return err_set(e, KEEL_EINVAL, "action", "action.capacity must be a number >= 0");
        rc = store_crud_exists(db, &resource_pool, json_get_id(act, "pool_id"));
        if (rc == 0)
            return err_set(e, KEEL_EINVAL, "action", "action.pool_id names no resource pool");
        break;
    }
    case 4: {
        json_t *r;
        rc = store_crud_get(db, &resource_risk, json_get_id(act, "risk_id"), &r);
        if (rc == KEEL_ENOTFOUND)
            return err_set(e, KEEL_EINVAL, "action", "action.risk_id names no risk");
        if (rc) return rc;
        iid = json_get_id(r, "initiative_id");
        if (!iid && json_get_id(r, "system_id")) {
            json_t *s;
            if (store_crud_get(db, &resource_system, json_get_id(r, "system_id"), &s) == 0) {
                iid = json_get_id(s, "initiative_id");
                json_decref(s);
            }
        }
        json_decref(r);
        break;
    }
    case 5: {
        if ((iid > 0) == (zSystem != NULL))
            return err_set(e, KEEL_EINVAL, "action",
                           "an override_gate action names action.initiative_id (a move's gate) "
                           "or action.system (a system's gate), one of them");
        if (!json_get_str(act, "stage") || !json_get_str(act, "expires_at"))
            return err_set(e, KEEL_EINVAL, "action",
                           "action.stage and action.expires_at are required");
        if (zSystem) {
            int64_t sid = system_id_by_name(db, zSystem);
            if (sid < 0) return (int)sid;
            if (sid == 0)
                return err_set(e, KEEL_EINVAL, "action", "no AI system named '%.64s'", zSystem);
            json_t *s;
            if ((rc = store_crud_get(db, &resource_system, sid, &s))) return rc;
            iid = json_get_id(s, "initiative_id");
            json_decref(s);
        }
        break;
    }
    case 6:
        rc = store_crud_exists(db, &resource_scenario, json_get_id(act, "scenario_id"));
        if (rc == 0)
            return err_set(e, KEEL_EINVAL, "action", "action.scenario_id names no scenario");
        break;
    case 7: {
        json_t *r;
        rc = store_crud_get(db, &resource_rollout, json_get_id(act, "rollout_id"), &r);
        if (rc == KEEL_ENOTFOUND)
            return err_set(e, KEEL_EINVAL, "action", "action.rollout_id names no rollout");
        if (rc) return rc;
        iid = json_get_id(r, "initiative_id");
        json_decref(r);
        break;
    }
    case 8:
        rc = store_crud_exists(db, &resource_definition, json_get_id(act, "definition_id"));
        if (rc == 0)
            return err_set(e, KEEL_EINVAL, "action", "action.definition_id names no definition");
        break;
    }
    if (rc < 0) return rc;
    if (iid > 0 && (t <= 2 || t == 5 || t == 7)) {
        json_t *init;
        rc = store_crud_get(db, &resource_initiative, iid, &init);
        if (rc == KEEL_ENOTFOUND)
            return err_set(e, KEEL_EINVAL, "action", "no initiative with id %" PRId64, iid);
        if (rc) return rc;
        int bOwn = who->personId && json_get_id(init, "owner_id") == who->personId;
        json_decref(init);
        if (who->role == ROLE_OWNER && !bOwn)
            return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "action",
                                "owners propose only for their own initiatives");
    } else if (who->role == ROLE_OWNER && !(t == 4 && iid)) {
        return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "action_type",
                            "owners propose only for their own initiatives; a %s is for the "
                            "committee or an admin to propose",
                            zType);
    }
    if (who->role == ROLE_OWNER && t == 4) {
        json_t *init;
        if ((rc = store_crud_get(db, &resource_initiative, iid, &init))) return rc;
        int bOwn = who->personId && json_get_id(init, "owner_id") == who->personId;
        json_decref(init);
        if (!bOwn)
            return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "action",
                                "owners propose only for their own initiatives' risks");
    }
    *pInitiative = iid;
    return 0;
}

/* What the rules say now: the initiative's stage, alignment and, for a
 * move, its gate (the snapshot kept as evidence). */
static json_t *rules_view(Db *db, const char *zType, const json_t *act, int64_t iid) {
    json_t *o = json_object();
    if (!iid) return o;
    json_t *init;
    if (store_crud_get(db, &resource_initiative, iid, &init)) return o;
    initiative_decorate(db, init);
    json_object_set(o, "initiative",
                    json_pack("{sO sO sO sO}", "id", json_object_get(init, "id"), "title",
                              json_object_get(init, "title"), "stage",
                              json_object_get(init, "stage"), "aligned",
                              json_object_get(init, "aligned") ? json_object_get(init, "aligned")
                                                               : json_false()));
    json_decref(json_object_get(o, "initiative"));
    const char *zTo = strcmp(zType, "approve_initiative") == 0 ? "approved"
                      : strcmp(zType, "move_stage") == 0       ? json_get_str(act, "to")
                                                               : NULL;
    json_t *g = NULL;
    if (zTo && gate_initiative(db, iid, json_get_str(init, "stage"), zTo, &g) == 0 && g) {
        size_t i, nOpen = 0;
        json_t *r;
        json_array_foreach(json_object_get(g, "requirements"), i, r) {
            if (strcmp(json_get_str(r, "state"), "met") &&
                !json_is_true(json_object_get(r, "overridden")))
                nOpen++;
        }
        json_object_set_new(o, "gate",
                            json_pack("{sO sI}", "verdict", json_object_get(g, "verdict"),
                                      "open_requirements", (json_int_t)nOpen));
    }
    json_decref(g);
    json_decref(init);
    return o;
}

static int evidence_check(const json_t *ev, KeelError *e) {
    if (!ev) return 0;
    if (!json_is_array(ev) || json_array_size(ev) > 20)
        return err_set(e, KEEL_EINVAL, "evidence",
                       "evidence is a list of at most 20 {kind, ref?, note?}");
    size_t i;
    json_t *x;
    static const char *const azKey[] = {"kind", "ref", "note", NULL};
    json_array_foreach(ev, i, x) {
        KeelError e2 = {0};
        if (!json_is_object(x) || resource_only_keys(x, azKey, &e2) ||
            resource_enum_index(azProposalEvidence, json_get_str(x, "kind")) < 0 ||
            (json_object_get(x, "ref") && !json_is_string(json_object_get(x, "ref")) &&
             !json_is_integer(json_object_get(x, "ref"))) ||
            (json_object_get(x, "note") && (!json_is_string(json_object_get(x, "note")) ||
                                            strlen(json_get_str(x, "note")) > 2000)))
            return err_set(e, KEEL_EINVAL, "evidence",
                           "evidence item %zu: {kind: finding, analysis, plan, gate, document or "
                           "note; ref: an id or a text; note: up to 2000 characters}",
                           i + 1);
    }
    return 0;
}

/* A proposal about an initiative whose owner sits on the committee: keel
 * records the owner's conflict of interest itself, so that the owner
 * cannot vote on their own budget, stage or rollout even if they forget
 * to declare it (docs/paths/collaboration.md). */
static int owner_conflict(Db *db, int64_t proposalId, int64_t iid, KeelError *e) {
    json_t *init, *m = NULL;
    int rc = store_crud_get(db, &resource_initiative, iid, &init);
    if (rc) return rc == KEEL_ENOTFOUND ? 0 : rc;
    int64_t owner = json_get_id(init, "owner_id");
    json_decref(init);
    if (!owner || (rc = member_of(db, owner, &m)) || !m) return rc;
    json_decref(m);
    Actor a = {0, "system"};
    json_t *row = json_pack("{sI sI ss ss}", "proposal_id", (json_int_t)proposalId, "person_id",
                            (json_int_t)owner, "reason",
                            "owns the initiative this proposal concerns (recorded by keel)",
                            "actor", a.zName);
    int64_t cid;
    rc = store_crud_create(db, &resource_proposal_conflict, &a, row, &cid, e);
    json_decref(row);
    return rc;
}

int proposal_create(Db *db, const Principal *who, const json_t *in, int64_t *pId, KeelError *e) {
    static const char *const azKey[] = {"title",    "action_type", "action", "due_date",
                                        "evidence", "note",        NULL};
    int rc = resource_only_keys(in, azKey, e);
    if (rc) return rc;
    json_t *row = json_pack("{sO* sO* sO* sO*}", "title", json_object_get(in, "title"),
                            "action_type", json_object_get(in, "action_type"), "due_date",
                            json_object_get(in, "due_date"), "note", json_object_get(in, "note"));
    if (json_is_null(json_object_get(row, "note")) && !json_object_get(in, "note"))
        json_object_del(row, "note");
    rc = resource_validate(&resource_proposal, row, 1, e);
    char zToday[16];
    today(zToday);
    if (rc == 0 && strcmp(json_get_str(row, "due_date"), zToday) < 0)
        rc = err_set(e, KEEL_EINVAL, "due_date", "due_date %s is past: give today or later",
                     json_get_str(row, "due_date"));
    if (rc == 0) rc = evidence_check(json_object_get(in, "evidence"), e);
    int64_t iid = 0;
    const json_t *act = json_object_get(in, "action");
    if (rc == 0) rc = action_check(db, who, json_get_str(row, "action_type"), act, &iid, e);
    if (rc) {
        json_decref(row);
        return rc;
    }
    json_t *ev =
        json_pack("{sO so}", "given",
                  json_object_get(in, "evidence") ? json_object_get(in, "evidence") : json_array(),
                  "rules", rules_view(db, json_get_str(row, "action_type"), act, iid));
    if (!json_object_get(in, "evidence")) json_decref(json_object_get(ev, "given"));
    char *zAct = json_dumps(act, JSON_COMPACT | JSON_SORT_KEYS);
    char *zEv = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    json_object_set_new(row, "action", json_string(zAct ? zAct : "{}"));
    json_object_set_new(row, "evidence", json_string(zEv ? zEv : "{}"));
    free(zAct);
    free(zEv);
    json_object_set_new(row, "status", json_string("open"));
    json_object_set_new(row, "created_by", json_string(auth_actor(who).zName));
    if (iid) json_object_set_new(row, "initiative_id", json_integer(iid));
    Actor a = auth_actor(who);
    if ((rc = db_begin(db))) {
        json_decref(row);
        return rc;
    }
    rc = store_crud_create(db, &resource_proposal, &a, row, pId, e);
    json_decref(row);
    if (rc == 0 && iid) rc = owner_conflict(db, *pId, iid, e);
    return db_end(db, rc);
}

/* ---- counting ---- */

typedef struct Count {
    Tally t;
    json_t *votes, *conflicts, *members;
    TallyRule rule;
} Count;

static void count_free(Count *c) {
    json_decref(c->votes);
    json_decref(c->conflicts);
    json_decref(c->members);
}

static int count_votes(Db *db, int64_t id, Count *c) {
    memset(c, 0, sizeof *c);
    int rc = store_committee_members(db, &c->members);
    if (rc == 0) rc = store_proposal_votes(db, id, &c->votes);
    if (rc == 0) rc = store_proposal_conflicts(db, id, &c->conflicts);
    if (rc == 0) rc = rule_read(db, &c->rule, NULL);
    if (rc) return rc;
    size_t n = json_array_size(c->members), i;
    TallyMember *a = mem_zalloc(n ? n : 1, sizeof *a, 1);
    if (!a) return KEEL_ENOMEM;
    json_t *m;
    json_array_foreach(c->members, i, m) {
        int64_t pid = json_get_id(m, "person_id");
        json_t *v = NULL;
        a[i].bChair = json_get_id(m, "chair") != 0;
        a[i].bConflict = person_in(c->conflicts, pid, NULL);
        if (person_in(c->votes, pid, &v)) a[i].vote = tally_vote_index(json_get_str(v, "vote"));
    }
    tally_count(a, (int)n, &c->rule, &c->t);
    free(a);
    return 0;
}

static json_t *tally_json(const Count *c) {
    const Tally *t = &c->t;
    json_t *o = json_pack("{si si si si si si si si sb sb sb sb ss sb}", "members", t->nMember,
                          "conflicted", t->nConflict, "eligible", t->nEligible, "for", t->nFor,
                          "against", t->nAgainst, "abstain", t->nAbstain, "present", t->nPresent,
                          "quorum_needed", t->nQuorum, "quorum_met", t->bQuorum, "chair_needed",
                          t->bChairNeeded, "tie", t->bTie, "casting_vote", t->bCasting, "outcome",
                          tally_outcome_name(t->outcome), "final", t->bFinal);
    json_object_set_new(o, "rule",
                        json_pack("{ss sb sb}", "quorum", tally_quorum_names[c->rule.quorum],
                                  "chair_in_quorum", c->rule.bChairInQuorum, "casting_vote",
                                  c->rule.bCastingVote));
    return o;
}

/* ---- deciding and executing ---- */

/* Run a passed proposal's action as the committee. */
static int execute(Db *db, const Principal *who, int64_t id, const json_t *p, int *pRecorded,
                   KeelError *e) {
    Principal x = *who;
    x.kind = AUTH_PROPOSAL;
    x.role = ROLE_COMMITTEE;
    snprintf(x.zActor, sizeof x.zActor, "committee:proposal-%" PRId64, id);
    json_t *act = json_loads(json_get_str(p, "action"), 0, NULL);
    if (!act) return KEEL_EINTERNAL;
    const char *zType = json_get_str(p, "action_type");
    int64_t iid = json_get_id(act, "initiative_id");
    char zReason[400];
    snprintf(zReason, sizeof zReason, "proposal %" PRId64 " passed: %.300s", id,
             json_get_str(p, "title"));
    int rc = 0;
    *pRecorded = 0;
    if (strcmp(zType, "approve_initiative") == 0 || strcmp(zType, "move_stage") == 0) {
        json_t *in =
            json_pack("{ss ss}", "to", zType[0] == 'a' ? "approved" : json_get_str(act, "to"),
                      "reason", zReason);
        rc = initiative_transition(db, &x, iid, in, e);
        json_decref(in);
    } else if (strcmp(zType, "change_budget") == 0) {
        json_t *in = json_pack("{sO}", "cost_estimate", json_object_get(act, "cost_estimate"));
        rc = initiative_update(db, &x, iid, in, e);
        json_decref(in);
    } else if (strcmp(zType, "pool_capacity") == 0) {
        json_t *in = json_pack("{sO}", "capacity", json_object_get(act, "capacity"));
        rc = alloc_pool_update(db, &x, json_get_id(act, "pool_id"), in, e);
        json_decref(in);
    } else if (strcmp(zType, "accept_risk") == 0) {
        json_t *in = json_pack("{ss}", "status", "accepted");
        rc = risk_update(db, &x, json_get_id(act, "risk_id"), in, e);
        json_decref(in);
    } else if (strcmp(zType, "override_gate") == 0) {
        json_t *in = json_pack("{sO sO ss}", "stage", json_object_get(act, "stage"), "expires_at",
                               json_object_get(act, "expires_at"), "reason", zReason);
        int64_t oid;
        rc = gate_override_add(db, &x, json_get_str(act, "system"), iid, in, &oid, e);
        json_decref(in);
    } else if (strcmp(zType, "override_rollout") == 0) {
        rc = rollout_override(db, &x, json_get_id(act, "rollout_id"), id, e);
    } else {
        /* adopt_scenario, resolve_definition: the decision is the ruling;
         * nothing else runs (a new version of the definition carries it) */
        *pRecorded = 1;
    }
    json_decref(act);
    return rc;
}

/* Write the decision (and the proposal's status) for count c. */
static int decide(Db *db, const Principal *who, const json_t *p, const Count *c,
                  const char *zOutcome, const char *zExecution, const KeelError *ex) {
    int64_t id = json_get_id(p, "id");
    Actor a = auth_actor(who);
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    json_t *tally = tally_json(c);
    json_object_set(tally, "votes", c->votes);
    json_object_set(tally, "conflicts", c->conflicts);
    char *zTally = json_dumps(tally, JSON_COMPACT);
    json_decref(tally);
    json_t *d = json_pack(
        "{sI ss sO sO ss ss ss sO sI ss}", "proposal_id", (json_int_t)id, "kind", "vote",
        "action_type", json_object_get(p, "action_type"), "action", json_object_get(p, "action"),
        "outcome", zOutcome, "tally", zTally ? zTally : "{}", "execution", zExecution, "reason",
        json_object_get(p, "title"), "account_id", (json_int_t)who->accountId, "actor", a.zName);
    free(zTally);
    if (json_get_id(p, "initiative_id"))
        json_object_set(d, "initiative_id", json_object_get(p, "initiative_id"));
    if (ex && ex->rc) {
        json_object_set_new(d, "execution_code",
                            json_string(ex->zCode[0] ? ex->zCode : err_code_name(ex->rc)));
        json_object_set_new(d, "execution_message", json_string(ex->zMsg));
    }
    int64_t did;
    KeelError e2 = {0};
    int rc = store_crud_create(db, &resource_decision, &a, d, &did, &e2);
    json_decref(d);
    if (rc) return rc;
    const char *zStatus = strcmp(zOutcome, "passed") == 0     ? "passed"
                          : strcmp(zOutcome, "rejected") == 0 ? "rejected"
                                                              : "lapsed";
    json_t *upd = json_pack("{ss ss}", "status", zStatus, "decided_at", zNow);
    rc = store_crud_update(db, &resource_proposal, &a, id, upd, &e2);
    json_decref(upd);
    return rc;
}

static int get_proposal(Db *db, int64_t id, json_t **pp, KeelError *e) {
    int rc = store_crud_get(db, &resource_proposal, id, pp);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "proposal", id);
    return rc;
}

static int must_be_open(const json_t *p, KeelError *e) {
    if (strcmp(json_get_str(p, "status"), "open") == 0) return 0;
    return err_set_code(e, KEEL_ECONFLICT, "proposal_closed", "",
                        "proposal %" PRId64 " is %s: the vote is over", json_get_id(p, "id"),
                        json_get_str(p, "status"));
}

/* The change xChange makes (a vote, a conflict, nothing) and, when the vote
 * is then decided (bClose, or every eligible member voted), the decision,
 * with a passed action executed in the same transaction behind a
 * savepoint: when the rules refuse the action, the savepoint is rolled
 * back (nothing of the action stays) and the decision records the
 * refusal with its reason. */
typedef int (*ChangeFn)(Db *db, const Principal *who, const json_t *p, const json_t *in,
                        KeelError *e);

static int change_and_decide(Db *db, const Principal *who, int64_t id, const json_t *in,
                             ChangeFn xChange, int bClose, KeelError *e) {
    json_t *p = NULL;
    Count c = {0};
    int rc = db_begin(db);
    if (rc) return rc;
    rc = get_proposal(db, id, &p, e);
    if (rc == 0) rc = must_be_open(p, e);
    if (rc == 0 && xChange) rc = xChange(db, who, p, in, e);
    if (rc == 0) rc = count_votes(db, id, &c);
    if (rc == 0 && (bClose || c.t.bFinal)) {
        const char *zOutcome = tally_outcome_name(c.t.outcome);
        if (c.t.outcome != TALLY_PASSED) {
            rc = decide(db, who, p, &c, zOutcome, "none", NULL);
        } else if ((rc = db_savepoint(db)) == 0) {
            KeelError ex = {0};
            int bRecorded = 0;
            int rx = execute(db, who, id, p, &bRecorded, &ex);
            if (rx == KEEL_ENOMEM || rx == KEEL_EIO || rx == KEEL_EBUSY || rx == KEEL_EINTERNAL ||
                rx == KEEL_EFULL) {
                db_savepoint_undo(db);
                rc = rx;
            } else if (rx) {
                db_savepoint_undo(db);
                if (ex.rc == 0) ex.rc = rx;
                rc = decide(db, who, p, &c, zOutcome, "refused", &ex);
            } else {
                rc = db_savepoint_keep(db);
                if (rc == 0)
                    rc =
                        decide(db, who, p, &c, zOutcome, bRecorded ? "recorded" : "executed", NULL);
            }
        }
    }
    count_free(&c);
    json_decref(p);
    return db_end(db, rc);
}

static int vote_change(Db *db, const Principal *who, const json_t *p, const json_t *in,
                       KeelError *e) {
    int64_t id = json_get_id(p, "id"), pid = who->personId, existing = 0;
    json_t *m = NULL;
    int rc = who->personId ? member_of(db, pid, &m) : 0;
    if (rc) return rc;
    if (!m)
        return err_set_code(e, KEEL_EFORBIDDEN, "not_member", "",
                            "only members of the AI committee vote; your account is not linked "
                            "to a member (see /api/v1/committee)");
    json_decref(m);
    if ((rc = store_proposal_entry(db, id, pid, 1, &existing))) return rc;
    if (existing)
        return err_set_code(e, KEEL_ECONFLICT, "conflicted", "",
                            "you declared a conflict of interest on proposal %" PRId64
                            " and are excluded from its vote",
                            id);
    if ((rc = store_proposal_entry(db, id, pid, 0, &existing))) return rc;
    Actor a = auth_actor(who);
    json_t *row = json_pack("{sO sO* ss}", "vote", json_object_get(in, "vote"), "comment",
                            json_object_get(in, "comment"), "actor", a.zName);
    if (!json_object_get(in, "comment")) json_object_del(row, "comment");
    if (existing) {
        rc = store_crud_update(db, &resource_proposal_vote, &a, existing, row, e);
    } else {
        json_object_set_new(row, "proposal_id", json_integer(id));
        json_object_set_new(row, "person_id", json_integer(pid));
        int64_t vid;
        rc = store_crud_create(db, &resource_proposal_vote, &a, row, &vid, e);
    }
    json_decref(row);
    return rc;
}

int proposal_vote(Db *db, const Principal *who, int64_t id, const json_t *in, KeelError *e) {
    static const char *const azKey[] = {"vote", "comment", NULL};
    int rc = resource_only_keys(in, azKey, e);
    if (rc) return rc;
    json_t *row = json_deep_copy(in);
    rc = resource_validate(&resource_proposal_vote, row, 1, e);
    json_decref(row);
    if (rc) return rc;
    return change_and_decide(db, who, id, in, vote_change, 0, e);
}

static int conflict_change(Db *db, const Principal *who, const json_t *p, const json_t *in,
                           KeelError *e) {
    int64_t id = json_get_id(p, "id");
    int64_t pid = json_get_id(in, "person_id");
    if (pid && pid != who->personId && who->role != ROLE_ADMIN)
        return err_set_code(e, KEEL_EFORBIDDEN, "forbidden", "person_id",
                            "members declare their own conflicts (admins may declare for one)");
    if (!pid) pid = who->personId;
    json_t *m = NULL;
    int rc = pid ? member_of(db, pid, &m) : 0;
    if (rc) return rc;
    if (!m)
        return err_set_code(e, KEEL_EFORBIDDEN, "not_member", "person_id",
                            "only members of the AI committee declare conflicts on its votes");
    json_decref(m);
    int64_t existing = 0;
    if ((rc = store_proposal_entry(db, id, pid, 1, &existing))) return rc;
    if (existing)
        return err_set_code(e, KEEL_ECONFLICT, "duplicate", "person_id",
                            "a conflict of person %" PRId64 " on proposal %" PRId64
                            " is already declared",
                            pid, id);
    Actor a = auth_actor(who);
    if ((rc = store_proposal_entry(db, id, pid, 0, &existing))) return rc;
    if (existing) rc = store_crud_delete(db, &resource_proposal_vote, &a, existing, e);
    if (rc) return rc;
    json_t *row =
        json_pack("{sI sI sO ss}", "proposal_id", (json_int_t)id, "person_id", (json_int_t)pid,
                  "reason", json_object_get(in, "reason"), "actor", a.zName);
    int64_t cid;
    rc = store_crud_create(db, &resource_proposal_conflict, &a, row, &cid, e);
    json_decref(row);
    return rc;
}

int proposal_conflict(Db *db, const Principal *who, int64_t id, const json_t *in, KeelError *e) {
    static const char *const azKey[] = {"reason", "person_id", NULL};
    int rc = resource_only_keys(in, azKey, e);
    if (rc) return rc;
    json_t *row = json_deep_copy(in);
    rc = resource_validate(&resource_proposal_conflict, row, 1, e);
    json_decref(row);
    if (rc) return rc;
    return change_and_decide(db, who, id, in, conflict_change, 0, e);
}

int proposal_close(Db *db, const Principal *who, int64_t id, KeelError *e) {
    return change_and_decide(db, who, id, NULL, NULL, 1, e);
}

/* ---- reading ---- */

int decision_decorate(Db *db, json_t *d) {
    (void)db;
    parse_member(d, "action");
    parse_member(d, "tally");
    return 0;
}

int proposal_decorate(Db *db, json_t *p) {
    parse_member(p, "action");
    parse_member(p, "evidence");
    Count c;
    int rc = count_votes(db, json_get_id(p, "id"), &c);
    if (rc == 0) json_object_set_new(p, "tally", tally_json(&c));
    count_free(&c);
    char zToday[16];
    today(zToday);
    const char *zDue = json_get_str(p, "due_date");
    json_object_set_new(p, "overdue",
                        json_boolean(zDue && strcmp(json_get_str(p, "status"), "open") == 0 &&
                                     strcmp(zDue, zToday) < 0));
    return rc;
}

int proposal_get(Db *db, const Principal *who, int64_t id, json_t **ppOut, KeelError *e) {
    json_t *p;
    int rc = get_proposal(db, id, &p, e);
    if (rc) return rc;
    parse_member(p, "action");
    parse_member(p, "evidence");
    Count c;
    rc = count_votes(db, id, &c);
    if (rc) {
        count_free(&c);
        json_decref(p);
        return rc;
    }
    json_object_set_new(p, "tally", tally_json(&c));
    json_object_set(p, "votes", c.votes);
    json_object_set(p, "conflicts", c.conflicts);
    char zToday[16];
    today(zToday);
    int bOpen = strcmp(json_get_str(p, "status"), "open") == 0;
    json_object_set_new(p, "overdue",
                        json_boolean(bOpen && strcmp(json_get_str(p, "due_date"), zToday) < 0));
    int64_t did = 0;
    json_t *dec = json_null();
    if ((rc = store_decision_of_proposal(db, id, &did)) == 0 && did &&
        (rc = store_crud_get(db, &resource_decision, did, &dec)) == 0)
        decision_decorate(db, dec);
    json_object_set_new(p, "decision", dec ? dec : json_null());
    if (who && rc == 0) {
        json_t *v = NULL;
        int bMember = who->personId && person_in(c.members, who->personId, NULL);
        int bConflict = who->personId && person_in(c.conflicts, who->personId, NULL);
        person_in(c.votes, who->personId, &v);
        json_object_set_new(p, "you",
                            json_pack("{sb sb sO sb sb}", "member", bMember, "conflicted",
                                      bConflict, "vote",
                                      v ? json_object_get(v, "vote") : json_null(), "may_vote",
                                      bOpen && bMember && !bConflict && who->role != ROLE_VIEWER,
                                      "may_close", bOpen && auth_is_governor(who)));
    }
    count_free(&c);
    if (rc) {
        json_decref(p);
        return rc;
    }
    *ppOut = p;
    return 0;
}

/* ---- direct decisions ---- */

int committee_direct_check(Db *db, const Principal *who, const char *zActionType, KeelError *e) {
    if (who->kind == AUTH_PROPOSAL || who->kind == AUTH_NONE || !auth_is_governor(who)) return 0;
    int bOn = 1;
    int rc = direct_moves(db, &bOn);
    if (rc || bOn) return rc;
    return err_set_code(e, KEEL_ECONFLICT, "proposal_required", "",
                        "the rules allow it, but the committee decides this by vote: the setting "
                        "committee_direct_moves is off; propose it (POST /api/v1/proposals with "
                        "action_type %s)",
                        zActionType);
}

int committee_direct_record(Db *db, const Principal *who, const char *zActionType,
                            const json_t *action, int64_t initiativeId, const char *zReason) {
    if (who->kind == AUTH_PROPOSAL || !auth_is_governor(who)) return 0;
    Actor a = auth_actor(who);
    char *zAct = json_dumps(action, JSON_COMPACT | JSON_SORT_KEYS);
    json_t *tally = json_pack("{si si si ss}", "members", 1, "for", 1, "against", 0, "by", a.zName);
    char *zTally = json_dumps(tally, JSON_COMPACT);
    json_decref(tally);
    json_t *d =
        json_pack("{ss ss ss ss ss ss ss sI ss}", "kind", "direct", "action_type", zActionType,
                  "action", zAct ? zAct : "{}", "outcome", "direct", "tally",
                  zTally ? zTally : "{}", "execution", "executed", "reason", zReason ? zReason : "",
                  "account_id", (json_int_t)who->accountId, "actor", a.zName);
    free(zAct);
    free(zTally);
    if (initiativeId) json_object_set_new(d, "initiative_id", json_integer(initiativeId));
    int64_t id;
    KeelError e2 = {0};
    int rc = store_crud_create(db, &resource_decision, &a, d, &id, &e2);
    json_decref(d);
    return rc;
}
