"""``physml dataset``: the built-in datasets (bars and stripes, ...) as physml files."""
from __future__ import annotations

from dataclasses import dataclass

from physml_cli import registry
from physml_cli.cli.app import cli
from physml_cli.runtime import settings as opt

_BAS_SIZE = registry.entry("dataset", "bas").parameter("size")
assert _BAS_SIZE is not None


@opt.command(cli, "dataset", run="physml_cli.commands.datasets:run_dataset")
@dataclass(frozen=True)
class DatasetSettings(opt.Written):
    """Write a built-in dataset, e.g. `physml dataset bas --size 4` (the 30 bars-and-stripes
    patterns of 4 x 4 pixels, the classic check of a Born machine: its best NLL is ln 30)."""
    name: str = opt.argument(type=registry.choice("dataset"))
    size: int = opt.option(4, _BAS_SIZE.value_type(), "Rows of each image.")
    width: int | None = opt.option(None, _BAS_SIZE.value_type(),
                                   "Columns of each image [--size].")
    output: str = opt.output("dataset.h5")
