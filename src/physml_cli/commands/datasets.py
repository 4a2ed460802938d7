"""``physml dataset`` once arguments are valid."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from physml_cli import _engine, resources
from physml_cli.io import schema
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, optional, result

if TYPE_CHECKING:
    from physml_cli.cli.datasets import DatasetSettings

BAS_SIZE = 4
TOY_SAMPLES = 10000


@result
class Dataset(Result):
    dataset: str
    rows: int
    columns: int
    output: str
    image_shape: list[int] | None = optional()
    patterns: int | None = optional()
    nll_floor: float | None = optional()    # ln(patterns): the best NLL on a uniform set
    distribution: str | None = optional()
    entropy: float | None = optional()      # -mean ln p of the points: H(p) and its error
    entropy_err: float | None = optional()

    def text(self) -> list[Any]:
        if self.image_shape is not None:
            rows, cols = self.image_shape
            return [f"{self.dataset}: {self.patterns} patterns of {rows} x {cols} pixels (best "
                    f"NLL ln {self.patterns} = {self.nll_floor:.6f}) -> {self.output}"]
        return [f"{self.distribution}: {self.rows:,} points, entropy {self.entropy:.4f} ± "
                f"{self.entropy_err:.2g} nats (-mean ln p) -> {self.output}"]


def run_dataset(s: DatasetSettings) -> Dataset:
    outputs.check_new(s.output, s.overwrite)
    return _MAKERS[s.name](s)


def _bars_and_stripes(s: DatasetSettings) -> Dataset:
    rows, cols = s.size or BAS_SIZE, s.width or s.size or BAS_SIZE
    X = _engine.bars_and_stripes(rows, cols)
    schema.write_dataset(s.output, {"dataset": s.name, "image_shape": [rows, cols],
                                    "patterns": len(X)}, {"X": X}, command_line())
    return Dataset(dataset=s.name, rows=len(X), columns=rows * cols, output=s.output,
                   image_shape=[rows, cols], patterns=len(X), nll_floor=math.log(len(X)))


def _toy(s: DatasetSettings) -> Dataset:
    assert s.dist is not None  # DatasetSettings.check
    n = s.samples or TOY_SAMPLES
    resources.check_memory(8.0 * 4 * n, f"{n:,} points")
    X = _engine.toy_sample(s.dist, n, s.seed)
    log_p = _engine.toy_log_density(s.dist, X)
    schema.write_dataset(s.output, {"dataset": s.name, "distribution": s.dist, "seed": s.seed},
                         {"X": X, "log_density": log_p}, command_line())
    err = float(np.std(log_p, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return Dataset(dataset=s.name, rows=n, columns=2, output=s.output, distribution=s.dist,
                   entropy=float(-np.mean(log_p)), entropy_err=err)


# One maker per registered dataset (tests/test_datasets.py checks that none is missing).
_MAKERS = {"bas": _bars_and_stripes, "toy": _toy}
