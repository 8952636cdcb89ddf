/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /healthz and /api/v1/openapi.json. The OpenAPI document is generated
 * from the route table and the resource definitions, so it cannot drift
 * from what the server does. */
#include "api/api.h"
#include "domain/switch.h"
#include "store/schema.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* 200 when the database answers with the schema this binary knows; 503
 * with the reason otherwise, so that a load balancer takes the server out. */
int api_healthz(Req *req, Resp *resp) {
    int rc = schema_check(req->db);
    if (rc == KEEL_EVERSION)
        return err_set(&req->err, KEEL_EBUSY, "",
                       "the database schema is not the one this keel "
                       "serves (schema %d): run `keel migrate`",
                       schema_version());
    if (rc)
        return err_set(&req->err, KEEL_EBUSY, "", "the database is unreachable: %s",
                       db_errmsg(req->db));
    json_t *o = json_pack("{ss ss si}", "status", "ok", "version", KEEL_VERSION, "schema",
                          schema_version());
    double age;
    if (switch_poll_status(&age)) /* the switch cache: how fresh (ms since its last refresh) */
        json_object_set_new(o, "switch",
                            json_pack("{sI sb}", "age_ms", (json_int_t)age, "stale", age > 1000));
    resp_json(resp, 200, o);
    return 0;
}

static json_t *field_schema(const FieldDef *f) {
    json_t *s = json_object();
    switch (f->type) {
    case FT_INT:
    case FT_REF: json_object_set_new(s, "type", json_string("integer")); break;
    case FT_REAL: json_object_set_new(s, "type", json_string("number")); break;
    case FT_BOOL: json_object_set_new(s, "type", json_string("boolean")); break;
    case FT_SET: {
        json_t *e = json_array();
        for (int i = 0; f->azEnum[i]; i++)
            json_array_append_new(e, json_string(f->azEnum[i]));
        json_object_set_new(s, "type", json_string("array"));
        json_object_set_new(s, "items", json_pack("{ss so}", "type", "string", "enum", e));
        break;
    }
    case FT_ENUM: {
        json_t *e = json_array();
        for (int i = 0; f->azEnum[i]; i++)
            json_array_append_new(e, json_string(f->azEnum[i]));
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "enum", e);
        break;
    }
    case FT_TIME:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("date-time"));
        break;
    case FT_DATE:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("date"));
        break;
    case FT_PERIOD:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "pattern", json_string("^[0-9]{4}(Q[1-4]|-(0[1-9]|1[0-2]))$"));
        break;
    case FT_EMAIL:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("email"));
        break;
    default:
        json_object_set_new(s, "type", json_string("string"));
        if (f->max > 0) json_object_set_new(s, "maxLength", json_integer((json_int_t)f->max));
    }
    if (f->flags & F_NULLABLE) json_object_set_new(s, "nullable", json_true());
    if (f->flags & F_READONLY) json_object_set_new(s, "readOnly", json_true());
    if (f->zDoc) json_object_set_new(s, "description", json_string(f->zDoc));
    return s;
}

static json_t *resource_schema(const ResourceDef *r) {
    json_t *props = json_object(), *req = json_array();
    for (int i = 0; i < r->nField; i++) {
        const FieldDef *f = &r->aField[i];
        if (f->flags & F_SECRET) continue;
        json_object_set_new(props, f->zName, field_schema(f));
        if (f->flags & F_REQUIRED) json_array_append_new(req, json_string(f->zName));
    }
    return json_pack("{ss so so sb}", "type", "object", "properties", props, "required", req,
                     "additionalProperties", 0);
}

int api_openapi(Req *req, Resp *resp) {
    (void)req;
    json_t *paths = json_object(), *schemas = json_object();
    for (int i = 0; i < nRoute; i++) {
        const Route *r = &aRoute[i];
        json_t *item = json_object_get(paths, r->zPattern);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, r->zPattern, item);
        }
        char zMethod[16];
        size_t k;
        for (k = 0; r->zMethod[k] && k < sizeof zMethod - 1; k++)
            zMethod[k] = (char)tolower((unsigned char)r->zMethod[k]);
        zMethod[k] = 0;
        json_t *roles = json_array();
        if (r->roles & ROLE_PUBLIC) json_array_append_new(roles, json_string("public"));
        for (int b = 0; b < 6; b++)
            if (r->roles & (1 << b))
                json_array_append_new(roles, json_string(auth_role_name(1 << b)));
        json_t *scopes = json_array();
        for (int b = 0; auth_scope_name[b]; b++)
            if (route_scopes(r) & (1 << b))
                json_array_append_new(scopes, json_string(auth_scope_name[b]));
        json_t *op =
            json_pack("{ss so so}", "summary", r->zSummary, "x-roles", roles, "x-scopes", scopes);
        if (r->roles & ROLE_PUBLIC) json_object_set_new(op, "security", json_array());
        json_t *params = json_array();
        int bId = 0;
        for (const char *p = strchr(r->zPattern, '{'); p; p = strchr(p + 1, '{')) {
            const char *q = strchr(p, '}');
            if (!q || p[1] == '*' || (strncmp(p, "{id}", 4) == 0 && bId++)) continue;
            char zName[32];
            snprintf(zName, sizeof zName, "%.*s", (int)(q - p - 1), p + 1);
            json_array_append_new(
                params,
                strcmp(zName, "id") == 0
                    ? json_pack("{ss ss sb s{ss si}}", "name", "id", "in", "path", "required", 1,
                                "schema", "type", "integer", "minimum", 1)
                    : json_pack("{ss ss sb s{ss ss}}", "name", zName, "in", "path", "required", 1,
                                "schema", "type", "string", "pattern", "^[a-z0-9_-]{1,64}$"));
        }
        if (json_array_size(params))
            json_object_set_new(op, "parameters", params);
        else
            json_decref(params);
        if (r->pResource && !json_object_get(schemas, r->pResource->zName))
            json_object_set_new(schemas, r->pResource->zName, resource_schema(r->pResource));
        if (r->bodyType != BODY_NONE) {
            json_t *content = json_object();
            json_t *schema =
                r->pResource ? json_pack("{ss}", "$ref", "") : json_pack("{ss}", "type", "object");
            if (r->pResource) {
                char zRef[96];
                snprintf(zRef, sizeof zRef, "#/components/schemas/%s", r->pResource->zName);
                json_object_set_new(schema, "$ref", json_string(zRef));
            }
            json_object_set_new(content, "application/json", json_pack("{so}", "schema", schema));
            if (r->bodyType == BODY_JSON_OR_CSV || r->bodyType == BODY_EVENTS)
                json_object_set_new(content, "text/csv", json_object());
            if (r->bodyType == BODY_EVENTS) { /* NDJSON, not one JSON object */
                json_object_del(content, "application/json");
                json_object_set_new(content, "application/x-ndjson", json_object());
            }
            json_object_set_new(op, "requestBody",
                                json_pack("{sb so sI}", "required", 1, "content", content,
                                          "x-max-bytes", (json_int_t)r->nBodyCap));
        }
        json_object_set_new(op, "responses",
                            json_pack("{s{ss} s{ss}}", "default", "description",
                                      "success, or the error envelope", "4XX", "description",
                                      "{\"error\":{\"code\",\"message\",\"field\"}}"));
        json_object_set_new(item, zMethod, op);
    }
    json_t *security =
        json_pack("{s{ss ss ss} s{ss ss}}", "session", "type", "apiKey", "in", "cookie", "name",
                  "keel_session", "bearer", "type", "http", "scheme", "bearer");
    json_t *doc = json_pack("{ss s{ss ss} so s{so so}}", "openapi", "3.0.3", "info", "title",
                            "keel API", "version", KEEL_VERSION, "paths", paths, "components",
                            "schemas", schemas, "securitySchemes", security);
    resp->zCacheControl = "no-cache";
    resp_json(resp, 200, doc);
    return 0;
}
