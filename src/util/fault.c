/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fault injection for tests; see fault.h. */
#include "util/fault.h"
#include "util/err.h"

int fault_kind_armed;
static long nTarget, nSeen;
static int bFired;

void fault_arm(int kind, long n) {
    fault_kind_armed = kind;
    nTarget = n;
    nSeen = 0;
    bFired = 0;
}

long fault_seen(void) { return nSeen; }
int fault_fired(void) { return bFired; }

static int fault_tick(void) {
    if (++nSeen != nTarget) return 0;
    bFired = 1;
    return 1;
}

int fault_alloc_slow(void) { return fault_tick(); }

int fault_db_slow(void) {
    if (!fault_tick()) return 0;
    switch (fault_kind_armed) {
    case FAULT_FULL: return KEEL_EFULL;
    case FAULT_BUSY: return KEEL_EBUSY;
    default: return KEEL_EIO;
    }
}
