/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading analysis specs from JSON with errors that name the field. See
 * jspec.h. */
#include "engine/jspec.h"
#include "util/err.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Record the field and message; always returns KEEL_EINVAL. */
int jspec_fail(EngineError *pErr, const char *zField, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    engine_vfail(pErr, KEEL_EINVAL, zField, zFmt, ap);
    va_end(ap);
    return KEEL_EINVAL;
}

int jspec_load(const char *z, size_t n, const char *zField, const char *zWhat, json_t **pRoot,
               EngineError *pErr) {
    json_error_t jerr;
    *pRoot = json_loadb(z, n, JSON_REJECT_DUPLICATES, &jerr);
    if (*pRoot) return 0;
    return engine_fail(pErr, KEEL_EINVAL, zField,
                       "the %s is not valid JSON (line %d, column %d: %s)", zWhat, jerr.line,
                       jerr.column, jerr.text);
}

/* Join an object path and a key into z ("a.b", or "b" at the top level). */
static const char *jspec_path(char *z, size_t n, const char *zPath, const char *zKey) {
    if (zPath && zPath[0])
        snprintf(z, n, "%s.%s", zPath, zKey);
    else
        snprintf(z, n, "%s", zKey);
    return z;
}

/* Number zKey of o: 1 with the value in *pGot when present, 0 with
 * *pX = def when absent or null, KEEL_EINVAL (*pX untouched) when not a
 * number. zF (128 bytes) gets the path. */
static int jspec_num(const json_t *o, const char *zKey, const char *zPath, double def, char *zF,
                     double *pX, double *pGot, EngineError *pErr) {
    jspec_path(zF, 128, zPath, zKey);
    json_t *v = o ? json_object_get(o, zKey) : NULL;
    if (!v || json_is_null(v)) {
        *pX = def;
        return 0;
    }
    if (!json_is_number(v)) return jspec_fail(pErr, zF, "must be a number");
    *pGot = json_number_value(v);
    return 1;
}

/* A number with a range check; see jspec.h. */
int jspec_number(const json_t *o, const char *zKey, const char *zPath, double def, double lo,
                 double hi, int openLo, int openHi, double *pX, EngineError *pErr) {
    char zF[128];
    double x = 0;
    int rc = jspec_num(o, zKey, zPath, def, zF, pX, &x, pErr);
    if (rc <= 0) return rc;
    if (!isfinite(x) || x < lo || x > hi || (openLo && x == lo) || (openHi && x == hi))
        return jspec_fail(pErr, zF, "must be in %s%g, %g%s (got %g)", openLo ? "(" : "[", lo, hi,
                          openHi ? ")" : "]", x);
    *pX = x;
    return 0;
}

/* A whole non-negative count; see jspec.h. */
int jspec_count(const json_t *o, const char *zKey, const char *zPath, double def, double *pX,
                EngineError *pErr) {
    char zF[128];
    double x = 0;
    int rc = jspec_num(o, zKey, zPath, def, zF, pX, &x, pErr);
    if (rc <= 0) return rc;
    if (!isfinite(x) || x < 0) return jspec_fail(pErr, zF, "must not be negative (got %g)", x);
    if (x != floor(x) || x > 9007199254740992.0)
        return jspec_fail(pErr, zF, "must be a whole number (got %g)", x);
    *pX = x;
    return 0;
}

/* A non-empty string; see jspec.h. */
int jspec_string(const json_t *o, const char *zKey, const char *zPath, const char *def,
                 const char **pz, EngineError *pErr) {
    char zF[128];
    json_t *v = o ? json_object_get(o, zKey) : NULL;
    if (!v || json_is_null(v)) {
        *pz = def;
        return 0;
    }
    if (!json_is_string(v) || json_string_length(v) == 0)
        return jspec_fail(pErr, jspec_path(zF, sizeof zF, zPath, zKey),
                          "must be a non-empty string");
    *pz = json_string_value(v);
    return 0;
}

/* A boolean; see jspec.h. */
int jspec_bool(const json_t *o, const char *zKey, const char *zPath, int def, int *pb,
               EngineError *pErr) {
    char zF[128];
    json_t *v = o ? json_object_get(o, zKey) : NULL;
    if (!v || json_is_null(v)) {
        *pb = def;
        return 0;
    }
    if (!json_is_boolean(v))
        return jspec_fail(pErr, jspec_path(zF, sizeof zF, zPath, zKey), "must be true or false");
    *pb = json_is_true(v);
    return 0;
}

/* Reject unknown keys; see jspec.h. */
int jspec_only(const json_t *o, const char *zPath, const char *const *azKnown, EngineError *pErr) {
    char zF[128];
    if (!json_is_object(o))
        return jspec_fail(pErr, zPath && zPath[0] ? zPath : "spec", "must be a JSON object");
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)o, zKey, v) {
        int known = 0;
        for (size_t i = 0; azKnown[i] && !known; i++)
            known = strcmp(azKnown[i], zKey) == 0;
        if (!known)
            return jspec_fail(pErr, jspec_path(zF, sizeof zF, zPath, zKey), "is not a known field");
    }
    return 0;
}
