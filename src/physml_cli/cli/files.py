"""``physml merge`` and ``physml info``: files in, files out."""
from __future__ import annotations

import click

from physml_cli.cli.app import cli
from physml_cli.runtime import emit, options


@cli.command()
@click.argument("files", nargs=-1, required=True)
@options.output(None, "HDF5 file for the whole grid.", required=True)
@options.json("Print a summary as JSON on stdout.")
def merge(files: tuple[str, ...], output: str, overwrite: bool, as_json: bool) -> None:
    """Combine `simulate --shard i/n` outputs into one file (as an unsharded run writes it)."""
    from physml_cli.workflows import merge as merging

    r = merging.run(list(files), output, overwrite, emit.command_line())
    emit.emit(as_json, r, [f"{r['shards']} shards, {r['temperatures']} temperatures -> {output}"])


@cli.command()
@click.argument("file")
@options.json("Print the summary as JSON on stdout.")
def info(file: str, as_json: bool) -> None:
    """Summarise any physml HDF5 file."""
    from physml_cli.report import console as report
    from physml_cli.io import schema

    desc = schema.describe(file)
    if as_json:
        report.print_json(desc)
        return
    # the listing is the command's product (like ls), so it goes to stdout as text
    out = report.stdout_console()
    for part in report.info_table(desc):
        out.print(part)
