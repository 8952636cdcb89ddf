/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DDSketch (ddsketch.h). Each sign has a dense array of counts over a
 * contiguous range of bucket keys that grows at either end as values
 * arrive (doubling, so adding is amortised O(1)); a range wider than
 * DDSKETCH_MAX_BINS folds its lowest keys into the lowest kept one. The
 * logarithmic mapping is the exact one (the logarithm itself from a
 * table and a short series, as close as libm's: see ddsketch_ln), so the
 * guarantee is the paper's: |estimate - x| <= alpha x. */
#include "engine/ddsketch.h"
#include "util/err.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- stores -------------------------------------------------------------- */

/* Make the store cover key k (folding the lowest keys when the range would
 * pass DDSKETCH_MAX_BINS); returns the index of k's count, or -1 when out
 * of memory. A key below a folded range maps to the lowest kept bucket. */
static long store_slot(DDStore *st, int32_t k) {
    if (st->aCount && k >= st->iMin && k < st->iMin + (int64_t)st->nAlloc) return k - st->iMin;
    if (!st->aCount) {
        st->aCount = calloc(64, sizeof *st->aCount);
        if (!st->aCount) return -1;
        st->nAlloc = 64;
        st->iMin = k - 32;
        return 32;
    }
    int64_t lo = st->iMin, hi = st->iMin + (int64_t)st->nAlloc - 1;
    if (k < lo && hi - k + 1 > DDSKETCH_MAX_BINS) { /* folded into the lowest kept key */
        int64_t kLow = hi - DDSKETCH_MAX_BINS + 1;
        return kLow < lo ? store_slot(st, (int32_t)kLow) : 0;
    }
    int64_t nLo = k < lo ? k : lo, nHi = k > hi ? k : hi;
    int64_t want = nHi - nLo + 1, nNew = st->nAlloc;
    while (nNew < want)
        nNew *= 2;
    if (nNew > DDSKETCH_MAX_BINS) nNew = DDSKETCH_MAX_BINS;
    if (want > nNew) { /* k is far above: fold the lowest keys to make room */
        int64_t newLo = nHi - nNew + 1;
        uint64_t *a = calloc((size_t)nNew, sizeof *a);
        if (!a) return -1;
        for (int64_t key = lo; key <= hi; key++) {
            int64_t j = key < newLo ? 0 : key - newLo;
            a[j] += st->aCount[key - lo];
        }
        free(st->aCount);
        st->aCount = a;
        st->iMin = (int32_t)newLo;
        st->nAlloc = (uint32_t)nNew;
        return k - newLo;
    }
    /* grow: place the old range so both ends have room */
    int64_t newLo = k < lo ? nHi - nNew + 1 : nLo;
    uint64_t *a = calloc((size_t)nNew, sizeof *a);
    if (!a) return -1;
    memcpy(a + (lo - newLo), st->aCount, st->nAlloc * sizeof *a);
    free(st->aCount);
    st->aCount = a;
    st->iMin = (int32_t)newLo;
    st->nAlloc = (uint32_t)nNew;
    return k - newLo;
}

/* ---- the sketch ---------------------------------------------------------- */

static const int32_t *ddsketch_int_keys(double alpha);

void ddsketch_init(DDSketch *s, double alpha) {
    memset(s, 0, sizeof *s);
    s->alpha = alpha;
    s->lnGamma = log((1 + alpha) / (1 - alpha));
    s->invLnGamma = 1 / s->lnGamma;
    s->aIntKey = ddsketch_int_keys(alpha);
}

void ddsketch_free(DDSketch *s) {
    free(s->pos.aCount);
    free(s->neg.aCount);
    ddsketch_init(s, s->alpha);
}

/* ln m for m in [1, 2), by table: m = c (1 + r) with c the centre of m's
 * 1/256 slice and |r| < 2^-9, so ln m = ln c + ln(1 + r) with five terms
 * of the series (the next is below 2^-57): as close as libm's log (a
 * bucket boundary may move by an ulp), at a third of its cost. */
#define DD_LOG_BITS 8
static double aDdLnC[1 << DD_LOG_BITS], aDdInvC[1 << DD_LOG_BITS];

__attribute__((constructor)) static void ddsketch_log_table(void) {
    for (int j = 0; j < 1 << DD_LOG_BITS; j++) {
        double c = 1 + (j + 0.5) / (1 << DD_LOG_BITS);
        aDdLnC[j] = log(c);
        aDdInvC[j] = 1 / c;
    }
}

/* ln v for a normal v > 0. */
static inline double ddsketch_ln(double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1023;
    unsigned j = (unsigned)(bits >> (52 - DD_LOG_BITS)) & ((1u << DD_LOG_BITS) - 1);
    uint64_t mb = (bits & UINT64_C(0x000fffffffffffff)) | UINT64_C(0x3ff0000000000000);
    double m;
    memcpy(&m, &mb, sizeof m);
    double r = m * aDdInvC[j] - 1;
    double p = r * (1 + r * (-0.5 + r * (1.0 / 3 + r * (-0.25 + r * 0.2))));
    return e * 0.6931471805599453 + aDdLnC[j] + p;
}

/* The key of v > 0 (ddsketch_key, inlined in ddsketch_add). */
static inline int32_t ddsketch_key_of(const DDSketch *s, double v) {
    if (__builtin_expect(!(v >= 2.2250738585072014e-308) || v > 1.7976931348623157e308, 0))
        return (int32_t)ceil(log(v) / s->lnGamma); /* subnormal, inf, NaN: libm */
    double x = ddsketch_ln(v) * s->invLnGamma;     /* |x| < 2^16 */
    int32_t k = (int32_t)x;                        /* toward zero: the ceiling when x <= 0 */
    return k + (k < x);
}

int32_t ddsketch_key(const DDSketch *s, double v) { return ddsketch_key_of(s, v); }

/* Small integers (ages, counts, tenures: features often are) take their
 * key from a table computed once with ddsketch_key_of itself, so a key
 * is the same either way; for the accuracies keel's aggregates use
 * (latency 1%, features 5%: evagg.h). */
static const double aDdIntAlpha[] = {0.01, 0.05};
static int32_t aDdIntKey[2][DDSKETCH_INT_KEYS];

__attribute__((constructor(200))) static void ddsketch_int_table(void) {
    ddsketch_log_table(); /* the keys need the logarithm's table */
    for (int a = 0; a < 2; a++) {
        DDSketch s;
        memset(&s, 0, sizeof s);
        s.lnGamma = log((1 + aDdIntAlpha[a]) / (1 - aDdIntAlpha[a]));
        s.invLnGamma = 1 / s.lnGamma;
        for (int v = 1; v < DDSKETCH_INT_KEYS; v++)
            aDdIntKey[a][v] = ddsketch_key_of(&s, (double)v);
    }
}

static const int32_t *ddsketch_int_keys(double alpha) {
    for (int a = 0; a < 2; a++)
        if (alpha == aDdIntAlpha[a]) return aDdIntKey[a];
    return NULL;
}

double ddsketch_value(const DDSketch *s, int32_t k) {
    double gamma = exp(s->lnGamma);
    return 2 * exp(k * s->lnGamma) / (gamma + 1);
}

int ddsketch_add(DDSketch *s, double v, uint64_t n) {
    if (n == 0) return 0;
    if (fabs(v) < DDSKETCH_MIN_VALUE) {
        s->nZero += n;
    } else {
        DDStore *st = v > 0 ? &s->pos : &s->neg;
        int32_t k;
        int32_t iv = v >= 1 && v < DDSKETCH_INT_KEYS ? (int32_t)v : 0;
        if (iv && s->aIntKey && (double)iv == v)
            k = s->aIntKey[iv];
        else
            k = ddsketch_key_of(s, fabs(v));
        long i = st->aCount && k >= st->iMin && k < st->iMin + (int64_t)st->nAlloc
                     ? k - st->iMin /* in range: the common case, inline */
                     : store_slot(st, k);
        if (i < 0) return KEEL_ENOMEM;
        st->aCount[i] += n;
    }
    if (s->n == 0 || v < s->min) s->min = v;
    if (s->n == 0 || v > s->max) s->max = v;
    s->n += n;
    s->sum += v * (double)n;
    return 0;
}

/* Add every bucket of from's store into st. */
static int store_merge(DDStore *st, const DDStore *from) {
    for (uint32_t i = 0; i < from->nAlloc; i++) {
        if (!from->aCount[i]) continue;
        long j = store_slot(st, from->iMin + (int32_t)i);
        if (j < 0) return KEEL_ENOMEM;
        st->aCount[j] += from->aCount[i];
    }
    return 0;
}

int ddsketch_merge(DDSketch *into, const DDSketch *from) {
    if (into->alpha != from->alpha) return KEEL_EINVAL;
    if (from->n == 0) return 0;
    if (store_merge(&into->pos, &from->pos) || store_merge(&into->neg, &from->neg))
        return KEEL_ENOMEM;
    if (into->n == 0 || from->min < into->min) into->min = from->min;
    if (into->n == 0 || from->max > into->max) into->max = from->max;
    into->n += from->n;
    into->nZero += from->nZero;
    into->sum += from->sum;
    return 0;
}

double ddsketch_quantile(const DDSketch *s, double q) {
    if (s->n == 0 || !(q >= 0 && q <= 1)) return NAN;
    double rank = q * (double)(s->n - 1);
    uint64_t cum = 0;
    double v = s->max;
    int found = 0;
    /* negatives from the most negative (the highest magnitude key) */
    for (uint32_t i = s->neg.nAlloc; i-- > 0 && !found;) {
        cum += s->neg.aCount[i];
        if ((double)cum > rank) {
            v = -ddsketch_value(s, s->neg.iMin + (int32_t)i);
            found = 1;
        }
    }
    if (!found) {
        cum += s->nZero;
        if ((double)cum > rank) {
            v = 0;
            found = 1;
        }
    }
    for (uint32_t i = 0; i < s->pos.nAlloc && !found; i++) {
        cum += s->pos.aCount[i];
        if ((double)cum > rank) {
            v = ddsketch_value(s, s->pos.iMin + (int32_t)i);
            found = 1;
        }
    }
    if (v < s->min) v = s->min;
    if (v > s->max) v = s->max;
    return v;
}

/* ---- text form ----------------------------------------------------------- */

/* Append one store's non-empty buckets as k:c pairs. */
/* Put the decimal digits of v before end (backwards); returns the first. */
static char *store_digits(char *end, uint64_t v) {
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static void store_write(const DDStore *st, Buf *b) {
    int first = 1;
    for (uint32_t i = 0; i < st->nAlloc; i++) {
        if (!st->aCount[i]) continue;
        /* ",<key>:<count>" by hand: a flush writes thousands of buckets */
        char z[48], *e = z + sizeof z, *p = store_digits(e, st->aCount[i]);
        *--p = ':';
        int64_t k = (int64_t)st->iMin + (int64_t)i;
        p = store_digits(p, (uint64_t)(k < 0 ? -k : k));
        if (k < 0) *--p = '-';
        if (!first) *--p = ',';
        buf_append(b, p, (size_t)(e - p));
        first = 0;
    }
}

void ddsketch_write(const DDSketch *s, Buf *b) {
    buf_printf(b, "a=%.17g;n=%llu;z=%llu;s=%.17g;lo=%.17g;hi=%.17g;p=", s->alpha,
               (unsigned long long)s->n, (unsigned long long)s->nZero, s->sum, s->n ? s->min : 0.0,
               s->n ? s->max : 0.0);
    store_write(&s->pos, b);
    buf_puts(b, ";m=");
    store_write(&s->neg, b);
}

/* Read "k:c,k:c" (up to the end e) into st; 0, KEEL_EINVAL or KEEL_ENOMEM.
 * *pTotal gets the sum of the counts. */
static int store_read(DDStore *st, const char *p, const char *e, uint64_t *pTotal) {
    char buf[64];
    while (p < e) {
        const char *q = memchr(p, ',', (size_t)(e - p));
        if (!q) q = e;
        size_t n = (size_t)(q - p);
        if (n == 0 || n >= sizeof buf) return KEEL_EINVAL;
        memcpy(buf, p, n);
        buf[n] = 0;
        char *end;
        long k = strtol(buf, &end, 10);
        if (*end != ':' || k < -1000000 || k > 1000000) return KEEL_EINVAL;
        char *zc = end + 1;
        if (*zc < '0' || *zc > '9') return KEEL_EINVAL;
        unsigned long long c = strtoull(zc, &end, 10);
        if (*end || c == 0) return KEEL_EINVAL;
        long i = store_slot(st, (int32_t)k);
        if (i < 0) return KEEL_ENOMEM;
        st->aCount[i] += c;
        *pTotal += c;
        p = q + (q < e);
    }
    return 0;
}

/* The value of "key=" in z[0..n) as [*pp, *pe); 0 or KEEL_EINVAL. */
static int text_field(const char *z, size_t n, const char *zKey, const char **pp, const char **pe) {
    size_t nKey = strlen(zKey);
    const char *p = z, *e = z + n;
    while (p < e) {
        const char *q = memchr(p, ';', (size_t)(e - p));
        if (!q) q = e;
        if ((size_t)(q - p) > nKey && memcmp(p, zKey, nKey) == 0 && p[nKey] == '=') {
            *pp = p + nKey + 1;
            *pe = q;
            return 0;
        }
        p = q + (q < e);
    }
    return KEEL_EINVAL;
}

/* A number field of the text form; 0 or KEEL_EINVAL. */
static int text_number(const char *z, size_t n, const char *zKey, double *pOut) {
    const char *p, *e;
    char buf[64];
    if (text_field(z, n, zKey, &p, &e) || e == p || (size_t)(e - p) >= sizeof buf)
        return KEEL_EINVAL;
    memcpy(buf, p, (size_t)(e - p));
    buf[e - p] = 0;
    char *end;
    *pOut = strtod(buf, &end);
    return *end || !isfinite(*pOut) ? KEEL_EINVAL : 0;
}

int ddsketch_read(DDSketch *s, const char *z, size_t n) {
    double alpha, nv, nz, sum, lo, hi;
    ddsketch_init(s, 0.01);
    if (text_number(z, n, "a", &alpha) || !(alpha > 0 && alpha < 1) ||
        text_number(z, n, "n", &nv) || text_number(z, n, "z", &nz) ||
        text_number(z, n, "s", &sum) || text_number(z, n, "lo", &lo) ||
        text_number(z, n, "hi", &hi) || nv < 0 || nz < 0 || nz > nv)
        return KEEL_EINVAL;
    ddsketch_init(s, alpha);
    const char *p, *e;
    uint64_t total = 0;
    int rc = text_field(z, n, "p", &p, &e);
    if (!rc) rc = store_read(&s->pos, p, e, &total);
    if (!rc) rc = text_field(z, n, "m", &p, &e);
    if (!rc) rc = store_read(&s->neg, p, e, &total);
    if (!rc && total + (uint64_t)nz != (uint64_t)nv) rc = KEEL_EINVAL;
    if (rc) {
        ddsketch_free(s);
        return rc;
    }
    s->n = (uint64_t)nv;
    s->nZero = (uint64_t)nz;
    s->sum = sum;
    s->min = lo;
    s->max = hi;
    return 0;
}
