# SPDX-License-Identifier: GPL-3.0-or-later
"""Notifications over the demo enterprise (issue 23), notif-demo-N: who is
told of what follows the data of every path — the committee members who
have not voted (not the one who declared a conflict, not those who voted),
the monitoring alert and the trip awaiting a person, compliance deadlines,
overdue reviews — and the two Chinese-speaking accounts have items due."""
import json
import subprocess
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server(demo=True)


def inbox(email):
    p = subprocess.run([KEEL, "api", "--db", srv.db, "--as", email, "GET", "/api/v1/inbox"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["items"]


def kinds(email):
    return sorted({x["kind"] for x in inbox(email)})


# the open proposal: the chair and the CFO voted, Sofia declared a conflict
# (the other open one is the dispute over a definition keel sent, voted by nobody)
opened = srv.sql("SELECT id FROM proposal WHERE status = 'open' AND action_type <> 'resolve_definition'")
t.check("notif-demo-1.0", len(opened) == 1, opened)
pid = opened[0][0] if opened else 0
voters = {r[0] for r in srv.sql("SELECT p.email FROM proposal_vote v JOIN person p ON p.id = v.person_id "
                                "WHERE v.proposal_id = ?", (pid,))}
conflicted = {r[0] for r in srv.sql("SELECT p.email FROM proposal_conflict c JOIN person p ON p.id = c.person_id "
                                    "WHERE c.proposal_id = ?", (pid,))}
members = {r[0] for r in srv.sql("SELECT p.email FROM committee_member m JOIN person p ON p.id = m.person_id")}
accounts = {r[0] for r in srv.sql("SELECT email FROM account WHERE disabled = 0")}
for email in sorted(members & accounts):
    want = email not in voters and email not in conflicted
    got = any(x["kind"] == "vote_pending" and x["key"] == "proposal:%d" % pid for x in inbox(email))
    t.check("notif-demo-1.1 " + email, got == want, "%s: want %s" % (email, want))
t.check("notif-demo-1.2", conflicted and voters and members - voters - conflicted, [voters, conflicted, members])

# monitoring: the firing alert and the trip reach the risk officer; the trip also the chair
grace = kinds("grace.kim@meridian.example")
t.check("notif-demo-2.1", {"alert_firing", "switch_trip_awaiting", "compliance_due", "ethics_review_overdue"} <= set(grace),
        grace)
t.check("notif-demo-2.2", "switch_trip_awaiting" in kinds("helena.marsh@meridian.example"))
t.check("notif-demo-2.3", kinds("olivia.brown@meridian.example") == [], "the viewer is told of nothing")

# the two accounts that read Chinese have items due
for email in ["wei.zhang@meridian.example", "li.na@meridian.example"]:
    loc = srv.sql("SELECT locale FROM account WHERE email = ?", (email,))
    t.check("notif-demo-3 " + email, loc and loc[0][0] == "zh-CN" and inbox(email), email)
srv.stop()
t.done()
