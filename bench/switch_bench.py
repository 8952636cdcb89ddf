#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The switch's read path against nginx (issue 18, docs/benchmarks.md).

GET /api/v1/switch/{system} with a switch:read bearer token, polled with
HTTP keep-alive by wrk over loopback (2 threads, 50 connections) from
`keel serve` with default flags, side by side in the same run with nginx
(Debian's package, one worker, access log off) serving the same JSON body
as a static file; and keel's GET /healthz, the request path without the
switch. The three alternate, ROUNDS times; each figure is the median.
Besides wrk's requests/s and p99 latency, the server's own CPU-seconds
(utime + stime from /proc, nginx: master and worker) are counted, so the
figures hold on a machine others share: requests per server CPU-second.

Floors (the issue): keel's switch read at least 0.5x nginx's requests/s and
its p99 at most 3x nginx's; exit 1 when missed.

usage: bench/switch_bench.py [KEEL_BIN]   (default build-release/keel)
env: ROUNDS (5), SECONDS (5), SYSTEM (service-chatbot)."""
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

KEEL = sys.argv[1] if len(sys.argv) > 1 else "build-release/keel"
ROUNDS = int(os.environ.get("ROUNDS", "5"))
SECS = int(os.environ.get("SECONDS", "5"))
SYSTEM = os.environ.get("SYSTEM", "service-chatbot")
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except FileNotFoundError:
            pass
    return total / TICK


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return out


def to_ms(s):
    m = re.match(r"([\d.]+)(us|ms|s)$", s)
    v = float(m.group(1))
    return {"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)]


def wrk(url, pids, token=None):
    cmd = ["wrk", "-t2", "-c50", "-d%ds" % SECS, "--latency", url]
    if token:
        cmd[1:1] = ["-H", "Authorization: Bearer " + token]
    c0 = cpu_seconds(pids)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pids) - c0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        sys.exit("wrk: %s non-2xx answers from %s" % (bad.group(1), url))
    return {"rps": rps, "p99": p99, "cpu": cpu, "per_cpu": total / cpu if cpu > 0 else float("inf")}


def main():
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            sys.exit("switch_bench: %s is missing (scripts/bootstrap.sh installs it)" % tool)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    tmp = tempfile.mkdtemp(prefix="keel-switch-bench-")
    os.chmod(tmp, 0o755)  # nginx's worker (nobody, when run as root) reads the file
    procs = []
    try:
        db = os.path.join(tmp, "keel.db")
        pw = os.path.join(tmp, "pw")
        with open(pw, "w") as f:
            f.write("bench-password-2026\n")
        subprocess.run([KEEL, "init", "--db", db], check=True, capture_output=True)
        subprocess.run([KEEL, "demo", "--db", db, "--password-file", pw], check=True, capture_output=True)
        token = subprocess.run([KEEL, "token", "create", "--db", db, "--email", "grace.kim@meridian.example",
                                "--name", "bench", "--scope", "switch:read"],
                               check=True, capture_output=True, text=True).stdout.strip()
        kport = free_port()
        k = subprocess.Popen([KEEL, "serve", "--db", db, "--listen", "127.0.0.1:%d" % kport],
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "keel.log"), "w"))
        procs.append(k)
        url = "http://127.0.0.1:%d/api/v1/switch/%s" % (kport, SYSTEM)
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
        for _ in range(200):
            try:
                body = urllib.request.urlopen(req, timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        else:
            sys.exit("switch_bench: keel serve did not answer")
        root = os.path.join(tmp, "www")
        os.makedirs(os.path.join(root, "api/v1/switch"))
        with open(os.path.join(root, "api/v1/switch", SYSTEM), "wb") as f:
            f.write(body)
        os.chmod(os.path.join(root, "api/v1/switch", SYSTEM), 0o644)
        for d in ("", "www", "www/api", "www/api/v1", "www/api/v1/switch"):
            os.chmod(os.path.join(tmp, d), 0o755)
        nport = free_port()
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write("""worker_processes 1;
pid %(tmp)s/nginx.pid;
error_log %(tmp)s/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path %(tmp)s/body; proxy_temp_path %(tmp)s/proxy;
  fastcgi_temp_path %(tmp)s/fcgi; uwsgi_temp_path %(tmp)s/uwsgi; scgi_temp_path %(tmp)s/scgi;
  server {
    listen 127.0.0.1:%(port)d;
    root %(tmp)s/www;
    default_type application/json;
    add_header Cache-Control no-cache;
  }
}
""" % {"tmp": tmp, "port": nport})
        n = subprocess.Popen([nginx, "-c", conf, "-p", tmp, "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(n)
        nurl = "http://127.0.0.1:%d/api/v1/switch/%s" % (nport, SYSTEM)
        for _ in range(200):
            try:
                if urllib.request.urlopen(nurl, timeout=1).read() == body:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            sys.exit("switch_bench: nginx did not serve the body")
        npids = [n.pid] + children(n.pid)
        hurl = "http://127.0.0.1:%d/healthz" % kport
        runs = {"keel switch": [], "nginx file": [], "keel healthz": []}
        for r in range(ROUNDS):  # alternate, so load from others falls on all three
            runs["keel switch"].append(wrk(url, [k.pid], token))
            runs["nginx file"].append(wrk(nurl, npids))
            runs["keel healthz"].append(wrk(hurl, [k.pid]))
        med = {name: {key: statistics.median(x[key] for x in v) for key in v[0]} for name, v in runs.items()}
        print("switch read vs nginx: wrk -t2 -c50 -d%ds, %d alternating rounds, medians; body %d bytes"
              % (SECS, ROUNDS, len(body)))
        print("%-13s %12s %10s %14s %16s" % ("", "requests/s", "p99 ms", "server CPU-s", "requests/CPU-s"))
        for name, m in med.items():
            print("%-13s %12.0f %10.2f %14.2f %16.0f" % (name, m["rps"], m["p99"], m["cpu"], m["per_cpu"]))
        k_, n_ = med["keel switch"], med["nginx file"]
        rps_ratio, p99_ratio = k_["rps"] / n_["rps"], k_["p99"] / n_["p99"]
        print("keel/nginx: requests/s %.2fx (floor 0.5x), p99 %.2fx (ceiling 3x), requests per server "
              "CPU-second %.2fx" % (rps_ratio, p99_ratio, k_["per_cpu"] / n_["per_cpu"]))
        print("keel /healthz: %.0f requests/s, %.0f per server CPU-second" % (med["keel healthz"]["rps"],
                                                                         med["keel healthz"]["per_cpu"]))
        return 0 if rps_ratio >= 0.5 and p99_ratio <= 3 else 1
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
