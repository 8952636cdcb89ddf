/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The foundation's resource definitions and the one input validator. */
#include "domain/resource.h"
#include "domain/action.h"
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "domain/analysis.h"
#include "domain/auth.h"
#include "domain/compliance.h"
#include "domain/definition.h"
#include "domain/committee.h"
#include "domain/meeting.h"
#include "domain/pilot.h"
#include "domain/org.h"
#include "domain/quarterly.h"
#include "domain/radar.h"
#include "domain/review.h"
#include "domain/risk.h"
#include "domain/slip.h"
#include "domain/system.h"
#include "domain/training.h"
#include "store/store_crud.h"
#include "util/json.h"
#include "util/period.h"
#include "util/timeutil.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const azRole[] = {"admin", "committee", "owner", "engineer", "risk", "viewer", NULL};
const char *const azSkill[] = {"business_expert", "ml_engineer",  "data_engineer",
                               "product_manager", "risk_officer", NULL};
static const char *const azUnitKind[] = {"department", "region", "business_line", NULL};

#define TEXT(name, flags, lo, hi, doc)                                                             \
    { name, FT_TEXT, flags, lo, hi, NULL, NULL, doc }

static const FieldDef aUnitField[] = {
    ID_FIELD,
    TEXT("name", F_REQUIRED | F_FILTER | F_SORT | F_UNIQUE, 1, 200, "unique name of the unit"),
    {"kind", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azUnitKind, NULL,
     "department, region or business_line"},
    {"parent_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "unit",
     "the unit above this one in the tree, or null"},
    TIMES,
};
static const RefBy aUnitRefBy[] = {
    {"unit", "parent_id", "sub-units"},
    {"person", "unit_id", "people"},
    {"definition_department", "unit_id", "shared definitions"},
};
const ResourceDef resource_unit = RESOURCE_REFBY("unit", "unit", aUnitField, aUnitRefBy);

static const FieldDef aPersonField[] = {
    ID_FIELD,
    TEXT("name", F_REQUIRED | F_FILTER | F_SORT, 1, 200, "full name"),
    {"email", FT_EMAIL, F_NULLABLE | F_FILTER | F_UNIQUE, 3, 254, NULL, NULL,
     "unique e-mail address"},
    {"unit_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "unit", "business unit"},
    {"skills", FT_SET, F_FILTER, 0, 0, azSkill, NULL,
     "skills: business_expert, ml_engineer, data_engineer, product_manager, risk_officer"},
    {"capacity_fte", FT_REAL, F_SORT, 0, 1.5, NULL, NULL, "capacity in FTE (0 to 1.5)"},
    {"department_head", FT_BOOL, F_FILTER, 0, 0, NULL, NULL,
     "heads their unit (the department): co-signs shared definitions for it"},
    TIMES,
};
static const RefBy aPersonRefBy[] = {
    {"account", "person_id", "accounts"},
};
const ResourceDef resource_person = RESOURCE_REFBY("person", "person", aPersonField, aPersonRefBy);

static const char *const azAccountLocale[] = {"en", "zh-CN", NULL};
static const FieldDef aAccountField[] = {
    ID_FIELD,
    {"email", FT_EMAIL, F_REQUIRED | F_FILTER | F_SORT | F_UNIQUE, 3, 254, NULL, NULL,
     "login e-mail address (unique)"},
    TEXT("name", F_REQUIRED | F_SORT, 1, 200, "display name"),
    {"role", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azRole, NULL,
     "admin, committee, owner, engineer, risk or viewer"},
    {"password_hash", FT_TEXT, F_READONLY | F_SECRET, 0, 0, NULL, NULL, "argon2id hash"},
    {"person_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "person",
     "the person of the register this account acts as"},
    {"disabled", FT_BOOL, F_FILTER, 0, 0, NULL, NULL, "a disabled account cannot sign in"},
    {"locale", FT_ENUM, F_NULLABLE, 0, 0, azAccountLocale, NULL,
     "the person's language for e-mail: en or zh-CN (null: the organisation's)"},
    TIMES,
};
const ResourceDef resource_account = RESOURCE("account", "account", aAccountField);

static const FieldDef aTokenField[] = {
    ID_FIELD,
    {"account_id", FT_REF, F_READONLY | F_FILTER, 1, 9e15, NULL, "account", "owner"},
    TEXT("name", F_REQUIRED, 1, 100, "what the token is for"),
    {"token_hash", FT_TEXT, F_READONLY | F_SECRET, 0, 0, NULL, NULL, "SHA-256 of the token"},
    {"scope", FT_ENUM, F_REQUIRED, 0, 0, auth_scope_name, NULL,
     "read (GET only), write (everything the owner's role allows), or a narrow scope that "
     "reaches only the routes listing it: switch:read, ingest, metrics:read, calendar:read"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it was created"},
    {"expires_at", FT_TIME, F_NULLABLE, 0, 0, NULL, NULL, "expiry (ISO 8601), or null"},
    {"revoked_at", FT_TIME, F_READONLY | F_NULLABLE, 0, 0, NULL, NULL, "when revoked"},
    {"last_used_at", FT_TIME, F_READONLY | F_NULLABLE, 0, 0, NULL, NULL, "last use"},
};
const ResourceDef resource_api_token = RESOURCE("api_token", "api_token", aTokenField);

const ResourceDef *const resource_all[] = {
    &resource_unit,
    &resource_person,
    &resource_account,
    &resource_api_token,
    &resource_settings,
    &resource_objective,
    &resource_kpi,
    &resource_kpi_value,
    &resource_initiative,
    &resource_link,
    &resource_criterion,
    &resource_pool,
    &resource_pool_capacity,
    &resource_pool_usage,
    &resource_initiative_plan,
    &resource_team_member,
    &resource_data_asset,
    &resource_scenario,
    &resource_analysis,
    &resource_system,
    &resource_system_version,
    &resource_evidence,
    &resource_risk,
    &resource_ethics_review,
    &resource_action,
    &resource_review_feedback,
    &resource_technology,
    &resource_compliance_event,
    &resource_soa_entry,
    &resource_committee_rule,
    &resource_committee_member,
    &resource_proposal,
    &resource_proposal_vote,
    &resource_proposal_conflict,
    &resource_decision,
    &resource_meeting,
    &resource_kpi_unit_value,
    &resource_pilot,
    &resource_rollout,
    &resource_training_programme,
    &resource_training_session,
    &resource_training_completion,
    &resource_definition,
    &resource_definition_version,
    &resource_definition_department,
    &resource_definition_signature,
    &resource_definition_link,
    &resource_stage_plan,
    &resource_deadline,
    NULL,
};

/* A list of allowed values for messages: "a, b or c". */
static void enum_list(const char *const *az, char *z, size_t n) {
    size_t k = 0;
    z[0] = 0;
    for (int i = 0; az[i] && k < n; i++)
        k += (size_t)snprintf(z + k, n - k, "%s%s", i == 0 ? "" : (az[i + 1] ? ", " : " or "),
                              az[i]);
}

static int email_ok(const char *z) {
    const char *at = strchr(z, '@');
    if (!at || at == z || strchr(at + 1, '@') || !strchr(at + 1, '.')) return 0;
    if (at[1] == '.' || z[strlen(z) - 1] == '.') return 0;
    for (const char *p = z; *p; p++)
        if (isspace((unsigned char)*p) || (unsigned char)*p < 0x21 || *p == ',' || *p == '<' ||
            *p == '>')
            return 0;
    return 1;
}

static int validate_text(const FieldDef *f, json_t *v, KeelError *e) {
    if (!json_is_string(v))
        return err_set(e, KEEL_EINVAL, f->zName, "%s must be a string", f->zName);
    const char *z = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(z) != n)
        return err_set(e, KEEL_EINVAL, f->zName, "%s must not contain NUL characters", f->zName);
    if (!utf8_valid(z, n))
        return err_set(e, KEEL_EINVAL, f->zName, "%s is not valid UTF-8", f->zName);
    if (f->max > 0 && ((double)n < f->min || (double)n > f->max))
        return err_set(e, KEEL_EINVAL, f->zName, "%s must be %g to %g bytes long (got %zu)",
                       f->zName, f->min, f->max, n);
    return 0;
}

/* Validate one member; may replace it in `in` with a normalised value. */
static int validate_field(const FieldDef *f, json_t *in, json_t *v, KeelError *e) {
    char zList[256];
    if (json_is_null(v)) {
        if (f->flags & F_NULLABLE) return 0;
        return err_set(e, KEEL_EINVAL, f->zName, "%s may not be null", f->zName);
    }
    switch (f->type) {
    case FT_TEXT: return validate_text(f, v, e);
    case FT_EMAIL: {
        int rc = validate_text(f, v, e);
        if (rc) return rc;
        char z[256];
        snprintf(z, sizeof z, "%s", json_string_value(v));
        for (char *p = z; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (!email_ok(z))
            return err_set(e, KEEL_EINVAL, f->zName,
                           "%s must be an e-mail address such as name@example.com", f->zName);
        json_object_set_new(in, f->zName, json_string(z));
        return 0;
    }
    case FT_INT:
    case FT_REF:
        if (!json_is_integer(v))
            return err_set(e, KEEL_EINVAL, f->zName, "%s must be an integer", f->zName);
        if ((double)json_integer_value(v) < f->min || (double)json_integer_value(v) > f->max)
            return err_set(e, KEEL_EINVAL, f->zName, "%s must be between %.0f and %.0f", f->zName,
                           f->min, f->max);
        return 0;
    case FT_REAL: {
        if (!json_is_number(v))
            return err_set(e, KEEL_EINVAL, f->zName, "%s must be a number", f->zName);
        double d = json_number_value(v);
        if (!isfinite(d) || d < f->min || d > f->max)
            return err_set(e, KEEL_EINVAL, f->zName, "%s must be between %g and %g", f->zName,
                           f->min, f->max);
        return 0;
    }
    case FT_BOOL:
        if (!json_is_boolean(v))
            return err_set(e, KEEL_EINVAL, f->zName, "%s must be true or false", f->zName);
        return 0;
    case FT_ENUM:
        enum_list(f->azEnum, zList, sizeof zList);
        if (!json_is_string(v) || resource_enum_index(f->azEnum, json_string_value(v)) < 0)
            return err_set(e, KEEL_EINVAL, f->zName, "%s must be one of %s", f->zName, zList);
        return 0;
    case FT_SET: {
        enum_list(f->azEnum, zList, sizeof zList);
        if (!json_is_array(v))
            return err_set(e, KEEL_EINVAL, f->zName, "%s must be an array of %s", f->zName, zList);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (!json_is_string(x) || resource_enum_index(f->azEnum, json_string_value(x)) < 0)
                return err_set(e, KEEL_EINVAL, f->zName, "%s[%zu] must be one of %s", f->zName, i,
                               zList);
            for (size_t k = 0; k < i; k++)
                if (json_equal(json_array_get(v, k), x))
                    return err_set(e, KEEL_EINVAL, f->zName, "%s lists '%s' twice", f->zName,
                                   json_string_value(x));
        }
        return 0;
    }
    case FT_DATE: {
        int64_t t;
        if (!json_is_string(v) || json_string_length(v) != 10 ||
            time_parse_iso(json_string_value(v), &t))
            return err_set(e, KEEL_EINVAL, f->zName, "%s must be a date such as 2026-12-31",
                           f->zName);
        return 0;
    }
    case FT_PERIOD: {
        Period p;
        if (!json_is_string(v) || period_parse(json_string_value(v), 1, &p))
            return err_set(e, KEEL_EINVAL, f->zName,
                           "%s must be a period: a fiscal quarter such as 2026Q3 or a month "
                           "such as 2026-09",
                           f->zName);
        return 0;
    }
    case FT_TIME: {
        int64_t t;
        if (!json_is_string(v) || time_parse_iso(json_string_value(v), &t))
            return err_set(e, KEEL_EINVAL, f->zName,
                           "%s must be a UTC time such as 2026-12-31T00:00:00Z or a date "
                           "2026-12-31",
                           f->zName);
        char z[32];
        time_iso(t, z, sizeof z);
        json_object_set_new(in, f->zName, json_string(z));
        return 0;
    }
    }
    return err_set(e, KEEL_EINTERNAL, f->zName, "unknown field type");
}

int resource_validate(const ResourceDef *r, json_t *in, int bCreate, KeelError *e) {
    const char *zKey;
    json_t *v;
    void *tmp;
    if (json_object_size(in) == 0 && !bCreate)
        return err_set(e, KEEL_EINVAL, "", "the body names no field to change");
    json_object_foreach_safe(in, tmp, zKey, v) {
        const FieldDef *f = resource_field(r, zKey);
        if (!f || (f->flags & F_SECRET))
            return err_set(e, KEEL_EINVAL, zKey, "unknown field '%.60s' for a %s", zKey, r->zName);
        if (f->flags & F_READONLY)
            return err_set(e, KEEL_EINVAL, zKey, "%s is set by the server and cannot be given",
                           zKey);
        int rc = validate_field(f, in, v, e);
        if (rc) return rc;
    }
    if (bCreate) {
        for (int i = 0; i < r->nField; i++) {
            const FieldDef *f = &r->aField[i];
            if ((f->flags & F_REQUIRED) && !json_object_get(in, f->zName))
                return err_set(e, KEEL_EINVAL, f->zName, "%s is required", f->zName);
        }
    }
    return 0;
}

int resource_create(Db *db, const Principal *who, const ResourceDef *r, json_t *in, int64_t *pId,
                    KeelError *e) {
    int rc = resource_validate(r, in, 1, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_create(db, r, &a, in, pId, e);
}

int resource_update(Db *db, const Principal *who, const ResourceDef *r, int64_t id, json_t *in,
                    KeelError *e) {
    int rc = resource_validate(r, in, 0, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    return store_crud_update(db, r, &a, id, in, e);
}

int resource_delete(Db *db, const Principal *who, const ResourceDef *r, int64_t id, KeelError *e) {
    Actor a = auth_actor(who);
    return store_crud_delete(db, r, &a, id, e);
}

int resource_get_ref(Db *db, const ResourceDef *r, int64_t id, const char *zField,
                     const char *zWhat, json_t **ppRow, KeelError *e) {
    json_t *row = NULL;
    int rc = store_crud_get(db, r, id, &row);
    if (rc == KEEL_ENOTFOUND)
        return err_set(e, KEEL_EINVAL, zField, "%s %lld does not exist", zWhat, (long long)id);
    if (rc) return rc;
    if (ppRow)
        *ppRow = row;
    else
        json_decref(row);
    return 0;
}

int resource_only_keys(const json_t *in, const char *const *az, KeelError *e) {
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (resource_enum_index(az, zKey) < 0) {
            char zList[200] = "";
            size_t k = 0;
            for (int i = 0; az[i] && k < sizeof zList; i++)
                k += (size_t)snprintf(zList + k, sizeof zList - k, "%s%s", i ? ", " : "", az[i]);
            return err_set(e, KEEL_EINVAL, zKey, "unknown field '%.40s'; send %s", zKey, zList);
        }
    }
    return 0;
}

void resource_row_bools(const ResourceDef *r, json_t *row) {
    for (int i = 0; i < r->nField; i++) {
        const FieldDef *f = &r->aField[i];
        json_t *v = json_object_get(row, f->zName);
        if (f->type == FT_BOOL && json_is_integer(v))
            json_object_set_new(row, f->zName, json_boolean(json_integer_value(v) != 0));
    }
}
