# SPDX-License-Identifier: GPL-3.0-or-later
"""Prediction events over HTTP (issue 19), numbered ing-N.M: NDJSON and CSV
batches into a registered system, duplicates counted once, a bad line
refusing the batch (nothing stored) or with ?partial=1 only itself, late
labels, who may send (roles, the system's owner, token scopes), content
types and the 16 MiB cap, the windows read back equal to the events sent,
/metrics per system, versions the register lacks taken and flagged
(ing-10), and kill -9 during ingestion (several rounds): every
acknowledged event is counted exactly once after the restart."""
import json
import signal
import socket
import threading
import time
from prometheus_client.parser import text_string_to_metric_families
from keeltest import Server, Cases, bearer

t = Cases()
srv = Server()
a = srv.admin()

ids, c = {}, {}
for name, email, role in [("Olga Owner", "olga@i.example", "owner"), ("Otto Other", "otto@i.example", "owner"),
                          ("Lea Lead", "lea@i.example", "engineer"), ("Rita Risk", "rita@i.example", "risk"),
                          ("Vic Viewer", "vic@i.example", "viewer")]:
    p = a.post("/api/v1/people", {"name": name, "email": email})
    ids[email] = p.json["id"]
    r = a.post("/api/v1/accounts", {"email": email, "name": name, "role": role,
                                    "password": "password-123", "person_id": p.json["id"]})
    assert r.status == 201, r.body
    c[email] = srv.client()
    c[email].login(email, "password-123")
olga, otto, lea, rita, vic = (c[e] for e in ["olga@i.example", "otto@i.example", "lea@i.example",
                                              "rita@i.example", "vic@i.example"])
ini = a.post("/api/v1/initiatives", {"title": "Churn", "owner_id": ids["olga@i.example"]}).json["id"]
r = a.post("/api/v1/systems", {"name": "churn-scorer", "title": "Churn scorer", "initiative_id": ini,
                               "risk_tier": "limited", "tier_reason": "marketing only"})
t.status("ing-0.1", r, 201)
URL = "/api/v1/systems/churn-scorer/events"
NDJ = "application/x-ndjson"
T0 = 1796650000000


def ev(i, **kw):
    d = {"event_id": "e-%d" % i, "ts": T0 + i * 1000, "version": "v%d" % (i % 2), "latency_ms": 5 + i % 40,
         "score": ((i * 37) % 100 + 0.5) / 100}
    d["prediction"] = int(d["score"] >= 0.5)
    d.update(kw)
    return d


def ndjson(events):
    return ("\n".join(json.dumps(e) for e in events) + "\n").encode()


def stored(sql_where="1=1"):
    """Events in the stored day windows of the system after the flush:
    windows lag the log by about a second, more on a loaded machine, so
    read until two readings a second apart agree (at most 30 s)."""
    q = ("SELECT COALESCE(SUM(n),0), COALESCE(SUM(n_labeled),0) FROM monitor_window "
         "WHERE grain='day' AND " + sql_where)
    time.sleep(1.5)
    last = srv.sql(q)[0]
    for _ in range(30):
        time.sleep(1.0)
        now = srv.sql(q)[0]
        if now == last:
            break
        last = now
    return last


def gauges():
    """{(version, segment): {metric: value}} of churn-scorer in /metrics."""
    out = {}
    for f in text_string_to_metric_families(a.get("/metrics").body):
        if f.name.startswith("keel_window_"):
            for s in f.samples:
                if s.labels.get("system") == "churn-scorer":
                    out.setdefault((s.labels["version"], s.labels["segment"]), {})[s.name] = s.value
    return out


def latest_minutes():
    """The latest minute window of each (version, segment), from the windows API."""
    r = lea.get("/api/v1/systems/churn-scorer/monitor?grain=minute&limit=1000")
    best = {}
    for w in r.json["windows"]:
        k = (w["version"], w["segment"] or "")
        if k not in best or w["window_start"] > best[k]["window_start"]:
            best[k] = w
    return best


def same(g, w):
    pairs = [("keel_window_events", w["n"]), ("keel_window_start_seconds", w["window_start"] / 1000),
             ("keel_window_latency_p50_ms", w["p50"]), ("keel_window_mean_score", w["mean_score"]),
             ("keel_window_accuracy", w["accuracy"]), ("keel_window_auc", w["auc"])]
    return all((v is None and m not in g) or (v is not None and abs(g.get(m, float("nan")) - v) <= 1e-9 * max(1, abs(v)))
               for m, v in pairs)


# ---- ing-1: batches, duplicates, CSV, labels -------------------------------------
r = lea.request("POST", URL, raw=ndjson([ev(i) for i in range(100)]), ctype=NDJ)
t.status("ing-1.1", r, 200)
t.check("ing-1.2", r.json and r.json["accepted"] == 100 and r.json["duplicates"] == 0 and r.json["rejected"] == [],
        r.body[:300])
r = lea.request("POST", URL, raw=ndjson([ev(i) for i in range(50, 150)]), ctype=NDJ)
t.check("ing-1.3", r.status == 200 and r.json["accepted"] == 50 and r.json["duplicates"] == 50, r.body[:300])
csv = "event_id,ts,version,segment,latency_ms,score,label,f.age\n" + "".join(
    "c-%d,2026-12-07T10:%02d:00Z,v1,eu,%d,0.%d5,%d,%d\n" % (i, i % 60, 3 + i, i % 10, i % 2, 20 + i) for i in range(30))
r = lea.request("POST", URL, raw=csv.encode(), ctype="text/csv")
t.check("ing-1.4", r.status == 200 and r.json["accepted"] == 30, r.body[:300])
n, lab = stored()
t.check("ing-1.5", n == 180 and lab == 30, "stored %s %s" % (n, lab))
r = lea.request("POST", "/api/v1/systems/churn-scorer/labels", raw=b"event_id,label\ne-1,1\ne-2,0\ne-1,1\nnope,1\n",
                ctype="text/csv")
t.check("ing-1.6", r.status == 200 and r.json["accepted"] == 2 and r.json["duplicates"] == 1
        and r.json["unmatched"] == 1, r.body[:300])
n, lab = stored()
t.check("ing-1.7", n == 180 and lab == 32, "stored %s %s" % (n, lab))

# ---- ing-2: bad lines, partial -------------------------------------------------------
before = stored()
bad = ndjson([ev(1000), ev(1001)]) + b'{"event_id":"e-1002","ts":0,"version":"v0"}\n' + ndjson([ev(1003)])
r = lea.request("POST", URL, raw=bad, ctype=NDJ)
t.status("ing-2.1", r, 422, "invalid_lines", "latency_ms")
t.check("ing-2.2", r.json and r.json["accepted"] == 0 and r.json["rejected"][0]["line"] == 3
        and r.json["rejected"][0]["field"] == "latency_ms", r.body[:300])
t.check("ing-2.3", stored() == before)
r = lea.request("POST", URL + "?partial=1", raw=bad, ctype=NDJ)
t.check("ing-2.4", r.status == 200 and r.json["accepted"] == 3 and len(r.json["rejected"]) == 1, r.body[:300])
t.check("ing-2.5", stored()[0] == before[0] + 3)
r = lea.request("POST", URL, raw=ndjson([ev(1000)]), ctype=NDJ)  # refused earlier, taken by partial
t.check("ing-2.6", r.status == 200 and r.json["duplicates"] == 1)

# ---- ing-3: who may send -------------------------------------------------------------
one = lambda i: ndjson([ev(2000 + i)])
t.status("ing-3.1", olga.request("POST", URL, raw=one(1), ctype=NDJ), 200)
t.status("ing-3.2", otto.request("POST", URL, raw=one(2), ctype=NDJ), 403)
t.status("ing-3.3", rita.request("POST", URL, raw=one(3), ctype=NDJ), 403, "forbidden")
t.status("ing-3.4", vic.request("POST", URL, raw=one(4), ctype=NDJ), 403, "forbidden")
t.status("ing-3.5", srv.client().request("POST", URL, raw=one(5), ctype=NDJ), 401)
toks = {s: a.post("/api/v1/tokens", {"name": s, "scope": s}).json["token"] for s in ["ingest", "write", "read"]}
t.status("ing-3.6", bearer(srv.port, toks["ingest"]).request("POST", URL, raw=one(6), ctype=NDJ), 200)
t.status("ing-3.7", bearer(srv.port, toks["write"]).request("POST", URL, raw=one(7), ctype=NDJ), 200)
t.status("ing-3.8", bearer(srv.port, toks["read"]).request("POST", URL, raw=one(8), ctype=NDJ), 403, "forbidden")
t.status("ing-3.9", bearer(srv.port, toks["ingest"]).get("/api/v1/units"), 403, "forbidden")

# ---- ing-4: content types, size, unknown system --------------------------------------
t.status("ing-4.1", lea.request("POST", URL, raw=one(9), ctype="application/json"), 415)
# over 16 MiB: refused on the headers, before the body is read
sk = socket.create_connection(("127.0.0.1", srv.port))
sk.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nX-CSRF-Token: %s\r\n"
            "Content-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n"
            % (URL, lea.cookie, lea.csrf, 16 * 1024 * 1024 + 1)).encode())
head = sk.recv(4096).decode("latin-1")
sk.close()
t.check("ing-4.2", head.startswith("HTTP/1.1 413"), head[:200])
t.status("ing-4.3", lea.request("POST", "/api/v1/systems/no-such/events", raw=one(10), ctype=NDJ), 404)
t.status("ing-4.4", lea.request("POST", URL, raw=b"", ctype=NDJ), 200)

# ---- ing-5: windows read back ---------------------------------------------------------
n_stored = stored()[0]  # after the flush
r = lea.get("/api/v1/systems/churn-scorer/monitor?grain=day")
t.status("ing-5.1", r, 200)
total = sum(w["n"] for w in (r.json or {}).get("windows", []))
t.check("ing-5.2", total == n_stored, "%s vs %s" % (total, n_stored))
w = [x for x in r.json["windows"] if x["version"] == "v1" and x["segment"] == "eu"]
t.check("ing-5.3", w and w[0]["n"] == 30 and w[0]["p50"] is not None, str(w)[:300])

# ---- ing-10: versions the register does not have are taken and flagged ------------------
t.status("ing-10.1", a.post("/api/v1/systems/churn-scorer/versions", {"version": "v-reg"}), 201)
r = lea.request("POST", URL, raw=ndjson([ev(900000 + i, version="v-reg" if i % 2 else "v-new")
                                          for i in range(10)]), ctype=NDJ)
t.check("ing-10.2", r.status == 200 and r.json["accepted"] == 10 and r.json["unregistered_versions"] == ["v-new"],
        r.body[:300])
r = lea.request("POST", URL, raw=ndjson([ev(900100, version="v-reg")]), ctype=NDJ)
t.check("ing-10.3", r.status == 200 and r.json["unregistered_versions"] == [], r.body[:300])
stored()
w = {x["version"]: x["registered"] for x in lea.get("/api/v1/systems/churn-scorer/monitor?grain=day").json["windows"]
     if x["version"] in ("v-reg", "v-new")}
t.check("ing-10.4", w == {"v-reg": True, "v-new": False}, str(w))
# a late label refreshes the gauges of the latest minute it falls in (same window again)
k = ("v-reg", "")
before = gauges().get(k, {})
r = lea.request("POST", "/api/v1/systems/churn-scorer/labels", raw=b"event_id,label\ne-900100,1\n", ctype="text/csv")
t.check("ing-10.5", r.status == 200 and r.json["accepted"] == 1, r.body[:300])
stored()
for _ in range(20):
    g, lw = gauges(), latest_minutes()
    if "keel_window_accuracy" in g.get(k, {}):
        break
    time.sleep(0.5)
t.check("ing-10.6", "keel_window_accuracy" not in before and g[k].get("keel_window_accuracy") is not None
        and same(g[k], lw[k]) and g[k]["keel_window_start_seconds"] == before.get("keel_window_start_seconds"),
        "%s -> %s / %s" % (before, g.get(k), lw.get(k)))

# ---- ing-6: /metrics per system ---------------------------------------------------------
fams = {f.name: f for f in text_string_to_metric_families(a.get("/metrics").body)}
evs = [s for s in fams["keel_window_events"].samples if s.labels.get("system") == "churn-scorer"]
t.check("ing-6.1", len(evs) >= 2, str(evs)[:300])
got = [s.value for s in fams["keel_ingest_events"].samples if s.name == "keel_ingest_events_total"]
t.check("ing-6.2", got and got[0] >= 180, str(got))
t.check("ing-6.3", all({"system", "version", "segment"} <= set(s.labels) for s in evs), str(evs)[:300])
st = [s.value for s in fams["keel_window_start_seconds"].samples
      if s.labels.get("system") == "churn-scorer"]
t.check("ing-6.4", st and all(1e9 < v < 1e11 and v == int(v) for v in st), str(st)[:300])  # seconds


# the gauges are each key's latest minute window, as the windows API reads it
g, lw = gauges(), latest_minutes()
t.check("ing-6.5", g and set(g) == set(lw) and all(same(g[k], lw[k]) for k in g),
        "%s\n%s" % (str(g)[:600], str(lw)[:600]))

# ---- ing-8: keel ingest (--url) and keel monitor ---------------------------------------
import os
import subprocess
from keeltest import KEEL
evf = os.path.join(srv.dir, "events.ndjson")
with open(evf, "wb") as f:
    f.write(ndjson([ev(5000 + i) for i in range(12000)]))
tokf = os.path.join(srv.dir, "tok")
with open(tokf, "w") as f:
    f.write(toks["ingest"] + "\n")
p = subprocess.run([KEEL, "ingest", "--url", "http://127.0.0.1:%d" % srv.port, "--token-file", tokf,
                    "--system", "churn-scorer", "--json", evf], capture_output=True, text=True, env=srv.env)
out = json.loads(p.stdout or "{}")
t.check("ing-8.1", p.returncode == 0 and out.get("accepted") == 12000, p.stdout + p.stderr)
p = subprocess.run([KEEL, "ingest", "--url", "http://127.0.0.1:%d" % srv.port, "--token-file", tokf,
                    "--system", "churn-scorer", evf], capture_output=True, text=True, env=srv.env)
t.check("ing-8.2", p.returncode == 0 and "0 accepted, 12000 duplicates" in p.stdout, p.stdout + p.stderr)
p = subprocess.run([KEEL, "ingest", "--db", srv.db, "--system", "churn-scorer", evf],
                   capture_output=True, text=True, env=srv.env)
t.check("ing-8.3", p.returncode != 0 and "in use by another keel" in p.stderr, p.stdout + p.stderr)
with open(evf, "ab") as f:
    f.write(b'{"event_id":"bad","ts":0,"version":"v0"}\n')
p = subprocess.run([KEEL, "ingest", "--url", "http://127.0.0.1:%d" % srv.port, "--token-file", tokf,
                    "--system", "churn-scorer", evf], capture_output=True, text=True, env=srv.env)
t.check("ing-8.4", p.returncode == 2 and "line 12001: latency_ms" in p.stderr, p.stdout + p.stderr)
time.sleep(1.5)
n_day = stored()[0]  # first: the windows lag the log (more on a loaded machine)
p = subprocess.run([KEEL, "monitor", "--db", srv.db, "--system", "churn-scorer", "--grain", "day", "--json"],
                   capture_output=True, text=True, env=srv.env)
wins = json.loads(p.stdout or "{}").get("windows", [])
t.check("ing-8.5", p.returncode == 0 and sum(w["n"] for w in wins) == n_day, p.stdout[:300] + p.stderr)
p = subprocess.run([KEEL, "monitor", "--db", srv.db, "--system", "churn-scorer"], capture_output=True,
                   text=True, env=srv.env)
t.check("ing-8.6", p.returncode == 0 and "p99 ms" in p.stdout and "v1" in p.stdout, p.stdout[:300] + p.stderr)

# ---- ing-7: kill -9 while ingesting, several rounds --------------------------------------
tok = toks["ingest"]
acked, lock = set(), threading.Lock()
base_n = stored()[0]
for rnd in range(3):
    stop = threading.Event()

    def writer(w):
        cl = bearer(srv.port, tok)
        b = 0
        while not stop.is_set():
            batch = [ev(10 ** 6 * (rnd + 1) + w * 10 ** 5 + b * 500 + i) for i in range(500)]
            try:
                r = cl.request("POST", URL, raw=ndjson(batch), ctype=NDJ)
            except OSError:
                break
            if r.status == 200:
                with lock:
                    acked.update(e["event_id"] for e in batch)
            b += 1

    th = [threading.Thread(target=writer, args=(w,)) for w in range(2)]
    for x in th:
        x.start()
    time.sleep(0.8 + 0.3 * rnd)
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait()
    stop.set()
    for x in th:
        x.join()
    srv = Server(db=srv.db)  # the same database and event log
    n = stored()[0] - base_n
    # n and acked count every round so far; each round may store at most
    # one unacknowledged batch per writer (the one in flight at the kill)
    t.check("ing-7.%d.1" % rnd, n >= len(acked) and n <= len(acked) + (rnd + 1) * 2 * 500,
            "round %d: stored %d, acknowledged %d" % (rnd, n, len(acked)))
# every acknowledged event is known: sent again, each is a duplicate, the windows do not move
before = stored()[0]
ack = sorted(acked)
cl = bearer(srv.port, tok)
dups = 0
for i in range(0, len(ack), 5000):
    batch = [ev(int(x[2:])) for x in ack[i:i + 5000]]
    r = cl.request("POST", URL, raw=ndjson(batch), ctype=NDJ)
    dups += r.json["duplicates"] if r.status == 200 else 0
t.check("ing-7.9", dups == len(ack) and stored()[0] == before, "%d of %d duplicates" % (dups, len(ack)))
t.check("ing-9.1", srv.stop() == 0)
t.done()
