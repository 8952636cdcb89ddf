# SPDX-License-Identifier: GPL-3.0-or-later
"""KEEL_FAST_PWHASH is a test hook: only a binary configured with
-DKEEL_TEST_HOOKS=ON honours it; any other build (make demo, a packager's)
gives an account created with the variable set the normal argon2id
parameters (libsodium's interactive limits: 64 MiB, 2 passes)."""
import os
import sqlite3
import tempfile
from keeltest import Cases, KEEL, run

t = Cases()
hooks = os.environ.get("KEEL_TEST_HOOKS") == "1"
d = tempfile.mkdtemp(prefix="keelpw-")
db = os.path.join(d, "k.db")
pw = os.path.join(d, "pw")
with open(pw, "w") as f:
    f.write("pw-test-password-1\n")
run([KEEL, "init", "--db", db, "--admin-email", "a@example.com", "--admin-password-file", pw],
    env=dict(os.environ, KEEL_FAST_PWHASH="1"))
con = sqlite3.connect(db)
h = con.execute("SELECT password_hash FROM account").fetchone()[0]
con.close()
t.check("pw-1.1", h.startswith("$argon2id$v=19$"), h[:40])
want = "$m=8,t=1," if hooks else "$m=65536,t=2,"
t.check("pw-1.2", want in h, "test hooks %s: expected %s in %s" % (hooks, want, h[:40]))
t.done()
