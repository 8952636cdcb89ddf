#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pandas + scipy + statsmodels equivalent of `keel abtest --csv DATA`
with the spec in bench/abtest_spec.json: per-arm summaries, SRM
chi-square, CUPED (theta over all units, adjusted Welch t-tests of revenue
for each treatment arm against control, Holm), the two-proportion z-test
with Wald intervals for conversions, and power at the planned effect."""
import json
import sys

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (confint_proportions_2indep,
                                          power_proportions_2indep,
                                          proportions_ztest)

df = pd.read_csv(sys.argv[1], dtype={"arm": "category"})
out = {}
units = df.groupby("arm", observed=True).size()
out["srm"] = stats.chisquare(units.values).pvalue
x, y = df.pre_revenue.to_numpy(), df.revenue.to_numpy()
theta = np.cov(y, x)[0, 1] / np.var(x, ddof=1)
df["adj"] = y - theta * (x - x.mean())
s = df.groupby("arm", observed=True).agg(n=("adj", "size"), m=("adj", "mean"),
                                         sd=("adj", "std"), raw_m=("revenue", "mean"),
                                         raw_sd=("revenue", "std"), conv=("converted", "sum"))
c = s.loc["control"]
res, ps = {}, []
for arm in ("treat_a", "treat_b"):
    t = s.loc[arm]
    tt = stats.ttest_ind_from_stats(t.m, t.sd, t.n, c.m, c.sd, c.n, equal_var=False)
    z, p = proportions_ztest([t.conv, c.conv], [t.n, c.n])
    ci = confint_proportions_2indep(t.conv, t.n, c.conv, c.n, method="wald", compare="diff")
    pw = power_proportions_2indep(c.conv / c.n * 0.05, c.conv / c.n, t.n, ratio=c.n / t.n).power
    res[arm] = {"t": tt.statistic, "p": tt.pvalue, "z": z, "pz": p, "ci": list(ci), "power": pw}
    ps.append(tt.pvalue)
out["holm"] = list(multipletests(ps, method="holm")[1])
out["theta"] = theta
out["variance_reduction"] = 1 - np.var(df.adj, ddof=1) / np.var(y, ddof=1)
out["arms"] = res
print(json.dumps(out, default=float)[:200])
