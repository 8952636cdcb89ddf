# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 5's quarterly review and realised value (issue 22),
numbered (rev-N.M): the review is assembled from the data (KPIs against
target with the recent-change test, promised and realised value, findings,
actions, systems); realised value is the KPI's change after go-live against
the pre-period with a Welch interval, checked against a hand computation
with scipy's t quantiles and scipy's Welch t statistic; an operating
initiative that delivers half its promise is a finding; feedback per unit;
holding needs a decision per initiative, raises actions and freezes the
review (data changed later does not change it); the portfolio's promised
and realised value per quarter; the CLI prints the same."""
import json
import subprocess
from datetime import date, timedelta
import numpy as np
from scipy import stats
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()
PG = srv.db.startswith("postgres")

ids, c = {}, {}
unit = a.post("/api/v1/units", {"name": "Plants", "kind": "business_line"}).json["id"]
unit2 = a.post("/api/v1/units", {"name": "Retail", "kind": "business_line"}).json["id"]
for name, email, role in [("Ceo Chair", "ceo@q.example", "committee"),
                          ("Olga Owner", "olga@q.example", "owner"),
                          ("Vic Viewer", "vic@q.example", "viewer")]:
    p = a.post("/api/v1/people", {"name": name, "email": email, "unit_id": unit})
    ids[email] = p.json["id"]
    r = a.post("/api/v1/accounts", {"email": email, "name": name, "role": role,
                                    "password": "password-123", "person_id": p.json["id"]})
    assert r.status == 201, r.body
    c[email] = srv.client()
    c[email].login(email, "password-123")
ceo, olga, vic = c["ceo@q.example"], c["olga@q.example"], c["vic@q.example"]

today = date.today()


def month(k):
    """The calendar month k months from this one, as 2026-07."""
    m = today.year * 12 + today.month - 1 + k
    return "%04d-%02d" % (m // 12, m % 12 + 1)


def quarter(k=0):
    m = today.year * 12 + today.month - 1 + 3 * k
    return "%04dQ%d" % (m // 12, (m % 12) // 3 + 1)


Q, QN = quarter(0), quarter(1)
obj = a.post("/api/v1/objectives", {"title": "Less downtime", "pain_point": "cost"}).json["id"]
kpi = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Unplanned downtime", "unit": "h",
                              "direction": "down", "baseline": 100, "target": 80,
                              "target_period": quarter(4)}).json["id"]
pre = [100.0, 101.0, 99.0, 100.5, 99.5, 100.0]
post = [95.0, 95.5, 94.5, 95.2, 94.8]
vals = [{"period": month(-11 + i), "value": v} for i, v in enumerate(pre)] + \
       [{"period": month(-5 + i), "value": v} for i, v in enumerate(post)]
r = a.post("/api/v1/kpis/%d/values" % kpi, {"values": vals})
assert r.status in (200, 201), r.body
ini = a.post("/api/v1/initiatives", {"title": "Predictive maintenance", "owner_id": ids["olga@q.example"],
                                     "unit_id": unit, "expected_value": 1000000}).json["id"]
r = a.post("/api/v1/initiatives/%d/links" % ini, {"kpi_id": kpi, "expected_impact": -10, "impact_period": quarter(2)})
assert r.status == 201, r.body
idle = a.post("/api/v1/initiatives", {"title": "Not yet live", "owner_id": ids["olga@q.example"],
                                      "expected_value": 300000}).json["id"]
# test-only time travel: the initiative went operating at the start of month -5
live = month(-5) + "-01T09:00:00Z"
srv.write_sql("UPDATE initiative SET stage = 'operating' WHERE id = ?", (ini,))
srv.write_sql("UPDATE initiative SET stage = 'approved' WHERE id = ?", (idle,))
srv.write_sql("INSERT INTO stage_change(initiative_id, from_stage, to_stage, reason, actor, created_at) "
              "VALUES(?, 'approved', 'operating', 'test', 'test', ?)", (ini, live))

# ---- rev-1: periods ----
t.status("rev-1.1", vic.get("/api/v1/reviews/%s" % quarter(1).lower()), 400, "invalid", "period")
t.status("rev-1.2", vic.get("/api/v1/reviews/2026q5"), 400, "invalid", "period")
t.status("rev-1.3", vic.get("/api/v1/reviews/2026-10"), 400, "invalid", "period")
r = vic.get("/api/v1/reviews")
t.check("rev-1.4", r.status == 200 and r.json["current"] == Q and r.json["items"] == []
        and [x["status"] for x in r.json["quarters"]] == ["open", "open"], r.body[:300])

# ---- rev-2: assembly and realised value ----
r = vic.get("/api/v1/reviews/%s" % Q.lower())
t.status("rev-2.1", r, 200)
rv = r.json
t.check("rev-2.2", rv["period"] == Q and rv["status"] == "open"
        and [x["id"] for x in rv["initiatives"]] == [ini, idle], r.body[:300])
it = rv["initiatives"][0]
t.check("rev-2.3", it["kpis"][0]["name"] == "Unplanned downtime" and it["kpis"][0]["latest"] == post[-1]
        and it["kpis"][0]["expected_impact"] == -10 and "recent_change" in it["kpis"][0]
        and it["decision"] is None and it["promised_value"] == 1000000, json.dumps(it)[:600])
lk = it["realised"]["links"][0]
# by hand: Welch's interval at 90%, scipy's t quantile and Welch t statistic
m1, m2 = np.mean(pre), np.mean(post)
q1, q2 = np.var(pre, ddof=1) / len(pre), np.var(post, ddof=1) / len(post)
se = np.sqrt(q1 + q2)
df = (q1 + q2) ** 2 / (q1 ** 2 / (len(pre) - 1) + q2 ** 2 / (len(post) - 1))
tq = stats.t.ppf(0.95, df)
lo, hi = (m2 - m1) - tq * se, (m2 - m1) + tq * se
tstat = stats.ttest_ind(post, pre, equal_var=False).statistic
t.check("rev-2.4", lk["tested"] and lk["n_before"] == 6 and lk["n_after"] == 5
        and abs(lk["change"] - (m2 - m1)) < 1e-9 and abs(lk["interval"][0] - lo) < 1e-6
        and abs(lk["interval"][1] - hi) < 1e-6 and abs(lk["change"] / ((hi - lo) / (2 * tq)) - tstat) < 1e-6,
        (lk, lo, hi))
share = (m2 - m1) / -10
t.check("rev-2.5", abs(it["realised"]["share"] - share) < 1e-9
        and abs(it["realised_value"] - 1000000 * share) < 1e-3
        and abs(it["realised"]["share_interval"][0] - hi / -10) < 1e-6
        and abs(it["realised"]["share_interval"][1] - lo / -10) < 1e-6, it["realised"])
codes = [f["code"] for f in it["findings"]]
t.check("rev-2.6", "value_shortfall" in codes and any("%.0f%%" % (share * 100) in f["message"] for f in it["findings"]),
        it["findings"])
t.check("rev-2.7", rv["initiatives"][1]["realised_value"] is None
        and rv["initiatives"][1]["realised"]["reason"] == "not live yet"
        and "value_shortfall" not in [f["code"] for f in rv["initiatives"][1]["findings"]], rv["initiatives"][1])
t.check("rev-2.8", abs(rv["programme"]["promised_value"] - 1300000) < 1e-6
        and abs(rv["programme"]["realised_value"] - 1000000 * share) < 1e-3, rv["programme"])
# an action of the initiative shows, and an overdue one is a finding of the review
late = ceo.post("/api/v1/actions", {"title": "Calibrate sensors", "owner_id": ids["olga@q.example"],
                                    "due_date": (today - timedelta(days=2)).isoformat(), "initiative_id": ini}).json
r = vic.get("/api/v1/reviews/%s" % Q.lower())
it = r.json["initiatives"][0]
t.check("rev-2.9", r.status == 200 and [x["id"] for x in it["actions"]] == [late["id"]]
        and "action_overdue" in [f["code"] for f in it["findings"]]
        and r.json["programme"]["actions"] == {"open": 1, "overdue": 1}, r.body[:400])

# ---- rev-3: feedback ----
before = srv.snapshot()
fb = {"unit_id": unit, "initiative_id": ini, "satisfaction": 4, "cost_change_pct": -12.5,
      "comment": "fewer night call-outs"}
t.status("rev-3.1", vic.post("/api/v1/reviews/%s/feedback" % Q.lower(), fb), 403, "forbidden")
t.status("rev-3.2", olga.post("/api/v1/reviews/%s/feedback" % Q.lower(), dict(fb, satisfaction=6)), 400, "invalid", "satisfaction")
t.status("rev-3.3", olga.post("/api/v1/reviews/%s/feedback" % Q.lower(), dict(fb, unit_id=9999)), 400, "invalid", "unit_id")
t.status("rev-3.4", olga.post("/api/v1/reviews/%s/feedback" % quarter(1).lower(), fb), 400, "invalid", "period")
t.check("rev-3.5", srv.snapshot() == before, "refused feedback changed the database")
r = olga.post("/api/v1/reviews/%s/feedback" % Q.lower(), fb)
t.check("rev-3.6", r.status == 201 and r.json["period"] == Q and r.json["satisfaction"] == 4, r.body[:300])
olga.post("/api/v1/reviews/%s/feedback" % Q.lower(), {"unit_id": unit2, "satisfaction": 2, "comment": "no news for us"})
r = vic.get("/api/v1/reviews/%s" % Q.lower())
t.check("rev-3.7", [x["comment"] for x in r.json["initiatives"][0]["feedback"]] == ["fewer night call-outs"]
        and len(r.json["programme"]["feedback"]) == 2, r.body[:300])

# ---- rev-4: holding ----
hold = {"summary": "Maintenance under-delivers; fix the sensor feed.",
        "decisions": [{"initiative_id": ini, "decision": "fix", "rationale": "half the promise"},
                      {"initiative_id": idle, "decision": "continue"}],
        "actions": [{"title": "Fix the sensor feed", "owner_id": ids["olga@q.example"],
                     "due_date": (today + timedelta(days=30)).isoformat(), "initiative_id": ini}]}
before = srv.snapshot()
t.status("rev-4.1", olga.post("/api/v1/reviews/%s/hold" % Q.lower(), hold), 403, "forbidden")
t.status("rev-4.2", ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), dict(hold, decisions=hold["decisions"][:1])),
         422, "decisions_missing", "decisions")
t.status("rev-4.3", ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), dict(hold, decisions=[
    {"initiative_id": ini, "decision": "pray"}, hold["decisions"][1]])), 400, "invalid", "decisions[0]")
t.status("rev-4.4", ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), dict(hold, actions=[{"title": "x"}])), 400, "invalid",
         "actions[0].owner_id")
t.status("rev-4.5", ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), dict(hold, held_on=(today + timedelta(days=1)).isoformat())),
         400, "invalid", "held_on")
t.status("rev-4.6", ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), dict(hold, colour="red")), 400, "invalid", "colour")
t.status("rev-4.7", ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), dict(hold, decisions=hold["decisions"] + [
    {"initiative_id": 9999, "decision": "stop"}])), 400, "invalid", "decisions[2]")
t.status("rev-4.7b", ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), dict(hold, decisions=[
    {"initiative_id": ini}, hold["decisions"][1]])), 400, "invalid", "decisions[0]")
t.status("rev-4.7c", ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), {}), 400, "invalid", "decisions")
t.check("rev-4.8", srv.snapshot() == before, "a refused hold changed the database")
r = ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), hold)
t.status("rev-4.9", r, 201)
held = r.json
it = held["initiatives"][0]
t.check("rev-4.10", held["status"] == "held" and held["held_by"] == "ceo@q.example"
        and it["decision"] == {"decision": "fix", "rationale": "half the promise"}
        and "Fix the sensor feed" in [x["title"] for x in it["actions"]], r.body[:500])
acts = vic.get("/api/v1/actions?review_period=%s" % Q).json["items"]
t.check("rev-4.11", [x["title"] for x in acts] == ["Fix the sensor feed"] and acts[0]["source"] == "review", acts)
# frozen: data changed later does not change the held review
a.post("/api/v1/kpis/%d/values" % kpi, {"values": [{"period": month(-1), "value": 60}]})
ceo.patch("/api/v1/actions/%d" % late["id"], {"status": "done", "close_note": "calibrated"})
srv.write_sql("UPDATE initiative SET expected_value = 5 WHERE id = ?", (ini,))
r = vic.get("/api/v1/reviews/%s" % Q.lower())
again = dict(r.json)
t.check("rev-4.12", r.status == 200 and json.dumps(again["initiatives"], sort_keys=True) ==
        json.dumps(held["initiatives"], sort_keys=True)
        and again["programme"] == held["programme"] and again["summary"] == hold["summary"], r.body[:300])
before = srv.snapshot()
t.status("rev-4.13", ceo.post("/api/v1/reviews/%s/hold" % Q.lower(), hold), 409, "already_held", "period")
t.status("rev-4.14", olga.post("/api/v1/reviews/%s/feedback" % Q.lower(), fb), 409, "already_held", "period")
t.check("rev-4.15", srv.snapshot() == before, "a refused change of a held review changed the database")
r = vic.get("/api/v1/reviews")
t.check("rev-4.16", [x["period"] for x in r.json["items"]] == [Q] and r.json["quarters"][0]["status"] == "held", r.body[:300])

# ---- rev-5: the portfolio's value per quarter ----
r = vic.get("/api/v1/value?quarters=4")
qs = r.json["quarters"]
t.check("rev-5.1", r.status == 200 and [x["period"] for x in qs] == [quarter(k) for k in (-3, -2, -1, 0)]
        and qs[-1]["promised"] == 5 and qs[-1]["initiatives"] == 1 and qs[-1]["measured"] == 1, r.body[:500])
t.status("rev-5.2", vic.get("/api/v1/value?quarters=0"), 400, "invalid", "quarters")

# ---- rev-6: the CLI ----
if not PG:
    p = subprocess.run([KEEL, "review", "--db", srv.db, "--period", Q, "--json"], capture_output=True, text=True)
    j = json.loads(p.stdout) if p.returncode == 0 else {}
    t.check("rev-6.1", p.returncode == 0 and j.get("status") == "held"
            and json.dumps(j["initiatives"], sort_keys=True) == json.dumps(held["initiatives"], sort_keys=True),
            p.stderr)
    p = subprocess.run([KEEL, "review", "--db", srv.db, "--period", Q], capture_output=True, text=True)
    t.check("rev-6.2", p.returncode == 0 and "decision: fix" in p.stdout and "Predictive maintenance" in p.stdout,
            p.stdout + p.stderr)
    p = subprocess.run([KEEL, "review", "--db", srv.db, "--period", "2026Q9"], capture_output=True, text=True)
    t.check("rev-6.3", p.returncode == 2, (p.returncode, p.stderr))
    p = subprocess.run([KEEL, "review", "--db", srv.db], capture_output=True, text=True)
    t.check("rev-6.4", p.returncode == 2, (p.returncode, p.stderr))

srv.stop()
t.done()
