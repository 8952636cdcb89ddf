/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack, rendered: the one place that both `keel report board`
 * and GET /api/v1/reports/board call. It gathers the content through
 * domain/board.c, turns it into a document (a list of blocks: sections,
 * paragraphs, tables, charts) in the requested language, and writes that
 * document as PDF (pdf.c: cairo + pango, A4, contents page, page numbers)
 * or as one self-contained HTML file (html_doc.c: inline styles and SVG).
 * Charts are drawn by chart.c through the drawing interface, the same
 * code for both formats. */
#ifndef KEEL_REPORT_BOARD_H
#define KEEL_REPORT_BOARD_H
#include "store/db.h"
#include "util/buf.h"
#include "util/err.h"
#include <jansson.h>

typedef enum ReportFormat { REPORT_PDF = 1, REPORT_HTML = 2 } ReportFormat;

/* The format named zName ("pdf" or "html"), or 0. */
ReportFormat report_format_named(const char *zName);

/* Render the pack of zPeriod in zLang ("en" or "zh-CN") as fmt into out.
 * When ppMarks is not NULL it receives {chart id: marks drawn} (a new
 * reference), the test hook that counts what the charts drew. Returns 0,
 * or KEEL_EINVAL naming "period", "lang" or "format" with a message. */
int report_board(Db *db, const char *zPeriod, const char *zLang, ReportFormat fmt, Buf *out,
                 json_t **ppMarks, KeelError *e);

/* The document of a gathered pack (see board_collect) in zLang: {title,
 * subtitle, lang, font, blocks}. New reference. Exposed for tests. */
json_t *report_board_document(const json_t *pack, const char *zLang);

/* Write a document as PDF or HTML into out; marks (may be NULL) receives
 * {chart id: marks drawn}. Return 0 or KEEL_ENOMEM / KEEL_EINTERNAL. */
int report_pdf(const json_t *doc, Buf *out, json_t *marks);
int report_html(const json_t *doc, Buf *out, json_t *marks);

#endif
