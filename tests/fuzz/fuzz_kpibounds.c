/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness for a KPI's bounds and the checks of values against them
 * (issue 15): the input is a JSON document {min_value, max_value, baseline,
 * target, unit, values: [...]}; the KPI fields go through the field rules
 * (resource_validate, as POST/PATCH /kpis) and the domain's bounds rule
 * (align_kpi_check: bounds in order, baseline and target within), the
 * values through the usual range (align_kpi_usual_range, the "confirm"
 * threshold). Properties checked, any violation traps:
 *  - a KPI the rules accept has min_value <= max_value and its baseline and
 *    target within them; one they refuse names a field;
 *  - align_kpi_value_in_bounds refuses v exactly when v < min or v > max;
 *  - the usual range of finite values is finite, ordered and holds their
 *    median. */
#include "domain/alignment.h"
#include "store/resdef.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *in = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!json_is_object(in)) {
        json_decref(in);
        return 0;
    }
    json_t *values = json_incref(json_object_get(in, "values"));
    json_object_del(in, "values");
    KeelError e;
    memset(&e, 0, sizeof e);
    int rc = resource_validate(&resource_kpi, in, 0, &e);
    if (rc == 0) rc = align_kpi_check(NULL, in, &e);
    const json_t *lo = json_object_get(in, "min_value"), *hi = json_object_get(in, "max_value");
    double l = json_is_number(lo) ? json_number_value(lo) : -INFINITY;
    double u = json_is_number(hi) ? json_number_value(hi) : INFINITY;
    if (rc == 0) {
        if (l > u) __builtin_trap();
        for (const char *const *k = (const char *const[]){"baseline", "target", NULL}; *k; k++) {
            const json_t *x = json_object_get(in, *k);
            if (json_is_number(x) && (json_number_value(x) < l || json_number_value(x) > u))
                __builtin_trap();
        }
    } else if (!e.zMsg[0]) {
        __builtin_trap();
    }
    double a[64];
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(values, i, v) {
        if (!json_is_number(v) || n == 64) continue;
        double x = json_number_value(v);
        KeelError ve;
        memset(&ve, 0, sizeof ve);
        int bad = align_kpi_value_in_bounds(in, "value", x, &ve) != 0;
        if (bad != (x < l || x > u) || (bad && strcmp(ve.zField, "value"))) __builtin_trap();
        if (isfinite(x) && fabs(x) <= 1e15) a[n++] = x;
    }
    double rlo, rhi;
    if (align_kpi_usual_range(a, n, &rlo, &rhi)) {
        qsort(a, n, sizeof *a, cmp);
        double med = n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
        if (!isfinite(rlo) || !isfinite(rhi) || rlo > med || med > rhi) __builtin_trap();
    } else if (n >= KPI_USUAL_MIN_VALUES) {
        __builtin_trap();
    }
    json_decref(values);
    json_decref(in);
    return 0;
}
