"""``physml merge`` and ``physml info``."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from physml_cli.io import schema
from physml_cli.report import console as report
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, hidden, plain, result
from physml_cli.workflows import merge

if TYPE_CHECKING:
    from physml_cli.cli.files import InfoSettings, MergeSettings


@result
class Merged(Result):
    output: str
    shards: int
    temperatures: int

    def text(self) -> list[Any]:
        return [f"{self.shards} shards, {self.temperatures} temperatures -> {self.output}"]


@result
class FileDescription(Result):
    """A file's attributes, datasets and (for simulations) summary: the listing is the
    command's product (like ls), so its text goes to stdout."""
    text_on_stdout = True
    description: dict[str, Any] = hidden()

    def document(self) -> dict[str, Any]:
        return plain(self.description)

    def text(self) -> list[Any]:
        return report.info_table(self.description)


def run_merge(s: MergeSettings) -> Merged:
    n = merge.run(list(s.files), s.output, s.overwrite, command_line())
    return Merged(output=s.output, shards=len(s.files), temperatures=n)


def run_info(s: InfoSettings) -> FileDescription:
    return FileDescription(description=schema.describe(s.file))
