# SPDX-License-Identifier: GPL-3.0-or-later
"""Alert rules, signed webhooks and switch trips over HTTP (issue 20),
numbered al-N.M: webhooks are admin-only and answer their secret once;
a threshold rule with a `for` duration stays pending, then fires, then
resolves (history kept); a rule that flaps (holds, then not, within its
duration) never fires; deliveries reach a real HTTP receiver started
here, signed (HMAC-SHA256 checked with Python's hmac), retried with
backoff after 500s and logged with every status; a rule with
trip_switch flips the system's switch off (audited, the rule as reason)
and leaves a trip that a risk officer confirms or reverts; a no_data
rule; role rows."""
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from keeltest import Server, Cases

t = Cases()
srv = Server()
a = srv.admin()
ids, c = {}, {}
for name, email, role in [("Olga Owner", "olga@al.example", "owner"), ("Rita Risk", "rita@al.example", "risk"),
                          ("Erin Eng", "erin@al.example", "engineer"), ("Vic Viewer", "vic@al.example", "viewer")]:
    p = a.post("/api/v1/people", {"name": name, "email": email})
    a.post("/api/v1/accounts", {"email": email, "name": name, "role": role, "password": "password-123",
                                "person_id": p.json["id"]})
    ids[email] = p.json["id"]
    c[role] = srv.client()
    c[role].login(email, "password-123")
ini = a.post("/api/v1/initiatives", {"title": "Maint", "owner_id": ids["olga@al.example"]}).json["id"]
t.status("al-0.1", a.post("/api/v1/systems", {"name": "press-guard", "title": "Press guard", "initiative_id": ini,
                                              "risk_tier": "limited", "tier_reason": "plant"}), 201)

# ---- a real receiver: answers 500 to the first FAILS posts, then 200 ----
got, lock = [], threading.Lock()
FAILS = [2]


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            got.append((dict(self.headers), body))
            fail = FAILS[0] > 0
            FAILS[0] -= fail
        self.send_response(500 if fail else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


rcv = HTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=rcv.serve_forever, daemon=True).start()
URL = "http://127.0.0.1:%d/hook" % rcv.server_port

# ---- al-1: webhooks, admins only --------------------------------------------------
for role in ["owner", "risk", "engineer", "viewer"]:
    t.status("al-1.1 " + role, c[role].post("/api/v1/webhooks", {"name": "x", "url": URL}), 403, "forbidden")
t.status("al-1.2", a.post("/api/v1/webhooks", {"name": "ops", "url": "ftp://x"}), 400, "invalid", "url")
t.status("al-1.3", a.post("/api/v1/webhooks", {"name": "ops", "url": URL, "secret": "short"}), 400, "invalid", "secret")
r = a.post("/api/v1/webhooks", {"name": "ops", "url": URL})
t.status("al-1.4", r, 201)
SECRET = (r.json or {}).get("secret", "")
t.check("al-1.5", SECRET.startswith("whs_") and len(SECRET) == 68, SECRET)
t.status("al-1.6", a.post("/api/v1/webhooks", {"name": "ops", "url": URL}), 409, None, "name")
t.check("al-1.7", "secret" not in json.dumps(a.get("/api/v1/webhooks").json["items"]))
t.status("al-1.8", c["viewer"].get("/api/v1/webhooks"), 403, "forbidden")

# ---- events: accuracy 0.60 in the last minutes -----------------------------------------
NOW = int(time.time() * 1000)


def send(n, acc, seg="line-1", first=0):
    evs = []
    for i in range(n):
        ok = (i % 100) < acc * 100
        evs.append({"event_id": "%s-%d" % (seg, first + i), "ts": NOW - 60000 + i, "version": "v1",
                    "segment": seg, "latency_ms": 12, "prediction": 1, "label": 1 if ok else 0})
    body = ("\n".join(json.dumps(e) for e in evs) + "\n").encode()
    return a.request("POST", "/api/v1/systems/press-guard/events", raw=body, ctype="application/x-ndjson")


t.status("al-2.0", send(200, 0.60), 200)
for _ in range(60):
    if srv.sql("SELECT COALESCE(SUM(n),0) FROM monitor_window WHERE grain='minute'")[0][0] == 200:
        break
    time.sleep(0.5)

# ---- al-2: rules: validation, roles ------------------------------------------------------
RULES = "/api/v1/systems/press-guard/alert-rules"
t.status("al-2.1", a.post(RULES, {"name": "r", "kind": "nope", "op": "<", "value": 1}), 400, "invalid", "kind")
t.status("al-2.2", a.post(RULES, {"name": "r", "kind": "threshold", "metric": "acc", "op": "<", "value": 1}), 400,
         "invalid", "metric")
t.status("al-2.3", a.post(RULES, {"name": "r", "kind": "threshold", "metric": "accuracy", "op": "<"}), 400,
         "invalid", "value")
t.status("al-2.4", a.post(RULES, {"name": "r", "kind": "threshold", "metric": "accuracy", "op": "<", "value": 1,
                                  "webhook": "nope"}), 400, "invalid", "webhook")
t.status("al-2.5", c["viewer"].post(RULES, {"name": "r", "kind": "decay", "value": 0}), 403, "forbidden")
t.status("al-2.6", c["engineer"].post(RULES, {"name": "r", "kind": "decay", "value": 0, "trip_switch": True}),
         403, "forbidden", "trip_switch")
t.status("al-2.7", c["engineer"].post(RULES, {"name": "eng-rule", "kind": "decay", "value": 0}), 201)
r = c["owner"].post(RULES, {"name": "acc-low", "kind": "threshold", "metric": "accuracy", "op": "<",
                            "value": 0.8, "for": 2, "severity": "critical", "webhook": "ops",
                            "trip_switch": True})
t.status("al-2.8", r, 201)
t.status("al-2.9", c["owner"].post(RULES, {"name": "acc-low", "kind": "decay", "value": 0}), 409, None, "name")
t.status("al-2.10", a.post(RULES, {"name": "quiet", "kind": "no_data", "op": ">", "value": 30, "webhook": "ops"}), 201)


def run_job():
    return a.post("/api/v1/jobs/alerts.evaluate")


def rule(name):
    return [x for x in a.get("/api/v1/systems/press-guard/alerts").json["rules"] if x["name"] == name][0]


# the switch must be on for a trip: the committee overrides the launch gate, the switch goes on
future = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400))
a.post("/api/v1/systems/press-guard/versions", {"version": "v1"})
r = a.post("/api/v1/systems/press-guard/overrides", {"stage": "launch", "reason": "pilot on one press line", "expires_at": future})
t.check("al-2.10b", r.status in (200, 201), r.body)
t.status("al-2.11", a.request("PUT", "/api/v1/switch/press-guard", {"state": "on", "fallback": "rules",
                                                                    "reason": "pilot on line 1"}), 200)

# ---- al-3: for duration, firing, webhook signed and retried -------------------------------
t.status("al-3.1", run_job(), 200)
x = rule("acc-low")
t.check("al-3.2", x["state"] == "pending" and abs(x["last_value"] - 0.60) < 1e-12, json.dumps(x))
t.check("al-3.3", len(got) == 0)
time.sleep(2.2)
t.status("al-3.4", run_job(), 200)
x = rule("acc-low")
t.check("al-3.5", x["state"] == "firing", json.dumps(x))
hist = a.get("/api/v1/systems/press-guard/alerts").json["history"]
t.check("al-3.6", [h["state"] for h in hist if h["rule"] == "acc-low"] == ["firing"], json.dumps(hist))
t.check("al-3.7", len(got) == 1, str(len(got)))  # attempt 1: 500
d = a.get("/api/v1/systems/press-guard/alerts").json["deliveries"]
t.check("al-3.8", d and d[0]["status"] == "pending" and d[0]["attempts"] == 1 and d[0]["http_status"] == 500,
        json.dumps(d))
for _ in range(8):  # backoff 1 s, then 2 s
    time.sleep(1.1)
    a.post("/api/v1/jobs/webhooks.deliver")
    if len(got) >= 3:
        break
t.check("al-3.9", len(got) == 3, str(len(got)))
d = a.get("/api/v1/systems/press-guard/alerts").json["deliveries"]
t.check("al-3.10", d and d[0]["status"] == "delivered" and d[0]["attempts"] == 3 and d[0]["http_status"] == 200,
        json.dumps(d))
h, body = got[-1]
ts = h.get("X-Keel-Timestamp", "")
want = hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
t.check("al-3.11", h.get("X-Keel-Signature") == "sha256=" + want, str(h))
t.check("al-3.12", not hmac.compare_digest(h.get("X-Keel-Signature", ""),
                                           "sha256=" + hmac.new(b"wrong", body, hashlib.sha256).hexdigest()))
p = json.loads(body)
t.check("al-3.13", p["event"] == "firing" and p["rule"] == "acc-low" and p["system"] == "press-guard" and
        p["severity"] == "critical" and abs(p["value"] - 0.6) < 1e-12 and p["switch_tripped"] is True, body[:400])
t.check("al-3.14", got[0][1] == got[1][1] == body)  # the same payload retried

# ---- al-4: the trip ------------------------------------------------------------------------
sw = a.get("/api/v1/switch/press-guard").json
t.check("al-4.1", sw["state"] == "off" and sw["fallback"] == "rules", json.dumps(sw))
hist = a.get("/api/v1/switch/press-guard/history").json["items"]
t.check("al-4.2", "acc-low" in hist[0]["reason"] and hist[0]["cause"].startswith("alert_rule:") and
        hist[0]["actor"] == "alert rule acc-low", json.dumps(hist[0]))
trips = c["viewer"].get("/api/v1/switch-trips?status=awaiting").json["items"]
t.check("al-4.3", len(trips) == 1 and trips[0]["rule"] == "acc-low" and trips[0]["prior_state"] == "on", json.dumps(trips))
tid = trips[0]["id"] if trips else 0
t.status("al-4.4", c["engineer"].post("/api/v1/switch-trips/%d/revert" % tid, {}), 403, "forbidden")
t.status("al-4.5", c["viewer"].post("/api/v1/switch-trips/%d/confirm" % tid, {}), 403, "forbidden")
t.status("al-4.6", c["risk"].post("/api/v1/switch-trips/%d/revert" % tid, {"reason": "false alarm: bad labels"}), 200)
sw = a.get("/api/v1/switch/press-guard").json
t.check("al-4.7", sw["state"] == "on", json.dumps(sw))
t.status("al-4.8", c["risk"].post("/api/v1/switch-trips/%d/confirm" % tid, {}), 409, None, "status")
t.check("al-4.9", srv.sql("SELECT COUNT(*) FROM audit WHERE entity='switch_trip' AND action='revert'")[0][0] == 1)
t.status("al-4.10", c["risk"].post("/api/v1/switch-trips/999/confirm", {}), 404)
t.check("al-4.11", srv.sql("SELECT COUNT(*) FROM audit WHERE action='switch' AND actor='alert rule acc-low'")[0][0] == 1)

# ---- al-5: resolve, flapping ------------------------------------------------------------------
t.status("al-5.1", send(2000, 0.95, "line-2"), 200)  # overall accuracy now (120 + 1900) / 2200 > 0.8
for _ in range(60):
    if srv.sql("SELECT COALESCE(SUM(n),0) FROM monitor_window WHERE grain='minute'")[0][0] == 2200:
        break
    time.sleep(0.5)
run_job()
x = rule("acc-low")
t.check("al-5.2", x["state"] == "ok", json.dumps(x))
hist = a.get("/api/v1/systems/press-guard/alerts").json["history"]
t.check("al-5.3", [h["state"] for h in hist if h["rule"] == "acc-low"] == ["resolved", "firing"], json.dumps(hist))
t.check("al-5.4", json.loads(got[-1][1])["event"] == "resolved" if len(got) >= 4 else False, str(len(got)))
# flapping: holds (pending), stops holding before its 60 s, holds again: never fires
a.post(RULES, {"name": "flappy", "kind": "threshold", "metric": "accuracy", "segment": "line-1", "op": "<",
               "value": 0.8, "for": 60})
run_job()
t.check("al-5.5", rule("flappy")["state"] == "pending")
srv.write_sql("UPDATE alert_rule SET value = 0.1 WHERE name = 'flappy'")
run_job()
t.check("al-5.6", rule("flappy")["state"] == "ok")
srv.write_sql("UPDATE alert_rule SET value = 0.8 WHERE name = 'flappy'")
run_job()
t.check("al-5.7", rule("flappy")["state"] == "pending" and
        not [h for h in a.get("/api/v1/systems/press-guard/alerts").json["history"] if h["rule"] == "flappy"])

# ---- al-6: no data; deleting -------------------------------------------------------------------
t.check("al-6.1", rule("quiet")["state"] == "ok" and rule("quiet")["last_value"] < 30, json.dumps(rule("quiet")))
srv.write_sql("UPDATE monitor_window SET window_start = window_start - 7200000")
run_job()
t.check("al-6.2", rule("quiet")["state"] == "firing" and rule("quiet")["last_value"] > 30, json.dumps(rule("quiet")))
rid = rule("eng-rule")["id"]
t.status("al-6.3", c["viewer"].request("DELETE", RULES + "/%d" % rid), 403, "forbidden")
t.status("al-6.4", a.request("DELETE", RULES + "/%d" % rid), 200)
t.status("al-6.5", a.request("DELETE", RULES + "/%d" % rid), 404)

rcv.shutdown()
t.check("al-9.1", srv.stop() == 0)
t.done()
