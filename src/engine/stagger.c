/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The staggered comparison; see stagger.h. */
#include "engine/stagger.h"
#include <gsl/gsl_cdf.h>
#include <math.h>

void stagger_mean_var(const double *a, size_t n, double *pMean, double *pVar) {
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m += a[i];
    m = n ? m / (double)n : NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (a[i] - m) * (a[i] - m);
    *pMean = m;
    *pVar = n > 1 ? s / (double)(n - 1) : NAN;
}

void stagger_compare(const double *a, size_t na, const double *b, size_t nb, double level,
                     StaggerResult *r) {
    double va, vb;
    r->nRolled = na;
    r->nWaiting = nb;
    stagger_mean_var(a, na, &r->meanRolled, &va);
    stagger_mean_var(b, nb, &r->meanWaiting, &vb);
    r->diff = r->meanRolled - r->meanWaiting;
    r->lo = r->hi = r->df = r->se = NAN;
    r->bInterval = 0;
    if (na < 2 || nb < 2) return;
    double sa = va / (double)na, sb = vb / (double)nb, se2 = sa + sb;
    if (!(se2 > 0)) return;
    r->df = se2 * se2 / (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
    double tq = gsl_cdf_tdist_Pinv(0.5 + level / 2, r->df);
    double se = sqrt(se2);
    r->se = se;
    r->lo = r->diff - tq * se;
    r->hi = r->diff + tq * se;
    r->bInterval = 1;
}
