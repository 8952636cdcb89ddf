# SPDX-License-Identifier: GPL-3.0-or-later
"""One admission path (route_admit): the same requests sent over HTTP and
in-process (`keel api`) answer the same status and the same envelope; token
scopes are a column of the route table; verified tokens are kept in memory
and a revocation counts at once on the server that took it and within a
second on another process."""
import json
import subprocess
import time
from keeltest import Server, Cases, KEEL, ADMIN_EMAIL, bearer

t = Cases()
srv = Server()
a = srv.admin()
viewer = "vera.viewer@example.com"
t.status("adm-0.1", a.post("/api/v1/accounts", {"email": viewer, "name": "Vera", "role": "viewer",
                                                 "password": "viewer-password-1"}), 201)
v = srv.client()
v.login(viewer, "viewer-password-1")


def local(email, method, path, raw, ctype):
    """The request in-process: (status, parsed body or None)."""
    args = [KEEL, "api", "--db", srv.db, "--as", email, "--status", method, path]
    if raw is not None:
        args += ["--data", raw.decode()]
    if ctype == "text/csv":
        args.append("--csv")
    p = subprocess.run(args, env=srv.env, capture_output=True, text=True)
    first, _, rest = p.stderr.partition("\n")
    status = int(first.split()[1]) if first.startswith("HTTP ") else 0
    text = rest if status >= 400 else p.stdout
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        body = text
    return status, body


def strip(body):
    """The envelope without its request id (it differs by design)."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = dict(body, error={k: v for k, v in body["error"].items() if k != "request_id"})
    return body


big = b'{"name":"' + b"x" * 20000 + b'","kind":"region"}'
# (case, who, method, path, body, content type, expected status, expected code)
table = [
    ("adm-1.1", "admin", "GET", "/api/v1/nothing", None, None, 404, "not_found"),
    ("adm-1.2", "admin", "PUT", "/api/v1/units", b"{}", "application/json", 405, "method_not_allowed"),
    ("adm-1.3", "admin", "POST", "/api/v1/units", b"name\nQ\n", "text/csv", 415, "unsupported_media_type"),
    ("adm-1.4", "admin", "DELETE", "/api/v1/units/1", b"{}", "application/json", 413, "too_large"),
    ("adm-1.5", "admin", "GET", "/api/v1/settings", b"{}", "application/json", 413, "too_large"),
    ("adm-1.6", "admin", "POST", "/api/v1/units", big, "application/json", 413, "too_large"),
    ("adm-1.7", "viewer", "POST", "/api/v1/units", b'{"name":"V","kind":"region"}', "application/json", 403, "forbidden"),
    ("adm-1.8", "viewer", "GET", "/api/v1/accounts", None, None, 403, "forbidden"),
    ("adm-1.9", "admin", "POST", "/api/v1/units", b"", "application/json", 400, "invalid"),
    ("adm-1.10", "admin", "POST", "/api/v1/units", b'{"name":"A","name":"B"}', "application/json", 400, "invalid"),
    ("adm-1.11", "admin", "POST", "/api/v1/units", b'{"name":"U","kind":"moon"}', "application/json", 400, "invalid"),
    ("adm-1.12", "admin", "GET", "/api/v1/units/99999", None, None, 404, "not_found"),
    ("adm-1.13", "admin", "POST", "/api/v1/kpis/99999/values", b"period,value\n2026-Q1,1\n", "text/csv", 404, "not_found"),
    ("adm-1.14", "admin", "GET", "/api/v1/settings", None, None, 200, None),
    ("adm-1.15", "viewer", "GET", "/api/v1/units?limit=0", None, None, 400, "invalid"),
]
before = srv.snapshot()
for case, who, method, path, raw, ctype, status, code in table:
    c = a if who == "admin" else v
    r = c.request(method, path, raw=raw, ctype=ctype)
    ls, lbody = local(ADMIN_EMAIL if who == "admin" else viewer, method, path, raw, ctype)
    t.check(case + " http", r.status == status and (code is None or r.error().get("code") == code),
            "%s %s: http %d %s" % (method, path, r.status, r.body[:200]))
    t.check(case + " same", ls == r.status and strip(lbody) == strip(r.json),
            "%s %s: http %d %s / local %d %s" % (method, path, r.status, r.body[:200], ls, str(lbody)[:200]))
t.check("adm-1.20", srv.snapshot() == before, "refused requests changed the database")
r = a.request("PUT", "/api/v1/units", raw=b"{}")
t.check("adm-1.21", r.header("Allow") == "GET, POST", r.header("Allow"))

# ---- adm-2: scopes are a column of the route table ------------------------------
toks = {}
for scope in ["read", "write", "switch:read", "ingest", "metrics:read", "calendar:read"]:
    r = a.post("/api/v1/tokens", {"name": scope, "scope": scope})
    t.status("adm-2.1 " + scope, r, 201)
    toks[scope] = (r.json or {}).get("token"), (r.json or {}).get("id")
t.status("adm-2.2", a.post("/api/v1/tokens", {"name": "x", "scope": "everything"}), 400, "invalid", "scope")
unit = {"name": "ByToken", "kind": "region"}
t.status("adm-2.3", bearer(srv.port, toks["read"][0]).get("/api/v1/units"), 200)
t.status("adm-2.4", bearer(srv.port, toks["read"][0]).post("/api/v1/units", unit), 403, "forbidden")
t.status("adm-2.5", bearer(srv.port, toks["write"][0]).post("/api/v1/units", unit), 201)
for scope in ["switch:read", "ingest", "metrics:read", "calendar:read"]:
    b = bearer(srv.port, toks[scope][0])
    r = b.get("/api/v1/units")
    t.status("adm-2.6 " + scope, r, 403, "forbidden")
    t.check("adm-2.7 " + scope, scope in r.error().get("message", ""), r.body)
# ingest reaches the routes that list it (KPI values, pool usage) and no others
r = bearer(srv.port, toks["ingest"][0]).request("POST", "/api/v1/kpis/99999/values",
                                                 raw=b"period,value\n2026-Q1,1\n", ctype="text/csv")
t.status("adm-2.8", r, 404, "not_found")
t.status("adm-2.9", bearer(srv.port, toks["ingest"][0]).get("/api/v1/kpis/1/values"), 403)
spec = a.get("/api/v1/openapi.json").json
op = spec["paths"]["/api/v1/kpis/{id}/values"]["post"]
t.check("adm-2.10", op["x-scopes"] == ["write", "ingest"], op.get("x-scopes"))
t.check("adm-2.11", spec["paths"]["/api/v1/units"]["get"]["x-scopes"] == ["read", "write"])
# the CLI knows the same scopes; the token alone on stdout, details on stderr
for scope in ["metrics:read", "calendar:read", "switch:read", "ingest"]:
    p = subprocess.run([KEEL, "token", "create", "--db", srv.db, "--email", ADMIN_EMAIL,
                        "--name", "cli-" + scope, "--scope", scope], env=srv.env,
                       capture_output=True, text=True)
    t.check("adm-2.12 " + scope, p.returncode == 0 and p.stdout.startswith("kt_")
            and p.stdout.count("\n") == 1 and scope in p.stderr, p.stdout + p.stderr)
p = subprocess.run([KEEL, "token", "create", "--db", srv.db, "--email", ADMIN_EMAIL,
                    "--name", "bad", "--scope", "root"], env=srv.env, capture_output=True, text=True)
t.check("adm-2.13", p.returncode == 2 and "scope" in p.stderr and p.stdout == "", p.stderr)

# ---- adm-3: verified tokens in memory, revocation -------------------------------
w_tok, w_id = toks["write"]
b = bearer(srv.port, w_tok)
for i in range(5):
    b.get("/api/v1/units")
used = srv.sql("SELECT last_used_at FROM api_token WHERE id = ?", (w_id,))[0][0]
t.check("adm-3.1", used is not None, "last_used_at not written")
for i in range(5):
    b.get("/api/v1/units")
t.check("adm-3.2", srv.sql("SELECT last_used_at FROM api_token WHERE id = ?", (w_id,))[0][0] == used,
        "last_used_at written again within the minute")
# revoked through the API: refused at once on this server
t.status("adm-3.3", a.delete("/api/v1/tokens/%d" % w_id), 204)
t.status("adm-3.4", b.get("/api/v1/units"), 401, "unauthenticated")
# revoked by another process (the CLI): refused within a second
r_tok, r_id = toks["read"]
br = bearer(srv.port, r_tok)
t.status("adm-3.5", br.get("/api/v1/units"), 200)
p = subprocess.run([KEEL, "token", "revoke", "--db", srv.db, "--id", str(r_id)], env=srv.env,
                   capture_output=True, text=True)
t.check("adm-3.6", p.returncode == 0, p.stderr)
time.sleep(1.1)
t.status("adm-3.7", br.get("/api/v1/units"), 401, "unauthenticated")
# a disabled owner: the viewer's token stops at once
r = v.post("/api/v1/tokens", {"name": "mine", "scope": "read"})
bv = bearer(srv.port, r.json["token"])
t.status("adm-3.8", bv.get("/api/v1/units"), 200)
acc = [x for x in a.get("/api/v1/accounts").json["items"] if x["email"] == viewer][0]["id"]
t.status("adm-3.9", a.patch("/api/v1/accounts/%d" % acc, {"disabled": True}), 200)
t.status("adm-3.10", bv.get("/api/v1/units"), 401)
srv.stop()
t.done()
