/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading an analysis spec (a JSON object handed to an engine by the CLI or
 * an API handler) with errors that name the offending field. Each reader
 * takes the object, a key and the field path to name in an error (such as
 * "arms[1].units"), applies a default when the key is absent, checks the
 * type and the range, and fills an EngineError on failure. An API handler
 * maps a failure to HTTP 400 with the envelope's "field" set to zField; the
 * CLI prints "zField: zMsg" and exits 2. Pure; no I/O. */
#ifndef KEEL_ENGINE_JSPEC_H
#define KEEL_ENGINE_JSPEC_H
#include "engine/engine_err.h"
#include <jansson.h>

/* engine_fail(pErr, KEEL_EINVAL, zField, ...): a spec field is wrong;
 * returns KEEL_EINVAL so callers can write `return jspec_fail(...)`. */
int jspec_fail(EngineError *pErr, const char *zField, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parse n bytes at z (need not be NUL-terminated; duplicate keys refused)
 * into *pRoot (caller releases). On bad JSON: KEEL_EINVAL with field zField
 * and "the <zWhat> is not valid JSON (line L, column C: ...)"; *pRoot is
 * NULL. */
int jspec_load(const char *z, size_t n, const char *zField, const char *zWhat, json_t **pRoot,
               EngineError *pErr);

/* Read number `zKey` of object o into *pX: *pX = def when absent or null;
 * otherwise it must be a JSON number with lo <= x <= hi (bounds inclusive
 * unless openLo/openHi). zPath names the field in errors. */
int jspec_number(const json_t *o, const char *zKey, const char *zPath, double def, double lo,
                 double hi, int openLo, int openHi, double *pX, EngineError *pErr);

/* Read a non-negative whole number `zKey` (a JSON integer, or a real with no
 * fractional part) of at most 2^53 into *pX; def when absent. */
int jspec_count(const json_t *o, const char *zKey, const char *zPath, double def, double *pX,
                EngineError *pErr);

/* Read string `zKey` into *pz (borrowed from o; NULL or def when absent). A
 * present value must be a non-empty string. */
int jspec_string(const json_t *o, const char *zKey, const char *zPath, const char *def,
                 const char **pz, EngineError *pErr);

/* Read boolean `zKey` into *pb (def when absent). */
int jspec_bool(const json_t *o, const char *zKey, const char *zPath, int def, int *pb,
               EngineError *pErr);

/* Fail when object o has a key not listed in azKnown (NULL-terminated):
 * catches typos such as "alpah". zPath is the object's own path ("" for
 * the top level). Also fails when o is not an object. */
int jspec_only(const json_t *o, const char *zPath, const char *const *azKnown, EngineError *pErr);

#endif
