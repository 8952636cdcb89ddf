#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Monitoring intake, one keel binary against another: the same events
(bench/monitor_bench.py's generator, batches of 5,000 over two keep-alive
connections) posted to two servers side by side, alternating which goes
first each round; the figure is each server's events per CPU-second (user
+ system of the server process) and their ratio, median over rounds.

usage: bench/monitor_ab.py BEFORE_BIN AFTER_BIN [--rounds 6] [--batches 100]"""
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
ARGS = sys.argv[1:]
sys.argv = sys.argv[:1]
import monitor_bench as mb  # noqa: E402


def opt(name, default):
    return int(ARGS[ARGS.index(name) + 1]) if name in ARGS else default


def main():
    if len(ARGS) < 2:
        print(__doc__)
        return 2
    bins = {"before": ARGS[0], "after": ARGS[1]}
    rounds, nbatch = opt("--rounds", 6), opt("--batches", 100)
    srv = {}
    for name, b in bins.items():
        mb.KEEL = b
        tmp = tempfile.mkdtemp(prefix="keel-monab-")
        k = mb.Keel(tmp)
        k.mtoken = k.metrics_token()
        k.tmp = tmp
        srv[name] = k
    res = {n: [] for n in bins}
    print("%s load %.0f" % (time.strftime("%H:%M:%S"), os.getloadavg()[0]), flush=True)
    try:
        for r in range(rounds):
            nd, _ = mb.gen(100 + r, nbatch)
            order = list(bins) if r % 2 == 0 else list(reversed(list(bins)))
            for name in order:
                k = srv[name]
                pc, pw, cpu = mb.measure(k, k.proc.pid, nd)
                res[name].append(pc)
                print("round %d %-6s %8.0f events/CPU-s %7.0f events/s %.2f CPU-s load %.0f"
                      % (r + 1, name, pc, pw, cpu, os.getloadavg()[0]), flush=True)
    finally:
        for k in srv.values():
            k.stop()
            shutil.rmtree(k.tmp, ignore_errors=True)
    b, a = statistics.median(res["before"]), statistics.median(res["after"])
    ratios = [y / x for x, y in zip(res["before"], res["after"])]
    print("median: before %.0f, after %.0f events/CPU-s: %.2fx (per round %s, median %.2f)"
          % (b, a, a / b, " ".join("%.2f" % x for x in ratios), statistics.median(ratios)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
