/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engines' one error convention. Every engine function that can refuse
 * its input returns 0 or a negative KEEL_E* (util/err.h) and, when it
 * refuses, fills an optional EngineError *pErr (NULL: no detail wanted):
 * the input field at fault, the line and field number of a text input
 * where known, and one sentence saying what is wrong and how to fix it.
 * Out-parameters are untouched (or NULL) on failure. Callers turn it into
 * their own form: a KeelError for the API's envelope (domain/), or a line
 * on stderr (cli/). No engine returns NULL, sets errno or hands back a
 * bare message buffer to report an error. */
#ifndef KEEL_ENGINE_ENGINE_ERR_H
#define KEEL_ENGINE_ENGINE_ERR_H
#include <stdarg.h>
#include <stddef.h>

typedef struct EngineError {
    char zField[96]; /* the input at fault: a spec field ("arms[0].units"),
                      * "data", "model", "label", a column; "" when the
                      * fault is not one field's */
    size_t iLine;    /* 1-based line of a text input (CSV, NDJSON), or 0 */
    size_t iCol;     /* 1-based field number on that line, or 0 */
    char zMsg[256];  /* what is wrong and how to fix it, one sentence */
} EngineError;

/* Clear *pErr (may be NULL): no field, no place, no message. */
void engine_err_clear(EngineError *pErr);

/* Fill *pErr (may be NULL) with zField (NULL: "") and a printf-style
 * message, the line and column cleared; returns rc, so that callers write
 * `return engine_fail(pErr, KEEL_EINVAL, "model", "...")`. */
int engine_fail(EngineError *pErr, int rc, const char *zField, const char *zFmt, ...)
    __attribute__((format(printf, 4, 5)));
int engine_vfail(EngineError *pErr, int rc, const char *zField, const char *zFmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

#endif
