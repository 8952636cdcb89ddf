#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate a reference and a current CSV file for the drift and profile
benchmarks and tests: ROWS rows x 20 columns (15 numeric, 5 categorical).
The current file shifts some numeric columns, rescales others, changes
the mix of some categories and adds a new category and a new segment;
both files have missing values (empty, NA, NaN, null) in a few columns.

usage: gen_drift_data.py ROWS SEED REF.csv CUR.csv
"""
import sys

import numpy as np
import pandas as pd


def make(rows, rng, current):
    """One data frame; current=True applies the drift."""
    s = 1.0 if not current else 1.0
    cols = {}
    shift = {0: 0.0, 1: 0.05, 2: 0.5, 3: 0.0, 4: 0.0}
    for i in range(15):
        kind = i % 5
        if kind == 0:    # normal, shifted in some columns of the current file
            mu = 50.0 + (shift[i % 5] if not current else [0.0, 0.02, 0.6][i // 5]) * 10
            x = rng.normal(mu, 10.0 * s, rows)
            x = np.round(x, 3)
        elif kind == 1:  # lognormal, rescaled in the current file
            scale = 1.0 if not current else [1.0, 1.3, 1.0][i // 5]
            x = np.round(rng.lognormal(3.0, 0.8, rows) * scale, 2)
        elif kind == 2:  # counts with many ties
            lam = 4.0 if not current else [4.0, 4.4, 6.0][i // 5]
            x = rng.poisson(lam, rows).astype(float)
        elif kind == 3:  # uniform
            hi = 1.0 if not current else [1.0, 1.0, 1.2][i // 5]
            x = np.round(rng.uniform(0.0, hi, rows), 5)
        else:            # exponential with a spike at zero
            x = np.round(rng.exponential(2.0, rows), 4)
            x[rng.random(rows) < (0.1 if not current else [0.1, 0.1, 0.3][i // 5])] = 0.0
        cols[f"num_{i:02d}"] = x
    cats = {}
    levels = ["alpha", "beta", "gamma", "delta", "epsilon"]
    p_ref = [0.4, 0.25, 0.2, 0.1, 0.05]
    p_cur = [0.3, 0.3, 0.2, 0.1, 0.05, 0.05]
    for i in range(4):
        if current and i in (1, 2):
            v = rng.choice(levels + ["zeta"], rows, p=p_cur)
        else:
            v = rng.choice(levels, rows, p=p_ref)
        cats[f"cat_{i}"] = v
    eq = ["press", "lathe", "mill"] + (["robot"] if current else [])
    pe = [0.5, 0.3, 0.2] if not current else [0.45, 0.25, 0.15, 0.15]
    cats["equipment"] = rng.choice(eq, rows, p=pe)
    df = pd.DataFrame({**cols, **cats})
    # missing values in a few columns, in every spelling
    for name, share in (("num_03", 0.02), ("num_07", 0.1), ("cat_0", 0.03)):
        miss = rng.random(rows) < share
        df[name] = df[name].astype(object)
        spell = np.array(["", "NA", "NaN", "null"], dtype=object)
        df.loc[miss, name] = spell[rng.integers(0, 4, miss.sum())]
    return df


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    rows, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(seed)
    make(rows, rng, False).to_csv(sys.argv[3], index=False)
    make(rows, rng, True).to_csv(sys.argv[4], index=False)


if __name__ == "__main__":
    main()
