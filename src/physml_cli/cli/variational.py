"""``physml variational``: variational free energies of classical spin models."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from physml_cli import registry
from physml_cli.cli.app import cli
from physml_cli.cli.parsing import TEMPERATURES
from physml_cli.runtime import params, settings as opt

MAX_SIZE = 4096  # linear size (sk: spins); the engine refuses networks past 4e9 weights


@opt.command(cli, "variational", run="physml_cli.commands.variational:run")
@dataclass(frozen=True)
class VariationalSettings(opt.Written, opt.Threaded, opt.Seeded):
    """Variational free energies F_q >= F of classical spin models: naive mean field, or a
    variational autoregressive network (VAN) with importance-sampled estimates."""
    model: str = opt.option("ising", registry.choice("variational_model"),
                            registry.listing("variational_model") + ".")
    lattice: str = opt.option("square", registry.choice("lattice"), "Lattice (ising).")
    size: int = opt.option(8, params.LinearSize(MAX_SIZE), "Linear size L (sk: the number "
                                                           "of spins).")
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

    def run_settings(self) -> Any:
        """The options that define the run (workflows/variational.py checks them)."""
        from physml_cli.workflows import variational

        values = {f.name: getattr(self, f.name) for f in fields(variational.Settings)}
        if values["z2"] is None:
            values["z2"] = self.h == 0
        return variational.resolve(variational.Settings(**values))
