"""``physml variational``: variational free energies of classical spin models."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from physml_cli import registry
from physml_cli.errors import PhysmlError
from physml_cli.cli.app import cli
from physml_cli.cli.parsing import TEMPERATURES
from physml_cli.runtime import params, settings as opt

MAX_SIZE = 4096  # linear size (sk: spins); the engine refuses networks past 4e9 weights
DEFAULT_SIZE = 8
DEFAULT_Q = 3
# the methods that coarse-grain a tensor network, and the options only they read
_RENORMALIZING = [e for e in registry.entries("variational_method") if e.can("renormalization")]
_BOND_DIM = _RENORMALIZING[0].parameter("bond_dim")
_POTTS_Q = registry.entry("model", "potts").parameter("q")


@opt.command(cli, "variational", run="physml_cli.commands.variational:run")
@dataclass(frozen=True)
class VariationalSettings(opt.Written, opt.Threaded, opt.Seeded):
    """Variational free energies F_q >= F of classical spin models: naive mean field, or a
    variational autoregressive network (VAN) with importance-sampled estimates."""
    model: str = opt.option("ising", registry.choice("variational_model"),
                            registry.listing("variational_model") + ".")
    lattice: str = opt.option("square", registry.choice("lattice"), "Lattice (ising).")
    size: int | None = opt.option(
        None, params.LinearSize(MAX_SIZE), f"Linear size L (sk: the number of spins) [default: "
        f"{DEFAULT_SIZE}; {registry.spelled([e.name for e in _RENORMALIZING])}: the infinite "
        "lattice, or with --size the periodic L x L torus, L a power of two].")
    q: int | None = opt.option(None, _POTTS_Q.value_type(), f"potts: states per spin "
                               f"[default: {DEFAULT_Q}].", flags=("--q",))
    J: float = opt.option(1.0, params.Real(), "Coupling (ising); > 0 ferromagnetic.",
                          flags=("--J",))
    h: float = opt.option(0.0, params.Real(), "Magnetic field.", flags=("--h",))
    open_boundaries: bool = opt.switch("Open boundaries along every axis (ising).",
                                       flags=("--open",))
    couplings_seed: int = opt.option(0, params.Seed(), "sk: the seed of the couplings "
                                                       "J_ij ~ N(0, 1/N).")
    temperatures: tuple[float, ...] = opt.option(
        "2.269185", TEMPERATURES, "a:b:n or a comma list; walked in the order given, each "
        "network starting from the previous one.")
    method: str = opt.option("van", registry.choice("variational_method"),
                             registry.listing("variational_method") + ".")
    bond_dim: int | None = opt.option(
        None, _BOND_DIM.value_type(), f"{registry.spelled([e.name for e in _RENORMALIZING])}: "
        f"{_BOND_DIM.help} [default: " + ", ".join(
            f"{e.name} {e.fact('default_bond_dim')}" for e in _RENORMALIZING) + "].")
    depth: int = opt.option(2, params.Count(1, 64), "van: masked layers.")
    width: int = opt.option(4, params.Count(1, 4096), "van: hidden units per site.")
    activation: str = opt.option("tanh", registry.choice("activation"), "van: hidden "
                                 "activation.")
    z2: bool | None = opt.option(
        None, None, "van: q(s) = (q(s) + q(-s))/2, the zero-field spin-flip symmetry, which "
                    "keeps q from settling in one magnetization sector [on at --h 0].",
        flags=("--z2/--no-z2",))
    batch: int = opt.option(1000, params.Count(2, 1 << 22), "van: samples per step.")
    steps: int = opt.option(5000, params.Count(0), "van: training steps per temperature.")
    lr: float = opt.option(1e-3, params.Real(0, low_open=True), "van: Adam's learning rate.")
    clip: float = opt.option(0.0, params.Real(0), "van: largest gradient norm (0: no "
                                                  "clipping).")
    anneal: float = opt.option(0.0, params.Real(0, 1, high_open=True), "van: beta_t = beta "
                               "(1 - anneal^t), e.g. 0.998 (0: the full beta from the start).")
    measure_samples: int = opt.option(100_000, params.Count(2, 1 << 30),
                                      "van: fresh samples for the final estimates.")
    output: str | None = opt.output(None, "HDF5 file for the run and its network (needed by "
                                          "--resume).")
    resume: bool = opt.resume("Continue the run saved in --output.")
    plot: str | None = opt.plot("PNG of F_q against T and of the last temperature's training.")
    quiet: bool = opt.quiet()

    def check(self) -> None:
        method = registry.entry("variational_method", self.method, "--method")
        renormalizing = method.can("renormalization")
        if self.bond_dim is not None and not method.parameter("bond_dim"):
            raise PhysmlError(f"--bond-dim is for --method "
                              f"{registry.spelled([e.name for e in _RENORMALIZING], 'or')}, "
                              f"not {self.method}")
        if self.q is not None and self.model != "potts":
            raise PhysmlError(f"--q is for --model potts, not {self.model}")
        if self.model == "potts" and not method.can("potts"):
            able = [e.name for e in registry.entries("variational_method") if e.can("potts")]
            raise PhysmlError(f"--method {self.method} does not treat --model potts (choose "
                              f"{registry.spelled(able, 'or')})")
        if renormalizing and self.resume:
            raise PhysmlError(f"--method {self.method} has nothing to resume (each temperature "
                              "is one engine call)")
        if renormalizing and self.plot:
            raise PhysmlError(f"--plot: --method {self.method} draws no plot")

    def run_settings(self) -> Any:
        """The options that define the run (workflows/variational.py and, for the tensor
        renormalization methods, workflows/renormalization.py check them)."""
        from physml_cli.workflows import renormalization, variational

        method = registry.entry("variational_method", self.method, "--method")
        if method.can("renormalization"):
            s = renormalization.Settings(
                model=self.model, method=self.method, J=self.J, h=self.h,
                q=(DEFAULT_Q if self.q is None else self.q) if self.model == "potts" else 2,
                bond_dim=(int(method.fact("default_bond_dim")) if self.bond_dim is None
                          else self.bond_dim),
                size=0 if self.size is None else self.size, temperatures=self.temperatures)
            return renormalization.resolve(s, self.lattice, self.open_boundaries, self.threads)
        values = {f.name: getattr(self, f.name) for f in fields(variational.Settings)}
        if values["size"] is None:
            values["size"] = DEFAULT_SIZE
        if values["z2"] is None:
            values["z2"] = self.h == 0
        return variational.resolve(variational.Settings(**values))
