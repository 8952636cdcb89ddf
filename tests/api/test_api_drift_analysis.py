# SPDX-License-Identifier: GPL-3.0-or-later
"""Drift checks kept as analyses (driftan-N.M): POST /api/v1/analyses/drift
with the reference and current CSVs and the CLI's options gives the
comparison `keel drift REF CUR --json` prints, stores it with its verdict,
refuses bad input at the field, and only for the analyst roles."""
import json
import os
import random
from keeltest import Server, Cases, KEEL, run, ROLES

t = Cases()
srv = Server()
a = srv.admin()
rng = random.Random(5)
ref = ["temp,vibration,line"] + ["%.2f,%.3f,%s" % (rng.gauss(60, 3), rng.gauss(1.0, 0.2), rng.choice("ABC")) for _ in range(800)]
cur = ["temp,vibration,line"] + ["%.2f,%.3f,%s" % (rng.gauss(66, 3), rng.gauss(1.0, 0.2), rng.choice("ABCC")) for _ in range(600)]
ref_t, cur_t = "\n".join(ref) + "\n", "\n".join(cur) + "\n"
paths = []
for name, text in (("ref.csv", ref_t), ("cur.csv", cur_t)):
    paths.append(os.path.join(srv.dir, name))
    with open(paths[-1], "w") as f:
        f.write(text)
cli = json.loads(run([KEEL, "drift", paths[0], paths[1], "--json", "--psi", "0.25"]).stdout)
r = a.post("/api/v1/analyses/drift", {"reference": ref_t, "current": cur_t, "spec": {"psi": 0.25}, "title": "press sensors"})
t.status("driftan-1.1", r, 201)
got = a.get("/api/v1/analyses/%d" % r.json["id"]).json
t.check("driftan-1.2", got["kind"] == "drift" and got["verdict"] == cli["dataset"]["verdict"], (got["verdict"], cli["dataset"]))
same = all(abs(x["psi"] - y["psi"]) < 1e-12 and x["verdict"] == y["verdict"] and x["name"] == y["name"]
           for x, y in zip(got["result"]["columns"], cli["columns"]))
t.check("driftan-1.3", same and len(got["result"]["columns"]) == 3, "the stored comparison differs from keel drift's")
t.check("driftan-1.4", [c["verdict"] for c in got["result"]["columns"] if c["name"] == "temp"] == ["drift"], got["result"]["columns"])
t.check("driftan-1.5", got["result"]["thresholds"]["psi_drift"] == 0.25, got["result"]["thresholds"])
# bad input: at the field, nothing stored
n0 = srv.sql("SELECT count(*) FROM analysis")[0][0]
for case, body, field in (("driftan-2.1", {"reference": ref_t}, "current"),
                          ("driftan-2.2", {"current": cur_t}, "reference"),
                          ("driftan-2.3", {"reference": ref_t, "current": cur_t, "spec": {"psl": 1}}, "psl"),
                          ("driftan-2.4", {"reference": ref_t, "current": cur_t, "spec": {"segment": "shift"}}, "segment"),
                          ("driftan-2.5", {"reference": "a,b\n1,2\n", "current": "a,b\n1,2,3\n"}, "current"),
                          ("driftan-2.6", {"reference": ref_t, "current": cur_t, "data": cur_t}, "data")):
    r = a.post("/api/v1/analyses/drift", body)
    t.check(case, r.status in (400, 422) and r.error().get("field") == field, r.body[:300])
t.check("driftan-2.7", srv.sql("SELECT count(*) FROM analysis")[0][0] == n0)
for role in ROLES[1:]:
    email = "%s@example.com" % role
    a.post("/api/v1/accounts", {"email": email, "name": role, "role": role, "password": "password-%s-1" % role})
    c = srv.client()
    c.login(email, "password-%s-1" % role)
    r = c.post("/api/v1/analyses/drift", {"reference": ref_t, "current": cur_t})
    t.check("driftan-3.%s" % role, r.status == (201 if role in ("committee", "engineer", "risk") else 403), (role, r.status))
srv.stop()
t.done()
