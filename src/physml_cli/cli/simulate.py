"""``physml simulate``: lattice Monte Carlo options, checked, then handed to commands/simulate."""
from __future__ import annotations

from typing import Any

import click

from physml_cli import registry
from physml_cli.cli.app import cli
from physml_cli.errors import PhysmlError
from physml_cli.runtime import emit, options


@cli.command()
@click.option("--model", type=registry.choice("model"), default="ising", show_default=True)
@click.option("--q", "q", type=int, default=3, show_default=True, help="Potts states.")
@click.option("--J", "J", type=float, default=1.0, show_default=True,
              help="Coupling; > 0 ferromagnetic.")
@click.option("--h", "h", type=float, default=0.0, show_default=True, help="Magnetic field.")
@click.option("--lattice", type=registry.choice("lattice"), default="square", show_default=True)
@click.option("--size", "sizes", multiple=True, default=("16",), show_default=True,
              help="Linear size L; repeat or give a comma list for one file per size.")
@click.option("--temperatures", default="1.5:3.5:11", show_default=True,
              help="a:b:n (n values from a to b) or a comma list.")
@click.option("--algorithm", type=registry.choice("update_rule"), default="metropolis",
              show_default=True)
@click.option("--parallel-tempering", is_flag=True,
              help="Exchange configurations between neighbouring temperatures every sweep.")
@click.option("--anneal", is_flag=True,
              help="One chain cooled through the temperatures, hottest first; reports the "
                   "lowest energy found.")
@click.option("--thermalize", type=int, default=1000, show_default=True,
              help="Sweeps discarded before measuring (per temperature).")
@click.option("--sweeps", type=int, default=10000, show_default=True,
              help="Measurement-phase sweeps per temperature.")
@click.option("--measure-every", type=int, default=10, show_default=True,
              help="Sweeps between measurements.")
@click.option("--save-configs", type=int, default=100, show_default=True,
              help="At most this many configurations stored per temperature, evenly spaced.")
@click.option("--init", type=click.Choice(("random", "ordered")), default="random",
              show_default=True, help="Initial configuration.")
@options.seed()
@options.threads()
@options.output("physml_sim.h5",
                "HDF5 output; with several sizes, {L} in the name or _L<size> is added.")
@options.json("Print results as JSON on stdout.")
@options.plot("Write a PNG of e, |m|, C, χ and U against T.")
@options.resume("Continue from the checkpoint OUTPUT.ckpt.")
@click.option("--checkpoint-every", type=float, default=60.0, show_default=True,
              help="Seconds between checkpoints (0: only on SIGINT/SIGTERM).")
@click.option("--shard", default=None,
              help="i/n: run only the i-th of n interleaved slices of the temperature grid "
                   "(i = 0..n-1, e.g. $SLURM_ARRAY_TASK_ID/4); combine with `physml merge`.")
@options.quiet("No progress display.")
def simulate(**kw: Any) -> None:
    """Lattice Monte Carlo of classical spin models, written to HDF5."""
    from physml_cli.cli import parsing
    from physml_cli.commands.simulate import run_simulate

    sizes = parsing.size_list(kw.pop("sizes"))
    temps = parsing.temperature_grid(kw.pop("temperatures"))
    threads = emit.threads(kw.pop("threads"))
    for name in ("thermalize", "sweeps", "save_configs"):
        if kw[name] < 0:
            raise PhysmlError(f"--{name.replace('_', '-')} must be >= 0 (got {kw[name]})")
    if kw["sweeps"] < 1:
        raise PhysmlError("--sweeps must be >= 1")
    if kw["measure_every"] < 1:
        raise PhysmlError(f"--measure-every must be >= 1 (got {kw['measure_every']})")
    if kw["sweeps"] % kw["measure_every"]:
        raise PhysmlError(f"--sweeps ({kw['sweeps']}) must be a multiple of --measure-every "
                          f"({kw['measure_every']})")
    q = registry.entry("model", kw["model"]).parameter("q")
    if q is not None:
        q.check(kw["q"], "--q")
    for name in ("J", "h"):
        if not abs(kw[name]) < float("inf"):
            raise PhysmlError(f"--{name} must be a finite number")
    if kw["checkpoint_every"] < 0:
        raise PhysmlError("--checkpoint-every must be >= 0")
    if kw["parallel_tempering"] and kw["anneal"]:
        raise PhysmlError("--parallel-tempering and --anneal exclude each other")
    if kw["parallel_tempering"] and len(temps) < 2:
        raise PhysmlError("--parallel-tempering needs at least two temperatures")
    if kw["resume"] and kw["overwrite"]:
        raise PhysmlError("--resume and --overwrite exclude each other")
    if kw["model"] == "ising":
        kw["q"] = 2
    kw["temperature_grid"] = temps
    kw["shard"], kw["replica_ids"], temps = parsing.shard(kw.pop("shard"), temps)
    if kw["shard"] and (kw["parallel_tempering"] or kw["anneal"]):
        raise PhysmlError("--shard splits independent temperatures: not with "
                          "--parallel-tempering or --anneal")
    _check_memory(kw["lattice"], sizes, len(temps), kw)
    from physml_cli.mpi import world

    rank, size, comm = world()
    if size > 1:
        from physml_cli.commands.simulate import run_simulate_mpi

        if kw["shard"]:
            raise PhysmlError("--shard and mpirun exclude each other (MPI shares out the grid)")
        if kw["anneal"]:
            raise PhysmlError("--anneal follows one chain: it does not run across MPI ranks "
                              "(use one rank, with threads)")
        if kw["parallel_tempering"] and kw["algorithm"] == "wolff":
            # Wolff's sweep length is learnt per temperature while thermalising
            raise PhysmlError("--parallel-tempering across MPI ranks does not take --algorithm "
                              "wolff (use metropolis, heatbath or sw, or one rank with threads)")
        run_simulate_mpi(sizes=sizes, temperatures=kw["temperature_grid"], threads=threads,
                         command_line=emit.command_line(), comm=comm,
                         **{k: v for k, v in kw.items() if k not in ("shard", "replica_ids")})
        return
    run_simulate(sizes=sizes, temperatures=temps, threads=threads,
                 command_line=emit.command_line(), **kw)


def _check_memory(lattice: str, sizes: list[int], n_temps: int, kw: dict[str, Any]) -> None:
    n_meas = kw["sweeps"] // kw["measure_every"]
    from physml_cli import resources

    limit = resources.memory_limit()
    if limit is None:
        return
    for L in sizes:
        n = registry.lattice_sites(lattice, L)
        configs = n_temps * min(kw["save_configs"], n_meas) * n
        # spins, a 4-byte working copy, neighbour table (~4 z bytes), series
        need = n_temps * n * 10 + n * 32 + configs + n_temps * n_meas * 16
        if need > limit:
            raise PhysmlError(f"--size {L} on the {lattice} lattice needs about "
                              f"{need / 2**30:.1f} GiB, more than this machine's memory allows "
                              f"({limit / 2**30:.1f} GiB)")
