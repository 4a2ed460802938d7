"""Geometry as data: every lattice x boundary x L against a brute-force bond list.

Open lattices are checked against a Euclidean embedding (nearest neighbours are the pairs at
the shortest distance, next-nearest at the second shortest), periodic ones against the
neighbour vectors written out here, in both directions, wrapped by hand. Neither shares code
with the engine's unit cells.
"""
from collections import Counter
import itertools
import math

import numpy as np
import pytest

from physml_cli import _engine, registry

S3 = math.sqrt(3.0)
# Primitive vectors, basis positions and the engine's site order ((z L + y) L + x) basis + b.
EMBEDDING = {
    "chain": ([(1.0,)], [(0.0,)]),
    "square": ([(1.0, 0.0), (0.0, 1.0)], [(0.0, 0.0)]),
    "triangular": ([(1.0, 0.0), (0.5, S3 / 2)], [(0.0, 0.0)]),
    "honeycomb": ([(S3, 0.0), (S3 / 2, 1.5)], [(0.0, 0.0), (S3 / 2, 0.5)]),
    "cubic": ([(1.0, 0, 0), (0, 1.0, 0), (0, 0, 1.0)], [(0.0, 0.0, 0.0)]),
}
# (from basis, to basis, cell step) for every neighbour of every site, both directions.
NEIGHBOUR_VECTORS = {
    "chain": [(0, 0, (1,)), (0, 0, (-1,))],
    "square": [(0, 0, v) for v in [(1, 0), (-1, 0), (0, 1), (0, -1)]],
    "triangular": [(0, 0, v) for v in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)]],
    "honeycomb": [(0, 1, (0, 0)), (0, 1, (-1, 0)), (0, 1, (0, -1)),
                  (1, 0, (0, 0)), (1, 0, (1, 0)), (1, 0, (0, 1))],
    "cubic": [(0, 0, v) for v in [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1),
                                  (0, 0, -1)]],
}
SECOND_SHELL = {"chain": [(0, 0, (2,)), (0, 0, (-2,))],
                "square": [(0, 0, v) for v in [(1, 1), (-1, -1), (1, -1), (-1, 1)]]}


def sites(kind, L):
    vecs, basis = EMBEDDING[kind]
    d = len(vecs)
    for cell in itertools.product(range(L), repeat=d):
        x = cell[::-1]  # itertools varies the last entry fastest; x is the fastest axis
        for b in range(len(basis)):
            index = 0
            for k in reversed(range(d)):
                index = index * L + x[k]
            yield index * len(basis) + b, x, b


def directed(pairs):
    out = Counter()
    for i, j in pairs:
        out[(int(i), int(j))] += 1
        out[(int(j), int(i))] += 1
    return out


def periodic_expectation(kind, L, vectors):
    index = {(x, b): i for i, x, b in sites(kind, L)}
    out = Counter()
    for i, x, b in sites(kind, L):
        for fb, tb, step in vectors:
            if fb == b:
                y = tuple((x[k] + step[k]) % L for k in range(len(x)))
                out[(i, index[(y, tb)])] += 1
    return out


def open_expectation(kind, L, shell):
    vecs, basis = EMBEDDING[kind]
    pos = {}
    for i, x, b in sites(kind, L):
        pos[i] = np.array(basis[b]) + sum(x[k] * np.array(vecs[k]) for k in range(len(x)))
    dists = {}
    for i, j in itertools.combinations(pos, 2):
        dists[(i, j)] = round(float(np.linalg.norm(pos[i] - pos[j])), 9)
    # shells of the infinite lattice: 1 for the nearest, the second for next-nearest
    radius = {1: 1.0, 2: {"chain": 2.0, "square": math.sqrt(2)}.get(kind)}[shell]
    return directed([p for p, r in dists.items() if r == round(radius, 9)])


@pytest.mark.parametrize("kind", list(EMBEDDING))
@pytest.mark.parametrize("L", [2, 3, 4])
@pytest.mark.parametrize("boundary", ["periodic", "open"])
def test_bonds_match_brute_force(kind, L, boundary):
    lat = _engine.Lattice(kind, L, boundary == "open")
    if boundary == "open":
        assert directed(lat.bonds) == open_expectation(kind, L, 1)
    else:
        # multiplicities included: a periodic L = 2 chain has bonds 0-1 and 1-0
        assert directed(lat.bonds) == periodic_expectation(kind, L, NEIGHBOUR_VECTORS[kind])
    if kind in SECOND_SHELL:
        got = directed(lat.next_nearest_bonds)
        if boundary == "open":
            assert got == open_expectation(kind, L, 2)
        else:
            assert got == periodic_expectation(kind, L, SECOND_SHELL[kind])
    else:
        assert len(lat.next_nearest_bonds) == 0
    # the neighbour table reads the bonds both ways, -1 past a site's own neighbours
    nb = lat.neighbors
    table = Counter((i, int(j)) for i in range(lat.n_sites) for j in nb[i] if j >= 0)
    assert table == directed(lat.bonds)
    colors = lat.colors
    assert (colors[lat.bonds[:, 0]] != colors[lat.bonds[:, 1]]).all()


@pytest.mark.parametrize("kind,group", [("chain", 2), ("square", 8), ("triangular", 12),
                                        ("cubic", 48), ("honeycomb", 1)])
@pytest.mark.parametrize("L", [3, 4])
def test_symmetries_are_automorphisms(kind, group, L):
    lat = _engine.Lattice(kind, L)
    bonds = Counter(frozenset(map(int, b)) for b in lat.bonds)
    ops = lat.point_group()
    trans = lat.translations()
    assert len(ops) == group and len(trans) == lat.n_sites // lat.basis
    assert (ops[0] == np.arange(lat.n_sites)).all() and (trans[0] == np.arange(lat.n_sites)).all()
    for t in list(ops) + list(trans):
        assert sorted(t) == list(range(lat.n_sites)), "a permutation of the sites"
        mapped = Counter(frozenset((int(t[i]), int(t[j]))) for i, j in lat.bonds)
        assert mapped == bonds
    assert len({tuple(t) for t in ops}) == group, "distinct operations"


def test_open_lattices_have_no_translations_or_point_group():
    lat = _engine.Lattice("square", 4, True)
    assert len(lat.translations()) == 1 and len(lat.point_group()) == 1
    assert not lat.periodic and lat.coordination == 4
    assert sorted(Counter(int((row >= 0).sum()) for row in lat.neighbors).items()) == \
        [(2, 4), (3, 8), (4, 4)]


@pytest.mark.parametrize("kind", list(EMBEDDING))
def test_registry_facts_match_the_lattice(kind):
    entry = registry.entry("lattice", kind)
    lat = _engine.Lattice(kind, 3)
    assert lat.dimension == entry.fact("dimension") and lat.basis == entry.fact("basis")
    assert registry.lattice_sites(kind, 3) == lat.n_sites
    assert registry.lattice_shape(kind, 3) == lat.shape


@pytest.mark.parametrize("lattice,exact", [("chain", -3.0), ("square", -8.0)])
def test_two_site_open_lattices_are_not_doubled(physml, lattice, exact):
    """L = 2 with open boundaries: one bond per pair (chain: a singlet, E0 = -3 in Pauli units)."""
    import json
    r = physml("exact", "--hamiltonian", "heisenberg", "--lattice", lattice, "--size", "2",
               "--open", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["energy"] == pytest.approx(exact, abs=1e-9)
    r = physml("vmc", "--hamiltonian", "heisenberg", "--lattice", lattice, "--size", "2", "--open",
               "--iterations", "150", "--samples", "512", "--seed", "2", "--lr", "0.05",
               "--diag-shift", "0.05", "--json", "-q", "--threads", "1")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert abs(out["energy"] - exact) <= max(4 * out["energy_err"], 0.02 * abs(exact)), out["energy"]
