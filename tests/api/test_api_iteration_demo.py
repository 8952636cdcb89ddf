# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo's path 5 (issue 22, item 8), numbered (itdemo-N): dated from the
day it loads, the previous quarter's review is held with a decision per
initiative and its actions, the current quarter's is open with feedback;
a decay-driven retraining action is in progress and a completed one shows
its chain to the new version in production with the A/B test 82% -> 95%;
the radar has this quarter's moves; Delivery route optimisation realises
half its promise, a finding of the review."""
from keeltest import Server, Cases

t = Cases()
srv = Server(demo=True)
a = srv.admin()
lst = a.get("/api/v1/reviews").json
cur, prev = lst["quarters"][0], lst["quarters"][1]
t.check("itdemo-1", cur["status"] == "open" and prev["status"] == "held"
        and [x["period"] for x in lst["items"]] == [prev["period"]], lst)
held = a.get("/api/v1/reviews/%s" % prev["period"].lower()).json
decs = {x["title"]: (x["decision"] or {}).get("decision") for x in held["initiatives"]}
t.check("itdemo-2", all(decs.values()) and decs["Delivery route optimisation"] == "fix"
        and decs["Visual quality inspection, line 3"] == "scale", decs)
acts = a.get("/api/v1/actions?review_period=%s" % prev["period"]).json
t.check("itdemo-3", len(acts["items"]) == 2 and any(x["overdue"] for x in acts["items"]), acts)
rdo = [x for x in held["initiatives"] if x["title"] == "Delivery route optimisation"][0]
t.check("itdemo-4", abs(rdo["realised_value"] / rdo["promised_value"] - 0.5) < 0.02
        and "value_shortfall" in [f["code"] for f in rdo["findings"]], rdo["realised"])
now = a.get("/api/v1/reviews/%s" % cur["period"].lower()).json
t.check("itdemo-5", now["status"] == "open" and len(now["programme"]["feedback"]) == 2
        and all(x["decision"] is None for x in now["initiatives"]), now["programme"]["feedback"])
rt = a.get("/api/v1/actions?kind=retraining").json["items"]
st = {x["system_name"]: x["status"] for x in rt}
t.check("itdemo-6", st == {"maintenance-model": "done", "product-recs": "in_progress"}, st)
done = [x for x in rt if x["status"] == "done"][0]
ch = a.get("/api/v1/actions/%d" % done["id"]).json["chain"]
t.check("itdemo-7", ch["in_production"] and ch["steps_done"] == 5 and ch["version"]["version"] == "3.1"
        and abs(ch["abtest"]["control_rate"] - 0.82) < 1e-9 and abs(ch["abtest"]["treatment_rate"] - 0.95) < 1e-9
        and ch["abtest"]["verdict"] == "ship" and ch["data"]["readiness_score"] is not None, ch)
rad = a.get("/api/v1/radar").json
t.check("itdemo-8", len(rad["technologies"]) >= 8 and len(rad["moves_this_quarter"]) >= 1
        and {q for x in rad["technologies"] for q in [x["quadrant"]]} == set(rad["quadrants"]), rad["moves_this_quarter"])
# monitoring in the current review: decay and drift findings, fired alerts and switch
# flips, each decay, segment or drift finding with one retraining action
codes = {}
for x in now["initiatives"]:
    for f in x["findings"]:
        codes.setdefault(f["code"], set()).add(x["title"])
t.check("itdemo-9", "Product recommendations" in codes.get("monitoring_decay", set())
        and "Predictive maintenance for presses" in codes.get("monitoring_drift", set())
        and codes.get("alert_fired") and "Customer service chatbot" in codes.get("switch_flip", set())
        and now["programme"]["monitoring"]["findings"] >= 3, codes)
mon = [f for x in now["initiatives"] for f in x["findings"] if f["code"] in ("monitoring_decay", "monitoring_drift")]
keys = [x["source_key"] for x in a.get("/api/v1/actions?source=finding&status=active").json["items"]]
t.check("itdemo-10", len(keys) == len(set(keys)) == len(mon)
        and all(any(k.split(":")[1] == f["system"] for k in keys) for f in mon), (keys, mon))
# a gate the demo's moves were refused at raised one action each
g = a.get("/api/v1/actions?source=gate").json["items"]
t.check("itdemo-11", len(g) >= 1 and all(x["source_key"].startswith("gate:") and x["status"] == "open" for x in g)
        and len({x["source_key"] for x in g}) == len(g), g)
srv.stop()
t.done()
