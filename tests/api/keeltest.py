# SPDX-License-Identifier: GPL-3.0-or-later
"""Harness for keel's API tests: a real `keel serve` on a free loopback
port over a fresh database, and a small client (cookies, CSRF, Bearer).
Standard library only.

The back end: a SQLite file, or, when KEEL_TEST_PG_FILE names the state
file of scripts/pgtest.sh, a new schema of its own in that throwaway
PostgreSQL (read through psql). new_db() and db_sql() hide the difference."""
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

KEEL = os.environ.get("KEEL_BIN", "build/keel")
ADMIN_EMAIL = "admin@example.com"
ADMIN_PW = "admin-password-1"
ROLES = ["admin", "committee", "owner", "engineer", "risk", "viewer"]


def pg_base_url():
    """The throwaway PostgreSQL's URL, or None when testing on SQLite."""
    f = os.environ.get("KEEL_TEST_PG_FILE")
    if not f:
        return None
    with open(f) as fh:
        for line in fh:
            if line.startswith("url="):
                return line.strip()[4:]
    raise RuntimeError("%s has no url= line (is the PostgreSQL fixture running?)" % f)


PG = pg_base_url()
BACKEND = "postgresql" if PG else "sqlite"


def new_db(directory, name="keel.db"):
    """A new, empty database: a file in directory, or a fresh schema."""
    if not PG:
        return os.path.join(directory, name)
    schema = "t_" + uuid.uuid4().hex[:16]
    run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", PG, "-c", "CREATE SCHEMA " + schema])
    return PG + "?options=-csearch_path%3D" + schema


def _literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def _bind(query, args):
    out, i, k, q = [], 0, 0, None
    while i < len(query):
        c = query[i]
        if q:
            if c == q:
                q = None
        elif c in "'\"":
            q = c
        elif c == "?":
            out.append(_literal(args[k]))
            k += 1
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def db_sql(db, query, args=(), write=False):
    """Run one statement on a test database directly (a second connection);
    rows as lists of tuples, as sqlite3 returns them."""
    if not db.startswith("postgres"):
        if write:
            con = sqlite3.connect(db, timeout=10)
        else:
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
        try:
            rows = con.execute(query, args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()
    text = _bind(query, args)
    if not write and text.lstrip().upper().startswith("SELECT"):
        text = "SELECT coalesce(json_agg(row_to_json(q)), '[]') FROM (%s) q" % text
        p = run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", db, "-c", text])
        rows = json.loads(p.stdout or "[]", object_pairs_hook=lambda kv: tuple(v for _, v in kv))
        return [tuple(r) for r in rows]
    run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", db, "-c", text])
    return []


def db_tables(db):
    if db.startswith("postgres"):
        q = ("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
             "AND table_type = 'BASE TABLE' AND table_name <> 'keel_schema' ORDER BY 1")
    else:
        q = "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
    return [r[0] for r in db_sql(db, q)]


class Server:
    """keel serve on 127.0.0.1:0 over a new database with one admin."""

    def __init__(self, extra_args=(), demo=False, fast_pwhash=True, db=None, env=None):
        """With db, serve that existing database (a second server on it)."""
        self.dir = tempfile.mkdtemp(prefix="keeltest-")
        self.db = db or new_db(self.dir)
        self.env = dict(os.environ, **(env or {}))
        if fast_pwhash:
            self.env["KEEL_FAST_PWHASH"] = "1"
        pw = os.path.join(self.dir, "pw")
        with open(pw, "w") as f:
            f.write(ADMIN_PW + "\n")
        if not db:  # a second server on an existing database skips init
            run([KEEL, "init", "--db", self.db, "--admin-email", ADMIN_EMAIL,
                 "--admin-password-file", pw], env=self.env)
        if demo:
            run([KEEL, "demo", "--db", self.db], env=self.env)
        self.log = open(os.path.join(self.dir, "serve.log"), "w+")
        self.proc = subprocess.Popen(
            [KEEL, "serve", "--db", self.db, "--listen", "127.0.0.1:0", *extra_args],
            stdout=subprocess.PIPE, stderr=self.log, env=self.env, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.log.seek(0)
            raise RuntimeError("server did not start: %r %s" % (line, self.log.read()))
        self.port = int(line.strip().rsplit(":", 1)[1])

    def client(self):
        return Client(self.port)

    def admin(self):
        c = self.client()
        c.login(ADMIN_EMAIL, ADMIN_PW)
        return c

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def sql(self, query, args=()):
        """Read the database directly (a second connection, read-only)."""
        return db_sql(self.db, query, args)

    def write_sql(self, query, args=()):
        """Change the database behind the server's back (tests of tampering)."""
        return db_sql(self.db, query, args, write=True)

    def snapshot(self):
        """Every user table's rows, to prove that bad input changed nothing."""
        # not sessions, nor the scheduler's bookkeeping (its jobs run on
        # their own clock: webhooks.deliver every 10 s)
        tables = [t for t in db_tables(self.db) if t not in ("session", "job", "job_run", "job_lease")]
        if not PG:
            return {t: self.sql("SELECT * FROM %s ORDER BY 1" % t) for t in tables}
        # one psql call per 40 tables (a call per table is slow;
        # json_build_object takes at most 100 arguments)
        out = {}
        for k in range(0, len(tables), 40):
            parts = ", ".join("'%s', (SELECT coalesce(json_agg(row_to_json(x)), '[]') FROM "
                              "(SELECT * FROM %s ORDER BY 1) x)" % (t, t) for t in tables[k:k + 40])
            p = run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", self.db, "-c",
                     "SELECT json_build_object(%s)" % parts])
            data = json.loads(p.stdout, object_pairs_hook=lambda kv: kv)
            out.update({t: [tuple(v for _, v in row) for row in rows] for t, rows in data})
        return out

    def only_actions_added(self, before, n=1):
        """A refusal that raises an action (a gate refusal, path 5) changes
        nothing but that: n new action_item rows and their audit entries."""
        after = self.snapshot()
        changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
        if changed != ["action_item", "audit"]:
            return False, changed
        added = [r for r in after["audit"] if r not in before["audit"]]
        ok = (len(after["action_item"]) == len(before["action_item"]) + n
              and all(r in after["action_item"] for r in before["action_item"])
              and len(added) == n and all(r[5] == "action" for r in added))
        return ok, (changed, added)


def run(args, env=None, check=True, input=None):
    p = subprocess.run(args, env=env, capture_output=True, text=True, input=input)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s %s" % (args, p.returncode, p.stdout, p.stderr))
    return p


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def error(self):
        return (self.json or {}).get("error", {})


class Client:
    def __init__(self, port):
        self.port = port
        self.cookie = None
        self.csrf = None
        self.token = None

    def request(self, method, path, body=None, headers=None, raw=None, ctype="application/json"):
        h = dict(headers or {})
        data = None
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body).encode()
        if data is not None and ctype and "Content-Type" not in h:
            h["Content-Type"] = ctype
        if self.cookie:
            h.setdefault("Cookie", self.cookie)
            if method not in ("GET", "HEAD") and self.csrf:
                h.setdefault("X-CSRF-Token", self.csrf)
        if self.token:
            h.setdefault("Authorization", "Bearer " + self.token)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            resp = Response(r.status, r.getheaders(), r.read().decode("utf-8", "replace"))
        finally:
            conn.close()
        return resp

    def login(self, email, password):
        r = self.request("POST", "/api/v1/session", {"email": email, "password": password})
        if r.status == 201:
            self.cookie = r.header("Set-Cookie").split(";")[0]
            self.csrf = r.json["csrf_token"]
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def bearer(port, token):
    c = Client(port)
    c.token = token
    return c


class Cases:
    """Numbered cases: check(id, cond, detail) records failures; done()
    prints a summary and exits non-zero when any failed."""

    def __init__(self):
        self.failed = []
        self.n = 0

    def check(self, case, cond, detail=""):
        self.n += 1
        if not cond:
            self.failed.append(case)
            print("FAIL %s %s" % (case, detail))

    def status(self, case, r, status, code=None, field=None):
        ok = r.status == status
        if code is not None:
            ok = ok and r.error().get("code") == code
        if field is not None:
            ok = ok and r.error().get("field") == field
        if status >= 400:
            ok = ok and isinstance(r.error().get("message"), str) and r.header("X-Request-Id")
        self.check(case, ok, "expected %s %s %s, got %s %s" % (status, code or "", field or "",
                                                               r.status, r.body[:300]))

    def done(self):
        print("%d checks, %d failed" % (self.n, len(self.failed)))
        sys.exit(1 if self.failed else 0)
