"""``physml exact --method dmrg``: the sweep schedule, the run loop with its checkpoints, the
measurements and the exact references of the chains that have one."""
from __future__ import annotations

import dataclasses
import math
import time
from typing import Any, Callable

import numpy as np

from physml_cli import _engine, registry, resources
from physml_cli.errors import PhysmlError
from physml_cli.runtime.result import Result, hidden, optional, result

# A strip of the square lattice is an MPS with couplings reaching L sites ahead; beyond
# width 4 the bond dimension DMRG needs grows exponentially with the width.
MAX_WIDTH = 4
# The first sweeps at a smaller bond dimension find the state's structure cheaply (their
# cost grows as chi^3); the mixer is on while the bond dimension grows and halves per sweep.
RAMP_SWEEPS = 3
MIXER_DECAY = 0.5
# The local Lanczos problem: a loose residual while the state is far from converged, the
# final tolerance once the bond dimension is reached (energy errors go as its square).
RAMP_TOL = 1e-8
FINAL_TOL = 1e-10
LOCAL_STEPS = 40


def schedule(bond_dims: tuple[int, ...], sweeps: int) -> list[int]:
    """Bond dimension of each sweep: the given list (its last value repeated), or for one
    value chi a ramp chi/8, chi/4, chi/2 (at least 16) before chi itself."""
    if len(bond_dims) > 1:
        return [bond_dims[min(i, len(bond_dims) - 1)] for i in range(sweeps)]
    chi = bond_dims[0]
    ramp = min(RAMP_SWEEPS, sweeps - 1)
    return [max(min(chi, 16), chi >> (ramp - i)) if i < ramp else chi for i in range(sweeps)]


def mixer_at(sweep: int, schedule_: list[int], mixer: float) -> float:
    """White's perturbation while the bond dimension still grows and for one sweep after;
    never in the last two sweeps, whose cuts are plain SVDs (and so give the entanglement)."""
    last_growth = max((i for i in range(1, len(schedule_)) if schedule_[i] > schedule_[i - 1]),
                      default=0)
    if sweep > last_growth or sweep >= len(schedule_) - 2:
        return 0.0
    return mixer * MIXER_DECAY ** sweep


def check(lattice: str, size: int, bond_dims: tuple[int, ...], hamiltonian: str) -> int:
    """The lattice a DMRG run can take and its site count, or a one-line PhysmlError."""
    lat = _engine.Lattice(lattice, size)
    if lat.dimension > 1 and size > MAX_WIDTH:
        raise PhysmlError(f"--method dmrg takes the {lattice} lattice up to width {MAX_WIDTH} "
                          f"(an L x L lattice is a strip of width L; got {size})")
    if min(bond_dims) < 1:
        raise PhysmlError(f"--bond-dim must be at least 1 (got {min(bond_dims)})")
    return registry.lattice_sites(lattice, size)


def memory_estimate(n: int, chi: int, mpo_dim: int, local_steps: int) -> float:
    """Bytes at most: the environments (n bonds, one chi x chi block per MPO channel), the two
    block operators of a step and the Lanczos vectors of the two-site problem (2chi x 2chi)."""
    chi = min(chi, 2 ** min(n // 2, 40))
    environments = (n + 1) * mpo_dim * chi * chi
    operators = 2 * mpo_dim * (2 * chi) ** 2
    vectors = (local_steps + 4) * (2 * chi) ** 2
    return 8.0 * (environments + operators + vectors) * 1.5


@result
class DMRGSweep(Result):
    sweep: int
    bond_dim: int
    mixer: float
    energy: float
    discarded_weight: float
    variance: float
    largest_bond: int
    lanczos_steps: int
    wall_s: float


@result
class DMRGGroundState(Result):
    """A DMRG ground state with its health: per sweep the energy, the largest discarded
    weight and the variance <H^2> - <H>^2 (zero only for an eigenstate)."""
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
    operators: str = ""
    method: str = "dmrg"
    sector: str = ""
    energy: float = math.nan
    energy_per_site: float = math.nan
    energy_variance: float = math.nan
    energy_change: float | None = optional()
    discarded_weight: float = math.nan
    bond_dims: list[int] = dataclasses.field(default_factory=list)
    sweeps: list[dict] = dataclasses.field(default_factory=list)
    largest_bond: int = 0
    mpo_bond_dim: int = 0
    entanglement_entropy: list[float] = dataclasses.field(default_factory=list)
    zz: list[float] = dataclasses.field(default_factory=list)
    sx: float | None = optional()
    excited_sector: str | None = optional()
    excited_energy: float | None = optional()
    gap: float | None = optional()
    free_fermion_energy: float | None = optional()
    bethe_ansatz_energy: float | None = optional()
    reference_error: float | None = optional()
    wall_s: float = 0.0
    output: str | None = hidden()

    def notices(self) -> list[str]:
        out = []
        if self.discarded_weight > 1e-6:
            out.append(f"the last sweep discarded a weight of {self.discarded_weight:.2g}: "
                       "raise --bond-dim for a converged state")
        if self.energy_change is not None and abs(self.energy_change) > 1e-8 * max(1.0, abs(self.energy)):
            out.append(f"the energy still changed by {self.energy_change:.3g} in the last sweep: "
                       "raise --sweeps")
        return out

    def text(self) -> list[Any]:
        lines = [f"{self.hamiltonian} on the {self.boundary} {self.lattice} (N = {self.n_sites}), "
                 f"{self.sector}, DMRG (MPO bond dimension {self.mpo_bond_dim}): "
                 f"{self.convention} ({self.operators})"]
        for s in self.sweeps:
            lines.append(f"  sweep {s['sweep']}: chi {s['bond_dim']:>5}  E = {s['energy']:.12f}  "
                         f"discarded {s['discarded_weight']:.2e}  var {s['variance']:.2e}  "
                         f"{s['wall_s']:.2f} s")
        lines.append(f"E0 = {self.energy:.12g}  (E0/N = {self.energy_per_site:.12g}), "
                     f"variance {self.energy_variance:.3g}, largest bond {self.largest_bond}")
        for name, ref in (("free-fermion", self.free_fermion_energy),
                          ("Bethe-ansatz", self.bethe_ansatz_energy)):
            if ref is not None:
                lines.append(f"{name} E0 = {ref:.12g} (relative error {self.reference_error:.2g})")
        if self.gap is not None:
            lines.append(f"lowest state of {self.excited_sector}: {self.excited_energy:.12g}, "
                         f"gap {self.gap:.10g}")
        if self.entanglement_entropy:
            mid = self.entanglement_entropy[len(self.entanglement_entropy) // 2]
            lines.append(f"entanglement entropy at the middle bond {mid:.6f}")
        lines.append(f"{self.wall_s:.2f} s" + (f" -> {self.output}" if self.output else ""))
        return lines


@dataclasses.dataclass
class Run:
    """A DMRG run in progress: the engine's state and the finished sweeps."""
    engine: Any
    model: dict[str, Any]
    n_up: int
    bond_dims: list[int]
    mixer: float
    cutoff: float
    tol: float | None
    local_steps: int
    history: dict[str, list[float]] = dataclasses.field(
        default_factory=lambda: {k: [] for k in ("energy", "discarded_weight", "variance",
                                                 "largest_bond", "bond_dim", "mixer",
                                                 "lanczos_steps", "wall_s")})

    @property
    def done(self) -> int:
        return len(self.history["energy"])


def new_run(model: dict[str, Any], n_up: int, bond_dims: list[int], mixer: float, cutoff: float,
            tol: float | None, local_steps: int, threads: int) -> Run:
    try:
        engine = _engine.DMRG(**model, n_up=max(n_up, 0), threads=threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    return Run(engine, model, n_up, bond_dims, mixer, cutoff, tol, local_steps)


def sweep_once(run: Run) -> dict[str, Any]:
    i = run.done
    last = i >= len(run.bond_dims) - 2 or run.bond_dims[i] == run.bond_dims[-1]
    tol = (run.tol or FINAL_TOL) if last else RAMP_TOL
    mix = mixer_at(i, run.bond_dims, run.mixer)
    t0 = time.perf_counter()
    r = run.engine.sweep(run.bond_dims[i], run.cutoff, mix, tol, run.local_steps)
    variance = run.engine.variance()
    row = {"energy": r["energy"], "discarded_weight": r["discarded_weight"],
           "variance": variance, "largest_bond": r["largest_bond"], "bond_dim": run.bond_dims[i],
           "mixer": mix, "lanczos_steps": r["lanczos_steps"],
           "wall_s": time.perf_counter() - t0}
    for k, v in row.items():
        run.history[k].append(float(v))
    return row


def iterate(run: Run, stop: Callable[[], bool], on_sweep: Callable[[Run], None]) -> None:
    """Sweeps until the schedule is done or `stop` says so; on_sweep after each (checkpoint)."""
    while run.done < len(run.bond_dims) and not stop():
        sweep_once(run)
        on_sweep(run)


def saved_state(run: Run) -> dict[str, np.ndarray]:
    st = run.engine.state()
    return {"mps/sectors": np.array([len(c) for c in st["charges"]], dtype=np.int64),
            "mps/charges": np.concatenate([np.asarray(c, dtype=np.int64) for c in st["charges"]]),
            "mps/dims": np.concatenate([np.asarray(d, dtype=np.int64) for d in st["dims"]]),
            "mps/site_sizes": np.array([len(d) for d in st["data"]], dtype=np.int64),
            "mps/coefficients": np.concatenate([np.asarray(d, dtype=float) for d in st["data"]])}


def restore(run: Run, saved: dict[str, Any], path: str) -> None:
    """The state and history of a saved run, into `run` (same model, checked by the caller)."""
    a = saved["arrays"]
    ends = np.cumsum(a["mps/sectors"])[:-1]
    charges = [list(map(int, c)) for c in np.split(a["mps/charges"], ends)]
    dims = [list(map(int, d)) for d in np.split(a["mps/dims"], ends)]
    data = np.split(a["mps/coefficients"], np.cumsum(a["mps/site_sizes"])[:-1])
    try:
        run.engine.set_state(charges, dims, data)
    except ValueError as exc:
        raise PhysmlError(f"{path}: {exc}") from None
    for k in run.history:
        run.history[k] = [float(x) for x in a["history/" + k]]


def entanglement(engine: Any) -> list[float]:
    """Von Neumann entropy -sum p ln p of the Schmidt spectrum across each bond."""
    out = []
    for s in engine.schmidt_values():
        p = np.asarray(s) ** 2
        p = p[p > 0] / p.sum()
        out.append(float(max(0.0, -(p * np.log(p)).sum())))
    return out


def references(hamiltonian: str, lattice: str, n: int, J: float, h: float, open_boundaries: bool,
               n_up: int) -> dict[str, float | None]:
    """Exact energies of the chains that have one: free fermions (tfim), Bethe ansatz
    (periodic Heisenberg at S^z = 0)."""
    ff = bethe = None
    if lattice == "chain" and hamiltonian == "tfim":
        ff = _engine.tfim_free_fermion_energy(n, J, h, not open_boundaries)
    if (lattice == "chain" and hamiltonian == "heisenberg" and not open_boundaries and n % 2 == 0
            and J > 0 and 2 * n_up == n):
        bethe = _engine.heisenberg_bethe_energy(n, J)
    return {"free_fermion_energy": ff, "bethe_ansatz_energy": bethe}


def check_memory(n: int, chi: int, mpo_dim: int, local_steps: int) -> None:
    resources.check_memory(memory_estimate(n, chi, mpo_dim, local_steps),
                           f"DMRG of {n} sites at bond dimension {chi}")


# Other methods' reference (vmc on open chains beyond Lanczos): chi 128 in the default ramp
# puts the open Heisenberg chain of 100 sites within 1e-8 of its ground-state energy, far
# below any variational estimate's error bar, in a few seconds.
REFERENCE_BOND_DIM = 128
REFERENCE_SWEEPS = 6
# Beyond this many sites the reference would cost minutes before the first vmc step (it
# grows linearly); larger chains get their reference from `physml exact --method dmrg`.
REFERENCE_SITES = 200


def reference_energy(model: dict[str, Any], n_up: int, threads: int) -> tuple[float, float]:
    """(E0, <(H - E0)^2>) of an open chain or thin strip by DMRG at REFERENCE_BOND_DIM."""
    bond_dims = schedule((REFERENCE_BOND_DIM,), REFERENCE_SWEEPS)
    run = new_run(model, n_up, bond_dims, 1e-5, 1e-12, None, LOCAL_STEPS, threads)
    n = registry.lattice_sites(model["lattice"], model["L"])
    check_memory(n, REFERENCE_BOND_DIM, max(run.engine.mpo_bond_dims), LOCAL_STEPS)
    iterate(run, lambda: False, lambda r: None)
    return float(run.engine.energy()), float(run.history["variance"][-1])
