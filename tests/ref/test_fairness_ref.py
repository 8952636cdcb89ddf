#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference test for `keel fairness`: on generated data with injected bias,
every per-group rate and every metric must match an independent pandas
computation of the Fairlearn / AIF360 definitions; a risk model that flags
good customers of one group as high risk must fail with that group and the
FPR gap named; an unbiased model must pass; degenerate groups give null,
never NaN; bad input exits 2 naming the field; the bootstrap is seeded and
reproducible. Run by ctest with KEEL_BIN."""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

KEEL = os.environ.get("KEEL_BIN", "build/keel")
failures = []
checks = 0
TMP = tempfile.mkdtemp(prefix="keel-fairness-")


def no_nan(s):
    raise ValueError("keel printed a non-finite number: " + s)


def run(df, *args, expect=0):
    path = os.path.join(TMP, "data.csv")
    df.to_csv(path, index=False)
    r = subprocess.run([KEEL, "fairness", path, *args], capture_output=True, text=True)
    if r.returncode != expect:
        raise AssertionError(f"exit {r.returncode} (want {expect}): {r.stderr}")
    return json.loads(r.stdout, parse_constant=no_nan) if expect == 0 and "--json" in args else r


def close(what, got, want, tol=1e-12):
    global checks
    checks += 1
    if want is None or (isinstance(want, float) and math.isnan(want)):
        if got is not None:
            failures.append(f"{what}: got {got}, want null")
        return
    if got is None or abs(got - want) > tol * max(1.0, abs(want)):
        failures.append(f"{what}: got {got}, want {want}")


def reference(df, cols, label, pred, score, favorable=1):
    """Per-group table and metrics computed independently with pandas."""
    key = df[cols].astype(str).fillna("(missing)")
    g = key.agg(" & ".join, axis=1) if len(cols) > 1 else key[cols[0]]
    d = pd.DataFrame({"g": g, "y": df[label], "p": df[pred] if pred else None})
    if score:
        d["s"] = df[score]
        d["bin"] = np.minimum((df[score] * 10).astype(int), 9)
    out = {}
    for name, x in d.groupby("g", sort=False):
        pos, neg = (x.y == 1).sum(), (x.y == 0).sum()
        tp = ((x.y == 1) & (x.p == 1)).sum()
        fp = ((x.y == 0) & (x.p == 1)).sum()
        row = {"count": len(x), "base_rate": x.y.mean(), "selection_rate": x.p.mean(),
               "tpr": tp / pos if pos else None, "fpr": fp / neg if neg else None,
               "precision": tp / (tp + fp) if tp + fp else None}
        if score:
            b = x.groupby("bin").agg(n=("y", "size"), y=("y", "mean"), s=("s", "mean"))
            row["ece"] = float((b.n / len(x) * (b.y - b.s).abs()).sum())
        out[name] = row
    sel = {k: v["selection_rate"] for k, v in out.items()}
    fav = {k: (s if favorable else 1 - s) for k, s in sel.items()}
    ref = max(fav, key=lambda k: fav[k])
    tprs = [v["tpr"] for v in out.values() if v["tpr"] is not None]
    fprs = [v["fpr"] for v in out.values() if v["fpr"] is not None]
    m = {"demographic_parity_difference": max(sel.values()) - min(sel.values()),
         "demographic_parity_ratio": min(sel.values()) / max(sel.values()),
         "tpr_difference": max(tprs) - min(tprs), "fpr_difference": max(fprs) - min(fprs)}
    m["equalized_odds_difference"] = max(m["tpr_difference"], m["fpr_difference"])
    m["equal_opportunity_difference"] = m["tpr_difference"]
    for k, v in out.items():
        v["disparate_impact"] = fav[k] / fav[ref]
        r = out[ref]
        v["equal_opportunity_difference"] = (v["tpr"] - r["tpr"]) if v["tpr"] is not None and r["tpr"] is not None else None
        v["average_odds_difference"] = (0.5 * ((v["fpr"] - r["fpr"]) + (v["tpr"] - r["tpr"]))
                                        if None not in (v["tpr"], v["fpr"], r["tpr"], r["fpr"]) else None)
    return out, m, ref


def compare(tag, res_attr, ref):
    table, metrics, refgroup = ref
    if res_attr["reference"] != refgroup:
        failures.append(f"{tag}: reference {res_attr['reference']} want {refgroup}")
    got = {g["group"]: g for g in res_attr["groups"]}
    if set(got) != set(table):
        failures.append(f"{tag}: groups {sorted(got)} want {sorted(table)}")
        return
    for name, want in table.items():
        for k, v in want.items():
            close(f"{tag} {name} {k}", got[name][k], v)
    for k, v in metrics.items():
        close(f"{tag} {k}", res_attr["metrics"][k], v)


def gen(rng, n, bias_fpr=0.0, bias_group="B", no_pos_group=False):
    sex = rng.choice(["F", "M"], n)
    grp = rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2])
    age = rng.choice([0, 1, 2], n)  # numeric-coded attribute
    base = np.where(grp == "C", 0.15, 0.25)
    y = (rng.random(n) < base).astype(int)
    if no_pos_group:
        y[grp == "C"] = 0
    s = np.clip(0.55 * y + rng.normal(0.2, 0.15, n), 0, 1)
    s = np.where((grp == bias_group) & (y == 0), np.clip(s + bias_fpr, 0, 1), s)
    s = np.round(s, 4)
    return pd.DataFrame({"label": y, "score": s, "prediction": (s >= 0.5).astype(int),
                         "sex": sex, "grp": grp, "age": age})


def check_generated(rng):
    for case in range(6):
        df = gen(rng, int(rng.integers(2000, 30000)), bias_fpr=float(rng.choice([0, 0.2, 0.4])),
                 no_pos_group=case == 5)
        res = run(df, "--protected", "grp,sex,age", "--score", "score", "--prediction",
                  "prediction", "--json")
        attrs = {a["attribute"]: a for a in res["attributes"]}
        for cols in (["grp"], ["sex"], ["age"], ["grp", "sex", "age"]):
            compare(f"case {case} {'&'.join(cols)}", attrs[" & ".join(cols)],
                    reference(df, cols, "label", "prediction", "score"))
        # score-only: prediction = score >= threshold
        thr = float(rng.choice([0.3, 0.5, 0.65]))
        df2 = df.drop(columns=["prediction"]).assign(prediction=(df.score >= thr).astype(int))
        res = run(df2.drop(columns=["prediction"]), "--protected", "grp", "--score", "score",
                  "--threshold", str(thr), "--json")
        compare(f"case {case} thr {thr}", res["attributes"][0],
                reference(df2, ["grp"], "label", "prediction", "score"))


def check_risk_model(rng):
    """Label 1 = the customer defaulted; prediction 1 = flagged high risk
    (unfavorable, so favorable = 0). Good customers of group B are flagged
    far more often: the audit must fail naming B and the FPR gap."""
    n = 40000
    grp = rng.choice(["A", "B", "C"], n, p=[0.5, 0.25, 0.25])
    y = (rng.random(n) < 0.1).astype(int)
    flag_good = np.where(grp == "B", 0.30, 0.05)
    p = np.where(y == 1, rng.random(n) < 0.8, rng.random(n) < flag_good).astype(int)
    df = pd.DataFrame({"defaulted": y, "high_risk": p, "segment": grp})
    path = os.path.join(TMP, "spec.json")
    with open(path, "w") as f:
        json.dump({"label": "defaulted", "prediction": "high_risk", "protected": ["segment"],
                   "favorable": 0}, f)
    res = run(df, "--spec", path, "--json")
    compare("risk", res["attributes"][0], reference(df, ["segment"], "defaulted", "high_risk",
                                                    None, favorable=0))
    v = res["verdict"]
    if v["decision"] != "fail":
        failures.append(f"risk model: verdict {v['decision']}, want fail")
    eo = [f for f in v["failures"] if f["metric"] == "equalized_odds_difference"]
    if not eo or eo[0]["gap"] != "fpr" or eo[0]["groups"][0] != "B":
        failures.append(f"risk model: FPR gap with group B not named: {v['failures']}")
    di = [f for f in v["failures"] if f["metric"] == "disparate_impact"]
    if not di or "B" not in di[0]["groups"]:
        failures.append(f"risk model: disparate impact of B not named: {v['failures']}")
    if not any("B" in r and "false positive rate" in r for r in v["reasons"]):
        failures.append(f"risk model: reasons do not name B's FPR: {v['reasons']}")
    res2 = run(df, "--label", "defaulted", "--prediction", "high_risk", "--protected", "segment",
               "--favorable", "0", "--json")
    if res2 != res:
        failures.append("risk model: the CLI options and the spec file disagree")
    text = run(df, "--spec", path).stdout
    if "verdict: fail" not in text or "'B' has false positive rate" not in text:
        failures.append("risk model: text output does not name B's false positive rate")


def check_fair_model(rng):
    df = gen(rng, 60000)
    res = run(df, "--protected", "sex", "--json")
    if res["verdict"]["decision"] != "pass":
        failures.append(f"unbiased model: {res['verdict']}")


def check_bad_input(rng):
    df = gen(rng, 50)
    cases = [
        (df.assign(label=df.label.where(df.index != 7, 2)), ["--protected", "grp"], "label"),
        (df.assign(label=df.label.astype(str).where(df.index != 3, "yes")), ["--protected", "grp"],
         "label"),
        (df.assign(score=df.score.where(df.index != 9, 1.5)),
         ["--protected", "grp", "--score", "score"], "score"),
        (df.assign(score=df.score.where(df.index != 9, -0.1)),
         ["--protected", "grp", "--score", "score", "--prediction", "prediction"], "score"),
        (df, ["--protected", "grp", "--score", "score", "--threshold", "1.5"], "threshold"),
        (df, ["--protected", "nope"], "protected"),
        (df, ["--protected", "grp", "--label", "nolabel"], "label"),
        (df.assign(prediction=df.prediction.where(df.index != 2, 3)), ["--protected", "grp"],
         "prediction"),
        (df, ["--protected", "grp", "--reference", "Z"], "reference"),
        (df, ["--protected", "grp,sex", "--reference", "zz=A"], "reference.zz"),
        (df, [], "protected"),
    ]
    for i, (d, args, field) in enumerate(cases):
        r = run(d, *args, expect=2)
        if f"keel: {field}" not in r.stderr:
            failures.append(f"bad input {i}: stderr does not name '{field}': {r.stderr.strip()}")


def check_bootstrap(rng):
    df = gen(rng, 5000, bias_fpr=0.2)
    a = run(df, "--protected", "grp", "--bootstrap", "300", "--seed", "42", "--json")
    b = run(df, "--protected", "grp", "--bootstrap", "300", "--seed", "42", "--json")
    c = run(df, "--protected", "grp", "--bootstrap", "300", "--seed", "43", "--json")
    if a != b:
        failures.append("bootstrap with the same seed differs")
    if a["attributes"][0]["ci"] == c["attributes"][0]["ci"]:
        failures.append("bootstrap with another seed is identical")
    for k, (lo, hi) in a["attributes"][0]["ci"].items():
        v = a["attributes"][0]["metrics"][k]
        if not lo <= v <= hi:
            failures.append(f"bootstrap {k}: {v} outside [{lo}, {hi}]")
    # the interval's width is about 2 * 1.96 * the standard error of the
    # selection rate of the largest group
    g = a["attributes"][0]["groups"][0]
    lo, hi = g["ci"]["selection_rate"]
    se = math.sqrt(g["selection_rate"] * (1 - g["selection_rate"]) / g["count"])
    if not 0.8 < (hi - lo) / (2 * 1.96 * se) < 1.25:
        failures.append(f"bootstrap width {(hi - lo)} vs normal {2 * 1.96 * se}")


def main():
    rng = np.random.default_rng(6)
    check_generated(rng)
    check_risk_model(rng)
    check_fair_model(rng)
    check_bad_input(rng)
    check_bootstrap(rng)
    if failures:
        print("\n".join(failures[:50]))
        print(f"FAIL: {len(failures)} problems ({checks} numeric checks)")
        return 1
    print(f"ok: {checks} numeric checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
