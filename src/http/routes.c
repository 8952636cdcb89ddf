/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one route table, sorted by path pattern then method (a unit test
 * keeps it sorted). Each row: method, pattern, handler, roles allowed, body
 * cap, body type, summary, resource (for the OpenAPI schema). The server
 * enforces every column before the handler runs. */
#include "api/api.h"
#include "domain/org.h"
#include "http/static.h"

#define KB 1024
#define ANY ROLE_ALL
#define ADMIN ROLE_ADMIN
#define GOVERN (ROLE_ADMIN | ROLE_COMMITTEE)

const Route aRoute[] = {
    {"GET", "/", static_index, ROLE_PUBLIC, 0, BODY_NONE, "the web UI (index.html, never cached)",
     NULL},
    {"GET", "/api/v1/accounts", api_accounts_list, ADMIN, 0, BODY_NONE, "list accounts",
     &resource_account},
    {"POST", "/api/v1/accounts", api_accounts_create, ADMIN, 16 * KB, BODY_JSON,
     "create an account {email, name, role, password, person_id}", &resource_account},
    {"GET", "/api/v1/accounts/{id}", api_accounts_get, ADMIN, 0, BODY_NONE, "one account",
     &resource_account},
    {"PATCH", "/api/v1/accounts/{id}", api_accounts_update, ADMIN, 16 * KB, BODY_JSON,
     "change an account (name, role, person_id, disabled, password)", &resource_account},
    {"GET", "/api/v1/audit", api_audit_list, GOVERN, 0, BODY_NONE,
     "the audit log, newest first (?entity=&entity_id=)", NULL},
    {"GET", "/api/v1/audit/verify", api_audit_verify, GOVERN, 0, BODY_NONE,
     "verify the audit hash chain (?head=)", NULL},
    {"GET", "/api/v1/openapi.json", api_openapi, ROLE_PUBLIC, 0, BODY_NONE, "this description",
     NULL},
    {"GET", "/api/v1/people", api_people_list, ANY, 0, BODY_NONE, "list people", &resource_person},
    {"POST", "/api/v1/people", api_people_create, ADMIN, 16 * KB, BODY_JSON, "add a person",
     &resource_person},
    {"DELETE", "/api/v1/people/{id}", api_people_delete, ADMIN, 0, BODY_NONE,
     "delete a person (refused while referenced)", &resource_person},
    {"GET", "/api/v1/people/{id}", api_people_get, ANY, 0, BODY_NONE, "one person",
     &resource_person},
    {"PATCH", "/api/v1/people/{id}", api_people_update, ADMIN, 16 * KB, BODY_JSON,
     "change a person", &resource_person},
    {"DELETE", "/api/v1/session", api_session_delete, ANY, 0, BODY_NONE, "sign out", NULL},
    {"GET", "/api/v1/session", api_session_get, ANY, 0, BODY_NONE, "who am I (and the CSRF token)",
     NULL},
    {"POST", "/api/v1/session", api_session_create, ROLE_PUBLIC, 4 * KB, BODY_JSON,
     "sign in {email, password}: sets the session cookie, returns csrf_token", NULL},
    {"GET", "/api/v1/settings", api_settings_get, ANY, 0, BODY_NONE, "organisation settings",
     &resource_settings},
    {"PATCH", "/api/v1/settings", api_settings_update, ADMIN, 8 * KB, BODY_JSON,
     "change organisation settings", &resource_settings},
    {"GET", "/api/v1/tokens", api_tokens_list, ANY, 0, BODY_NONE,
     "API tokens (your own; admins all)", &resource_api_token},
    {"POST", "/api/v1/tokens", api_tokens_create, ANY, 4 * KB, BODY_JSON,
     "create an API token {name, scope, expires_at}; the token is shown once", &resource_api_token},
    {"DELETE", "/api/v1/tokens/{id}", api_tokens_revoke, ANY, 0, BODY_NONE,
     "revoke a token (its owner or an admin)", &resource_api_token},
    {"GET", "/api/v1/units", api_units_list, ANY, 0, BODY_NONE, "list business units",
     &resource_unit},
    {"POST", "/api/v1/units", api_units_create, ADMIN, 16 * KB, BODY_JSON, "create a business unit",
     &resource_unit},
    {"DELETE", "/api/v1/units/{id}", api_units_delete, ADMIN, 0, BODY_NONE,
     "delete a unit (refused while referenced)", &resource_unit},
    {"GET", "/api/v1/units/{id}", api_units_get, ANY, 0, BODY_NONE, "one business unit",
     &resource_unit},
    {"PATCH", "/api/v1/units/{id}", api_units_update, ADMIN, 16 * KB, BODY_JSON,
     "change a business unit", &resource_unit},
    {"GET", "/assets/{*path}", static_asset, ROLE_PUBLIC, 0, BODY_NONE,
     "web UI assets: /assets/<build hash>/<file>, cached as immutable", NULL},
    {"GET", "/healthz", api_healthz, ROLE_PUBLIC, 0, BODY_NONE, "liveness and database check",
     NULL},
};

const int nRoute = (int)(sizeof aRoute / sizeof aRoute[0]);
