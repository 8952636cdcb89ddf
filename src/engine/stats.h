/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small statistical helpers shared by the engines: pairwise summation, the
 * one-time GSL set-up (GSL's error handler switched off so that a domain
 * error returns a code instead of aborting the process), Holm's step-down
 * adjustment, and the conversion of a double to JSON that never emits NaN
 * or infinity (a non-finite value becomes null). Pure; no I/O. */
#ifndef KEEL_ENGINE_STATS_H
#define KEEL_ENGINE_STATS_H
#include <jansson.h>
#include <stddef.h>

/* Switch GSL's error handler off, once per process (thread-safe). Every
 * engine entry point that calls GSL calls this first. */
void stats_init(void);

/* Holm's step-down adjustment of n p-values aP into aAdj (same order as aP;
 * aAdj may alias aP). adj(i) = max over j <= i (in ascending order of p) of
 * min(1, (n - j) * p(j)), j 0-based. n may be 0. */
void stats_holm(const double *aP, size_t n, double *aAdj);

/* Sum of a[0..n) by pairwise summation (blocks of 128 added in order, then
 * halves added recursively: numpy's accuracy class, error O(log n) ulps
 * rather than O(n)). 0 for n = 0. */
double stats_sum(const double *a, size_t n);

/* Standard normal quantile Φ⁻¹(p) for 0 < p < 1. */
double stats_z(double p);

/* Two-sided p-value of a standard normal statistic z: 2 Φ(-|z|). */
double stats_norm_p2(double z);

/* A new JSON number for x, or JSON null when x is NaN or infinite. The
 * caller owns the reference (use with json_object_set_new, which steals). */
json_t *stats_json_real(double x);

/* A new JSON integer for a whole count x (0 <= x <= 2^53), else as
 * stats_json_real. Caller owns the reference. */
json_t *stats_json_count(double x);

#endif
