"""``physml hopfield capacity|recall``."""
from __future__ import annotations

from dataclasses import dataclass

from physml_cli import registry
from physml_cli.cli import parsing
from physml_cli.cli.app import cli
from physml_cli.errors import PhysmlError
from physml_cli.runtime import params, settings as opt

MAX_NEURONS = 1 << 16  # the couplings are N x N doubles


@cli.group()
def hopfield() -> None:
    """Hopfield networks: storage capacity and associative recall."""


@opt.command(hopfield, "capacity", run="physml_cli.commands.hopfield:run_capacity")
@dataclass(frozen=True)
class CapacitySettings(opt.Reported, opt.Threaded, opt.Seeded):
    """Recall overlap against the load P/N, and the capacity alpha_c with its error."""
    neurons: int = opt.option(1000, params.Count(2, MAX_NEURONS), "Neurons N.")
    loads: tuple[float, ...] = opt.option("0.05:0.25:21", parsing.POSITIVE_GRID,
                                          "Loads alpha = P/N: a:b:n or a comma list.")
    trials: int = opt.option(10, params.Count(2, 1 << 20), "Independent pattern sets per load.")
    probes: int = opt.option(10, params.Count(1, 1 << 20), "Patterns recalled per trial.")
    corrupt: float = opt.option(0.0, params.Real(0, 0.5, high_open=True),
                                "Fraction of neurons flipped in the starting state.")
    rule: str = opt.option("hebbian", registry.choice("hopfield_rule"))
    plot: str | None = opt.plot("PNG of the recall overlap against the load.")
    overwrite: bool = opt.overwrite()

    def check(self) -> None:
        if max(self.loads) > 2:
            raise PhysmlError("--loads: P/N above 2 makes no sense for a Hopfield network")


@opt.command(hopfield, "recall", run="physml_cli.commands.hopfield:run_recall")
@dataclass(frozen=True)
class RecallSettings(opt.Written, opt.Seeded):
    """Restore corrupted patterns with a trained network."""
    network: str = opt.argument()
    input_path: str | None = opt.option(
        None, None, "States to restore (+-1 or 0/1 rows) [default: the stored patterns].",
        flags=("--input",))
    corrupt: float = opt.option(0.1, params.Real(0, 1),
                                "Fraction of neurons flipped in each input first.")
    dynamics: str = opt.option("async", params.OneOf(("async", "sync", "modern")),
                               "Asynchronous, synchronous, or the dense (modern) update.")
    temperature: float = opt.option(0.0, params.Real(0), "Glauber temperature (async/sync).")
    beta: float = opt.option(8.0, params.Real(0, low_open=True),
                             "Inverse temperature of the modern update's softmax.")
    max_sweeps: int = opt.option(100, params.Count(1), "Sweeps at most.")
    output: str | None = opt.output(None, "HDF5 with inputs, outputs and overlaps.")
