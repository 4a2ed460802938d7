"""Turns a data file into a design matrix and targets for the learning commands."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from physml_cli import _engine
from physml_cli.io import schema
from physml_cli.analysis.critical_temperatures import exact_tc
from physml_cli.errors import PhysmlError

TARGETS = ("energy", "magnetization", "temperature", "phase", "y")


@dataclass
class Dataset:
    X: np.ndarray            # (n, p) float64
    y: np.ndarray            # (n,)
    source: dict[str, Any]   # what the data came from, for provenance
    lattice_shape: tuple[int, ...] | None


def spin_rows(path: str, learner: str) -> tuple[np.ndarray, dict[str, Any]]:
    """The rows of a file of Ising configurations (+-1) or of bits (a dataset, X arrays), as
    float64, and what they came from; info['source_values'] says pm1 or 01 (or other)."""
    src = schema.read_learning_source(path)
    info: dict[str, Any] = {"file": path}
    if src["kind"] == "simulation":
        attrs = src["attrs"]
        if attrs.get("model") != "ising":
            raise PhysmlError(f"{learner} learns Ising (+-1) configurations; this file holds "
                              f"{attrs.get('model')} configurations")
        cfg = src["configs"]
        if cfg.shape[1] == 0:
            raise PhysmlError(f"{path} holds no configurations (simulate with --save-configs > 0)")
        X = cfg.reshape(cfg.shape[0] * cfg.shape[1], -1).astype(np.float64)
        info.update({k: attrs.get(k) for k in ("model", "lattice", "L", "J", "h", "q")},
                    temperatures=[float(t) for t in src["temperatures"]],
                    lattice_shape=list(cfg.shape[2:]), source_values="pm1")
    else:
        X = np.asarray(src["X"], dtype=np.float64)
        if X.ndim == 0 or X.size == 0:
            raise PhysmlError(f"{path} holds no samples")
        X = X.reshape(len(X), -1)
        if not np.isfinite(X).all():
            raise PhysmlError(f"{path} contains NaN or infinite values")
        values = set(np.unique(X))
        info["source_values"] = ("pm1" if values <= {-1.0, 1.0} else
                                 "01" if values <= {0.0, 1.0} else "other")
        if "attrs" in src:
            info["dataset"] = src["attrs"]["dataset"]
            if src["attrs"].get("image_shape") is not None:
                info["image_shape"] = [int(k) for k in src["attrs"]["image_shape"]]
    if len(X) == 0:
        raise PhysmlError(f"{path} holds no samples")
    return X, info


def critical_temperature(attrs: dict[str, Any], tc: float | None) -> float:
    if tc is not None:
        return tc
    known = exact_tc(attrs) if attrs.get("h") == 0 and "J" in attrs else None
    if known is not None:
        return known
    raise PhysmlError("phase labels need --tc: no exact T_c is known for this model")


def load(path: str, target: str | None, features: str, tc: float | None = None,
         threads: int = 1, option: str = "--target") -> Dataset:
    src = schema.read_learning_source(path)
    if src["kind"] == "simulation":
        cfg = src["configs"]
        n_t, n_cfg = cfg.shape[:2]
        if n_cfg == 0:
            raise PhysmlError(f"{path} holds no configurations (simulate with --save-configs > 0)")
        spins = cfg.reshape(n_t * n_cfg, -1)
        n_sites = spins.shape[1]
        target = target or "energy"
        T = np.repeat(src["temperatures"], n_cfg)
        if target == "energy":
            y = src["config_energy"].reshape(-1) * n_sites  # total energy
        elif target == "magnetization":
            y = src["config_magnetization"].reshape(-1)
        elif target == "temperature":
            y = T
        elif target == "phase":
            y = (T < critical_temperature(src["attrs"], tc)).astype(np.float64)
        else:
            raise PhysmlError(f"{option} {target}: a simulation file has energy, magnetization, "
                              "temperature and phase")
        shape = tuple(cfg.shape[2:])
        info = {k: src["attrs"].get(k) for k in ("model", "lattice", "L", "J", "h", "q", "seed")}
    else:
        spins = np.asarray(src["X"])
        if target not in (None, "y"):
            raise PhysmlError(f"{option} {target}: {path} is a plain X/y file; use {option} y")
        if src["y"] is None:
            raise PhysmlError(f"{path} has no targets y")
        y = np.asarray(src["y"], dtype=np.float64).reshape(-1)
        if spins.ndim < 2:
            raise PhysmlError(f"X in {path} must have one row per sample (got shape {spins.shape})")
        if spins.size == 0:
            raise PhysmlError(f"X in {path} is empty (shape {spins.shape})")
        spins = spins.reshape(spins.shape[0], -1)
        if len(y) != spins.shape[0]:
            raise PhysmlError(f"X has {spins.shape[0]} rows but y has {len(y)} entries")
        shape, info = None, {}
    if features == "pairs":
        try:
            X = _engine.pair_features(np.asarray(spins, dtype=np.int8), threads)
        except ValueError as exc:
            raise PhysmlError(f"--features pairs: {exc}") from None
    elif features == "raw":
        X = np.asarray(spins, dtype=np.float64)
    else:
        raise PhysmlError(f"unknown --features {features!r} (choose raw, pairs)")
    if not np.isfinite(X).all() or not np.isfinite(y).all():
        raise PhysmlError(f"{path} contains NaN or infinite values")
    info.update(file=path, target=target or "y", features=features)
    return Dataset(X=X, y=y, source=info, lattice_shape=shape)


def split(n: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row indices from a seeded permutation."""
    order = np.random.default_rng(seed).permutation(n)
    n_test = int(round(n * test_fraction))
    if n - n_test < 2:
        raise PhysmlError(f"only {n} samples: too few to train on after the test split")
    return np.sort(order[n_test:]), np.sort(order[:n_test])
