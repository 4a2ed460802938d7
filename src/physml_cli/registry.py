"""The engine's registries, read once: every lattice, model, update rule, Hamiltonian, ansatz,
proposal and optimizer with its parameters and capabilities (cpp/registry/). Click choices,
help texts, validation and file metadata come from here, so a name is spelled only where the
component registers itself."""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import click

from physml_cli.errors import PhysmlError


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    help: str
    min: float
    max: float
    min_inclusive: bool

    def check(self, value: float, flag: str) -> None:
        """A one-line PhysmlError where value is outside the registered range."""
        if self.type in ("float", "int") and not math.isfinite(value):
            raise PhysmlError(f"{flag} must be a finite number")
        low_ok = value >= self.min if self.min_inclusive else value > self.min
        if not (low_ok and value <= self.max):
            low = f"{'>=' if self.min_inclusive else '>'} {self.min:g}"
            bound = low if math.isinf(self.max) else f"between {self.min:g} and {self.max:g}"
            raise PhysmlError(f"{flag} must be {bound} (got {value:g})")


    def value_type(self) -> click.ParamType:
        """The CLI's type for this parameter, with the registered range."""
        from physml_cli.runtime.params import Count, INT_MAX, Real

        low = None if math.isinf(self.min) else self.min
        high = None if math.isinf(self.max) else self.max
        if self.type == "int":
            return Count(int(low) if low is not None else -INT_MAX,
                         int(high) if high is not None else INT_MAX)
        return Real(low, high, low_open=not self.min_inclusive)


@dataclass(frozen=True)
class Entry:
    concept: str
    name: str
    summary: str
    parameters: tuple[Parameter, ...]
    capabilities: dict[str, bool] = field(default_factory=dict)
    facts: dict[str, float] = field(default_factory=dict)

    def can(self, capability: str) -> bool:
        return bool(self.capabilities.get(capability, False))

    def fact(self, name: str) -> int | float:
        value = self.facts[name]
        return int(value) if float(value).is_integer() else value

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def describe(self) -> dict[str, Any]:
        """For JSON and HDF5 metadata."""
        return {"name": self.name, "summary": self.summary, "capabilities": dict(self.capabilities)}


@functools.lru_cache(maxsize=None)
def _catalog() -> dict[str, tuple[Entry, ...]]:
    from physml_cli import _engine

    out = {}
    for concept, items in _engine.registry().items():
        out[concept] = tuple(
            Entry(concept, e["name"], e["summary"],
                  tuple(Parameter(**p) for p in e["parameters"]),
                  dict(e["capabilities"]), dict(e["facts"]))
            for e in items)
    return out


def concepts() -> list[str]:
    return sorted(_catalog())


def entries(concept: str) -> tuple[Entry, ...]:
    return _catalog()[concept]


def names(concept: str) -> tuple[str, ...]:
    return tuple(e.name for e in entries(concept))


def entry(concept: str, name: str, flag: str | None = None) -> Entry:
    """The registered component, or a one-line PhysmlError naming the choices."""
    for e in entries(concept):
        if e.name == name:
            return e
    raise PhysmlError(f"unknown {flag or concept} {name!r} (choose {', '.join(names(concept))})")


def choice(concept: str) -> click.Choice:
    from physml_cli.runtime.params import OneOf
    return OneOf(names(concept))


def listing(concept: str) -> str:
    """'a, b or c' for help texts."""
    return spelled(names(concept), "or")


def spelled(items: list[str], last: str = "and") -> str:
    """'a, b and c'."""
    return ", ".join(items[:-1]) + f" {last} " + items[-1] if len(items) > 1 else items[0]


def lattice_sites(kind: str, L: int) -> int:
    """Sites of an L lattice, from the registry's facts (nothing is allocated)."""
    e = entry("lattice", kind)
    return int(e.fact("basis")) * L ** int(e.fact("dimension"))


def lattice_shape(kind: str, L: int) -> tuple[int, ...]:
    """Array shape of one configuration: L per axis, then the basis if it has several sites."""
    e = entry("lattice", kind)
    basis = int(e.fact("basis"))
    return (L,) * int(e.fact("dimension")) + ((basis,) if basis > 1 else ())
