"""Parsing of the CLI's compact argument forms (grids, size lists)."""
from __future__ import annotations

import math
import os

from physml_cli.errors import PhysmlError


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
            if n < 1:
                raise PhysmlError(f"{option} {text}: the count n must be >= 1")
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
    return grid


def temperature_grid(text: str) -> list[float]:
    grid = number_grid(text, "--temperatures")
    for t in grid:
        if not math.isfinite(t) or t <= 0:
            raise PhysmlError(f"--temperatures: every temperature must be > 0 (got {t:g})")
    if len(set(grid)) != len(grid):
        raise PhysmlError("--temperatures: a temperature appears twice")
    return [round(t, 12) for t in grid]


def size_list(values: tuple[str, ...]) -> list[int]:
    """``--size 8 --size 16`` or ``--size 8,16``; each L >= 2."""
    sizes: list[int] = []
    for v in values:
        for x in str(v).split(","):
            x = x.strip()
            if not x:
                continue
            try:
                L = int(x)
            except ValueError:
                raise PhysmlError(f"--size {x!r} is not a whole number") from None
            if L < 2:
                raise PhysmlError(f"--size {L}: the linear size must be at least 2")
            sizes.append(L)
    if not sizes:
        raise PhysmlError("--size: no size given")
    if len(set(sizes)) != len(sizes):
        raise PhysmlError("--size: a size appears twice")
    return sizes


def output_for_size(pattern: str, L: int, several: bool) -> str:
    """``{L}`` in the name is replaced; with several sizes and no ``{L}``, ``_L<size>`` is
    put before the extension (ising.h5 -> ising_L16.h5)."""
    if "{L}" in pattern:
        return pattern.replace("{L}", str(L))
    if not several:
        return pattern
    root, ext = os.path.splitext(pattern)
    return f"{root}_L{L}{ext or '.h5'}"


def alpha_list(text: str) -> list[float]:
    """Regularization strengths: a number, a comma list, or a:b:n log-spaced."""
    values = number_grid(text, "--alpha", log=True)
    if any(not math.isfinite(v) or v < 0 for v in values):
        raise PhysmlError(f"--alpha {text!r}: values must be finite and >= 0")
    return values


def positive_grid(text: str, option: str) -> list[float]:
    grid = number_grid(text, option)
    if any(not math.isfinite(v) or v <= 0 for v in grid):
        raise PhysmlError(f"{option}: values must be finite and > 0")
    return grid


def int_list(text: str, option: str, allow_empty: bool = False) -> list[int]:
    """A comma list of positive integers (``100`` or ``64,32``); ``0`` or empty for none."""
    text = text.strip()
    if allow_empty and text in ("", "0"):
        return []
    try:
        values = [int(x) for x in text.split(",")]
    except ValueError:
        raise PhysmlError(f"{option} {text!r}: expected positive integers, comma separated") from None
    if not values or min(values) < 1:
        raise PhysmlError(f"{option} {text!r}: every value must be >= 1")
    return values


def conv_list(text: str) -> list[tuple[int, int]]:
    """``CHANNELS:KERNEL[,CHANNELS:KERNEL...]`` with odd kernel sizes."""
    layers = []
    for item in text.split(","):
        try:
            channels, kernel = (int(x) for x in item.split(":"))
        except ValueError:
            raise PhysmlError(f"--conv {text!r}: expected CHANNELS:KERNEL, comma separated") from None
        if channels < 1 or kernel < 1 or kernel % 2 == 0:
            raise PhysmlError(f"--conv {item!r}: channels must be >= 1 and the kernel size odd")
        layers.append((channels, kernel))
    return layers


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
