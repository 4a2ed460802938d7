"""Configurations drawn from a trained generative model (RBM, Born machine), laid out as a
Monte Carlo run of the model it learnt, with the same observables, so that `physml info`,
`merge` and every analysis treat them like simulation output."""
from __future__ import annotations

from typing import Any

import numpy as np

from physml_cli import _engine
from physml_cli.errors import PhysmlError
from physml_cli.io import schema


def as_simulation(attrs: dict[str, Any], spins: np.ndarray, seed: int, algorithm: str,
                  extra: dict[str, Any]) -> schema.SizeResult:
    """spins: (n, N) int8 +-1 from a model whose attrs describe its training simulation."""
    temps = attrs.get("temperatures") or []
    if attrs.get("lattice") is None or len(temps) != 1:
        raise PhysmlError("physml sample writes a simulation only for a model trained on a "
                          "physml simulation at a single temperature (its samples are then "
                          "comparable with Monte Carlo)")
    T = float(temps[0])
    lat = _engine.Lattice(attrs["lattice"], int(attrs["L"]))
    e, m = _engine.configuration_observables("ising", attrs["lattice"], int(attrs["L"]),
                                             float(attrs["J"]), float(attrs["h"]), 2, spins)
    s = _engine.summarize(e, m, lat.n_sites, T, 1, 32)
    params = {"model": "ising", "lattice": attrs["lattice"], "L": int(attrs["L"]),
              "J": float(attrs["J"]), "h": float(attrs["h"]), "q": 2, "algorithm": algorithm,
              "temperatures": [T], "seed": seed, "thermalize": 0, "sweeps": len(spins),
              "measure_every": 1, "save_configs": len(spins), "parallel_tempering": False,
              "anneal": False, "init": "random", **extra}
    return schema.SizeResult(
        params=params, lattice_shape=tuple(lat.shape), neighbors=lat.neighbors,
        temperatures=np.array([T]), energy=e[None, :], magnetization=m[None, :], staggered=None,
        configs=spins[None, :, :], config_energy=e[None, :], config_magnetization=m[None, :],
        summary={k: np.array([s[k]]) for k in schema.SUMMARY_FIELDS}, extras={}, wall_s=0.0)
