# SPDX-License-Identifier: GPL-3.0-or-later
"""A pool before it is saved (preview-N.M, issue 15 item 5): POST
/api/v1/pools/preview answers the planned utilisation the latest plan
gives the pool per quarter of the next year and over it, idle below the
threshold, and the break-even of a compute pool at that utilisation,
validated like create and update and storing nothing; the pools report
states one utilisation per pool (use ÷ capacity over the same quarters),
the figure the break-even judges. Numbers derived by hand below."""
import os
from keeltest import Server, Cases, run, KEEL

t = Cases()
srv = Server(demo=True)
a = srv.admin()
pools = {p["key"]: p for p in a.get("/api/v1/pools").json["items"]}
pw = os.path.join(srv.dir, "pw2")
with open(pw, "w") as f:
    f.write("viewer-password-1\n")
run([KEEL, "user", "passwd", "--db", srv.db, "--email", "olivia.brown@meridian.example", "--password-file", pw], env=srv.env)
viewer = srv.client()
viewer.login("olivia.brown@meridian.example", "viewer-password-1")
audit0 = srv.sql("SELECT count(*) FROM audit")[0][0]

# preview-1: a new owned cluster no initiative demands: 0% planned, idle
new = {"key": "gpu_lead", "name": "Leadership cluster", "kind": "compute", "deployment": "on_premises",
       "capacity": 20000, "price_per_hour": 9, "capital_cost": 1200000, "running_cost_per_period": 30000}
r = a.post("/api/v1/pools/preview", new)
t.status("preview-1.1", r, 200)
p = r.json
t.check("preview-1.2", len(p["periods"]) == 4 and all(x["planned"] == 0 and x["capacity"] == 20000 and x["utilisation"] == 0 for x in p["periods"]), p["periods"])
t.check("preview-1.3", p["planned_utilisation"]["value"] == 0 and p["planned_utilisation"]["quarters"] == 4
        and p["idle"] is True and p["advice"] == "idle" and "below the idle threshold of 40%" in p["message"], p)
# F = 1200000 / 12 + 30000 = 130000 a quarter; u* = F / (9 * 20000) = 0.7222
be = p["breakeven"]
t.check("preview-1.4", abs(be["fixed_per_period"] - 130000) < 1e-6 and abs(be["breakeven_utilisation"] - 130000 / 180000) < 1e-9
        and be["advice"] == "cloud" and be["utilisation"] == 0 and abs(be["savings_per_period"] + 130000) < 1e-6, be)
cur = p["periods"][0]["period"]

# preview-2: enlarging the demo's cluster: the plan's load over the new capacity
rep = a.get("/api/v1/pools/report?from=%s&periods=4" % cur).json
load = [x["planned"] for x in [q for q in rep["pools"] if q["key"] == "gpu_onprem"][0]["periods"]]
r = a.post("/api/v1/pools/preview?id=%d" % pools["gpu_onprem"]["id"], {"capacity": 80000})
t.status("preview-2.1", r, 200)
q = r.json
t.check("preview-2.2", [x["planned"] for x in q["periods"]] == load and all(abs(x["utilisation"] - x["planned"] / 80000) < 1e-4 for x in q["periods"]), (q["periods"], load))
t.check("preview-2.3", abs(q["planned_utilisation"]["value"] - sum(load) / (4 * 80000)) < 1e-4
        and q["idle"] == (sum(load) / (4 * 80000) < 0.4), q["planned_utilisation"])
# a higher threshold, and a capacity the plan overruns
r = a.post("/api/v1/pools/preview?id=%d&threshold=0.01" % pools["gpu_onprem"]["id"], {"capacity": 80000})
t.check("preview-2.4", r.json["advice"] == "fits" and r.json["idle"] is False, r.json.get("message"))
r = a.post("/api/v1/pools/preview?id=%d" % pools["gpu_onprem"]["id"], {"capacity": 1})
t.check("preview-2.5", r.json["advice"] == "over_committed" and r.json["over_committed"] is True, r.json.get("message"))

# preview-3: the rules of create and update, the field named; nothing stored
t.status("preview-3.1", a.post("/api/v1/pools/preview", dict(new, deployment=None)), 400, "invalid", "deployment")
t.status("preview-3.2", a.post("/api/v1/pools/preview", dict(new, capacity=-1)), 400, "invalid", "capacity")
t.status("preview-3.3", a.post("/api/v1/pools/preview", {"name": "x", "kind": "budget"}), 400, "invalid", "key")
t.status("preview-3.4", a.post("/api/v1/pools/preview", dict(new, colour="red")), 400, "invalid")
t.status("preview-3.5", a.post("/api/v1/pools/preview?id=99999", {"capacity": 5}), 400, "invalid", "id")
t.status("preview-3.6", a.post("/api/v1/pools/preview?threshold=2", new), 400, "invalid", "threshold")
t.status("preview-3.7", a.post("/api/v1/pools/preview?id=%d" % pools["budget"]["id"], {"skill": "ml_engineer"}), 400, "invalid", "skill")
t.status("preview-3.8", viewer.post("/api/v1/pools/preview", new), 403)
t.check("preview-3.9", len(a.get("/api/v1/pools").json["items"]) == len(pools)
        and srv.sql("SELECT count(*) FROM audit")[0][0] == audit0, "the preview stored something")

# preview-4: one utilisation per pool in the report: recorded use ÷ capacity
# over the quarters in view that have use, the figure the break-even judges
rep = a.get("/api/v1/pools/report").json
for pool in rep["pools"]:
    rec = [x for x in pool["periods"] if x["actual"] is not None and x["capacity"] > 0]
    u = pool["utilisation"]
    want = sum(x["actual"] for x in rec) / sum(x["capacity"] for x in rec) if rec else None
    t.check("preview-4.1 " + pool["key"], (u["value"] is None if want is None else abs(u["value"] - want) < 5e-5) and u["quarters"] == len(rec)
            and (not rec or (u["from"], u["to"]) == (rec[0]["period"], rec[-1]["period"])), (u, rec))
    be = pool.get("breakeven") or {}
    if be.get("utilisation") is not None:
        t.check("preview-4.2 " + pool["key"], abs(be["utilisation"] - u["value"]) < 5e-5, (be["utilisation"], u))
onprem = [x for x in rep["pools"] if x["key"] == "gpu_onprem"][0]
t.check("preview-4.3", onprem["utilisation"]["value"] < 0.4 and onprem["idle"] is True, onprem["utilisation"])
srv.stop()

# preview-5: without any plan the preview says so
srv = Server()
a = srv.admin()
r = a.post("/api/v1/pools/preview", new)
t.check("preview-5.1", r.status == 200 and r.json["advice"] == "no_plan" and r.json["plan_id"] is None, r.body[:300])
srv.stop()
t.done()
