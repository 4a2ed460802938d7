"""The ``physml`` command line: parse, validate, call (commands/), report. No numerics here.
Each module declares its commands on the group in app.py."""
from physml_cli.cli.app import cli, main
from physml_cli.cli import datasets, files, hopfield, learn, quantum, simulate, transition, variational  # noqa: F401 (they register their commands)

__all__ = ["cli", "main"]
