/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Realised change with a Welch interval; see realised.h. */
#include "engine/realised.h"
#include "util/err.h"
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

static void mean_var(const double *a, int n, double *pMean, double *pVar) {
    double m = 0, v = 0;
    for (int i = 0; i < n; i++)
        m += a[i];
    m = n ? m / n : NAN;
    for (int i = 0; i < n; i++)
        v += (a[i] - m) * (a[i] - m);
    *pMean = m;
    *pVar = n > 1 ? v / (n - 1) : NAN;
}

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
    mean_var(a, nA, &r->before, &vA);
    mean_var(b, nB, &r->after, &vB);
    if (nA && nB) r->change = r->after - r->before;
    if (nA < 2 || nB < 1) return 0;
    if (nB >= 2) {
        double qa = vA / nA, qb = vB / nB;
        r->se = sqrt(qa + qb);
        r->df = r->se > 0 ? (qa + qb) * (qa + qb) / (qa * qa / (nA - 1) + qb * qb / (nB - 1))
                          : nA + nB - 2;
    } else {
        r->se = sqrt(vA * (1.0 / nA + 1.0));
        r->df = nA - 1;
    }
    double t = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, r->df);
    r->lo = r->change - t * r->se;
    r->hi = r->change + t * r->se;
    r->tested = 1;
    return 0;
}
