# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of the human-override switch (issue 18), numbered (sw-N.M):
a switch from registration (off until the launch gate passes), flips with
their validation (state, percent 0-100 only with percent, fallback, a
reason), the roles that flip and a switch:read token that reaches the
read and nothing else, the in-memory read with ETag / If-None-Match, a
second server on the same database seeing a flip within 100 ms, an
ethics review's suspend flipping it off, concurrent flips and reads (no
torn answer: every read is a state some flip committed), history, the
production board, switch tests as launch evidence, a server that lost its
database answering the last known state and saying so in /healthz.
Refusals leave the database unchanged."""
import http.client
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from keeltest import Server, Cases, bearer

t = Cases()
srv = Server()
a = srv.admin()

ids, c = {}, {}
for name, email, role in [
        ("Ceo Chair", "ceo@s.example", "committee"), ("Olga Owner", "olga@s.example", "owner"),
        ("Otto Other", "otto@s.example", "owner"), ("Lea Lead", "lea@s.example", "engineer"),
        ("Rita Risk", "rita@s.example", "risk"), ("Vic Viewer", "vic@s.example", "viewer")]:
    p = a.post("/api/v1/people", {"name": name, "email": email})
    ids[email] = p.json["id"]
    r = a.post("/api/v1/accounts", {"email": email, "name": name, "role": role,
                                    "password": "password-123", "person_id": p.json["id"]})
    assert r.status == 201, r.body
    c[email] = srv.client()
    c[email].login(email, "password-123")
ceo, olga, otto, lea, rita, vic = (c[e + "@s.example"] for e in ["ceo", "olga", "otto", "lea", "rita", "vic"])

ini = a.post("/api/v1/initiatives", {"title": "Support assistant", "owner_id": ids["olga@s.example"]}).json["id"]
for name in ["chatbot", "pricing", "late-model"]:
    r = a.post("/api/v1/systems", {"name": name, "title": name.title(), "initiative_id": ini,
                                   "risk_tier": "limited", "tier_reason": "customer facing"})
    assert r.status == 201, r.body
    a.post("/api/v1/systems/%s/versions" % name, {"version": "1.0"})
future = (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%d")
S = "/api/v1/switch/chatbot"

# ---- sw-1: a switch from registration, off until the launch gate passes ----
r = vic.get(S)
t.status("sw-1.1", r, 200)
t.check("sw-1.2", r.json == {"system": "chatbot", "state": "off", "percent": 0,
                             "fallback": "human_review", "version": 0, "etag": r.json["etag"]}, r.body)
t.check("sw-1.3", r.header("ETag") == '"%s"' % r.json["etag"], r.header("ETag"))
before = srv.snapshot()
t.status("sw-1.4", rita.request("PUT", S, {"state": "on", "reason": "go"}), 409, "conflict", "state")
t.check("sw-1.5", srv.snapshot() == before)
t.status("sw-1.6", rita.request("PUT", S, {"state": "off", "reason": "confirm off"}), 200)
r = ceo.post("/api/v1/systems/chatbot/overrides", {"stage": "launch", "reason": "pilot in one branch",
                                                   "expires_at": future})
t.check("sw-1.7", r.status in (200, 201), r.status)
ceo.post("/api/v1/systems/pricing/overrides", {"stage": "launch", "reason": "pilot in one region", "expires_at": future})

# ---- sw-2: validation ----
before = srv.snapshot()
for case, body, field in [
        ("sw-2.1", {"state": "percent", "percent": 101, "reason": "x"}, "percent"),
        ("sw-2.2", {"state": "percent", "percent": -1, "reason": "x"}, "percent"),
        ("sw-2.3", {"state": "percent", "percent": 20.5, "reason": "x"}, "percent"),
        ("sw-2.4", {"state": "percent", "reason": "x"}, "percent"),
        ("sw-2.5", {"state": "on", "percent": 50, "reason": "x"}, "percent"),
        ("sw-2.6", {"state": "on"}, "reason"),
        ("sw-2.7", {"state": "on", "reason": "   "}, "reason"),
        ("sw-2.8", {"state": "dimmed", "reason": "x"}, "state"),
        ("sw-2.9", {"state": "off", "fallback": "coin_toss", "reason": "x"}, "fallback"),
        ("sw-2.10", {"state": "off", "reason": "x", "colour": "red"}, "colour"),
        ("sw-2.11", {"state": "on", "reason": "x" * 2001}, "reason")]:
    t.status(case, rita.request("PUT", S, body), 400, "invalid", field)
t.status("sw-2.12", rita.request("PUT", "/api/v1/switch/no-such-system", {"state": "off", "reason": "x"}), 404, "not_found")
t.status("sw-2.13", vic.get("/api/v1/switch/no-such-system"), 404, "not_found")
t.status("sw-2.14", rita.request("PUT", S, raw=b"not json"), 400, "invalid")
t.check("sw-2.15", srv.snapshot() == before)

# ---- sw-3: flips, roles and history ----
r = rita.request("PUT", S, {"state": "shadow", "fallback": "human_review", "reason": "answers drifted; humans answer while we watch"})
t.status("sw-3.1", r, 200)
t.check("sw-3.2", r.json["state"] == "shadow" and r.json["percent"] == 0 and r.json["version"] == 2, r.body)
r = vic.get(S)  # a read after the flip's 2xx sees it
t.check("sw-3.3", r.json["state"] == "shadow" and r.json["version"] == 2, r.body)
r = olga.request("PUT", S, {"state": "percent", "percent": 20, "reason": "ramp up again"})
t.status("sw-3.4", r, 200)
t.check("sw-3.5", r.json["state"] == "percent" and r.json["percent"] == 20 and r.json["fallback"] == "human_review", r.body)
before = srv.snapshot()
t.status("sw-3.6", otto.request("PUT", S, {"state": "off", "reason": "not mine"}), 403)
t.status("sw-3.7", lea.request("PUT", S, {"state": "off", "reason": "engineer"}), 403, "forbidden")
t.status("sw-3.8", vic.request("PUT", S, {"state": "off", "reason": "viewer"}), 403, "forbidden")
t.check("sw-3.9", srv.snapshot() == before)
t.status("sw-3.10", ceo.request("PUT", S, {"state": "on", "fallback": "rules", "reason": "committee: back to full"}), 200)
t.status("sw-3.11", a.request("PUT", S, {"state": "off", "reason": "admin: incident 42"}), 200)
r = vic.get(S + "/history")
t.status("sw-3.12", r, 200)
items = r.json["items"]
t.check("sw-3.13", [x["state"] for x in items] == ["off", "on", "percent", "shadow", "off"]
        and items[0]["actor"] == "admin@example.com" and items[0]["reason"] == "admin: incident 42"
        and items[2]["actor"] == "olga@s.example" and items[0]["fallback"] == "rules"
        and all(x["created_at"] for x in items), items)
t.status("sw-3.14", vic.get(S + "/history?limit=0"), 400, "invalid", "limit")
t.check("sw-3.15", len(vic.get(S + "/history?limit=2").json["items"]) == 2)
audit = srv.sql("SELECT count(*) FROM audit WHERE entity = 'switch_flip'")[0][0]
t.check("sw-3.16", audit == 5, audit)
board = vic.get("/api/v1/switch")
t.status("sw-3.17", board, 200)
row = [x for x in board.json["items"] if x["system"] == "chatbot"][0]
t.check("sw-3.18", row["state"] == "off" and row["reason"] == "admin: incident 42" and row["actor"] == "admin@example.com"
        and len(board.json["items"]) == 3, board.body)

# ---- sw-4: ETag and If-None-Match ----
r1 = vic.get(S)
etag = r1.header("ETag")
r2 = vic.get(S, headers={"If-None-Match": etag})
t.check("sw-4.1", r2.status == 304 and r2.body == "" and r2.header("ETag") == etag, (r2.status, r2.body))
t.check("sw-4.2", vic.get(S, headers={"If-None-Match": '"0-0"'}).status == 200)
rita.request("PUT", S, {"state": "percent", "percent": 5, "reason": "canary"})
r3 = vic.get(S, headers={"If-None-Match": etag})
t.check("sw-4.3", r3.status == 200 and r3.header("ETag") != etag and r3.json["percent"] == 5, r3.body)
t.check("sw-4.4", r3.header("Cache-Control") == "no-cache", r3.header("Cache-Control"))

# ---- sw-5: a switch:read token reaches the read and nothing else ----
tok = a.post("/api/v1/tokens", {"name": "serving", "scope": "switch:read"}).json["token"]
b = bearer(srv.port, tok)
t.status("sw-5.1", b.get(S), 200)
t.check("sw-5.2", b.get(S, headers={"If-None-Match": r3.header("ETag")}).status == 304)
for case, method, path in [("sw-5.3", "GET", "/api/v1/switch"), ("sw-5.4", "GET", S + "/history"),
                           ("sw-5.5", "GET", "/api/v1/systems"), ("sw-5.6", "PUT", S)]:
    t.status(case, b.request(method, path, {"state": "off", "reason": "x"} if method == "PUT" else None), 403, "forbidden")
t.status("sw-5.7", srv.client().get(S), 401)

# ---- sw-6: reads are counted, not logged one by one ----
for _ in range(20):
    b.get(S)
srv.log.flush()
srv.log.seek(0)
logged = [l for l in srv.log.read().splitlines()
          if " GET /api/v1/switch/chatbot 200 " in l or " GET /api/v1/switch/chatbot 304 " in l]
t.check("sw-6.1", logged == [], logged[:3])
m = a.get("/metrics").body
line = [l for l in m.splitlines() if 'route="GET /api/v1/switch/{system}"' in l and 'code="2xx"' in l]
t.check("sw-6.2", line and float(line[0].rsplit(" ", 1)[1]) >= 20, line or m[:400])

# ---- sw-7: a second server on the same database sees a flip within 100 ms ----
srv2 = Server(db=srv.db)
p2 = srv2.client()
p2.token = tok
t.check("sw-7.1", p2.get(S).json["percent"] == 5)
r = rita.request("PUT", S, {"state": "percent", "percent": 37, "reason": "seen elsewhere?"})
t0 = time.monotonic()
seen = None
while time.monotonic() - t0 < 2:
    x = p2.get(S).json
    if x["percent"] == 37:
        seen = time.monotonic() - t0
        break
# the 100 ms promise is a figure (bench/); here: seen, and printed
print("sw-7.2 a second server saw the flip after %s s" % seen)
t.check("sw-7.2", seen is not None and seen < 2, seen)
h = p2.get("/healthz").json
t.check("sw-7.3", h["switch"]["stale"] is False and h["switch"]["age_ms"] < 1000, h)
srv2.stop()

# ---- sw-8: concurrent flips and reads: no torn answer ----
committed, reads, errors = {}, [], []
lock = threading.Lock()


def flipper(k):
    cl = [rita, ceo][k]
    for i in range(15):
        pct = (k * 50 + i) % 101
        fb = ["rules", "human_review", "previous_version"][i % 3]
        r = cl.request("PUT", S, {"state": "percent", "percent": pct, "fallback": fb, "reason": "load %d.%d" % (k, i)})
        if r.status != 200:
            errors.append(r.body)
            continue
        with lock:
            committed[r.json["version"]] = (r.json["state"], r.json["percent"], r.json["fallback"], r.json["etag"])
            after = vic_conn_read()
            # a read that starts after a flip's 200 sees that flip or a later one
            if after["version"] < r.json["version"]:
                errors.append("read after flip %d saw %d" % (r.json["version"], after["version"]))


def vic_conn_read():
    return b.get(S).json


def reader():
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    for _ in range(150):
        conn.request("GET", S, headers={"Authorization": "Bearer " + tok})
        resp = conn.getresponse()
        body = resp.read()
        reads.append((json.loads(body), resp.getheader("ETag")))
    conn.close()


pre = vic.get(S).json
committed[pre["version"]] = (pre["state"], pre["percent"], pre["fallback"], pre["etag"])
th = [threading.Thread(target=flipper, args=(k,)) for k in range(2)] + [threading.Thread(target=reader) for _ in range(3)]
for x in th:
    x.start()
for x in th:
    x.join()
t.check("sw-8.1", not errors, errors[:3])
torn = [(o, e) for o, e in reads
        if committed.get(o["version"]) != (o["state"], o["percent"], o["fallback"], o["etag"]) or e != '"%s"' % o["etag"]]
# every read is a version some flip answered, with that flip's values (each
# flip answers its own version, built from the row it wrote)
t.check("sw-8.2", len(reads) == 450 and not torn, torn[:3])
t.check("sw-8.4", len(committed) == 31 and sorted(committed) == list(range(pre["version"], pre["version"] + 31)),
        sorted(committed))
hist = vic.get(S + "/history?limit=1000").json["items"]
t.check("sw-8.3", [x["version"] for x in hist] == list(range(len(hist), 0, -1)), [x["version"] for x in hist][:10])

# ---- sw-9: an ethics review's suspend flips the switch off ----
rita.request("PUT", "/api/v1/switch/pricing", {"state": "percent", "percent": 20, "reason": "A/B at 20%"})
today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
r = rita.post("/api/v1/systems/pricing/ethics-reviews", {"board": "Ethics board", "held_on": today,
                                                        "findings": "discriminatory prices", "decision": "suspend"})
t.status("sw-9.1", r, 201)
r = vic.get("/api/v1/switch/pricing")
t.check("sw-9.2", r.json["state"] == "off" and r.json["percent"] == 0 and r.json["version"] == 2, r.body)
h = vic.get("/api/v1/switch/pricing/history").json["items"][0]
t.check("sw-9.3", h["cause"] == "ethics_review:%d" % srv.sql("SELECT max(id) FROM ethics_review")[0][0]
        and "suspended by the ethics review" in h["reason"] and h["actor"] == "rita@s.example", h)
t.status("sw-9.4", rita.request("PUT", "/api/v1/switch/pricing", {"state": "on", "reason": "try"}), 409, "conflict", "state")

# ---- sw-10: switch tests ----
T = "/api/v1/systems/chatbot/switch-tests"
before = srv.snapshot()
t.status("sw-10.1", rita.post(T, {"result": "maybe"}), 400, "invalid", "result")
t.status("sw-10.2", rita.post(T, {"result": "pass", "extra": 1}), 400, "invalid", "extra")
t.status("sw-10.3", lea.post(T, {"result": "pass"}), 403, "forbidden")
t.status("sw-10.4", rita.post("/api/v1/systems/nope/switch-tests", {"result": "pass"}), 404, "not_found")
t.check("sw-10.5", srv.snapshot() == before)
r = vic.get(T)
t.check("sw-10.6", r.status == 200 and r.json["items"] == [] and r.json["evidence"] is None, r.body)
r = rita.post(T, {"result": "pass", "environment": "staging", "note": "flipped to human review and back"})
t.status("sw-10.7", r, 201)
t.check("sw-10.8", r.json["result"] == "pass" and r.json["actor"] == "rita@s.example", r.body)
rita.post(T, {"result": "fail", "environment": "staging"})
r = vic.get(T).json
t.check("sw-10.9", len(r["items"]) == 2 and r["evidence"]["result"] == "pass", r)
def gate_req():
    g = vic.get("/api/v1/systems/chatbot/gates/launch").json
    return [x for x in g["requirements"] if x["id"] == "switch_test"][0]


g = gate_req()
t.check("sw-10.10", g["state"] == "met" and g["switch_test_id"] == r["evidence"]["id"], g)
srv.write_sql("UPDATE switch_test SET created_at = '2020-01-01T00:00:00Z' WHERE result = 'pass'")
t.check("sw-10.11", vic.get(T).json["evidence"] is None)
t.check("sw-10.12", gate_req()["state"] == "stale", gate_req())
g = vic.get("/api/v1/systems/late-model/gates/launch").json
t.check("sw-10.13", [x["state"] for x in g["requirements"] if x["id"] == "switch_test"] == ["missing"], g)

# ---- sw-11: the database lost (for the switch): reads answer from the last
# known state, and /healthz says how old it is ----
last = b.get(S).json
srv.write_sql("DROP TABLE change_counter")
deadline, h = time.monotonic() + 10, None
while time.monotonic() < deadline:
    h = srv.client().get("/healthz").json
    if h.get("switch", {}).get("stale"):
        break
    time.sleep(0.1)
t.check("sw-11.1 /healthz says the switch state is stale", h["switch"]["stale"] is True and h["switch"]["age_ms"] >= 1000, h)
r = b.get(S)
t.check("sw-11.2 ... and reads still answer the last known state", r.status == 200 and r.json == last, r.body)
srv.stop()
t.done()
