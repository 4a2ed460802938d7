"""What a command shows: its result as JSON on stdout (--json), or human text on stderr, so
stdout always carries machine-readable output only; and the provenance written into files."""
from __future__ import annotations

import shlex
import sys

from physml_cli.errors import PhysmlError
from physml_cli.report import console
from physml_cli.runtime.result import Result


def command_line() -> str:
    """The command as typed, for provenance in output files."""
    return " ".join(shlex.quote(a) for a in sys.argv)


def threads(requested: int | None) -> int:
    from physml_cli import resources

    n = resources.default_threads() if requested is None else requested
    if n < 1:
        raise PhysmlError(f"--threads must be >= 1 (got {n})")
    return n


def emit(result: Result, as_json: bool) -> None:
    """A command's result: its notices on stderr, then its JSON documents on stdout (--json)
    or its text for a person (stderr; stdout for listings such as info)."""
    for line in result.notices():
        console.say(line)
    if as_json:
        for doc in result.documents():
            console.print_json(doc)
        return
    out = console.stdout_console() if result.text_on_stdout else console.stderr
    for item in result.text():
        if isinstance(item, str) and not result.text_on_stdout:
            console.say(item)
        else:
            out.print(item)
