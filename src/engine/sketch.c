/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Order statistics (see sketch.h). The sort maps each double to an
 * unsigned key that orders the same way (flip every bit of a negative,
 * the sign bit of a positive) and runs an LSD radix sort over 8-bit
 * digits, skipping the digits that all keys share; a million doubles sort
 * in a few milliseconds, which is what makes exact KS and Wasserstein
 * cheap. Quantiles follow numpy's 'linear' method step by step so that the
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

int sketch_sort(double *a, size_t n, double *tmp) {
    if (n < 2) return 0;
    double *own = NULL;
    if (!tmp) {
        own = tmp = malloc(n * sizeof *tmp);
        if (!tmp) return KEEL_ENOMEM;
    }
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
        free(own);
        return 0;
    }
    uint64_t *k = (uint64_t *)a, *t = (uint64_t *)tmp;
    size_t(*aCount)[256] = calloc(8, sizeof *aCount);
    if (!aCount) {
        free(own);
        return KEEL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t u = sketch_key(a[i]);
        k[i] = u;
        for (int d = 0; d < 8; d++)
            aCount[d][(u >> (8 * d)) & 0xFF]++;
    }
    for (int d = 0; d < 8; d++) {
        size_t *c = aCount[d];
        int trivial = 0;
        for (int b = 0; b < 256; b++)
            if (c[b] == n) trivial = 1;
        if (trivial) continue;
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t x = c[b];
            c[b] = sum;
            sum += x;
        }
        int shift = 8 * d;
        for (size_t i = 0; i < n; i++) {
            uint64_t u = k[i];
            t[c[(u >> shift) & 0xFF]++] = u;
        }
        uint64_t *sw = k;
        k = t;
        t = sw;
    }
    if (k != (uint64_t *)a) memcpy(a, k, n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = sketch_unkey(((uint64_t *)a)[i]);
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
