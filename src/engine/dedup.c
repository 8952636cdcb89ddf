/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event_id dedup index (dedup.h). Linear probing over 64-bit entries
 * [generation:16 | fingerprint:48]; the fingerprint is 48 bits of the hash
 * (never 0) and the first slot a mix of the fingerprint, so a table can be
 * rebuilt from its entries alone. A search runs until a never-used slot;
 * dead entries are passed and the first one passed is where a new entry
 * goes. When used slots pass 70% the table is rebuilt without dead
 * entries (doubling while live ones would fill 40%; at the cap the oldest
 * generation is dropped first). The hash is a keyed multiply-mix over
 * 8-byte words (wyhash's mum step): enough against accidental collisions,
 * keyed per process against chosen ones. */
#include "engine/dedup.h"
#include "util/err.h"
#include "util/mem.h"
#include <stdlib.h>
#include <string.h>

#define DEDUP_FP_BITS 48
#define DEDUP_FP_MASK ((UINT64_C(1) << DEDUP_FP_BITS) - 1)
#define DEDUP_GEN_MASK (DEDUP_GENERATIONS - 1)
#define DEDUP_TOMB DEDUP_FP_MASK /* a dead entry: fingerprint all ones is never used */

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

int dedup_init(DedupIndex *d, int nHorizonDays, size_t nMaxEntries, const uint8_t key16[16]) {
    memset(d, 0, sizeof *d);
    d->horizonS = (int64_t)(nHorizonDays < 1 ? 1 : nHorizonDays) * 86400;
    d->nMaxEntries = nMaxEntries < 1024 ? 1024 : nMaxEntries;
    memcpy(d->aKey, key16, 16);
    d->nSlot = 1 << 16;
    d->aSlot = mem_zalloc_table(d->nSlot, sizeof *d->aSlot);
    d->aGenStart = malloc(DEDUP_GENERATIONS * sizeof *d->aGenStart);
    if (!d->aSlot || !d->aGenStart) {
        dedup_free(d);
        return KEEL_ENOMEM;
    }
    d->aGenStart[0] = INT64_MIN;
    return 0;
}

void dedup_free(DedupIndex *d) {
    free(d->aSlot);
    free(d->aGenStart);
    d->aSlot = NULL;
    d->aGenStart = NULL;
    d->nSlot = d->nUsed = 0;
}

/* How many generations back from the current one g is. */
static inline uint32_t dedup_age(const DedupIndex *d, uint32_t g) {
    return (d->gen - g) & DEDUP_GEN_MASK;
}

/* Whether entry e is live: its generation is held and inside the horizon. */
static inline int dedup_live(const DedupIndex *d, uint64_t e, int64_t nowS) {
    if ((e & DEDUP_FP_MASK) == DEDUP_FP_MASK) return 0;
    uint32_t g = (uint32_t)(e >> DEDUP_FP_BITS);
    return dedup_age(d, g) <= dedup_age(d, d->genOldest) && d->aGenStart[g] > nowS - d->horizonS;
}

/* The fingerprint of hash h: 48 bits, never 0 (empty) or all ones (dead). */
static inline uint64_t dedup_fp(uint64_t h) {
    uint64_t fp = (h >> 16) & DEDUP_FP_MASK;
    return fp == 0 ? 1 : fp == DEDUP_FP_MASK ? fp - 1 : fp;
}

/* The first slot to probe for fingerprint fp in a table of nSlot. */
static inline size_t dedup_home(uint64_t fp, size_t nSlot) {
    return (size_t)dedup_mum(fp, UINT64_C(0x9e3779b97f4a7c15)) & (nSlot - 1);
}

/* Live entries per generation age (aCount[age]), and their total. */
static size_t dedup_count(const DedupIndex *d, int64_t nowS, size_t *aCount) {
    size_t n = 0;
    for (size_t i = 0; i < d->nSlot; i++) {
        uint64_t e = d->aSlot[i];
        if (!e || !dedup_live(d, e, nowS)) continue;
        aCount[dedup_age(d, (uint32_t)(e >> DEDUP_FP_BITS))]++;
        n++;
    }
    return n;
}

/* Rebuild into a table that takes nMore more entries below 70% without
 * another rebuild, dropping dead entries and, at the cap, the oldest
 * generations. 0 or KEEL_ENOMEM. */
static int dedup_rebuild(DedupIndex *d, size_t nMore, int64_t nowS) {
    size_t *aCount = calloc(DEDUP_GENERATIONS, sizeof *aCount);
    if (!aCount) return KEEL_ENOMEM;
    size_t nLive = dedup_count(d, nowS, aCount);
    while (nLive + nMore > d->nMaxEntries && d->genOldest != d->gen) { /* drop the oldest */
        nLive -= aCount[dedup_age(d, d->genOldest)];
        d->genOldest = (d->genOldest + 1) & DEDUP_GEN_MASK;
        d->bCapped = 1;
    }
    free(aCount);
    size_t nSlot = 1 << 16;
    while ((nLive + nMore) * 10 >= nSlot * 4)
        nSlot *= 2;
    uint64_t *a = mem_zalloc_table(nSlot, sizeof *a);
    if (!a) return KEEL_ENOMEM;
    size_t nUsed = 0;
    for (size_t i = 0; i < d->nSlot; i++) {
        uint64_t e = d->aSlot[i];
        if (!e || !dedup_live(d, e, nowS)) continue;
        size_t j = dedup_home(e & DEDUP_FP_MASK, nSlot);
        while (a[j])
            j = (j + 1) & (nSlot - 1);
        a[j] = e;
        nUsed++;
    }
    free(d->aSlot);
    d->aSlot = a;
    d->nSlot = nSlot;
    d->nUsed = nUsed;
    return 0;
}

/* Start a new generation when the hour is over or the current one is
 * full. */
static void dedup_advance(DedupIndex *d, int64_t nowS) {
    if (d->aGenStart[d->gen] == INT64_MIN) d->aGenStart[d->gen] = nowS;
    if (nowS - d->aGenStart[d->gen] < DEDUP_GEN_SECONDS && d->nGen < d->nMaxEntries / 16) return;
    uint32_t g = (d->gen + 1) & DEDUP_GEN_MASK;
    if (g == d->genOldest) d->genOldest = (d->genOldest + 1) & DEDUP_GEN_MASK; /* wrapped */
    /* entries left from the id's previous use must not come back to life:
     * they become tombstones (still passed by searches) */
    for (size_t i = 0; i < d->nSlot; i++)
        if (d->aSlot[i] && (uint32_t)(d->aSlot[i] >> DEDUP_FP_BITS) == g)
            d->aSlot[i] = DEDUP_TOMB;
    d->gen = g;
    d->aGenStart[g] = nowS;
    d->nGen = 0;
}

int dedup_reserve(DedupIndex *d, size_t n, int64_t nowS) {
    dedup_advance(d, nowS);
    if ((d->nUsed + n) * 10 < d->nSlot * 7) return 0;
    return dedup_rebuild(d, n, nowS);
}

int dedup_contains(const DedupIndex *d, uint64_t h, int64_t nowS) {
    uint64_t fp = dedup_fp(h);
    for (size_t j = dedup_home(fp, d->nSlot);; j = (j + 1) & (d->nSlot - 1)) {
        uint64_t e = d->aSlot[j];
        if (!e) return 0;
        if ((e & DEDUP_FP_MASK) == fp && dedup_live(d, e, nowS)) return 1;
    }
}

int dedup_insert(DedupIndex *d, uint64_t h, int64_t nowS, size_t *pSlot, uint64_t *pOld) {
    if ((d->nUsed + 1) * 10 >= d->nSlot * 7 || d->nGen >= d->nMaxEntries / 16 ||
        d->aGenStart[d->gen] == INT64_MIN || nowS - d->aGenStart[d->gen] >= DEDUP_GEN_SECONDS) {
        int rc = dedup_reserve(d, 1, nowS);
        if (rc) return rc;
    }
    uint64_t fp = dedup_fp(h);
    size_t jFree = SIZE_MAX, j = dedup_home(fp, d->nSlot);
    for (;; j = (j + 1) & (d->nSlot - 1)) {
        uint64_t e = d->aSlot[j];
        if (!e) break;
        if (dedup_live(d, e, nowS)) {
            if ((e & DEDUP_FP_MASK) == fp) return 0;
        } else if (jFree == SIZE_MAX) {
            jFree = j;
        }
    }
    if (jFree != SIZE_MAX) j = jFree;
    else d->nUsed++;
    if (pSlot) *pSlot = j;
    if (pOld) *pOld = d->aSlot[j];
    d->aSlot[j] = ((uint64_t)d->gen << DEDUP_FP_BITS) | fp;
    d->nGen++;
    return 1;
}

void dedup_prefetch(const DedupIndex *d, uint64_t h) {
    __builtin_prefetch(&d->aSlot[dedup_home(dedup_fp(h), d->nSlot)], 1);
}

void dedup_undo(DedupIndex *d, size_t iSlot, uint64_t old) {
    if (!old) d->nUsed--;
    d->aSlot[iSlot] = old;
    if (d->nGen) d->nGen--;
}

int64_t dedup_horizon_s(const DedupIndex *d, int64_t nowS) {
    int64_t t = d->aGenStart[d->genOldest];
    if (!d->bCapped || t == INT64_MIN || nowS - t > d->horizonS) return d->horizonS;
    return nowS - t;
}
