/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness for the KPI values CSV parser (align_values_from_csv) and
 * the period parser it feeds. */
#include "domain/alignment.h"
#include "util/period.h"
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *rows = NULL, *lines = NULL, *errs = NULL;
    KeelError e;
    if (align_values_from_csv((const char *)data, size, &rows, &lines, &errs, &e) == 0) {
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r) {
            const char *z = json_string_value(json_object_get(r, "period"));
            Period p;
            for (int m = 1; z && m <= 12; m++)
                period_parse(z, m, &p);
        }
    }
    json_decref(rows);
    json_decref(lines);
    json_decref(errs);
    char z[16];
    size_t n = size < sizeof z - 1 ? size : sizeof z - 1;
    memcpy(z, data, n);
    z[n] = 0;
    Period p;
    period_parse(z, 4, &p);
    return 0;
}
