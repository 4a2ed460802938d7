"""The ``physml`` command group and its entry point: every failure the user can fix becomes one
line ``physml: error: ...`` and exit code 2; a finished run whose warnings were asked to fail
(--strict) exits with 3; signals give 128 + signal after a checkpoint."""
from __future__ import annotations

import contextlib
import os
import sys

import click

from physml_cli import __version__
from physml_cli.errors import Interrupted, PhysmlError, Unhealthy


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="physml")
def cli() -> None:
    """physml: machine learning for statistical and quantum physics."""


def main() -> None:
    from physml_cli.mpi import launched_rank

    if launched_rank() != 0:  # under MPI only rank 0 speaks (every rank meets the same error)
        sys.stderr = open(os.devnull, "w")
    code = 0
    try:
        cli.main(prog_name="physml", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        _fail(exc.format_message())
    except PhysmlError as exc:
        _fail(str(exc))
    except Interrupted as exc:
        print(f"physml: {exc}", file=sys.stderr)
        code = 128 + exc.signum
    except Unhealthy as exc:
        print(f"physml: {exc}", file=sys.stderr)
        code = exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        print("physml: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")
        code = 141
    sys.exit(code)


def _fail(message: str) -> None:
    print(f"physml: error: {message}", file=sys.stderr)
    sys.exit(2)
