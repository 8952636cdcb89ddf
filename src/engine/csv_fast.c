/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSV reader's fast record loop (see csv_int.h, and the notes below):
 * windows of plain records read column by column, numbers several at a
 * time. csv.c owns the general loop, the regions and the merge. */
#include "engine/csv_int.h"
#include "util/err.h"
#include "util/hot.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fast record loop ---------------------------------------------- */
/* Most input is plain: no quotes (or quotes only around whole fields),
 * ASCII or valid UTF-8, every value a short number or a category seen
 * before. For such a stretch ("a fast block") the
 * field boundaries are found first, 64 bytes at a time, into an array of
 * offsets; the records are then read from that array. With the boundaries
 * known, no step waits on the previous field's parse, and the numbers are
 * read eight bytes at a time without a loop per digit. A record the fast
 * loop cannot take (anything unusual) is handed to csv_chunk_record, which
 * gives the same answer or the same error as ever. */

#define CSV_FAST_WINDOW (64u << 10) /* most bytes in one fast block */

#define CSV_HOT KEEL_HOT   /* util/hot.h */
#define CSV_FAST_MARGIN 64 /* bytes past a fast block that may be read */

/* Bytes at p that are a comma or a line feed, as bits (bit j: p[j]), in
 * *pLf those that are a line feed, in *pCr the CRs and in *pQ the double
 * quotes; reads 64 bytes. *pHigh gets bits set (not one per byte) when one
 * of them is not ASCII. */
static inline uint64_t csv_sep_bits(const char *p, uint64_t *pLf, uint64_t *pCr, uint64_t *pQ,
                                    uint64_t *pHigh) {
#ifdef __SSE2__
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n');
    const __m128i quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r');
    uint64_t m = 0, l = 0, c = 0, q = 0;
    __m128i high = _mm_setzero_si128();
    for (int j = 0; j < 4; j++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * j));
        __m128i e = _mm_cmpeq_epi8(v, lf);
        l |= (uint64_t)(uint16_t)_mm_movemask_epi8(e) << (16 * j);
        e = _mm_or_si128(e, _mm_cmpeq_epi8(v, comma));
        m |= (uint64_t)(uint16_t)_mm_movemask_epi8(e) << (16 * j);
        c |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, cr)) << (16 * j);
        q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) << (16 * j);
        high = _mm_or_si128(high, v);
    }
    *pHigh = (uint64_t)_mm_movemask_epi8(high);
#else
    uint64_t m = 0, l = 0, c = 0, q = 0, o = 0;
    for (int j = 0; j < 64; j++) {
        unsigned char ch = (unsigned char)p[j];
        l |= (uint64_t)(ch == '\n') << j;
        m |= (uint64_t)(ch == ',' || ch == '\n') << j;
        c |= (uint64_t)(ch == '\r') << j;
        q |= (uint64_t)(ch == '"') << j;
        o |= (uint64_t)(ch >= 0x80) << j;
    }
    *pHigh = o;
#endif
    *pLf = l;
    *pCr = c;
    *pQ = q;
    return m;
}

#ifdef CSV_AVX2
/* csv_sep_bits with AVX2. */
CSV_V3 static inline uint64_t csv_sep_bits_avx2(const char *p, uint64_t *pLf, uint64_t *pCr,
                                                uint64_t *pQ, uint64_t *pHigh) {
    const __m256i comma = _mm256_set1_epi8(','), lf = _mm256_set1_epi8('\n');
    const __m256i quote = _mm256_set1_epi8('"'), cr = _mm256_set1_epi8('\r');
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
    __m256i l0 = _mm256_cmpeq_epi8(v0, lf), l1 = _mm256_cmpeq_epi8(v1, lf);
    __m256i s0 = _mm256_or_si256(l0, _mm256_cmpeq_epi8(v0, comma));
    __m256i s1 = _mm256_or_si256(l1, _mm256_cmpeq_epi8(v1, comma));
    *pHigh = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(v0, v1));
    *pQ = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, quote)) |
          (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, quote)) << 32;
    *pCr = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, cr)) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, cr)) << 32;
    *pLf = (uint32_t)_mm256_movemask_epi8(l0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(l1) << 32;
    return (uint32_t)_mm256_movemask_epi8(s0) | (uint64_t)(uint32_t)_mm256_movemask_epi8(s1) << 32;
}
#endif

/* Index of the lowest set bit of a nonzero b (63 when b is 0, never read). */
static inline unsigned csv_low_bit(uint64_t b) {
    return (unsigned)__builtin_ctzll(b | (UINT64_C(1) << 63));
}

/* Bits set in b (without needing the popcnt instruction). */
static inline unsigned csv_popcount(uint64_t b) {
    b = b - ((b >> 1) & UINT64_C(0x5555555555555555));
    b = (b & UINT64_C(0x3333333333333333)) + ((b >> 2) & UINT64_C(0x3333333333333333));
    b = (b + (b >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
    return (unsigned)((b * UINT64_C(0x0101010101010101)) >> 56);
}

/* The body of csv_sep_index, with BITS the 64-byte classifier (written
 * once, compiled for the baseline and for AVX2). */
#define CSV_SEP_INDEX_BODY(BITS, POPCOUNT)                                                         \
    size_t nOut = 0, nLf = 0, iBad = n;                                                            \
    uint64_t high = 0, anyCr = 0, anyQ = 0, crLast = 0, qLast = 0, sepLast = 1;                    \
    const uint64_t top = UINT64_C(1) << 63;                                                        \
    for (size_t off = 0; off < n; off += 64) {                                                     \
        uint64_t lf, cr, q, o, b = BITS(p + off, &lf, &cr, &q, &o);                                \
        if (n - off < 64) {                                                                        \
            uint64_t keep = (UINT64_C(1) << (n - off)) - 1;                                        \
            b &= keep;                                                                             \
            lf &= keep;                                                                            \
            cr &= keep;                                                                            \
            q &= keep;                                                                             \
            o = 0;                                                                                 \
            for (size_t j = off; j < n; j++) /* the bytes past n may be anything */                \
                o |= (unsigned char)p[j] >= 0x80;                                                  \
        }                                                                                          \
        /* a CR must have a LF next, and a quote must open or close a field:                       \
         * a separator (or the block's start) before it, or a separator or a                       \
         * CR after it; the bit after bit 63 is the next 64 bytes' first                           \
         * (p[n - 1] is a LF, so nothing waits past n) */                                          \
        uint64_t edge = (b << 1) | sepLast | ((b | cr) >> 1);                                      \
        uint64_t bad = (cr & ~(lf >> 1) & ~top) | (q & ~edge & ~top);                              \
        int badLast = (crLast & ~lf & 1) || (qLast & ~(b | cr) & 1);                               \
        if (iBad == n && (badLast || bad)) iBad = badLast ? off - 1 : off + csv_low_bit(bad);      \
        crLast = cr >> 63;                                                                         \
        qLast = (q & ~((b << 1) | sepLast)) >> 63;                                                 \
        sepLast = b >> 63;                                                                         \
        high |= o;                                                                                 \
        anyCr |= cr;                                                                               \
        anyQ |= q;                                                                                 \
        unsigned cnt = POPCOUNT(b);                                                                \
        nLf += POPCOUNT(lf);                                                                       \
        uint32_t *w = aOut + nOut;                                                                 \
        /* eight at once whatever the count (entries past cnt are scratch),                        \
         * so the loop does not branch on each offset */                                           \
        for (int j = 0; j < 8; j++) {                                                              \
            w[j] = (uint32_t)(off + csv_low_bit(b));                                               \
            b &= b - 1;                                                                            \
        }                                                                                          \
        if (cnt > 8) {                                                                             \
            for (int j = 8; j < 16; j++) {                                                         \
                w[j] = (uint32_t)(off + csv_low_bit(b));                                           \
                b &= b - 1;                                                                        \
            }                                                                                      \
            for (int j = 16; b; j++) {                                                             \
                w[j] = (uint32_t)(off + csv_low_bit(b));                                           \
                b &= b - 1;                                                                        \
            }                                                                                      \
        }                                                                                          \
        nOut += cnt;                                                                               \
    }                                                                                              \
    pOut->nLf = nLf;                                                                               \
    pOut->iBad = iBad;                                                                             \
    pOut->high = high != 0;                                                                        \
    pOut->cr = anyCr != 0;                                                                         \
    pOut->quote = anyQ != 0;                                                                       \
    return nOut

/* What csv_sep_index found besides the field ends. */
typedef struct CsvSepInfo {
    size_t nLf;  /* how many of them are line feeds */
    size_t iBad; /* offset of the first CR without a LF next or quote that
                  * neither opens nor closes a field (n when none) */
    int high;    /* there are bytes that are not ASCII */
    int cr;      /* there are CRs */
    int quote;   /* there are quotes */
} CsvSepInfo;

/* Write the offsets (from p) of the commas and line feeds in p[0..n) to
 * aOut, which has room for n + 16 entries; returns how many, with the rest
 * of what it saw in *pOut. p[n - 1] must be a line feed, and p[0] start a
 * record. Reads up to 63 bytes past n. */
static size_t csv_sep_index(const char *p, size_t n, uint32_t *aOut, CsvSepInfo *pOut) {
    CSV_SEP_INDEX_BODY(csv_sep_bits, csv_popcount);
}

#ifdef CSV_AVX2
/* csv_sep_index with AVX2 and the popcnt instruction. */
CSV_V3 static size_t csv_sep_index_avx2(const char *p, size_t n, uint32_t *aOut, CsvSepInfo *pOut) {
    CSV_SEP_INDEX_BODY(csv_sep_bits_avx2, __builtin_popcountll);
}
#endif

/* Read the n bytes at p (1 <= n <= 8; 8 bytes may be read) as an unsigned
 * decimal with at most one point: *pM gets its digits as an integer and
 * *pFrac the number of digits after the point. Returns 0 when the bytes
 * are not such a number. Eight bytes at once: the number is moved to the
 * top of a word (the first digit lowest, as in memory), the point taken
 * out, every byte checked to be a digit or the zero fill, and the digits
 * combined in three multiplications. */
static inline int csv_short_decimal(const char *p, size_t n, uint64_t *pM, unsigned *pFrac) {
    const uint64_t one = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
    uint64_t w;
    memcpy(&w, p, 8);
    unsigned sh = 64 - 8 * (unsigned)n;
    w <<= sh; /* the number in the top n bytes, zeros below */
    uint64_t x = w ^ (one * '.');
    uint64_t dot = (x - one) & ~x & high; /* exact for the lowest point */
    unsigned nFrac = 0;
    if (dot) {
        dot &= -dot;
        uint64_t upTo = dot | (dot - 1); /* the point and the bytes below it */
        w = (w & ~upTo) | ((w << 8) & upTo);
        nFrac = 7 - (unsigned)(__builtin_ctzll(dot) >> 3);
        sh += 8;
        if (sh >= 64) return 0; /* a point alone */
    }
    /* the digits' values: a byte below '0' borrows (its top bit is set),
     * one above '9' reaches the top bit when 0x76 is added; the zero fill
     * stays zero */
    uint64_t d = w - ((one * '0') << sh);
    if (((d + one * 0x76) | d) & high) return 0;
    d = (d * 2561) >> 8;
    d = ((d & UINT64_C(0x00FF00FF00FF00FF)) * 6553601) >> 16;
    *pM = ((d & UINT64_C(0x0000FFFF0000FFFF)) * UINT64_C(42949672960001)) >> 32;
    *pFrac = nFrac;
    return 1;
}

/* Where the window for a fast block starting at record boundary i ends:
 * just after its last line feed, at most CSV_FAST_WINDOW bytes on and
 * CSV_FAST_MARGIN bytes short of the input's end; i when there is no fast
 * block here. */
static size_t chunk_fast_window(Chunk *c, size_t i) {
    const char *z = c->s->z;
    size_t n = c->s->n;
    if (i < c->iFastStop || n < CSV_FAST_MARGIN || c->s->noFast ||
        c->s->nMaxField < CSV_FAST_WINDOW)
        return i; /* (a small field cap: the general loop checks every field) */
    size_t w = n - CSV_FAST_MARGIN, nMost = c->nFastWindow ? c->nFastWindow : CSV_FAST_WINDOW;
    if (w <= i) return i;
    if (w - i > nMost) w = i + nMost;
    const char *nl = memrchr(z + i, '\n', w - i);
    return nl ? (size_t)(nl - z) + 1 : i;
}

/* The bytes of the field ending at pEnd[0] (the previous field's end at
 * pEnd[-1]) into *pp, *pLen: without the line's CR when stripCr, without
 * its quotes when quoted. 0 when it is half quoted (csv_chunk_record
 * must read it). */
static inline __attribute__((always_inline)) int fast_field(const char *b, const uint32_t *pEnd,
                                                            int stripCr, int quoted,
                                                            const char **pp, size_t *pLen) {
    size_t st = (uint32_t)(pEnd[-1] + 1), len = pEnd[0] - st;
    const char *p = b + st;
    if (stripCr && len && p[len - 1] == '\r') len--;
    if (quoted && len && (*p == '"' || p[len - 1] == '"')) {
        if (len < 2 || *p != '"' || p[len - 1] != '"') return 0;
        p++;
        len -= 2;
    }
    *pp = p;
    *pLen = len;
    return 1;
}

#ifdef CSV_AVX2
/* RN(10^-k) for k = 0..7 (computed, so correctly rounded). */
static const double aPow10Inv[] = {1 / 1e0, 1 / 1e1, 1 / 1e2, 1 / 1e3,
                                   1 / 1e4, 1 / 1e5, 1 / 1e6, 1 / 1e7};

/* Whether this machine runs csv_decimal_run (AVX2, BMI2, POPCNT, FMA). */
static int csv_has_avx2(void) {
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
            __builtin_cpu_supports("popcnt");
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

/* Four 64-bit values into the lanes of a vector, lane by lane (a vector
 * store of the four then a load would stall on store forwarding). */
CSV_V3 static inline __m256i csv_lanes4(const long long a[4]) {
    __m128i lo = _mm_insert_epi64(_mm_cvtsi64_si128(a[0]), a[1], 1);
    __m128i hi = _mm_insert_epi64(_mm_cvtsi64_si128(a[2]), a[3], 1);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
}

/* Whether the field ending at pEnd[0] of block b is a missing-value
 * spelling (fast_field's bytes); a half-quoted field is not. */
static inline int csv_lane_missing(const char *b, const uint32_t *pEnd, int stripCr, int quoted) {
    const char *p;
    size_t len;
    return fast_field(b, pEnd, stripCr, quoted, &p, &len) && csv_is_missing(p, len);
}

/* The numbers of a column of a fast block, four rows at once while all
 * four are short decimals: pEnd[r * nField] is where row r's field ends,
 * pEnd[r * nField - 1] + 1 where it starts (b is the block); stripCr
 * drops a CR before the line end. Writes aOut[r] and returns the number
 * of rows read, a multiple of four, and adds the missing values read to
 * *pnMiss: it stops at the first group of four that holds anything but
 * short decimals and missing-value spellings (the caller reads that group
 * one by one). The
 * lanes do what csv_short_decimal does, with a leading minus: the bytes
 * moved to the top of a 64-bit lane, the lowest point taken out, every
 * byte checked, then pairs of digits, fours and eights combined by
 * multiply-add, and the integer divided by the exact power of ten. */
CSV_V3 static size_t csv_decimal_run(const char *b, const uint32_t *pEnd, size_t nField,
                                     size_t nRow, int stripCr, int quoted, double *aOut,
                                     size_t *pnMiss) {
    const __m256i zero = _mm256_setzero_si256(), one = _mm256_set1_epi64x(1);
    const __m256i dots = _mm256_set1_epi8('.'), zeros = _mm256_set1_epi8('0');
    const __m256i nine = _mm256_set1_epi8(9), ones = _mm256_set1_epi8(1);
    const __m256i w10 = _mm256_set1_epi16(0x010A), w100 = _mm256_set1_epi32(0x00010064);
    const __m256i k10000 = _mm256_set1_epi64x(10000), k64 = _mm256_set1_epi64x(64);
    const __m256i k8 = _mm256_set1_epi64x(8), even = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    const __m256d signBit = _mm256_set1_pd(-0.0);
    const __m256i pow10i = _mm256_setr_epi32(1, 10, 100, 1000, 10000, 100000, 1000000, 10000000);
    const __m256i three = _mm256_set1_epi64x(3);
    const __m256d inv03 = _mm256_loadu_pd(aPow10Inv), inv47 = _mm256_loadu_pd(aPow10Inv + 4);
    size_t r = 0;
    for (; r + 4 <= nRow; r += 4) {
        const uint32_t *q = pEnd + r * nField;
        long long aw[4], an[4], aNeg[4];
        for (int j = 0; j < 4; j++) {
            ptrdiff_t o = (ptrdiff_t)(j * nField);
            size_t st = (uint32_t)(q[o - 1] + 1), len = q[o] - st;
            const char *p = b + st;
            if (stripCr && len && p[len - 1] == '\r') len--;
            if (quoted && len && (*p == '"' || p[len - 1] == '"')) {
                int ok = len >= 2 && *p == '"' && p[len - 1] == '"';
                p += ok;
                len = ok ? len - 2 : 0; /* half quoted: a lane that fails */
            }
            int neg = *p == '-';
            p += neg;
            len -= (size_t)neg;
            uint64_t w;
            memcpy(&w, p, 8);
            aw[j] = (long long)w;
            an[j] = (long long)len;
            aNeg[j] = neg ? -1 : 0;
        }
        __m256i n = csv_lanes4(an), w = csv_lanes4(aw);
        /* 1 to 8 bytes; the number in the top len bytes of its lane */
        __m256i ok = _mm256_and_si256(_mm256_cmpgt_epi64(n, zero),
                                      _mm256_cmpgt_epi64(_mm256_set1_epi64x(9), n));
        __m256i sh = _mm256_sub_epi64(k64, _mm256_slli_epi64(n, 3));
        w = _mm256_sllv_epi64(w, sh);
        /* the lowest point: bit 8d of a lane whose byte d is the point */
        __m256i dot = _mm256_cmpeq_epi8(w, dots);
        dot = _mm256_and_si256(dot, _mm256_sub_epi64(zero, dot));
        __m256i hasDot = _mm256_xor_si256(_mm256_cmpeq_epi64(dot, zero), _mm256_set1_epi64x(-1));
        __m256i upTo = _mm256_and_si256(_mm256_sub_epi64(_mm256_slli_epi64(dot, 8), one), hasDot);
        w = _mm256_or_si256(_mm256_andnot_si256(upTo, w),
                            _mm256_and_si256(_mm256_slli_epi64(w, 8), upTo));
        sh = _mm256_add_epi64(sh, _mm256_and_si256(hasDot, k8));
        ok = _mm256_and_si256(ok, _mm256_cmpgt_epi64(k64, sh)); /* a digit at least */
        /* digits 0 to 9 where the number is, zeros below it */
        __m256i d = _mm256_sub_epi8(w, _mm256_sllv_epi64(zeros, sh));
        __m256i good = _mm256_cmpeq_epi8(_mm256_max_epu8(d, nine), nine);
        ok = _mm256_and_si256(ok, _mm256_cmpeq_epi64(good, _mm256_set1_epi64x(-1)));
        unsigned mask = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(ok));
        __m256d miss = _mm256_setzero_pd();
        if (mask != 0xF) {
            /* lanes that are not short decimals: missing values (NaN in
             * the lane) keep the run going, anything else ends it */
            long long aMiss[4] = {0, 0, 0, 0};
            size_t nMissGroup = 0;
            for (int j = 0; j < 4; j++)
                if (!(mask >> j & 1)) {
                    if (!csv_lane_missing(b, q + j * nField, stripCr, quoted)) return r;
                    aMiss[j] = -1;
                    nMissGroup++;
                }
            *pnMiss += nMissGroup;
            miss = _mm256_castsi256_pd(csv_lanes4(aMiss));
        }
        __m256i v = _mm256_madd_epi16(_mm256_maddubs_epi16(d, w10), w100);
        v = _mm256_add_epi64(_mm256_mul_epu32(v, k10000), _mm256_srli_epi64(v, 32));
        __m256d m =
            _mm256_cvtepi32_pd(_mm256_castsi256_si128(_mm256_permutevar8x32_epi32(v, even)));
        /* digits after the point: the bytes above it */
        __m256i nFrac = _mm256_sad_epu8(_mm256_andnot_si256(upTo, ones), zero);
        nFrac = _mm256_and_si256(nFrac, hasDot);
        /* m / 10^k correctly rounded without a division (slow on some
         * machines): q = m * RN(10^-k), then one exact-remainder step,
         * q + (m - q * 10^k) * RN(10^-k), by fused multiply-adds
         * (Markstein's correction; checked against the division for every
         * m < 10^8 and k <= 7, see docs/benchmarks.md) */
        /* 10^k and RN(10^-k) picked from tables in registers (permutes,
         * not gathers): 10^k as an int32, RN(10^-k) as the two halves of
         * a double, from the low or the high four entries */
        __m256i k32 = _mm256_permutevar8x32_epi32(nFrac, even); /* k, one per 32 bits */
        __m256d den =
            _mm256_cvtepi32_pd(_mm256_castsi256_si128(_mm256_permutevar8x32_epi32(pow10i, k32)));
        __m256i t = _mm256_slli_epi64(_mm256_and_si256(nFrac, three), 1);
        __m256i pair = _mm256_or_si256(t, _mm256_slli_epi64(_mm256_add_epi64(t, one), 32));
        __m256d invLo = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(inv03), pair));
        __m256d invHi = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(inv47), pair));
        __m256d inv =
            _mm256_blendv_pd(invLo, invHi, _mm256_castsi256_pd(_mm256_cmpgt_epi64(nFrac, three)));
        __m256d quo = _mm256_mul_pd(m, inv);
        __m256d val = _mm256_fmadd_pd(_mm256_fnmadd_pd(quo, den, m), inv, quo);
        __m256d neg = _mm256_castsi256_pd(csv_lanes4(aNeg));
        val = _mm256_xor_pd(val, _mm256_and_pd(neg, signBit));
        if (mask != 0xF) val = _mm256_blendv_pd(val, _mm256_set1_pd(NAN), miss);
        _mm256_storeu_pd(aOut + r, val);
    }
    return r;
}
#endif

/* Read rows [0, nRow) of the fast block (field ends aEnd, row r's field k
 * ending at aEnd[r * nField + k], the entry before the first being -1)
 * into selected column iSel (field k) at row c->nRow + r. Returns the
 * number of rows read: nRow, or the first row whose value this loop cannot
 * take (csv_chunk_record must). */
CSV_HOT static size_t chunk_fast_col(Chunk *c, const char *b, const uint32_t *aEnd, size_t nRow,
                                     size_t k, int iSel) {
    const CsvShared *s = c->s;
    ChunkCol *col = &c->aCol[iSel];
    size_t nField = s->nField, nMiss = 0; /* no field is over the cap: see chunk_fast_window */
    int stripCr = c->fastCr && k + 1 == nField, quoted = c->fastQuote;
    const uint32_t *pEnd = aEnd + k;
    size_t r = 0;
    if (!col->isCat) {
        double *aOut = (double *)col->data.p + c->nRow;
        size_t rFast = 0; /* rows from here on may go four at a time */
        int simd = 0;
#ifdef CSV_AVX2
        simd = !c->s->noSimd && csv_has_avx2();
#endif
        for (; r < nRow; r++, pEnd += nField) {
#ifdef CSV_AVX2
            if (simd && r >= rFast) {
                size_t nDone =
                    csv_decimal_run(b, pEnd, nField, nRow - r, stripCr, quoted, aOut + r, &nMiss);
                r += nDone;
                pEnd += nDone * nField;
                rFast = r + 4; /* this group of four goes one by one */
                if (r >= nRow) break;
            }
#endif
            const char *p;
            size_t len;
            if (!fast_field(b, pEnd, stripCr, quoted, &p, &len)) break;
            uint64_t m;
            unsigned nFrac;
            double v;
            if (len - 1 < 8 && csv_short_decimal(p, len, &m, &nFrac)) {
                v = (double)m / csv_aPow10[nFrac];
            } else if (len - 2 < 8 && *p == '-' && csv_short_decimal(p + 1, len - 1, &m, &nFrac)) {
                v = -((double)m / csv_aPow10[nFrac]);
            } else if (csv_is_missing(p, len)) {
                v = NAN;
                nMiss++;
            } else if (!csv_parse_number(p, len, &v)) {
                break;
            }
            aOut[r] = v;
        }
        col->nMissingBatch = nMiss;
        return r;
    }
    uint32_t *aOut = (uint32_t *)col->data.p + c->nRow;
    const char *e = s->z + s->n;
    for (; r < nRow; r++, pEnd += nField) {
        const char *p;
        size_t len;
        if (!fast_field(b, pEnd, stripCr, quoted, &p, &len)) break;
        uint64_t key = 0;
        unsigned iSmall = 0;
        int small = csv_small_key(p, e, len, &key, &iSmall);
        if (small && col->aSmallLen[iSmall] == len + 1 && col->aSmallKey[iSmall] == key) {
            aOut[r] = col->aSmallCode[iSmall];
            continue;
        }
        if (csv_is_missing(p, len)) {
            aOut[r] = CSV_MISSING_CODE;
            nMiss++;
            continue;
        }
        /* the block is valid UTF-8 and the value lives in the input, so a
         * new value needs no more than chunk_put_text would do */
        uint32_t code;
        int isNew;
        if (csv_dict_intern(&col->dict, p, len, csv_hash(p, len), &code, &isNew)) break;
        if (small) {
            col->aSmallKey[iSmall] = key;
            col->aSmallLen[iSmall] = (uint8_t)(len + 1);
            col->aSmallCode[iSmall] = code;
        }
        aOut[r] = code;
    }
    col->nMissingBatch = nMiss;
    return r;
}

/* Selected column iSel was read for more rows of the block than the first
 * nRow that will be kept: drop the category values it added from the rows
 * after those, so that the levels stay in order of first appearance. */
static void chunk_fast_forget(Chunk *c, int iSel, size_t nRow) {
    ChunkCol *col = &c->aCol[iSel];
    size_t nMiss = 0;
    if (!col->isCat) {
        const double *a = (const double *)col->data.p + c->nRow;
        for (size_t r = 0; r < nRow; r++)
            nMiss += isnan(a[r]);
        col->nMissingBatch = nMiss;
        return;
    }
    const uint32_t *a = (const uint32_t *)col->data.p + c->nRow;
    for (size_t r = 0; r < nRow; r++)
        nMiss += a[r] == CSV_MISSING_CODE;
    col->nMissingBatch = nMiss;
    if (col->dict.nLevel == col->nLevelBefore) return;
    size_t nKeep = col->nLevelBefore;
    for (size_t r = 0; r < nRow; r++)
        if (a[r] != CSV_MISSING_CODE && a[r] >= nKeep) nKeep = (size_t)a[r] + 1;
    csv_dict_truncate(&col->dict, nKeep);
    for (size_t j = 0; j < CSV_SMALL_SLOTS; j++)
        if (col->aSmallLen[j] && col->aSmallCode[j] >= nKeep) col->aSmallLen[j] = 0;
}

/* Parse the records of the fast block at *pi (see chunk_fast_window and
 * chunk_fast_end) that start before the region's end, and advance *pi;
 * when there is no fast block there, parse one record with csv_chunk_record.
 * The field ends are found first; when every record has the header's
 * number of fields (the usual case) the block is then read column by
 * column, each in a loop of its own. A record this cannot take goes to
 * csv_chunk_record, and the rest of the block too. Returns 0 or an error code
 * (as csv_chunk_record). */
static int chunk_fast_block(Chunk *c, size_t *pi, size_t *pnWindow);

int csv_chunk_fast(Chunk *c, size_t *pi) {
    /* the work of finding field ends must stay in proportion to the
     * records it serves: when a block ends early (a broken record, a bad
     * byte), the next window spans twice what this one served, at least
     * 256 bytes; when a block serves its whole window, the next may span
     * twice as much, up to CSV_FAST_WINDOW */
    size_t i0 = *pi, nWindow = 0;
    int rc = chunk_fast_block(c, pi, &nWindow);
    if (rc || nWindow == 0) return rc;
    size_t nServed = *pi - i0, nNext;
    if (2 * nServed < nWindow)
        nNext = 2 * nServed < 256 ? 256 : 2 * nServed;
    else
        nNext = 2 * nWindow;
    c->nFastWindow = nNext >= CSV_FAST_WINDOW ? 0 : nNext;
    return 0;
}

/* One fast block at *pi (see csv_chunk_fast); *pnWindow gets the bytes its
 * window spanned (0 when there was none). */
static int chunk_fast_block(Chunk *c, size_t *pi, size_t *pnWindow) {
    const CsvShared *s = c->s;
    const char *z = s->z;
    size_t i0 = *pi, iBlockEnd = chunk_fast_window(c, i0), nByte = iBlockEnd - i0;
    size_t nField = s->nField;
    if (iBlockEnd == i0) return csv_chunk_record(c, pi);
    *pnWindow = nByte;
    if (c->nSepAlloc < nByte + 17) {
        uint32_t *a = realloc(c->aSep, (nByte + 17) * sizeof *a);
        if (!a) return KEEL_ENOMEM;
        c->aSep = a;
        c->nSepAlloc = nByte + 17;
    }
    uint32_t *aEnd = c->aSep + 1; /* aEnd[-1] + 1 == 0: the first field's start */
    c->aSep[0] = UINT32_MAX;
    size_t nLf, nSep;
    for (int pass = 0;; pass++) {
        CsvSepInfo si;
#ifdef CSV_AVX2
        if (!s->noSimd && csv_has_avx2())
            nSep = csv_sep_index_avx2(z + i0, nByte, aEnd, &si);
        else
#endif
            nSep = csv_sep_index(z + i0, nByte, aEnd, &si);
        nLf = si.nLf;
        c->fastCr = si.cr;
        c->fastQuote = si.quote;
        if (pass || (si.iBad == nByte && !si.high)) break;
        /* a lone CR or a quote inside a field (the general loop takes the
         * record holding it), or bytes that are not ASCII (valid UTF-8?):
         * the block ends at the last line feed before them */
        size_t w = si.iBad;
        if (si.high) w = csv_utf8_check(z + i0, w);
        if (si.iBad < nByte) c->iFastStop = i0 + si.iBad + 1;
        const char *nl = w ? memrchr(z + i0, '\n', w) : NULL;
        if (!nl) {
            if (si.iBad < nByte) { /* in this very record: when that keeps
                                    * happening, look less often (256 bytes
                                    * on, doubling to 64 KiB) */
                size_t nBack = (size_t)256 << (c->nFastMiss < 8 ? c->nFastMiss : 8);
                if (c->iFastStop < i0 + nBack) c->iFastStop = i0 + nBack;
                c->nFastMiss++;
            }
            return csv_chunk_record(c, pi);
        }
        c->nFastMiss = 0;
        if ((size_t)(nl - z) + 1 == iBlockEnd) break; /* valid UTF-8 throughout */
        iBlockEnd = (size_t)(nl - z) + 1;
        nByte = iBlockEnd - i0;
    }
    const char *b = z + i0;
    size_t nRowBlock = 0;
    int broken = 0; /* a record without the header's number of fields */
    if (nField >= 2 && nSep == nLf * nField) {
        while (nRowBlock < nLf && b[aEnd[nRowBlock * nField + nField - 1]] == '\n')
            nRowBlock++;
        broken = nRowBlock < nLf;
    } else {
        broken = 1;
    }
    if (broken) { /* a blank or ragged line, or a comma or LF inside quotes:
                   * the records before it, field by field */
        nRowBlock = 0;
        while (nField >= 2 && (nRowBlock + 1) * nField <= nSep) {
            const uint32_t *a = aEnd + nRowBlock * nField;
            size_t k = 0;
            while (k + 1 < nField && b[a[k]] == ',')
                k++;
            if (k + 1 < nField || b[a[k]] != '\n') break;
            nRowBlock++;
        }
    }
    /* the rows that start in the region */
    size_t nStop = (c->iEnd < iBlockEnd ? c->iEnd : iBlockEnd) - i0;
    const uint32_t *aPrev = c->aSep; /* aPrev[r * nField] + 1: where row r starts */
    while (nRowBlock > 0 && (uint32_t)(aPrev[(nRowBlock - 1) * nField] + 1) >= nStop)
        nRowBlock--;
    size_t r0 = 0; /* rows of the block done */
    int rc = 0;
    while (r0 < nRowBlock) {
        if (c->nRow == c->nCap && (rc = s->xBlock ? csv_chunk_flush(c) : csv_chunk_grow(c)))
            return rc;
        size_t nBatch = nRowBlock - r0;
        if (nBatch > c->nCap - c->nRow) nBatch = c->nCap - c->nRow;
        const uint32_t *a = aEnd + r0 * nField;
        size_t nRow = nBatch;
        for (size_t k = 0; k < s->nSel; k++)
            c->aCol[k].nMissingBatch = 0;
        for (size_t k = 0; k < nField && nRow; k++) {
            if (s->aSel[k] < 0) continue;
            ChunkCol *col = &c->aCol[s->aSel[k]];
            col->nLevelBefore = col->dict.nLevel;
            size_t nDone = chunk_fast_col(c, b, a, nRow, k, s->aSel[k]);
            if (nDone < nRow) { /* the columns before this one went too far */
                for (size_t j = 0; j < k; j++)
                    if (s->aSel[j] >= 0) chunk_fast_forget(c, s->aSel[j], nDone);
                nRow = nDone;
            }
        }
        if (!s->xBlock)
            for (size_t r = 0; r < nRow; r++)
                ((size_t *)c->starts.p)[c->nRow + r] =
                    i0 + (uint32_t)(aPrev[(r0 + r) * nField] + 1);
        for (size_t k = 0; k < s->nSel; k++)
            c->aCol[k].nMissing += c->aCol[k].nMissingBatch;
        c->nRow += nRow;
        r0 += nRow;
        if (nRow == nBatch) continue;
        /* a value this loop cannot take (text in a column read as numbers
         * so far, a new error...): csv_chunk_record takes that record, and when
         * it ends where the block says, the block goes on after it */
        size_t i = i0 + (uint32_t)(aPrev[r0 * nField] + 1);
        if ((rc = csv_chunk_record(c, &i))) return rc;
        if (i != i0 + (uint32_t)(aPrev[(r0 + 1) * nField] + 1)) { /* quotes: not as indexed */
            c->iFastStop = iBlockEnd;
            *pi = i;
            return 0;
        }
        r0++;
    }
    size_t i = i0 + (uint32_t)(aPrev[r0 * nField] + 1);
    if (broken && i < c->iEnd) {
        /* the record that broke the block goes to the general loop; the
         * next block starts after it, or, when that keeps happening at a
         * block's first record, a little later each time (256 bytes on,
         * doubling to 64 KiB) */
        size_t iRec = i;
        if ((rc = csv_chunk_record(c, &i))) return rc;
        if (r0 == 0) {
            size_t nBack = (size_t)256 << (c->nFastMiss < 8 ? c->nFastMiss : 8);
            c->iFastStop = iRec + nBack;
            c->nFastMiss++;
        } else {
            c->nFastMiss = 0;
        }
    }
    *pi = i;
    return 0;
}
