"""Each update leaves the Boltzmann distribution invariant: the frequency of every
configuration of a tiny system matches its exact probability; Swendsen-Wang, whose
sweep is reversible, also shows balanced forward and backward transition counts."""
import itertools
import math

import numpy as np
import pytest

from physml_cli import _engine

# (model, lattice, L, J, h, q, T, algorithms)
# Metropolis is left out on the 2x2 torus: its doubled bonds make zero-energy flips
# deterministic there and the chain non-ergodic (docs/monte-carlo.md).
SYSTEMS = [
    ("ising", "square", 2, 1.0, 0.0, 2, 2.5, ("heatbath", "wolff", "sw")),
    ("ising", "honeycomb", 2, 1.0, 0.0, 2, 2.0, ("metropolis", "heatbath", "wolff", "sw")),
    ("ising", "chain", 5, 1.0, 0.3, 2, 1.5, ("metropolis", "heatbath")),
    ("ising", "chain", 5, -1.0, 0.0, 2, 1.0, ("wolff", "sw")),
    ("potts", "chain", 4, 1.0, 0.0, 3, 1.0, ("metropolis", "heatbath", "wolff", "sw")),
]
CASES = [(s, alg) for s in SYSTEMS for alg in s[7]]


def boltzmann(model, lattice, L, J, h, q, T):
    lat = _engine.Lattice(lattice, L)
    values = (-1, 1) if model == "ising" else tuple(range(q))
    states = np.array(list(itertools.product(values, repeat=lat.n_sites)), dtype=np.int64)
    i, j = lat.bonds[:, 0], lat.bonds[:, 1]
    if model == "ising":
        E = -J * (states[:, i] * states[:, j]).sum(1) - h * states.sum(1)
    else:
        E = -J * (states[:, i] == states[:, j]).sum(1) - h * (states == 0).sum(1)
    w = np.exp(-(E - E.min()) / T)
    return states, w / w.sum()


def state_index(configs, states, model, q):
    base = 2 if model == "ising" else q
    digits = (configs + 1) // 2 if model == "ising" else configs
    powers = base ** np.arange(configs.shape[1])[::-1]
    return (digits.astype(np.int64) * powers).sum(1)


def chain_of_states(model, lattice, L, J, h, q, T, alg, n=120000, temps=None, slot=0):
    sim = _engine.Simulation(model=model, lattice=lattice, L=L, J=J, h=h, q=q, algorithm=alg,
                             temperatures=temps or [T], seed=2024,
                             parallel_tempering=temps is not None, fast_kernel=False)
    sim.thermalize(500)
    out = sim.measure(n, 1, 1)
    return out["configs"][slot]


def assert_boltzmann(idx, p):
    n = len(idx)
    for k, pk in enumerate(p):
        x = (idx == k).astype(float)
        tau = _engine.integrated_autocorrelation_time(x) if x.any() else 0.5
        sigma = math.sqrt(max(pk * (1 - pk), 1.0 / n) / n * 2 * max(tau, 0.5))
        assert abs(x.mean() - pk) <= 4 * sigma, (k, x.mean(), pk, sigma)


@pytest.mark.parametrize("system,alg", CASES)
def test_visits_follow_boltzmann(system, alg):
    model, lattice, L, J, h, q, T, _ = system
    states, p = boltzmann(model, lattice, L, J, h, q, T)
    configs = chain_of_states(model, lattice, L, J, h, q, T, alg)
    assert_boltzmann(state_index(configs, states, model, q), p)


@pytest.mark.parametrize("slot", [0, 2])
def test_parallel_tempering_keeps_each_temperature_canonical(slot):
    temps = [1.5, 2.0, 2.6]
    states, p = boltzmann("ising", "chain", 5, 1.0, 0.3, 2, temps[slot])
    configs = chain_of_states("ising", "chain", 5, 1.0, 0.3, 2, None, "metropolis", temps=temps,
                              slot=slot)
    assert_boltzmann(state_index(configs, states, "ising", 2), p)


def test_swendsen_wang_detailed_balance():
    states, p = boltzmann("ising", "square", 2, 1.0, 0.0, 2, 2.0)
    idx = state_index(chain_of_states("ising", "square", 2, 1.0, 0.0, 2, 2.0, "sw"), states,
                      "ising", 2)
    counts = np.zeros((len(p), len(p)))
    np.add.at(counts, (idx[:-1], idx[1:]), 1)
    diff = counts - counts.T
    sigma = np.sqrt(counts + counts.T + 1.0)
    assert (np.abs(diff) <= 4 * sigma).all()
    assert counts.sum() > 100000
