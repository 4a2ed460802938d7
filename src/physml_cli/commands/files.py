"""``physml merge`` and ``physml info``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from physml_cli.io import schema
from physml_cli.report import console as report
from physml_cli.runtime.emit import command_line, emit
from physml_cli.workflows import merge

if TYPE_CHECKING:
    from physml_cli.cli.files import InfoSettings, MergeSettings


def run_merge(s: MergeSettings) -> None:
    r = merge.run(list(s.files), s.output, s.overwrite, command_line())
    emit(s.as_json, r, [f"{r['shards']} shards, {r['temperatures']} temperatures -> {s.output}"])


def run_info(s: InfoSettings) -> None:
    desc = schema.describe(s.file)
    if s.as_json:
        report.print_json(desc)
        return
    # the listing is the command's product (like ls), so it goes to stdout as text
    out = report.stdout_console()
    for part in report.info_table(desc):
        out.print(part)
