/* SPDX-License-Identifier: GPL-3.0-or-later */
/* KPI progress and least-squares trend; see kpi_trend.h. */
#include "engine/kpi_trend.h"
#include <math.h>

const char *kpi_status_name(int status) {
    switch (status) {
    case KPI_ON_TRACK: return "on_track";
    case KPI_AT_RISK: return "at_risk";
    case KPI_OFF_TRACK: return "off_track";
    default: return "no_data";
    }
}

/* Unclamped fraction of the way from baseline to target; when they are
 * equal, 1 when v meets the target in the good direction, else 0. */
static double kpi_fraction(double baseline, double target, int bUp, double v) {
    if (target == baseline) return (bUp ? v >= target : v <= target) ? 1.0 : 0.0;
    return (v - baseline) / (target - baseline);
}

double kpi_progress(double baseline, double target, int bUp, double v) {
    double f = kpi_fraction(baseline, target, bUp, v);
    if (!(f > 0)) f = 0;
    if (f > 1) f = 1;
    return 100.0 * f;
}

void kpi_assess(double baseline, double target, int bUp, const double *x, const double *y, int n,
                double xTarget, KpiAssessment *out) {
    out->nPoint = n;
    out->slope = 0;
    if (n == 0) {
        out->latest = baseline;
        out->progress = kpi_progress(baseline, target, bUp, baseline);
        out->projected = baseline;
        out->projectedProgress = kpi_fraction(baseline, target, bUp, baseline);
        out->status = KPI_NO_DATA;
        return;
    }
    int iLast = 0;
    double mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
        if (x[i] > x[iLast]) iLast = i;
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    out->latest = y[iLast];
    out->projected = y[iLast];
    if (n >= 2) {
        double sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (sxx > 0) {
            out->slope = sxy / sxx;
            if (xTarget > x[iLast]) out->projected = my + out->slope * (xTarget - mx);
        }
    }
    out->progress = kpi_progress(baseline, target, bUp, out->latest);
    double pLatest = kpi_fraction(baseline, target, bUp, out->latest);
    out->projectedProgress = kpi_fraction(baseline, target, bUp, out->projected);
    double p = pLatest >= 1 ? pLatest : out->projectedProgress;
    out->status = p >= 1 ? KPI_ON_TRACK : p >= KPI_AT_RISK_FLOOR ? KPI_AT_RISK : KPI_OFF_TRACK;
    if (isnan(p)) out->status = KPI_OFF_TRACK;
}
