#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate the A/B benchmark's CSV: N units (default 10,000,000) with arm
(control, treat_a, treat_b), converted (0/1), revenue and pre_revenue (the
pre-period revenue, for CUPED). Seeded; writes to argv[1]."""
import sys

import numpy as np
import pandas as pd

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
rng = np.random.default_rng(2027)
arm = rng.choice(np.array(["control", "treat_a", "treat_b"]), n)
pre = np.round(rng.gamma(2.0, 15.0, n), 2)
lift = np.where(arm == "treat_a", 0.5, np.where(arm == "treat_b", 0.1, 0.0))
rev = np.round(np.maximum(0, 0.7 * pre + rng.normal(5 + lift, 12, n)), 2)
conv = (rng.random(n) < np.where(arm == "treat_a", 0.105, 0.10)).astype(np.int8)
pd.DataFrame({"arm": arm, "converted": conv, "revenue": rev, "pre_revenue": pre}).to_csv(
    path, index=False, chunksize=1_000_000)
