"""A command's settings are one frozen dataclass: each field is an option (or an argument)
with its flag, value type and range (runtime/params.py), default and help. The click command
is built from the fields, so a flag is declared once; the command body receives the checked
settings object, never loose keyword arguments.

Shared groups (threads, seed, output/overwrite, json, plot, quiet, resume) are fields made by
the functions below, or inherited from the small settings classes at the end (Seeded,
Threaded, Reported, Written), so every command spells them alike; --help lists a command's
own options first and the shared ones after them."""
from __future__ import annotations

import dataclasses
import importlib
from typing import Any, Callable, TypeVar

import click

from physml_cli.runtime import params

S = TypeVar("S")
dataclass = dataclasses.dataclass(frozen=True)  # settings are values: set once, by the parser


def option(default: Any, type: Any = None, help: str | None = None, *,
           flags: tuple[str, ...] = (), show_default: bool | None = None,
           shared: bool = False, **click_options: Any) -> Any:
    """An option field; its flag is --<field-name-with-dashes> unless flags are given."""
    spec = dict(type=type, help=help, default=default,
                show_default=default is not None if show_default is None else show_default,
                **click_options)
    return dataclasses.field(default=default, metadata={
        "kind": "option", "flags": flags, "spec": spec, "shared": shared})


def switch(help: str, *, flags: tuple[str, ...] = (), shared: bool = False) -> Any:
    """An on/off flag, off by default."""
    return dataclasses.field(default=False, metadata={
        "kind": "option", "flags": flags, "shared": shared,
        "spec": dict(is_flag=True, help=help, default=False)})


def argument(**click_options: Any) -> Any:
    return dataclasses.field(default=None, metadata={"kind": "argument", "spec": click_options})


def _parameter(f: dataclasses.Field) -> click.Parameter:
    spec = {k: v for k, v in f.metadata["spec"].items() if v is not None or k == "default"}
    if spec.get("required"):
        spec.pop("default", None)  # click leaves an option with a default unchecked
    if f.metadata["kind"] == "argument":
        return click.Argument([f.name], **spec)
    flags = f.metadata["flags"] or ("--" + f.name.replace("_", "-"),)
    return click.Option([*flags, f.name], **spec)


def command(group: click.Group, name: str, *, run: str) -> Callable[[type[S]], type[S]]:
    """Class decorator: the settings class becomes subcommand ``name`` of group, its docstring
    the help. ``run`` ("module:function") is the body, imported only when the command runs, so
    that --help stays light; it returns a runtime.result.Result, which is emitted here. A
    ``check()`` method on the settings runs first (rules that tie several options together)."""
    def declare(settings_type: type[S]) -> type[S]:
        fields = dataclasses.fields(settings_type)  # type: ignore[arg-type]
        ordered = sorted(fields, key=lambda f: f.metadata.get("shared", False))

        def callback(**values: Any) -> None:
            if "threads" in values:
                from physml_cli.runtime.emit import threads
                values["threads"] = threads(values["threads"])
            settings = settings_type(**values)
            check = getattr(settings, "check", None)
            if check is not None:
                check()
            module, function = run.split(":")
            result = getattr(importlib.import_module(module), function)(settings)
            if result is None:  # an MPI rank other than 0: rank 0 reports for all
                return
            from physml_cli.runtime.emit import emit
            from physml_cli.runtime.result import Result
            if not isinstance(result, Result):
                raise TypeError(f"{run} returned {type(result).__name__}, not a Result")
            emit(result, getattr(settings, "as_json", False))
            failure = result.failure()
            if failure is not None:
                raise failure

        cmd = click.Command(name, callback=callback, help=settings_type.__doc__,
                            params=[_parameter(f) for f in ordered])
        cmd.physml_run = run  # type: ignore[attr-defined]  # read by the tests
        group.add_command(cmd)
        return settings_type
    return declare


# The shared option groups.

def threads() -> Any:
    return option(None, params.Count(1), shared=True, help=(
        "OpenMP threads [default: OMP_NUM_THREADS, SLURM_CPUS_PER_TASK or all cores]."))


def seed(help: str | None = "Any integer; the generator gets it modulo 2^64.") -> Any:
    return option(0, params.Seed(), help, shared=True)


def output(default: str | None, help: str | None = None, required: bool = False) -> Any:
    return option(default, params.OutputPath(), help, flags=("--output", "-o"),
                  required=required, shared=True)


def overwrite() -> Any:
    return switch("Replace existing output files.", shared=True)


def json(help: str = "Print the result as JSON on stdout.") -> Any:
    return switch(help, flags=("--json",), shared=True)


@dataclass
class Seeded:
    seed: int = seed()


@dataclass
class Threaded:
    threads: int = threads()


@dataclass
class Reported:
    """Commands that print a result: text on stderr, or JSON on stdout."""
    as_json: bool = json()


@dataclass
class Written(Reported):
    """Commands that write a file (a subclass redeclares output with its default name)."""
    output: str | None = output(None, "HDF5 file for the result.")
    overwrite: bool = overwrite()


def plot(help: str) -> Any:
    return option(None, params.OutputPath(), help, shared=True)


def quiet(help: str = "No progress display.") -> Any:
    return switch(help, flags=("--quiet", "-q"), shared=True)


def resume(help: str) -> Any:
    return switch(help, shared=True)
