/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for engine/abtest: the input is a JSON spec, optionally
 * followed by a NUL byte and a CSV of units. Any bytes must give either a
 * result (an object with a verdict, whose JSON text holds no NaN) or
 * KEEL_EINVAL with a message; never a crash, a leak or another code. */
#include "engine/abtest.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *z = (const char *)data;
    const char *zNul = memchr(z, 0, size);
    size_t nSpec = zNul ? (size_t)(zNul - z) : size;
    json_t *spec = json_loadb(z, nSpec, JSON_REJECT_DUPLICATES, NULL);
    if (!spec) return 0;
    json_t *out = NULL;
    EngineError e;
    int rc =
        abtest_run_json(spec, zNul ? zNul + 1 : NULL, zNul ? size - nSpec - 1 : 0, 1, 0, &out, &e);
    if (rc == 0) {
        if (!json_is_object(json_object_get(out, "verdict"))) abort();
        char *zOut = json_dumps(out, 0);
        if (!zOut) abort();
        free(zOut);
    } else if (rc != KEEL_EINVAL || !e.zMsg[0] || out) {
        abort();
    }
    json_decref(out);
    json_decref(spec);
    return 0;
}
