"""MPS Born machines for the CLI: their data, the sweep loop, likelihoods, sampling, storage.

The engine (cpp/born/) trains, contracts and samples; this module decides what a run is: the
data as 0/1 rows, how many sweeps with which settings, the held-out rows, and how a machine
is packed into a model file (bond dimensions plus one flat array of coefficients)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from physml_cli import _engine, resources
from physml_cli.errors import PhysmlError
from physml_cli.io import learning_data

Tensors = list[tuple[np.ndarray, np.ndarray]]


def load_data(path: str) -> tuple[np.ndarray, dict[str, Any]]:
    """The data as 0/1 rows (Ising spin up is 1) and their provenance."""
    X, info = learning_data.spin_rows(path, "a Born machine")
    if info["source_values"] == "other":
        raise PhysmlError(f"{path}: a Born machine learns binary data (0/1 or +-1 values)")
    bits = (X > 0) if info["source_values"] == "pm1" else (X == 1)
    return np.ascontiguousarray(bits, dtype=np.uint8), info


def empirical_entropy(X: np.ndarray) -> float:
    """-sum p ln p over the distinct rows: the lowest mean NLL any model can reach on X (a
    model equal to the rows' frequencies), ln 30 for the 30 bars-and-stripes patterns."""
    _, counts = np.unique(X, axis=0, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


def estimate(n_rows: int, n_sites: int, bond_dim: int) -> float:
    """Bytes training needs: every sample's left and right partial products at every site
    (the cache that makes a bond step O(samples D^2)), a bond's copies of them, the data."""
    return 8.0 * n_rows * bond_dim * (2 * (n_sites + 1) + 2) + n_rows * n_sites * 2


@dataclass(frozen=True)
class Settings:
    bond_dim: int
    cutoff: float
    sweeps: int
    lr: float
    descent_steps: int


@dataclass
class Training:
    tensors: Tensors
    nll: float                       # mean -ln p of the training rows
    nll_test: float | None           # of the held-out rows
    history: dict[str, list[float]] = field(default_factory=dict)  # per sweep
    wall_s: float = 0.0


def train(X: np.ndarray, X_test: np.ndarray | None, s: Settings, threads: int,
          on_sweep: Callable[[int, dict[str, Any]], None] | None = None) -> Training:
    """Sweeps from the uniform product state; NLLs are exact (Z is a contraction)."""
    resources.check_memory(estimate(len(X), X.shape[1], s.bond_dim),
                           f"an MPS of {X.shape[1]:,} sites with bond dimension "
                           f"{s.bond_dim:,} trained on {len(X):,} samples")
    t0 = time.perf_counter()
    try:
        trainer = _engine.BornTrainer(X, [], threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    history: dict[str, list[float]] = {"nll": [], "nll_test": [], "discarded_weight": [],
                                       "largest_bond": [], "rejected_steps": []}
    for sweep in range(s.sweeps):
        r = trainer.sweep(s.bond_dim, s.cutoff, s.lr, s.descent_steps)
        r["nll_test"] = nll(trainer.tensors(), X_test, threads) if X_test is not None else math.nan
        for k in history:
            history[k].append(float(r[k]))
        if on_sweep is not None:
            on_sweep(sweep + 1, r)
    tensors = trainer.tensors()
    return Training(tensors=tensors, nll=history["nll"][-1] if s.sweeps else nll(tensors, X, threads),
                    nll_test=None if X_test is None else nll(tensors, X_test, threads),
                    history=history, wall_s=time.perf_counter() - t0)


def nll(tensors: Tensors, X: np.ndarray, threads: int) -> float:
    return float(-np.mean(_engine.born_log_probabilities(tensors, X, threads)))


def pack(tensors: Tensors) -> dict[str, np.ndarray]:
    """A machine as model-file arrays: bond_dims (N + 1) and tensors, site by site, A^0 then
    A^1, each row-major."""
    dims = [1] + [int(a0.shape[1]) for a0, _ in tensors]
    flat = np.concatenate([np.concatenate([a0.ravel(), a1.ravel()]) for a0, a1 in tensors])
    return {"bond_dims": np.array(dims, dtype=np.int64), "tensors": flat}


def unpack(arrays: dict[str, np.ndarray]) -> Tensors:
    dims, flat = np.asarray(arrays["bond_dims"]), np.asarray(arrays["tensors"], dtype=np.float64)
    out, at = [], 0
    for k in range(len(dims) - 1):
        size = int(dims[k] * dims[k + 1])
        a0 = flat[at:at + size].reshape(dims[k], dims[k + 1])
        a1 = flat[at + size:at + 2 * size].reshape(dims[k], dims[k + 1])
        out.append((a0, a1))
        at += 2 * size
    return out


def estimate_sample(n: int, n_sites: int) -> float:
    """Bytes sample() needs: the draws as bits and as spins."""
    return 2.0 * n * n_sites


def sample(model: dict[str, Any], n: int, seed: int, threads: int) -> np.ndarray:
    """n exact samples, 0/1 rows."""
    a = model["attrs"]
    resources.check_memory(estimate_sample(n, int(a["n_sites"])), f"{n:,} Born-machine samples")
    try:
        return _engine.born_sample(unpack(model["arrays"]), n, seed, threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
