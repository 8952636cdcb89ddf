# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 4's training and the translator gap, and of the risk
officer as a fourth signatory (issue 21, items 6 and 7), numbered (trn-N.M):
programmes, sessions and completions; coverage per unit (sub-units
included) against each programme's target, derived by hand below; the
rollout rule (a unit below the target of a programme its initiative
requires cannot be rolled out to) and its override by a passed proposal;
team members lacking a required programme; the forecast of the roles the
latest plan needs per quarter against the people available, derived by
hand from the plan's starts; the fourth signature where a system is of
the high tier. Every refusal leaves the database unchanged."""
from datetime import date, timedelta
from keeltest import Server, Cases

t = Cases()
srv = Server()
a = srv.admin()

units = {}
units["Retail"] = a.post("/api/v1/units", {"name": "Retail", "kind": "business_line"}).json["id"]
for n in ["Store A", "Store B"]:
    units[n] = a.post("/api/v1/units", {"name": n, "kind": "region", "parent_id": units["Retail"]}).json["id"]
units["Pilot"] = a.post("/api/v1/units", {"name": "Pilot store", "kind": "region"}).json["id"]
units["Empty"] = a.post("/api/v1/units", {"name": "Empty store", "kind": "region"}).json["id"]

ids, c = {}, {}
PEOPLE = [("Cora Ceo", "ceo@t.example", "committee", None, []),
          ("Olga Owner", "olga@t.example", "owner", None, ["business_expert"]),
          ("Sam Sponsor", "sam@t.example", "committee", None, []),
          ("Lee Lead", "lee@t.example", "engineer", None, ["ml_engineer"]),
          ("Rita Risk", "rita@t.example", "risk", None, []),
          ("Pat Product", "pat@t.example", "viewer", None, ["product_manager", "business_expert"]),
          ("A1", "a1@t.example", None, "Store A", []), ("A2", "a2@t.example", None, "Store A", []),
          ("A3", "a3@t.example", None, "Store A", []), ("A4", "a4@t.example", None, "Store A", []),
          ("B1", "b1@t.example", None, "Store B", []), ("B2", "b2@t.example", None, "Store B", []),
          ("R1", "r1@t.example", None, "Retail", [])]
for name, email, role, unit, skills in PEOPLE:
    body = {"name": name, "email": email, "skills": skills}
    if unit:
        body["unit_id"] = units[unit]
    p = a.post("/api/v1/people", body)
    ids[email] = p.json["id"]
    if role:
        a.post("/api/v1/accounts", {"email": email, "name": name, "role": role,
                                    "password": "password-123", "person_id": p.json["id"]})
        c[email] = srv.client()
        c[email].login(email, "password-123")
ceo, olga, sam, lee, rita, pat = (c[e] for e in ["ceo@t.example", "olga@t.example", "sam@t.example",
                                                 "lee@t.example", "rita@t.example", "pat@t.example"])
P = lambda e: ids[e + "@t.example"]
a.post("/api/v1/committee/members", {"person_id": P("ceo"), "chair": True})

# ---- trn-1: programmes, sessions, completions ----
PR = "/api/v1/training/programmes"
before = srv.snapshot()
t.status("trn-1.1", olga.post(PR, {"name": "AI literacy", "kind": "ai_literacy"}), 403, "forbidden")
t.status("trn-1.2", a.post(PR, {"name": "AI literacy", "kind": "juggling"}), 400, "invalid", "kind")
t.status("trn-1.3", a.post(PR, {"name": "AI literacy", "kind": "ai_literacy", "target_pct": 120}), 400, "invalid", "target_pct")
t.status("trn-1.4", a.post(PR, {"name": "Tool", "kind": "tool", "system_id": 999}), 400, "invalid", "system_id")
t.status("trn-1.5", a.post(PR, {"name": "Ethics", "kind": "ethics", "required_tiers": ["extreme"]}), 400, "invalid", "required_tiers")
t.check("trn-1.6", srv.snapshot() == before, "refused programmes changed the database")
r = a.post(PR, {"name": "AI literacy", "kind": "ai_literacy", "required_for_all": True, "description": "what AI can and cannot do"})
t.check("trn-1.7", r.status == 201 and r.json["target_pct"] == 80 and r.json["required_for_all"] is True
        and r.json["required_tiers"] == [] and r.json["sessions"] == [] and r.json["completed"] == 0, r.body[:400])
lit = r.json["id"]
r = a.post(PR, {"name": "Ethics of credit decisions", "kind": "ethics", "required_tiers": ["high"], "target_pct": 50})
eth = r.json["id"]
t.status("trn-1.8", a.post(PR, {"name": "AI literacy", "kind": "tool"}), 409, "duplicate", "name")
r = a.post(PR + "/%d/sessions" % lit, {"held_on": "2026-10-01", "trainer": "Ada", "location": "online"})
t.check("trn-1.9", r.status == 201 and r.json["sessions"][0]["held_on"] == "2026-10-01", r.body[:300])
sess = r.json["sessions"][0]["id"]
sess_eth = a.post(PR + "/%d/sessions" % eth, {"held_on": "2026-10-02"}).json["sessions"][0]["id"]
before = srv.snapshot()
t.status("trn-1.10", a.post(PR + "/%d/completions" % lit, {"person_id": 9999, "completed_on": "2026-10-01"}), 400, "invalid", "person_id")
t.status("trn-1.11", a.post(PR + "/%d/completions" % lit, {"person_id": P("a1"), "completed_on": "2026-10-01",
                                                          "session_id": sess_eth}), 400, "invalid", "session_id")
t.status("trn-1.12", a.post(PR + "/999/completions", {"person_id": P("a1"), "completed_on": "2026-10-01"}), 404)
t.status("trn-1.13", olga.post(PR + "/%d/completions" % lit, {"person_id": P("a1"), "completed_on": "2026-10-01"}), 403, "forbidden")
t.status("trn-1.14", a.post(PR + "/%d/completions" % lit, {"person_id": P("a1"), "completed_on": "01/10/2026"}), 400, "invalid", "completed_on")
t.check("trn-1.15", srv.snapshot() == before, "refused completions changed the database")
# AI literacy: A1, A2, A3 of Store A (3 of 4), B1 of Store B (1 of 2), R1 of Retail itself
for e in ["a1", "a2", "a3", "b1", "r1"]:
    r = a.post(PR + "/%d/completions" % lit, {"person_id": P(e), "completed_on": "2026-10-01", "session_id": sess})
t.check("trn-1.16", r.status == 201 and len(r.json["completions"]) == 5 and r.json["sessions"][0]["completions"] == 5, r.body[:300])
t.status("trn-1.17", a.post(PR + "/%d/completions" % lit, {"person_id": P("a1"), "completed_on": "2026-10-02"}), 409, "duplicate", "person_id")
t.status("trn-1.18", pat.get(PR), 200)
r = pat.get(PR + "?kind=ai_literacy")
# 13 people in the register, 5 completed: 38.46...%
t.check("trn-1.19", r.json["total"] == 1 and r.json["items"][0]["completed"] == 5 and r.json["items"][0]["people"] == 13
        and abs(r.json["items"][0]["coverage_pct"] - 500 / 13) < 1e-9, r.body[:400])

# ---- trn-2: coverage per unit, by hand ----
#   unit        people (with sub-units)        AI literacy done  pct     below 80?
#   Retail      R1 + A1..A4 + B1, B2 = 7       R1 A1 A2 A3 B1 = 5  71.43   yes
#   Store A     4                              3                   75      yes
#   Store B     2                              1                   50      yes
#   Pilot/Empty 0: not listed
r = pat.get("/api/v1/training/coverage")
t.status("trn-2.1", r, 200)
cov = {u["name"]: u for u in r.json["units"]}
def lit_of(name):
    return [x for x in cov[name]["coverage"] if x["programme_id"] == lit][0]
t.check("trn-2.2", cov["Retail"]["people"] == 7 and lit_of("Retail")["completed"] == 5
        and abs(lit_of("Retail")["pct"] - 500 / 7) < 1e-9 and lit_of("Retail")["below"] is True, cov.get("Retail"))
t.check("trn-2.3", lit_of("Store A")["pct"] == 75 and lit_of("Store A")["below"] and lit_of("Store B")["pct"] == 50, cov)
t.check("trn-2.4", "Empty store" not in cov and "Pilot store" not in cov, list(cov))
t.check("trn-2.5", {(b["unit_name"], b["programme"]) for b in r.json["below"]} >=
        {("Store A", "AI literacy"), ("Store B", "AI literacy"), ("Retail", "AI literacy")}, r.json["below"])
t.status("trn-2.6", pat.get("/api/v1/training/coverage?x=1"), 400, "invalid")
a.post(PR + "/%d/completions" % lit, {"person_id": P("a4"), "completed_on": "2026-10-03"})
r = pat.get(PR + "/%d" % lit)
units_lit = {u["name"]: u["coverage"][0] for u in r.json["units"]}
t.check("trn-2.7", units_lit["Store A"]["pct"] == 100 and units_lit["Store A"]["below"] is False, units_lit)

# ---- trn-3: the rollout rule and its override ----
obj = a.post("/api/v1/objectives", {"title": "Fewer stock-outs", "pain_point": "revenue"}).json["id"]
kpi = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Stock-outs", "unit": "%", "direction": "down",
                              "baseline": 10, "target": 8, "target_period": "2027Q4"}).json["id"]
ini = a.post("/api/v1/initiatives", {"title": "Replenishment", "owner_id": P("olga")}).json["id"]
a.post("/api/v1/kpis/%d/unit-values" % kpi, {"rows": [
    {"org_unit_id": units["Pilot"], "period": "2026Q1", "value": 10},
    {"org_unit_id": units["Pilot"], "period": "2026Q3", "value": 7}]})
olga.request("PUT", "/api/v1/initiatives/%d/pilot" % ini, {
    "org_unit_id": units["Pilot"], "starts_on": "2026-01-01", "ends_on": "2026-09-30",
    "baseline_period": "2026Q1", "measure_period": "2026Q3", "criteria": [{"kpi_id": kpi, "change_pct": -20}]})
RO = "/api/v1/initiatives/%d/rollouts" % ini
ra = olga.post(RO, {"org_unit_id": units["Store A"]}).json["items"]
rb = olga.post(RO, {"org_unit_id": units["Store B"]}).json["items"]
re_ = olga.post(RO, {"org_unit_id": units["Empty"]}).json["items"]
rid = {x["unit_name"]: x["id"] for x in re_}
r = pat.get(RO)
blocked = {x["unit_name"]: x.get("blocked") for x in r.json["items"]}
t.check("trn-3.1", r.json["pilot_status"] == "met" and blocked["Store A"] is None and blocked["Empty store"] is None
        and blocked["Store B"]["code"] == "training_below_target" and "50%" in blocked["Store B"]["message"]
        and "AI literacy" in blocked["Store B"]["message"], blocked)
before = srv.snapshot()
r = olga.patch(RO + "/%d" % rid["Store B"], {"status": "in_progress"})
t.status("trn-3.2", r, 409, "training_below_target", "status")
t.check("trn-3.3", "1 of its 2 people" in r.error()["message"] and "80%" in r.error()["message"]
        and "override_rollout" in r.error()["message"], r.body[:400])
t.check("trn-3.4", srv.snapshot() == before, "a refused rollout start changed the database")
t.status("trn-3.5", olga.patch(RO + "/%d" % rid["Store A"], {"status": "in_progress"}), 200)
t.status("trn-3.6", olga.patch(RO + "/%d" % rid["Empty store"], {"status": "in_progress"}), 200)
# the override: a passed proposal lets Store B start below the target
r = olga.post("/api/v1/proposals", {"title": "Roll out to Store B before its training", "action_type": "override_rollout",
                                   "action": {"rollout_id": rid["Store B"]}, "due_date": (date.today() + timedelta(days=7)).isoformat()})
r = ceo.post("/api/v1/proposals/%d/votes" % r.json["id"], {"vote": "for", "comment": "training runs in parallel"})
t.check("trn-3.7", r.json["decision"]["execution"] == "executed", r.body[:400])
r = olga.patch(RO + "/%d" % rid["Store B"], {"status": "in_progress"})
t.check("trn-3.8", r.status == 200 and [x for x in r.json["items"] if x["id"] == rid["Store B"]][0]["status"] == "in_progress", r.body[:300])

# ---- trn-4: team members lacking a required programme; the 4th signatory ----
sysbody = {"name": "credit-model", "title": "Credit model", "initiative_id": ini, "risk_tier": "high",
           "tier_reason": "credit decisions", "model_source": "own"}
r = a.post("/api/v1/systems", sysbody)
t.status("trn-4.1", r, 201)
a.post("/api/v1/initiatives/%d/links" % ini, {"kpi_id": kpi, "expected_impact": -2, "impact_period": "2027Q4"})
t.status("trn-4.1b", olga.post("/api/v1/initiatives/%d/transition" % ini, {"to": "assessed", "reason": "case"}), 200)
a.post("/api/v1/initiatives/%d/team" % ini, {"person_id": P("olga"), "skill": "business_expert", "fte": 0.4})
a.post("/api/v1/initiatives/%d/team" % ini, {"person_id": P("lee"), "skill": "ml_engineer", "fte": 1.0})
a.post(PR + "/%d/completions" % eth, {"person_id": P("lee"), "completed_on": "2026-10-02"})
a.post(PR + "/%d/completions" % lit, {"person_id": P("lee"), "completed_on": "2026-10-02"})
r = pat.get("/api/v1/training/coverage")
fl = {x["person_name"]: sorted(m["name"] for m in x["missing"]) for x in r.json["flagged"] if x["initiative_id"] == ini}
t.check("trn-4.2", fl == {"Olga Owner": ["AI literacy", "Ethics of credit decisions"]}, fl)
a.patch("/api/v1/initiatives/%d" % ini, {"sponsor_id": P("sam"), "ai_lead_id": P("lee")})
r = olga.get("/api/v1/initiatives/%d" % ini)
t.check("trn-4.3", r.json["signoffs_required"] == 4 and r.json["signoffs"]["risk_officer"]["required"] is True
        and r.json["signoffs"]["risk_officer"]["person_id"] is None, r.json.get("signoffs"))
t.status("trn-4.4", a.patch("/api/v1/initiatives/%d" % ini, {"risk_officer_id": P("olga")}), 409, "signatories_distinct", "risk_officer_id")
for who, role in [(sam, "sponsor"), (olga, "owner"), (lee, "ai_lead")]:
    t.status("trn-4.5." + role, who.post("/api/v1/initiatives/%d/signoffs" % ini, {"role": role}), 201)
before = srv.snapshot()
t.status("trn-4.6", rita.post("/api/v1/initiatives/%d/signoffs" % ini, {"role": "risk_officer"}), 409, "no_signatory", "risk_officer_id")
r = ceo.post("/api/v1/initiatives/%d/transition" % ini, {"to": "approved", "reason": "go"})
t.status("trn-4.7", r, 409, "signoffs_missing", "to")
t.check("trn-4.8", "risk officer" in r.error()["message"] and "high risk tier" in r.error()["message"], r.body[:400])
t.check("trn-4.9", srv.snapshot() == before, "refused sign-off or approval changed the database")
a.patch("/api/v1/initiatives/%d" % ini, {"risk_officer_id": P("rita")})
t.status("trn-4.10", lee.post("/api/v1/initiatives/%d/signoffs" % ini, {"role": "risk_officer"}), 403, "not_signatory")
r = olga.get("/api/v1/initiatives/%d" % ini)
t.check("trn-4.11", r.json["signoffs"]["sponsor"]["signed"] is False, "a new signatory must void the sign-offs given")
for who, role in [(sam, "sponsor"), (olga, "owner"), (lee, "ai_lead")]:
    who.post("/api/v1/initiatives/%d/signoffs" % ini, {"role": role})
t.status("trn-4.12", rita.post("/api/v1/initiatives/%d/signoffs" % ini, {"role": "risk_officer"}), 201)
r = rita.get("/api/v1/initiatives/%d" % ini)
t.check("trn-4.13", r.json["signoffs_complete"] is True and r.json["signoffs"]["risk_officer"]["signed"] is True, r.json.get("signoffs"))
t.status("trn-4.14", ceo.post("/api/v1/initiatives/%d/transition" % ini, {"to": "approved", "reason": "go"}), 200)
# a charter without a high-tier system needs three; the risk officer may not sign it
ini2 = a.post("/api/v1/initiatives", {"title": "Shelf cameras", "owner_id": P("olga"), "risk_officer_id": P("rita")}).json["id"]
r = olga.get("/api/v1/initiatives/%d" % ini2)
t.check("trn-4.15", r.json["signoffs_required"] == 3 and r.json["signoffs"]["risk_officer"]["required"] is False, r.json.get("signoffs"))
t.status("trn-4.16", rita.post("/api/v1/initiatives/%d/signoffs" % ini2, {"role": "risk_officer"}), 409, "not_required", "role")

# ---- trn-5: the forecast of roles per quarter, by hand ----
r = pat.get("/api/v1/training/forecast")
t.check("trn-5.1", r.status == 200 and r.json["plan_id"] is None and r.json["short"] == [], r.body[:300])
a.post("/api/v1/pools", {"key": "budget", "name": "Budget", "kind": "budget", "capacity": 1000})
fc = []
for title in ["F1", "F2", "F3"]:
    i = a.post("/api/v1/initiatives", {"title": title, "owner_id": P("olga"), "expected_value": 100}).json["id"]
    a.post("/api/v1/initiatives/%d/links" % i, {"kpi_id": kpi, "expected_impact": -1, "impact_period": "2027Q4"})
    a.post("/api/v1/initiatives/%d/transition" % i, {"to": "assessed", "reason": "case"})
    a.request("PUT", "/api/v1/initiatives/%d/plan" % i, {"duration": 2, "demands": [{"pool": "budget", "amounts": 100}]})
    fc.append(i)
a.post("/api/v1/initiatives/%d/team" % fc[0], {"person_id": P("pat"), "skill": "product_manager", "fte": 0.9})
r = ceo.post("/api/v1/plan/solve", {"from": "2027Q1", "periods": 4, "time_limit": 2})
t.status("trn-5.2", r, 201)
starts = r.json["starts"]
periods = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
# people available: Pat has product_manager and business_expert (1.0 FTE shared: 0.5 each), Olga
# business_expert (1.0), Lee ml_engineer (1.0). Need: each initiative running in a quarter needs
# max(its team's FTE in the role, 0.4): F1 0.9 product manager, the others 0.4.
team_pm = {str(fc[0]): 0.9}
team_ml = {}
team_be = {}
def need(team, q):
    total = 0
    for i, s in starts.items():
        k = periods.index(s)
        if k <= q < k + 2:
            total += max(team.get(i, 0), 0.4)
    return round(total, 3)
r = pat.get("/api/v1/training/forecast")
roles = {x["skill"]: x for x in r.json["roles"]}
t.check("trn-5.3", r.json["periods"] == periods and roles["product_manager"]["available"] == 0.5
        and roles["business_expert"]["available"] == 1.5 and roles["ml_engineer"]["available"] == 1.0, r.body[:600])
ok = True
exp_short = []
for skill, team in [("business_expert", team_be), ("ml_engineer", team_ml), ("product_manager", team_pm)]:
    for q in range(4):
        got = roles[skill]["quarters"][q]
        n = need(team, q)
        avail = roles[skill]["available"]
        ok &= abs(got["need"] - n) < 1e-9 and abs(got["short"] - max(0, round(n - avail, 3))) < 1e-9
        if n > avail + 1e-9:
            exp_short.append((periods[q], skill))
t.check("trn-5.4", ok, (starts, r.json["roles"]))
t.check("trn-5.5", [(s["period"], s["skill"]) for s in r.json["short"]] == sorted(exp_short, key=lambda x: (["business_expert", "ml_engineer", "product_manager"].index(x[1]), x[0]))
        and any(s["skill"] == "product_manager" for s in r.json["short"]), (r.json["short"], exp_short))
t.done()
