"""Square-lattice Ising below T_c against Onsager's and Yang's exact results."""
import math

import pytest

from conftest import within
from physml_cli import _engine

T_C = 2.0 / math.log(1.0 + math.sqrt(2.0))


def spontaneous_magnetization(T):
    return (1.0 - math.sinh(2.0 / T) ** -4) ** 0.125 if T < T_C else 0.0


def elliptic_k(k):
    """Complete elliptic integral of the first kind via the arithmetic-geometric mean."""
    a, b = 1.0, math.sqrt(1.0 - k * k)
    while abs(a - b) > 1e-15:
        a, b = (a + b) / 2.0, math.sqrt(a * b)
    return math.pi / (2.0 * a)


def onsager_energy(T):
    b = 1.0 / T
    k = 2.0 * math.sinh(2 * b) / math.cosh(2 * b) ** 2
    return -1.0 / math.tanh(2 * b) * (1 + 2 / math.pi * (2 * math.tanh(2 * b) ** 2 - 1) * elliptic_k(k))


def test_critical_temperature_value():
    assert T_C == pytest.approx(2.269185314213022, rel=1e-14)


@pytest.mark.parametrize("algorithm", ["wolff", "metropolis"])
def test_spontaneous_magnetization_and_energy(algorithm):
    L, temps = 64, [2.0, 2.1]
    sim = _engine.Simulation(model="ising", lattice="square", L=L, algorithm=algorithm,
                             temperatures=temps, seed=17, threads=2, init="ordered")
    sim.thermalize(1000)
    sweeps = 20000 if algorithm == "wolff" else 60000
    out = sim.measure(sweeps, 2, 0)
    for i, T in enumerate(temps):
        s = _engine.summarize(out["e"][i], out["m"][i], L * L, T, 2, 32)
        assert s["m_abs_err"] < 0.001
        within(s["m_abs"], spontaneous_magnetization(T), s["m_abs_err"])
        within(s["e"], onsager_energy(T), s["e_err"])
