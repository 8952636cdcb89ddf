# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 4's schedule slips (issue 21, item 5), numbered
(slip-N.M), with dates built by hand around today: an initiative stuck in
a stage past its plan, a business deadline passed or at risk, a rollout
past its planned start, each flagged with what blocks the next move (no
KPI link, a missing sign-off, a linked definition not agreed, a
dependency still behind, the pilot's exit criteria unmet); slips are
findings and listed across the programme. Every refusal leaves the
database unchanged."""
from datetime import date, timedelta
from keeltest import Server, Cases

t = Cases()
srv = Server()
a = srv.admin()
T = date.today()


def d(n):
    return (T + timedelta(days=n)).isoformat()


ids, c = {}, {}
for name, email, role in [("Olga Owner", "olga@s.example", "owner"), ("Otto Other", "otto@s.example", "owner"),
                          ("Vic Viewer", "vic@s.example", "viewer")]:
    p = a.post("/api/v1/people", {"name": name, "email": email})
    ids[email] = p.json["id"]
    a.post("/api/v1/accounts", {"email": email, "name": name, "role": role, "password": "password-123",
                                "person_id": p.json["id"]})
    c[email] = srv.client()
    c[email].login(email, "password-123")
olga, otto, vic = c["olga@s.example"], c["otto@s.example"], c["vic@s.example"]
obj = a.post("/api/v1/objectives", {"title": "Sell more", "pain_point": "revenue"}).json["id"]
kpi = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Conversion", "unit": "%", "direction": "up",
                              "baseline": 2, "target": 3, "target_period": "2027Q4"}).json["id"]
ini = a.post("/api/v1/initiatives", {"title": "Season promo model", "owner_id": ids["olga@s.example"]}).json["id"]
dep = a.post("/api/v1/initiatives", {"title": "Customer data platform", "owner_id": ids["otto@s.example"]}).json["id"]
S = "/api/v1/initiatives/%d/schedule" % ini

# ---- slip-1: planning, and refusals ----
before = srv.snapshot()
t.status("slip-1.1", olga.request("PUT", S, {"plan": [{"stage": "idea", "planned_on": d(1)}]}), 400, "invalid", "plan")
t.status("slip-1.2", olga.request("PUT", S, {"plan": [{"stage": "pilot", "planned_on": "2026-02-30"}]}), 400, "invalid", "plan")
t.status("slip-1.3", olga.request("PUT", S, {"plan": [{"stage": "pilot", "planned_on": d(1)}, {"stage": "pilot", "planned_on": d(2)}]}), 400, "invalid", "plan")
t.status("slip-1.4", olga.request("PUT", S, {"plan": [{"stage": "pilot", "planned_on": d(1)}, {"stage": "approved", "planned_on": d(2)}]}), 422, "out_of_order", "plan")
t.status("slip-1.5", olga.request("PUT", S, {"deadlines": [{"name": "", "due_on": d(1), "stage": "pilot"}]}), 400, "invalid", "deadlines")
t.status("slip-1.6", olga.request("PUT", S, {"colour": []}), 400, "invalid", "colour")
t.status("slip-1.7", olga.request("PUT", S, {}), 400, "invalid")
t.status("slip-1.8", otto.request("PUT", S, {"plan": []}), 403, "not_owner")
t.status("slip-1.9", vic.request("PUT", S, {"plan": []}), 403, "forbidden")
t.status("slip-1.10", olga.request("PUT", "/api/v1/initiatives/9999/schedule", {"plan": []}), 404)
t.check("slip-1.11", srv.snapshot() == before, "refused plans changed the database")
plan = {"plan": [{"stage": "assessed", "planned_on": d(-10)}, {"stage": "approved", "planned_on": d(5)}],
        "deadlines": [{"name": "Spring sales season", "due_on": d(20), "stage": "approved"}]}
r = olga.request("PUT", S, plan)
t.check("slip-1.12", r.status == 200 and len(r.json["plan"]) == 2 and r.json["deadlines"][0]["name"] == "Spring sales season", r.body[:400])
s = vic.get(S).json
# idea, assessed planned 10 days ago: overdue by 10; approved in 5 days: pending;
# the deadline ahead is at risk because the plan towards it is already late
t.check("slip-1.13", [(p["stage"], p["state"], p["days"]) for p in s["plan"]] == [("assessed", "overdue", 10), ("approved", "pending", 5)], s["plan"])
t.check("slip-1.14", s["deadlines"][0]["state"] == "at_risk" and s["deadlines"][0]["days"] == 20, s["deadlines"])
t.check("slip-1.15", [(x["kind"], x["what"], x["state"], x["days"]) for x in s["slips"]]
        == [("stage", "assessed", "overdue", 10), ("deadline", "Spring sales season", "at_risk", 20)], s["slips"])
# idea -> assessed is blocked by no rule: no cause
t.check("slip-1.16", s["next_stage"] == "assessed" and s["causes"] == [], s["causes"])

# ---- slip-2: the causes: a definition not agreed, a dependency behind ----
u = a.post("/api/v1/units", {"name": "Sales", "kind": "department"}).json["id"]
dfn = a.post("/api/v1/definitions", {"name": "active shopper", "kind": "customer_segment", "body": "bought twice in 90 days",
                                     "departments": [u]}).json["id"]
a.post("/api/v1/definitions/%d/links" % dfn, {"entity": "initiative", "entity_id": ini})
r = olga.request("PUT", "/api/v1/initiatives/%d/plan" % ini, {"depends_on": [dep]})
t.check("slip-2.0", r.status == 200, r.body[:300])
s = vic.get(S).json
codes = [x["code"] for x in s["causes"]]
t.check("slip-2.1", codes == ["definition", "dependency"], s["causes"])
t.check("slip-2.2", "active shopper" in s["causes"][0]["message"] and "Sales" in s["causes"][0]["message"]
        and "Customer data platform" in s["causes"][1]["message"] and "idea" in s["causes"][1]["message"], s["causes"])
# each cause also as a code with its values (docs/api.md#sentences)
t.check("slip-2.2.1", s["causes"][0]["message_code"] == {"code": "definition_unsigned", "params": {"definition": "active shopper", "departments": ["Sales"]}}
        and s["causes"][1]["message_code"]["code"] == "dependency"
        and s["causes"][1]["message_code"]["params"] == {"initiative": "Customer data platform", "stage": "idea"}, s["causes"])
t.check("slip-2.3", all(x["causes"] == s["causes"] for x in s["slips"]), s["slips"])

# ---- slip-3: the move made late; a deadline missed; the rules' refusals as causes ----
r = olga.post("/api/v1/initiatives/%d/transition" % ini, {"to": "assessed", "reason": "assessed at last"})
t.check("slip-3.0", r.status == 200, r.body[:300])
s = vic.get(S).json
t.check("slip-3.1", (s["plan"][0]["state"], s["plan"][0]["days"], s["plan"][0]["reached_on"]) == ("late", 10, T.isoformat()), s["plan"][0])
t.check("slip-3.2", s["deadlines"][0]["state"] == "pending" and s["slips"] == [], s)
olga.request("PUT", S, {"deadlines": [{"name": "Spring sales season", "due_on": d(-3), "stage": "approved"}]})
s = vic.get(S).json
t.check("slip-3.3", [(x["kind"], x["state"], x["days"]) for x in s["slips"]] == [("deadline", "missed", 3)], s["slips"])
t.check("slip-3.4", s["plan"][1]["stage"] == "approved" and s["next_stage"] == "approved", s)
# assessed -> approved: unaligned first, then, once linked, the sign-offs
t.check("slip-3.5", [x["code"] for x in s["causes"]] == ["unaligned", "definition", "dependency"], s["causes"])
a.post("/api/v1/initiatives/%d/links" % ini, {"kpi_id": kpi, "expected_impact": 0.2, "impact_period": "2027Q4"})
s = vic.get(S).json
t.check("slip-3.6", [x["code"] for x in s["causes"]] == ["missing_signoff", "definition", "dependency"], s["causes"])
mc = s["causes"][0]["message_code"]
t.check("slip-3.6.1", mc["code"] == "signoffs_missing" and mc["params"]["risk_officer"] is False
        and set(mc["params"]["missing"]) <= {"sponsor", "owner", "ai_lead"} and mc["params"]["missing"]
        and isinstance(mc["params"]["version"], int), s["causes"])
f = [x for x in a.get("/api/v1/alignment").json["findings"] if x["kind"] in ("deadline_missed", "schedule_slip", "deadline_at_risk")]
t.check("slip-3.7", len(f) == 1 and f[0]["kind"] == "deadline_missed" and f[0]["severity"] == "critical"
        and f[0]["id"] == ini and "missed 'Spring sales season'" in f[0]["message"]
        and "approval needs the sign-offs" in f[0]["message"], f)

# ---- slip-4: rollouts: a planned start passed; halted is no slip ----
reg = a.post("/api/v1/units", {"name": "North", "kind": "region"}).json["id"]
reg2 = a.post("/api/v1/units", {"name": "South", "kind": "region"}).json["id"]
r = a.request("PUT", "/api/v1/initiatives/%d/pilot" % dep, {"org_unit_id": reg, "starts_on": d(-100), "ends_on": d(-40),
                                                           "baseline_period": "2026Q1", "measure_period": "2026Q2",
                                                           "criteria": [{"kpi_id": kpi, "change_pct": 10}]})
t.check("slip-4.0", r.status == 200, r.body[:300])
ro = a.post("/api/v1/initiatives/%d/rollouts" % dep, {"org_unit_id": reg2, "planned_start": d(-7), "planned_live": d(30)})
t.check("slip-4.1", ro.status == 201, ro.body[:300])
s = vic.get("/api/v1/initiatives/%d/schedule" % dep).json
t.check("slip-4.2", [(x["kind"], x["what"], x["days"]) for x in s["slips"]] == [("rollout_start", "South", 7)], s["slips"])
t.check("slip-4.3", "pilot_criteria" in [x["code"] for x in s["causes"]], s["causes"])
t.check("slip-4.4", s["pilot"]["criteria"] == "no_data" and s["pilot"]["state"] == "overdue", s["pilot"])
lst = vic.get("/api/v1/slips").json
t.check("slip-4.5", lst["counts"] == {"initiatives_scheduled": 2, "initiatives_slipping": 2, "slips": 2}
        and {x["title"] for x in lst["items"]} == {"Season promo model", "Customer data platform"}, lst)
rid = ro.json["items"][0]["id"]
r = a.patch("/api/v1/initiatives/%d/rollouts/%d" % (dep, rid), {"status": "halted"})
t.check("slip-4.6", r.status == 200 and vic.get("/api/v1/initiatives/%d/schedule" % dep).json["slips"] == [], r.body[:300])
srv.stop()
t.done()
