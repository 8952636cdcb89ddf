/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event_id dedup index: has this (system, event_id) been taken in the
 * last H days? One open-addressing hash table of 64-bit entries: the top
 * 16 bits hold the arrival day (days since 1970, modulo 2^16), the other
 * 48 a fingerprint from a keyed 64-bit hash, so a new event is taken for a
 * duplicate with a chance of about 2^-48 per entry compared (a few per
 * look-up; see docs/monitoring.md). Entries older than the horizon are
 * dead: a search passes them, an insert reuses the first one it passed.
 * Memory is bounded: at most nMaxEntries live entries (8 bytes each, the
 * table at most twice that); when full, the oldest arrival day is dropped
 * early and dedup_horizon_days says how far back the index still reaches.
 * Pure; no I/O. Not thread-safe: the caller serialises. */
#ifndef KEEL_ENGINE_DEDUP_H
#define KEEL_ENGINE_DEDUP_H
#include <stddef.h>
#include <stdint.h>

typedef struct DedupIndex {
    uint64_t *aSlot;      /* nSlot entries, 0 = never used */
    size_t nSlot;         /* power of two */
    size_t nUsed;         /* slots not 0 (live or dead) */
    size_t nLive;         /* entries inside the horizon (an upper bound between rebuilds) */
    size_t nMaxEntries;   /* cap on live entries */
    int nHorizonDays;     /* configured horizon */
    int64_t dayOldest;    /* oldest day still held (may be later than today - horizon) */
    int64_t dayLatest;    /* latest arrival day seen */
    uint64_t aKey[2];     /* hash key (random per process) */
} DedupIndex;

/* Set up an empty index for nHorizonDays (>= 1) holding at most
 * nMaxEntries; key16 is 16 bytes of hash key. 0 or KEEL_ENOMEM. */
int dedup_init(DedupIndex *d, int nHorizonDays, size_t nMaxEntries, const uint8_t key16[16]);

/* Free the table. */
void dedup_free(DedupIndex *d);

/* The 64-bit keyed hash of (system, id[0..n)). */
uint64_t dedup_hash(const DedupIndex *d, int64_t system, const char *z, size_t n);

/* Look up hash h arriving on day (days since 1970): returns 1 and records
 * it when new, 0 when it is a duplicate inside the horizon, KEEL_ENOMEM
 * when the table could not grow (nothing recorded). */
int dedup_insert(DedupIndex *d, uint64_t h, int64_t day);

/* Whether h is held (inside the horizon as of day). */
int dedup_contains(const DedupIndex *d, uint64_t h, int64_t day);

/* Days back from the latest day that the index reaches in full. */
int dedup_horizon_days(const DedupIndex *d);

#endif
