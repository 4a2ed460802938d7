import numpy as np
import pytest

from physml_cli import _engine

KINDS = {"chain": (1, 2), "square": (1, 4), "triangular": (1, 6), "honeycomb": (2, 3),
         "cubic": (1, 6)}


def n_sites(kind, L):
    dims = {"chain": 1, "square": 2, "triangular": 2, "honeycomb": 2, "cubic": 3}[kind]
    return KINDS[kind][0] * L ** dims


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("L", [2, 3, 4, 5, 6, 7])
def test_tables_are_consistent(kind, L):
    lat = _engine.Lattice(kind, L)
    n, z = n_sites(kind, L), KINDS[kind][1]
    assert lat.n_sites == n and lat.coordination == z
    nb = lat.neighbors
    assert nb.shape == (n, z) and nb.min() >= 0 and nb.max() < n
    assert not (nb == np.arange(n)[:, None]).any(), "no site is its own neighbour"
    bonds = lat.bonds
    assert len(bonds) == n * z // 2
    # the neighbour table is the bond list read both ways, multiplicities included
    from collections import Counter
    pairs = Counter()
    for i, j in bonds:
        pairs[(i, j)] += 1
        pairs[(j, i)] += 1
    table = Counter((i, int(j)) for i in range(n) for j in nb[i])
    assert pairs == table
    colors = lat.colors
    assert (colors[bonds[:, 0]] != colors[bonds[:, 1]]).all(), "colouring is proper"


@pytest.mark.parametrize("kind,L,ncolors", [("square", 8, 2), ("chain", 6, 2), ("cubic", 4, 2),
                                            ("honeycomb", 5, 2), ("triangular", 6, 3)])
def test_textbook_colourings(kind, L, ncolors):
    assert _engine.Lattice(kind, L).n_colors == ncolors


def test_square_neighbours_are_the_four_nearest():
    L = 5
    lat = _engine.Lattice("square", L)
    site = 2 * L + 3  # row 2, column 3
    expect = {2 * L + 4, 2 * L + 2, 1 * L + 3, 3 * L + 3}
    assert set(lat.neighbors[site]) == expect


def test_triangular_has_six_distinct_neighbours():
    lat = _engine.Lattice("triangular", 6)
    assert all(len(set(row)) == 6 for row in lat.neighbors)


def test_shapes():
    assert _engine.Lattice("honeycomb", 4).shape == (4, 4, 2)
    assert _engine.Lattice("cubic", 3).shape == (3, 3, 3)


@pytest.mark.parametrize("bad", [1, 0, -3])
def test_too_small(bad):
    with pytest.raises(ValueError, match="at least 2"):
        _engine.Lattice("square", bad)


def test_unknown_lattice():
    with pytest.raises(ValueError, match="unknown lattice"):
        _engine.Lattice("kagome", 4)
