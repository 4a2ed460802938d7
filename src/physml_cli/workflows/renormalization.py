"""``physml variational --method trg|hotrg``: free energies by tensor renormalization.

The square-lattice Ising or Potts model is a network of one tensor per site; each engine step
halves the network, cutting bonds to the bond dimension chi (cpp/renormalization/). Without
--size the steps go on until log Z / N stops changing (the infinite lattice); with --size L,
a power of two, the trace after 2 log2(L) steps is the periodic L x L torus. The energy and
specific heat come from central differences of log Z in beta (the engine states the step).
This module resolves the settings against the registered methods and models, estimates the
memory before any work and names the exact reference (Onsager, Kaufman, enumeration).
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from physml_cli import _engine, registry, resources
from physml_cli.errors import PhysmlError

# Enumeration is the reference of tori up to this many configurations (the engine's limit).
ENUMERATION_BITS = 24
STEP_FIELDS = ("log_norm", "log_z", "discarded_weight", "kept", "smallest_kept")


@dataclass(frozen=True)
class Settings:
    """Everything that defines a renormalization run."""
    model: str
    method: str
    J: float
    h: float
    q: int
    bond_dim: int
    size: int  # 0: the infinite lattice
    temperatures: tuple[float, ...]
    tol: float = 1e-12
    max_steps: int = 200

    @property
    def torus(self) -> bool:
        return self.size > 0


def is_renormalization(method: str) -> bool:
    return registry.entry("variational_method", method, "--method").can("renormalization")


def resolve(s: Settings, lattice: str, open_boundaries: bool, threads: int) -> Settings:
    """The settings checked against the method's capabilities and ranges (one-line
    PhysmlError otherwise), memory included."""
    method = registry.entry("variational_method", s.method, "--method")
    registry.entry("variational_model", s.model, "--model")
    if s.model not in ("ising", "potts") or (s.model == "potts" and not method.can("potts")):
        raise PhysmlError(f"--method {s.method} renormalizes the square-lattice Ising and Potts "
                          f"models, not --model {s.model}")
    if lattice != "square" or open_boundaries:
        raise PhysmlError(f"--method {s.method} works on the periodic (or infinite) square "
                          f"lattice, not --lattice {lattice}" + (" with --open" if open_boundaries
                                                                 else ""))
    if s.h != 0 and not method.can("field"):
        raise PhysmlError(f"--method {s.method} does not treat a field (--h)")
    if not all(math.isfinite(v) for v in (s.J, s.h)):
        raise PhysmlError("numeric options must be finite numbers")
    if not s.temperatures or not all(math.isfinite(T) and T > 0 and math.isfinite(1 / T)
                                     for T in s.temperatures):
        raise PhysmlError("--temperatures must be finite numbers > 0 with a finite beta = 1/T")
    if s.model == "potts":
        registry.entry("model", "potts").parameter("q").check(s.q, "--q")
    for name, value in (("bond_dim", s.bond_dim), ("tol", s.tol), ("max_steps", s.max_steps)):
        method.parameter(name).check(value, "--" + name.replace("_", "-"))
    if s.torus:
        method.parameter("size").check(s.size, "--size")
        if s.size & (s.size - 1):
            raise PhysmlError(f"--size {s.size}: --method {s.method} coarse-grains the torus "
                              "by halving it, so L must be a power of two (2, 4, 8, ...)")
    check_memory(s, method, threads)
    return s


def effective_bond_dim(s: Settings) -> int:
    """chi, or the largest bond an L x L torus can reach (q^L: a leg never carries more
    spins than a side of the torus)."""
    q = 2 if s.model == "ising" else s.q
    if s.torus and s.size * math.log(q) < math.log(s.bond_dim):
        return int(round(q ** s.size))
    return s.bond_dim


def memory_estimate(s: Settings, method: registry.Entry, threads: int) -> float:
    """Bytes: the registered number of chi^4 arrays of doubles a step holds, some per thread."""
    chi = effective_bond_dim(s)
    arrays = method.fact("memory_chi4") + threads * method.fact("memory_chi4_per_thread")
    return 8.0 * arrays * float(chi) ** 4


def check_memory(s: Settings, method: registry.Entry, threads: int) -> None:
    resources.check_memory(memory_estimate(s, method, threads),
                           f"--method {s.method} with --bond-dim {s.bond_dim} "
                           f"({s.bond_dim}^4 doubles per tensor)")


def reference(s: Settings, T: float) -> tuple[float | None, float | None, str | None]:
    """(f, e, method) per site: Onsager on the infinite lattice and Kaufman on the torus for
    Ising at zero field, enumeration of small tori otherwise, else nothing."""
    q = 2 if s.model == "ising" else s.q
    try:
        if s.model == "ising" and s.h == 0 and s.J != 0:
            x = _engine.kaufman(s.size, s.J, T) if s.torus else _engine.onsager(s.J, T)
            out = x["f"], x["e"], "Kaufman" if s.torus else "Onsager"
        elif s.torus and s.size * s.size * math.log2(q) <= ENUMERATION_BITS:
            x = _engine.exact_enumeration(s.model, "square", s.size, s.J, s.h, q, [T])
            out = float(x["f"][0]), float(x["e"][0]), "enumeration"
        else:
            return None, None, None
    except (ValueError, RuntimeError):
        return None, None, None
    return out if all(math.isfinite(v) for v in out[:2]) else (None, None, None)


@dataclass
class TemperatureResult:
    """One temperature: f, e, c per site, the reference and the error of f, and what the cuts
    discarded (per step: the bond kept and the discarded weight; the last cut's spectrum)."""
    T: float
    f: float
    e: float
    c: float
    dbeta: float
    steps: int
    converged: bool
    truncation_error: float  # the largest discarded weight of any step
    f_exact: float | None = None
    e_exact: float | None = None
    exact_method: str | None = None
    error: float | None = None  # |f - f_exact|
    e_error: float | None = None
    kept: list[int] = field(default_factory=list)
    discarded_weight: list[float] = field(default_factory=list)
    spectrum: list[float] = field(default_factory=list)  # last cut, over the largest
    wall_s: float = 0.0

    def line(self) -> str:
        out = (f"T = {self.T:.6g}: f = {self.f:.12g}, e = {self.e:.8g}, c = {self.c:.6g}; "
               f"{self.steps} steps, largest discarded weight {self.truncation_error:.2e}")
        if self.f_exact is not None:
            out += f"; {self.exact_method} f = {self.f_exact:.12g}, error {self.error:.2e}"
        return out + ("" if self.converged else " (NOT converged)")


def run(s: Settings, threads: int, T: float) -> tuple[TemperatureResult, dict[str, np.ndarray]]:
    """One temperature, and its per-step arrays for the file (STEP_FIELDS and the spectrum)."""
    t0 = time.perf_counter()
    try:
        x = _engine.renormalize(s.method, s.model, T, J=s.J, h=s.h, q=s.q, bond_dim=s.bond_dim,
                                size=s.size, tol=s.tol, max_steps=s.max_steps, threads=threads)
    except (ValueError, RuntimeError) as exc:
        raise PhysmlError(f"--method {s.method} at T = {T:g}: {exc}") from None
    except MemoryError as exc:
        raise PhysmlError(f"--method {s.method} with --bond-dim {s.bond_dim}: {exc}") from None
    st = x["steps"]
    r = TemperatureResult(
        T=T, f=float(x["f"]), e=float(x["e"]), c=float(x["c"]), dbeta=float(x["dbeta"]),
        steps=int(x["n_steps"]), converged=bool(x["converged"]),
        truncation_error=float(np.max(st["discarded_weight"])) if len(st["kept"]) else 0.0,
        kept=[int(k) for k in st["kept"]],
        discarded_weight=[float(w) for w in st["discarded_weight"]],
        spectrum=[float(v) for v in st["spectrum"]])
    arrays = {**{k: np.asarray(st[k]) for k in STEP_FIELDS}, "spectrum": np.asarray(st["spectrum"])}
    r.f_exact, r.e_exact, r.exact_method = reference(s, T)
    if r.f_exact is not None:
        r.error = abs(r.f - r.f_exact)
        r.e_error = abs(r.e - r.e_exact) if r.e_exact is not None else None
    r.wall_s = round(time.perf_counter() - t0, 4)
    return r, arrays


RESULT_FIELDS = ("T", "f", "e", "c", "dbeta", "steps", "converged", "truncation_error",
                 "f_exact", "e_exact", "error", "e_error", "wall_s")


def saved(s: Settings, results: list[TemperatureResult], steps: list[dict[str, np.ndarray]],
          wall_s: float) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(attrs, arrays) for io/schema.write_renormalization (docs/hdf5-schema.md)."""
    attrs = {**{k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(s).items()},
             "lattice": "square", "exact_methods": [r.exact_method or "" for r in results],
             "wall_s": wall_s}
    arrays: dict[str, np.ndarray] = {
        "results/" + k: np.array([np.nan if getattr(r, k) is None else float(getattr(r, k))
                                  for r in results], dtype=float) for k in RESULT_FIELDS}
    for i, per_step in enumerate(steps):
        for k in STEP_FIELDS:
            arrays[f"steps/{i}/{k}"] = per_step[k]
        arrays[f"spectrum/{i}"] = per_step["spectrum"]
    return attrs, arrays
