"""``physml hopfield capacity|recall``."""
from __future__ import annotations

import click

from physml_cli import registry
from physml_cli.cli.app import cli
from physml_cli.errors import PhysmlError
from physml_cli.runtime import emit, options


@cli.group()
def hopfield() -> None:
    """Hopfield networks: storage capacity and associative recall."""


@hopfield.command("capacity")
@click.option("--neurons", type=int, default=1000, show_default=True)
@click.option("--loads", default="0.05:0.25:21", show_default=True,
              help="Loads alpha = P/N: a:b:n or a comma list.")
@click.option("--trials", type=int, default=10, show_default=True,
              help="Independent pattern sets per load.")
@click.option("--probes", type=int, default=10, show_default=True,
              help="Patterns recalled per trial.")
@click.option("--corrupt", type=float, default=0.0, show_default=True,
              help="Fraction of neurons flipped in the starting state.")
@click.option("--rule", type=registry.choice("hopfield_rule"), default="hebbian",
              show_default=True)
@options.seed()
@options.threads()
@options.json()
@options.plot("PNG of the recall overlap against the load.")
@options.overwrite()
def hopfield_capacity(neurons: int, loads: str, trials: int, probes: int, corrupt: float,
                      rule: str, seed: int, threads: int | None, as_json: bool,
                      plot: str | None, overwrite: bool) -> None:
    """Recall overlap against the load P/N, and the capacity alpha_c with its error."""
    from physml_cli.cli import parsing
    from physml_cli.commands.hopfield import run_capacity

    grid = parsing.positive_grid(loads, "--loads")
    if neurons < 2:
        raise PhysmlError("--neurons must be >= 2")
    if trials < 2 or probes < 1:
        raise PhysmlError("--trials must be >= 2 and --probes >= 1")
    if not 0 <= corrupt < 0.5:
        raise PhysmlError("--corrupt must be in [0, 0.5)")
    if max(grid) * neurons > 20 * neurons or max(grid) > 2:
        raise PhysmlError("--loads: P/N above 2 makes no sense for a Hopfield network")
    threads = emit.threads(threads)
    run_capacity(neurons=neurons, loads=grid, trials=trials, probes=probes, corrupt=corrupt,
                 rule=rule, seed=seed, threads=threads, as_json=as_json, plot=plot,
                 overwrite=overwrite)


@hopfield.command("recall")
@click.argument("network")
@click.option("--input", "input_path", default=None,
              help="States to restore (+-1 or 0/1 rows) [default: the stored patterns].")
@click.option("--corrupt", type=float, default=0.1, show_default=True,
              help="Fraction of neurons flipped in each input first.")
@click.option("--dynamics", type=click.Choice(("async", "sync", "modern")), default="async",
              show_default=True, help="Asynchronous, synchronous, or the dense (modern) update.")
@click.option("--temperature", type=float, default=0.0, show_default=True,
              help="Glauber temperature (async/sync).")
@click.option("--beta", type=float, default=8.0, show_default=True,
              help="Inverse temperature of the modern update's softmax.")
@click.option("--max-sweeps", type=int, default=100, show_default=True)
@options.seed()
@options.output(None, "HDF5 with inputs, outputs and overlaps.")
@options.json()
def hopfield_recall(network: str, input_path: str | None, corrupt: float, dynamics: str,
                    temperature: float, beta: float, max_sweeps: int, seed: int,
                    output: str | None, overwrite: bool, as_json: bool) -> None:
    """Restore corrupted patterns with a trained network."""
    from physml_cli.commands.hopfield import run_recall

    if not 0 <= corrupt <= 1:
        raise PhysmlError("--corrupt must be in [0, 1]")
    if not temperature >= 0 or not beta > 0 or max_sweeps < 1:
        raise PhysmlError("--temperature must be >= 0, --beta > 0 and --max-sweeps >= 1")
    run_recall(network=network, input_path=input_path, corrupt=corrupt, dynamics=dynamics,
               temperature=temperature, beta=beta, max_sweeps=max_sweeps, seed=seed,
               output=output, overwrite=overwrite, as_json=as_json,
               command_line=emit.command_line())
