/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Allocations whose size is a product: the product is checked for overflow
 * (a wrapped size would allocate a short block and the loops that follow
 * would write past it). An overflowing size allocates nothing and returns
 * NULL, which callers already treat as out of memory. */
#ifndef KEEL_UTIL_MEM_H
#define KEEL_UTIL_MEM_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The number of elements of an array; a pointer does not compile (the
 * bit-field width turns negative), so a count can never silently become
 * sizeof(pointer) / sizeof(element). */
#define ARRAY_SIZE(a)                                                                              \
    (sizeof(a) / sizeof((a)[0]) +                                                                  \
     0 * sizeof(struct {                                                                           \
         int bNotArray                                                                             \
             : (__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])) ? -1 : 1);        \
     }))

/* *pOut = a * b * c; 1 when the product does not fit in size_t. */
static inline int mem_size(size_t a, size_t b, size_t c, size_t *pOut) {
    size_t ab;
    return __builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, pOut);
}

/* malloc(a * b * c), or NULL when the product overflows. */
static inline void *mem_alloc(size_t a, size_t b, size_t c) {
    size_t n;
    return mem_size(a, b, c, &n) ? NULL : malloc(n);
}

/* The same, zero-filled. */
static inline void *mem_zalloc(size_t a, size_t b, size_t c) {
    size_t n;
    return mem_size(a, b, c, &n) ? NULL : calloc(1, n ? n : 1);
}

/* realloc(p, a * b * c), or NULL (p untouched) when the product overflows. */
static inline void *mem_realloc(void *p, size_t a, size_t b, size_t c) {
    size_t n;
    return mem_size(a, b, c, &n) ? NULL : realloc(p, n);
}

/* Whether a[0..n) equals b[0..n), for the short labels of a hot path (an
 * inlined loop; memcmp with a length known only at run time is a call). */
static inline int mem_eq_short(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return 0;
    return 1;
}

/* A zero-filled table of a * b bytes that is read at random (a hash
 * table): from 4 MiB up it asks for transparent huge pages, so a look-up
 * costs one cache miss and rarely a page walk (calloc maps fresh zero
 * pages for such sizes; the hint covers the whole 2 MiB pages inside).
 * Free with free(). NULL when out of memory or the product overflows. */
static inline void *mem_zalloc_table(size_t a, size_t b) {
    size_t n;
    if (mem_size(a, b, 1, &n)) return NULL;
    char *p = calloc(1, n ? n : 1);
    if (p && n >= ((size_t)4 << 20)) {
        uintptr_t lo = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
        uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)4095;
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* a hint: the table works without */
    }
    return p;
}

#endif
