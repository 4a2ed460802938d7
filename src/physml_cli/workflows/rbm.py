"""Restricted Boltzmann machines for the CLI: data, training, likelihoods, sampling."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from physml_cli import _engine
from physml_cli import resources
from physml_cli.io import learning_data
from physml_cli.errors import PhysmlError

EXACT_LIMIT = 20  # exact log Z when min(visible, hidden) <= this, AIS above


def load_data(path: str, units: str) -> tuple[np.ndarray, bool, dict[str, Any]]:
    """Rows of visible data, whether units are +-1, and the data's provenance."""
    X, info = learning_data.spin_rows(path, "an RBM")
    pm = units == "pm1" or (units == "auto" and info["source_values"] == "pm1")
    if pm and info["source_values"] != "pm1":
        raise PhysmlError("--units pm1 needs +-1 data")
    if not pm and info["source_values"] == "pm1":
        X = (X + 1.0) / 2.0  # +-1 data on 0/1 units
    if not pm and (X.min() < 0 or X.max() > 1):
        raise PhysmlError("0/1 units need data in [0, 1] (or +-1 data)")
    return X, pm, info


def estimate(n_rows: int, visible: int, hidden: int, batch_size: int) -> float:
    """Bytes train() needs: the data (float64) three times (the array, the engine's matrix,
    the pseudo-likelihood's flipped copy), the hidden fields of every row (free energies,
    pseudo-likelihood), the weights with their gradient and momentum, a batch's layers."""
    return (3 * 8 * n_rows * visible + 2 * 8 * n_rows * hidden + 4 * 8 * visible * hidden
            + 6 * 8 * max(1, min(batch_size, n_rows)) * (visible + hidden))


def estimate_sample(n: int, visible: int, hidden: int) -> float:
    """Bytes sample() needs: n chains' visible and hidden layers, their draws, the output."""
    return 8 * n * (3 * visible + 2 * hidden)


@dataclass(frozen=True)
class LogLikelihood:
    """Mean log-likelihood of the training data; log Z exactly (enumerating the smaller layer)
    or by annealed importance sampling, whose spread is err."""
    value: float
    err: float
    method: str
    log_partition: float


@dataclass(frozen=True)
class Training:
    params: dict[str, np.ndarray]  # W, b_visible, b_hidden
    wall_s: float
    pseudo_loglik: float
    loglik: LogLikelihood


def train(X: np.ndarray, pm: bool, opts: dict[str, Any], threads: int, ais_runs: int,
          ais_betas: int) -> Training:
    resources.check_memory(estimate(len(X), X.shape[1], opts["hidden"], opts["batch_size"]),
                           f"an RBM of {X.shape[1]:,} x {opts['hidden']:,} units trained on "
                           f"{len(X):,} samples")
    t0 = time.perf_counter()
    try:
        p = _engine.rbm_train(X, opts["hidden"], opts["cd_k"], opts["epochs"], opts["batch_size"],
                              opts["persistent"], opts["lr"], opts["momentum"], opts["l2"],
                              opts["seed"], threads, pm)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    except MemoryError as exc:
        raise PhysmlError(f"RBM training: {exc}") from None
    wall = time.perf_counter() - t0
    W, b, c = p["W"], p["b_visible"], p["b_hidden"]
    pll = _engine.rbm_pseudo_log_likelihood(W, b, c, X, pm, opts["seed"])
    exact = min(W.shape) <= EXACT_LIMIT
    log_z, err = _engine.rbm_log_partition(W, b, c, pm, "exact" if exact else "ais", ais_runs,
                                           ais_betas, opts["seed"], threads)
    mean_ll = float(-_engine.rbm_free_energy(W, b, c, X, pm).mean() - log_z)
    return Training(params=p, wall_s=wall, pseudo_loglik=float(pll),
                    loglik=LogLikelihood(value=mean_ll, err=float(err),
                                         method="exact" if exact else "ais",
                                         log_partition=float(log_z)))


def sample(model: dict[str, Any], n: int, steps: int, seed: int, threads: int) -> np.ndarray:
    a, arr = model["attrs"], model["arrays"]
    pm = a.get("units") == "pm1"
    visible, hidden = np.shape(arr["W"])
    resources.check_memory(estimate_sample(n, visible, hidden), f"{n:,} RBM samples")
    V = _engine.rbm_sample(arr["W"], arr["b_visible"], arr["b_hidden"], pm, n, steps, seed,
                           threads)
    return (V if pm else 2.0 * V - 1.0).astype(np.int8)  # as Ising spins
