/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for engine/rulepack.c: any bytes that parse as JSON
 * are checked as a rule pack and as a working-day calendar; a pack the
 * checker accepts must then evaluate every obligation's conditions against
 * a fixed set of flags without fault, and an accepted calendar must count
 * working days from every listed date (or say which year it lacks). */
#include "engine/rulepack.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!j) return 0;
    EngineError e = {0};
    if (rulepack_check(j, &e) == 0) {
        json_t *flags = json_pack("{ss sb sb s[ss] s[s] sn}", "risk_tier", "high", "personal_data",
                                  1, "generative", 0, "jurisdictions", "eu", "cn",
                                  "algorithm_types", "ranking", "ethics_domain");
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(j, "obligations"), i, o) {
            json_t *why = json_array();
            int r = rulepack_applies(json_object_get(o, "applies"), flags, why);
            if (r != 0 && r != 1) abort();
            if (!r && json_array_size(why)) abort(); /* no reasons for what does not apply */
            /* and a reason not to exactly when it does not apply */
            json_t *whyNot = json_array();
            rulepack_why_not(json_object_get(o, "applies"), flags, whyNot);
            if (r != (json_array_size(whyNot) == 0)) abort();
            json_decref(whyNot);
            json_decref(why);
        }
        json_decref(flags);
    } else if (!e.zMsg[0]) {
        abort(); /* a refusal always says why */
    }
    EngineError ce = {0};
    if (workdays_check(j, &ce) == 0) {
        const char *zYear;
        json_t *y;
        json_object_foreach(json_object_get(j, "years"), zYear, y) {
            size_t i;
            json_t *d;
            json_array_foreach(json_object_get(y, "holidays"), i, d) {
                char z[16];
                int year = 0;
                int rc = workdays_add(j, json_string_value(d), 15, z, sizeof z, &year);
                if (rc && rc != KEEL_ENOTFOUND) abort();
                if (rc == 0 && strcmp(z, json_string_value(d)) <= 0) abort();
            }
        }
    }
    json_decref(j);
    return 0;
}
