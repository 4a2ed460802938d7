"""``physml exact`` and ``physml vmc``: the spin-Hamiltonian options they share, and theirs."""
from __future__ import annotations

from typing import Any

import click

from physml_cli import registry
from physml_cli.cli.app import cli
from physml_cli.errors import PhysmlError
from physml_cli.runtime import emit, options


def _hamiltonian_options(default_size: int) -> Any:
    """The spin-Hamiltonian options that `exact` and `vmc` share."""
    options = [
        click.option("--hamiltonian", default="tfim", show_default=True,
                     help=registry.listing("hamiltonian") + " (Pauli-matrix conventions; see "
                          "docs/quantum.md)."),
        click.option("--lattice", default="chain", show_default=True,
                     help=registry.listing("lattice") + "."),
        click.option("--size", type=int, default=default_size, show_default=True,
                     help="Linear size L."),
        click.option("--J", "J", type=float, default=1.0, show_default=True, help="Coupling."),
        click.option("--h", "h", type=float, default=1.0, show_default=True,
                     help="Transverse field (tfim)."),
        click.option("--delta", type=float, default=1.0, show_default=True,
                     help="Anisotropy (xxz)."),
        click.option("--J2", "J2", type=float, default=0.0, show_default=True,
                     help="Next-nearest-neighbour coupling (j1j2)."),
        click.option("--open", "open_boundaries", is_flag=True,
                     help="Open boundaries along every axis (" + ", ".join(
                         e.name for e in registry.entries("lattice")
                         if e.can("open_boundaries")) + ")."),
    ]

    def apply(f: Any) -> Any:
        for option in reversed(options):
            f = option(f)
        return f
    return apply


@cli.command()
@_hamiltonian_options(default_size=12)
@click.option("--sz", default="auto", show_default=True,
              help="Sector: total S^z (e.g. 0), full, or auto (S^z = 0 when conserved).")
@click.option("--levels", type=int, default=2, show_default=True, help="Lowest levels to report.")
@click.option("--tol", type=float, default=1e-12, show_default=True)
@click.option("--max-iter", type=int, default=1000, show_default=True, help="Lanczos steps at most.")
@options.seed("Lanczos start vector.")
@options.threads()
@options.output(None, "HDF5 file for the result.")
@options.json("Print the result as JSON on stdout.")
def exact(hamiltonian: str, lattice: str, size: int, J: float, h: float, delta: float, J2: float,
          open_boundaries: bool, sz: str, levels: int, tol: float, max_iter: int, seed: int,
          threads: int | None, output: str | None, overwrite: bool, as_json: bool) -> None:
    """Exact ground state (Lanczos) of a spin-1/2 Hamiltonian: energies, gap, correlations."""
    from physml_cli.workflows import exact as ex
    from physml_cli.commands.quantum import run_exact

    ex.check_model(hamiltonian, lattice, size, J, h, delta, J2, open_boundaries)
    if levels < 1 or max_iter < 2 or not tol > 0:
        raise PhysmlError("--levels must be >= 1, --max-iter >= 2 and --tol > 0")
    run_exact(hamiltonian=hamiltonian, lattice=lattice, size=size, J=J, h=h, delta=delta, J2=J2,
              open_boundaries=open_boundaries, sz=sz, levels=levels, tol=tol, max_iter=max_iter,
              seed=seed, threads=emit.threads(threads), output=output, overwrite=overwrite,
              as_json=as_json, command_line=emit.command_line())


@cli.command()
@_hamiltonian_options(default_size=20)
@click.option("--ansatz", default="rbm", show_default=True, help=registry.listing("ansatz") + ".")
@click.option("--alpha", type=float, default=1.0, show_default=True,
              help="Hidden units per site (rbm; ffn's default width).")
@click.option("--complex", "complex_parameters", is_flag=True,
              help="Complex parameters (" + ", ".join(
                  e.name for e in registry.entries("ansatz") if e.can("complex_parameters")) + ").")
@click.option("--architecture", default=None,
              help="ffn layers, e.g. 'dense:40,tanh,dense:20,logcosh'; log psi = sum of outputs "
                   "[dense:alpha*N,logcosh].")
@click.option("--init-scale", type=float, default=0.01, show_default=True,
              help="Standard deviation of the random initial parameters (rbm, jastrow).")
@click.option("--marshall/--no-marshall", default=None,
              help="Marshall sign rule [on for antiferromagnetic heisenberg/xxz/j1j2 on "
                   "bipartite lattices].")
@click.option("--sampler", default="auto", show_default=True,
              help="local (single flips), exchange (magnetization-conserving) or auto.")
@click.option("--samples", type=int, default=1008, show_default=True,
              help="Samples per iteration (rounded up to a multiple of --chains).")
@click.option("--chains", type=int, default=16, show_default=True, help="Markov chains.")
@click.option("--discard", type=int, default=10, show_default=True,
              help="Sweeps each chain discards at the start of every iteration.")
@click.option("--sweep-size", type=int, default=0, show_default=True,
              help="Proposals between samples [0: one per site].")
@click.option("--iterations", type=int, default=300, show_default=True,
              help="Optimisation steps (with --resume: steps added).")
@click.option("--optimizer", default="sr", show_default=True,
              help=registry.listing("vmc_optimizer") + ".")
@click.option("--lr", type=float, default=0.05, show_default=True, help="Learning rate.")
@click.option("--diag-shift", type=float, default=0.01, show_default=True,
              help="SR: shift added to the diagonal of S.")
@click.option("--sr-solver", default="auto", show_default=True,
              help="SR: dense (Cholesky-preconditioned CG in parameter space), kernel (the same "
                   "in sample space), cg (matrix-free) or auto (the cheaper of dense/kernel).")
@click.option("--cg-tol", type=float, default=1e-6, show_default=True,
              help="SR: relative residual at which CG stops.")
@click.option("--measure-samples", type=int, default=4096, show_default=True,
              help="Fresh samples for the final energy and observables.")
@options.seed()
@options.threads()
@options.output(None, "HDF5 file for the run (needed by --resume).")
@options.resume("Continue the run saved in --output.")
@options.json("Print the result as JSON on stdout.")
@options.plot("PNG of energy and variance per iteration.")
@options.quiet("No progress bar.")
def vmc(iterations: int, measure_samples: int, threads: int | None, output: str | None,
        overwrite: bool, resume: bool, as_json: bool, plot: str | None, quiet: bool,
        **settings: Any) -> None:
    """Variational Monte Carlo ground state with a neural-network (or Jastrow) wave function."""
    from physml_cli.commands.quantum import run_vmc

    if iterations < 0:
        raise PhysmlError(f"--iterations must be >= 0 (got {iterations})")
    if measure_samples < 1:
        raise PhysmlError(f"--measure-samples must be >= 1 (got {measure_samples})")
    if resume and overwrite:
        raise PhysmlError("--resume and --overwrite contradict each other")
    run_vmc(settings=settings, iterations=iterations, measure_samples=measure_samples,
            threads=emit.threads(threads), output=output, overwrite=overwrite, resume=resume,
            as_json=as_json, plot=plot, quiet=quiet, command_line=emit.command_line())
