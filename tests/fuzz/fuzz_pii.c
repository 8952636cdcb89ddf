/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for engine/pii.c: every line of the input is
 * classified (a copy of exactly its bytes, so reads past the end are
 * caught), and the verdict must agree with the detector it names; the
 * whole input is also profiled as a CSV (profile_csv reads numeric
 * columns again as text) and any "pii" verdict must be a known kind with
 * a share in [0.5, 1]. */
#include "engine/pii.h"
#include "engine/profile.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *z = (const char *)data;
    size_t i = 0;
    while (i <= size) {
        const char *nl = i < size ? memchr(z + i, '\n', size - i) : NULL;
        size_t n = nl ? (size_t)(nl - (z + i)) : size - i;
        char *zLine = malloc(n + 1);
        if (!zLine) return 0;
        memcpy(zLine, z + i, n);
        zLine[n] = 0;
        PiiKind k = pii_classify(zLine, n);
        if (k < PII_NONE || k >= PII_PERSON_NAME) abort();
        if (k == PII_CN_RESIDENT_ID && !pii_cn_resident_id(zLine, n) && n == 18) abort();
        (void)pii_name_column(zLine);
        (void)pii_name_like(zLine, n);
        free(zLine);
        i += n + 1;
    }
    char *zCopy = malloc(size ? size : 1);
    if (!zCopy) return 0;
    memcpy(zCopy, data, size);
    CsvTable *t = NULL;
    ProfileResult *r = NULL;
    EngineError e;
    ProfileOptions o = {.nThread = 1};
    if (profile_csv(zCopy, size, &o, NULL, 0, 0, &t, &r, &e) == 0) {
        for (size_t c = 0; c < r->nCol; c++) {
            const ProfileColumn *pc = &r->aCol[c];
            if (pc->pii && (!pii_kind_name(pc->pii) || pc->piiShare < PII_MIN_SHARE ||
                            pc->piiShare > 1))
                abort();
        }
        profile_result_free(r);
        csv_free(t);
    }
    free(zCopy);
    return 0;
}
