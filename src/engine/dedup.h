/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event_id dedup index: has this (system, event_id) been taken within
 * the horizon (32 days by default)? One open-addressing hash table of
 * 64-bit entries: the top 16 bits name the generation the entry arrived
 * in, the other 48 a fingerprint from a keyed 64-bit hash, so a new event
 * is taken for a duplicate with a chance of about 2^-48 per entry compared
 * (a few per look-up; see docs/monitoring.md). A generation is a stretch
 * of arrivals: a new one starts every hour, or sooner when the current
 * one holds a sixteenth of the cap. Entries of generations older than the
 * horizon are dead: a search passes them, an insert reuses the first one
 * it passed. Memory is bounded: at most nMaxEntries live entries (the
 * table at most the next power of two above 2.5 times that, 8 bytes a
 * slot); when full, the oldest generation is dropped early and
 * dedup_horizon_s says how far back the index still reaches. Pure; no
 * I/O. Not thread-safe: the caller serialises. */
#ifndef KEEL_ENGINE_DEDUP_H
#define KEEL_ENGINE_DEDUP_H
#include <stddef.h>
#include <stdint.h>

#define DEDUP_GENERATIONS 65536 /* generation ids, reused round robin */
#define DEDUP_GEN_SECONDS 3600  /* a generation starts at least every hour */

typedef struct DedupIndex {
    uint64_t *aSlot;      /* nSlot entries, 0 = never used */
    size_t nSlot;         /* power of two */
    size_t nUsed;         /* slots not 0 (live or dead) */
    size_t nMaxEntries;   /* cap on live entries */
    int64_t horizonS;     /* configured horizon in seconds */
    uint32_t gen;         /* current generation id */
    uint32_t genOldest;   /* oldest generation still held */
    size_t nGen;          /* entries inserted in the current generation */
    int bCapped;          /* a generation was dropped for room (the horizon is shorter) */
    int64_t *aGenStart;   /* DEDUP_GENERATIONS start times (s) */
    uint64_t aKey[2];     /* hash key (random per process) */
} DedupIndex;

/* Set up an empty index for a horizon of nHorizonDays (>= 1) holding at
 * most nMaxEntries; key16 is 16 bytes of hash key. 0 or KEEL_ENOMEM. */
int dedup_init(DedupIndex *d, int nHorizonDays, size_t nMaxEntries, const uint8_t key16[16]);

/* Free the table. */
void dedup_free(DedupIndex *d);

/* The 64-bit keyed hash of (system, id[0..n)). */
uint64_t dedup_hash(const DedupIndex *d, int64_t system, const char *z, size_t n);

/* Make room for n inserts without a rebuild in between (so a batch's
 * inserts can be undone exactly); 0 or KEEL_ENOMEM. */
int dedup_reserve(DedupIndex *d, size_t n, int64_t nowS);

/* Look up hash h arriving at nowS (epoch seconds, never decreasing much):
 * returns 1 and records it when new, 0 when it is a duplicate inside the
 * horizon, KEEL_ENOMEM when the table could not grow. *pSlot (may be
 * NULL) gets the slot written and *pOld what it held, for dedup_undo. */
int dedup_insert(DedupIndex *d, uint64_t h, int64_t nowS, size_t *pSlot, uint64_t *pOld);

/* Start fetching the slot where h would go into the cache (a hint; the
 * insert that follows finds it there). */
void dedup_prefetch(const DedupIndex *d, uint64_t h);

/* Undo an insert (the latest first), given what dedup_insert reported. */
void dedup_undo(DedupIndex *d, size_t iSlot, uint64_t old);

/* Whether h is held. */
int dedup_contains(const DedupIndex *d, uint64_t h, int64_t nowS);

/* Seconds back from nowS that the index reaches in full. */
int64_t dedup_horizon_s(const DedupIndex *d, int64_t nowS);

#endif
