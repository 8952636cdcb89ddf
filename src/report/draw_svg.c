/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SVG backend of the drawing interface: each call appends one SVG
 * element to a Buf, so a chart becomes an inline <svg> of the HTML board
 * pack. Marks carry class="mark" (the tests count them). Text widths are
 * estimated (the browser lays text out itself): CJK characters count one
 * em, others about 0.55 em. */
#include "report/draw.h"
#include "report/html.h"
#include <stdio.h>

/* The backend's state is the Buf itself. */
static Buf *svg_buf(Draw *d) { return d->pCtx; }

static void svg_colour(Buf *b, const char *zAttr, uint32_t c) {
    if (c == DRAW_NONE)
        buf_printf(b, " %s=\"none\"", zAttr);
    else
        buf_printf(b, " %s=\"#%06x\"", zAttr, (unsigned)c);
}

static void svg_rect(Draw *d, double x, double y, double w, double h, uint32_t fill,
                     uint32_t stroke, int bMark) {
    Buf *b = svg_buf(d);
    buf_printf(b, "<rect%s x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"",
               bMark ? " class=\"mark\"" : "", x, y, w < 0 ? 0 : w, h < 0 ? 0 : h);
    svg_colour(b, "fill", fill);
    svg_colour(b, "stroke", stroke);
    if (stroke != DRAW_NONE) buf_puts(b, " stroke-width=\"0.6\"");
    buf_puts(b, "/>");
    if (bMark) d->nMark++;
}

static void svg_line(Draw *d, double x1, double y1, double x2, double y2, uint32_t stroke,
                     double width, int bDash) {
    Buf *b = svg_buf(d);
    buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"", x1, y1, x2, y2);
    svg_colour(b, "stroke", stroke);
    buf_printf(b, " stroke-width=\"%.2f\"%s/>", width, bDash ? " stroke-dasharray=\"3 2\"" : "");
}

static void svg_polyline(Draw *d, const double *xy, int n, uint32_t stroke, double width) {
    Buf *b = svg_buf(d);
    buf_puts(b, "<polyline fill=\"none\" points=\"");
    for (int i = 0; i < n; i++)
        buf_printf(b, "%s%.2f,%.2f", i ? " " : "", xy[2 * i], xy[2 * i + 1]);
    buf_puts(b, "\"");
    svg_colour(b, "stroke", stroke);
    buf_printf(b, " stroke-width=\"%.2f\"/>", width);
}

static void svg_circle(Draw *d, double cx, double cy, double r, uint32_t fill, int bMark) {
    Buf *b = svg_buf(d);
    buf_printf(b, "<circle%s cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", bMark ? " class=\"mark\"" : "",
               cx, cy, r);
    svg_colour(b, "fill", fill);
    buf_puts(b, "/>");
    if (bMark) d->nMark++;
}

static void svg_text(Draw *d, double x, double y, const char *z, double size, uint32_t color,
                     DrawAnchor anchor, int bBold) {
    static const char *const azAnchor[] = {"start", "middle", "end"};
    if (!z || !*z) return;
    Buf *b = svg_buf(d);
    buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.1f\" text-anchor=\"%s\"%s", x, y, size,
               azAnchor[anchor], bBold ? " font-weight=\"bold\"" : "");
    svg_colour(b, "fill", color);
    buf_puts(b, ">");
    html_escape(b, z);
    buf_puts(b, "</text>");
}

/* Estimated width: CJK and other wide characters one em, the rest 0.55. */
static double svg_text_width(Draw *d, const char *z, double size) {
    (void)d;
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)z; *p; p++) {
        if (*p < 0x80)
            w += 0.55;
        else if (*p >= 0xE0)
            w += 1.0; /* the lead byte of a 3- or 4-byte sequence: CJK */
        else if (*p >= 0xC0)
            w += 0.6;
    }
    return w * size;
}

static const Draw svgOps = {
    .xRect = svg_rect,
    .xLine = svg_line,
    .xPolyline = svg_polyline,
    .xCircle = svg_circle,
    .xText = svg_text,
    .xTextWidth = svg_text_width,
};

void draw_svg_begin(Draw *d, Buf *b, const char *zId, double w, double h, const char *zFont) {
    draw_init(d, &svgOps, b, zFont);
    buf_printf(b,
               "<svg class=\"chart\" data-chart=\"%s\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.2f %.2f\" role=\"img\" font-family=\"",
               zId, w * 4 / 3, h * 4 / 3, w, h);
    html_escape(b, zFont);
    buf_puts(b, "\">");
}

void draw_svg_end(Draw *d) {
    buf_puts(svg_buf(d), "</svg>");
    d->pCtx = NULL;
}
