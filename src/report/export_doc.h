/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The regulatory exports' documents written out (domain/export.c builds
 * them). A document is JSON:
 *   {title, subtitle?, lang, note?, sections: [{heading, text?: [paragraph],
 *    fields?: [{ref?, label, value (text or null), missing? (what to add)}],
 *    table?: {columns: [text], rows: [[text or null]]}}],
 *    missing: [{section, item}]}
 * Markdown and HTML show every section, a missing value marked in the
 * document's language, and the list of what is still missing at the end;
 * CSV is the table of a one-table document, else one row per field
 * (section, ref, field, value, missing); every CSV text cell goes through
 * buf_csv_field (formula injection neutralised). */
#ifndef KEEL_REPORT_EXPORT_DOC_H
#define KEEL_REPORT_EXPORT_DOC_H
#include "domain/auth.h"
#include "store/db.h"
#include "util/buf.h"
#include <jansson.h>

/* One export (domain/export.h: export_document) written as zFormat (md,
 * html, csv, json; NULL: the kind's default) into b; *pzType gets the
 * media type and zFile (nFile bytes) the file name KIND[-SYSTEM]-LANG.EXT.
 * What the API and `keel export` call. A bad format: KEEL_EINVAL, field
 * format. */
int report_export(Db *db, const Principal *who, const char *zKind, const char *zSystem,
                  const char *zFormat, const char *zLang, Buf *b, const char **pzType, char *zFile,
                  size_t nFile, KeelError *e);

void export_doc_md(const json_t *doc, Buf *b);
/* One self-contained HTML file (inline style, no script). */
void export_doc_html(const json_t *doc, Buf *b);
/* With a UTF-8 byte-order mark, so spreadsheets read the Chinese. */
void export_doc_csv(const json_t *doc, Buf *b);

#endif
