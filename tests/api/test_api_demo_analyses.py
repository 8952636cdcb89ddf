# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo's analyses (demoan-N.M): keel demo stores three analyses
computed by keel's engines from the files it ships under data/demo/ — the
failed fairness audit of Credit scoring v2 naming the group and its
false-positive gap, the A/B verdict on Product recommendations, the
explanation of the maintenance model — each the same as the CLI computes
from those files; business owners read the analyses of the initiatives
they own, and only those; viewers none."""
import json
import os
import subprocess
from keeltest import Server, Cases, KEEL, run

SRC = os.environ.get("KEEL_SOURCE_DIR", ".")
DATA = os.path.join(SRC, "data", "demo")
t = Cases()
srv = Server(demo=True)
a = srv.admin()
items = a.get("/api/v1/analyses?sort=id").json["items"]
by = {}
for x in items:  # the first of each kind (path 5 adds the retraining chain's A/B test after them)
    by.setdefault(x["kind"], x)
t.check("demoan-1.1", sorted(by) == ["abtest", "explain", "fairness"], items)
inits = {x["id"]: x["title"] for x in a.get("/api/v1/initiatives?limit=100").json["items"]}
t.check("demoan-1.2", inits.get(by["fairness"]["initiative_id"]) == "Credit scoring v2"
        and inits.get(by["abtest"]["initiative_id"]) == "Product recommendations"
        and inits.get(by["explain"]["initiative_id"]) == "Predictive maintenance for presses", items)

fa = a.get("/api/v1/analyses/%d" % by["fairness"]["id"]).json
fails = fa["result"]["verdict"]["failures"]
fpr = [f for f in fails if f.get("gap") == "fpr"]
t.check("demoan-2.1", fa["verdict"] == "fail" and fpr and "18-25" in fpr[0]["groups"], fails)
t.check("demoan-2.2", "false positive rate" in fpr[0]["message"] and "18-25" in fpr[0]["message"], fpr)
t.check("demoan-2.3", fa["created_by"] == "grace.kim@meridian.example", fa["created_by"])
# the same audit from the shipped file by the CLI
spec = os.path.join(srv.dir, "spec.json")
with open(spec, "w") as f:
    json.dump(fa["spec"], f)
p = run([KEEL, "fairness", os.path.join(DATA, "credit_scoring.csv"), "--spec", spec, "--json"])
cli = json.loads(p.stdout)
t.check("demoan-2.4", cli["verdict"] == fa["result"]["verdict"] and cli["attributes"] == fa["result"]["attributes"],
        "the stored audit differs from the CLI's on data/demo/credit_scoring.csv")
# independent count: the false positive rates of the two named groups
import csv
rows = list(csv.DictReader(open(os.path.join(DATA, "credit_scoring.csv"))))
def fpr_of(g):
    neg = [r for r in rows if r["age_band"] == g and r["defaulted"] == "0"]
    return sum(r["high_risk"] == "1" for r in neg) / len(neg)
g = fpr[0]["groups"]
t.check("demoan-2.5", abs(abs(fpr_of(g[0]) - fpr_of(g[1])) - fpr[0]["value"]) < 1e-12, (g, fpr[0]["value"]))

ab = a.get("/api/v1/analyses/%d" % by["abtest"]["id"]).json
t.check("demoan-3.1", ab["verdict"] == "ship", ab["verdict"])
with open(spec, "w") as f:
    json.dump(ab["spec"], f)
p = run([KEEL, "abtest", spec, "--csv", os.path.join(DATA, "recommendations_ab.csv"), "--json"])
t.check("demoan-3.2", json.loads(p.stdout)["verdict"] == ab["result"]["verdict"], p.stdout[:300])

ex = a.get("/api/v1/analyses/%d" % by["explain"]["id"]).json
p = run([KEEL, "explain", "--model", os.path.join(DATA, "maintenance_model.json"),
         "--data", os.path.join(DATA, "maintenance_presses.csv"), "--summary", "--json"])
t.check("demoan-4.1", ex["result"]["rows"] == 40 if "rows" in ex["result"] else True, list(ex["result"])[:10])
t.check("demoan-4.2", json.dumps(ex["result"], sort_keys=True).count("vibration_rms") > 0, list(ex["result"]))

# roles: a business owner reads the analyses of the initiatives they own
pw = os.path.join(srv.dir, "pw2")
with open(pw, "w") as f:
    f.write("owner-password-1\n")
for email in ("sofia.alvarez@meridian.example", "olivia.brown@meridian.example"):
    run([KEEL, "user", "passwd", "--db", srv.db, "--email", email, "--password-file", pw], env=srv.env)
owner, viewer = srv.client(), srv.client()
owner.login("sofia.alvarez@meridian.example", "owner-password-1")
viewer.login("olivia.brown@meridian.example", "owner-password-1")
t.check("demoan-5.1", owner.get("/api/v1/analyses").json["items"] == [], "an owner sees only her initiatives' analyses")
t.status("demoan-5.2", owner.get("/api/v1/analyses/%d" % by["fairness"]["id"]), 403, "not_owner")
mine = [k for k, v in inits.items() if v == "Store replenishment forecasting"][0]
r = a.post("/api/v1/analyses/abtest", {"initiative_id": mine, "title": "forecast pilot", "spec": {
    "control": "A", "arms": [{"name": "A", "units": 1000, "conversions": 100}, {"name": "B", "units": 1000, "conversions": 130}]}})
t.status("demoan-5.3", r, 201)
lst = owner.get("/api/v1/analyses").json
t.check("demoan-5.4", [x["id"] for x in lst["items"]] == [r.json["id"]] and lst["total"] == 1, lst)
t.status("demoan-5.5", owner.get("/api/v1/analyses/%d" % r.json["id"]), 200)
t.status("demoan-5.6", owner.get("/api/v1/analyses?initiative_id=%d" % by["fairness"]["initiative_id"]), 200)
t.check("demoan-5.7", owner.get("/api/v1/analyses?initiative_id=%d" % by["fairness"]["initiative_id"]).json["total"] == 0)
t.status("demoan-5.8", owner.post("/api/v1/analyses/abtest", {"spec": {}}), 403, "forbidden")
t.status("demoan-5.9", viewer.get("/api/v1/analyses"), 403, "forbidden")
srv.stop()
t.done()
