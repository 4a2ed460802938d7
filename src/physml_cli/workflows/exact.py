"""``physml exact``: Lanczos ground states of spin Hamiltonians, with their conventions."""
from __future__ import annotations

import dataclasses
import math
import time
from typing import Any

from physml_cli import _engine
from physml_cli import resources
from physml_cli import registry
from physml_cli.errors import PhysmlError
from physml_cli.runtime.result import Result, hidden, optional, result

OPERATORS = "Pauli matrices (eigenvalues +-1); spin-1/2 operators S = s/2 give 1/4 of each two-spin term"


def check_model(hamiltonian: str, lattice: str, size: int, J: float, h: float, delta: float,
                J2: float, open_boundaries: bool) -> None:
    """The Hamiltonian options of `exact` and `vmc`, or a one-line PhysmlError."""
    ham = registry.entry("hamiltonian", hamiltonian, "--hamiltonian")
    lat = registry.entry("lattice", lattice, "--lattice")
    if size < 2:
        raise PhysmlError(f"--size must be at least 2 (got {size})")
    if not all(math.isfinite(v) for v in (J, h, delta, J2)):
        raise PhysmlError("--J, --h, --delta and --J2 must be finite numbers")
    if ham.can("needs_next_nearest") and not lat.can("next_nearest"):
        able = [e.name for e in registry.entries("lattice") if e.can("next_nearest")]
        raise PhysmlError(f"--hamiltonian {hamiltonian} needs next-nearest neighbours: it is "
                          f"defined on the {' and '.join(able)} lattices")
    if open_boundaries and not lat.can("open_boundaries"):
        able = [e.name for e in registry.entries("lattice") if e.can("open_boundaries")]
        raise PhysmlError(f"--open is available for the {', '.join(able)} lattices")


def n_sites(lattice: str, size: int) -> int:
    return registry.lattice_sites(lattice, size)


def convention(hamiltonian: str) -> str:
    return registry.entry("hamiltonian", hamiltonian).summary


def sector(hamiltonian: str, n: int, sz: str) -> int:
    """Number of up spins of the sector to diagonalise in; -1 for the full space."""
    if sz == "full" or hamiltonian == "tfim":
        if sz not in ("auto", "full"):
            raise PhysmlError("--sz: the tfim does not conserve the magnetization (use full)")
        return -1
    if sz == "auto":
        return (n + 1) // 2          # S^z = 0 (or 1/2 for odd N) holds a ground state
    try:
        total = float(sz)
    except ValueError:
        raise PhysmlError(f"--sz {sz!r}: expected auto, full or a total S^z such as 0 or 1") from None
    up = n / 2 + total              # sz counts Pauli eigenvalues / 2 per spin: S^z = (up - down)/2
    if up != int(up) or not 0 <= up <= n:
        raise PhysmlError(f"--sz {sz}: not a possible total S^z for {n} spins")
    return int(up)


def estimate(n: int, n_up: int) -> float:
    """Bytes a diagonalization of n spins in the sector with n_up up spins (-1: all) needs."""
    return _engine.exact_memory_estimate(n, n_up)


def check_memory(n: int, n_up: int) -> None:
    dim = 2 ** n if n_up < 0 else math.comb(n, n_up)
    resources.check_memory(estimate(n, n_up),
                           f"exact diagonalization of {n} spins (dimension {dim:,})")


def check_solver(tol: float, max_iter: int, levels: int) -> None:
    """The Lanczos settings against their registered ranges (--tol: (0, 1e-2])."""
    lanczos = registry.entry("eigensolver", "lanczos")
    for name, value in (("tol", tol), ("max_iter", max_iter), ("levels", levels)):
        lanczos.parameter(name).check(value, "--" + name.replace("_", "-"))


@result
class GroundState(Result):
    """The lowest levels of a Hamiltonian in one sector, with its conventions; the keys that
    apply to some Hamiltonians only are optional."""
    hamiltonian: str
    lattice: str
    size: int
    n_sites: int
    boundary: str
    J: float
    h: float | None = optional()
    delta: float | None = optional()
    J2: float | None = optional()
    convention: str = ""
    operators: str = OPERATORS
    energy: float = math.nan
    energy_per_site: float = math.nan
    levels: list[float] = dataclasses.field(default_factory=list)
    gap: float | None = optional()
    sector: str = ""
    dimension: int = 0
    iterations: int = 0
    converged: bool = False
    residual: float = math.nan
    zz: list[float] = dataclasses.field(default_factory=list)
    wall_s: float = 0.0
    sx: float | None = optional()
    free_fermion_energy: float | None = optional()
    output: str | None = hidden()

    def text(self) -> list[Any]:
        lines = [f"{self.hamiltonian} on the {self.boundary} {self.lattice} (N = {self.n_sites}), "
                 f"{self.sector}, dimension {self.dimension:,}: {self.convention} ({self.operators})",
                 f"E0 = {self.energy:.12g}  (E0/N = {self.energy_per_site:.12g})"]
        if self.gap is not None:
            lines.append(f"gap E1 - E0 = {self.gap:.10g}")
        if self.free_fermion_energy is not None:
            lines.append(f"free-fermion E0 = {self.free_fermion_energy:.12g}")
        lines.append(f"{self.iterations} Lanczos steps, {self.wall_s:.2f} s"
                     + ("" if self.converged else " (NOT converged: raise --max-iter)")
                     + (f" -> {self.output}" if self.output else ""))
        return lines


def run(*, hamiltonian: str, lattice: str, size: int, J: float, h: float, delta: float, J2: float,
        open_boundaries: bool, sz: str, levels: int, tol: float, max_iter: int, seed: int,
        threads: int, output: str | None = None) -> GroundState:
    n = n_sites(lattice, size)
    if n > 40:
        raise PhysmlError(f"{n} spins are far beyond exact diagonalization (at most about 30)")
    n_up = sector(hamiltonian, n, sz)
    check_solver(tol, max_iter, levels)
    check_memory(n, n_up)
    t0 = time.perf_counter()
    try:
        r = _engine.exact_diagonalize(hamiltonian, lattice, size, J, h, delta, J2, open_boundaries,
                                      n_up, levels, tol, max_iter, seed, threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    except MemoryError as exc:
        raise PhysmlError(f"exact diagonalization of {n} spins: {exc}") from None
    wall = time.perf_counter() - t0
    e = r["energies"]
    return GroundState(
        hamiltonian=hamiltonian, lattice=lattice, size=size, n_sites=n,
        boundary="open" if open_boundaries else "periodic",
        J=J, h=h if hamiltonian == "tfim" else None,
        delta=delta if hamiltonian == "xxz" else None, J2=J2 if hamiltonian == "j1j2" else None,
        convention=convention(hamiltonian), energy=e[0], energy_per_site=e[0] / n, levels=e,
        gap=e[1] - e[0] if len(e) > 1 else None,
        sector="full" if n_up < 0 else f"S^z = {(2 * n_up - n) / 2:g}",
        dimension=r["dimension"], iterations=r["iterations"], converged=r["converged"],
        residual=r["residual"], zz=r["zz"], wall_s=round(wall, 4),
        sx=sum(r["x"]) / n if n_up < 0 else None,
        free_fermion_energy=(_engine.tfim_free_fermion_energy(n, J, h, not open_boundaries)
                             if hamiltonian == "tfim" and lattice == "chain" else None),
        output=output)
