/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack's charts, drawn through the drawing interface (draw.h),
 * so each one is the same picture in the PDF and in the HTML. A chart is
 * a JSON object {kind, id, w, h, data} (sizes in points) built by
 * report/board.c; each kind counts its marks as follows:
 *   spark    a KPI's values: one point per value (data: values [numbers],
 *            baseline, target)
 *   scatter  value/feasibility matrix: one point per scored initiative
 *            (data: points [{x, y, label, quadrant}], x_label, y_label, mid)
 *   roadmap  funded initiatives over the plan's periods: one bar per
 *            initiative active in the horizon (data: periods [labels],
 *            items [{label, start, duration, under_way}])
 *   bars     utilisation of pools in the period: one bar for planned and
 *            one for actual use where known, per pool with capacity (data:
 *            items [{label, planned, actual, capacity}], threshold,
 *            planned_label, actual_label)
 *   heatmap  likelihood x impact: one cell per square, 5 x 5 (data: counts
 *            [[n]] rows by impact 5..1, columns by likelihood 1..5,
 *            x_label, y_label) */
#ifndef KEEL_REPORT_CHART_H
#define KEEL_REPORT_CHART_H
#include "report/draw.h"
#include <jansson.h>

/* Draw chart (borrowed) into d's box of chart.w by chart.h points. */
void chart_draw(Draw *d, const json_t *chart);

/* Copy z into zOut (n bytes), cut at a character boundary with an
 * ellipsis so that it is at most maxW points wide at size. */
void chart_fit_label(Draw *d, const char *z, double size, double maxW, char *zOut, size_t n);

#endif
