# SPDX-License-Identifier: GPL-3.0-or-later
"""Harness for keel's API tests: a real `keel serve` on a free loopback
port over a fresh SQLite file, and a small client (cookies, CSRF, Bearer).
Standard library only."""
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

KEEL = os.environ.get("KEEL_BIN", "build/keel")
ADMIN_EMAIL = "admin@example.com"
ADMIN_PW = "admin-password-1"
ROLES = ["admin", "committee", "owner", "engineer", "risk", "viewer"]


class Server:
    """keel serve on 127.0.0.1:0 over a new database with one admin."""

    def __init__(self, extra_args=(), demo=False, fast_pwhash=True, db=None, env=None):
        self.dir = tempfile.mkdtemp(prefix="keeltest-")
        self.db = db or os.path.join(self.dir, "keel.db")
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
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            return con.execute(query, args).fetchall()
        finally:
            con.close()

    def snapshot(self):
        """Every user table's rows, to prove that bad input changed nothing."""
        tables = [r[0] for r in self.sql(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('session') ORDER BY name")]
        return {t: self.sql("SELECT * FROM %s ORDER BY 1" % t) for t in tables}


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
