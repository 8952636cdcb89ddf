# SPDX-License-Identifier: GPL-3.0-or-later
"""CLI tests: --help everywhere, exit codes (0 ok, 1 failure, 2 usage),
init/user/token/audit/backup/version, tampering detected by `keel audit
verify`, a backup taken while the server writes, graceful shutdown with a
request in flight, and a database from a newer keel refused."""
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from keeltest import Server, Cases, KEEL, run, bearer

t = Cases()
env = dict(os.environ, KEEL_FAST_PWHASH="1")
d = tempfile.mkdtemp(prefix="keelcli-")
db = os.path.join(d, "k.db")
pw = os.path.join(d, "pw")
with open(pw, "w") as f:
    f.write("cli-password-123\n")


def keel(*args, input=None):
    return subprocess.run([KEEL, *args], env=env, capture_output=True, text=True, input=input)


# cli-1: help and usage
for i, cmd in enumerate(["init", "serve", "demo", "user", "token", "audit", "backup", "drift",
                         "profile", "abtest", "fairness", "explain", "version"]):
    p = keel(cmd, "--help")
    t.check("cli-1.%d %s --help" % (i + 1, cmd), p.returncode == 0 and "usage" in p.stdout.lower(),
            p.stdout[:200] + p.stderr[:200])
p = keel()
t.check("cli-1.20", p.returncode == 2 and "usage" in p.stderr)
p = keel("frobnicate")
t.check("cli-1.21", p.returncode == 2 and "unknown command" in p.stderr)
p = keel("init", "--bogus")
t.check("cli-1.22", p.returncode == 2 and "unknown option" in p.stderr, p.stderr)
p = keel("version", "--json")
t.check("cli-1.23", p.returncode == 0 and "version" in json.loads(p.stdout))

# cli-2: init never invents a password
p = keel("init", "--db", db, "--admin-email", "root@example.com", input="")
t.check("cli-2.1", p.returncode == 2 and "password" in p.stderr, p.stderr)
t.check("cli-2.2", not os.path.exists(db) or sqlite3.connect(db).execute(
    "SELECT count(*) FROM sqlite_master WHERE name='account'").fetchone()[0] in (0, 1))
p = keel("init", "--db", db, "--admin-email", "root@example.com", "--admin-password-file", pw, "--json")
t.check("cli-2.3", p.returncode == 0 and json.loads(p.stdout)["admin_id"] == 1, p.stdout + p.stderr)
p = keel("init", "--db", db, "--admin-email", "root@example.com", "--admin-password-file", pw)
t.check("cli-2.4", p.returncode == 2 and "already" in p.stderr, p.stderr)
with open(os.path.join(d, "short"), "w") as f:
    f.write("short\n")
p = keel("init", "--db", os.path.join(d, "x.db"), "--admin-email", "a@example.com",
         "--admin-password-file", os.path.join(d, "short"))
t.check("cli-2.5", p.returncode == 2 and "10 to 1024" in p.stderr, p.stderr)
p = keel("user", "list", "--db", os.path.join(d, "missing.db"))
t.check("cli-2.6", p.returncode != 0 and "missing.db" in p.stderr, p.stderr)

# cli-3: users
p = keel("user", "add", "--db", db, "--email", "Eve@Example.com", "--name", "Eve", "--role", "risk",
         "--password-file", "-", input="eve-password-1\n")
t.check("cli-3.1", p.returncode == 0, p.stderr)
p = keel("user", "add", "--db", db, "--email", "x@example.com", "--name", "X", "--role", "wizard",
         "--password-file", pw)
t.check("cli-3.2", p.returncode == 2 and "role" in p.stderr, p.stderr)
p = keel("user", "list", "--db", db, "--json")
users = json.loads(p.stdout)
t.check("cli-3.3", p.returncode == 0 and [u["email"] for u in users] == ["root@example.com", "eve@example.com"], p.stdout)
t.check("cli-3.4", "hash" not in p.stdout)
p = keel("user", "passwd", "--db", db, "--email", "eve@example.com", "--password-file", "-", input="eve-password-2\n")
t.check("cli-3.5", p.returncode == 0, p.stderr)
p = keel("user", "disable", "--db", db, "--email", "root@example.com")
t.check("cli-3.6", p.returncode == 2 and "last enabled admin" in p.stderr, p.stderr)
p = keel("user", "disable", "--db", db, "--email", "nobody@example.com")
t.check("cli-3.7", p.returncode == 2, p.stderr)

# cli-4: tokens
p = keel("token", "create", "--db", db, "--email", "eve@example.com", "--name", "bot", "--scope", "read", "--json")
tok = json.loads(p.stdout)
t.check("cli-4.1", p.returncode == 0 and tok["token"].startswith("kt_"), p.stdout + p.stderr)
p = keel("token", "list", "--db", db, "--json")
t.check("cli-4.2", p.returncode == 0 and json.loads(p.stdout)[0]["scope"] == "read" and tok["token"] not in p.stdout)
p = keel("token", "create", "--db", db, "--email", "eve@example.com", "--name", "bot", "--expires", "yesterday")
t.check("cli-4.3", p.returncode == 2 and "expires_at" in p.stderr, p.stderr)

# cli-5: serve, use the token, back up while writing, shut down with a request in flight
srv_log = open(os.path.join(d, "serve.log"), "w+")
proc = subprocess.Popen([KEEL, "serve", "--db", db, "--listen", "127.0.0.1:0"], env=env,
                        stdout=subprocess.PIPE, stderr=srv_log, text=True)
port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
r = bearer(port, tok["token"]).get("/api/v1/session")
t.check("cli-5.1", r.status == 200 and r.json["email"] == "eve@example.com", r.body)
from keeltest import Client
admin = Client(port)
admin.login("root@example.com", "cli-password-123")
stop = threading.Event()
written = []


def writer():
    i = 0
    while not stop.is_set():
        r = admin.post("/api/v1/units", {"name": "unit-%d" % i, "kind": "department"})
        if r.status == 201:
            written.append(r.json["id"])
        i += 1


th = threading.Thread(target=writer)
th.start()
time.sleep(0.3)
bk = os.path.join(d, "backup.db")
p = keel("backup", "--db", db, "--to", bk)
stop.set()
th.join()
t.check("cli-5.2", p.returncode == 0, p.stderr)
con = sqlite3.connect(bk)
nunit = con.execute("SELECT count(*) FROM unit").fetchone()[0]
t.check("cli-5.3", con.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and nunit > 0, nunit)
con.close()
p = keel("audit", "verify", "--db", bk)
t.check("cli-5.4", p.returncode == 0 and "intact" in p.stdout, p.stdout + p.stderr)
p = keel("backup", "--db", db, "--to", bk)
t.check("cli-5.5", p.returncode == 2 and "exists" in p.stderr)
# every acknowledged write is in the database
ids = {r[0] for r in sqlite3.connect(db).execute("SELECT id FROM unit")}
t.check("cli-5.6", set(written) <= ids, "acknowledged units missing")
# a request in flight when SIGTERM arrives still gets its answer: send the
# headers and half the body, signal, then the rest
import socket
body = json.dumps({"name": "in-flight", "kind": "department"}).encode()
sock = socket.create_connection(("127.0.0.1", port))
sock.sendall(b"POST /api/v1/units HTTP/1.1\r\nHost: x\r\nCookie: " + admin.cookie.encode() +
             b"\r\nX-CSRF-Token: " + admin.csrf.encode() +
             b"\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
             str(len(body)).encode() + b"\r\n\r\n" + body[:10])
time.sleep(0.3)
proc.send_signal(signal.SIGTERM)
time.sleep(0.5)
sock.sendall(body[10:])
reply = b""
while True:
    chunk = sock.recv(4096)
    if not chunk:
        break
    reply += chunk
sock.close()
t.check("cli-5.8", reply.startswith(b"HTTP/1.1 201"), reply[:100])
rc = proc.wait(timeout=20)
t.check("cli-5.7", rc == 0, "exit %s" % rc)
t.check("cli-5.10", sqlite3.connect(db).execute("SELECT count(*) FROM unit WHERE name='in-flight'").fetchone()[0] == 1)
srv_log.seek(0)
t.check("cli-5.9", "stopped cleanly" in srv_log.read())

# cli-6: audit head and verify, with tampering
p = keel("audit", "head", "--db", db, "--json")
head = json.loads(p.stdout)
t.check("cli-6.1", p.returncode == 0 and len(head["head"]) == 64 and head["entries"] > 3, p.stdout)
p = keel("audit", "verify", "--db", db, "--head", head["head"])
t.check("cli-6.2", p.returncode == 0, p.stderr)
con = sqlite3.connect(db)
con.execute("UPDATE audit SET actor = 'mallory' WHERE id = 3")
con.commit()
p = keel("audit", "verify", "--db", db, "--json")
v = json.loads(p.stdout)
t.check("cli-6.3", p.returncode == 1 and v["intact"] is False and v["first_bad_entry"] == 3, p.stdout)
con.execute("UPDATE audit SET actor = (SELECT actor FROM audit WHERE id = 2) WHERE id = 3")
con.commit()
p = keel("audit", "verify", "--db", db)
t.check("cli-6.4", p.returncode == 0, p.stdout + p.stderr)
last = con.execute("SELECT max(id) FROM audit").fetchone()[0]
con.execute("DELETE FROM audit WHERE id = ?", (last,))
con.commit()
p = keel("audit", "verify", "--db", db)
t.check("cli-6.5", p.returncode == 0, "without a head, a cut end is not visible")
p = keel("audit", "verify", "--db", db, "--head", head["head"])
t.check("cli-6.6", p.returncode == 1 and "removed" in p.stderr, p.stderr)
p = keel("audit", "verify", "--db", db, "--head", "abc")
t.check("cli-6.7", p.returncode == 2)

# cli-7: a database written by a newer keel is refused by every command
con.execute("PRAGMA user_version = 999")
con.commit()
con.close()
for i, args in enumerate([["user", "list"], ["audit", "verify"], ["serve", "--listen", "127.0.0.1:0"]]):
    p = keel(*args, "--db", db)
    t.check("cli-7.%d" % (i + 1), p.returncode in (1, 2) and "newer keel" in p.stderr, p.stderr)
t.done()
