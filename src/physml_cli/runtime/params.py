"""The kinds of value an option takes, each with its range declared: whole numbers that reach
the engine as C ints, finite reals, seeds, grids, output paths. A value outside its range is
refused here, while parsing, with one line naming the flag, so nothing out of range reaches
the engine (where it would overflow, allocate without bound or loop for ever)."""
from __future__ import annotations

import math
import os
from typing import Any

import click

from physml_cli.errors import PhysmlError

INT_MAX = 2**31 - 1  # the engine takes counts as C++ int
SEED_MODULUS = 2**64  # the generators are seeded with a 64-bit word
MAX_GRID = 10_000  # points in an a:b:n grid: more is a typing slip, not a study


def flag_of(param: click.Parameter | None) -> str:
    if param is None:
        return "value"
    return max(param.opts, key=len) if param.opts else param.name or "value"


class OneOf(click.Choice):
    """One of a fixed set of names (a registry's, usually), refused in the engine's words."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: Any) -> str:
        if value in self.choices:
            return value
        raise PhysmlError(f"unknown {flag_of(param)} {value!r} "
                          f"(choose {', '.join(self.choices)})")


class Count(click.ParamType):
    """A whole number in [low, high]."""
    name = "integer"

    def __init__(self, low: int = 0, high: int = INT_MAX):
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: Any) -> int:
        flag = flag_of(param)
        try:
            n = value if isinstance(value, int) else int(str(value).strip(), 10)
        except ValueError:
            raise PhysmlError(f"{flag} {value!r} is not a whole number") from None
        if n < self.low:
            raise PhysmlError(f"{flag} must be {self.floor()} (got {n})")
        if n > self.high:
            raise PhysmlError(f"{flag} must be <= {self.high} (got {n})")
        return n

    def floor(self) -> str:
        return f">= {self.low}"


class LinearSize(Count):
    """The linear size L of a lattice."""

    def __init__(self, high: int = INT_MAX):
        super().__init__(2, high)

    def floor(self) -> str:
        return "at least 2"


class Real(click.ParamType):
    """A finite real number, optionally bounded; an open bound excludes its end point."""
    name = "number"

    def __init__(self, low: float | None = None, high: float | None = None, *,
                 low_open: bool = False, high_open: bool = False):
        self.low, self.high, self.low_open, self.high_open = low, high, low_open, high_open

    def convert(self, value: Any, param: click.Parameter | None, ctx: Any) -> float:
        flag = flag_of(param)
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise PhysmlError(f"{flag} {value!r} is not a number") from None
        if not math.isfinite(x):
            raise PhysmlError(f"{flag} must be a finite number (got {value})")
        low_ok = self.low is None or (x > self.low if self.low_open else x >= self.low)
        high_ok = self.high is None or (x < self.high if self.high_open else x <= self.high)
        if not (low_ok and high_ok):
            raise PhysmlError(f"{flag} must be {self.describe()} (got {x:g})")
        return x

    def describe(self) -> str:
        if self.high is None:
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        if self.low is None:
            return f"{'<' if self.high_open else '<='} {self.high:g}"
        return (f"in {'(' if self.low_open else '['}{self.low:g}, "
                f"{self.high:g}{')' if self.high_open else ']'}")


class Seed(click.ParamType):
    """Any integer a user may type. The generator is seeded with its value modulo 2^64, so
    0 … 2^64 - 1 are distinct seeds and -1 is the same seed as 2^64 - 1."""
    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: Any) -> int:
        try:
            n = value if isinstance(value, int) else int(str(value).strip(), 10)
        except ValueError:
            raise PhysmlError(f"{flag_of(param)} {value!r} is not a whole number") from None
        return n % SEED_MODULUS


class OutputPath(click.ParamType):
    """A file to be written: a name (not a folder) short enough for the file system, with its
    temporary sibling (``.<name>.<random>.tmp``) too."""
    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: Any) -> str:
        flag = flag_of(param)
        path = str(value)
        if not path.strip():
            raise PhysmlError(f"{flag}: empty file name")
        if path.endswith(os.sep) or os.path.isdir(path):
            raise PhysmlError(f"{flag} {path}: is a folder, not a file")
        folder = os.path.dirname(os.path.abspath(path))
        try:
            longest = os.pathconf(folder if os.path.isdir(folder) else "/", "PC_NAME_MAX")
        except (OSError, ValueError):
            longest = 255
        if len(os.path.basename(path).encode()) + 24 > longest:
            raise PhysmlError(f"{flag}: file name longer than this file system allows "
                              f"({longest - 24} bytes at most)")
        return path


def check_grid_count(n: int, option: str, text: str) -> None:
    if n < 1:
        raise PhysmlError(f"{option} {text}: the count n must be >= 1")
    if n > MAX_GRID:
        raise PhysmlError(f"{option} {text}: the count n must be <= {MAX_GRID}")
