# SPDX-License-Identifier: GPL-3.0-or-later
"""Baselines and decay findings over HTTP (issue 20), numbered dec-N.M:
a version's baseline frozen on demand per segment (and '*' for all),
stored with its histograms; detection run now finds a sudden drop in one
segment with the drifted input named, a new segment failing against the
all-segment baseline, and nothing in a steady segment; the numbers (drop,
its Wald interval) checked against statsmodels; `keel monitor --json`
carries the findings; the monitor.decay job; who may freeze."""
import json
import math
import random
import subprocess
import time
from statsmodels.stats.proportion import confint_proportions_2indep
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()
for email, role in [("vic@d.example", "viewer"), ("erin@d.example", "engineer")]:
    a.post("/api/v1/accounts", {"email": email, "name": role, "role": role, "password": "password-123"})
vic = srv.client()
vic.login("vic@d.example", "password-123")
ini = a.post("/api/v1/initiatives", {"title": "Shop"}).json["id"]
r = a.post("/api/v1/systems", {"name": "recsys", "title": "Recommender", "initiative_id": ini,
                               "risk_tier": "limited", "tier_reason": "marketing only"})
t.status("dec-0.1", r, 201)

DAY = 86400000
NOW = int(time.time() * 1000)
START = NOW // DAY * DAY - 62 * DAY  # UTC midnight: each day's events keep their date at any hour
rng = random.Random(20)
events, truth = [], {}


def day_of(i):
    return START + i * DAY + 3600000


# 63 days; web steady at 0.80; app 0.80 then 0.62 in the last 7 days with
# input x moved; kiosk appears on day 50 at 0.50
for d in range(63):
    for seg, n in [("web", 120), ("app", 120), ("kiosk", 60 if d >= 50 else 0)]:
        for j in range(n):
            if seg == "web":
                p, x = 0.80, rng.gauss(10, 2)
            elif seg == "app":
                late = d >= 56
                p, x = (0.62 if late else 0.80), rng.gauss(16 if late else 10, 2)
            else:
                p, x = 0.50, rng.gauss(10, 2)
            ok = rng.random() < p
            pred = rng.randint(0, 1)
            label = pred if ok else 1 - pred
            key = (seg, "late" if d >= 56 else "base" if d < 7 else "mid")
            c = truth.setdefault(key, [0, 0])
            c[0] += ok
            c[1] += 1
            events.append({"event_id": "%s-%d-%d" % (seg, d, j), "ts": day_of(d) + j * 1000,
                           "version": "v1", "segment": seg, "latency_ms": 20 + j % 7,
                           "score": rng.random(), "prediction": pred, "label": label,
                           "f.x": round(abs(x), 3), "f.y": rng.randint(1, 5)})
for k in range(0, len(events), 5000):
    body = ("\n".join(json.dumps(e) for e in events[k:k + 5000]) + "\n").encode()
    r = a.request("POST", "/api/v1/systems/recsys/events", raw=body, ctype="application/x-ndjson")
    t.status("dec-0.2", r, 200)


def stored():
    for _ in range(60):
        n = srv.sql("SELECT COALESCE(SUM(n),0) FROM monitor_window WHERE grain='day'")[0][0]
        if n == len(events):
            return n
        time.sleep(0.5)
    return n


t.check("dec-0.3", stored() == len(events))

# ---- dec-1: freezing -------------------------------------------------------------
t.status("dec-1.1", vic.post("/api/v1/systems/recsys/baselines", {}), 403, "forbidden")
t.status("dec-1.2", a.post("/api/v1/systems/recsys/baselines", {"from": "yesterday"}), 400,
         "invalid", "from")
t.status("dec-1.3", a.post("/api/v1/systems/recsys/baselines", {"colour": 1}), 400, "invalid", "colour")
t.status("dec-1.4", a.post("/api/v1/systems/recsys/baselines", {"version": "v9"}), 409)
t.check("dec-1.5", srv.sql("SELECT COUNT(*) FROM monitor_baseline")[0][0] == 0)
t0 = time.strftime("%Y-%m-%d", time.gmtime(START / 1000))
t1 = time.strftime("%Y-%m-%d", time.gmtime((START + 7 * DAY) / 1000))
r = a.post("/api/v1/systems/recsys/baselines", {"from": t0, "to": t1, "reason": "first week"})
t.status("dec-1.6", r, 201)
segs = sorted(b["segment"] for b in (r.json or {}).get("items", []))
t.check("dec-1.7", segs == ["*", "app", "web"], str(segs))
b = {x["segment"]: x for x in r.json["items"]}
acc = truth[("web", "base")]
t.check("dec-1.8", abs(b["web"]["accuracy"] - acc[0] / acc[1]) < 1e-12 and b["web"]["n_labeled"] == acc[1],
        str(b["web"]))
agg = srv.sql("SELECT agg FROM monitor_baseline WHERE segment='app'")[0][0]
flines = [ln for ln in agg.split("\n") if ln.startswith("f ")]
t.check("dec-1.9", sorted(ln.rsplit(" ", 1)[1] for ln in flines) == ["x", "y"] and
        all(";n=840;" in ln for ln in flines), agg[-400:])
t.check("dec-1.10", srv.sql("SELECT COUNT(*) FROM audit WHERE action='freeze'")[0][0] == 1)

# ---- dec-2: detection ---------------------------------------------------------------------
r = a.post("/api/v1/systems/recsys/decay")
t.status("dec-2.1", r, 200)
fs = (r.json or {}).get("findings", [])
by = {(f["kind"], f["metric"], f["segment"]): f for f in fs}
t.check("dec-2.2", ("decay", "accuracy", "app") in by, json.dumps(fs)[:800])
t.check("dec-2.3", not any(f["segment"] == "web" for f in fs), json.dumps(fs)[:800])
t.check("dec-2.4", ("segment_failure", "accuracy", "kiosk") in by, json.dumps(fs)[:800])
f = by.get(("decay", "accuracy", "app"), {})
t.check("dec-2.5", [x["input"] for x in f.get("drifted_inputs", [])][:1] == ["x"], json.dumps(f))
base, late = truth[("app", "base")], truth[("app", "late")]
lo, hi = confint_proportions_2indep(late[0], late[1], base[0], base[1], method="wald", compare="diff")
t.check("dec-2.6", f and abs(f["baseline"] - base[0] / base[1]) < 1e-12
        and abs(f["current"] - late[0] / late[1]) < 1e-12, json.dumps(f))
t.check("dec-2.7", f and abs(f["ci"][0] - lo) < 1e-9 and abs(f["ci"][1] - hi) < 1e-9,
        "%s vs %s %s" % (f.get("ci"), lo, hi))
t.check("dec-2.8", f.get("test") == "change_point" and f.get("false_alarm_rate") == 0.01, json.dumps(f))
t.check("dec-2.9", "y" not in [x["input"] for x in f.get("drifted_inputs", [])], json.dumps(f))

# ---- dec-3: the CLI and the job --------------------------------------------------------------
p = subprocess.run([KEEL, "monitor", "--db", srv.db, "--system", "recsys", "--json"], env=srv.env,
                   capture_output=True, text=True)
j = json.loads(p.stdout or "{}")
keys = set()
for x in j.get("findings", []):
    keys |= set(x)
t.check("dec-3.1", p.returncode == 0 and len(j.get("findings", [])) == len(fs) and
        {"kind", "metric", "segment", "baseline", "current", "ci", "drifted_inputs"} <= keys,
        p.stdout[:500] + p.stderr)
srv.write_sql("DELETE FROM monitor_finding")
r = a.post("/api/v1/jobs/monitor.decay")
t.status("dec-3.2", r, 200)
t.check("dec-3.3", srv.sql("SELECT COUNT(*) FROM monitor_finding")[0][0] == len(fs))
t.status("dec-3.4", vic.get("/api/v1/findings"), 200)
t.check("dec-3.5", len(vic.get("/api/v1/findings").json["findings"]) == len(fs))

p = subprocess.run([KEEL, "monitor", "--db", srv.db, "--system", "recsys", "--detect"], env=srv.env,
                   capture_output=True, text=True)
t.check("dec-3.6", p.returncode == 0 and "inputs moved: x" in p.stdout and "segment_failure" in p.stdout,
        p.stdout[-800:] + p.stderr)
p = subprocess.run([KEEL, "monitor", "--db", srv.db, "--system", "recsys", "--freeze-baseline",
                    "--version", "v7"], env=srv.env, capture_output=True, text=True)
t.check("dec-3.7", p.returncode == 2 and "no day windows" in p.stderr, p.stderr)

# ---- dec-4: findings raise retraining actions, one per finding (path 5) --------------------
t.check("dec-4.1", vic.get("/api/v1/actions").json["items"] == [], "no owner: no action")
person = a.post("/api/v1/people", {"name": "Otto Owner", "email": "otto@d.example"}).json["id"]
a.patch("/api/v1/initiatives/%d" % ini, {"owner_id": person})
a.post("/api/v1/systems/recsys/decay")
acts = vic.get("/api/v1/actions?system=recsys").json["items"]
keys = sorted(x["source_key"] for x in acts)
want = sorted("%s:recsys:%s:%s" % (f["kind"], f["segment"], f["metric"]) for f in fs
              if f["kind"] in ("decay", "segment_failure", "drift"))
t.check("dec-4.2", keys == want and all(x["kind"] == "retraining" and x["source"] == "finding"
                                        and x["owner_id"] == person for x in acts), (keys, want))
a.post("/api/v1/systems/recsys/decay")
a.post("/api/v1/jobs/monitor.decay")
t.check("dec-4.3", len(vic.get("/api/v1/actions?system=recsys").json["items"]) == len(acts),
        "a finding evaluated again raised a second action")
# ---- dec-5: the launch gate freezes the baseline ------------------------------------------
a.post("/api/v1/systems", {"name": "launcher", "title": "Launcher", "initiative_id": ini,
                           "risk_tier": "limited", "tier_reason": "internal"})
a.post("/api/v1/systems/launcher/versions", {"version": "1.0"})
evs = [{"event_id": "l-%d" % i, "ts": NOW - (i % 3) * DAY, "version": "1.0", "segment": "eu", "latency_ms": 9,
        "prediction": 1, "label": i % 4 != 0} for i in range(300)]
r = a.request("POST", "/api/v1/systems/launcher/events", raw=("\n".join(json.dumps(e) for e in evs) + "\n").encode(),
              ctype="application/x-ndjson")
t.status("dec-5.1", r, 200)
for _ in range(60):
    if srv.sql("SELECT COALESCE(SUM(n),0) FROM monitor_window w JOIN ai_system s ON s.id = w.system_id "
               "WHERE s.name = 'launcher' AND grain = 'day'")[0][0] == 300:
        break
    time.sleep(0.5)
future = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400))
for stage in ["training", "pre_launch", "launch"]:
    a.post("/api/v1/systems/launcher/overrides", {"stage": stage, "reason": "test of the launch hook",
                                                  "expires_at": future})
    r = a.post("/api/v1/systems/launcher/transition", {"to": stage, "reason": "through the override"})
    t.status("dec-5.2 " + stage, r, 200)
rows = srv.sql("SELECT b.segment, b.n_labeled, b.accuracy, b.reason FROM monitor_baseline b JOIN ai_system s ON "
               "s.id = b.system_id WHERE s.name = 'launcher' ORDER BY b.segment")
t.check("dec-5.3", [(x[0], x[1], x[3]) for x in rows] == [("*", 300, "launch gate passed"), ("eu", 300, "launch gate passed")]
        and abs(rows[0][2] - 0.75) < 1e-12, rows)

t.check("dec-9.1", srv.stop() == 0)
t.done()
