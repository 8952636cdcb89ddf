/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JSON parsing and small accessors over jansson; see json.h. */
#include "util/json.h"
#include "util/buf.h"
#include "util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int json_parse_object(const char *z, size_t n, json_t **pOut, char *zErr, size_t nErr) {
    json_error_t e;
    *pOut = NULL;
    json_t *j = json_loadb(z, n, JSON_REJECT_DUPLICATES, &e);
    if (!j) {
        snprintf(zErr, nErr, "malformed JSON at line %d, column %d: %s", e.line, e.column, e.text);
        return KEEL_EINVAL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(zErr, nErr, "the body must be a JSON object");
        return KEEL_EINVAL;
    }
    *pOut = j;
    return 0;
}

static int dump_to_buf(const char *z, size_t n, void *data) {
    Buf *b = data;
    buf_append(b, z, n);
    return buf_err(b) ? -1 : 0;
}

char *json_dump_compact(const json_t *j) {
    /* through our own buffer: jansson 2.14's json_dumps ignores a failed
     * append while writing an object key and returns broken JSON when an
     * allocation fails (found by tests/unit/test_fault.c); a Buf's error
     * is sticky, so any failed append here gives NULL */
    Buf b;
    buf_init(&b, 0);
    if (json_dump_callback(j, dump_to_buf, &b,
                           JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)) ||
        buf_err(&b)) {
        buf_reset(&b);
        return NULL;
    }
    return buf_steal(&b, NULL);
}

const char *json_get_str(const json_t *obj, const char *zKey) {
    return json_string_value(json_object_get(obj, zKey));
}

int json_get_int(const json_t *obj, const char *zKey, long long *pv) {
    json_t *v = json_object_get(obj, zKey);
    if (!json_is_integer(v)) return KEEL_EINVAL;
    *pv = json_integer_value(v);
    return 0;
}

int64_t json_get_id(const json_t *o, const char *zKey) {
    json_t *v = json_object_get(o, zKey);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

const json_t *json_find_str(const json_t *a, const char *zKey, const char *zValue) {
    size_t i;
    json_t *x;
    if (!zValue) return NULL;
    json_array_foreach(a, i, x) {
        const char *z = json_string_value(json_object_get(x, zKey));
        if (z && strcmp(z, zValue) == 0) return x;
    }
    return NULL;
}

json_t *json_set_parse(const char *z) {
    json_t *a = json_array();
    while (z && *z) {
        if (*z == ',') {
            z++;
            continue;
        }
        const char *e = strchr(z, ',');
        size_t n = e ? (size_t)(e - z) : strlen(z);
        json_array_append_new(a, json_stringn(z, n));
        z += n;
    }
    return a;
}

int utf8_valid(const char *z, size_t n) {
    const unsigned char *p = (const unsigned char *)z, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        int len;
        unsigned min;
        if ((c & 0xE0) == 0xC0)
            len = 2, min = 0x80, c &= 0x1F;
        else if ((c & 0xF0) == 0xE0)
            len = 3, min = 0x800, c &= 0x0F;
        else if ((c & 0xF8) == 0xF0)
            len = 4, min = 0x10000, c &= 0x07;
        else
            return 0;
        if (e - p < len) return 0;
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80) return 0;
            c = (c << 6) | (p[i] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
        p += len;
    }
    return 1;
}

void utf8_repair(char *z) {
    unsigned char *p = (unsigned char *)z;
    while (*p) {
        int len = *p < 0x80             ? 1
                  : (*p & 0xE0) == 0xC0 ? 2
                  : (*p & 0xF0) == 0xE0 ? 3
                  : (*p & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (len && strnlen((const char *)p, 4) >= (size_t)len &&
            utf8_valid((const char *)p, (size_t)len))
            p += len;
        else
            *p++ = '?';
    }
}

int json_err_params(struct KeelError *e, json_t *params) {
    char *z = params ? json_dumps(params, JSON_COMPACT) : NULL;
    err_set_params(e, z);
    free(z);
    json_decref(params);
    return e ? e->rc : 0;
}

void json_err_put_params(json_t *envelope, const struct KeelError *e) {
    json_t *params = e && e->zParams[0] ? json_loads(e->zParams, 0, NULL) : NULL;
    if (json_is_object(params))
        json_object_set_new(envelope, "params", params);
    else
        json_decref(params);
}
