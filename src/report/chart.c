/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack's charts (see chart.h). Each kind is one function that
 * reads its data and draws with the Draw calls only; scales are linear. */
#include "report/chart.h"
#include "util/json.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define C_TEXT 0x222222u
#define C_MUTED 0x777777u
#define C_GRID 0xdddddd
#define C_BLUE 0x2f6fb0u
#define C_GREEN 0x2e8b57u
#define C_AMBER 0xd98c1fu
#define C_RED 0xc0392bu
#define C_DARK 0x1d3557u

static double num(const json_t *o, const char *zKey) {
    const json_t *v = json_object_get(o, zKey);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

void chart_fit_label(Draw *d, const char *z, double size, double maxW, char *zOut, size_t n) {
    snprintf(zOut, n, "%s", z ? z : "");
    if (d->xTextWidth(d, zOut, size) <= maxW) return;
    size_t len = strlen(zOut);
    while (len > 0) {
        do
            len--;
        while (len > 0 && ((unsigned char)zOut[len] & 0xC0) == 0x80);
        if (len + 4 > n) continue;
        memcpy(zOut + len, "\xE2\x80\xA6", 4); /* … */
        if (d->xTextWidth(d, zOut, size) <= maxW) return;
    }
    snprintf(zOut, n, "\xE2\x80\xA6");
}

/* ---- spark: a KPI's recent values with its target ---------------------------- */

static void chart_spark(Draw *d, const json_t *data, double w, double h) {
    const json_t *vals = json_object_get(data, "values");
    int n = (int)json_array_size(vals);
    double lo = num(data, "target"), hi = lo, base = num(data, "baseline");
    if (!isnan(base)) lo = fmin(lo, base), hi = fmax(hi, base);
    for (int i = 0; i < n; i++) {
        double v = json_number_value(json_array_get(vals, i));
        if (isnan(lo)) lo = hi = v;
        lo = fmin(lo, v), hi = fmax(hi, v);
    }
    if (isnan(lo)) return;
    if (hi - lo < 1e-12) hi = lo + 1, lo -= 1;
    double pad = 3, ih = h - 2 * pad, iw = w - 2 * pad;
#define SY(v) (pad + ih - ((v)-lo) / (hi - lo) * ih)
    double t = num(data, "target");
    if (!isnan(t)) d->xLine(d, pad, SY(t), w - pad, SY(t), C_GREEN, 0.6, 1);
    double xy[2 * 64];
    int k = 0;
    for (int i = 0; i < n && i < 64; i++) {
        xy[2 * k] = pad + (n == 1 ? iw / 2 : iw * i / (n - 1));
        xy[2 * k + 1] = SY(json_number_value(json_array_get(vals, i)));
        k++;
    }
    d->xPolyline(d, xy, k, C_BLUE, 1.0);
    for (int i = 0; i < k; i++)
        d->xCircle(d, xy[2 * i], xy[2 * i + 1], i == k - 1 ? 1.9 : 1.3, C_BLUE, 1);
#undef SY
}

/* ---- scatter: the value/feasibility matrix --------------------------------------- */

static uint32_t quadrant_colour(const char *z) {
    if (!z) return C_MUTED;
    if (strcmp(z, "quick_win") == 0) return C_GREEN;
    if (strcmp(z, "big_bet") == 0) return C_BLUE;
    if (strcmp(z, "money_pit") == 0) return C_RED;
    if (strcmp(z, "fill_in") == 0) return C_AMBER;
    return C_MUTED;
}

static void chart_scatter(Draw *d, const json_t *data, double w, double h) {
    double l = 34, r = 10, t = 20, b = 30, pw = w - l - r, ph = h - t - b;
    double mid = num(data, "mid");
#define SX(v) (l + ((v)-1) / 4 * pw)
#define SY(v) (t + ph - ((v)-1) / 4 * ph)
    d->xRect(d, l, t, pw, ph, DRAW_NONE, C_GRID, 0);
    for (int i = 1; i <= 5; i++) {
        char z[8];
        snprintf(z, sizeof z, "%d", i);
        d->xText(d, SX(i), t + ph + 11, z, 7, C_MUTED, DRAW_MIDDLE, 0);
        d->xText(d, l - 4, SY(i) + 2.5, z, 7, C_MUTED, DRAW_END, 0);
    }
    if (!isnan(mid)) {
        d->xLine(d, SX(mid), t, SX(mid), t + ph, C_MUTED, 0.5, 1);
        d->xLine(d, l, SY(mid), l + pw, SY(mid), C_MUTED, 0.5, 1);
    }
    d->xText(d, l + pw / 2, h - 4, json_get_str(data, "x_label"), 7.5, C_TEXT, DRAW_MIDDLE, 0);
    d->xText(d, 2, t - 9, json_get_str(data, "y_label"), 7.5, C_TEXT, DRAW_START, 0);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(data, "points"), i, p) {
        double x = num(p, "x"), y = num(p, "y");
        if (isnan(x) || isnan(y)) continue;
        d->xCircle(d, SX(x), SY(y), 4, quadrant_colour(json_get_str(p, "quadrant")), 1);
        d->xText(d, SX(x) + 5, SY(y) - 3, json_get_str(p, "label"), 6.5, C_TEXT, DRAW_START, 0);
    }
#undef SX
#undef SY
}

/* ---- roadmap: funded initiatives over the plan's periods --------------------------- */

static void chart_roadmap(Draw *d, const json_t *data, double w, double h) {
    const json_t *periods = json_object_get(data, "periods"),
                 *items = json_object_get(data, "items");
    int np = (int)json_array_size(periods), ni = (int)json_array_size(items);
    if (np == 0) return;
    double l = 170, t = 16, row = ni ? (h - t - 4) / ni : 0, pw = w - l - 4, cw = pw / np;
    if (row > 14) row = 14;
    for (int j = 0; j < np; j++) {
        d->xText(d, l + cw * (j + 0.5), t - 5, json_string_value(json_array_get(periods, j)), 7,
                 C_MUTED, DRAW_MIDDLE, 0);
        d->xLine(d, l + cw * j, t, l + cw * j, t + row * ni, C_GRID, 0.5, 0);
    }
    d->xLine(d, l + pw, t, l + pw, t + row * ni, C_GRID, 0.5, 0);
    for (int i = 0; i < ni; i++) {
        const json_t *it = json_array_get(items, i);
        char z[160];
        chart_fit_label(d, json_get_str(it, "label"), 7.5, l - 8, z, sizeof z);
        double y = t + row * i;
        d->xText(d, 2, y + row * 0.7, z, 7.5, C_TEXT, DRAW_START, 0);
        double s = num(it, "start"), e = s + num(it, "duration");
        if (isnan(e) || e <= 0 || s >= np) continue;
        if (s < 0) s = 0;
        if (e > np) e = np;
        uint32_t c = json_is_true(json_object_get(it, "under_way")) ? C_GREEN : C_BLUE;
        d->xRect(d, l + cw * s + 1, y + 2, cw * (e - s) - 2, row - 4, c, DRAW_NONE, 1);
    }
}

/* ---- bars: pool utilisation in the period ----------------------------------------- */

static void chart_bars(Draw *d, const json_t *data, double w, double h) {
    const json_t *items = json_object_get(data, "items");
    int n = (int)json_array_size(items);
    double l = 150, t = 14, b = 18, pw = w - l - 30, row = n ? (h - t - b) / n : 0;
    double top = 1.2; /* the scale runs to 120% */
#define SX(u) (l + fmin((u), top) / top * pw)
    for (int k = 0; k <= 6; k++) {
        double u = k * 0.2;
        char z[16];
        snprintf(z, sizeof z, "%d%%", k * 20);
        d->xLine(d, SX(u), t, SX(u), t + row * n, k == 5 ? C_TEXT : C_GRID, k == 5 ? 0.8 : 0.5, 0);
        d->xText(d, SX(u), t + row * n + 10, z, 6.5, C_MUTED, DRAW_MIDDLE, 0);
    }
    double thr = num(data, "threshold");
    if (!isnan(thr)) d->xLine(d, SX(thr), t, SX(thr), t + row * n, C_AMBER, 0.8, 1);
    d->xRect(d, l, 2, 8, 6, C_BLUE, DRAW_NONE, 0);
    d->xText(d, l + 11, 8, json_get_str(data, "planned_label"), 7, C_TEXT, DRAW_START, 0);
    d->xRect(d, l + 90, 2, 8, 6, C_DARK, DRAW_NONE, 0);
    d->xText(d, l + 101, 8, json_get_str(data, "actual_label"), 7, C_TEXT, DRAW_START, 0);
    for (int i = 0; i < n; i++) {
        const json_t *it = json_array_get(items, i);
        double y = t + row * i, cap = num(it, "capacity");
        char z[160];
        chart_fit_label(d, json_get_str(it, "label"), 7.5, l - 8, z, sizeof z);
        d->xText(d, 2, y + row * 0.6, z, 7.5, C_TEXT, DRAW_START, 0);
        if (isnan(cap) || cap <= 0) continue;
        double pl = num(it, "planned"), ac = num(it, "actual");
        if (!isnan(pl))
            d->xRect(d, l, y + row * 0.15, SX(pl / cap) - l, row * 0.35, C_BLUE, DRAW_NONE, 1);
        if (!isnan(ac))
            d->xRect(d, l, y + row * 0.52, SX(ac / cap) - l, row * 0.33, C_DARK, DRAW_NONE, 1);
        if (!isnan(pl)) {
            snprintf(z, sizeof z, "%.0f%%", pl / cap * 100);
            d->xText(d, SX(pl / cap) + 3, y + row * 0.45, z, 6.5, C_MUTED, DRAW_START, 0);
        }
    }
#undef SX
}

/* ---- heatmap: likelihood x impact ----------------------------------------------------- */

static void chart_heatmap(Draw *d, const json_t *data, double w, double h) {
    double l = 40, t = 8, b = 28, side = fmin(w - l - 8, h - t - b), cs = side / 5;
    const json_t *rows = json_object_get(data, "counts");
    for (int r = 0; r < 5; r++) {
        for (int c = 0; c < 5; c++) {
            int sev = (5 - r) * (c + 1); /* impact x likelihood */
            uint32_t col = sev >= 15  ? C_RED
                           : sev >= 8 ? C_AMBER
                           : sev >= 4 ? 0xf2d16bu
                                      : 0xa8d5a2u;
            double x = l + c * cs, y = t + r * cs;
            d->xRect(d, x, y, cs, cs, col, 0xffffffu, 1);
            json_int_t k = json_integer_value(json_array_get(json_array_get(rows, r), c));
            if (k > 0) {
                char z[24];
                snprintf(z, sizeof z, "%lld", (long long)k);
                d->xText(d, x + cs / 2, y + cs / 2 + 4, z, 10, C_TEXT, DRAW_MIDDLE, 1);
            }
        }
        char z[8];
        snprintf(z, sizeof z, "%d", 5 - r);
        d->xText(d, l - 5, t + r * cs + cs / 2 + 3, z, 7, C_MUTED, DRAW_END, 0);
        snprintf(z, sizeof z, "%d", r + 1);
        d->xText(d, l + r * cs + cs / 2, t + side + 10, z, 7, C_MUTED, DRAW_MIDDLE, 0);
    }
    d->xText(d, l + side / 2, t + side + 22, json_get_str(data, "x_label"), 7.5, C_TEXT,
             DRAW_MIDDLE, 0);
    d->xText(d, 2, t + side / 2, json_get_str(data, "y_label"), 7.5, C_TEXT, DRAW_START, 0);
}

void chart_draw(Draw *d, const json_t *chart) {
    const char *zKind = json_get_str(chart, "kind");
    const json_t *data = json_object_get(chart, "data");
    double w = num(chart, "w"), h = num(chart, "h");
    if (!zKind || isnan(w) || isnan(h)) return;
    if (strcmp(zKind, "spark") == 0)
        chart_spark(d, data, w, h);
    else if (strcmp(zKind, "scatter") == 0)
        chart_scatter(d, data, w, h);
    else if (strcmp(zKind, "roadmap") == 0)
        chart_roadmap(d, data, w, h);
    else if (strcmp(zKind, "bars") == 0)
        chart_bars(d, data, w, h);
    else if (strcmp(zKind, "heatmap") == 0)
        chart_heatmap(d, data, w, h);
}
