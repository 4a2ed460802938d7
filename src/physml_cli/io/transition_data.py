"""The inputs of ``physml detect-transition``: simulate datasets of one model at several
sizes, checked against each other, with configurations turned into learning features."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from physml_cli.io import schema
from physml_cli.errors import PhysmlError

# Settings that must agree between the sizes of one study.
SAME = ("model", "lattice", "J", "h", "q")


@dataclass
class SizeData:
    path: str
    L: int
    n_sites: int
    temperatures: np.ndarray        # (n_T,)
    summary: dict[str, np.ndarray]  # binder, c, chi, ... with *_err, per temperature
    configs: np.ndarray             # (n_T, n_cfg, n_sites) int8
    attrs: dict


def load(paths: list[str]) -> list[SizeData]:
    """The datasets sorted by size; refuses mixed models or lattices and repeated sizes."""
    if not paths:
        raise PhysmlError("give at least one simulate dataset")
    out = []
    for p in paths:
        sim = schema.read_simulation(p, configs=True)
        cfg = sim["configs"]
        a = sim["attrs"]
        if a.get("anneal"):
            raise PhysmlError(f"{p} is an annealing run, not a temperature scan")
        n_t, n = len(sim["temperatures"]), int(np.prod(sim["lattice_shape"]))
        out.append(SizeData(p, int(a["L"]), n, np.asarray(sim["temperatures"], float),
                            sim["summary"], cfg.reshape(n_t, cfg.shape[1], n), a))
    first = out[0]
    for d in out[1:]:
        for k in SAME:
            if k in first.attrs and not _equal(first.attrs[k], d.attrs.get(k)):
                raise PhysmlError(f"{d.path} has {k}={d.attrs.get(k)!r} but {first.path} has "
                                  f"{first.attrs[k]!r}: datasets of one model and lattice only")
    sizes = [d.L for d in out]
    if len(set(sizes)) != len(sizes):
        raise PhysmlError(f"two datasets have the same size L={max(sizes, key=sizes.count)}")
    return sorted(out, key=lambda d: d.L)


def _equal(a, b) -> bool:
    try:
        return bool(np.all(np.asarray(a) == np.asarray(b)))
    except (TypeError, ValueError):
        return False


def features(d: SizeData, canonical: bool = False) -> np.ndarray:
    """(n_T, n_cfg, n_features) float32: spins for Ising; one-hot states for Potts, so that no
    state is singled out (the q states are symmetric). `canonical` also removes the global
    symmetry from each configuration: Ising spins times the sign of their magnetization; Potts
    states relabelled by how often they occur (majority state first)."""
    c = d.configs
    if d.attrs.get("model") == "potts":
        q = int(d.attrs["q"])
        states = c.astype(np.int64) % q
        if canonical:
            counts = (states[..., None] == np.arange(q)).sum(axis=2)    # (n_T, n_cfg, q)
            rank = np.argsort(np.argsort(-counts, axis=2, kind="stable"), axis=2)
            states = np.take_along_axis(rank, states, axis=2)
        return np.eye(q, dtype=np.float32)[states].reshape(c.shape[0], c.shape[1], -1)
    x = c.astype(np.float32)
    if canonical:
        sign = np.sign(x.sum(axis=2, keepdims=True))
        x = x * np.where(sign == 0, 1, sign)
    return x
