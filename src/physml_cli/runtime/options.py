"""Option groups shared by the commands, declared once: threads, seed, output/overwrite, json,
plot, quiet, resume. A command stacks the ones it takes."""
from __future__ import annotations

from typing import Any, Callable

import click

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _stack(*options: Decorator) -> Decorator:
    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            f = option(f)
        return f
    return apply


def threads(help: str | None = None) -> Decorator:
    return click.option("--threads", type=int, default=None, help=help or (
        "OpenMP threads [default: OMP_NUM_THREADS, SLURM_CPUS_PER_TASK or all cores]."))


def seed(help: str | None = None) -> Decorator:
    return click.option("--seed", type=int, default=0, show_default=True, help=help)


def output(default: str | None, help: str | None = None, required: bool = False) -> Decorator:
    """--output/-o and --overwrite (which also governs --plot)."""
    out = click.option("--output", "-o", default=default, show_default=default is not None,
                       required=required, help=help)
    return _stack(out, overwrite())


def overwrite() -> Decorator:
    """--overwrite alone, for commands whose only file is a --plot."""
    return click.option("--overwrite", is_flag=True, help="Replace existing output files.")


def json(help: str = "Print the result as JSON on stdout.") -> Decorator:
    return click.option("--json", "as_json", is_flag=True, help=help)


def plot(help: str) -> Decorator:
    return click.option("--plot", type=click.Path(dir_okay=False), default=None, help=help)


def quiet(help: str = "No progress display.") -> Decorator:
    return click.option("--quiet", "-q", is_flag=True, help=help)


def resume(help: str) -> Decorator:
    return click.option("--resume", is_flag=True, help=help)
