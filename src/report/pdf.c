/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack as PDF: A4 pages drawn by cairo, text laid out by pango
 * (so Chinese takes a CJK font), charts drawn as vectors through the
 * cairo backend of the drawing interface. Page 1 carries the title and
 * the contents (each entry a link to its section, each section also in
 * the PDF outline); every page has a footer with its number.
 *
 * Layout runs twice over the same code: the first pass only measures and
 * paginates, recording the page of each section and the page count; the
 * second draws, with the contents and footers filled from the first. A
 * block that does not fit the rest of a page moves to the next one; long
 * tables break between rows and repeat their header. */
#include "report/board.h"
#include "report/chart.h"
#include "util/json.h"
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define MARGIN_X 48.0
#define MARGIN_TOP 56.0
#define MARGIN_BOTTOM 64.0
#define BODY_W (PAGE_W - 2 * MARGIN_X)
#define CELL_PAD 3.0

#define COL_TEXT 0x222222u
#define COL_MUTED 0x6b6b6bu
#define COL_HEAD 0x1d3557u
#define COL_RULE 0xd0d0d0u
#define COL_HEAD_BG 0xeef2f7u
#define COL_GROUP_BG 0xf6f6f6u

typedef struct Pdf {
    cairo_surface_t *surf;
    cairo_t *cr;
    const json_t *doc;
    const char *zFont;
    int bDraw;        /* second pass: draw; first pass: measure only */
    int page;         /* current page, from 1 */
    int nPage;        /* pages in all (known in the second pass) */
    double y;         /* the cursor on the current page */
    int nSection;     /* sections so far */
    json_t *secPages; /* section id -> page (filled by the first pass) */
    json_t *marks;    /* chart id -> marks (second pass), may be NULL */
} Pdf;

static void set_rgb(cairo_t *cr, uint32_t c) {
    cairo_set_source_rgb(cr, ((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0,
                         (c & 0xFF) / 255.0);
}

/* A layout of z, wrapped at width w (w <= 0: no wrapping). */
static PangoLayout *pdf_layout(Pdf *p, const char *z, double size, int bBold, double w,
                               PangoAlignment align) {
    PangoLayout *l = pango_cairo_create_layout(p->cr);
    PangoFontDescription *f = pango_font_description_from_string(p->zFont);
    pango_font_description_set_absolute_size(f, size * PANGO_SCALE);
    if (bBold) pango_font_description_set_weight(f, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, f);
    pango_font_description_free(f);
    if (w > 0) {
        pango_layout_set_width(l, (int)(w * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(l, align);
    pango_layout_set_text(l, z ? z : "", -1);
    return l;
}

/* Height of z laid out in w; draws it at (x, y) in the second pass. */
static double pdf_text(Pdf *p, double x, double y, double w, const char *z, double size, int bBold,
                       uint32_t color, PangoAlignment align) {
    PangoLayout *l = pdf_layout(p, z, size, bBold, w, align);
    PangoRectangle r;
    pango_layout_get_extents(l, NULL, &r);
    if (p->bDraw) {
        set_rgb(p->cr, color);
        cairo_move_to(p->cr, x, y);
        pango_cairo_show_layout(p->cr, l);
    }
    g_object_unref(l);
    return r.height / (double)PANGO_SCALE;
}

static void pdf_rule(Pdf *p, double x1, double y, double x2, uint32_t c, double w) {
    if (!p->bDraw) return;
    set_rgb(p->cr, c);
    cairo_set_line_width(p->cr, w);
    cairo_move_to(p->cr, x1, y);
    cairo_line_to(p->cr, x2, y);
    cairo_stroke(p->cr);
}

static void pdf_fill(Pdf *p, double x, double y, double w, double h, uint32_t c) {
    if (!p->bDraw) return;
    set_rgb(p->cr, c);
    cairo_rectangle(p->cr, x, y, w, h);
    cairo_fill(p->cr);
}

static void pdf_footer(Pdf *p) {
    if (!p->bDraw) return;
    char z[96];
    snprintf(z, sizeof z, json_get_str(p->doc, "page_fmt"), p->page, p->nPage);
    double y = PAGE_H - 40;
    pdf_rule(p, MARGIN_X, y - 4, PAGE_W - MARGIN_X, COL_RULE, 0.5);
    pdf_text(p, MARGIN_X, y, BODY_W * 0.7, json_get_str(p->doc, "subtitle"), 7.5, 0, COL_MUTED,
             PANGO_ALIGN_LEFT);
    pdf_text(p, MARGIN_X, y, BODY_W, z, 7.5, 0, COL_MUTED, PANGO_ALIGN_RIGHT);
}

static void pdf_new_page(Pdf *p) {
    pdf_footer(p);
    if (p->bDraw) cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN_TOP;
}

/* Make room for h points, on a new page when this one is too full. */
static void pdf_ensure(Pdf *p, double h) {
    if (p->y + h > PAGE_H - MARGIN_BOTTOM && p->y > MARGIN_TOP) pdf_new_page(p);
}

/* ---- page 1: title and contents ---------------------------------------------------- */

static void pdf_cover(Pdf *p) {
    p->y = 96;
    p->y += pdf_text(p, MARGIN_X, p->y, BODY_W, json_get_str(p->doc, "title"), 24, 1, COL_HEAD,
                     PANGO_ALIGN_LEFT) +
            8;
    p->y += pdf_text(p, MARGIN_X, p->y, BODY_W, json_get_str(p->doc, "subtitle"), 13, 0, COL_TEXT,
                     PANGO_ALIGN_LEFT) +
            4;
    p->y += pdf_text(p, MARGIN_X, p->y, BODY_W, json_get_str(p->doc, "generated"), 9, 0, COL_MUTED,
                     PANGO_ALIGN_LEFT) +
            36;
    p->y += pdf_text(p, MARGIN_X, p->y, BODY_W, json_get_str(p->doc, "contents"), 15, 1, COL_HEAD,
                     PANGO_ALIGN_LEFT) +
            10;
    size_t i;
    json_t *b;
    int n = 0;
    json_array_foreach(json_object_get(p->doc, "blocks"), i, b) {
        if (strcmp(json_get_str(b, "k"), "section")) continue;
        char zEntry[256], zPage[16], zLink[96];
        snprintf(zEntry, sizeof zEntry, "%d.  %s", ++n, json_get_str(b, "text"));
        snprintf(
            zPage, sizeof zPage, "%lld",
            (long long)json_integer_value(json_object_get(p->secPages, json_get_str(b, "id"))));
        snprintf(zLink, sizeof zLink, "dest='sec-%s'", json_get_str(b, "id"));
        if (p->bDraw) cairo_tag_begin(p->cr, CAIRO_TAG_LINK, zLink);
        double h =
            pdf_text(p, MARGIN_X, p->y, BODY_W - 40, zEntry, 11, 0, COL_TEXT, PANGO_ALIGN_LEFT);
        pdf_text(p, MARGIN_X, p->y, BODY_W, zPage, 11, 0, COL_TEXT, PANGO_ALIGN_RIGHT);
        if (p->bDraw) cairo_tag_end(p->cr, CAIRO_TAG_LINK);
        p->y += h + 2;
        if (p->bDraw) {
            static const double aDot[] = {0.8, 2.5};
            cairo_set_dash(p->cr, aDot, 2, 0);
            pdf_rule(p, MARGIN_X, p->y, PAGE_W - MARGIN_X, COL_RULE, 0.5);
            cairo_set_dash(p->cr, NULL, 0, 0);
        }
        p->y += 6;
    }
    pdf_new_page(p);
}

/* ---- blocks ------------------------------------------------------------------------------ */

static void pdf_section(Pdf *p, const json_t *b) {
    if (json_is_true(json_object_get(b, "newpage")) && p->y > MARGIN_TOP) pdf_new_page(p);
    pdf_ensure(p, 80);
    const char *zId = json_get_str(b, "id");
    char z[256], zDest[96];
    snprintf(z, sizeof z, "%d.  %s", ++p->nSection, json_get_str(b, "text"));
    snprintf(zDest, sizeof zDest, "name='sec-%s'", zId);
    if (!p->bDraw) json_object_set_new(p->secPages, zId, json_integer(p->page));
    if (p->bDraw) {
        cairo_tag_begin(p->cr, CAIRO_TAG_DEST, zDest);
        snprintf(zDest, sizeof zDest, "dest='sec-%s'", zId);
        cairo_pdf_surface_add_outline(p->surf, CAIRO_PDF_OUTLINE_ROOT, z, zDest, 0);
    }
    double h = pdf_text(p, MARGIN_X, p->y, BODY_W, z, 16, 1, COL_HEAD, PANGO_ALIGN_LEFT);
    if (p->bDraw) cairo_tag_end(p->cr, CAIRO_TAG_DEST);
    p->y += h + 3;
    pdf_rule(p, MARGIN_X, p->y, PAGE_W - MARGIN_X, COL_HEAD, 1.0);
    p->y += 10;
}

static void pdf_h2(Pdf *p, const json_t *b) {
    pdf_ensure(p, 60); /* keep a heading with what follows */
    p->y += 4;
    p->y += pdf_text(p, MARGIN_X, p->y, BODY_W, json_get_str(b, "text"), 11.5, 1, COL_HEAD,
                     PANGO_ALIGN_LEFT) +
            5;
}

static void pdf_para(Pdf *p, const json_t *b) {
    int bMuted = json_is_true(json_object_get(b, "muted"));
    Pdf m = *p;
    m.bDraw = 0;
    double h =
        pdf_text(&m, MARGIN_X, p->y, BODY_W, json_get_str(b, "text"), 9.5, 0, 0, PANGO_ALIGN_LEFT);
    pdf_ensure(p, h);
    p->y += pdf_text(p, MARGIN_X, p->y, BODY_W, json_get_str(b, "text"), 9.5, 0,
                     bMuted ? COL_MUTED : COL_TEXT, PANGO_ALIGN_LEFT) +
            6;
}

/* Draw chart (a chart.h object) with its top left at (x, y). */
static void pdf_chart_at(Pdf *p, const json_t *chart, double x, double y) {
    if (!p->bDraw) return;
    Draw d;
    draw_cairo_begin(&d, p->cr, x, y, p->zFont);
    chart_draw(&d, chart);
    if (p->marks) json_object_set_new(p->marks, json_get_str(chart, "id"), json_integer(d.nMark));
    draw_cairo_end(&d);
}

static void pdf_chart(Pdf *p, const json_t *b) {
    const json_t *c = json_object_get(b, "chart");
    double h = json_number_value(json_object_get(c, "h"));
    pdf_ensure(p, h);
    pdf_chart_at(p, c, MARGIN_X, p->y);
    p->y += h + 8;
}

/* The text of a table cell: a string, or {text, tone}. */
static const char *cell_text(const json_t *cell) {
    return json_is_object(cell) ? json_string_value(json_object_get(cell, "text"))
                                : json_string_value(cell);
}

/* The colour of a cell's tone (good, warn, bad; NULL: plain text). */
static uint32_t tone_colour(const char *zTone) {
    if (!zTone) return COL_TEXT;
    if (strcmp(zTone, "good") == 0) return 0x2e7d4fu;
    if (strcmp(zTone, "warn") == 0) return 0xb06a00u;
    if (strcmp(zTone, "bad") == 0) return 0xb3261eu;
    return COL_TEXT;
}

/* Height of a table row (cells laid out in their columns). */
static double pdf_row_height(Pdf *p, const json_t *cols, const json_t *row, double size,
                             int bBold) {
    Pdf m = *p;
    m.bDraw = 0;
    double h = 0;
    size_t i;
    json_t *cell;
    json_array_foreach(row, i, cell) {
        double w = json_number_value(json_object_get(json_array_get(cols, i), "w")) * BODY_W;
        const json_t *chart = json_object_get(cell, "chart");
        double ch = chart ? json_number_value(json_object_get(chart, "h"))
                          : pdf_text(&m, 0, 0, w - 2 * CELL_PAD, cell_text(cell), size, bBold, 0,
                                     PANGO_ALIGN_LEFT);
        if (ch > h) h = ch;
    }
    return h + 2 * CELL_PAD;
}

static void pdf_row(Pdf *p, const json_t *cols, const json_t *row, double h, double size,
                    int bBold) {
    double x = MARGIN_X;
    size_t i;
    json_t *cell;
    json_array_foreach(row, i, cell) {
        const json_t *col = json_array_get(cols, i);
        double w = json_number_value(json_object_get(col, "w")) * BODY_W;
        const json_t *c = json_object_get(cell, "chart");
        if (c) {
            double ch = json_number_value(json_object_get(c, "h"));
            pdf_chart_at(p, c, x + CELL_PAD, p->y + (h - ch) / 2);
        } else {
            pdf_text(p, x + CELL_PAD, p->y + CELL_PAD, w - 2 * CELL_PAD, cell_text(cell), size,
                     bBold, tone_colour(json_string_value(json_object_get(cell, "tone"))),
                     json_is_true(json_object_get(col, "right")) ? PANGO_ALIGN_RIGHT
                                                                 : PANGO_ALIGN_LEFT);
        }
        x += w;
    }
    p->y += h;
    pdf_rule(p, MARGIN_X, p->y, PAGE_W - MARGIN_X, COL_RULE, 0.4);
}

static void pdf_table_head(Pdf *p, const json_t *cols, const json_t *head) {
    double h = pdf_row_height(p, cols, head, 8, 1);
    pdf_fill(p, MARGIN_X, p->y, BODY_W, h, COL_HEAD_BG);
    pdf_row(p, cols, head, h, 8, 1);
}

static void pdf_table(Pdf *p, const json_t *b) {
    const json_t *cols = json_object_get(b, "cols"), *head = json_object_get(b, "head");
    double hHead = pdf_row_height(p, cols, head, 8, 1);
    const json_t *rows = json_object_get(b, "rows");
    double hFirst = json_array_size(rows) ? 30 : 0;
    pdf_ensure(p, hHead + hFirst);
    pdf_table_head(p, cols, head);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        int bGroup = json_is_object(row);
        json_t *one = bGroup ? json_pack("[O]", json_object_get(row, "group")) : NULL;
        json_t *full = bGroup ? json_pack("[{sf}]", "w", 1.0) : NULL;
        double h =
            bGroup ? pdf_row_height(p, full, one, 8.5, 1) : pdf_row_height(p, cols, row, 8, 0);
        double hNeed = bGroup ? h + 28 : h; /* a group keeps its first row */
        if (p->y + hNeed > PAGE_H - MARGIN_BOTTOM) {
            pdf_new_page(p);
            pdf_table_head(p, cols, head);
        }
        if (bGroup) {
            pdf_fill(p, MARGIN_X, p->y, BODY_W, h, COL_GROUP_BG);
            pdf_row(p, full, one, h, 8.5, 1);
        } else {
            pdf_row(p, cols, row, h, 8, 0);
        }
        json_decref(one);
        json_decref(full);
    }
    p->y += 10;
}

/* One pass over the document (see the file comment). */
static void pdf_pass(Pdf *p) {
    p->page = 1;
    p->nSection = 0;
    pdf_cover(p);
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(p->doc, "blocks"), i, b) {
        const char *zK = json_get_str(b, "k");
        if (strcmp(zK, "section") == 0)
            pdf_section(p, b);
        else if (strcmp(zK, "h2") == 0)
            pdf_h2(p, b);
        else if (strcmp(zK, "p") == 0)
            pdf_para(p, b);
        else if (strcmp(zK, "table") == 0)
            pdf_table(p, b);
        else if (strcmp(zK, "chart") == 0)
            pdf_chart(p, b);
    }
    pdf_footer(p);
    if (p->bDraw) cairo_show_page(p->cr);
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int n) {
    Buf *b = closure;
    buf_append(b, data, n);
    return buf_err(b) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int report_pdf(const json_t *doc, Buf *out, json_t *marks) {
    Pdf p = {0};
    p.doc = doc;
    p.zFont = json_get_str(doc, "font");
    p.marks = marks;
    p.secPages = json_object();
    p.surf = cairo_pdf_surface_create_for_stream(pdf_write, out, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(p.surf, CAIRO_PDF_METADATA_TITLE, json_get_str(doc, "title"));
    cairo_pdf_surface_set_metadata(p.surf, CAIRO_PDF_METADATA_CREATOR, "keel");
    p.cr = cairo_create(p.surf);
    pdf_pass(&p); /* measure */
    p.nPage = p.page;
    p.bDraw = 1;
    pdf_pass(&p); /* draw */
    cairo_status_t st = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(p.surf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(p.surf);
    cairo_surface_destroy(p.surf);
    json_decref(p.secPages);
    if (buf_err(out)) return buf_err(out);
    return st == CAIRO_STATUS_SUCCESS ? 0 : KEEL_EINTERNAL;
}
