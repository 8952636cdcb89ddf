#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""keel explain against XGBoost 1.7 (Debian's python3-xgboost): small models
are trained here for every supported objective (binary:logistic,
reg:squarederror, reg:logistic, count:poisson, multi:softprob), on data with
missing values, plus a deep model (depth 12) whose paths hold up to ten
distinct features. keel's per-row contributions must match
predict(pred_contribs=True) to 1e-5 absolute and its predictions match
predict() to 1e-6 relative (relative to max(|value|, 1), since XGBoost sums
in single precision). Rows are explained in bulk (per-leaf tables) and one at
a time (the direct formula), on one thread and on several. Also: base_score
written as an array, feature names matched in any column order, the linear
model form against numpy, the summary (--json and table), and every refusal:
dart, gblinear, categorical splits, other objectives, malformed and
truncated JSON, feature-count mismatch, infinities, non-numeric columns,
empty data — each a clear message and exit code 2."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import xgboost as xgb

SRC = os.environ.get("KEEL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
KEEL = os.environ.get("KEEL_BIN", os.path.join(SRC, "build", "keel"))
TMP = tempfile.mkdtemp(prefix="keel-explain-")
FAILS = []
NF = 8


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def keel(*args):
    return subprocess.run([KEEL, "explain", *args], capture_output=True, text=True)


def path(name):
    return os.path.join(TMP, name)


def write_csv(name, X, names, nan="", order=None):
    """Write X (rows x features) with a header; NaN cells as `nan`;
    columns in `order` (indexes) when given."""
    order = list(range(X.shape[1])) if order is None else order
    with open(path(name), "w") as f:
        f.write(",".join(names[j] for j in order) + "\n")
        for row in X:
            f.write(",".join(nan if np.isnan(row[j]) else repr(float(row[j])) for j in order))
            f.write("\n")
    return path(name)


def read_out(name):
    with open(path(name)) as f:
        header = f.readline().strip().split(",")
    return header, np.loadtxt(path(name), delimiter=",", skiprows=1, ndmin=2)


def make_data(n, seed, nan_share=0.1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, NF)).astype(np.float32)
    return X, rng


def with_missing(X, rng, share):
    X = X.copy()
    X[rng.random(X.shape) < share] = np.nan
    return X


def labels(obj, X, rng):
    n = X.shape[0]
    s = X[:, 0] + X[:, 1] * X[:, 2] - 0.5 * X[:, 3]
    if obj == "binary:logistic":
        return (s + rng.normal(size=n) > 0).astype(float)
    if obj == "reg:squarederror":
        return s + np.sin(X[:, 4]) + 0.1 * rng.normal(size=n)
    if obj == "reg:logistic":
        return np.clip(1 / (1 + np.exp(-s)) + 0.05 * rng.normal(size=n), 0, 1)
    if obj == "count:poisson":
        return rng.poisson(np.exp(0.4 * X[:, 0] + 0.3 * X[:, 1]))
    if obj == "multi:softprob":
        return np.argmax(np.stack([s, X[:, 4] + X[:, 5], -s + X[:, 6]], axis=1), axis=1)
    raise ValueError(obj)


def train(obj, depth=4, rounds=20, n=600, seed=1, names=None, extra=None):
    X, rng = make_data(n, seed)
    y = labels(obj, X, rng)
    X = with_missing(X, rng, 0.1)
    params = {"objective": obj, "max_depth": depth, "nthread": 1, "eta": 0.3}
    if obj == "multi:softprob":
        params["num_class"] = 3
    params.update(extra or {})
    d = xgb.DMatrix(X, label=y, feature_names=names)
    return xgb.train(params, d, rounds)


def reference(booster, X, names=None):
    d = xgb.DMatrix(X, feature_names=names)
    return booster.predict(d, pred_contribs=True), booster.predict(d)


def compare(tag, booster, X, outname, names=None):
    contribs, preds = reference(booster, X, names)
    n = X.shape[0]
    _, got = read_out(outname)
    ng = 1 if contribs.ndim == 2 else contribs.shape[1]
    want = contribs.reshape(n, ng * (NF + 1))
    check(got.shape == (n, ng * (NF + 1) + ng), f"{tag}: output shape {got.shape}")
    if got.shape != (n, ng * (NF + 1) + ng):
        return
    err = np.abs(got[:, : ng * (NF + 1)] - want).max()
    check(err <= 1e-5, f"{tag}: contributions differ by {err:.3g}")
    p = preds.reshape(n, ng)
    perr = (np.abs(got[:, ng * (NF + 1):] - p) / np.maximum(np.abs(p), 1)).max()
    check(perr <= 1e-6, f"{tag}: predictions differ by {perr:.3g} (relative)")
    print(f"ok {tag}: {n} rows, contributions within {err:.2g}, predictions within {perr:.2g}")


def explain_and_compare(tag, booster, X, names=None, order=None, extra=()):
    fnames = names or [f"f{j}" for j in range(NF)]
    model = path(f"{tag}.json")
    booster.save_model(model)
    data = write_csv(f"{tag}.csv", X, fnames, order=order)
    p = keel("--model", model, "--data", data, "--out", path(f"{tag}.out.csv"), *extra)
    check(p.returncode == 0, f"{tag}: exit {p.returncode}: {p.stderr}")
    if p.returncode == 0:
        compare(tag, booster, X, f"{tag}.out.csv", names)
    return model, data


def expect_refusal(tag, args, needle, code=2):
    p = keel(*args)
    check(p.returncode == code, f"{tag}: exit {p.returncode} (want {code}); stderr {p.stderr!r}")
    check(needle.lower() in p.stderr.lower(), f"{tag}: message {p.stderr!r} lacks {needle!r}")
    if p.returncode == code:
        print(f"ok {tag}: {p.stderr.strip()}")


def test_objectives():
    for obj in ["binary:logistic", "reg:squarederror", "reg:logistic", "count:poisson",
                "multi:softprob"]:
        b = train(obj, seed=hash(obj) % 1000)
        X, rng = make_data(300, 7)
        X = with_missing(X, rng, 0.15)
        tag = obj.replace(":", "_")
        explain_and_compare(tag, b, X)
        explain_and_compare(tag + "_1thread", b, X, extra=("--threads", "1"))
        explain_and_compare(tag + "_onerow", b, X[:1])


def test_deep():
    b = train("binary:logistic", depth=12, rounds=15, n=3000, seed=3,
              extra={"min_child_weight": 0, "lambda": 0.1})
    depth = max(t.count("\t") for t in b.get_dump()[0].split("\n") if "leaf" in t)
    check(depth >= 8, f"deep: the model is only {depth} deep")
    X, rng = make_data(400, 11)
    X = with_missing(X, rng, 0.05)
    explain_and_compare("deep", b, X)
    for i in range(3):
        explain_and_compare(f"deep_row{i}", b, X[i:i + 1])


def test_base_score_and_names():
    names = [f"x_{j}" for j in range(NF)]
    b = train("binary:logistic", names=names, extra={"base_score": 0.3})
    X, rng = make_data(200, 5)
    X = with_missing(X, rng, 0.1)
    order = list(reversed(range(NF)))
    model, data = explain_and_compare("named", b, X, names=names, order=order)
    header, _ = read_out("named.out.csv")
    check(header[:NF] == names and header[NF:] == ["bias", "prediction"],
          f"named: header {header}")
    m = json.load(open(model))
    base = m["learner"]["learner_model_param"]["base_score"]
    for form, value in [("string-array", f"[{base}]"), ("json-array", [float(base)]),
                        ("number", float(base))]:
        m["learner"]["learner_model_param"]["base_score"] = value
        json.dump(m, open(path(f"base_{form}.json"), "w"))
        p = keel("--model", path(f"base_{form}.json"), "--data", data, "--out",
                 path(f"base_{form}.out.csv"))
        check(p.returncode == 0, f"base_score {form}: exit {p.returncode}: {p.stderr}")
        if p.returncode == 0:
            compare(f"base_score as {form}", b, X, f"base_{form}.out.csv", names)
    # A named model needs its columns by name.
    write_csv("named_missing_col.csv", X[:, :NF - 1], names[:NF - 1])
    expect_refusal("named model, column absent",
                   ["--model", model, "--data", path("named_missing_col.csv")], "x_7")


def test_summary():
    b = train("reg:squarederror", seed=9)
    X, rng = make_data(250, 13)
    model, data = explain_and_compare("summary", b, X)
    contribs, preds = reference(b, X)
    p = keel("--model", model, "--data", data, "--summary", "--json")
    check(p.returncode == 0, f"summary json: exit {p.returncode}: {p.stderr}")
    r = json.loads(p.stdout)
    feats = r["outputs"][0]["features"]
    want = np.abs(contribs[:, :NF]).mean(axis=0)
    got = {f["feature"]: f["mean_abs_shap"] for f in feats}
    err = max(abs(got[f"f{j}"] - want[j]) for j in range(NF))
    check(err < 1e-5, f"summary: mean |SHAP| differs by {err:.3g}")
    ranks = [f["mean_abs_shap"] for f in feats]
    check(ranks == sorted(ranks, reverse=True), "summary: not ranked by mean |SHAP|")
    check(abs(r["outputs"][0]["base_value"] - contribs[0, NF]) < 1e-5, "summary: base value")
    check(abs(r["outputs"][0]["mean_prediction"] - preds.mean()) < 1e-5, "summary: mean prediction")
    check(r["rows"] == len(X) and "contributions" not in r, "summary json: rows / no contributions")
    p = keel("--model", model, "--data", data, "--json")
    r = json.loads(p.stdout)
    c = np.array(r["contributions"])
    check(c.shape == (len(X), NF + 1) and np.abs(c - contribs).max() < 1e-5,
          "json: contributions inline")
    p = keel("--model", model, "--data", data, "--summary", "--top", "3")
    check(p.returncode == 0 and "mean |SHAP|" in p.stdout and "5 more features" in p.stdout,
          f"summary table: {p.stdout!r}")
    print("ok summary: JSON, inline contributions, table")


def test_linear():
    rng = np.random.default_rng(21)
    names = ["age", "income", "debt"]
    coef = np.array([0.03, -0.8, 1.5])
    mean = np.array([41.0, 1.2, 0.4])
    model = {"model": "logistic", "intercept": -0.7,
             "features": [{"name": n, "coef": c, "mean": m}
                          for n, c, m in zip(names, coef, mean)]}
    json.dump(model, open(path("lin.json"), "w"))
    X = np.stack([rng.normal(40, 10, 50), rng.normal(1, 0.5, 50), rng.random(50)], axis=1)
    write_csv("lin.csv", X[:, [2, 0, 1]], [names[2], names[0], names[1]])
    p = keel("--model", path("lin.json"), "--data", path("lin.csv"), "--out",
             path("lin.out.csv"))
    check(p.returncode == 0, f"linear: exit {p.returncode}: {p.stderr}")
    header, got = read_out("lin.out.csv")
    want = np.column_stack([coef * (X - mean),
                            np.full(len(X), -0.7 + coef @ mean),
                            1 / (1 + np.exp(-(-0.7 + X @ coef)))])
    check(header == names + ["bias", "prediction"], f"linear: header {header}")
    err = np.abs(got - want).max()
    check(err < 1e-8, f"linear: differs by {err:.3g}")
    p = keel("--model", path("lin.json"), "--data", path("lin.csv"), "--summary", "--json")
    dirs = {f["feature"]: f["direction"] for f in json.loads(p.stdout)["outputs"][0]["features"]}
    check(dirs == {"age": "increases", "income": "decreases", "debt": "increases"},
          f"linear: directions {dirs}")
    X[3, 1] = np.nan
    write_csv("lin_missing.csv", X, names)
    expect_refusal("linear, missing value",
                   ["--model", path("lin.json"), "--data", path("lin_missing.csv")],
                   "missing value")
    print(f"ok linear: within {err:.2g}")


def test_refusals():
    X, rng = make_data(200, 17)
    y = labels("binary:logistic", X, rng)
    d = xgb.DMatrix(X, label=y)
    data = write_csv("plain.csv", X[:20], [f"f{j}" for j in range(NF)])
    for name, params, needle in [
            ("dart", {"booster": "dart", "objective": "binary:logistic"}, "dart"),
            ("gblinear", {"booster": "gblinear", "objective": "binary:logistic"}, "gblinear"),
            ("objective", {"objective": "reg:pseudohubererror"}, "not supported")]:
        xgb.train(dict(params, nthread=1), d, 3).save_model(path(f"{name}.json"))
        expect_refusal(name, ["--model", path(f"{name}.json"), "--data", data], needle)
    try:
        import pandas as pd
        df = pd.DataFrame(X, columns=[f"f{j}" for j in range(NF)])
        df["f0"] = pd.Categorical(np.where(X[:, 0] > 0, "a", np.where(X[:, 1] > 0, "b", "c")))
        dc = xgb.DMatrix(df, label=y, enable_categorical=True)
        xgb.train({"tree_method": "hist", "objective": "binary:logistic", "nthread": 1,
                   "max_cat_to_onehot": 1}, dc, 3).save_model(path("cat.json"))
        expect_refusal("categorical", ["--model", path("cat.json"), "--data", data],
                       "categorical")
    except ImportError:
        print("skip categorical: no pandas")

    good = train("binary:logistic", rounds=3)
    good.save_model(path("good.json"))
    text = open(path("good.json")).read()
    open(path("trunc.json"), "w").write(text[: len(text) // 2])
    open(path("bad.json"), "w").write("{not json")
    expect_refusal("malformed JSON", ["--model", path("bad.json"), "--data", data],
                   "not valid JSON")
    expect_refusal("truncated JSON", ["--model", path("trunc.json"), "--data", data],
                   "not valid JSON")
    write_csv("narrow.csv", X[:5, :NF - 1], [f"f{j}" for j in range(NF - 1)])
    expect_refusal("feature count", ["--model", path("good.json"), "--data",
                                     path("narrow.csv")], "expects 8 features")
    Xi = X[:5].copy()
    Xi[2, 3] = np.inf
    write_csv("inf.csv", Xi, [f"f{j}" for j in range(NF)])
    expect_refusal("infinity", ["--model", path("good.json"), "--data", path("inf.csv")],
                   "finite")
    with open(path("text.csv"), "w") as f:
        f.write(",".join(f"f{j}" for j in range(NF)) + "\n")
        f.write(",".join(["1"] * (NF - 1) + ["high"]) + "\n")
    expect_refusal("text column", ["--model", path("good.json"), "--data", path("text.csv")],
                   "not numeric")
    with open(path("header_only.csv"), "w") as f:
        f.write(",".join(f"f{j}" for j in range(NF)) + "\n")
    expect_refusal("no rows", ["--model", path("good.json"), "--data",
                               path("header_only.csv")], "no rows")
    open(path("empty.csv"), "w").close()
    p = keel("--model", path("good.json"), "--data", path("empty.csv"))
    check(p.returncode == 2 and p.stderr.startswith("keel: "), f"empty file: {p.returncode} "
          f"{p.stderr!r}")
    expect_refusal("no --data", ["--model", path("good.json")], "--data")
    # NaN, NA and empty cells are all missing values, scored alike.
    Xn = X[:6].copy()
    Xn[:, 2] = np.nan
    outs = []
    for tok in ["", "NaN", "NA"]:
        write_csv(f"nan_{tok or 'empty'}.csv", Xn, [f"f{j}" for j in range(NF)], nan=tok)
        p = keel("--model", path("good.json"), "--data", path(f"nan_{tok or 'empty'}.csv"))
        check(p.returncode == 0, f"missing as {tok!r}: exit {p.returncode}")
        outs.append(p.stdout)
    check(outs[0] == outs[1] == outs[2], "missing spellings give different results")
    p = keel("--help")
    check(p.returncode == 0 and "usage: keel explain" in p.stdout, "--help")


def main():
    test_objectives()
    test_deep()
    test_base_score_and_names()
    test_summary()
    test_linear()
    test_refusals()
    if FAILS:
        print(f"{len(FAILS)} failures")
        sys.exit(1)
    print("all explain reference checks passed")


if __name__ == "__main__":
    main()
