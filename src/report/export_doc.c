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

/* The markup of one output format: what is written around each part of
 * the document (open, close). The document is walked once, by doc_write. */
typedef struct Markup {
    void (*xText)(Buf *, const char *); /* text, escaped for the format */
    const char *azMissing[2];           /* a missing value's marker */
    const char *azTitle[2], *azPara[2], *azNote[2], *azHeading[2];
    const char *zSectionEnd;
    const char *azFieldsHead[2]; /* the fields' table head, en and zh */
    const char *azField[4];      /* before the ref, label, value; after the value */
    const char *zFieldsEnd;
    const char *azTable[2], *azRow[2], *azTh[2], *azTd[2];
    const char *zRule;            /* written per column below a table's head, or NULL */
    const char *azMissingHead[2]; /* the closing "still missing" list: head, en and zh */
    const char *azNothing[2];     /* its one line when nothing is missing, en and zh */
    const char *azItem[2];
    const char *zEnd;
} Markup;

static const Markup s_md = {
    .xText = md_text,
    .azMissing = {"**[", "]**"},
    .azTitle = {"# ", "\n\n"},
    .azPara = {"", "\n\n"},
    .azNote = {"> ", "\n\n"},
    .azHeading = {"## ", "\n\n"},
    .zSectionEnd = "",
    .azFieldsHead = {"| Ref. | Item | Content |\n|---|---|---|\n",
                     "| 编号 | 项目 | 内容 |\n|---|---|---|\n"},
    .azField = {"| ", " | ", " | ", " |\n"},
    .zFieldsEnd = "\n",
    .azTable = {"", "\n"},
    .azRow = {"|", "\n"},
    .azTh = {" ", " |"},
    .azTd = {" ", " |"},
    .zRule = "---|",
    .azMissingHead = {"## Still missing\n\n", "## 尚缺内容\n\n"},
    .azNothing = {"Nothing.\n", "无。\n"},
    .azItem = {"- ", "\n"},
    .zEnd = "",
};

static const Markup s_html = {
    .xText = html_escape,
    .azMissing = {"<mark>[", "]</mark>"},
    .azTitle = {"<h1>", "</h1>\n"},
    .azPara = {"<p>", "</p>\n"},
    .azNote = {"<blockquote>", "</blockquote>\n"},
    .azHeading = {"<section><h2>", "</h2>\n"},
    .zSectionEnd = "</section>\n",
    .azFieldsHead = {"<table><tr><th>Ref.</th><th>Item</th><th>Content</th></tr>\n",
                     "<table><tr><th>编号</th><th>项目</th><th>内容</th></tr>\n"},
    .azField = {"<tr><td>", "</td><th>", "</th><td>", "</td></tr>\n"},
    .zFieldsEnd = "</table>\n",
    .azTable = {"<table>", "</table>\n"},
    .azRow = {"<tr>", "</tr>\n"},
    .azTh = {"<th>", "</th>"},
    .azTd = {"<td>", "</td>"},
    .zRule = NULL,
    .azMissingHead = {"<section><h2>Still missing</h2>\n<ul>\n",
                      "<section><h2>尚缺内容</h2>\n<ul>\n"},
    .azNothing = {"<li>Nothing.</li>\n", "<li>无。</li>\n"},
    .azItem = {"<li>", "</li>\n"},
    .zEnd = "</ul></section>\n</body></html>\n",
};

/* az[0], the text z escaped, az[1]. */
static void put_in(Buf *b, const Markup *m, const char *const az[2], const char *z) {
    buf_puts(b, az[0]);
    m->xText(b, z);
    buf_puts(b, az[1]);
}

/* The marker of a missing value, with what is missing when known. */
static void put_missing(Buf *b, const Markup *m, const json_t *doc, const char *zWhat) {
    buf_puts(b, m->azMissing[0]);
    buf_puts(b, missing_word(doc));
    if (zWhat) {
        buf_puts(b, is_zh(doc) ? "：" : ": ");
        m->xText(b, zWhat);
    }
    buf_puts(b, m->azMissing[1]);
}

/* A value: the text when v is a string, else the missing marker. */
static void put_value(Buf *b, const Markup *m, const json_t *doc, const json_t *v,
                      const char *zMissing) {
    if (json_is_string(v))
        m->xText(b, json_string_value(v));
    else
        put_missing(b, m, doc, zMissing);
}

static void put_table(Buf *b, const Markup *m, const json_t *doc, const json_t *t) {
    size_t i, j;
    json_t *c, *r, *v;
    const json_t *cols = json_object_get(t, "columns");
    buf_puts(b, m->azTable[0]);
    buf_puts(b, m->azRow[0]);
    json_array_foreach(cols, i, c) put_in(b, m, m->azTh, json_string_value(c));
    buf_puts(b, m->azRow[1]);
    if (m->zRule) {
        buf_puts(b, m->azRow[0]);
        json_array_foreach(cols, i, c) buf_puts(b, m->zRule);
        buf_puts(b, m->azRow[1]);
    }
    json_array_foreach(json_object_get(t, "rows"), i, r) {
        buf_puts(b, m->azRow[0]);
        json_array_foreach(r, j, v) {
            buf_puts(b, m->azTd[0]);
            put_value(b, m, doc, v, NULL);
            buf_puts(b, m->azTd[1]);
        }
        buf_puts(b, m->azRow[1]);
    }
    buf_puts(b, m->azTable[1]);
}

/* The document from its title down, in the markup m. */
static void doc_write(const json_t *doc, Buf *b, const Markup *m) {
    int zh = is_zh(doc);
    put_in(b, m, m->azTitle, json_get_str(doc, "title"));
    if (json_get_str(doc, "subtitle")) put_in(b, m, m->azPara, json_get_str(doc, "subtitle"));
    if (json_get_str(doc, "note")) put_in(b, m, m->azNote, json_get_str(doc, "note"));
    size_t i, j;
    json_t *s, *f, *p;
    json_array_foreach(json_object_get(doc, "sections"), i, s) {
        put_in(b, m, m->azHeading, json_get_str(s, "heading"));
        json_array_foreach(json_object_get(s, "text"), j, p)
            put_in(b, m, m->azPara, json_string_value(p));
        const json_t *fields = json_object_get(s, "fields");
        if (json_array_size(fields)) {
            buf_puts(b, m->azFieldsHead[zh]);
            json_array_foreach(fields, j, f) {
                buf_puts(b, m->azField[0]);
                m->xText(b, json_get_str(f, "ref"));
                buf_puts(b, m->azField[1]);
                m->xText(b, json_get_str(f, "label"));
                buf_puts(b, m->azField[2]);
                put_value(b, m, doc, json_object_get(f, "value"), json_get_str(f, "missing"));
                buf_puts(b, m->azField[3]);
            }
            buf_puts(b, m->zFieldsEnd);
        }
        const json_t *t = json_object_get(s, "table");
        if (t) put_table(b, m, doc, t);
        buf_puts(b, m->zSectionEnd);
    }
    buf_puts(b, m->azMissingHead[zh]);
    const json_t *miss = json_object_get(doc, "missing");
    if (json_array_size(miss) == 0) buf_puts(b, m->azNothing[zh]);
    json_array_foreach(miss, i, f) {
        buf_puts(b, m->azItem[0]);
        m->xText(b, json_get_str(f, "section"));
        buf_puts(b, zh ? "：" : ": ");
        m->xText(b, json_get_str(f, "item"));
        buf_puts(b, m->azItem[1]);
    }
    buf_puts(b, m->zEnd);
}

void export_doc_md(const json_t *doc, Buf *b) { doc_write(doc, b, &s_md); }

static const char zStyle[] =
    "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#222;"
    "margin:0 auto;max-width:60em;padding:2em 1.5em;line-height:1.5}"
    "h1{color:#1d3557;font-size:1.6em}h2{color:#1d3557;font-size:1.2em;border-bottom:1px solid "
    "#1d3557;margin-top:1.6em}table{border-collapse:collapse;width:100%;margin:.5em 0 1em}"
    "th{background:#eef2f7;text-align:left}th,td{padding:4px 6px;border:1px solid #d0d0d0;"
    "vertical-align:top}mark{background:#fff1c2;font-weight:bold}"
    "blockquote{margin:0;padding:.5em 1em;background:#f6f6f6;border-left:3px solid #b06a00}";

void export_doc_html(const json_t *doc, Buf *b) {
    buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
               is_zh(doc) ? "zh-CN" : "en");
    html_escape(b, json_get_str(doc, "title"));
    buf_printf(b, "</title><style>%s</style></head><body>\n", zStyle);
    doc_write(doc, b, &s_html);
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
