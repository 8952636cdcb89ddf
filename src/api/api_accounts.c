/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/session (sign-in, who am I, sign-out), /api/v1/accounts and
 * /api/v1/tokens. */
#include "api/api.h"
#include "http/auth.h"
#include "store/store_account.h"
#include "store/store_crud.h"
#include <stdio.h>
#include <string.h>

static json_t *who_json(const Principal *p) {
    return json_pack("{sI ss ss ss so}", "account_id", (json_int_t)p->accountId, "email", p->zEmail,
                     "name", p->zName, "role", auth_role_name(p->role), "person_id",
                     p->personId ? json_integer(p->personId) : json_null());
}

int api_session_create(Req *req, Resp *resp) {
    json_t *j = req->pJson;
    const char *zKey;
    json_t *v;
    json_object_foreach(j, zKey, v) {
        if (strcmp(zKey, "email") && strcmp(zKey, "password"))
            return err_set(&req->err, KEEL_EINVAL, zKey,
                           "unknown field '%.60s'; send email and password", zKey);
    }
    const char *zEmail = json_string_value(json_object_get(j, "email"));
    const char *zPw = json_string_value(json_object_get(j, "password"));
    if (!zEmail || strlen(zEmail) > 254)
        return err_set(&req->err, KEEL_EINVAL, "email", "email is required (a string)");
    if (!zPw || strlen(zPw) > 1024)
        return err_set(&req->err, KEEL_EINVAL, "password", "password is required (a string)");
    char zToken[80];
    Principal p;
    int retry = 0;
    int rc =
        auth_login(req->db, zEmail, zPw, req->zAddr, zToken, sizeof zToken, &p, &retry, &req->err);
    if (rc == KEEL_ERATE) resp->retryAfter = retry;
    if (rc) return rc;
    snprintf(resp->zSetCookie, sizeof resp->zSetCookie,
             HTTP_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", zToken,
             (long long)req->sessionMax, req->bSecureCookie ? "; Secure" : "");
    json_t *o = who_json(&p);
    json_object_set_new(o, "csrf_token", json_string(p.zCsrf));
    resp_json(resp, 201, o);
    return 0;
}

int api_session_get(Req *req, Resp *resp) {
    json_t *o = who_json(&req->who);
    json_object_set_new(o, "auth", json_string(req->who.kind == AUTH_COOKIE ? "session" : "token"));
    if (req->who.kind == AUTH_COOKIE)
        json_object_set_new(o, "csrf_token", json_string(req->who.zCsrf));
    resp_json(resp, 200, o);
    return 0;
}

int api_session_delete(Req *req, Resp *resp) {
    if (req->who.kind != AUTH_COOKIE)
        return err_set(&req->err, KEEL_EINVAL, "",
                       "only a cookie session can sign out; "
                       "revoke a token with DELETE /api/v1/tokens/{id}");
    int rc = auth_logout(req->db, req->who.sessionId);
    if (rc) return rc;
    snprintf(resp->zSetCookie, sizeof resp->zSetCookie,
             HTTP_SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             req->bSecureCookie ? "; Secure" : "");
    return 0;
}

int api_accounts_list(Req *req, Resp *resp) { return api_crud_list(req, resp, &resource_account); }

int api_accounts_get(Req *req, Resp *resp) { return api_crud_get(req, resp, &resource_account); }

int api_accounts_create(Req *req, Resp *resp) {
    Actor a = auth_actor(&req->who);
    int64_t id;
    int rc = auth_account_create(req->db, &a, req->pJson, &id, &req->err);
    if (rc) return rc;
    snprintf(resp->zLocation, sizeof resp->zLocation, "/api/v1/accounts/%lld", (long long)id);
    req->aParam[0] = id;
    rc = api_crud_get(req, resp, &resource_account);
    resp->status = 201;
    return rc;
}

int api_accounts_update(Req *req, Resp *resp) {
    Actor a = auth_actor(&req->who);
    int rc = auth_account_update(req->db, &a, req->aParam[0], req->pJson, &req->err);
    if (rc) return rc;
    return api_crud_get(req, resp, &resource_account);
}

int api_tokens_list(Req *req, Resp *resp) {
    ListQuery q;
    memset(&q, 0, sizeof q);
    int rc = api_page(req, &q.limit, &q.offset);
    if (rc) return rc;
    q.zSort = "-created_at";
    json_t *items;
    int64_t total;
    rc = auth_token_list(req->db, &req->who, req_query(req, "account_id"), &q, &items, &total,
                         &req->err);
    if (rc) return rc;
    api_list_respond(req, resp, &resource_api_token, items, total, q.limit, q.offset);
    return 0;
}

int api_tokens_create(Req *req, Resp *resp) {
    Actor a = auth_actor(&req->who);
    char zToken[80];
    int64_t id;
    int rc = auth_token_create(req->db, &a, req->who.accountId, req->pJson, zToken, sizeof zToken,
                               &id, &req->err);
    if (rc) return rc;
    json_t *o;
    rc = store_crud_get(req->db, &resource_api_token, id, &o);
    if (rc) return rc;
    json_object_set_new(o, "token", json_string(zToken)); /* shown this once */
    snprintf(resp->zLocation, sizeof resp->zLocation, "/api/v1/tokens/%lld", (long long)id);
    resp_json(resp, 201, o);
    return 0;
}

int api_tokens_revoke(Req *req, Resp *resp) {
    (void)resp;
    return auth_token_revoke(req->db, &req->who, req->aParam[0], &req->err);
}
