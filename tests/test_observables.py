"""Energy and magnetization reported by the engine equal those recomputed from the
stored configuration and the bond list, for every lattice, model and update path."""
import numpy as np
import pytest

from conftest import lattice_energy
from physml_cli import _engine

CASES = [(m, lat, L, alg, q, h)
         for lat in ("chain", "square", "triangular", "honeycomb", "cubic")
         for L in (2, 3, 6)
         for (m, alg, q, h) in (("ising", "metropolis", 2, 0.0), ("ising", "heatbath", 2, 0.3),
                                ("ising", "wolff", 2, 0.0), ("potts", "sw", 3, 0.0),
                                ("potts", "heatbath", 4, 0.2))]


def recompute(model, lattice, L, J, h, q, cfg):
    return lattice_energy(model, q, _engine.Lattice(lattice, L), J, h, cfg)


@pytest.mark.parametrize("model,lattice,L,alg,q,h", CASES)
def test_measured_values_match_configurations(model, lattice, L, alg, q, h):
    J = 0.7
    sim = _engine.Simulation(model=model, lattice=lattice, L=L, J=J, h=h, q=q, algorithm=alg,
                             temperatures=[1.3, 3.0], seed=8)
    sim.thermalize(5)
    out = sim.measure(30, 1, 1)
    for t in range(2):
        e, m = recompute(model, lattice, L, J, h, q, out["configs"][t])
        assert np.allclose(out["e"][t], e, rtol=0, atol=1e-12)
        assert np.allclose(out["m"][t], m, rtol=0, atol=1e-12)


@pytest.mark.parametrize("L", [4, 10, 130])
def test_fast_square_kernel_measures_correctly(L):
    sim = _engine.Simulation(model="ising", lattice="square", L=L, J=-1.0, temperatures=[2.0],
                             seed=2, threads=2)
    assert sim.uses_fast_kernel
    out = sim.measure(20, 2, 1)
    e, m = recompute("ising", "square", L, -1.0, 0.0, 2, out["configs"][0])
    assert np.allclose(out["e"][0], e, atol=1e-12) and np.allclose(out["m"][0], m, atol=1e-12)


@pytest.mark.parametrize("lattice,L,fast", [("square", 6, True), ("square", 6, False),
                                            ("honeycomb", 3, False), ("cubic", 4, False),
                                            ("chain", 8, False)])
def test_staggered_magnetization_matches_configurations(lattice, L, fast):
    sim = _engine.Simulation(model="ising", lattice=lattice, L=L, J=-1.0, temperatures=[1.5, 4.0],
                             seed=4, fast_kernel=fast)
    assert sim.measures_staggered
    out = sim.measure(40, 1, 1)
    sign = np.where(_engine.Lattice(lattice, L).colors == 0, 1, -1)
    for t in range(2):
        expect = (out["configs"][t].astype(np.int64) * sign).sum(1) / sim.n_sites
        assert np.allclose(out["ms"][t], expect, atol=1e-12)


def test_no_staggered_magnetization_where_it_has_no_meaning():
    assert not _engine.Simulation(model="ising", lattice="triangular", L=6).measures_staggered
    assert not _engine.Simulation(model="potts", lattice="square", L=4, q=3).measures_staggered
    assert "ms" not in _engine.Simulation(model="ising", lattice="square", L=3).measure(4, 1, 0)
