/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cairo backend of the drawing interface: vectors straight onto a
 * cairo context (a PDF page of the board pack), text laid out by pango so
 * that Chinese renders with a CJK font. Counts the marks it drew. */
#include "report/draw.h"
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>

static cairo_t *cr_of(Draw *d) { return d->pCtx; }

static void set_rgb(cairo_t *cr, uint32_t c) {
    cairo_set_source_rgb(cr, ((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0,
                         (c & 0xFF) / 255.0);
}

static void cr_rect(Draw *d, double x, double y, double w, double h, uint32_t fill, uint32_t stroke,
                    int bMark) {
    cairo_t *cr = cr_of(d);
    cairo_rectangle(cr, x, y, w < 0 ? 0 : w, h < 0 ? 0 : h);
    if (fill != DRAW_NONE) {
        set_rgb(cr, fill);
        if (stroke != DRAW_NONE)
            cairo_fill_preserve(cr);
        else
            cairo_fill(cr);
    }
    if (stroke != DRAW_NONE) {
        set_rgb(cr, stroke);
        cairo_set_line_width(cr, 0.6);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
    if (bMark) d->nMark++;
}

static void cr_line(Draw *d, double x1, double y1, double x2, double y2, uint32_t stroke,
                    double width, int bDash) {
    cairo_t *cr = cr_of(d);
    static const double aDash[] = {3, 2};
    cairo_set_dash(cr, aDash, bDash ? 2 : 0, 0);
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x2, y2);
    set_rgb(cr, stroke);
    cairo_set_line_width(cr, width);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

static void cr_polyline(Draw *d, const double *xy, int n, uint32_t stroke, double width) {
    cairo_t *cr = cr_of(d);
    if (n < 2) return;
    cairo_move_to(cr, xy[0], xy[1]);
    for (int i = 1; i < n; i++)
        cairo_line_to(cr, xy[2 * i], xy[2 * i + 1]);
    set_rgb(cr, stroke);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
}

static void cr_circle(Draw *d, double cx, double cy, double r, uint32_t fill, int bMark) {
    cairo_t *cr = cr_of(d);
    cairo_new_sub_path(cr);
    cairo_arc(cr, cx, cy, r, 0, 6.283185307179586);
    set_rgb(cr, fill);
    cairo_fill(cr);
    if (bMark) d->nMark++;
}

/* A pango layout of z in the backend's font at size points. */
static PangoLayout *cr_layout(Draw *d, const char *z, double size, int bBold) {
    PangoLayout *l = pango_cairo_create_layout(cr_of(d));
    PangoFontDescription *f = pango_font_description_from_string(d->zFont);
    pango_font_description_set_absolute_size(f, size * PANGO_SCALE);
    if (bBold) pango_font_description_set_weight(f, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, f);
    pango_font_description_free(f);
    pango_layout_set_text(l, z, -1);
    return l;
}

static void cr_text(Draw *d, double x, double y, const char *z, double size, uint32_t color,
                    DrawAnchor anchor, int bBold) {
    if (!z || !*z) return;
    cairo_t *cr = cr_of(d);
    PangoLayout *l = cr_layout(d, z, size, bBold);
    PangoRectangle ink, logical;
    pango_layout_get_pixel_extents(l, &ink, &logical);
    double baseline = pango_layout_get_baseline(l) / (double)PANGO_SCALE;
    double w = logical.width;
    double x0 = anchor == DRAW_MIDDLE ? x - w / 2 : anchor == DRAW_END ? x - w : x;
    set_rgb(cr, color);
    cairo_move_to(cr, x0, y - baseline);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
}

static double cr_text_width(Draw *d, const char *z, double size) {
    PangoLayout *l = cr_layout(d, z, size, 0);
    PangoRectangle logical;
    pango_layout_get_pixel_extents(l, NULL, &logical);
    g_object_unref(l);
    return logical.width;
}

static const Draw crOps = {
    .xRect = cr_rect,
    .xLine = cr_line,
    .xPolyline = cr_polyline,
    .xCircle = cr_circle,
    .xText = cr_text,
    .xTextWidth = cr_text_width,
};

void draw_cairo_begin(Draw *d, cairo_t *cr, double x, double y, const char *zFont) {
    draw_init(d, &crOps, cr, zFont);
    cairo_save(cr);
    cairo_translate(cr, x, y);
}

void draw_cairo_end(Draw *d) {
    cairo_restore(cr_of(d));
    d->pCtx = NULL;
}
