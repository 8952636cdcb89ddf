# SPDX-License-Identifier: GPL-3.0-or-later
"""keel switch get|set|history (issue 18), numbered (cli-sw-N.M): the
same rules, roles and audit as the API (the route runs in-process), the
flip seen by the running server, bad input refused with exit 2 and the
database unchanged."""
import json
import subprocess
import time
from datetime import datetime, timedelta, timezone
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()
ini = a.post("/api/v1/initiatives", {"title": "Support"}).json["id"]
a.post("/api/v1/systems", {"name": "support-bot", "title": "Support bot", "initiative_id": ini,
                           "risk_tier": "limited", "tier_reason": "customer facing"})
a.post("/api/v1/systems/support-bot/versions", {"version": "1"})
future = (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%d")
a.post("/api/v1/systems/support-bot/overrides", {"stage": "launch", "reason": "pilot in one branch",
                                                 "expires_at": future})
p = a.post("/api/v1/people", {"name": "Vic", "email": "vic@c.example"}).json["id"]
a.post("/api/v1/accounts", {"email": "vic@c.example", "name": "Vic", "role": "viewer",
                            "password": "password-123", "person_id": p})


def sw(*args):
    p = subprocess.run([KEEL, "switch", *args, "--db", srv.db], capture_output=True, text=True, env=srv.env)
    return p.returncode, p.stdout, p.stderr


rc, out, err = sw("get", "--system", "support-bot")
t.check("cli-sw-1.1", rc == 0 and json.loads(out)["state"] == "off", (rc, out, err))
rc, out, err = sw("set", "--system", "support-bot", "--state", "percent", "--percent", "20",
                  "--reason", "ramp to a fifth")
t.check("cli-sw-1.2", rc == 0 and json.loads(out)["percent"] == 20, (rc, out, err))
seen = False  # the running server sees the CLI's flip (its poller)
for _ in range(40):
    if a.get("/api/v1/switch/support-bot").json["percent"] == 20:
        seen = True
        break
    time.sleep(0.025)
t.check("cli-sw-1.3", seen)
rc, out, err = sw("set", "--system", "support-bot", "--state", "off", "--fallback", "human_review",
                  "--reason", "wrong refunds")
t.check("cli-sw-1.4", rc == 0 and json.loads(out)["state"] == "off", (rc, out, err))
rc, out, err = sw("history", "--system", "support-bot")
lines = out.splitlines()
t.check("cli-sw-1.5", rc == 0 and len(lines) == 2 and "wrong refunds" in lines[0] and " off " in lines[0], (rc, out, err))
rc, out, err = sw("history", "--system", "support-bot", "--json")
t.check("cli-sw-1.6", rc == 0 and [x["state"] for x in json.loads(out)["items"]] == ["off", "percent"], out)

before = srv.snapshot()
for case, args in [("cli-sw-2.1", ["set", "--system", "support-bot", "--state", "on"]),
                   ("cli-sw-2.2", ["set", "--system", "support-bot", "--state", "percent", "--percent", "120", "--reason", "x"]),
                   ("cli-sw-2.3", ["set", "--system", "no-such", "--state", "off", "--reason", "x"]),
                   ("cli-sw-2.4", ["set", "--system", "support-bot", "--state", "off", "--reason", "x", "--as", "vic@c.example"]),
                   ("cli-sw-2.5", ["get", "--system", "Support Bot"]),
                   ("cli-sw-2.6", ["flip", "--system", "support-bot"])]:
    rc, out, err = sw(*args)
    t.check(case, rc == 2 and ("keel" in err or "usage" in err) and out == "", (rc, out, err))
t.check("cli-sw-2.7", srv.snapshot() == before)
srv.stop()
t.done()
