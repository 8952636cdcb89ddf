/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The prediction-event scanner (evscan.h). A record is found first (a line
 * by memchr for NDJSON; a CSV record, which may span lines inside quotes),
 * then read field by field: a JSON object of flat values (strings,
 * numbers, true, false, null; nothing nested) or the CSV fields in header
 * order. Each value goes through one function (evscan_set) that knows the
 * schema, so both formats accept and refuse the same things with the same
 * words. Strings without escapes point into the body; escaped ones are
 * decoded into the scanner's scratch. Numbers use csv_parse_number (the
 * CSV reader's: Clinger's fast path, else strtod). */
#include "engine/evscan.h"
#include "engine/csv_int.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/timeutil.h"
#include <math.h>
#include <stdarg.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the schema ---------------------------------------------------------- */

enum {
    EVF_UNKNOWN = 0,
    EVF_ID,
    EVF_TS,
    EVF_VERSION,
    EVF_SEGMENT,
    EVF_LATENCY,
    EVF_SCORE,
    EVF_PREDICTION,
    EVF_LABEL,
    EVF_ERROR,
    EVF_FEATURE,
};

/* Value kinds as a JSON line gives them; a CSV field is EVV_RAW (its
 * meaning depends on the field: empty means absent). */
enum { EVV_STR, EVV_NUM, EVV_TRUE, EVV_FALSE, EVV_NULL, EVV_RAW };

/* Wire name of a fixed field (for messages). */
static const char *const azEvField[] = {"",        "event_id",   "ts",    "version",
                                        "segment", "latency_ms", "score", "prediction",
                                        "label",   "error",      ""};

/* Which field the key z[0..n) names (EVF_FEATURE for "f.<name>"). */
static int evscan_field(const char *z, size_t n) {
    switch (n) {
    case 2:
        if (memcmp(z, "ts", 2) == 0) return EVF_TS;
        break;
    case 5:
        if (memcmp(z, "score", 5) == 0) return EVF_SCORE;
        if (memcmp(z, "label", 5) == 0) return EVF_LABEL;
        if (memcmp(z, "error", 5) == 0) return EVF_ERROR;
        break;
    case 7:
        if (memcmp(z, "version", 7) == 0) return EVF_VERSION;
        if (memcmp(z, "segment", 7) == 0) return EVF_SEGMENT;
        break;
    case 8:
        if (memcmp(z, "event_id", 8) == 0) return EVF_ID;
        break;
    case 10:
        if (memcmp(z, "latency_ms", 10) == 0) return EVF_LATENCY;
        if (memcmp(z, "prediction", 10) == 0) return EVF_PREDICTION;
        break;
    default: break;
    }
    if (n > 2 && z[0] == 'f' && z[1] == '.') return EVF_FEATURE;
    return EVF_UNKNOWN;
}

/* Fill *e and return KEEL_EINVAL. The field name is z[0..n) (may be 0). */
static int evscan_fail(EngineError *e, uint32_t iLine, const char *zField, size_t nField,
                       const char *zFmt, ...) __attribute__((format(printf, 5, 6)));
static int evscan_fail(EngineError *e, uint32_t iLine, const char *zField, size_t nField,
                       const char *zFmt, ...) {
    if (!e) return KEEL_EINVAL;
    e->iLine = iLine;
    e->iCol = 0;
    if (nField >= sizeof e->zField) nField = sizeof e->zField - 1;
    size_t j = 0;
    for (size_t i = 0; i < nField; i++) /* keep messages printable */
        e->zField[j++] = (unsigned char)zField[i] < 0x20 ? '?' : zField[i];
    e->zField[j] = 0;
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(e->zMsg, sizeof e->zMsg, zFmt, ap);
    va_end(ap);
    return KEEL_EINVAL;
}

/* True when z[0..n) is valid UTF-8 with no control character. */
static int evscan_text_ok(const char *z, size_t n) {
    int high = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)z[i];
        if (c < 0x20 || c == 0x7f) return 0;
        high |= c & 0x80;
    }
    return !high || csv_utf8_check(z, n) == n;
}

/* ---- timestamps ---------------------------------------------------------- */

/* n digits at z as an unsigned number, or -1. */
static int evscan_digits(const char *z, size_t n) {
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)(z[i] - '0') > 9) return -1;
        v = v * 10 + (z[i] - '0');
    }
    return v;
}

int evscan_parse_ts(const char *z, size_t n, int64_t *pMs) {
    if (n == 0) return KEEL_EINVAL;
    size_t i = z[0] == '-';
    if (n > i && n - i <= 16) { /* epoch milliseconds */
        int64_t v = 0;
        size_t k = i;
        while (k < n && (unsigned)(z[k] - '0') <= 9)
            v = v * 10 + (z[k++] - '0');
        if (k == n) {
            *pMs = i ? -v : v;
            return 0;
        }
    }
    if (n < 20 || z[4] != '-' || z[7] != '-' || z[13] != ':' || z[16] != ':') return KEEL_EINVAL;
    if (z[10] != 'T' && z[10] != 't' && z[10] != ' ') return KEEL_EINVAL;
    int y = evscan_digits(z, 4), mo = evscan_digits(z + 5, 2), d = evscan_digits(z + 8, 2);
    int h = evscan_digits(z + 11, 2), mi = evscan_digits(z + 14, 2), s = evscan_digits(z + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
        s > 60)
        return KEEL_EINVAL;
    static const unsigned char aDim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > aDim[mo - 1] + (mo == 2 && leap)) return KEEL_EINVAL;
    size_t k = 19;
    int64_t ms = 0;
    if (k < n && z[k] == '.') {
        size_t f0 = ++k;
        int64_t scale = 100;
        while (k < n && (unsigned)(z[k] - '0') <= 9) {
            ms += (z[k] - '0') * scale;
            scale /= 10;
            k++;
        }
        if (k == f0 || k - f0 > 9) return KEEL_EINVAL;
    }
    int64_t off = 0;
    if (k + 1 == n && (z[k] == 'Z' || z[k] == 'z')) {
        k++;
    } else if (k + 6 == n && (z[k] == '+' || z[k] == '-') && z[k + 3] == ':') {
        int oh = evscan_digits(z + k + 1, 2), om = evscan_digits(z + k + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59) return KEEL_EINVAL;
        off = (oh * 60 + om) * 60 * (z[k] == '+' ? 1 : -1);
        k += 6;
    }
    if (k != n) return KEEL_EINVAL;
    int64_t secs =
        time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s - off;
    *pMs = secs * 1000 + ms;
    return 0;
}

/* ---- one value into the event -------------------------------------------- */

/* A value as read from either format. */
typedef struct EvVal {
    int kind;      /* EVV_* */
    const char *z; /* its text (a string's decoded bytes, a number's token) */
    size_t n;
    int bPlain; /* known to be printable ASCII (no check needed) */
    int bNum;   /* the number was read already: num (and iNum when bInt) */
    int bInt;   /* digits only (no sign, no point): iNum holds them */
    double num;
    int64_t iNum;
} EvVal;

/* Exact powers of ten for the fast decimal path. */
static const double aEvPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A plain decimal (-?digits[.digits], at most 15 digits) read exactly:
 * a mantissa below 2^53 divided by an exact power of ten is correctly
 * rounded (Clinger), so the result is strtod's. 1 when z[0..n) is one,
 * else 0 (the caller takes the general path). */
static inline int evscan_decimal(const char *z, size_t n, double *pOut) {
    size_t i = 0;
    int neg = n > 0 && z[0] == '-';
    i = (size_t)neg;
    if (i >= n || n - i > 16) return 0;
    uint64_t m = 0;
    size_t nDigit = 0, nFrac = 0, iDot = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned)(z[i] - '0');
        if (d <= 9) {
            m = m * 10 + d;
            nDigit++;
            nFrac += iDot != 0;
        } else if (z[i] == '.' && !iDot && nDigit) {
            iDot = i;
        } else {
            return 0;
        }
    }
    if (!nDigit || nDigit > 15 || (iDot && !nFrac)) return 0;
    double v = nFrac ? (double)m / aEvPow10[nFrac] : (double)m;
    *pOut = neg ? -v : v;
    return 1;
}

/* Read v as a number into *pOut; 1 when it is one, 0 when absent (null or
 * an empty CSV field), KEEL_EINVAL otherwise. allowBool: true/false are 1/0. */
static int evscan_number(const EvVal *v, int allowBool, double *pOut) {
    if (v->kind == EVV_NULL) return 0;
    if (v->kind == EVV_TRUE || v->kind == EVV_FALSE) {
        if (!allowBool) return KEEL_EINVAL;
        *pOut = v->kind == EVV_TRUE;
        return 1;
    }
    if (v->kind == EVV_STR) return KEEL_EINVAL;
    if (v->kind == EVV_RAW) {
        if (csv_is_missing(v->z, v->n)) return 0;
        if (allowBool && v->n == 4 && memcmp(v->z, "true", 4) == 0) {
            *pOut = 1;
            return 1;
        }
        if (allowBool && v->n == 5 && memcmp(v->z, "false", 5) == 0) {
            *pOut = 0;
            return 1;
        }
    }
    if (v->bNum) {
        *pOut = v->num;
        return 1;
    }
    if (evscan_decimal(v->z, v->n, pOut)) return 1;
    if (!csv_parse_number(v->z, v->n, pOut) || !isfinite(*pOut)) return KEEL_EINVAL;
    return 1;
}

/* Store value v of field f (key z[0..nKey) for messages and features)
 * into ev; 0 or KEEL_EINVAL with *e filled. */
static int evscan_set(EvEvent *ev, int f, const char *zKey, size_t nKey, const EvVal *v,
                      EngineError *e) {
    uint32_t iLine = ev->iLine;
    int rc;
    switch (f) {
    case EVF_ID:
    case EVF_VERSION:
    case EVF_SEGMENT: {
        size_t nMax = f == EVF_ID ? EVSCAN_MAX_ID : EVSCAN_MAX_LABEL;
        if (v->kind == EVV_NULL && f == EVF_SEGMENT) return 0;
        if (v->kind != EVV_STR && v->kind != EVV_NUM && v->kind != EVV_RAW)
            return evscan_fail(e, iLine, zKey, nKey, "must be a string");
        if ((v->n == 0 && f != EVF_SEGMENT) || v->n > nMax)
            return evscan_fail(e, iLine, zKey, nKey, "must be 1 to %zu bytes long (got %zu)", nMax,
                               v->n);
        if (!v->bPlain && !evscan_text_ok(v->z, v->n))
            return evscan_fail(e, iLine, zKey, nKey,
                               "holds a control character or invalid UTF-8; send plain UTF-8 text");
        EvStr *p = f == EVF_ID ? &ev->id : f == EVF_VERSION ? &ev->version : &ev->segment;
        p->z = v->z;
        p->n = (uint32_t)v->n;
        return 0;
    }
    case EVF_TS:
        if (v->kind == EVV_NULL || (v->kind != EVV_NUM && v->n == 0))
            return evscan_fail(e, iLine, zKey, nKey,
                               "is missing; give an RFC 3339 time or epoch "
                               "milliseconds");
        if (v->bInt) { /* epoch milliseconds, read already */
            ev->tsMs = v->iNum;
            return 0;
        }
        if (v->kind == EVV_TRUE || v->kind == EVV_FALSE || evscan_parse_ts(v->z, v->n, &ev->tsMs))
            return evscan_fail(e, iLine, zKey, nKey,
                               "is not a time; give RFC 3339 (2026-12-07T17:37:06.123Z) or epoch "
                               "milliseconds");
        return 0;
    case EVF_LATENCY:
        rc = evscan_number(v, 0, &ev->latencyMs);
        if (rc == 1 && ev->latencyMs >= 0) return 0;
        return evscan_fail(e, iLine, zKey, nKey, "must be a number of milliseconds, 0 or more");
    case EVF_SCORE:
        rc = evscan_number(v, 0, &ev->score);
        if (rc >= 0) return 0;
        return evscan_fail(e, iLine, zKey, nKey, "must be a finite number (or null)");
    case EVF_PREDICTION:
    case EVF_LABEL:
        rc = evscan_number(v, 1, f == EVF_LABEL ? &ev->label : &ev->prediction);
        if (rc >= 0) return 0;
        return evscan_fail(e, iLine, zKey, nKey,
                           "must be a number, true or false (classes as integers: 0, 1, 2, ...)");
    case EVF_ERROR: {
        double x = 0;
        rc = evscan_number(v, 1, &x);
        if (rc >= 0 && (x == 0 || x == 1)) {
            ev->isError = x == 1;
            return 0;
        }
        return evscan_fail(e, iLine, zKey, nKey, "must be true, false, 0 or 1");
    }
    case EVF_FEATURE: {
        if (ev->nFeat >= EVSCAN_MAX_FEATURES)
            return evscan_fail(e, iLine, zKey, nKey, "is one feature too many; at most %d a line",
                               EVSCAN_MAX_FEATURES);
        EvFeature *ft = &ev->aFeat[ev->nFeat];
        ft->v = NAN;
        rc = evscan_number(v, 1, &ft->v);
        if (rc < 0)
            return evscan_fail(e, iLine, zKey, nKey, "must be a number (or null when missing)");
        ft->name.z = zKey + 2;
        ft->name.n = (uint32_t)(nKey - 2);
        ev->nFeat++;
        return 0;
    }
    default: return evscan_fail(e, iLine, zKey, nKey, "is not an event field");
    }
}

/* Check a feature name (the key without "f."); 0 or KEEL_EINVAL. */
static int evscan_feature_name(const char *zKey, size_t nKey, int bPlain, uint32_t iLine,
                               EngineError *e) {
    if (nKey - 2 > EVSCAN_MAX_LABEL || (!bPlain && !evscan_text_ok(zKey, nKey)))
        return evscan_fail(e, iLine, zKey, nKey,
                           "feature names are 1 to %d bytes of plain UTF-8 after \"f.\"",
                           EVSCAN_MAX_LABEL);
    return 0;
}

/* Start a record: absent optional values, no features. */
static void evscan_clear(EvEvent *ev, uint32_t iLine) {
    ev->id.n = ev->version.n = ev->segment.n = 0;
    ev->id.z = ev->version.z = ev->segment.z = "";
    ev->tsMs = 0;
    ev->latencyMs = ev->score = ev->prediction = ev->label = NAN;
    ev->isError = 0;
    ev->nFeat = 0;
    ev->iLine = iLine;
    ev->mask = 0;
    ev->bEscaped = 0;
}

/* Check that the required fields (bit set of EVF_*) were all seen. */
static int evscan_required(const EvScan *s, unsigned seen, uint32_t iLine, EngineError *e) {
    static const int aEvents[] = {EVF_ID, EVF_TS, EVF_VERSION, EVF_LATENCY};
    static const int aLabels[] = {EVF_ID, EVF_LABEL};
    const int *a = s->kind == EVSCAN_LABELS ? aLabels : aEvents;
    size_t n = s->kind == EVSCAN_LABELS ? 2 : 4;
    for (size_t i = 0; i < n; i++)
        if (!(seen & (1u << a[i]))) {
            const char *z = azEvField[a[i]];
            return evscan_fail(e, iLine, z, strlen(z),
                               s->kind == EVSCAN_LABELS
                                   ? "is missing; every label line needs event_id and label"
                                   : "is missing; every event needs event_id, ts, version and "
                                     "latency_ms");
        }
    return 0;
}

/* Whether field f may appear in this kind of stream. */
static int evscan_allowed(const EvScan *s, int f) {
    if (f == EVF_UNKNOWN) return 0;
    return s->kind == EVSCAN_EVENTS || f == EVF_ID || f == EVF_LABEL;
}

/* The refusal for a field this stream does not take. */
static int evscan_unknown(const EvScan *s, const char *zKey, size_t nKey, uint32_t iLine,
                          EngineError *e) {
    if (s->kind == EVSCAN_LABELS)
        return evscan_fail(e, iLine, zKey, nKey,
                           "is not a label field; label lines have event_id and label only");
    return evscan_fail(e, iLine, zKey, nKey,
                       "is not an event field; use event_id, ts, version, segment, latency_ms, "
                       "score, prediction, label, error or f.<feature>");
}

/* ---- NDJSON -------------------------------------------------------------- */

/* Skip JSON whitespace (mostly there is none). */
static inline const char *evscan_ws(const char *p, const char *e) {
    if (__builtin_expect(p < e && (unsigned char)*p > ' ', 1)) return p;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p;
}

/* Four hex digits at p, or -1. */
static long evscan_hex4(const char *p) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = (unsigned char)p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Read a JSON string starting after its opening quote at *pp (line ends at
 * e): sets *pz and *pn to its decoded bytes (into the body, or the scratch
 * when it has escapes) and *pp past the closing quote. 0, or -1 for a
 * string that does not end or has a bad escape, -2 for a full scratch. */
static int evscan_json_str(EvScan *s, const char **pp, const char *e, const char **pz, size_t *pn,
                           int *pPlain) {
    const char *p = *pp, *p0 = p;
    unsigned odd = 0; /* bytes below 0x20 or above 0x7e seen */
#ifdef __SSE2__
    /* 16 bytes at a time while the line has them: the first quote or
     * backslash, and whether an odd byte comes before it */
    const __m128i vQuote = _mm_set1_epi8('"'), vSlash = _mm_set1_epi8('\\');
    const __m128i vSpace = _mm_set1_epi8(0x20), vDel = _mm_set1_epi8(0x7f);
    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned mStop = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, vQuote), _mm_cmpeq_epi8(x, vSlash)));
        /* signed: bytes from 0x80 are negative, so below 0x20 too */
        unsigned mOdd = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmplt_epi8(x, vSpace), _mm_cmpeq_epi8(x, vDel)));
        if (mStop) {
            unsigned k = (unsigned)__builtin_ctz(mStop);
            odd |= mOdd & ((1u << k) - 1);
            p += k;
            break;
        }
        odd |= mOdd;
        p += 16;
    }
#endif
    while (p < e && *p != '"' && *p != '\\') {
        odd |= (unsigned)((unsigned char)*p - 0x20) > 0x5e;
        p++;
    }
    if (p >= e) return -1;
    *pPlain = !odd;
    if (*p == '"') {
        *pz = p0;
        *pn = (size_t)(p - p0);
        *pp = p + 1;
        return 0;
    }
    *pPlain = 0;
    /* escapes: decode into the scratch */
    char *d = s->aScratch + s->nScratch, *dEnd = s->aScratch + sizeof s->aScratch;
    char *d0 = d;
    size_t nCopy = (size_t)(p - p0);
    if ((size_t)(dEnd - d) < nCopy) return -2;
    memcpy(d, p0, nCopy);
    d += nCopy;
    while (p < e && *p != '"') {
        if (dEnd - d < 4) return -2;
        if (*p != '\\') {
            *d++ = *p++;
            continue;
        }
        if (++p >= e) return -1;
        char c = *p++;
        switch (c) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '/': *d++ = '/'; break;
        case 'b': *d++ = '\b'; break;
        case 'f': *d++ = '\f'; break;
        case 'n': *d++ = '\n'; break;
        case 'r': *d++ = '\r'; break;
        case 't': *d++ = '\t'; break;
        case 'u': {
            if (e - p < 4) return -1;
            long cp = evscan_hex4(p);
            p += 4;
            if (cp < 0) return -1;
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair */
                if (e - p < 6 || p[0] != '\\' || p[1] != 'u') return -1;
                long lo = evscan_hex4(p + 2);
                if (lo < 0xDC00 || lo > 0xDFFF) return -1;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return -1;
            }
            if (cp < 0x80) {
                *d++ = (char)cp;
            } else if (cp < 0x800) {
                *d++ = (char)(0xC0 | (cp >> 6));
                *d++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *d++ = (char)(0xE0 | (cp >> 12));
                *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *d++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *d++ = (char)(0xF0 | (cp >> 18));
                *d++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *d++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default: return -1;
        }
    }
    if (p >= e) return -1;
    *pz = d0;
    *pn = (size_t)(d - d0);
    s->nScratch = (size_t)(d - s->aScratch);
    *pp = p + 1;
    return 0;
}

/* Whether a[0..n) equals b[0..n), by words (reads nothing outside). */
static inline int evscan_key_eq(const char *a, const char *b, size_t n) {
    uint64_t x, y;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y) return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t u, v, u2, v2;
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        memcpy(&u2, a + n - 4, 4);
        memcpy(&v2, b + n - 4, 4);
        return u == v && u2 == v2;
    }
    return mem_eq_short(a, b, n);
}

/* A plain decimal value at p (what evscan_decimal takes, ending where a
 * JSON value ends) read while it is delimited: fills v (kind, text,
 * number) and returns 1; else 0 (the caller takes the general path). */
static inline int evscan_json_num(const char *p, const char *e, EvVal *v) {
    const char *q = p;
    int neg = *q == '-';
    q += neg;
    const char *qMax = e - q > 16 ? q + 16 : e;
    uint64_t m = 0;
    unsigned nDigit = 0, nFrac = 0, bDot = 0;
    for (; q < qMax; q++) {
        unsigned d = (unsigned)(*q - '0');
        if (d <= 9) {
            m = m * 10 + d;
            nDigit++;
            nFrac += bDot;
        } else if (*q == '.' && !bDot && nDigit) {
            bDot = 1;
        } else {
            break;
        }
    }
    if (!nDigit || nDigit > 15 || (bDot && !nFrac)) return 0;
    if (q < e && *q != ',' && *q != '}' && *q != ' ' && *q != '\t' && *q != '\r') return 0;
    /* an integer needs no division (below 2^53 it converts exactly) */
    double x = nFrac ? (double)m / aEvPow10[nFrac] : (double)m;
    v->kind = EVV_NUM;
    v->z = p;
    v->n = (size_t)(q - p);
    v->bNum = 1;
    v->num = neg ? -x : x;
    v->bInt = !neg && !bDot;
    v->iNum = (int64_t)m;
    return 1;
}

/* Read one NDJSON object from line [p, e) into ev. */
static int evscan_json_line(EvScan *s, const char *p, const char *e, EvEvent *ev,
                            EngineError *err) {
    uint32_t iLine = ev->iLine;
    unsigned seen = 0;
    p = evscan_ws(p, e);
    if (p >= e || *p != '{')
        return evscan_fail(err, iLine, "", 0, "is not a JSON object; send one {...} a line");
    p = evscan_ws(p + 1, e);
    if (p < e && *p == '}') {
        p++;
        goto end;
    }
    int bShape = 1; /* every key so far was the shape's */
    int bCache = 1; /* every key so far is in the shape */
    for (uint32_t k = 0;; k++) {
        if (p >= e || *p != '"')
            return evscan_fail(err, iLine, "", 0, "expected a field name in quotes at column %zu",
                               (size_t)(p - ev->zLine) + 1);
        p++;
        const char *zKey;
        size_t nKey;
        int f;
        if (bShape && k < s->nShape && (size_t)(e - p) > s->aShape[k].n + 1 &&
            p[s->aShape[k].n] == '"' && p[s->aShape[k].n + 1] == ':' &&
            evscan_key_eq(p, s->aShape[k].z, s->aShape[k].n)) {
            /* the shape's next key: allowed and not seen (the keys before
             * it were the shape's, which are distinct) */
            zKey = p;
            nKey = s->aShape[k].n;
            f = s->aShape[k].f;
            p += nKey + 1;
        } else {
            bShape = 0;
            int bPlain;
            int rc = evscan_json_str(s, &p, e, &zKey, &nKey, &bPlain);
            if (rc)
                return evscan_fail(err, iLine, "", 0,
                                   rc == -2 ? "has too many escaped characters"
                                            : "has a field name that does not end or a bad escape");
            f = evscan_field(zKey, nKey);
            if (!evscan_allowed(s, f)) return evscan_unknown(s, zKey, nKey, iLine, err);
            if (f == EVF_FEATURE) {
                if (evscan_feature_name(zKey, nKey, bPlain, iLine, err)) return KEEL_EINVAL;
                for (uint32_t i = 0; i < ev->nFeat; i++)
                    if (ev->aFeat[i].name.n == nKey - 2 &&
                        memcmp(ev->aFeat[i].name.z, zKey + 2, nKey - 2) == 0)
                        return evscan_fail(err, iLine, zKey, nKey, "appears twice in the line");
            } else if (seen & (1u << f)) {
                return evscan_fail(err, iLine, zKey, nKey, "appears twice in the line");
            }
            /* this line's keys become the shape (a key with escapes, in
             * the scratch, ends it for the rest of the line) */
            if (bCache && k < EVSCAN_MAX_COLUMNS && zKey >= s->z && zKey < s->z + s->n) {
                s->aShape[k].z = zKey;
                s->aShape[k].n = (uint32_t)nKey;
                s->aShape[k].f = f;
                s->nShape = k + 1;
            } else {
                if (s->nShape > k) s->nShape = k;
                bCache = 0;
            }
        }
        seen |= 1u << f;
        p = evscan_ws(p, e);
        if (p >= e || *p != ':')
            return evscan_fail(err, iLine, zKey, nKey, "expected ':' after the field name");
        p = evscan_ws(p + 1, e);
        EvVal v = {.kind = EVV_NULL, .z = p};
        if (p >= e) return evscan_fail(err, iLine, zKey, nKey, "has no value");
        if (*p == '"') {
            p++;
            int rc = evscan_json_str(s, &p, e, &v.z, &v.n, &v.bPlain);
            if (rc)
                return evscan_fail(err, iLine, zKey, nKey,
                                   rc == -2 ? "has too many escaped characters"
                                            : "is a string that does not end or has a bad escape");
            v.kind = EVV_STR;
        } else if (*p == '{' || *p == '[') {
            return evscan_fail(err, iLine, zKey, nKey,
                               "is nested; values are strings, numbers, true, false or null");
        } else if (evscan_json_num(p, e, &v)) {
            p += v.n;
        } else {
            const char *q = p;
            while (q < e && *q != ',' && *q != '}' && *q != ' ' && *q != '\t' && *q != '\r')
                q++;
            v.n = (size_t)(q - p);
            if (v.n == 4 && memcmp(p, "true", 4) == 0)
                v.kind = EVV_TRUE;
            else if (v.n == 5 && memcmp(p, "false", 5) == 0)
                v.kind = EVV_FALSE;
            else if (v.n == 4 && memcmp(p, "null", 4) == 0)
                v.kind = EVV_NULL;
            else if (v.n > 0 && (*p == '-' || (unsigned)(*p - '0') <= 9) &&
                     csv_parse_number(p, v.n, &v.num)) /* a number (strtod's), not -m" */
                v.kind = EVV_NUM;
            else
                return evscan_fail(err, iLine, zKey, nKey,
                                   "has a value that is not JSON (a string needs quotes)");
            p = q;
        }
        if (evscan_set(ev, f, zKey, nKey, &v, err)) return KEEL_EINVAL;
        EvStr raw = {v.kind == EVV_NULL ? "" : v.z, v.kind == EVV_NULL ? 0 : (uint32_t)v.n};
        if (f == EVF_FEATURE)
            ev->aFeat[ev->nFeat - 1].raw = raw;
        else
            ev->aRaw[f] = raw;
        p = evscan_ws(p, e);
        if (p < e && *p == ',') {
            p = evscan_ws(p + 1, e);
            continue;
        }
        if (p < e && *p == '}') {
            p++;
            break;
        }
        return evscan_fail(err, iLine, zKey, nKey, "expected ',' or '}' after the value");
    }
end:
    ev->mask = seen & ~(1u << EVF_FEATURE);
    ev->bEscaped = s->nScratch != 0;
    p = evscan_ws(p, e);
    if (p != e)
        return evscan_fail(err, iLine, "", 0,
                           "has characters after the object; send one object a line");
    return evscan_required(s, seen, iLine, err);
}

/* ---- CSV ----------------------------------------------------------------- */

/* Read one CSV field at *pp (record may go on to the body's end): sets the
 * value's text (quotes removed, "" decoded into the scratch) and *pEnd to
 * the byte after it (a comma, a line end or the body's end). *pLines gets
 * the line feeds crossed inside quotes. 0, or -1 for an unterminated or
 * malformed quoted field, -2 for a full scratch. */
static int evscan_csv_field(EvScan *s, const char *p, const char *e, EvVal *v, const char **pEnd,
                            uint32_t *pLines) {
    v->kind = EVV_RAW;
    v->bPlain = v->bNum = v->bInt = 0;
    if (p < e && *p == '"') {
        const char *q = ++p;
        int esc = 0;
        for (;;) {
            const char *r = memchr(q, '"', (size_t)(e - q));
            if (!r) return -1;
            if (r + 1 < e && r[1] == '"') {
                esc = 1;
                q = r + 2;
                continue;
            }
            q = r;
            break;
        }
        for (const char *t = p; t < q; t++)
            *pLines += *t == '\n';
        if (!esc) {
            v->z = p;
            v->n = (size_t)(q - p);
        } else {
            char *d = s->aScratch + s->nScratch;
            if ((size_t)(q - p) > sizeof s->aScratch - s->nScratch) return -2;
            char *d0 = d;
            for (const char *t = p; t < q; t++) {
                *d++ = *t;
                if (*t == '"') t++;
            }
            v->z = d0;
            v->n = (size_t)(d - d0);
            s->nScratch = (size_t)(d - s->aScratch);
        }
        q++;
        if (q < e && *q != ',' && *q != '\n' && !(*q == '\r' && (q + 1 == e || q[1] == '\n')))
            return -1;
        *pEnd = q;
        return 0;
    }
    const char *q = p;
    while (q < e && *q != ',' && *q != '\n' && *q != '"')
        q++;
    if (q < e && *q == '"') return -1;
    v->z = p;
    v->n = (size_t)(q - p);
    if (v->n && p[v->n - 1] == '\r' && (q == e || *q == '\n')) v->n--;
    *pEnd = q;
    return 0;
}

/* Skip to the byte after the next line feed (or the body's end). */
static size_t evscan_skip_line(const EvScan *s, size_t i) {
    const char *r = memchr(s->z + i, '\n', s->n - i);
    return r ? (size_t)(r - s->z) + 1 : s->n;
}

/* Read the CSV header at the start of the body. */
static int evscan_csv_header(EvScan *s, EngineError *err) {
    const char *p = s->z, *e = s->z + s->n;
    unsigned seen = 0;
    uint32_t nLines = 0;
    if (s->n == 0) return evscan_fail(err, 1, "", 0, "is empty; a CSV body starts with a header");
    for (;;) {
        EvVal v;
        const char *q;
        int rc = evscan_csv_field(s, p, e, &v, &q, &nLines);
        if (rc) return evscan_fail(err, 1, "", 0, "the header has a malformed quoted name");
        if (s->nCol >= EVSCAN_MAX_COLUMNS)
            return evscan_fail(err, 1, "", 0, "the header has more than %d columns",
                               EVSCAN_MAX_COLUMNS);
        int f = evscan_field(v.z, v.n);
        if (!evscan_allowed(s, f)) return evscan_unknown(s, v.z, v.n, 1, err);
        if (f == EVF_FEATURE) {
            if (evscan_feature_name(v.z, v.n, 0, 1, err)) return KEEL_EINVAL;
            if (s->nFeatCol >= EVSCAN_MAX_FEATURES)
                return evscan_fail(err, 1, v.z, v.n, "is one feature too many; at most %d",
                                   EVSCAN_MAX_FEATURES);
            for (uint32_t i = 0; i < s->nFeatCol; i++)
                if (s->aFeatName[i].n == v.n - 2 &&
                    memcmp(s->aFeatName[i].z, v.z + 2, v.n - 2) == 0)
                    return evscan_fail(err, 1, v.z, v.n, "appears twice in the header");
            if (v.z < s->z || v.z >= e) /* an escaped name lives in the scratch: keep it */
                return evscan_fail(err, 1, v.z, v.n,
                                   "feature names in the header may not hold "
                                   "quotes");
            s->aColFeat[s->nCol] = (uint8_t)s->nFeatCol;
            s->aFeatName[s->nFeatCol].z = v.z + 2;
            s->aFeatName[s->nFeatCol].n = (uint32_t)(v.n - 2);
            s->nFeatCol++;
        } else if (seen & (1u << f)) {
            return evscan_fail(err, 1, v.z, v.n, "appears twice in the header");
        }
        seen |= 1u << f;
        s->aColField[s->nCol++] = (uint8_t)f;
        p = q;
        if (p < e && *p == ',') {
            p++;
            continue;
        }
        break;
    }
    if (nLines) return evscan_fail(err, 1, "", 0, "the header has a line break inside quotes");
    s->zHeader = s->z;
    s->nHeader = (uint32_t)(p - s->z);
    if (s->nHeader && s->z[s->nHeader - 1] == '\r') s->nHeader--;
    s->nScratch = 0;
    if (evscan_required(s, seen, 1, err)) return KEEL_EINVAL;
    s->iPos = p < e ? (size_t)(p - s->z) + 1 : s->n;
    s->iLine = 2;
    return 0;
}

/* Read one CSV record at s->iPos into ev (the scanner moves past it, also
 * when it is refused). */
static int evscan_csv_record(EvScan *s, EvEvent *ev, EngineError *err) {
    const char *p = s->z + s->iPos, *e = s->z + s->n;
    uint32_t nLines = 0;
    int rc = 0;
    for (uint32_t k = 0;; k++) {
        EvVal v;
        const char *q;
        int frc = evscan_csv_field(s, p, e, &v, &q, &nLines);
        if (frc) {
            rc = evscan_fail(err, ev->iLine, "", 0,
                             frc == -2 ? "has too many escaped quotes"
                                       : "has a malformed quoted field (field %u)",
                             k + 1);
            s->iPos = evscan_skip_line(s, (size_t)(p - s->z));
            s->iLine += 1 + nLines;
            return rc;
        }
        if (k < s->nCol && !rc) {
            int f = s->aColField[k];
            if (f == EVF_FEATURE) {
                EvFeature *ft = &ev->aFeat[s->aColFeat[k]];
                ft->v = NAN;
                if (evscan_number(&v, 1, &ft->v) < 0) {
                    EvStr *nm = &s->aFeatName[s->aColFeat[k]];
                    rc = evscan_fail(err, ev->iLine, nm->z - 2, nm->n + 2,
                                     "must be a number (or empty when missing)");
                }
            } else {
                const char *zName = azEvField[f];
                rc = evscan_set(ev, f, zName, strlen(zName), &v, err);
            }
        }
        p = q;
        if (p < e && *p == ',') {
            p++;
            continue;
        }
        if (!rc && k + 1 != s->nCol)
            rc = evscan_fail(err, ev->iLine, "", 0, "has %u fields; the header has %u", k + 1,
                             s->nCol);
        break;
    }
    ev->nLine = (uint32_t)(p - ev->zLine);
    if (ev->nLine && ev->zLine[ev->nLine - 1] == '\r') ev->nLine--;
    s->iPos = p < e ? (size_t)(p - s->z) + 1 : s->n;
    s->iLine += 1 + nLines;
    if (!rc) {
        ev->nFeat = s->nFeatCol;
        for (uint32_t i = 0; i < s->nFeatCol; i++)
            ev->aFeat[i].name = s->aFeatName[i];
    }
    return rc;
}

/* ---- the scanner --------------------------------------------------------- */

int evscan_init(EvScan *s, const char *z, size_t n, EvFormat format, EvKind kind,
                EngineError *pErr) {
    memset(s, 0, offsetof(EvScan, aScratch));
    s->z = z;
    s->n = n;
    s->iLine = 1;
    s->format = format;
    s->kind = kind;
    if (n > UINT32_MAX)
        return evscan_fail(pErr, 1, "", 0, "the body is over 4 GiB; send smaller batches");
    if (format == EVSCAN_CSV) return evscan_csv_header(s, pErr);
    return 0;
}

/* Read the next record (blank lines skipped): 1, 0 or KEEL_EINVAL. */
static int evscan_record(EvScan *s, EvEvent *ev, EngineError *err) {
    for (;;) {
        if (s->iPos >= s->n) return 0;
        const char *p = s->z + s->iPos, *e = s->z + s->n;
        /* skip a blank line */
        const char *q = p;
        while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == e || *q == '\n') {
            s->iPos = q == e ? s->n : (size_t)(q - s->z) + 1;
            s->iLine++;
            continue;
        }
        s->nScratch = 0;
        evscan_clear(ev, s->iLine);
        ev->zLine = p;
        if (s->format == EVSCAN_CSV) {
            int rc = evscan_csv_record(s, ev, err);
            return rc ? rc : 1;
        }
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *end = nl ? nl : e;
        s->iPos = nl ? (size_t)(nl - s->z) + 1 : s->n;
        s->iLine++;
        ev->nLine = (uint32_t)(end - p);
        if (ev->nLine && p[ev->nLine - 1] == '\r') ev->nLine--;
        int rc = evscan_json_line(s, p, end, ev, err);
        return rc ? rc : 1;
    }
}

int evscan_next(EvScan *s, EvEvent *ev, EngineError *err) {
    int rc = evscan_record(s, ev, err);
    if (rc == 1 && s->kind == EVSCAN_LABELS && isnan(ev->label))
        return evscan_fail(err, ev->iLine, "label", 5, "is missing; a label line needs a label");
    return rc;
}

/* ---- NDJSON events re-encoded as CSV --------------------------------------- */

/* Whether a name can stand in a CSV header unquoted. */
static int evscan_csv_plain(EvStr x) {
    for (uint32_t i = 0; i < x.n; i++)
        if (x.z[i] == ',' || x.z[i] == '"' || x.z[i] == '\r' || x.z[i] == '\n') return 0;
    return 1;
}

int evscan_csv_shape(const EvEvent *ev, EvCsvShape *sh) {
    if (ev->bEscaped || !ev->mask) return -1;
    sh->mask = ev->mask;
    sh->nFeat = ev->nFeat;
    for (uint32_t i = 0; i < ev->nFeat; i++) {
        if (!evscan_csv_plain(ev->aFeat[i].name)) return -1;
        sh->aName[i] = ev->aFeat[i].name;
    }
    return 0;
}

int evscan_csv_same(const EvCsvShape *sh, const EvEvent *ev) {
    if (ev->bEscaped || ev->mask != sh->mask || ev->nFeat != sh->nFeat) return 0;
    for (uint32_t i = 0; i < ev->nFeat; i++) {
        EvStr a = sh->aName[i], b = ev->aFeat[i].name;
        if (a.n != b.n || (a.z != b.z && !evscan_key_eq(a.z, b.z, a.n))) return 0;
    }
    return 1;
}

void evscan_csv_put_header(const EvCsvShape *sh, Buf *b) {
    const char *zSep = "";
    for (int f = EVF_ID; f <= EVF_ERROR; f++)
        if (sh->mask & (1u << f)) {
            buf_puts(b, zSep);
            buf_puts(b, azEvField[f]);
            zSep = ",";
        }
    for (uint32_t i = 0; i < sh->nFeat; i++) {
        buf_puts(b, zSep);
        buf_puts(b, "f.");
        buf_append(b, sh->aName[i].z, sh->aName[i].n);
        zSep = ",";
    }
    buf_putc(b, '\n');
}

/* Whether the 8 bytes of w hold a comma (the zero-byte test on w ^ ','s). */
static inline int evscan_word_comma(uint64_t w) {
    uint64_t x = w ^ UINT64_C(0x2c2c2c2c2c2c2c2c);
    return ((x - UINT64_C(0x0101010101010101)) & ~x & UINT64_C(0x8080808080808080)) != 0;
}

/* Copy a value of n bytes to d, reading nothing outside z[0..n): a value
 * is a few bytes, so two overlapping words rather than a call to memcpy.
 * *pComma gets whether it holds a comma (bString only). */
static inline __attribute__((always_inline)) void
evscan_copy_value(char *d, const char *z, uint32_t n, int bString, int *pComma) {
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, z, 8);
        memcpy(&b, z + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
        *pComma = bString && (evscan_word_comma(a) || evscan_word_comma(b));
        return;
    }
    if (n > 16) {
        memcpy(d, z, n);
        *pComma = bString && memchr(z, ',', n) != NULL;
        return;
    }
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, z, 4);
        memcpy(&b, z + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
        uint64_t w = (uint64_t)a << 32 | b;
        *pComma = bString && evscan_word_comma(w);
        return;
    }
    int c = 0;
    for (uint32_t i = 0; i < n; i++) {
        d[i] = z[i];
        c |= z[i] == ',';
    }
    *pComma = bString && c;
}

/* Put one value at d: quoted when it holds a comma (a JSON string without
 * escapes holds no quote, CR or LF). Returns the end. */
static inline __attribute__((always_inline)) char *evscan_csv_value(char *d, EvStr x, int bString) {
    int q;
    evscan_copy_value(d, x.z, x.n, bString, &q);
    if (!q) return d + x.n;
    memmove(d + 1, d, x.n); /* rare: a label with a comma */
    d[0] = '"';
    d[x.n + 1] = '"';
    return d + x.n + 2;
}

void evscan_csv_put_row(const EvEvent *ev, Buf *b) {
    /* every value came out of the line with its key and quotes around it,
     * so the row (plus quotes and a line end) never outgrows the line:
     * written in place at the buffer's end */
    buf_prealloc(b, ev->nLine + 8u);
    if (buf_err(b)) return;
    char *d = b->z + b->n;
    int bFirst = 1;
    for (int f = EVF_ID; f <= EVF_ERROR; f++)
        if (ev->mask & (1u << f)) {
            if (!bFirst) *d++ = ',';
            bFirst = 0;
            d = evscan_csv_value(d, ev->aRaw[f], f <= EVF_SEGMENT);
        }
    for (uint32_t i = 0; i < ev->nFeat; i++) {
        if (!bFirst) *d++ = ',';
        bFirst = 0;
        d = evscan_csv_value(d, ev->aFeat[i].raw, 0);
    }
    *d++ = '\n';
    b->n = (size_t)(d - b->z);
    b->z[b->n] = 0;
}

/* ---- NDJSON events re-encoded as CSV columns -------------------------------- */

void evscan_cols_init(EvColumns *c) {
    c->nCol = c->nRow = 0;
    for (uint32_t i = 0; i < EVSCAN_MAX_COLUMNS; i++)
        buf_init(&c->aCol[i], 0);
}

void evscan_cols_free(EvColumns *c) {
    for (uint32_t i = 0; i < EVSCAN_MAX_COLUMNS; i++)
        buf_reset(&c->aCol[i]);
    c->nCol = c->nRow = 0;
}

void evscan_cols_start(EvColumns *c, const EvCsvShape *sh) {
    c->nCol = (uint32_t)__builtin_popcount(sh->mask) + sh->nFeat;
    c->nRow = 0;
    for (uint32_t i = 0; i < c->nCol; i++) {
        c->aCol[i].n = 0;
        c->aCol[i].err = 0;
    }
}

/* Put one value and its line feed at the end of column b. */
static inline void evscan_col_value(Buf *b, EvStr x, int bString) {
    if (__builtin_expect(b->nAlloc - b->n < x.n + 4u, 0)) {
        buf_prealloc(b, x.n + 4u + (b->n >> 1) + 4096);
        if (buf_err(b)) return;
    }
    char *d = evscan_csv_value(b->z + b->n, x, bString);
    *d++ = '\n';
    *d = 0;
    b->n = (size_t)(d - b->z);
}

void evscan_cols_put(EvColumns *c, const EvEvent *ev) {
    uint32_t k = 0;
    for (int f = EVF_ID; f <= EVF_ERROR; f++)
        if (ev->mask & (1u << f)) evscan_col_value(&c->aCol[k++], ev->aRaw[f], f <= EVF_SEGMENT);
    for (uint32_t i = 0; i < ev->nFeat; i++)
        evscan_col_value(&c->aCol[k++], ev->aFeat[i].raw, 0);
    c->nRow++;
}

void evscan_cols_end(EvColumns *c, const EvCsvShape *sh, Buf *b) {
    evscan_csv_put_header(sh, b);
    size_t nAll = 0;
    for (uint32_t i = 0; i < c->nCol; i++) {
        if (buf_err(&c->aCol[i])) {
            if (!b->err) b->err = buf_err(&c->aCol[i]); /* the column's failure becomes b's */
            return;
        }
        nAll += c->aCol[i].n;
    }
    buf_prealloc(b, nAll);
    for (uint32_t i = 0; i < c->nCol; i++)
        buf_append(b, c->aCol[i].z, c->aCol[i].n);
}

int evscan_cols_to_csv(const char *z, size_t n, uint32_t nRow, Buf *out) {
    const char *e = z + n, *nl = memchr(z, '\n', n);
    if (!nl) return KEEL_EINVAL;
    /* the header: plain names (no quotes), so its commas count the columns */
    uint32_t nCol = 1;
    for (const char *p = z; p < nl; p++) {
        if (*p == '"') return KEEL_EINVAL;
        nCol += *p == ',';
    }
    if (nCol > EVSCAN_MAX_COLUMNS) return KEEL_EINVAL;
    /* where each column starts: after nRow lines of the one before */
    const char *aPos[EVSCAN_MAX_COLUMNS];
    const char *p = nl + 1;
    for (uint32_t c = 0; c < nCol; c++) {
        aPos[c] = p;
        for (uint32_t r = 0; r < nRow; r++) {
            const char *q = memchr(p, '\n', (size_t)(e - p));
            if (!q) return KEEL_EINVAL;
            p = q + 1;
        }
    }
    if (p != e) return KEEL_EINVAL;
    buf_prealloc(out, n);
    buf_append(out, z, (size_t)(nl - z) + 1);
    for (uint32_t r = 0; r < nRow; r++) {
        for (uint32_t c = 0; c < nCol; c++) {
            const char *q = memchr(aPos[c], '\n', (size_t)(e - aPos[c]));
            if (c) buf_putc(out, ',');
            buf_append(out, aPos[c], (size_t)(q - aPos[c]));
            aPos[c] = q + 1;
        }
        buf_putc(out, '\n');
    }
    return buf_err(out);
}
