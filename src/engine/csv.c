/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fast CSV reader (see csv.h for the contract). The body after the
 * header is cut into one region per thread; each thread parses the records
 * that start in its region into blocks of 8-byte cells (a double, or a
 * category code), keeping per column its own category dictionary. A region
 * after the first starts, speculatively, just after the first line feed in
 * it; when the previous region's last record turns out to end elsewhere (a
 * quoted field with newlines straddles the cut) the region is parsed again
 * from the right place, so quoting never needs a separate pass. A column a
 * thread stored as numbers but that another thread found text in is
 * re-read from the recorded row starts. The merge then copies the blocks
 * into one array per column, remapping category codes to the table's
 * dictionary (levels in order of first appearance), and frees each block as
 * it goes so peak memory stays near the size of the result. Plain stretches
 * of records go through the fast loop in csv_fast.c first; this file's
 * general loop (csv_chunk_record) takes whatever that loop hands it. The
 * merge and what a caller does with a table are csv_table.c. */
#include "engine/csv.h"
#include "engine/csv_int.h"
#include "engine/par.h"
#include "util/err.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CSV_FIRST_ROWS 4096             /* first row capacity of a region */
#define CSV_RELEASE_STEP (4u << 20)     /* release parsed input in steps this big */
#define CSV_DEFAULT_MAX_FIELD (1 << 20) /* default field size cap */
#define CSV_MIN_CHUNK (1 << 20)         /* smallest region worth a thread */

const char *const csv_azMissing[CSV_N_MISSING] = {
    "",     "#N/A", "#N/A N/A", "#NA",  "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A",  "NA",       "NULL", "NaN",     "None",     "n/a",  "nan",  "null"};

/* Bytes that end an unquoted field or are not allowed in one. */
static const unsigned char aSpecial[256] = {['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1};

/* ---- small helpers ----------------------------------------------------- */

/* Copy n bytes of z into the arena as a NUL-terminated string; NULL when
 * out of memory. The arena owns the result. */
char *csv_arena_strndup(Arena *a, const char *z, size_t n) {
    ArenaBlock *b = a->pHead;
    if (!b || b->nAlloc - b->nUsed < n + 1) {
        size_t nAlloc = n + 1 > 65536 ? n + 1 : 65536;
        b = malloc(sizeof *b + nAlloc);
        if (!b) return NULL;
        b->pNext = a->pHead;
        b->nUsed = 0;
        b->nAlloc = nAlloc;
        a->pHead = b;
    }
    char *p = b->a + b->nUsed;
    if (n) memcpy(p, z, n);
    p[n] = 0;
    b->nUsed += n + 1;
    return p;
}

/* Free every block of the arena. */
void csv_arena_free(Arena *a) {
    ArenaBlock *b = a->pHead;
    while (b) {
        ArenaBlock *pNext = b->pNext;
        free(b);
        b = pNext;
    }
    a->pHead = NULL;
}

/* Allocate n bytes of zero-filled memory straight from the kernel, so
 * that freeing it returns it at once (peak memory stays low); NULL when
 * out of memory. Free with csv_unmap(p, n). */
static void *csv_map(size_t n) {
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Free memory from csv_map (NULL is fine). */
void csv_unmap(void *p, size_t n) {
    if (p) munmap(p, n ? n : 1);
}

/* Grow (or shrink) a to exactly nByte bytes, keeping its content; 0 or
 * KEEL_ENOMEM (a unchanged). */
int csv_maparr_resize(MapArr *a, size_t nByte) {
    if (nByte == 0) nByte = 1;
    if (!a->p) {
        a->p = csv_map(nByte);
        if (!a->p) return KEEL_ENOMEM;
    } else if (nByte != a->nByte) {
        void *q = mremap(a->p, a->nByte, nByte, MREMAP_MAYMOVE);
        if (q == MAP_FAILED) return KEEL_ENOMEM;
        a->p = q;
    }
    a->nByte = nByte;
    return 0;
}

/* Free a's memory. */
void csv_maparr_free(MapArr *a) {
    csv_unmap(a->p, a->nByte);
    a->p = NULL;
    a->nByte = 0;
}

/* Make room for n bytes in the scratch buffer; 0 or KEEL_ENOMEM. */
static int scratch_reserve(Scratch *s, size_t n) {
    if (n <= s->nAlloc) return 0;
    size_t nAlloc = s->nAlloc ? s->nAlloc : 256;
    while (nAlloc < n)
        nAlloc *= 2;
    char *z = realloc(s->z, nAlloc);
    if (!z) return KEEL_ENOMEM;
    s->z = z;
    s->nAlloc = nAlloc;
    return 0;
}

/* 32-bit FNV-1a hash of n bytes. */
uint32_t csv_hash(const char *z, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)z[i];
        h *= 16777619u;
    }
    return h;
}

/* Offset of the first byte of z[0..n) that breaks UTF-8 (overlongs,
 * surrogates and code points past U+10FFFF included), or n when valid. */
size_t csv_utf8_check(const char *zIn, size_t n) {
    const unsigned char *z = (const unsigned char *)zIn;
    size_t i = 0;
    while (i < n) {
        unsigned c = z[i];
        if (c < 0x80) {
            /* ASCII: eight bytes at a time while they all are */
            uint64_t w;
            while (i + 8 <= n && (memcpy(&w, z + i, 8), (w & UINT64_C(0x8080808080808080)) == 0))
                i += 8;
            while (i < n && z[i] < 0x80)
                i++;
            continue;
        }
        size_t len;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4, min = 0x10000;
        else
            return i;
        if (i + len > n) return i;
        unsigned cp = c & (0x3F >> (len - 1));
        for (size_t k = 1; k < len; k++) {
            if ((z[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (z[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return n;
}

/* Where the first byte that ends an unquoted field or is not allowed in
 * one (aSpecial: comma, LF, CR, quote) is among the eight bytes at p (the
 * input ends at e), looking at them at once: its index, or 8 when there is
 * none, or 0 when fewer than eight bytes are left (the caller's byte loop
 * then looks). A byte equal to c is a zero byte of w ^ c; the borrow of
 * the subtraction can only mark bytes after a true zero, so the first mark
 * is exact. */
static inline size_t csv_swar_stop(const char *p, const char *e) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (e - p < 8) return 0;
    const uint64_t one = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t a = w ^ (one * ','), b = w ^ (one * '\n'), c = w ^ (one * '\r'), d = w ^ (one * '"');
    uint64_t t = ((a - one) & ~a) | ((b - one) & ~b) | ((c - one) & ~c) | ((d - one) & ~d);
    t &= high;
    return t ? (size_t)__builtin_ctzll(t) >> 3 : 8;
#else
    (void)p, (void)e;
    return 0;
#endif
}

/* Powers of ten that are exact doubles. */
const double csv_aPow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Scan a decimal number at p (before e): an optional sign, digits with an
 * optional point, an optional exponent; no spaces. Returns the end of the
 * number and sets *pOut, or returns NULL when p does not start a number.
 * *pSlow is set (and *pOut left alone) when the value needs strtod: the
 * fast path is Clinger's (a mantissa of at most 2^53 times an exact power
 * of ten is correctly rounded by one multiplication or division). */
static inline __attribute__((always_inline)) const char *
csv_scan_number(const char *p, const char *e, double *pOut, int *pSlow) {
    int neg = 0;
    *pSlow = 0;
    if (p < e && (*p == '-' || *p == '+')) neg = *p++ == '-';
    uint64_t m = 0;
    const char *p0 = p;
    while (p < e && (unsigned)(*p - '0') < 10)
        m = m * 10 + (unsigned)(*p++ - '0');
    size_t nDigit = (size_t)(p - p0), nFrac = 0;
    if (p < e && *p == '.') {
        const char *f0 = ++p;
        while (p < e && (unsigned)(*p - '0') < 10)
            m = m * 10 + (unsigned)(*p++ - '0');
        nFrac = (size_t)(p - f0);
        nDigit += nFrac;
    }
    if (nDigit == 0) return NULL;
    long exp10 = 0;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0;
        if (p < e && (*p == '-' || *p == '+')) eneg = *p++ == '-';
        if (p >= e || (unsigned)(*p - '0') >= 10) return NULL;
        long x = 0;
        while (p < e && (unsigned)(*p - '0') < 10) {
            if (x < 100000) x = x * 10 + (*p - '0');
            p++;
        }
        exp10 = eneg ? -x : x;
    }
    exp10 -= (long)(nFrac < 100000 ? nFrac : 100000);
    if (nDigit <= 19 && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        double v = (double)m;
        v = exp10 < 0 ? v / csv_aPow10[-exp10] : v * csv_aPow10[exp10];
        *pOut = neg ? -v : v;
    } else if (nDigit <= 19 && m == 0) {
        *pOut = neg ? -0.0 : 0.0;
    } else {
        *pSlow = 1; /* more than 19 digits (m may have wrapped) or out of range */
    }
    return p;
}

/* Parse z[0..n) as a number: optional spaces or tabs around a decimal
 * number (csv_scan_number). On success stores in *pOut the double strtod
 * gives and returns 1, else returns 0. */
int csv_parse_number(const char *z, size_t n, double *pOut) {
    size_t i = 0, e = n;
    while (i < e && (z[i] == ' ' || z[i] == '\t'))
        i++;
    while (e > i && (z[e - 1] == ' ' || z[e - 1] == '\t'))
        e--;
    int slow;
    const char *pEnd = csv_scan_number(z + i, z + e, pOut, &slow);
    if (pEnd != z + e) return 0;
    if (!slow) return 1;
    char buf[128];
    char *zc = buf;
    size_t len = e - i;
    if (len >= sizeof buf) {
        zc = malloc(len + 1);
        if (!zc) return 0;
    }
    memcpy(zc, z + i, len);
    zc[len] = 0;
    *pOut = strtod(zc, NULL);
    if (zc != buf) free(zc);
    return 1;
}

/* Record an error in the chunk (the first one wins). */
static void chunk_error(Chunk *c, size_t iPos, size_t iField, const char *zFmt, ...)
    __attribute__((format(printf, 4, 5)));
static void chunk_error(Chunk *c, size_t iPos, size_t iField, const char *zFmt, ...) {
    if (c->rc) return;
    c->rc = KEEL_EINVAL;
    c->iErrPos = iPos;
    c->iErrField = iField;
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(c->zErr, sizeof c->zErr, zFmt, ap);
    va_end(ap);
}

/* Count the line feeds in z[0..n). */
static size_t csv_count_lines(const char *z, size_t n) {
    size_t nl = 0;
    const char *p = z, *e = z + n;
    while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        nl++;
        p++;
    }
    return nl;
}

/* ---- fields ------------------------------------------------------------ */

/* A field as scanned: its content and where the next one starts. */
typedef struct Field {
    const char *z; /* content (into the input or a scratch buffer) */
    size_t n;      /* content length */
    int inScratch; /* z points into the scratch buffer */
    int last;      /* the field ended its record */
    size_t iNext;  /* offset after the delimiter or line end */
} Field;

/* Whether offset j of z[0..n) ends a field (the end of the input, a comma,
 * LF or CRLF); if so, say in *f whether it ended the record and where the
 * next field starts. */
static inline int field_end(Field *f, const char *z, size_t n, size_t j) {
    if (j >= n) {
        f->last = 1;
        f->iNext = n;
    } else if (z[j] == ',') {
        f->last = 0;
        f->iNext = j + 1;
    } else if (z[j] == '\n') {
        f->last = 1;
        f->iNext = j + 1;
    } else if (z[j] == '\r' && j + 1 < n && z[j + 1] == '\n') {
        f->last = 1;
        f->iNext = j + 2;
    } else {
        return 0;
    }
    return 1;
}

/* Scan the field at offset i of the input (the start of a field) into *f,
 * unescaping a quoted field into sc when it holds doubled quotes. iField is
 * the 1-based field number for messages. Returns 0, or KEEL_EINVAL with
 * the error recorded in c, or KEEL_ENOMEM. */
static int field_scan(Chunk *c, Scratch *sc, size_t i, size_t iField, Field *f) {
    const char *z = c->s->z;
    size_t n = c->s->n;
    size_t nMax = c->s->nMaxField;
    f->inScratch = 0;
    if (i < n && z[i] == '"') {
        size_t iOpen = i, j = i + 1, nOut = 0;
        const char *zBeg = z + j;
        for (;;) {
            const char *q = memchr(z + j, '"', n - j);
            if (!q) {
                chunk_error(c, iOpen, iField,
                            "unterminated quoted field: the opening quote has no closing quote");
                return KEEL_EINVAL;
            }
            size_t iq = (size_t)(q - z);
            size_t nPiece = iq - j;
            int doubled = iq + 1 < n && z[iq + 1] == '"';
            if (nOut + nPiece + doubled > nMax) {
                chunk_error(c, iOpen, iField,
                            "field is over the size cap of %zu bytes; shorten it or raise the cap",
                            nMax);
                return KEEL_EINVAL;
            }
            if (!doubled && !f->inScratch) {
                f->z = zBeg;
                f->n = iq - (iOpen + 1);
                j = iq + 1;
                break;
            }
            if (!f->inScratch) {
                f->inScratch = 1;
                nOut = 0;
            }
            if (scratch_reserve(sc, nOut + nPiece + 1)) return KEEL_ENOMEM;
            memcpy(sc->z + nOut, z + j, nPiece);
            nOut += nPiece;
            if (doubled) {
                sc->z[nOut++] = '"';
                j = iq + 2;
            } else {
                f->z = sc->z;
                f->n = nOut;
                j = iq + 1;
                break;
            }
        }
        if (field_end(f, z, n, j)) return 0;
        chunk_error(c, j, iField,
                    "unexpected character after a closing quote; a quoted field must end "
                    "at the quote");
        return KEEL_EINVAL;
    }
    size_t j = i;
    while (j < n && !aSpecial[(unsigned char)z[j]])
        j++;
    f->z = z + i;
    f->n = j - i;
    if (f->n > nMax) {
        chunk_error(c, i, iField,
                    "field is over the size cap of %zu bytes; shorten it or raise the cap", nMax);
        return KEEL_EINVAL;
    }
    if (field_end(f, z, n, j)) return 0;
    if (z[j] == '\r')
        chunk_error(c, j, iField,
                    "carriage return not followed by a line feed outside quotes; quote "
                    "the field or use LF or CRLF line ends");
    else
        chunk_error(c, j, iField,
                    "quote inside an unquoted field; quote the whole field and double the "
                    "quotes inside it");
    return KEEL_EINVAL;
}

/* Check a field's bytes for UTF-8; on failure record the error (iPos is
 * the field's input offset). Returns 0 or KEEL_EINVAL. */
static int field_check_utf8(Chunk *c, const Field *f, size_t iPos, size_t iField) {
    size_t bad = csv_utf8_check(f->z, f->n);
    if (bad == f->n) return 0;
    chunk_error(c, iPos, iField, "invalid UTF-8 at byte %zu of the field; save the file as UTF-8",
                bad + 1);
    c->nErrLine = csv_count_lines(f->z, bad);
    return KEEL_EINVAL;
}

/* ---- dictionaries ------------------------------------------------------ */

/* Find or add the value z[0..n) (hash h); *pCode gets its index. The value
 * is referenced, not copied: the caller keeps it alive. Returns 0 or
 * KEEL_ENOMEM; *pNew is set when the value was added. */
int csv_dict_intern(CsvDict *d, const char *z, size_t n, uint32_t h, uint32_t *pCode, int *pNew) {
    *pNew = 0;
    if (d->nSlot) {
        size_t mask = d->nSlot - 1;
        for (size_t k = h & mask;; k = (k + 1) & mask) {
            uint32_t s = d->aSlot[k];
            if (!s) break;
            const CsvLevel *l = &d->aLevel[s - 1];
            if (l->h == h && l->n == n && memcmp(l->z, z, n) == 0) {
                *pCode = s - 1;
                return 0;
            }
        }
    }
    if (d->nLevel >= (size_t)UINT32_MAX - 1) return KEEL_ENOMEM;
    if ((d->nLevel + 1) * 2 > d->nSlot) {
        size_t nSlot = d->nSlot ? d->nSlot * 2 : 64;
        uint32_t *aSlot = calloc(nSlot, sizeof *aSlot);
        if (!aSlot) return KEEL_ENOMEM;
        for (size_t i = 0; i < d->nLevel; i++) {
            size_t k = d->aLevel[i].h & (nSlot - 1);
            while (aSlot[k])
                k = (k + 1) & (nSlot - 1);
            aSlot[k] = (uint32_t)(i + 1);
        }
        free(d->aSlot);
        d->aSlot = aSlot;
        d->nSlot = nSlot;
    }
    if (d->nLevel == d->nLevelAlloc) {
        size_t nAlloc = d->nLevelAlloc ? d->nLevelAlloc * 2 : 32;
        CsvLevel *a = realloc(d->aLevel, nAlloc * sizeof *a);
        if (!a) return KEEL_ENOMEM;
        d->aLevel = a;
        d->nLevelAlloc = nAlloc;
    }
    size_t k = h & (d->nSlot - 1);
    while (d->aSlot[k])
        k = (k + 1) & (d->nSlot - 1);
    d->aSlot[k] = (uint32_t)(d->nLevel + 1);
    d->aLevel[d->nLevel] = (CsvLevel){z, (uint32_t)n, h};
    *pCode = (uint32_t)d->nLevel++;
    *pNew = 1;
    return 0;
}

/* Index of the value z[0..n) (hash h) in the dictionary, or -1. */
long csv_dict_find(const CsvDict *d, const char *z, size_t n, uint32_t h) {
    if (!d->nSlot) return -1;
    size_t mask = d->nSlot - 1;
    for (size_t k = h & mask;; k = (k + 1) & mask) {
        uint32_t s = d->aSlot[k];
        if (!s) return -1;
        const CsvLevel *l = &d->aLevel[s - 1];
        if (l->h == h && l->n == n) {
            size_t i = 0;
            while (i < n && l->z[i] == z[i])
                i++;
            if (i == n) return (long)s - 1;
        }
    }
}

/* Keep only the first nLevel levels of the dictionary. */
void csv_dict_truncate(CsvDict *d, size_t nLevel) {
    if (nLevel >= d->nLevel) return;
    d->nLevel = nLevel;
    memset(d->aSlot, 0, d->nSlot * sizeof *d->aSlot);
    for (size_t i = 0; i < nLevel; i++) {
        size_t k = d->aLevel[i].h & (d->nSlot - 1);
        while (d->aSlot[k])
            k = (k + 1) & (d->nSlot - 1);
        d->aSlot[k] = (uint32_t)(i + 1);
    }
}

/* Free a dictionary's arrays (not the strings). */
void csv_dict_free(CsvDict *d) {
    free(d->aLevel);
    free(d->aSlot);
    memset(d, 0, sizeof *d);
}

/* ---- regions ----------------------------------------------------------- */

/* Store a category value of a column of this region as *pCode, copying
 * it to the arena when it lives in a scratch buffer. f is the field, iPos
 * its input offset. Returns 0, KEEL_EINVAL (bad UTF-8) or KEEL_ENOMEM. */
static int chunk_put_text(Chunk *c, ChunkCol *col, const Field *f, size_t iPos, size_t iField,
                          uint32_t *pCode) {
    uint32_t h = csv_hash(f->z, f->n);
    uint32_t code;
    int isNew;
    int rc = csv_dict_intern(&col->dict, f->z, f->n, h, &code, &isNew);
    if (rc) return rc;
    if (isNew) {
        if (field_check_utf8(c, f, iPos, iField)) {
            col->dict.nLevel--; /* leave the dictionary consistent for freeing */
            return KEEL_EINVAL;
        }
        if (f->inScratch) {
            char *zCopy = csv_arena_strndup(&c->arena, f->z, f->n);
            if (!zCopy) return KEEL_ENOMEM;
            col->dict.aLevel[code].z = zCopy;
        }
    }
    *pCode = code;
    return 0;
}

/* Find field iField (0-based) of the record starting at input offset iRec
 * and scan it into *f using scratch2. Returns 0 or an error code. */
static int chunk_refield(Chunk *c, size_t iRec, size_t iField, Field *f) {
    size_t i = iRec;
    for (size_t k = 0;; k++) {
        int rc = field_scan(c, &c->scratch2, i, k + 1, f);
        if (rc) return rc;
        if (k == iField) return 0;
        if (f->last) return KEEL_EINTERNAL;
        i = f->iNext;
    }
}

/* Turn selected column iSel of this region from numbers into category
 * codes for its first nRow rows, re-reading each value from the input. */
int csv_chunk_col_to_text(Chunk *c, size_t iSel, size_t nRow) {
    ChunkCol *col = &c->aCol[iSel];
    size_t iField = c->s->aSelField[iSel];
    MapArr codes = {0};
    if (csv_maparr_resize(&codes, (c->nCap ? c->nCap : 1) * sizeof(uint32_t))) return KEEL_ENOMEM;
    const double *aNum = col->data.p;
    uint32_t *aCode = codes.p;
    const size_t *aStart = c->starts.p;
    for (size_t r = 0; r < nRow; r++) {
        if (isnan(aNum[r])) {
            aCode[r] = CSV_MISSING_CODE;
            continue;
        }
        Field f;
        int rc = chunk_refield(c, aStart[r], iField, &f);
        if (!rc) rc = chunk_put_text(c, col, &f, aStart[r], iField + 1, &aCode[r]);
        if (rc) {
            csv_maparr_free(&codes);
            return rc;
        }
    }
    csv_maparr_free(&col->data);
    col->data = codes;
    col->isCat = 1;
    return 0;
}

/* Store field f (field number iField, 1-based; input offset iPos) of the
 * current row into selected column iSel. */
static int chunk_put(Chunk *c, size_t iSel, const Field *f, size_t iPos, size_t iField) {
    ChunkCol *col = &c->aCol[iSel];
    size_t iRow = c->nRow;
    if (csv_is_missing(f->z, f->n)) {
        col->nMissing++;
        if (col->isCat)
            ((uint32_t *)col->data.p)[iRow] = CSV_MISSING_CODE;
        else
            ((double *)col->data.p)[iRow] = NAN;
        return 0;
    }
    if (!col->isCat) {
        double v = 0;
        if (csv_parse_number(f->z, f->n, &v)) {
            ((double *)col->data.p)[iRow] = v;
            return 0;
        }
        if (c->s->aForce[iSel] == CSV_NUMERIC) {
            chunk_error(c, iPos, iField,
                        "value is not a number in a column read as numeric; fix the value or "
                        "read the column as categorical");
            return KEEL_EINVAL;
        }
        int rc = csv_chunk_col_to_text(c, iSel, iRow);
        if (rc) return rc;
    }
    col->sawText = 1;
    return chunk_put_text(c, col, f, iPos, iField, &((uint32_t *)col->data.p)[iRow]);
}

/* Make room for at least one more row in every array; 0 or KEEL_ENOMEM. */
int csv_chunk_grow(Chunk *c) {
    size_t nCap = c->nCap ? c->nCap * 2 : CSV_FIRST_ROWS;
    for (size_t k = 0; k < c->s->nSel; k++) {
        ChunkCol *col = &c->aCol[k];
        size_t elt = col->isCat ? sizeof(uint32_t) : sizeof(double);
        if (csv_maparr_resize(&col->data, nCap * elt)) return KEEL_ENOMEM;
    }
    if (csv_maparr_resize(&c->starts, nCap * sizeof(size_t))) return KEEL_ENOMEM;
    c->nCap = nCap;
    return 0;
}

/* csv_scan: hand the rows held to xBlock (a call with no rows when the
 * region's pass starts) and start a new block; 0, or KEEL_EINVAL with
 * cbRc set to what xBlock returned. */
int csv_chunk_flush(Chunk *c) {
    const CsvShared *s = c->s;
    for (size_t k = 0; k < s->nSel; k++) {
        int isCat = c->aCol[k].isCat;
        c->aaNum[k] = isCat ? NULL : c->aCol[k].data.p;
        c->aaCode[k] = isCat ? c->aCol[k].data.p : NULL;
    }
    CsvScanBlock b = {c->iRegion, c->nRow, c->nRowDone, s->nSel, s->azSel, c->aaNum, c->aaCode};
    int rc = s->xBlock(s->pCtx, &b);
    c->nRowDone += c->nRow;
    c->nRow = 0;
    if (rc) {
        c->cbRc = rc;
        c->rc = KEEL_EINVAL;
        return KEEL_EINVAL;
    }
    return 0;
}

/* How an unquoted field that ends at q (the input z ends at e) is ended:
 * 0 by a comma, 1 by a line end (LF, CRLF or the input's end), -1 by
 * anything else; when 0 or 1, *pi gets the offset where the next field or
 * record starts. */
static inline int csv_field_end(const char *z, const char *q, const char *e, size_t *pi) {
    if (q == e) {
        *pi = (size_t)(e - z);
        return 1;
    }
    if (*q == ',' || *q == '\n') {
        *pi = (size_t)(q - z) + 1;
        return *q == '\n';
    }
    if (*q == '\r' && q + 1 < e && q[1] == '\n') {
        *pi = (size_t)(q - z) + 2;
        return 1;
    }
    return -1;
}

/* Parse the record at offset *pi of the region (a record boundary) and
 * advance *pi past it. Blank lines are skipped (as pandas does), so a
 * missing value in a one-column file must be written NA or "". Returns 0
 * or an error code. */
int csv_chunk_record(Chunk *c, size_t *pi) {
    const CsvShared *s = c->s;
    const char *z = s->z;
    size_t i = *pi, n = s->n;
    if (z[i] == '\n') {
        *pi = i + 1;
        return 0;
    }
    if (z[i] == '\r' && i + 1 < n && z[i + 1] == '\n') {
        *pi = i + 2;
        return 0;
    }
    if (c->nRow == c->nCap) {
        int rc = c->s->xBlock ? csv_chunk_flush(c) : csv_chunk_grow(c);
        if (rc) return rc;
    }
    size_t iRow = c->nRow;
    if (!s->xBlock) ((size_t *)c->starts.p)[iRow] = i; /* csv_scan never re-reads */
    size_t iRec = i;
    for (size_t k = 0;; k++) {
        if (k >= s->nField) {
            chunk_error(c, iRec, k + 1,
                        "row has more fields than the header's %zu; quote fields that hold "
                        "commas",
                        s->nField);
            return KEEL_EINVAL;
        }
        int iSel = s->aSel[k];
        if (iSel >= 0 && !c->aCol[iSel].isCat) {
            /* fast path: a plain number or an empty field, read in place */
            const char *p = z + i, *e = z + n, *q;
            double v = 0;
            int slow;
            if (p < e && (*p == ',' || *p == '\n' || *p == '\r')) {
                q = p;
                v = NAN;
                slow = 0;
                c->aCol[iSel].nMissing++;
            } else if (e - p >= 2 && (unsigned)(*p - '0') < 10 && (p[1] == ',' || p[1] == '\n')) {
                /* a single digit (labels, flags): its value is exact */
                q = p + 1;
                v = (double)(*p - '0');
                slow = 0;
            } else {
                q = csv_scan_number(p, e, &v, &slow);
            }
            if (q && !slow && (size_t)(q - p) <= s->nMaxField) {
                int last = csv_field_end(z, q, e, &i);
                if (last >= 0) {
                    ((double *)c->aCol[iSel].data.p)[iRow] = v;
                    if (!last) continue;
                    if (k + 1 < s->nField) {
                        chunk_error(c, iRec, k + 2, "row has %zu fields but the header has %zu",
                                    k + 1, s->nField);
                        return KEEL_EINVAL;
                    }
                    break;
                }
            }
            if (q == p) c->aCol[iSel].nMissing--; /* the general path counts it */
        } else if (iSel >= 0 && i < n && z[i] != '"') {
            /* fast path: an unquoted category seen before in this region,
             * found by its bytes in the column's cache of short values, else
             * in the column's dictionary */
            const char *p = z + i, *e = z + n, *q = p;
            ChunkCol *col = &c->aCol[iSel];
            size_t nSkip = csv_swar_stop(p, e);
            q = p + nSkip;
            if (nSkip == 0 || nSkip == 8)
                while (q < e && !aSpecial[(unsigned char)*q])
                    q++;
            size_t len = (size_t)(q - p);
            long code = -1;
            uint64_t key = 0;
            unsigned iSmall = 0;
            int small = csv_small_key(p, e, len, &key, &iSmall);
            if (small && col->aSmallLen[iSmall] == len + 1 && col->aSmallKey[iSmall] == key) {
                code = col->aSmallCode[iSmall];
            } else if (len <= s->nMaxField && !csv_is_missing(p, len)) {
                code = csv_dict_find(&col->dict, p, len, csv_hash(p, len));
                if (code >= 0 && small) {
                    col->aSmallKey[iSmall] = key;
                    col->aSmallLen[iSmall] = (uint8_t)(len + 1);
                    col->aSmallCode[iSmall] = (uint32_t)code;
                }
            }
            int last = code < 0 ? -1 : csv_field_end(z, q, e, &i);
            if (last >= 0) {
                ((uint32_t *)c->aCol[iSel].data.p)[iRow] = (uint32_t)code;
                if (!last) continue;
                if (k + 1 < s->nField) {
                    chunk_error(c, iRec, k + 2, "row has %zu fields but the header has %zu", k + 1,
                                s->nField);
                    return KEEL_EINVAL;
                }
                break;
            }
        }
        Field f;
        size_t iPos = i;
        int rc = field_scan(c, &c->scratch, i, k + 1, &f);
        if (rc) return rc;
        if (iSel >= 0) {
            rc = chunk_put(c, (size_t)iSel, &f, iPos, k + 1);
            if (rc) return rc;
        } else if (field_check_utf8(c, &f, iPos, k + 1)) {
            return KEEL_EINVAL;
        }
        i = f.iNext;
        if (f.last) {
            if (k + 1 < s->nField) {
                chunk_error(c, iRec, k + 2, "row has %zu fields but the header has %zu", k + 1,
                            s->nField);
                return KEEL_EINVAL;
            }
            break;
        }
    }
    c->nRow++;
    *pi = i;
    return 0;
}

/* Drop the resident pages wholly inside z[iFrom..iTo) of a private file
 * mapping; a later read faults them back in from the file. */
static void csv_release(const char *z, size_t iFrom, size_t iTo) {
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)(z + iFrom) + pg - 1) & ~(pg - 1),
              b = (uintptr_t)(z + iTo) & ~(pg - 1);
    if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
}

/* Map the pages of z[iFrom..iTo) of a file mapping ahead of reading them
 * (one call instead of a fault per few pages; a hint, errors ignored). */
static void csv_populate(const char *z, size_t iFrom, size_t iTo) {
#ifdef MADV_POPULATE_READ
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)(z + iFrom) & ~(pg - 1), b = (uintptr_t)(z + iTo);
    if (b > a) madvise((void *)a, b - a, MADV_POPULATE_READ);
#else
    (void)z, (void)iFrom, (void)iTo;
#endif
}

/* Parse the records that start in [iStart, iEnd) of the region; sets
 * iStop to the record boundary after the last one. */
static void chunk_run(Chunk *c) {
    size_t i = c->iStart, iFree = c->iStart, iNext = c->iStart;
    if (c->s->xBlock && csv_chunk_flush(c)) { /* the pass starts */
        c->iStop = i;
        return;
    }
    while (i < c->iEnd && i < c->s->n) {
        if ((c->s->release || c->s->xBlock) && i >= iNext) {
            /* map the next window in one call rather than fault by fault
             * (a hint; csv_scan's callers hand it mapped files) */
            iNext = i + CSV_RELEASE_STEP;
            csv_populate(c->s->z, i, iNext < c->s->n ? iNext : c->s->n);
        }
        if (csv_chunk_fast(c, &i)) {
            if (!c->rc) c->rc = KEEL_ENOMEM;
            break;
        }
        if (c->s->release && i - iFree >= CSV_RELEASE_STEP) {
            csv_release(c->s->z, iFree, i);
            iFree = i;
        }
    }
    if (c->s->release) csv_release(c->s->z, iFree, i);
    if (!c->rc && c->s->xBlock && c->nRow) csv_chunk_flush(c);
    if (c->rc == KEEL_EINTERNAL) c->rc = KEEL_ENOMEM;
    c->iStop = i;
}

/* Free everything a region holds. */
static void chunk_clear(Chunk *c) {
    if (c->aCol)
        for (size_t k = 0; k < c->s->nSel; k++) {
            csv_dict_free(&c->aCol[k].dict);
            csv_maparr_free(&c->aCol[k].data);
        }
    csv_maparr_free(&c->starts);
    free(c->aCol);
    free(c->aaNum);
    free(c->aaCode);
    c->aaNum = NULL;
    c->aaCode = NULL;
    csv_arena_free(&c->arena);
    free(c->scratch.z);
    free(c->scratch2.z);
    free(c->aSep);
    c->aSep = NULL;
    c->nSepAlloc = 0;
    c->iFastStop = 0;
    c->nFastMiss = 0;
    c->nFastWindow = 0;
    c->nCap = 0;
    c->aCol = NULL;
    c->scratch = (Scratch){0};
    c->scratch2 = (Scratch){0};
    c->nRow = 0;
    c->nRowDone = 0;
    c->rc = 0;
    c->cbRc = 0;
    c->nErrLine = 0;
}

/* Prepare a region for (re)parsing from iStart; 0 or KEEL_ENOMEM. */
static int chunk_reset(Chunk *c, size_t iStart) {
    chunk_clear(c);
    c->iStart = iStart;
    c->aCol = calloc(c->s->nSel ? c->s->nSel : 1, sizeof *c->aCol);
    if (!c->aCol) return KEEL_ENOMEM;
    for (size_t k = 0; k < c->s->nSel; k++)
        c->aCol[k].isCat = c->s->aForce[k] == CSV_CATEGORICAL;
    if (c->s->xBlock) { /* csv_scan: one block of rows, used again and again */
        c->aaNum = calloc(c->s->nSel ? c->s->nSel : 1, sizeof *c->aaNum);
        c->aaCode = calloc(c->s->nSel ? c->s->nSel : 1, sizeof *c->aaCode);
        if (!c->aaNum || !c->aaCode) return KEEL_ENOMEM;
        return csv_chunk_grow(c);
    }
    /* reserve (address space only: pages come as they are written) room
     * for as many rows as the region can hold, at least one byte per field
     * each, so that the arrays need not grow while threads run */
    size_t nMax = (c->iEnd - c->iBegin) / (c->s->nField ? c->s->nField : 1) + 2;
    if (nMax > CSV_FIRST_ROWS) {
        c->nCap = nMax / 2;      /* csv_chunk_grow doubles it */
        if (csv_chunk_grow(c)) { /* no such address space: grow as needed */
            for (size_t k = 0; k < c->s->nSel; k++)
                csv_maparr_free(&c->aCol[k].data);
            csv_maparr_free(&c->starts);
            c->nCap = 0;
        }
    }
    return 0;
}

/* par_run job: parse region j of the array at p. The first region starts
 * at its iBegin (just after the header); any other at its first record
 * boundary (just after the first line feed at or after iBegin - 1). Errors
 * stay in the region (c->rc), to be reported in input order. */
static int chunk_job(void *p, size_t j, int iThread) {
    (void)iThread;
    Chunk *c = &((Chunk *)p)[j];
    const char *z = c->s->z;
    size_t n = c->s->n;
    size_t iStart = c->iBegin;
    if (j > 0) {
        const char *q = memchr(z + c->iBegin - 1, '\n', n - (c->iBegin - 1));
        iStart = q ? (size_t)(q - z) + 1 : n;
    }
    if (chunk_reset(c, iStart)) {
        c->rc = KEEL_ENOMEM;
        c->iStop = iStart;
        return 0;
    }
    chunk_run(c);
    return 0;
}

/* ---- header ------------------------------------------------------------ */

/* Fill *pErr for an error at input offset iPos (+ nLine lines). */
static void csv_set_error(EngineError *pErr, const char *z, size_t iPos, size_t nLine,
                          size_t iField, const char *zMsg) {
    if (!pErr) return;
    pErr->iLine = 1 + csv_count_lines(z, iPos) + nLine;
    pErr->iCol = iField;
    if (iField)
        snprintf(pErr->zMsg, sizeof pErr->zMsg, "line %zu, field %zu: %s", pErr->iLine, iField,
                 zMsg);
    else
        snprintf(pErr->zMsg, sizeof pErr->zMsg, "line %zu: %s", pErr->iLine, zMsg);
}

/* csv_parse and csv_parse_mapped: release says the input is a private
 * file mapping whose parsed pages may be dropped. */
static int csv_parse_impl(const char *z, size_t n, const CsvOptions *opt, CsvTable **ppTable,
                          EngineError *pErr, int release, CsvScanFn xBlock, void *pCtx) {
    static const CsvOptions optDefault = {0};
    CsvShared s = {0};
    Chunk *aChunk = NULL;
    size_t nChunk = 0;
    CsvTableImpl *p = NULL;
    char **azName = NULL;
    size_t nName = 0, nNameAlloc = 0;
    Arena nameArena = {0};
    int rc = 0;
    Chunk hdr = {0};
    *ppTable = NULL;
    if (pErr) memset(pErr, 0, sizeof *pErr);
    if (!opt) opt = &optDefault;
    if (!z) z = "";
    s.z = z;
    s.n = n;
    s.nMaxField = opt->nMaxField ? opt->nMaxField : CSV_DEFAULT_MAX_FIELD;
    s.noFast = opt->noFast;
    s.noSimd = opt->noSimd;
    s.release = (release || opt->mapped) && n >= CSV_RELEASE_STEP;
    s.xBlock = xBlock;
    s.pCtx = pCtx;
    hdr.s = &s;

    /* header */
    size_t i = 0;
    if (n >= 3 && memcmp(z, "\xEF\xBB\xBF", 3) == 0) i = 3;
    if (i >= n) {
        csv_set_error(pErr, z, i, 0, 0, "no header row: the input is empty");
        rc = KEEL_EINVAL;
        goto done;
    }
    for (;;) {
        Field f;
        size_t iPos = i;
        rc = field_scan(&hdr, &hdr.scratch, i, nName + 1, &f);
        if (!rc) rc = field_check_utf8(&hdr, &f, iPos, nName + 1);
        if (rc) goto done;
        if (nName == nNameAlloc) {
            nNameAlloc = nNameAlloc ? nNameAlloc * 2 : 64;
            char **a = realloc(azName, nNameAlloc * sizeof *a);
            if (!a) {
                rc = KEEL_ENOMEM;
                goto done;
            }
            azName = a;
        }
        azName[nName] = csv_arena_strndup(&nameArena, f.z, f.n);
        if (!azName[nName]) {
            rc = KEEL_ENOMEM;
            goto done;
        }
        nName++;
        i = f.iNext;
        if (f.last) break;
    }
    s.nField = nName;
    /* duplicate names */
    {
        CsvDict d = {0};
        for (size_t k = 0; k < nName && !rc; k++) {
            uint32_t code;
            int isNew;
            size_t len = strlen(azName[k]);
            rc = csv_dict_intern(&d, azName[k], len, csv_hash(azName[k], len), &code, &isNew);
            if (!rc && !isNew) {
                hdr.rc = 0;
                chunk_error(&hdr, 0, k + 1,
                            "duplicate column name '%.80s' in the header; column names must be "
                            "unique",
                            azName[k]);
                rc = KEEL_EINVAL;
            }
        }
        csv_dict_free(&d);
        if (rc) goto done;
    }
    /* selection */
    s.aSel = malloc(nName * sizeof *s.aSel);
    if (!s.aSel) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    if (opt->azOnly) {
        for (size_t k = 0; k < nName; k++)
            s.aSel[k] = -1;
        for (size_t o = 0; o < opt->nOnly; o++) {
            size_t k = 0;
            while (k < nName && strcmp(azName[k], opt->azOnly[o]) != 0)
                k++;
            if (k == nName) {
                chunk_error(&hdr, 0, 0, "no column named '%.80s' in the header", opt->azOnly[o]);
                rc = KEEL_EINVAL;
                goto done;
            }
            s.aSel[k] = 0;
        }
        for (size_t k = 0; k < nName; k++)
            if (s.aSel[k] == 0) s.aSel[k] = (int)s.nSel++;
    } else {
        for (size_t k = 0; k < nName; k++)
            s.aSel[k] = (int)k;
        s.nSel = nName;
    }
    s.aSelField = malloc((s.nSel ? s.nSel : 1) * sizeof *s.aSelField);
    s.aForce = calloc(s.nSel ? s.nSel : 1, sizeof *s.aForce);
    s.azSel = calloc(s.nSel ? s.nSel : 1, sizeof *s.azSel);
    if (!s.aSelField || !s.aForce || !s.azSel) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < nName; k++)
        if (s.aSel[k] >= 0) {
            s.aSelField[s.aSel[k]] = k;
            s.azSel[s.aSel[k]] = azName[k];
        }
    for (size_t o = 0; opt->aOverride && o < opt->nOverride; o++)
        for (size_t k = 0; k < s.nSel; k++)
            if (opt->aOverride[o].zName &&
                strcmp(azName[s.aSelField[k]], opt->aOverride[o].zName) == 0)
                s.aForce[k] = opt->aOverride[o].type;
    if (xBlock) /* csv_scan: no type inference, numbers unless told */
        for (size_t k = 0; k < s.nSel; k++)
            if (s.aForce[k] == CSV_AUTO) s.aForce[k] = CSV_NUMERIC;

    /* regions */
    size_t nBody = n - i;
    int nThread = par_threads(opt->nThread, PAR_MAX_THREAD);
    nChunk = nBody / CSV_MIN_CHUNK;
    if (nChunk > (size_t)nThread) nChunk = (size_t)nThread;
    if (nChunk < 1) nChunk = 1;
    aChunk = calloc(nChunk, sizeof *aChunk);
    if (!aChunk) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t j = 0; j < nChunk; j++) {
        aChunk[j].s = &s;
        aChunk[j].iRegion = j;
        aChunk[j].iBegin = i + nBody / nChunk * j;
        aChunk[j].iEnd = j + 1 == nChunk ? n : i + nBody / nChunk * (j + 1);
    }
    par_run(nChunk, nThread, chunk_job, aChunk);
    /* validate the cuts in order; re-parse a region that started wrong */
    for (size_t j = 0; j < nChunk; j++) {
        Chunk *c = &aChunk[j];
        if (j > 0 && c->iStart != aChunk[j - 1].iStop) {
            if (chunk_reset(c, aChunk[j - 1].iStop)) {
                rc = KEEL_ENOMEM;
                goto done;
            }
            chunk_run(c);
        }
        if (c->cbRc) {
            rc = c->cbRc;
            if (pErr) snprintf(pErr->zMsg, sizeof pErr->zMsg, "the scan was stopped by its caller");
            goto done;
        }
        if (c->rc) {
            rc = c->rc;
            if (rc == KEEL_EINVAL)
                csv_set_error(pErr, z, c->iErrPos, c->nErrLine, c->iErrField, c->zErr);
            goto done;
        }
    }

    /* the table */
    p = calloc(1, sizeof *p);
    if (!p) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    p->t.nCol = s.nSel;
    p->t.aCol = calloc(s.nSel ? s.nSel : 1, sizeof *p->t.aCol);
    if (!p->t.aCol) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < s.nSel; k++) {
        const char *zName = azName[s.aSelField[k]];
        p->t.aCol[k].zName = csv_arena_strndup(&p->arena, zName, strlen(zName));
        if (!p->t.aCol[k].zName) {
            rc = KEEL_ENOMEM;
            goto done;
        }
    }
    rc = csv_merge(&s, aChunk, nChunk, p);
    if (rc == KEEL_EINVAL) {
        for (size_t j = 0; j < nChunk; j++)
            if (aChunk[j].rc == KEEL_EINVAL) {
                csv_set_error(pErr, z, aChunk[j].iErrPos, aChunk[j].nErrLine, aChunk[j].iErrField,
                              aChunk[j].zErr);
                break;
            }
    }
    if (rc) goto done;
    *ppTable = &p->t;
    p = NULL;

done:
    if (rc == KEEL_EINVAL && hdr.rc == KEEL_EINVAL)
        csv_set_error(pErr, z, hdr.iErrPos, hdr.nErrLine, hdr.iErrField, hdr.zErr);
    if (rc == KEEL_ENOMEM && pErr) snprintf(pErr->zMsg, sizeof pErr->zMsg, "out of memory");
    if (p) csv_free(&p->t);
    for (size_t j = 0; aChunk && j < nChunk; j++)
        chunk_clear(&aChunk[j]);
    free(aChunk);
    chunk_clear(&hdr);
    free(azName);
    csv_arena_free(&nameArena);
    free(s.aSel);
    free(s.aSelField);
    free(s.aForce);
    free(s.azSel);
    return rc;
}

int csv_parse(const char *z, size_t n, const CsvOptions *opt, CsvTable **ppTable,
              EngineError *pErr) {
    return csv_parse_impl(z, n, opt, ppTable, pErr, 0, NULL, NULL);
}

int csv_parse_mapped(const char *z, size_t n, const CsvOptions *opt, CsvTable **ppTable,
                     EngineError *pErr) {
    return csv_parse_impl(z, n, opt, ppTable, pErr, 1, NULL, NULL);
}

int csv_scan(const char *z, size_t n, const CsvOptions *opt, CsvScanFn xBlock, void *pCtx,
             CsvTable **ppTable, EngineError *pErr) {
    if (!xBlock) return KEEL_EINTERNAL;
    return csv_parse_impl(z, n, opt, ppTable, pErr, 0, xBlock, pCtx);
}
