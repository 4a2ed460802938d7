"""What a command shows: its result as JSON on stdout (--json), or human text on stderr, so
stdout always carries machine-readable output only; and the provenance written into files."""
from __future__ import annotations

import shlex
import sys
from typing import Any, Iterable

from physml_cli.errors import PhysmlError
from physml_cli.report import console


def command_line() -> str:
    """The command as typed, for provenance in output files."""
    return " ".join(shlex.quote(a) for a in sys.argv)


def threads(requested: int | None) -> int:
    from physml_cli import resources

    n = resources.default_threads() if requested is None else requested
    if n < 1:
        raise PhysmlError(f"--threads must be >= 1 (got {n})")
    return n


def emit(as_json: bool, result: dict[str, Any], text: Iterable[Any] = ()) -> None:
    """The result as JSON on stdout, or each item of text (a line or a rich renderable) on
    stderr."""
    if as_json:
        console.print_json(result)
        return
    for item in text:
        if isinstance(item, str):
            console.say(item)
        else:
            console.stderr.print(item)
