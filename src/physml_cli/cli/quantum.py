"""``physml exact`` and ``physml vmc``: the spin-Hamiltonian settings they share, and theirs."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from physml_cli import registry
from physml_cli.cli.app import cli
from physml_cli.cli.parsing import BOND_DIMS
from physml_cli.runtime import params, settings as opt

_LANCZOS_TOL = registry.entry("eigensolver", "lanczos").parameter("tol")
MAX_SIZE = 4096  # linear size; the memory estimates refuse what does not fit long before


def _size(default: int) -> Any:
    return opt.option(default, params.LinearSize(MAX_SIZE), "Linear size L.")


@dataclass(frozen=True)
class HamiltonianSettings:
    hamiltonian: str = opt.option(
        "tfim", registry.choice("hamiltonian"),
        registry.listing("hamiltonian") + " (Pauli-matrix conventions; see docs/quantum.md).")
    lattice: str = opt.option("chain", registry.choice("lattice"),
                              registry.listing("lattice") + ".")
    size: int = _size(12)
    J: float = opt.option(1.0, params.Real(), "Coupling.", flags=("--J",))
    h: float = opt.option(1.0, params.Real(), "Transverse field (tfim).", flags=("--h",))
    delta: float = opt.option(1.0, params.Real(), "Anisotropy (xxz).")
    J2: float = opt.option(0.0, params.Real(), "Next-nearest-neighbour coupling (j1j2).",
                           flags=("--J2",))
    open_boundaries: bool = opt.switch(
        "Open boundaries along every axis (" + ", ".join(
            e.name for e in registry.entries("lattice") if e.can("open_boundaries")) + ").",
        flags=("--open",))

    def check(self) -> None:
        from physml_cli.workflows import exact

        exact.check_model(self.hamiltonian, self.lattice, self.size, self.J, self.h,
                          self.delta, self.J2, self.open_boundaries)


@opt.command(cli, "exact", run="physml_cli.commands.quantum:run_exact")
@dataclass(frozen=True)
class ExactSettings(HamiltonianSettings, opt.Written, opt.Threaded, opt.Seeded):
    """Exact ground state (Lanczos) of a spin-1/2 Hamiltonian: energies, gap, correlations."""
    sz: str = opt.option("auto", None, "Sector: total S^z (e.g. 0), full, or auto (S^z = 0 "
                                       "when conserved).")
    method: str = opt.option("lanczos", registry.choice("eigensolver"),
                             registry.listing("eigensolver") + ".")
    levels: int = opt.option(2, params.Count(1, 64), "Lowest levels to report (lanczos).")
    tol: float | None = opt.option(None, _LANCZOS_TOL.value_type(), _LANCZOS_TOL.help +
                                   " [1e-12; dmrg: of each local problem, 1e-10 once the bond "
                                   "dimension is reached].")
    max_iter: int | None = opt.option(None, params.Count(2, 100_000), "Lanczos steps at most "
                                      "[1000; dmrg: 40 per local problem].")
    bond_dim: tuple[int, ...] = opt.option(
        "200", BOND_DIMS, "dmrg: largest bond dimension chi, reached by a ramp chi/8, chi/4, "
        "chi/2 over the first sweeps; or one value per sweep (50,100,200; the last repeats).")
    sweeps: int = opt.option(6, params.Count(1, 10_000), "dmrg: sweeps (left to right and "
                             "back), ramp included.")
    cutoff: float = opt.option(1e-12, params.Real(0, 1, high_open=True), "dmrg: Schmidt values "
                               "below cutoff times their norm are dropped.")
    mixer: float = opt.option(1e-5, params.Real(0, 1), "dmrg: amplitude of White's density-"
                              "matrix perturbation while the bond dimension grows (0: off).")
    excited_sz: str | None = opt.option(None, None, "dmrg: also the lowest state of this "
                                        "total S^z (e.g. 1: the triplet gap).")
    output: str | None = opt.output(None, "HDF5 file for the result (dmrg: the state too, "
                                          "written after every sweep; needed by --resume).")
    resume: bool = opt.resume("dmrg: continue the run saved in --output.")
    quiet: bool = opt.quiet("No progress bar (dmrg).")
    seed: int = opt.seed("Lanczos start vector (any integer).")
    symmetries: str = opt.option(
        "none", params.OneOf(["auto", "none", *registry.names("symmetry_group")]),
        "Diagonalise in a symmetry sector: translations (momentum k), lattice (k times a "
        "point-group irrep), auto (lattice where the lattice has a point group), none (S^z "
        "only). The spin flip joins the group in the S^z = 0 sector and the full space.")
    momentum: str | None = opt.option(
        None, None, "Sector momentum k = 2 pi n / L per axis, as n or pi ('3', '0,0', 'pi,pi'), "
                    "or all (scan every allowed momentum) [the ground state's: from a sign rule "
                    "where one holds, else a scan].")
    irrep: str | None = opt.option(
        None, params.OneOf([*registry.names("irrep"), "all"]),
        "Point-group irrep (--symmetries lattice): " + registry.listing("irrep") +
        "; or all [as --momentum].")
    spin_flip: str | None = opt.option(None, params.OneOf(["+1", "-1", "all"]),
                                       "Eigenvalue of flipping every spin, or all [as --momentum].")
    plot: str | None = opt.plot("PNG of the levels against momentum (a scan over several "
                                "momenta, e.g. --momentum all on a chain).")


_SYMMETRIC = ", ".join(e.name for e in registry.entries("ansatz") if e.can("symmetric"))


@opt.command(cli, "vmc", run="physml_cli.commands.quantum:run_vmc")
@dataclass(frozen=True)
class VmcSettings(HamiltonianSettings, opt.Written, opt.Threaded, opt.Seeded):
    """Variational Monte Carlo ground state with a neural-network (or Jastrow) wave function."""
    size: int = _size(20)
    ansatz: str | None = opt.option(
        None, registry.choice("ansatz"), registry.listing("ansatz") + " [rbmsymm over the "
        "lattice's space group on periodic lattices, rbm with --open].")
    alpha: float | None = opt.option(None, params.Real(), "Hidden units per site (rbm; ffn's "
                                     "default width; made's per site); feature maps (" + _SYMMETRIC +
                                     ") [1; made and " + _SYMMETRIC + ": 4].")
    symmetries: str | None = opt.option(
        None, registry.choice("symmetry_group"), "The group a symmetric ansatz (" + _SYMMETRIC +
        ") shares its "
        "weights over: " + registry.listing("symmetry_group") + " [translations].")
    parity: str | None = opt.option(
        None, params.OneOf(["+1", "-1"]), "Project the wave function (Marshall sign included) "
        "onto this eigenvalue of flipping every spin: psi(s) + p psi(-s) [no projection].")
    complex_parameters: bool = opt.switch("Complex parameters (" + ", ".join(
        e.name for e in registry.entries("ansatz") if e.can("complex_parameters")) + ").",
        flags=("--complex",))
    architecture: str | None = opt.option(
        None, None, "Network layers (ffn, ffnsymm), e.g. 'dense:40,tanh,dense:20,logcosh' or the "
                    "translation-invariant CNN 'conv:4:3,logcosh'; log psi = sum of outputs "
                    "(ffnsymm: their mean over the group) [dense:alpha*N,logcosh; ffnsymm: "
                    "dense:alpha,logcosh].")
    init_scale: float = opt.option(0.01, params.Real(0), "Standard deviation of the random "
                                   "initial parameters (rbm, jastrow).")
    marshall: bool | None = opt.option(
        None, None, "Marshall sign rule [on for antiferromagnetic heisenberg/xxz/j1j2 on "
                    "bipartite lattices].", flags=("--marshall/--no-marshall",))
    depth: int | None = opt.option(None, params.Count(1, 16), "Masked layers of the made "
                                   "ansatz (--alpha: its hidden units per site) [2].")
    sampler: str = opt.option("auto", None, "local (single flips), exchange (magnetization-"
                                            "conserving), direct (exact samples of made) or "
                                            "auto (direct for made, else exchange where the "
                                            "Hamiltonian conserves S^z, else local).")
    samples: int = opt.option(1008, params.Count(1, 1 << 24), "Samples per iteration (rounded "
                                                              "up to a multiple of --chains).")
    chains: int = opt.option(16, params.Count(1, 1 << 16), "Markov chains.")
    discard: int = opt.option(10, params.Count(0, 1 << 20), "Sweeps each chain discards at "
                                                            "the start of every iteration.")
    sweep_size: int = opt.option(0, params.Count(0, 1 << 24), "Proposals between samples "
                                                              "[0: one per site].")
    iterations: int = opt.option(1000, params.Count(0), "Optimisation steps (with --resume: "
                                                       "steps added).")
    optimizer: str = opt.option("sr", registry.choice("vmc_optimizer"),
                                registry.listing("vmc_optimizer") + ".")
    lr: float | None = opt.option(None, params.Real(0, low_open=True), "Learning rate "
                                  "[0.05; " + _SYMMETRIC + ": min(0.03, 3/|G|)].")
    diag_shift: float | None = opt.option(None, params.Real(0, low_open=True),
                                          "SR: shift added to the diagonal of S [0.01; " +
                                          _SYMMETRIC + ": 0.1, falling to 0.01 over the first "
                                          "300 iterations].")
    sr_solver: str = opt.option(
        "auto", registry.choice("sr_solver"), "SR: dense (Cholesky-preconditioned CG in "
        "parameter space), kernel (the same in sample space), cg (matrix-free) or auto (the "
        "cheaper of dense/kernel).")
    cg_tol: float = opt.option(1e-6, params.Real(0, 1, low_open=True, high_open=True),
                               "SR: relative residual at which CG stops.")
    lr_final: float | None = opt.option(
        None, params.Real(0, low_open=True), "Learning rate reached after --schedule-steps "
        "iterations, geometrically from --lr [constant --lr].")
    diag_shift_final: float | None = opt.option(
        None, params.Real(0, low_open=True), "SR: diagonal shift reached after "
        "--schedule-steps iterations, geometrically from --diag-shift (e.g. 0.1 -> 0.001) "
        "[constant --diag-shift].")
    schedule_steps: int = opt.option(0, params.Count(0), "Iterations over which --lr and "
                                     "--diag-shift move to their final values.")
    strict: bool = opt.switch("Exit with code 3 when the run has a warning (divergence, "
                              "R-hat, acceptance, ...), after writing and printing it.")
    measure_samples: int = opt.option(16384, params.Count(1),
                                      "Fresh samples for the final energy and observables.")
    average: int = opt.option(
        200, params.Count(0, 1 << 20), "Measure with the parameters averaged over the last N "
        "iterations, within the last fifth of the run (Polyak averaging, which smooths the SR "
        "noise; 0: the last parameters).")
    output: str | None = opt.output(None, "HDF5 file for the run (needed by --resume).")
    resume: bool = opt.resume("Continue the run saved in --output.")
    plot: str | None = opt.plot("PNG of energy and variance per iteration.")
    quiet: bool = opt.quiet("No progress bar.")

    def check(self) -> None:
        super().check()
        self.schedule()

    def run_options(self) -> dict[str, Any]:
        """The options that define the run (workflows/vmc.py resolves them)."""
        from physml_cli.workflows import vmc

        return {f.name: getattr(self, f.name) for f in dataclasses.fields(vmc.Settings)}

    def schedule(self) -> Any:
        """The lr and diag_shift schedule (workflows/vmc_schedule.py), checked."""
        from physml_cli.workflows import vmc_schedule

        return vmc_schedule.resolve(self.lr_final, self.diag_shift_final, self.schedule_steps)
