"""``physml variational``: variational free energies of classical spin models.

Mean field and the variational autoregressive network minimise the Gibbs–Bogoliubov bound
F ≤ F_q = ⟨E⟩_q − T S_q over a family of distributions q: a product measure in closed form,
and the engine's MADE trained by REINFORCE step by step, so that progress is shown and a
signal is answered between steps. The Bethe approximation is a closed form too (exact on
trees, a bound only for ferromagnets). A temperature grid is walked in the
given order, each network starting from the previous temperature's (a warm start). This
module resolves the settings, names the exact reference (Kaufman's torus, or enumeration of
small systems) and turns a saved run back into its state for ``--resume``.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from physml_cli import _engine, registry, resources
from physml_cli.errors import PhysmlError
from physml_cli.io.schema import made_parameters

# Exact enumeration of 2^N configurations is the reference up to this many spins.
ENUMERATION_SITES = 24
HISTORY = ("F", "F_err", "E", "S", "beta", "gradient_norm")


@dataclass(frozen=True)
class Settings:
    """Everything that defines a run (a resumed run must agree on all of it)."""
    model: str
    lattice: str
    size: int
    J: float
    h: float
    open_boundaries: bool
    couplings_seed: int
    method: str
    temperatures: tuple[float, ...]
    depth: int
    width: int
    activation: str
    z2: bool
    batch: int
    steps: int
    lr: float
    clip: float
    anneal: float
    measure_samples: int
    seed: int

    @property
    def trained(self) -> bool:
        return self.method == "van"


def resolve(s: Settings) -> Settings:
    """Checks what ties options together (a one-line PhysmlError otherwise)."""
    registry.entry("variational_model", s.model, "--model")
    registry.entry("variational_method", s.method, "--method")
    if not all(math.isfinite(v) for v in (s.J, s.h, s.lr, s.clip, s.anneal)):
        raise PhysmlError("numeric options must be finite numbers")
    if not s.temperatures or not all(math.isfinite(T) and T > 0 and math.isfinite(1 / T)
                                     for T in s.temperatures):
        raise PhysmlError("--temperatures must be finite numbers > 0 with a finite beta = 1/T")
    if s.model == "potts" and not registry.entry("variational_method", s.method).can("potts"):
        raise PhysmlError(f"--method {s.method} does not treat --model potts")
    if s.model == "ising":
        registry.entry("lattice", s.lattice, "--lattice")
    if s.z2 and s.h != 0:
        raise PhysmlError("--z2 symmetrises q under s -> -s, a symmetry only at --h 0")
    if s.trained and s.batch < 2:
        raise PhysmlError(f"--batch must be >= 2 (the baseline needs two samples; got {s.batch})")
    if s.trained and not 0 <= s.anneal < 1:
        raise PhysmlError(f"--anneal must be in [0, 1) (got {s.anneal:g})")
    sys = system(s)  # the lattice, size and couplings, checked by the engine
    if s.method == "bethe":
        if s.model != "ising" or sys.coordination < 2:
            raise PhysmlError("--method bethe needs the Ising model on a lattice whose sites "
                              "all have the same number of neighbours (periodic boundaries)")
        if s.J < 0 and s.h != 0:
            raise PhysmlError("--method bethe: an antiferromagnet in a field (two sublattices "
                              "with their own fields) is not built")
        if s.J < 0 and _engine.Lattice(s.lattice, s.size, s.open_boundaries).n_colors != 2:
            raise PhysmlError(f"--method bethe: the antiferromagnet on the {s.lattice} lattice "
                              f"with L={s.size} is frustrated (not bipartite)")
    if s.trained:
        check_memory(s, sys.n_sites)
    return s


def n_params(s: Settings, n: int) -> int:
    return made_parameters(n, s.depth, s.width)


def check_memory(s: Settings, n: int) -> None:
    """A one-line PhysmlError before any work where the network and one training step would
    not fit: the weights with their masks, gradients, Adam moments and copies (8 arrays), and
    the tape of a batch (twice the rows with the Z2 mixture): every layer's values and
    gradients."""
    p = n_params(s, n)
    rows = s.batch * (2 if s.z2 else 1)
    layer_values = n + s.depth * n * s.width + n
    need = 8 * p * 8 + rows * layer_values * 8 * 4
    resources.check_memory(need, f"a MADE of {p:,} parameters trained on batches of "
                                 f"{s.batch:,}")


def system(s: Settings) -> Any:
    try:
        if s.model == "sk":
            return _engine.ClassicalSystem.sherrington_kirkpatrick(s.size, s.couplings_seed, s.h)
        return _engine.ClassicalSystem.ising(s.lattice, s.size, s.open_boundaries, s.J, s.h)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None


def exact_reference(s: Settings, sys: Any, T: float) -> tuple[float | None, float | None, str | None]:
    """(F, E, method) per site: Kaufman's torus where it applies, else enumeration of at most
    ENUMERATION_SITES spins, else nothing (also where the reference loses its precision, at
    extreme temperatures)."""
    kaufman = (s.model == "ising" and s.lattice == "square" and not s.open_boundaries
               and s.h == 0 and s.J != 0 and (s.J > 0 or s.size % 2 == 0) and s.size >= 3)
    try:
        if kaufman:
            k = _engine.kaufman(s.size, s.J, T)
            reference = k["f"], k["e"], "Kaufman"
        elif sys.n_sites <= ENUMERATION_SITES:
            x = sys.enumerate(T)
            reference = x["f"], x["e"], "enumeration"
        else:
            return None, None, None
    except (ValueError, RuntimeError):
        return None, None, None
    if not all(math.isfinite(v) for v in reference[:2]):
        return None, None, None
    return reference


@dataclass
class TemperatureResult:
    """One temperature's estimates per site. Under q: F (the bound), E, S, |m|, C; with q as
    an importance-sampling proposal: F_is, E_is, C_is and the effective sample size."""
    T: float
    F: float
    F_err: float
    E: float
    E_err: float
    S: float
    m_abs: float
    m_abs_err: float | None = None
    C: float | None = None
    F_is: float | None = None
    F_is_err: float | None = None
    E_is: float | None = None
    E_is_err: float | None = None
    C_is: float | None = None
    ess: float | None = None
    samples: int | None = None
    F_exact: float | None = None
    E_exact: float | None = None
    exact_method: str | None = None
    rel_err: float | None = None
    steps: int = 0
    wall_s: float = 0.0
    # what is wrong with this estimate, empty when healthy (docs/variational.md)
    warnings: list[str] = field(default_factory=list)

    def compare(self, F: float | None, E: float | None, method: str | None) -> None:
        self.F_exact, self.E_exact, self.exact_method = F, E, method
        self.rel_err = abs((self.F - F) / F) if F else None
        self.warnings = health(self)


# Importance weights this concentrated say that q misses part of the Boltzmann weight.
LOW_ESS_FRACTION = 0.01


def health(r: TemperatureResult) -> list[str]:
    """The checks every estimate passes: a bound never below the exact F beyond its error,
    an importance-sampled F never above the bound beyond theirs, and weights spread over
    more than LOW_ESS_FRACTION of the samples."""
    out = []
    if r.F_exact is not None and r.F < r.F_exact - 4 * r.F_err - 1e-12 * abs(r.F_exact):
        out.append(f"T = {r.T:g}: F = {r.F:.8g} lies below the exact {r.F_exact:.8g} by more "
                   "than 4 sigma, which a variational bound cannot")
    if r.F_is is not None and r.F_is_err is not None:
        spread = 4 * math.hypot(r.F_err, r.F_is_err) + 1e-12 * abs(r.F)
        if r.F_is > r.F + spread:
            out.append(f"T = {r.T:g}: the importance-sampled F = {r.F_is:.8g} lies above the "
                       f"bound {r.F:.8g} by more than 4 sigma")
        if r.ess is not None and r.samples and r.ess < LOW_ESS_FRACTION * r.samples:
            out.append(f"T = {r.T:g}: the importance weights rest on {r.ess:.0f} of "
                       f"{r.samples} samples: q misses part of the Boltzmann weight and F_is "
                       "is unreliable (train longer, or use --z2)")
    return out


def closed_form(s: Settings, sys: Any, T: float) -> TemperatureResult:
    """Mean field or the Bethe approximation at T (no sampling, so no error bars)."""
    try:
        x = sys.mean_field(T) if s.method == "mean-field" else sys.bethe(T)
    except ValueError as exc:
        raise PhysmlError(f"--method {s.method}: {exc}") from None
    r = TemperatureResult(T=T, F=x["F"], F_err=0.0, E=x["E"], E_err=0.0, S=x["S"],
                          m_abs=abs(x["m"]))
    r.compare(*exact_reference(s, sys, T))
    return r


def network(s: Settings, sys: Any) -> Any:
    try:
        return _engine.Made(sys.n_sites, s.depth, s.width, s.activation, s.seed)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    except MemoryError as exc:
        raise PhysmlError(f"the network does not fit in memory: {exc}") from None


@dataclass
class Run:
    """A VAN run over the temperature grid: the results of the temperatures done, the
    trainer of the current one (index `current`) with its step history."""
    settings: Settings
    system: Any
    threads: int
    results: list[TemperatureResult] = field(default_factory=list)
    current: int = 0
    trainer: Any = None
    history: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in HISTORY})
    wall_before: float = 0.0
    # the trained network of each finished temperature (None: a file from before they were
    # kept was resumed), for `physml simulate --algorithm neural`
    networks: list[np.ndarray] | None = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.current >= len(self.settings.temperatures)

    def start_temperature(self, parameters: np.ndarray | None) -> None:
        """A trainer for temperature `current`, from `parameters` (the previous temperature's
        network) or a fresh network."""
        s = self.settings
        net = network(s, self.system)
        if parameters is not None:
            net.parameters = parameters
        try:
            self.trainer = _engine.VanTrainer(
                self.system, net, 1.0 / s.temperatures[self.current], batch=s.batch, lr=s.lr,
                clip=s.clip, anneal=s.anneal, z2=s.z2, threads=self.threads,
                seed=s.seed + self.current)
        except ValueError as exc:
            raise PhysmlError(str(exc)) from None
        self.history = {k: [] for k in HISTORY}


def new_run(s: Settings, threads: int) -> Run:
    threads = min(threads, _engine.thread_limit())
    run = Run(s, system(s), threads)
    if s.trained:
        run.start_temperature(None)
    return run


def train(run: Run, stop: Callable[[], bool], on_step: Callable[[dict[str, Any]], None]) -> bool:
    """Steps the current temperature to --steps, measures it, and moves on through the grid;
    False when `stop()` interrupted it (the state is then resumable)."""
    s = run.settings
    while not run.done:
        t0 = time.perf_counter()
        tr = run.trainer
        while int(tr.iteration) < s.steps:
            if stop():
                run.wall_before += time.perf_counter() - t0
                return False
            try:
                st = tr.step()
            except (RuntimeError, MemoryError) as exc:
                raise PhysmlError(f"T = {s.temperatures[run.current]:g}, step "
                                  f"{int(tr.iteration) + 1}: {exc}") from None
            for k in HISTORY:
                run.history[k].append(float(st[k]))
            on_step(st)
        run.wall_before += time.perf_counter() - t0
        run.results.append(measure(run))
        if run.networks is not None:
            run.networks.append(np.asarray(tr.parameters))
        run.current += 1
        if not run.done:
            run.start_temperature(np.asarray(tr.parameters))
    return True


def measure(run: Run) -> TemperatureResult:
    s, T = run.settings, run.settings.temperatures[run.current]
    try:
        e = run.trainer.estimate(s.measure_samples)
    except MemoryError as exc:
        raise PhysmlError(f"the final estimate of {s.measure_samples:,} samples: {exc}") from None
    r = TemperatureResult(T=T, **{k: float(e[k]) for k in (
        "F", "F_err", "E", "E_err", "S", "m_abs", "m_abs_err", "C", "F_is", "F_is_err", "E_is",
        "E_is_err", "C_is", "ess")}, samples=int(e["samples"]), steps=int(run.trainer.iteration),
        wall_s=round(run.wall_before, 4))
    r.compare(*exact_reference(s, run.system, T))
    return r


ADAM_MOMENTS = ("first_moment", "second_moment")
# What a file keeps of a run besides its settings: see docs/hdf5-schema.md.
RESULT_FIELDS = tuple(f for f in TemperatureResult.__dataclass_fields__
                      if f not in ("exact_method", "warnings"))


def saved_state(run: Run) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(attrs, arrays) of the run as it stands: the finished temperatures' results and, while
    some remain, the current trainer's parameters, Adam moments, step and history."""
    attrs: dict[str, Any] = {**{k: (list(v) if isinstance(v, tuple) else v)
                                for k, v in asdict(run.settings).items()},
                             "complete": run.done, "current": run.current,
                             "exact_methods": [r.exact_method or "" for r in run.results],
                             "wall_s": run.wall_before}
    arrays: dict[str, np.ndarray] = {
        "results/" + k: np.array([np.nan if getattr(r, k) is None else getattr(r, k)
                                  for r in run.results], dtype=float)
        for k in RESULT_FIELDS}
    if run.networks:
        arrays["networks"] = np.stack(run.networks)
    if run.trainer is not None:
        arrays["parameters"] = np.asarray(run.trainer.parameters)
        state = run.trainer.optimizer_state
        # before its first step a trainer has no moments yet: zeros are the same start
        for k in ADAM_MOMENTS:
            arrays["adam/" + k] = np.asarray(state.get(k, np.zeros(len(arrays["parameters"]))))
        if not run.done:
            attrs["iteration"] = int(run.trainer.iteration)
            for k, v in run.history.items():
                arrays["history/" + k] = np.asarray(v, dtype=float)
    return attrs, arrays


def restore(saved: dict[str, Any], s: Settings, threads: int, path: str) -> Run:
    """The run saved in `path`, to continue; refuses one made with other settings."""
    attrs, arrays = saved["attrs"], saved["arrays"]
    for k, v in asdict(s).items():
        have = attrs.get(k)
        same = (tuple(float(x) for x in have) == v if isinstance(v, tuple)
                else have is not None and (float(have) == float(v) if isinstance(v, float)
                                           else have == v))
        if not same:
            raise PhysmlError(f"--resume: {path} was made with {k}={have!r}, not {v!r} "
                              "(use the same settings, or a new --output)")
    run = Run(s, system(s), min(threads, _engine.thread_limit()))
    run.current = int(attrs["current"])
    run.wall_before = float(attrs.get("wall_s", 0.0))
    if s.trained:
        run.networks = list(arrays["networks"]) if "networks" in arrays else (
            None if run.current else [])
    methods = list(attrs.get("exact_methods", []))
    for i in range(run.current):
        values = {k: float(arrays["results/" + k][i]) for k in RESULT_FIELDS}
        values = {k: (None if isinstance(v, float) and math.isnan(v) else v)
                  for k, v in values.items()}
        values["steps"] = int(values["steps"] or 0)
        values["samples"] = None if values["samples"] is None else int(values["samples"])
        r = TemperatureResult(**values)
        r.exact_method = methods[i] or None if i < len(methods) else None
        r.warnings = health(r)
        run.results.append(r)
    if s.trained and not run.done:
        run.start_temperature(arrays["parameters"])
        run.trainer.iteration = int(attrs["iteration"])
        run.trainer.optimizer_state = {k[len("adam/"):]: np.asarray(v) for k, v in arrays.items()
                                       if k.startswith("adam/")}
        run.history = {k: list(np.asarray(arrays["history/" + k], dtype=float)) for k in HISTORY}
    return run
