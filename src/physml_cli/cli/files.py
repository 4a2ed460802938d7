"""``physml merge`` and ``physml info``: files in, files out."""
from __future__ import annotations

from dataclasses import dataclass

from physml_cli.cli.app import cli
from physml_cli.runtime import settings as opt


@opt.command(cli, "merge", run="physml_cli.commands.files:run_merge")
@dataclass(frozen=True)
class MergeSettings(opt.Written):
    """Combine `simulate --shard i/n` outputs into one file (as an unsharded run writes it)."""
    files: tuple[str, ...] = opt.argument(nargs=-1, required=True)
    output: str = opt.output(None, "HDF5 file for the whole grid.", required=True)


@opt.command(cli, "info", run="physml_cli.commands.files:run_info")
@dataclass(frozen=True)
class InfoSettings(opt.Reported):
    """Summarise any physml HDF5 file."""
    file: str = opt.argument()
