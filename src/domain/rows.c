/* SPDX-License-Identifier: GPL-3.0-or-later */
/* All-or-nothing row imports; see rows.h. CSV goes through the engine's
 * RFC 4180 reader (engine/csv.c) with every column read as text, so a cell
 * is converted by the field it fills, not by a guess over the column. */
#include "domain/rows.h"
#include "engine/csv.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void row_error(json_t *errs, size_t iRow, const char *zField, const char *zMsg) {
    json_array_append_new(
        errs, json_pack("{sI ss ss}", "row", (json_int_t)iRow, "field", zField, "message", zMsg));
}

/* The line on which each record of the CSV text starts (header first),
 * honouring quoted fields that span lines. */
static json_t *record_lines(const char *z, size_t n) {
    json_t *a = json_array();
    size_t line = 1;
    int bQuote = 0, bStart = 1;
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        if (bStart && c != '\n' && c != '\r') {
            json_array_append_new(a, json_integer((json_int_t)line));
            bStart = 0;
        }
        if (c == '"') bQuote = !bQuote;
        if (c == '\n') {
            line++;
            if (!bQuote) bStart = 1;
        }
    }
    return a;
}

int rows_from_csv(const char *z, size_t n, const ResourceDef *r, json_t **ppRows, json_t **ppLines,
                  json_t **ppRowErrors, KeelError *e) {
    *ppRows = *ppLines = *ppRowErrors = NULL;
    CsvTable *t = NULL;
    EngineError ce = {0};
    CsvTypeOverride aOver[32];
    CsvOptions opt = {0};
    opt.nThread = 1;
    int rc = csv_parse(z, n, &opt, &t, &ce);
    if (rc == 0) {
        /* read again with every column as text */
        size_t k = 0;
        for (; k < t->nCol && k < 32; k++)
            aOver[k].zName = t->aCol[k].zName, aOver[k].type = CSV_CATEGORICAL;
        opt.aOverride = aOver;
        opt.nOverride = k;
        CsvTable *t2 = NULL;
        rc = csv_parse(z, n, &opt, &t2, &ce);
        csv_free(t);
        t = t2;
    }
    if (rc == KEEL_EINVAL) {
        if (ce.iLine <= 1) return err_set(e, rc, "body", "CSV header: %s", ce.zMsg);
        json_t *errs = json_array();
        row_error(errs, ce.iLine, "", ce.zMsg);
        *ppRowErrors = errs;
        return err_set_code(e, rc, "invalid_rows", "body",
                            "line %zu is not valid CSV; nothing was imported", ce.iLine);
    }
    if (rc) return rc;
    const FieldDef *aField[32];
    for (size_t c = 0; c < t->nCol; c++) {
        const FieldDef *f = c < 32 ? resource_field(r, t->aCol[c].zName) : NULL;
        if (!f || (f->flags & F_READONLY)) {
            rc = err_set(e, KEEL_EINVAL, "body", "the CSV has an unknown column '%.40s'",
                         t->aCol[c].zName);
            goto done;
        }
        aField[c] = f;
    }
    for (int i = 0; i < r->nField; i++) {
        const FieldDef *f = &r->aField[i];
        if ((f->flags & F_REQUIRED) && csv_column_index(t, f->zName) < 0) {
            rc = err_set(e, KEEL_EINVAL, "body", "the CSV needs a header row naming the column %s",
                         f->zName);
            goto done;
        }
    }
    if (t->nRow > ROWS_MAX) {
        rc = err_set(e, KEEL_EINVAL, "body", "at most %d rows per import", ROWS_MAX);
        goto done;
    }
    json_t *rows = json_array(), *all = record_lines(z, n), *lines = json_array();
    for (size_t i = 0; i < t->nRow; i++) {
        json_t *o = json_object();
        for (size_t c = 0; c < t->nCol; c++) {
            const CsvColumn *col = &t->aCol[c];
            if (col->aCode[i] == CSV_MISSING_CODE) continue;
            const char *zCell = col->azLevel[col->aCode[i]];
            json_t *v = NULL;
            if (aField[c]->type == FT_REAL || aField[c]->type == FT_INT) {
                char *end;
                double d = strtod(zCell, &end);
                if (*zCell && !*end && isfinite(d))
                    v = aField[c]->type == FT_INT && d == floor(d) && fabs(d) < 9e15
                            ? json_integer((json_int_t)d)
                            : json_real(d);
            }
            json_object_set_new(o, col->zName, v ? v : json_string(zCell));
        }
        json_array_append_new(rows, o);
        json_t *ln = json_array_get(all, i + 1);
        json_array_append_new(lines, json_integer(ln ? json_integer_value(ln) : (json_int_t)i + 2));
    }
    json_decref(all);
    *ppRows = rows;
    *ppLines = lines;
done:
    csv_free(t);
    return rc;
}

int rows_check(const ResourceDef *r, const json_t *rows, const json_t *lines, const char *zKey,
               const char *zWhat, json_t **ppRowErrors, KeelError *e) {
    *ppRowErrors = NULL;
    if (!json_is_array(rows) || json_array_size(rows) == 0)
        return err_set(e, KEEL_EINVAL, zWhat, "%s must be a non-empty array of rows", zWhat);
    if (json_array_size(rows) > ROWS_MAX)
        return err_set(e, KEEL_EINVAL, zWhat, "at most %d rows per import", ROWS_MAX);
    json_t *errs = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        size_t iRow = lines ? (size_t)json_integer_value(json_array_get(lines, i)) : i + 1;
        if (!json_is_object(row)) {
            row_error(errs, iRow, "", "each row must be an object");
            continue;
        }
        KeelError re = {0};
        json_t *c = json_deep_copy(row);
        int bad = resource_validate(r, c, 1, &re);
        json_decref(c);
        if (bad) {
            row_error(errs, iRow, re.zField, re.zMsg);
            continue;
        }
        const char *zVal = json_string_value(json_object_get(row, zKey));
        for (size_t j = 0; zVal && j < i; j++) {
            const char *zPrev = json_string_value(json_object_get(json_array_get(rows, j), zKey));
            if (zPrev && strcmp(zPrev, zVal) == 0) {
                char zMsg[160];
                snprintf(zMsg, sizeof zMsg, "%s %.80s appears twice", zKey, zVal);
                row_error(errs, iRow, zKey, zMsg);
                break;
            }
        }
    }
    if (json_array_size(errs) == 0) {
        json_decref(errs);
        return 0;
    }
    *ppRowErrors = errs;
    return err_set_code(e, KEEL_EINVAL, "invalid_rows", zWhat,
                        "%zu of %zu rows are invalid; nothing was imported", json_array_size(errs),
                        json_array_size(rows));
}
