#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference implementation of `keel profile` with pandas, used by the
correctness test (tests/ref/test_profile.py) and the benchmark
(bench/profile_bench.sh). Same definitions as docs/profile.md.

usage: profile_ref.py DATA.csv [--label COL]   (prints JSON)
"""
import json
import math
import sys

import numpy as np
import pandas as pd

# keel's missing-value spellings (docs/csv.md): pandas 2's read_csv
# defaults, named here so that pandas 1.5 (which lacks "None") agrees
NA = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
      "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
QUANT = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}


def num(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def tops(v):
    counts = v.value_counts()
    return sorted(((str(k), int(n)) for k, n in counts.items()), key=lambda kv: (-kv[1], kv[0]))


def profile(path, label=None):
    df = pd.read_csv(path, keep_default_na=False, na_values=NA,
                     dtype={label: str} if label else None)
    n = len(df)
    isnum = {c: pd.api.types.is_numeric_dtype(df[c]) and c != label for c in df.columns}
    cols = []
    for name in df.columns:
        s = df[name]
        v = s.dropna()
        distinct = int(v.nunique())
        col = {"name": name, "type": "numeric" if isnum[name] else "categorical",
               "missing": {"count": int(s.isna().sum()), "share": float(s.isna().mean()) if n else 0.0},
               "distinct": distinct, "constant": distinct <= 1}
        if isnum[name]:
            v = v.astype(float)
            q = v.quantile(list(QUANT.values())) if len(v) else pd.Series([np.nan] * 5)
            col.update(min=num(v.min()), max=num(v.max()), mean=num(v.mean()), std=num(v.std()),
                       quantiles={k: num(x) for k, x in zip(QUANT, q)})
            if len(v):
                iqr = q.iloc[3] - q.iloc[1]
                lo, hi = q.iloc[1] - 1.5 * iqr, q.iloc[3] + 1.5 * iqr
                out = int(((v < lo) | (v > hi)).sum())
                col["outliers"] = {"count": out, "share": out / len(v), "low": lo, "high": hi}
            else:
                col["outliers"] = {"count": 0, "share": None, "low": None, "high": None}
            col["top"] = None
        else:
            col["top"] = [{"value": k, "count": c, "share": c / len(v)} for k, c in tops(v)[:5]]
        cols.append(col)
    dup = int(df.duplicated().sum()) if n else 0
    # redundant: identical to an earlier column, else |r| >= 0.99 with one
    # constant columns are counted as constant, not as redundant
    names = [c for c in df.columns if c != label and df[c].dropna().nunique() > 1]
    numeric = [c for c in names if isnum[c]]
    corr = df[numeric].corr() if numeric else None
    redundant = []
    for j, b in enumerate(names):
        found = None
        for a in names[:j]:
            if isnum[a] != isnum[b]:
                continue
            x, y = df[a], df[b]
            if ((x == y) | (x.isna() & y.isna())).all():
                found = {"column": b, "with": a, "kind": "identical",
                         "r": 1.0 if isnum[b] else None}
                break
        if not found and isnum[b]:
            for a in numeric[:numeric.index(b)]:
                r = corr.loc[a, b]
                if not math.isnan(r) and abs(r) >= 0.99:
                    found = {"column": b, "with": a, "kind": "correlated", "r": float(r)}
                    break
        if found:
            redundant.append(found)
    constant = [c["name"] for c in cols if c["constant"]]
    mean_missing = float(np.mean([c["missing"]["share"] for c in cols])) if cols else 0.0
    out = {"rows": n, "columns": cols,
           "dataset": {"rows": n, "columns": len(cols), "duplicate_rows": dup,
                       "duplicate_share": dup / n if n else 0.0,
                       "mean_missing_share": mean_missing, "redundant": redundant,
                       "constant": constant, "label": None}}
    ded = [40 * mean_missing, 30 * (dup / n if n else 0.0), min(5 * len(redundant), 20),
           min(3 * len(constant), 12)]
    if label:
        s = df[label]
        lab = s.dropna()
        cov = len(lab) / n if n else 0.0
        classes = tops(lab)
        minority = classes[-1][1] / len(lab) if len(lab) else None
        out["dataset"]["label"] = {
            "name": label, "coverage": cov,
            "classes": [{"value": k, "count": c, "share": c / len(lab)} for k, c in classes],
            "minority_share": minority}
        ded += [30 * (1 - cov), 10 if minority is None or minority < 0.05 else 0]
    out["readiness"] = {"score": max(0.0, 100 - sum(ded)),
                        "deductions": [d for d in ded if d > 0]}
    return out


def main():
    args = sys.argv[1:]
    label = None
    if "--label" in args:
        i = args.index("--label")
        label = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    json.dump(profile(args[0], label), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
