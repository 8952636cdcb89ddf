# SPDX-License-Identifier: GPL-3.0-or-later
"""Monitoring over HTTP: GET /metrics parsed by Prometheus's own parser
(python3-prometheus-client), who may read it (admin sessions, metrics:read
tokens); the scheduler's jobs listed and run under their lease, runs
recorded; keel jobs list|run on the same database."""
import json
import subprocess
import time
from prometheus_client.parser import text_string_to_metric_families
from keeltest import Server, Cases, KEEL, bearer

t = Cases()
srv = Server()
a = srv.admin()
for email, role in [("erin.eng@example.com", "engineer"), ("vic.viewer@example.com", "viewer")]:
    t.status("mon-0.1 " + role, a.post("/api/v1/accounts", {"email": email, "name": role, "role": role,
                                                           "password": "password-of-" + role}), 201)
eng = srv.client()
eng.login("erin.eng@example.com", "password-of-engineer")
toks = {}
for scope in ["metrics:read", "ingest", "read"]:
    r = a.post("/api/v1/tokens", {"name": scope, "scope": scope})
    toks[scope] = (r.json or {}).get("token")

# ---- mon-1: /metrics in the exposition format ----------------------------------
a.get("/api/v1/units")
# A request is counted when the server has finished it, which may be just
# after the client has read the answer: wait (briefly) until it shows.
for _ in range(50):
    r = a.get("/metrics")
    fams = {}
    try:
        for f in text_string_to_metric_families(r.body):
            fams[f.name] = f
        parse_error = None
    except Exception as e:  # the parser refuses anything malformed
        parse_error = e
    req = fams.get("keel_http_requests")
    if parse_error or r.status != 200 or any(
            s.labels.get("route") == "GET /api/v1/units" for s in (req.samples if req else [])):
        break
    time.sleep(0.05)
t.status("mon-1.1", r, 200)
t.check("mon-1.2", (r.header("Content-Type") or "").startswith("text/plain; version=0.0.4"))
if parse_error:
    t.check("mon-1.3", False, "parser: %s" % parse_error)
for name in ["keel_http_requests", "keel_http_request_duration_seconds", "keel_ingest_events",
             "keel_segment_files", "keel_dedup_slots", "keel_monitor_pending_windows", "keel_job_runs"]:
    t.check("mon-1.4 " + name, name in fams, sorted(fams))
req = fams.get("keel_http_requests")
units = [s for s in (req.samples if req else []) if s.labels.get("route") == "GET /api/v1/units"]
t.check("mon-1.5", units and units[0].labels["code"] == "2xx" and units[0].value >= 1, str(units)[:300])
hist = fams.get("keel_http_request_duration_seconds")
buckets = [s for s in (hist.samples if hist else []) if s.name.endswith("_bucket")
           and s.labels.get("route") == "GET /api/v1/units"]
t.check("mon-1.6", buckets and buckets[-1].labels["le"] == "+Inf" and
        all(x.value <= y.value for x, y in zip(buckets, buckets[1:])), str(buckets)[:300])

# ---- mon-2: who may read it ---------------------------------------------------------
t.status("mon-2.1", bearer(srv.port, toks["metrics:read"]).get("/metrics"), 200)
t.status("mon-2.2", bearer(srv.port, toks["ingest"]).get("/metrics"), 403, "forbidden")
t.status("mon-2.3", eng.get("/metrics"), 403, "forbidden")
t.status("mon-2.4", srv.client().get("/metrics"), 401)
t.status("mon-2.5", bearer(srv.port, toks["metrics:read"]).get("/api/v1/units"), 403, "forbidden")

# ---- mon-3: jobs -----------------------------------------------------------------------
r = a.get("/api/v1/jobs")
t.status("mon-3.1", r, 200)
names = [j["name"] for j in (r.json or {}).get("jobs", [])]
t.check("mon-3.2", "monitor.compact" in names, str(names))
r = a.post("/api/v1/jobs/monitor.compact")
t.status("mon-3.3", r, 200)
job = [j for j in (r.json or {}).get("jobs", []) if j["name"] == "monitor.compact"]
t.check("mon-3.4", job and job[0]["last_outcome"] == "ok" and job[0]["lease_owner"] is None, str(job))
t.status("mon-3.5", a.post("/api/v1/jobs/no.such.job"), 404, "not_found")
t.status("mon-3.6", eng.get("/api/v1/jobs"), 403, "forbidden")
runs = srv.sql("SELECT job, outcome, finished_at IS NOT NULL FROM job_run")
t.check("mon-3.7", ("monitor.compact", "ok", 1) in runs, str(runs))
p = subprocess.run([KEEL, "jobs", "run", "monitor.compact", "--db", srv.db], env=srv.env,
                   capture_output=True, text=True)
t.check("mon-3.8", p.returncode == 0, p.stdout + p.stderr)
p = subprocess.run([KEEL, "jobs", "list", "--db", srv.db, "--json"], env=srv.env,
                   capture_output=True, text=True)
rows = json.loads(p.stdout or "[]")
rows = [r for r in rows if r["name"] == "monitor.compact"]
t.check("mon-3.9", p.returncode == 0 and rows and rows[0]["last_server"].startswith("cli:"), p.stdout + p.stderr)
p = subprocess.run([KEEL, "jobs", "run", "nope", "--db", srv.db], env=srv.env, capture_output=True, text=True)
t.check("mon-3.10", p.returncode != 0 and "keel jobs list" in p.stderr, p.stderr)
n = srv.sql("SELECT COUNT(*) FROM job_run WHERE job = 'monitor.compact'")[0][0]
t.check("mon-3.11", n >= 2, str(n))

# metrics after the jobs ran
fams = {f.name: f for f in text_string_to_metric_families(a.get("/metrics").body)}
runs = [s for s in fams["keel_job_runs"].samples if s.labels.get("job") == "monitor.compact"]
t.check("mon-3.12", runs and runs[0].value >= 2, str(runs))

t.check("mon-9.1", srv.stop() == 0)
t.done()
