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
    try:
        resources.check_memory(estimate(n, n_up),
                               f"exact diagonalization of {n} spins (dimension {dim:,})")
    except PhysmlError as exc:
        raise PhysmlError(f"{exc}; --symmetries auto diagonalises in a symmetry sector, "
                          f"far smaller") from None


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
    symmetries: str = "none"
    group_size: int | None = optional()
    momentum: list[int] | None = optional()
    irrep: str | None = optional()
    spin_flip: int | None = optional()
    sector_choice: str | None = optional()
    sectors: list[dict] | None = optional()
    empty_sectors: int | None = optional()
    matrix: str | None = optional()
    dimension: int = 0
    iterations: int = 0
    converged: bool = False
    residual: float = math.nan
    zz: list[float] = dataclasses.field(default_factory=list)
    structure_factor: list | None = optional()
    wall_s: float = 0.0
    sx: float | None = optional()
    free_fermion_energy: float | None = optional()
    bethe_ansatz_energy: float | None = optional()
    output: str | None = hidden()

    def text(self) -> list[Any]:
        group = (f" (group of {self.group_size} elements, sector by {self.sector_choice})"
                 if self.group_size else "")
        lines = [f"{self.hamiltonian} on the {self.boundary} {self.lattice} (N = {self.n_sites}), "
                 f"{self.sector}, dimension {self.dimension:,}{group}: {self.convention} ({self.operators})",
                 f"E0 = {self.energy:.12g}  (E0/N = {self.energy_per_site:.12g})"]
        if self.gap is not None:
            where = ("over the scanned sectors" if self.sectors else
                     "within the sector" if self.group_size else "")
            lines.append(f"gap E1 - E0 = {self.gap:.10g} {where}".rstrip())
        if self.free_fermion_energy is not None:
            lines.append(f"free-fermion E0 = {self.free_fermion_energy:.12g}")
        if self.bethe_ansatz_energy is not None:
            lines.append(f"Bethe-ansatz E0 = {self.bethe_ansatz_energy:.12g}")
        if self.sectors:
            lines.append(f"{len(self.sectors)} sectors scanned (lowest level of each):")
            for row in sorted(self.sectors, key=lambda r: r["levels"][0]):
                lines.append(f"  {row['sector']:<32} dim {row['dimension']:>12,}  "
                             f"E = {row['levels'][0]:.12g}")
        lines.append(f"{self.iterations} Lanczos steps, {self.wall_s:.2f} s"
                     + ("" if self.converged else " (NOT converged: raise --max-iter)")
                     + (f" -> {self.output}" if self.output else ""))
        return lines


def run(*, hamiltonian: str, lattice: str, size: int, J: float, h: float, delta: float, J2: float,
        open_boundaries: bool, sz: str, levels: int, tol: float, max_iter: int, seed: int,
        threads: int, output: str | None = None, symmetries: str = "none",
        momentum: str | None = None, irrep: str | None = None,
        spin_flip: str | None = None) -> GroundState:
    n = n_sites(lattice, size)
    if n > 62:
        raise PhysmlError(f"{n} spins are far beyond exact diagonalization (at most about 40 in "
                          f"symmetry sectors)")
    n_up = sector(hamiltonian, n, sz)
    check_solver(tol, max_iter, levels)
    if symmetries == "none":
        if any(v is not None for v in (momentum, irrep, spin_flip)):
            raise PhysmlError("--momentum, --irrep and --spin-flip need --symmetries (auto, "
                              "translations or lattice)")
        if n > 40:
            raise PhysmlError(f"{n} spins are far beyond exact diagonalization in the S^z sector "
                              f"alone: use --symmetries auto")
        check_memory(n, n_up)
    model = dict(hamiltonian=hamiltonian, lattice=lattice, L=size, J=J, h=h, delta=delta, J2=J2,
                 open=open_boundaries)
    t0 = time.perf_counter()
    try:
        if symmetries == "none":
            r = _engine.exact_diagonalize(**model, n_up=n_up, levels=levels, tol=tol,
                                          max_iter=max_iter, seed=seed, threads=threads)
            extra: dict[str, Any] = {"sector": "full" if n_up < 0 else _sz_label(n, n_up)}
        else:
            r, extra = _symmetric(model, n, n_up, symmetries, momentum, irrep, spin_flip,
                                  levels, tol, max_iter, seed, threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    except MemoryError as exc:
        raise PhysmlError(f"exact diagonalization of {n} spins: {exc}") from None
    wall = time.perf_counter() - t0
    e = r["energies"]
    gap_levels = sorted(x for row in extra.get("sectors") or [{"levels": e}] for x in row["levels"])
    return GroundState(
        hamiltonian=hamiltonian, lattice=lattice, size=size, n_sites=n,
        boundary="open" if open_boundaries else "periodic",
        J=J, h=h if hamiltonian == "tfim" else None,
        delta=delta if hamiltonian == "xxz" else None, J2=J2 if hamiltonian == "j1j2" else None,
        convention=convention(hamiltonian), energy=e[0], energy_per_site=e[0] / n, levels=e,
        gap=gap_levels[1] - gap_levels[0] if len(gap_levels) > 1 else None,
        symmetries=symmetries, **extra,
        dimension=r["dimension"], iterations=r["iterations"], converged=r["converged"],
        residual=r["residual"], zz=r["zz"],
        structure_factor=structure_factor(lattice, size, open_boundaries, r["zz"]),
        wall_s=round(wall, 4),
        sx=sum(r["x"]) / n if n_up < 0 and r["x"] else None,
        free_fermion_energy=(_engine.tfim_free_fermion_energy(n, J, h, not open_boundaries)
                             if hamiltonian == "tfim" and lattice == "chain" else None),
        bethe_ansatz_energy=(_engine.heisenberg_bethe_energy(n, J) if hamiltonian == "heisenberg"
                             and lattice == "chain" and not open_boundaries and n % 2 == 0
                             and J > 0 and (n_up < 0 or 2 * n_up == n) else None),
        output=output)


def check_momentum_plot(lattice: str, size: int, symmetries: str) -> None:
    """--plot draws E(k): a chain (one momentum component) in symmetry sectors."""
    if _engine.Lattice(lattice, size).dimension != 1 or symmetries == "none":
        raise PhysmlError("--plot draws the levels against momentum for chains: it needs "
                          "--lattice chain and --symmetries (e.g. translations --momentum all)")


def structure_factor(lattice: str, size: int, open_boundaries: bool,
                     zz: list[float]) -> list | None:
    """S(q) = sum_j cos(q.r_j) <sz_0 sz_j> at q = 2 pi n / L per axis (a translation-invariant
    ground state: periodic one-site lattices), as nested lists indexed by n; None elsewhere."""
    import numpy as np

    lat = _engine.Lattice(lattice, size, open_boundaries)
    if open_boundaries or lat.basis != 1:
        return None
    x = lat.coordinates()[:, :lat.dimension]
    q = np.array(np.meshgrid(*[np.arange(size)] * lat.dimension, indexing="ij"))
    phase = 2 * np.pi * np.tensordot(q, x.T, axes=(0, 0)) / size  # (L,)*d + (N,)
    return np.round(np.cos(phase) @ np.asarray(zz), 12).tolist()


def _sz_label(n: int, n_up: int) -> str:
    return f"S^z = {(2 * n_up - n) / 2:g}"


def _symmetric(model: dict[str, Any], n: int, n_up: int, symmetries: str, momentum: str | None,
               irrep: str | None, spin_flip: str | None, levels: int, tol: float,
               max_iter: int, seed: int, threads: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Lanczos in each planned sector; the one with the lowest level is the result."""
    from physml_cli.workflows import exact_sectors

    p = exact_sectors.plan(symmetries=symmetries, momentum=momentum, irrep=irrep,
                           spin_flip=spin_flip, model=model, n_sites=n, n_up=n_up)
    budget = exact_sectors.check_memory(p, n, model["L"])
    sz = "" if n_up < 0 else ", " + _sz_label(n, n_up)
    runs, empty = [], []
    for s in p.sectors:
        try:
            r = _engine.exact_sector_diagonalize(
                **model, n_up=n_up, symmetries=p.group, momentum=list(s.momentum),
                irrep=s.irrep, spin_flip=s.spin_flip, levels=levels, tol=tol,
                max_iter=max_iter, seed=seed, threads=threads, memory_budget=budget)
        except ValueError as exc:
            if len(p.sectors) == 1 or "is empty" not in str(exc):
                raise
            empty.append(s)  # a scan passes over sectors no state belongs to
            continue
        runs.append((s, r))
    if not runs:
        raise PhysmlError("every scanned sector is empty")
    best_sector, best = min(runs, key=lambda sr: sr[1]["energies"][0])
    extra: dict[str, Any] = dict(
        sector=best["sector"] + sz, group_size=best["group_size"],
        momentum=list(best_sector.momentum),
        irrep=best_sector.irrep if p.group == "lattice" else None,
        spin_flip=best_sector.spin_flip or None, sector_choice=p.how,
        matrix="stored" if best["stored"] else "on the fly")
    if len(p.sectors) > 1:
        extra["sectors"] = [dict(sector=r["sector"], momentum=list(s.momentum),
                                 irrep=s.irrep if p.group == "lattice" else None,
                                 spin_flip=s.spin_flip or None, dimension=r["dimension"],
                                 levels=r["energies"], converged=r["converged"])
                            for s, r in runs]
        extra["empty_sectors"] = len(empty)
    best = dict(best, converged=all(r["converged"] for _, r in runs))
    return best, extra
