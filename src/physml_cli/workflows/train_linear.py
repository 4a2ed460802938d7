"""``physml train linear``: fit, cross-validate and score a linear model."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from physml_cli import _engine
from physml_cli.io import learning_data
from physml_cli import registry
from physml_cli.errors import PhysmlError


def is_classifier(model: str) -> bool:
    return registry.entry("linear_model", model, "--model").can("classifier")


@dataclass
class LinearResult:
    model: str
    alpha: float
    coef: np.ndarray          # (1, p) regression or binary logistic; (K, p) softmax
    intercept: np.ndarray
    train_score: float
    test_score: float | None
    cv_alphas: list[float] = field(default_factory=list)
    cv_scores: list[float] = field(default_factory=list)
    scale_mean: np.ndarray | None = None
    scale_std: np.ndarray | None = None
    converged: bool = True
    wall_s: float = 0.0


def _check_labels(model: str, y: np.ndarray) -> None:
    if is_classifier(model):
        if (y != np.floor(y)).any() or (y < 0).any():
            raise PhysmlError(f"--model {model} needs class labels 0, 1, ... as targets")
        if model == "logistic" and y.max() > 1:
            raise PhysmlError("--model logistic needs labels 0 and 1 (use softmax for more classes)")


def fit(data: learning_data.Dataset, model: str, alphas: list[float], l1_ratio: float,
        cv: int, fit_intercept: bool, standardize: bool, test_fraction: float, seed: int,
        tol: float, max_iter: int) -> LinearResult:
    registry.entry("linear_model", model, "--model")
    _check_labels(model, data.y)
    t0 = time.perf_counter()
    train, test = learning_data.split(len(data.y), test_fraction, seed)
    X, y = data.X[train], data.y[train]
    mean = std = None
    if standardize:
        # scale on the training rows only; constant columns keep scale 1
        mean, std = X.mean(0), X.std(0)
        std[std == 0] = 1.0
        X = (X - mean) / std
    cv_scores: list[float] = []
    if model == "ols":
        alpha = 0.0
    elif cv:
        try:
            scores = _engine.linear_cross_validate(model, X, y, alphas, cv, seed, l1_ratio,
                                                   fit_intercept, tol, max_iter)
        except ValueError as exc:
            raise PhysmlError(str(exc)) from None
        cv_scores = scores.mean(axis=1).tolist()
        alpha = alphas[int(np.argmax(cv_scores))]
    else:
        if len(alphas) != 1:
            raise PhysmlError("several --alpha values need --cv K to choose between them")
        alpha = alphas[0]
    try:
        r = _engine.linear_fit(model, X, y, alpha, l1_ratio, fit_intercept, tol, max_iter)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    coef = np.atleast_2d(r["coef"])
    intercept = np.atleast_1d(r["intercept"]).astype(np.float64)
    Xt = data.X[test]
    if standardize:
        Xt = (Xt - mean) / std
    train_score = _engine.linear_score(model, coef, intercept, X, y)
    test_score = _engine.linear_score(model, coef, intercept, Xt, data.y[test]) if len(test) else None
    return LinearResult(model=model, alpha=alpha, coef=coef, intercept=intercept,
                        train_score=train_score, test_score=test_score,
                        cv_alphas=list(alphas) if cv_scores else [], cv_scores=cv_scores,
                        scale_mean=mean, scale_std=std, converged=bool(r["converged"]),
                        wall_s=time.perf_counter() - t0)
