/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engines' error detail: see engine_err.h. */
#include "engine/engine_err.h"
#include <stdio.h>
#include <string.h>

void engine_err_clear(EngineError *pErr) {
    if (pErr) memset(pErr, 0, sizeof *pErr);
}

int engine_vfail(EngineError *pErr, int rc, const char *zField, const char *zFmt, va_list ap) {
    if (!pErr) return rc;
    snprintf(pErr->zField, sizeof pErr->zField, "%s", zField ? zField : "");
    pErr->iLine = pErr->iCol = 0;
    vsnprintf(pErr->zMsg, sizeof pErr->zMsg, zFmt, ap);
    return rc;
}

int engine_fail(EngineError *pErr, int rc, const char *zField, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    engine_vfail(pErr, rc, zField, zFmt, ap);
    va_end(ap);
    return rc;
}
