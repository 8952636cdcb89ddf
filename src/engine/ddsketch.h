/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DDSketch (Masson, Rim and Lee, VLDB 2019): a quantile sketch with a
 * relative-error guarantee that merges exactly. A value v > 0 falls in
 * bucket k = ceil(log_gamma v) with gamma = (1 + a) / (1 - a); the bucket
 * answers 2 gamma^k / (gamma + 1), which is within a relative error a of
 * every value in it. Negative values go to a mirrored store and values
 * nearer 0 than DDSKETCH_MIN_VALUE to a zero count. Two sketches with the
 * same accuracy merge by adding bucket counts, so a day's sketch is the
 * sum of its minutes' and of every server's. Each store keeps at most
 * DDSKETCH_MAX_BINS buckets; past that the buckets nearest zero are
 * folded together (only quantiles in that far tail lose the guarantee).
 * Pure; no I/O. */
#ifndef KEEL_ENGINE_DDSKETCH_H
#define KEEL_ENGINE_DDSKETCH_H
#include "util/buf.h"
#include <stddef.h>
#include <stdint.h>

#define DDSKETCH_MAX_BINS 4096  /* buckets per store (sign) */
#define DDSKETCH_MIN_VALUE 1e-9 /* magnitudes below this count as 0 */

/* One sign's buckets: aCount[i] counts bucket key iMin + i. */
typedef struct DDStore {
    uint64_t *aCount; /* nAlloc counts, NULL when empty */
    int32_t iMin;     /* key of aCount[0] */
    uint32_t nAlloc;  /* counts allocated (and in use: keys iMin .. iMin+nAlloc-1) */
} DDStore;

typedef struct DDSketch {
    double alpha;           /* relative accuracy, e.g. 0.01 */
    double lnGamma;         /* log((1 + alpha) / (1 - alpha)) */
    double invLnGamma;      /* 1 / lnGamma (a multiply instead of a divide per key) */
    uint64_t n;             /* values added */
    uint64_t nZero;         /* values with |v| < DDSKETCH_MIN_VALUE */
    double sum;             /* their sum */
    double min, max;        /* exact extremes (meaningless when n == 0) */
    DDStore pos, neg;       /* buckets of positive values and of magnitudes of negatives */
    const int32_t *aIntKey; /* keys of the integers 0..DDSKETCH_INT_KEYS-1 (for the
                             * common accuracies; NULL otherwise), see ddsketch.c */
} DDSketch;

#define DDSKETCH_INT_KEYS 1024 /* small integers whose keys are looked up */

/* An empty sketch with relative accuracy alpha (0 < alpha < 1). */
void ddsketch_init(DDSketch *s, double alpha);

/* Free the buckets; the sketch is empty afterwards (alpha kept). */
void ddsketch_free(DDSketch *s);

/* Add value v (finite) n times; 0 or KEEL_ENOMEM (the sketch is then
 * unchanged). */
int ddsketch_add(DDSketch *s, double v, uint64_t n);

/* Add every value of from into into (same alpha, else KEEL_EINVAL);
 * 0 or KEEL_ENOMEM. */
int ddsketch_merge(DDSketch *into, const DDSketch *from);

/* The q-quantile (0 <= q <= 1): the bucket of the value of 0-based rank
 * floor(q (n - 1)) in sorted order, within relative accuracy alpha of it
 * (and clamped to [min, max]); NaN when the sketch is empty. */
double ddsketch_quantile(const DDSketch *s, double q);

/* The bucket key of v > 0 (for histograms compared bucket by bucket). */
int32_t ddsketch_key(const DDSketch *s, double v);

/* The value a bucket key answers. */
double ddsketch_value(const DDSketch *s, int32_t k);

/* Append the sketch as text to b:
 * "a=<alpha>;n=<n>;z=<nZero>;s=<sum>;lo=<min>;hi=<max>;p=<k>:<c>,...;m=<k>:<c>,..."
 * (only non-empty buckets; p positive, m negative). */
void ddsketch_write(const DDSketch *s, Buf *b);

/* Read text written by ddsketch_write into *s (initialised here; free with
 * ddsketch_free). 0, KEEL_EINVAL (malformed: *s empty) or KEEL_ENOMEM. */
int ddsketch_read(DDSketch *s, const char *z, size_t n);

#endif
