#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""keel drift against the pandas + scipy reference (bench/drift_ref.py) on
generated data: numeric columns with shifts and scale changes, categorical
ones with a changed mix and a new category, missing values in every
spelling; sample sizes that exercise every branch of the KS p-value (exact
equal and unequal sizes, asymptotic with small and large effective n).
Agreement: 1e-9 relative on PSI, JS, Wasserstein and the KS statistic,
1e-6 absolute on p-values; verdicts, types and missing shares equal. Also
--segment, and a baseline whose bin metrics are exact and whose KS and
Wasserstein stay within the error bounds it states."""
import json
import os
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import pandas as pd

SRC = os.environ.get("KEEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
KEEL = os.environ.get("KEEL_BIN", os.path.join(SRC, "build", "keel"))
sys.path.insert(0, os.path.join(SRC, "bench"))
import drift_ref  # noqa: E402
import gen_drift_data  # noqa: E402

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def rel(a, b):
    if a is None or b is None:
        return 0.0 if a is None and b is None else float("inf")
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


def keel(*args):
    p = subprocess.run([KEEL, "drift", "--json", *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"keel drift {args} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def compare_columns(tag, want, got, exact=True):
    check(len(want) == len(got), f"{tag}: {len(want)} columns expected, got {len(got)}")
    for w, g in zip(want, got):
        t = f"{tag}/{w['name']}"
        check(w["name"] == g["name"] and w["type"] == g["type"], f"{t}: name/type {g['type']}")
        for side in ("ref", "cur"):
            check(rel(w["missing"][side], g["missing"][side]) < 1e-12, f"{t}: missing {side}")
        if "psi" not in w:
            check(g["psi"] is None, f"{t}: psi should be null")
            continue
        for k in ("psi", "js"):
            check(rel(w[k], g[k]) <= 1e-9, f"{t}: {k} {w[k]!r} vs {g[k]!r}")
        if w["type"] == "numeric":
            if exact:
                check(rel(w["wasserstein"], g["wasserstein"]) <= 1e-9,
                      f"{t}: wasserstein {w['wasserstein']!r} vs {g['wasserstein']!r}")
                check(rel(w["ks"]["statistic"], g["ks"]["statistic"]) <= 1e-9,
                      f"{t}: ks {w['ks']} vs {g['ks']}")
                check(abs(w["ks"]["p_value"] - g["ks"]["p_value"]) <= 1e-6,
                      f"{t}: ks p {w['ks']} vs {g['ks']}")
            else:
                eb = g["ks"]["error_bound"]
                check(abs(w["ks"]["statistic"] - g["ks"]["statistic"]) <= eb + 1e-12,
                      f"{t}: sketch ks {w['ks']} vs {g['ks']}")
                wb = g["wasserstein_error_bound"]
                check(abs(w["wasserstein"] - g["wasserstein"]) <= wb + 1e-9,
                      f"{t}: sketch wasserstein {w['wasserstein']} vs {g['wasserstein']} "
                      f"(bound {wb})")
        else:
            check(rel(w["chi2"]["statistic"], g["chi2"]["statistic"]) <= 1e-9,
                  f"{t}: chi2 {w['chi2']} vs {g['chi2']}")
            check(abs(w["chi2"]["p_value"] - g["chi2"]["p_value"]) <= 1e-6,
                  f"{t}: chi2 p {w['chi2']} vs {g['chi2']}")
            check(w["chi2"]["df"] == g["chi2"]["df"], f"{t}: chi2 df")
        if exact:
            check(w["verdict"] == g["verdict"], f"{t}: verdict {w['verdict']} vs {g['verdict']}")


def run_case(tmp, tag, nref, ncur, seed):
    rng = np.random.default_rng(seed)
    rp, cp = os.path.join(tmp, f"{tag}_r.csv"), os.path.join(tmp, f"{tag}_c.csv")
    gen_drift_data.make(nref, rng, False).to_csv(rp, index=False)
    gen_drift_data.make(ncur, rng, True).to_csv(cp, index=False)
    want, got = drift_ref.drift(rp, cp), keel(rp, cp)
    compare_columns(tag, want["columns"], got["columns"])
    check(want["dataset"]["drifted"] == got["dataset"]["drifted"] and
          want["dataset"]["verdict"] == got["dataset"]["verdict"], f"{tag}: dataset verdict")
    return rp, cp


def main():
    with tempfile.TemporaryDirectory() as tmp:
        # every KS branch: exact equal sizes, exact unequal, asymptotic with
        # a small effective n (<= 140), and with a large one
        for tag, nr, nc in (("tiny", 25, 40), ("eq", 400, 400), ("small", 900, 650),
                            ("mid", 6000, 9000), ("asym_small_n", 20000, 120),
                            ("asym", 30000, 25000)):
            rp, cp = run_case(tmp, tag, nr, nc, zlib.crc32(tag.encode()) % 1000)
        # identical files: PSI 0, KS 0, p 1, verdict ok
        got = keel(rp, rp)
        for c in got["columns"]:
            check(c["psi"] == 0 and c["js"] == 0, f"identical/{c['name']}: psi/js not 0")
            if c["type"] == "numeric":
                check(c["ks"]["statistic"] == 0 and c["ks"]["p_value"] == 1 and
                      c["wasserstein"] == 0, f"identical/{c['name']}: ks/w not 0")
            check(c["verdict"] == "ok", f"identical/{c['name']}: verdict {c['verdict']}")
        # segments
        want = drift_ref.drift(rp, cp, segment="equipment")
        got = keel("--segment", "equipment", rp, cp)
        compare_columns("seg/all", want["columns"], got["columns"])
        check(len(want["segments"]) == len(got["segments"]), "segment count")
        for ws, gs in zip(want["segments"], got["segments"]):
            check(ws["value"] == gs["value"], f"segment value {ws['value']} vs {gs['value']}")
            if "columns" in ws:
                compare_columns(f"seg/{ws['value']}", ws["columns"], gs["columns"])
            else:
                check(gs["dataset"]["verdict"] == ws["verdict"], f"segment {ws['value']} verdict")
        # a baseline: bins exact, KS and Wasserstein within the stated bound
        bp = os.path.join(tmp, "ref.baseline.json")
        p = subprocess.run([KEEL, "drift", "baseline", rp, "-o", bp], capture_output=True)
        check(p.returncode == 0, f"baseline exit {p.returncode}: {p.stderr}")
        want = drift_ref.drift(rp, cp)
        got = keel(bp, cp)
        compare_columns("baseline", want["columns"], got["columns"], exact=False)
        check(got["reference"] == "baseline", "baseline: reference field")
        # a small baseline keeps every value: exact
        rp2, cp2 = run_case(tmp, "bsmall", 700, 500, 7)
        bp2 = os.path.join(tmp, "small.baseline.json")
        subprocess.run([KEEL, "drift", "baseline", rp2, "-o", bp2], check=True)
        want, got = drift_ref.drift(rp2, cp2), keel(bp2, cp2)
        compare_columns("baseline-small", want["columns"], got["columns"], exact=True)
        # bad input: exit 2 with a message naming the line, nothing on stdout
        bad = os.path.join(tmp, "bad.csv")
        with open(bad, "w") as f:
            f.write("a,b\n1,2\n3,4,5\n")
        p = subprocess.run([KEEL, "drift", "--json", rp, bad], capture_output=True, text=True)
        check(p.returncode == 2 and p.stdout == "" and "line 3" in p.stderr,
              f"bad input: {p.returncode} {p.stderr!r}")
        p = subprocess.run([KEEL, "drift", "--segment", "nope", rp, cp], capture_output=True,
                           text=True)
        check(p.returncode == 2 and p.stdout == "", f"bad segment: {p.returncode}")
        p = subprocess.run([KEEL, "drift", rp], capture_output=True, text=True)
        check(p.returncode == 2, "usage: one file")
    if FAILS:
        print(f"{len(FAILS)} failures")
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
