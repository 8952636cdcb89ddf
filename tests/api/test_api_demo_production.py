# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo's production story (issue 20), numbered pdemo-N.M: events
generated and taken in by `keel demo` itself; the recommender decaying
from about 0.31 to 0.25 with traffic_source named; the maintenance model
failing on its new servo-transfer segment (about 82 % against 95 %),
found by segment while the overall figure and the old segments stay
quiet; the alert that switched it off awaiting confirmation; a webhook
with logged deliveries; the load time printed (the demo loads in < 10 s)."""
import os
import subprocess
import tempfile
import time
from keeltest import Server, Cases, KEEL, new_db, run

t = Cases()
srv = Server(demo=True)
a = srv.admin()

ov = {x["system"]: x for x in a.get("/api/v1/production").json["items"]}
t.check("pdemo-1.1 the recommender decays", ov.get("product-recs", {}).get("status") == "decaying", ov.get("product-recs"))
t.check("pdemo-1.2 the maintenance model is switched off", ov.get("maintenance-model", {}).get("status") == "switched_off",
        ov.get("maintenance-model"))
t.check("pdemo-1.3 both monitored", ov["product-recs"]["monitored"] and ov["maintenance-model"]["monitored"])

fr = a.get("/api/v1/systems/product-recs/findings").json["findings"]
d = [f for f in fr if f["kind"] == "decay" and f["metric"] == "accuracy" and f["segment"] == "*"]
t.check("pdemo-2.1 a decay over all segments", len(d) == 1, fr)
if d:
    f = d[0]
    t.check("pdemo-2.2 from about 0.31", abs(f["baseline"] - 0.31) < 0.03, f["baseline"])
    t.check("pdemo-2.3 to about 0.25", abs(f["current"] - 0.25) < 0.03, f["current"])
    t.check("pdemo-2.4 the interval excludes no change", f["ci"][1] < 0, f["ci"])
    t.check("pdemo-2.5 traffic_source named first", f["drifted_inputs"][0]["input"] == "traffic_source", f["drifted_inputs"])

fm = a.get("/api/v1/systems/maintenance-model/findings").json["findings"]
sf = [f for f in fm if f["kind"] == "segment_failure" and f["segment"] == "servo-transfer" and f["metric"] == "accuracy"]
t.check("pdemo-3.1 the new segment fails", len(sf) == 1, fm)
if sf:
    t.check("pdemo-3.2 about 82 % against 95 %", abs(sf[0]["current"] - 0.82) < 0.04 and abs(sf[0]["baseline"] - 0.95) < 0.02, sf[0])
    t.check("pdemo-3.3 vibration named", "vibration_rms" in [x["input"] for x in sf[0]["drifted_inputs"]], sf[0])
t.check("pdemo-3.4 the old segments and the whole stay quiet on accuracy",
        not [f for f in fm if f["segment"] in ("hydraulic", "mechanical", "*") and f["metric"] == "accuracy"], fm)

trips = a.get("/api/v1/switch-trips?status=awaiting").json["items"]
t.check("pdemo-4.1 a trip awaits", [x["system"] for x in trips] == ["maintenance-model"], trips)
sw = a.get("/api/v1/switch/maintenance-model").json
t.check("pdemo-4.2 switched to its fallback", sw["state"] == "off" and sw["fallback"] == "rules", sw)
wh = a.get("/api/v1/webhooks").json
t.check("pdemo-4.3 a webhook with deliveries", [w["name"] for w in wh["items"]] == ["ops-pager"] and len(wh["deliveries"]) >= 2,
        wh)
t.check("pdemo-4.4 each attempt logged", all(x["attempts"] >= 1 and x["error"] for x in wh["deliveries"]), wh["deliveries"])
al = a.get("/api/v1/systems/maintenance-model/alerts").json
t.check("pdemo-4.5 the rule is firing", {r["name"]: r["state"] for r in al["rules"]}.get("new equipment failing") == "firing",
        al["rules"])
t.check("pdemo-9.1", srv.stop() == 0)

# the load time (a figure, printed; the brief's bound is 10 s)
d = tempfile.mkdtemp(prefix="keeldemo-")
db = new_db(d)
env = dict(os.environ, KEEL_FAST_PWHASH="1")
run([KEEL, "init", "--db", db], env=env)
t0 = time.monotonic()
run([KEEL, "demo", "--db", db], env=env)
print("keel demo loaded in %.2f s" % (time.monotonic() - t0))
t.done()
