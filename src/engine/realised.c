/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Realised change with a Welch interval; see realised.h. Welch's interval
 * is the staggered comparison's (engine/stagger.h), the one-value case a
 * prediction interval. */
#include "engine/realised.h"
#include "engine/stagger.h"
#include "util/err.h"
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

int realised_change(const double *a, int nA, const double *b, int nB, double level, RvResult *r) {
    memset(r, 0, sizeof *r);
    r->before = r->after = r->change = r->se = r->df = r->lo = r->hi = NAN;
    if (!(level > 0 && level < 1) || nA < 0 || nB < 0) return KEEL_EINVAL;
    for (int i = 0; i < nA; i++)
        if (!isfinite(a[i])) return KEEL_EINVAL;
    for (int i = 0; i < nB; i++)
        if (!isfinite(b[i])) return KEEL_EINVAL;
    r->nBefore = nA;
    r->nAfter = nB;
    double vA, vB;
    stagger_mean_var(a, (size_t)nA, &r->before, &vA);
    stagger_mean_var(b, (size_t)nB, &r->after, &vB);
    if (nA && nB) r->change = r->after - r->before;
    if (nA < 2 || nB < 1) return 0;
    r->tested = 1;
    if (nB >= 2) {
        /* after against before: the staggered comparison's Welch interval */
        StaggerResult s;
        stagger_compare(b, (size_t)nB, a, (size_t)nA, level, &s);
        if (s.bInterval) {
            r->se = s.se;
            r->df = s.df;
            r->lo = s.lo;
            r->hi = s.hi;
        } else { /* no scatter on either side: the change is exact */
            r->se = 0;
            r->df = nA + nB - 2;
            r->lo = r->hi = r->change;
        }
        return 0;
    }
    r->se = sqrt(vA * (1.0 / nA + 1.0));
    r->df = nA - 1;
    double t = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, r->df);
    r->lo = r->change - t * r->se;
    r->hi = r->change + t * r->se;
    return 0;
}
