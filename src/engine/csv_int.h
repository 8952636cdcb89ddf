/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CSV reader's insides, shared by its two record loops (the general
 * one and the region machinery in csv.c, the fast one in csv_fast.c) and
 * the merge of the regions into a table (csv_table.c). Not for other
 * modules: engines use csv.h. */
#ifndef KEEL_ENGINE_CSV_INT_H
#define KEEL_ENGINE_CSV_INT_H
#include "engine/csv.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && defined(__ELF__)
#include <immintrin.h>
#define CSV_AVX2 1 /* the four-lane decimal reader (csv_decimal_run) exists */
#define CSV_V3 __attribute__((target("avx2,bmi,bmi2,popcnt,fma")))
#endif

#define CSV_SMALL_SLOTS 256 /* slots of a column's cache of short values */

/* A growable array mapped straight from the kernel: it grows by mremap,
 * which moves pages instead of copying bytes, and freeing it returns the
 * memory at once. */
typedef struct MapArr {
    void *p;      /* the array, or NULL */
    size_t nByte; /* bytes mapped */
} MapArr;

/* A chained bump allocator for strings that outlive one field. */
typedef struct ArenaBlock {
    struct ArenaBlock *pNext; /* older block */
    size_t nUsed, nAlloc;     /* bytes used and available in a[] */
    char a[];
} ArenaBlock;

typedef struct Arena {
    ArenaBlock *pHead; /* newest block, NULL when empty */
} Arena;

/* A distinct category value of one column in one region. */
typedef struct CsvLevel {
    const char *z; /* bytes (into the input or an arena), not terminated */
    uint32_t n;    /* length */
    uint32_t h;    /* hash */
} CsvLevel;

/* A dictionary of category values: levels in order of first appearance
 * plus an open-addressing hash table of level index + 1 (0 = empty). */
typedef struct CsvDict {
    CsvLevel *aLevel;
    size_t nLevel, nLevelAlloc;
    uint32_t *aSlot;
    size_t nSlot; /* power of two, or 0 */
} CsvDict;

/* Per-region state of one selected column. */
typedef struct ChunkCol {
    MapArr data;          /* nCap doubles, or nCap uint32_t codes when isCat */
    int isCat;            /* data holds category codes (else doubles) */
    int sawText;          /* a non-missing value in this region is not a number */
    size_t nMissing;      /* missing cells in this region */
    CsvDict dict;         /* category values seen in this region */
    size_t nLevelBefore;  /* csv_chunk_fast: dict.nLevel before the current batch */
    size_t nMissingBatch; /* csv_chunk_fast: missing cells in the current batch */
    /* a cache of this region's short category values (1 to 8 bytes), by
     * their bytes as a number: the value of aSmallLen (length + 1, 0 when
     * empty) and aSmallKey has code aSmallCode; see csv_small_key */
    uint64_t aSmallKey[CSV_SMALL_SLOTS];
    uint32_t aSmallCode[CSV_SMALL_SLOTS];
    uint8_t aSmallLen[CSV_SMALL_SLOTS];
} ChunkCol;

/* What every region shares: the input and the header's column layout. */
typedef struct CsvShared {
    const char *z;      /* whole input */
    size_t n;           /* its size */
    size_t nField;      /* fields per record (header width) */
    int *aSel;          /* nField: selected column index, or -1 */
    size_t nSel;        /* selected columns */
    size_t *aSelField;  /* nSel: field index of each selected column */
    CsvType *aForce;    /* nSel: forced type, or CSV_AUTO */
    size_t nMaxField;   /* field size cap */
    int release;        /* the input is a private file mapping: release
                         * parsed pages (csv_parse_mapped) */
    CsvScanFn xBlock;   /* csv_scan: called with each block of rows (else
                         * NULL: the rows are kept for the table) */
    void *pCtx;         /* csv_scan: xBlock's first argument */
    const char **azSel; /* csv_scan: nSel selected columns' names */
    int noFast;         /* CsvOptions.noFast */
    int noSimd;         /* CsvOptions.noSimd */
} CsvShared;

/* Scratch space for one field's unescaped bytes. */
typedef struct Scratch {
    char *z;
    size_t n, nAlloc;
} Scratch;

/* One region of the body and what its thread parsed. */
typedef struct Chunk {
    const CsvShared *s;
    size_t iBegin, iEnd;     /* region: records starting in [iBegin, iEnd) */
    size_t iStart;           /* where parsing started (a record boundary) */
    size_t iStop;            /* the record boundary where it stopped */
    size_t iRegion;          /* index of the region, in input order */
    size_t nRow;             /* rows parsed and still held */
    size_t nRowDone;         /* csv_scan: rows already handed to xBlock */
    const double **aaNum;    /* csv_scan: nSel block pointers for xBlock */
    const uint32_t **aaCode; /* csv_scan: nSel block pointers for xBlock */
    int cbRc;                /* csv_scan: what xBlock returned when not 0 */
    size_t nCap;             /* rows the arrays have room for */
    MapArr starts;           /* nCap input offsets (size_t) of each row's start,
                              * to re-read a column when needed */
    ChunkCol *aCol;          /* nSel columns */
    Arena arena;             /* unescaped level strings */
    Scratch scratch;         /* current field */
    Scratch scratch2;        /* re-reading older rows */
    int rc;                  /* 0, KEEL_EINVAL or KEEL_ENOMEM */
    size_t iErrPos;          /* input offset the error refers to */
    size_t nErrLine;         /* extra lines past iErrPos (inside a field) */
    size_t iErrField;        /* 1-based field number, or 0 */
    uint32_t *aSep;          /* csv_chunk_fast: field ends in the fast block */
    size_t nSepAlloc;        /* entries aSep has room for */
    size_t iFastStop;        /* no fast block starts before this offset */
    int fastCr;              /* the fast block has CRs (before LFs) */
    int fastQuote;           /* the fast block has quotes (around fields) */
    unsigned nFastMiss;      /* fast blocks refused in a row for a quote */
    size_t nFastWindow;      /* bytes the next fast window may span (0: the
                              * most); shrinks when blocks end early */
    char zErr[200];          /* message without the position */
} Chunk;

/* Powers of ten that are exact doubles: csv_aPow10[k] = 10^k, k <= 22. */
extern const double csv_aPow10[23];

/* For a field of len bytes at p (the input ends at e): when it is 1 to 8
 * bytes long and 8 bytes can be read at p, its bytes as a number (*pKey,
 * the bytes past len zero) and its slot in a cache of short values
 * (*piSlot); returns 1 then, else 0. */
static inline int csv_small_key(const char *p, const char *e, size_t len, uint64_t *pKey,
                                unsigned *piSlot) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len == 0 || len > 8 || e - p < 8) return 0;
    uint64_t key;
    memcpy(&key, p, 8);
    if (len < 8) key &= (UINT64_C(1) << (8 * len)) - 1;
    *pKey = key;
    *piSlot = (unsigned)(((key ^ len) * UINT64_C(0x9E3779B97F4A7C15)) >> 56);
    return 1;
#else
    (void)p, (void)e, (void)len, (void)pKey, (void)piSlot;
    return 0;
#endif
}

/* True when the field is one of the missing-value spellings: those pandas'
 * read_csv treats as missing by default (csv.h lists them), compared byte
 * for byte after the quotes are taken off. A switch on the length, then a
 * few fixed-size compares the compiler turns into loads and compares. */
static inline int csv_is_missing(const char *z, size_t n) {
    switch (n) {
    case 0: return 1;
    case 2: return z[0] == 'N' && z[1] == 'A';
    case 3:
        return memcmp(z, "nan", 3) == 0 || memcmp(z, "NaN", 3) == 0 || memcmp(z, "N/A", 3) == 0 ||
               memcmp(z, "n/a", 3) == 0 || memcmp(z, "#NA", 3) == 0;
    case 4:
        return memcmp(z, "null", 4) == 0 || memcmp(z, "NULL", 4) == 0 ||
               memcmp(z, "None", 4) == 0 || memcmp(z, "<NA>", 4) == 0 ||
               memcmp(z, "#N/A", 4) == 0 || memcmp(z, "-nan", 4) == 0 || memcmp(z, "-NaN", 4) == 0;
    case 6: return memcmp(z, "1.#IND", 6) == 0;
    case 7: return memcmp(z, "-1.#IND", 7) == 0 || memcmp(z, "1.#QNAN", 7) == 0;
    case 8: return memcmp(z, "-1.#QNAN", 8) == 0 || memcmp(z, "#N/A N/A", 8) == 0;
    default: return 0;
    }
}

/* 32-bit FNV-1a hash of n bytes. */
uint32_t csv_hash(const char *z, size_t n);

/* Offset of the first byte of z[0..n) that breaks UTF-8, or n when valid. */
size_t csv_utf8_check(const char *zIn, size_t n);

/* Parse z[0..n) as a number (spaces or tabs around it allowed) into the
 * double strtod gives; returns 1, or 0 when it is not a number. */
int csv_parse_number(const char *z, size_t n, double *pOut);

/* A dictionary of category values: find or add (csv.c has the details). */
int csv_dict_intern(CsvDict *d, const char *z, size_t n, uint32_t h, uint32_t *pCode, int *pNew);
long csv_dict_find(const CsvDict *d, const char *z, size_t n, uint32_t h);
void csv_dict_truncate(CsvDict *d, size_t nLevel);

/* The general loop: parse the record at *pi and advance *pi (csv.c). */
int csv_chunk_record(Chunk *c, size_t *pi);

/* Hand the rows held to the scan callback / make room for more rows. */
int csv_chunk_flush(Chunk *c);
int csv_chunk_grow(Chunk *c);

/* The fast loop: parse the records of the fast block at *pi that start in
 * the region and advance *pi, or one record with csv_chunk_record when there
 * is no fast block there (csv_fast.c). */
int csv_chunk_fast(Chunk *c, size_t *pi);

/* The table as allocated: the public part first, then what frees it. */
typedef struct CsvTableImpl {
    CsvTable t;
    Arena arena;      /* column names and level strings */
    size_t nRegion;   /* csv_scan: regions the input was cut into */
    uint32_t **aaMap; /* csv_scan: per column, NULL or every region's
                       * local -> table codes, one region after another */
    size_t *aMapOff;  /* csv_scan: nCol * nRegion offsets into aaMap[k] */
} CsvTableImpl;

/* Copy n bytes of z into the arena as a NUL-terminated string; NULL when
 * out of memory. The arena owns the result. */
char *csv_arena_strndup(Arena *a, const char *z, size_t n);

/* Free every block of the arena. */
void csv_arena_free(Arena *a);

/* Free memory from csv_map (NULL is fine). */
void csv_unmap(void *p, size_t n);

/* Grow (or shrink) a to exactly nByte bytes, keeping its content; 0 or
 * KEEL_ENOMEM (a unchanged). */
int csv_maparr_resize(MapArr *a, size_t nByte);

/* Free a's memory. */
void csv_maparr_free(MapArr *a);

/* Free a dictionary's arrays (not the strings). */
void csv_dict_free(CsvDict *d);

/* Turn selected column iSel of this region from numbers into category
 * codes for its first nRow rows, re-reading each value from the input. */
int csv_chunk_col_to_text(Chunk *c, size_t iSel, size_t nRow);

/* Build the table from the parsed regions a[0..nChunk) (all valid and in
 * order). Region arrays are freed or taken over as they are copied. */
int csv_merge(const CsvShared *s, Chunk *a, size_t nChunk, CsvTableImpl *p);

#endif
