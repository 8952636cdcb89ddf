# SPDX-License-Identifier: GPL-3.0-or-later
"""Nothing keel acknowledged is ever lost: two writers create units while
the server is killed with SIGKILL; after a restart every unit that was
answered 201 is there, the database is intact and the audit chain verifies
(each change and its audit entry commit together)."""
import signal
import sqlite3
import subprocess
import threading
import time
from keeltest import Server, Cases, KEEL, BACKEND

t = Cases()
srv = Server()
acked = []
stop = threading.Event()


def writer(tag):
    c = srv.admin()
    i = 0
    while not stop.is_set():
        try:
            r = c.post("/api/v1/units", {"name": "%s-%d" % (tag, i), "kind": "department"})
        except OSError:
            break
        if r.status == 201:
            acked.append(r.json["id"])
        i += 1


threads = [threading.Thread(target=writer, args=(x,)) for x in ("a", "b")]
for th in threads:
    th.start()
time.sleep(1.0)
srv.proc.send_signal(signal.SIGKILL)
srv.proc.wait()
stop.set()
for th in threads:
    th.join()
t.check("durable-1.1", len(acked) > 10, "only %d writes acknowledged" % len(acked))
ids = {r[0] for r in srv.sql("SELECT id FROM unit")}
t.check("durable-1.2", set(acked) <= ids, "lost acknowledged units: %s" % sorted(set(acked) - ids)[:10])
if BACKEND == "sqlite":
    t.check("durable-1.3", srv.sql("PRAGMA integrity_check")[0][0] == "ok")
audited = {r[0] for r in srv.sql("SELECT entity_id FROM audit WHERE entity = 'unit' AND action = 'create'")}
t.check("durable-1.4", ids <= audited, "a unit without its audit entry")
p = subprocess.run([KEEL, "audit", "verify", "--db", srv.db], capture_output=True, text=True)
t.check("durable-1.5", p.returncode == 0, p.stdout + p.stderr)
t.done()
