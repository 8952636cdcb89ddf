/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the agreement rule of shared definitions
 * (domain/definition.c, definition_agreement), by table (defagr-N): the
 * departments that use a definition, its current version, the stances
 * recorded (of any version), and the status and each department's state
 * worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "domain/definition.h"

enum { M = DEF_MISSING, S = DEF_SIGNED, D = DEF_DISPUTED };
enum { UN = DEF_UNAGREED, AG = DEF_AGREED, DI = DEF_DISPUTE };

typedef struct Row {
    const char *zCase;
    int nDept;
    int64_t aDept[4];
    int version;
    int n;
    DefStance a[6];
    int status;
    int aState[4];
} Row;

static const Row aRow[] = {
    /* no department named: nothing can agree it */
    {"defagr-1.1", 0, {0}, 1, 0, {{0}}, UN, {0}},
    /* one department, not yet signed */
    {"defagr-1.2", 1, {10}, 1, 0, {{0}}, UN, {M}},
    /* one department signed the current version: agreed */
    {"defagr-1.3", 1, {10}, 1, 1, {{10, 1, S}}, AG, {S}},
    /* two departments, one signed: unagreed, the other missing */
    {"defagr-1.4", 2, {10, 20}, 1, 1, {{10, 1, S}}, UN, {S, M}},
    /* both signed: agreed */
    {"defagr-1.5", 2, {10, 20}, 1, 2, {{10, 1, S}, {20, 1, S}}, AG, {S, S}},
    /* both signed version 1, the definition is now at version 2: the
     * signatures were of the old text, so nobody has signed */
    {"defagr-2.1", 2, {10, 20}, 2, 2, {{10, 1, S}, {20, 1, S}}, UN, {M, M}},
    /* version 2: one signed it again */
    {"defagr-2.2", 2, {10, 20}, 2, 3, {{10, 1, S}, {20, 1, S}, {10, 2, S}}, UN, {S, M}},
    /* version 2 signed by both: agreed */
    {"defagr-2.3", 2, {10, 20}, 2, 4, {{10, 1, S}, {20, 1, D}, {10, 2, S}, {20, 2, S}}, AG, {S, S}},
    /* a dispute of version 1 does not carry over to version 2 */
    {"defagr-2.4", 2, {10, 20}, 2, 2, {{20, 1, D}, {10, 2, S}}, UN, {S, M}},
    /* one dispute on the current version: disputed, whatever else signed */
    {"defagr-3.1", 3, {10, 20, 30}, 1, 3, {{10, 1, S}, {20, 1, D}, {30, 1, S}}, DI, {S, D, S}},
    /* a dispute and a missing signature: disputed */
    {"defagr-3.2", 3, {10, 20, 30}, 1, 1, {{20, 1, D}}, DI, {M, D, M}},
    /* a stance of a department that no longer uses it is ignored */
    {"defagr-4.1", 1, {10}, 1, 2, {{10, 1, S}, {99, 1, D}}, AG, {S}},
    /* the later stance of a department replaces its earlier one */
    {"defagr-4.2", 1, {10}, 1, 2, {{10, 1, D}, {10, 1, S}}, AG, {S}},
};

static void test_table(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof aRow / sizeof aRow[0]; i++) {
        const Row *r = &aRow[i];
        int aState[4] = {-1, -1, -1, -1};
        int status = definition_agreement(r->aDept, r->nDept, r->version, r->a, r->n, aState);
        if (status != r->status)
            fail_msg("%s: status %s, want %s", r->zCase, definition_status_name(status),
                     definition_status_name(r->status));
        for (int k = 0; k < r->nDept; k++)
            if (aState[k] != r->aState[k])
                fail_msg("%s: department %d state %d, want %d", r->zCase, k, aState[k],
                         r->aState[k]);
    }
    assert_string_equal(definition_status_name(AG), "agreed");
    assert_string_equal(definition_status_name(DI), "disputed");
    assert_string_equal(definition_status_name(UN), "unagreed");
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_table)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
