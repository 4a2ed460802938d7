"""``physml simulate``: lattice Monte Carlo settings, checked, then handed to commands/simulate."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


from physml_cli import registry
from physml_cli.cli.app import cli
from physml_cli.cli.parsing import TEMPERATURES, SizeList
from physml_cli.errors import PhysmlError
from physml_cli.runtime import params, settings as opt


Q_MODELS = [e.name for e in registry.entries("model") if e.parameter("q")]
DEFAULT_Q = 3


@opt.command(cli, "simulate", run="physml_cli.commands.simulate:run")
@dataclass(frozen=True)
class SimulateSettings(opt.Written, opt.Threaded, opt.Seeded):
    """Lattice Monte Carlo of classical spin models, written to HDF5."""
    model: str = opt.option("ising", registry.choice("model"))
    q: int | None = opt.option(None, params.Count(-params.INT_MAX, params.INT_MAX),
                               f"States of the {' and '.join(Q_MODELS)} model "
                               f"[default: {DEFAULT_Q}].", flags=("--q",))
    J: float = opt.option(1.0, params.Real(), "Coupling; > 0 ferromagnetic.", flags=("--J",))
    h: float = opt.option(0.0, params.Real(), "Magnetic field.", flags=("--h",))
    lattice: str = opt.option("square", registry.choice("lattice"))
    sizes: tuple[int, ...] = opt.option(
        ("16",), SizeList(), "Linear size L; repeat or give a comma list for one file per size.",
        flags=("--size",), multiple=True)
    temperatures: tuple[float, ...] = opt.option(
        "1.5:3.5:11", TEMPERATURES, "a:b:n (n values from a to b) or a comma list.")
    algorithm: str = opt.option("metropolis", registry.choice("update_rule"),
                                registry.listing("update_rule") + ".")
    proposal: str | None = opt.option(
        None, None, "--algorithm neural: a VAN file (physml variational --method van) whose "
                    "networks propose whole configurations; each temperature takes the one "
                    "trained nearest it.")
    hybrid: str | None = opt.option(
        None, registry.choice("update_rule"), "--algorithm neural: follow every proposal by "
                                              "one sweep of this rule (e.g. metropolis).")
    parallel_tempering: bool = opt.switch(
        "Exchange configurations between neighbouring temperatures every sweep.")
    anneal: bool = opt.switch("One chain cooled through the temperatures, hottest first; "
                              "reports the lowest energy found.")
    thermalize: int = opt.option(1000, params.Count(0),
                                 "Sweeps discarded before measuring (per temperature).")
    sweeps: int = opt.option(10000, params.Count(0),
                             "Measurement-phase sweeps per temperature.")
    measure_every: int = opt.option(10, params.Count(1), "Sweeps between measurements.")
    save_configs: int = opt.option(
        100, params.Count(0), "At most this many configurations stored per temperature, "
                              "evenly spaced.")
    init: str = opt.option("random", params.OneOf(("random", "ordered")),
                           "Initial configuration.")
    checkpoint_every: float = opt.option(60.0, params.Real(0), "Seconds between checkpoints "
                                         "(0: only on SIGINT/SIGTERM).")
    shard: str | None = opt.option(
        None, None, "i/n: run only the i-th of n interleaved slices of the temperature grid "
                    "(i = 0..n-1, e.g. $SLURM_ARRAY_TASK_ID/4); combine with `physml merge`.")
    output: str = opt.output("physml_sim.h5",
                             "HDF5 output; with several sizes, {L} in the name or _L<size> is "
                             "added.")
    plot: str | None = opt.plot("Write a PNG of e, |m|, C, χ and U against T.")
    resume: bool = opt.resume("Continue from the checkpoint OUTPUT.ckpt.")
    quiet: bool = opt.quiet()

    def __post_init__(self) -> None:
        # click gives one tuple per --size; dataclasses.replace passes them flat already
        sizes = [L for group in self.sizes
                 for L in (group if isinstance(group, tuple) else (group,))]
        if len(set(sizes)) != len(sizes):
            raise PhysmlError("--size: a size appears twice")
        object.__setattr__(self, "sizes", tuple(sizes))

    def check(self) -> None:
        if self.sweeps % self.measure_every:
            raise PhysmlError(f"--sweeps ({self.sweeps}) must be a multiple of --measure-every "
                              f"({self.measure_every})")
        if self.sweeps < 1:
            raise PhysmlError("--sweeps must be >= 1")
        q = registry.entry("model", self.model).parameter("q")
        if q is not None:
            q.check(self.states, "--q")
        elif self.q is not None:
            raise PhysmlError(f"--q is for the {' and '.join(Q_MODELS)} model, not {self.model}")
        if self.parallel_tempering and self.anneal:
            raise PhysmlError("--parallel-tempering and --anneal exclude each other")
        if self.parallel_tempering and len(self.temperatures) < 2:
            raise PhysmlError("--parallel-tempering needs at least two temperatures")
        if self.resume and self.overwrite:
            raise PhysmlError("--resume and --overwrite exclude each other")
        neural = registry.entry("update_rule", self.algorithm).can("needs_proposal")
        if neural and not self.proposal:
            raise PhysmlError(f"--algorithm {self.algorithm} needs --proposal VAN.h5 (a "
                              "network trained by physml variational --method van)")
        if not neural and (self.proposal or self.hybrid):
            flag = "--proposal" if self.proposal else "--hybrid"
            raise PhysmlError(f"{flag} is for --algorithm neural")
        if self.hybrid and registry.entry("update_rule", self.hybrid).can("needs_proposal"):
            raise PhysmlError(f"--hybrid {self.hybrid} would alternate neural with itself")
        if self.shard and (self.parallel_tempering or self.anneal):
            raise PhysmlError("--shard splits independent temperatures: not with "
                              "--parallel-tempering or --anneal")

    @property
    def states(self) -> int:
        """Spin states per site (2 for Ising)."""
        if registry.entry("model", self.model).parameter("q") is None:
            return 2
        return DEFAULT_Q if self.q is None else self.q

    def model_parameters(self) -> dict[str, Any]:
        """What defines the Monte Carlo run (and goes into the file's metadata)."""
        return dict(model=self.model, q=self.states, J=self.J,
                    h=self.h, lattice=self.lattice, algorithm=self.algorithm,
                    parallel_tempering=self.parallel_tempering, anneal=self.anneal,
                    thermalize=self.thermalize, sweeps=self.sweeps,
                    measure_every=self.measure_every, save_configs=self.save_configs,
                    init=self.init, seed=self.seed, proposal=self.proposal or "",
                    hybrid=self.hybrid or "")
