/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for engine/fairness: the input is a JSON spec, a NUL
 * byte and a CSV of predictions. Any bytes must give either a result (an
 * object with a verdict) or KEEL_EINVAL with a message naming what is
 * wrong; never a crash, a leak or another code. */
#include "engine/fairness.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *z = (const char *)data;
    const char *zNul = memchr(z, 0, size);
    if (!zNul) return 0;
    size_t nSpec = (size_t)(zNul - z);
    json_t *spec = json_loadb(z, nSpec, JSON_REJECT_DUPLICATES, NULL);
    if (!spec) return 0;
    json_t *out = NULL;
    EngineError e;
    int rc = fairness_run_json(spec, zNul + 1, size - nSpec - 1, 1, 0, &out, &e);
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
