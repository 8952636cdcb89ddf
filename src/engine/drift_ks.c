/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The null distribution of the two-sample Kolmogorov-Smirnov statistic,
 * with the same choices scipy.stats.ks_2samp makes for method='auto' so
 * that keel's p-values match the reference implementation: for samples of
 * at most 10,000 the exact probability by lattice-path counting (Hodges
 * 1958; for unequal sizes the "inside" recursion written for 1 - p, as in
 * Viehmann 2021, which never overflows), otherwise the distribution of the
 * one-sample statistic D_n with n = round(n1 n2 / (n1 + n2)), evaluated as
 * Simard and L'Ecuyer (2011) recommend: Ruben-Gambino closed forms at the
 * ends, the exact Birnbaum-Tingey sum (2 x one-sided Smirnov) in the upper
 * tail, the Durbin matrix (Marsaglia-Tsang-Wang) for small n x^1.5 and the
 * Pelz-Good series elsewhere. */
#include "engine/drift.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KS_MAX_EXACT_N 10000

/* Round half to even, as numpy.round. */
static double ks_round(double x) { return nearbyint(x); }

/* Greatest common divisor. */
static size_t ks_gcd(size_t a, size_t b) {
    while (b) {
        size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* P(D_{n,n} >= h/n) by the alternating sum of lattice paths, evaluated
 * from the innermost term outwards (Horner-like) to avoid cancellation. */
static double ks_prob_outside_square(long n, long h) {
    double P = 0.0;
    long k = (long)floor((double)n / (double)h);
    while (k >= 0) {
        double p1 = 1.0;
        for (long j = 0; j < h; j++)
            p1 = (double)(n - k * h - j) * p1 / (double)(n + k * h + j + 1);
        P = p1 * (1.0 - P);
        k--;
    }
    return 2 * P;
}

/* 1 - P(paths from (0,0) to (m,n) stay strictly inside |x/m - y/n| <
 * h/lcm), i.e. P(D >= h/lcm), for m != n, by a column-by-column recursion
 * on the probability of staying inside with a sliding window. Returns NAN
 * when out of memory. */
static double ks_prob_outer_inside(long m, long n, long g, long h) {
    if (m < n) {
        long t = m;
        m = n;
        n = t;
    }
    long mg = m / g, ng = n / g;
    long minj = 0, maxj = (long)ceil((double)h / (double)mg);
    if (maxj > n + 1) maxj = n + 1;
    long curlen = maxj - minj;
    long lenA = 2 * maxj + 2 < n + 1 ? 2 * maxj + 2 : n + 1;
    double *A = malloc((size_t)(lenA > 0 ? lenA : 1) * sizeof *A);
    if (!A) return NAN;
    for (long j = 0; j < lenA; j++)
        A[j] = 1.0;
    for (long j = minj; j < maxj && j < lenA; j++)
        A[j] = 0.0;
    double result = NAN;
    for (long i = 1; i <= m; i++) {
        long lastminj = minj, lastlen = curlen;
        minj = (long)floor((double)(ng * i - h) / (double)mg) + 1;
        if (minj < 0) minj = 0;
        if (minj > n) minj = n;
        maxj = (long)ceil((double)(ng * i + h) / (double)mg);
        if (maxj > n + 1) maxj = n + 1;
        if (maxj <= minj) {
            free(A);
            return 1.0;
        }
        double val = minj == 0 ? 0.0 : 1.0;
        for (long jj = 0; jj < maxj - minj; jj++) {
            long j = jj + minj;
            val = (A[jj + minj - lastminj] * (double)i + val * (double)j) / (double)(i + j);
            A[jj] = val;
        }
        curlen = maxj - minj;
        if (lastlen > curlen)
            for (long j = maxj - minj; j < maxj - minj + (lastlen - curlen) && j < lenA; j++)
                A[j] = 1.0;
    }
    result = A[maxj - minj - 1];
    free(A);
    return result;
}

/* log(n! / n^n) by Stirling's series with n log n removed up front. */
static double ks_log_nfact_div_npown(double n) {
    static const double aC[] = {-2.955065359477124183e-2,  6.4102564102564102564e-3,
                                -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                -5.952380952380952381e-4,  7.9365079365079365079e-4,
                                -2.7777777777777777778e-3, 8.3333333333333333333e-2};
    double rn = 1.0 / n, x = rn / n, poly = 0;
    for (size_t i = 0; i < sizeof aC / sizeof aC[0]; i++)
        poly = poly * x + aC[i];
    return log(n) / 2 - n + log(2 * M_PI) / 2 + rn * poly;
}

/* One-sided Smirnov: P(D_n^+ >= e), by the Birnbaum-Tingey sum. */
static double ks_smirnov(long n, double e) {
    if (!(n > 0 && e >= 0.0 && e <= 1.0)) return NAN;
    if (e == 0.0) return 1.0;
    long nn = (long)floor((double)n * (1.0 - e));
    double p = 0.0;
    if (n < 1013) {
        double c = 1.0;
        for (long v = 0; v <= nn; v++) {
            double evn = e + (double)v / (double)n;
            p += c * pow(evn, (double)(v - 1)) * pow(1.0 - evn, (double)(n - v));
            c *= (double)(n - v) / (double)(v + 1);
        }
    } else {
        /* log C(n, v) step by step (one log per term instead of two
         * lgamma calls), recomputed exactly every 4096 terms so that
         * rounding cannot accumulate */
        double lg = lgamma((double)n + 1), lc = 0;
        for (long v = 0; v <= nn; v++) {
            if (v % 4096 == 0)
                lc = lg - lgamma((double)v + 1) - lgamma((double)(n - v) + 1);
            else
                lc += log((double)(n - v + 1) / (double)v);
            double evn = e + (double)v / (double)n, omevn = 1.0 - evn;
            if (fabs(omevn) > 0.0) {
                double t = lc + (double)(v - 1) * log(evn) + (double)(n - v) * log(omevn);
                if (t > -708) p += exp(t);
            }
        }
    }
    return p * e;
}

/* Square matrix product c = a b (m x m, row-major); c may not alias. */
static void ks_matmul(const double *a, const double *b, double *c, long m) {
    memset(c, 0, (size_t)(m * m) * sizeof *c);
    for (long i = 0; i < m; i++)
        for (long k = 0; k < m; k++) {
            double aik = a[i * m + k];
            if (aik == 0.0) continue;
            for (long j = 0; j < m; j++)
                c[i * m + j] += aik * b[k * m + j];
        }
}

/* P(D_n <= d) by the Durbin matrix, as Marsaglia, Tsang and Wang: the
 * k-th diagonal entry of H^n times n!/n^n, with scaling by 2^128. NAN when
 * out of memory. */
static double ks_dmtw_cdf(long n, double d) {
    if (d >= 1.0) return 1.0;
    double nd = (double)n * d;
    if (nd <= 0.5) return 0.0;
    long k = (long)ceil(nd), m = 2 * k - 1;
    double h = (double)k - nd;
    size_t mm = (size_t)(m * m);
    double *H = calloc(mm, sizeof *H), *P = calloc(mm, sizeof *P), *T = malloc(mm * sizeof *T);
    double *v = malloc((size_t)m * sizeof *v), *w = malloc((size_t)m * sizeof *w);
    double p = NAN;
    if (!H || !P || !T || !v || !w) goto done;
    double fac = 1.0;
    for (long j = 1; j <= m; j++) {
        v[j - 1] = 1.0 - pow(h, (double)j);
        w[j - 1] = fac;
        fac /= (double)j;
        v[j - 1] *= fac;
    }
    double tt = pow(fmax(2 * h - 1.0, 0), (double)m) - 2 * pow(h, (double)m);
    v[m - 1] = (1.0 + tt) * fac;
    for (long i = 1; i < m; i++)
        for (long r = i - 1; r < m; r++)
            H[r * m + i] = w[r - (i - 1)];
    for (long r = 0; r < m; r++)
        H[r * m] = v[r];
    for (long c = 0; c < m; c++)
        H[(m - 1) * m + c] = v[m - 1 - c];
    for (long i = 0; i < m; i++)
        P[i * m + i] = 1.0;
    long nn = n, expnt = 0, Hexpnt = 0;
    const double EP128 = ldexp(1.0, 128), EM128 = ldexp(1.0, -128);
    while (nn > 0) {
        if (nn % 2) {
            ks_matmul(P, H, T, m);
            memcpy(P, T, mm * sizeof *T);
            expnt += Hexpnt;
        }
        ks_matmul(H, H, T, m);
        memcpy(H, T, mm * sizeof *T);
        Hexpnt *= 2;
        if (fabs(H[(k - 1) * m + (k - 1)]) > EP128) {
            for (size_t i = 0; i < mm; i++)
                H[i] /= EP128;
            Hexpnt += 128;
        }
        nn /= 2;
    }
    p = P[(k - 1) * m + (k - 1)];
    for (long i = 1; i <= n; i++) {
        p = (double)i * p / (double)n;
        if (fabs(p) < EM128) {
            p *= EP128;
            expnt -= 128;
        }
    }
    if (expnt != 0) p = ldexp(p, (int)expnt);
done:
    free(H);
    free(P);
    free(T);
    free(v);
    free(w);
    return p;
}

/* 1 - P(D_n <= x) by the Pelz-Good asymptotic series (four terms). */
static double ks_pelz_good_sf(long n, double x) {
    if (x <= 0.0) return 1.0;
    if (x >= 1.0) return 0.0;
    const double PI2 = M_PI * M_PI, PI4 = PI2 * PI2, PI6 = PI4 * PI2;
    const double SQRT2PI = sqrt(2 * M_PI);
    double z = sqrt((double)n) * x;
    double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
    double qlog = -PI2 / 8 / z2;
    if (qlog < -708) return 1.0;
    double q = exp(qlog);
    double k1a = -z2, k1b = PI2 / 4;
    double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * PI2 / 4, k2c = PI4 * (1 - 2 * z2) / 16;
    double k3d = PI6 * (5 - 30 * z2) / 64, k3c = PI4 * (-60 * z2 + 212 * z4) / 16,
           k3b = PI2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * pow(z, 8);
    double K[4] = {0, 0, 0, 0};
    long maxk = (long)ceil(16 * z / M_PI);
    for (long k = maxk; k > 0; k--) {
        double m = (double)(2 * k - 1), m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
        double qp = pow(q, (double)(8 * k));
        double c[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                       k3a + k3b * m2 + k3c * m4 + k3d * m6};
        for (int i = 0; i < 4; i++)
            K[i] = K[i] * qp + c[i];
    }
    double div[4] = {z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)};
    for (int i = 0; i < 4; i++)
        K[i] = K[i] * q * SQRT2PI / div[i];
    double q2 = exp(-PI2 / 2 / z2), sqrt3z = sqrt(3.0) * z;
    double k2extra = 0, k3extra = 0;
    for (long k = maxk; k > 0; k--) {
        double ks2 = (double)k * (double)k, qp = pow(q2, ks2), kspi = M_PI * (double)k;
        k2extra += ks2 * qp;
        k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
    }
    K[2] += k2extra * (PI2 * SQRT2PI / (-36 * z3));
    K[3] += k3extra * (PI2 * SQRT2PI / (216 * z6));
    double sf = 1.0;
    for (int i = 0; i < 4; i++)
        sf -= K[i] / pow((double)n, i / 2.0);
    return sf;
}

/* Clip a probability to [0, 1]. */
static double ks_clip(double p) { return p < 0 ? 0 : p > 1 ? 1 : p; }

/* P(D_n >= x), the survival function of the one-sample two-sided
 * statistic (scipy.stats.kstwo.sf). */
static double ks_kolmogn_sf(long n, double x) {
    if (n <= 0) return NAN;
    if (x >= 1.0) return 0.0;
    double t = (double)n * x;
    if (t <= 0.5) return 1.0; /* below the support */
    if (t <= 1.0) {
        double prob;
        if (n <= 140) {
            prob = 1.0;
            for (long i = 1; i <= n; i++)
                prob *= (double)i * (1.0 / (double)n) * (2 * t - 1);
        } else {
            prob = exp(ks_log_nfact_div_npown((double)n) + (double)n * log(2 * t - 1));
        }
        return ks_clip(1.0 - prob);
    }
    if (t >= (double)(n - 1)) return ks_clip(2 * pow(1.0 - x, (double)n));
    if (x >= 0.5) return ks_clip(2 * ks_smirnov(n, x));
    double nx2 = t * x;
    if (n <= 140) {
        if (nx2 <= 4) return ks_clip(1.0 - ks_dmtw_cdf(n, x));
        return ks_clip(2 * ks_smirnov(n, x));
    }
    if (nx2 >= 370.0) return 0.0;
    if (nx2 >= 2.2) return ks_clip(2 * ks_smirnov(n, x));
    if (n <= 100000 && (double)n * pow(x, 1.5) <= 1.4) return ks_clip(1.0 - ks_dmtw_cdf(n, x));
    return ks_clip(ks_pelz_good_sf(n, x));
}

double drift_ks_pvalue(size_t n1, size_t n2, double d, double *pD) {
    if (pD) *pD = d;
    if (!n1 || !n2 || isnan(d)) return NAN;
    size_t g = ks_gcd(n1, n2);
    if ((n1 > n2 ? n1 : n2) <= KS_MAX_EXACT_N) {
        double lcm = (double)(n1 / g) * (double)n2;
        long h = (long)ks_round(d * lcm);
        double dr = (double)h / lcm;
        if (pD) *pD = dr;
        if (h == 0) return 1.0;
        double p = n1 == n2 ? ks_prob_outside_square((long)n1, h)
                            : ks_prob_outer_inside((long)n1, (long)n2, (long)g, h);
        if (p >= 0 && p <= 1) return p;
        d = dr;
    }
    double m = (double)(n1 > n2 ? n1 : n2), n = (double)(n1 > n2 ? n2 : n1);
    double en = m * n / (m + n);
    long nn = (long)ks_round(en);
    if (nn < 1) return NAN;
    if (d <= 0.5 / (double)nn) return 1.0;
    if (d >= 1.0) return 0.0;
    return ks_clip(ks_kolmogn_sf(nn, d));
}
