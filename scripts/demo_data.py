#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the data files the demo enterprise's analyses are computed from
(data/demo/, embedded in keel; docs/demo.md). Seeded, standard library
only: running it again gives the same files.

- credit_scoring.csv: Credit scoring v2's validation set. The model flags
  applicants as high risk (prediction 1 = high risk; not flagged is the
  favorable outcome). Young applicants (18-25) who repay are flagged far
  more often than others: the fairness audit fails on the false-positive
  gap.
- recommendations_ab.csv: the A/B test of Product recommendations, one row
  per session: arm (current / ml_recs), converted (0/1), revenue and
  page_load_ms (a guardrail). The ML arm converts about 30% more
  and loads no slower.
- maintenance_model.json, maintenance_presses.csv: the logistic failure
  model of Predictive maintenance for presses and this week's readings of
  40 presses to explain."""
import json
import math
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "demo")


def credit(rng):
    bands = [("18-25", 0.20, 0.09, 0.30), ("26-40", 0.35, 0.07, 0.08),
             ("41-60", 0.30, 0.06, 0.07), ("61+", 0.15, 0.05, 0.08)]
    rows = ["applicant,age_band,region,defaulted,score,high_risk"]
    for i in range(2400):
        r, acc = rng.random(), 0
        for band, share, base, fpr in bands:
            acc += share
            if r < acc:
                break
        y = 1 if rng.random() < base else 0
        flagged = (rng.random() < 0.78) if y else (rng.random() < fpr)
        score = min(0.99, max(0.01, (0.55 + rng.random() * 0.4) if flagged else rng.random() * 0.45))
        rows.append("A%05d,%s,%s,%d,%.3f,%d" % (10000 + i, band, rng.choice(["north", "south", "east", "west"]),
                                              y, score, 1 if flagged else 0))
    return "\n".join(rows) + "\n"


def ab(rng):
    rows = ["arm,converted,revenue,page_load_ms"]
    conv = random.Random(rng.random())
    for i in range(16000):
        arm = "current" if i % 2 == 0 else "ml_recs"
        p = 0.040 if arm == "current" else 0.052
        c = 1 if conv.random() < p else 0
        revenue = round(rng.lognormvariate(3.6, 0.5)) if c else 0
        load = round(rng.gauss(420 if arm == "current" else 414, 60))
        rows.append("%s,%d,%s,%d" % (arm, c, revenue, max(80, load)))
    return "\n".join(rows) + "\n"


MODEL = {
    "model": "logistic",
    "intercept": -2.2,
    "features": [
        {"name": "vibration_rms", "coef": 1.8, "mean": 1.1},
        {"name": "bearing_temp_c", "coef": 0.09, "mean": 62.0},
        {"name": "hours_since_service", "coef": 0.002, "mean": 310.0},
        {"name": "hydraulic_pressure_bar", "coef": -0.05, "mean": 180.0},
        {"name": "strokes_per_min", "coef": 0.02, "mean": 28.0},
    ],
}


def presses(rng):
    rows = ["vibration_rms,bearing_temp_c,hours_since_service,hydraulic_pressure_bar,strokes_per_min"]
    for i in range(40):
        worn = i % 9 == 4
        rows.append("%.2f,%.1f,%d,%.1f,%d" % (
            max(0.3, rng.gauss(2.6 if worn else 1.1, 0.25)), rng.gauss(74 if worn else 62, 3),
            rng.randint(40, 700), rng.gauss(176 if worn else 180, 4), rng.randint(22, 34)))
    return "\n".join(rows) + "\n"


def main():
    rng = random.Random(15)
    os.makedirs(OUT, exist_ok=True)
    files = {"credit_scoring.csv": credit(rng), "recommendations_ab.csv": ab(rng),
             "maintenance_model.json": json.dumps(MODEL, indent=1) + "\n",
             "maintenance_presses.csv": presses(rng)}
    for name, text in files.items():
        with open(os.path.join(OUT, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
