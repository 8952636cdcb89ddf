# SPDX-License-Identifier: GPL-3.0-or-later
"""The C client of the switch (clients/c/, issue 18), numbered (cc-N.M),
driven through its example keel-switch-watch (one poll per input line)
against a live keel: the first poll gets the state, the next a 304 on the
same kept-alive connection, a flip is seen by the next poll; keel stopped:
the last state (stale) within max_stale_ms, the named default after; a
closed port and a wrong token: the default; a server that never answers:
the poll returns after the client's timeout instead of blocking."""
import os
import socket
import subprocess
import time
from datetime import datetime, timedelta, timezone
from keeltest import Server, Cases

WATCH = os.path.join(os.path.dirname(os.environ["KEEL_BIN"]), "keel-switch-watch")
t = Cases()
srv = Server()
a = srv.admin()
p = a.post("/api/v1/people", {"name": "Ceo Chair", "email": "ceo@c.example"}).json["id"]
a.post("/api/v1/accounts", {"email": "ceo@c.example", "name": "Ceo Chair", "role": "committee",
                            "password": "password-123", "person_id": p})
ceo = srv.client()
ceo.login("ceo@c.example", "password-123")
ini = a.post("/api/v1/initiatives", {"title": "Support assistant", "owner_id": p}).json["id"]
a.post("/api/v1/systems", {"name": "chatbot", "title": "Chatbot", "initiative_id": ini,
                           "risk_tier": "limited", "tier_reason": "customer facing"})
a.post("/api/v1/systems/chatbot/versions", {"version": "1.0"})
future = (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%d")
r = ceo.post("/api/v1/systems/chatbot/overrides", {"stage": "launch", "reason": "pilot in one branch", "expires_at": future})
assert r.status in (200, 201), r.body
tokfile = os.path.join(srv.dir, "token")
with open(tokfile, "w") as f:
    f.write(a.post("/api/v1/tokens", {"name": "serving", "scope": "switch:read"}).json["token"] + "\n")
bad = os.path.join(srv.dir, "bad-token")
with open(bad, "w") as f:
    f.write("kt_not_a_token\n")


class Watch:
    def __init__(self, url, token=tokfile, *extra):
        self.p = subprocess.Popen([WATCH, "--url", url, "--system", "chatbot", "--token-file", token,
                                   "--timeout-ms", "300", *extra],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def poll(self):
        self.p.stdin.write("poll\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline().rstrip("\n")
        head, _, err = line.partition(" error=")
        d = dict(kv.split("=", 1) for kv in head.split(" "))
        d["error"] = err
        return d

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)
        return self.p.returncode


url = "http://127.0.0.1:%d" % srv.port
w = Watch(url, tokfile, "--max-stale-ms", "60000")
r = w.poll()
t.check("cc-1.1 the first poll: the state from keel", (r["source"], r["state"], r["fallback"], r["version"]) == ("fresh", "off", "human_review", "0"), r)
r = w.poll()
t.check("cc-1.2 the next: 304, the cached state", (r["source"], r["state"], r["version"]) == ("unchanged", "off", "0"), r)
f = a.request("PUT", "/api/v1/switch/chatbot", {"state": "percent", "percent": 20, "fallback": "rules", "reason": "canary"})
t.status("cc-1.3", f, 200)
r = w.poll()
t.check("cc-1.4 a flip is seen by the next poll", (r["source"], r["state"], r["percent"], r["fallback"], r["version"])
        == ("fresh", "percent", "20", "rules", str(f.json["version"])), r)
r = w.poll()
t.check("cc-1.5 ... then 304 again", r["source"] == "unchanged" and r["percent"] == "20", r)
t.check("cc-1.6 one kept-alive connection for every poll", r["connects"] == "1", r)

w0 = Watch(url, tokfile, "--max-stale-ms", "0")
t.check("cc-2.1", w0.poll()["source"] == "fresh")
wb = Watch(url, bad)
r = wb.poll()
t.check("cc-2.2 an error answer (a wrong token): the default", (r["source"], r["state"], r["fallback"]) == ("default", "off", "human_review")
        and "401" in r["error"], r)
t.check("cc-2.3", wb.close() == 0)

srv.stop()
r = w.poll()
t.check("cc-3.1 keel gone: the last state, marked stale", (r["source"], r["state"], r["percent"], r["fallback"])
        == ("stale", "percent", "20", "rules") and r["error"].startswith("keel did not answer"), r)
r = w0.poll()
t.check("cc-3.2 ... or the default when max_stale_ms is 0", (r["source"], r["state"], r["percent"], r["fallback"], r["version"])
        == ("default", "off", "0", "human_review", "0"), r)
t.check("cc-3.3", w.close() == 0 and w0.close() == 0)

wc = Watch(url, tokfile, "--default", "rules")
r = wc.poll()
t.check("cc-4.1 a closed port: the named default", (r["source"], r["state"], r["fallback"]) == ("default", "off", "rules"), r)
wc.close()

# a server that takes the connection and never answers
sink = socket.socket()
sink.bind(("127.0.0.1", 0))
sink.listen(8)
ws = Watch("http://127.0.0.1:%d" % sink.getsockname()[1])
t0 = time.monotonic()
r = ws.poll()
took = time.monotonic() - t0
print("cc-5 a poll of a server that never answers returned after %.0f ms (timeout 300 ms)" % (took * 1000))
t.check("cc-5.1 a silent server: the default, after the timeout", r["source"] == "default" and "timeout" in r["error"].lower()
        and 250 <= float(r["ms"]) < 2000, r)
ws.close()
sink.close()
t.done()
