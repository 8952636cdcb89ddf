# SPDX-License-Identifier: GPL-3.0-or-later
"""Path 2 on the demo enterprise (allocdemo-N.M): the idle private GPU
cluster flagged with the break-even saying rent, the cloud pool over its
reservation, the team without a product manager, over-committed people,
the shipment log with duplicates and no labels scored low and its
initiatives' measured data readiness, and the first plan stored at demo
time agreeing with the planning input the server builds now."""
import datetime
from keeltest import Server, Cases

t = Cases()
srv = Server(demo=True)
a = srv.admin()

pools = {p["key"]: p for p in a.get("/api/v1/pools").json["items"]}
t.check("allocdemo-1.1", set(pools) == {"budget", "gpu_onprem", "gpu_cloud", "ml_engineer", "data_engineer", "product_manager"}, pools)
# the demo dates itself from today: usage from four quarters back (docs/demo.md)
n = datetime.date.today().year * 4 + (datetime.date.today().month - 1) // 3 - 4
r = a.get("/api/v1/pools/report?from=%dQ%d&periods=8" % (n // 4, n % 4 + 1)).json
kinds = {(f["kind"], f["id"]) for f in r["findings"]}
t.check("allocdemo-1.2", ("idle_pool", pools["gpu_onprem"]["id"]) in kinds
        and ("over_committed_pool", pools["gpu_cloud"]["id"]) in kinds, r["findings"])
onprem = [p for p in r["pools"] if p["key"] == "gpu_onprem"][0]
# F = 600000 / 12 + 20000 = 70000; u* = 70000 / ((2.6 - 0.4) * 40000) = 0.7955
t.check("allocdemo-1.3", onprem["breakeven"]["advice"] == "cloud"
        and abs(onprem["breakeven"]["breakeven_utilisation"] - 70000 / 88000) < 1e-9, onprem["breakeven"])
# the first plan's load: work under way since before the plan's first quarter counts too
plan1 = a.get("/api/v1/plans").json["items"][0]
r2 = a.get("/api/v1/pools/report?from=%s&periods=1" % plan1["first_period"]).json
ml2 = [p for p in r2["pools"] if p["key"] == "ml_engineer"][0]["periods"][0]
t.check("allocdemo-1.5", ml2["planned"] >= 3.5 - 1e-9 and ml2["planned"] <= ml2["capacity"] + 1e-9, ml2)
ml = [p for p in r["pools"] if p["key"] == "ml_engineer"][0]
t.check("allocdemo-1.4", ml["periods"][0]["capacity"] == 4.3, ml["periods"][0])

teams = a.get("/api/v1/teams").json
msgs = [f["message"] for f in teams["findings"] if f["kind"] == "team_incomplete"]
t.check("allocdemo-2.1", any("Production scheduling" in m and "product_manager" in m for m in msgs), msgs)
t.check("allocdemo-2.2", {p["name"] for p in teams["overcommitted"]} >= {"Tom Eriksen"}, teams["overcommitted"])

assets = {x["name"]: x for x in a.get("/api/v1/data-assets").json["items"]}
ship = assets["Shipment event log"]
t.check("allocdemo-3.1", ship["readiness_score"] < 40 and ship["labelling_status"] == "none", ship)
full = a.get("/api/v1/data-assets/%d" % ship["id"]).json
reasons = " ".join(x["reason"] for x in full["profile"]["reasons"])
t.check("allocdemo-3.2", "duplicate rows" in reasons and "unlabelled rows" in reasons, reasons)
ws = [x for x in ship["initiatives"] if x["title"] == "Warehouse slotting"][0]["initiative_id"]
sc = [x for x in a.get("/api/v1/initiatives/%d/scores" % ws).json["items"] if x["criterion"] == "data_readiness"]
t.check("allocdemo-3.3", [x["value"] for x in sc if x["scorer"].startswith("keel")] == [2], sc)
# only the loyalty members' sample is kept (for its k-anonymity check)
t.check("allocdemo-3.4", srv.sql("SELECT asset_id FROM data_asset_sample") == [(assets["Loyalty members (China)"]["id"],)],
        srv.sql("SELECT asset_id FROM data_asset_sample"))
# an asset marked not personal whose sample holds resident ID numbers is flagged
loy = a.get("/api/v1/data-assets/%d" % assets["Loyalty members (China)"]["id"]).json
w = loy.get("warnings") or []
t.check("allocdemo-3.5", loy["personal_data"] is False and [x["code"] for x in w] == ["undeclared_personal_data"]
        and {"name": "id_number", "kind": "cn_resident_id", "share": 1} in w[0]["columns"], w)
t.check("allocdemo-3.6", full.get("warnings") == [], full.get("warnings"))
# its declared quasi-identifiers single members out: a k-anonymity finding (k below the threshold)
r = a.get("/api/v1/data-assets/%d/k-anonymity" % loy["id"]).json
t.check("allocdemo-3.7", r["columns"] == ["city_code", "birth_decade", "gender"] and r["source"] == "kept_sample"
        and r["rows"] == 200 and r["k"] < r["threshold"] == 5 and 0 < r["classes_below"] < r["classes"]
        and r["rarest"]["size"] == r["k"], r)

plans = a.get("/api/v1/plans").json
t.check("allocdemo-4.1", plans["total"] == 1 and plans["items"][0]["status"] in ("optimal", "feasible"), plans)
plan = a.get("/api/v1/plans/%d" % plans["items"][0]["id"]).json
now = a.get("/api/v1/plan/input?from=%s&periods=%d" % (plan["first_period"], plan["n_periods"])).json
t.check("allocdemo-4.2", now == plan["input"], "the stored input differs from the input built now")
res = plan["result"]
t.check("allocdemo-4.3", any(u["reason"].startswith("mutually exclusive") for u in res["unfunded"])
        and any(b["constraint"] == "dependency" for b in res["binding"]), res.get("unfunded"))
# an alternative already under way keeps its exclusive candidate out of the plan
ids = {x["title"]: x["id"] for x in a.get("/api/v1/initiatives?limit=100").json["items"]}
ws, eta = ids["Warehouse slotting"], ids["ETA prediction for customers"]
r = a.request("PUT", "/api/v1/initiatives/%d/plan" % ws, {"exclusive_with": [eta]})
t.status("allocdemo-5.1", r, 200)
inp = a.get("/api/v1/plan/input").json
item = [x for x in inp["initiatives"] if x["id"] == str(ws)][0]
t.check("allocdemo-5.2", item["exclusive_with"] == [str(eta)], item)
r = a.post("/api/v1/plan/solve", {"time_limit": 2})
t.check("allocdemo-5.3", r.status == 201 and str(ws) not in r.json["starts"]
        and any(u["id"] == str(ws) for u in r.json["unfunded"]), r.body[:400])
t.check("allocdemo-4.4", a.get("/api/v1/audit/verify").status == 200)
srv.stop()
t.done()
