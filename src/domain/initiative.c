/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Initiatives: creation and change with charter versioning, KPI links,
 * sign-offs, stage transitions; see initiative.h. */
#include "domain/initiative.h"
#include "domain/action.h"
#include "domain/committee.h"
#include "domain/gate.h"
#include "store/store_alignment.h"
#include "store/store_committee.h"
#include "store/store_crud.h"
#include "util/json.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The signatories of a charter: role name and initiative field. The first
 * three always sign; the risk officer is a fourth where one of the
 * initiative's AI systems is of the high risk tier (path 4, issue 21). */
static const struct {
    const char *zRole, *zField, *zLabel;
} aSignatory[] = {
    {"sponsor", "sponsor_id", "executive sponsor"},
    {"owner", "owner_id", "business owner"},
    {"ai_lead", "ai_lead_id", "AI lead"},
    {"risk_officer", "risk_officer_id", "risk officer"},
};
#define N_SIGNATORY 4 /* every signatory that may be named */
#define N_ALWAYS 3    /* those every charter needs */

/* How many signatories the charter of initiative id needs: 4 when one of
 * its systems is of the high tier, else 3. */
static int signatories_required(Db *db, int64_t id, int *pn) {
    int64_t nHigh = 0;
    int rc = store_high_tier_systems(db, id, &nHigh);
    *pn = nHigh > 0 ? N_SIGNATORY : N_ALWAYS;
    return rc;
}

static const char *const azCharterText[] = {"problem",     "scope",          "risks",
                                            "data_needed", "expected_value", NULL};

static int get_initiative(Db *db, int64_t id, json_t **pp, KeelError *e) {
    int rc = store_crud_get(db, &resource_initiative, id, pp);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "initiative", id);
    return rc;
}

static int may_edit(const Principal *who, const json_t *init, KeelError *e) {
    if (auth_is_governor(who)) return 0;
    if (who->role == ROLE_OWNER && who->personId && who->personId == json_get_id(init, "owner_id"))
        return 0;
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                        "only the initiative's business owner, the committee or an admin may "
                        "change it");
}

/* The charter's content now: its text fields and its links. */
static int charter_content(Db *db, const json_t *init, json_t **pp) {
    json_t *links;
    int rc = store_links_of_initiative(db, json_get_id(init, "id"), &links);
    if (rc) return rc;
    json_t *c = json_object(), *l = json_array();
    for (int i = 0; azCharterText[i]; i++) {
        json_t *v = json_object_get(init, azCharterText[i]);
        json_object_set(c, azCharterText[i], v ? v : json_null());
    }
    size_t i;
    json_t *x;
    json_array_foreach(links, i, x) {
        json_array_append_new(l, json_pack("{sI sO sO}", "kpi_id",
                                           (json_int_t)json_get_id(x, "kpi_id"), "expected_impact",
                                           json_object_get(x, "expected_impact"), "impact_period",
                                           json_object_get(x, "impact_period")));
    }
    json_object_set_new(c, "links", l);
    json_decref(links);
    *pp = c;
    return 0;
}

/* Make a new charter version when the content differs from the latest
 * one. Runs inside the caller's transaction. */
static int charter_sync(Db *db, const Actor *actor, int64_t id) {
    json_t *init, *content, *versions;
    int rc = store_crud_get(db, &resource_initiative, id, &init);
    if (rc) return rc;
    rc = charter_content(db, init, &content);
    json_decref(init);
    if (rc) return rc;
    rc = store_charter_versions(db, id, &versions);
    if (rc == 0) {
        json_t *last = json_object_get(json_array_get(versions, 0), "content");
        if (!last || !json_equal(last, content)) {
            int64_t v;
            rc = store_charter_add(db, actor, id, content, &v);
        }
        json_decref(versions);
    }
    json_decref(content);
    return rc;
}

/* Sponsor, business owner and AI lead are three different people: the
 * signatories of `row` (the initiative as it would be) must not repeat.
 * The field named is the one `in` sets, so the caller sees what to fix. */
static int check_signatories(const json_t *row, const json_t *in, KeelError *e) {
    for (int i = 0; i < N_SIGNATORY; i++)
        for (int j = i + 1; j < N_SIGNATORY; j++) {
            int64_t a = json_get_id(row, aSignatory[i].zField);
            if (!a || a != json_get_id(row, aSignatory[j].zField)) continue;
            const char *zField = json_object_get(in, aSignatory[j].zField) ? aSignatory[j].zField
                                                                           : aSignatory[i].zField;
            return err_set_code(e, KEEL_ECONFLICT, "signatories_distinct", zField,
                                "the %s and the %s must be different people (person %" PRId64
                                " is named as both): sponsor, business owner, AI lead and risk "
                                "officer are different people, so that no one signs a charter "
                                "twice",
                                aSignatory[i].zLabel, aSignatory[j].zLabel, a);
        }
    return 0;
}

/* Did a signatory change between two versions of the row? */
static int signatories_changed(const json_t *a, const json_t *b) {
    for (int k = 0; k < N_SIGNATORY; k++)
        if (json_get_id(a, aSignatory[k].zField) != json_get_id(b, aSignatory[k].zField)) return 1;
    return 0;
}

int initiative_create_from(Db *db, const Principal *who, json_t *in, const char *zCatalogueKey,
                           int64_t *pId, KeelError *e) {
    if (who->role == ROLE_OWNER && !json_object_get(in, "owner_id") && who->personId)
        json_object_set_new(in, "owner_id", json_integer(who->personId));
    int rc = resource_validate(&resource_initiative, in, 1, e);
    if (rc) return rc;
    if (!auth_is_governor(who) && json_get_id(in, "owner_id") != who->personId)
        return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                            "a business owner creates initiatives that they own");
    if ((rc = check_signatories(in, in, e))) return rc;
    if ((rc = align_check_order(db, NULL, in, "start_date", "end_date", e))) return rc;
    if (zCatalogueKey) json_object_set_new(in, "catalogue_key", json_string(zCatalogueKey));
    Actor a = auth_actor(who);
    rc = db_begin(db);
    if (rc) return rc;
    rc = store_crud_create(db, &resource_initiative, &a, in, pId, e);
    if (rc == 0) rc = charter_sync(db, &a, *pId);
    return db_end(db, rc);
}

int initiative_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    return initiative_create_from(db, who, in, NULL, pId, e);
}

int initiative_decorate(Db *db, json_t *init) {
    int64_t n = 0;
    int rc = store_link_count(db, json_get_id(init, "id"), &n);
    if (rc) return rc;
    json_object_set_new(init, "link_count", json_integer(n));
    json_object_set_new(init, "aligned", json_boolean(n > 0));
    return 0;
}

int initiative_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_initiative, in, 0, e);
    if (rc) return rc;
    json_t *cur;
    if ((rc = get_initiative(db, id, &cur, e))) return rc;
    rc = may_edit(who, cur, e);
    if (rc == 0 && json_object_get(in, "owner_id") && !auth_is_governor(who) &&
        json_get_id(in, "owner_id") != who->personId)
        rc = err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                          "only the committee or an admin may hand an initiative to someone else");
    if (rc == 0) rc = align_check_order(db, cur, in, "start_date", "end_date", e);
    json_decref(cur);
    if (rc) return rc;
    Actor a = auth_actor(who);
    if ((rc = db_begin(db))) return rc;
    /* the rule is checked on the row as written, inside the transaction,
     * so that two concurrent changes cannot together break it */
    json_t *before = NULL, *after = NULL;
    rc = store_crud_get(db, &resource_initiative, id, &before);
    if (rc == 0) rc = store_crud_update(db, &resource_initiative, &a, id, in, e);
    if (rc == 0) rc = store_crud_get(db, &resource_initiative, id, &after);
    if (rc == 0) rc = check_signatories(after, in, e);
    /* new signatories void the sign-offs given so far on this version */
    if (rc == 0 && signatories_changed(before, after)) {
        int n;
        rc = store_signoffs_void(db, &a, id, json_get_id(after, "charter_version"), &n);
    }
    json_decref(before);
    json_decref(after);
    if (rc == 0) rc = charter_sync(db, &a, id);
    return db_end(db, rc);
}

/* Sign-off status of the current version: {sponsor: {...}, owner, ai_lead,
 * risk_officer (required: whether this charter needs it)}, the number of
 * required signatures given and the number required. */
static int signoff_status(Db *db, const json_t *init, json_t **pp, int *pnSigned, int *pnRequired) {
    json_t *all;
    int nRequired = N_ALWAYS;
    int rc = signatories_required(db, json_get_id(init, "id"), &nRequired);
    if (rc == 0) rc = store_signoffs(db, json_get_id(init, "id"), &all);
    if (rc) return rc;
    int64_t version = json_get_id(init, "charter_version");
    json_t *st = json_object();
    int nSigned = 0;
    for (int k = 0; k < N_SIGNATORY; k++) {
        json_t *who = json_object_get(init, aSignatory[k].zField);
        json_t *s = json_pack("{sO sb sb}", "person_id", who ? who : json_null(), "signed", 0,
                              "required", k < nRequired);
        size_t i;
        json_t *x;
        json_array_foreach(all, i, x) {
            if (json_get_id(x, "charter_version") == version &&
                strcmp(json_string_value(json_object_get(x, "role")), aSignatory[k].zRole) == 0) {
                json_object_set_new(s, "signed", json_true());
                json_object_set(s, "signed_at", json_object_get(x, "created_at"));
                json_object_set(s, "signed_by", json_object_get(x, "person_name"));
                if (k < nRequired) nSigned++;
            }
        }
        json_object_set_new(st, aSignatory[k].zRole, s);
    }
    json_decref(all);
    *pp = st;
    *pnSigned = nSigned;
    *pnRequired = nRequired;
    return 0;
}

/* The rules of a legal move that depend on the data, not on the caller:
 * approval needs KPI links and the three sign-offs; moves past approval
 * pass the gates of the initiative's systems. 0, or the refusal in e
 * (KEEL_ECONFLICT with its code). */
static int move_data_rules(Db *db, const json_t *init, const char *zFrom, const char *zTo,
                           KeelError *e) {
    int rc = 0;
    int64_t id = json_get_id(init, "id");
    if (strcmp(zTo, "approved") == 0) {
        json_t *links, *st = NULL;
        int nSigned = 0, nRequired = N_ALWAYS;
        rc = store_links_of_initiative(db, id, &links);
        if (rc == 0 && json_array_size(links) == 0)
            rc = err_set_code(e, KEEL_ECONFLICT, "unaligned", "to",
                              "the initiative is unaligned: it is linked to no KPI, and an "
                              "unaligned initiative cannot be approved; link it to the KPIs it "
                              "moves first");
        if (rc) json_err_params(e, json_object());
        json_decref(links);
        if (rc == 0) rc = signoff_status(db, init, &st, &nSigned, &nRequired);
        if (rc == 0 && nSigned < nRequired) {
            char zMissing[160] = "";
            size_t k = 0;
            json_t *missing = json_array();
            for (int s = 0; s < nRequired; s++)
                if (!json_is_true(
                        json_object_get(json_object_get(st, aSignatory[s].zRole), "signed"))) {
                    k += (size_t)snprintf(zMissing + k, sizeof zMissing - k, "%s%s", k ? ", " : "",
                                          aSignatory[s].zLabel);
                    json_array_append_new(missing, json_string(aSignatory[s].zRole));
                }
            rc = err_set_code(e, KEEL_ECONFLICT, "signoffs_missing", "to",
                              "approval needs the sign-offs of charter version %" PRId64
                              " by the sponsor, the business owner and the AI lead%s; "
                              "missing: %s",
                              json_get_id(init, "charter_version"),
                              nRequired > N_ALWAYS ? ", and by the risk officer because one of "
                                                     "its AI systems is of the high risk tier"
                                                   : "",
                              zMissing);
            json_err_params(e, json_pack("{sI so sb}", "version",
                                         (json_int_t)json_get_id(init, "charter_version"),
                                         "missing", missing, "risk_officer", nRequired > N_ALWAYS));
        }
        json_decref(st);
    }
    if (rc == 0) {
        /* moves past approval pass the gates of the initiative's systems */
        json_t *g = NULL;
        rc = gate_initiative(db, id, zFrom, zTo, &g);
        if (rc == 0 && g && strcmp(json_string_value(json_object_get(g, "verdict")), "refuse") == 0)
            rc = err_set_code(e, KEEL_ECONFLICT, "gate_refused", "to",
                              "the gate of the move %s -> %s refuses: its team or its AI systems "
                              "lack evidence; see requirements",
                              zFrom, zTo);
        if (rc == KEEL_ECONFLICT)
            json_err_params(e, json_pack("{ss ss}", "from", zFrom, "to", zTo));
        json_decref(g);
    }
    return rc;
}

/* What the caller may do with this initiative now, so that clients offer
 * exactly that: {may_edit, transitions, may_sign}. The server still checks
 * every call; the stage and sign-off rules are reported on refusal. */
static json_t *caller_rights(const Principal *who, const json_t *init, const char *zStage,
                             int nRequired) {
    KeelError e;
    int bEdit = who->role != ROLE_VIEWER && may_edit(who, init, &e) == 0;
    json_t *moves = json_array(), *all = align_transitions_from(zStage), *sign = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(all, i, x) {
        const char *z = json_string_value(x);
        int bDecision = strcmp(z, "approved") == 0 || strcmp(z, "rejected") == 0;
        if (bDecision ? auth_is_governor(who) && who->kind != AUTH_NONE : bEdit)
            json_array_append(moves, x);
    }
    json_decref(all);
    int bOpen = strcmp(zStage, "idea") == 0 || strcmp(zStage, "assessed") == 0;
    for (int k = 0; k < nRequired && bOpen && who->role != ROLE_VIEWER; k++)
        if (who->personId && who->personId == json_get_id(init, aSignatory[k].zField))
            json_array_append_new(sign, json_string(aSignatory[k].zRole));
    return json_pack("{sb so so}", "may_edit", bEdit, "transitions", moves, "may_sign", sign);
}

int initiative_get(Db *db, const Principal *who, int64_t id, json_t **ppOut) {
    json_t *init, *links = NULL, *signoffs = NULL, *history = NULL, *scores = NULL;
    int rc = store_crud_get(db, &resource_initiative, id, &init);
    if (rc) return rc;
    int nSigned = 0, nRequired = N_ALWAYS;
    rc = store_links_of_initiative(db, id, &links);
    if (rc == 0) rc = signoff_status(db, init, &signoffs, &nSigned, &nRequired);
    if (rc == 0) rc = store_stage_history(db, id, &history);
    if (rc == 0) rc = store_scores_of(db, id, &scores);
    if (rc) {
        json_decref(init);
        json_decref(links);
        json_decref(signoffs);
        json_decref(history);
        return rc;
    }
    const char *zStage = json_string_value(json_object_get(init, "stage"));
    json_object_set_new(init, "aligned", json_boolean(json_array_size(links) > 0));
    json_object_set_new(init, "links", links);
    json_object_set_new(init, "signoffs", signoffs);
    json_object_set_new(init, "signoffs_complete", json_boolean(nSigned == nRequired));
    json_object_set_new(init, "signoffs_required", json_integer(nRequired));
    json_object_set_new(init, "transitions", align_transitions_from(zStage));
    json_object_set_new(init, "history", history);
    json_object_set_new(init, "scores", scores);
    if (who) {
        /* the moves offered that a data rule refuses now, with the refusal,
         * so that clients show them disabled with the reason */
        json_t *you = caller_rights(who, init, zStage, nRequired), *blocked = json_object(), *x;
        size_t i;
        json_array_foreach(json_object_get(you, "transitions"), i, x) {
            KeelError be;
            memset(&be, 0, sizeof be);
            int r = move_data_rules(db, init, zStage, json_string_value(x), &be);
            if (r == KEEL_ECONFLICT) {
                json_t *o = json_pack("{ss ss}", "code", be.zCode, "message", be.zMsg);
                json_err_put_params(o, &be);
                json_object_set_new(blocked, json_string_value(x), o);
            } else if (r && rc == 0)
                rc = r;
        }
        json_object_set_new(you, "blocked", blocked);
        json_object_set_new(init, "you", you);
    }
    if (rc) {
        json_decref(init);
        return rc;
    }
    /* the committee's decisions about it (path 4): an approval shows the
     * decision that made it */
    json_t *decisions = NULL;
    if (store_decisions_of_initiative(db, id, &decisions) == 0)
        json_object_set_new(init, "decisions", decisions);
    *ppOut = init;
    return 0;
}

static int transition_locked(Db *db, const Principal *who, int64_t id, const json_t *in,
                             KeelError *e) {
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "to") && strcmp(zKey, "reason"))
            return err_set(e, KEEL_EINVAL, zKey, "unknown field '%.40s'; send to and reason", zKey);
    }
    const char *zTo = json_string_value(json_object_get(in, "to"));
    const char *zReason = json_string_value(json_object_get(in, "reason"));
    if (!zTo || resource_enum_index(azStage, zTo) < 0)
        return err_set(e, KEEL_EINVAL, "to",
                       "to must be a stage: idea, assessed, approved, pilot, scaling, operating, "
                       "retired or rejected");
    if (!zReason || !*zReason || strlen(zReason) > 2000)
        return err_set(e, KEEL_EINVAL, "reason", "reason is required (1 to 2000 characters)");
    json_t *init;
    int rc = get_initiative(db, id, &init, e);
    if (rc) return rc;
    char zFrom[16];
    snprintf(zFrom, sizeof zFrom, "%s", json_string_value(json_object_get(init, "stage")));
    int bDecision = strcmp(zTo, "approved") == 0 || strcmp(zTo, "rejected") == 0;
    if (!align_transition_legal(zFrom, zTo)) {
        json_t *allowed = align_transitions_from(zFrom);
        char zList[128] = "";
        size_t i, k = 0;
        json_t *x;
        json_array_foreach(allowed, i, x) k += (size_t)snprintf(
            zList + k, sizeof zList - k, "%s%s", i ? ", " : "", json_string_value(x));
        json_decref(allowed);
        rc = err_set_code(e, KEEL_ECONFLICT, "illegal_transition", "to",
                          "an initiative in stage %s cannot move to %s; from %s it may go to: %s",
                          zFrom, zTo, zFrom, k ? zList : "nowhere (final stage)");
    } else if (bDecision && !auth_is_governor(who)) {
        rc = err_set_code(e, KEEL_EFORBIDDEN, "committee_only", "to",
                          "only the AI committee (or an admin) may move an initiative to %s", zTo);
    } else if (!bDecision) {
        rc = may_edit(who, init, e);
    }
    if (rc == 0) rc = move_data_rules(db, init, zFrom, zTo, e);
    json_decref(init);
    /* a move by the committee is a committee decision (path 4) */
    const char *zAction = strcmp(zTo, "approved") == 0 ? "approve_initiative" : "move_stage";
    if (rc == 0) rc = committee_direct_check(db, who, zAction, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    if ((rc = db_begin(db))) return rc;
    json_t *upd = json_pack("{ss}", "stage", zTo);
    rc = store_crud_update(db, &resource_initiative, &a, id, upd, e);
    json_decref(upd);
    if (rc == 0) rc = store_stage_change_add(db, &a, id, zFrom, zTo, zReason);
    if (rc == 0) {
        json_t *act = json_pack("{sI ss}", "initiative_id", (json_int_t)id, "to", zTo);
        rc = committee_direct_record(db, who, zAction, act, id, zReason);
        json_decref(act);
    }
    /* a gate this move passed closes the action its refusal raised */
    if (rc == 0) rc = action_close_for_gate(db, who, NULL, id, zTo);
    return db_end(db, rc);
}

/* The link's KPI must exist and its objective must not be closed. */
static int check_link_kpi(Db *db, const json_t *in, KeelError *e) {
    json_t *rows;
    int64_t kpiId = json_get_id(in, "kpi_id");
    if (!kpiId) return 0;
    int rc = store_kpi_objective(db, kpiId, &rows);
    if (rc) return rc;
    json_t *r = json_array_get(rows, 0);
    if (!r)
        rc = err_set(e, KEEL_EINVAL, "kpi_id", "kpi_id %" PRId64 " does not exist", kpiId);
    else if (strcmp(json_string_value(json_object_get(r, "status")), "closed") == 0)
        rc = err_set_code(e, KEEL_ECONFLICT, "objective_closed", "kpi_id",
                          "the KPI's objective '%.100s' is closed; it takes no new links",
                          json_string_value(json_object_get(r, "title")));
    json_decref(rows);
    return rc;
}

/* Common frame of link changes: permission, the change, the charter. */
static int link_change(Db *db, const Principal *who, int64_t initiativeId, int64_t linkId,
                       json_t *in, int op, int64_t *pId, KeelError *e) {
    json_t *init;
    int rc = get_initiative(db, initiativeId, &init, e);
    if (rc) return rc;
    rc = may_edit(who, init, e);
    json_decref(init);
    if (rc) return rc;
    if (linkId) {
        json_t *l;
        rc = store_crud_get(db, &resource_link, linkId, &l);
        if (rc == 0 && json_get_id(l, "initiative_id") != initiativeId) rc = KEEL_ENOTFOUND;
        json_decref(l);
        if (rc == KEEL_ENOTFOUND)
            return err_set(e, rc, "id", "initiative %" PRId64 " has no link %" PRId64, initiativeId,
                           linkId);
        if (rc) return rc;
    }
    if (in && (rc = resource_validate(&resource_link, in, op == 0, e))) return rc;
    if (in && (rc = check_link_kpi(db, in, e))) return rc;
    Actor a = auth_actor(who);
    if ((rc = db_begin(db))) return rc;
    if (op == 0) {
        json_object_set_new(in, "initiative_id", json_integer(initiativeId));
        rc = store_crud_create(db, &resource_link, &a, in, pId, e);
        if (rc == KEEL_ECONFLICT && !e->zField[0])
            err_set(e, rc, "kpi_id",
                    "the initiative is already linked to this KPI; change that link instead");
    } else if (op == 1) {
        rc = store_crud_update(db, &resource_link, &a, linkId, in, e);
    } else {
        rc = store_crud_delete(db, &resource_link, &a, linkId, e);
    }
    if (rc == 0) rc = charter_sync(db, &a, initiativeId);
    return db_end(db, rc);
}

int initiative_link_create(Db *db, const Principal *who, int64_t initiativeId, json_t *in,
                           int64_t *pId, KeelError *e) {
    return link_change(db, who, initiativeId, 0, in, 0, pId, e);
}

int initiative_link_update(Db *db, const Principal *who, int64_t initiativeId, int64_t linkId,
                           json_t *in, KeelError *e) {
    return link_change(db, who, initiativeId, linkId, in, 1, NULL, e);
}

int initiative_link_delete(Db *db, const Principal *who, int64_t initiativeId, int64_t linkId,
                           KeelError *e) {
    return link_change(db, who, initiativeId, linkId, NULL, 2, NULL, e);
}

int initiative_charter_get(Db *db, int64_t initiativeId, json_t **ppOut) {
    json_t *init, *versions, *st;
    int nSigned, nRequired;
    int rc = store_crud_get(db, &resource_initiative, initiativeId, &init);
    if (rc) return rc;
    rc = store_charter_versions(db, initiativeId, &versions);
    if (rc == 0) rc = signoff_status(db, init, &st, &nSigned, &nRequired);
    if (rc) {
        json_decref(init);
        json_decref(versions);
        return rc;
    }
    json_t *cur = json_object_get(json_array_get(versions, 0), "content");
    json_t *out = json_pack("{sI sO sO so sb so}", "initiative_id", (json_int_t)initiativeId,
                            "title", json_object_get(init, "title"), "version",
                            json_object_get(init, "charter_version"), "content",
                            cur ? json_incref(cur) : json_null(), "signoffs_complete",
                            nSigned == nRequired, "signoffs", st);
    json_object_set_new(out, "signoffs_required", json_integer(nRequired));
    json_object_set_new(out, "versions", versions);
    json_decref(init);
    *ppOut = out;
    return 0;
}

static int signoff_locked(Db *db, const Principal *who, int64_t initiativeId, const json_t *in,
                          KeelError *e) {
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "role") && strcmp(zKey, "comment") && strcmp(zKey, "version"))
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s'; send role, version and comment", zKey);
    }
    const char *zRole = json_string_value(json_object_get(in, "role"));
    const char *zComment = json_string_value(json_object_get(in, "comment"));
    json_t *jv = json_object_get(in, "version");
    int k;
    for (k = 0; k < N_SIGNATORY; k++)
        if (zRole && strcmp(zRole, aSignatory[k].zRole) == 0) break;
    if (k == N_SIGNATORY)
        return err_set(e, KEEL_EINVAL, "role",
                       "role must be sponsor, owner, ai_lead or risk_officer");
    if (json_object_get(in, "comment") && (!zComment || strlen(zComment) > 2000))
        return err_set(e, KEEL_EINVAL, "comment",
                       "comment must be a string of at most 2000 characters");
    if (jv && !json_is_integer(jv))
        return err_set(e, KEEL_EINVAL, "version", "version must be the charter version you read");
    json_t *init;
    int rc = get_initiative(db, initiativeId, &init, e);
    if (rc) return rc;
    int64_t signatory = json_get_id(init, aSignatory[k].zField);
    int64_t version = json_get_id(init, "charter_version");
    int nRequired = N_ALWAYS;
    const char *zStage = json_string_value(json_object_get(init, "stage"));
    if ((rc = signatories_required(db, initiativeId, &nRequired))) {
        json_decref(init);
        return rc;
    }
    if (strcmp(zStage, "idea") && strcmp(zStage, "assessed"))
        rc = err_set_code(e, KEEL_ECONFLICT, "stage", "role",
                          "charters are signed before approval; this initiative is %s", zStage);
    else if (k >= nRequired)
        rc = err_set_code(e, KEEL_ECONFLICT, "not_required", "role",
                          "this charter needs no risk officer's signature: none of the "
                          "initiative's AI systems is of the high risk tier");
    else if (!signatory)
        rc = err_set_code(e, KEEL_ECONFLICT, "no_signatory", aSignatory[k].zField,
                          "the initiative names no %s; set %s first", aSignatory[k].zLabel,
                          aSignatory[k].zField);
    else if (!who->personId || who->personId != signatory)
        rc = err_set_code(e, KEEL_EFORBIDDEN, "not_signatory", "role",
                          "only the %s named on the initiative (person %" PRId64
                          "), through their own account, may sign as %s",
                          aSignatory[k].zLabel, signatory, zRole);
    else if (jv && json_integer_value(jv) != version)
        rc = err_set_code(e, KEEL_ECONFLICT, "charter_changed", "version",
                          "the charter changed: you read version %lld, the current one is %" PRId64
                          "; read it again before signing",
                          (long long)json_integer_value(jv), version);
    json_decref(init);
    if (rc) return rc;
    Actor a = auth_actor(who);
    if ((rc = db_begin(db))) return rc;
    rc = store_signoff_add(db, &a, initiativeId, version, zRole, signatory, zComment);
    if (rc == KEEL_ECONFLICT)
        err_set_code(e, rc, "already_signed", "role", "the %s has already signed version %" PRId64,
                     aSignatory[k].zLabel, version);
    return db_end(db, rc);
}

/* The checks (stage, sign-offs, charter version) and the change run in one
 * write transaction, so that they hold when the change commits, even with
 * several servers on one PostgreSQL (the inner db_begin calls nest). */
int initiative_move_blocker(Db *db, int64_t id, const char *zTo, KeelError *e) {
    json_t *init;
    int rc = store_crud_get(db, &resource_initiative, id, &init);
    if (rc) return rc;
    rc = move_data_rules(db, init, json_string_value(json_object_get(init, "stage")), zTo, e);
    json_decref(init);
    return rc;
}

int initiative_transition(Db *db, const Principal *who, int64_t id, const json_t *in,
                          KeelError *e) {
    int rc = db_begin(db);
    if (rc) return rc;
    rc = db_end(db, transition_locked(db, who, id, in, e));
    if (rc == KEEL_ECONFLICT && strcmp(e->zCode, "gate_refused") == 0) {
        /* the refusal raises one action (path 5), after the refused move
         * was rolled back; tried again, it answers the same action */
        json_t *init = NULL, *gate = NULL;
        const char *zTo = json_get_str(in, "to");
        int64_t aid;
        if (store_crud_get(db, &resource_initiative, id, &init) == 0 &&
            gate_initiative(db, id, json_get_str(init, "stage"), zTo, &gate) == 0 && gate)
            action_raise_for_gate(db, who, NULL, 0, id, 0, zTo, gate, &aid);
        json_decref(gate);
        json_decref(init);
    }
    return rc;
}

int initiative_signoff(Db *db, const Principal *who, int64_t initiativeId, const json_t *in,
                       KeelError *e) {
    int rc = db_begin(db);
    return rc ? rc : db_end(db, signoff_locked(db, who, initiativeId, in, e));
}
