# SPDX-License-Identifier: GPL-3.0-or-later
"""The security probe of the routes added by paths 3-5, monitoring,
notifications, the board pack and compliance, on the demo: object-level
authorisation (an owner of A acting on B, signing, voting, closing, inboxes,
the calendar token), injection and escaping in every output format, bad
input, sessions and caching. Sections probe-1..3, probe-9 and probe-10 each fail without their
fix (docs/security.md, "The probe of the newer routes"); the rest guard
behaviour that held."""
import datetime
import json
import re
import socket
import time

from keeltest import Server, Cases, bearer

PW = "probe-password-1"
EVIL = "=cmd|'/c calc'!A1 <script>alert(1)</script>\"'{{7*7}}\u202e\u200b"

t = Cases()
srv = Server(demo=True)
admin = srv.admin()
people = {p["email"]: p for p in admin.get("/api/v1/people?limit=1000").json["items"]}
accounts = {a["email"]: a for a in admin.get("/api/v1/accounts?limit=1000").json["items"]}


def as_(email):
    """A signed-in client of a demo account (the admin sets its password)."""
    r = admin.patch("/api/v1/accounts/%d" % accounts[email]["id"], {"password": PW})
    assert r.status == 200, r.body
    c = srv.client()
    r = c.login(email, PW)
    assert r.status == 201, r.body
    return c


def snap():
    """The database but what keel's jobs write on their own clock (webhook
    retries every 10 s; the monitor flushing its windows)."""
    return {k: v for k, v in srv.snapshot().items() if k != "webhook_delivery" and not k.startswith("monitor_")}


def pid(email):
    return people[email]["id"]


JONAS, LINA = "jonas.becker@meridian.example", "li.na@meridian.example"
jonas = as_(JONAS)
inits = admin.get("/api/v1/initiatives?limit=1000").json["items"]
mine = {i["id"] for i in inits if i["owner_id"] == pid(JONAS)}
systems = admin.get("/api/v1/systems?limit=1000").json["items"]
own_sys = next(s["name"] for s in systems if s["initiative_id"] in mine)
other_sys = next(s["name"] for s in systems if s["initiative_id"] not in mine)
objectives = admin.get("/api/v1/objectives?limit=1000").json["items"]
kpis = admin.get("/api/v1/kpis?limit=1000").json["items"]
obj_owner = {o["id"]: o["owner_id"] for o in objectives}
own_kpi = next(k["id"] for k in kpis if obj_owner[k["objective_id"]] == pid(JONAS))
moved = {ln["kpi_id"] for i in mine for ln in admin.get("/api/v1/initiatives/%d/links" % i).json["items"]}
other_kpi = next(k["id"] for k in kpis if obj_owner[k["objective_id"]] == pid(LINA) and k["id"] not in moved)
unit = admin.get("/api/v1/units?limit=1").json["items"][0]["id"]

# ---- probe-1: an owner records unit readings only for KPIs of objectives they own
# (before: any owner imported readings into any KPI; the per-period values refused)
before = snap()
row = {"rows": [{"org_unit_id": unit, "period": "2026-11", "value": 1}]}
t.status("probe-1.1 unit values into another owner's KPI", jonas.post("/api/v1/kpis/%d/unit-values" % other_kpi, row),
         403, "not_owner")
t.check("probe-1.2 nothing written", snap() == before)
t.status("probe-1.3 the same as the per-period values", jonas.post("/api/v1/kpis/%d/values" % other_kpi,
                                                                    {"values": [{"period": "2026-11", "value": 1}]}), 403, "not_owner")
t.status("probe-1.4 own KPI", jonas.post("/api/v1/kpis/%d/unit-values" % own_kpi, row), 200)
t.status("probe-1.5 the committee any KPI", as_("helena.marsh@meridian.example").post(
    "/api/v1/kpis/%d/unit-values" % other_kpi, row), 200)
t.status("probe-1.6 no such KPI", jonas.post("/api/v1/kpis/987654/unit-values", row), 404)
r = jonas.post("/api/v1/initiatives/%d/links" % min(mine), {"kpi_id": other_kpi, "expected_impact": 1, "impact_period": "2027Q2"})
t.status("probe-1.7 once an initiative of theirs moves the KPI (a link)", r, 201)
t.status("probe-1.8 they record its unit readings", jonas.post("/api/v1/kpis/%d/unit-values" % other_kpi, row), 200)
t.status("probe-1.9 but not its values", jonas.post("/api/v1/kpis/%d/values" % other_kpi,
                                                    {"values": [{"period": "2026-11", "value": 1}]}), 403, "not_owner")

# ---- probe-2: only a calendar:read token travels in a URL (?token=)
# (before: a read or write token was taken from the query string too)
viewer = as_("olivia.brown@meridian.example")
toks = {s: viewer.post("/api/v1/tokens", {"name": "p-" + s, "scope": s}).json["token"]
        for s in ("calendar:read", "read", "write")}
r = srv.client().get("/api/v1/calendar.ics?token=" + toks["calendar:read"])
t.check("probe-2.1 the calendar token in the URL", r.status == 200 and r.body.startswith("BEGIN:VCALENDAR"), r.body[:200])
for s in ("read", "write"):
    t.status("probe-2.2 a %s token in the URL" % s, srv.client().get("/api/v1/calendar.ics?token=" + toks[s]),
             403, "forbidden", "token")
    t.status("probe-2.3 a %s token in the header still" % s, bearer(srv.port, toks[s]).get("/api/v1/calendar.ics"), 200)
t.status("probe-2.4 the calendar token reaches nothing else", bearer(srv.port, toks["calendar:read"]).get("/api/v1/inbox"),
         403, "forbidden")
t.status("probe-2.5 nor as ?token= elsewhere", srv.client().get("/api/v1/people?token=" + toks["calendar:read"]), 401)

# ---- probe-3: a decay run writes findings and actions: owners run it on their own systems
# (before: any owner ran it on any system)
t.status("probe-3.1 decay run on another owner's system", jonas.post("/api/v1/systems/%s/decay" % other_sys), 403, "not_owner")
t.status("probe-3.2 on their own", jonas.post("/api/v1/systems/%s/decay" % own_sys), 200)
t.status("probe-3.3 viewers never", viewer.post("/api/v1/systems/%s/decay" % own_sys), 403)
t.status("probe-3.4 an engineer on any", as_("kenji.sato@meridian.example").post("/api/v1/systems/%s/decay" % other_sys), 200)

# ---- probe-4 (held, by design): the obligations preview is open to all but viewers on any
# system (nothing saved; the page shows it before the save is refused)
flags = {"personal_data": True}
before = snap()
t.status("probe-4.1 preview on another owner's system",
         jonas.post("/api/v1/systems/%s/obligations/preview" % other_sys, flags), 200)
t.check("probe-4.2 nothing saved", snap() == before)
t.status("probe-4.3 viewers never", viewer.post("/api/v1/systems/%s/obligations/preview" % own_sys, flags), 403)
t.status("probe-4.4 no such system", jonas.post("/api/v1/systems/no-such/obligations/preview", flags), 404)

# ---- probe-9: a data asset's profile names no person: every role reads it, and it outlives
# its sample (before: a viewer read the e-mails and names of a personal-data sample's top values)
rows = ["name,email,region"] + ["Person %d,p%d@example.cn,%s" % (i, i, "NESW"[i % 4]) for i in range(40)]
asset = admin.post("/api/v1/data-assets", {"name": "probe customers", "personal_data": True,
                                           "consent_basis": "contract"}).json["id"]
r = admin.request("POST", "/api/v1/data-assets/%d/profile" % asset, raw=("\n".join(rows) + "\n").encode(), ctype="text/csv")
t.status("probe-9.1 profiled", r, 201)
for who, c in (("admin", admin), ("viewer", viewer)):
    r = c.get("/api/v1/data-assets/%d" % asset)
    cols = {x["name"]: x for x in r.json["profile"]["summary"]["columns"]}
    t.check("probe-9.2 %s: no e-mail address" % who, "example.cn" not in r.body and cols["email"]["top"] is None
            and cols["email"]["top_withheld"] == 5 and cols["email"]["pii"]["kind"] == "email", cols["email"])
    t.check("probe-9.3 %s: no value seen in fewer than 5 rows" % who, "Person 1" not in r.body and cols["name"]["top"] == []
            and cols["name"]["top_withheld"] == 5, cols["name"])
    t.check("probe-9.4 %s: common values stay" % who, [x["value"] for x in cols["region"]["top"]] == list("ENSW")
            and "top_withheld" not in cols["region"], cols["region"])
stored = srv.sql("SELECT summary FROM data_asset_profile WHERE asset_id = %d" % asset)
t.check("probe-9.5 nor in the database", stored and "example.cn" not in str(stored) and "Person 1" not in str(stored))
plain = admin.post("/api/v1/data-assets", {"name": "probe stock", "personal_data": False}).json["id"]
admin.request("POST", "/api/v1/data-assets/%d/profile" % plain, raw=b"item,store\n" + b"".join(b"i%d,s%d\n" % (i, i % 3) for i in range(20)),
              ctype="text/csv")
cols = {x["name"]: x for x in viewer.get("/api/v1/data-assets/%d" % plain).json["profile"]["summary"]["columns"]}
t.check("probe-9.6 an asset without personal data keeps its rare values", len(cols["item"]["top"]) == 5
        and "top_withheld" not in cols["item"], cols["item"])

# ---- probe-10: a definition's owner cannot silence a dispute by dropping the disputing
# department (before: the owner's PATCH of departments turned "disputed" into "agreed")
d = next(x for x in admin.get("/api/v1/definitions").json["items"] if x["status"] == "disputed")
owner = as_(next(e for e, p in people.items() if p["id"] == d["owner_id"] and e in accounts))
DD = "/api/v1/definitions/%d" % d["id"]
keep = [x["unit_id"] for x in d["departments"] if x["state"] != "disputed"]
before = snap()
t.status("probe-10.1 the owner drops the disputing department", owner.patch(DD, {"departments": keep}),
         403, "committee_only", "departments")
t.check("probe-10.2 still disputed, nothing changed", admin.get(DD).json["status"] == "disputed" and snap() == before)
more = [x["unit_id"] for x in d["departments"]] + [unit]
t.status("probe-10.3 adding a department is the owner's", owner.patch(DD, {"departments": more}), 200)
r = as_("helena.marsh@meridian.example").patch(DD, {"departments": keep})
t.check("probe-10.4 the committee may drop it", r.status == 200 and r.json["status"] != "disputed", r.body[:300])

# ---- probe-5 (held): object-level checks on the newer routes
S = "/api/v1/systems/" + other_sys
for n, (m, p, b) in enumerate([
        ("PUT", "/api/v1/switch/" + other_sys, {"state": "off", "reason": "probe probe"}),
        ("POST", S + "/alert-rules", {"name": "p", "kind": "threshold", "metric": "accuracy", "op": "<", "value": 0.5}),
        ("POST", S + "/baselines", {}),
        ("POST", S + "/compliance-events", {"kind": "incident", "occurred_on": "2026-12-01", "description": "probe"}),
        ("POST", S + "/transition", {"to": "retired", "reason": "probe probe"}),
        ("POST", S + "/versions", {"version": "9.9"}),
        ("PATCH", S, {"description": "probe"}),
        ("POST", S + "/evidence", {"kind": "filing", "title": "x", "reference": "x", "reviewer_id": pid("grace.kim@meridian.example")})]):
    before = snap()
    r = jonas.request(m, p, b)
    t.check("probe-5.1.%d %s %s refused" % (n, m, p), r.status == 403 and r.error().get("code") == "not_owner", r.body[:200])
    after = snap()
    t.check("probe-5.2.%d nothing changed" % n, after == before, [k for k in after if after[k] != before.get(k)])
for n, ct in enumerate(("application/x-ndjson", "text/csv")):
    r = jonas.request("POST", S + "/events", raw=b'{"event_id":"x"}\n' if n == 0 else b"event_id\nx\n", ctype=ct)
    t.status("probe-5.3.%d events into another owner's system" % n, r, 403, "not_owner")
actions = admin.get("/api/v1/actions").json["items"]
other_action = next(a for a in actions if a["owner_id"] != pid(JONAS) and a["status"] != "done")
t.status("probe-5.4 closing another person's action",
         jonas.patch("/api/v1/actions/%d" % other_action["id"], {"status": "done", "close_note": "probe"}), 403, "not_owner")
t.status("probe-5.5 handing it to oneself", jonas.patch("/api/v1/actions/%d" % other_action["id"], {"owner_id": pid(JONAS)}),
         403, "not_owner")
defs = admin.get("/api/v1/definitions").json["items"]
t.status("probe-5.6 a non-head signs", jonas.post("/api/v1/definitions/%d/signatures" % defs[0]["id"], {"stance": "signed"}),
         403, "not_department_head")
wei = as_("wei.zhang@meridian.example")  # heads Finance
finance = pid("wei.zhang@meridian.example") and people["wei.zhang@meridian.example"]["unit_id"]
notmine = next(d for d in defs if finance not in [x["unit_id"] for x in admin.get("/api/v1/definitions/%d" % d["id"]).json["departments"]])
t.status("probe-5.7 a head signs for a department they do not head",
         wei.post("/api/v1/definitions/%d/signatures" % notmine["id"], {"stance": "signed"}), 422, "department_not_using")
t.status("probe-5.8 signing as someone else", wei.post("/api/v1/definitions/%d/signatures" % notmine["id"],
                                                      {"stance": "signed", "person_id": pid(JONAS)}), 400, "invalid", "person_id")
props = admin.get("/api/v1/proposals?status=open").json["items"]
conflicted = None
for p in props:
    full = admin.get("/api/v1/proposals/%d" % p["id"]).json
    if full["conflicts"]:
        conflicted = (p["id"], full["conflicts"][0]["person_id"])
        break
t.check("probe-5.9 the demo has a declared conflict on an open proposal", conflicted is not None)
if conflicted:
    email = next(e for e, x in people.items() if x["id"] == conflicted[1])
    c = as_(email)
    t.status("probe-5.10 voting while conflicted", c.post("/api/v1/proposals/%d/votes" % conflicted[0], {"vote": "for"}),
             409, "conflicted")
    t.status("probe-5.11 a non-member votes", jonas.post("/api/v1/proposals/%d/votes" % conflicted[0], {"vote": "for"}),
             403, "not_member")
    helena = as_("helena.marsh@meridian.example")
    for v in ("for", "against"):
        helena.post("/api/v1/proposals/%d/votes" % conflicted[0], {"vote": v})
    votes = admin.get("/api/v1/proposals/%d" % conflicted[0]).json["votes"]
    mine_v = [v for v in votes if v["person_id"] == pid("helena.marsh@meridian.example")]
    t.check("probe-5.12 a second vote replaces the first", len(mine_v) == 1 and mine_v[0]["vote"] == "against", votes)
    t.status("probe-5.13 declaring another's conflict", helena.post("/api/v1/proposals/%d/conflicts" % conflicted[0],
                                                                    {"person_id": pid(JONAS), "reason": "probe reason"}),
             403, "forbidden", "person_id")
t.status("probe-5.14 another's inbox", jonas.get("/api/v1/inbox?person_id=%d" % pid(LINA)), 400, "invalid", "person_id")
htok = admin.post("/api/v1/tokens", {"name": "a", "scope": "read"}).json
t.status("probe-5.15 revoking another's token", jonas.delete("/api/v1/tokens/%d" % htok["id"]), 404)
t.check("probe-5.16 the token still works", bearer(srv.port, htok["token"]).get("/api/v1/people").status == 200)
t.status("probe-5.17 the notification log", jonas.get("/api/v1/notifications/log"), 403)
t.status("probe-5.18 /metrics with a session", jonas.get("/metrics"), 403)

# ---- probe-6 (held): injection and escaping in every output
for n, (p, b) in enumerate([("/api/v1/initiatives/%d" % min(mine), {"title": EVIL + "\r\nX-Evil: 1"}),
                            ("/api/v1/systems/" + own_sys, {"title": EVIL}),
                            ("/api/v1/people/%d" % pid(JONAS), {"name": EVIL + "\nBCC: x@example.com"}),
                            ("/api/v1/settings", {"name": EVIL})]):
    t.status("probe-6.1.%d evil text taken" % n, admin.patch(p, b), 200)
meeting = admin.post("/api/v1/meetings", {"title": EVIL + "\r\nX-Evil: 1", "held_on": "2026-12-20",
                                          "notes": EVIL}).json["id"]
for p in ("/api/v1/compliance/exports/register?format=html", "/api/v1/compliance/exports/soa?format=html",
          "/api/v1/reports/board?format=html", "/api/v1/meetings/%d/document" % meeting):
    r = admin.get(p)
    t.check("probe-6.2 %s escapes" % p, r.status == 200 and "<script>" not in r.body and "&lt;script&gt;" in r.body,
            r.body[:200])
    csp = r.header("Content-Security-Policy") or ""
    t.check("probe-6.3 %s sandboxed" % p, "default-src 'none'" in csp and "sandbox" in csp
            and (r.header("Content-Disposition") or "").startswith("attachment"), csp)
for p in ("/api/v1/compliance/exports/register?format=md", "/api/v1/compliance/exports/soa?format=md"):
    r = admin.get(p)
    t.check("probe-6.4 %s: no raw HTML in Markdown" % p, not re.search(r"(?<!\\)</?script>", r.body)
            and "\\<script>" in r.body, r.body[:300])
    t.check("probe-6.5 %s: table rows stay rows" % p, not re.search(r"(?m)^X-Evil", r.body))
for p in ("/api/v1/compliance/exports/register?format=csv", "/api/v1/initiatives", "/api/v1/people", "/api/v1/systems"):
    r = admin.get(p, headers={"Accept": "text/csv"})
    cells = [c for c in re.findall(r'(?:^|,)("(?:[^"]|"")*"|[^,\r\n]*)', r.body) if "cmd|" in c]
    t.check("probe-6.6 %s: formula cells neutralised" % p,
            cells and all(c.lstrip('"').startswith("'=") for c in cells), cells[:3])
r = admin.get("/api/v1/calendar.ics")
lines = r.body.split("\r\n")
t.check("probe-6.7 iCal: CRLF lines only, folded at 75 octets",
        r.status == 200 and all("\n" not in l and "\r" not in l and len(l.encode()) <= 75 for l in lines), r.body[:300])
t.check("probe-6.8 iCal: no injected property", not any(l.startswith(("X-Evil", "BCC")) for l in lines))
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
ev = [{"event_id": "q%d" % i, "ts": now, "version": v, "segment": v, "latency_ms": 1}
      for i, v in enumerate(['q"u\\o', "cr\rlf", 'x"} 1\nkeel_fake 1'])]
r = admin.request("POST", "/api/v1/systems/%s/events?partial=1" % own_sys,
                  raw=("\n".join(json.dumps(e) for e in ev) + "\n").encode(), ctype="application/x-ndjson")
t.check("probe-6.9 control characters in labels refused per line", r.status == 200 and r.json["accepted"] == 1
        and r.json["rejected_count"] == 2, r.body[:300])
mt = admin.post("/api/v1/tokens", {"name": "m", "scope": "metrics:read"}).json["token"]
for _ in range(50):  # the monitor publishes its windows within a second
    m = bearer(srv.port, mt).get("/metrics").body
    if 'segment="q' in m:
        break
    time.sleep(0.2)
t.check("probe-6.10 Prometheus label values escaped", 'segment="q\\"u\\\\o"' in m and not re.search(r"(?m)^keel_fake", m)
        and "\r" not in m, [l for l in m.split("\n") if "q\\\"u" in l][:2])

# ---- probe-7 (held): bad bodies on every newer write route: a 4xx envelope, nothing changed, no crash
spec = admin.get("/api/v1/openapi.json").json
NEW = ("/api/v1/proposals", "/api/v1/definitions", "/api/v1/meetings", "/api/v1/committee", "/api/v1/compliance",
       "/api/v1/me/", "/api/v1/inbox", "/api/v1/switch", "/api/v1/systems/{system}/", "/api/v1/initiatives/{id}/pilot",
       "/api/v1/initiatives/{id}/rollouts", "/api/v1/initiatives/{id}/schedule", "/api/v1/kpis/{id}/unit-values",
       "/api/v1/training", "/api/v1/ethics-reviews", "/api/v1/webhooks", "/api/v1/settings", "/api/v1/radar")
BAD = [b"[" * 100000 + b"]" * 100000, b'{"a":' * 5000 + b"1" + b"}" * 5000, b'{"title": NaN, "value": Infinity}',
       b'{"title": "x", "value": 1e400, "fte": -1, "likelihood": 1e400}', b'{"owner_id": 99999999999999999999999}',
       b'{"title": 5, "name": ["x"], "rows": {}, "plan": 1, "action": []}', b'{"title": "a\\u0000b"}',
       b'{"title": "\xff\xfe"}', b'{"title": "\\ud800"}', b"not json", b"[]", b"null", b'{"x": 1} {"y": 2}']
before = snap()
n = 0
for path, item in sorted(spec["paths"].items()):
    if not path.startswith(NEW):
        continue
    for m in item:
        if m.upper() not in ("POST", "PUT", "PATCH"):
            continue
        p = path.replace("{id}", "1").replace("{system}", own_sys).replace("{key}", "llm-agents")
        for k, raw in enumerate(BAD):
            r = admin.request(m.upper(), p, raw=raw)
            n += 1
            t.check("probe-7.%d %s %s body %d" % (n, m.upper(), path, k),
                    400 <= r.status < 500 and r.error().get("message"), "%d %s" % (r.status, r.body[:200]))
t.check("probe-7.0 many routes tried", n > 300, n)
after = snap()
t.check("probe-7.00 nothing changed", after == before, [k for k in after if after[k] != before.get(k)])
t.check("probe-7.000 the server is up", srv.client().get("/healthz").status == 200)

# ---- probe-8 (held): sessions, CSRF, methods, caching on the newer state-changing routes
nocsrf = srv.client()
nocsrf.cookie = jonas.cookie
for m, p, b in (("POST", "/api/v1/inbox/read", {"all": True}), ("PATCH", "/api/v1/me/preferences", {"locale": "en"}),
                ("POST", "/api/v1/proposals/1/votes", {"vote": "for"}), ("POST", "/api/v1/tokens", {"name": "x", "scope": "write"}),
                ("PUT", "/api/v1/initiatives/%d/schedule" % min(mine), {"plan": []})):
    t.status("probe-8.1 %s %s without the CSRF token" % (m, p), nocsrf.request(m, p, b), 403, "forbidden", "X-CSRF-Token")


def raw_status(req):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.sendall(req)
    line = s.recv(4096).split(b"\r\n")[0]
    s.close()
    return line


for m in ("OPTIONS", "TRACE", "PROPFIND", "get"):
    line = raw_status(("%s /api/v1/inbox HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nConnection: close\r\n\r\n"
                       % (m, jonas.cookie)).encode())
    t.check("probe-8.2 %s refused" % m, b" 405 " in line, line)
line = raw_status(("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nX-HTTP-Method-Override: DELETE\r\nCookie: %s\r\n"
                   "Content-Length: 0\r\nConnection: close\r\n\r\n" % jonas.cookie).encode())
t.check("probe-8.3 no method override", jonas.get("/api/v1/session").status == 200, line)
for p in ("/api/v1/inbox", "/api/v1/me/preferences", "/api/v1/tokens", "/api/v1/session", "/api/v1/reports/board",
          "/api/v1/compliance/exports/register", "/api/v1/notifications/log"):
    r = admin.get(p)
    t.check("probe-8.4 %s not stored by caches" % p, r.status == 200 and r.header("Cache-Control") == "no-store",
            r.header("Cache-Control"))
# a query parameter given twice is refused (the first would win and the second be ignored without a word)
for pth in ("/api/v1/proposals?limit=1&limit=2", "/api/v1/initiatives?stage=idea&stage=pilot",
            "/api/v1/inbox?limit=5&limit=5"):
    r = admin.get(pth)
    key = pth.split("?")[1].split("=")[0]
    t.status("probe-8.5 %s refused" % pth, r, 400, "invalid", key)
t.status("probe-8.6 once is fine", admin.get("/api/v1/proposals?limit=1"), 200)
n_before = len(admin.get("/api/v1/initiatives?limit=200").json["items"])
r = admin.request("POST", "/api/v1/initiatives?x=1&x=1", {"title": "Given twice"})
t.status("probe-8.7 a write with a repeated parameter refused", r, 400, "invalid", "x")
t.check("probe-8.8 and nothing stored", len(admin.get("/api/v1/initiatives?limit=200").json["items"]) == n_before)
srv.stop()
t.done()
