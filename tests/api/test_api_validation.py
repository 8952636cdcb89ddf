# SPDX-License-Identifier: GPL-3.0-or-later
"""Impossible values refused by the domain with the field named (valid-N.M):
dates and horizons out of order, every scoring weight 0, a KPI value or
baseline outside the KPI's declared bounds — each 422 with nothing changed;
a KPI value far outside the KPI's usual range (median ± 6 × 1.4826 × MAD of
its recorded values, checked here against a hand computation) needs
"confirm": true."""
import statistics
from keeltest import Server, Cases

t = Cases()
srv = Server(demo=True)
a = srv.admin()


def refused(case, r, code, field):
    t.check(case, r.status == 422 and r.error().get("code") == code and r.error().get("field") == field, r.body[:300])


obj = a.get("/api/v1/objectives?limit=1").json["items"][0]
before = srv.snapshot()
refused("valid-1.1", a.patch("/api/v1/objectives/%d" % obj["id"], {"horizon_end": "2020Q1"}), "out_of_order", "horizon_end")
refused("valid-1.2", a.post("/api/v1/objectives", {"title": "x", "pain_point": "cost", "horizon_start": "2027Q1", "horizon_end": "2026Q4"}),
        "out_of_order", "horizon_end")
t.check("valid-1.3", a.post("/api/v1/objectives", {"title": "ok", "pain_point": "cost", "horizon_start": "2026Q4", "horizon_end": "2026-12"}).status == 201)
refused("valid-2.1", a.post("/api/v1/initiatives", {"title": "late", "start_date": "2027-03-01", "end_date": "2026-12-31"}), "out_of_order", "end_date")
ini = a.get("/api/v1/initiatives?limit=1").json["items"][0]
a.patch("/api/v1/initiatives/%d" % ini["id"], {"start_date": "2027-01-01"})
refused("valid-2.2", a.patch("/api/v1/initiatives/%d" % ini["id"], {"end_date": "2026-06-30"}), "out_of_order", "end_date")
crit = a.get("/api/v1/criteria").json["items"]
for c in crit[:-1]:
    a.patch("/api/v1/criteria/%d" % c["id"], {"weight": 0})
refused("valid-3.1", a.patch("/api/v1/criteria/%d" % crit[-1]["id"], {"weight": 0}), "weights_all_zero", "weight")
t.check("valid-3.2", [x["weight"] for x in a.get("/api/v1/criteria").json["items"]][-1] == crit[-1]["weight"])
for c in crit[:-1]:
    a.patch("/api/v1/criteria/%d" % c["id"], {"weight": c["weight"]})

kpis = {k["name"]: k for k in a.get("/api/v1/kpis?limit=100").json["items"]}
so = kpis["Stock-out rate (top 500 items)"]
t.check("valid-4.0", so["min_value"] == 0 and so["max_value"] == 100, so)
url = "/api/v1/kpis/%d/values" % so["id"]
n0 = len(a.get(url).json["items"])
refused("valid-4.1", a.post(url, {"values": [{"period": "2030Q1", "value": -99999}]}), "out_of_bounds", "value")
refused("valid-4.2", a.post(url, {"values": [{"period": "2030Q1", "value": 101}], "confirm": True}), "out_of_bounds", "value")
refused("valid-4.3", a.patch("/api/v1/kpis/%d" % so["id"], {"baseline": -5}), "out_of_bounds", "baseline")
refused("valid-4.4", a.patch("/api/v1/kpis/%d" % so["id"], {"min_value": 50, "max_value": 10}), "out_of_order", "max_value")
# the usual range by hand: median ± 6 × 1.4826 × MAD (at least 5% of |median|)
vals = [v["value"] for v in a.get(url).json["items"]]
med = statistics.median(vals)
spread = max(1.4826 * statistics.median([abs(v - med) for v in vals]), 0.05 * abs(med))
lo, hi = med - 6 * spread, med + 6 * spread
r = a.post(url, {"values": [{"period": "2030Q1", "value": round(hi + 0.5, 2)}]})
refused("valid-5.1", r, "needs_confirm", "value")
t.check("valid-5.2", "usual range" in r.error().get("message", "") and r.error().get("rows"), r.body[:300])
t.check("valid-5.3", a.post(url, {"values": [{"period": "2030Q1", "value": round(hi - 0.05, 2)}]}).status == 200, (lo, hi))
r = a.post(url, {"values": [{"period": "2030Q2", "value": 80}], "confirm": True})
t.check("valid-5.4", r.status == 200, r.body[:200])
r = a.request("POST", url + "?confirm=true", raw=b"period,value\n2030Q3,85\n", ctype="text/csv")
t.check("valid-5.5", r.status == 200, r.body[:200])
t.check("valid-5.6", len(a.get(url).json["items"]) == n0 + 3)
# a stage move that leaves the work that must run short of capacity warns
ids = {x["title"]: x for x in a.get("/api/v1/initiatives?limit=100").json["items"]}
budget = [p for p in a.get("/api/v1/pools").json["items"] if p["key"] == "budget"][0]
idea = [x for x in ids.values() if x["stage"] == "idea"][0]
r = a.post("/api/v1/initiatives/%d/transition" % idea["id"], {"to": "assessed", "reason": "x"})
t.check("valid-7.1", r.status == 200 and "warning" not in r.json, r.body[:300])
a.patch("/api/v1/pools/%d" % budget["id"], {"capacity": 150000})
# the pilot gate wants a complete team: Production scheduling lacks its product manager
priya = [p for p in a.get("/api/v1/people?limit=100").json["items"] if p["name"] == "Priya Nair"][0]
a.post("/api/v1/initiatives/%d/team" % ids["Production scheduling"]["id"], {"person_id": priya["id"], "skill": "product_manager", "fte": 0.1})
r = a.post("/api/v1/initiatives/%d/transition" % ids["Production scheduling"]["id"], {"to": "pilot", "reason": "x"})
w = (r.json or {}).get("warning") or {}
t.check("valid-7.2", r.status == 200 and w.get("code") == "must_run_short" and w["conflicts"][0]["pool"] == "budget"
        and "no longer fits" in w["message"], r.body[:500])
# the next solve finds no plan and names the same pool
r = a.post("/api/v1/plan/solve", {"time_limit": 2})
t.check("valid-7.3", r.json["status"] == "infeasible" and any(c.get("pool") == "budget" for c in r.json["conflicts"]), r.body[:300])
t.check("valid-6.1", a.get("/api/v1/audit/verify").status == 200)
srv.stop()
t.done()
