# SPDX-License-Identifier: GPL-3.0-or-later
"""keel gate check (issue 17), numbered (gate-N.M): exit 0 when the gate
would pass (or is overridden), 3 when it would refuse, 2 on bad input,
1 when keel cannot be reached; the same verdict from the database file
(--db) and from a running server (--url with --token-file); --json."""
import json
import os
import socket
import subprocess
from datetime import date, timedelta
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()
ini = a.post("/api/v1/initiatives", {"title": "ETA prediction"}).json["id"]
a.post("/api/v1/systems", {"name": "eta-model", "title": "ETA model", "initiative_id": ini,
                           "risk_tier": "limited", "tier_reason": "customer-facing estimate"})
a.post("/api/v1/systems/eta-model/versions", {"version": "1.0"})
tok = a.post("/api/v1/tokens", {"name": "ci", "scope": "read"}).json["token"]
tokfile = os.path.join(srv.dir, "ci.token")
with open(tokfile, "w") as f:
    f.write(tok + "\n")
url = "http://127.0.0.1:%d" % srv.port


def gate(*args, remote=False):
    where = ["--url", url, "--token-file", tokfile] if remote else ["--db", srv.db]
    p = subprocess.run([KEEL, "gate", "check", *where, *args], capture_output=True, text=True, env=srv.env)
    return p.returncode, p.stdout, p.stderr


for remote in (False, True):
    w = "url" if remote else "db"
    # launch needs monitoring, a switch test and an A/B verdict: refused
    rc, out, err = gate("--system", "eta-model", "--stage", "launch", remote=remote)
    t.check("gate-1.1 " + w, rc == 3 and "REFUSE" in out and "missing" in out and "switch_test" in out, (rc, out, err))
    rc, out, err = gate("--system", "eta-model", "--stage", "launch", "--json", remote=remote)
    j = json.loads(out) if out else {}
    t.check("gate-1.2 " + w, rc == 3 and j.get("verdict") == "refuse" and j.get("system") == "eta-model"
            and j.get("version") == "1.0" and j.get("stage") == "launch"
            and {"id", "evidence_kind", "state", "detail"} <= set(j["requirements"][0]), (rc, out[:300], err))
    # retired has no requirements: passes; training passes too (no data asset rule for... ) not assumed
    rc, out, err = gate("--system", "eta-model", "--stage", "retired", remote=remote)
    t.check("gate-1.3 " + w, rc == 0 and "PASS" in out, (rc, out, err))
    # a stage already passed (data_collection is where every version starts) is evaluated: 0 or 3
    rc, out, err = gate("--system", "eta-model", "--stage", "data_collection", remote=remote)
    t.check("gate-1.4 " + w, rc in (0, 3), (rc, out, err))
    # bad input: 2
    for case, args in [("gate-2.1", ["--system", "no-such", "--stage", "launch"]),
                       ("gate-2.2", ["--system", "eta-model", "--stage", "moon"]),
                       ("gate-2.3", ["--system", "eta-model", "--stage", "launch", "--version", "9"]),
                       ("gate-2.4", ["--system", "ETA model", "--stage", "launch"]),
                       ("gate-2.5", ["--stage", "launch"])]:
        rc, out, err = gate(*args, remote=remote)
        t.check(case + " " + w, rc == 2 and err.startswith("keel:"), (rc, out, err))

# the committee overrides launch: exit 0, the override shown
a.post("/api/v1/accounts", {"email": "chair@g.example", "name": "Chair", "role": "committee", "password": "password-123"})
chair = srv.client()
chair.login("chair@g.example", "password-123")
r = chair.post("/api/v1/systems/eta-model/overrides", {"stage": "launch", "reason": "launch in one region first",
                                                       "expires_at": (date.today() + timedelta(days=14)).isoformat()})
t.check("gate-3.1", r.status == 200, r.body[:200])
for remote in (False, True):
    rc, out, err = gate("--system", "eta-model", "--stage", "launch", remote=remote)
    t.check("gate-3.2 " + ("url" if remote else "db"), rc == 0 and "overridden" in out and "launch in one region" in out, (rc, out, err))
# unreachable keel: 1; no token file: 2
s = socket.socket()
s.bind(("127.0.0.1", 0))
closed = s.getsockname()[1]
s.close()
p = subprocess.run([KEEL, "gate", "check", "--url", "http://127.0.0.1:%d" % closed, "--token-file", tokfile,
                    "--system", "eta-model", "--stage", "launch"], capture_output=True, text=True)
t.check("gate-4.1", p.returncode == 1 and "cannot connect" in p.stderr, (p.returncode, p.stderr))
p = subprocess.run([KEEL, "gate", "check", "--url", url, "--system", "eta-model", "--stage", "launch"],
                   capture_output=True, text=True)
t.check("gate-4.2", p.returncode == 2, (p.returncode, p.stderr))
bad = os.path.join(srv.dir, "bad.token")
with open(bad, "w") as f:
    f.write("kt_nonsense\n")
p = subprocess.run([KEEL, "gate", "check", "--url", url, "--token-file", bad, "--system", "eta-model", "--stage", "launch"],
                   capture_output=True, text=True)
t.check("gate-4.3", p.returncode == 2 and "keel:" in p.stderr, (p.returncode, p.stderr))
srv.stop()
t.done()
