"""``physml vmc``: neural-network quantum states optimised by variational Monte Carlo.

This module resolves the settings (automatic sampler, sign rule, network), drives the engine
iteration by iteration (so that progress is shown and a signal is answered between
iterations), and turns a saved run back into a driver for ``--resume``.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from physml_cli import _engine
from physml_cli.workflows import dmrg, exact, vmc_health, vmc_schedule
from physml_cli.workflows.vmc_schedule import Schedule
from physml_cli import registry
from physml_cli import resources
from physml_cli.errors import PhysmlError

# Models whose Hamiltonian conserves the total magnetization.
HISTORY = ("energy", "energy_err", "variance", "acceptance", "rhat", "cg_iterations", "wall_s")
# Sizes of the exact reference computed on the fly: at most this Hilbert-space dimension.
EXACT_DIMENSION = 2 ** 18


@dataclass
class Settings:
    """Everything that defines a run (a resumed run must agree on all of it)."""
    hamiltonian: str
    lattice: str
    size: int
    J: float
    h: float
    delta: float
    J2: float
    open_boundaries: bool
    ansatz: str
    alpha: float
    symmetries: str
    parity: int
    depth: int
    complex_parameters: bool
    architecture: str
    init_scale: float
    marshall: bool
    sampler: str
    chains: int
    samples: int
    discard: int
    sweep_size: int
    optimizer: str
    lr: float
    diag_shift: float
    sr_solver: str
    cg_tol: float
    seed: int

    @property
    def n_sites(self) -> int:
        return exact.n_sites(self.lattice, self.size)

    @property
    def samples_per_chain(self) -> int:
        return math.ceil(self.samples / self.chains)

    @property
    def n_up(self) -> int:
        return (self.n_sites + 1) // 2   # the S^z = 0 (or 1/2) sector, as in `physml exact`


# Defaults a user can trust (docs/quantum.md, "Defaults"): with only the Hamiltonian, lattice
# and size given, a periodic lattice gets the RBM symmetric under its whole space group with
# alpha = 4 feature maps (the targets of 10x10 and 6x6 Heisenberg and the N = 80 TFIM are
# met so; the plain RBM alpha = 1 stops near -0.664 on 10x10), the plain RBM alpha = 1 with
# open boundaries.
SYMMETRIC_ALPHA = 4.0
PLAIN_ALPHA = 1.0
# The made ansatz: the VAN's network (depth 2, 4 hidden units per site), sampled exactly.
MADE_WIDTH = 4.0
MADE_DEPTH = 2
# Default (--lr, --diag-shift). A weight of a symmetric ansatz enters |G| hidden units, so
# one SR step moves log psi about |G| times as far as the plain RBM's: at the RBM's 0.05 /
# 0.01 the first steps of the 4x4 and 6x6 Heisenberg models throw it into a frozen state, and
# at 0.01 / 0.1 the 10x10 one (|G| = 800) sharpens until its chains stop moving after ten
# iterations. lr = min(0.03, 3 / |G|) starting from shift 0.1 converged on every chain and
# square tried (4x4 to 10x10); the shift then falls to 0.01 over the first 300 iterations
# (SYMMETRIC_SCHEDULE), which the ferromagnetic TFIM chain needs to reach 1e-5, and which a
# shift of 0.01 from the start would not survive on the Heisenberg squares.
PLAIN_STEP = (0.05, 0.01)
SYMMETRIC_SHIFT = 0.1
SYMMETRIC_SCHEDULE = Schedule(diag_shift_final=0.01, steps=300)


def default_step(wave: registry.Entry, group: int) -> tuple[float, float]:
    """(lr, diag_shift) when not given, for an ansatz over a group of `group` elements."""
    if not wave.can("symmetric"):
        return PLAIN_STEP
    return min(0.03, 3.0 / group), SYMMETRIC_SHIFT


def default_ansatz(open_boundaries: bool) -> str:
    return "rbm" if open_boundaries else "rbmsymm"


def default_schedule(s: Settings, given: Schedule, diag_shift_given: bool) -> Schedule:
    """The user's schedule; with none and no --diag-shift, a symmetric ansatz's shift falls
    from 0.1 to 0.01 (SYMMETRIC_SCHEDULE)."""
    wave = registry.entry("ansatz", s.ansatz)
    if given.active or diag_shift_given or not wave.can("symmetric") or s.optimizer != "sr":
        return given
    return SYMMETRIC_SCHEDULE


def bipartite(lattice: str, size: int, open_boundaries: bool) -> bool:
    return _engine.Lattice(lattice, size, open_boundaries).n_colors == 2


def resolve(*, hamiltonian: str, lattice: str, size: int, J: float, h: float, delta: float,
            J2: float, open_boundaries: bool, ansatz: str | None, alpha: float | None,
            complex_parameters: bool, architecture: str | None, init_scale: float, marshall: bool | None, sampler: str,
            chains: int, samples: int, discard: int, sweep_size: int, optimizer: str,
            lr: float | None, diag_shift: float | None, sr_solver: str, cg_tol: float, seed: int,
            symmetries: str | None = None, parity: str | None = None,
            depth: int | None = None) -> Settings:
    """Checks the options and fills in the automatic choices."""
    exact.check_model(hamiltonian, lattice, size, J, h, delta, J2, open_boundaries)
    ansatz = ansatz or default_ansatz(open_boundaries)
    wave = registry.entry("ansatz", ansatz, "--ansatz")
    if alpha is None:
        alpha = (SYMMETRIC_ALPHA if wave.can("symmetric") else
                 MADE_WIDTH if wave.can("exact_samples") else PLAIN_ALPHA)
    if wave.parameter("depth"):
        depth = MADE_DEPTH if depth is None else depth
        wave.parameter("depth").check(depth, "--depth")
    elif depth is not None:
        able = [e.name for e in registry.entries("ansatz") if e.parameter("depth")]
        raise PhysmlError(f"--depth is for the {registry.spelled(able)} ansatz")
    if wave.parameter("alpha"):
        wave.parameter("alpha").check(alpha, "--alpha")
    symmetries = check_symmetries(wave, symmetries, lattice, size, open_boundaries)
    group = (len(_engine.Lattice(lattice, size, open_boundaries).symmetry_group(symmetries))
             if wave.can("symmetric") else 0)  # the plain ansaetze never build the group
    step = default_step(wave, group)
    lr = step[0] if lr is None else lr
    diag_shift = step[1] if diag_shift is None else diag_shift
    if not all(math.isfinite(v) for v in (alpha, lr, diag_shift, init_scale)):
        raise PhysmlError("numeric options must be finite numbers")
    flip_parity = 0 if parity is None else int(parity)
    if flip_parity and exact.n_sites(lattice, size) % 2:
        raise PhysmlError("--parity: flipping every spin of an odd number of sites changes the "
                          "magnetization sector; use an even number of sites")
    if complex_parameters and not wave.can("complex_parameters"):
        able = [e.name for e in registry.entries("ansatz") if e.can("complex_parameters")]
        raise PhysmlError(f"--complex is available for the {registry.spelled(able)} ansaetze")
    if chains < 1:
        raise PhysmlError(f"--chains must be >= 1 (got {chains})")
    if samples < chains:
        raise PhysmlError(f"--samples ({samples}) must be at least --chains ({chains}): "
                          "every chain contributes samples")
    if discard < 0 or sweep_size < 0:
        raise PhysmlError("--discard and --sweep-size must be >= 0")
    registry.entry("vmc_optimizer", optimizer, "--optimizer")
    if not lr > 0:
        raise PhysmlError(f"--lr must be > 0 (got {lr:g})")
    if not diag_shift > 0:
        raise PhysmlError(f"--diag-shift must be > 0 (got {diag_shift:g})")
    registry.entry("sr_solver", sr_solver, "--sr-solver")
    if not 0 < cg_tol < 1:
        raise PhysmlError(f"--cg-tol must be in (0, 1) (got {cg_tol:g})")
    if init_scale < 0:
        raise PhysmlError("--init-scale must be >= 0")
    if sampler != "auto":
        registry.entry("vmc_proposal", sampler, "--sampler")
    conserving = registry.entry("hamiltonian", hamiltonian).can("conserves_sz")
    direct = [e.name for e in registry.entries("vmc_proposal") if e.can("samples_exactly")]
    if sampler == "auto":
        sampler = (direct[0] if wave.can("exact_samples") else "exchange" if conserving
                   else "local")
    if sampler in direct:
        if not wave.can("exact_samples"):
            able = [e.name for e in registry.entries("ansatz") if e.can("exact_samples")]
            raise PhysmlError(f"--sampler {sampler} draws exact samples of an autoregressive "
                              f"ansatz ({registry.spelled(able)}), not of {ansatz}")
        if parity is not None:
            raise PhysmlError(f"--sampler {sampler} cannot sample a --parity projection (use "
                              "--sampler exchange or local)")
        discard = 0  # every sample is independent: nothing to discard
    if registry.entry("vmc_proposal", sampler).can("conserves_sz") and not conserving:
        raise PhysmlError(f"--sampler exchange keeps the magnetization, which {hamiltonian} does "
                          "not conserve (use local)")
    two_colours = bipartite(lattice, size, open_boundaries)
    if marshall is None:
        marshall = registry.entry("hamiltonian", hamiltonian).can("marshall_sign") and J > 0 and two_colours
    elif marshall and not two_colours:
        raise PhysmlError(f"--marshall needs a bipartite lattice; the {lattice} with L={size} "
                          "is not")
    architecture = default_architecture(wave, architecture, alpha, exact.n_sites(lattice, size))
    return Settings(hamiltonian=hamiltonian, lattice=lattice, size=size, J=J, h=h, delta=delta,
                    J2=J2, open_boundaries=open_boundaries, ansatz=ansatz, alpha=alpha,
                    symmetries=symmetries, parity=flip_parity, depth=int(depth or 0), complex_parameters=complex_parameters, architecture=architecture or "",
                    init_scale=init_scale, marshall=bool(marshall), sampler=sampler,
                    chains=chains, samples=samples, discard=discard, sweep_size=sweep_size,
                    optimizer=optimizer, lr=lr, diag_shift=diag_shift, sr_solver=sr_solver,
                    cg_tol=cg_tol, seed=seed)


def default_architecture(wave: registry.Entry, architecture: str | None, alpha: float,
                         n: int) -> str | None:
    """The layers of a network ansatz: as given, or one logcosh layer of alpha N units (alpha
    per group element for a symmetric one, like rbmsymm's feature maps)."""
    if not wave.parameter("architecture"):
        if architecture:
            able = [e.name for e in registry.entries("ansatz") if e.parameter("architecture")]
            raise PhysmlError(f"--architecture is for the network ansaetze ({registry.spelled(able)})")
        return architecture
    if architecture:
        return architecture
    return f"dense:{max(1, round(alpha if wave.can('symmetric') else alpha * n))},logcosh"


def check_symmetries(wave: registry.Entry, symmetries: str | None, lattice: str, size: int,
                     open_boundaries: bool) -> str:
    """The symmetry group a symmetric ansatz shares its weights over (unless told otherwise
    the whole space group, or the translations where the lattice has no point group);
    refused for the others, and where the lattice lacks the group."""
    if not wave.can("symmetric"):
        if symmetries is not None:
            able = [e.name for e in registry.entries("ansatz") if e.can("symmetric")]
            raise PhysmlError(f"--symmetries is for the symmetric ansaetze "
                              f"({registry.spelled(able)})")
        return "translations"  # unused: what the engine builds by default
    if symmetries is not None:
        registry.entry("symmetry_group", symmetries, "--symmetries")
    if open_boundaries:
        raise PhysmlError(f"--ansatz {wave.name} shares its weights over the lattice's "
                          "translations, which open boundaries break (use rbm)")
    lat = _engine.Lattice(lattice, size, open_boundaries)
    if symmetries is None:
        return "lattice" if len(lat.point_group()) > 1 else "translations"
    if symmetries == "lattice" and len(lat.point_group()) == 1:
        raise PhysmlError(f"--symmetries lattice: the {lattice} lattice has no point group here "
                          "(one-site cells only); use translations")
    return symmetries


def group_size(s: Settings) -> int:
    return len(_engine.Lattice(s.lattice, s.size, s.open_boundaries).symmetry_group(s.symmetries))


def layer_widths(architecture: str, n: int) -> int:
    """Values per input row that a network's layers hold (dense:U holds U, conv:C:K holds C per
    site, an activation as many as its input), input included."""
    total = width = n
    for layer in architecture.split(","):
        kind, *args = layer.strip().split(":")
        if kind == "dense" and args:
            width = int(args[0])
        elif kind == "conv" and args:
            width = int(args[0]) * n
        total += width
    return total


# The measurement hands each chain's sample count to the engine as a C int.
MAX_SAMPLES_PER_CHAIN = 2 ** 31 - 1


def estimate(s: Settings, n_params: int, measure_samples: int = 0, average: int = 0) -> float:
    """Bytes a run with these settings needs at its peak: an optimisation step (local energies
    and log-derivatives of every sample, the SR solver's Gram matrix of the smaller of
    parameters and samples, in single precision) or the final measurement (every sample's
    configuration kept for the observables), whichever is larger, plus the parameters and
    optimiser state, the last `average` parameter vectors (twice: kept and saved) and every
    chain's walker."""
    scalar = 16 if s.complex_parameters else 8
    n = s.n_sites
    ns = s.chains * s.samples_per_chain
    walkers = s.chains * (n + 64 + (n_params // max(n, 1) + n) * scalar)
    if s.parity:
        walkers *= 2  # a walker at s and one at -s
    if s.ansatz == "rbmsymm":
        hidden = round(s.alpha) * group_size(s)
        # the untied RBM's W, cosh 2W and sinh 2W once, and its tables in every walker
        walkers += 3 * hidden * n * scalar + s.chains * 4 * hidden * scalar
    elif s.architecture:
        # a network's tape for one local energy: every flip's |G| images through every layer
        images = 3 * n * (group_size(s) if s.ansatz == "ffnsymm" else 1)
        walkers += min(s.chains, _engine.thread_limit()) * images * layer_widths(s.architecture, n) * 8 * 2
    state = (6 + 2 * average) * n_params * scalar  # parameters, gradient, update, Adam, SR x
    step = ns * (n_params + 1) * scalar    # O and the local energies
    if s.optimizer == "sr":
        solver = s.sr_solver if s.sr_solver != "auto" else _engine.sr_auto_solver(ns, n_params)
        if solver in ("dense", "kernel"):
            side = n_params if solver == "dense" else ns
            step += ns * n_params * scalar / 2 + side * side * scalar / 2
            if solver == "kernel" and s.ansatz == "rbm" and not s.parity:
                step += ns * ns * scalar  # the RBM's structured Gram matrix, in double
        else:
            step += 6 * (ns + n_params) * scalar
    measured = s.chains * math.ceil(measure_samples / s.chains) if measure_samples else 0
    # a configuration (n bytes in a vector: 24 + allocator ~16), its energy, sx, 4 observables
    measure = measured * (n + 40 + scalar + 8 + 32)
    return walkers + state + max(step, measure)


def check_memory(s: Settings, n_params: int, measure_samples: int = 0, average: int = 0) -> None:
    """A one-line PhysmlError where the run would not fit in memory (before it allocates)."""
    if measure_samples and math.ceil(measure_samples / s.chains) > MAX_SAMPLES_PER_CHAIN:
        raise PhysmlError(f"--measure-samples {measure_samples}: at most "
                          f"{MAX_SAMPLES_PER_CHAIN:,} per chain ({s.chains} chains)")
    if s.samples_per_chain > MAX_SAMPLES_PER_CHAIN:
        raise PhysmlError(f"--samples {s.samples}: at most {MAX_SAMPLES_PER_CHAIN:,} per chain")
    what = (f"vmc with {s.chains * s.samples_per_chain:,} samples of {s.n_sites} sites and "
            f"{n_params:,} parameters")
    if measure_samples:
        what += f" ({measure_samples:,} measured)"
    if average:
        what += f" (the last {average:,} averaged)"
    resources.check_memory(estimate(s, n_params, measure_samples, average), what)


def make_driver(s: Settings, threads: int, chain_ids: list[int] | None = None) -> Any:
    """The engine's driver for `s`; with chain_ids, only those chains of the run (MPI)."""
    cls = _engine.VmcDriverComplex if s.complex_parameters else _engine.VmcDriver
    ids = list(range(s.chains)) if chain_ids is None else chain_ids
    try:
        return cls(s.hamiltonian, s.lattice, s.size, J=s.J, h=s.h, delta=s.delta, J2=s.J2,
                   open=s.open_boundaries, ansatz=s.ansatz, alpha=s.alpha,
                   symmetries=s.symmetries, parity=s.parity,
                   architecture=s.architecture, init_scale=s.init_scale, marshall=s.marshall,
                   sampler=s.sampler, n_up=s.n_up, chains=len(ids), chain_ids=ids,
                   samples_per_chain=s.samples_per_chain, discard=s.discard,
                   sweep_size=s.sweep_size, optimizer=s.optimizer, lr=s.lr, depth=s.depth or 2,
                   diag_shift=s.diag_shift, sr_solver=s.sr_solver, cg_tol=s.cg_tol, seed=s.seed,
                   threads=threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    except MemoryError as exc:
        raise PhysmlError(f"the {s.ansatz} wave function for {s.n_sites} sites does not fit in "
                          f"memory: {exc}") from None


def exact_energy(s: Settings, threads: int) -> tuple[float | None, str | None]:
    """Exact ground-state energy where it is cheap: free fermions for the tfim chain, Lanczos
    for small systems. (None, None) otherwise."""
    n = s.n_sites
    if s.hamiltonian == "tfim" and s.lattice == "chain":
        return _engine.tfim_free_fermion_energy(n, s.J, s.h, not s.open_boundaries), "free fermions"
    if (s.hamiltonian == "heisenberg" and s.lattice == "chain" and not s.open_boundaries
            and n % 2 == 0 and s.J > 0):
        return _engine.heisenberg_bethe_energy(n, s.J), "Bethe ansatz"
    n_up = exact.sector(s.hamiltonian, n, "auto")
    dim = 2 ** n if n_up < 0 else math.comb(n, n_up)
    common = dict(hamiltonian=s.hamiltonian, lattice=s.lattice, size=s.size, J=s.J, h=s.h,
                  delta=s.delta, J2=s.J2, open_boundaries=s.open_boundaries, sz="auto", levels=1,
                  tol=1e-12, max_iter=1000, seed=0, threads=threads)
    if dim <= EXACT_DIMENSION:
        return exact.run(**common).energy, "Lanczos"
    if s.open_boundaries and _dmrg_takes(s):
        model = dict(hamiltonian=s.hamiltonian, lattice=s.lattice, L=s.size, J=s.J, h=s.h,
                     delta=s.delta, J2=s.J2, open=True)
        energy, variance = dmrg.reference_energy(model, n_up, threads)
        return energy, f"DMRG, bond dimension {dmrg.REFERENCE_BOND_DIM}, variance {variance:.1e}"
    # a symmetry sector where a sign rule names the ground state's and it is small enough
    if s.open_boundaries or n > 62:
        return None, None
    from physml_cli.workflows import exact_sectors

    model = dict(hamiltonian=s.hamiltonian, lattice=s.lattice, L=s.size, J=s.J, h=s.h,
                 delta=s.delta, J2=s.J2, open=s.open_boundaries)
    p = exact_sectors.plan(symmetries="auto", momentum=None, irrep=None, spin_flip=None,
                           model=model, n_sites=n, n_up=n_up)
    if p.how != "sign rule" or p.dimension_estimate > EXACT_DIMENSION:
        return None, None
    return exact.run(**common, symmetries="auto").energy, "Lanczos in a symmetry sector"


def _dmrg_takes(s: Settings) -> bool:
    """Chains and strips up to DMRG's width and REFERENCE_SITES, in an S^z sector (or the
    tfim)."""
    if s.n_sites > dmrg.REFERENCE_SITES:
        return False
    lat = _engine.Lattice(s.lattice, s.size)
    narrow = lat.dimension == 1 or s.size <= dmrg.MAX_WIDTH
    return narrow and (s.hamiltonian == "tfim" or exact.sector(s.hamiltonian, s.n_sites, "auto") >= 0)


@dataclass
class Snapshot:
    """The driver's state before an iteration: what a recovery from a divergence restores
    (configs: this rank's chains)."""
    iteration: int
    parameters: np.ndarray
    optimizer_state: list[np.ndarray]
    configs: np.ndarray

    @classmethod
    def of(cls, d: Any) -> "Snapshot":
        return cls(int(d.iteration), np.asarray(d.parameters),
                   [np.asarray(v) for v in d.optimizer_state], np.asarray(d.configs))

    def restore(self, d: Any) -> None:
        d.parameters = self.parameters
        d.optimizer_state = self.optimizer_state
        d.configs = self.configs
        d.iteration = self.iteration


@dataclass
class Run:
    """A driver with the history of its iterations (restored ones included). Under MPI
    (`comm` set) the driver holds this rank's chains, every-`size`-th of the run's.
    `recoveries` counts the divergences recovered from (they set lr and diag_shift with the
    schedule, workflows/vmc_schedule.py), `events` says what happened at each, `previous` is
    the state before the last iteration (where a divergence found by the next one goes back
    to) and `stopped` is set when recovering was given up. `window` holds (iteration,
    parameters) after each of the last `average` iterations, whose mean the final estimate
    uses when `average` is set."""
    settings: Settings
    driver: Any
    history: dict[str, list[float]]
    wall_before: float = 0.0
    comm: Any = None
    threads: int = 1
    schedule: Schedule = field(default_factory=Schedule)
    recoveries: int = 0
    events: list[str] = field(default_factory=list)
    previous: Snapshot | None = None
    stopped: bool = False
    average: int = 0
    window: list[tuple[int, np.ndarray]] = field(default_factory=list)

    @property
    def chain_ids(self) -> list[int]:
        if self.comm is None:
            return list(range(self.settings.chains))
        return list(range(self.comm.Get_rank(), self.settings.chains, self.comm.Get_size()))

    @property
    def spread(self) -> bool:
        """Under MPI: whether every sum over samples is reduced across ranks (samples stay
        where they were drawn). The dense and kernel SR solvers factorise a Gram matrix of all
        samples instead, so with them the samples are gathered."""
        if self.comm is None:
            return False
        s = self.settings
        if s.optimizer != "sr":
            return True
        solver = s.sr_solver
        if solver == "auto":
            solver = _engine.sr_auto_solver(s.chains * s.samples_per_chain, self.driver.n_params)
        return solver == "cg"

    def all_configs(self, configs: np.ndarray | None = None) -> np.ndarray:
        """Every chain's configuration (or of this rank's `configs`), in chain order
        (collective under MPI)."""
        mine = np.asarray(self.driver.configs if configs is None else configs)
        if self.comm is None:
            return mine
        out = np.zeros((self.settings.chains, self.settings.n_sites), np.int8)
        for ids, c in self.comm.allgather((self.chain_ids, mine)):
            out[ids] = c
        return out

    def steps(self) -> tuple[float, float]:
        """lr and diag_shift of the next iteration."""
        s = self.settings
        return vmc_schedule.values(self.schedule, s.lr, s.diag_shift, int(self.driver.iteration),
                                   self.recoveries)


def new_run(s: Settings, threads: int, comm: Any = None,
            measure_samples: int = 0, schedule: Schedule = Schedule()) -> Run:
    """A fresh run; refuses one that would not fit in memory (`measure_samples`: the final
    measurement's, so that it is refused now rather than after the optimisation)."""
    if comm is not None and comm.Get_size() > s.chains:
        raise PhysmlError(f"{comm.Get_size()} MPI ranks but only {s.chains} chains: give each "
                          "rank at least one (--chains)")
    threads = min(threads, _engine.thread_limit())
    run = Run(s, None, {k: [] for k in HISTORY}, comm=comm, threads=threads, schedule=schedule)
    run.driver = make_driver(s, threads, run.chain_ids)
    check_memory(s, int(run.driver.n_params), measure_samples)
    if run.spread:
        run.driver.set_chain_gather(_chain_gather(comm, run.chain_ids, s.chains), s.chains)
    return run


def check_measurement(run: Run, measure_samples: int) -> None:
    """Call before iterating (after new_run or restore): refuses a final measurement that would
    not fit in memory now, rather than after the optimisation."""
    check_memory(run.settings, int(run.driver.n_params), measure_samples, run.average)


def average_over(run: Run, iterations: int) -> None:
    """Makes the final estimate use the mean parameters of the last `iterations` iterations
    (0: the last parameters). A resumed run keeps the ones its file saved."""
    run.average = iterations
    run.window = run.window[-iterations:] if iterations else []


def averaged_parameters(run: Run) -> np.ndarray | None:
    """The mean of the parameters in the window (None without averaging). Summed in
    iteration order, so that the mean is the same number on every rank and after --resume."""
    window = averaged_window(run)
    if not window:
        return None
    total = np.zeros_like(window[0][1])
    for _, p in window:
        total = total + p
    return total / len(window)


def averaged_window(run: Run) -> list[tuple[int, np.ndarray]]:
    """The window's iterations in the last fifth of the run: a short run is never averaged
    with its start, far from the optimum."""
    if not run.average:
        return []
    done = int(run.driver.iteration)
    return [w for w in run.window if w[0] > done - done // 5]


def _chain_gather(comm: Any, ids: list[int], chains: int) -> Callable[[np.ndarray], np.ndarray]:
    """Rows of this rank's chains -> rows of all chains, in chain order (an all-gather)."""
    def gather(rows: np.ndarray) -> np.ndarray:
        out = np.empty((chains, rows.shape[1]), rows.dtype)
        for where, part in comm.allgather((ids, rows)):
            out[where] = part
        return out
    return gather


# Settings younger than some saved runs, with the value those runs had.
SETTINGS_ADDED_LATER = {"symmetries": "translations", "parity": 0, "depth": 0}


def restore(saved: dict[str, Any], s: Settings, threads: int, path: str, comm: Any = None,
            schedule: Schedule = Schedule()) -> Run:
    """The run saved in `path`, to continue; refuses one made with other settings."""
    attrs, arrays = saved["attrs"], saved["arrays"]
    attrs = {**SETTINGS_ADDED_LATER, **attrs}
    mismatched = [k for k, v in asdict(s).items()
                  if k in attrs and not _same(attrs[k], v)]
    missing = [k for k in asdict(s) if k not in attrs]
    if missing:
        raise PhysmlError(f"{path} lacks run settings ({', '.join(missing)}): cannot resume it")
    if mismatched:
        k = mismatched[0]
        raise PhysmlError(f"--resume: {path} was made with {k}={attrs[k]!r}, not {getattr(s, k)!r} "
                          "(use the same settings, or a new --output)")
    made = vmc_schedule.from_attrs(attrs)
    if made != schedule:
        k, flag = next((k, f) for k, f in (("lr_final", "--lr-final"),
                                           ("diag_shift_final", "--diag-shift-final"),
                                           ("steps", "--schedule-steps"))
                       if getattr(made, k) != getattr(schedule, k))
        raise PhysmlError(f"--resume: {path} was made with {flag} {getattr(made, k)}, not "
                          f"{getattr(schedule, k)} (use the same settings, or a new --output)")
    run = new_run(s, threads, comm, schedule=schedule)
    d = run.driver
    try:
        d.parameters = arrays["parameters"]
        d.configs = np.asarray(arrays["chains"])[run.chain_ids]
        d.optimizer_state = [arrays.get(k, np.zeros(0)) for k in ("adam_m", "adam_v", "sr_x")]
        d.iteration = int(attrs["iterations"])
        for k in HISTORY:
            run.history[k] = list(np.asarray(arrays[k], dtype=float))
        run.recoveries = int(attrs.get("recoveries", 0))
        if AVERAGE + "parameters" in arrays:
            run.window = list(zip((int(k) for k in arrays[AVERAGE + "iterations"]),
                                  np.asarray(arrays[AVERAGE + "parameters"])))
        run.events = [str(e) for e in attrs.get("divergences", [])]
        if PREVIOUS + "parameters" in arrays and d.iteration > 0:
            run.previous = Snapshot(
                d.iteration - 1, arrays[PREVIOUS + "parameters"],
                [arrays.get(PREVIOUS + k, np.zeros(0)) for k in ("adam_m", "adam_v", "sr_x")],
                np.asarray(arrays[PREVIOUS + "chains"])[run.chain_ids])
    except (KeyError, ValueError, TypeError) as exc:
        raise PhysmlError(f"{path} cannot be resumed: {exc}") from None
    if len(run.history["energy"]) != d.iteration:
        raise PhysmlError(f"{path} is inconsistent: {d.iteration} iterations but "
                          f"{len(run.history['energy'])} history entries")
    run.wall_before = float(run.history["wall_s"][-1]) if run.history["wall_s"] else 0.0
    return run


# Where a file keeps the state before its last iteration (a divergence found by the next
# iteration, after --resume, goes back there as it would have without the interruption).
PREVIOUS = "previous/"
# Where a file keeps the parameters the final estimate averaged (and a resumed run goes on
# averaging).
AVERAGE = "average/"


def saved_state(run: Run) -> dict[str, np.ndarray]:
    """The arrays --resume needs besides the history (collective under MPI): parameters,
    chains and optimiser state, now and before the last iteration."""
    d = run.driver
    state = d.optimizer_state
    out = {"parameters": np.asarray(d.parameters), "chains": run.all_configs(),
           "adam_m": np.asarray(state[0]), "adam_v": np.asarray(state[1]),
           "sr_x": np.asarray(state[2])}
    p = run.previous
    if p is not None:  # the same on every rank
        out.update({PREVIOUS + "parameters": p.parameters,
                    PREVIOUS + "chains": run.all_configs(p.configs),
                    PREVIOUS + "adam_m": p.optimizer_state[0],
                    PREVIOUS + "adam_v": p.optimizer_state[1],
                    PREVIOUS + "sr_x": p.optimizer_state[2]})
    if run.window:
        out.update({AVERAGE + "parameters": np.stack([w for _, w in run.window]),
                    AVERAGE + "iterations": np.array([k for k, _ in run.window], np.int64)})
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(b, float) or isinstance(a, float):
        return float(a) == float(b)
    if isinstance(b, bool):
        return bool(a) == b
    return a == b


def iterate(run: Run, iterations: int, stop: Callable[[], bool],
            on_step: Callable[[dict[str, Any]], None]) -> int:
    """Runs optimisation steps until `iterations` more are accepted, `stop()` says so, or
    recovering from divergences is given up; returns how many were gained. A divergent
    iteration (vmc_health.divergence, or values the engine found not finite) is recovered
    from by _recover."""
    t0 = time.perf_counter()
    d = run.driver
    start = int(d.iteration)
    while int(d.iteration) < start + iterations and not run.stopped:
        halt = stop()
        if run.comm is not None:  # stop together, or the others would wait forever
            halt = any(run.comm.allgather(halt))
        if halt:
            break
        _set_steps(run)
        before = Snapshot.of(d)
        try:
            st = _step(run)
        except RuntimeError as exc:
            if "diverged" not in str(exc):
                raise PhysmlError(str(exc)) from None
            # non-finite parameters condemn this update; non-finite energies the last one
            _recover(run, before, str(exc).split(":")[0], "parameters" in str(exc))
            continue
        except MemoryError as exc:
            raise PhysmlError(f"vmc iteration {d.iteration + 1}: {exc}") from None
        why = vmc_health.divergence(vmc_health.recent(run.history), st["energy"], st["variance"])
        if why is not None:
            _recover(run, before, why, False)
            continue
        st["wall_s"] = run.wall_before + time.perf_counter() - t0
        st["iteration"] = int(d.iteration)
        for k in HISTORY:
            run.history[k].append(float(st[k]))
        run.previous = before
        if run.average:
            run.window.append((int(d.iteration), np.asarray(d.parameters)))
            del run.window[:-run.average]
        on_step(st)
    run.wall_before += time.perf_counter() - t0
    return max(0, int(d.iteration) - start)


def _set_steps(run: Run) -> None:
    """The schedule's (and recoveries') lr and diag_shift, set only where they differ from
    the driver's, so that a run without either steps exactly as before both existed."""
    lr, shift = run.steps()
    d = run.driver
    if d.lr != lr:
        d.lr = lr
    if run.settings.optimizer == "sr" and d.diag_shift != shift:
        d.diag_shift = shift


def _recover(run: Run, before: Snapshot, why: str, this_update: bool) -> None:
    """After a divergent iteration: back to the state before the update to blame (this
    iteration's when its own parameters came out non-finite, else the previous one, whose
    parameters gave the divergent samples), with lr halved and diag_shift raised, to redo it;
    or, with no such state or MAX_RECOVERIES spent, stop at the last state that passed."""
    s = run.settings
    k = before.iteration + 1
    back = before if this_update else run.previous
    if back is None or run.recoveries >= vmc_schedule.MAX_RECOVERIES:
        keep = run.previous if run.previous is not None and not this_update else before
        _go_back(run, keep)
        run.stopped = True
        cause = (f"after {run.recoveries} recoveries" if back is not None
                 else "with no earlier state to go back to")
        run.events.append(f"gave up at a divergence at iteration {k} ({why}) {cause}: the "
                          f"optimisation stopped at iteration {keep.iteration} (lower --lr or "
                          "raise --diag-shift)")
        return
    lr0, shift0 = vmc_schedule.values(run.schedule, s.lr, s.diag_shift, back.iteration,
                                      run.recoveries)
    run.recoveries += 1
    lr1, shift1 = vmc_schedule.values(run.schedule, s.lr, s.diag_shift, back.iteration,
                                      run.recoveries)
    _go_back(run, back)
    steps = f"lr {lr0:g} -> {lr1:g}"
    if s.optimizer == "sr":
        steps += f", diag_shift {shift0:g} -> {shift1:g}"
    run.events.append(f"recovered from a divergence at iteration {k}: {steps} ({why}; "
                      f"redone from iteration {back.iteration + 1})")


def _go_back(run: Run, snap: Snapshot) -> None:
    snap.restore(run.driver)
    for k in HISTORY:
        del run.history[k][snap.iteration:]
    run.previous = None  # the state before `snap` was not kept
    run.window = [w for w in run.window if w[0] <= snap.iteration]


def _step(run: Run) -> dict[str, Any]:
    if run.comm is None or run.spread:
        return run.driver.step()
    # Dense or kernel SR: every rank samples its chains; all samples are shared, in chain
    # order, and every rank makes the same update from them: the one-process run's numbers.
    eloc, O, proposed, accepted = run.driver.sample_step()
    parts = run.comm.allgather((run.chain_ids, np.asarray(eloc), np.asarray(O), proposed, accepted))
    s = run.settings
    per = s.samples_per_chain
    E = np.zeros((s.chains, per), dtype=np.asarray(eloc).dtype)
    D = np.zeros((s.chains, per, np.asarray(O).shape[1]), dtype=np.asarray(O).dtype)
    for ids, e, o, _, _ in parts:
        E[ids] = np.asarray(e).reshape(len(ids), per)
        D[ids] = o.reshape(len(ids), per, -1)
    return run.driver.update_from(E.ravel(), D.reshape(s.chains * per, -1),
                                  sum(p[3] for p in parts), sum(p[4] for p in parts), s.chains)


@dataclass(frozen=True)
class Measurement:
    """The final estimates from fresh samples; energy_imag only for complex parameters, sx
    only for the tfim."""
    energy: float
    energy_err: float
    variance: float
    rhat: float
    acceptance: float
    measured_samples: int
    magnetization: float
    magnetization_err: float
    m_abs: float
    m_abs_err: float
    m2: float
    m2_err: float
    zz: list[float]
    energy_imag: float | None = None
    sx: float | None = None
    sx_err: float | None = None
    averaged_over: int | None = None  # iterations whose mean parameters were measured


def measure(run: Run, samples: int) -> Measurement | None:
    """Energy and observables from fresh samples with the final parameters (their mean over
    the window, with averaging). Under MPI, rank 0 measures all chains (it returns None
    elsewhere). The optimiser's own parameters are left in place for --resume."""
    per_chain = max(2, math.ceil(samples / run.settings.chains))
    check_memory(run.settings, int(run.driver.n_params), per_chain * run.settings.chains,
                 run.average)
    driver = run.driver
    mean = averaged_parameters(run)
    if run.comm is not None:
        configs = run.all_configs()
        if run.comm.Get_rank() != 0:
            return None
        driver = make_driver(run.settings, run.threads)
        driver.parameters = run.driver.parameters
        driver.configs = configs
        driver.iteration = run.driver.iteration
    kept = driver.parameters
    if mean is not None:
        driver.parameters = mean
    try:
        m = driver.measure(per_chain)
    except MemoryError as exc:
        raise PhysmlError(f"the final measurement of {per_chain * run.settings.chains:,} samples: "
                          f"{exc}") from None
    finally:
        if mean is not None:
            driver.parameters = kept
    tfim = run.settings.hamiltonian == "tfim"
    return Measurement(
        energy=m["energy"]["mean"], energy_err=m["energy"]["error"],
        variance=m["energy"]["variance"], rhat=m["energy"]["rhat"], acceptance=m["acceptance"],
        measured_samples=m["samples"], magnetization=m["m"]["mean"],
        magnetization_err=m["m"]["error"], m_abs=m["m_abs"]["mean"],
        m_abs_err=m["m_abs"]["error"], m2=m["m2"]["mean"], m2_err=m["m2"]["error"],
        zz=list(m["zz"]),
        energy_imag=m["energy_imag"] if run.settings.complex_parameters else None,
        sx=m["sx"]["mean"] if tfim else None, sx_err=m["sx"]["error"] if tfim else None,
        averaged_over=len(averaged_window(run)) if mean is not None else None)
