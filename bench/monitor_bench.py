#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Monitoring intake: keel against InfluxDB 1.6 (Debian's influxdb), side
by side in the same run. The same events in batches of 5,000 (about 1 MB of
NDJSON each; line protocol for InfluxDB) are posted over loopback keep-alive
HTTP by this generator (two connections); each server's CPU time (user +
system, from /proc/PID/stat, so the generator's share does not count) is
read before and after each run, which ends when the server has written
everything (keel: its windows are in the database). Runs alternate
keel/InfluxDB; the figure is the median. keel stores durably (fsync before
the answer, zstd segments) with its windows updated; InfluxDB with its
default WAL fsync.

usage: bench/monitor_bench.py [KEEL_BIN] [--rounds 5] [--batches 200] [--soak SECONDS]
Exits non-zero when keel is under 1,000,000 events per CPU-second or under
4x InfluxDB's events per CPU-second."""
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ARGS = [x for x in sys.argv[1:]]
KEEL = ARGS[0] if ARGS and not ARGS[0].startswith("--") else "build/keel"


def opt(name, default):
    return int(ARGS[ARGS.index(name) + 1]) if name in ARGS else default


ROUNDS, NBATCH, SOAK = opt("--rounds", 5), opt("--batches", 200), opt("--soak", 0)
BATCH = 5000
TICK = os.sysconf("SC_CLK_TCK")
PW = "bench-password-1"


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / TICK  # utime, stime


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def gen(round_no, nbatch):
    """nbatch batches of the same events as NDJSON and as line protocol."""
    rnd = random.Random(round_no)
    nd, lp = [], []
    t0 = 1796650000000
    for b in range(nbatch):
        a, c = [], []
        for e in range(BATCH):
            ts = t0 + (b * BATCH + e) * 3
            ver = "v%d" % (e % 3)
            seg = ("eu", "us", "apac")[e % 3 == 1 and 1 or (e % 7 == 0 and 2 or 0)]
            lat = round(rnd.lognormvariate(2.5, 0.6), 2)
            score = round(rnd.random(), 4)
            age, inc, ten = rnd.randint(18, 90), round(rnd.uniform(1e4, 2e5), 1), rnd.randint(0, 40)
            eid = "r%d-b%d-e%d" % (round_no, b, e)
            a.append('{"event_id":"%s","ts":%d,"version":"%s","segment":"%s","latency_ms":%s,'
                     '"score":%s,"prediction":%d,"f.age":%d,"f.income":%s,"f.tenure":%d}'
                     % (eid, ts, ver, seg, lat, score, score >= 0.5, age, inc, ten))
            c.append('pred,system=churn-scorer,version=%s,segment=%s event_id="%s",latency_ms=%s,'
                     'score=%s,prediction=%di,f_age=%di,f_income=%s,f_tenure=%di %d'
                     % (ver, seg, eid, lat, score, score >= 0.5, age, inc, ten, ts))
        nd.append(("\n".join(a) + "\n").encode())
        lp.append(("\n".join(c) + "\n").encode())
    return nd, lp


def post_all(port, path, headers, batches, nconn=2):
    """Post every batch over nconn keep-alive connections; returns the
    statuses that were not 2xx."""
    bad = []
    lock = threading.Lock()
    it = iter(batches)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                body = next(it, None)
            if body is None:
                break
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            if r.status // 100 != 2:
                with lock:
                    bad.append((r.status, data[:200]))
        conn.close()

    th = [threading.Thread(target=worker) for _ in range(nconn)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    return bad


class Keel:
    def __init__(self, tmp, extra=()):
        self.db = os.path.join(tmp, "keel.db")
        pwf = os.path.join(tmp, "pw")
        with open(pwf, "w") as f:
            f.write(PW + "\n")
        env = dict(os.environ, KEEL_FAST_PWHASH="1")
        subprocess.run([KEEL, "init", "--db", self.db, "--admin-email", "admin@bench.example",
                        "--admin-password-file", pwf], check=True, env=env, capture_output=True)
        self.token = self.setup_system(env)
        self.port = free_port()
        self.proc = subprocess.Popen([KEEL, "serve", "--db", self.db, "--listen",
                                      "127.0.0.1:%d" % self.port, "--quiet", "--threads", "2"] + list(extra),
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        self.proc.stdout.readline()

    def setup_system(self, env):
        """An initiative and the system churn-scorer, and an ingest token."""
        def api(method, path, body):
            p = subprocess.run([KEEL, "api", "--db", self.db, method, path, "--data", json.dumps(body)],
                               capture_output=True, text=True, env=env)
            if p.returncode:
                raise RuntimeError(p.stderr)
            return json.loads(p.stdout) if p.stdout.strip() else {}
        init = api("POST", "/api/v1/initiatives", {"title": "Churn"})
        api("POST", "/api/v1/systems", {"name": "churn-scorer", "title": "Churn scorer",
                                         "initiative_id": init.get("id"), "risk_tier": "limited",
                                         "tier_reason": "marketing offers only"})
        p = subprocess.run([KEEL, "token", "create", "--db", self.db, "--email", "admin@bench.example",
                            "--name", "bench", "--scope", "ingest"], capture_output=True, text=True, env=env)
        return p.stdout.strip()

    def metrics_token(self):
        """A token with the metrics:read scope (for settle)."""
        env = dict(os.environ, KEEL_FAST_PWHASH="1")
        p = subprocess.run([KEEL, "token", "create", "--db", self.db, "--email", "admin@bench.example",
                            "--name", "metrics", "--scope", "metrics:read"], capture_output=True, text=True,
                           env=env)
        return p.stdout.strip()

    def run(self, batches):
        h = {"Content-Type": "application/x-ndjson", "Authorization": "Bearer " + self.token}
        return post_all(self.port, "/api/v1/systems/churn-scorer/events", h, batches)

    def settle(self):
        """Wait until every frame is in the stored windows (lag 0)."""
        for _ in range(100):
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            c.request("GET", "/metrics", headers={"Authorization": "Bearer " + self.mtoken})
            body = c.getresponse().read().decode()
            c.close()
            if "\nkeel_monitor_lag_frames 0\n" in body:
                return
            time.sleep(0.1)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Influx:
    def __init__(self, tmp):
        d = os.path.join(tmp, "influx")
        self.port = free_port()
        conf = os.path.join(tmp, "influxdb.conf")
        with open(conf, "w") as f:
            f.write('reporting-disabled = true\nbind-address = "127.0.0.1:%d"\n'
                    '[meta]\n  dir = "%s/meta"\n[data]\n  dir = "%s/data"\n  wal-dir = "%s/wal"\n'
                    '  query-log-enabled = false\n[http]\n  bind-address = "127.0.0.1:%d"\n'
                    '  log-enabled = false\n[monitor]\n  store-enabled = false\n'
                    % (free_port(), d, d, d, self.port))
        self.proc = subprocess.Popen(["influxd", "-config", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("POST", "/query", body="q=CREATE+DATABASE+bench",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        self.pid = self.proc.pid

    def run(self, batches):
        return post_all(self.port, "/write?db=bench&precision=ms", {"Content-Type": "text/plain"}, batches)

    def settle(self):
        time.sleep(1.0)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def measure(server, pid, batches):
    c0, t0 = cpu_seconds(pid), time.time()
    bad = server.run(batches)
    server.settle()
    c1, t1 = cpu_seconds(pid), time.time()
    if bad:
        raise RuntimeError("refused batches: %s" % bad[:3])
    n = len(batches) * BATCH
    return n / (c1 - c0), n / (t1 - t0), c1 - c0


def main():
    tmp = tempfile.mkdtemp(prefix="keel-monbench-")
    keel = Keel(tmp)
    keel.mtoken = keel.metrics_token()
    influx = Influx(tmp)
    res = {"keel": [], "influxdb": []}
    try:
        for r in range(ROUNDS):
            nd, lp = gen(r, NBATCH)
            order = [("keel", keel, keel.proc.pid, nd), ("influxdb", influx, influx.pid, lp)]
            if r % 2:
                order.reverse()
            for name, srv, pid, batches in order:
                per_cpu, per_wall, cpu = measure(srv, pid, batches)
                res[name].append((per_cpu, per_wall, cpu))
                print("round %d %-8s %10.0f events/CPU-s %10.0f events/s  (%.2f CPU-s, RSS %.0f MB)"
                      % (r + 1, name, per_cpu, per_wall, cpu, rss_mb(pid)), flush=True)
        if SOAK:
            soak(keel)
    finally:
        keel.stop()
        influx.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    k = statistics.median(x[0] for x in res["keel"])
    i = statistics.median(x[0] for x in res["influxdb"])
    kw = statistics.median(x[1] for x in res["keel"])
    iw = statistics.median(x[1] for x in res["influxdb"])
    print("median: keel %.0f events/CPU-s (%.0f/s wall), InfluxDB %.0f events/CPU-s (%.0f/s wall): %.1fx"
          % (k, kw, i, iw, k / i))
    ok = k >= 1e6 and k >= 4 * i
    print("floors (>= 1,000,000 events/CPU-s and >= 4x InfluxDB): %s" % ("met" if ok else "MISSED"))
    return 0 if ok else 1


def soak(keel):
    """Post for SOAK seconds; print RSS each 30 s (memory must stay flat)."""
    t0, r = time.time(), 1000
    while time.time() - t0 < SOAK:
        nd, _ = gen(r, 20)
        keel.run(nd)
        r += 1
        if r % 10 == 0:
            print("soak %4.0f s  RSS %.0f MB" % (time.time() - t0, rss_mb(keel.proc.pid)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
