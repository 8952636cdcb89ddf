/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Order statistics for the drift and profile engines: a radix sort of
 * doubles, numpy-compatible linear quantiles, selection, and a quantile
 * sketch that summarises a sorted sample by its order statistics at evenly
 * spaced ranks (exact when the sample is small) and answers CDF queries
 * with a known error bound. Pure; no I/O. */
#ifndef KEEL_ENGINE_SKETCH_H
#define KEEL_ENGINE_SKETCH_H
#include <stddef.h>

#define SKETCH_POINTS 10001 /* order statistics kept by a sketch */

/* Sort n doubles (none NaN) ascending in place, stable for equal keys.
 * tmp is scratch space of n doubles, or NULL to allocate it. Returns 0 or
 * KEEL_ENOMEM (a is then unchanged). */
int sketch_sort(double *a, size_t n, double *tmp);

/* The p-quantile (0 <= p <= 1) of sorted a[0..n), n >= 1, by linear
 * interpolation between order statistics, computed with the same
 * floating-point steps as numpy.quantile(method='linear'). */
double sketch_quantile(const double *a, size_t n, double p);

/* The number of elements of sorted a[0..n) that are <= x. */
size_t sketch_count_le(const double *a, size_t n, double x);

/* A quantile sketch of a sample of n values: aPoint[i] is the order
 * statistic of 0-based rank floor(i * (n - 1) / (nPoint - 1)). When
 * n <= SKETCH_POINTS every value is kept and the sketch is exact. */
typedef struct Sketch {
    size_t n;       /* sample size */
    size_t nPoint;  /* points kept (min(n, SKETCH_POINTS)) */
    double *aPoint; /* nPoint ascending values, owned by the sketch */
} Sketch;

/* Fill *s from sorted a[0..n); 0 or KEEL_ENOMEM. Free with sketch_free. */
int sketch_build(Sketch *s, const double *a, size_t n);

/* Free the sketch's points. */
void sketch_free(Sketch *s);

/* Rank index (0-based, in the sample) of point i of the sketch. */
size_t sketch_rank(const Sketch *s, size_t i);

/* Estimate of the share of the sample <= x, the midpoint of the interval
 * the sketch guarantees; *pErr (may be NULL) gets the half-width of that
 * interval, i.e. the most the estimate can be off. */
double sketch_cdf(const Sketch *s, double x, double *pErr);

#endif
