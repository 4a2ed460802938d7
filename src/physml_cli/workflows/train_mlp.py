"""``physml train mlp``: labels, splits and training of a feed-forward network."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from physml_cli import _engine, registry, resources
from physml_cli.io import learning_data
from physml_cli.errors import PhysmlError

LABELS = ("phase", "temperature", "y")
LOSSES = ("auto",) + registry.names("loss")  # auto: what the labels call for


@dataclass
class Labelled:
    """Inputs and targets ready for the engine."""
    X: np.ndarray                     # (n, features) float32
    y: np.ndarray                     # (n, 1) class indices, or (n, k) regression values
    loss: str
    classes: np.ndarray | None        # what class k means (phase 0/1, a temperature, a label)
    input_shape: tuple[int, int, int]
    lattice: bool                     # geometry known: conv layers allowed
    source: dict[str, Any]


def input_shape(lattice_shape: tuple[int, ...] | None, n_features: int) -> tuple[tuple[int, int, int], bool]:
    """(height, width, channels) of one sample and whether it is a real 2D lattice."""
    if lattice_shape is None or len(lattice_shape) == 3 and lattice_shape[2] != 2:
        return (1, n_features, 1), False     # plain features, or a cubic lattice
    if len(lattice_shape) == 1:
        return (1, lattice_shape[0], 1), True
    if len(lattice_shape) == 2:
        return (lattice_shape[0], lattice_shape[1], 1), True
    return (lattice_shape[0], lattice_shape[1], 2), True   # honeycomb: two sites per cell


def label(path: str, labels: str, loss: str, tc: float | None) -> Labelled:
    if labels not in LABELS:
        raise PhysmlError(f"unknown --labels {labels!r} (choose {', '.join(LABELS)})")
    ds = learning_data.load(path, labels, "raw", tc=tc, option="--labels")
    y = ds.y
    if labels == "temperature":
        classes, idx = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise PhysmlError(f"{path} holds one temperature only: nothing to classify")
        target, task = idx.astype(np.float64), "cross-entropy"
    elif labels == "phase":
        classes, target, task = np.array([0.0, 1.0]), y, "cross-entropy"
        if len(np.unique(y)) < 2:
            raise PhysmlError(f"all samples of {path} lie on one side of T_c: both phases are needed")
    else:
        integral = bool((y == np.floor(y)).all() and (y >= 0).all())
        if loss == "mse" or (loss == "auto" and not integral):
            classes, target, task = None, y, "mse"
        elif not integral:
            raise PhysmlError(f"--loss {loss} needs class labels 0, 1, ... in y")
        else:
            classes, target, task = np.arange(int(y.max()) + 1, dtype=np.float64), y, "cross-entropy"
    if loss not in ("auto", task) and not (loss == "bce" and task == "cross-entropy"):
        raise PhysmlError(f"--loss {loss} does not fit --labels {labels} (use {task})")
    if loss == "bce":
        if len(classes) != 2:
            raise PhysmlError("--loss bce needs exactly two classes")
        task = "bce"
    shape, lattice = input_shape(ds.lattice_shape, ds.X.shape[1])
    return Labelled(X=np.ascontiguousarray(ds.X, dtype=np.float32), y=target.reshape(len(target), 1),
                    loss=task, classes=classes, input_shape=shape, lattice=lattice,
                    source=dict(ds.source, labels=labels))


def architecture(hidden: list[int], activation: str, conv: list[tuple[int, int]], dropout: float,
                 outputs: int) -> str:
    """The engine's architecture string for the command-line options."""
    layers = []
    for channels, kernel in conv:
        layers += [f"conv:{channels}:{kernel}", activation]
    for h in hidden:
        layers += [f"dense:{h}", activation]
        if dropout > 0:
            layers.append(f"dropout:{dropout:g}")
    layers.append(f"dense:{outputs}")
    return ",".join(layers)


def outputs_for(data: Labelled) -> int:
    if data.loss == "bce":
        return 1
    if data.loss == "mse":
        return int(data.y.shape[1])
    return len(data.classes)


# Rows the engine's evaluation and prediction pass through the network at once.
EVAL_CHUNK = 2048


def layer_sizes(arch: str, shape: tuple[int, int, int]) -> tuple[int, list[int]]:
    """(parameters, width of every layer's output) of an architecture string as built by
    architecture(): dense:N, conv:C:K (periodic, so the lattice keeps its size), dropout,
    activations. Unknown layers count as nothing: the engine names them when it refuses."""
    height, width, channels = shape
    features = height * width * channels
    params, widths = 0, []
    for layer in arch.split(","):
        f = layer.split(":")
        try:
            if f[0] == "dense" and len(f) == 2:
                out = int(f[1])
                params += (features + 1) * out
                features, channels = out, out
            elif f[0] == "conv" and len(f) == 3:
                c, k = int(f[1]), int(f[2])
                params += k * k * channels * c + c
                channels, features = c, height * width * c
        except ValueError:
            pass
        widths.append(features)
    return params, widths


def estimate(n_rows: int, n_features: int, arch: str, shape: tuple[int, int, int],
             batch_size: int) -> float:
    """Bytes fit() needs: the data (float32) three times over (the array, the split's
    copies, the engine's matrix), per parameter its value, gradient, two optimiser moments,
    the best epoch's copy and the tape's, and the activations and their gradients of a batch
    or of an evaluation chunk."""
    params, widths = layer_sizes(arch, shape)
    rows = max(min(batch_size, n_rows), min(EVAL_CHUNK, n_rows))
    return 3 * 4 * n_rows * n_features + 6 * 4 * params + 3 * 4 * rows * (n_features + sum(widths))


def check_memory(data: Labelled, arch: str, batch_size: int) -> None:
    n, f = data.X.shape
    params, _ = layer_sizes(arch, data.input_shape)
    resources.check_memory(estimate(n, f, arch, data.input_shape, batch_size),
                           f"training a network of {params:,} parameters on {n:,} samples of "
                           f"{f:,} features")


@dataclass
class MlpResult:
    params: list[np.ndarray]
    history: dict[str, Any]
    train: tuple[float, float]
    val: tuple[float, float] | None
    test: tuple[float, float] | None
    n_train: int
    n_val: int
    n_test: int
    wall_s: float


def fit(data: Labelled, arch: str, *, optimizer: str, lr: float, epochs: int, batch_size: int,
        momentum: float, weight_decay: float, l1: float, l2: float, patience: int, init: str,
        val_fraction: float, test_fraction: float, seed: int, threads: int) -> MlpResult:
    check_memory(data, arch, batch_size)
    n = len(data.y)
    train, test = learning_data.split(n, test_fraction, seed)
    # validation rows come from the training part with their own permutation
    order = np.random.default_rng(seed + 1).permutation(train)
    n_val = int(round(len(train) * val_fraction))
    if len(train) - n_val < 1:
        raise PhysmlError("no training samples left after the validation split")
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    if patience and not n_val:
        raise PhysmlError("--patience needs a validation set (--val-fraction > 0)")
    X, y = data.X, data.y
    t0 = time.perf_counter()
    try:
        r = _engine.mlp_train(X[train], y[train], X[val], y[val], arch, data.input_shape,
                              loss=data.loss, optimizer=optimizer, lr=lr, epochs=epochs,
                              batch_size=batch_size, momentum=momentum, weight_decay=weight_decay,
                              l1=l1, l2=l2, patience=patience, init=init, seed=seed,
                              threads=threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    except MemoryError as exc:
        raise PhysmlError(f"training: {exc}") from None
    wall = time.perf_counter() - t0
    params = [np.asarray(p) for p in r.pop("params")]

    def score(rows: np.ndarray) -> tuple[float, float] | None:
        if not len(rows):
            return None
        return _engine.mlp_evaluate(arch, data.input_shape, params, X[rows], y[rows], data.loss, threads)

    return MlpResult(params=params, history=r, train=score(train), val=score(val),
                     test=score(test), n_train=len(train), n_val=len(val), n_test=len(test),
                     wall_s=wall)


def predict(arch: str, shape: tuple[int, ...], params: list[np.ndarray], loss: str,
            classes: np.ndarray | None, X: np.ndarray, truth: np.ndarray,
            labels: str) -> tuple[np.ndarray, np.ndarray, float | None]:
    """(predicted values or classes, network output, score against `truth` when it applies)."""
    try:
        out = np.asarray(_engine.mlp_predict(arch, shape, params,
                                             np.ascontiguousarray(X, dtype=np.float32), loss),
                         dtype=np.float64)
    except ValueError as exc:
        raise PhysmlError(f"the model does not apply: {exc}") from None
    if loss == "mse":
        values = out[:, 0] if out.shape[1] == 1 else out
        y = truth.reshape(len(truth), -1)
        if y.shape[1] != out.shape[1]:
            return values, out, None
        total = ((y - y.mean(0)) ** 2).sum()
        return values, out, float(1 - ((out - y) ** 2).sum() / total) if total > 0 else None
    index = out.argmax(axis=1)
    values = classes[index] if classes is not None else index.astype(np.float64)
    if labels == "temperature" and classes is not None and not np.isin(truth, classes).all():
        return values, out, None          # temperatures the model never saw: no score
    return values, out, float((values == truth).mean())
