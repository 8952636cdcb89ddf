/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reports of an explanation (an ExplainResult): per-row contributions
 * as CSV, the global summary as JSON (jansson) and as a readable table.
 * These are what a reviewer reads as explainability evidence; the formats
 * are documented in docs/explain.md. Pure: output goes to a Buf or a new
 * JSON value. */
#ifndef KEEL_ENGINE_EXPLAIN_REPORT_H
#define KEEL_ENGINE_EXPLAIN_REPORT_H
#include "engine/explain.h"
#include "util/buf.h"
#include <jansson.h>

/* Append the per-row CSV to b: a header, then one line per row with the
 * contributions and the bias of each output, then the prediction of each
 * output. Columns for one output: <feature>..., bias, prediction; for
 * several: class<g>:<feature>..., class<g>:bias for every g, then
 * class<g>:prediction for every g. Numbers use %.10g. Rows are formatted
 * in parallel by nThread threads (0 = one per core). Returns 0 or the
 * buffer's error (KEEL_ENOMEM, KEEL_ETOOBIG). */
int explain_report_csv(const ExplainResult *r, int nThread, Buf *b);

/* The same CSV handed to xWrite(pArg, z, n) piece by piece, in order,
 * with memory bounded by a few blocks of rows: for large outputs. A
 * non-zero return from xWrite stops the report and is returned. */
typedef int (*ExplainWriteFn)(void *pArg, const char *z, size_t n);
int explain_report_csv_stream(const ExplainResult *r, int nThread, ExplainWriteFn xWrite,
                              void *pArg);

/* The report as a new JSON object (caller owns the reference): model,
 * rows, and per output the base value, mean prediction and the ranked
 * feature summary; with bRows also "columns", "contributions" (per row,
 * per output: the feature contributions then the bias) and
 * "predictions". NULL when out of memory. */
json_t *explain_report_json(const ExplainResult *r, int bRows);

/* Append the summary as an aligned text table, at most nTop features per
 * output (0 = all). Returns 0 or the buffer's error. */
int explain_report_table(const ExplainResult *r, int nTop, Buf *b);

#endif
