#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Readers under writers (issue 13 item 7): wrk reads GET /api/v1/alignment
on the demo database, first alone, then while a second wrk runs 8
concurrent writers (a Lua script POSTing a new unit each time, each write
committed with fsync before its answer). The figure is reads/s alone over
reads/s under writers, the median of the rounds; the floor is 2x (reads
under 8 writers within 2x of reads alone). p99 latencies and writes/s are
printed with it. Before the fix (writes held libmicrohttpd's workers
through the write lock and the fsync) the issue measured 1,367 -> 54
reads/s, a ratio of 25.

usage: bench/rw_bench.py [KEEL_BIN] [--rounds 3] [--seconds 10]
Exits non-zero when the median ratio is over 2."""
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ARGS = sys.argv[1:]
KEEL = ARGS[0] if ARGS and not ARGS[0].startswith("--") else "build/keel"


def opt(name, default):
    return int(ARGS[ARGS.index(name) + 1]) if name in ARGS else default


ROUNDS, SECS = opt("--rounds", 3), opt("--seconds", 10)
PW = "bench-password-1"
WRITER_LUA = r"""
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  n = 0
end
request = function()
  n = n + 1
  local name = string.format("bench-%d-%d-%d", os.time(), id, n)
  return wrk.format("POST", "/api/v1/units", nil, '{"name":"' .. name .. '","kind":"department"}')
end
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wrk(port, token, path, conns, secs, lua=None):
    """Run wrk; returns (requests/s, p99 ms, non-2xx count)."""
    cmd = ["wrk", "-t2", "-c%d" % conns, "-d%ds" % secs, "--latency", "-H",
           "Authorization: Bearer " + token, "-H", "Content-Type: application/json"]
    if lua:
        cmd += ["-s", lua]
    out = subprocess.run(cmd + ["http://127.0.0.1:%d%s" % (port, path)], capture_output=True,
                         text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else float("nan")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(bad.group(1)) if bad else 0


def main():
    tmp = tempfile.mkdtemp(prefix="keel-rw-")
    try:
        db = os.path.join(tmp, "keel.db")
        pwf = os.path.join(tmp, "pw")
        with open(pwf, "w") as f:
            f.write(PW + "\n")
        env = dict(os.environ, KEEL_FAST_PWHASH="1")
        subprocess.run([KEEL, "init", "--db", db, "--admin-email", "admin@bench.example",
                        "--admin-password-file", pwf], check=True, env=env, capture_output=True)
        subprocess.run([KEEL, "demo", "--db", db], check=True, env=env, capture_output=True)
        token = subprocess.run([KEEL, "token", "create", "--db", db, "--email", "admin@bench.example",
                                "--name", "bench", "--scope", "write"], capture_output=True, text=True,
                               env=env, check=True).stdout.strip()
        lua = os.path.join(tmp, "writer.lua")
        with open(lua, "w") as f:
            f.write(WRITER_LUA)
        port = free_port()
        proc = subprocess.Popen([KEEL, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port,
                                 "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=env, text=True)
        proc.stdout.readline()
        try:
            wrk(port, token, "/api/v1/alignment", 8, 2)  # warm up
            rows = []
            for r in range(ROUNDS):
                alone = wrk(port, token, "/api/v1/alignment", 8, SECS)
                w = subprocess.Popen(["wrk", "-t2", "-c8", "-d%ds" % (SECS + 2), "--latency", "-s", lua,
                                      "-H", "Authorization: Bearer " + token, "-H",
                                      "Content-Type: application/json",
                                      "http://127.0.0.1:%d/api/v1/units" % port],
                                     stdout=subprocess.PIPE, text=True)
                time.sleep(1)
                under = wrk(port, token, "/api/v1/alignment", 8, SECS)
                wout = w.communicate()[0]
                wrps = float(re.search(r"Requests/sec:\s+([\d.]+)", wout).group(1))
                wbad = re.search(r"Non-2xx or 3xx responses: (\d+)", wout)
                ratio = alone[0] / under[0] if under[0] else float("inf")
                rows.append(ratio)
                print("round %d: reads alone %.0f/s (p99 %.1f ms); under 8 writers %.0f/s (p99 %.1f ms), "
                      "writes %.0f/s (non-2xx %s); ratio %.2f"
                      % (r + 1, alone[0], alone[1], under[0], under[1], wrps,
                         wbad.group(1) if wbad else 0, ratio), flush=True)
            med = statistics.median(rows)
            print("readers under writers: median ratio %.2f (floor 2.0) over %d rounds of %d s"
                  % (med, ROUNDS, SECS))
            return 0 if med <= 2.0 else 1
        finally:
            proc.terminate()
            proc.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
