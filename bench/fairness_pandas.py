#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pandas equivalent of `keel fairness DATA --protected gender,region
--score score --prediction prediction --json` (bootstrap off): the
per-group table (count, base rate, selection rate, TPR, FPR, precision,
ECE over 10 score bins) for each attribute and their intersection, and
every metric (demographic parity difference/ratio, disparate impact
against the highest-selection group, equal opportunity, equalized odds and
average odds differences). Written as an analyst would, with group-bys."""
import json
import sys

import numpy as np
import pandas as pd

df = pd.read_csv(sys.argv[1], dtype={"gender": "category", "region": "category"})
df["bin"] = np.minimum((df["score"] * 10).astype(int), 9)
df["tp"] = (df.label == 1) & (df.prediction == 1)
df["fp"] = (df.label == 0) & (df.prediction == 1)
df["pos"] = df.label == 1
df["neg"] = df.label == 0
out = {}
for cols in (["gender"], ["region"], ["gender", "region"]):
    g = df.groupby(cols, observed=True)
    t = g.agg(count=("label", "size"), base_rate=("label", "mean"),
              selection_rate=("prediction", "mean"), tp=("tp", "sum"), fp=("fp", "sum"),
              pos=("pos", "sum"), neg=("neg", "sum"))
    t["tpr"] = t.tp / t.pos
    t["fpr"] = t.fp / t.neg
    t["precision"] = t.tp / (t.tp + t.fp)
    b = df.groupby(cols + ["bin"], observed=True).agg(n=("label", "size"), y=("label", "sum"),
                                                      s=("score", "sum"))
    b["gap"] = (b.y - b.s).abs()
    t["ece"] = b.gap.groupby(level=list(range(len(cols)))).sum() / t["count"]
    ref = t.selection_rate.idxmax()
    r = t.loc[ref]
    t["disparate_impact"] = t.selection_rate / r.selection_rate
    t["equal_opportunity_difference"] = t.tpr - r.tpr
    t["average_odds_difference"] = 0.5 * ((t.fpr - r.fpr) + (t.tpr - r.tpr))
    m = {"demographic_parity_difference": t.selection_rate.max() - t.selection_rate.min(),
         "demographic_parity_ratio": t.selection_rate.min() / t.selection_rate.max(),
         "equal_opportunity_difference": t.tpr.max() - t.tpr.min(),
         "fpr_difference": t.fpr.max() - t.fpr.min()}
    m["equalized_odds_difference"] = max(m["equal_opportunity_difference"], m["fpr_difference"])
    failed = ((t.disparate_impact < 0.8).any() or m["demographic_parity_difference"] > 0.1
              or m["equal_opportunity_difference"] > 0.1 or m["equalized_odds_difference"] > 0.1)
    out[" & ".join(cols)] = {"groups": json.loads(t.reset_index().to_json(orient="records")),
                             "metrics": m, "passed": not failed}
print(json.dumps(out)[:200])
