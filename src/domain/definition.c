/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4's shared definitions: versions, departments' signatures and
 * disputes, links, findings and the escalation of old disputes to the
 * committee; see definition.h. */
#include "domain/definition.h"
#include "domain/alignment.h"
#include "domain/committee.h"
#include "domain/org.h"
#include "engine/textdiff.h"
#include "store/store_crud.h"
#include "store/store_definition.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azDefKind[] = {"kpi_formula", "customer_segment", "label", "term", NULL};
static const char *const azStance[] = {"signed", "disputed", NULL};
static const char *const azDefEntity[] = {"kpi", "initiative", "data_asset", NULL};

static const FieldDef aDefField[] = {
    ID_FIELD,
    {"name", FT_TEXT, F_REQUIRED | F_FILTER | F_SORT | F_UNIQUE, 1, 200, NULL, NULL,
     "the term defined, unique (\"high-value customer\")"},
    {"kind", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azDefKind, NULL,
     "kpi_formula, customer_segment, label or term"},
    {"owner_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "person",
     "who keeps the text (owners edit their own definitions)"},
    {"version", FT_INT, F_READONLY | F_SORT, 1, 9e15, NULL, NULL, "the current version"},
    TIMES,
};
const ResourceDef resource_definition = RESOURCE("definition", "definition", aDefField);

static const FieldDef aVersionField[] = {
    ID_FIELD,
    {"definition_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "definition", "the definition"},
    {"version", FT_INT, F_READONLY, 1, 9e15, NULL, NULL, "1, 2, …"},
    {"body", FT_TEXT, F_REQUIRED, 1, 20000, NULL, NULL,
     "the text: the formula, the segment's rule, the label's meaning"},
    {"note", FT_TEXT, F_NULLABLE, 0, 2000, NULL, NULL, "what changed and why"},
    {"actor", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who wrote it"},
    {"escalated_proposal_id", FT_REF, F_READONLY | F_NULLABLE, 1, 9e15, NULL, "proposal",
     "the committee's proposal a dispute of this version went to"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when"},
};
const ResourceDef resource_definition_version =
    RESOURCE("definition_version", "definition_version", aVersionField);

static const FieldDef aDeptField[] = {
    ID_FIELD,
    {"definition_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "definition", "the definition"},
    {"unit_id", FT_REF, F_REQUIRED, 1, 9e15, NULL, "unit", "a department that uses it"},
    {"created_at", FT_TIME, F_READONLY, 0, 0, NULL, NULL, "when"},
};
const ResourceDef resource_definition_department =
    RESOURCE("definition_department", "definition_department", aDeptField);

static const FieldDef aSigField[] = {
    ID_FIELD,
    {"definition_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "definition", "the definition"},
    {"version", FT_INT, F_READONLY, 1, 9e15, NULL, NULL, "the version signed or disputed"},
    {"unit_id", FT_REF, F_READONLY, 1, 9e15, NULL, "unit", "the department"},
    {"person_id", FT_REF, F_READONLY, 1, 9e15, NULL, "person", "its head who signed"},
    {"stance", FT_ENUM, F_REQUIRED, 0, 0, azStance, NULL, "signed or disputed"},
    {"reason", FT_TEXT, F_NULLABLE, 0, 2000, NULL, NULL, "why (required for a dispute)"},
    {"actor", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "the account"},
    TIMES,
};
const ResourceDef resource_definition_signature =
    RESOURCE("definition_signature", "definition_signature", aSigField);

static const FieldDef aLinkField[] = {
    ID_FIELD,
    {"definition_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "definition", "the definition"},
    {"entity", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azDefEntity, NULL,
     "kpi, initiative or data_asset"},
    {"entity_id", FT_INT, F_REQUIRED, 1, 9e15, NULL, NULL, "its id"},
    {"created_at", FT_TIME, F_READONLY, 0, 0, NULL, NULL, "when"},
};
const ResourceDef resource_definition_link =
    RESOURCE("definition_link", "definition_link", aLinkField);

/* ---- the agreement rule ---- */

int definition_agreement(const int64_t *aDept, int nDept, int version, const DefStance *a, int n,
                         int *aState) {
    int nSigned = 0, nDisputed = 0;
    for (int i = 0; i < nDept; i++) {
        int st = DEF_MISSING;
        for (int j = 0; j < n; j++)
            if (a[j].unitId == aDept[i] && a[j].version == version) st = a[j].stance;
        if (aState) aState[i] = st;
        nSigned += st == DEF_SIGNED;
        nDisputed += st == DEF_DISPUTED;
    }
    if (nDisputed) return DEF_DISPUTE;
    return nDept > 0 && nSigned == nDept ? DEF_AGREED : DEF_UNAGREED;
}

const char *definition_status_name(int status) {
    return status == DEF_AGREED ? "agreed" : status == DEF_DISPUTE ? "disputed" : "unagreed";
}

/* ---- helpers ---- */

static int get_def(Db *db, int64_t id, json_t **pp, KeelError *e) {
    int rc = store_crud_get(db, &resource_definition, id, pp);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "definition", id);
    return rc;
}

static int may_edit(const Principal *who, const json_t *def, KeelError *e) {
    if (auth_is_governor(who)) return 0;
    if (who->role == ROLE_OWNER && who->personId && json_get_id(def, "owner_id") == who->personId)
        return 0;
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "",
                        "owners change only the definitions they own (owner_id); the committee and "
                        "admins change any");
}

/* Whole days from ISO time zIso to now (0 when unreadable or future). */
static int64_t days_since(const char *zIso) {
    int64_t t;
    if (!zIso || time_parse_iso(zIso, &t)) return 0;
    int64_t d = (time_now() - t) / 86400;
    return d > 0 ? d : 0;
}

/* Replace the departments of definition id by the unit ids of arr (an
 * array, checked here), inside the caller's transaction. */
/* *pb: whether the head of unitId disputes version `version` of
 * definition id. */
static int department_disputes(Db *db, int64_t id, int64_t version, int64_t unitId, int *pb) {
    json_t *st;
    *pb = 0;
    int rc = store_definition_stances(db, id, version, &st);
    if (rc) return rc;
    size_t i;
    json_t *x;
    json_array_foreach(st, i, x) *pb |=
        json_get_id(x, "unit_id") == unitId && strcmp(json_get_str(x, "stance"), "disputed") == 0;
    json_decref(st);
    return 0;
}

/* The departments of definition id become arr. With def (an owner's
 * change: the row, for its version), a department whose head disputes
 * the current version stays: dropping it would silence the dispute, which
 * the committee resolves (escalation, resolve_definition). */
static int set_departments(Db *db, const Actor *a, int64_t id, const json_t *arr, const json_t *def,
                           KeelError *e) {
    if (!json_is_array(arr) || json_array_size(arr) > 50)
        return err_set(e, KEEL_EINVAL, "departments",
                       "departments is a list of at most 50 unit ids: the departments that use "
                       "the definition and must co-sign it");
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(arr, i, x) {
        if (!json_is_integer(x) || json_integer_value(x) <= 0)
            return err_set(e, KEEL_EINVAL, "departments", "departments[%zu] is not a unit id", i);
        int rc = store_crud_exists(db, &resource_unit, json_integer_value(x));
        if (rc < 0) return rc;
        if (rc == 0)
            return err_set(e, KEEL_EINVAL, "departments",
                           "departments[%zu]: no unit with id %" JSON_INTEGER_FORMAT
                           " (see /api/v1/units)",
                           i, json_integer_value(x));
        for (j = 0; j < i; j++)
            if (json_integer_value(json_array_get(arr, j)) == json_integer_value(x))
                return err_set(e, KEEL_EINVAL, "departments",
                               "departments names unit %" JSON_INTEGER_FORMAT " twice",
                               json_integer_value(x));
    }
    json_t *cur;
    int rc = store_definition_departments(db, id, &cur);
    if (rc) return rc;
    json_array_foreach(cur, i, y) { /* drop those no longer named */
        int bKeep = 0;
        json_array_foreach(arr, j, x) bKeep |= json_integer_value(x) == json_get_id(y, "unit_id");
        if (!bKeep && def) {
            int bDispute;
            rc = department_disputes(db, id, json_get_id(def, "version"), json_get_id(y, "unit_id"),
                                     &bDispute);
            if (rc == 0 && bDispute)
                rc = err_set_code(e, KEEL_EFORBIDDEN, "committee_only", "departments",
                                  "the head of %s disputes this version: only the committee or an "
                                  "admin removes that department (escalate the dispute, or send a "
                                  "new version for it to sign)",
                                  json_get_str(y, "name") ? json_get_str(y, "name")
                                                          : "a department");
            if (rc) break;
        }
        if (!bKeep && (rc = store_crud_delete(db, &resource_definition_department, a,
                                              json_get_id(y, "id"), e)))
            break;
    }
    json_array_foreach(arr, i, x) { /* add the new ones */
        if (rc) break;
        int bHave = 0;
        json_array_foreach(cur, j, y) bHave |= json_integer_value(x) == json_get_id(y, "unit_id");
        if (bHave) continue;
        json_t *row = json_pack("{sI sO}", "definition_id", (json_int_t)id, "unit_id", x);
        int64_t did;
        rc = store_crud_create(db, &resource_definition_department, a, row, &did, e);
        json_decref(row);
    }
    json_decref(cur);
    return rc;
}

/* Add the current version's body and note, the status, the departments
 * with their stances, missing, disputed_by and escalated_proposal_id to
 * definition def (borrowed). */
static int evaluate(Db *db, json_t *def) {
    int64_t id = json_get_id(def, "id"), version = json_get_id(def, "version");
    json_t *ver = NULL, *depts = NULL, *stances = NULL;
    int rc = store_definition_version(db, id, version, &ver);
    if (rc == 0) rc = store_definition_departments(db, id, &depts);
    if (rc == 0) rc = store_definition_stances(db, id, version, &stances);
    if (rc) goto done;
    size_t nDept = json_array_size(depts), nSt = json_array_size(stances), i, j;
    int64_t *aDept = calloc(nDept + 1, sizeof *aDept);
    int *aState = calloc(nDept + 1, sizeof *aState);
    DefStance *aSt = calloc(nSt + 1, sizeof *aSt);
    if (!aDept || !aState || !aSt) {
        free(aDept);
        free(aState);
        free(aSt);
        rc = KEEL_ENOMEM;
        goto done;
    }
    json_t *x, *s;
    json_array_foreach(depts, i, x) aDept[i] = json_get_id(x, "unit_id");
    json_array_foreach(stances, i, x) {
        aSt[i].unitId = json_get_id(x, "unit_id");
        aSt[i].version = (int)json_get_id(x, "version");
        aSt[i].stance =
            strcmp(json_get_str(x, "stance"), "signed") == 0 ? DEF_SIGNED : DEF_DISPUTED;
    }
    int status = definition_agreement(aDept, (int)nDept, (int)version, aSt, (int)nSt, aState);
    json_t *aOut = json_array(), *missing = json_array(), *disputed = json_array();
    json_array_foreach(depts, i, x) {
        static const char *const azState[] = {"missing", "signed", "disputed"};
        json_t *o = json_pack("{sI sO ss}", "unit_id", (json_int_t)aDept[i], "name",
                              json_object_get(x, "name"), "state", azState[aState[i]]);
        json_array_foreach(stances, j, s) {
            if (json_get_id(s, "unit_id") != aDept[i]) continue;
            json_object_set(o, "by", json_object_get(s, "person_name"));
            json_object_set(o, "since", json_object_get(s, "created_at"));
            json_object_set(o, "reason", json_object_get(s, "reason"));
            json_object_set_new(o, "days", json_integer(days_since(json_get_str(s, "created_at"))));
        }
        if (aState[i] == DEF_MISSING) json_array_append(missing, json_object_get(x, "name"));
        if (aState[i] == DEF_DISPUTED) json_array_append(disputed, o);
        json_array_append_new(aOut, o);
    }
    free(aDept);
    free(aState);
    free(aSt);
    json_object_set(def, "body", json_object_get(ver, "body"));
    json_object_set(def, "version_note", json_object_get(ver, "note"));
    json_object_set(def, "escalated_proposal_id", json_object_get(ver, "escalated_proposal_id"));
    json_object_set_new(def, "status", json_string(definition_status_name(status)));
    json_object_set_new(def, "departments", aOut);
    json_object_set_new(def, "missing", missing);
    json_object_set_new(def, "disputed_by", disputed);
done:
    json_decref(ver);
    json_decref(depts);
    json_decref(stances);
    return rc;
}

/* ---- changes ---- */

int definition_create(Db *db, const Principal *who, const json_t *in, int64_t *pId, KeelError *e) {
    static const char *const azKey[] = {"name",     "kind",        "body", "note",
                                        "owner_id", "departments", NULL};
    int rc = resource_only_keys(in, azKey, e);
    if (rc) return rc;
    json_t *row =
        json_pack("{sO* sO* sO*}", "name", json_object_get(in, "name"), "kind",
                  json_object_get(in, "kind"), "owner_id", json_object_get(in, "owner_id"));
    json_t *ver = json_pack("{sO* sO*}", "body", json_object_get(in, "body"), "note",
                            json_object_get(in, "note"));
    if (!json_object_get(in, "owner_id")) json_object_del(row, "owner_id");
    if (!json_object_get(in, "note")) json_object_del(ver, "note");
    rc = resource_validate(&resource_definition, row, 1, e);
    if (rc == 0) rc = resource_validate(&resource_definition_version, ver, 1, e);
    if (rc == 0 && who->role == ROLE_OWNER) {
        int64_t owner = json_get_id(row, "owner_id");
        if (owner && owner != who->personId)
            rc = err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                              "owners create definitions they own: leave owner_id out");
        else if (!who->personId)
            rc = err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                              "your account is linked to no person, who would own the definition");
    }
    if (rc == 0 && !json_object_get(row, "owner_id") && who->personId)
        json_object_set_new(row, "owner_id", json_integer(who->personId));
    Actor a = auth_actor(who);
    if (rc == 0) rc = db_begin(db);
    if (rc == 0) {
        json_object_set_new(row, "version", json_integer(1));
        rc = store_crud_create(db, &resource_definition, &a, row, pId, e);
        if (rc == 0) {
            int64_t vid;
            json_object_set_new(ver, "definition_id", json_integer(*pId));
            json_object_set_new(ver, "version", json_integer(1));
            json_object_set_new(ver, "actor", json_string(a.zName));
            rc = store_crud_create(db, &resource_definition_version, &a, ver, &vid, e);
        }
        if (rc == 0 && json_object_get(in, "departments"))
            rc = set_departments(db, &a, *pId, json_object_get(in, "departments"), NULL, e);
        rc = db_end(db, rc);
    }
    json_decref(row);
    json_decref(ver);
    return rc;
}

int definition_update(Db *db, const Principal *who, int64_t id, const json_t *in, KeelError *e) {
    static const char *const azKey[] = {"name", "kind", "owner_id", "departments", NULL};
    int rc = resource_only_keys(in, azKey, e);
    if (rc) return rc;
    json_t *row = json_deep_copy(in), *def = NULL;
    json_object_del(row, "departments");
    if (json_object_size(row)) rc = resource_validate(&resource_definition, row, 0, e);
    if (rc == 0 && json_object_size(in) == 0)
        rc = err_set(e, KEEL_EINVAL, "",
                     "send name, kind, owner_id or departments to change; a new "
                     "text is a new version (POST …/versions)");
    if (rc == 0) rc = db_begin(db);
    if (rc) {
        json_decref(row);
        return rc;
    }
    Actor a = auth_actor(who);
    rc = get_def(db, id, &def, e);
    if (rc == 0) rc = may_edit(who, def, e);
    if (rc == 0 && json_object_size(row))
        rc = store_crud_update(db, &resource_definition, &a, id, row, e);
    if (rc == 0 && json_object_get(in, "departments"))
        rc = set_departments(db, &a, id, json_object_get(in, "departments"),
                             auth_is_governor(who) ? NULL : def, e);
    json_decref(row);
    json_decref(def);
    return db_end(db, rc);
}

int definition_version_add(Db *db, const Principal *who, int64_t id, const json_t *in,
                           KeelError *e) {
    static const char *const azKey[] = {"body", "note", NULL};
    int rc = resource_only_keys(in, azKey, e);
    if (rc) return rc;
    json_t *ver = json_deep_copy(in), *def = NULL, *cur = NULL;
    rc = resource_validate(&resource_definition_version, ver, 1, e);
    if (rc == 0) rc = db_begin(db);
    if (rc) {
        json_decref(ver);
        return rc;
    }
    Actor a = auth_actor(who);
    rc = get_def(db, id, &def, e);
    if (rc == 0) rc = may_edit(who, def, e);
    int64_t v = def ? json_get_id(def, "version") : 0;
    if (rc == 0) rc = store_definition_version(db, id, v, &cur);
    if (rc == 0 && strcmp(json_get_str(cur, "body"), json_get_str(ver, "body")) == 0)
        rc = err_set_code(e, KEEL_ECONFLICT, "unchanged", "body",
                          "the text is the same as version %" PRId64
                          ": a new version would only void its signatures",
                          v);
    if (rc == 0) {
        int64_t vid;
        json_object_set_new(ver, "definition_id", json_integer(id));
        json_object_set_new(ver, "version", json_integer(v + 1));
        json_object_set_new(ver, "actor", json_string(a.zName));
        rc = store_crud_create(db, &resource_definition_version, &a, ver, &vid, e);
    }
    if (rc == 0) {
        json_t *upd = json_pack("{sI}", "version", (json_int_t)(v + 1));
        rc = store_crud_update(db, &resource_definition, &a, id, upd, e);
        json_decref(upd);
    }
    json_decref(ver);
    json_decref(cur);
    json_decref(def);
    return db_end(db, rc);
}

/* The caller's department for signing definition def (its unit, when the
 * caller's person heads it and the definition names it), else a refusal. */
static int signer_unit(Db *db, const Principal *who, const json_t *def, int64_t *pUnit,
                       KeelError *e) {
    if (!who->personId)
        return err_set_code(e, KEEL_EFORBIDDEN, "not_department_head", "",
                            "only a department's head signs for it: your account is linked to no "
                            "person");
    json_t *p;
    int rc = store_crud_get(db, &resource_person, who->personId, &p);
    if (rc) return rc == KEEL_ENOTFOUND ? KEEL_EINTERNAL : rc;
    int bHead = json_is_true(json_object_get(p, "department_head"));
    int64_t unit = json_get_id(p, "unit_id");
    json_decref(p);
    if (!bHead || !unit)
        return err_set_code(e, KEEL_EFORBIDDEN, "not_department_head", "",
                            "only a department's head signs for it: your person is not marked "
                            "department_head (an admin sets it on People)");
    json_t *depts;
    if ((rc = store_definition_departments(db, json_get_id(def, "id"), &depts))) return rc;
    size_t i;
    json_t *x;
    int bUses = 0;
    char zNames[300] = "";
    size_t k = 0;
    json_array_foreach(depts, i, x) {
        bUses |= json_get_id(x, "unit_id") == unit;
        if (k < sizeof zNames)
            k += (size_t)snprintf(zNames + k, sizeof zNames - k, "%s%s", i ? ", " : "",
                                  json_get_str(x, "name"));
    }
    json_decref(depts);
    if (!bUses)
        return err_set_code(e, KEEL_ERULE, "department_not_using", "",
                            "your department does not use the definition '%.100s'; it is signed "
                            "by the heads of: %s",
                            json_get_str(def, "name"), k ? zNames : "(no department yet)");
    *pUnit = unit;
    return 0;
}

int definition_sign(Db *db, const Principal *who, int64_t id, const json_t *in, KeelError *e) {
    static const char *const azKey[] = {"stance", "reason", "version", NULL};
    int rc = resource_only_keys(in, azKey, e);
    if (rc) return rc;
    json_t *row = json_pack("{sO* sO*}", "stance", json_object_get(in, "stance"), "reason",
                            json_object_get(in, "reason"));
    if (!json_object_get(in, "reason")) json_object_del(row, "reason");
    rc = resource_validate(&resource_definition_signature, row, 1, e);
    const json_t *jv = json_object_get(in, "version");
    if (rc == 0 && jv && (!json_is_integer(jv) || json_integer_value(jv) < 1))
        rc = err_set(e, KEEL_EINVAL, "version", "version is the number of the version you sign");
    int bDispute = rc == 0 && strcmp(json_get_str(row, "stance"), "disputed") == 0;
    const char *zReason = json_get_str(row, "reason");
    if (rc == 0 && bDispute && (!zReason || strlen(zReason) < 5))
        rc = err_set(e, KEEL_EINVAL, "reason",
                     "a dispute says why (at least 5 characters): what the department means "
                     "instead");
    if (rc == 0 && !bDispute) json_object_set_new(row, "reason", json_null());
    if (rc == 0) rc = db_begin(db);
    if (rc) {
        json_decref(row);
        return rc;
    }
    json_t *def = NULL;
    int64_t unit = 0, existing = 0;
    rc = get_def(db, id, &def, e);
    int64_t v = def ? json_get_id(def, "version") : 0;
    if (rc == 0 && jv && json_integer_value(jv) != v)
        rc = err_set_code(e, KEEL_ECONFLICT, "stale_version", "version",
                          "version %" JSON_INTEGER_FORMAT " is not the current one (%" PRId64
                          "): read the current text and sign that",
                          json_integer_value(jv), v);
    if (rc == 0) rc = signer_unit(db, who, def, &unit, e);
    if (rc == 0) rc = store_definition_stance_of(db, id, v, unit, &existing);
    Actor a = auth_actor(who);
    json_object_set_new(row, "person_id", json_integer(who->personId));
    json_object_set_new(row, "actor", json_string(a.zName));
    if (rc == 0 && existing) {
        /* the same stance again keeps its date (a dispute's age counts from
         * when it was raised); another stance starts afresh */
        json_t *old = NULL;
        rc = store_crud_get(db, &resource_definition_signature, existing, &old);
        if (rc == 0 && strcmp(json_get_str(old, "stance"), json_get_str(row, "stance")) == 0) {
            rc = store_crud_update(db, &resource_definition_signature, &a, existing, row, e);
            existing = -1;
        } else if (rc == 0) {
            rc = store_crud_delete(db, &resource_definition_signature, &a, existing, e);
        }
        json_decref(old);
    }
    if (rc == 0 && existing >= 0) {
        int64_t sid;
        json_object_set_new(row, "definition_id", json_integer(id));
        json_object_set_new(row, "version", json_integer(v));
        json_object_set_new(row, "unit_id", json_integer(unit));
        rc = store_crud_create(db, &resource_definition_signature, &a, row, &sid, e);
    }
    json_decref(row);
    json_decref(def);
    return db_end(db, rc);
}

/* Who may link entity (zEntity, entityId) to def: governors; owners for
 * their own definitions or their own initiatives. */
static int may_link(Db *db, const Principal *who, const json_t *def, const char *zEntity,
                    int64_t entityId, KeelError *e) {
    if (may_edit(who, def, e) == 0) return 0;
    if (who->role == ROLE_OWNER && zEntity && strcmp(zEntity, "initiative") == 0) {
        json_t *init;
        if (store_crud_get(db, &resource_initiative, entityId, &init) == 0) {
            int bOwn = who->personId && json_get_id(init, "owner_id") == who->personId;
            json_decref(init);
            if (bOwn) return 0;
        }
    }
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "",
                        "owners link their own definitions or their own initiatives; the "
                        "committee and admins link any");
}

int definition_link_add(Db *db, const Principal *who, int64_t id, const json_t *in, int64_t *pId,
                        KeelError *e) {
    json_t *row = json_deep_copy(in), *def = NULL;
    int rc = resource_validate(&resource_definition_link, row, 1, e);
    if (rc == 0) rc = db_begin(db);
    if (rc) {
        json_decref(row);
        return rc;
    }
    const char *zEntity = json_get_str(row, "entity");
    int64_t entityId = json_get_id(row, "entity_id"), existing = 0;
    rc = get_def(db, id, &def, e);
    if (rc == 0) rc = may_link(db, who, def, zEntity, entityId, e);
    if (rc == 0) {
        int r = store_definition_entity_exists(db, zEntity, entityId);
        if (r < 0)
            rc = r;
        else if (r == 0)
            rc = err_set(e, KEEL_EINVAL, "entity_id", "no %s with id %" PRId64, zEntity, entityId);
    }
    if (rc == 0) rc = store_definition_link_of(db, id, zEntity, entityId, &existing);
    if (rc == 0 && existing)
        rc = err_set_code(e, KEEL_ECONFLICT, "duplicate", "entity_id",
                          "%s %" PRId64 " is already linked to this definition (link %" PRId64 ")",
                          zEntity, entityId, existing);
    Actor a = auth_actor(who);
    if (rc == 0) {
        json_object_set_new(row, "definition_id", json_integer(id));
        rc = store_crud_create(db, &resource_definition_link, &a, row, pId, e);
    }
    json_decref(row);
    json_decref(def);
    return db_end(db, rc);
}

int definition_link_remove(Db *db, const Principal *who, int64_t id, int64_t linkId, KeelError *e) {
    json_t *def = NULL, *link = NULL;
    int rc = db_begin(db);
    if (rc) return rc;
    rc = get_def(db, id, &def, e);
    if (rc == 0) {
        rc = store_crud_get(db, &resource_definition_link, linkId, &link);
        if (rc == 0 && json_get_id(link, "definition_id") != id) rc = KEEL_ENOTFOUND;
        if (rc == KEEL_ENOTFOUND) rc = err_no_id(e, rc, "id", "link of this definition", linkId);
    }
    if (rc == 0)
        rc =
            may_link(db, who, def, json_get_str(link, "entity"), json_get_id(link, "entity_id"), e);
    Actor a = auth_actor(who);
    if (rc == 0) rc = store_crud_delete(db, &resource_definition_link, &a, linkId, e);
    json_decref(def);
    json_decref(link);
    return db_end(db, rc);
}

/* ---- reading ---- */

int definition_get(Db *db, const Principal *who, int64_t id, json_t **ppOut, KeelError *e) {
    json_t *def, *links = NULL, *versions = NULL, *stances = NULL;
    int rc = get_def(db, id, &def, e);
    if (rc) return rc;
    rc = evaluate(db, def);
    if (rc == 0) rc = store_definition_links(db, id, &links);
    if (rc == 0) rc = store_definition_versions(db, id, &versions);
    if (rc == 0) rc = store_definition_stances(db, id, 0, &stances);
    if (rc) {
        json_decref(def);
        json_decref(links);
        json_decref(versions);
        json_decref(stances);
        return rc;
    }
    json_object_set_new(def, "links", links);
    json_object_set_new(def, "versions", versions);
    json_object_set_new(def, "stances", stances); /* every version's, newest first */
    if (who) {
        KeelError e2 = {0};
        int64_t unit = 0;
        int bEdit = who->role != ROLE_VIEWER && may_edit(who, def, &e2) == 0;
        int bSign = who->role != ROLE_VIEWER && signer_unit(db, who, def, &unit, &e2) == 0;
        json_object_set_new(def, "you",
                            json_pack("{sb sb so}", "may_edit", bEdit, "may_sign", bSign,
                                      "department", unit ? json_integer(unit) : json_null()));
    }
    *ppOut = def;
    return 0;
}

/* Every definition evaluated, by name (new array). */
static int all_evaluated(Db *db, json_t **ppRows) {
    ListQuery q;
    memset(&q, 0, sizeof q);
    q.limit = 100000;
    q.zSort = "name";
    int64_t total;
    KeelError e = {0};
    json_t *rows;
    int rc = store_crud_list(db, &resource_definition, &q, &rows, &total, &e);
    if (rc) return rc;
    size_t i;
    json_t *d;
    json_array_foreach(rows, i, d) if (rc == 0) rc = evaluate(db, d);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *ppRows = rows;
    return 0;
}

static const json_t *find_id(const json_t *rows, int64_t id) {
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) if (json_get_id(x, "id") == id) return x;
    return NULL;
}

/* "A, B and C" of the names in arr (strings, or objects' zKey) into z. */
static void name_list(const json_t *arr, const char *zKey, char *z, size_t n) {
    size_t i, k = 0, m = json_array_size(arr);
    json_t *x;
    z[0] = 0;
    json_array_foreach(arr, i, x) {
        const char *zName = zKey ? json_get_str(x, zKey) : json_string_value(x);
        if (k < n)
            k += (size_t)snprintf(z + k, n - k, "%s%s",
                                  i == 0       ? ""
                                  : i + 1 == m ? " and "
                                               : ", ",
                                  zName ? zName : "?");
    }
}

static int definition_findings_from(const json_t *defs, const json_t *links, json_t *findings) {
    size_t i;
    json_t *l;
    json_array_foreach(links, i, l) {
        const json_t *d = find_id(defs, json_get_id(l, "definition_id"));
        const char *zName = json_get_str(l, "name");
        if (!d || !zName) continue; /* the entity is gone */
        const char *zStatus = json_get_str(d, "status");
        if (strcmp(zStatus, "agreed") == 0) continue;
        const char *zEntity = json_get_str(l, "entity");
        const char *zWhat = strcmp(zEntity, "kpi") == 0          ? "KPI"
                            : strcmp(zEntity, "initiative") == 0 ? "initiative"
                                                                 : "data asset";
        json_t *missing = json_object_get(d, "missing"),
               *disputed = json_object_get(d, "disputed_by");
        char zMissing[400], zMsg[900];
        name_list(missing, NULL, zMissing, sizeof zMissing);
        int bDispute = strcmp(zStatus, "disputed") == 0;
        int k = snprintf(zMsg, sizeof zMsg,
                         "%s '%s' relies on the definition '%s' (version %" PRId64
                         "), which is not agreed",
                         zWhat, zName, json_get_str(d, "name"), json_get_id(d, "version"));
        if (bDispute) {
            const json_t *x = json_array_get(disputed, 0);
            k += snprintf(zMsg + k, sizeof zMsg - (size_t)k,
                          ": %s disputes it since %.10s (%" PRId64 " days): %s",
                          json_get_str(x, "name"), json_get_str(x, "since"), json_get_id(x, "days"),
                          json_get_str(x, "reason") ? json_get_str(x, "reason") : "");
            if (json_array_size(disputed) > 1)
                k += snprintf(zMsg + k, sizeof zMsg - (size_t)k, " (and %zu more)",
                              json_array_size(disputed) - 1);
        }
        if (json_array_size(missing))
            snprintf(zMsg + k, sizeof zMsg - (size_t)k, "%s%s %s not signed it",
                     bDispute ? "; " : ": ", zMissing,
                     json_array_size(missing) > 1 ? "have" : "has");
        else if (!json_array_size(json_object_get(d, "departments")))
            snprintf(zMsg + k, sizeof zMsg - (size_t)k, ": it names no department to sign it");
        json_t *f =
            json_pack("{ss ss sO sO sO ss sO sO sO sO sO*}", "kind",
                      bDispute ? "definition_disputed" : "definition_unagreed", "severity",
                      bDispute ? "critical" : "warning", "entity", json_object_get(l, "entity"),
                      "id", json_object_get(l, "entity_id"), "name", json_object_get(l, "name"),
                      "message", zMsg, "definition_id", json_object_get(d, "id"), "definition",
                      json_object_get(d, "name"), "missing", missing, "disputed_by", disputed,
                      "proposal_id", json_object_get(d, "escalated_proposal_id"));
        if (!f) continue;
        json_array_append_new(findings, f);
    }
    return 0;
}

int definition_findings(Db *db, json_t *findings) {
    json_t *defs = NULL, *links = NULL;
    int rc = all_evaluated(db, &defs);
    if (rc == 0) rc = store_definition_links(db, 0, &links);
    if (rc == 0) rc = definition_findings_from(defs, links, findings);
    json_decref(defs);
    json_decref(links);
    return rc;
}

/* Whether zHay holds zNeedle, ASCII letters compared without case; other
 * bytes (Chinese and every other UTF-8 sequence) compared as they are, so
 * a substring of whole characters matches. */
static int contains_nocase(const char *zHay, const char *zNeedle) {
    size_t n = strlen(zNeedle);
    for (const char *p = zHay; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] && tolower((unsigned char)p[k]) == tolower((unsigned char)zNeedle[k]))
            k++;
        if (k == n) return 1;
    }
    return n == 0;
}

int definition_list(Db *db, const char *zStatus, const char *zKind, const char *zQ, json_t **ppOut,
                    KeelError *e) {
    static const char *const azStatus[] = {"agreed", "unagreed", "disputed", NULL};
    if (zStatus && resource_enum_index(azStatus, zStatus) < 0)
        return err_set(e, KEEL_EINVAL, "status", "status is agreed, unagreed or disputed");
    if (zKind && resource_enum_index(azDefKind, zKind) < 0)
        return err_set(e, KEEL_EINVAL, "kind",
                       "kind is kpi_formula, customer_segment, label or term");
    if (zQ && strlen(zQ) > 200)
        return err_set(e, KEEL_EINVAL, "q", "q is at most 200 bytes: search by a part of the term");
    json_t *defs = NULL, *links = NULL;
    int rc = all_evaluated(db, &defs);
    if (rc == 0) rc = store_definition_links(db, 0, &links);
    if (rc) {
        json_decref(defs);
        return rc;
    }
    json_t *findings = json_array(), *items = json_array(), *counts = json_object();
    definition_findings_from(defs, links, findings);
    for (int s = 0; azStatus[s]; s++)
        json_object_set_new(counts, azStatus[s], json_integer(0));
    size_t i, j;
    json_t *d, *l;
    json_array_foreach(defs, i, d) {
        const char *zS = json_get_str(d, "status");
        json_object_set_new(counts, zS, json_integer(json_get_id(counts, zS) + 1));
        if ((zStatus && strcmp(zS, zStatus)) || (zKind && strcmp(json_get_str(d, "kind"), zKind)) ||
            (zQ && !contains_nocase(json_get_str(d, "name"), zQ)))
            continue;
        json_t *mine = json_array();
        json_array_foreach(links, j, l) if (json_get_id(l, "definition_id") == json_get_id(d, "id"))
            json_array_append(mine, l);
        json_object_set_new(d, "links", mine);
        json_array_append(items, d);
    }
    *ppOut = json_pack("{so so so}", "items", items, "findings", findings, "counts", counts);
    json_decref(defs);
    json_decref(links);
    return 0;
}

int definition_of_entity(Db *db, const char *zEntity, int64_t id, json_t **ppRows) {
    json_t *links;
    int rc = store_definition_links_to(db, zEntity, id, &links);
    if (rc) return rc;
    json_t *out = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(links, i, l) {
        json_t *d = NULL;
        if (rc) break;
        rc = store_crud_get(db, &resource_definition, json_get_id(l, "definition_id"), &d);
        if (rc == 0) rc = evaluate(db, d);
        if (rc == 0)
            json_array_append_new(
                out, json_pack("{sO sO sO sO sO sO sO*}", "id", json_object_get(d, "id"), "name",
                               json_object_get(d, "name"), "version", json_object_get(d, "version"),
                               "status", json_object_get(d, "status"), "missing",
                               json_object_get(d, "missing"), "disputed_by",
                               json_object_get(d, "disputed_by"), "proposal_id",
                               json_object_get(d, "escalated_proposal_id")));
        json_decref(d);
    }
    json_decref(links);
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppRows = out;
    return 0;
}

int definition_diff(Db *db, int64_t id, int vFrom, int vTo, const char *zBy, json_t **ppOut,
                    KeelError *e) {
    int mode = !zBy || strcmp(zBy, "word") == 0 ? TEXTDIFF_WORD
               : strcmp(zBy, "line") == 0       ? TEXTDIFF_LINE
                                                : -1;
    if (mode < 0) return err_set(e, KEEL_EINVAL, "by", "by is word (default) or line");
    json_t *def, *a = NULL, *b = NULL;
    int rc = get_def(db, id, &def, e);
    if (rc) return rc;
    int64_t cur = json_get_id(def, "version");
    json_decref(def);
    if (vTo == 0) vTo = (int)cur;
    if (vFrom == 0) vFrom = vTo > 1 ? vTo - 1 : 1;
    rc = store_definition_version(db, id, vFrom, &a);
    if (rc == KEEL_ENOTFOUND)
        return err_set(e, KEEL_EINVAL, "from", "no version %d: versions run from 1 to %" PRId64,
                       vFrom, cur);
    if (rc) return rc;
    rc = store_definition_version(db, id, vTo, &b);
    if (rc) {
        json_decref(a);
        return rc == KEEL_ENOTFOUND
                   ? err_set(e, KEEL_EINVAL, "to", "no version %d: versions run from 1 to %" PRId64,
                             vTo, cur)
                   : rc;
    }
    const char *za = json_get_str(a, "body"), *zb = json_get_str(b, "body");
    TextDiff d;
    if (textdiff(za, strlen(za), zb, strlen(zb), mode, &d)) {
        json_decref(a);
        json_decref(b);
        return KEEL_ENOMEM;
    }
    static const char *const azOp[] = {"same", "del", "add"};
    json_t *chunks = json_array();
    for (size_t i = 0; i < d.nChunk; i++) {
        const TextDiffChunk *c = &d.aChunk[i];
        const char *z = c->op == TEXTDIFF_ADD ? zb : za;
        json_array_append_new(
            chunks, json_pack("{ss ss#}", "op", azOp[c->op], "text", z + c->off, (int)c->len));
    }
    *ppOut =
        json_pack("{si si ss sb sI sI so sO* sO*}", "from", vFrom, "to", vTo, "by",
                  mode == TEXTDIFF_WORD ? "word" : "line", "coarse", d.bCoarse, "deleted",
                  (json_int_t)d.nDel, "added", (json_int_t)d.nAdd, "chunks", chunks, "from_note",
                  json_object_get(a, "note"), "to_note", json_object_get(b, "note"));
    textdiff_free(&d);
    json_decref(a);
    json_decref(b);
    return 0;
}

/* ---- escalation ---- */

int definition_escalate(Db *db, int *pn, KeelError *e) {
    json_t *s;
    int rc = store_crud_get(db, &resource_settings, 1, &s);
    if (rc) return rc;
    int64_t days = json_get_id(s, "definition_dispute_days");
    json_decref(s);
    if (days < 1) days = 30;
    char zBefore[32], zDue[16];
    time_iso(time_now() - days * 86400, zBefore, sizeof zBefore);
    time_date(time_now() + 14 * 86400, zDue, sizeof zDue);
    json_t *rows;
    if ((rc = store_definition_disputes_before(db, zBefore, &rows))) return rc;
    Principal sys;
    memset(&sys, 0, sizeof sys);
    sys.kind = AUTH_NONE;
    sys.role = ROLE_ADMIN;
    snprintf(sys.zActor, sizeof sys.zActor, "keel:definitions");
    int n = 0;
    int64_t lastVersion = 0;
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        int64_t vid = json_get_id(x, "version_id");
        if (vid == lastVersion) continue; /* one proposal per version */
        lastVersion = vid;
        char zTitle[300], zNote[1200];
        snprintf(zTitle, sizeof zTitle, "Resolve the dispute over the definition '%.200s'",
                 json_get_str(x, "name"));
        snprintf(zNote, sizeof zNote,
                 "%.100s (%.100s) disputes version %" PRId64 " since %.10s, more than %" PRId64
                 " days: %.800s",
                 json_get_str(x, "unit_name"), json_get_str(x, "person_name"),
                 json_get_id(x, "version"), json_get_str(x, "since"), days,
                 json_get_str(x, "reason") ? json_get_str(x, "reason") : "");
        json_t *in = json_pack("{ss ss s{sO} ss s[{ss sO ss}] ss}", "title", zTitle, "action_type",
                               "resolve_definition", "action", "definition_id",
                               json_object_get(x, "definition_id"), "due_date", zDue, "evidence",
                               "kind", "note", "ref", json_object_get(x, "definition_id"), "note",
                               zNote, "note", zNote);
        int64_t pid = 0;
        if ((rc = db_begin(db))) break;
        rc = proposal_create(db, &sys, in, &pid, e);
        if (rc == 0) {
            Actor a = auth_actor(&sys);
            json_t *upd = json_pack("{sI}", "escalated_proposal_id", (json_int_t)pid);
            rc = store_crud_update(db, &resource_definition_version, &a, vid, upd, e);
            json_decref(upd);
        }
        rc = db_end(db, rc);
        json_decref(in);
        if (rc) break;
        n++;
    }
    json_decref(rows);
    if (pn) *pn = n;
    return rc;
}

int definition_escalate_job(Db *db, KeelError *e) {
    int n = 0;
    int rc = definition_escalate(db, &n, e);
    if (rc == 0 && n) log_info("definitions.escalate: %d dispute(s) sent to the committee", n);
    return rc;
}
