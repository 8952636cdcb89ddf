/* SPDX-License-Identifier: GPL-3.0-or-later */
/* KPI progress and trend. Progress to target is direction-aware and
 * clamped to 0-100%: (latest - baseline) / (target - baseline). The trend
 * is the least-squares line through the recorded values (x = month index
 * of each period's middle), projected to the target period; the projected
 * progress p (unclamped) gives the status: on track when p >= 1, at risk
 * when 0.8 <= p < 1, off track below 0.8. With one value the projection is
 * that value; with none the status is "no_data". A KPI whose latest value
 * already meets the target is on track. Pure computation. */
#ifndef KEEL_ENGINE_KPI_TREND_H
#define KEEL_ENGINE_KPI_TREND_H

enum { KPI_NO_DATA = 0, KPI_ON_TRACK = 1, KPI_AT_RISK = 2, KPI_OFF_TRACK = 3 };

#define KPI_AT_RISK_FLOOR 0.8

typedef struct KpiAssessment {
    int nPoint;               /* values used */
    double latest;            /* value of the latest period (baseline if none) */
    double progress;          /* 0-100, direction-aware */
    double slope;             /* change per month (least squares), 0 with < 2 values */
    double projected;         /* value expected at the target period */
    double projectedProgress; /* unclamped fraction of the way to target at that point */
    int status;               /* KPI_* */
} KpiAssessment;

/* Assess a KPI from n values y at month positions x (any order; x need
 * not be distinct only if n < 2). bUp: higher is better. xTarget: month
 * position of the target period. */
void kpi_assess(double baseline, double target, int bUp, const double *x, const double *y, int n,
                double xTarget, KpiAssessment *out);

/* "no_data", "on_track", "at_risk" or "off_track". */
const char *kpi_status_name(int status);

/* Progress in percent (0-100) of value v from baseline to target. */
double kpi_progress(double baseline, double target, int bUp, double v);

#endif
