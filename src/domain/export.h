/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Regulatory exports (issue 25, item 5): documents a compliance officer
 * edits and files, built from what keel holds, each listing what is still
 * missing: the AI system register, the EU database registration data
 * (AI Act Annex VIII), the ISO/IEC 42001 Statement of Applicability, the
 * algorithm filing self-assessment (算法自评估报告) and the text to publish
 * (拟公示内容), and the PIPL personal-information protection impact
 * assessment record (个人信息保护影响评估记录), in English or Chinese, as
 * Markdown, HTML, CSV or JSON. docs/compliance.md#exports is the guide. */
#ifndef KEEL_DOMAIN_EXPORT_H
#define KEEL_DOMAIN_EXPORT_H
#include "domain/auth.h"
#include "store/db.h"
#include "util/buf.h"
#include <jansson.h>

/* The kinds: [{kind, title: {en, zh-CN}, per_system, formats, default_format,
 * default_lang, systems: [names it applies to] (per-system kinds)}]. */
int export_kinds(Db *db, json_t **ppOut, KeelError *e);

/* The document of one export (report/export_doc.h has its shape and
 * writes it out): kind, zSystem (per-system kinds; else NULL), zLang (en,
 * zh-CN; NULL: the kind's default) into *ppDoc. Admins, the committee and
 * risk officers export anything; owners the per-system documents of their
 * own systems, the register and the SoA. Unknown kind: KEEL_ENOTFOUND
 * (field kind); missing system, bad lang: KEEL_EINVAL with the field; an
 * unknown system KEEL_ENOTFOUND, one the kind does not apply to KEEL_ERULE
 * (not_applicable), both on field system. */
int export_document(Db *db, const Principal *who, const char *zKind, const char *zSystem,
                    const char *zLang, json_t **ppDoc, KeelError *e);
/* The kind's default format (md, csv), NULL for an unknown kind. */
const char *export_default_format(const char *zKind);

#endif
