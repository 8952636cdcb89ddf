#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Portfolio optimiser benchmark: keel plan solve against CBC, side by side.

usage: bench/portfolio/run.py KEEL_BIN [--seeds150 1,2,3,4,5] [--seeds1000 1,2]
                              [--time 10] [--gen PATH] [--dir DIR]

Instances come from ../shared/bench/portfolio_gen.py (N initiatives, 8
quarters, 6 pools; JSON for keel and the same model as a CPLEX-LP file for
CBC). For each instance, one after another on the same machine: keel's
greedy alone, GLPK's branch and bound alone (keel --method glpk, the same
model and time limit), keel's full method, and CBC run as
`cbc FILE.lp sec T timeMode elapsed threads 2 solve`. Every keel plan is
checked independently (tests/ref/test_portfolio.py's verify) and every gap
is measured against keel's LP-relaxation bound. Prints a Markdown table and
the floors of issue 8 with pass/fail.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "ref"))
import test_portfolio  # noqa: E402


def run_keel(keel, path, method, tlim):
    t = time.monotonic()
    p = subprocess.run([keel, "plan", "solve", "--input", path, "--time-limit", str(tlim),
                        "--method", method, "--json"], capture_output=True, text=True)
    wall = time.monotonic() - t
    if p.returncode not in (0, 1):
        raise SystemExit(f"keel failed on {path}: {p.stderr}")
    return json.loads(p.stdout), wall


def run_cbc(lp, tlim):
    t = time.monotonic()
    p = subprocess.run(["cbc", lp, "sec", str(tlim), "timeMode", "elapsed", "threads", "2", "solve"],
                       capture_output=True, text=True)
    wall = time.monotonic() - t
    m = re.search(r"^Objective value:\s+(\S+)", p.stdout, re.M)
    val = float(m.group(1)) if m and "No feasible solution" not in p.stdout else None
    if val is not None and val > 1e40:
        val = None
    return val, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("keel")
    ap.add_argument("--seeds150", default="1,2,3,4,5")
    ap.add_argument("--seeds1000", default="1,2")
    ap.add_argument("--time", type=float, default=10)
    ap.add_argument("--gen", default=os.path.join(ROOT, "..", "shared", "bench", "portfolio_gen.py"))
    ap.add_argument("--dir", default="/tmp/keel-bench/portfolio")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    rows, floors = [], []
    cases = [(150, int(s)) for s in a.seeds150.split(",") if s] + \
            [(1000, int(s)) for s in a.seeds1000.split(",") if s]
    for n, seed in cases:
        js = os.path.join(a.dir, f"p{n}_{seed}.json")
        lp = os.path.join(a.dir, f"p{n}_{seed}.lp")
        if not os.path.exists(lp):
            subprocess.run([sys.executable, a.gen, str(n), str(seed), js, lp], check=True)
        with open(js) as f:
            inst = json.load(f)
        res = {}
        for method in ("greedy", "glpk", "full"):
            out, wall = run_keel(a.keel, js, method, a.time)
            if out["status"] in ("optimal", "feasible"):
                test_portfolio.verify(inst, out, f"{method} n={n} seed={seed}")
            res[method] = (out, wall)
        bound = res["full"][0]["bound"]
        cbc, cwall = run_cbc(lp, a.time)
        if test_portfolio.FAILS:
            raise SystemExit("a keel plan failed the independent check")

        def fmt(name, val, wall, extra=""):
            gap = f"{100 * (bound - val) / bound:.2f}%" if val is not None else "—"
            v = f"{val:.3f}" if val is not None else "no plan"
            rows.append(f"| {n} | {seed} | {name} | {v} | {gap} | {wall:.2f} s{extra} |")

        g, gw = res["greedy"]
        fmt("greedy alone", g["value"], gw, f" (plan after {g['method']['greedy_ms']:.2f} ms)")
        k, kw = res["glpk"]
        fmt("GLPK alone", k["value"] if k["status"] in ("optimal", "feasible") else None, kw)
        f_, fw = res["full"]
        fmt("keel (full)", f_["value"], fw, f" ({f_['method']['iterations']} neighbourhoods, "
            f"{f_['method']['stopped']})")
        fmt("CBC", cbc, cwall)
        if n == 150:
            ratio = f_["value"] / cbc if cbc else float("inf")
            floors.append(f"n=150 seed {seed}: keel {f_['value']:.3f}, CBC "
                          f"{cbc if cbc is None else round(cbc, 3)}, ratio {ratio:.4f} "
                          f"({'pass' if ratio >= 0.98 else 'FAIL'} >= 0.98)")
        else:
            gap = (bound - f_["value"]) / bound
            floors.append(f"n=1000 seed {seed}: first plan in {g['method']['greedy_ms']:.2f} ms "
                          f"({'pass' if g['method']['greedy_ms'] < 100 else 'FAIL'} < 100 ms); "
                          f"gap after {fw:.1f} s wall {100 * gap:.2f}% "
                          f"({'pass' if gap <= 0.03 and fw <= a.time + 0.5 else 'FAIL'} <= 3%)")
        print(rows[-4:], file=sys.stderr, flush=True)
    print("| n | seed | method | value | gap to LP bound | wall time |")
    print("|---:|---:|---|---:|---:|---|")
    print("\n".join(rows))
    print()
    print("\n".join("- " + f for f in floors))


if __name__ == "__main__":
    main()
