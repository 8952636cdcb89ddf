/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack's words in its two languages, English ("en") and
 * Simplified Chinese ("zh-CN"). Keys are stable identifiers; stage, status
 * and quadrant names use the same keys as the web UI's catalogues
 * (stage.pilot, kpistatus.at_risk, quadrant.quick_win). */
#ifndef KEEL_REPORT_WORDS_H
#define KEEL_REPORT_WORDS_H

/* 1 when zLang is a language of the board pack. */
int words_lang_known(const char *zLang);
/* The word for zKey in zLang (English when the language has none; the key
 * itself when no language has it). Static storage. */
const char *words_get(const char *zLang, const char *zKey);
/* words_get of "<zPrefix>.<zName>" (zName NULL: "-"). */
const char *words_of(const char *zLang, const char *zPrefix, const char *zName);

#endif
