#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate the fairness benchmark's CSV: N rows (default 10,000,000) of
label, score, prediction and two protected attributes (gender, region),
with a bias injected against one region. Seeded; writes to argv[1]."""
import sys

import numpy as np
import pandas as pd

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
rng = np.random.default_rng(2026)
gender = rng.choice(np.array(["F", "M", "X"]), n, p=[0.49, 0.49, 0.02])
region = rng.choice(np.array(["north", "south", "east", "west", "central"]), n)
y = (rng.random(n) < 0.2).astype(np.int8)
s = np.clip(0.5 * y + rng.normal(0.25, 0.15, n) + ((region == "east") & (y == 0)) * 0.15, 0, 1)
s = np.round(s, 3)
df = pd.DataFrame({"label": y, "score": s, "prediction": (s >= 0.5).astype(np.int8),
                   "gender": gender, "region": region})
df.to_csv(path, index=False, float_format="%.3f", chunksize=1_000_000)
