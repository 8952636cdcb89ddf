/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for domain/resource.c: the one input validator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "domain/resource.h"

static int check(const ResourceDef *r, const char *zJson, int bCreate, const char *zField) {
    json_error_t je;
    json_t *j = json_loads(zJson, 0, &je);
    assert_non_null(j);
    KeelError e = {0};
    int rc = resource_validate(r, j, bCreate, &e);
    json_decref(j);
    if (zField && strcmp(e.zField, zField) != 0)
        fail_msg("%s: expected field %s, got %s (%s)", zJson, zField, e.zField, e.zMsg);
    return rc;
}

/* resource-1: a table of inputs and the field each error names */
static void test_cases(void **state) {
    (void)state;
    struct {
        const ResourceDef *r;
        const char *zJson;
        int bCreate;
        int rc;
        const char *zField;
    } a[] = {
        {&resource_unit, "{\"name\":\"A\",\"kind\":\"region\"}", 1, 0, NULL},
        {&resource_unit, "{\"kind\":\"region\"}", 1, KEEL_EINVAL, "name"},
        {&resource_unit, "{\"name\":\"\",\"kind\":\"region\"}", 1, KEEL_EINVAL, "name"},
        {&resource_unit, "{\"name\":\"A\",\"kind\":\"planet\"}", 1, KEEL_EINVAL, "kind"},
        {&resource_unit, "{\"name\":\"A\",\"kind\":\"region\",\"id\":3}", 1, KEEL_EINVAL, "id"},
        {&resource_unit, "{\"name\":\"A\",\"kind\":\"region\",\"x\":3}", 1, KEEL_EINVAL, "x"},
        {&resource_unit, "{\"parent_id\":null}", 0, 0, NULL},
        {&resource_unit, "{\"parent_id\":1.5}", 0, KEEL_EINVAL, "parent_id"},
        {&resource_unit, "{}", 0, KEEL_EINVAL, ""},
        {&resource_person, "{\"name\":\"P\",\"capacity_fte\":1.5}", 1, 0, NULL},
        {&resource_person, "{\"name\":\"P\",\"capacity_fte\":-0.1}", 1, KEEL_EINVAL,
         "capacity_fte"},
        {&resource_person, "{\"name\":\"P\",\"skills\":\"ml_engineer\"}", 1, KEEL_EINVAL, "skills"},
        {&resource_person, "{\"name\":\"P\",\"email\":\"a@b\"}", 1, KEEL_EINVAL, "email"},
        {&resource_person, "{\"name\":\"P\",\"email\":\"a@@b.c\"}", 1, KEEL_EINVAL, "email"},
        {&resource_person, "{\"name\":\"P\",\"email\":\"A@B.co\"}", 1, 0, NULL},
        {&resource_account,
         "{\"email\":\"a@b.co\",\"name\":\"A\",\"role\":\"admin\",\"password_hash\":\"x\"}", 1,
         KEEL_EINVAL, "password_hash"},
        {&resource_api_token, "{\"name\":\"t\",\"scope\":\"read\",\"expires_at\":\"2027-02-30\"}",
         1, KEEL_EINVAL, "expires_at"},
        {&resource_api_token, "{\"name\":\"t\",\"scope\":\"read\",\"expires_at\":\"2027-02-28\"}",
         1, 0, NULL},
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        int rc = check(a[i].r, a[i].zJson, a[i].bCreate, a[i].zField);
        if (rc != a[i].rc)
            fail_msg("case %zu (%s): rc %d, expected %d", i, a[i].zJson, rc, a[i].rc);
    }
}

/* resource-2: emails are lower-cased, dates normalised to timestamps */
static void test_normalise(void **state) {
    (void)state;
    json_t *j = json_pack("{ss ss}", "name", "P", "email", "Ann.Lee@Example.COM");
    KeelError e = {0};
    assert_int_equal(resource_validate(&resource_person, j, 1, &e), 0);
    assert_string_equal(json_string_value(json_object_get(j, "email")), "ann.lee@example.com");
    json_decref(j);
    j = json_pack("{ss ss ss}", "name", "t", "scope", "read", "expires_at", "2027-01-02");
    assert_int_equal(resource_validate(&resource_api_token, j, 1, &e), 0);
    assert_string_equal(json_string_value(json_object_get(j, "expires_at")),
                        "2027-01-02T00:00:00Z");
    json_decref(j);
}

/* resource-3: a plain SELECT's 0/1 in FT_BOOL fields become JSON booleans;
 * other fields, nulls and booleans already there are left alone */
static void test_row_bools(void **state) {
    (void)state;
    json_t *j = json_pack("{sI sI ss sn}", "department_head", (json_int_t)1, "id", (json_int_t)7,
                          "name", "Ann", "email");
    resource_row_bools(&resource_person, j);
    assert_true(json_is_true(json_object_get(j, "department_head")));
    assert_true(json_is_integer(json_object_get(j, "id")));
    assert_true(json_is_null(json_object_get(j, "email")));
    json_object_set_new(j, "department_head", json_integer(0));
    resource_row_bools(&resource_person, j);
    assert_true(json_is_false(json_object_get(j, "department_head")));
    resource_row_bools(&resource_person, j);
    assert_true(json_is_false(json_object_get(j, "department_head")));
    json_decref(j);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_row_bools),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
