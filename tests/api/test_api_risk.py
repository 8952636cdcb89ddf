# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 3, risk control (issue 17), numbered (risk-N.M): the
AI system register keyed by name, versions, evidence (computed analyses
and attested documents), gates as data with each requirement state
(met, missing, failing, stale, foreign) per gate, the prohibited tier, a
suspending ethics review, committee overrides and their expiry, initiative
moves through their systems' gates, the risk register and its heatmap,
ethics review schedules, the drift analysis route. Every refusal is
checked to leave the database unchanged."""
import hashlib
import json
import random
import subprocess
import tempfile
import os
from datetime import date, datetime, timedelta, timezone
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()


def write_sql(query, args=()):
    """Test-only time travel: backdate rows written through the API."""
    srv.write_sql(query, args)


ids, c = {}, {}
for name, email, role, skills in [
        ("Ceo Chair", "ceo@r.example", "committee", ["business_expert"]),
        ("Olga Owner", "olga@r.example", "owner", ["business_expert"]),
        ("Otto Other", "otto@r.example", "owner", []),
        ("Lea Lead", "lea@r.example", "engineer", ["ml_engineer"]),
        ("Rita Risk", "rita@r.example", "risk", ["risk_officer"]),
        ("Pat Product", "pat@r.example", "engineer", ["product_manager"]),
        ("Vic Viewer", "vic@r.example", "viewer", [])]:
    p = a.post("/api/v1/people", {"name": name, "email": email, "skills": skills})
    ids[email] = p.json["id"]
    r = a.post("/api/v1/accounts", {"email": email, "name": name, "role": role,
                                    "password": "password-123", "person_id": p.json["id"]})
    assert r.status == 201, r.body
    c[email] = srv.client()
    c[email].login(email, "password-123")
    ids[email + "#account"] = r.json["id"]
ceo, olga, otto, lea, rita, pat, vic = (c[e] for e in [
    "ceo@r.example", "olga@r.example", "otto@r.example", "lea@r.example", "rita@r.example",
    "pat@r.example", "vic@r.example"])
P = lambda e: ids[e]

ini = a.post("/api/v1/initiatives", {"title": "Credit scoring v2", "owner_id": P("olga@r.example"),
                                     "sponsor_id": P("ceo@r.example"), "ai_lead_id": P("lea@r.example")}).json["id"]
other_ini = a.post("/api/v1/initiatives", {"title": "Someone else's", "owner_id": P("otto@r.example")}).json["id"]

# ---- risk-1: the register ----
base = {"name": "credit-scoring-v2", "title": "Credit scoring v2", "initiative_id": ini,
        "risk_tier": "high", "tier_reason": "creditworthiness of natural persons",
        "personal_data": True, "automated_decisions": True, "ethics_domain": "credit"}
before = srv.snapshot()
t.status("risk-1.1", lea.post("/api/v1/systems", dict(base, name="Credit Scoring")), 400, "invalid", "name")
t.status("risk-1.2", lea.post("/api/v1/systems", dict(base, name="x" * 65)), 400, "invalid", "name")
t.status("risk-1.3", lea.post("/api/v1/systems", dict(base, risk_tier="severe")), 400, "invalid", "risk_tier")
t.status("risk-1.4", lea.post("/api/v1/systems", dict(base, initiative_id=9999)), 400, "invalid", "initiative_id")
t.status("risk-1.5", otto.post("/api/v1/systems", base), 403, "not_owner")
t.status("risk-1.6", vic.post("/api/v1/systems", base), 403, "forbidden")
t.status("risk-1.7", lea.post("/api/v1/systems", dict(base, colour="red")), 400, "invalid", "colour")
t.check("risk-1.8", srv.snapshot() == before, "a refused registration changed the database")
r = olga.post("/api/v1/systems", base)
t.status("risk-1.9", r, 201)
t.check("risk-1.10", r.header("Location") == "/api/v1/systems/credit-scoring-v2" and r.json["versions"] == []
        and r.json["initiative_title"] == "Credit scoring v2", r.body[:300])
t.status("risk-1.11", lea.post("/api/v1/systems", base), 409, "duplicate", "name")
t.status("risk-1.12", vic.get("/api/v1/systems/credit-scoring-v2"), 200)
t.status("risk-1.13", vic.get("/api/v1/systems/no-such-system"), 404, "not_found")
t.status("risk-1.14", vic.get("/api/v1/systems/Credit-Scoring"), 404)
t.status("risk-1.15", lea.patch("/api/v1/systems/credit-scoring-v2", {"name": "other"}), 400, "invalid", "name")
t.status("risk-1.16", lea.patch("/api/v1/systems/credit-scoring-v2", {"title": "Credit scoring, second generation"}), 200)
t.status("risk-1.17", otto.patch("/api/v1/systems/credit-scoring-v2", {"title": "mine"}), 403, "not_owner")
r = vic.get("/api/v1/systems?risk_tier=high")
t.check("risk-1.18", r.status == 200 and [x["name"] for x in r.json["items"]] == ["credit-scoring-v2"], r.body[:300])
t.status("risk-1.19", vic.get("/api/v1/systems?risk_tier=severe"), 400, "invalid", "risk_tier")
# the list gives the scope flags as JSON booleans, as the single read does
one = vic.get("/api/v1/systems/credit-scoring-v2").json
listed = r.json["items"][0]
flags = ("personal_data", "sensitive_data", "automated_decisions", "public_facing", "generative")
t.check("risk-1.20", all(listed[f] is one[f] and isinstance(one[f], bool) for f in flags)
        and listed["personal_data"] is True, {f: (listed[f], one[f]) for f in flags})

# data: a clean training asset and the evaluation file
rnd = random.Random(17)


def predictions(fp_b, n=3000, seed=1):
    g = random.Random(seed)
    rows = ["label,prediction,group"]
    for i in range(n):
        grp = "A" if i % 2 else "B"
        label = 1 if g.random() < 0.3 else 0
        fp = 0.05 if grp == "A" else fp_b
        pred = 1 if (label == 1 and g.random() < 0.8) or (label == 0 and g.random() < fp) else 0
        rows.append("%d,%d,%s" % (label, pred, grp))
    return "\n".join(rows) + "\n"


biased = predictions(0.35)        # group B's good customers flagged high risk
fair = predictions(0.05, seed=2)  # the same model after the fix
eval_sha = hashlib.sha256(biased.encode()).hexdigest()
fair_sha = hashlib.sha256(fair.encode()).hexdigest()
clean = "x,y,label\n" + "".join("%d,%.3f,%s\n" % (i, rnd.random(), "yes" if i % 2 else "no") for i in range(400))
dirty = "x,y,label\n" + "".join("%s,%s,%s\n" % (i if i % 3 else "", "" if i % 2 else "1", "" if i % 10 else "yes" if i % 20 else "no")
                                 for i in range(400))
asset = a.post("/api/v1/data-assets", {"name": "Loan applications", "personal_data": True,
                                       "consent_basis": "contract"}).json["id"]
r = a.request("POST", "/api/v1/data-assets/%d/profile?label=label" % asset, raw=dirty.encode(), ctype="text/csv")
t.status("risk-1.21", r, 201)
t.check("risk-1.20", (a.get("/api/v1/data-assets/%d" % asset).json["readiness_score"] or 100) < 70)

# ---- risk-2: versions ----
V = "/api/v1/systems/credit-scoring-v2"
before = srv.snapshot()
t.status("risk-2.1", lea.post(V + "/versions", {"version": "2.0", "evaluation_sha256": "abc"}), 400, "invalid", "evaluation_sha256")
t.status("risk-2.2", lea.post(V + "/versions", {"version": "two zero"}), 400, "invalid", "version")
t.status("risk-2.3", lea.post(V + "/versions", {"version": "2.0", "training_asset_id": 999}), 400, "invalid", "training_asset_id")
t.status("risk-2.4", lea.post("/api/v1/systems/nope/versions", {"version": "2.0"}), 404, "not_found")
t.status("risk-2.5", otto.post(V + "/versions", {"version": "2.0"}), 403, "not_owner")
t.check("risk-2.6", srv.snapshot() == before, "a refused version changed the database")
r = lea.post(V + "/versions", {"version": "2.0", "training_asset_id": asset, "evaluation_sha256": eval_sha,
                               "algorithm": "gradient boosted trees", "owner_id": P("olga@r.example"),
                               "purpose": "score retail loan applications", "deployment": "loan origination, EU",
                               "callers": "branch staff"})
t.status("risk-2.7", r, 201)
t.check("risk-2.8", r.json["stage"] == "data_collection" and r.json["version"] == "2.0", r.body)
t.status("risk-2.9", lea.post(V + "/versions", {"version": "2.0"}), 409, "duplicate", "version")

# ---- risk-3: moves and the training gate (readiness) ----
def gate(stage, version=None, who=vic):
    r = who.get(V + "/gates/" + stage + ("?version=" + version if version else ""))
    return r.json if r.status == 200 else {"error": r.body}


def state(g, rid):
    for x in g.get("requirements", []):
        if x["id"] == rid:
            return x["state"]
    return None


before = srv.snapshot()
r = lea.post(V + "/transition", {"to": "training", "reason": "data collected"})
t.status("risk-3.1", r, 409, "gate_refused")
reqs = {x["id"]: x for x in r.error().get("requirements", [])}
t.check("risk-3.2", reqs.get("readiness", {}).get("state") == "failing" and "Loan applications" in reqs["readiness"]["detail"]
        and reqs.get("consent", {}).get("state") == "met", r.body[:600])
# each sentence also comes as a code with its values (docs/api.md#sentences)
dc = reqs.get("readiness", {}).get("detail_code") or {}
a0 = (dc.get("params", {}).get("assets") or [{}])[0]
t.check("risk-3.3", dc.get("code") == "assets" and a0.get("asset") == "Loan applications"
        and a0.get("code") in ("readiness_below", "never_profiled", "profiled_too_long_ago")
        and ("'Loan applications': " in reqs["readiness"]["detail"]), json.dumps(reqs.get("readiness")))
t.check("risk-3.4", reqs.get("consent", {}).get("detail_code", {}).get("code") == "assets", json.dumps(reqs.get("consent")))
ep = r.error().get("params") or {}
t.check("risk-3.5", ep.get("system_stage") == "training" and ep.get("system") == "credit-scoring-v2"
        and ep.get("total") == len(reqs) and ep.get("open") == sum(1 for x in reqs.values() if x["state"] != "met")
        and ("%d of %d requirements" % (ep.get("open", -1), ep.get("total", -1))) in r.error()["message"], r.body[:600])
# the refusal changes nothing but the one action it raises (path 5): tried
# again, it answers that action
ok, why = srv.only_actions_added(before)
t.check("risk-3.3", ok and r.error().get("action_id"), (why, r.body[:300]))
before = srv.snapshot()
r2 = lea.post(V + "/transition", {"to": "training", "reason": "data collected"})
t.check("risk-3.3b", r2.status == 409 and r2.error().get("action_id") == r.error().get("action_id")
        and srv.snapshot() == before, r2.body[:300])
ga = a.get("/api/v1/actions/%d" % r.error()["action_id"]).json
t.check("risk-3.3c", ga["source"] == "gate" and ga["source_key"] == "gate:credit-scoring-v2:training"
        and ga["status"] == "open" and "readiness" in (ga["description"] or ""), ga)
t.status("risk-3.4", lea.post(V + "/transition", {"to": "pre_launch", "reason": "skip"}), 409, "illegal_transition")
t.status("risk-3.5", lea.post(V + "/transition", {"to": "flying", "reason": "x"}), 400, "invalid", "to")
t.status("risk-3.6", lea.post(V + "/transition", {"to": "training"}), 400, "invalid", "reason")
r = a.request("POST", "/api/v1/data-assets/%d/profile?label=label" % asset, raw=clean.encode(), ctype="text/csv")
t.status("risk-3.7", r, 201)
r = lea.post(V + "/transition", {"to": "training", "reason": "data cleaned and labelled"})
t.check("risk-3.8", r.status == 200 and r.json["versions"][0]["stage"] == "training"
        and r.json["history"][0]["verdict"] == "pass", r.body[:400])
g = gate("training")
t.check("risk-3.9", g["verdict"] == "pass" and state(g, "readiness") == "met", json.dumps(g)[:600])
ga = a.get("/api/v1/actions/%d" % ga["id"]).json
t.check("risk-3.9b", ga["status"] == "done" and "training gate passed" in ga["close_note"], ga)
t.check("risk-3.10", g["current_stage"] == "training", "a stage already passed is still evaluated")
lea.post(V + "/transition", {"to": "data_collection", "reason": "back: more data"})
t.check("risk-3.11", vic.get(V).json["versions"][0]["stage"] == "data_collection", "back to an earlier stage without a gate")
lea.post(V + "/transition", {"to": "training", "reason": "again"})
r = lea.post(V + "/transition", {"to": "pre_launch", "reason": "trained"})
t.status("risk-3.12", r, 409, "gate_refused")
t.check("risk-3.13", state(r.error().get("gate", {}), "impact_assessment") == "missing", r.body[:500])
IA = {"version": "2.0", "kind": "impact_assessment", "title": "DPIA of credit scoring", "reference": "DPIA-2",
      "reviewer_id": ids["rita@r.example#account"]}
rita.post("/api/v1/evidence/%d/attest" % lea.post(V + "/evidence", IA).json["id"])
r = lea.post(V + "/transition", {"to": "pre_launch", "reason": "assessed"})
t.check("risk-3.14", r.status == 200 and r.json["versions"][0]["stage"] == "pre_launch", r.body[:300])

# ---- risk-4: evidence and the requirement states of the launch gate's fairness ----
g = gate("launch")
t.check("risk-4.1", state(g, "fairness") == "missing" and g["verdict"] == "refuse", json.dumps(g)[:400])
fspec = {"label": "label", "prediction": "prediction", "protected": "group", "favorable": 0}
r = rita.post("/api/v1/analyses/fairness", {"spec": fspec, "data": biased, "system": "credit-scoring-v2", "version": "2.0"})
t.status("risk-4.2", r, 201)
failed_audit = r.json
t.check("risk-4.3", failed_audit["verdict"] == "fail" and failed_audit["data_sha256"] == eval_sha, r.body[:300])
g = gate("launch")
fx = [x for x in g["requirements"] if x["id"] == "fairness"][0]
t.check("risk-4.4", fx["state"] == "failing" and "'B'" in fx["detail"] and "FPR" in fx["detail"]
        and fx["analysis_id"] == failed_audit["id"], json.dumps(fx))
fp = fx.get("detail_code", {}).get("params", {})
t.check("risk-4.4.1", fx.get("detail_code", {}).get("code") == "analysis_verdict" and fp.get("analysis_id") == failed_audit["id"]
        and fp.get("verdict") == "fail" and fp.get("want") == "pass" and "FPR" in fp.get("reasons", ""), json.dumps(fx))
# a passing audit on other data than the version declares does not count
r = rita.post("/api/v1/analyses/fairness", {"spec": fspec, "data": fair, "system": "credit-scoring-v2"})
t.status("risk-4.5", r, 201)
g = gate("launch")
t.check("risk-4.6", state(g, "fairness") == "failing", "the newest on the declared data decides: " + json.dumps(g)[:300])
write_sql("DELETE FROM evidence WHERE analysis_id = ?", (failed_audit["id"],))
g = gate("launch")
t.check("risk-4.7", state(g, "fairness") == "foreign", json.dumps(g)[:400])
fx = [x for x in g["requirements"] if x["id"] == "fairness"][0]
t.check("risk-4.7.1", fx["detail_code"]["code"] == "analysis_other_data" and fx["detail_code"]["params"]["expected"] == eval_sha
        and fx["detail_code"]["params"]["version"] == "2.0", json.dumps(fx))
# version 2.1 declares the fair file: the audit of 2.0 is foreign to it
lea.post(V + "/versions", {"version": "2.1", "evaluation_sha256": fair_sha, "training_asset_id": asset})
t.check("risk-4.8", state(gate("launch", "2.1"), "fairness") == "foreign")
r = rita.post("/api/v1/analyses/fairness", {"spec": fspec, "data": fair, "system": "credit-scoring-v2", "version": "2.1"})
fair_audit = r.json
t.check("risk-4.9", state(gate("launch", "2.1"), "fairness") == "met" and fair_audit["verdict"] == "pass", r.body[:200])
write_sql("UPDATE analysis SET created_at = ? WHERE id = ?",
          ((datetime.now(timezone.utc) - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ"), fair_audit["id"]))
g = gate("launch", "2.1")
t.check("risk-4.10", state(g, "fairness") == "stale" and "100 days" in [x for x in g["requirements"] if x["id"] == "fairness"][0]["detail"], json.dumps(g)[:400])
fx = [x for x in g["requirements"] if x["id"] == "fairness"][0]
t.check("risk-4.10.1", fx["detail_code"] == {"code": "evidence_too_old", "params": {"kind": "fairness", "evidence_id": fx["evidence_id"],
                                                                                 "days": 100, "max_days": 90}}, json.dumps(fx))
# evidence of another system never counts; a stale input hash is refused
other = a.post("/api/v1/systems", {"name": "other-model", "title": "Other", "initiative_id": other_ini,
                                   "risk_tier": "minimal", "tier_reason": "internal"}).json
a.post("/api/v1/systems/other-model/versions", {"version": "1"})
before = srv.snapshot()
t.status("risk-4.11", a.post("/api/v1/systems/other-model/evidence", {"analysis_id": fair_audit["id"]}), 409, "foreign_evidence")
t.status("risk-4.12", lea.post(V + "/evidence", {"analysis_id": fair_audit["id"], "version": "2.1",
                                                 "input_hash": "0" * 64}), 409, "stale_hash")
t.status("risk-4.13", lea.post(V + "/evidence", {"analysis_id": 99999, "version": "2.1"}), 400, "invalid", "analysis_id")
t.status("risk-4.14", lea.post(V + "/evidence", {"analysis_id": fair_audit["id"], "version": "9.9"}), 400, "invalid", "version")
t.status("risk-4.15", rita.post("/api/v1/analyses/fairness", {"spec": fspec, "data": fair, "system": "no-such"}), 400, "invalid", "system")
t.check("risk-4.16", srv.snapshot() == before, "refused evidence changed the database")

# documents: a named risk officer attests through their own account
D = {"version": "2.1", "kind": "monitoring", "title": "Monitoring runbook", "reference": "RB-7",
     "reviewer_id": ids["rita@r.example#account"]}
t.status("risk-5.1", lea.post(V + "/evidence", dict(D, reviewer_id=ids["lea@r.example#account"])), 422, "not_risk_officer")
t.status("risk-5.2", lea.post(V + "/evidence", dict(D, kind="vibes")), 400, "invalid", "kind")
r = lea.post(V + "/evidence", D)
t.status("risk-5.3", r, 201)
doc = r.json["id"]
t.check("risk-5.4", state(gate("launch", "2.1"), "monitoring") == "missing")
t.status("risk-5.5", lea.post("/api/v1/evidence/%d/attest" % doc), 403, "forbidden")
r2 = a.post("/api/v1/accounts", {"email": "rob@r.example", "name": "Rob", "role": "risk", "password": "password-123"})
rob = srv.client(); rob.login("rob@r.example", "password-123")
t.status("risk-5.6", rob.post("/api/v1/evidence/%d/attest" % doc), 403, "not_reviewer")
t.status("risk-5.7", rita.post("/api/v1/evidence/%d/attest" % doc), 200)
t.status("risk-5.8", rita.post("/api/v1/evidence/%d/attest" % doc), 409, "already_attested")
t.check("risk-5.9", state(gate("launch", "2.1"), "monitoring") == "met")
# the A/B requirement: an exemption document counts instead
t.check("risk-5.10", state(gate("launch", "2.1"), "ab_test") == "missing")
r = lea.post(V + "/evidence", dict(D, kind="ab_exemption", title="No A/B: regulator-approved champion/challenger", reference="EX-1"))
rita.post("/api/v1/evidence/%d/attest" % r.json["id"])
g = gate("launch", "2.1")
t.check("risk-5.11", state(g, "ab_test") == "met" and [x for x in g["requirements"] if x["id"] == "ab_test"][0]["detail"].startswith("exempt"), json.dumps(g)[:300])
ab = [x for x in g["requirements"] if x["id"] == "ab_test"][0]["detail_code"]
t.check("risk-5.11.1", ab["code"] == "exempt" and ab["params"]["detail"]["code"] == "attested"
        and ab["params"]["detail"]["params"]["reference"] == "EX-1" and ab["params"]["detail"]["params"]["kind"] == "ab_exemption"
        and ab["params"]["detail"]["params"]["reviewer"] == "Rita Risk", json.dumps(ab))
# the switch test must be at most 30 days old
r = lea.post(V + "/evidence", dict(D, kind="switch_test", title="Switch flipped to fallback in staging"))
rita.post("/api/v1/evidence/%d/attest" % r.json["id"])
t.check("risk-5.12", state(gate("launch", "2.1"), "switch_test") == "met")
write_sql("UPDATE evidence SET attested_at = '2020-01-01T00:00:00Z' WHERE id = ?", (r.json["id"],))
t.check("risk-5.13", state(gate("launch", "2.1"), "switch_test") == "stale")

# ---- risk-6: overrides and their expiry ----
future = (date.today() + timedelta(days=30)).isoformat()
before = srv.snapshot()
t.status("risk-6.1", lea.post(V + "/overrides", {"stage": "launch", "reason": "go live for the pilot", "expires_at": future}), 403, "forbidden")
t.status("risk-6.2", ceo.post(V + "/overrides", {"stage": "launch", "reason": "short", "expires_at": future}), 400, "invalid", "reason")
t.status("risk-6.3", ceo.post(V + "/overrides", {"stage": "launch", "reason": "pilot in one branch", "expires_at": "2020-01-01"}), 400, "invalid", "expires_at")
t.status("risk-6.4", ceo.post(V + "/overrides", {"stage": "launch", "reason": "pilot in one branch", "expires_at": "soon"}), 400, "invalid", "expires_at")
t.status("risk-6.5", ceo.post(V + "/overrides", {"stage": "moon", "reason": "pilot in one branch", "expires_at": future}), 400, "invalid", "stage")
t.check("risk-6.6", srv.snapshot() == before)
r = ceo.post(V + "/overrides", {"stage": "launch", "reason": "pilot in one branch while the audit is redone", "expires_at": future})
t.status("risk-6.7", r, 200)
g = gate("launch", "2.1")
t.check("risk-6.8", g["verdict"] == "overridden" and g["override"]["reason"].startswith("pilot") and not g["override"]["expired"], json.dumps(g)[:300])
audit = a.get("/api/v1/audit?entity=gate_override").json
t.check("risk-6.9", any(x.get("entity") == "gate_override" for x in audit.get("items", [])), json.dumps(audit)[:300])
r = lea.post(V + "/transition", {"to": "launch", "reason": "under the override", "version": "2.0"})
t.check("risk-6.11", r.status == 200 and r.json["history"][0]["verdict"] == "overridden" and r.json["history"][0]["override_id"] == g["override"]["id"], r.body[:400])
write_sql("UPDATE gate_override SET expires_at = '2020-01-01T00:00:00Z'")
g = gate("launch", "2.1")
t.check("risk-6.10", g["verdict"] == "refuse" and g["override"]["expired"] is True, json.dumps(g)[:300])

# ---- risk-7: the prohibited tier and a suspending ethics review block every gate ----
a.post("/api/v1/systems", {"name": "social-score", "title": "Social scoring", "initiative_id": other_ini,
                           "risk_tier": "prohibited", "tier_reason": "social scoring of citizens"})
a.post("/api/v1/systems/social-score/versions", {"version": "0.1"})
g = vic.get("/api/v1/systems/social-score/gates/training").json
t.check("risk-7.1", g["verdict"] == "refuse" and state(g, "risk_tier") == "failing", json.dumps(g)[:300])
ceo.post("/api/v1/systems/social-score/overrides", {"stage": "training", "reason": "we really want it", "expires_at": future})
t.check("risk-7.2", vic.get("/api/v1/systems/social-score/gates/training").json["verdict"] == "refuse", "prohibited is not overridable")
t.status("risk-7.3", a.post("/api/v1/systems/social-score/transition", {"to": "training", "reason": "x"}), 409, "gate_refused")
today = date.today().isoformat()
t.status("risk-7.4", vic.post(V + "/ethics-reviews", {"board": "Ethics board", "held_on": today, "decision": "suspend"}), 403, "forbidden")
t.status("risk-7.5", rita.post(V + "/ethics-reviews", {"board": "Ethics board", "held_on": "2999-01-01", "decision": "suspend"}), 400, "invalid", "held_on")
t.status("risk-7.6", rita.post(V + "/ethics-reviews", {"board": "Ethics board", "held_on": today, "decision": "pause"}), 400, "invalid", "decision")
t.status("risk-7.7", rita.post(V + "/ethics-reviews", {"board": "Ethics board", "held_on": today, "decision": "continue_with_conditions"}), 400, "invalid", "conditions")
r = rita.post(V + "/ethics-reviews", {"board": "Ethics board", "held_on": today, "decision": "suspend",
                                      "findings": "group B rejected at twice the rate"})
t.status("risk-7.8", r, 201)
for stage in ["training", "pre_launch", "launch", "operating", "retired"]:
    g = gate(stage, "2.1")
    t.check("risk-7.9 " + stage, g["verdict"] == "refuse" and state(g, "ethics_suspension") == "failing", json.dumps(g)[:200])
rita.post(V + "/ethics-reviews", {"board": "Ethics board", "held_on": today, "decision": "continue_with_conditions",
                                  "conditions": "monthly fairness audit"})
t.check("risk-7.10", state(gate("launch", "2.1"), "ethics_suspension") is None, "a later review lifts the suspension")

# ---- risk-8: ethics review schedule ----
rita.post("/api/v1/systems/other-model/ethics-reviews", {"board": "Ethics board", "held_on": "2024-01-15", "decision": "continue"})
r = vic.get("/api/v1/ethics-reviews")
sched = {x["system"]: x for x in r.json["items"]}
t.check("risk-8.1", sched["other-model"]["overdue"] is True and sched["other-model"]["due_on"] == "2025-01-15"
        and sched["credit-scoring-v2"]["overdue"] is False and sched["credit-scoring-v2"]["interval_months"] == 6, r.body[:400])
t.check("risk-8.2", any(f["code"] == "review_overdue" and f["system"] == "other-model" for f in r.json["findings"]))
t.status("risk-8.3", a.request("PUT", "/api/v1/ethics-reviews/intervals", {"minimal": 0}), 400, "invalid", "minimal")
t.status("risk-8.4", a.request("PUT", "/api/v1/ethics-reviews/intervals", {"severe": 3}), 400, "invalid", "severe")
r = a.request("PUT", "/api/v1/ethics-reviews/intervals", {"minimal": 36})
t.check("risk-8.5", r.status == 200 and [x for x in r.json["items"] if x["system"] == "other-model"][0]["due_on"] == "2027-01-15", r.body[:300])
t.check("risk-8.6", state(vic.get("/api/v1/systems/other-model/gates/operating").json, "ethics_review") == "met")

# ---- risk-9: gates as data ----
r = vic.get("/api/v1/gates")
stages = [x["stage"] for x in r.json["items"]]
t.check("risk-9.1", stages[:6] == ["data_collection", "training", "pre_launch", "launch", "operating", "retired"]
        and "initiative_pilot" in stages and all(x["version"] == 0 for x in r.json["items"]), r.body[:300])
before = srv.snapshot()
t.status("risk-9.2", a.request("PUT", "/api/v1/gates/launch", {"requirements": [{"id": "x", "evidence_kind": "horoscope"}]}), 400, "invalid", "requirements[0]")
t.status("risk-9.3", a.request("PUT", "/api/v1/gates/launch", {"requirements": [{"id": "x", "evidence_kind": "fairness"}, {"id": "x", "evidence_kind": "explain"}]}), 400, "invalid", "requirements[1]")
t.status("risk-9.4", a.request("PUT", "/api/v1/gates/launch", {"requirements": [{"id": "x", "evidence_kind": "fairness", "max_age_days": 0}]}), 400, "invalid", "requirements[0]")
t.status("risk-9.5", a.request("PUT", "/api/v1/gates/launch", {"requirements": [{"id": "x", "evidence_kind": "fairness", "when": ["tuesdays"]}]}), 400, "invalid", "requirements[0]")
t.status("risk-9.6", a.request("PUT", "/api/v1/gates/nowhere", {"requirements": []}), 400, "invalid", "stage")
t.status("risk-9.7", lea.request("PUT", "/api/v1/gates/launch", {"requirements": []}), 403, "forbidden")
t.check("risk-9.8", srv.snapshot() == before)
r = a.request("PUT", "/api/v1/gates/launch", {"requirements": [
    {"id": "fairness", "evidence_kind": "fairness", "verdict": "pass", "max_age_days": 365, "when": ["automated_decisions"]}],
    "note": "a year for the pilot"})
t.check("risk-9.9", r.status == 200 and r.json["version"] == 1 and len(r.json["versions"]) == 1, r.body[:300])
g = gate("launch", "2.1")
t.check("risk-9.10", g["gate_version"] == 1 and [x["id"] for x in g["requirements"]] == ["fairness"] and g["verdict"] == "pass", json.dumps(g)[:400])

# ---- risk-10: an initiative's moves pass its team and its systems' gates ----
obj = a.post("/api/v1/objectives", {"title": "Lower credit losses", "pain_point": "risk"}).json["id"]
kpi = a.post("/api/v1/kpis", {"objective_id": obj, "name": "Default rate", "unit": "%", "direction": "down",
                              "baseline": 3, "target": 2, "target_period": "2027Q4"}).json
a.post("/api/v1/initiatives/%d/links" % ini, {"kpi_id": kpi["id"], "expected_impact": -0.5, "impact_period": "2027Q4"})
# its credit model is of the high tier: the risk officer signs the charter too (issue 21)
a.patch("/api/v1/initiatives/%d" % ini, {"risk_officer_id": ids["rita@r.example"]})
for who, role in [(ceo, "sponsor"), (olga, "owner"), (lea, "ai_lead"), (rita, "risk_officer")]:
    who.post("/api/v1/initiatives/%d/signoffs" % ini, {"role": role})
olga.post("/api/v1/initiatives/%d/transition" % ini, {"to": "assessed", "reason": "case made"})
t.status("risk-10.1", ceo.post("/api/v1/initiatives/%d/transition" % ini, {"to": "approved", "reason": "go"}), 200)
before = srv.snapshot()
r = olga.post("/api/v1/initiatives/%d/transition" % ini, {"to": "pilot", "reason": "start"})
t.status("risk-10.2", r, 409, "gate_refused")
rq = {(x.get("system"), x["id"]): x for x in r.error().get("requirements", [])}
t.check("risk-10.3", rq.get((None, "team"), {}).get("state") == "missing" and "product_manager" in rq[(None, "team")]["detail"]
        and rq.get(("credit-scoring-v2", "impact_assessment"), {}).get("state") == "foreign", r.body[:800])
team = rq.get((None, "team"), {})
lacks = team.get("detail_code", {}).get("params", {}).get("roles", [])
t.check("risk-10.3.1", team.get("detail_code", {}).get("code") == "team_lacks" and "product_manager" in lacks
        and team["detail"] == "the team lacks: " + ", ".join(lacks), json.dumps(team))
t.check("risk-10.3.2", r.error().get("params") == {"from": "approved", "to": "pilot"}, r.body[:300])
ok, why = srv.only_actions_added(before)
t.check("risk-10.4", ok and r.error().get("action_id"), (why, r.body[:300]))
for email, skill in [("olga@r.example", "business_expert"), ("lea@r.example", "ml_engineer"), ("pat@r.example", "product_manager")]:
    a.post("/api/v1/initiatives/%d/team" % ini, {"person_id": P(email), "skill": skill, "fte": 0.2})
r = vic.get("/api/v1/initiatives/%d/systems" % ini)
ng = r.json["next_gate"]
t.check("risk-10.5", r.status == 200 and ng["stage"] == "pilot" and ng["verdict"] == "refuse"
        and [s["name"] for s in r.json["systems"]] == ["credit-scoring-v2"], r.body[:400])
t.status("risk-10.6", olga.post("/api/v1/initiatives/%d/overrides" % ini, {"stage": "pilot", "reason": "the committee waives it", "expires_at": future}), 403, "forbidden")
r = ceo.post("/api/v1/initiatives/%d/overrides" % ini, {"stage": "pilot", "reason": "pilot in one branch, audit due next month", "expires_at": future})
t.check("risk-10.7", r.status == 200 and r.json["next_gate"]["verdict"] == "overridden", r.body[:400])
t.status("risk-10.8", olga.post("/api/v1/initiatives/%d/transition" % ini, {"to": "pilot", "reason": "start"}), 200)

# ---- risk-11: the risk register and its heatmap ----
R = {"title": "Rejects good customers of group B", "system_id": other["id"], "category": "bias_ethics",
     "likelihood": 4, "impact": 5, "status": "open"}
before = srv.snapshot()
t.status("risk-11.1", rita.post("/api/v1/risks", dict(R, likelihood=6)), 400, "invalid", "likelihood")
t.status("risk-11.2", rita.post("/api/v1/risks", dict(R, category="gremlins")), 400, "invalid", "category")
t.status("risk-11.3", rita.post("/api/v1/risks", dict(R, residual_impact=5, residual_likelihood=5)), 400, "invalid", "residual_likelihood")
t.status("risk-11.4", rita.post("/api/v1/risks", {k: v for k, v in R.items() if k != "system_id"}), 400, "invalid", "initiative_id")
t.status("risk-11.5", olga.post("/api/v1/risks", R), 403, "not_owner")
t.status("risk-11.6", lea.post("/api/v1/risks", R), 403, "forbidden")
t.check("risk-11.7", srv.snapshot() == before)
r1 = rita.post("/api/v1/risks", dict(R, residual_likelihood=2, residual_impact=4, mitigation="re-weight group B",
                                    due_date="2025-01-31", owner_id=P("olga@r.example")))
t.status("risk-11.8", r1, 201)
t.check("risk-11.9", r1.json["score"] == 20 and r1.json["residual_score"] == 8 and r1.json["overdue"] is True, r1.body)
r2 = olga.post("/api/v1/risks", {"title": "Consent scope of loan data", "initiative_id": ini, "category": "privacy",
                                 "likelihood": 2, "impact": 4, "status": "mitigating", "due_date": "2999-01-01"})
t.status("risk-11.10", r2, 201)
rita.post("/api/v1/risks", {"title": "Closed one", "initiative_id": ini, "category": "security", "likelihood": 5,
                            "impact": 5, "status": "closed", "due_date": "2020-01-01"})
h = vic.get("/api/v1/risks/heatmap").json
t.check("risk-11.11", h["total"] == 2 and h["inherent"][3][4]["count"] == 1 and h["inherent"][3][4]["ids"] == [r1.json["id"]]
        and h["inherent"][1][3]["count"] == 1 and h["residual"][1][3]["count"] == 2
        and sum(c["count"] for row in h["inherent"] for c in row) == 2, json.dumps(h)[:600])
t.check("risk-11.12", [f["risk_id"] for f in h["findings"]] == [r1.json["id"]] and h["findings"][0]["severity"] == "critical")
mc = h["findings"][0]["message_code"]
t.check("risk-11.12.1", mc == {"code": "mitigation_overdue", "params": {"risk_id": r1.json["id"], "title": R["title"], "due": "2025-01-31",
                                                                        "owner": mc["params"].get("owner")}}
        and mc["params"]["owner"] and mc["params"]["owner"] in h["findings"][0]["message"], h["findings"])
t.status("risk-11.13", rita.patch("/api/v1/risks/%d" % r1.json["id"], {"residual_likelihood": 5}), 400, "invalid", "residual_likelihood")
t.status("risk-11.14", rita.patch("/api/v1/risks/%d" % r1.json["id"], {"status": "closed"}), 200)
t.check("risk-11.15", vic.get("/api/v1/risks/heatmap").json["findings"] == [])
t.check("risk-11.16", vic.get("/api/v1/risks?category=privacy").json["total"] == 1)

# ---- risk-12: the drift analysis, kept like the others, equal to keel drift ----
d = tempfile.mkdtemp()
ref = "x,c\n" + "".join("%.3f,%s\n" % (rnd.gauss(0, 1), "ab"[i % 2]) for i in range(500))
cur = "x,c\n" + "".join("%.3f,%s\n" % (rnd.gauss(0.8, 1), "ab"[i % 3 == 0]) for i in range(500))
for name, text in [("ref.csv", ref), ("cur.csv", cur)]:
    with open(os.path.join(d, name), "w") as f:
        f.write(text)
r = lea.post("/api/v1/analyses/drift", {"reference": ref, "data": cur, "system": "other-model", "title": "monthly drift"})
t.status("risk-12.1", r, 201)
p = subprocess.run([KEEL, "drift", "--json", os.path.join(d, "ref.csv"), os.path.join(d, "cur.csv")], capture_output=True, text=True)
cli = json.loads(p.stdout) if p.stdout else None
t.check("risk-12.2", r.json["kind"] == "drift" and r.json["verdict"] == "drift" and cli is not None
        and r.json["result"]["columns"] == cli["columns"], "%s %s" % (r.body[:300], p.stdout[:300]))
t.check("risk-12.3", r.json["data_sha256"] == hashlib.sha256(cur.encode()).hexdigest())
t.status("risk-12.4", lea.post("/api/v1/analyses/drift", {"data": cur}), 400, "invalid", "reference")
t.status("risk-12.5", lea.post("/api/v1/analyses/drift", {"reference": ref, "data": cur, "spec": {"segment": "nope"}}), 400, "invalid")
t.status("risk-12.6", vic.post("/api/v1/analyses/drift", {"reference": ref, "data": cur}), 403, "forbidden")
# owners read the analyses of their own initiatives only
t.status("risk-12.7", olga.get("/api/v1/analyses/%d" % fair_audit["id"]), 200)
t.status("risk-12.8", otto.get("/api/v1/analyses/%d" % fair_audit["id"]), 403, "not_owner")

srv.stop()
t.done()
