# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 2 (resource allocation), numbered (alloc-N.M): pools
and their kind rules, capacity and usage imports (all rows or none, every
bad row listed), planning attributes (negative demand, unknown pool,
dependency cycle named), the planning input and a solve stored as a plan,
scenarios compared, the frontier, the pools report (idle and
over-committed), teams (incomplete, over-committed people), data assets
(consent, profile, retention, readiness fed to prioritisation). Every
refusal leaves the database unchanged."""
import json
import os
import subprocess
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()

# people, accounts: a committee member, an owner, another owner, an engineer
ids = {}
for name, email, role, skills in [("Cora Chair", "cora@x.example", "committee", ["business_expert"]),
                                  ("Owen Owner", "owen@x.example", "owner", ["business_expert"]),
                                  ("Olive Other", "olive@x.example", "owner", ["business_expert"]),
                                  ("Emil Engineer", "emil@x.example", "engineer", ["ml_engineer"]),
                                  ("Pia Product", "pia@x.example", "viewer", ["product_manager"])]:
    p = a.post("/api/v1/people", {"name": name, "email": email, "skills": skills, "capacity_fte": 1.0})
    ids[email] = p.json["id"]
    r = a.post("/api/v1/accounts", {"email": email, "name": name, "role": role, "password": "password-123",
                                    "person_id": p.json["id"]})
    assert r.status == 201, r.body
c = {}
for email in ids:
    c[email] = srv.client()
    c[email].login(email, "password-123")
cora, owen, olive, emil, pia = (c[e] for e in ["cora@x.example", "owen@x.example", "olive@x.example", "emil@x.example", "pia@x.example"])
P = lambda e: ids[e]

# ---- alloc-1: pools ----
r = cora.post("/api/v1/pools", {"key": "budget", "name": "AI budget", "kind": "budget", "capacity": 1000})
t.status("alloc-1.1", r, 201)
budget = r.json["id"]
r = cora.post("/api/v1/pools", {"key": "gpu", "name": "GPU cluster", "kind": "compute", "deployment": "on_premises",
                                "capacity": 10000, "price_per_hour": 2.5, "capital_cost": 120000,
                                "lifetime_periods": 12, "running_cost_per_period": 5000, "variable_cost_per_hour": 0.5})
t.status("alloc-1.2", r, 201)
gpu = r.json["id"]
r = cora.post("/api/v1/pools", {"key": "ml", "name": "ML engineers", "kind": "people", "skill": "ml_engineer"})
t.status("alloc-1.3", r, 201)
ml = r.json["id"]
before = srv.snapshot()
t.status("alloc-1.4", cora.post("/api/v1/pools", {"key": "x", "name": "x", "kind": "budget", "capacity": -5}), 400, "invalid", "capacity")
t.status("alloc-1.5", cora.post("/api/v1/pools", {"key": "y", "name": "y", "kind": "compute"}), 400, "invalid", "deployment")
t.status("alloc-1.6", cora.post("/api/v1/pools", {"key": "z", "name": "z", "kind": "people"}), 400, "invalid", "skill")
t.status("alloc-1.7", cora.post("/api/v1/pools", {"key": "budget", "name": "again", "kind": "budget"}), 409, "conflict", "key")
t.status("alloc-1.8", owen.post("/api/v1/pools", {"key": "w", "name": "w", "kind": "budget"}), 403, "forbidden")
t.status("alloc-1.9", cora.patch("/api/v1/pools/%d" % budget, {"skill": "ml_engineer"}), 400, "invalid", "skill")
t.check("alloc-1.10", srv.snapshot() == before, "a refused pool change changed the database")
t.check("alloc-1.11", owen.get("/api/v1/pools?kind=compute").json["total"] == 1)

# ---- alloc-2: capacity and usage ----
before = srv.snapshot()
r = cora.post("/api/v1/pools/%d/capacity" % gpu, {"capacity": [{"period": "2027Q1", "capacity": 8000},
                                                               {"period": "2027Q2", "capacity": -1},
                                                               {"period": "2027Q13", "capacity": 5},
                                                               {"period": "2027Q1", "capacity": 9}]})
t.status("alloc-2.1", r, 400, "invalid_rows")
t.check("alloc-2.2", [(x["row"], x["field"]) for x in r.error().get("rows", [])] ==
        [(2, "capacity"), (3, "period"), (4, "period")], r.body)
r = emil.request("POST", "/api/v1/pools/%d/usage" % gpu, raw=b"period,amount\n2026Q1,100\n2026Q5,3\n2026Q2,-4\n",
                 ctype="text/csv")
t.check("alloc-2.3", r.status == 400 and [x["row"] for x in r.error()["rows"]] == [3, 4], r.body)
r = emil.request("POST", "/api/v1/pools/%d/usage" % gpu, raw=b"period,hours\n2026Q1,100\n", ctype="text/csv")
t.status("alloc-2.4", r, 400, "invalid", "body")
r = emil.request("POST", "/api/v1/pools/%d/usage" % gpu, raw=b'period,amount,note\n2026Q1,1,"two\nlines"\n2026Q13,2,\n',
                 ctype="text/csv")
t.check("alloc-2.4b", r.status == 400 and [x["row"] for x in r.error()["rows"]] == [4], r.body)
t.status("alloc-2.5", owen.post("/api/v1/pools/%d/usage" % gpu, {"usage": [{"period": "2026Q1", "amount": 1}]}), 403, "forbidden")
t.status("alloc-2.6", cora.post("/api/v1/pools/999/usage", {"usage": [{"period": "2026Q1", "amount": 1}]}), 404)
t.check("alloc-2.7", srv.snapshot() == before, "a refused import changed the database")
r = emil.request("POST", "/api/v1/pools/%d/usage" % gpu,
                 raw=b"period,amount,note\r\n2026Q3,3000,\r\n2026Q4,2500,\"quiet, holidays\"\r\n", ctype="text/csv")
t.check("alloc-2.8", r.status == 200 and r.json["imported"] == 2, r.body)
r = cora.post("/api/v1/pools/%d/capacity" % gpu, {"capacity": [{"period": "2027Q1", "capacity": 8000}]})
t.check("alloc-2.9", r.status == 200 and r.json["imported"] == 1, r.body)
r = owen.get("/api/v1/pools/%d/usage" % gpu)
t.check("alloc-2.10", [(x["period"], x["amount"], x["note"]) for x in r.json["items"]] ==
        [("2026Q3", 3000, None), ("2026Q4", 2500, "quiet, holidays")], r.body)
t.status("alloc-2.11", cora.delete("/api/v1/pools/%d" % gpu), 409, "conflict")

# ---- alloc-3: initiatives' planning attributes ----
def initiative(title, owner, value, kpi=None):
    r = a.post("/api/v1/initiatives", {"title": title, "owner_id": P(owner), "expected_value": value})
    return r.json["id"]

obj = a.post("/api/v1/objectives", {"title": "Grow", "pain_point": "revenue"}).json["id"]
kpi = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Sales", "unit": "EUR", "direction": "up",
                              "baseline": 1, "target": 2, "target_period": "2027Q4"}).json["id"]
ia = initiative("Forecasting", "owen@x.example", 500)
ib = initiative("Pricing", "owen@x.example", 400)
ic = initiative("Chatbot", "olive@x.example", 300)
for i in (ia, ib, ic):
    a.post("/api/v1/initiatives/%d/links" % i, {"kpi_id": kpi, "expected_impact": 0.1, "impact_period": "2027Q4"})
    a.post("/api/v1/initiatives/%d/transition" % i, {"to": "assessed", "reason": "case"})
r = owen.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"duration": 2, "demands": [
    {"pool": "budget", "amounts": [600, 300]}, {"pool_id": gpu, "amounts": 4000}]})
t.status("alloc-3.1", r, 200)
t.check("alloc-3.2", r.json["duration"] == 2 and r.json["demands"][0]["amounts"] == [600, 300]
        and r.json["demands"][1]["pool"] == "gpu", r.body)
before = srv.snapshot()
t.status("alloc-3.3", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"demands": [{"pool": "budget", "amounts": -1}]}),
         400, "invalid", "demands[0].amounts")
t.status("alloc-3.4", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"demands": [{"pool": "nope", "amounts": 1}]}),
         400, "invalid", "demands[0].pool")
t.status("alloc-3.5", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"demands": [{"pool_id": 999, "amounts": 1}]}),
         400, "invalid", "demands[0].pool_id")
t.status("alloc-3.6", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"demands": [{"pool": "budget", "amounts": [1, 2, 3]}]}),
         400, "invalid", "demands[0].amounts")
t.status("alloc-3.7", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"duration": 3}), 422, "demand_length")
t.status("alloc-3.8", olive.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"duration": 1}), 403, "not_owner")
t.status("alloc-3.9", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"mandatory": True}), 403, "committee_only")
t.status("alloc-3.10", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"depends_on": [ia]}), 422, "dependency_cycle")
t.check("alloc-3.11", srv.snapshot() == before, "a refused plan change changed the database")
t.status("alloc-3.12", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ib, {"depends_on": [ia]}), 200)
before = srv.snapshot()
r = owen.request("PUT", "/api/v1/initiatives/%d/plan" % ia, {"depends_on": [ib]})
t.status("alloc-3.13", r, 422, "dependency_cycle", "depends_on")
t.check("alloc-3.14", "'Forecasting' (%d) -> 'Pricing' (%d) -> 'Forecasting' (%d)" % (ia, ib, ia) in r.error()["message"], r.body)
t.check("alloc-3.15", srv.snapshot() == before)
t.status("alloc-3.16", cora.request("PUT", "/api/v1/initiatives/%d/plan" % ic, {"mandatory": True, "exclusive_with": [ib],
                                                                                 "demands": [{"pool": "budget", "amounts": 500}]}), 200)
r = owen.get("/api/v1/initiatives/%d/plan" % ib)
t.check("alloc-3.17", r.json["depends_on"] == [ia] and r.json["exclusive_with"] == [ic], r.body)
# a new list replaces the old one: emptied, then set again (once, not twice)
t.status("alloc-3.18", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ib, {"depends_on": []}), 200)
r = owen.get("/api/v1/initiatives/%d/plan" % ib)
t.check("alloc-3.19", r.json["depends_on"] == [] and r.json["exclusive_with"] == [ic], r.body)
t.status("alloc-3.20", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ib, {"depends_on": [ia]}), 200)
t.status("alloc-3.21", owen.request("PUT", "/api/v1/initiatives/%d/plan" % ib, {"depends_on": [ia]}), 200)
r = owen.get("/api/v1/initiatives/%d/plan" % ib)
t.check("alloc-3.22", r.json["depends_on"] == [ia], r.body)

# ---- alloc-4: the planning input, a solve, plans ----
r = pia.get("/api/v1/plan/input?from=2027Q1&periods=4")
t.status("alloc-4.1", r, 200)
inp = r.json
items = {x["id"]: x for x in inp["initiatives"]}
t.check("alloc-4.2", inp["periods"] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"] and inp["budget_pool"] == "budget"
        and set(items) == {str(ia), str(ib), str(ic)}, r.body)
t.check("alloc-4.3", items[str(ia)]["demand"] == {"budget": [600, 300], "gpu": 4000} and items[str(ib)]["depends_on"] == [str(ia)]
        and items[str(ic)]["mandatory"] is True and items[str(ib)]["exclusive_with"] == [str(ic)], items)
gpucap = [p for p in inp["pools"] if p["id"] == "gpu"][0]["capacity"]
mlcap = [p for p in inp["pools"] if p["id"] == "ml"][0]["capacity"]
t.check("alloc-4.4", gpucap == [8000, 10000, 10000, 10000] and mlcap == [1.0] * 4, inp["pools"])
t.status("alloc-4.5", pia.get("/api/v1/plan/input?from=2027Q5"), 400, "invalid", "from")
t.status("alloc-4.6", owen.post("/api/v1/plan/solve", {}), 403, "forbidden")
t.status("alloc-4.7", cora.post("/api/v1/plan/solve", {"time_limit": 100}), 400, "invalid", "time_limit")
t.status("alloc-4.8", cora.post("/api/v1/plan/solve", {"bogus": 1}), 400, "invalid", "bogus")
r = cora.post("/api/v1/plan/solve", {"from": "2027Q1", "periods": 4, "time_limit": 2})
t.status("alloc-4.9", r, 201)
sol = r.json
# budget 1000 a period: ia (600, 300) and ic (500) cannot both start in 2027Q1; ic is mandatory
t.check("alloc-4.10", sol["status"] == "optimal" and str(ic) in sol["starts"] and sol["plan_id"] > 0
        and len(sol["input_hash"]) == 64, r.body)
t.check("alloc-4.11", str(ib) not in sol["starts"] or sol["starts"][str(ib)] > sol["starts"].get(str(ia), "9"), sol["starts"])
r = pia.get("/api/v1/plans/%d" % sol["plan_id"])
t.check("alloc-4.12", r.status == 200 and r.json["input"] == inp and r.json["result"]["value"] == sol["value"]
        and r.json["actor"] == "cora@x.example", r.body[:300])
t.check("alloc-4.13", pia.get("/api/v1/plans").json["total"] == 1)

t.status("alloc-4.14", pia.get("/api/v1/plan/input?form=2027Q1"), 400, "invalid", "form")

# ---- alloc-5: scenarios, compare, frontier, re-plan ----
before = srv.snapshot()
t.status("alloc-5.1", cora.post("/api/v1/scenarios", {"name": "s", "changes": {"capacity": {"gpu": -1}}}), 400, "invalid", "changes.capacity.gpu")
t.status("alloc-5.2", cora.post("/api/v1/scenarios", {"name": "s", "changes": {"capacity": {"nope": 2}}}), 400, "invalid", "changes.capacity.nope")
t.status("alloc-5.3", cora.post("/api/v1/scenarios", {"name": "s", "changes": {"force_in": [ia], "force_out": [ia]}}), 400, "invalid")
t.check("alloc-5.4", srv.snapshot() == before)
r = cora.post("/api/v1/scenarios", {"name": "Double budget", "changes": {"capacity": {"budget": 2.0}}})
t.status("alloc-5.5", r, 201)
s1 = r.json["id"]
t.check("alloc-5.6", r.json["changes"] == {"capacity": {"budget": 2.0}}, r.body)
s2 = cora.post("/api/v1/scenarios", {"name": "Drop the chatbot", "changes": {"force_out": [ic]}}).json["id"]
r = pia.get("/api/v1/plan/input?from=2027Q1&periods=4&scenario_id=%d" % s1)
t.check("alloc-5.7", [p for p in r.json["pools"] if p["id"] == "budget"][0]["capacity"] == [2000] * 4, r.body[:400])
r = cora.post("/api/v1/plan/compare", {"from": "2027Q1", "periods": 4, "time_limit": 3, "scenario_ids": [s1, s2]})
t.status("alloc-5.8", r, 200)
rows = r.json["items"]
t.check("alloc-5.9", len(rows) == 3 and rows[0]["scenario"] is None and rows[1]["scenario"]["name"] == "Double budget"
        and rows[1]["value"] >= rows[0]["value"] and "changes" in rows[2], r.body[:500])
r = cora.post("/api/v1/plan/frontier", {"from": "2027Q1", "periods": 4, "time_limit": 3, "steps": 5})
t.status("alloc-5.10", r, 201)
pts = r.json["points"]
t.check("alloc-5.11", [p["scale"] for p in pts] == [0.5, 0.75, 1.0, 1.25, 1.5]
        and all(pts[k]["value"] <= pts[k + 1]["value"] + 1e-9 for k in range(4) if pts[k]["value"] is not None), r.body[:500])
r = cora.post("/api/v1/plan/solve", {"from": "2027Q1", "periods": 4, "time_limit": 2, "replan": True})
t.check("alloc-5.12", r.status == 201 and r.json["changes"] == 0, r.body[:300])
t.status("alloc-5.13", cora.delete("/api/v1/scenarios/%d" % s1), 409, "conflict")

# an infeasible request: mandatory work beyond the budget is explained, not planned
r = cora.post("/api/v1/scenarios", {"name": "Half budget, chatbot forced", "changes": {"capacity": {"budget": 0.3}, "force_in": [ic]}})
t.status("alloc-5.14", r, 201)
r = cora.post("/api/v1/plan/solve", {"from": "2027Q1", "periods": 4, "time_limit": 2, "scenario_id": r.json["id"]})
t.check("alloc-5.15", r.status == 201 and r.json["status"] == "infeasible" and r.json["conflicts"]
        and r.json["scenario"]["name"] == "Half budget, chatbot forced", r.body[:600])
t.check("alloc-5.16", pia.get("/api/v1/plans/%d" % r.json["plan_id"]).json["status"] == "infeasible")

# ---- alloc-6: pools report: plan vs actual, idle, over-committed, break-even ----
r = pia.get("/api/v1/pools/report?from=2026Q3&periods=4")
t.status("alloc-6.1", r, 200)
g = [p for p in r.json["pools"] if p["key"] == "gpu"][0]
t.check("alloc-6.2", [x["utilisation"] for x in g["periods"][:2]] == [0.3, 0.25] and g["idle"] is True, g)
t.check("alloc-6.3", any(f["kind"] == "idle_pool" and f["id"] == gpu for f in r.json["findings"]), r.json["findings"])
# break-even by hand: F = 120000/12 + 5000 = 15000, u* = 15000 / (2.0 * 10000) = 0.75
t.check("alloc-6.4", abs(g["breakeven"]["breakeven_utilisation"] - 0.75) < 1e-9 and g["breakeven"]["advice"] == "cloud", g["breakeven"])
r = pia.get("/api/v1/pools/report?from=2026Q3&periods=4&threshold=0.2")
t.check("alloc-6.5", [p for p in r.json["pools"] if p["key"] == "gpu"][0]["idle"] is False)
t.status("alloc-6.6", pia.get("/api/v1/pools/report?threshold=2"), 400, "invalid", "threshold")
t.status("alloc-6.7", pia.get("/api/v1/pools/report?bogus=1"), 400, "invalid", "bogus")
cora.post("/api/v1/pools/%d/usage" % budget, {"usage": [{"period": "2027Q1", "amount": 1500}]}) if False else None
emil.post("/api/v1/pools/%d/usage" % budget, {"usage": [{"period": "2027Q1", "amount": 1500}]})
r = pia.get("/api/v1/pools/report?from=2027Q1&periods=4")
t.check("alloc-6.8", any(f["kind"] == "over_committed_pool" and f["id"] == budget for f in r.json["findings"]), r.json["findings"])

# ---- alloc-7: teams ----
before = srv.snapshot()
t.status("alloc-7.1", owen.post("/api/v1/initiatives/%d/team" % ia, {"person_id": P("emil@x.example"), "skill": "product_manager", "fte": 0.5}),
         422, "skill_mismatch", "skill")
t.status("alloc-7.2", owen.post("/api/v1/initiatives/%d/team" % ia, {"person_id": P("emil@x.example"), "skill": "ml_engineer", "fte": 2}),
         400, "invalid", "fte")
t.status("alloc-7.3", olive.post("/api/v1/initiatives/%d/team" % ia, {"person_id": P("emil@x.example"), "skill": "ml_engineer", "fte": 0.5}),
         403, "not_owner")
t.status("alloc-7.4", owen.post("/api/v1/initiatives/%d/team" % ia, {"person_id": 999, "skill": "ml_engineer", "fte": 0.5}),
         400, "invalid", "person_id")
t.check("alloc-7.5", srv.snapshot() == before)
t.status("alloc-7.6", owen.post("/api/v1/initiatives/%d/team" % ia, {"person_id": P("emil@x.example"), "skill": "ml_engineer", "fte": 0.8}), 201)
t.status("alloc-7.7", owen.post("/api/v1/initiatives/%d/team" % ia, {"person_id": P("owen@x.example"), "skill": "business_expert", "fte": 0.2}), 201)
t.status("alloc-7.8", owen.post("/api/v1/initiatives/%d/team" % ia, {"person_id": P("emil@x.example"), "skill": "ml_engineer", "fte": 0.1}), 409, "conflict")
r = owen.post("/api/v1/initiatives/%d/team" % ib, {"person_id": P("emil@x.example"), "skill": "ml_engineer", "fte": 0.5})
t.status("alloc-7.9", r, 201)
r = pia.get("/api/v1/teams")
ta = [x for x in r.json["initiatives"] if x["id"] == ia][0]
t.check("alloc-7.10", ta["missing"] == ["product_manager"] and ta["complete"] is False, ta)
t.check("alloc-7.11", any(f["kind"] == "team_incomplete" and f["id"] == ia and "product_manager" in f["message"] for f in r.json["findings"]))
t.check("alloc-7.12", [x["committed_fte"] for x in r.json["overcommitted"] if x["id"] == P("emil@x.example")] == [1.3], r.json["overcommitted"])
owen.post("/api/v1/initiatives/%d/team" % ia, {"person_id": P("pia@x.example"), "skill": "product_manager", "fte": 0.3})
r = pia.get("/api/v1/teams")
t.check("alloc-7.13", [x for x in r.json["initiatives"] if x["id"] == ia][0]["complete"] is True)
mid = owen.get("/api/v1/initiatives/%d/team" % ib).json["items"][0]["id"]
t.status("alloc-7.14", owen.patch("/api/v1/initiatives/%d/team/%d" % (ib, mid), {"fte": 0.2}), 200)
t.status("alloc-7.15", owen.delete("/api/v1/initiatives/%d/team/%d" % (ia, mid)), 404)
t.check("alloc-7.16", pia.get("/api/v1/teams").json["overcommitted"] == [])

# ---- alloc-8: data assets ----
before = srv.snapshot()
t.status("alloc-8.1", emil.post("/api/v1/data-assets", {"name": "Sales history", "personal_data": True}), 422, "consent_missing", "consent_basis")
t.status("alloc-8.2", emil.post("/api/v1/data-assets", {"name": "x", "initiative_ids": [999]}), 400, "invalid", "initiative_ids")
t.status("alloc-8.3", emil.post("/api/v1/data-assets", {"name": "x", "labelling_status": "some"}), 400, "invalid", "labelling_status")
t.status("alloc-8.4", pia.post("/api/v1/data-assets", {"name": "x"}), 403, "forbidden")
t.check("alloc-8.5", srv.snapshot() == before)
r = emil.post("/api/v1/data-assets", {"name": "Sales history", "source_system": "ERP", "personal_data": True,
                                      "consent_basis": "contract", "initiative_ids": [ia, ib]})
t.status("alloc-8.6", r, 201)
asset = r.json["id"]
t.check("alloc-8.7", r.json["owner_id"] == P("emil@x.example") and [x["initiative_id"] for x in r.json["initiatives"]] == [ia, ib]
        and r.json["profile"] is None, r.body)
t.status("alloc-8.8", owen.patch("/api/v1/data-assets/%d" % asset, {"description": "mine"}), 403, "not_owner")
t.status("alloc-8.9", emil.patch("/api/v1/data-assets/%d" % asset, {"consent_basis": None}), 422, "consent_missing")
t.status("alloc-8.10", emil.post("/api/v1/data-assets/%d/profile" % asset, {"x": 1}), 400, "invalid", "body")
sample = "store,week,units,label\n" + "1,1,10,\n" * 40 + "".join("%d,%d,%d,%s\n" % (i, i, i * 3, "yn"[i % 2]) for i in range(20))
r = emil.request("POST", "/api/v1/data-assets/%d/profile?label=label" % asset, raw=sample.encode(), ctype="text/csv")
t.status("alloc-8.11", r, 201)
prof = r.json["profile"]
t.check("alloc-8.12", prof["n_rows"] == 60 and prof["score"] < 60 and prof["reasons"] and prof["sample_retained_until"] is None
        and r.json["readiness_score"] == prof["score"], r.body[:600])
t.check("alloc-8.13", srv.sql("SELECT count(*) FROM data_asset_sample")[0][0] == 0, "a sample was kept unasked")
sc = a.get("/api/v1/initiatives/%d/scores" % ia).json["items"]
dr = [x for x in sc if x["criterion"] == "data_readiness"]
t.check("alloc-8.14", len(dr) == 1 and dr[0]["value"] == 1 + int(prof["score"] // 20) and dr[0]["scorer"].startswith("keel"), sc)
pr = [x for x in a.get("/api/v1/priorities").json["items"] if x["id"] == ia][0]
t.check("alloc-8.15", pr["scores"]["data_readiness"] == dr[0]["value"], pr)
r = emil.request("POST", "/api/v1/data-assets/%d/profile?retain_days=7" % asset, raw=b"a,b\n1,2\n3,4\n", ctype="text/csv")
t.check("alloc-8.16", r.status == 201 and r.json["profile"]["sample_retained_until"] is not None
        and srv.sql("SELECT count(*) FROM data_asset_sample")[0][0] == 1, r.body[:300])
# a sample past its retention is deleted at the next read of the catalogue
srv.write_sql("UPDATE data_asset_sample SET retain_until = '2000-01-01T00:00:00Z'")
r = pia.get("/api/v1/data-assets")
t.check("alloc-8.16b", r.status == 200 and srv.sql("SELECT count(*) FROM data_asset_sample")[0][0] == 0, r.body[:200])
t.check("alloc-8.16c", srv.sql("SELECT count(*) FROM audit WHERE action = 'purge_sample' AND entity_id = ?", (asset,))[0][0] == 1)
t.status("alloc-8.17", emil.request("POST", "/api/v1/data-assets/%d/profile?retain_days=400" % asset, raw=b"a\n1\n", ctype="text/csv"),
         400, "invalid", "retain_days")
t.status("alloc-8.18", emil.request("POST", "/api/v1/data-assets/%d/profile" % asset, raw=b"a,b\n1\n", ctype="text/csv"), 400, "invalid", "body")
# one profile path: a 0/1 label (read as numbers by default) profiled by
# the API and by `keel profile --label` gives the same JSON, byte for byte
churn = "tenure,spend,plan,churned\n" + "".join(
    "%d,%s,%s,%s\n" % (i, "nan" if i % 9 == 4 else "%.2f" % (i * 1.7 % 13), "abc"[i % 3], "01"[i % 4 == 1])
    for i in range(90))
churn_file = os.path.join(srv.dir, "churn.csv")
with open(churn_file, "w") as f:
    f.write(churn)
r = emil.request("POST", "/api/v1/data-assets/%d/profile?label=churned" % asset, raw=churn.encode(), ctype="text/csv")
t.status("alloc-8.18b", r, 201)
p = subprocess.run([KEEL, "profile", "--json", "--label", "churned", churn_file], capture_output=True, text=True)
summ = r.json["profile"]["summary"] if r.status == 201 else None
api_prof = json.loads(summ) if isinstance(summ, str) else summ
t.check("alloc-8.18c", p.returncode == 0 and api_prof == json.loads(p.stdout)
        and api_prof["dataset"]["label"]["classes"][0]["value"] == "0"
        and api_prof["columns"][1]["type"] == "numeric", (p.stderr, str(api_prof)[:300]))
t.status("alloc-8.18d", emil.request("POST", "/api/v1/data-assets/%d/profile?label=nope" % asset, raw=churn.encode(), ctype="text/csv"),
         400, "invalid", "label")
r = emil.patch("/api/v1/data-assets/%d" % asset, {"initiative_ids": [ib]})
t.check("alloc-8.19", r.status == 200 and not [x for x in a.get("/api/v1/initiatives/%d/scores" % ia).json["items"]
                                               if x["criterion"] == "data_readiness"], r.body[:300])
t.status("alloc-8.20", cora.delete("/api/v1/data-assets/%d" % asset), 409, "conflict")
t.check("alloc-8.21", pia.get("/api/v1/data-assets?personal_data=true").json["total"] == 1)
r = a.get("/api/v1/audit/verify")
t.check("alloc-8.22", r.status == 200, r.body)

# ---- alloc-9: offline agreement, keel usage import ----
inp_file = os.path.join(srv.dir, "input.json")
with open(inp_file, "w") as f:
    json.dump(inp, f)
p = subprocess.run([KEEL, "plan", "solve", "--input", inp_file, "--time-limit", "2", "--json"], capture_output=True, text=True)
off = json.loads(p.stdout) if p.returncode == 0 else {}
t.check("alloc-9.1", off.get("value") == sol["value"] and off.get("starts") == sol["starts"], p.stdout[:300] + p.stderr)
csv_file = os.path.join(srv.dir, "usage.csv")
with open(csv_file, "w") as f:
    f.write("period,amount\n2027Q2,5\n2027Q13,4\nx,1\n")
before = srv.snapshot()
p = subprocess.run([KEEL, "usage", "import", "--db", srv.db, "--pool", str(budget), csv_file], capture_output=True, text=True,
                   env=srv.env)
t.check("alloc-9.2", p.returncode == 2 and "line 3" in p.stderr and "line 4" in p.stderr, p.stderr)
t.check("alloc-9.3", srv.snapshot() == before)
with open(csv_file, "w") as f:
    f.write("period,amount,note\n2027Q2,500,from the ledger\n")
p = subprocess.run([KEEL, "usage", "import", "--db", srv.db, "--pool", str(budget), "--as", "emil@x.example", csv_file],
                   capture_output=True, text=True, env=srv.env)
t.check("alloc-9.4", p.returncode == 0 and "imported 1" in p.stdout, p.stdout + p.stderr)
p = subprocess.run([KEEL, "usage", "import", "--db", srv.db, "--pool", str(budget), "--as", "owen@x.example", csv_file],
                   capture_output=True, text=True, env=srv.env)
t.check("alloc-9.5", p.returncode == 2 and "may not" in p.stderr, p.stderr)

srv.stop()
t.done()
