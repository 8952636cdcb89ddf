# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 4's AI committee (issue 21), numbered (com-N.M): the
membership with its chair, the quorum rule, proposals of typed actions,
votes and declared conflicts, the outcome (quorum, majority, the chair's
casting vote), execution of a passed proposal through the domain rules
(and its refusal when the rules refuse, recorded with the reason), the
decision log read by every role, direct moves logged as decisions of one,
and the setting committee_direct_moves. Every refused request is checked
to leave the database unchanged; role rows at the end."""
import json
import sys
from datetime import date, timedelta
from keeltest import Server, Cases

t = Cases()
srv = Server()
a = srv.admin()

ids, c = {}, {}
people = [("Cora Ceo", "ceo@c.example", "committee"),
          ("Colm Coo", "coo@c.example", "committee"),
          ("Fay Cfo", "cfo@c.example", "committee"),
          ("Ted Cto", "cto@c.example", "engineer"),
          ("Rita Risk", "rita@c.example", "risk"),
          ("Olga Owner", "olga@c.example", "owner"),
          ("Otto Other", "otto@c.example", "owner"),
          ("Vic Viewer", "vic@c.example", "viewer")]
for name, email, role in people:
    p = a.post("/api/v1/people", {"name": name, "email": email})
    ids[email] = p.json["id"]
    r = a.post("/api/v1/accounts", {"email": email, "name": name, "role": role,
                                    "password": "password-123", "person_id": p.json["id"]})
    assert r.status == 201, r.body
    c[email] = srv.client()
    c[email].login(email, "password-123")
ceo, coo, cfo, cto, rita, olga, otto, vic = (c[e] for _, e, _ in people)
P = lambda e: ids[e]
nobody = a.post("/api/v1/people", {"name": "No Account"}).json["id"]
due = (date.today() + timedelta(days=14)).isoformat()

# ---- com-1: membership ----
before = srv.snapshot()
t.status("com-1.1", a.post("/api/v1/committee/members", {"person_id": nobody}), 422, "no_account")
t.status("com-1.2", a.post("/api/v1/committee/members", {"person_id": P("vic@c.example")}), 422, "no_account")
t.status("com-1.3", a.post("/api/v1/committee/members", {"person_id": 9999}), 400, "invalid", "person_id")
t.status("com-1.4", ceo.post("/api/v1/committee/members", {"person_id": P("ceo@c.example")}), 403, "forbidden")
t.status("com-1.5", a.post("/api/v1/committee/members", {"person_id": P("ceo@c.example"), "chair": "yes"}), 400, "invalid", "chair")
t.check("com-1.6", srv.snapshot() == before, "a refused membership changed the database")
r = a.post("/api/v1/committee/members", {"person_id": P("coo@c.example"), "chair": True})
t.status("com-1.7", r, 201)
t.check("com-1.8", r.json["chair"]["name"] == "Colm Coo", r.body[:300])
for e in ["ceo@c.example", "cfo@c.example", "cto@c.example", "rita@c.example"]:
    r = a.post("/api/v1/committee/members", {"person_id": P(e), "chair": e == "ceo@c.example"})
    assert r.status == 201, r.body
t.status("com-1.9", a.post("/api/v1/committee/members", {"person_id": P("cfo@c.example")}), 409, "duplicate")
r = vic.get("/api/v1/committee")
t.status("com-1.10", r, 200)
t.check("com-1.11", r.json["chair"]["name"] == "Cora Ceo" and len(r.json["members"]) == 5
        and sum(1 for m in r.json["members"] if m["chair"]) == 1
        and r.json["rule"] == {"quorum": "half", "chair_in_quorum": True, "casting_vote": True,
                               "updated_at": r.json["rule"]["updated_at"]}
        and r.json["direct_moves"] is True, r.body[:600])
before = srv.snapshot()
t.status("com-1.12", a.patch("/api/v1/committee", {"quorum": "most"}), 400, "invalid", "quorum")
t.status("com-1.13", ceo.patch("/api/v1/committee", {"quorum": "all"}), 403, "forbidden")
t.status("com-1.14", a.patch("/api/v1/committee/members/999", {"chair": True}), 404, "not_found")
t.status("com-1.15", a.patch("/api/v1/committee/members/1", {"person_id": P("olga@c.example")}), 400, "invalid", "person_id")
t.check("com-1.16", srv.snapshot() == before, "a refused rule change changed the database")

# initiatives: one unaligned (no KPI link), one owned by Olga
ini = a.post("/api/v1/initiatives", {"title": "Churn model", "owner_id": P("olga@c.example")}).json["id"]
other = a.post("/api/v1/initiatives", {"title": "Someone else's", "owner_id": P("otto@c.example")}).json["id"]
assert olga.post("/api/v1/initiatives/%d/transition" % ini, {"to": "assessed", "reason": "assessed"}).status == 200

# ---- com-2: proposals ----
base = {"title": "Approve the churn model", "action_type": "approve_initiative",
        "action": {"initiative_id": ini}, "due_date": due,
        "evidence": [{"kind": "note", "note": "pilot budget agreed with finance"}]}
before = srv.snapshot()
t.status("com-2.1", olga.post("/api/v1/proposals", dict(base, action_type="sell_company")), 400, "invalid", "action_type")
t.status("com-2.2", olga.post("/api/v1/proposals", dict(base, action={})), 400, "invalid", "action")
t.status("com-2.3", olga.post("/api/v1/proposals", dict(base, action={"initiative_id": ini, "to": "pilot"})), 400, "invalid", "action")
t.status("com-2.4", olga.post("/api/v1/proposals", dict(base, due_date="2001-01-01")), 400, "invalid", "due_date")
t.status("com-2.5", olga.post("/api/v1/proposals", dict(base, action={"initiative_id": 9999})), 400, "invalid", "action")
t.status("com-2.6", olga.post("/api/v1/proposals", dict(base, action={"initiative_id": other})), 403, "not_owner")
t.status("com-2.7", olga.post("/api/v1/proposals", dict(base, action_type="pool_capacity",
                                                     action={"pool_id": 1, "capacity": 3})), 400, "invalid", "action")
t.status("com-2.8", vic.post("/api/v1/proposals", base), 403, "forbidden")
t.status("com-2.9", cto.post("/api/v1/proposals", base), 403, "forbidden")
t.status("com-2.10", olga.post("/api/v1/proposals", dict(base, evidence=[{"kind": "rumour"}])), 400, "invalid", "evidence")
t.status("com-2.11", olga.post("/api/v1/proposals", dict(base, colour="red")), 400, "invalid", "colour")
t.status("com-2.12", olga.post("/api/v1/proposals", dict(base, action_type="move_stage",
                                                     action={"initiative_id": ini, "to": "orbit"})), 400, "invalid", "action")
t.check("com-2.13", srv.snapshot() == before, "a refused proposal changed the database")
r = olga.post("/api/v1/proposals", base)
t.status("com-2.14", r, 201)
p1 = r.json["id"]
t.check("com-2.15", r.header("Location") == "/api/v1/proposals/%d" % p1 and r.json["status"] == "open"
        and r.json["initiative_id"] == ini and r.json["action"] == {"initiative_id": ini}
        and r.json["evidence"]["given"][0]["kind"] == "note"
        and r.json["evidence"]["rules"]["initiative"]["aligned"] is False
        and r.json["tally"]["eligible"] == 5 and r.json["tally"]["quorum_needed"] == 3
        and r.json["you"]["member"] is False and r.json["you"]["may_vote"] is False, r.body[:800])

# ---- com-3: votes and conflicts ----
V = "/api/v1/proposals/%d/votes" % p1
before = srv.snapshot()
t.status("com-3.1", olga.post(V, {"vote": "for"}), 403, "not_member")
t.status("com-3.2", vic.post(V, {"vote": "for"}), 403, "forbidden")
t.status("com-3.3", ceo.post(V, {"vote": "yes"}), 400, "invalid", "vote")
t.status("com-3.4", ceo.post(V, {"vote": "for", "weight": 2}), 400, "invalid", "weight")
t.status("com-3.5", ceo.post("/api/v1/proposals/999/votes", {"vote": "for"}), 404, "not_found")
t.status("com-3.6", ceo.post("/api/v1/proposals/%d/conflicts" % p1, {"reason": "x"}), 400, "invalid", "reason")
t.status("com-3.7", olga.post("/api/v1/proposals/%d/conflicts" % p1, {"reason": "I own it"}), 403, "not_member")
t.status("com-3.8", ceo.post("/api/v1/proposals/%d/conflicts" % p1,
                             {"reason": "declaring for another", "person_id": P("cfo@c.example")}), 403)
t.check("com-3.9", srv.snapshot() == before, "a refused vote changed the database")
r = rita.post(V, {"vote": "abstain", "comment": "no risk view yet"})
t.status("com-3.10", r, 200)
r = rita.post("/api/v1/proposals/%d/conflicts" % p1, {"reason": "my spouse leads the vendor"})
t.status("com-3.11", r, 200)
t.check("com-3.12", r.json["tally"]["conflicted"] == 1 and r.json["tally"]["eligible"] == 4
        and r.json["votes"] == [] and r.json["you"]["conflicted"] is True
        and r.json["conflicts"][0]["name"] == "Rita Risk", r.body[:600])
before = srv.snapshot()
t.status("com-3.13", rita.post(V, {"vote": "for"}), 409, "conflicted")
t.status("com-3.14", rita.post("/api/v1/proposals/%d/conflicts" % p1, {"reason": "said it twice"}), 409, "duplicate")
t.check("com-3.15", srv.snapshot() == before, "a refused vote changed the database")
t.status("com-3.16", ceo.post(V, {"vote": "against", "comment": "first thought"}), 200)
r = ceo.post(V, {"vote": "for", "comment": "the case is made"})  # a second vote replaces the first
t.check("com-3.17", r.status == 200 and r.json["tally"]["for"] == 1 and r.json["tally"]["against"] == 0
        and r.json["you"]["vote"] == "for" and r.json["status"] == "open", r.body[:500])
coo.post(V, {"vote": "for"})
r = cfo.post(V, {"vote": "against", "comment": "no KPI behind it"})
t.check("com-3.18", r.json["status"] == "open" and r.json["tally"]["quorum_met"] is True
        and r.json["tally"]["outcome"] == "passed" and r.json["tally"]["final"] is False, r.body[:500])
# the last eligible vote decides: passed 3-1, but the rules refuse an unaligned approval
stage_before = a.get("/api/v1/initiatives/%d" % ini).json["stage"]
r = cto.post(V, {"vote": "for"})
t.status("com-3.19", r, 200)
d = r.json["decision"]
print(json.dumps(d)) if "-v" in sys.argv else None
t.check("com-3.20", r.json["status"] == "passed" and d["outcome"] == "passed"
        and d["execution"] == "refused" and d["execution_code"] == "unaligned"
        and "unaligned" in d["execution_message"] and d["tally"]["for"] == 3
        and d["tally"]["against"] == 1 and len(d["tally"]["votes"]) == 4
        and d["tally"]["conflicts"][0]["name"] == "Rita Risk", r.body[:1200])
t.check("com-3.21", a.get("/api/v1/initiatives/%d" % ini).json["stage"] == stage_before == "assessed")
before = srv.snapshot()
t.status("com-3.22", coo.post(V, {"vote": "against"}), 409, "proposal_closed")
t.status("com-3.23", coo.post("/api/v1/proposals/%d/close" % p1), 409, "proposal_closed")
t.check("com-3.24", srv.snapshot() == before, "a vote on a closed proposal changed the database")

# ---- com-4: a tie, the casting vote, execution ----
def propose(who, title, action_type, action):
    r = who.post("/api/v1/proposals", {"title": title, "action_type": action_type,
                                       "action": action, "due_date": due})
    assert r.status == 201, r.body
    return r.json["id"]


def votes(pid, cast):
    r = None
    for who, v in cast:
        r = who.post("/api/v1/proposals/%d/votes" % pid, {"vote": v})
        assert r.status == 200, r.body
    return r


p2 = propose(olga, "Raise the churn model's budget", "change_budget", {"initiative_id": ini, "cost_estimate": 250000})
rita.post("/api/v1/proposals/%d/conflicts" % p2, {"reason": "vendor relationship"})
r = votes(p2, [(ceo, "for"), (coo, "against"), (cfo, "against"), (cto, "for")])
d = r.json["decision"]
t.check("com-4.1", r.json["status"] == "passed" and d["tally"]["tie"] is True
        and d["tally"]["casting_vote"] is True and d["execution"] == "executed", r.body[:800])
t.check("com-4.2", a.get("/api/v1/initiatives/%d" % ini).json["cost_estimate"] == 250000)
audit = a.get("/api/v1/audit?entity=initiative&entity_id=%d" % ini).json["items"]
t.check("com-4.3", any(x["actor"] == "committee:proposal-%d" % p2 for x in audit),
        [x["actor"] for x in audit])
# without the casting vote the same tie is not carried
t.status("com-4.4", a.patch("/api/v1/committee", {"casting_vote": False}), 200)
p3 = propose(ceo, "Raise it again", "change_budget", {"initiative_id": ini, "cost_estimate": 900000})
rita.post("/api/v1/proposals/%d/conflicts" % p3, {"reason": "vendor relationship"})
r = votes(p3, [(ceo, "for"), (coo, "against"), (cfo, "against"), (cto, "for")])
t.check("com-4.5", r.json["status"] == "rejected" and r.json["decision"]["outcome"] == "rejected"
        and r.json["decision"]["execution"] == "none" and r.json["decision"]["tally"]["tie"] is True
        and r.json["decision"]["tally"]["casting_vote"] is False, r.body[:800])
t.check("com-4.6", a.get("/api/v1/initiatives/%d" % ini).json["cost_estimate"] == 250000)
a.patch("/api/v1/committee", {"casting_vote": True})

# a move the rules allow executes: idea -> assessed
p4 = propose(olga, "Back to the idea stage", "move_stage", {"initiative_id": ini, "to": "idea"})
r = votes(p4, [(ceo, "for"), (coo, "for"), (cfo, "abstain"), (cto, "for"), (rita, "for")])
t.check("com-4.7", r.json["decision"]["execution"] == "executed"
        and a.get("/api/v1/initiatives/%d" % ini).json["stage"] == "idea", r.body[:600])
hist = a.get("/api/v1/initiatives/%d" % ini).json
t.check("com-4.8", any(x["proposal_id"] == p4 for x in hist.get("decisions", [])), str(hist.get("decisions"))[:400])

# ---- com-5: closing early; no quorum lapses; the chair's place in the quorum ----
p5 = propose(ceo, "Assess again", "move_stage", {"initiative_id": other, "to": "assessed"})
before = srv.snapshot()
t.status("com-5.1", olga.post("/api/v1/proposals/%d/close" % p5), 403, "forbidden")
t.status("com-5.2", cto.post("/api/v1/proposals/%d/close" % p5), 403, "forbidden")
t.check("com-5.3", srv.snapshot() == before)
r = votes(p5, [(coo, "for"), (cfo, "for"), (cto, "for")])
t.check("com-5.4", r.json["tally"]["quorum_met"] is False and r.json["tally"]["chair_needed"] is True, r.body[:400])
r = coo.post("/api/v1/proposals/%d/close" % p5)
t.check("com-5.5", r.status == 200 and r.json["status"] == "lapsed" and r.json["decision"]["outcome"] == "no_quorum"
        and a.get("/api/v1/initiatives/%d" % other).json["stage"] == "idea", r.body[:600])
p6 = propose(ceo, "Assess, with the chair", "move_stage", {"initiative_id": other, "to": "assessed"})
votes(p6, [(ceo, "against"), (coo, "for"), (cfo, "for")])
r = coo.post("/api/v1/proposals/%d/close" % p6)
t.check("com-5.6", r.json["status"] == "passed" and r.json["decision"]["execution"] == "executed"
        and a.get("/api/v1/initiatives/%d" % other).json["stage"] == "assessed", r.body[:600])

# ---- com-6: the decision log and direct moves ----
r = vic.get("/api/v1/decisions?sort=-id")
t.status("com-6.1", r, 200)
items = r.json["items"]
t.check("com-6.2", len(items) == 6 and items[0]["proposal_id"] == p6 and items[0]["kind"] == "vote"
        and isinstance(items[0]["tally"], dict), str(items)[:600])
r = ceo.post("/api/v1/initiatives/%d/transition" % ini, {"to": "assessed", "reason": "assessed by the committee"})
t.status("com-6.3", r, 200)
r = vic.get("/api/v1/decisions?kind=direct")
t.check("com-6.4", r.status == 200 and len(r.json["items"]) == 1
        and r.json["items"][0]["outcome"] == "direct" and r.json["items"][0]["actor"] == "ceo@c.example"
        and r.json["items"][0]["tally"]["for"] == 1 and r.json["items"][0]["action"]["to"] == "assessed", r.body[:600])
t.status("com-6.5", vic.get("/api/v1/decisions/%d" % r.json["items"][0]["id"]), 200)
t.status("com-6.6", vic.get("/api/v1/decisions/999"), 404, "not_found")
t.status("com-6.7", vic.get("/api/v1/decisions?kind=secret"), 400, "invalid")
# owners' own moves are not committee decisions
n = len(vic.get("/api/v1/decisions").json["items"])
olga.post("/api/v1/initiatives/%d/transition" % ini, {"to": "idea", "reason": "rework"})
olga.post("/api/v1/initiatives/%d/transition" % ini, {"to": "assessed", "reason": "assessed again"})
t.check("com-6.8", len(vic.get("/api/v1/decisions").json["items"]) == n)

# ---- com-7: committee_direct_moves off ----
t.status("com-7.1", a.patch("/api/v1/settings", {"committee_direct_moves": False}), 200)
t.check("com-7.2", vic.get("/api/v1/committee").json["direct_moves"] is False)
before = srv.snapshot()
# the rules first: an unaligned approval is still "unaligned"
t.status("com-7.3", ceo.post("/api/v1/initiatives/%d/transition" % ini, {"to": "approved", "reason": "go"}), 409, "unaligned")
# a move the rules allow needs a proposal
t.status("com-7.4", ceo.post("/api/v1/initiatives/%d/transition" % ini, {"to": "idea", "reason": "back"}), 409, "proposal_required")
t.status("com-7.5", a.post("/api/v1/initiatives/%d/transition" % ini, {"to": "idea", "reason": "back"}), 409, "proposal_required")
exp = (date.today() + timedelta(days=30)).isoformat()
t.status("com-7.6", ceo.post("/api/v1/initiatives/%d/overrides" % ini,
                             {"stage": "pilot", "reason": "the board asked for speed", "expires_at": exp}), 409, "proposal_required")
# ... and the rules still come first for overrides too
t.status("com-7.7", ceo.post("/api/v1/initiatives/%d/overrides" % ini,
                             {"stage": "pilot", "reason": "short", "expires_at": exp}), 400, "invalid", "reason")
t.check("com-7.8", srv.snapshot() == before, "a refused direct move changed the database")
# owners' own moves are unaffected; proposals still execute
t.status("com-7.9", olga.post("/api/v1/initiatives/%d/transition" % ini, {"to": "idea", "reason": "rework"}), 200)
p7 = propose(olga, "Override the pilot gate", "override_gate",
             {"initiative_id": ini, "stage": "pilot", "expires_at": exp})
r = votes(p7, [(ceo, "for"), (coo, "for"), (cfo, "for"), (cto, "for"), (rita, "for")])
t.check("com-7.10", r.json["decision"]["execution"] == "executed", r.body[:600])
ov = a.get("/api/v1/initiatives/%d/systems" % ini)
t.check("com-7.11", ov.status == 200, ov.body[:300])
a.patch("/api/v1/settings", {"committee_direct_moves": True})

# ---- com-7b: a member who owns the initiative is conflicted out by keel ----
fays = a.post("/api/v1/initiatives", {"title": "Fay's forecasting", "owner_id": P("cfo@c.example")}).json["id"]
r = ceo.post("/api/v1/proposals", dict(base, title="Approve Fay's forecasting", action={"initiative_id": fays}))
t.status("com-7.20", r, 201)
pf = r.json["id"]
t.check("com-7.21", r.json["tally"]["conflicted"] == 1 and r.json["tally"]["eligible"] == 4
        and [(x["person_id"], x["actor"]) for x in r.json["conflicts"]] == [(P("cfo@c.example"), "system")],
        r.body[:800])
before = srv.snapshot()
t.status("com-7.22", cfo.post("/api/v1/proposals/%d/votes" % pf, {"vote": "for"}), 409, "conflicted")
t.status("com-7.23", cfo.post("/api/v1/proposals/%d/conflicts" % pf, {"reason": "I own it, as keel said"}), 409, "duplicate")
t.check("com-7.24", srv.snapshot() == before, "a refused vote changed the database")
r = ceo.post("/api/v1/proposals", dict(base, title="Approve the churn model again"))  # Olga is no member
t.check("com-7.25", r.status == 201 and r.json["tally"]["conflicted"] == 0, r.body[:400])

# ---- com-8: role rows ----
for who, name in [(a, "admin"), (ceo, "committee"), (olga, "owner"), (cto, "engineer"),
                  (rita, "risk"), (vic, "viewer")]:
    t.status("com-8.1 %s committee" % name, who.get("/api/v1/committee"), 200)
    t.status("com-8.2 %s proposals" % name, who.get("/api/v1/proposals"), 200)
    t.status("com-8.3 %s proposal" % name, who.get("/api/v1/proposals/%d" % p1), 200)
    t.status("com-8.4 %s decisions" % name, who.get("/api/v1/decisions"), 200)
    t.status("com-8.5 %s votes" % name, who.get("/api/v1/proposals/%d/votes" % p1), 200)
    if name != "admin":
        t.status("com-8.6 %s rule" % name, who.patch("/api/v1/committee", {"quorum": "all"}), 403, "forbidden")
        t.status("com-8.7 %s member" % name, who.post("/api/v1/committee/members", {"person_id": nobody}), 403, "forbidden")
t.status("com-8.8", a.get("/api/v1/proposals?status=open").status == 200 and a.get("/api/v1/proposals?status=nope"), 400, "invalid")
r = a.get("/api/v1/proposals?status=passed&sort=id")
t.check("com-8.9", [x["id"] for x in r.json["items"]] == [p1, p2, p4, p6, p7], r.body[:300])
t.status("com-8.10", a.delete("/api/v1/committee/members/999"), 404, "not_found")
r = a.get("/api/v1/committee")
rid = [m for m in r.json["members"] if m["name"] == "Rita Risk"][0]["id"]
t.status("com-8.11", a.delete("/api/v1/committee/members/%d" % rid), 204)
t.check("com-8.12", len(a.get("/api/v1/committee").json["members"]) == 4)
srv.stop()
t.done()
