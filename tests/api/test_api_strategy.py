# SPDX-License-Identifier: GPL-3.0-or-later
"""The strategy over time (issue 22, item 6), numbered (strat-N): KPIs per
objective quarter by quarter (a quarterly value, or the mean of the
quarter's months; the status as of each quarter), and the portfolio
plan's versions with what changed between them: an initiative made
mandatory is funded in the next plan, its exclusive alternative dropped,
and the value change is the difference of the two plans' values."""
from datetime import date
from keeltest import Server, Cases

t = Cases()
srv = Server(demo=True)
a = srv.admin()
today = date.today()


def quarter(k=0):
    m = today.year * 12 + today.month - 1 + 3 * k
    return "%04dQ%d" % (m // 12, (m % 12) // 3 + 1)


obj = a.post("/api/v1/objectives", {"title": "Strategy test", "pain_point": "cost"}).json["id"]
kpi = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Test KPI", "unit": "h", "direction": "down",
                              "baseline": 100, "target": 50, "target_period": quarter(4)}).json["id"]
m0 = today.year * 12 + today.month - 1
qstart = m0 - (m0 % 3)  # first month of the current quarter
prevq = [qstart - 3, qstart - 2, qstart - 1]  # the months of the previous quarter
vals = [{"period": quarter(-2), "value": 90}] + \
       [{"period": "%04d-%02d" % (m // 12, m % 12 + 1), "value": v} for m, v in zip(prevq, [80, 82, 84])]
r = a.post("/api/v1/kpis/%d/values" % kpi, {"values": vals})
assert r.status in (200, 201), r.body
r = a.get("/api/v1/strategy?quarters=3")
t.status("strat-1", r, 200)
s = r.json
t.check("strat-2", s["quarters"] == [quarter(-2), quarter(-1), quarter(0)], s["quarters"])
o = [x for x in s["objectives"] if x["id"] == obj][0]
bq = o["kpis"][0]["by_quarter"]
t.check("strat-3", [x["value"] for x in bq] == [90, 82, None], bq)
t.check("strat-4", all(x["status"] in ("on_track", "at_risk", "off_track", "no_data") for x in bq), bq)
t.status("strat-5", a.get("/api/v1/strategy?quarters=0"), 400, "invalid", "quarters")

# plan versions: make the unfunded alternative mandatory, solve again
plans0 = s["plans"]
t.check("strat-6", len(plans0) == 1 and plans0[0]["added"] == [] and plans0[0]["value_change"] is None, plans0)
inis = {x["title"]: x["id"] for x in a.get("/api/v1/initiatives?limit=100").json["items"]}
funded0 = {x["title"] for x in plans0[0]["funded"]}
# Voice of customer analytics is unfunded, the alternative of Agent assist
t.check("strat-6b", "Voice of customer analytics" not in funded0 and "Agent assist" in funded0, funded0)
r = a.request("PUT", "/api/v1/initiatives/%d/plan" % inis["Voice of customer analytics"], {"mandatory": True})
t.check("strat-6c", r.status == 200, r.body[:300])
r2 = a.post("/api/v1/plan/solve", {"time_limit": 5})
t.check("strat-7", r2.status == 201, r2.body[:300])
p = a.get("/api/v1/strategy?quarters=2").json["plans"]
t.check("strat-8", len(p) == 2, p)
if len(p) == 2:
    f0 = {x["title"] for x in p[0]["funded"]}
    f1 = {x["title"] for x in p[1]["funded"]}
    t.check("strat-9", [x["title"] for x in p[1]["added"]] == ["Voice of customer analytics"]
            and "Agent assist" in [x["title"] for x in p[1]["dropped"]]
            and {x["title"] for x in p[1]["added"]} == f1 - f0
            and {x["title"] for x in p[1]["dropped"]} == f0 - f1, p[1])
    t.check("strat-10", abs(p[1]["value_change"] - (p[1]["value"] - p[0]["value"])) < 1e-6, p[1])
srv.stop()
t.done()
