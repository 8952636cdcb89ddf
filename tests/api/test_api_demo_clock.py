# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo keeps its age (democlock-N.M): loaded and served with keel's
clock a year ahead (KEEL_NOW), the demo enterprise dates itself from that
day (actuals up to the last full quarter, stage moves in the recent past,
the plan from the current quarter) and shows the same findings as when
loaded today."""
import datetime
import subprocess
from keeltest import Server, Cases, KEEL

t = Cases()
today = datetime.datetime.now(datetime.timezone.utc).date()
ahead = today.replace(year=today.year + 1, day=min(today.day, 28))


def quarter(d, k=0):
    n = d.year * 4 + (d.month - 1) // 3 + k
    return "%dQ%d" % (n // 4, n % 4 + 1)


def picture(srv, now):
    a = srv.admin()
    al = a.get("/api/v1/alignment").json
    pr = a.get("/api/v1/priorities").json
    cur = quarter(now)
    pools = a.get("/api/v1/pools/report?from=%s&periods=8" % quarter(now, -4)).json
    default = a.get("/api/v1/pools/report").json
    teams = a.get("/api/v1/teams").json
    plans = a.get("/api/v1/plans").json["items"]
    vals = srv.sql("SELECT min(period), max(period) FROM kpi_value")[0]
    moves = srv.sql("SELECT max(created_at) FROM stage_change")[0][0]
    return {
        "alignment": sorted((f["kind"], f.get("name", "")) for f in al["findings"]),
        "quadrants": sorted((x["title"], x["quadrant"]) for x in pr["items"]),
        "pools": sorted((f["kind"], f.get("name", f.get("id"))) for f in pools["findings"]),
        # the default window: the last two quarters' actuals and the plan ahead
        "pools_default": sorted((f["kind"], f.get("name", f.get("id"))) for f in default["findings"]),
        "default_from": default["periods"][0] == quarter(now, -2),
        "teams": sorted(f["kind"] for f in teams["findings"]),
        "overcommitted": sorted(p["name"] for p in teams["overcommitted"]),
    }, {"cur": cur, "vals": vals, "plan": [p["first_period"] for p in plans], "moves": moves}


A = Server(demo=True)
B = Server(demo=True, env={"KEEL_NOW": ahead.isoformat()})
pa, da = picture(A, today)
pb, db = picture(B, ahead)
for i, k in enumerate(pa):
    t.check("democlock-1.%d" % (i + 1), pa[k] == pb[k] and pa[k], (k, pa[k], pb[k]))
for i, (d, now) in enumerate(((da, today), (db, ahead))):
    t.check("democlock-2.%d" % (i + 1), d["vals"] == (quarter(now, -8), quarter(now, -1)), d["vals"])
    t.check("democlock-3.%d" % (i + 1), d["plan"] == [d["cur"]], d)
    last = datetime.date.fromisoformat(d["moves"][:10])
    t.check("democlock-4.%d" % (i + 1), 0 < (now - last).days <= 60, d["moves"])
t.check("democlock-5.1", any(k == "idle_pool" for k, _ in pb["pools"]) and
        any(k == "kpi_off_track" for k, _ in pb["alignment"]), pb)
A.stop()
B.stop()
p = subprocess.run([KEEL, "version"], env={"KEEL_NOW": "next year"}, capture_output=True, text=True)
t.check("democlock-6.1", p.returncode == 2 and "KEEL_NOW" in p.stderr, p.stderr)
t.done()
