"""Every registered classical model, through its compile-time trait, gives the energy and
order parameter of the Hamiltonian it names: checked against numpy sums over the lattice's
bond list for random configurations, and exact enumeration against brute force."""
import itertools

import numpy as np
import pytest

from conftest import lattice_energy
from physml_cli import _engine

LATTICES = [("chain", 2), ("chain", 7), ("square", 2), ("square", 5), ("triangular", 3),
            ("triangular", 4), ("honeycomb", 2), ("honeycomb", 3), ("cubic", 2), ("cubic", 3)]
MODELS = [("ising", 2), ("potts", 2), ("potts", 3), ("potts", 5)]


def states(model, q):
    return np.array([-1, 1]) if model == "ising" else np.arange(q)


brute_force = lattice_energy


def test_every_registered_model_is_covered():
    assert {m["name"] for m in _engine.registry()["model"]} == {m for m, _ in MODELS}


@pytest.mark.parametrize("model,q", MODELS)
@pytest.mark.parametrize("lattice,L", LATTICES)
def test_energy_and_order_parameter_match_bond_sums(model, q, lattice, L):
    lat = _engine.Lattice(lattice, L)
    rng = np.random.default_rng(abs(hash((model, q, lattice, L))) % 2**32)
    configs = rng.choice(states(model, q), size=(40, lat.n_sites)).astype(np.int8)
    configs[0] = states(model, q)[0]  # the ordered state as well
    for J, h in ((1.0, 0.0), (-0.7, 0.3)):
        e, m = _engine.configuration_observables(model, lattice, L, J, h, q, configs)
        e_ref, m_ref = brute_force(model, q, lat, J, h, configs)
        assert np.allclose(e, e_ref, rtol=0, atol=1e-12)
        assert np.allclose(m, m_ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("model,q,bad", [("ising", 2, 0), ("ising", 2, 2), ("potts", 3, 3),
                                         ("potts", 3, -1)])
def test_values_outside_the_model_are_refused(model, q, bad):
    lat = _engine.Lattice("square", 3)
    configs = np.full((2, lat.n_sites), states(model, q)[0], dtype=np.int8)
    configs[1, 4] = bad
    with pytest.raises(ValueError, match="do not fit the model"):
        _engine.configuration_observables(model, "square", 3, 1.0, 0.0, q, configs)


@pytest.mark.parametrize("model,q,lattice,L", [("ising", 2, "square", 3), ("ising", 2, "honeycomb", 2),
                                               ("potts", 3, "chain", 6), ("potts", 3, "triangular", 2)])
def test_exact_enumeration_matches_brute_force(model, q, lattice, L):
    lat = _engine.Lattice(lattice, L)
    J, h, T = 0.8, 0.2, 1.7
    configs = np.array(list(itertools.product(states(model, q), repeat=lat.n_sites)), dtype=np.int8)
    e, m = brute_force(model, q, lat, J, h, configs)
    n = lat.n_sites
    w = np.exp(-(e - e.min()) * n / T)
    w /= w.sum()
    out = _engine.exact_enumeration(model, lattice, L, J, h, q, [T])
    assert np.isclose(out["e"][0], (w * e).sum(), rtol=1e-10, atol=1e-12)
    assert np.isclose(out["m_abs"][0], (w * np.abs(m)).sum(), rtol=1e-10, atol=1e-12)
    assert np.isclose(out["m2"][0], (w * m * m).sum(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("model,q,lattice,expected", [("ising", 2, "square", True), ("ising", 2, "triangular", False),
                                                      ("potts", 3, "square", False)])
def test_staggered_order_follows_the_model(model, q, lattice, expected):
    sim = _engine.Simulation(model=model, lattice=lattice, L=4, q=q, temperatures=[2.0], seed=1)
    assert sim.measures_staggered == expected
    out = sim.measure(3)
    assert ("ms" in out) == expected
    if expected:
        lat = _engine.Lattice(lattice, 4)
        cfg = sim.configuration(0).astype(np.int64)
        sign = np.where(lat.colors == 0, 1, -1)
        assert np.isclose(out["ms"][0, -1], (sign * cfg).sum() / lat.n_sites)


@pytest.mark.parametrize("algorithm", ["metropolis", "heatbath", "wolff", "sw"])
@pytest.mark.parametrize("model,q,J", [("ising", 2, 1.0), ("ising", 2, -1.0), ("potts", 3, 1.0)])
def test_updates_keep_spins_in_the_model(algorithm, model, q, J):
    sim = _engine.Simulation(model=model, lattice="triangular" if J > 0 else "square", L=6, J=J, q=q,
                             algorithm=algorithm, temperatures=[0.8, 2.5], seed=5, fast_kernel=False)
    sim.thermalize(20)
    out = sim.measure(20, 5, 1)
    assert np.isin(out["configs"], states(model, q)).all()
