"""The enumeration itself against closed forms, before it judges the samplers."""
import math

import numpy as np
import pytest

from physml_cli import _engine


@pytest.mark.parametrize("T", [0.7, 1.5, 4.0])
@pytest.mark.parametrize("J", [1.0, -1.0])
def test_ising_chain_transfer_matrix(T, J):
    N, b = 10, 1.0 / T
    lam1, lam2 = 2 * math.cosh(b * J), 2 * math.sinh(b * J)
    # Z = lam1^N + lam2^N for the periodic chain; e = -(1/N) d ln Z / d beta
    z = lam1 ** N + lam2 ** N
    dz = N * lam1 ** (N - 1) * 2 * J * math.sinh(b * J) + N * lam2 ** (N - 1) * 2 * J * math.cosh(b * J)
    e_exact = -dz / z / N
    ex = _engine.exact_enumeration("ising", "chain", N, J, 0.0, 2, [T])
    assert ex["e"][0] == pytest.approx(e_exact, rel=1e-12)


def test_two_state_potts_is_ising_at_half_coupling():
    # delta(s, s') = (1 + s s') / 2: Potts(J) = Ising(J/2) shifted by -J/2 per bond
    T = [1.0, 2.0]
    p = _engine.exact_enumeration("potts", "square", 3, 2.0, 0.0, 2, T)
    i = _engine.exact_enumeration("ising", "square", 3, 1.0, 0.0, 2, T)
    assert np.allclose(p["e"], i["e"] - 2.0 * 0.5 * 2.0, rtol=1e-12)  # 2 bonds per site
    assert np.allclose(p["c"], i["c"], rtol=1e-10)


def test_ground_state_limit():
    ex = _engine.exact_enumeration("ising", "square", 4, 1.0, 0.0, 2, [0.05])
    assert ex["e"][0] == pytest.approx(-2.0, abs=1e-9)
    assert ex["m_abs"][0] == pytest.approx(1.0, abs=1e-9)


def test_refuses_huge_state_space():
    with pytest.raises(ValueError, match="too many"):
        _engine.exact_enumeration("ising", "square", 6, 1.0, 0.0, 2, [1.0])
