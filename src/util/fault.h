/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fault injection for tests, as SQLite tests itself: a test arms one kind
 * of fault for the Nth event of that kind (an allocation, a store call) and
 * checks that keel answers a clear error, keeps the database intact and
 * does not crash; then N+1, until the operation runs without reaching N.
 * Only a test build (-DKEEL_TEST_HOOKS=ON: build-test, build-asan) has the
 * hooks; elsewhere they are constant 0 and nothing can arm them. Single
 * threaded: tests drive keel in-process (http/local.h). */
#ifndef KEEL_UTIL_FAULT_H
#define KEEL_UTIL_FAULT_H

enum {
    FAULT_NONE = 0,
    FAULT_ALLOC, /* an allocation returns NULL */
    FAULT_FULL,  /* a store call fails as SQLITE_FULL would (KEEL_EFULL) */
    FAULT_IOERR, /* … as SQLITE_IOERR would (KEEL_EIO) */
    FAULT_BUSY,  /* … as SQLITE_BUSY after the busy timeout (KEEL_EBUSY) */
};

/* Arm kind for its nth event (1-based); FAULT_NONE disarms. Resets the
 * counters. */
void fault_arm(int kind, long n);
/* Events of the armed kind seen since fault_arm, and whether the fault
 * fired. */
long fault_seen(void);
int fault_fired(void);

extern int fault_kind_armed; /* read by the hooks below */

#ifdef KEEL_TEST_HOOKS

/* Hooks: 1 when this allocation must fail. */
int fault_alloc_slow(void);
static inline int fault_alloc(void) {
    return fault_kind_armed == FAULT_ALLOC ? fault_alloc_slow() : 0;
}
/* Hook of store calls: 0, or the KEEL_E* error to return instead. */
int fault_db_slow(void);
static inline int fault_db(void) { return fault_kind_armed > FAULT_ALLOC ? fault_db_slow() : 0; }
#else
static inline int fault_alloc(void) { return 0; }
static inline int fault_db(void) { return 0; }
#endif

#endif
