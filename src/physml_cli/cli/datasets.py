"""``physml dataset``: the built-in datasets (bars and stripes, toy densities) as physml files."""
from __future__ import annotations

from dataclasses import dataclass, fields

from physml_cli import registry
from physml_cli.cli.app import cli
from physml_cli.errors import PhysmlError
from physml_cli.runtime import settings as opt


def _parameter(dataset: str, name: str) -> registry.Parameter:
    p = registry.entry("dataset", dataset).parameter(name)
    assert p is not None, (dataset, name)
    return p


# Options that belong to one dataset or another; which is the registry's to say.
_OWN = {p.name for e in registry.entries("dataset") for p in e.parameters}


@opt.command(cli, "dataset", run="physml_cli.commands.datasets:run_dataset")
@dataclass(frozen=True)
class DatasetSettings(opt.Written, opt.Seeded):
    """Write a built-in dataset: `physml dataset bas --size 4` (the 30 bars-and-stripes
    patterns of 4 x 4 pixels; a Born machine's best NLL on them is ln 30), or `physml dataset
    toy --dist gaussians8 --samples 10000` (2D points with their exact log-density)."""
    name: str = opt.argument(type=registry.choice("dataset"))
    size: int | None = opt.option(None, _parameter("bas", "size").value_type(),
                                  "bas: rows of each image [4].")
    width: int | None = opt.option(None, _parameter("bas", "width").value_type(),
                                   "bas: columns of each image [--size].")
    dist: str | None = opt.option(None, registry.choice("toy_distribution"),
                                  "toy: " + registry.listing("toy_distribution") + ".")
    samples: int | None = opt.option(None, _parameter("toy", "samples").value_type(),
                                     "toy: points drawn [10000].")
    output: str = opt.output("dataset.h5")

    def check(self) -> None:
        mine = {p.name for p in registry.entry("dataset", self.name).parameters}
        for f in fields(self):
            if f.name in _OWN and getattr(self, f.name) is not None and f.name not in mine:
                raise PhysmlError(f"--{f.name} does not apply to dataset {self.name} (its "
                                  f"options: {', '.join('--' + m for m in sorted(mine))})")
        if self.name == "toy" and self.dist is None:
            raise PhysmlError("dataset toy needs --dist (" +
                              registry.listing("toy_distribution") + ")")
