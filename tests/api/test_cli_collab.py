# SPDX-License-Identifier: GPL-3.0-or-later
"""keel proposals, keel decisions and keel training (issue 21), numbered
(cli-co-N.M): what the committee's secretary reads, the same as the API
answers (the routes run in-process), as text and --json; bad input exits
2 with the database unchanged."""
import json
import subprocess
from datetime import date, timedelta
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()
p = a.post("/api/v1/people", {"name": "Cora Ceo", "email": "ceo@cc.example"}).json["id"]
a.post("/api/v1/accounts", {"email": "ceo@cc.example", "name": "Cora Ceo", "role": "committee",
                            "password": "password-123", "person_id": p})
a.post("/api/v1/committee/members", {"person_id": p, "chair": True})
ini = a.post("/api/v1/initiatives", {"title": "Churn model"}).json["id"]
due = (date.today() + timedelta(days=7)).isoformat()
p1 = a.post("/api/v1/proposals", {"title": "Assess the churn model", "action_type": "move_stage",
                                  "action": {"initiative_id": ini, "to": "assessed"}, "due_date": due}).json["id"]
p2 = a.post("/api/v1/proposals", {"title": "Budget for churn", "action_type": "change_budget",
                                  "action": {"initiative_id": ini, "cost_estimate": 1000}, "due_date": due}).json["id"]
ceo = srv.client()
ceo.login("ceo@cc.example", "password-123")
ceo.post("/api/v1/proposals/%d/votes" % p2, {"vote": "for", "comment": "cheap"})
prog = a.post("/api/v1/training/programmes", {"name": "AI literacy", "kind": "ai_literacy", "required_for_all": True}).json["id"]
a.post("/api/v1/training/programmes/%d/completions" % prog, {"person_id": p, "completed_on": "2026-10-01"})


def cli(*args):
    r = subprocess.run([KEEL, *args, "--db", srv.db], capture_output=True, text=True, env=srv.env)
    return r.returncode, r.stdout, r.stderr


rc, out, err = cli("proposals")
t.check("cli-co-1.1", rc == 0 and "Assess the churn model" in out and "Budget for churn" not in out
        and "0/1" in out, (rc, out, err))
rc, out, err = cli("proposals", "--all", "--json")
items = json.loads(out)["items"]
t.check("cli-co-1.2", rc == 0 and [x["id"] for x in items] == [p2, p1] and items[0]["status"] == "passed"
        and items[0]["tally"]["for"] == 1, out[:300])
rc, out, err = cli("decisions")
t.check("cli-co-2.1", rc == 0 and "passed" in out and "executed" in out and "proposal %d" % p2 in out, (rc, out, err))
rc, out, err = cli("decisions", "--json", "--initiative", str(ini))
api = a.get("/api/v1/decisions?sort=-id&limit=50&initiative_id=%d" % ini).json["items"]
t.check("cli-co-2.2", rc == 0 and json.loads(out)["items"] == api, out[:300])
before = srv.snapshot()
for case, args in [("cli-co-2.3", ("decisions", "--limit", "0")), ("cli-co-2.4", ("decisions", "--initiative", "x")),
                   ("cli-co-2.5", ("proposals", "--bogus"))]:
    rc, out, err = cli(*args)
    t.check(case, rc == 2 and err, (rc, out, err))
t.check("cli-co-2.6", srv.snapshot() == before, "refused commands changed the database")
rc, out, err = cli("training")
t.check("cli-co-3.1", rc == 0 and "AI literacy" in out and "1/1 completed" in out and "no plan yet" in out, (rc, out, err))
rc, out, err = cli("training", "--json")
j = json.loads(out)
t.check("cli-co-3.2", rc == 0 and j["programmes"][0]["completed"] == 1 and j["below"] == [] and j["forecast"]["plan_id"] is None, out[:300])
t.done()
