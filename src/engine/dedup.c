/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event_id dedup index (dedup.h). Linear probing over 64-bit entries
 * [day:16 | fingerprint:48]; the fingerprint is 48 bits of the hash (never
 * 0) and the first slot a mix of the fingerprint, so a table can be
 * rebuilt from its entries alone. A search runs until a never
 * used slot; dead entries (older than the horizon) are passed and the
 * first one passed is where a new entry goes. When used slots pass 70% the
 * table is rebuilt without dead entries (doubling when the live ones need
 * it, up to the cap; at the cap the oldest day is dropped first). The hash
 * is SipHash-like in spirit but simpler: a keyed multiply-mix over 8-byte
 * words (wyhash's mum step), enough against accidental collisions, keyed
 * per process against chosen ones. */
#include "engine/dedup.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

#define DEDUP_FP_BITS 48
#define DEDUP_FP_MASK ((UINT64_C(1) << DEDUP_FP_BITS) - 1)

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
    d->nHorizonDays = nHorizonDays < 1 ? 1 : nHorizonDays;
    d->nMaxEntries = nMaxEntries < 1024 ? 1024 : nMaxEntries;
    memcpy(d->aKey, key16, 16);
    d->nSlot = 4096;
    d->aSlot = calloc(d->nSlot, sizeof *d->aSlot);
    d->dayOldest = INT64_MIN;
    return d->aSlot ? 0 : KEEL_ENOMEM;
}

void dedup_free(DedupIndex *d) {
    free(d->aSlot);
    d->aSlot = NULL;
    d->nSlot = d->nUsed = d->nLive = 0;
}

/* The day of an entry, unwrapped near the latest day. */
static inline int64_t dedup_entry_day(const DedupIndex *d, uint64_t e) {
    uint16_t lo = (uint16_t)(e >> DEDUP_FP_BITS);
    int64_t day = (d->dayLatest & ~INT64_C(0xffff)) | lo;
    if (day > d->dayLatest) day -= 0x10000;
    return day;
}

/* Whether entry e is inside the horizon as of day. */
static inline int dedup_live(const DedupIndex *d, uint64_t e, int64_t day) {
    int64_t ed = dedup_entry_day(d, e);
    return ed > day - d->nHorizonDays && ed >= d->dayOldest;
}

/* Rebuild into nSlot slots keeping live entries; 0 or KEEL_ENOMEM. */
static int dedup_rebuild(DedupIndex *d, size_t nSlot, int64_t day) {
    uint64_t *a = calloc(nSlot, sizeof *a);
    if (!a) return KEEL_ENOMEM;
    size_t nLive = 0;
    for (size_t i = 0; i < d->nSlot; i++) {
        uint64_t e = d->aSlot[i];
        if (!e || !dedup_live(d, e, day)) continue;
        size_t j = (size_t)dedup_mum(e & DEDUP_FP_MASK, UINT64_C(0x9e3779b97f4a7c15)) & (nSlot - 1);
        while (a[j])
            j = (j + 1) & (nSlot - 1);
        a[j] = e;
        nLive++;
    }
    free(d->aSlot);
    d->aSlot = a;
    d->nSlot = nSlot;
    d->nUsed = d->nLive = nLive;
    return 0;
}

/* The first slot to probe for fingerprint fp. */
static inline size_t dedup_home(const DedupIndex *d, uint64_t fp) {
    return (size_t)dedup_mum(fp, UINT64_C(0x9e3779b97f4a7c15)) & (d->nSlot - 1);
}

/* The live entries held, counted. */
static size_t dedup_count_live(const DedupIndex *d, int64_t day) {
    size_t n = 0;
    for (size_t i = 0; i < d->nSlot; i++)
        n += d->aSlot[i] && dedup_live(d, d->aSlot[i], day);
    return n;
}

/* Make room before an insert: rebuild, grow, or drop the oldest day. */
static int dedup_make_room(DedupIndex *d, int64_t day) {
    size_t nLive = dedup_count_live(d, day);
    while (nLive >= d->nMaxEntries) { /* at the cap: drop the oldest held day */
        int64_t oldest = d->dayOldest > day - d->nHorizonDays ? d->dayOldest
                                                                : day - d->nHorizonDays + 1;
        if (oldest >= day) break; /* today alone fills the cap: keep it, grow past */
        d->dayOldest = oldest + 1;
        nLive = dedup_count_live(d, day);
    }
    size_t nSlot = d->nSlot;
    while (nLive * 10 >= nSlot * 4) /* keep live entries under 40% after the rebuild */
        nSlot *= 2;
    return dedup_rebuild(d, nSlot, day);
}

int dedup_contains(const DedupIndex *d, uint64_t h, int64_t day) {
    uint64_t fp = (h >> 16) & DEDUP_FP_MASK;
    if (!fp) fp = 1;
    for (size_t j = dedup_home(d, fp);; j = (j + 1) & (d->nSlot - 1)) {
        uint64_t e = d->aSlot[j];
        if (!e) return 0;
        if ((e & DEDUP_FP_MASK) == fp && dedup_live(d, e, day)) return 1;
    }
}

int dedup_insert(DedupIndex *d, uint64_t h, int64_t day) {
    if (day > d->dayLatest) d->dayLatest = day;
    if ((d->nUsed + 1) * 10 >= d->nSlot * 7) {
        int rc = dedup_make_room(d, day);
        if (rc) return rc;
    }
    uint64_t fp = (h >> 16) & DEDUP_FP_MASK;
    if (!fp) fp = 1;
    size_t jFree = SIZE_MAX;
    size_t j = dedup_home(d, fp);
    for (;; j = (j + 1) & (d->nSlot - 1)) {
        uint64_t e = d->aSlot[j];
        if (!e) break;
        if (dedup_live(d, e, day)) {
            if ((e & DEDUP_FP_MASK) == fp) return 0;
        } else if (jFree == SIZE_MAX) {
            jFree = j;
        }
    }
    uint64_t entry = ((uint64_t)(uint16_t)day << DEDUP_FP_BITS) | fp;
    if (jFree != SIZE_MAX) {
        d->aSlot[jFree] = entry;
    } else {
        d->aSlot[j] = entry;
        d->nUsed++;
    }
    d->nLive++;
    return 1;
}

int dedup_horizon_days(const DedupIndex *d) {
    int64_t oldest = d->dayLatest - d->nHorizonDays + 1;
    if (d->dayOldest > oldest) oldest = d->dayOldest;
    return (int)(d->dayLatest - oldest + 1);
}
