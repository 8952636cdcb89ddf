#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Explainability benchmark: `keel explain` against XGBoost's own
predict(pred_contribs=True), side by side in one run.

The model: binary:logistic, 300 trees of depth 6 over 20 features, trained
here once on 10,000 rows (cached in BENCH_DIR with the 10,000-row CSV to
explain). keel is timed as a whole process: start, load the model JSON and
the CSV, compute every contribution, write the contributions CSV. XGBoost
is timed on the predict(..., pred_contribs=True) call alone, with the
DMatrix already built and nthread=2. Best of RUNS runs each. Then keel's
output is checked against XGBoost's: contributions to 1e-5 absolute,
predictions to 1e-6 relative (to max(|p|, 1)). Exits 1 when a check fails or
keel is less than FLOOR (default 5) times faster.

usage: bench/explain_bench.py [KEEL_BIN]   (env: RUNS, BENCH_DIR, FLOOR, THREADS)
"""
import os
import subprocess
import sys
import time

import numpy as np
import xgboost as xgb

KEEL = sys.argv[1] if len(sys.argv) > 1 else "build/keel"
RUNS = int(os.environ.get("RUNS", "3"))
DIR = os.environ.get("BENCH_DIR", "/tmp/keel-bench")
FLOOR = float(os.environ.get("FLOOR", "5"))
THREADS = int(os.environ.get("THREADS", "2"))
NROW, NF, NTREE, DEPTH = 10000, 20, 300, 6


def prepare():
    """Train (once) and cache the model and the rows to explain."""
    os.makedirs(DIR, exist_ok=True)
    model = os.path.join(DIR, "explain_model.json")
    data = os.path.join(DIR, "explain_rows.csv")
    rng = np.random.default_rng(2026)
    X = rng.normal(size=(NROW, NF)).astype(np.float32)
    X[rng.random(X.shape) < 0.02] = np.nan
    if not (os.path.exists(model) and os.path.exists(data)):
        print(f"training {NTREE} trees of depth {DEPTH} on {NROW} x {NF} ...", flush=True)
        Xt = rng.normal(size=(NROW, NF)).astype(np.float32)
        s = Xt[:, 0] + Xt[:, 1] * Xt[:, 2] - Xt[:, 3] ** 2 + np.sin(3 * Xt[:, 4]) + Xt[:, 5:].sum(1) / 4
        y = (s + rng.normal(size=NROW) > 0).astype(float)
        Xt[rng.random(Xt.shape) < 0.02] = np.nan
        b = xgb.train({"objective": "binary:logistic", "max_depth": DEPTH, "nthread": THREADS,
                       "eta": 0.1}, xgb.DMatrix(Xt, label=y), NTREE)
        b.save_model(model)
        with open(data, "w") as f:
            f.write(",".join(f"f{j}" for j in range(NF)) + "\n")
            for row in X:
                f.write(",".join("" if np.isnan(v) else "%.9g" % v for v in row) + "\n")
    return model, data, X


def main():
    model, data, X = prepare()
    out = os.path.join(DIR, "explain_contribs.csv")
    booster = xgb.Booster(model_file=model)
    booster.set_param({"nthread": THREADS})
    dm = xgb.DMatrix(X, nthread=THREADS)
    ref = {}

    def run_xgb():
        ref["c"] = booster.predict(dm, pred_contribs=True)

    def run_keel():
        subprocess.run([KEEL, "explain", "--model", model, "--data", data, "--out", out,
                        "--threads", str(THREADS)], check=True)

    # Interleave the two so that both see the same machine load.
    tk, tx = [], []
    for _ in range(RUNS):
        tk.append(best_once(run_keel))
        tx.append(best_once(run_xgb))
    k, x = min(tk), min(tx)
    got = np.loadtxt(out, delimiter=",", skiprows=1)
    cerr = np.abs(got[:, : NF + 1] - ref["c"]).max()
    p = booster.predict(dm)
    perr = (np.abs(got[:, NF + 1] - p) / np.maximum(np.abs(p), 1)).max()
    sums = np.abs(got[:, : NF + 1].sum(1) - booster.predict(dm, output_margin=True)).max()
    print(f"explain: binary:logistic, {NTREE} trees depth {DEPTH}, {NF} features, {NROW} rows, "
          f"{THREADS} threads, best of {RUNS}")
    print(f"  keel explain (whole process)        {k:8.3f} s")
    print(f"  xgboost predict(pred_contribs=True) {x:8.3f} s   (xgboost {xgb.__version__})")
    print(f"  ratio                               {x / k:8.1f}x")
    print(f"  max |contribution difference|       {cerr:8.2g}   (limit 1e-5)")
    print(f"  max relative prediction difference  {perr:8.2g}   (limit 1e-6)")
    print(f"  max |sum of contributions - margin| {sums:8.2g}   (xgboost's float margin)")
    ok = cerr <= 1e-5 and perr <= 1e-6 and x / k >= FLOOR
    if not ok:
        print("FAIL: " + ("slower than the floor" if x / k < FLOOR else "results differ"))
    sys.exit(0 if ok else 1)


def best_once(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
