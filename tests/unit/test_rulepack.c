/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/rulepack.c: the shipped packs and the working-day
 * table are valid; broken packs are refused at the JSON path of the fault;
 * conditions apply with their reasons; Chinese working days counted across
 * the 2025 and 2026 National Day and Spring Festival weeks with their
 * make-up working days (dates worked out by hand from the State Council
 * tables in data/rules/cn_workdays.json); a count into a year without a
 * table is refused, never guessed; month arithmetic clamps to month ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "engine/rulepack.h"

extern const unsigned char rules_eu_ai_act_json[], rules_china_json[], rules_nist_ai_rmf_json[],
    rules_iso42001_json[], rules_cn_workdays_json[];
extern const unsigned int rules_eu_ai_act_json_len, rules_china_json_len,
    rules_nist_ai_rmf_json_len, rules_iso42001_json_len, rules_cn_workdays_json_len;

static json_t *load(const unsigned char *z, unsigned int n) {
    json_t *j = json_loadb((const char *)z, n, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(j);
    return j;
}

static void test_shipped_packs_valid(void **state) {
    (void)state;
    const struct {
        const unsigned char *z;
        const unsigned int *n;
    } a[] = {{rules_eu_ai_act_json, &rules_eu_ai_act_json_len},
             {rules_china_json, &rules_china_json_len},
             {rules_nist_ai_rmf_json, &rules_nist_ai_rmf_json_len},
             {rules_iso42001_json, &rules_iso42001_json_len}};
    for (size_t i = 0; i < 4; i++) {
        json_t *p = load(a[i].z, *a[i].n);
        EngineError e = {0};
        int rc = rulepack_check(p, &e);
        if (rc) fail_msg("pack %zu refused: %s", i, e.zMsg);
        json_decref(p);
    }
    json_t *cal = load(rules_cn_workdays_json, rules_cn_workdays_json_len);
    EngineError e = {0};
    assert_int_equal(workdays_check(cal, &e), 0);
    assert_non_null(json_object_get(json_object_get(cal, "years"), "2025"));
    assert_non_null(json_object_get(json_object_get(cal, "years"), "2026"));
    json_decref(cal);
}

/* Each mutation of a valid pack, and the path the refusal must name. */
static void test_broken_packs(void **state) {
    (void)state;
    static const struct {
        const char *zJsonPatch; /* a JSON object merged into obligations[0] ("o:") or the pack */
        const char *zPath;
    } aCase[] = {
        {"{\"pack\": 7}", "pack"},
        {"{\"kind\": \"guideline\"}", "kind"},
        {"{\"published\": \"2026-13-01\"}", "published"},
        {"{\"title\": {\"en\": \"only English\"}}", "title"},
        {"{\"obligations\": []}", "obligations"},
        {"o:{\"applies\": {\"all\": [{\"flag\": \"colour\", \"is\": true}]}}",
         "obligations[0].applies.all[0].flag"},
        {"o:{\"applies\": {\"all\": [{\"flag\": \"generative\", \"equals\": true}]}}",
         "obligations[0].applies.all[0].equals"},
        {"o:{\"applies\": {\"some\": []}}", "obligations[0].applies.some"},
        {"o:{\"due\": {\"event\": \"launch\", \"working_days\": 10, \"calendar_days\": 3}}",
         "obligations[0].due"},
        {"o:{\"due\": {\"event\": \"birthday\", \"calendar_days\": 3}}",
         "obligations[0].due.event"},
        {"o:{\"due\": {\"every_months\": 0, \"from\": \"last_review\"}}",
         "obligations[0].due.every_months"},
        {"o:{\"evidence\": null}", "obligations[0].gate"},
        {"o:{\"gate\": \"party\"}", "obligations[0].gate"},
        {"o:{\"verified\": \"yes\"}", "obligations[0].verified"},
        {"o:{\"id\": \"eu.art10\"}", "obligations[1].id"}, /* the second of the two */
    };
    for (size_t i = 0; i < sizeof aCase / sizeof aCase[0]; i++) {
        json_t *p = load(rules_eu_ai_act_json, rules_eu_ai_act_json_len);
        /* obligations[0] must feed a gate for the evidence case: use art9 */
        json_t *obs = json_object_get(p, "obligations");
        json_array_remove(obs, 0); /* art5 */
        json_array_remove(obs, 0); /* art6: art9 is first now */
        const char *z = aCase[i].zJsonPatch;
        int bOb = strncmp(z, "o:", 2) == 0;
        json_t *patch = json_loads(bOb ? z + 2 : z, 0, NULL);
        assert_non_null(patch);
        if (bOb && strstr(z, "\"id\": \"eu.art10\"")) {
            json_object_update(json_array_get(obs, 0), patch);
        } else {
            json_object_update(bOb ? json_array_get(obs, 0) : p, patch);
        }
        EngineError e = {0};
        int rc = rulepack_check(p, &e);
        if (rc != KEEL_EINVAL || strcmp(e.zField, aCase[i].zPath) != 0)
            fail_msg("case %zu: rc %d field '%s' (want '%s'): %s", i, rc, e.zField, aCase[i].zPath,
                     e.zMsg);
        assert_non_null(strstr(e.zMsg, aCase[i].zPath));
        json_decref(patch);
        json_decref(p);
    }
}

static json_t *ob(json_t *pack, const char *zId) {
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(pack, "obligations"), i,
                       o) if (strcmp(json_string_value(json_object_get(o, "id")), zId) ==
                              0) return o;
    fail_msg("no obligation %s", zId);
    return NULL;
}

static void test_applies(void **state) {
    (void)state;
    json_t *eu = load(rules_eu_ai_act_json, rules_eu_ai_act_json_len);
    json_t *cn = load(rules_china_json, rules_china_json_len);
    json_t *hp =
        json_pack("{ss ss sb sb s[] sn}", "risk_tier", "high", "eu_role", "provider",
                  "public_facing", 0, "generative", 0, "algorithm_types", "annex_iii_area");
    json_t *why = json_array();
    /* Art. 9: high-risk providers */
    assert_int_equal(rulepack_applies(json_object_get(ob(eu, "eu.art9"), "applies"), hp, why), 1);
    assert_int_equal(json_array_size(why), 2);
    assert_string_equal(json_string_value(json_array_get(why, 0)), "risk_tier is high");
    assert_string_equal(json_string_value(json_array_get(why, 1)), "eu_role is provider");
    /* Art. 26: deployers only; why not, in the flag's words */
    assert_int_equal(rulepack_applies(json_object_get(ob(eu, "eu.art26"), "applies"), hp, NULL), 0);
    json_t *whyNot = json_array();
    rulepack_why_not(json_object_get(ob(eu, "eu.art26"), "applies"), hp, whyNot);
    assert_int_equal(json_array_size(whyNot), 1);
    assert_string_equal(json_string_value(json_array_get(whyNot, 0)),
                        "eu_role is not one of deployer, both");
    /* what applies has no reason not to */
    json_array_clear(whyNot);
    rulepack_why_not(json_object_get(ob(eu, "eu.art9"), "applies"), hp, whyNot);
    assert_int_equal(json_array_size(whyNot), 0);
    /* Art. 49: needs an Annex III area */
    assert_int_equal(rulepack_applies(json_object_get(ob(eu, "eu.art49"), "applies"), hp, NULL), 0);
    json_object_set_new(hp, "annex_iii_area", json_string("credit"));
    assert_int_equal(rulepack_applies(json_object_get(ob(eu, "eu.art49"), "applies"), hp, NULL), 1);
    /* Art. 50: any of public facing or generative; neither holds, both said */
    assert_int_equal(rulepack_applies(json_object_get(ob(eu, "eu.art50"), "applies"), hp, NULL), 0);
    rulepack_why_not(json_object_get(ob(eu, "eu.art50"), "applies"), hp, whyNot);
    assert_int_equal(json_array_size(whyNot), 2);
    assert_string_equal(json_string_value(json_array_get(whyNot, 0)), "public_facing is false");
    assert_string_equal(json_string_value(json_array_get(whyNot, 1)), "generative is false");
    json_decref(whyNot);
    json_object_set_new(hp, "generative", json_true());
    assert_int_equal(rulepack_applies(json_object_get(ob(eu, "eu.art50"), "applies"), hp, NULL), 1);
    /* algorithm filing: public, opinion capacity and an algorithm type, all three */
    json_t *f = json_pack("{sb sb s[s]}", "public_facing", 1, "public_opinion", 0,
                          "algorithm_types", "personalised_push");
    assert_int_equal(rulepack_applies(json_object_get(ob(cn, "cn.algo24"), "applies"), f, NULL), 0);
    json_object_set_new(f, "public_opinion", json_true());
    json_array_clear(why);
    assert_int_equal(rulepack_applies(json_object_get(ob(cn, "cn.algo24"), "applies"), f, why), 1);
    assert_string_equal(json_string_value(json_array_get(why, 2)), "algorithm_types is set");
    /* the generative-AI filing for own models, registration for callers */
    json_t *g =
        json_pack("{sb sb ss}", "generative", 1, "public_facing", 1, "model_source", "third_party");
    assert_int_equal(
        rulepack_applies(json_object_get(ob(cn, "cn.genai.filing"), "applies"), g, NULL), 0);
    assert_int_equal(
        rulepack_applies(json_object_get(ob(cn, "cn.genai.registration"), "applies"), g, NULL), 1);
    json_decref(g);
    json_decref(f);
    json_decref(why);
    json_decref(hp);
    json_decref(eu);
    json_decref(cn);
}

static void wd(const json_t *cal, const char *zFrom, int n, const char *zWant) {
    char z[16];
    int year = 0;
    int rc = workdays_add(cal, zFrom, n, z, sizeof z, &year);
    if (rc || strcmp(z, zWant) != 0)
        fail_msg("%s + %d working days: rc %d, %s (want %s)", zFrom, n, rc, rc ? "-" : z, zWant);
}

static void test_working_days(void **state) {
    (void)state;
    json_t *cal = load(rules_cn_workdays_json, rules_cn_workdays_json_len);
    /* launch Mon 2026-09-28: Sep 29, 30 (1, 2); Oct 1-7 holiday; Thu 8, Fri 9
     * (3, 4); Sat 10 make-up (5); Mon 12 .. Fri 16 (6..10) */
    wd(cal, "2026-09-28", 10, "2026-10-16");
    /* Fri 2025-09-26: Sun 28 make-up (1), Mon 29, Tue 30 (2, 3); Oct 1-8
     * holiday; Thu 9, Fri 10 (4, 5); Sat 11 make-up (6); Mon 13 .. Thu 16 */
    wd(cal, "2025-09-26", 10, "2025-10-16");
    /* Spring Festival 2026: Sat Feb 14 works (1); Feb 15-23 off; Tue 24 (2) */
    wd(cal, "2026-02-13", 1, "2026-02-14");
    wd(cal, "2026-02-13", 2, "2026-02-24");
    /* an ordinary week: Fri + 1 = Mon */
    wd(cal, "2026-03-06", 1, "2026-03-09");
    /* zero days: the day itself */
    wd(cal, "2026-03-07", 0, "2026-03-07");
    /* 20 from Mon 2026-04-27: Apr 28-30 (3); May 1-5 off; May 6-8 (6); Sat 9
     * works (7); May 11-15 (12), 18-22 (17), 25, 26, 27 (20) */
    wd(cal, "2026-04-27", 20, "2026-05-27");
    /* into 2027, which has no table: refused, with the year */
    char z[16];
    int year = 0;
    assert_int_equal(workdays_add(cal, "2026-12-28", 10, z, sizeof z, &year), KEEL_ENOTFOUND);
    assert_int_equal(year, 2027);
    assert_int_equal(workdays_add(cal, "2026-02-30", 1, z, sizeof z, &year), KEEL_EINVAL);
    json_decref(cal);
}

static void test_dates(void **state) {
    (void)state;
    char z[16];
    assert_int_equal(date_add_months("2026-01-31", 1, z, sizeof z), 0);
    assert_string_equal(z, "2026-02-28");
    assert_int_equal(date_add_months("2024-01-31", 1, z, sizeof z), 0);
    assert_string_equal(z, "2024-02-29");
    assert_int_equal(date_add_months("2026-11-07", 12, z, sizeof z), 0);
    assert_string_equal(z, "2027-11-07");
    assert_int_equal(date_add_days("2026-12-20", 15, z, sizeof z), 0);
    assert_string_equal(z, "2027-01-04");
    assert_int_equal(date_add_days("2026-1-1", 1, z, sizeof z), KEEL_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_packs_valid),
        cmocka_unit_test(test_broken_packs),
        cmocka_unit_test(test_applies),
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
