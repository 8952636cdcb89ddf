# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 4's shared definitions (issue 21, item 4), numbered
(def-N.M): a definition is agreed only when the head of every department
that uses it has signed its current version; a new version starts the
signatures again; a dispute (with its reason) makes it disputed; a link
from a KPI or initiative to a definition not agreed is a finding naming
the departments that have not signed; a dispute older than the setting
definition_dispute_days goes to the committee as a proposal, once; the
diff between versions. Every refusal leaves the database unchanged."""
import subprocess
from datetime import date, timedelta
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()

units = {n: a.post("/api/v1/units", {"name": n, "kind": "department"}).json["id"]
         for n in ["Marketing", "AI Center", "Finance"]}
ids, c = {}, {}
for name, email, role, unit, head in [
        ("Emma Marketing", "emma@d.example", "owner", "Marketing", True),
        ("Kenji Ai", "kenji@d.example", "engineer", "AI Center", True),
        ("Wei Finance", "wei@d.example", "committee", "Finance", True),
        ("Will Marketer", "will@d.example", "owner", "Marketing", False),
        ("Olga Owner", "olga@d.example", "owner", None, False),
        ("Otto Other", "otto@d.example", "owner", None, False),
        ("Vic Viewer", "vic@d.example", "viewer", "Marketing", True)]:
    body = {"name": name, "email": email, "department_head": head}
    if unit:
        body["unit_id"] = units[unit]
    p = a.post("/api/v1/people", body)
    assert p.status == 201, p.body
    ids[email] = p.json["id"]
    a.post("/api/v1/accounts", {"email": email, "name": name, "role": role,
                                "password": "password-123", "person_id": p.json["id"]})
    c[email] = srv.client()
    c[email].login(email, "password-123")
emma, kenji, wei, will, olga, otto, vic = (c[e] for e in [
    "emma@d.example", "kenji@d.example", "wei@d.example", "will@d.example",
    "olga@d.example", "otto@d.example", "vic@d.example"])
t.check("def-0.1", a.get("/api/v1/people/%d" % ids["emma@d.example"]).json["department_head"] is True, "flag not kept")

obj = a.post("/api/v1/objectives", {"title": "Grow loyal customers", "pain_point": "revenue"}).json["id"]
kpi = a.post("/api/v1/kpis", {"objective_id": obj, "name": "High-value customer share", "unit": "%",
                              "direction": "up", "baseline": 10, "target": 15, "target_period": "2027Q4"}).json["id"]
ini = a.post("/api/v1/initiatives", {"title": "Churn model", "owner_id": ids["olga@d.example"]}).json["id"]
D = "/api/v1/definitions"
TEXT1 = "A customer whose 12-month spend is at least 5000 EUR."
TEXT2 = "A customer whose 12-month spend is at least 8000 EUR and who bought in the last 90 days."

# ---- def-1: creating ----
base = {"name": "high-value customer", "kind": "customer_segment", "body": TEXT1,
        "departments": [units["Marketing"], units["AI Center"]]}
before = srv.snapshot()
t.status("def-1.1", olga.post(D, dict(base, colour="red")), 400, "invalid", "colour")
t.status("def-1.2", olga.post(D, dict(base, kind="segment")), 400, "invalid", "kind")
t.status("def-1.3", olga.post(D, dict(base, body="")), 400, "invalid", "body")
t.status("def-1.4", olga.post(D, dict(base, departments=[999])), 400, "invalid", "departments")
t.status("def-1.5", olga.post(D, dict(base, departments=[units["Marketing"]] * 2)), 400, "invalid", "departments")
t.status("def-1.6", olga.post(D, dict(base, owner_id=ids["otto@d.example"])), 403, "not_owner", "owner_id")
t.status("def-1.7", kenji.post(D, base), 403, "forbidden")  # engineers read and sign, not edit
t.status("def-1.8", vic.post(D, base), 403, "forbidden")
t.check("def-1.9", srv.snapshot() == before, "refused creations changed the database")
r = olga.post(D, base)
t.check("def-1.10", r.status == 201 and r.json["version"] == 1 and r.json["owner_id"] == ids["olga@d.example"], r.body[:300])
did = r.json["id"]
DD = D + "/%d" % did
t.check("def-1.11", r.json["status"] == "unagreed" and r.json["missing"] == ["AI Center", "Marketing"], r.body[:500])
t.status("def-1.12", olga.post(D, base), 409, "conflict", "name")

# ---- def-2: links and their findings ----
before = srv.snapshot()
t.status("def-2.1", olga.post(DD + "/links", {"entity": "kpi", "entity_id": 9999}), 400, "invalid", "entity_id")
t.status("def-2.2", olga.post(DD + "/links", {"entity": "objective", "entity_id": obj}), 400, "invalid", "entity")
t.status("def-2.3", otto.post(DD + "/links", {"entity": "initiative", "entity_id": ini}), 403, "not_owner")
t.check("def-2.4", srv.snapshot() == before, "refused links changed the database")
r = olga.post(DD + "/links", {"entity": "kpi", "entity_id": kpi})
t.check("def-2.5", r.status == 201 and len(r.json["links"]) == 1 and r.json["links"][0]["name"] == "High-value customer share", r.body[:400])
r = olga.post(DD + "/links", {"entity": "initiative", "entity_id": ini})
t.status("def-2.6", olga.post(DD + "/links", {"entity": "initiative", "entity_id": ini}), 409, "duplicate")


def findings():
    return [f for f in a.get("/api/v1/alignment").json["findings"] if f["kind"].startswith("definition_")]


f = findings()
t.check("def-2.7", len(f) == 2 and {x["entity"] for x in f} == {"kpi", "initiative"}
        and all(x["kind"] == "definition_unagreed" and x["severity"] == "warning" and x["missing"] == ["AI Center", "Marketing"] for x in f)
        and "AI Center and Marketing have not signed" in f[0]["message"], f)
lst = vic.get(D).json
t.check("def-2.8", lst["counts"] == {"agreed": 0, "unagreed": 1, "disputed": 0} and len(lst["findings"]) == 2, lst)

# ---- def-3: signatures across departments (by table) ----
before = srv.snapshot()
t.status("def-3.1", will.post(DD + "/signatures", {"stance": "signed"}), 403, "not_department_head")
t.status("def-3.2", wei.post(DD + "/signatures", {"stance": "signed"}), 422, "department_not_using")
t.status("def-3.3", olga.post(DD + "/signatures", {"stance": "signed"}), 403, "not_department_head")
t.status("def-3.4", vic.post(DD + "/signatures", {"stance": "signed"}), 403, "forbidden")  # viewers only read
t.status("def-3.5", emma.post(DD + "/signatures", {"stance": "maybe"}), 400, "invalid", "stance")
t.status("def-3.6", emma.post(DD + "/signatures", {"stance": "disputed"}), 400, "invalid", "reason")
t.status("def-3.7", emma.post(DD + "/signatures", {"stance": "signed", "version": 2}), 409, "stale_version")
t.status("def-3.8", emma.post(D + "/9999/signatures", {"stance": "signed"}), 404)
t.check("def-3.9", srv.snapshot() == before, "refused signatures changed the database")
# (who, body, want status, want missing, want disputed-by) in order
steps = [
    ("def-3.10", emma, {"stance": "signed", "version": 1}, "unagreed", ["AI Center"], []),
    ("def-3.11", kenji, {"stance": "signed"}, "agreed", [], []),
    # a second signature of the same department changes nothing
    ("def-3.12", emma, {"stance": "signed"}, "agreed", [], []),
    # a department turns to dispute: disputed
    ("def-3.13", kenji, {"stance": "disputed", "reason": "the model scores recency, not spend"}, "disputed", [], ["AI Center"]),
    ("def-3.14", kenji, {"stance": "signed"}, "agreed", [], []),
]
for case, who, body, status, missing, disputed in steps:
    r = who.post(DD + "/signatures", body)
    t.check(case, r.status == 201 and r.json["status"] == status and r.json["missing"] == missing
            and [x["name"] for x in r.json["disputed_by"]] == disputed, r.body[:600])
t.check("def-3.15", findings() == [], "an agreed definition still gives findings")

# ---- def-4: a new version starts the signatures again; the diff ----
before = srv.snapshot()
t.status("def-4.1", otto.post(DD + "/versions", {"body": TEXT2}), 403, "not_owner")
t.status("def-4.2", olga.post(DD + "/versions", {"body": TEXT1}), 409, "unchanged")
t.status("def-4.3", olga.post(DD + "/versions", {"body": TEXT2, "colour": 1}), 400, "invalid", "colour")
t.status("def-4.4", kenji.post(DD + "/versions", {"body": TEXT2}), 403, "forbidden")
t.check("def-4.5", srv.snapshot() == before, "refused versions changed the database")
r = olga.post(DD + "/versions", {"body": TEXT2, "note": "marketing's threshold and recency"})
t.check("def-4.6", r.status == 201 and r.json["version"] == 2 and r.json["status"] == "unagreed"
        and r.json["missing"] == ["AI Center", "Marketing"] and r.json["body"] == TEXT2, r.body[:500])
t.check("def-4.7", len(r.json["versions"]) == 2 and len(r.json["stances"]) == 2, r.body[:800])
t.status("def-4.8", emma.post(DD + "/signatures", {"stance": "signed", "version": 1}), 409, "stale_version")
d = vic.get(DD + "/diff").json
t.check("def-4.9", (d["from"], d["to"], d["by"], d["coarse"]) == (1, 2, "word", False), d)
# "5000" -> "8000"; the word "EUR." (the full stop is part of it) becomes
# "EUR", " ", "and", …, " ", "days." (9 words and 8 spaces)
dels = [x["text"] for x in d["chunks"] if x["op"] == "del"]
adds = [x["text"] for x in d["chunks"] if x["op"] == "add"]
t.check("def-4.10", dels == ["5000", "EUR."] and adds == ["8000", "EUR and who bought in the last 90 days."]
        and d["deleted"] == 2 and d["added"] == 18, d)
same = "".join(x["text"] for x in d["chunks"] if x["op"] != "add")
new = "".join(x["text"] for x in d["chunks"] if x["op"] != "del")
t.check("def-4.11", same == TEXT1 and new == TEXT2, (same, new))
d = vic.get(DD + "/diff?from=1&to=2&by=line").json
t.check("def-4.12", [x["op"] for x in d["chunks"]] == ["del", "add"], d)
t.status("def-4.13", vic.get(DD + "/diff?from=3"), 400, "invalid", "from")
t.status("def-4.14", vic.get(DD + "/diff?by=char"), 400, "invalid", "by")
t.status("def-4.15", vic.get(DD + "/diff?from=x"), 400, "invalid", "from")

# ---- def-5: a dispute, its finding, and the escalation after N days ----
r = emma.post(DD + "/signatures", {"stance": "disputed", "reason": "marketing counts anyone with 3 purchases"})
t.check("def-5.1", r.status == 201 and r.json["status"] == "disputed", r.body[:300])
f = findings()
t.check("def-5.2", len(f) == 2 and all(x["kind"] == "definition_disputed" and x["severity"] == "critical"
                                       and x["disputed_by"][0]["name"] == "Marketing" for x in f)
        and "Marketing disputes it since" in f[0]["message"] and "AI Center has not signed it" in f[0]["message"], f)


def escalate(days_ahead):
    env = dict(srv.env, KEEL_NOW=(date.today() + timedelta(days=days_ahead)).isoformat() + "T12:00:00Z")
    p = subprocess.run([KEEL, "jobs", "run", "definitions.escalate", "--db", srv.db], env=env,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return [x for x in a.get("/api/v1/proposals?action_type=resolve_definition").json["items"]]


t.check("def-5.3", escalate(0) == [], "a fresh dispute was escalated")
t.check("def-5.4", escalate(29) == [], "escalated before 30 days")
ps = escalate(31)
t.check("def-5.5", len(ps) == 1 and ps[0]["action"] == {"definition_id": did} and ps[0]["status"] == "open"
        and "high-value customer" in ps[0]["title"], ps)
t.check("def-5.6", len(escalate(40)) == 1, "escalated twice")
g = vic.get(DD).json
t.check("def-5.7", g["escalated_proposal_id"] == ps[0]["id"], g.get("escalated_proposal_id"))
t.check("def-5.8", all(x["proposal_id"] == ps[0]["id"] for x in findings()), findings())
# the setting shortens the delay for the next version's dispute
a.patch("/api/v1/settings", {"definition_dispute_days": 5})
t.status("def-5.9", a.patch("/api/v1/settings", {"definition_dispute_days": 0}), 400, "invalid", "definition_dispute_days")
olga.post(DD + "/versions", {"body": TEXT2 + " Excluding staff."})
kenji.post(DD + "/signatures", {"stance": "disputed", "reason": "staff purchases are in the training data"})
t.check("def-5.10", len(escalate(3)) == 1 and len(escalate(6)) == 2, "the setting's days were not used")

# ---- def-6: editing ----
before = srv.snapshot()
t.status("def-6.1", otto.patch(DD, {"name": "VIP"}), 403, "not_owner")
t.status("def-6.2", olga.patch(DD, {}), 400, "invalid")
t.status("def-6.3", olga.patch(DD, {"body": "x"}), 400, "invalid", "body")
t.status("def-6.4", olga.patch(DD, {"departments": [12345]}), 400, "invalid", "departments")
t.status("def-6.5", olga.patch("/api/v1/definitions/9999", {"name": "x"}), 404)
t.check("def-6.6", srv.snapshot() == before, "refused edits changed the database")
# AI Center's head disputes the current version: its owner may not drop it
# (test_api_probe_paths probe-10); the committee may
t.status("def-6.16", olga.patch(DD, {"departments": [units["Marketing"], units["Finance"]]}), 403, "committee_only",
         "departments")
r = wei.patch(DD, {"departments": [units["Marketing"], units["Finance"]]})
t.check("def-6.7", r.status == 200 and [x["name"] for x in r.json["departments"]] == ["Finance", "Marketing"]
        and r.json["missing"] == ["Finance", "Marketing"] and r.json["status"] == "unagreed", r.body[:500])
r = olga.get(DD)
lid = [x["id"] for x in r.json["links"] if x["entity"] == "kpi"][0]
t.status("def-6.8", otto.delete(DD + "/links/%d" % lid), 403, "not_owner")
t.check("def-6.9", olga.delete(DD + "/links/%d" % lid).status == 204, "unlink failed")
t.check("def-6.10", [x["entity"] for x in findings()] == ["initiative"], findings())
# the committee edits any definition; the glossary reads for everyone
t.check("def-6.11", wei.patch(DD, {"kind": "term"}).status == 200, "committee may edit")
t.check("def-6.12", vic.get(D + "?status=unagreed").json["items"][0]["id"] == did, "status filter")
t.status("def-6.13", vic.get(D + "?status=nope"), 400, "invalid", "status")
t.check("def-6.14", vic.get(DD).json["you"] == {"may_edit": False, "may_sign": False, "department": None}, vic.get(DD).json["you"])
t.check("def-6.15", emma.get(DD).json["you"]["may_sign"] is True, emma.get(DD).json["you"])

# ---- def-7: search by a part of the term (?q=), the pickers' source ----
from urllib.parse import quote
zh = olga.post(D, {"name": "高价值客户（月度）", "kind": "customer_segment", "body": "近十二个月消费不少于五千元的客户。",
                   "departments": [units["Marketing"]]})
t.check("def-7.1", zh.status == 201, zh.body[:300])
olga.post(D, {"name": "Churn rate", "kind": "kpi_formula", "body": "Customers lost / customers at start.", "departments": []})


def names(q):
    r = vic.get(D + "?q=" + quote(q))
    assert r.status == 200, r.body
    return [x["name"] for x in r.json["items"]]


# (case, query, names expected in the glossary's order by name)
for case, q, want in [
        ("def-7.2", "HIGH-value", ["high-value customer"]),   # case-insensitive
        ("def-7.3", "value", ["high-value customer"]),
        ("def-7.4", "价值", ["高价值客户（月度）"]),              # Chinese, inside the term
        ("def-7.5", "客户（月", ["高价值客户（月度）"]),
        ("def-7.6", "c", ["Churn rate", "high-value customer"]),
        ("def-7.7", "%", []),                                 # no wildcard: % is a character
        ("def-7.8", "_", []),
        ("def-7.9", "spend", []),                             # the term, not the body
        ("def-7.10", "", ["Churn rate", "high-value customer", "高价值客户（月度）"])]:
    got = names(q)
    t.check(case, got == want, "q=%r gave %r, want %r" % (q, got, want))
r = vic.get(D + "?q=" + quote("价值") + "&status=unagreed")
t.check("def-7.11", [x["name"] for x in r.json["items"]] == ["高价值客户（月度）"] and r.json["counts"]["unagreed"] == 3
        and r.json["items"][0]["missing"] == ["Marketing"], r.body[:400])
t.status("def-7.12", vic.get(D + "?q=" + "x" * 201), 400, "invalid", "q")
t.status("def-7.13", vic.get(D + "?query=x"), 400, "invalid")
srv.stop()
t.done()
