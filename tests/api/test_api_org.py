# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests: organisation (settings, units, people), accounts, sessions,
tokens and the audit log against the real server. Cases are numbered
(org-N.M); bad input must get the right 4xx with the error envelope, leave
the database unchanged and the server serving."""
import socket
from keeltest import Server, Cases, bearer, ADMIN_EMAIL, ADMIN_PW

t = Cases()
# the throttle clock stands still (test builds): org-9 sees its wait however slow the machine
srv = Server(env={"KEEL_TEST_THROTTLE_CLOCK": "frozen"})
a = srv.admin()

# ---- org-1: settings ------------------------------------------------------
r = a.get("/api/v1/settings")
t.status("org-1.1", r, 200)
t.check("org-1.2", r.json["currency"] == "EUR" and r.json["fiscal_year_start_month"] == 1)
r = a.patch("/api/v1/settings", {"name": "Acme", "currency": "CNY", "fiscal_year_start_month": 4,
                                 "default_locale": "zh-CN"})
t.status("org-1.3", r, 200)
t.check("org-1.4", r.json["name"] == "Acme" and r.json["fiscal_year_start_month"] == 4)
t.status("org-1.5", a.patch("/api/v1/settings", {"fiscal_year_start_month": 13}), 400, "invalid", "fiscal_year_start_month")
t.status("org-1.6", a.patch("/api/v1/settings", {"currency": "XXX"}), 400, "invalid", "currency")
t.status("org-1.7", a.patch("/api/v1/settings", {"id": 2}), 400, "invalid", "id")

# ---- org-2: units ---------------------------------------------------------
r = a.post("/api/v1/units", {"name": "Manufacturing", "kind": "business_line"})
t.status("org-2.1", r, 201)
mfg = r.json["id"]
t.check("org-2.2", r.header("Location") == "/api/v1/units/%d" % mfg)
r = a.post("/api/v1/units", {"name": "Plant A", "kind": "region", "parent_id": mfg})
t.status("org-2.3", r, 201)
plant = r.json["id"]
r = a.post("/api/v1/units", {"name": "Sales", "kind": "department"})
sales = r.json["id"]
r = a.get("/api/v1/units?parent_id=%d" % mfg)
t.check("org-2.4", r.status == 200 and r.json["total"] == 1 and r.json["items"][0]["id"] == plant, r.body)
r = a.get("/api/v1/units?limit=2&offset=1&sort=name")
t.check("org-2.5", r.json["total"] == 3 and [u["name"] for u in r.json["items"]] == ["Plant A", "Sales"], r.body)
r = a.get("/api/v1/units?sort=-name&limit=1")
t.check("org-2.6", r.json["items"][0]["name"] == "Sales")
r = a.get("/api/v1/units?parent_id=null")
t.check("org-2.7", r.json["total"] == 2, r.body)
r = a.get("/api/v1/units", headers={"Accept": "text/csv"})
t.check("org-2.8", r.status == 200 and r.header("Content-Type").startswith("text/csv")
        and r.body.splitlines()[0] == "id,name,kind,parent_id,created_at,updated_at"
        and len(r.body.splitlines()) == 4, r.body)
# a unit cannot sit under its own descendant
t.status("org-2.9", a.patch("/api/v1/units/%d" % mfg, {"parent_id": plant}), 422, "rule_violation", "parent_id")
t.status("org-2.10", a.patch("/api/v1/units/%d" % mfg, {"parent_id": mfg}), 422, "rule_violation", "parent_id")
r = a.patch("/api/v1/units/%d" % plant, {"name": "Plant Alpha"})
t.check("org-2.11", r.status == 200 and r.json["name"] == "Plant Alpha")
t.status("org-2.12", a.post("/api/v1/units", {"name": "Sales", "kind": "department"}), 409, "conflict", "name")

# ---- org-3: people --------------------------------------------------------
r = a.post("/api/v1/people", {"name": "Ann Lee", "email": "Ann.Lee@Example.com", "unit_id": plant,
                              "skills": ["ml_engineer", "business_expert"], "capacity_fte": 0.8})
t.status("org-3.1", r, 201)
ann = r.json["id"]
t.check("org-3.2", r.json["email"] == "ann.lee@example.com"
        and r.json["skills"] == ["business_expert", "ml_engineer"], r.body)
r = a.post("/api/v1/people", {"name": "Bo Chen", "unit_id": sales, "skills": ["product_manager"]})
bo = r.json["id"]
r = a.get("/api/v1/people?skills=ml_engineer")
t.check("org-3.3", r.json["total"] == 1 and r.json["items"][0]["id"] == ann, r.body)
r = a.get("/api/v1/people?unit_id=%d" % sales)
t.check("org-3.4", r.json["total"] == 1 and r.json["items"][0]["id"] == bo)
r = a.get("/api/v1/people", headers={"Accept": "text/csv"})
t.check("org-3.5", "business_expert;ml_engineer" in r.body, r.body)
# deleting a referenced unit is refused and names what references it
r = a.delete("/api/v1/units/%d" % plant)
t.status("org-3.6", r, 409, "conflict")
t.check("org-3.7", "1 people" in r.error().get("message", ""), r.body)
r = a.delete("/api/v1/units/%d" % mfg)
t.check("org-3.8", r.status == 409 and "sub-units" in r.error()["message"], r.body)

# ---- org-4: bad input changes nothing ---------------------------------------
before = srv.snapshot()
long_name = "x" * 201
bad = [
    ("org-4.1", "POST", "/api/v1/units", b'{"name": "A", "kind": ', 400, "invalid", None),
    ("org-4.2", "POST", "/api/v1/units", b'[1,2]', 400, "invalid", None),
    ("org-4.3", "POST", "/api/v1/units", b'{"name": 5, "kind": "region"}', 400, "invalid", "name"),
    ("org-4.4", "POST", "/api/v1/units", b'{"kind": "region"}', 400, "invalid", "name"),
    ("org-4.5", "POST", "/api/v1/units", b'{"name": "Q", "kind": "region", "colour": "red"}', 400, "invalid", "colour"),
    ("org-4.6", "POST", "/api/v1/units", ('{"name": "%s", "kind": "region"}' % long_name).encode(), 400, "invalid", "name"),
    ("org-4.7", "POST", "/api/v1/units", b'{"name": "\xff\xfe", "kind": "region"}', 400, "invalid", None),
    ("org-4.8", "POST", "/api/v1/units", b'{"name": "Q", "kind": "galaxy"}', 400, "invalid", "kind"),
    ("org-4.9", "POST", "/api/v1/units", b'{"name": "Q", "kind": "region", "parent_id": 99999}', 400, "invalid", "parent_id"),
    ("org-4.10", "POST", "/api/v1/units", b'{"name": "Q", "kind": "region", "parent_id": 1e400}', 400, "invalid", None),
    ("org-4.11", "POST", "/api/v1/units", b'{"name": "Q", "kind": "region", "parent_id": -1}', 400, "invalid", "parent_id"),
    ("org-4.12", "POST", "/api/v1/units", b'{"name": "Q", "kind": "region", "parent_id": 99999999999999999999}', 400, "invalid", None),
    ("org-4.13", "POST", "/api/v1/people", b'{"name": "Q", "capacity_fte": 7}', 400, "invalid", "capacity_fte"),
    ("org-4.14", "POST", "/api/v1/people", b'{"name": "Q", "skills": ["wizard"]}', 400, "invalid", "skills"),
    ("org-4.15", "POST", "/api/v1/people", b'{"name": "Q", "skills": ["ml_engineer", "ml_engineer"]}', 400, "invalid", "skills"),
    ("org-4.16", "POST", "/api/v1/people", b'{"name": "Q", "email": "not-an-address"}', 400, "invalid", "email"),
    ("org-4.17", "POST", "/api/v1/people", b'{"name": "Q", "email": "ann.lee@example.com"}', 409, "conflict", "email"),
    ("org-4.18", "POST", "/api/v1/people", b'{"name": "Q\\u0000R"}', 400, "invalid", None),
    ("org-4.19", "PATCH", "/api/v1/people/%d" % ann, b'{}', 400, "invalid", None),
    ("org-4.20", "PATCH", "/api/v1/people/%d" % ann, b'{"name": null}', 400, "invalid", "name"),
    ("org-4.21", "PATCH", "/api/v1/people/99999", b'{"name": "Z"}', 404, "not_found", None),
    ("org-4.22", "DELETE", "/api/v1/people/99999", None, 404, "not_found", None),
    ("org-4.23", "GET", "/api/v1/units/0", None, 404, "not_found", None),
    ("org-4.24", "GET", "/api/v1/units/01", None, 404, "not_found", None),
    ("org-4.25", "GET", "/api/v1/units/1%20OR%201=1", None, 404, "not_found", None),
    ("org-4.26", "GET", "/api/v1/units/..%2F..%2Fetc%2Fpasswd", None, 404, "not_found", None),
    ("org-4.27", "GET", "/api/v1/units/../../etc/passwd", None, 404, "not_found", None),
    ("org-4.28", "GET", "/api/v1/units/1234567890123456789", None, 404, "not_found", None),
    ("org-4.29", "GET", "/api/v1/units?limit=0", None, 400, "invalid", "limit"),
    ("org-4.30", "GET", "/api/v1/units?limit=abc", None, 400, "invalid", "limit"),
    ("org-4.31", "GET", "/api/v1/units?offset=-1", None, 400, "invalid", "offset"),
    ("org-4.32", "GET", "/api/v1/units?color=red", None, 400, "invalid", "color"),
    ("org-4.33", "GET", "/api/v1/units?sort=password", None, 400, "invalid", "sort"),
    ("org-4.34", "GET", "/api/v1/units?kind=x'%20OR%20'1'='1", None, 400, "invalid", "kind"),
    ("org-4.35", "GET", "/api/v1/units?parent_id=1;DROP%20TABLE%20unit", None, 400, "invalid", "parent_id"),
    ("org-4.36", "PUT", "/api/v1/units", b'{}', 405, "method_not_allowed", None),
    ("org-4.37", "GET", "/api/v1/nothing", None, 404, "not_found", None),
    ("org-4.38", "POST", "/api/v1/units", b'{"name": "A", "name": "B", "kind": "region"}', 400, "invalid", None),
    ("org-4.39", "POST", "/api/v1/units", b'{"name": "A", "kind": "region"} trailing', 400, "invalid", None),
    ("org-4.40", "POST", "/api/v1/units", b'', 400, "invalid", None),
]
for case, method, path, raw, status, code, field in bad:
    r = a.request(method, path, raw=raw)
    t.status(case, r, status, code, field)
r = a.request("PUT", "/api/v1/units", raw=b"{}")
t.check("org-4.41", r.header("Allow") == "GET, POST", r.header("Allow"))
# content type, body size, length
r = a.request("POST", "/api/v1/units", raw=b'{"name":"Q","kind":"region"}', ctype="text/plain")
t.status("org-4.44", r, 415, "unsupported_media_type")
r = a.request("POST", "/api/v1/units", raw=b'{"name":"' + b"x" * 20000 + b'","kind":"region"}')
t.status("org-4.45", r, 413, "too_large")
# 411: a body without Content-Length
s = socket.create_connection(("127.0.0.1", srv.port))
s.sendall(b"POST /api/v1/units HTTP/1.1\r\nHost: x\r\nCookie: " + a.cookie.encode() +
          b"\r\nX-CSRF-Token: " + a.csrf.encode() + b"\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
reply = s.recv(4096).decode()
s.close()
t.check("org-4.46", reply.startswith("HTTP/1.1 411"), reply[:80])
# the oversized body streamed in chunks is refused too
s = socket.create_connection(("127.0.0.1", srv.port))
s.sendall(b"POST /api/v1/units HTTP/1.1\r\nHost: x\r\nCookie: " + a.cookie.encode() +
          b"\r\nX-CSRF-Token: " + a.csrf.encode() + b"\r\nContent-Type: application/json\r\n"
          b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
for _ in range(40):
    s.sendall(b"400\r\n" + b" " * 1024 + b"\r\n")
s.sendall(b"0\r\n\r\n")
reply = s.recv(4096).decode()
s.close()
t.check("org-4.47", reply.startswith("HTTP/1.1 413"), reply[:80])
after = srv.snapshot()
t.check("org-4.48", before == after, "bad input changed the database: %s" % [
    k for k in after if before.get(k) != after[k]])
t.status("org-4.49", srv.client().get("/healthz"), 200)
# SQL injection strings are stored as text, nothing more
r = a.post("/api/v1/units", {"name": "x'); DROP TABLE unit; --", "kind": "region"})
t.status("org-4.42", r, 201)
inj = r.json["id"]
t.check("org-4.43", a.get("/api/v1/units/%d" % inj).json["name"] == "x'); DROP TABLE unit; --")
a.delete("/api/v1/units/%d" % inj)

# ---- org-5: accounts, sessions, CSRF ----------------------------------------
r = a.post("/api/v1/accounts", {"email": "ann.lee@example.com", "name": "Ann", "role": "engineer",
                                "password": "ann-password-1", "person_id": ann})
t.status("org-5.1", r, 201)
acc_ann = r.json["id"]
t.check("org-5.2", "password" not in r.body and "hash" not in r.body, r.body)
t.status("org-5.3", a.post("/api/v1/accounts", {"email": "x@example.com", "name": "X", "role": "engineer",
                                                "password": "short"}), 400, "invalid", "password")
t.status("org-5.4", a.post("/api/v1/accounts", {"email": "y@example.com", "name": "Y", "role": "king",
                                                "password": "long-enough-pw"}), 400, "invalid", "role")
t.status("org-5.5", a.post("/api/v1/accounts", {"email": "ann.lee@example.com", "name": "Y", "role": "viewer",
                                                "password": "long-enough-pw"}), 409, "conflict", "email")
u = srv.client()
r = u.login("ann.lee@example.com", "ann-password-1")
t.status("org-5.6", r, 201)
sc = r.header("Set-Cookie")
t.check("org-5.7", "HttpOnly" in sc and "SameSite=Strict" in sc and "Secure" not in sc, sc)
r = u.get("/api/v1/session")
t.check("org-5.8", r.status == 200 and r.json["role"] == "engineer" and r.json["person_id"] == ann, r.body)
# an engineer may not change units; a write without the CSRF token is refused
t.status("org-5.9", u.post("/api/v1/units", {"name": "Z", "kind": "region"}), 403, "forbidden")
nocsrf = srv.client()
nocsrf.cookie = a.cookie
t.status("org-5.10", nocsrf.post("/api/v1/units", {"name": "Z", "kind": "region"}), 403, "forbidden", "X-CSRF-Token")
wrong = srv.client()
wrong.cookie, wrong.csrf = a.cookie, "0" * 64
t.status("org-5.11", wrong.post("/api/v1/units", {"name": "Z", "kind": "region"}), 403, "forbidden")
t.status("org-5.12", srv.client().login("ann.lee@example.com", "wrong-password"), 401, "unauthenticated")
t.status("org-5.13", srv.client().login("nobody@example.com", "wrong-password"), 401, "unauthenticated")
# disabling ends the sessions; the last admin cannot be disabled
t.status("org-5.14", a.patch("/api/v1/accounts/%d" % acc_ann, {"disabled": True}), 200)
t.status("org-5.15", u.get("/api/v1/session"), 401, "unauthenticated")
t.status("org-5.16", srv.client().login("ann.lee@example.com", "ann-password-1"), 401)
t.status("org-5.17", a.patch("/api/v1/accounts/1", {"disabled": True}), 422, "rule_violation", "disabled")
t.status("org-5.18", a.patch("/api/v1/accounts/1", {"role": "viewer"}), 422, "rule_violation", "role")
t.status("org-5.19", a.patch("/api/v1/accounts/%d" % acc_ann, {"disabled": False, "password": "new-ann-password"}), 200)
t.status("org-5.20", srv.client().login("ann.lee@example.com", "new-ann-password"), 201)
t.status("org-5.21", a.patch("/api/v1/accounts/%d" % acc_ann, {"email": "z@example.com"}), 400, "invalid", "email")
# sign out
c2 = srv.client()
c2.login(ADMIN_EMAIL, ADMIN_PW)
t.status("org-5.22", c2.delete("/api/v1/session"), 204)
t.status("org-5.23", c2.get("/api/v1/session"), 401)

# ---- org-6: tokens ------------------------------------------------------------
r = a.post("/api/v1/tokens", {"name": "ci", "scope": "write"})
t.status("org-6.1", r, 201)
tok_w, tok_w_id = r.json["token"], r.json["id"]
t.check("org-6.2", tok_w.startswith("kt_") and len(tok_w) == 67)
t.check("org-6.3", all(tok_w not in str(row) for row in srv.sql("SELECT * FROM api_token")), "token stored in clear")
r = a.post("/api/v1/tokens", {"name": "dashboard", "scope": "read", "expires_at": "2099-01-01"})
tok_r = r.json["token"]
t.check("org-6.4", r.json["expires_at"] == "2099-01-01T00:00:00Z", r.body)
b = bearer(srv.port, tok_w)
t.status("org-6.5", b.post("/api/v1/units", {"name": "ByToken", "kind": "region"}), 201)
br = bearer(srv.port, tok_r)
t.status("org-6.6", br.get("/api/v1/units"), 200)
t.status("org-6.7", br.post("/api/v1/units", {"name": "ByReadToken", "kind": "region"}), 403, "forbidden")
t.status("org-6.8", a.post("/api/v1/tokens", {"name": "old", "scope": "read", "expires_at": "2001-01-01"}), 400, "invalid", "expires_at")
t.status("org-6.9", a.post("/api/v1/tokens", {"name": "x", "scope": "admin"}), 400, "invalid", "scope")
r = a.get("/api/v1/tokens")
t.check("org-6.10", r.json["total"] == 2 and "token" not in r.json["items"][0] and "token_hash" not in r.body, r.body)
t.status("org-6.11", a.delete("/api/v1/tokens/%d" % tok_w_id), 204)
t.status("org-6.12", b.get("/api/v1/units"), 401, "unauthenticated")
t.status("org-6.13", a.delete("/api/v1/tokens/%d" % tok_w_id), 409, "conflict")
t.status("org-6.14", bearer(srv.port, "kt_" + "0" * 64).get("/api/v1/units"), 401)
t.status("org-6.15", srv.client().request("GET", "/api/v1/units", headers={"Authorization": "Basic eDp5"}), 401)
# another user's token is invisible
r = srv.client()
r.login("ann.lee@example.com", "new-ann-password")
t.status("org-6.16", r.delete("/api/v1/tokens/%d" % tok_w_id), 404, "not_found")
t.check("org-6.17", r.get("/api/v1/tokens").json["total"] == 0)
t.status("org-6.18", r.get("/api/v1/tokens?account_id=1"), 403)

# ---- org-7: audit ---------------------------------------------------------------
r = a.get("/api/v1/audit?entity=unit&entity_id=%d" % plant)
t.check("org-7.1", r.status == 200 and r.json["total"] == 2
        and r.json["items"][0]["action"] == "update"
        and r.json["items"][0]["before"]["name"] == "Plant A"
        and r.json["items"][0]["after"]["name"] == "Plant Alpha"
        and r.json["items"][0]["actor"] == ADMIN_EMAIL, r.body)
r = a.get("/api/v1/audit/verify")
t.check("org-7.2", r.json["intact"] is True and r.json["entries"] > 10, r.body)
rows = srv.sql("SELECT count(*) FROM audit WHERE after_json LIKE '%argon2%' OR before_json LIKE '%argon2%' "
               "OR after_json LIKE '%ann-password%' OR after_json LIKE '%token_hash%'")
t.check("org-7.3", rows[0][0] == 0, "a password or hash reached the audit log")
t.status("org-7.4", u.get("/api/v1/audit"), 401)

# ---- org-8: openapi, healthz, request ids ----------------------------------------
r = srv.client().get("/api/v1/openapi.json")
t.check("org-8.1", r.status == 200 and r.json["openapi"].startswith("3.") and
        "/api/v1/units/{id}" in r.json["paths"], r.body[:200])
r1, r2 = srv.client().get("/healthz"), srv.client().get("/healthz")
t.check("org-8.2", r1.header("X-Request-Id") and r1.header("X-Request-Id") != r2.header("X-Request-Id"))
t.status("org-8.3", srv.client().get("/api/v1/units"), 401, "unauthenticated")

# ---- org-9.3: sessions expire after the idle time and the absolute lifetime ----
for case, column, age in [("org-9.3", "last_seen", 31 * 60), ("org-9.4", "created_at", 13 * 3600)]:
    s9 = srv.client()
    s9.login(ADMIN_EMAIL, ADMIN_PW)
    t.status(case + "a", s9.get("/api/v1/session"), 200)
    srv.write_sql("UPDATE session SET %s = %s - ? WHERE id = (SELECT max(id) FROM session)" % (column, column), (age,))
    t.status(case + "b", s9.get("/api/v1/session"), 401, "unauthenticated")

# ---- org-9: throttled sign-in ---------------------------------------------------------
for i in range(5):
    srv.client().login("victim@example.com", "bad-password-%d" % i)
r = srv.client().login("victim@example.com", "bad-password-x")
t.status("org-9.1", r, 429, "rate_limited")
t.check("org-9.2", r.header("Retry-After") is not None and int(r.header("Retry-After")) >= 1)

rc = srv.stop()
t.check("org-10.1", rc == 0, "server exit code %s" % rc)
srv.log.seek(0)
log = srv.log.read()
t.check("org-10.2", "stopped cleanly" in log and "POST /api/v1/units 201" in log, log[-500:])
t.done()
