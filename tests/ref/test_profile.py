#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""keel profile against the pandas reference (bench/profile_ref.py) on
generated data with duplicate rows, an identical column, a correlated
column, a constant and an all-missing column, missing values in every
spelling and a partly labelled, imbalanced label. Statistics agree to 1e-9
relative, counts exactly, the readiness score and its deductions to 1e-9;
a clean labelled dataset scores high and a messy unlabelled one low."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

SRC = os.environ.get("KEEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
KEEL = os.environ.get("KEEL_BIN", os.path.join(SRC, "build", "keel"))
sys.path.insert(0, os.path.join(SRC, "bench"))
import gen_drift_data  # noqa: E402
import profile_ref  # noqa: E402

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def close(a, b, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= tol * max(abs(a), abs(b))


def keel(*args):
    p = subprocess.run([KEEL, "profile", "--json", *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"keel profile {args} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def compare(tag, want, got):
    check(want["rows"] == got["rows"], f"{tag}: rows")
    for w, g in zip(want["columns"], got["columns"]):
        t = f"{tag}/{w['name']}"
        check(w["name"] == g["name"] and w["type"] == g["type"], f"{t}: type {g['type']}")
        check(w["missing"]["count"] == g["missing"]["count"], f"{t}: missing")
        check(w["distinct"] == g["distinct"], f"{t}: distinct {w['distinct']} {g['distinct']}")
        check(w["constant"] == g["constant"], f"{t}: constant")
        if w["type"] == "numeric":
            for k in ("min", "max", "mean", "std"):
                check(close(w[k], g[k]), f"{t}: {k} {w[k]!r} vs {g[k]!r}")
            for k in w["quantiles"]:
                check(close(w["quantiles"][k], g["quantiles"][k]), f"{t}: {k}")
            check(w["outliers"]["count"] == g["outliers"]["count"],
                  f"{t}: outliers {w['outliers']} vs {g['outliers']}")
            check(close(w["outliers"]["low"], g["outliers"]["low"]), f"{t}: low fence")
        else:
            check([(x["value"], x["count"]) for x in w["top"]] ==
                  [(x["value"], x["count"]) for x in g["top"]], f"{t}: top {g['top']}")
    wd, gd = want["dataset"], got["dataset"]
    check(wd["duplicate_rows"] == gd["duplicate_rows"],
          f"{tag}: duplicates {wd['duplicate_rows']} vs {gd['duplicate_rows']}")
    check(close(wd["mean_missing_share"], gd["mean_missing_share"]), f"{tag}: mean missing")
    check([(r["column"], r["with"], r["kind"]) for r in wd["redundant"]] ==
          [(r["column"], r["with"], r["kind"]) for r in gd["redundant"]],
          f"{tag}: redundant {wd['redundant']} vs {gd['redundant']}")
    for wr, gr in zip(wd["redundant"], gd["redundant"]):
        check(close(wr["r"], gr["r"]), f"{tag}: r of {wr['column']}: {wr['r']} vs {gr['r']}")
    check(wd["constant"] == gd["constant"], f"{tag}: constant {gd['constant']}")
    if wd["label"]:
        wl, gl = wd["label"], gd["label"]
        check(close(wl["coverage"], gl["coverage"]), f"{tag}: coverage")
        check(close(wl["minority_share"], gl["minority_share"]), f"{tag}: minority")
        check([(c["value"], c["count"]) for c in wl["classes"]] ==
              [(c["value"], c["count"]) for c in gl["classes"]], f"{tag}: classes")
    check(close(want["readiness"]["score"], got["readiness"]["score"]),
          f"{tag}: score {want['readiness']['score']} vs {got['readiness']['score']}")
    wded = want["readiness"]["deductions"]
    gded = [d["points"] for d in got["readiness"]["deductions"]]
    check(len(wded) == len(gded) and all(close(a, b) for a, b in zip(wded, gded)),
          f"{tag}: deductions {wded} vs {gded}")


def main():
    rng = np.random.default_rng(11)
    with tempfile.TemporaryDirectory() as tmp:
        df = gen_drift_data.make(4000, rng, False)
        clean = os.path.join(tmp, "clean.csv")
        df.assign(target=rng.choice(["yes", "no"], len(df))).to_csv(clean, index=False)
        want, got = profile_ref.profile(clean, "target"), keel("--label", "target", clean)
        compare("clean", want, got)
        check(got["readiness"]["score"] > 95, f"clean score {got['readiness']['score']}")
        # messy: duplicates, copies, a correlated column, constant and empty
        # columns, a label on a third of the rows with a rare class
        m = df.copy()
        m["copy_00"] = m["num_00"]
        m["copy_cat"] = m["cat_1"]
        m["twice_05"] = m["num_05"] * 2 + rng.normal(0, 0.01, len(m))
        m["const"] = 7.0
        m["const_cat"] = "x"
        m["empty"] = ""
        lab = rng.choice(["ok", "fault"], len(m), p=[0.98, 0.02]).astype(object)
        lab[rng.random(len(m)) < 0.66] = ""
        m["label"] = lab
        m = m.iloc[np.concatenate([np.arange(len(m)), rng.integers(0, len(m), 1500)])]
        messy = os.path.join(tmp, "messy.csv")
        m.to_csv(messy, index=False)
        want, got = profile_ref.profile(messy, "label"), keel("--label", "label", messy)
        compare("messy", want, got)
        check(got["readiness"]["score"] < 50, f"messy score {got['readiness']['score']}")
        want, got = profile_ref.profile(messy), keel(messy)
        compare("messy-nolabel", want, got)
        # every missing-value spelling (pandas' defaults) in numeric and
        # categorical columns: keel reads them as pandas does, and the
        # numeric columns stay numeric
        from pandas._libs.parsers import STR_NA_VALUES
        check(set(STR_NA_VALUES) <= set(profile_ref.NA) and
              set(profile_ref.NA) - set(STR_NA_VALUES) <= {"None"},
              f"spellings: pandas has {sorted(STR_NA_VALUES)}")
        sp = os.path.join(tmp, "spellings.csv")
        with open(sp, "w") as f:
            f.write("x,y,g,label\n")
            for i in range(400):
                na = profile_ref.NA[i % len(profile_ref.NA)]
                f.write(f"{na if i % 3 == 0 else i / 8},"
                        f"{na if i % 5 == 1 else -i},"
                        f"{na if i % 4 == 2 else 'abc'[i % 3]},{i % 2}\n")
        want, got = profile_ref.profile(sp, "label"), keel("--label", "label", sp)
        compare("spellings", want, got)
        check([c["type"] for c in got["columns"][:2]] == ["numeric", "numeric"],
              f"spellings: types {[c['type'] for c in got['columns']]}")
        check(got["columns"][0]["missing"]["count"] == 134, "spellings: x missing")
        # edge cases: one row; a header only
        one = os.path.join(tmp, "one.csv")
        with open(one, "w") as f:
            f.write("a,b,c\n1.5,x,\n")
        compare("one", profile_ref.profile(one), keel(one))
        # bad input
        p = subprocess.run([KEEL, "profile", "--label", "nope", clean], capture_output=True,
                           text=True)
        check(p.returncode == 2 and p.stdout == "", f"bad label: {p.returncode}")
        bad = os.path.join(tmp, "bad.csv")
        with open(bad, "w") as f:
            f.write('a,b\n1,"x\n')
        p = subprocess.run([KEEL, "profile", bad], capture_output=True, text=True)
        check(p.returncode == 2 and "line 2" in p.stderr and p.stdout == "",
              f"unterminated: {p.returncode} {p.stderr!r}")
    if FAILS:
        print(f"{len(FAILS)} failures")
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
