"""``physml train ...`` once arguments are valid: load, fit, save, report."""
from __future__ import annotations

import os
from typing import Any

from . import learning_data, report, schema, train_linear


def run_train_linear(*, data: str, output: str, overwrite: bool, as_json: bool,
                     command_line: str, target: str | None, tc: float | None, features: str,
                     threads: int, **opts: Any) -> None:
    if os.path.exists(output) and not overwrite:
        from .errors import PhysmlError
        raise PhysmlError(f"{output} exists (use --overwrite to replace it)")
    schema.check_writable(output)
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
