"""``physml train ...`` once arguments are valid: load, fit, save, report."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _engine, learning_data, report, schema, train_linear
from .errors import PhysmlError


def run_train_linear(*, data: str, output: str, overwrite: bool, as_json: bool,
                     command_line: str, target: str | None, tc: float | None, features: str,
                     threads: int, **opts: Any) -> None:
    schema.check_new_output(output, overwrite)
    ds = learning_data.load(data, target, features, tc=tc, threads=threads)
    r = train_linear.fit(ds, **opts)
    attrs = dict(ds.source, model=r.model, alpha=r.alpha, l1_ratio=opts["l1_ratio"],
                 fit_intercept=opts["fit_intercept"], standardize=opts["standardize"],
                 n_features=int(ds.X.shape[1]), train_score=r.train_score,
                 test_score=r.test_score, test_fraction=opts["test_fraction"],
                 seed=opts["seed"], converged=r.converged, cv_folds=opts["cv"])
    arrays = {"coef": r.coef, "intercept": r.intercept}
    if r.scale_mean is not None:
        arrays.update(scale_mean=r.scale_mean, scale_std=r.scale_std)
    if r.cv_scores:
        arrays.update(cv_alphas=r.cv_alphas, cv_scores=r.cv_scores)
    schema.write_model(output, "linear", attrs, arrays, command_line)
    if not r.converged:
        print(f"warning: {r.model} did not converge in --max-iter iterations", file=__import__("sys").stderr)
    if as_json:
        report.print_json(train_linear.as_json(r))
    else:
        report.stderr.print(f"{r.model} (alpha = {r.alpha:g}) on {ds.X.shape[0]} samples × "
                            f"{ds.X.shape[1]} features: train score {r.train_score:.6g}, "
                            f"test score {r.test_score if r.test_score is None else f'{r.test_score:.6g}'}"
                            f" -> {output}")


def run_predict(*, model_path: str, data: str, target: str | None, tc: float | None,
                output: str | None, overwrite: bool, as_json: bool, command_line: str) -> None:
    if output:
        schema.check_new_output(output, overwrite)
    model = schema.read_model(model_path)
    a, arr = model["attrs"], model["arrays"]
    if a.get("model_kind") != "linear":
        raise PhysmlError(f"{model_path} is not a model physml predict can apply "
                          f"(kind {a.get('model_kind')}); linear models are supported")
    if "coef" not in arr or "intercept" not in arr:
        raise PhysmlError(f"{model_path} is damaged: no coefficients")
    target = target or a.get("target")
    ds = learning_data.load(data, target, a.get("features", "raw"), tc=tc)
    X = ds.X
    if X.shape[1] != int(a.get("n_features", X.shape[1])):
        raise PhysmlError(f"{data} gives {X.shape[1]} features, the model expects "
                          f"{a.get('n_features')}")
    if "scale_mean" in arr:
        X = (X - arr["scale_mean"]) / arr["scale_std"]
    coef, intercept = np.atleast_2d(arr["coef"]), np.atleast_1d(arr["intercept"])
    try:
        pred = _engine.linear_predict(a["model"], coef, intercept, X)
        score = _engine.linear_score(a["model"], coef, intercept, X, ds.y)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    classifier = a["model"] in train_linear.CLASSIFIERS
    values = pred.argmax(axis=1) if classifier else pred[:, 0]
    if output:
        arrays = {"prediction": values}
        if classifier:
            arrays["probability"] = pred
        schema.write_predictions(output, {"model": model_path, "data": data,
                                          "target": ds.source["target"], "score": score},
                                 arrays, command_line)
    if as_json:
        report.print_json({"model": a["model"], "n": int(len(values)), "target": ds.source["target"],
                           "score": float(score), "predictions": values.tolist()})
    else:
        report.stderr.print(f"{a['model']} on {len(values)} samples of {data}: score {score:.6g}"
                            + (f" -> {output}" if output else ""))
