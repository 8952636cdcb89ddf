/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Order statistics (see sketch.h). The sort maps each double to an
 * unsigned key that orders the same way (the raw bits when no value is
 * negative; else flip every bit of a negative, the sign bit of a
 * positive), sorts on the 33 bits below the highest bit that varies by
 * three LSD radix passes of 11 bits and finishes with an insertion sort (falling
 * back to passes over every bit when many keys share those bits); a
 * million doubles sort in a few milliseconds, which is what makes exact KS
 * and Wasserstein cheap. Quantiles follow numpy's 'linear' method step by step so that the
 * drift bins match the reference implementation bit for bit. */
#include "engine/sketch.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The order-preserving unsigned key of a double, and back. */
static uint64_t sketch_key(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static double sketch_unkey(uint64_t u) {
    u = (u >> 63) ? u & ~(UINT64_C(1) << 63) : ~u;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* One LSD radix pass over the 11-bit digit at shift of k[0..n) into t,
 * given the digit's histogram c (turned into offsets). */
static void sketch_pass(const uint64_t *k, uint64_t *t, size_t n, size_t *c, int shift) {
    size_t sum = 0;
    for (int b = 0; b < 2048; b++) {
        size_t x = c[b];
        c[b] = sum;
        sum += x;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t u = k[i];
        t[c[(u >> shift) & 0x7FF]++] = u;
    }
}

/* LSD radix sort of keys k[0..n) on the 11-bit digits at aShift[0..nShift)
 * (least significant first), skipping digits all keys share; t is scratch.
 * aCount holds the digits' histograms when counted, else is filled here.
 * Returns the array that holds the result (k or t). */
static uint64_t *sketch_radix(uint64_t *k, uint64_t *t, size_t n, const int *aShift, int nShift,
                              size_t (*aCount)[2048], int counted) {
    if (!counted) {
        memset(aCount, 0, (size_t)nShift * sizeof *aCount);
        for (size_t i = 0; i < n; i++)
            for (int d = 0; d < nShift; d++)
                aCount[d][(k[i] >> aShift[d]) & 0x7FF]++;
    }
    for (int d = 0; d < nShift; d++) {
        int trivial = 0;
        for (int b = 0; b < 2048 && !trivial; b++)
            trivial = aCount[d][b] == n;
        if (trivial) continue;
        sketch_pass(k, t, n, aCount[d], aShift[d]);
        uint64_t *sw = k;
        k = t;
        t = sw;
    }
    return k;
}

int sketch_sort(double *a, size_t n, double *tmp) {
    if (n < 2) return 0;
    if (n < 64) {
        for (size_t i = 1; i < n; i++) {
            double v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > v) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return 0;
    }
    double *own = NULL;
    if (!tmp) {
        own = tmp = malloc(n * sizeof *tmp);
        if (!tmp) return KEEL_ENOMEM;
    }
    size_t(*aCount)[2048] = malloc(6 * sizeof *aCount);
    if (!aCount) {
        free(own);
        return KEEL_ENOMEM;
    }
    uint64_t *k = (uint64_t *)a, *t = (uint64_t *)tmp;
    /* keys: the raw bits when no value is negative (they then order as the
     * values do), else the order-preserving transform */
    uint64_t bor = 0, band = ~UINT64_C(0);
    for (size_t i = 0; i < n; i++) {
        bor |= k[i];
        band &= k[i];
    }
    int neg = (bor >> 63) != 0;
    if (neg) {
        bor = 0;
        band = ~UINT64_C(0);
        for (size_t i = 0; i < n; i++) {
            uint64_t u = sketch_key(a[i]);
            k[i] = u;
            bor |= u;
            band &= u;
        }
    }
    uint64_t *r = k;
    uint64_t diff = bor ^ band; /* the bits that vary */
    if (diff) {
        /* sort on the 33 bits (22 for small inputs) below the highest
         * varying one, then finish with insertion sort: keys that share
         * them are within 2^-33 of the range of each other, so few are out
         * of place; if many are, sort on every bit */
        int hb = 63 - __builtin_clzll(diff);
        int nPass = n > 4096 ? 3 : 2; /* enough bits that few keys share them */
        int lo = hb + 1 - 11 * nPass < 0 ? 0 : hb + 1 - 11 * nPass;
        int aTop[3] = {lo, lo + 11, lo + 22};
        static const int aAll[6] = {0, 11, 22, 33, 44, 53};
        memset(aCount, 0, 3 * sizeof *aCount);
        for (size_t i = 0; i < n; i++) {
            uint64_t u = k[i];
            aCount[0][(u >> lo) & 0x7FF]++;
            aCount[1][(u >> (lo + 11)) & 0x7FF]++;
            if (nPass > 2) aCount[2][(u >> (lo + 22)) & 0x7FF]++; /* lo + 22 may be 64 */
        }
        r = sketch_radix(k, t, n, aTop, nPass, aCount, 1);
        size_t moves = 0, budget = 4 * n;
        int full = 0;
        for (size_t i = 1; i < n && !full; i++) {
            uint64_t v = r[i];
            size_t j = i;
            while (j > 0 && r[j - 1] > v) {
                r[j] = r[j - 1];
                j--;
                if (++moves > budget) {
                    full = 1;
                    break;
                }
            }
            r[j] = v;
        }
        if (full) r = sketch_radix(r, r == k ? t : k, n, aAll, 6, aCount, 0);
    }
    if (neg) {
        for (size_t i = 0; i < n; i++) /* back to doubles, into a */
            a[i] = sketch_unkey(r[i]);
    } else if (r != k) {
        memcpy(a, r, n * sizeof *a);
    }
    free(aCount);
    free(own);
    return 0;
}

double sketch_quantile(const double *a, size_t n, double p) {
    double v = (double)(n - 1) * p; /* numpy: (n - 1) * quantiles */
    double prev = v < 0 ? 0 : (v >= (double)(n - 1) ? (double)(n - 1) : (double)(size_t)v);
    size_t i = (size_t)prev, j = i + 1 < n ? i + 1 : n - 1;
    if (v >= (double)(n - 1)) return a[n - 1];
    double g = v - prev;
    double lo = a[i], hi = a[j];
    double diff = hi - lo;
    return g >= 0.5 ? hi - diff * (1 - g) : lo + diff * g;
}

size_t sketch_count_le(const double *a, size_t n, double x) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t sketch_rank(const Sketch *s, size_t i) {
    if (s->nPoint <= 1) return 0;
    if (s->nPoint == s->n) return i;
    return (size_t)((unsigned __int128)i * (s->n - 1) / (s->nPoint - 1));
}

int sketch_build(Sketch *s, const double *a, size_t n) {
    memset(s, 0, sizeof *s);
    s->n = n;
    s->nPoint = n < SKETCH_POINTS ? n : SKETCH_POINTS;
    if (!n) return 0;
    s->aPoint = malloc(s->nPoint * sizeof *s->aPoint);
    if (!s->aPoint) return KEEL_ENOMEM;
    for (size_t i = 0; i < s->nPoint; i++)
        s->aPoint[i] = a[sketch_rank(s, i)];
    return 0;
}

void sketch_free(Sketch *s) {
    free(s->aPoint);
    s->aPoint = NULL;
}

double sketch_cdf(const Sketch *s, double x, double *pErr) {
    if (pErr) *pErr = 0;
    if (!s->n) return 0;
    size_t j = sketch_count_le(s->aPoint, s->nPoint, x);
    if (j == 0) return 0;
    if (j == s->nPoint) return 1;
    double lo = (double)sketch_rank(s, j - 1) + 1, hi = (double)sketch_rank(s, j);
    if (pErr) *pErr = (hi - lo) / 2 / (double)s->n;
    return (lo + hi) / 2 / (double)s->n;
}
