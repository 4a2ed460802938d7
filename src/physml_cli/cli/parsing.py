"""Parsing of the CLI's compact argument forms (grids, size lists)."""
from __future__ import annotations

import math
import os
from typing import Any

import click

from physml_cli.errors import PhysmlError
from physml_cli.runtime import params


def number_grid(text: str, option: str, log: bool = False) -> list[float]:
    """``a:b:n`` (n values from a to b, evenly or, with log, geometrically spaced) or a
    comma list of numbers."""
    text = text.strip()
    try:
        if ":" in text:
            parts = text.split(":")
            if len(parts) != 3:
                raise ValueError
            a, b, n = float(parts[0]), float(parts[1]), int(parts[2])
            params.check_grid_count(n, option, text)
            if not (math.isfinite(a) and math.isfinite(b)):
                raise PhysmlError(f"{option} {text}: a and b must be finite")
            if log and (a <= 0 or b <= 0):
                raise PhysmlError(f"{option} {text}: a:b:n is log-spaced and needs a, b > 0")
            step = (lambda i: a * (b / a) ** (i / (n - 1))) if log else \
                (lambda i: a + (b - a) * i / (n - 1))
            grid = [a] if n == 1 else [step(i) for i in range(n)]
        else:
            grid = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise PhysmlError(f"{option} {text!r}: expected a number, a comma list or a:b:n") from None
    if not grid:
        raise PhysmlError(f"{option}: no value given")
    if len(grid) > params.MAX_GRID:
        raise PhysmlError(f"{option}: more than {params.MAX_GRID} values")
    return grid


def temperature_grid(text: str, option: str = "--temperatures") -> list[float]:
    grid = number_grid(text, option)
    for t in grid:
        if not math.isfinite(t) or t <= 0:
            raise PhysmlError(f"{option}: every temperature must be > 0 (got {t:g})")
    if len(set(grid)) != len(grid):
        raise PhysmlError(f"{option}: a temperature appears twice")
    return [round(t, 12) for t in grid]


class SizeList(click.ParamType):
    """``--size 8 --size 16`` or ``--size 8,16``; each L >= 2. One item of the repeated
    option becomes a tuple of sizes."""
    name = "sizes"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        sizes = []
        for x in str(value).split(","):
            if x.strip():
                L = params.LinearSize().convert(x, param, ctx)
                sizes.append(L)
        if not sizes:
            raise PhysmlError("--size: no size given")
        return tuple(sizes)


def output_for_size(pattern: str, L: int, several: bool) -> str:
    """``{L}`` in the name is replaced; with several sizes and no ``{L}``, ``_L<size>`` is
    put before the extension (ising.h5 -> ising_L16.h5)."""
    if "{L}" in pattern:
        return pattern.replace("{L}", str(L))
    if not several:
        return pattern
    root, ext = os.path.splitext(pattern)
    return f"{root}_L{L}{ext or '.h5'}"


def alpha_list(text: str, option: str = "--alpha") -> list[float]:
    """Regularization strengths: a number, a comma list, or a:b:n log-spaced."""
    values = number_grid(text, option, log=True)
    if any(not math.isfinite(v) or v < 0 for v in values):
        raise PhysmlError(f"{option} {text!r}: values must be finite and >= 0")
    return values


def positive_grid(text: str, option: str) -> list[float]:
    grid = number_grid(text, option)
    if any(not math.isfinite(v) or v <= 0 for v in grid):
        raise PhysmlError(f"{option}: values must be finite and > 0")
    return grid


MAX_WIDTH = 1 << 24  # units in one layer: beyond this a typing slip, not a network


def widths(text: str, option: str) -> list[int]:
    """A comma list of layer widths (``100`` or ``64,32``); ``0`` or empty for none."""
    text = text.strip()
    if text in ("", "0"):
        return []
    try:
        values = [int(x) for x in text.split(",")]
    except ValueError:
        raise PhysmlError(f"{option} {text!r}: expected positive integers, comma separated") from None
    if not values or min(values) < 1:
        raise PhysmlError(f"{option} {text!r}: every value must be >= 1")
    if max(values) > MAX_WIDTH:
        raise PhysmlError(f"{option} {text!r}: every value must be <= {MAX_WIDTH}")
    return values


def conv_list(text: str, option: str = "--conv") -> list[tuple[int, int]]:
    """``CHANNELS:KERNEL[,CHANNELS:KERNEL...]`` with odd kernel sizes."""
    layers = []
    for item in text.split(","):
        try:
            channels, kernel = (int(x) for x in item.split(":"))
        except ValueError:
            raise PhysmlError(f"{option} {text!r}: expected CHANNELS:KERNEL, comma separated") from None
        if not (1 <= channels <= MAX_WIDTH and 1 <= kernel <= 999) or kernel % 2 == 0:
            raise PhysmlError(f"{option} {item!r}: channels must be >= 1 and the kernel size odd "
                              "(at most 999)")
        layers.append((channels, kernel))
    return layers


MAX_BOND_DIM = 100_000  # an MPS past it would not fit any machine's memory


def bond_dims(text: str, option: str) -> list[int]:
    """A bond dimension (``200``) or a schedule, one per sweep (``50,100,200``)."""
    try:
        values = [int(x) for x in text.split(",")]
    except ValueError:
        raise PhysmlError(f"{option} {text!r}: expected positive integers, comma separated") from None
    if not values or min(values) < 1:
        raise PhysmlError(f"{option} {text!r}: a bond dimension must be >= 1")
    if max(values) > MAX_BOND_DIM:
        raise PhysmlError(f"{option} {text!r}: a bond dimension must be <= {MAX_BOND_DIM}")
    return values


class Parsed(click.ParamType):
    """An option in one of the compact forms above, parsed (to a tuple) while click parses."""

    def __init__(self, parse: Any, name: str):
        self.parse, self.name = parse, name

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[Any, ...]:
        if isinstance(value, tuple):
            return value
        return tuple(self.parse(str(value), params.flag_of(param)))


TEMPERATURES = Parsed(temperature_grid, "grid")
ALPHAS = Parsed(alpha_list, "grid")
WIDTHS = Parsed(widths, "widths")
CONVOLUTIONS = Parsed(conv_list, "layers")
POSITIVE_GRID = Parsed(positive_grid, "grid")
BOND_DIMS = Parsed(bond_dims, "chi")


def shard(text: str | None, temperatures: list[float]) -> tuple[str, list[int], list[float]]:
    """--shard i/n: ("i/n", the global indices of its temperatures, its temperatures), the
    i-th of n interleaved slices (interleaved, so that cold and hot slow runs are shared)."""
    if text is None:
        return "", [], temperatures
    try:
        i_text, n_text = text.split("/")
        i, n = int(i_text), int(n_text)
    except ValueError:
        raise PhysmlError(f"--shard {text!r}: expected i/n, e.g. 0/4") from None
    if n < 1 or not 0 <= i < n:
        raise PhysmlError(f"--shard {text}: need 0 <= i < n")
    if n > len(temperatures):
        raise PhysmlError(f"--shard {text}: more shards than the {len(temperatures)} temperatures")
    ids = list(range(i, len(temperatures), n))
    return f"{i}/{n}", ids, [temperatures[k] for k in ids]
