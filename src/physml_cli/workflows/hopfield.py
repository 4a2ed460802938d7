"""Hopfield networks for the CLI: patterns from data files, capacity scans, recall."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from physml_cli import _engine
from physml_cli.io import schema
from physml_cli.errors import PhysmlError

DYNAMICS = ("async", "sync", "modern")


def as_spins(X: np.ndarray, what: str) -> np.ndarray:
    """Rows of +-1; 0/1 data is mapped to -1/+1."""
    X = np.asarray(X).reshape(len(X), -1)
    values = set(np.unique(X).tolist())
    if values <= {-1, 1}:
        return X.astype(np.int8)
    if values <= {0, 1}:
        return (2 * X - 1).astype(np.int8)
    raise PhysmlError(f"{what} must hold +-1 or 0/1 values")


def load_patterns(path: str, count: int | None, seed: int) -> np.ndarray:
    src = schema.read_learning_source(path)
    X = src["configs"].reshape(-1, int(np.prod(src["configs"].shape[2:]))) \
        if src["kind"] == "simulation" else src["X"]
    if len(X) == 0:
        raise PhysmlError(f"{path} holds no patterns")
    if src["kind"] == "simulation" and src["attrs"].get("model") != "ising":
        raise PhysmlError("Hopfield patterns must be Ising (+-1) configurations")
    X = as_spins(X, f"patterns in {path}")
    if count is not None:
        if count > len(X):
            raise PhysmlError(f"--patterns {count}: {path} has only {len(X)}")
        X = X[np.sort(np.random.default_rng(seed).choice(len(X), count, replace=False))]
    return X


@dataclass(frozen=True)
class Network:
    W: np.ndarray         # couplings, N x N
    patterns: np.ndarray  # the stored patterns, P x N
    stable: int           # how many of them are fixed points of one sweep
    wall_s: float


@dataclass(frozen=True)
class Recall:
    final: np.ndarray     # the states the dynamics ended in
    pattern: np.ndarray   # index of the stored pattern each is closest to
    overlap: np.ndarray   # and its overlap with it


def train(path: str, rule: str, count: int | None, seed: int) -> Network:
    patterns = load_patterns(path, count, seed)
    t0 = time.perf_counter()
    try:
        W = _engine.hopfield_learn(patterns, rule)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    stable = sum(bool(np.array_equal(_engine.hopfield_recall(W, p, max_sweeps=1)["state"], p))
                 for p in patterns)
    return Network(W=W, patterns=patterns, stable=stable, wall_s=time.perf_counter() - t0)


def corrupt(states: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    flip = np.random.default_rng(seed).random(states.shape) < fraction
    return np.where(flip, -states, states).astype(np.int8)


def recall(W: np.ndarray, patterns: np.ndarray, inputs: np.ndarray, dynamics: str,
           temperature: float, beta: float, max_sweeps: int, seed: int) -> Recall:
    finals = []
    for k, s in enumerate(inputs):
        if dynamics == "modern":
            finals.append(_engine.modern_hopfield_update(patterns, s, beta, max_sweeps))
        else:
            r = _engine.hopfield_recall(W, s, dynamics == "sync", temperature, max_sweeps, seed, k)
            finals.append(r["state"])
    final = np.array(finals, dtype=np.int8)
    overlaps = final.astype(np.float64) @ patterns.T.astype(np.float64) / patterns.shape[1]
    best = overlaps.argmax(axis=1)
    return Recall(final=final, pattern=best, overlap=overlaps[np.arange(len(best)), best])
