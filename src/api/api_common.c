/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared API helpers: paging, list rendering as JSON or CSV, and the
 * generic handlers over store_crud for ResourceDef resources. */
#include "api/api.h"
#include "store/store_crud.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal integer in [lo, hi] from z; 0 or KEEL_EINVAL. */
static int parse_int(const char *z, int64_t lo, int64_t hi, int64_t *pv) {
    char *end;
    if (!z || !*z || strlen(z) > 18) return KEEL_EINVAL;
    long long v = strtoll(z, &end, 10);
    if (*end || v < lo || v > hi) return KEEL_EINVAL;
    *pv = v;
    return 0;
}

int api_page(Req *req, int64_t *pLimit, int64_t *pOffset) {
    const char *zLimit = req_query(req, "limit"), *zOffset = req_query(req, "offset");
    *pLimit = API_LIST_DEFAULT;
    *pOffset = 0;
    if (zLimit && parse_int(zLimit, 1, API_LIST_MAX, pLimit))
        return err_set(&req->err, KEEL_EINVAL, "limit", "limit must be an integer from 1 to %d",
                       API_LIST_MAX);
    if (zOffset && parse_int(zOffset, 0, 1000000000000LL, pOffset))
        return err_set(&req->err, KEEL_EINVAL, "offset", "offset must be a non-negative integer");
    return 0;
}

/* One JSON value as a CSV cell. */
static void csv_cell(Buf *b, json_t *v) {
    char z[64];
    if (json_is_string(v))
        buf_csv_field(b, json_string_value(v));
    else if (json_is_integer(v))
        buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) {
        snprintf(z, sizeof z, "%.17g", json_real_value(v));
        buf_puts(b, z);
    } else if (json_is_true(v))
        buf_puts(b, "true");
    else if (json_is_false(v))
        buf_puts(b, "false");
    else if (json_is_array(v)) {
        Buf t;
        buf_init(&t, 0);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (i) buf_putc(&t, ';');
            if (json_is_string(x)) buf_puts(&t, json_string_value(x));
        }
        if (t.z) buf_csv_field(b, t.z);
        buf_reset(&t);
    }
}

void api_list_respond(Req *req, Resp *resp, const ResourceDef *r, json_t *items, int64_t total,
                      int64_t limit, int64_t offset) {
    if (req->bWantCsv && r) {
        Buf b;
        buf_init(&b, 0);
        int n = 0;
        for (int i = 0; i < r->nField; i++) {
            if (r->aField[i].flags & F_SECRET) continue;
            buf_printf(&b, "%s%s", n++ ? "," : "", r->aField[i].zName);
        }
        buf_puts(&b, "\r\n");
        size_t k;
        json_t *row;
        json_array_foreach(items, k, row) {
            n = 0;
            for (int i = 0; i < r->nField; i++) {
                if (r->aField[i].flags & F_SECRET) continue;
                if (n++) buf_putc(&b, ',');
                csv_cell(&b, json_object_get(row, r->aField[i].zName));
            }
            buf_puts(&b, "\r\n");
        }
        json_decref(items);
        resp_buf(resp, 200, "text/csv; charset=utf-8", &b);
        return;
    }
    resp_json(resp, 200,
              json_pack("{so sI sI sI}", "items", items, "total", (json_int_t)total, "limit",
                        (json_int_t)limit, "offset", (json_int_t)offset));
}

/* Collect ?field=value filters and ?sort= into q; unknown parameters are
 * refused so that a typo is not silently ignored. */
typedef struct FilterCtx {
    Req *req;
    const ResourceDef *r;
    ListQuery *q;
    int rc;
} FilterCtx;

static int filter_arg(void *cls, const char *zKey, const char *zValue) {
    FilterCtx *c = cls;
    if (c->rc) return 0;
    if (strcmp(zKey, "limit") == 0 || strcmp(zKey, "offset") == 0) return 1;
    if (strcmp(zKey, "sort") == 0) {
        c->q->zSort = zValue;
        return 1;
    }
    const FieldDef *f = resource_field(c->r, zKey);
    if (!f || !(f->flags & F_FILTER)) {
        c->rc = err_set(&c->req->err, KEEL_EINVAL, zKey,
                        "unknown query parameter '%.40s' for %s lists", zKey, c->r->zName);
        return 0;
    }
    if (!zValue || c->q->nFilter >= CRUD_MAX_FILTER) {
        c->rc = err_set(&c->req->err, KEEL_EINVAL, zKey, "filter %s needs one value", zKey);
        return 0;
    }
    c->q->aFilter[c->q->nFilter].f = f;
    c->q->aFilter[c->q->nFilter].zValue = zValue;
    c->q->nFilter++;
    return 1;
}

int api_crud_list(Req *req, Resp *resp, const ResourceDef *r) {
    return api_crud_list_owned(req, resp, r, 0);
}

int api_crud_list_owned(Req *req, Resp *resp, const ResourceDef *r, int64_t initiativeOwner) {
    ListQuery q;
    memset(&q, 0, sizeof q);
    q.initiativeOwner = initiativeOwner;
    int rc = api_page(req, &q.limit, &q.offset);
    if (rc) return rc;
    FilterCtx c = {req, r, &q, 0};
    req_query_foreach(req, filter_arg, &c);
    if (c.rc) return c.rc;
    json_t *items;
    int64_t total;
    rc = store_crud_list(req->db, r, &q, &items, &total, &req->err);
    if (rc) return rc;
    api_list_respond(req, resp, r, items, total, q.limit, q.offset);
    return 0;
}

int api_crud_get(Req *req, Resp *resp, const ResourceDef *r) {
    json_t *o;
    int rc = store_crud_get(req->db, r, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return err_no_id(&req->err, rc, "id", r->zName, req->aParam[0]);
    return api_answer(resp, rc, o);
}

int api_respond_row(Req *req, Resp *resp, const ResourceDef *r, int64_t id, int status,
                    const char *zBase) {
    json_t *o;
    int rc = store_crud_get(req->db, r, id, &o);
    if (rc) return rc;
    if (zBase) snprintf(resp->zLocation, sizeof resp->zLocation, "%s/%lld", zBase, (long long)id);
    resp_json(resp, status, o);
    return 0;
}

int api_answer(Resp *resp, int rc, json_t *o) {
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_key_read(Req *req, Resp *resp, int (*fnRead)(Db *, const char *, json_t **, KeelError *)) {
    char z[ROUTE_KEY_MAX + 1];
    json_t *o = NULL;
    int rc = fnRead(req->db, req_key(req, 0, z, sizeof z), &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_read(Req *req, Resp *resp, int (*fnRead)(Db *, json_t **)) {
    json_t *o = NULL;
    int rc = fnRead(req->db, &o);
    return api_answer(resp, rc, o);
}

int api_key_create(Req *req, Resp *resp, ApiKeyCreate fnCreate, const ResourceDef *r) {
    char z[ROUTE_KEY_MAX + 1];
    int64_t id = 0;
    int rc = fnCreate(req->db, &req->who, req_key(req, 0, z, sizeof z), req->pJson, &id, &req->err);
    return rc ? rc : api_respond_row(req, resp, r, id, 201, NULL);
}

int api_not_found(Req *req, const char *zWhat, int64_t id) {
    return err_no_id(&req->err, KEEL_ENOTFOUND, "id", zWhat, id);
}

int api_respond_rows(Req *req, Resp *resp, json_t *rowErrors) {
    json_t *o = json_pack(
        "{ss ss ss so ss}", "code", req->err.zCode[0] ? req->err.zCode : "invalid", "message",
        req->err.zMsg, "field", req->err.zField, "rows", rowErrors, "request_id", req->zRequestId);
    resp_json(resp, err_http_status(req->err.rc ? req->err.rc : KEEL_EINVAL),
              json_pack("{so}", "error", o));
    return 0;
}

int api_child_list(Req *req, Resp *resp, const ResourceDef *parent,
                   int (*xFetch)(Db *, int64_t, json_t **), const ResourceDef *child) {
    int rc = store_crud_exists(req->db, parent, req->aParam[0]);
    if (rc < 0) return rc;
    if (rc == 0) return api_not_found(req, parent->zName, req->aParam[0]);
    json_t *rows;
    if ((rc = xFetch(req->db, req->aParam[0], &rows))) return rc;
    size_t n = json_array_size(rows);
    api_list_respond(req, resp, child, rows, (int64_t)n, (int64_t)n, 0);
    return 0;
}

int api_child_created(Req *req, Resp *resp, const ResourceDef *child, int64_t id) {
    return api_respond_row(req, resp, child, id, 201, req->zPath);
}

int api_created(Req *req, Resp *resp, int64_t id, const char *zBase, Handler xGet) {
    req->aParam[0] = id;
    snprintf(resp->zLocation, sizeof resp->zLocation, "%s/%lld", zBase, (long long)id);
    int rc = xGet(req, resp);
    resp->status = 201;
    return rc;
}

int api_crud_create(Req *req, Resp *resp, const ResourceDef *r, const char *zPath) {
    int64_t id;
    int rc = resource_create(req->db, &req->who, r, req->pJson, &id, &req->err);
    if (rc) return rc;
    return api_respond_row(req, resp, r, id, 201, zPath);
}

int api_crud_update(Req *req, Resp *resp, const ResourceDef *r) {
    int rc = resource_update(req->db, &req->who, r, req->aParam[0], req->pJson, &req->err);
    if (rc) return rc;
    return api_crud_get(req, resp, r);
}

int api_crud_delete(Req *req, Resp *resp, const ResourceDef *r) {
    (void)resp;
    return resource_delete(req->db, &req->who, r, req->aParam[0], &req->err);
}

/* Run the generic list of r, then let xDecorate add computed fields to
 * each item of the JSON page (CSV lists stay as stored). */
int api_list_decorated(Req *req, Resp *resp, const ResourceDef *r,
                       int (*xDecorate)(Db *, json_t *)) {
    int rc = api_crud_list(req, resp, r);
    if (rc || req->bWantCsv || resp->status != 200) return rc;
    json_t *page = json_loadb(resp->zBody, resp->nBody, 0, NULL);
    if (!page) return KEEL_ENOMEM;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(page, "items"), i, x) {
        if ((rc = xDecorate(req->db, x))) break;
    }
    if (rc) {
        json_decref(page);
        return rc;
    }
    resp_json(resp, 200, page);
    return 0;
}

int api_import_done(Req *req, Resp *resp, int rc, json_t *rows, json_t *lines, json_t *rowErrors,
                    int nImported) {
    json_decref(rows);
    json_decref(lines);
    if (rc && rowErrors) return api_respond_rows(req, resp, rowErrors);
    json_decref(rowErrors);
    if (rc) return rc;
    resp_json(resp, 200, json_pack("{si}", "imported", nImported));
    return 0;
}
