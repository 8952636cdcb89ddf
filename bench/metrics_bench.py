#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""GET /metrics with 100 systems (issue 19: "answers within 10 ms with 100
systems"). A keel serve with --systems registered systems (default 100),
each sent --hours hours (default 12) of events: 2 versions x 2 segments x
one event a minute, so the store holds 100 x 4 x 720 minute windows (and
their hours and days) as after half a day of traffic. Once the windows are
in the database, /metrics is fetched --requests times (default 200) over
one keep-alive connection with a metrics:read token; the figures are the
median, the 95th and 99th percentile and the largest time from sending the
request to the last byte of the answer, the answer's size, and the
server's CPU time per request (user + system from /proc, which a loaded
machine does not inflate the way it does wall time); /healthz is timed
the same way first, as the machine's floor for any request.

usage: bench/metrics_bench.py [KEEL_BIN] [--systems 100] [--hours 12] [--requests 200]
Exits non-zero when the median is over 10 ms."""
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from monitor_bench import cpu_seconds, free_port  # noqa: E402

ARGS = sys.argv[1:]
KEEL = ARGS[0] if ARGS and not ARGS[0].startswith("--") else "build/keel"


def opt(name, default):
    return int(ARGS[ARGS.index(name) + 1]) if name in ARGS else default


NSYS, HOURS, NREQ = opt("--systems", 100), opt("--hours", 12), opt("--requests", 200)
T0 = 1796650000000 - 1796650000000 % 3600000


def token(env, db, scope):
    p = subprocess.run([KEEL, "token", "create", "--db", db, "--email", "admin@bench.example", "--name",
                        scope, "--scope", scope], capture_output=True, text=True, env=env, check=True)
    return p.stdout.strip()


def main():
    tmp = tempfile.mkdtemp(prefix="keel-metricsbench-")
    db = os.path.join(tmp, "keel.db")
    env = dict(os.environ, KEEL_FAST_PWHASH="1")
    with open(os.path.join(tmp, "pw"), "w") as f:
        f.write("bench-password-1\n")
    subprocess.run([KEEL, "init", "--db", db, "--admin-email", "admin@bench.example",
                    "--admin-password-file", os.path.join(tmp, "pw")], check=True, env=env, capture_output=True)
    write, ingest, metrics = (token(env, db, s) for s in ("write", "ingest", "metrics:read"))
    port = free_port()
    proc = subprocess.Popen([KEEL, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port, "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    proc.stdout.readline()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(method, path, body, tok, ctype="application/json"):
        for _ in range(60):  # 503: the database is busy (a flush of many windows): again
            c.request(method, path, body=body, headers={"Authorization": "Bearer " + tok, "Content-Type": ctype})
            r = c.getresponse()
            data = r.read()
            if r.status != 503:
                break
            time.sleep(0.5)
        if r.status // 100 != 2:
            raise RuntimeError("%s %s: %d %s" % (method, path, r.status, data[:300]))
        return data

    try:
        ini = json.loads(call("POST", "/api/v1/initiatives", json.dumps({"title": "Bench"}), write))["id"]
        t = time.time()
        for s in range(NSYS):
            name = "sys-%03d" % s
            call("POST", "/api/v1/systems", json.dumps({
                "name": name, "title": name, "initiative_id": ini, "risk_tier": "limited",
                "tier_reason": "bench"}), write)
            lines = []
            for m in range(HOURS * 60):
                for v in range(2):
                    for g in ("eu", "us"):
                        lines.append('{"event_id":"%d-%d-%s","ts":%d,"version":"v%d","segment":"%s",'
                                     '"latency_ms":%d,"score":0.%02d,"prediction":%d,"label":%d}'
                                     % (m, v, g, T0 + m * 60000, v, g, 5 + (m * 7 + s) % 90,
                                        (m * 13 + s) % 100, m % 2, (m // 2) % 2))
            call("POST", "/api/v1/systems/%s/events" % name, ("\n".join(lines) + "\n").encode(), ingest,
                 "application/x-ndjson")
        print("%d systems, %d events each, sent in %.1f s" % (NSYS, HOURS * 60 * 4, time.time() - t), flush=True)
        for _ in range(600):  # the windows are in the database
            body = call("GET", "/metrics", None, metrics).decode()
            if "\nkeel_monitor_lag_frames 0\n" in body and "keel_monitor_pending_windows 0\n" in body:
                break
            time.sleep(0.5)
        n = sum(1 for x in body.splitlines() if x.startswith("keel_window_events{"))
        print("windows in the store after %.1f s; /metrics lists %d latest windows" % (time.time() - t, n),
              flush=True)
        if os.environ.get("KEEL_BENCH_PAUSE"):  # for a profiler: the server's pid, then wait
            print("pid", proc.pid, flush=True)
            time.sleep(float(os.environ["KEEL_BENCH_PAUSE"]))
        for path in ("/healthz", "/metrics"):  # /healthz: the machine's floor for a request
            ms = []
            c0 = cpu_seconds(proc.pid)
            for _ in range(NREQ):
                t1 = time.perf_counter()
                body = call("GET", path, None, metrics)
                ms.append((time.perf_counter() - t1) * 1000)
            cpu = (cpu_seconds(proc.pid) - c0) / NREQ * 1000
            ms.sort()
            med = statistics.median(ms)
            print("GET %-8s (%6d bytes), %d requests: min %.2f ms, median %.2f ms, p95 %.2f ms, p99 %.2f ms,"
                  " max %.2f ms; server CPU %.2f ms a request"
                  % (path, len(body), NREQ, ms[0], med, ms[int(0.95 * (NREQ - 1))], ms[int(0.99 * (NREQ - 1))],
                     ms[-1], cpu), flush=True)
        print("floor (median <= 10 ms): %s" % ("met" if med <= 10 else "MISSED"))
        return 0 if med <= 10 else 1
    finally:
        c.close()
        proc.terminate()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
