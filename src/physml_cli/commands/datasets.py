"""``physml dataset`` once arguments are valid."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from physml_cli import _engine
from physml_cli.io import schema
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, result

if TYPE_CHECKING:
    from physml_cli.cli.datasets import DatasetSettings


@result
class Dataset(Result):
    dataset: str
    image_shape: list[int]
    patterns: int
    nll_floor: float   # ln(patterns): the best mean NLL of a model of the uniform set
    output: str

    def text(self) -> list[Any]:
        rows, cols = self.image_shape
        return [f"{self.dataset}: {self.patterns} patterns of {rows} x {cols} pixels (best "
                f"NLL ln {self.patterns} = {self.nll_floor:.6f}) -> {self.output}"]


def run_dataset(s: DatasetSettings) -> Dataset:
    outputs.check_new(s.output, s.overwrite)
    rows, cols = s.size, s.width or s.size
    X = _engine.bars_and_stripes(rows, cols)
    schema.write_dataset(s.output, {"dataset": s.name, "image_shape": [rows, cols],
                                    "patterns": len(X)}, X, command_line())
    return Dataset(dataset=s.name, image_shape=[rows, cols], patterns=len(X),
                   nll_floor=math.log(len(X)), output=s.output)
