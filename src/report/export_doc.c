/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The regulatory exports written as Markdown, HTML and CSV; see
 * export_doc.h for the document's shape. */
#include "report/export_doc.h"
#include "report/html.h"
#include "domain/export.h"
#include <stdio.h>
#include "util/json.h"
#include <stdlib.h>
#include <string.h>

static int is_zh(const json_t *doc) {
    const char *z = json_get_str(doc, "lang");
    return z && strcmp(z, "zh-CN") == 0;
}

/* The marker of a missing value, in the document's language. */
static const char *missing_word(const json_t *doc) { return is_zh(doc) ? "待补充" : "MISSING"; }

/* Markdown: text with the characters that would break a table cell or
 * start markup escaped, newlines as <br>. */
static void md_text(Buf *b, const char *z) {
    for (const char *p = z ? z : ""; *p; p++) {
        if (*p == '\n') {
            buf_puts(b, "<br>");
        } else if (*p == '\r') {
            continue;
        } else {
            if (strchr("|\\*`[]<", *p)) buf_putc(b, '\\');
            buf_putc(b, *p);
        }
    }
}

static void md_missing(Buf *b, const json_t *doc, const char *zWhat) {
    buf_printf(b, "**[%s", missing_word(doc));
    if (zWhat) {
        buf_puts(b, is_zh(doc) ? "：" : ": ");
        md_text(b, zWhat);
    }
    buf_puts(b, "]**");
}

static void md_table(Buf *b, const json_t *doc, const json_t *cols, const json_t *rows) {
    size_t i, j;
    json_t *c, *r, *v;
    buf_puts(b, "|");
    json_array_foreach(cols, i, c) {
        buf_putc(b, ' ');
        md_text(b, json_string_value(c));
        buf_puts(b, " |");
    }
    buf_puts(b, "\n|");
    json_array_foreach(cols, i, c) buf_puts(b, "---|");
    buf_putc(b, '\n');
    json_array_foreach(rows, i, r) {
        buf_puts(b, "|");
        json_array_foreach(r, j, v) {
            buf_putc(b, ' ');
            if (json_is_string(v))
                md_text(b, json_string_value(v));
            else
                md_missing(b, doc, NULL);
            buf_puts(b, " |");
        }
        buf_putc(b, '\n');
    }
    buf_putc(b, '\n');
}

void export_doc_md(const json_t *doc, Buf *b) {
    int zh = is_zh(doc);
    buf_puts(b, "# ");
    md_text(b, json_get_str(doc, "title"));
    buf_puts(b, "\n\n");
    if (json_get_str(doc, "subtitle")) {
        md_text(b, json_get_str(doc, "subtitle"));
        buf_puts(b, "\n\n");
    }
    if (json_get_str(doc, "note")) {
        buf_puts(b, "> ");
        md_text(b, json_get_str(doc, "note"));
        buf_puts(b, "\n\n");
    }
    size_t i, j;
    json_t *s, *f, *p;
    json_array_foreach(json_object_get(doc, "sections"), i, s) {
        buf_puts(b, "## ");
        md_text(b, json_get_str(s, "heading"));
        buf_puts(b, "\n\n");
        json_array_foreach(json_object_get(s, "text"), j, p) {
            md_text(b, json_string_value(p));
            buf_puts(b, "\n\n");
        }
        const json_t *fields = json_object_get(s, "fields");
        if (json_array_size(fields)) {
            buf_puts(b, zh ? "| 编号 | 项目 | 内容 |\n|---|---|---|\n"
                           : "| Ref. | Item | Content |\n|---|---|---|\n");
            json_array_foreach(fields, j, f) {
                buf_puts(b, "| ");
                md_text(b, json_get_str(f, "ref"));
                buf_puts(b, " | ");
                md_text(b, json_get_str(f, "label"));
                buf_puts(b, " | ");
                if (json_get_str(f, "value"))
                    md_text(b, json_get_str(f, "value"));
                else
                    md_missing(b, doc, json_get_str(f, "missing"));
                buf_puts(b, " |\n");
            }
            buf_putc(b, '\n');
        }
        const json_t *t = json_object_get(s, "table");
        if (t) md_table(b, doc, json_object_get(t, "columns"), json_object_get(t, "rows"));
    }
    buf_puts(b, zh ? "## 尚缺内容\n\n" : "## Still missing\n\n");
    const json_t *miss = json_object_get(doc, "missing");
    if (json_array_size(miss) == 0) buf_puts(b, zh ? "无。\n" : "Nothing.\n");
    json_array_foreach(miss, i, f) {
        buf_puts(b, "- ");
        md_text(b, json_get_str(f, "section"));
        buf_puts(b, zh ? "：" : ": ");
        md_text(b, json_get_str(f, "item"));
        buf_putc(b, '\n');
    }
}

static const char zStyle[] =
    "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#222;"
    "margin:0 auto;max-width:60em;padding:2em 1.5em;line-height:1.5}"
    "h1{color:#1d3557;font-size:1.6em}h2{color:#1d3557;font-size:1.2em;border-bottom:1px solid "
    "#1d3557;margin-top:1.6em}table{border-collapse:collapse;width:100%;margin:.5em 0 1em}"
    "th{background:#eef2f7;text-align:left}th,td{padding:4px 6px;border:1px solid #d0d0d0;"
    "vertical-align:top}mark{background:#fff1c2;font-weight:bold}"
    "blockquote{margin:0;padding:.5em 1em;background:#f6f6f6;border-left:3px solid #b06a00}";

static void html_missing(Buf *b, const json_t *doc, const char *zWhat) {
    buf_printf(b, "<mark>[%s", missing_word(doc));
    if (zWhat) {
        buf_puts(b, is_zh(doc) ? "：" : ": ");
        html_escape(b, zWhat);
    }
    buf_puts(b, "]</mark>");
}

static void html_cell(Buf *b, const json_t *doc, const json_t *v, const char *zMissing) {
    buf_puts(b, "<td>");
    if (json_is_string(v))
        html_escape(b, json_string_value(v));
    else
        html_missing(b, doc, zMissing);
    buf_puts(b, "</td>");
}

void export_doc_html(const json_t *doc, Buf *b) {
    int zh = is_zh(doc);
    buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
               zh ? "zh-CN" : "en");
    html_escape(b, json_get_str(doc, "title"));
    buf_printf(b, "</title><style>%s</style></head><body>\n<h1>", zStyle);
    html_escape(b, json_get_str(doc, "title"));
    buf_puts(b, "</h1>\n");
    if (json_get_str(doc, "subtitle")) {
        buf_puts(b, "<p>");
        html_escape(b, json_get_str(doc, "subtitle"));
        buf_puts(b, "</p>\n");
    }
    if (json_get_str(doc, "note")) {
        buf_puts(b, "<blockquote>");
        html_escape(b, json_get_str(doc, "note"));
        buf_puts(b, "</blockquote>\n");
    }
    size_t i, j, k;
    json_t *s, *f, *p, *c, *r, *v;
    json_array_foreach(json_object_get(doc, "sections"), i, s) {
        buf_puts(b, "<section><h2>");
        html_escape(b, json_get_str(s, "heading"));
        buf_puts(b, "</h2>\n");
        json_array_foreach(json_object_get(s, "text"), j, p) {
            buf_puts(b, "<p>");
            html_escape(b, json_string_value(p));
            buf_puts(b, "</p>\n");
        }
        const json_t *fields = json_object_get(s, "fields");
        if (json_array_size(fields)) {
            buf_puts(b, zh ? "<table><tr><th>编号</th><th>项目</th><th>内容</th></tr>\n"
                           : "<table><tr><th>Ref.</th><th>Item</th><th>Content</th></tr>\n");
            json_array_foreach(fields, j, f) {
                buf_puts(b, "<tr><td>");
                html_escape(b, json_get_str(f, "ref"));
                buf_puts(b, "</td><th>");
                html_escape(b, json_get_str(f, "label"));
                buf_puts(b, "</th>");
                html_cell(b, doc, json_object_get(f, "value"), json_get_str(f, "missing"));
                buf_puts(b, "</tr>\n");
            }
            buf_puts(b, "</table>\n");
        }
        const json_t *t = json_object_get(s, "table");
        if (t) {
            buf_puts(b, "<table><tr>");
            json_array_foreach(json_object_get(t, "columns"), j, c) {
                buf_puts(b, "<th>");
                html_escape(b, json_string_value(c));
                buf_puts(b, "</th>");
            }
            buf_puts(b, "</tr>\n");
            json_array_foreach(json_object_get(t, "rows"), j, r) {
                buf_puts(b, "<tr>");
                json_array_foreach(r, k, v) html_cell(b, doc, v, NULL);
                buf_puts(b, "</tr>\n");
            }
            buf_puts(b, "</table>\n");
        }
        buf_puts(b, "</section>\n");
    }
    buf_puts(b,
             zh ? "<section><h2>尚缺内容</h2>\n<ul>\n" : "<section><h2>Still missing</h2>\n<ul>\n");
    const json_t *miss = json_object_get(doc, "missing");
    if (json_array_size(miss) == 0) buf_puts(b, zh ? "<li>无。</li>\n" : "<li>Nothing.</li>\n");
    json_array_foreach(miss, i, f) {
        buf_puts(b, "<li>");
        html_escape(b, json_get_str(f, "section"));
        buf_puts(b, zh ? "：" : ": ");
        html_escape(b, json_get_str(f, "item"));
        buf_puts(b, "</li>\n");
    }
    buf_puts(b, "</ul></section>\n</body></html>\n");
}

static void csv_row(Buf *b, const char *const *az, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (i) buf_putc(b, ',');
        buf_csv_field(b, az[i]);
    }
    buf_puts(b, "\r\n");
}

void export_doc_csv(const json_t *doc, Buf *b) {
    int zh = is_zh(doc);
    buf_puts(b, "\xEF\xBB\xBF");
    const json_t *secs = json_object_get(doc, "sections");
    const json_t *t = json_object_get(json_array_get(secs, 0), "table");
    size_t i, j, k;
    json_t *s, *f, *r, *v;
    if (json_array_size(secs) == 1 && t &&
        !json_array_size(json_object_get(json_array_get(secs, 0), "fields"))) {
        const json_t *cols = json_object_get(t, "columns");
        size_t n = json_array_size(cols);
        const char **az = n ? calloc(n, sizeof *az) : NULL;
        if (n && !az) return;
        json_array_foreach(cols, j, v) az[j] = json_string_value(v);
        csv_row(b, az, n);
        json_array_foreach(json_object_get(t, "rows"), j, r) {
            json_array_foreach(r, k, v) if (k < n) az[k] =
                json_is_string(v) ? json_string_value(v) : "";
            csv_row(b, az, n);
        }
        free(az);
        return;
    }
    static const char *const azHeadEn[] = {"section", "ref", "item", "content", "missing"};
    static const char *const azHeadZh[] = {"部分", "编号", "项目", "内容", "待补充"};
    csv_row(b, zh ? azHeadZh : azHeadEn, 5);
    json_array_foreach(secs, i, s) {
        json_array_foreach(json_object_get(s, "fields"), j, f) {
            const char *az[5] = {json_get_str(s, "heading"), json_get_str(f, "ref"),
                                 json_get_str(f, "label"), json_get_str(f, "value"),
                                 json_get_str(f, "missing")};
            if (!az[3] && !az[4]) az[4] = missing_word(doc);
            for (int m = 0; m < 5; m++)
                if (!az[m]) az[m] = "";
            csv_row(b, az, 5);
        }
        const json_t *tt = json_object_get(s, "table");
        const json_t *cols = json_object_get(tt, "columns");
        json_array_foreach(json_object_get(tt, "rows"), j, r) {
            /* a table inside a document: one row per cell, item = column */
            const char *zFirst = json_string_value(json_array_get(r, 0));
            json_array_foreach(r, k, v) {
                if (k == 0) continue;
                const char *az[5] = {json_get_str(s, "heading"), zFirst ? zFirst : "",
                                     json_string_value(json_array_get(cols, k)),
                                     json_is_string(v) ? json_string_value(v) : "",
                                     json_is_string(v) ? "" : missing_word(doc)};
                if (!az[2]) az[2] = "";
                csv_row(b, az, 5);
            }
        }
    }
}

int report_export(Db *db, const Principal *who, const char *zKind, const char *zSystem,
                  const char *zFormat, const char *zLang, Buf *b, const char **pzType, char *zFile,
                  size_t nFile, KeelError *e) {
    if (zFormat && strcmp(zFormat, "md") && strcmp(zFormat, "html") && strcmp(zFormat, "csv") &&
        strcmp(zFormat, "json"))
        return err_set(e, KEEL_EINVAL, "format", "format is md, html, csv or json, not '%.20s'",
                       zFormat);
    json_t *doc = NULL;
    int rc = export_document(db, who, zKind, zSystem, zLang, &doc, e);
    if (rc) return rc;
    if (!zFormat) zFormat = export_default_format(zKind);
    if (!strcmp(zFormat, "md")) {
        export_doc_md(doc, b);
        *pzType = "text/markdown; charset=utf-8";
    } else if (!strcmp(zFormat, "html")) {
        export_doc_html(doc, b);
        *pzType = "text/html; charset=utf-8";
    } else if (!strcmp(zFormat, "csv")) {
        export_doc_csv(doc, b);
        *pzType = "text/csv; charset=utf-8";
    } else {
        char *z = json_dumps(doc, JSON_INDENT(1));
        if (z)
            buf_puts(b, z);
        else
            buf_puts(b, "");
        free(z);
        *pzType = "application/json";
        rc = z ? 0 : KEEL_ENOMEM;
    }
    const char *zSys = json_get_str(doc, "system");
    snprintf(zFile, nFile, "%s%s%s-%s.%s", zKind, zSys ? "-" : "", zSys ? zSys : "",
             json_get_str(doc, "lang"), zFormat);
    json_decref(doc);
    return rc ? rc : buf_err(b);
}
