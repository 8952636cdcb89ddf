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
 * it passed, and a sweep deletes them a few slots per insert.
 *
 * Memory is bounded: at most nMaxEntries live entries, in a table of at
 * most 2 x nMaxEntries slots (8 bytes each); when full, the oldest
 * generation is dropped early and dedup_horizon_s says how far back the
 * index still reaches. No call does work in proportion to the table:
 * the table grows by doubling into a new one that the old one's entries
 * move to a few slots per insert (look-ups read both meanwhile), and dead
 * entries are deleted by the sweep, so under steady load the table keeps
 * its size. The work is done in dedup_reserve, in proportion to the
 * inserts it makes room for. Pure; no I/O. Not thread-safe: the caller
 * serialises. */
#ifndef KEEL_ENGINE_DEDUP_H
#define KEEL_ENGINE_DEDUP_H
#include <stddef.h>
#include <stdint.h>

#define DEDUP_GENERATIONS 65536 /* generation ids, reused round robin */
#define DEDUP_GEN_SECONDS 3600  /* a generation starts at least every hour */

typedef struct DedupIndex {
    uint64_t *aSlot;     /* nSlot entries, 0 = empty; inserts go here */
    size_t nSlot;        /* any size (slots are found by multiply-shift) */
    size_t nUsed;        /* entries in aSlot (live or dead) */
    uint64_t *aOld;      /* while growing: the previous table, else NULL */
    size_t nOld;         /* its size */
    size_t iMove;        /* its entries before iMove are in aSlot */
    size_t nSlotMax;     /* the table's size at the cap */
    size_t iSweep;       /* the next slot the sweep looks at */
    uint64_t seqSweep;   /* genOldest when the sweep's pass (or the move) began */
    uint64_t seqClean;   /* generations before this one are gone from the table */
    size_t nLive;        /* live entries */
    size_t nRoom;        /* inserts left of the last dedup_reserve */
    uint64_t nCatchUps;  /* times the work was done at once (no reserve, or a huge batch) */
    size_t nMaxEntries;  /* cap on live entries */
    int64_t horizonS;    /* configured horizon in seconds */
    uint64_t gen;        /* current generation (a count; its id is gen % DEDUP_GENERATIONS) */
    uint64_t genOldest;  /* oldest generation still held */
    int bCapped;         /* a generation was dropped for room (the horizon is shorter) */
    int64_t *aGenStart;  /* DEDUP_GENERATIONS start times (s), by id */
    uint64_t *aGenCount; /* DEDUP_GENERATIONS live entries inserted, by id */
    uint64_t aKey[2];    /* hash key (random per process) */
} DedupIndex;

/* Set up an empty index for a horizon of nHorizonDays (>= 1) holding at
 * most nMaxEntries; key16 is 16 bytes of hash key. 0 or KEEL_ENOMEM. */
int dedup_init(DedupIndex *d, int nHorizonDays, size_t nMaxEntries, const uint8_t key16[16]);

/* Free the tables. */
void dedup_free(DedupIndex *d);

/* The 64-bit keyed hash of (system, id[0..n)). */
uint64_t dedup_hash(const DedupIndex *d, int64_t system, const char *z, size_t n);

/* Make room for n inserts that no table work comes between (so a batch's
 * inserts can be undone exactly), doing the incremental work due for
 * them (moving, sweeping: a few slots per insert); 0 or KEEL_ENOMEM. */
int dedup_reserve(DedupIndex *d, size_t n, int64_t nowS);

/* Look up hash h arriving at nowS (epoch seconds, never decreasing much):
 * returns 1 and records it when new, 0 when it is a duplicate inside the
 * horizon, KEEL_ENOMEM when the table could not grow. *pSlot (may be
 * NULL) gets the slot written and *pOld what it held, for dedup_undo.
 * Without a dedup_reserve before, an insert does the work itself when the
 * table needs it (then inserts before it cannot be undone). */
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

/* Bytes the tables take (both while growing). */
size_t dedup_bytes(const DedupIndex *d);

#endif
