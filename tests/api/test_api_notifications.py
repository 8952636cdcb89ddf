# SPDX-License-Identifier: GPL-3.0-or-later
"""Notifications (issue 23), numbered notif-N.M: who is told of what (a
table of recipients per kind), the inbox with read marks, items that
disappear once resolved, preferences (must-reach kinds cannot be off) and
languages, the SMTP settings (admins only), and real delivery to a local
SMTP server (python3-aiosmtpd) started here: one message per item, digests,
a recipient the server refuses, a server that is down (retried, logged, not
lost), no duplicates across runs and concurrent runners, each recipient in
their own language, and the test send with its conversation."""
import email
import email.header
import email.policy
import os
import socket
import subprocess
import threading
from datetime import datetime, timedelta, timezone
from aiosmtpd.controller import Controller
from keeltest import Server, Cases, KEEL

t = Cases()


class Sink:
    """Collects what the SMTP server accepts; refuses one mailbox."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos[:], msg))
        return "250 Message accepted for delivery"

    def take(self):
        with self.lock:
            out, self.messages = self.messages, []
        return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


sink = Sink()
smtp_port = free_port()
ctl = Controller(sink, hostname="127.0.0.1", port=smtp_port)
ctl.start()

srv = Server()
a = srv.admin()
ids, c = {}, {}
for name, email_, role in [
        ("Ceo Chair", "ceo@n.example", "committee"),
        ("Olga Owner", "olga@n.example", "owner"),
        ("Otto Other", "otto@n.example", "owner"),
        ("Lea Lead", "lea@n.example", "engineer"),
        ("Rita Risk", "rita@n.example", "risk"),
        ("Vic Viewer", "vic@n.example", "viewer"),
        ("Ron Refused", "refused@n.example", "owner")]:
    p = a.post("/api/v1/people", {"name": name, "email": email_})
    ids[email_] = p.json["id"]
    r = a.post("/api/v1/accounts", {"email": email_, "name": name, "role": role,
                                    "password": "password-123", "person_id": p.json["id"]})
    assert r.status == 201, r.body
    ids[email_ + "#account"] = r.json["id"]
    c[email_] = srv.client()
    c[email_].login(email_, "password-123")
ceo, olga, otto, lea, rita, vic, ron = (c[e] for e in [
    "ceo@n.example", "olga@n.example", "otto@n.example", "lea@n.example", "rita@n.example",
    "vic@n.example", "refused@n.example"])
P = lambda e: ids[e]

ini = a.post("/api/v1/initiatives", {"title": "Credit scoring v2", "owner_id": P("olga@n.example"),
                                     "sponsor_id": P("ceo@n.example"),
                                     "ai_lead_id": P("lea@n.example")}).json["id"]
r = olga.post("/api/v1/systems", {"name": "credit-scoring", "title": "Credit scoring",
                                  "initiative_id": ini, "risk_tier": "high",
                                  "tier_reason": "credit decisions on natural persons"})
assert r.status == 201, r.body
# registered three years ago and never reviewed: its ethics review is overdue
srv.write_sql("UPDATE ai_system SET created_at = '2023-01-01T00:00:00Z' WHERE name = 'credit-scoring'")
past = (datetime.now(timezone.utc) - timedelta(days=10)).strftime("%Y-%m-%d")
r1 = a.post("/api/v1/risks", {"title": "Drift in income data", "system_id": None, "initiative_id": ini,
                              "category": "technical_failure", "likelihood": 3, "impact": 4,
                              "owner_id": P("otto@n.example"), "mitigation": "monthly drift report",
                              "due_date": past, "status": "open"})
assert r1.status == 201, r1.body
r2 = a.post("/api/v1/risks", {"title": "Nobody's risk", "initiative_id": ini, "category": "technical_failure",
                              "likelihood": 2, "impact": 2, "mitigation": "to be decided",
                              "due_date": past, "status": "mitigating"})
assert r2.status == 201, r2.body
risk1, risk2 = r1.json["id"], r2.json["id"]


def inbox(cl):
    r = cl.get("/api/v1/inbox")
    assert r.status == 200, r.body
    return r.json


def kinds(cl):
    return sorted((x["kind"], x["key"]) for x in inbox(cl)["items"])


# ---- notif-1: who is told of what --------------------------------------------------
sig = lambda role: ("signoff_needed", "initiative:%d:%s:v1" % (ini, role))
rev = [x for x in kinds(rita) if x[0] == "ethics_review_overdue"]
expected = {
    "ceo@n.example": [sig("sponsor")],
    "olga@n.example": sorted([sig("owner")] + rev),
    "lea@n.example": [sig("ai_lead")],
    "otto@n.example": [("risk_overdue", "risk:%d:%s" % (risk1, past))],
    "rita@n.example": sorted(rev + [("risk_overdue", "risk:%d:%s" % (risk2, past))]),
    "vic@n.example": [],
    "refused@n.example": [],
}
t.check("notif-1.0", len(rev) == 1 and rev[0][1].startswith("system:credit-scoring:review:"), str(rev))
for e, want in expected.items():
    t.check("notif-1.1 " + e, kinds(c[e]) == want, "%s: %s != %s" % (e, kinds(c[e]), want))
t.check("notif-1.2", kinds(a) == [], str(kinds(a)))
box = inbox(olga)
item = [x for x in box["items"] if x["kind"] == "signoff_needed"][0]
t.check("notif-1.3", item["title"]["en"] == 'Sign the charter of "Credit scoring v2"'
        and item["title"]["zh-CN"] == "请签署「Credit scoring v2」的章程"
        and item["link"] == "#/alignment/initiatives/%d" % ini and item["read"] is False
        and "recipients" not in item, str(item))
t.check("notif-1.4", box["unread"] == 2 and box["total"] == 2, str(box)[:200])
t.check("notif-1.5", [x["must_reach"] for x in box["items"] if x["kind"] == "ethics_review_overdue"] == [True])
t.status("notif-1.6", srv.client().get("/api/v1/inbox"), 401)

# ---- notif-2: read marks -------------------------------------------------------------
before = srv.snapshot()
t.status("notif-2.1", olga.post("/api/v1/inbox/read", {"kind": "nonsense", "key": "x"}), 400, "invalid", "kind")
t.status("notif-2.2", olga.post("/api/v1/inbox/read", {"kind": "signoff_needed"}), 400, "invalid", "key")
t.status("notif-2.3", olga.post("/api/v1/inbox/read", {"all": "yes"}), 400, "invalid", "all")
t.check("notif-2.4", srv.snapshot() == before, "a refused mark changed the database")
r = olga.post("/api/v1/inbox/read", {"kind": item["kind"], "key": item["key"]})
t.status("notif-2.5", r, 200)
t.check("notif-2.6", r.json["unread"] == 1 and r.json["total"] == 2, r.body[:200])
t.check("notif-2.7", inbox(lea)["unread"] == 1, "a read mark of one person showed for another")
r = olga.post("/api/v1/inbox/read", {"all": True})
t.check("notif-2.8", r.status == 200 and r.json["unread"] == 0, r.body[:200])

# ---- notif-3: resolved items disappear on their own -----------------------------------
t.status("notif-3.1", lea.post("/api/v1/initiatives/%d/signoffs" % ini, {"role": "ai_lead"}), 201)
t.check("notif-3.2", kinds(lea) == [], str(kinds(lea)))
t.check("notif-3.3", kinds(ceo) == [sig("sponsor")], str(kinds(ceo)))
t.status("notif-3.4", a.patch("/api/v1/risks/%d" % risk2, {"status": "closed"}), 200)
t.check("notif-3.5", [k for k in kinds(rita) if k[0] == "risk_overdue"] == [], str(kinds(rita)))

# ---- notif-4: preferences and language ----------------------------------------------
r = rita.get("/api/v1/me/preferences")
t.status("notif-4.1", r, 200)
pk = {k["kind"]: k for k in r.json["kinds"]}
t.check("notif-4.2", r.json["locale"] is None and r.json["effective_locale"] == "en"
        and pk["ethics_review_overdue"]["must_reach"] is True
        and "off" not in pk["ethics_review_overdue"]["modes"] and "off" in pk["risk_overdue"]["modes"],
        r.body[:400])
before = srv.snapshot()
t.status("notif-4.3", rita.patch("/api/v1/me/preferences",
                                 {"notifications": {"ethics_review_overdue": "off"}}), 422, "must_reach")
t.status("notif-4.4", rita.patch("/api/v1/me/preferences", {"locale": "fr"}), 400, "invalid", "locale")
t.status("notif-4.5", rita.patch("/api/v1/me/preferences",
                                 {"notifications": {"risk_overdue": "loud"}}), 400, "invalid",
         "notifications.risk_overdue")
t.status("notif-4.6", rita.patch("/api/v1/me/preferences", {"notifications": {"nope": "off"}}), 400,
         "invalid", "notifications.nope")
t.status("notif-4.7", rita.patch("/api/v1/me/preferences",
                                 {"locale": "zh-CN", "notifications": {"ethics_review_overdue": "off"}}),
         422, "must_reach")
t.check("notif-4.8", srv.snapshot() == before, "a refused preference changed the database")
r = rita.patch("/api/v1/me/preferences", {"locale": "zh-CN", "notifications": {"ethics_review_overdue": "email"}})
t.check("notif-4.9", r.status == 200 and r.json["locale"] == "zh-CN" and
        [k["mode"] for k in r.json["kinds"] if k["kind"] == "ethics_review_overdue"] == ["email"], r.body[:300])
t.status("notif-4.10", vic.patch("/api/v1/me/preferences", {"notifications": {"risk_overdue": "off"}}), 200)
# an admin sets a person's language on their account
r = a.patch("/api/v1/accounts/%d" % ids["otto@n.example#account"], {"locale": "zh-CN"})
t.check("notif-4.11", r.status == 200 and r.json["locale"] == "zh-CN", r.body[:200])
t.status("notif-4.12", a.patch("/api/v1/accounts/%d" % ids["otto@n.example#account"], {"locale": "de"}),
         400, "invalid", "locale")
t.status("notif-4.13", otto.patch("/api/v1/accounts/%d" % ids["otto@n.example#account"], {"locale": "en"}), 403)
t.check("notif-4.14", otto.get("/api/v1/me/preferences").json["effective_locale"] == "zh-CN")

# ---- notif-5: the SMTP settings ----------------------------------------------------------
before = srv.snapshot()
t.status("notif-5.1", a.patch("/api/v1/settings", {"smtp_url": "http://mail.example.com"}), 400, "invalid", "smtp_url")
t.status("notif-5.2", a.patch("/api/v1/settings", {"smtp_password_file": "relative/pw"}), 400, "invalid",
         "smtp_password_file")
t.status("notif-5.3", a.patch("/api/v1/settings", {"smtp_tls": "sometimes"}), 400, "invalid", "smtp_tls")
t.status("notif-5.4", a.patch("/api/v1/settings", {"public_url": "ftp://x.example"}), 400, "invalid", "public_url")
t.status("notif-5.5", ceo.patch("/api/v1/settings", {"smtp_url": "smtp://127.0.0.1:25"}), 403)
t.status("notif-5.6", a.post("/api/v1/settings/smtp-test", {}), 422, "smtp_not_configured")
t.check("notif-5.7", srv.snapshot() == before, "a refused settings change changed the database")
pwfile = os.path.join(srv.dir, "smtp-password")
with open(pwfile, "w") as f:
    f.write("not-used-by-the-sink\n")
r = a.patch("/api/v1/settings", {"smtp_url": "smtp://127.0.0.1:%d" % smtp_port, "smtp_from": "keel@n.example",
                                 "smtp_tls": "off", "digest_hour": 0, "public_url": "https://keel.n.example"})
t.check("notif-5.8", r.status == 200 and r.json["smtp_url"].endswith(":%d" % smtp_port), r.body[:300])
r = vic.get("/api/v1/settings")
t.check("notif-5.9", r.status == 200 and not any(k.startswith("smtp_") for k in r.json)
        and r.json["default_locale"] == "en", r.body[:300])

# ---- notif-6: the test send ----------------------------------------------------------------
r = a.post("/api/v1/settings/smtp-test", {"to": "someone@n.example"})
t.check("notif-6.1", r.status == 200 and r.json["outcome"] == "sent" and r.json["smtp_code"] == 250
        and any(l.startswith("< 250") for l in r.json["transcript"])
        and any("RCPT TO:<someone@n.example>" in l for l in r.json["transcript"]), r.body[:600])
got = sink.take()
t.check("notif-6.2", len(got) == 1 and got[0][0] == ["someone@n.example"]
        and str(got[0][1]["Subject"]) == "[keel] Test message", str(got)[:300])
r = a.post("/api/v1/settings/smtp-test", {"to": "refused@n.example"})
t.check("notif-6.3", r.status == 200 and r.json["outcome"] == "refused" and r.json["smtp_code"] == 550
        and "550" in (r.json["error"] or "") + " ".join(r.json["transcript"]), r.body[:600])
t.status("notif-6.4", a.post("/api/v1/settings/smtp-test", {"to": "not an address"}), 400, "invalid", "to")
t.status("notif-6.5", rita.post("/api/v1/settings/smtp-test", {}), 403)
sink.take()


# ---- notif-7: delivery --------------------------------------------------------------------------
def run_job(env=None):
    p = subprocess.run([KEEL, "jobs", "run", "notifications", "--db", srv.db],
                       capture_output=True, text=True, env=dict(os.environ, **(env or {})))
    return p


def is_digest(msg):
    s = str(msg["Subject"])
    return "items need you" in s or "项事务需要您处理" in s


p = run_job()
t.check("notif-7.1", p.returncode == 0, p.stderr)
got = sink.take()
by_to = {}
for rcpt, msg in got:
    for x in rcpt:
        by_to.setdefault(x, []).append(msg)
subjects = {k: sorted(str(m["Subject"]) for m in v) for k, v in by_to.items()}
# ceo: one sign-off (e-mail now); olga: her sign-off now, the overdue review in the digest;
# otto (zh-CN): the overdue risk in the digest; rita (zh-CN): the review, e-mail now by choice
t.check("notif-7.2", subjects == {
    "ceo@n.example": ['[keel] Sign the charter of "Credit scoring v2"'],
    "olga@n.example": ["[keel] 1 items need you", '[keel] Sign the charter of "Credit scoring v2"'],
    "otto@n.example": ["[keel] 有 1 项事务需要您处理"],
    "rita@n.example": ["[keel] credit-scoring 的伦理审查已逾期"],
}, str(subjects))
m = by_to.get("otto@n.example", [None])[0]
body = m.get_body(preferencelist=("plain",)).get_content() if m else ""
html = m.get_body(preferencelist=("html",)).get_content() if m else ""
t.check("notif-7.3", "以下事项需要您处理" in body and "Drift in income data" in body
        and "https://keel.n.example/#/risk/register?risk=%d" % risk1 in body and "<a href=" in html, body[:400])
t.check("notif-7.4", m is not None and m["From"] == "keel@n.example" and m["Message-ID"], str(m)[:300])
p = run_job()
t.check("notif-7.5", p.returncode == 0 and sink.take() == [], "a second run sent again")
log = a.get("/api/v1/notifications/log?limit=100")
t.status("notif-7.6", log, 200)
sent = [x for x in log.json["items"] if x["status"] == "sent" and x["kind"] != "test"]
t.check("notif-7.7", len(sent) == 5 and all(x["attempts"] == 1 for x in sent), str(sent)[:400])
t.status("notif-7.8", rita.get("/api/v1/notifications/log"), 403)

# ---- notif-8: a refused recipient, a server that is down -----------------------------------
ini2 = a.post("/api/v1/initiatives", {"title": "Churn model", "owner_id": P("refused@n.example"),
                                      "sponsor_id": P("ceo@n.example")}).json["id"]
p = run_job()
got = sink.take()
t.check("notif-8.1", p.returncode == 0 and [g[0] for g in got] == [["ceo@n.example"]], str(got)[:300])
log = a.get("/api/v1/notifications/log?limit=100").json["items"]
ref = [x for x in log if x["to_addr"] == "refused@n.example" and x["kind"] != "test"]
t.check("notif-8.2", len(ref) == 1 and ref[0]["status"] == "refused" and ref[0]["smtp_code"] == 550
        and "550" in (ref[0]["error"] or ""), str(ref))
p = run_job(env={"KEEL_NOW": (datetime.now(timezone.utc) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")})
# (two hours on may cross midnight UTC: a new day's digests may go out then)
t.check("notif-8.3", not [g for g in sink.take() if "refused@n.example" in g[0]],
        "a refused recipient was tried again")
# the server goes down: the send fails, is logged, and goes out once it is back
ctl.stop()
ini3 = a.post("/api/v1/initiatives", {"title": "Demand forecast", "owner_id": P("otto@n.example"),
                                      "ai_lead_id": P("lea@n.example")}).json["id"]
a.patch("/api/v1/settings", {"smtp_url": "smtp://127.0.0.1:%d" % smtp_port})
p = run_job()
log = a.get("/api/v1/notifications/log?limit=100").json["items"]
down = [x for x in log if x["item_key"].startswith("initiative:%d:" % ini3)]
t.check("notif-8.4", p.returncode == 0 and len(down) == 2 and all(x["status"] == "failed" for x in down)
        and all(x["error"] for x in down), str(down)[:400])
ctl = Controller(sink, hostname="127.0.0.1", port=smtp_port)
ctl.start()
p = run_job()  # not yet due again
t.check("notif-8.5", not [g for g in sink.take() if not is_digest(g[1])],
        "a failed send was retried before its backoff")
p = run_job(env={"KEEL_NOW": (datetime.now(timezone.utc) + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")})
got = [g for g in sink.take() if not is_digest(g[1])]  # a run past midnight adds digests
t.check("notif-8.6", sorted(g[0][0] for g in got) == ["lea@n.example", "otto@n.example"]
        and any(str(g[1]["Subject"]) == "[keel] 请签署「Demand forecast」的章程" for g in got), str(got)[:400])
log = a.get("/api/v1/notifications/log?limit=100").json["items"]
down = [x for x in log if x["item_key"].startswith("initiative:%d:" % ini3)]
t.check("notif-8.7", all(x["status"] == "sent" and x["attempts"] == 2 for x in down), str(down)[:400])

# ---- notif-9: concurrent runners send once ------------------------------------------------------
ini4 = a.post("/api/v1/initiatives", {"title": "Fraud rules", "owner_id": P("olga@n.example"),
                                      "sponsor_id": P("ceo@n.example"), "ai_lead_id": P("lea@n.example")}).json["id"]
procs = [subprocess.Popen([KEEL, "jobs", "run", "notifications", "--db", srv.db],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
for p in procs:
    p.wait()
got = [g for g in sink.take() if not is_digest(g[1])]
t.check("notif-9.1", sorted(g[0][0] for g in got) == ["ceo@n.example", "lea@n.example", "olga@n.example"],
        str([g[0] for g in got]))
t.check("notif-9.2", any(p.returncode == 0 for p in procs), "no runner succeeded")

# ---- notif-10: an overdue action reaches its owner (path 5) -------------------------------------
r = a.post("/api/v1/actions", {"title": "Retrain on the new income bands", "owner_id": P("otto@n.example"),
                               "due_date": past, "initiative_id": ini})
t.check("notif-10.1", r.status == 201, r.body[:300])
act = r.json.get("id") if r.json else None
mine = [x for x in inbox(otto)["items"] if x["kind"] == "action_overdue"]
t.check("notif-10.2", len(mine) == 1 and mine[0]["key"] == "action:%s:%s" % (act, past)
        and mine[0]["title"]["zh-CN"] == "行动项「Retrain on the new income bands」已逾期", str(mine)[:300])
t.check("notif-10.3", not [x for x in inbox(olga)["items"] if x["kind"] == "action_overdue"])
t.status("notif-10.4", a.patch("/api/v1/actions/%s" % act, {"status": "done", "close_note": "retrained"}), 200)
t.check("notif-10.5", not [x for x in inbox(otto)["items"] if x["kind"] == "action_overdue"], "a closed action stayed")

ctl.stop()
srv.stop()
t.done()
