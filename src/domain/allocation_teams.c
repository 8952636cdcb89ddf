/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Teams: who works on each initiative, with which skill and how much of
 * their time. An initiative past the idea stage needs a business expert,
 * an ML engineer and a product manager (the translator between the two);
 * a person committed to live initiatives beyond their capacity_fte is
 * over-committed. */
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "store/store_allocation.h"
#include "store/store_crud.h"
#include "util/json.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const FieldDef aTeamField[] = {
    {"id", FT_INT, F_READONLY | F_SORT, 1, 9e15, NULL, NULL, "identifier"},
    {"initiative_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "initiative", "the initiative"},
    {"person_id", FT_REF, F_REQUIRED | F_FILTER, 1, 9e15, NULL, "person", "the person"},
    {"skill", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azSkill, NULL,
     "the role they play: business_expert, ml_engineer, data_engineer, product_manager, "
     "risk_officer (one of their skills)"},
    {"fte", FT_REAL, F_REQUIRED, 0.01, 1.5, NULL, NULL, "share of their time (FTE)"},
    {"note", FT_TEXT, F_NULLABLE, 0, 1000, NULL, NULL, "comment"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it was created"},
    {"updated_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it last changed"},
};
const ResourceDef resource_team_member = RESOURCE("team_member", "team_member", aTeamField);

/* The roles every team past the idea stage needs. */
static const char *const azNeeded[] = {"business_expert", "ml_engineer", "product_manager", NULL};

/* The caller may change the team of initiative id. */
static int may_edit_team(Db *db, const Principal *who, int64_t id, KeelError *e) {
    json_t *init;
    int rc = store_crud_get(db, &resource_initiative, id, &init);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "initiative", id);
    if (rc) return rc;
    int64_t owner = json_get_id(init, "owner_id");
    json_decref(init);
    if (auth_is_governor(who)) return 0;
    if (who->role == ROLE_OWNER && who->personId && who->personId == owner) return 0;
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                        "only the initiative's owner, the committee or an admin may change its "
                        "team");
}

/* The person must have the skill in the people register. */
static int check_skill(Db *db, int64_t personId, const char *zSkill, KeelError *e) {
    json_t *p;
    int rc = store_crud_get(db, &resource_person, personId, &p);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, KEEL_EINVAL, "person_id", "person", personId);
    if (rc) return rc;
    int bHas = 0;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(p, "skills"), i, s) {
        if (strcmp(json_string_value(s), zSkill) == 0) bHas = 1;
    }
    if (!bHas)
        rc = err_set_code(e, KEEL_ERULE, "skill_mismatch", "skill",
                          "%s does not have the skill %s in the people register",
                          json_string_value(json_object_get(p, "name")), zSkill);
    json_decref(p);
    return rc;
}

int alloc_team_add(Db *db, const Principal *who, int64_t initiativeId, json_t *in, int64_t *pId,
                   KeelError *e) {
    int rc = resource_validate(&resource_team_member, in, 1, e);
    if (rc == 0) rc = may_edit_team(db, who, initiativeId, e);
    if (rc == 0)
        rc = check_skill(db, json_get_id(in, "person_id"),
                         json_string_value(json_object_get(in, "skill")), e);
    if (rc) return rc;
    json_object_set_new(in, "initiative_id", json_integer(initiativeId));
    Actor a = auth_actor(who);
    rc = store_crud_create(db, &resource_team_member, &a, in, pId, e);
    if (rc == KEEL_ECONFLICT)
        err_set(e, rc, "person_id", "this person already plays that role in the team");
    return rc;
}

/* The member row, checked to belong to the initiative. */
static int member_get(Db *db, int64_t initiativeId, int64_t memberId, json_t **pp, KeelError *e) {
    int rc = store_crud_get(db, &resource_team_member, memberId, pp);
    if (rc == 0 && json_get_id(*pp, "initiative_id") != initiativeId) {
        json_decref(*pp);
        rc = KEEL_ENOTFOUND;
    }
    if (rc == KEEL_ENOTFOUND)
        return err_set(e, rc, "id", "no team member %" PRId64 " in initiative %" PRId64, memberId,
                       initiativeId);
    return rc;
}

int alloc_team_update(Db *db, const Principal *who, int64_t initiativeId, int64_t memberId,
                      json_t *in, KeelError *e) {
    json_t *cur;
    int rc = resource_validate(&resource_team_member, in, 0, e);
    if (rc == 0) rc = may_edit_team(db, who, initiativeId, e);
    if (rc == 0) rc = member_get(db, initiativeId, memberId, &cur, e);
    if (rc) return rc;
    json_t *merged = json_deep_copy(cur);
    json_object_update(merged, in);
    rc = check_skill(db, json_get_id(merged, "person_id"),
                     json_string_value(json_object_get(merged, "skill")), e);
    json_decref(merged);
    json_decref(cur);
    if (rc) return rc;
    Actor a = auth_actor(who);
    rc = store_crud_update(db, &resource_team_member, &a, memberId, in, e);
    if (rc == KEEL_ECONFLICT)
        err_set(e, rc, "person_id", "this person already plays that role in the team");
    return rc;
}

int alloc_team_delete(Db *db, const Principal *who, int64_t initiativeId, int64_t memberId,
                      KeelError *e) {
    json_t *cur;
    int rc = may_edit_team(db, who, initiativeId, e);
    if (rc == 0) rc = member_get(db, initiativeId, memberId, &cur, e);
    if (rc) return rc;
    json_decref(cur);
    Actor a = auth_actor(who);
    return store_crud_delete(db, &resource_team_member, &a, memberId, e);
}

static int stage_live(const char *z) {
    return z && strcmp(z, "rejected") != 0 && strcmp(z, "retired") != 0;
}

static void finding(json_t *a, const char *zKind, const char *zEntity, int64_t id,
                    const char *zMsg) {
    json_array_append_new(a, json_pack("{ss ss ss sI ss}", "kind", zKind, "severity", "warning",
                                       "entity", zEntity, "id", (json_int_t)id, "message", zMsg));
}

int alloc_teams_report(Db *db, json_t **ppOut) {
    json_t *team = NULL, *inits = NULL, *people = NULL;
    int rc = store_alloc_team(db, 0, &team);
    if (rc == 0) rc = store_alloc_initiatives(db, &inits);
    if (rc == 0) rc = store_alloc_people(db, &people);
    if (rc) goto done;
    json_t *items = json_array(), *over = json_array(), *findings = json_array();
    size_t i, j;
    json_t *x, *m;
    char zMsg[400];
    json_array_foreach(inits, i, x) {
        const char *zStage = json_string_value(json_object_get(x, "stage"));
        if (!stage_live(zStage)) continue;
        json_t *members = json_array(), *missing = json_array();
        double fte = 0;
        json_array_foreach(team, j, m) {
            if (json_get_id(m, "initiative_id") != json_get_id(x, "id")) continue;
            json_array_append_new(
                members,
                json_pack("{sO sO sO sO sO}", "id", json_object_get(m, "id"), "person_id",
                          json_object_get(m, "person_id"), "person", json_object_get(m, "person"),
                          "skill", json_object_get(m, "skill"), "fte", json_object_get(m, "fte")));
            fte += json_number_value(json_object_get(m, "fte"));
        }
        for (int k = 0; azNeeded[k]; k++) {
            int bHas = 0;
            json_array_foreach(members, j, m) {
                if (strcmp(json_string_value(json_object_get(m, "skill")), azNeeded[k]) == 0)
                    bHas = 1;
            }
            if (!bHas) json_array_append_new(missing, json_string(azNeeded[k]));
        }
        int bNeeds = strcmp(zStage, "idea") != 0;
        int bComplete = json_array_size(missing) == 0;
        if (bNeeds && !bComplete) {
            size_t k = 0;
            char zList[120] = "";
            json_array_foreach(missing, j, m) {
                k += (size_t)snprintf(zList + k, sizeof zList - k, "%s%s", j ? ", " : "",
                                      json_string_value(m));
            }
            snprintf(zMsg, sizeof zMsg, "the team of '%.120s' (%s) has no %s",
                     json_string_value(json_object_get(x, "title")), zStage, zList);
            finding(findings, "team_incomplete", "initiative", json_get_id(x, "id"), zMsg);
        }
        json_array_append_new(
            items, json_pack("{sO sO sO so so sf sb sb}", "id", json_object_get(x, "id"), "title",
                             json_object_get(x, "title"), "stage", json_object_get(x, "stage"),
                             "members", members, "missing", missing, "fte", fte, "complete",
                             bComplete, "needs_complete_team", bNeeds));
    }
    json_array_foreach(people, i, x) {
        double committed = 0;
        int n = 0;
        json_array_foreach(team, j, m) {
            if (json_get_id(m, "person_id") != json_get_id(x, "id") ||
                !stage_live(json_string_value(json_object_get(m, "stage"))))
                continue;
            committed += json_number_value(json_object_get(m, "fte"));
            n++;
        }
        double cap = json_number_value(json_object_get(x, "capacity_fte"));
        if (committed > cap + 1e-9) {
            json_array_append_new(
                over, json_pack("{sO sO sf sf si}", "id", json_object_get(x, "id"), "name",
                                json_object_get(x, "name"), "capacity_fte", cap, "committed_fte",
                                round(committed * 1000) / 1000, "initiatives", n));
            snprintf(zMsg, sizeof zMsg,
                     "%.120s is committed to %.2f FTE across %d live initiatives but has %.2f",
                     json_string_value(json_object_get(x, "name")), committed, n, cap);
            finding(findings, "person_overcommitted", "person", json_get_id(x, "id"), zMsg);
        }
    }
    json_t *counts = json_object();
    json_array_foreach(findings, i, x) {
        const char *zKind = json_string_value(json_object_get(x, "kind"));
        json_object_set_new(counts, zKind,
                            json_integer(json_integer_value(json_object_get(counts, zKind)) + 1));
    }
    *ppOut = json_pack("{so so so so}", "initiatives", items, "overcommitted", over, "findings",
                       findings, "finding_counts", counts);
done:
    json_decref(team);
    json_decref(inits);
    json_decref(people);
    return rc;
}
