/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Statistical helpers shared by the analysis engines: GSL set-up, Holm's
 * adjustment, normal quantiles and NaN-free JSON numbers. See stats.h. */
#include "engine/stats.h"
#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

static pthread_once_t statsOnce = PTHREAD_ONCE_INIT;

/* Called once through pthread_once: GSL returns error codes from then on. */
static void stats_init_once(void) { gsl_set_error_handler_off(); }

/* Switch GSL's aborting error handler off (idempotent, thread-safe). */
void stats_init(void) { pthread_once(&statsOnce, stats_init_once); }

/* Holm's step-down adjustment; see stats.h. Uses an insertion sort of
 * indexes: the number of comparisons in one analysis is small. */
double stats_sum(const double *a, size_t n) {
    if (n <= 128) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += a[i];
        return s;
    }
    size_t h = n / 2;
    return stats_sum(a, h) + stats_sum(a + h, n - h);
}

void stats_holm(const double *aP, size_t n, double *aAdj) {
    if (n == 0) return;
    assert(aP && aAdj);
    size_t aIdxStack[32];
    size_t *aIdx = n <= 32 ? aIdxStack : malloc(n * sizeof *aIdx);
    double aOutStack[32];
    double *aOut = n <= 32 ? aOutStack : malloc(n * sizeof *aOut);
    if (!aIdx || !aOut) {
        /* Out of memory: Bonferroni is a valid, more conservative answer. */
        for (size_t i = 0; i < n; i++)
            aAdj[i] = fmin(1.0, aP[i] * (double)n);
        if (aIdx != aIdxStack) free(aIdx);
        if (aOut != aOutStack) free(aOut);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && aP[aIdx[j - 1]] > aP[i]) {
            aIdx[j] = aIdx[j - 1];
            j--;
        }
        aIdx[j] = i;
    }
    double run = 0.0;
    for (size_t j = 0; j < n; j++) {
        double v = fmin(1.0, (double)(n - j) * aP[aIdx[j]]);
        if (v > run) run = v;
        aOut[aIdx[j]] = run;
    }
    for (size_t i = 0; i < n; i++)
        aAdj[i] = aOut[i];
    if (aIdx != aIdxStack) free(aIdx);
    if (aOut != aOutStack) free(aOut);
}

/* Φ⁻¹(p) through GSL. */
double stats_z(double p) {
    assert(p > 0 && p < 1);
    return gsl_cdf_ugaussian_Pinv(p);
}

/* 2 Φ(-|z|), accurate in the far tail. */
double stats_norm_p2(double z) { return 2.0 * gsl_cdf_ugaussian_Q(fabs(z)); }

/* A JSON real, or null for a non-finite value (the output never holds NaN). */
json_t *stats_json_real(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* A JSON integer for a whole count, else a real (or null). */
json_t *stats_json_count(double x) {
    if (x >= 0 && x <= 9007199254740992.0 && x == floor(x)) return json_integer((json_int_t)x);
    return stats_json_real(x);
}
