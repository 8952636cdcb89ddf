/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack as one self-contained HTML file: styles inline in one
 * <style> element, charts as inline <svg> drawn through the SVG backend of
 * the drawing interface, no script, no image, and no link but the
 * contents' "#section" anchors, so the file opens offline and a browser's
 * print gives A4 pages (print rules: @page A4, each section with content
 * on a new page, rows and charts kept whole). */
#include "report/board.h"
#include "report/chart.h"
#include "report/html.h"
#include "util/json.h"
#include <stdio.h>
#include <string.h>

static const char zStyle[] =
    "body{font-family:FONT;color:#222;margin:0 auto;max-width:52em;padding:2em 1.5em;"
    "font-size:10.5pt;line-height:1.45}"
    "h1{color:#1d3557;font-size:22pt;margin:0 0 .2em}"
    "h2{color:#1d3557;font-size:15pt;border-bottom:1.5px solid #1d3557;margin:1.6em 0 .6em;"
    "padding-bottom:.15em}"
    "h3{color:#1d3557;font-size:11.5pt;margin:1.2em 0 .4em}"
    ".sub{font-size:12pt;margin:0}.muted{color:#6b6b6b}"
    "nav ol{padding-left:1.4em}nav a{color:#1d3557;text-decoration:none}"
    "table{border-collapse:collapse;width:100%;font-size:8.5pt;margin:.4em 0 1em}"
    "th{background:#eef2f7;text-align:left}th,td{padding:3px 4px;border-bottom:1px solid #d0d0d0;"
    "vertical-align:middle}td.r,th.r{text-align:right}tr.group td{background:#f6f6f6;"
    "font-weight:bold}.tone-good{color:#2e7d4f}.tone-warn{color:#b06a00}.tone-bad{color:#b3261e;"
    "font-weight:bold}svg.chart{display:block;max-width:100%;height:auto}td "
    "svg.chart{display:inline}"
    "@page{size:A4;margin:16mm 14mm}"
    "@media print{body{max-width:none;padding:0;font-size:9.5pt}section.newpage{break-before:page}"
    "tr,svg.chart,h3{break-inside:avoid}h2,h3{break-after:avoid}thead{display:table-header-group}}";

/* Chart c (chart.h) as an inline <svg>, its marks counted into marks. */
static void html_chart(Buf *b, const json_t *c, json_t *marks, const char *zFont) {
    Draw d;
    draw_svg_begin(&d, b, json_get_str(c, "id"), json_number_value(json_object_get(c, "w")),
                   json_number_value(json_object_get(c, "h")), zFont);
    chart_draw(&d, c);
    if (marks) json_object_set_new(marks, json_get_str(c, "id"), json_integer(d.nMark));
    draw_svg_end(&d);
}

static void html_table(Buf *b, const json_t *t, json_t *marks, const char *zFont) {
    const json_t *cols = json_object_get(t, "cols");
    size_t nCol = json_array_size(cols), i, j;
    json_t *x, *cell;
    buf_puts(b, "<table><colgroup>");
    json_array_foreach(cols, i, x) buf_printf(b, "<col style=\"width:%.1f%%\">",
                                              json_number_value(json_object_get(x, "w")) * 100);
    buf_puts(b, "</colgroup><thead><tr>");
    json_array_foreach(json_object_get(t, "head"), i, x) {
        int bRight = json_is_true(json_object_get(json_array_get(cols, i), "right"));
        buf_puts(b, bRight ? "<th class=\"r\">" : "<th>");
        html_escape(b, json_string_value(x));
        buf_puts(b, "</th>");
    }
    buf_puts(b, "</tr></thead><tbody>");
    json_array_foreach(json_object_get(t, "rows"), i, x) {
        if (json_is_object(x)) {
            buf_printf(b, "<tr class=\"group\"><td colspan=\"%zu\">", nCol);
            html_escape(b, json_get_str(x, "group"));
            buf_puts(b, "</td></tr>");
            continue;
        }
        buf_puts(b, "<tr>");
        json_array_foreach(x, j, cell) {
            int bRight = json_is_true(json_object_get(json_array_get(cols, j), "right"));
            const char *zTone = json_string_value(json_object_get(cell, "tone"));
            buf_puts(b, "<td");
            if (bRight || zTone) {
                buf_puts(b, " class=\"");
                if (bRight) buf_puts(b, zTone ? "r " : "r");
                if (zTone) buf_printf(b, "tone-%s", zTone);
                buf_puts(b, "\"");
            }
            buf_puts(b, ">");
            if (json_object_get(cell, "chart"))
                html_chart(b, json_object_get(cell, "chart"), marks, zFont);
            else
                html_escape(b, json_is_object(cell)
                                   ? json_string_value(json_object_get(cell, "text"))
                                   : json_string_value(cell));
            buf_puts(b, "</td>");
        }
        buf_puts(b, "</tr>");
    }
    buf_puts(b, "</tbody></table>");
}

int report_html(const json_t *doc, Buf *b, json_t *marks) {
    const char *zFont = json_get_str(doc, "font");
    char zFamily[160];
    snprintf(zFamily, sizeof zFamily,
             "'%s','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif", zFont);
    html_put(b,
             "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><meta "
             "name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>%s · "
             "%s</title><style>",
             json_get_str(doc, "lang"), json_get_str(doc, "title"), json_get_str(doc, "subtitle"));
    const char *zAt = strstr(zStyle, "FONT");
    buf_append(b, zStyle, (size_t)(zAt - zStyle));
    buf_puts(b, zFamily);
    buf_puts(b, zAt + 4);
    html_put(b,
             "</style></head><body><header><h1>%s</h1><p class=\"sub\">%s</p><p "
             "class=\"muted\">%s</p></header><nav><h3>%s</h3><ol>",
             json_get_str(doc, "title"), json_get_str(doc, "subtitle"),
             json_get_str(doc, "generated"), json_get_str(doc, "contents"));
    size_t i;
    json_t *x;
    const json_t *blocks = json_object_get(doc, "blocks");
    json_array_foreach(blocks, i, x) {
        if (strcmp(json_get_str(x, "k"), "section")) continue;
        html_put(b, "<li><a href=\"#sec-%s\">%s</a></li>", json_get_str(x, "id"),
                 json_get_str(x, "text"));
    }
    buf_puts(b, "</ol></nav>");
    int bOpen = 0, n = 0;
    json_array_foreach(blocks, i, x) {
        const char *zK = json_get_str(x, "k");
        if (strcmp(zK, "section") == 0) {
            if (bOpen) buf_puts(b, "</section>");
            bOpen = 1;
            buf_printf(b, "<section%s id=\"sec-",
                       json_is_true(json_object_get(x, "newpage")) ? " class=\"newpage\"" : "");
            html_escape(b, json_get_str(x, "id"));
            buf_printf(b, "\"><h2>%d. ", ++n);
            html_escape(b, json_get_str(x, "text"));
            buf_puts(b, "</h2>");
        } else if (strcmp(zK, "h2") == 0) {
            buf_puts(b, "<h3>");
            html_escape(b, json_get_str(x, "text"));
            buf_puts(b, "</h3>");
        } else if (strcmp(zK, "p") == 0) {
            buf_puts(b, json_is_true(json_object_get(x, "muted")) ? "<p class=\"muted\">" : "<p>");
            html_escape(b, json_get_str(x, "text"));
            buf_puts(b, "</p>");
        } else if (strcmp(zK, "table") == 0) {
            html_table(b, x, marks, zFamily);
        } else if (strcmp(zK, "chart") == 0) {
            html_chart(b, json_object_get(x, "chart"), marks, zFamily);
        }
    }
    if (bOpen) buf_puts(b, "</section>");
    buf_puts(b, "</body></html>\n");
    return buf_err(b);
}
