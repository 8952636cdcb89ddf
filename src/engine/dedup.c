/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event_id dedup index (dedup.h). Linear probing over 64-bit entries
 * [generation:16 | fingerprint:48]; the fingerprint is 48 bits of the hash
 * (never 0) and the first slot a mix of the fingerprint scaled to the
 * table's size, so entries can move to a table of another size from
 * their bits alone. A search runs until an empty slot; dead entries are
 * passed and the first one passed is where a new entry goes.
 *
 * Nothing is rebuilt at once. Growing (live entries past 40% of the
 * table, below the cap's size): a table twice the size takes the inserts
 * while the old one's live entries move over, 16 old slots per insert
 * reserved (so the reads of both tables last a short while); a look-up reads the new table, then
 * the old. Dead entries (generations past the horizon or dropped for the cap) are deleted by a
 * sweep, 8 slots per insert reserved, with backward-shift deletion (no
 * tombstones), so a table at the cap's size stays that size. A
 * generation id comes round again after DEDUP_GENERATIONS generations;
 * by then a sweep pass (or a move) that began after the id's previous
 * generation died has deleted its entries (seqClean says which; else one
 * is finished first, which only a server taking a trickle for years can
 * need). The work happens in dedup_reserve, never between the inserts it
 * reserved, so they can be undone exactly. The hash is a keyed
 * multiply-mix over 8-byte words (wyhash's mum step): enough against
 * accidental collisions, keyed per process against chosen ones. */
#include "engine/dedup.h"
#include "util/err.h"
#include "util/mem.h"
#include <stdlib.h>
#include <string.h>

#define DEDUP_FP_BITS 48
#define DEDUP_FP_MASK ((UINT64_C(1) << DEDUP_FP_BITS) - 1)
#define DEDUP_GEN_MASK (DEDUP_GENERATIONS - 1)
#define DEDUP_MOVE_STEP 16 /* old slots moved per insert reserved */
#define DEDUP_SWEEP_STEP 8 /* slots swept per insert reserved */
#define DEDUP_MIN_SLOTS 65536

/* 64x64 -> 128 multiply folded to 64 bits. */
static inline uint64_t dedup_mum(uint64_t a, uint64_t b) {
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t dedup_hash(const DedupIndex *d, int64_t system, const char *z, size_t n) {
    const uint64_t p0 = UINT64_C(0xa0761d6478bd642f), p1 = UINT64_C(0xe7037ed1a0b428db);
    uint64_t h = dedup_mum(d->aKey[0] ^ (uint64_t)system ^ p0, d->aKey[1] ^ n ^ p1);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, z + i, 8);
        h = dedup_mum(h ^ w ^ p0, h ^ p1 ^ d->aKey[1]);
    }
    uint64_t w = 0;
    if (i < n) memcpy(&w, z + i, n - i);
    h = dedup_mum(h ^ w ^ p1, h ^ p0 ^ d->aKey[0]);
    return dedup_mum(h, h ^ p1);
}

/* The id of generation g. */
static inline uint32_t dedup_id(uint64_t g) { return (uint32_t)(g & DEDUP_GEN_MASK); }

/* The generation the first nMax / 16 entries go to (at least 1). */
static inline size_t dedup_gen_max(const DedupIndex *d) {
    return d->nMaxEntries / 16 ? d->nMaxEntries / 16 : 1;
}

int dedup_init(DedupIndex *d, int nHorizonDays, size_t nMaxEntries, const uint8_t key16[16]) {
    memset(d, 0, sizeof *d);
    d->horizonS = (int64_t)(nHorizonDays < 1 ? 1 : nHorizonDays) * 86400;
    d->nMaxEntries = nMaxEntries < 1024 ? 1024 : nMaxEntries;
    d->nSlotMax = d->nMaxEntries * 2 < DEDUP_MIN_SLOTS ? DEDUP_MIN_SLOTS : d->nMaxEntries * 2;
    memcpy(d->aKey, key16, 16);
    d->nSlot = DEDUP_MIN_SLOTS;
    d->aSlot = mem_zalloc_table(d->nSlot, sizeof *d->aSlot);
    d->aGenStart = malloc(DEDUP_GENERATIONS * sizeof *d->aGenStart);
    d->aGenCount = calloc(DEDUP_GENERATIONS, sizeof *d->aGenCount);
    if (!d->aSlot || !d->aGenStart || !d->aGenCount) {
        dedup_free(d);
        return KEEL_ENOMEM;
    }
    d->aGenStart[0] = INT64_MIN;
    return 0;
}

void dedup_free(DedupIndex *d) {
    free(d->aSlot);
    free(d->aOld);
    free(d->aGenStart);
    free(d->aGenCount);
    d->aSlot = d->aOld = NULL;
    d->aGenStart = NULL;
    d->aGenCount = NULL;
    d->nSlot = d->nUsed = d->nOld = 0;
}

/* Whether entry e is live: its generation is held and inside the horizon. */
static inline int dedup_live(const DedupIndex *d, uint64_t e, int64_t nowS) {
    uint32_t g = (uint32_t)(e >> DEDUP_FP_BITS);
    uint64_t age = (d->gen - g) & DEDUP_GEN_MASK;
    return age <= d->gen - d->genOldest && d->aGenStart[g] > nowS - d->horizonS;
}

/* The fingerprint of hash h: 48 bits, never 0 (empty). */
static inline uint64_t dedup_fp(uint64_t h) {
    uint64_t fp = (h >> 16) & DEDUP_FP_MASK;
    return fp == 0 ? 1 : fp;
}

/* The first slot to probe for fingerprint fp in a table of n slots. */
static inline size_t dedup_home(uint64_t fp, size_t n) {
    uint64_t x = dedup_mum(fp, UINT64_C(0x9e3779b97f4a7c15));
    return (size_t)(((__uint128_t)x * n) >> 64);
}

static inline size_t dedup_next(size_t j, size_t n) { return j + 1 == n ? 0 : j + 1; }

/* Whether a table of n slots holds fp live. */
static int dedup_find(const DedupIndex *d, const uint64_t *a, size_t n, uint64_t fp, int64_t nowS) {
    for (size_t j = dedup_home(fp, n);; j = dedup_next(j, n)) {
        uint64_t e = a[j];
        if (!e) return 0;
        if ((e & DEDUP_FP_MASK) == fp && dedup_live(d, e, nowS)) return 1;
    }
}

/* Put live entry e (not in the table) into the new table: the first
 * empty or dead slot from its home. */
static void dedup_place(DedupIndex *d, uint64_t e, int64_t nowS) {
    size_t j = dedup_home(e & DEDUP_FP_MASK, d->nSlot);
    while (d->aSlot[j] && dedup_live(d, d->aSlot[j], nowS))
        j = dedup_next(j, d->nSlot);
    if (!d->aSlot[j]) d->nUsed++;
    d->aSlot[j] = e;
}

/* Move up to nStep old slots into the new table; the old one is freed
 * when all are moved. */
static void dedup_move(DedupIndex *d, size_t nStep, int64_t nowS) {
    for (; nStep && d->iMove < d->nOld; nStep--) {
        uint64_t e = d->aOld[d->iMove++];
        if (e && dedup_live(d, e, nowS)) dedup_place(d, e, nowS);
    }
    if (d->iMove < d->nOld) return;
    free(d->aOld);
    d->aOld = NULL;
    d->nOld = d->iMove = 0;
    d->seqClean = d->seqSweep; /* what was dead when the move began is gone */
    d->iSweep = 0;
    d->seqSweep = d->genOldest;
}

/* Start growing into a table of nNew slots (no move running). 0 or
 * KEEL_ENOMEM. */
static int dedup_grow(DedupIndex *d, size_t nNew) {
    uint64_t *a = mem_zalloc_table(nNew, sizeof *a);
    if (!a) return KEEL_ENOMEM;
    d->aOld = d->aSlot;
    d->nOld = d->nSlot;
    d->iMove = 0;
    d->aSlot = a;
    d->nSlot = nNew;
    d->nUsed = 0;
    d->seqSweep = d->genOldest;
    return 0;
}

/* Put every live entry into a fresh table at once, of at least nMin slots
 * and big enough for n more below 40% (catching up). 0 or KEEL_ENOMEM. */
static int dedup_rebuild(DedupIndex *d, size_t nMin, size_t n, int64_t nowS) {
    size_t nNew = nMin;
    while ((d->nLive + n) * 10 > nNew * 4)
        nNew *= 2;
    uint64_t *a = mem_zalloc_table(nNew, sizeof *a);
    if (!a) return KEEL_ENOMEM;
    uint64_t *aCur = d->aSlot;
    size_t nCur = d->nSlot;
    d->aSlot = a;
    d->nSlot = nNew;
    d->nUsed = 0;
    for (size_t i = 0; i < nCur; i++)
        if (aCur[i] && dedup_live(d, aCur[i], nowS)) dedup_place(d, aCur[i], nowS);
    for (size_t i = d->iMove; i < d->nOld; i++) /* those before iMove are in aCur */
        if (d->aOld[i] && dedup_live(d, d->aOld[i], nowS)) dedup_place(d, d->aOld[i], nowS);
    free(aCur);
    free(d->aOld);
    d->aOld = NULL;
    d->nOld = d->iMove = 0;
    d->seqClean = d->genOldest; /* only live entries came over */
    d->iSweep = 0;
    d->seqSweep = d->genOldest;
    return 0;
}

/* Delete the entry at slot i (backward shift: later entries of the run
 * that may sit at i move up, so no search is cut short). */
static void dedup_delete(DedupIndex *d, size_t i) {
    uint64_t *a = d->aSlot;
    size_t n = d->nSlot;
    for (size_t j = dedup_next(i, n);; j = dedup_next(j, n)) {
        uint64_t e = a[j];
        if (!e) break;
        size_t k = dedup_home(e & DEDUP_FP_MASK, n);
        int stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (stays) continue;
        a[i] = e;
        i = j;
    }
    a[i] = 0;
    d->nUsed--;
}

/* Sweep up to nStep slots, deleting dead entries, while some may be
 * there; returns 1 when a pass ended. */
static int dedup_sweep(DedupIndex *d, size_t nStep, int64_t nowS) {
    while (nStep-- && d->seqClean < d->genOldest) {
        uint64_t e = d->aSlot[d->iSweep];
        if (e && !dedup_live(d, e, nowS)) {
            dedup_delete(d, d->iSweep); /* the slot may hold a moved entry: look again */
            continue;
        }
        if (++d->iSweep < d->nSlot) continue;
        d->seqClean = d->seqSweep;
        d->iSweep = 0;
        d->seqSweep = d->genOldest;
        return 1;
    }
    return 0;
}

/* Drop the oldest generation. */
static void dedup_drop_oldest(DedupIndex *d) {
    d->nLive -= d->aGenCount[dedup_id(d->genOldest)];
    d->genOldest++;
}

/* Start a new generation when the hour is over or the current one is
 * full (for n more). */
static void dedup_advance(DedupIndex *d, size_t n, int64_t nowS) {
    uint32_t id = dedup_id(d->gen);
    if (d->aGenStart[id] == INT64_MIN) d->aGenStart[id] = nowS;
    uint64_t nCount = d->aGenCount[id];
    if (nowS - d->aGenStart[id] < DEDUP_GEN_SECONDS &&
        (nCount + n <= dedup_gen_max(d) || nCount == 0))
        return;
    uint64_t g = d->gen + 1;
    if (g - d->genOldest >= DEDUP_GENERATIONS) dedup_drop_oldest(d); /* ids wrapped */
    /* the id's previous generation must be gone from the table */
    while (g >= DEDUP_GENERATIONS && g - DEDUP_GENERATIONS >= d->seqClean) {
        if (d->aOld) { /* finish the move at once (and if that fails, sweep) */
            if (dedup_rebuild(d, d->nSlot, 1, nowS) == 0) continue;
            while (d->aOld)
                dedup_move(d, SIZE_MAX, nowS);
        }
        if (d->seqClean >= d->genOldest) break;
        dedup_sweep(d, SIZE_MAX, nowS);
    }
    d->gen = g;
    d->aGenStart[dedup_id(g)] = nowS;
    d->aGenCount[dedup_id(g)] = 0;
}

int dedup_reserve(DedupIndex *d, size_t n, int64_t nowS) {
    dedup_advance(d, n, nowS);
    while (d->genOldest < d->gen && (d->aGenStart[dedup_id(d->genOldest)] <= nowS - d->horizonS ||
                                     d->nLive + n > d->nMaxEntries)) {
        if (d->aGenStart[dedup_id(d->genOldest)] > nowS - d->horizonS) d->bCapped = 1;
        dedup_drop_oldest(d);
    }
    size_t nStep = n > SIZE_MAX / 16 ? SIZE_MAX / 2 : n;
    if (d->aOld) dedup_move(d, nStep * DEDUP_MOVE_STEP, nowS);
    if (!d->aOld && (d->nLive + n) * 10 > d->nSlot * 4 && d->nSlot < d->nSlotMax) {
        size_t nNew = d->nSlot * 2 < d->nSlotMax ? d->nSlot * 2 : d->nSlotMax;
        if (dedup_grow(d, nNew)) return KEEL_ENOMEM;
        dedup_move(d, nStep * DEDUP_MOVE_STEP, nowS);
    }
    if (!d->aOld) dedup_sweep(d, nStep * DEDUP_SWEEP_STEP, nowS);
    d->nRoom = n;
    if ((d->nUsed + n) * 4 < d->nSlot * 3) return 0;
    /* behind (a caller without reserves, or a huge batch): catch up now */
    d->nCatchUps++;
    for (int i = 0; i < 2 && !d->aOld && (d->nUsed + n) * 4 >= d->nSlot * 3; i++)
        dedup_sweep(d, SIZE_MAX, nowS);
    if (!d->aOld && (d->nUsed + n) * 4 < d->nSlot * 3) return 0;
    return dedup_rebuild(d, d->nSlot, n, nowS);
}

int dedup_contains(const DedupIndex *d, uint64_t h, int64_t nowS) {
    uint64_t fp = dedup_fp(h);
    return dedup_find(d, d->aSlot, d->nSlot, fp, nowS) ||
           (d->aOld && dedup_find(d, d->aOld, d->nOld, fp, nowS));
}

int dedup_insert(DedupIndex *d, uint64_t h, int64_t nowS, size_t *pSlot, uint64_t *pOld) {
    uint32_t id = dedup_id(d->gen);
    if (d->nRoom) {
        d->nRoom--; /* dedup_reserve made room */
    } else if (d->aGenStart[id] == INT64_MIN || nowS - d->aGenStart[id] >= DEDUP_GEN_SECONDS ||
               d->aGenCount[id] >= dedup_gen_max(d) || d->nLive >= d->nMaxEntries ||
               (d->nUsed + 1) * 4 >= d->nSlot * 3) {
        int rc = dedup_reserve(d, 1, nowS);
        if (rc) return rc;
        id = dedup_id(d->gen);
    }
    uint64_t fp = dedup_fp(h);
    size_t jFree = SIZE_MAX, j = dedup_home(fp, d->nSlot);
    for (;; j = dedup_next(j, d->nSlot)) {
        uint64_t e = d->aSlot[j];
        if (!e) break;
        if (dedup_live(d, e, nowS)) {
            if ((e & DEDUP_FP_MASK) == fp) return 0;
        } else if (jFree == SIZE_MAX) {
            jFree = j;
        }
    }
    if (d->aOld && dedup_find(d, d->aOld, d->nOld, fp, nowS)) return 0;
    if (jFree != SIZE_MAX)
        j = jFree;
    else
        d->nUsed++;
    if (pSlot) *pSlot = j;
    if (pOld) *pOld = d->aSlot[j];
    d->aSlot[j] = ((uint64_t)id << DEDUP_FP_BITS) | fp;
    d->aGenCount[id]++;
    d->nLive++;
    return 1;
}

void dedup_prefetch(const DedupIndex *d, uint64_t h) {
    __builtin_prefetch(&d->aSlot[dedup_home(dedup_fp(h), d->nSlot)], 1);
    if (d->aOld) __builtin_prefetch(&d->aOld[dedup_home(dedup_fp(h), d->nOld)], 0);
}

void dedup_undo(DedupIndex *d, size_t iSlot, uint64_t old) {
    if (!old) d->nUsed--;
    d->aSlot[iSlot] = old;
    uint32_t id = dedup_id(d->gen);
    if (d->aGenCount[id]) d->aGenCount[id]--;
    if (d->nLive) d->nLive--;
}

int64_t dedup_horizon_s(const DedupIndex *d, int64_t nowS) {
    int64_t t = d->aGenStart[dedup_id(d->genOldest)];
    if (!d->bCapped || t == INT64_MIN || nowS - t > d->horizonS) return d->horizonS;
    return nowS - t;
}

size_t dedup_bytes(const DedupIndex *d) {
    return (d->nSlot + d->nOld) * sizeof(uint64_t) +
           DEDUP_GENERATIONS * (sizeof *d->aGenStart + sizeof *d->aGenCount);
}
