"""Normalizing flows for the CLI: their data, the epoch loop, likelihoods, sampling, storage.

The engine (cpp/flows/) trains, evaluates and samples; this module decides what a run is:
the data as real rows, the held-out rows, the per-epoch record, and how a flow is packed
into a model file (its shape as attributes, the standardisation and one array per
parameter)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from physml_cli import _engine, resources
from physml_cli.errors import PhysmlError
from physml_cli.io import schema


@dataclass(frozen=True)
class Settings:
    layers: int
    hidden: tuple[int, ...]
    coupling: str
    activation: str
    epochs: int
    batch_size: int
    lr: float


def load_data(path: str) -> tuple[np.ndarray, dict[str, Any], np.ndarray | None]:
    """Real rows, their provenance, and their exact log-density where the file has one."""
    src = schema.read_learning_source(path)
    if src["kind"] == "simulation":
        raise PhysmlError(f"{path} holds {src['attrs'].get('model')} spin configurations; a flow "
                          "learns real-valued rows (a dataset, or an X array)")
    X = np.asarray(src["X"], dtype=np.float64)
    if X.ndim == 0 or X.size == 0:
        raise PhysmlError(f"{path} holds no samples")
    X = X.reshape(len(X), -1)
    if not np.isfinite(X).all():
        raise PhysmlError(f"{path} contains NaN or infinite values")
    if X.shape[1] < 2:
        raise PhysmlError(f"{path}: a coupling flow needs rows of at least two values")
    info: dict[str, Any] = {"file": path}
    attrs = src.get("attrs") or {}
    if attrs.get("distribution") is not None:
        info["distribution"] = attrs["distribution"]
    # rows drawn from p itself: a model's samples (source_model) carry ln p but are not p's
    log_p = src.get("log_density") if attrs.get("source_model") is None else None
    return np.ascontiguousarray(X), info, None if log_p is None else np.asarray(log_p)


def estimate(n_rows: int, dim: int, s: Settings) -> float:
    """Bytes training needs: the data twice (raw, standardised), and a batch's tape: per
    layer the conditioner's activations and their gradients, and the coupling's vectors."""
    width = sum(s.hidden) + 2 * dim
    tape = s.layers * min(n_rows, s.batch_size) * (3 * width + 12 * dim)
    params = s.layers * (dim * s.hidden[0] + sum(a * b for a, b in zip(s.hidden, s.hidden[1:]))
                         + s.hidden[-1] * 2 * dim)
    return 8.0 * (2 * n_rows * dim + 2 * tape + 4 * params)


@dataclass
class Training:
    flow: dict[str, Any]
    nll: float
    nll_test: float | None
    history: dict[str, list[float]] = field(default_factory=dict)
    wall_s: float = 0.0


def train(X: np.ndarray, X_test: np.ndarray | None, s: Settings, seed: int, threads: int,
          on_epoch: Callable[[int, dict[str, float]], None] | None = None) -> Training:
    resources.check_memory(estimate(len(X), X.shape[1], s),
                           f"a flow of {s.layers} layers on {len(X):,} rows of {X.shape[1]}")
    t0 = time.perf_counter()
    try:
        trainer = _engine.FlowTrainer(X, s.layers, list(s.hidden), s.coupling, s.activation,
                                      s.lr, s.batch_size, seed, threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    history: dict[str, list[float]] = {"train_loss": [], "nll_test": []}
    for epoch in range(s.epochs):
        try:
            loss = trainer.epoch()
        except RuntimeError as exc:
            raise PhysmlError(f"epoch {epoch + 1}: {exc}") from None
        test = nll(trainer.flow(), X_test, threads) if X_test is not None else math.nan
        history["train_loss"].append(loss)
        history["nll_test"].append(test)
        if on_epoch is not None:
            on_epoch(epoch + 1, {"train_loss": loss, "nll_test": test})
    flow = trainer.flow()
    return Training(flow=flow, nll=nll(flow, X, threads),
                    nll_test=None if X_test is None else nll(flow, X_test, threads),
                    history=history, wall_s=time.perf_counter() - t0)


def nll(flow: dict[str, Any], X: np.ndarray, threads: int) -> float:
    return float(-np.mean(_engine.flow_log_prob(flow, X, threads)))


SHAPE_ATTRS = ("dim", "layers", "hidden", "coupling", "activation")


def pack(flow: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A flow as model-file attributes (its shape) and arrays (standardisation, parameters)."""
    attrs = {k: flow[k] for k in SHAPE_ATTRS}
    attrs["hidden"] = [int(h) for h in flow["hidden"]]
    attrs["n_params"] = len(flow["params"])
    arrays = {"shift": np.asarray(flow["shift"]), "spread": np.asarray(flow["spread"]),
              **{f"param_{i}": np.asarray(p) for i, p in enumerate(flow["params"])}}
    return attrs, arrays


def unpack(model: dict[str, Any]) -> dict[str, Any]:
    a, arr = model["attrs"], model["arrays"]
    flow = {k: a[k] for k in SHAPE_ATTRS}
    flow["hidden"] = [int(h) for h in a["hidden"]]
    flow.update(shift=np.asarray(arr["shift"], dtype=np.float64),
                spread=np.asarray(arr["spread"], dtype=np.float64),
                params=[np.asarray(arr[f"param_{i}"], dtype=np.float64)
                        for i in range(int(a["n_params"]))])
    return flow


def sample(model: dict[str, Any], n: int, seed: int, threads: int) -> tuple[np.ndarray, np.ndarray]:
    """n samples (rows) and their ln q."""
    resources.check_memory(8.0 * n * (3 * int(model["attrs"]["dim"]) + 2)
                           + estimate(n, int(model["attrs"]["dim"]), _shape(model)),
                           f"{n:,} flow samples")
    try:
        X, log_q = _engine.flow_sample(unpack(model), n, seed, threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    return np.asarray(X), np.asarray(log_q)


def _shape(model: dict[str, Any]) -> Settings:
    a = model["attrs"]
    return Settings(layers=int(a["layers"]), hidden=tuple(int(h) for h in a["hidden"]),
                    coupling=a["coupling"], activation=a["activation"], epochs=0,
                    batch_size=int(a.get("batch_size", 256)), lr=1.0)
