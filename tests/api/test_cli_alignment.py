# SPDX-License-Identifier: GPL-3.0-or-later
"""CLI of path 1 on the demo enterprise: keel demo (deterministic for a
seed, every finding firing), keel alignment, keel priorities, keel
catalogue and keel api (roles and rules as over HTTP)."""
import json
import os
import subprocess
import tempfile
from keeltest import Cases, KEEL, new_db, db_sql

t = Cases()
env = dict(os.environ, KEEL_FAST_PWHASH="1")
d = tempfile.mkdtemp(prefix="keeldemo-")


def keel(*args, input=None):
    return subprocess.run([KEEL, *args], env=env, capture_output=True, text=True, input=input)


dbs = []
for name in ["a.db", "b.db", "c.db"]:
    dbs.append(new_db(d, name))
p = keel("demo", "--db", dbs[0], "--seed", "7", "--json")
t.check("demo-1.1", p.returncode == 0, p.stderr)
out = json.loads(p.stdout)
t.check("demo-1.2", out["password"].startswith("demo-") and set(out["accounts"]) ==
        {"admin", "committee", "owner", "engineer", "risk", "viewer"}, out)
pw = os.path.join(d, "pw")
with open(pw, "w") as f:
    f.write("my-demo-password\n")
keel("demo", "--db", dbs[1], "--seed", "7", "--password-file", pw)
keel("demo", "--db", dbs[2], "--seed", "8", "--password-file", pw)
q = "SELECT k.name, v.period, v.value FROM kpi_value v JOIN kpi k ON k.id = v.kpi_id ORDER BY 1, 2"
va, vb, vc = (db_sql(x, q) for x in dbs)
t.check("demo-1.3", va == vb and va != vc, "the same seed must give the same actuals")
count = lambda sql: db_sql(dbs[0], sql)[0][0]
t.check("demo-1.4", count("SELECT count(*) FROM unit") >= 6 and count("SELECT count(*) FROM person") >= 30
        and count("SELECT count(*) FROM objective") == 8 and count("SELECT count(*) FROM kpi") == 20
        and count("SELECT count(DISTINCT period) FROM kpi_value") >= 8 and count("SELECT count(*) FROM initiative") == 25)
t.check("demo-1.5", count("SELECT count(DISTINCT stage) FROM initiative") == 8)
t.check("demo-1.6", count("SELECT count(DISTINCT role) FROM account") == 6)
p = keel("demo", "--db", dbs[0])
t.check("demo-1.7", p.returncode == 2 and "already" in p.stderr, p.stderr)
p = keel("audit", "verify", "--db", dbs[0])
t.check("demo-1.8", p.returncode == 0, p.stderr)

p = keel("alignment", "--db", dbs[0], "--json")
al = json.loads(p.stdout)
kinds = {f["kind"] for f in al["findings"]}
t.check("demo-2.1", {"unaligned_initiative", "objective_without_initiative", "kpi_off_track", "signoffs_missing"} <= kinds, kinds)
un = [f["message"] for f in al["findings"] if f["kind"] == "unaligned_initiative"]
t.check("demo-2.2", any("Customer 360" in m for m in un), un)
p = keel("alignment", "--db", dbs[0])
t.check("demo-2.3", p.returncode == 0 and "findings:" in p.stdout and "critical" in p.stdout)
p = keel("priorities", "--db", dbs[0], "--json")
pr = json.loads(p.stdout)["items"]
ranks = [x["rank"] for x in pr if x["rank"] is not None]
t.check("demo-2.4", ranks == sorted(ranks) and ranks[0] == 1, ranks)
t.check("demo-2.5", {x["quadrant"] for x in pr} >= {"quick_win", "big_bet", "money_pit"}, {x["quadrant"] for x in pr})
p = keel("priorities", "--db", dbs[0], "--stage", "nope")
t.check("demo-2.6", p.returncode == 2, p.stderr)

p = keel("catalogue", "--pain", "cost", "--industry", "logistics", "--json")
cat = json.loads(p.stdout)
t.check("demo-3.1", p.returncode == 0 and cat and all(e["industry"] == "logistics" for e in cat))
p = keel("catalogue", "--industry", "mining")
t.check("demo-3.2", p.returncode == 2 and "industry" in p.stderr)
p = keel("catalogue", "--json")
t.check("demo-3.3", len(json.loads(p.stdout)) >= 30)

# keel api: roles and rules hold in-process
p = keel("api", "--db", dbs[1], "--as", "olivia.brown@meridian.example", "POST", "/api/v1/objectives",
         "--data", '{"title":"x","pain_point":"cost"}')
t.check("demo-4.1", p.returncode == 2 and '"forbidden"' in p.stderr, p.stderr)
c360 = db_sql(dbs[1], "SELECT id FROM initiative WHERE title LIKE 'Customer 360%'")[0][0]
p = keel("api", "--db", dbs[1], "--as", "helena.marsh@meridian.example", "POST",
         "/api/v1/initiatives/%d/transition" % c360, "--data", '{"to":"approved","reason":"strategic"}')
t.check("demo-4.2", p.returncode == 2 and '"unaligned"' in p.stderr, p.stderr)
p = keel("api", "--db", dbs[1], "GET", "/api/v1/initiatives?stage=operating")
t.check("demo-4.3", p.returncode == 0 and json.loads(p.stdout)["total"] == 4, p.stdout[:200])
kpi = db_sql(dbs[1], "SELECT id FROM kpi WHERE name = 'Scrap rate'")[0][0]
csv = os.path.join(d, "q.csv")
with open(csv, "w") as f:
    f.write("period,value,note\n2026Q4,2.9,from MES\n")
p = keel("api", "--db", dbs[1], "--as", "li.na@meridian.example", "POST", "/api/v1/kpis/%d/values" % kpi,
         "--csv", "--data-file", csv)
t.check("demo-4.4", p.returncode == 0 and json.loads(p.stdout)["imported"] == 1, p.stdout + p.stderr)
p = keel("api", "--db", dbs[1], "--as", "sofia.alvarez@meridian.example", "POST", "/api/v1/kpis/%d/values" % kpi,
         "--csv", "--data-file", csv)
t.check("demo-4.5", p.returncode == 2 and "not_owner" in p.stderr, p.stderr)
p = keel("api", "--db", dbs[1], "GET", "/api/v1/nothing")
t.check("demo-4.6", p.returncode == 2)
p = keel("api", "--db", dbs[1], "GET", "/api/v1/units", "--data", "{}")
t.check("demo-4.7", p.returncode == 2)
t.done()
