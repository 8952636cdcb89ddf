/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small drawing interface with two backends, so that one chart function
 * draws the same picture into a PDF page (cairo, text by pango) and into
 * an inline SVG element of the HTML report (text). Coordinates are points
 * (1/72 inch), y downwards, relative to the chart's own box. Colours are
 * 0xRRGGBB; DRAW_NONE means no fill or no stroke.
 *
 * Every call says whether it draws a mark: one datum of the chart (a bar,
 * a point, a heatmap cell), as opposed to axes, grid lines and labels.
 * Both backends count the marks they drew (nMark) — the tests compare the
 * counts with the data — and the SVG backend tags them class="mark". */
#ifndef KEEL_REPORT_DRAW_H
#define KEEL_REPORT_DRAW_H
#include "util/buf.h"
#include <stdint.h>

#define DRAW_NONE 0xFFFFFFFFu

typedef enum DrawAnchor { DRAW_START = 0, DRAW_MIDDLE = 1, DRAW_END = 2 } DrawAnchor;

typedef struct Draw Draw;
struct Draw {
    /* A rectangle at (x, y), w by h, filled and/or outlined. */
    void (*xRect)(Draw *, double x, double y, double w, double h, uint32_t fill, uint32_t stroke,
                  int bMark);
    /* A straight line of the given width; bDash draws it dashed. */
    void (*xLine)(Draw *, double x1, double y1, double x2, double y2, uint32_t stroke, double width,
                  int bDash);
    /* A polyline through n points (xy: x0, y0, x1, y1, ...), not closed. */
    void (*xPolyline)(Draw *, const double *xy, int n, uint32_t stroke, double width);
    /* A filled circle. */
    void (*xCircle)(Draw *, double cx, double cy, double r, uint32_t fill, int bMark);
    /* One line of UTF-8 text with its baseline at y, anchored at x. */
    void (*xText)(Draw *, double x, double y, const char *z, double size, uint32_t color,
                  DrawAnchor anchor, int bBold);
    /* Width in points of z at size (for fitting labels); backends without
     * a font measure approximately. */
    double (*xTextWidth)(Draw *, const char *z, double size);
    void *pCtx;        /* the backend's state */
    int nMark;         /* marks drawn so far (the backend counts) */
    const char *zFont; /* font family list for text */
};

/* For backends: start d as a copy of the backend's calls in ops, drawing
 * into pCtx with the font list zFont, no marks yet. */
static inline void draw_init(Draw *d, const Draw *ops, void *pCtx, const char *zFont) {
    *d = *ops;
    d->pCtx = pCtx;
    d->nMark = 0;
    d->zFont = zFont;
}

/* ---- the SVG backend (draw_svg.c) ---- */
/* Start an inline <svg> element of w by h points into b, tagged
 * data-chart="zId"; draw through d, then draw_svg_end(). b is borrowed. */
void draw_svg_begin(Draw *d, Buf *b, const char *zId, double w, double h, const char *zFont);
void draw_svg_end(Draw *d);

/* ---- the cairo backend (draw_cairo.c) ---- */
typedef struct _cairo cairo_t;
/* Draw into cr with the origin moved to (x, y); text goes through pango
 * with zFont. Restore with draw_cairo_end(). cr is borrowed. */
void draw_cairo_begin(Draw *d, cairo_t *cr, double x, double y, const char *zFont);
void draw_cairo_end(Draw *d);

#endif
