"""The proposal of ``physml simulate --algorithm neural``: the networks of a VAN file
(``physml variational --method van``), checked against the model they are to sample.

Independence Metropolis-Hastings is exact with any proposal, so a network trained at
another temperature still samples correctly, only with a lower acceptance; each
temperature takes the network trained nearest it (in beta)."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from physml_cli import _engine
from physml_cli.errors import PhysmlError
from physml_cli.io import schema


@dataclass(frozen=True)
class Proposal:
    engine: Any                       # _engine.MadeProposal
    trained_at: tuple[float, ...]     # the temperatures of its networks
    fingerprint: str                  # of the networks: a resumed run must use the same ones

    def temperature_for(self, T: float) -> float:
        """The training temperature of the network that proposes at T."""
        return self.trained_at[int(self.engine.nearest(1.0 / T))]


def _networks(path: str, a: dict[str, Any], arrays: dict[str, Any]) -> tuple[list[float], Any]:
    done = int(a["current"])
    temps = [float(t) for t in a["temperatures"][:done]]
    if "networks" in arrays and len(arrays["networks"]):
        return temps, np.asarray(arrays["networks"])
    # files from before the networks of every temperature were kept: the last one's, once
    # the run is complete, is its `parameters`
    if a["complete"] and "parameters" in arrays:
        return temps[-1:], np.asarray(arrays["parameters"])[None, :]
    raise PhysmlError(f"--proposal: {path} holds no trained network yet (finish it with "
                      "physml variational --resume)")


def load(path: str, params: dict[str, Any]) -> Proposal:
    """The networks of `path` as a proposal for the simulation `params`; refuses a file
    trained on another model, lattice, size, couplings or boundary."""
    try:
        saved = schema.read_variational(path)
    except PhysmlError as exc:
        raise PhysmlError(f"--proposal: {exc}") from None
    a, arrays = saved["attrs"], saved["arrays"]
    if a["method"] != "van":
        raise PhysmlError(f"--proposal: {path} is a {a['method']} run; the proposal is a "
                          "trained network (--method van)")
    if a["model"] != params["model"]:
        raise PhysmlError(f"--proposal: {path} was trained on the {a['model']} model, "
                          f"not {params['model']}")
    mismatch = [f"{k} {a[k]!r} (not {v!r})" for k, v in (
        ("lattice", params["lattice"]), ("size", params["L"])) if a[k] != v]
    mismatch += [f"{k} {float(a[k]):g} (not {float(params[k]):g})" for k in ("J", "h")
                 if not math.isclose(float(a[k]), float(params[k]), rel_tol=1e-12, abs_tol=1e-12)]
    if bool(a["open_boundaries"]):
        mismatch.append("open boundaries (simulate's lattices are periodic)")
    if mismatch:
        raise PhysmlError(f"--proposal: {path} was trained with {', '.join(mismatch)}")
    temps, weights = _networks(path, a, arrays)
    n_sites = int(_engine.Lattice(str(a["lattice"]), int(a["size"])).n_sites)
    nets = []
    try:
        for w in weights:
            net = _engine.Made(n_sites, int(a["depth"]), int(a["width"]), str(a["activation"]), 0)
            net.parameters = np.ascontiguousarray(w, dtype=np.float64)
            nets.append(net)
    except ValueError as exc:
        raise PhysmlError(f"--proposal: {path}: {exc}") from None
    digest = hashlib.sha256()
    digest.update(f"{a['depth']}/{a['width']}/{a['activation']}/{bool(a['z2'])}".encode())
    digest.update(np.ascontiguousarray(weights, dtype=np.float64).tobytes())
    digest.update(np.asarray(temps, dtype=np.float64).tobytes())
    try:
        engine = _engine.MadeProposal([1.0 / t for t in temps], nets, bool(a["z2"]))
    except ValueError as exc:
        raise PhysmlError(f"--proposal: {path}: {exc}") from None
    return Proposal(engine, tuple(temps), digest.hexdigest()[:16])
