#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference implementation of `keel drift` with pandas and scipy, used by
the correctness tests (tests/ref/test_drift.py) and the benchmark
(bench/drift_bench.sh). Same definitions as docs/drift.md:

numeric:     PSI over the reference deciles (np.quantile, linear, unique;
             a value on an edge goes to the bin above), shares floored at
             1e-4; Jensen-Shannon distance over the raw shares; scipy
             ks_2samp(method='auto'); wasserstein_distance / max(std, 0.001)
categorical: PSI (floored) and Jensen-Shannon over the union of categories,
             chi2_contingency(correction=False)

usage: drift_ref.py REF.csv CUR.csv [--segment COL]   (prints JSON)
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

from profile_ref import NA  # noqa: E402  (keel's missing-value spellings)

DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
T = dict(psi=0.2, psi_warn=0.1, wass=0.1, js=0.1, alpha=0.005, share=0.5)


def read(path):
    return pd.read_csv(path, keep_default_na=False, na_values=NA)


def psi_js(r, c):
    """PSI with floored shares and JS distance with raw shares of counts."""
    rs, cs = r / r.sum(), c / c.sum()
    rf, cf = np.maximum(rs, 1e-4), np.maximum(cs, 1e-4)
    psi = float(np.sum((cf - rf) * np.log(cf / rf)))
    js = float(distance.jensenshannon(rs, cs))
    return psi, js


def numeric(r, c):
    out = {}
    edges = np.unique(np.quantile(r, DECILES))
    rb = np.bincount(np.searchsorted(edges, r, side="right"), minlength=len(edges) + 1)
    cb = np.bincount(np.searchsorted(edges, c, side="right"), minlength=len(edges) + 1)
    out["psi"], out["js"] = psi_js(rb.astype(float), cb.astype(float))
    ks = stats.ks_2samp(r, c, method="auto")
    out["ks"] = {"statistic": float(ks.statistic), "p_value": float(ks.pvalue)}
    out["wasserstein"] = float(stats.wasserstein_distance(r, c) / max(np.std(r), 0.001))
    out["chi2"] = None
    return out


def categorical(r, c):
    out = {}
    rv, cv = r.value_counts(), c.value_counts()
    cats = list(rv.index) + [k for k in cv.index if k not in rv.index]
    rc = np.array([rv.get(k, 0) for k in cats], dtype=float)
    cc = np.array([cv.get(k, 0) for k in cats], dtype=float)
    out["psi"], out["js"] = psi_js(rc, cc)
    if len(cats) > 1:
        chi2, p, dof, _ = stats.chi2_contingency(np.array([rc, cc]), correction=False)
    else:
        chi2, p, dof = 0.0, 1.0, 0
    out["chi2"] = {"statistic": float(chi2), "p_value": float(p), "df": int(dof)}
    out["ks"] = None
    out["wasserstein"] = None
    return out


def verdict(col, rows_ref):
    """docs/drift.md: drift when the shift is real (p < alpha) and an
    effect-size test fires; warn when real and PSI >= psi_warn."""
    if col["count"]["ref"] == 0 or col["count"]["cur"] == 0:
        return "n/a"
    effect = col["psi"] >= T["psi"]
    if col["type"] == "numeric":
        effect |= col["wasserstein"] >= T["wass"]
        real = col["ks"]["p_value"] < T["alpha"]
    else:
        effect |= col["js"] >= T["js"]
        real = col["chi2"]["p_value"] < T["alpha"]
    if not real:
        return "ok"
    return "drift" if effect else "warn" if col["psi"] >= T["psi_warn"] else "ok"


def compare(ref, cur, skip=()):
    cols = []
    for name in ref.columns:
        if name not in cur.columns or name in skip:
            continue
        r, c = ref[name], cur[name]
        isnum = pd.api.types.is_numeric_dtype(r) and pd.api.types.is_numeric_dtype(c)
        col = {"name": name, "type": "numeric" if isnum else "categorical",
               "missing": {"ref": float(r.isna().mean()) if len(r) else None,
                           "cur": float(c.isna().mean()) if len(c) else None}}
        r, c = r.dropna(), c.dropna()
        col["count"] = {"ref": len(r), "cur": len(c)}
        if len(r) and len(c):
            if isnum:
                col.update(numeric(r.to_numpy(dtype=float), c.to_numpy(dtype=float)))
            else:
                col.update(categorical(r.astype(str), c.astype(str)))
        col["verdict"] = verdict(col, len(ref))
        cols.append(col)
    comp = [c for c in cols if c["verdict"] != "n/a"]
    drifted = sum(c["verdict"] == "drift" for c in comp)
    share = drifted / len(comp) if comp else 0.0
    v = ("n/a" if not comp else "drift" if drifted and share >= T["share"]
         else "warn" if any(c["verdict"] in ("drift", "warn") for c in comp) else "ok")
    return {"rows": {"ref": len(ref), "cur": len(cur)}, "columns": cols,
            "dataset": {"columns": len(cols), "drifted": drifted, "share": share, "verdict": v}}


def drift(ref_path, cur_path, segment=None):
    ref, cur = read(ref_path), read(cur_path)
    out = compare(ref, cur, skip=(segment,) if segment else ())
    out["segments"] = []
    if segment:
        rs, cs = ref[segment].astype(str), cur[segment].astype(str)
        values = list(pd.unique(rs)) + [v for v in pd.unique(cs) if v not in set(rs)]
        for v in values:
            rsub, csub = ref[rs == v], cur[cs == v]
            if len(rsub) == 0 or len(csub) == 0:
                out["segments"].append({"value": v, "rows": {"ref": len(rsub), "cur": len(csub)},
                                        "verdict": "new" if len(rsub) == 0 else "gone"})
                continue
            seg = compare(rsub, csub, skip=(segment,))
            seg["value"] = v
            out["segments"].append(seg)
    return out


def main():
    args = sys.argv[1:]
    segment = None
    if "--segment" in args:
        i = args.index("--segment")
        segment = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    json.dump(drift(args[0], args[1], segment), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
