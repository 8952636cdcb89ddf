# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 5's actions (issue 22), numbered (act-N.M): an action
has an owner, a due date, a status and what raised it; a finding raises one
action however often it is evaluated; closing needs a note and, where the
action says so, a stored analysis; a retraining action is done only with
the new version; closed actions do not change; overdue actions are
findings; only the owner, the committee and admins change an action; the
CLI prints the same. Every refusal leaves the database unchanged."""
import json
import subprocess
from datetime import date, timedelta
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()

ids, c = {}, {}
for name, email, role in [("Ceo Chair", "ceo@a.example", "committee"),
                          ("Olga Owner", "olga@a.example", "owner"),
                          ("Lea Lead", "lea@a.example", "engineer"),
                          ("Otto Other", "otto@a.example", "engineer"),
                          ("Vic Viewer", "vic@a.example", "viewer")]:
    p = a.post("/api/v1/people", {"name": name, "email": email})
    ids[email] = p.json["id"]
    r = a.post("/api/v1/accounts", {"email": email, "name": name, "role": role,
                                    "password": "password-123", "person_id": p.json["id"]})
    assert r.status == 201, r.body
    c[email] = srv.client()
    c[email].login(email, "password-123")
ceo, olga, lea, otto, vic = (c[e] for e in ["ceo@a.example", "olga@a.example", "lea@a.example",
                                            "otto@a.example", "vic@a.example"])
P = lambda e: ids[e]
ini = a.post("/api/v1/initiatives", {"title": "Predictive maintenance", "owner_id": P("olga@a.example")}).json["id"]
sysr = a.post("/api/v1/systems", {"name": "maintenance-model", "title": "Press failure prediction",
                                  "initiative_id": ini, "risk_tier": "limited", "tier_reason": "plant only"})
assert sysr.status == 201, sysr.body
sys_id = sysr.json["id"]
today = date.today()
D = lambda n: (today + timedelta(days=n)).isoformat()

# ---- act-1: raising ----
base = {"title": "Retrain on the new press type", "owner_id": P("lea@a.example"), "due_date": D(14)}
before = srv.snapshot()
t.status("act-1.1", lea.post("/api/v1/actions", {"title": "x", "due_date": D(3)}), 400, "invalid", "owner_id")
t.status("act-1.2", lea.post("/api/v1/actions", dict(base, due_date="2026-02-30")), 400, "invalid", "due_date")
t.status("act-1.3", lea.post("/api/v1/actions", dict(base, source="finding")), 400, "invalid", "source_key")
t.status("act-1.4", lea.post("/api/v1/actions", dict(base, source="risk")), 400, "invalid", "risk_id")
t.status("act-1.5", lea.post("/api/v1/actions", dict(base, source="review")), 400, "invalid", "review_period")
t.status("act-1.6", lea.post("/api/v1/actions", dict(base, kind="retraining")), 400, "invalid", "system_id")
t.status("act-1.7", lea.post("/api/v1/actions", dict(base, status="done")), 400, "invalid", "status")
t.status("act-1.8", vic.post("/api/v1/actions", base), 403, "forbidden")
t.status("act-1.9", lea.post("/api/v1/actions", dict(base, owner_id=99999)), 400, "invalid", "owner_id")
t.status("act-1.10", lea.post("/api/v1/actions", dict(base, source="gossip")), 400, "invalid", "source")
t.check("act-1.11", srv.snapshot() == before, "a refused action changed the database")
r = lea.post("/api/v1/actions", base)
t.status("act-1.12", r, 201)
manual = r.json["id"]
t.check("act-1.13", r.header("Location") == "/api/v1/actions/%d" % manual and r.json["status"] == "open"
        and r.json["source"] == "manual" and r.json["kind"] == "general" and r.json["owner_name"] == "Lea Lead"
        and r.json["overdue"] is False and r.json["created_by"] == "lea@a.example", r.body[:400])

# ---- act-2: one action per finding ----
fnd = dict(base, source="finding", source_key="decay:maintenance-model:new_equipment", kind="retraining",
           system_id=sys_id, evidence_required=True)
r1 = lea.post("/api/v1/actions", fnd)
t.status("act-2.1", r1, 201)
retrain = r1.json["id"]
t.check("act-2.2", r1.json["initiative_id"] == ini and r1.json["system_name"] == "maintenance-model"
        and r1.json["chain"]["steps_done"] == 1, r1.body[:400])
before = srv.snapshot()
r2 = ceo.post("/api/v1/actions", dict(fnd, title="the same decay, evaluated again"))
t.check("act-2.3", r2.status == 200 and r2.json["id"] == retrain and r2.json["title"] == base["title"], r2.body[:300])
t.check("act-2.4", srv.snapshot() == before, "a second evaluation of the finding changed the database")
n = srv.sql("SELECT count(*) FROM action_item WHERE source_key = ?", ("decay:maintenance-model:new_equipment",))[0][0]
t.check("act-2.5", n == 1, n)
t.status("act-2.6", lea.post("/api/v1/actions", dict(fnd, initiative_id=ini + 1000, source_key="decay:other")), 400,
         "invalid", "initiative_id")

# ---- act-3: lifecycle and closing rules ----
before = srv.snapshot()
t.status("act-3.1", otto.patch("/api/v1/actions/%d" % manual, {"status": "in_progress"}), 403, "not_owner")
t.status("act-3.2", vic.patch("/api/v1/actions/%d" % manual, {"status": "in_progress"}), 403, "forbidden")
t.status("act-3.3", lea.patch("/api/v1/actions/%d" % manual, {"status": "done"}), 400, "invalid", "close_note")
t.status("act-3.4", lea.patch("/api/v1/actions/%d" % manual, {"source": "review"}), 400, "invalid", "source")
t.status("act-3.5", lea.patch("/api/v1/actions/%d" % retrain, {"status": "done", "close_note": "retrained"}),
         422, "evidence_required", "evidence_analysis_id")
t.status("act-3.6", lea.patch("/api/v1/actions/99999", {"status": "done"}), 404, "not_found")
t.check("act-3.7", srv.snapshot() == before, "a refused change changed the database")
r = lea.patch("/api/v1/actions/%d" % manual, {"status": "in_progress"})
t.check("act-3.8", r.status == 200 and r.json["status"] == "in_progress", r.body[:300])
r = lea.patch("/api/v1/actions/%d" % manual, {"status": "done", "close_note": "retrained on last month's data"})
t.check("act-3.9", r.status == 200 and r.json["status"] == "done" and r.json["closed_by"] == "lea@a.example"
        and r.json["closed_at"], r.body[:300])
t.status("act-3.10", ceo.patch("/api/v1/actions/%d" % manual, {"status": "open"}), 409, "closed", "status")
r = ceo.patch("/api/v1/actions/%d" % retrain, {"owner_id": P("otto@a.example")})
t.check("act-3.11", r.status == 200 and r.json["owner_name"] == "Otto Other", r.body[:300])
t.status("act-3.12", lea.patch("/api/v1/actions/%d" % retrain, {"status": "in_progress"}), 403, "not_owner")
# a retraining action needs the version too; with both it closes
abcsv = "arm,correct\n" + "".join("old,%d\n" % (i % 100 < 82) for i in range(400)) + \
    "".join("new,%d\n" % (i % 100 < 95) for i in range(400))
r = a.post("/api/v1/analyses/abtest", {"spec": {"control": "old", "csv": {"arm": "arm", "metric": "correct"}},
                                       "data": abcsv, "initiative_id": ini, "title": "v1.1 against v1.0"})
t.check("act-3.13", r.status == 201, r.body[:300])
ab_id = r.json.get("id")
ver = otto.post("/api/v1/systems/maintenance-model/versions", {"version": "1.1", "owner_id": P("otto@a.example")})
t.status("act-3.14", otto.patch("/api/v1/actions/%d" % retrain, {"status": "done", "close_note": "retrained",
                                                                 "evidence_analysis_id": ab_id}),
         422, "version_required", "version_id")
r = otto.patch("/api/v1/actions/%d" % retrain, {"status": "done", "close_note": "retrained on the new press type",
                                                "evidence_analysis_id": ab_id, "version_id": ver.json.get("id")})
t.check("act-3.15", r.status == 200 and r.json["status"] == "done" and r.json["chain"]["steps_done"] >= 3
        and r.json["chain"]["version"]["version"] == "1.1" and r.json["chain"]["abtest"]["analysis_id"] == ab_id
        and abs(r.json["chain"]["abtest"]["control_rate"] - 0.82) < 1e-9
        and abs(r.json["chain"]["abtest"]["treatment_rate"] - 0.95) < 1e-9
        and r.json["chain"]["abtest"]["verdict"] == "ship",
        r.body[:600])
# the finding, still present, raises a new action once the old one is closed
r = lea.post("/api/v1/actions", fnd)
t.check("act-3.16", r.status == 201 and r.json["id"] != retrain, r.body[:300])

# ---- act-4: overdue actions are findings ----
late = ceo.post("/api/v1/actions", dict(base, title="Relabel March", due_date=D(-3), source="review",
                                        review_period="2026Q3", initiative_id=ini)).json
t.check("act-4.1", late["overdue"] is True and late["days_overdue"] == 3, late)
r = vic.get("/api/v1/actions?overdue=1")
t.check("act-4.2", r.status == 200 and [x["id"] for x in r.json["items"]] == [late["id"]]
        and [f["action_id"] for f in r.json["findings"]] == [late["id"]]
        and r.json["findings"][0]["code"] == "action_overdue", r.body[:500])
r = vic.get("/api/v1/actions?status=done")
t.check("act-4.3", sorted(x["id"] for x in r.json["items"]) == sorted([manual, retrain]), r.body[:300])
r = vic.get("/api/v1/actions?review_period=2026Q3&initiative_id=%d" % ini)
t.check("act-4.4", [x["id"] for x in r.json["items"]] == [late["id"]], r.body[:300])
t.status("act-4.5", vic.get("/api/v1/actions?colour=red"), 400, "invalid", "colour")
t.status("act-4.6", vic.get("/api/v1/actions?initiative_id=x"), 400, "invalid", "initiative_id")
t.status("act-4.7", vic.get("/api/v1/actions?system=nope"), 400, "invalid", "system")
r = vic.get("/api/v1/actions?system=maintenance-model&kind=retraining")
t.check("act-4.8", len(r.json["items"]) == 2, r.body[:300])
r = otto.patch("/api/v1/actions/%d" % late["id"], {"due_date": D(10)})
t.status("act-4.9", r, 403, "not_owner")
r = ceo.patch("/api/v1/actions/%d" % late["id"], {"due_date": D(10)})
t.check("act-4.10", r.status == 200 and r.json["overdue"] is False, r.body[:300])

# ---- act-5: the CLI ----
if not srv.db.startswith("postgres"):
    p = subprocess.run([KEEL, "actions", "--db", srv.db, "--json"], capture_output=True, text=True)
    j = json.loads(p.stdout) if p.returncode == 0 else {}
    t.check("act-5.1", p.returncode == 0 and sorted(x["id"] for x in j["items"]) ==
            sorted(x["id"] for x in vic.get("/api/v1/actions?status=active").json["items"]), p.stdout[:300] + p.stderr)
    a.patch("/api/v1/actions/%d" % late["id"], {"due_date": D(-1)})
    p = subprocess.run([KEEL, "actions", "--db", srv.db, "--overdue"], capture_output=True, text=True)
    t.check("act-5.2", p.returncode == 0 and "Relabel March" in p.stdout and "OVERDUE" in p.stdout
            and "Retrain" not in p.stdout, p.stdout + p.stderr)
    p = subprocess.run([KEEL, "actions", "--db", srv.db, "--bogus"], capture_output=True, text=True)
    t.check("act-5.3", p.returncode == 2, p.returncode)
    # closing from the command line: the server's rules, refusals change nothing
    again = [x["id"] for x in vic.get("/api/v1/actions?status=active&kind=retraining").json["items"]][0]
    close = lambda *args: subprocess.run([KEEL, "actions", "close"] + [str(x) for x in args] + ["--db", srv.db],
                                         capture_output=True, text=True)
    before = srv.snapshot()
    for n, (args, words) in enumerate([((late["id"],), "--note"),
                                       ((late["id"], "--note", ""), "--note"),
                                       (("seven", "--note", "x"), "not an action id"),
                                       ((late["id"], "--note", "x", "--evidence", "ab"), "--evidence"),
                                       ((late["id"], "--note", "relabelled", "--as", "otto@a.example"), "owner"),
                                       ((again, "--note", "retrained"), "evidence"),
                                       ((99999, "--note", "x"), "99999"),
                                       ((manual, "--note", "again"), "closed")], 4):
        p = close(*args)
        t.check("act-5.%d" % n, p.returncode == 2 and words in p.stderr, (args, p.returncode, p.stderr))
    t.check("act-5.12", srv.snapshot() == before, "a refused close changed the database")
    p = close(late["id"], "--note", "relabelled the March failures", "--as", "lea@a.example")
    got = vic.get("/api/v1/actions/%d" % late["id"]).json
    t.check("act-5.13", p.returncode == 0 and "done" in p.stdout and got["status"] == "done"
            and got["close_note"] == "relabelled the March failures" and got["closed_by"] == "cli:lea@a.example",
            (p.stdout, p.stderr, got))
    p = close(again, "--note", "superseded by the new press model", "--cancel", "--json")
    j = json.loads(p.stdout) if p.returncode == 0 else {}
    t.check("act-5.14", j.get("status") == "cancelled" and j.get("id") == again, p.stdout[:300] + p.stderr)

srv.stop()
t.done()
