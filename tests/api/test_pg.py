# SPDX-License-Identifier: GPL-3.0-or-later
"""PostgreSQL as the shared store (runs only against the throwaway
PostgreSQL of scripts/pgtest.sh, as api-pg/test_pg):
pg-1 keel copy SQLite -> PostgreSQL -> SQLite loses nothing (every table
     equal, audit head the same, appended to neither log); a non-empty
     target is refused and left as it was;
pg-2 no password in the process list, the log or an error message;
pg-3 migrate: an older schema is refused by serve with the command to run,
     `keel migrate` upgrades it (two at once apply each step once), a newer
     schema is refused;
pg-4 /healthz answers 503 with the reason while the database is
     unreachable, and 200 again once it is back (no restart);
pg-5 two servers on one database: a write on one is read on the other, a
     session from one works on the other, concurrent last-admin and
     sign-off races stay correct, the audit chain stays intact, killing one
     server loses no acknowledged write."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from keeltest import (Server, Cases, KEEL, PG, ADMIN_EMAIL, ADMIN_PW, run, new_db, db_sql,
                      db_tables)

if not PG:
    print("test_pg needs KEEL_TEST_PG_FILE (ctest runs it as api-pg/test_pg)")
    sys.exit(1)

t = Cases()
env = dict(os.environ, KEEL_FAST_PWHASH="1")
d = tempfile.mkdtemp(prefix="keelpg-")


def keel(*args, extra_env=None):
    return subprocess.run([KEEL, *args], env=dict(env, **(extra_env or {})), capture_output=True,
                          text=True)


def all_rows(db):
    return {tb: db_sql(db, "SELECT * FROM %s ORDER BY 1, 2" % tb) for tb in db_tables(db)}


# ---- pg-1: copy both ways ---------------------------------------------------------
src = os.path.join(d, "demo.db")
pw = os.path.join(d, "pw")
with open(pw, "w") as f:
    f.write("demo-password-123\n")
p = keel("demo", "--db", src, "--password-file", pw, "--seed", "3")
t.check("pg-1.0", p.returncode == 0, p.stderr)
pgdb = new_db(d)
p = keel("copy", "--from", src, "--to", pgdb, "--json")
t.check("pg-1.1", p.returncode == 0, p.stdout + p.stderr)
back = os.path.join(d, "back.db")
p = keel("copy", "--from", pgdb, "--to", back)
t.check("pg-1.2", p.returncode == 0 and "row counts match" in p.stdout, p.stdout + p.stderr)
a, b, c = all_rows(src), all_rows(pgdb), all_rows(back)
t.check("pg-1.3", a == c, [k for k in a if a[k] != c.get(k)][:5])
t.check("pg-1.4", set(a) == set(b) and all(len(a[k]) == len(b[k]) for k in a),
        [k for k in a if len(a[k]) != len(b.get(k, []))][:5])
heads = [keel("audit", "head", "--db", x).stdout for x in (src, pgdb, back)]
t.check("pg-1.5", heads[0] == heads[1] == heads[2] and heads[0], heads)
p = keel("audit", "verify", "--db", pgdb)
t.check("pg-1.6", p.returncode == 0, p.stdout + p.stderr)
# the copy on PostgreSQL takes new rows with fresh ids (sequences moved on)
p = keel("api", "--db", pgdb, "--as", "admin@meridian.example", "POST", "/api/v1/units",
         "--data", '{"name":"After copy","kind":"department"}')
t.check("pg-1.7", p.returncode == 0 and '"id"' in p.stdout, p.stdout + p.stderr)
# a target that is not empty is refused and left as it was
before = all_rows(pgdb)
p = keel("copy", "--from", src, "--to", pgdb)
t.check("pg-1.8", p.returncode == 2 and "empty" in p.stderr, p.stderr)
t.check("pg-1.9", all_rows(pgdb) == before)
p = keel("copy", "--from", pgdb, "--to", back)
t.check("pg-1.10", p.returncode == 2 and "exists" in p.stderr, p.stderr)

# ---- pg-2: passwords stay out of sight --------------------------------------------
secret = "Sup3rSecretPw"
url = PG.replace("postgres@", "postgres:%s@" % secret, 1)
schema_url = pgdb.replace(PG, url, 1)
srv = subprocess.Popen([KEEL, "serve", "--db", schema_url, "--listen", "127.0.0.1:0"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
line = srv.stdout.readline()
t.check("pg-2.1", "listening on" in line, line)
with open("/proc/%d/cmdline" % srv.pid, "rb") as f:
    cmdline = f.read().decode("utf-8", "replace")
t.check("pg-2.2", secret not in cmdline and "127.0.0.1" in cmdline, cmdline)
srv.send_signal(signal.SIGTERM)
out, err = srv.communicate(timeout=30)
t.check("pg-2.3", secret not in err and "serving postgresql://postgres:***@" in err, err[-400:])
p = keel("user", "list", "--db", "postgresql://postgres:%s@127.0.0.1:1/nowhere" % secret)
t.check("pg-2.4", p.returncode != 0 and secret not in p.stderr and "cannot connect" in p.stderr,
        p.stderr)

# ---- pg-3: migrate ------------------------------------------------------------------
p = keel("version", "--json")
old = new_db(d)
p = keel("migrate", "--db", old, extra_env={"KEEL_TEST_SCHEMA_STOP": "1"})
t.check("pg-3.1", p.returncode == 0 and "to 1" in p.stdout, p.stdout + p.stderr)
p = subprocess.run([KEEL, "serve", "--db", old, "--listen", "127.0.0.1:0"], env=env,
                   capture_output=True, text=True, timeout=60)
t.check("pg-3.2", p.returncode != 0 and "keel migrate --db" in p.stderr, p.stderr)
# two migrations at once: each step applied once, both succeed
ps = [subprocess.Popen([KEEL, "migrate", "--db", old, "--json"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True) for _ in range(2)]
res = [x.communicate(timeout=120) + (x.returncode,) for x in ps]
t.check("pg-3.3", all(r[2] == 0 for r in res), res)
ver = db_sql(old, "SELECT version FROM keel_schema")[0][0]
p = keel("migrate", "--db", old)
t.check("pg-3.4", p.returncode == 0 and "already" in p.stdout and ver > 1, p.stdout + p.stderr)
db_sql(old, "UPDATE keel_schema SET version = version + 1", write=True)
p = keel("migrate", "--db", old)
t.check("pg-3.5", p.returncode == 2 and "newer keel" in p.stderr, p.stderr)
p = subprocess.run([KEEL, "serve", "--db", old, "--listen", "127.0.0.1:0"], env=env,
                   capture_output=True, text=True, timeout=60)
t.check("pg-3.6", p.returncode != 0 and "newer keel" in p.stderr, p.stderr)
# SQLite migrates an older file by itself
sq = os.path.join(d, "old.db")
p = keel("migrate", "--db", sq, extra_env={"KEEL_TEST_SCHEMA_STOP": "1"})
p = keel("init", "--db", sq, "--admin-email", "x@example.com", "--admin-password-file", pw)
t.check("pg-3.7", p.returncode == 0, p.stdout + p.stderr)


# ---- pg-4: /healthz follows the database ----------------------------------------------
class Proxy:
    """A TCP relay to PostgreSQL that can be cut and restored."""

    def __init__(self, port):
        self.target = port
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.port = self.lsock.getsockname()[1]
        self.lsock.listen(64)
        self.up = True
        self.conns = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            if not self.up:
                c.close()
                continue
            try:
                u = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                c.close()
                continue
            self.conns += [c, u]
            for x, y in ((c, u), (u, c)):
                threading.Thread(target=self.pipe, args=(x, y), daemon=True).start()

    @staticmethod
    def pipe(x, y):
        try:
            while True:
                data = x.recv(65536)
                if not data:
                    break
                y.sendall(data)
        except OSError:
            pass
        for s in (x, y):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.up = False
        for s in self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.conns = []

    def restore(self):
        self.up = True


pg_port = int(PG.split("@127.0.0.1:")[1].split("/")[0])
proxy = Proxy(pg_port)
s4 = Server(db=pgdb.replace("127.0.0.1:%d" % pg_port, "127.0.0.1:%d" % proxy.port, 1))
r = s4.client().get("/healthz")
t.check("pg-4.1", r.status == 200 and r.json["status"] == "ok", r.body)
proxy.cut()
time.sleep(0.3)
r = s4.client().get("/healthz")
t.status("pg-4.2", r, 503, "busy")
t.check("pg-4.3", "unreachable" in r.error().get("message", ""), r.body)
proxy.restore()
r = s4.client().get("/healthz")
t.check("pg-4.4", r.status == 200, r.body)
s4.stop()

# ---- pg-5: two servers on one database --------------------------------------------
A = Server()
B = Server(db=A.db)
ca, cb = A.admin(), B.admin()
r = ca.post("/api/v1/units", {"name": "Written on A", "kind": "department"})
t.status("pg-5.1", r, 201)
r2 = cb.get("/api/v1/units/%d" % r.json["id"])
t.check("pg-5.2", r2.status == 200 and r2.json["name"] == "Written on A", r2.body)
# a session opened on A is valid on B (sessions live in the database)
shared = B.client()
shared.cookie, shared.csrf = ca.cookie, ca.csrf
t.status("pg-5.3", shared.get("/api/v1/session"), 200)
t.status("pg-5.4", shared.post("/api/v1/units", {"name": "Via A's session on B", "kind": "department"}), 201)

# last-admin race: the only two enabled admins disable each other at the
# same moment, one through each server; exactly one succeeds (the other is
# refused as the last admin, or finds its own session gone) and one remains
boss, boss_id, ok_rounds = ca, 1, 0
for i in range(6):
    ids, cx = [], []
    for j, srv_ in enumerate((A, B)):
        email, pw_ = "adm%d-%d@example.com" % (i, j), "admin-password-%d" % j
        r = boss.post("/api/v1/accounts", {"email": email, "name": "A", "role": "admin",
                                           "password": pw_})
        ids.append(r.json["id"])
        c = srv_.client()
        c.login(email, pw_)
        cx.append(c)
    cx[0].patch("/api/v1/accounts/%d" % boss_id, {"disabled": True})
    results = [None, None]
    barrier = threading.Barrier(2)

    def go(j):
        barrier.wait()
        results[j] = cx[j].patch("/api/v1/accounts/%d" % ids[1 - j], {"disabled": True}).status

    th = [threading.Thread(target=go, args=(j,)) for j in range(2)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    n = db_sql(A.db, "SELECT count(*) FROM account WHERE role = 'admin' AND disabled = 0")[0][0]
    if n == 1 and sorted(results) in ([200, 401], [200, 422]):
        ok_rounds += 1
    else:
        print("round", i, results, "enabled admins:", n)
        break
    w = results.index(200)
    boss, boss_id = cx[w], ids[w]
t.check("pg-5.5", ok_rounds == 6, "%d of 6 rounds right" % ok_rounds)

# concurrent writes on both servers, then kill A: nothing acknowledged is lost
ca, cb = boss, B.client()
cb.cookie, cb.csrf = ca.cookie, ca.csrf
acked, stop = [], threading.Event()


def writer(c, tag):
    k = 0
    while not stop.is_set():
        try:
            r = c.post("/api/v1/units", {"name": "%s-%d" % (tag, k), "kind": "department"})
        except OSError:
            break
        if r.status == 201:
            acked.append(r.json["id"])
        k += 1


ths = [threading.Thread(target=writer, args=(c, tag)) for c, tag in ((ca, "a"), (cb, "b"))]
for x in ths:
    x.start()
time.sleep(2.0)
A.proc.send_signal(signal.SIGKILL)
A.proc.wait()
time.sleep(0.5)
stop.set()
for x in ths:
    x.join()
ids = {row[0] for row in db_sql(B.db, "SELECT id FROM unit")}
t.check("pg-5.7", len(acked) > 10 and set(acked) <= ids,
        "%d acked, lost %s" % (len(acked), sorted(set(acked) - ids)[:10]))
p = keel("audit", "verify", "--db", B.db)
t.check("pg-5.8", p.returncode == 0, p.stdout + p.stderr)
t.status("pg-5.9", cb.get("/api/v1/units?limit=1"), 200)
B.stop()
t.done()
