# SPDX-License-Identifier: GPL-3.0-or-later
"""Compliance as data (issue 25), numbered comp-N.M: which obligations apply
to a system and why (each citing its article), what a change of flags
would add or remove (nothing saved), the gate requirements the law adds,
the calendar with Chinese working days (a launch before the National Day
week, hand-counted), incidents and the EU's 15 days, deadlines done by
evidence, the iCalendar feed with ?token= (calendar:read; the token never
in the log), the Statement of Applicability, `keel calendar`, rule-pack
directories refused with the file and JSON path, the notification of a
due deadline, role rows."""
import json
import os
import subprocess
from datetime import date, datetime, timedelta, timezone
from keeltest import Server, Cases, KEEL, bearer

t = Cases()
srv = Server()
a = srv.admin()
ids, c = {}, {}
for name, email, role in [("Olga Owner", "olga@c.example", "owner"), ("Rita Risk", "rita@c.example", "risk"),
                          ("Vic Viewer", "vic@c.example", "viewer")]:
    p = a.post("/api/v1/people", {"name": name, "email": email})
    ids[email] = p.json["id"]
    r = a.post("/api/v1/accounts", {"email": email, "name": name, "role": role, "password": "password-123",
                                    "person_id": p.json["id"]})
    assert r.status == 201, r.body
    c[email] = srv.client()
    c[email].login(email, "password-123")
olga, rita, vic = c["olga@c.example"], c["rita@c.example"], c["vic@c.example"]
ini = a.post("/api/v1/initiatives", {"title": "Credit", "owner_id": ids["olga@c.example"]}).json["id"]
credit = {"name": "credit", "title": "Credit scoring", "initiative_id": ini, "risk_tier": "high",
          "tier_reason": "creditworthiness", "personal_data": True, "automated_decisions": True,
          "jurisdictions": ["eu", "cn"], "eu_role": "provider", "annex_iii_area": "credit"}
t.status("comp-0.1", olga.post("/api/v1/systems", credit), 201)
t.status("comp-0.2", olga.post("/api/v1/systems", dict(credit, name="bad", jurisdictions=["mars"])), 400, "invalid",
         "jurisdictions")


def obligations(name):
    r = vic.get("/api/v1/systems/%s/obligations" % name)
    assert r.status == 200, r.body
    return {o["id"]: o for o in r.json["obligations"]}


# ---- comp-1: what applies and why ------------------------------------------------------
ob = obligations("credit")
for oid, article in [("eu.art9", "Art. 9"), ("eu.art10", "Art. 10(2)(f)-(g)"), ("eu.art11", "Art. 11, Annex IV"),
                     ("eu.art14", "Art. 14"), ("eu.art49", "Art. 49(1)"), ("eu.art72", "Art. 72"),
                     ("cn.pipl13", "PIPL Art. 13"), ("cn.pipl24", "PIPL Art. 24"), ("cn.pipl55", "PIPL Art. 55-56"),
                     ("nist.ms2.11", "MEASURE 2.11")]:
    t.check("comp-1.1 " + oid, oid in ob and ob[oid]["article"] == article and article in ob[oid]["source"],
            str(ob.get(oid))[:300])
for oid in ["eu.art26", "eu.art27", "eu.art50", "cn.algo24", "cn.label", "cn.genai.filing", "cn.pipl29", "iso.A.2.2"]:
    t.check("comp-1.2 not " + oid, oid not in ob, oid)
t.check("comp-1.3", ob["eu.art9"]["why"] == ["jurisdictions include eu", "risk_tier is high", "eu_role is provider"],
        ob["eu.art9"]["why"])
t.check("comp-1.4", ob["cn.pipl55"]["why"] == ["jurisdictions include cn", "automated_decisions is true"],
        ob["cn.pipl55"]["why"])
t.check("comp-1.5", ob["eu.art9"]["status"] == "missing" and "version" in ob["eu.art9"]["detail"], ob["eu.art9"])
# the detail also as a code with its values (docs/api.md#sentences)
t.check("comp-1.5.1", ob["eu.art9"]["detail_code"] == {"code": "no_version_yet", "params": {}}, ob["eu.art9"])
t.check("comp-1.6", ob["eu.art9"]["title"]["zh-CN"] and ob["cn.algo24" if "cn.algo24" in ob else "cn.pipl13"]["verified"] in (True, False))

# what does not apply, and why not: the condition that fails, in the flag's words
na = {x["id"]: x for x in vic.get("/api/v1/systems/credit/obligations").json["not_applicable"]}
t.check("comp-1.7", na["eu.art26"]["why_not"] == ["eu_role is not one of deployer, both"]
        and na["eu.art26"]["source"] == "EU AI Act Art. 26" and "cn.pipl29" in na and "eu.art9" not in na, str(na)[:600])
t.check("comp-1.8", "sensitive_data is false" in na["cn.pipl29"]["why_not"]
        and not any(k.startswith("iso.") for k in na), str(na.get("cn.pipl29")))

# ---- comp-2: a change of flags, previewed, changes nothing ------------------------------
before = srv.snapshot()
r = olga.post("/api/v1/systems/credit/obligations/preview", {"eu_role": "deployer"})
t.status("comp-2.1", r, 200)
appear = {x["id"] for x in r.json["appear"]}
gone = {x["id"] for x in r.json["disappear"]}
t.check("comp-2.2", {"eu.art26", "eu.art27"} <= appear and {"eu.art9", "eu.art11", "eu.art49", "eu.art72"} <= gone
        and "eu.art14" in r.json["stay"], r.body[:600])
r = olga.post("/api/v1/systems/credit/obligations/preview", {"jurisdictions": ["eu"]})
t.check("comp-2.3", r.status == 200 and {x["id"] for x in r.json["disappear"]} >= {"cn.pipl13", "cn.pipl24"}
        and not r.json["appear"], r.body[:400])
t.status("comp-2.4", olga.post("/api/v1/systems/credit/obligations/preview", {"risk_tier": "severe"}), 400, "invalid",
         "risk_tier")
t.status("comp-2.5", vic.post("/api/v1/systems/credit/obligations/preview", {"eu_role": "deployer"}), 403)
t.check("comp-2.6", srv.snapshot() == before, "a preview changed the database")

# ---- comp-3: the law adds gate requirements ----------------------------------------------------
t.status("comp-3.1", olga.post("/api/v1/systems/credit/versions", {"version": "1.0"}), 201)
r = vic.get("/api/v1/systems/credit/gates/launch")
reqs = {x["id"]: x for x in r.json["requirements"]}
t.check("comp-3.2", "eu.art11" in reqs and reqs["eu.art11"]["state"] == "missing"
        and reqs["eu.art11"]["source"] == "EU AI Act Art. 11, Annex IV" and "eu.art49" in reqs, list(reqs))
# the obligation's title in each language next to the English label, and the
# detail as a code with its values (docs/api.md#sentences)
a11 = reqs.get("eu.art11", {})
t.check("comp-3.2.1", a11.get("title", {}).get("en") == a11.get("label") and a11["title"].get("zh-CN")
        and a11.get("detail_code") == {"code": "no_evidence", "params": {"kind": a11["evidence_kind"], "version": "1.0"}}
        and a11["detail"] == "no %s on record for version 1.0" % a11["evidence_kind"], a11)
fair = reqs.get("fairness") or {}
t.check("comp-3.3", "eu.art10" in fair.get("obligations", []) and "cn.pipl24" in fair.get("obligations", []),
        str(fair)[:300])
t.check("comp-3.4", r.json["verdict"] == "refuse")
r = vic.get("/api/v1/systems/credit/gates/pre_launch")
t.check("comp-3.5", "eu.art9" not in {x["id"] for x in r.json["requirements"]}
        and "eu.art9" in (({x["id"]: x for x in r.json["requirements"]}.get("impact_assessment") or {}).get("obligations") or []),
        r.body[:500])

# ---- comp-4: the calendar: a filing counted in Chinese working days ------------------------------
bot = {"name": "bot", "title": "Shopping assistant", "initiative_id": ini, "risk_tier": "limited",
       "tier_reason": "chat", "public_facing": True, "generative": True, "model_source": "third_party",
       "public_opinion": True, "algorithm_types": ["generative_synthesis"], "jurisdictions": ["cn"]}
t.status("comp-4.1", olga.post("/api/v1/systems", bot), 201)
t.status("comp-4.2", olga.post("/api/v1/systems/bot/versions", {"version": "1"}), 201)
sid = srv.sql("SELECT id FROM ai_system WHERE name = 'bot'")[0][0]
vid = srv.sql("SELECT id FROM system_version WHERE system_id = ?", (sid,))[0][0]
# launched on Monday 2026-09-28, two days before the National Day week
srv.write_sql("INSERT INTO system_stage_change(system_id, version_id, from_stage, to_stage, reason, verdict, actor, "
              "created_at) VALUES(%d, %d, 'pre_launch', 'launch', 'go', 'pass', 'test', '2026-09-28T09:00:00Z')"
              % (sid, vid))
r = vic.get("/api/v1/compliance/calendar")
t.status("comp-4.3", r, 200)
items = {(x["system"], x["obligation"]): x for x in r.json["items"]}
filing = items.get(("bot", "cn.algo24"))
# Sep 29, 30; Oct 1-7 off; Oct 8, 9; Sat Oct 10 works; Oct 12..16 -> 10th working day Oct 16
t.check("comp-4.4", filing and filing["due"] == "2026-10-16" and filing["event_on"] == "2026-09-28"
        and "working days" in filing["reason"] and filing["source"].startswith("算法推荐管理规定"), str(filing))
today = date.today().isoformat()
t.check("comp-4.5", filing and filing["overdue"] == (today > "2026-10-16"), str(filing))
t.check("comp-4.6", ("bot", "cn.genai.registration") not in items and ("credit", "cn.algo24") not in items)
dues = [x["due"] for x in r.json["items"] if x["due"]]
t.check("comp-4.7", dues == sorted(dues), dues)
# the change clock: a change recorded today (10 working days ahead, or no date when that runs into a year without a table)
before = srv.snapshot()
t.status("comp-4.8", olga.post("/api/v1/systems/bot/compliance-events", {"kind": "rename", "occurred_on": today,
                                                                      "description": "x"}), 400, "invalid", "kind")
t.status("comp-4.9", olga.post("/api/v1/systems/bot/compliance-events", {"kind": "change", "occurred_on": "2026-02-30",
                                                                      "description": "x"}), 400, "invalid", "occurred_on")
t.status("comp-4.10", vic.post("/api/v1/systems/bot/compliance-events", {"kind": "change", "occurred_on": today,
                                                                      "description": "x"}), 403)
t.check("comp-4.11", srv.snapshot() == before, "a refused event changed the database")
t.status("comp-4.12", olga.post("/api/v1/systems/bot/compliance-events",
                                {"kind": "change", "occurred_on": "2026-12-24", "description": "new ranking model"}), 201)
ch = {(x["system"], x["obligation"]): x for x in vic.get("/api/v1/compliance/calendar").json["items"]}.get(("bot", "cn.algo24.change"))
# Dec 25, 28, 29, 30, 31 are five working days; the sixth falls in 2027, which has no table
t.check("comp-4.13", ch and ch["due"] is None and "2027" in ch["reason"] and "does not guess" in ch["reason"], str(ch))

# ---- comp-5: an incident and the EU's 15 days; a deadline done by evidence -----------------
aware = (date.today() - timedelta(days=3)).isoformat()
t.status("comp-5.1", olga.post("/api/v1/systems/credit/compliance-events",
                               {"kind": "incident", "occurred_on": aware, "description": "wrong refusals"}), 201)
inc = {(x["system"], x["obligation"]): x for x in vic.get("/api/v1/compliance/calendar").json["items"]}.get(("credit", "eu.art73"))
t.check("comp-5.2", inc and inc["due"] == (date.today() + timedelta(days=12)).isoformat() and inc["overdue"] is False,
        str(inc))
r = vic.get("/api/v1/compliance/calendar?days=7")
t.check("comp-5.3", r.status == 200 and ("credit", "eu.art73") not in {(x["system"], x["obligation"]) for x in r.json["items"]}
        and ("bot", "cn.algo24") in {(x["system"], x["obligation"]) for x in r.json["items"]}, r.body[:300])
t.status("comp-5.4", vic.get("/api/v1/compliance/calendar?days=-1"), 400, "invalid", "days")
rid = ids["rita@c.example"]
rita_acct = srv.sql("SELECT id FROM account WHERE email = 'rita@c.example'")[0][0]
r = olga.post("/api/v1/systems/bot/evidence", {"version": "1", "kind": "filing", "title": "算法备案",
                                                "reference": "网信算备 110108XXXX", "reviewer_id": rita_acct})
t.status("comp-5.5", r, 201)
items = {(x["system"], x["obligation"]) for x in vic.get("/api/v1/compliance/calendar").json["items"]}
t.check("comp-5.6", ("bot", "cn.algo24") not in items, "a filing recorded after the launch did not close the deadline")

# ---- comp-6: the iCalendar feed --------------------------------------------------------------------------------------
tok = a.post("/api/v1/tokens", {"name": "calendar", "scope": "calendar:read"}).json["token"]
r = srv.client().get("/api/v1/calendar.ics?token=" + tok)
t.check("comp-6.1", r.status == 200 and (r.header("Content-Type") or "").startswith("text/calendar")
        and r.body.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in r.body
        and "DTSTART;VALUE=DATE:%s" % (date.today() + timedelta(days=12)).strftime("%Y%m%d") in r.body, r.body[:400])
t.check("comp-6.2", all(len(l.encode()) <= 75 for l in r.body.split("\r\n")), "a line longer than 75 octets")
t.status("comp-6.3", srv.client().get("/api/v1/calendar.ics?token=kt_not_a_token"), 401)
t.status("comp-6.4", srv.client().get("/api/v1/compliance/calendar?token=" + tok), 401)
t.status("comp-6.5", bearer(srv.port, tok).get("/api/v1/units"), 403, "forbidden")
t.status("comp-6.6", bearer(srv.port, tok).get("/api/v1/calendar.ics"), 200)
t.status("comp-6.7", vic.get("/api/v1/calendar.ics"), 200)
srv.log.flush()
srv.log.seek(0)
t.check("comp-6.8", tok not in srv.log.read(), "the token reached the server log")

# ---- comp-7: the Statement of Applicability ------------------------------------------------------------------------------------
r = vic.get("/api/v1/compliance/soa")
t.check("comp-7.1", r.status == 200 and r.json["counts"]["controls"] == 38 and r.json["counts"]["decided"] == 0, r.body[:300])
before = srv.snapshot()
t.status("comp-7.2", rita.request("PUT", "/api/v1/compliance/soa", {"control": "A.99", "included": True, "justification": "x"}), 404)
t.status("comp-7.3", rita.request("PUT", "/api/v1/compliance/soa", {"control": "A.6.2.4", "included": True}), 400, "invalid",
         "justification")
t.status("comp-7.4", olga.request("PUT", "/api/v1/compliance/soa", {"control": "A.6.2.4", "included": True, "justification": "x"}), 403)
t.check("comp-7.5", srv.snapshot() == before, "a refused SoA decision changed the database")
r = rita.request("PUT", "/api/v1/compliance/soa", {"control": "A.6.2.4", "included": True, "justification": "we validate models"})
ctl = {x["control"]: x for x in r.json["controls"]}["A.6.2.4"] if r.status == 200 else {}
t.check("comp-7.6", r.status == 200 and ctl["decision"]["included"] is True
        and "how it is implemented" in ctl["missing"] and r.json["counts"]["decided"] == 1, r.body[:400])
r = rita.request("PUT", "/api/v1/compliance/soa", {"control": "A.10.4", "included": False, "justification": "no customers use our AI"})
t.check("comp-7.7", r.status == 200 and {x["control"]: x for x in r.json["controls"]}["A.10.4"]["missing"] == []
        and r.json["counts"]["decided"] == 2 and r.json["counts"]["included"] == 1, r.body[:300])

# ---- comp-8: the overview, the packs, the CLI ------------------------------------------------------------------------------------
r = vic.get("/api/v1/compliance/overview")
rows = {x["system"]: x for x in r.json["systems"]} if r.status == 200 else {}
t.check("comp-8.1", r.status == 200 and set(rows) == {"credit", "bot"} and rows["credit"]["packs"]["eu_ai_act"]["total"] > 5
        and r.json["soa"]["decided"] == 2, r.body[:400])
r = vic.get("/api/v1/compliance/packs")
t.check("comp-8.2", r.status == 200 and {p["pack"] for p in r.json["packs"]} == {"eu_ai_act", "iso42001", "nist_ai_rmf", "china"}
        and r.json["calendar"]["years"] == ["2025", "2026"], r.body[:300])
p = subprocess.run([KEEL, "calendar", "--db", srv.db, "--json"], capture_output=True, text=True)
j = json.loads(p.stdout) if p.returncode == 0 else {}
t.check("comp-8.3", p.returncode == 0 and set(j) == {"items"} and all(
    {"id", "system", "obligation", "source", "due", "overdue", "reason"} <= set(x) for x in j["items"]), p.stderr + p.stdout[:300])
p = subprocess.run([KEEL, "calendar", "--db", srv.db], capture_output=True, text=True)
t.check("comp-8.4", p.returncode == 0 and "eu.art73" in p.stdout, p.stdout[:400])
p = subprocess.run([KEEL, "obligations", "--db", srv.db, "--system", "credit"], capture_output=True, text=True)
t.check("comp-8.5", p.returncode == 0 and "why: jurisdictions include eu; risk_tier is high" in p.stdout, p.stdout[:300])

# ---- comp-9: rule-pack directories ---------------------------------------------------------------------------------------------
d = os.path.join(srv.dir, "rules")
os.makedirs(d)
src = os.path.join(os.environ.get("KEEL_SOURCE_DIR", "."), "data", "rules", "eu_ai_act.json")
pack = json.load(open(src))
pack["obligations"][3]["applies"] = {"all": [{"flag": "mood", "is": True}]}
json.dump(pack, open(os.path.join(d, "eu.json"), "w"))
p = subprocess.run([KEEL, "rules", "check", d], capture_output=True, text=True)
t.check("comp-9.1", p.returncode == 2 and "eu.json" in p.stderr and "obligations[3].applies.all[0].flag" in p.stderr, p.stderr)
p = subprocess.run([KEEL, "serve", "--db", srv.db, "--listen", "127.0.0.1:0", "--rules-dir", d], capture_output=True,
                   text=True, timeout=30)
t.check("comp-9.2", p.returncode == 2 and "obligations[3].applies.all[0].flag" in p.stderr, p.stderr)
pack = json.load(open(src))
pack["obligations"] = [o for o in pack["obligations"] if o["id"] != "eu.art49"]
pack["version"] = "local-test"
json.dump(pack, open(os.path.join(d, "eu.json"), "w"))
p = subprocess.run([KEEL, "rules", "check", d], capture_output=True, text=True)
t.check("comp-9.3", p.returncode == 0 and "local-test" in p.stdout, p.stdout + p.stderr)
p = subprocess.run([KEEL, "obligations", "--db", srv.db, "--system", "credit", "--json", "--rules-dir", d],
                   capture_output=True, text=True)
t.check("comp-9.4", p.returncode == 0 and "eu.art49" not in {o["id"] for o in json.loads(p.stdout)["obligations"]},
        p.stderr)

# ---- comp-10: a deadline within 7 days reaches the owner and the risk officers ----------------------------------------
# the incident report is due in 12 days: not yet; the bot's change clock has no date; move the incident back
srv.write_sql("UPDATE compliance_event SET occurred_on = '%s' WHERE kind = 'incident'"
              % (date.today() - timedelta(days=10)).isoformat())
box = [x for x in olga.get("/api/v1/inbox").json["items"] if x["kind"] == "compliance_due"]
t.check("comp-10.1", len(box) == 1 and "credit" in box[0]["title"]["en"] and box[0]["link"] == "#/risk/systems/credit",
        str(box)[:400])
t.check("comp-10.2", [x["kind"] for x in rita.get("/api/v1/inbox").json["items"]].count("compliance_due") == 1)
t.check("comp-10.3", not [x for x in vic.get("/api/v1/inbox").json["items"] if x["kind"] == "compliance_due"])

srv.stop()
t.done()
