#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference test for `keel abtest`: on many generated cases, keel's numbers
must match scipy and statsmodels (z-test, Welch t, Holm, power and sample
size, SRM chi-square) to 1e-8, the Bayesian results must match numerical
integration of the posteriors (scipy.integrate), the sequential results the
published closed forms of the normal-mixture SPRT, and CUPED from a CSV of
units the same computation done with numpy. Run by ctest with KEEL_BIN."""
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from scipy import integrate, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (confint_proportions_2indep,
                                          power_proportions_2indep,
                                          proportions_ztest,
                                          samplesize_proportions_2indep_onetail)

KEEL = os.environ.get("KEEL_BIN", "build/keel")
# scipy's quad warns about roundoff on the sharply peaked posteriors of
# millions of units; its answer is still far inside the tolerance used.
warnings.filterwarnings("ignore", category=integrate.IntegrationWarning)
TOL = 1e-8
failures = []
checks = 0


def no_nan(s):
    raise ValueError("keel printed a non-finite number: " + s)


def keel(spec, csv=None, extra=()):
    with tempfile.TemporaryDirectory() as d:
        sp = os.path.join(d, "spec.json")
        with open(sp, "w") as f:
            json.dump(spec, f)
        args = [KEEL, "abtest", sp, "--json", *extra]
        if csv is not None:
            cp = os.path.join(d, "units.csv")
            with open(cp, "w") as f:
                f.write(csv)
            args += ["--csv", cp]
        r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"keel failed ({r.returncode}): {r.stderr}\nspec: {spec}")
    return json.loads(r.stdout, parse_constant=no_nan)


def close(what, got, want, tol=TOL):
    """|got - want| <= tol * max(1, |want|), and for tiny p-values a relative
    check too, so that agreement is not trivial near zero."""
    global checks
    checks += 1
    if got is None or want is None or not math.isfinite(want):
        if not (got is None and (want is None or not math.isfinite(want))):
            failures.append(f"{what}: got {got}, want {want}")
        return
    if abs(got - want) > tol * max(1.0, abs(want)):
        failures.append(f"{what}: got {got!r}, want {want!r}, diff {abs(got - want):.3g}")
    elif tol == TOL and 1e-300 < abs(want) < 1e-3 and abs(got - want) > 1e-6 * abs(want):
        failures.append(f"{what}: got {got!r}, want {want!r} (relative {abs(got/want - 1):.3g})")


def cmp_of(res, metric, arm):
    for m in res["metrics"]:
        if m["name"] == metric:
            for c in m["comparisons"]:
                if c["arm"] == arm:
                    return c
    raise KeyError((metric, arm))


def check_proportions(rng, case, big=False):
    k = int(rng.integers(2, 5))
    alpha = float(rng.choice([0.05, 0.01, 0.1, 0.2]))
    power = float(rng.choice([0.8, 0.9]))
    mde = float(rng.choice([0.02, 0.05, 0.1, 0.2]))
    base = float(rng.uniform(0.01, 0.6))
    arms = []
    for i in range(k):
        n = int(rng.integers(2_000_000, 8_000_000)) if big else int(rng.integers(50, 200000))
        p = min(0.99, base * (1 + rng.normal(0, 0.003 if big else 0.03)))
        arms.append({"name": f"arm{i}", "units": n, "conversions": int(rng.binomial(n, p)),
                     "weight": float(rng.choice([1, 1, 2]))})
    spec = {"control": "arm0", "alpha": alpha, "power": power, "arms": arms,
            "plan": {"mde": mde}}
    res = keel(spec)
    c = arms[0]
    pc = c["conversions"] / c["units"]
    pvals = []
    for a in arms[1:]:
        got = cmp_of(res, "metric", a["name"])
        tag = f"case {case} prop {a['name']}"
        z, p = proportions_ztest([a["conversions"], c["conversions"]], [a["units"], c["units"]])
        close(tag + " z", got["statistic"], z)
        close(tag + " p", got["p_value"], p)
        lo, hi = confint_proportions_2indep(a["conversions"], a["units"], c["conversions"],
                                            c["units"], method="wald", compare="diff",
                                            alpha=alpha)
        close(tag + " ci.lo", got["ci"][0], lo)
        close(tag + " ci.hi", got["ci"][1], hi)
        pt = a["conversions"] / a["units"]
        close(tag + " diff", got["diff"], pt - pc)
        if pc > 0:
            # delta method for pt/pc - 1
            v = pt * (1 - pt) / a["units"] / pc**2 + pt**2 * pc * (1 - pc) / c["units"] / pc**4
            zq = stats.norm.ppf(1 - alpha / 2)
            close(tag + " rel", got["relative_lift"], pt / pc - 1)
            close(tag + " rel.lo", got["relative_ci"][0], pt / pc - 1 - zq * math.sqrt(v))
        target = pc * (1 + mde)
        if 0 < pc and target < 1:
            n_ref = samplesize_proportions_2indep_onetail(target - pc, pc, power, ratio=1,
                                                          alpha=alpha)
            if abs(n_ref - round(n_ref)) > 1e-6:
                close(tag + " size", got["required_units_per_arm"], math.ceil(n_ref), 0)
            pw = power_proportions_2indep(target - pc, pc, a["units"], ratio=c["units"] / a["units"],
                                          alpha=alpha, return_results=True).power
            close(tag + " power", got["power"], pw)
        pvals.append(p)
        check_bayes_beta(tag, got, c, a)
        check_sequential(tag, got, alpha, pt - pc,
                         pc * (1 - pc) / c["units"] + pt * (1 - pt) / a["units"])
    holm = multipletests(pvals, method="holm")[1]
    for a, h in zip(arms[1:], holm):
        close(f"case {case} holm {a['name']}", cmp_of(res, "metric", a["name"])["p_value_holm"], h)
    check_srm(case, res, arms)


def check_srm(case, res, arms):
    obs = np.array([a["units"] for a in arms], float)
    w = np.array([a.get("weight", 1) for a in arms], float)
    chi2, p = stats.chisquare(obs, obs.sum() * w / w.sum())
    close(f"case {case} srm chi2", res["srm"]["chi2"], chi2)
    close(f"case {case} srm p", res["srm"]["p_value"], p)
    if res["srm"]["flagged"] != bool(p < 0.001):
        failures.append(f"case {case}: srm flagged {res['srm']['flagged']} for p {p}")
    if res["srm"]["flagged"] and res["verdict"]["decision"] == "ship":
        failures.append(f"case {case}: SRM flagged but verdict is ship")


def check_bayes_beta(tag, got, c, a):
    """P(pt > pc) and E[max(pc - pt, 0)] by scipy quadrature, written
    differently from keel's: the loss as the double integral reduced to
    ∫ f_c(x) (x F_t(x) - m_t F_t+(x)) dx."""
    ac, bc = 1 + c["conversions"], 1 + c["units"] - c["conversions"]
    at, bt = 1 + a["conversions"], 1 + a["units"] - a["conversions"]
    fc, ft, ftp = stats.beta(ac, bc), stats.beta(at, bt), stats.beta(at + 1, bt)
    mt = at / (at + bt)
    lo = max(0.0, min(fc.ppf(1e-15), ft.ppf(1e-15)))
    hi = min(1.0, max(fc.isf(1e-15), ft.isf(1e-15)))
    beat = integrate.quad(lambda x: ft.pdf(x) * fc.cdf(x), lo, hi, epsabs=1e-13, epsrel=1e-11,
                          limit=500)[0]
    loss = integrate.quad(lambda x: fc.pdf(x) * (x * ft.cdf(x) - mt * ftp.cdf(x)), lo, hi,
                          epsabs=1e-14, epsrel=1e-11, limit=500)[0]
    b = got["bayes"]
    close(tag + " bayes beat", b["chance_to_beat_control"], beat, 1e-7)
    close(tag + " bayes loss", b["expected_loss_ship"], loss, 1e-7)
    mc = ac / (ac + bc)
    close(tag + " bayes loss keep", b["expected_loss_keep"], loss + mt - mc, 1e-7)


def check_sequential(tag, got, alpha, diff, v):
    """Normal-mixture SPRT (Johari et al. 2017, eq. for Lambda_n with a
    N(0, tau^2) mixture): p = min(1, 1/Lambda), and the confidence sequence
    of Howard et al. (2021) / Waudby-Smith et al.: diff -/+
    sqrt(v (v + tau^2) / tau^2 * (2 log(1/alpha) + log((v + tau^2) / v)))."""
    s = got["sequential"]
    tau2 = s["tau"] ** 2
    log_lam = 0.5 * math.log(v / (v + tau2)) + tau2 * diff**2 / (2 * v * (v + tau2))
    close(tag + " seq p", s["p_value"], math.exp(-max(0.0, log_lam)))
    half = math.sqrt(v * (v + tau2) / tau2 * (2 * math.log(1 / alpha) + math.log((v + tau2) / v)))
    close(tag + " seq ci.lo", s["ci"][0], diff - half)
    close(tag + " seq ci.hi", s["ci"][1], diff + half)


def check_means(rng, case):
    k = int(rng.integers(2, 5))
    alpha = float(rng.choice([0.05, 0.01, 0.1]))
    power = float(rng.choice([0.8, 0.9]))
    mde = float(rng.choice([0.01, 0.05, 0.1]))
    prior = bool(rng.integers(0, 2))
    arms = []
    for i in range(k):
        n = int(rng.integers(2, 50000))
        arms.append({"name": f"v{i}", "units": n, "mean": float(rng.normal(50, 2)),
                     "sd": float(rng.uniform(0.5, 30))})
    spec = {"control": "v0", "alpha": alpha, "power": power, "arms": arms,
            "plan": {"mde": mde}, "sequential": {"tau": float(rng.uniform(0.1, 5))}}
    if prior:
        spec["bayes"] = {"prior": "normal", "prior_sd": 0.3}
    res = keel(spec)
    c = arms[0]
    pvals = []
    for a in arms[1:]:
        got = cmp_of(res, "metric", a["name"])
        tag = f"case {case} mean {a['name']}"
        t, p = stats.ttest_ind_from_stats(a["mean"], a["sd"], a["units"], c["mean"], c["sd"],
                                          c["units"], equal_var=False)
        vt, vc = a["sd"] ** 2 / a["units"], c["sd"] ** 2 / c["units"]
        df = (vt + vc) ** 2 / (vt**2 / (a["units"] - 1) + vc**2 / (c["units"] - 1))
        diff = a["mean"] - c["mean"]
        q = stats.t.ppf(1 - alpha / 2, df)
        close(tag + " t", got["statistic"], t)
        close(tag + " p", got["p_value"], p)
        close(tag + " df", got["df"], df)
        close(tag + " ci.lo", got["ci"][0], diff - q * math.sqrt(vt + vc))
        close(tag + " ci.hi", got["ci"][1], diff + q * math.sqrt(vt + vc))
        za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
        delta = mde * abs(c["mean"])
        n_ref = (za + zb) ** 2 * (a["sd"] ** 2 + c["sd"] ** 2) / delta**2
        if abs(n_ref - round(n_ref)) > 1e-6:
            close(tag + " size", got["required_units_per_arm"], math.ceil(n_ref), 0)
        se = math.sqrt(vt + vc)
        close(tag + " power", got["power"],
              stats.norm.sf(za - delta / se) + stats.norm.cdf(-za - delta / se))
        pvals.append(p)
        check_sequential(tag, got, alpha, diff, vt + vc)
        # Bayesian: posterior of the difference, integrated numerically.
        mu, s = diff, se
        if prior:
            r = diff / c["mean"]
            vr = vt / c["mean"] ** 2 + a["mean"] ** 2 * vc / c["mean"] ** 4
            prec = 1 / 0.09 + 1 / vr
            mu, s = (r / vr) / prec * c["mean"], math.sqrt(1 / prec) * abs(c["mean"])
        post = stats.norm(mu, s)
        # finite limits around the posterior's mass, so quad cannot miss it
        lo, hi = mu - 40 * s, mu + 40 * s
        beat = integrate.quad(post.pdf, max(0.0, lo), max(0.0, hi), epsabs=1e-13,
                              epsrel=1e-11)[0]
        loss = integrate.quad(lambda d: -d * post.pdf(d), min(0.0, lo), min(0.0, hi),
                              epsabs=1e-13, epsrel=1e-11)[0]
        close(tag + " bayes beat", got["bayes"]["chance_to_beat_control"], beat, 1e-7)
        close(tag + " bayes loss", got["bayes"]["expected_loss_ship"], loss, 1e-7)
    holm = multipletests(pvals, method="holm")[1]
    for a, h in zip(arms[1:], holm):
        close(f"case {case} holm {a['name']}", cmp_of(res, "metric", a["name"])["p_value_holm"], h)
    check_srm(case, res, arms)


def check_csv_cuped(rng, case):
    """A CSV of units with a pre-period metric: per-arm statistics, Welch on
    the raw and the CUPED-adjusted values, theta and the variance reduction,
    all recomputed with numpy/scipy from the same rows."""
    n = int(rng.integers(200, 5000))
    arms = np.array(["control", "treat", "other"])[rng.integers(0, 3, n)]
    pre = rng.gamma(2.0, 10.0, n)
    y = 0.8 * pre + rng.normal(0, 5, n) + np.where(arms == "treat", 0.7, 0.0)
    miss = rng.random(n) < 0.05
    lines = ["arm,metric,pre_metric"]
    for i in range(n):
        lines.append(f"{arms[i]},{y[i]!r},{'' if miss[i] else repr(pre[i])}")
    res = keel({"control": "control", "alpha": 0.05}, "\n".join(lines) + "\n")
    xbar = pre[~miss].mean()
    x = np.where(miss, xbar, pre)
    theta = np.cov(y, x, ddof=1)[0, 1] / np.var(x, ddof=1)
    adj = y - theta * (x - x.mean())
    m = res["metrics"][0]
    close(f"case {case} cuped theta", m["cuped"]["theta"], theta)
    close(f"case {case} cuped reduction", m["cuped"]["variance_reduction"],
          1 - np.var(adj, ddof=1) / np.var(y, ddof=1))
    for name in ("treat", "other"):
        got = cmp_of(res, "metric", name)
        t, p = stats.ttest_ind(adj[arms == name], adj[arms == "control"], equal_var=False)
        close(f"case {case} cuped t {name}", got["statistic"], t)
        close(f"case {case} cuped p {name}", got["p_value"], p)
    for a in m["arms"]:
        close(f"case {case} raw mean {a['name']}", a["mean"], y[arms == a["name"]].mean())
        close(f"case {case} raw sd {a['name']}", a["sd"], y[arms == a["name"]].std(ddof=1))
    for a in m["cuped"]["arms"]:
        close(f"case {case} adj mean {a['name']}", a["mean"], adj[arms == a["name"]].mean())
    units = [int((arms == a["name"]).sum()) for a in res["arms"]]
    if units != [a["units"] for a in res["arms"]]:
        failures.append(f"case {case}: units {units} vs {res['arms']}")


def check_csv_binary(rng, case):
    """0/1 metric from a CSV is a proportion: z-test as statsmodels."""
    n = int(rng.integers(100, 20000))
    arms = np.array(["A", "B"])[rng.integers(0, 2, n)]
    y = (rng.random(n) < np.where(arms == "B", 0.12, 0.1)).astype(int)
    csv = "arm,metric\n" + "".join(f"{a},{v}\n" for a, v in zip(arms, y))
    res = keel({"control": "A"}, csv)
    got = cmp_of(res, "metric", "B")
    cnt = [int(y[arms == "B"].sum()), int(y[arms == "A"].sum())]
    nob = [int((arms == "B").sum()), int((arms == "A").sum())]
    z, p = proportions_ztest(cnt, nob)
    close(f"case {case} csv z", got["statistic"], z)
    close(f"case {case} csv p", got["p_value"], p)


def check_cli():
    """Exit codes and messages of the command itself."""
    def run(*args, stdin=None):
        return subprocess.run([KEEL, "abtest", *args], capture_output=True, text=True,
                              input=stdin)
    r = run("--help")
    if r.returncode != 0 or "usage: keel abtest" not in r.stdout:
        failures.append(f"--help: {r.returncode} {r.stdout[:80]}")
    for args in ((), ("--bogus",), ("--alpha", "x", "-"), ("a.json", "b.json")):
        r = run(*args, stdin="{}")
        if r.returncode != 2:
            failures.append(f"usage {args}: exit {r.returncode}, want 2")
    r = run("/nonexistent/spec.json")
    if r.returncode != 1:
        failures.append(f"missing file: exit {r.returncode}, want 1")
    bad = '{"control":"A","arms":[{"name":"A","units":10,"conversions":11}]}'
    r = run("-", stdin=bad)
    if r.returncode != 2 or "arms[0].conversions" not in r.stderr:
        failures.append(f"conversions above units: exit {r.returncode}, {r.stderr.strip()}")
    r = run("-", "--control", "B", stdin=bad.replace("11", "1"))
    if r.returncode != 2 or "keel: control: no arm named 'B'" not in r.stderr:
        failures.append(f"unknown control: exit {r.returncode}, {r.stderr.strip()}")
    good = ('{"control":"A","arms":[{"name":"A","units":20000,"conversions":2000},'
            '{"name":"B","units":20000,"conversions":2300}]}')
    r = run("-", "--mde", "0.05", stdin=good)
    if r.returncode != 0 or "verdict: ship (arm 'B')" not in r.stdout:
        failures.append(f"text output: exit {r.returncode}: {r.stdout[-300:]}")
    r = run("-", "--mde", "0.05", "--sequential", "--json", stdin=good)
    res = json.loads(r.stdout, parse_constant=no_nan)
    c = cmp_of(res, "metric", "B")
    if res["verdict"]["decision"] != ("ship" if c["sequential"]["p_value"] < 0.05 else
                                      "keep_running"):
        failures.append(f"--sequential verdict {res['verdict']} vs {c['sequential']}")


def main():
    check_cli()
    rng = np.random.default_rng(20261128)
    case = 0
    for _ in range(40):
        case += 1
        check_proportions(rng, case)
    for _ in range(4):  # millions of units: GSL's incomplete beta needs its fallback
        case += 1
        check_proportions(rng, case, big=True)
    for _ in range(40):
        case += 1
        check_means(rng, case)
    for _ in range(8):
        case += 1
        check_csv_cuped(rng, case)
    for _ in range(8):
        case += 1
        check_csv_binary(rng, case)
    if failures:
        print("\n".join(failures[:50]))
        print(f"FAIL: {len(failures)} of {checks} checks")
        return 1
    print(f"ok: {checks} checks on {case} generated cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
