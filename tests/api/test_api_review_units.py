# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of realised value measured against the units not yet rolled
out (issue 22, item 2), and of monitoring's findings in the review (item
1), numbered (rvu-N.M). An initiative piloted in one unit and rolled out to
two more is compared with the four units still waiting: the difference of
the mean KPI changes (in percent of each unit's baseline reading) with
Welch's 90% interval, checked against a hand computation with scipy's t
quantile and Welch t statistic; the share of the promise is that difference over the
promised change in percent (expected impact over the KPI's baseline). A
link without readings per unit falls back to the pre-period. The review of
an earlier quarter compares the readings up to that quarter. A switch
flip in the quarter is a finding of its initiative's review."""
from datetime import date
import numpy as np
from scipy import stats
from keeltest import Server, Cases

t = Cases()
srv = Server()
a = srv.admin()

today = date.today()


def quarter(k=0):
    m = today.year * 12 + today.month - 1 + 3 * k
    return "%04dQ%d" % (m // 12, (m % 12) // 3 + 1)


def month(k):
    m = today.year * 12 + today.month - 1 + k
    return "%04d-%02d" % (m // 12, m % 12 + 1)


Q, QB, QM, QP = quarter(0), quarter(-3), quarter(-2), quarter(-1)
p = a.post("/api/v1/people", {"name": "Olga Owner", "email": "olga@u.example"}).json["id"]
units = {n: a.post("/api/v1/units", {"name": n, "kind": "region"}).json["id"]
         for n in ["North", "South", "East", "West", "Central", "Coast", "Hills"]}
obj = a.post("/api/v1/objectives", {"title": "Less downtime", "pain_point": "efficiency"}).json["id"]
kpi = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Downtime", "unit": "h", "direction": "down",
                              "baseline": 100, "target": 80, "target_period": quarter(4)}).json["id"]
kpi2 = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Repair cost", "unit": "EUR", "direction": "down",
                               "baseline": 50, "target": 40, "target_period": quarter(4)}).json["id"]
ini = a.post("/api/v1/initiatives", {"title": "Predictive maintenance", "owner_id": p,
                                     "expected_value": 1000000}).json["id"]
assert a.post("/api/v1/initiatives/%d/links" % ini, {"kpi_id": kpi, "expected_impact": -10,
                                                     "impact_period": quarter(2)}).status == 201
assert a.post("/api/v1/initiatives/%d/links" % ini, {"kpi_id": kpi2, "expected_impact": -5,
                                                     "impact_period": quarter(2)}).status == 201
# readings per unit: the baseline quarter, the one after, the last full one
#              baseline  middle  last
readings = {"North":   (100, 97,   94),     # the pilot unit
            "South":   (120, 117,  112.2),
            "East":    (80,  78.4, 76),
            "West":    (90,  89.1, 88.2),   # not yet rolled out
            "Central": (110, 110,  111.1),
            "Coast":   (95,  94.5, 94.05),
            "Hills":   (100, 99,   99.2)}
rows = [{"org_unit_id": units[u], "period": q, "value": v[k]}
        for u, v in readings.items() for k, q in enumerate([QB, QM, QP])]
r = a.post("/api/v1/kpis/%d/unit-values" % kpi, {"rows": rows})
assert r.status == 200, r.body
r = a.request("PUT", "/api/v1/initiatives/%d/pilot" % ini,
              {"org_unit_id": units["North"], "starts_on": month(-9) + "-01", "ends_on": month(-3) + "-01",
               "baseline_period": QB, "measure_period": QP, "criteria": [{"kpi_id": kpi, "change_pct": -5}]})
assert r.status == 200, r.body
for u in ["South", "East"]:
    ro = a.post("/api/v1/initiatives/%d/rollouts" % ini, {"org_unit_id": units[u]})
    assert ro.status == 201, ro.body
    rid = [x for x in ro.json["items"] if x["org_unit_id"] == units[u]][0]["id"]
    r = a.patch("/api/v1/initiatives/%d/rollouts/%d" % (ini, rid), {"status": "live"})
    assert r.status == 200, r.body
ro = a.post("/api/v1/initiatives/%d/rollouts" % ini, {"org_unit_id": units["West"]})  # planned: waiting
# the second KPI has only organisation-wide values: before and after go-live
pre2, post2 = [50.0, 51.0, 49.0, 50.5], [47.0, 48.0, 47.5]
vals = [{"period": month(-14 + i), "value": v} for i, v in enumerate(pre2)] + \
       [{"period": month(-5 + i), "value": v} for i, v in enumerate(post2)]
assert a.post("/api/v1/kpis/%d/values" % kpi2, {"values": vals}).status in (200, 201)
# test-only time travel: the pilot began at the start of month -9, operating from month -5
srv.write_sql("UPDATE initiative SET stage = 'operating' WHERE id = ?", (ini,))
for frm, to, m in [("approved", "pilot", -9), ("pilot", "operating", -5)]:
    srv.write_sql("INSERT INTO stage_change(initiative_id, from_stage, to_stage, reason, actor, created_at) "
                  "VALUES(?, ?, ?, 'test', 'test', ?)", (ini, frm, to, month(m) + "-01T09:00:00Z"))


def welch90(x, y):
    """mean(x) - mean(y) with Welch's 90% interval: the standard error and
    Welch-Satterthwaite df by hand, the t quantile from scipy, and the
    interval's t statistic checked against scipy's ttest_ind (this Debian
    scipy predates its confidence_interval)."""
    qx, qy = np.var(x, ddof=1) / len(x), np.var(y, ddof=1) / len(y)
    se = np.sqrt(qx + qy)
    df = (qx + qy) ** 2 / (qx ** 2 / (len(x) - 1) + qy ** 2 / (len(y) - 1))
    d = np.mean(x) - np.mean(y)
    assert abs(d / se - stats.ttest_ind(x, y, equal_var=False).statistic) < 1e-9
    tq = stats.t.ppf(0.95, df)
    return d, d - tq * se, d + tq * se


def by_hand(k):
    """Rolled-out minus waiting changes (%) at reading k."""
    ch = {u: (v[k] - v[0]) / abs(v[0]) * 100 for u, v in readings.items()}
    return welch90([ch[u] for u in ["North", "South", "East"]],
                   [ch[u] for u in ["West", "Central", "Coast", "Hills"]])


# ---- rvu-1: the last full quarter's readings, as of the current review ----
rv = a.get("/api/v1/reviews/%s" % Q.lower()).json
it = [x for x in rv["initiatives"] if x["id"] == ini][0]
lk = {x["kpi_id"]: x for x in it["realised"]["links"]}
d, lo, hi = by_hand(2)
u = lk[kpi]
t.check("rvu-1.1", u["comparison"] == "units_not_rolled_out" and u["period"] == QP and u["baseline_period"] == QB
        and u["n_rolled_out"] == 3 and u["n_waiting"] == 4 and abs(u["expected_change_pct"] - (-10)) < 1e-12, u)
t.check("rvu-1.2", abs(u["change_pct"] - d) < 1e-9 and abs(u["interval_pct"][0] - lo) < 1e-6
        and abs(u["interval_pct"][1] - hi) < 1e-6, (u, d, lo, hi))
share = d / -10
t.check("rvu-1.3", abs(u["share"] - share) < 1e-9 and abs(u["share_interval"][0] - hi / -10) < 1e-6
        and abs(u["share_interval"][1] - lo / -10) < 1e-6, u)
# the other link has no readings per unit: the pre-period, Welch by scipy
f = lk[kpi2]
d2, lo2, hi2 = welch90(post2, pre2)
t.check("rvu-1.4", f["comparison"] == "pre_period" and f["tested"] and abs(f["change"] - d2) < 1e-9
        and abs(f["interval"][0] - lo2) < 1e-6 and abs(f["interval"][1] - hi2) < 1e-6, f)
share2 = (np.mean(post2) - np.mean(pre2)) / -5
t.check("rvu-1.5", abs(it["realised"]["share"] - (share + share2) / 2) < 1e-9
        and abs(it["realised_value"] - 1000000 * (share + share2) / 2) < 1e-3, it["realised"])
# about half the promise with an interval below it: a finding
t.check("rvu-1.6", 0.4 < share < 0.6 and hi / -10 < 1 and it["realised"]["shortfall"]
        and "value_shortfall" in [x["code"] for x in it["findings"]], it["findings"])

# ---- rvu-2: an earlier review compares the readings up to its quarter ----
rv = a.get("/api/v1/reviews/%s" % QM.lower()).json
u = [x for x in rv["initiatives"] if x["id"] == ini][0]["realised"]["links"][0]
d, lo, hi = by_hand(1)
t.check("rvu-2.1", u["comparison"] == "units_not_rolled_out" and u["period"] == QM
        and abs(u["change_pct"] - d) < 1e-9 and abs(u["interval_pct"][0] - lo) < 1e-6
        and abs(u["interval_pct"][1] - hi) < 1e-6, (u, d, lo, hi))

# ---- rvu-3: monitoring in the review: a switch flip of the initiative's system ----
r = a.post("/api/v1/systems", {"name": "press-model", "title": "Press failure prediction", "initiative_id": ini,
                               "risk_tier": "minimal", "tier_reason": "plant only"})
assert r.status == 201, r.body
r = a.request("PUT", "/api/v1/switch/press-model", {"state": "off", "reason": "sensor feed broken"})
t.check("rvu-3.1", r.status == 200, r.body[:300])
rv = a.get("/api/v1/reviews/%s" % Q.lower()).json
it = [x for x in rv["initiatives"] if x["id"] == ini][0]
fl = [x for x in it["findings"] if x["code"] == "switch_flip"]
t.check("rvu-3.2", len(fl) == 1 and fl[0]["system"] == "press-model" and fl[0]["state"] == "off"
        and fl[0]["severity"] == "warning" and "sensor feed broken" in fl[0]["message"]
        and rv["programme"]["monitoring"]["switch_flips"] == 1, it["findings"])
prev = a.get("/api/v1/reviews/%s" % QP.lower()).json
t.check("rvu-3.3", not [x for x in prev["findings"] if x["code"] == "switch_flip"]
        and prev["programme"]["monitoring"]["switch_flips"] == 0, prev["programme"]["monitoring"])

# ---- rvu-4: slips: the plan's start quarter ended and the initiative is not live ----
late = a.post("/api/v1/initiatives", {"title": "Late starter", "owner_id": p, "expected_value": 200000}).json["id"]
srv.write_sql("UPDATE initiative SET stage = 'approved' WHERE id = ?", (late,))
srv.write_sql("INSERT INTO plan(kind, actor, created_at, input_hash, first_period, n_periods, time_limit, status, "
              "input_json, result_json) VALUES('solve', 'test', ?, 'x', ?, 4, 1, 'optimal', '{}', ?)",
              (month(-12) + "-01T09:00:00Z", quarter(-4),
               '{"starts": {"%d": "%s", "%d": "%s"}}' % (late, QP, ini, QB)))
rv = a.get("/api/v1/reviews/%s" % Q.lower()).json
sl = {x["id"]: [f for f in x["findings"] if f["code"] == "plan_slip"] for x in rv["initiatives"]}
t.check("rvu-4.1", len(sl[late]) == 1 and sl[late][0]["planned_start"] == QP and sl[late][0]["severity"] == "warning"
        and "has not gone live" in sl[late][0]["message"] and sl[ini] == [], sl)
rv = a.get("/api/v1/reviews/%s" % QM.lower()).json
t.check("rvu-4.2", not [f for f in rv["findings"] if f["code"] == "plan_slip"], rv["findings"])
srv.stop()
t.done()
