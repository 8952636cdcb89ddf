/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bulk imports of per-period rows, all or nothing: rows come as a JSON
 * array or as CSV with a header naming the columns; each row is checked
 * against a ResourceDef, a key column may not repeat, and when any row is
 * bad every bad row is reported ({row, field, message}, rows numbered from
 * 1 or by their CSV line) and nothing is stored. The same shape as the KPI
 * value import of path 1 (align_kpi_values_import), for any resource. */
#ifndef KEEL_DOMAIN_ROWS_H
#define KEEL_DOMAIN_ROWS_H
#include "domain/resource.h"
#include <jansson.h>
#include <stddef.h>

#define ROWS_MAX 10000 /* rows per import */

/* Parse CSV text (RFC 4180, header required) into row objects keyed by the
 * header names, for the writable fields of r; the header must name every
 * F_REQUIRED field and no other column than r's writable fields. Numeric
 * fields become numbers when they parse (else stay text for rows_check to
 * report); empty cells are left out. *ppLines gets each row's line number
 * (header = line 1). Errors of the file as a whole: KEEL_EINVAL in e; bad
 * lines: KEEL_EINVAL with code invalid_rows and *ppRowErrors. */
int rows_from_csv(const char *z, size_t n, const ResourceDef *r, json_t **ppRows, json_t **ppLines,
                  json_t **ppRowErrors, KeelError *e);

/* Check every row of rows (borrowed) against r as a create, and that no
 * two rows share zKey's value. zWhat names the array in messages
 * ("usage"). Returns 0, or KEEL_EINVAL: when rows are bad *ppRowErrors
 * lists them all (code invalid_rows), else e says what is wrong. */
int rows_check(const ResourceDef *r, const json_t *rows, const json_t *lines, const char *zKey,
               const char *zWhat, json_t **ppRowErrors, KeelError *e);

#endif
