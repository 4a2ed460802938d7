"""Every update rule, on every lattice and model, against exact enumeration."""
import pytest

from conftest import within
from physml_cli import _engine

ALL = ("metropolis", "heatbath", "wolff", "sw")
LOCAL = ("metropolis", "heatbath")

# (model, lattice, L, J, h, q, temperatures, algorithms)
SYSTEMS = {
    "ising-square-ferro": ("ising", "square", 4, 1.0, 0.0, 2, [2.0, 3.0], ALL),
    "ising-square-antiferro": ("ising", "square", 4, -1.0, 0.0, 2, [2.2], ALL),
    "ising-square-odd-L": ("ising", "square", 3, 1.0, 0.0, 2, [2.5], ALL),
    "ising-square-field": ("ising", "square", 4, 1.0, 0.4, 2, [2.5], LOCAL),
    "ising-triangular-ferro": ("ising", "triangular", 4, 1.0, 0.0, 2, [3.5], ALL),
    "ising-triangular-frustrated": ("ising", "triangular", 4, -1.0, 0.0, 2, [1.0], ALL),
    "ising-honeycomb": ("ising", "honeycomb", 2, 1.0, 0.0, 2, [1.5], ALL),
    "ising-cubic": ("ising", "cubic", 2, 1.0, 0.0, 2, [4.5], ALL),
    "ising-chain-field": ("ising", "chain", 12, 1.0, 0.3, 2, [1.2], LOCAL),
    "potts3-square": ("potts", "square", 3, 1.0, 0.0, 3, [0.9, 1.3], ALL),
    "potts4-chain-field": ("potts", "chain", 8, 1.0, 0.5, 4, [1.0], LOCAL),
    "potts3-triangular": ("potts", "triangular", 3, 1.0, 0.0, 3, [1.8], ALL),
}

CASES = [(name, alg) for name, s in SYSTEMS.items() for alg in s[7]]


def sample(model, lattice, L, J, h, q, temps, alg, seed, pt=False, fast=True, sweeps=60000):
    sim = _engine.Simulation(model=model, lattice=lattice, L=L, J=J, h=h, q=q, algorithm=alg,
                             temperatures=temps, seed=seed, parallel_tempering=pt, threads=2,
                             fast_kernel=fast)
    sim.thermalize(2000)
    out = sim.measure(sweeps, 2, 0)
    return [_engine.summarize(out["e"][i], out["m"][i], sim.n_sites, T, 2, 32)
            for i, T in enumerate(temps)]


def check(summaries, exact):
    for i, s in enumerate(summaries):
        assert s["e_err"] < 0.02 and s["c_err"] < 0.2, "error bars too wide to test anything"
        within(s["e"], exact["e"][i], s["e_err"])
        within(s["m_abs"], exact["m_abs"][i], s["m_abs_err"])
        within(s["c"], exact["c"][i], s["c_err"])
        within(s["chi"], exact["chi"][i], s["chi_err"])


@pytest.mark.parametrize("name,alg", CASES)
def test_against_enumeration(name, alg):
    model, lattice, L, J, h, q, temps, _ = SYSTEMS[name]
    exact = _engine.exact_enumeration(model, lattice, L, J, h, q, temps)
    check(sample(model, lattice, L, J, h, q, temps, alg, seed=11), exact)


@pytest.mark.parametrize("alg", LOCAL)
def test_portable_path_on_square(alg):
    """The generic colour-by-colour path, which the fast kernel otherwise hides."""
    temps = [2.3]
    exact = _engine.exact_enumeration("ising", "square", 4, 1.0, 0.0, 2, temps)
    check(sample("ising", "square", 4, 1.0, 0.0, 2, temps, alg, seed=5, fast=False), exact)


@pytest.mark.parametrize("alg", ALL)
def test_parallel_tempering(alg):
    temps = [1.6, 2.0, 2.4, 2.8, 3.2]
    exact = _engine.exact_enumeration("ising", "square", 4, 1.0, 0.0, 2, temps)
    check(sample("ising", "square", 4, 1.0, 0.0, 2, temps, alg, seed=3, pt=True, sweeps=40000),
          exact)


def test_parallel_tempering_exchanges_happen():
    sim = _engine.Simulation(model="ising", lattice="square", L=4, temperatures=[2.0, 2.2, 2.4],
                             seed=1, parallel_tempering=True)
    sim.thermalize(2000)
    acc = sim.exchange_acceptance
    assert len(acc) == 2 and all(0.05 < a < 1.0 for a in acc)


def test_cluster_rules_refuse_a_field():
    for alg in ("wolff", "sw"):
        with pytest.raises(ValueError, match="h = 0"):
            _engine.Simulation(model="ising", lattice="square", L=4, h=0.1, algorithm=alg)


def test_cluster_rules_refuse_antiferro_potts():
    with pytest.raises(ValueError, match="J > 0"):
        _engine.Simulation(model="potts", lattice="square", L=4, q=3, J=-1.0, algorithm="wolff")


@pytest.mark.parametrize("alg", ALL)
def test_antiferromagnet_staggered_order_against_enumeration(alg):
    """On a bipartite lattice the antiferromagnet's staggered magnetization is the
    ferromagnet's magnetization (flip one sublattice), so exact enumeration of the
    ferromagnet gives its exact values."""
    temps = [1.8, 2.6]
    exact = _engine.exact_enumeration("ising", "square", 4, 1.0, 0.0, 2, temps)
    sim = _engine.Simulation(model="ising", lattice="square", L=4, J=-1.0, algorithm=alg,
                             temperatures=temps, seed=21, threads=2)
    sim.thermalize(2000)
    out = sim.measure(60000, 2, 0)
    for i, T in enumerate(temps):
        s = _engine.summarize(out["e"][i], out["ms"][i], 16, T, 2, 32)
        within(s["m_abs"], exact["m_abs"][i], s["m_abs_err"])
        within(s["chi"], exact["chi"][i], s["chi_err"])
        within(s["binder"], exact["binder"][i], s["binder_err"])
