# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 4's pilot, then scale (issue 21, item 3), numbered
(pil-N.M): KPI readings per business unit, the pilot's exit criteria
computed from the pilot unit's readings (met, not met, no data), rollouts
unit by unit and the rule that none starts before the criteria are met,
its override by a passed proposal, and the staggered comparison of
rolled-out against waiting units with Welch's 95% interval, checked
against numbers scipy gives (stats.t.ppf with the Welch-Satterthwaite
degrees of freedom). Also the committee's agenda, meetings and their
minutes document. Every refusal leaves the database unchanged."""
import math
from datetime import date, timedelta
from keeltest import Server, Cases

t = Cases()
srv = Server()
a = srv.admin()

ids, c = {}, {}
for name, email, role in [("Cora Ceo", "ceo@p.example", "committee"),
                          ("Olga Owner", "olga@p.example", "owner"),
                          ("Otto Other", "otto@p.example", "owner"),
                          ("Vic Viewer", "vic@p.example", "viewer")]:
    p = a.post("/api/v1/people", {"name": name, "email": email})
    ids[email] = p.json["id"]
    a.post("/api/v1/accounts", {"email": email, "name": name, "role": role,
                                "password": "password-123", "person_id": p.json["id"]})
    c[email] = srv.client()
    c[email].login(email, "password-123")
ceo, olga, otto, vic = (c[e] for e in ["ceo@p.example", "olga@p.example", "otto@p.example", "vic@p.example"])
a.post("/api/v1/committee/members", {"person_id": ids["ceo@p.example"], "chair": True})

units = {}
for n in ["North", "South", "East", "West", "Central", "Coast", "Hills"]:
    units[n] = a.post("/api/v1/units", {"name": n, "kind": "region"}).json["id"]
obj = a.post("/api/v1/objectives", {"title": "Less downtime", "pain_point": "efficiency"}).json["id"]
kpi = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Downtime", "unit": "hours", "direction": "down",
                              "baseline": 100, "target": 80, "target_period": "2027Q4"}).json["id"]
ini = a.post("/api/v1/initiatives", {"title": "Predictive maintenance", "owner_id": ids["olga@p.example"]}).json["id"]
PIL = "/api/v1/initiatives/%d/pilot" % ini
RO = "/api/v1/initiatives/%d/rollouts" % ini
UV = "/api/v1/kpis/%d/unit-values" % kpi
# the initiative moves the KPI: its owner records the KPI's readings per unit
# (an owner with no such link is refused: test_api_probe_paths, probe-1)
r = a.post("/api/v1/initiatives/%d/links" % ini, {"kpi_id": kpi, "expected_impact": -10, "impact_period": "2027Q2"})
assert r.status == 201, r.body

# ---- pil-1: readings per unit ----
before = srv.snapshot()
t.status("pil-1.1", olga.post(UV, {"rows": [{"org_unit_id": 999, "period": "2026Q1", "value": 1}]}), 400, "invalid", "rows")
t.status("pil-1.2", olga.post(UV, {"rows": [{"org_unit_id": units["North"], "period": "2026Q5", "value": 1}]}), 400, "invalid", "rows")
t.status("pil-1.3", olga.post(UV, {"rows": []}), 400, "invalid", "rows")
t.status("pil-1.4", olga.post("/api/v1/kpis/999/unit-values", {"rows": [{"org_unit_id": units["North"], "period": "2026Q1", "value": 1}]}), 404)
t.status("pil-1.5", vic.post(UV, {"rows": [{"org_unit_id": units["North"], "period": "2026Q1", "value": 1}]}), 403, "forbidden")
# one bad row refuses them all
t.status("pil-1.6", olga.post(UV, {"rows": [{"org_unit_id": units["North"], "period": "2026Q1", "value": 1},
                                            {"org_unit_id": units["North"], "period": "2026Q2", "value": "x"}]}), 400, "invalid", "rows")
t.check("pil-1.7", srv.snapshot() == before, "refused readings changed the database")
# baseline 2026Q1, measured 2026Q3; changes in %:
#   North (pilot) 100 -> 82 = -18      South 120 -> 102 = -15     East 80 -> 66 = -17.5
#   West 90 -> 88.2 = -2               Central 110 -> 111.1 = +1  Coast 95 -> 94.05 = -1
#   Hills 100 -> 99.2 = -0.8
vals = {"North": (100, 82), "South": (120, 102), "East": (80, 66), "West": (90, 88.2),
        "Central": (110, 111.1), "Coast": (95, 94.05), "Hills": (100, 99.2)}
rows = []
for u, (b, m) in vals.items():
    rows += [{"org_unit_id": units[u], "period": "2026Q1", "value": b},
             {"org_unit_id": units[u], "period": "2026Q3", "value": m}]
r = olga.post(UV, {"rows": rows[:2]})  # North only, at first
t.check("pil-1.8", r.status == 200 and r.json["imported"] == 2, r.body[:200])
r = vic.get(UV)
t.check("pil-1.9", r.status == 200 and len(r.json["items"]) == 2 and r.json["items"][0]["unit_name"] == "North", r.body[:300])
t.check("pil-1.10", a.get("/api/v1/kpis/%d/values" % kpi).json["items"] == [], "unit readings leaked into the KPI's own values")

# ---- pil-2: the pilot and its exit criteria ----
pilot = {"org_unit_id": units["North"], "starts_on": "2026-01-01", "ends_on": "2026-09-30",
         "baseline_period": "2026Q1", "measure_period": "2026Q3",
         "criteria": [{"kpi_id": kpi, "change_pct": -15}], "note": "sensors on line 3"}
before = srv.snapshot()
t.status("pil-2.1", otto.put(PIL, pilot) if hasattr(otto, "put") else otto.request("PUT", PIL, pilot), 403, "not_owner")
put = lambda who, body: who.request("PUT", PIL, body)
t.status("pil-2.2", put(olga, dict(pilot, criteria=[])), 400, "invalid", "criteria")
t.status("pil-2.3", put(olga, dict(pilot, criteria=[{"kpi_id": kpi, "change_pct": 0}])), 400, "invalid", "criteria")
t.status("pil-2.4", put(olga, dict(pilot, criteria=[{"kpi_id": 999, "change_pct": -15}])), 400, "invalid", "criteria")
t.status("pil-2.5", put(olga, dict(pilot, measure_period="2025Q4")), 422, "out_of_order", "measure_period")
t.status("pil-2.6", put(olga, dict(pilot, ends_on="2025-12-01")), 422, "out_of_order", "ends_on")
t.status("pil-2.7", put(olga, dict(pilot, org_unit_id=999)), 400, "invalid", "org_unit_id")
t.status("pil-2.8", put(vic, pilot), 403, "forbidden")
t.check("pil-2.9", srv.snapshot() == before, "a refused pilot changed the database")
r = vic.get(PIL)
t.check("pil-2.10", r.status == 200 and r.json["status"] == "none" and r.json["pilot"] is None, r.body[:200])
# the criterion asks for -20%: North's -18% does not meet it
r = put(olga, dict(pilot, criteria=[{"kpi_id": kpi, "change_pct": -20}]))
t.check("pil-2.11", r.status == 200 and r.json["status"] == "not_met"
        and abs(r.json["pilot"]["results"][0]["actual_change_pct"] - (-18.0)) < 1e-9
        and r.json["pilot"]["results"][0]["state"] == "not_met", r.body[:500])
# a criterion on a KPI without readings: no data
kpi2 = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Repairs", "unit": "count", "direction": "down",
                               "baseline": 10, "target": 5, "target_period": "2027Q4"}).json["id"]
r = put(olga, dict(pilot, criteria=[{"kpi_id": kpi, "change_pct": -15}, {"kpi_id": kpi2, "change_pct": -10}]))
t.check("pil-2.12", r.json["status"] == "no_data" and [x["state"] for x in r.json["pilot"]["results"]] == ["met", "no_data"], r.body[:600])

# ---- pil-3: rollouts and their rule ----
r = put(olga, dict(pilot, criteria=[{"kpi_id": kpi, "change_pct": -20}]))  # not met again
before = srv.snapshot()
t.status("pil-3.1", otto.post(RO, {"org_unit_id": units["South"]}), 403, "not_owner")
t.status("pil-3.2", olga.post(RO, {"org_unit_id": units["South"], "status": "live"}), 400, "invalid", "status")
t.status("pil-3.3", olga.post(RO, {"org_unit_id": 999}), 400, "invalid", "org_unit_id")
t.check("pil-3.4", srv.snapshot() == before)
r = olga.post(RO, {"org_unit_id": units["South"], "planned_start": "2026-10-01", "planned_live": "2026-12-01"})
t.status("pil-3.5", r, 201)
south = [x for x in r.json["items"] if x["org_unit_id"] == units["South"]][0]["id"]
t.status("pil-3.6", olga.post(RO, {"org_unit_id": units["South"]}), 409, "duplicate")
east = [x for x in olga.post(RO, {"org_unit_id": units["East"]}).json["items"] if x["org_unit_id"] == units["East"]][0]["id"]
before = srv.snapshot()
t.status("pil-3.7", olga.patch(RO + "/%d" % south, {"status": "in_progress"}), 409, "pilot_criteria_unmet", "status")
t.status("pil-3.8", ceo.patch(RO + "/%d" % south, {"status": "live"}), 409, "pilot_criteria_unmet", "status")
t.status("pil-3.9", olga.patch(RO + "/999", {"status": "halted"}), 404, "not_found")
t.status("pil-3.10", olga.patch(RO + "/%d" % south, {"org_unit_id": units["East"]}), 400, "invalid", "org_unit_id")
t.check("pil-3.11", srv.snapshot() == before, "a refused rollout start changed the database")
# the override: a passed proposal
r = olga.post("/api/v1/proposals", {"title": "Start South before the pilot's criteria are met", "action_type": "override_rollout",
                                   "action": {"rollout_id": south}, "due_date": (date.today() + timedelta(days=7)).isoformat()})
t.status("pil-3.12", r, 201)
r = ceo.post("/api/v1/proposals/%d/votes" % r.json["id"], {"vote": "for", "comment": "the season will not wait"})
t.check("pil-3.13", r.json["decision"]["execution"] == "executed", r.body[:600])
r = olga.patch(RO + "/%d" % south, {"status": "in_progress"})
t.check("pil-3.14", r.status == 200 and [x for x in r.json["items"] if x["id"] == south][0]["started_on"] == date.today().isoformat(), r.body[:400])
t.status("pil-3.15", olga.patch(RO + "/%d" % east, {"status": "in_progress"}), 409, "pilot_criteria_unmet")
# the criteria met (-15%): every rollout may start
put(olga, pilot)
t.status("pil-3.16", olga.patch(RO + "/%d" % east, {"status": "live"}), 200)
t.status("pil-3.17", olga.patch(RO + "/%d" % east, {"status": "planned"}), 409, "illegal_transition")
olga.patch(RO + "/%d" % south, {"status": "live"})

# ---- pil-4: the staggered comparison ----
olga.post(UV, {"rows": rows[2:]})
r = vic.get(RO)
cmp = r.json["comparison"][0]
# rolled out: North (pilot), South, East (live): -18, -15, -17.5
# waiting: West, Central, Coast, Hills: -2, +1, -1, -0.8
# scipy: d = -15.616666666666667, Welch df and interval below (stats.t.ppf(0.975, df))
import statistics
ra, wa = [-18.0, -15.0, -17.5], [-2.0, 1.0, -1.0, -0.8]
sa, sb = statistics.variance(ra) / 3, statistics.variance(wa) / 4
df = (sa + sb) ** 2 / (sa ** 2 / 2 + sb ** 2 / 3)
t.check("pil-4.1", cmp["rolled_out"] == 3 and cmp["waiting"] == 4
        and abs(cmp["difference"] - (statistics.mean(ra) - statistics.mean(wa))) < 1e-9
        and abs(cmp["df"] - df) < 1e-9, str(cmp)[:500])
try:
    from scipy import stats
    q = stats.t.ppf(0.975, df)
    lo, hi = cmp["difference"] - q * math.sqrt(sa + sb), cmp["difference"] + q * math.sqrt(sa + sb)
    t.check("pil-4.2", abs(cmp["interval_low"] - lo) < 1e-7 and abs(cmp["interval_high"] - hi) < 1e-7,
            (cmp["interval_low"], cmp["interval_high"], lo, hi))
except ImportError:
    t.check("pil-4.2", False, "scipy is needed (Debian python3-scipy)")
t.check("pil-4.3", cmp["interval_high"] < 0, "the gain should be real: the interval excludes 0")
t.status("pil-4.4", vic.get(RO + "?when=now"), 400, "invalid")
r = vic.get(RO + "?period=2026Q1")
t.check("pil-4.5", r.json["comparison"][0]["difference"] == 0, r.body[:300])

# ---- pil-5: agenda, meetings, minutes ----
ag = vic.get("/api/v1/committee/agenda")
t.status("pil-5.1", ag, 200)
before = srv.snapshot()
t.status("pil-5.2", vic.post("/api/v1/meetings", {"title": "Q3 committee", "held_on": date.today().isoformat()}), 403)
t.status("pil-5.3", ceo.post("/api/v1/meetings", {"title": "Q3 committee", "held_on": "soon"}), 400, "invalid", "held_on")
t.status("pil-5.4", ceo.post("/api/v1/meetings", {"title": "Q3 committee", "held_on": date.today().isoformat(), "status": "held"}), 400, "invalid", "status")
t.check("pil-5.5", srv.snapshot() == before)
open_p = olga.post("/api/v1/proposals", {"title": "Halt East", "action_type": "move_stage",
                                         "action": {"initiative_id": ini, "to": "assessed"},
                                         "due_date": date.today().isoformat()}).json["id"]
r = ceo.post("/api/v1/meetings", {"title": "Q3 committee", "held_on": date.today().isoformat(), "notes": "all present"})
t.status("pil-5.6", r, 201)
mid = r.json["id"]
t.check("pil-5.7", any(x["kind"] == "proposal" and x["ref"] == open_p for x in r.json["agenda"]["items"])
        and r.json["minutes"]["from"] is None
        and any(d["action_type"] == "override_rollout" for d in r.json["minutes"]["decisions"]), r.body[:800])
r = ceo.patch("/api/v1/meetings/%d" % mid, {"status": "held"})
t.check("pil-5.8", r.status == 200 and r.json["status"] == "held", r.body[:200])
ceo.post("/api/v1/proposals/%d/close" % open_p)
r = vic.get("/api/v1/meetings/%d" % mid)
t.check("pil-5.9", any(x["ref"] == open_p for x in r.json["agenda"]["items"]), "a held meeting keeps its agenda")
t.status("pil-5.10", ceo.patch("/api/v1/meetings/%d" % mid, {"status": "planned"}), 409, "meeting_held")
doc = vic.request("GET", "/api/v1/meetings/%d/document?lang=zh-CN" % mid)
t.check("pil-5.11", doc.status == 200 and doc.header("Content-Type").startswith("text/html")
        and "议程" in doc.body and "会议纪要" in doc.body and "Start South before" in doc.body
        and "the season will not wait" in doc.body, doc.body[:400])
doc = vic.request("GET", "/api/v1/meetings/%d/document" % mid)
t.check("pil-5.12", "Agenda" in doc.body and "Minutes" in doc.body and "<script" not in doc.body)
t.status("pil-5.13", vic.request("GET", "/api/v1/meetings/%d/document?lang=fr" % mid), 400, "invalid", "lang")
t.status("pil-5.14", vic.get("/api/v1/meetings/999"), 404, "not_found")
srv.stop()
t.done()
