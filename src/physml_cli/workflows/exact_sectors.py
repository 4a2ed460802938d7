"""Which symmetry sectors ``physml exact --symmetries`` diagonalises: the group, the momentum,
the point-group irrep and the spin-flip eigenvalue, each given, scanned (``all``) or left to a
sign rule (the default), and the memory each needs."""
from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any

from physml_cli import _engine, registry, resources
from physml_cli.errors import PhysmlError

SYMMETRIES = ("auto", "none") + tuple(registry.names("symmetry_group"))
SPIN_FLIPS = ("+1", "-1", "all")


@dataclasses.dataclass(frozen=True)
class Sector:
    momentum: tuple[int, ...]
    irrep: str
    spin_flip: int  # 0: the spin flip is not part of the group


@dataclasses.dataclass(frozen=True)
class Plan:
    group: str                 # a registered symmetry group
    sectors: tuple[Sector, ...]
    how: str                   # "given", "sign rule" or "scan"
    group_size: int
    dimension_estimate: float  # of the largest sector


def parse_momentum(text: str, size: int, dimension: int) -> tuple[int, ...]:
    """'3' (chain), '0,0', 'pi' or 'pi,0' -> the integers n of k = 2 pi n / L per axis."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != dimension:
        raise PhysmlError(f"--momentum {text!r}: expected {dimension} component"
                          f"{'s' if dimension > 1 else ''} (integers n of k = 2 pi n / L, or pi)")
    out = []
    for p in parts:
        if p == "pi":
            if size % 2:
                raise PhysmlError(f"--momentum {text!r}: k = pi needs an even linear size")
            out.append(size // 2)
            continue
        try:
            n = int(p)
        except ValueError:
            raise PhysmlError(f"--momentum {text!r}: components are integers 0..{size - 1} "
                              f"(k = 2 pi n / L) or pi") from None
        if not 0 <= n < size:
            raise PhysmlError(f"--momentum {text!r}: components are integers 0..{size - 1}")
        out.append(n)
    return tuple(out)


def plan(*, symmetries: str, momentum: str | None, irrep: str | None, spin_flip: str | None,
         model: dict[str, Any], n_sites: int, n_up: int) -> Plan:
    """The sectors to diagonalise, or a one-line PhysmlError."""
    lattice, size, open_ = model["lattice"], model["L"], model["open"]
    if size < 3:
        raise PhysmlError("--symmetries: symmetry sectors need a linear size of at least 3")
    info = _engine.lattice_sectors(lattice, size, open_)
    dimension = len(info["translations"][0])
    if symmetries == "auto":
        group = "lattice" if info["irreps"] else "translations"
    else:
        group = symmetries
    if group == "lattice" and not info["irreps"]:
        raise PhysmlError(f"--symmetries lattice: {info['no_point_group']} (use translations)")
    if irrep is not None and group != "lattice":
        raise PhysmlError("--irrep needs the point group: --symmetries lattice (or auto on a "
                          "periodic lattice that has one)")
    flip_usable = n_up < 0 or 2 * n_up == n_sites
    if spin_flip in ("+1", "-1") and not flip_usable:
        raise PhysmlError("--spin-flip: flipping every spin is a symmetry of the S^z = 0 sector "
                          "(or the full space) only")

    if group == "lattice":
        momenta = [tuple(k) for k in info["momenta"]]
        irreps = list(info["irreps"])
    else:
        axes = [range(size)] * dimension if not open_ else [range(1)] * dimension
        momenta = [tuple(k) for k in itertools.product(*axes)]
        irreps = ["A1"]
    flips = [1, -1] if flip_usable else [0]

    given_k = None if momentum in (None, "all") else parse_momentum(momentum, size, dimension)
    if given_k is not None and given_k not in momenta:
        raise PhysmlError(f"--momentum {momentum}: "
                          + ("an open lattice has momentum 0 only" if open_ else
                             "the point group does not leave it invariant; allowed: "
                             + ", ".join(_label(k, size) for k in momenta)
                             + " (or use --symmetries translations)"))
    if irrep not in (None, "all") and irrep not in irreps:
        raise PhysmlError(f"--irrep {irrep}: the {lattice} lattice's one-dimensional irreps "
                          f"are {', '.join(irreps)}")
    given_flip = {"+1": 1, "-1": -1}.get(spin_flip or "")

    how = "given"
    if momentum is None and irrep is None and spin_flip is None:
        rule = _engine.exact_sign_rule_sector(
            **model, n_up=n_up, symmetries=group, spin_flip=1 if flip_usable else 0)
        if rule is not None:
            sectors = [Sector(tuple(rule["momentum"]), rule["irrep"] if group == "lattice"
                              else "A1", rule["spin_flip"])]
            how = "sign rule"
        else:
            if symmetries == "auto":
                # The point group's sectors miss momenta it moves and its 2D irreps: a
                # ground state there would be missed. Every momentum covers the whole space.
                group, irreps = "translations", ["A1"]
                axes = [range(size)] * dimension if not open_ else [range(1)] * dimension
                momenta = [tuple(k) for k in itertools.product(*axes)]
            sectors = [Sector(k, r, f) for k in momenta for r in irreps for f in flips]
            how = "scan"
    else:
        ks = [given_k] if given_k is not None else momenta
        rs = [irrep] if irrep not in (None, "all") else irreps
        fs = [given_flip] if given_flip is not None else flips
        sectors = [Sector(k, r, f) for k in ks for r in rs for f in fs]
        if len(sectors) > 1:
            how = "scan"

    g = len(info["translations"]) * (info["point_group_order"] if group == "lattice" else 1) \
        * (2 if sectors[0].spin_flip else 1)
    states = 2.0 ** n_sites if n_up < 0 else float(math.comb(n_sites, n_up))
    return Plan(group, tuple(sectors), how, g, states / g)


def _label(k: tuple[int, ...], size: int) -> str:
    def one(n: int) -> str:
        return "0" if n == 0 else "pi" if 2 * n == size else str(n)
    return ",".join(one(n) for n in k)


def is_complex(sector: Sector, size: int) -> bool:
    """Whether the sector's characters (its vectors) are complex: k other than 0 and pi."""
    return any(n != 0 and 2 * n != size for n in sector.momentum)


def check_memory(p: Plan, n_sites: int, size: int) -> float:
    """The largest sector's basis, tables and Lanczos vectors against the memory limit; the
    bytes left for a stored matrix and kept Krylov vectors (three quarters of what remains)."""
    scalar = 16 if any(is_complex(s, size) for s in p.sectors) else 8
    dim = p.dimension_estimate * 1.02 + 64  # orbits with a stabilizer make it slightly larger
    if dim >= 2 ** 31:
        raise PhysmlError(f"a symmetry sector of about {int(dim):,} states is beyond this "
                          f"solver (at most 2^31 states)")
    need = _engine.exact_sector_memory_estimate(n_sites, dim, p.group_size) + dim * (16 + 7 * scalar)
    resources.check_memory(need, f"exact diagonalization of {n_sites} spins in a symmetry sector "
                                 f"(dimension about {int(dim):,})")
    free = resources.memory_limit()
    return max(0.0, 0.75 * ((free if free is not None else 8e9) - need))
