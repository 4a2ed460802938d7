"""The engine's MADE: the autoregressive property, normalisation, exact sampling, gradients
against finite differences; the REINFORCE gradient of the variational free energy against
its exact value by enumeration."""
import itertools

import numpy as np
import pytest

from physml_cli import _engine as E


def all_configs(n):
    return np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)


def perturbed(net, seed=0, scale=0.5):
    p = np.asarray(net.parameters)
    net.parameters = p + scale * np.random.default_rng(seed).standard_normal(p.size)
    return net


@pytest.mark.parametrize("depth,width", [(1, 1), (2, 2), (3, 3)])
def test_output_i_ignores_inputs_from_i_on(depth, width):
    net = perturbed(E.Made(7, depth, width, "tanh", 2))
    cfg = all_configs(7)[::5]
    z = np.asarray(net.logits(cfg))
    for j in range(7):
        moved = cfg.copy()
        moved[:, j] *= -1
        dz = np.abs(np.asarray(net.logits(moved)) - z).max(axis=0)
        assert dz[: j + 1].max() == 0.0, (j, dz)
        if j < 6:
            assert dz[j + 1:].max() > 1e-6  # and later outputs do see s_j


@pytest.mark.parametrize("depth,width,activation", [(1, 1, "tanh"), (2, 3, "relu"),
                                                     (3, 2, "sigmoid")])
def test_q_sums_to_one(depth, width, activation):
    net = perturbed(E.Made(12, depth, width, activation, 1), scale=1.0)
    q = np.exp(np.asarray(net.log_prob(all_configs(12))))
    assert abs(q.sum() - 1) < 1e-12


def test_samples_follow_q_and_carry_their_log_q():
    """Frequencies of 40 000 samples of N = 5 against q: chi-square within 5 sigma of its
    mean (31 degrees of freedom); the same rows for one and two threads."""
    net = perturbed(E.Made(5, 2, 2, "tanh", 3), scale=0.8)
    cfg = all_configs(5)
    q = np.exp(np.asarray(net.log_prob(cfg)))
    s, lq = net.sample(40000, 7, 0, 2)
    s1, lq1 = net.sample(40000, 7, 0, 1)
    assert np.array_equal(np.asarray(s), np.asarray(s1)) and np.array_equal(lq, lq1)
    np.testing.assert_allclose(np.asarray(net.log_prob(s)), lq, atol=1e-12)
    index = ((np.asarray(s) + 1) // 2) @ (2 ** np.arange(4, -1, -1))
    counts = np.bincount(index, minlength=32)
    expected = 40000 * q
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert abs(chi2 - 31) < 5 * np.sqrt(2 * 31), chi2


def test_weighted_gradient_matches_finite_differences():
    net = perturbed(E.Made(5, 2, 2, "tanh", 4))
    cfg = all_configs(5)[::3]
    w = np.random.default_rng(1).standard_normal(len(cfg))
    g, lq = net.weighted_gradient(cfg, list(w), 1)
    p0 = np.asarray(net.parameters)
    live = np.flatnonzero(p0)  # masked weights are zero and stay zero
    eps = 1e-6
    for k in live[:: max(1, len(live) // 40)]:
        up, down = p0.copy(), p0.copy()
        up[k] += eps
        down[k] -= eps
        net.parameters = up
        fu = w @ np.asarray(net.log_prob(cfg))
        net.parameters = down
        fd = w @ np.asarray(net.log_prob(cfg))
        assert abs(g[k] - (fu - fd) / (2 * eps)) < 1e-6 * max(1, abs(g[k]))
    net.parameters = p0
    assert np.abs(np.asarray(g)[p0 == 0]).max() == 0


@pytest.mark.parametrize("z2", [False, True])
def test_reinforce_gradient_against_the_exact_gradient(z2):
    """3 x 3 Ising at beta = 0.4: the exact grad beta F_q = sum_s q(s) (f(s) - <f>) grad log q(s)
    by enumeration of the 512 configurations (with the Z2 mixture, q and its gradient are the
    mixture's); the REINFORCE estimate from 200 000 samples agrees within 5 % of its norm."""
    system = E.ClassicalSystem.ising("square", 3)
    net = perturbed(E.Made(9, 2, 2, "tanh", 5), scale=0.3)
    beta = 0.4
    cfg = all_configs(9)
    E_s = np.asarray(system.energies(cfg))
    if z2:
        lp, lm = np.asarray(net.log_prob(cfg)), np.asarray(net.log_prob(-cfg))
        lq = np.logaddexp(lp, lm) - np.log(2)
        f = lq + beta * E_s
        q = np.exp(lq)
        w = q * (f - q @ f)
        both = np.concatenate([cfg, -cfg])
        share = np.concatenate([np.exp(lp - np.logaddexp(lp, lm)), np.exp(lm - np.logaddexp(lp, lm))])
        exact, _ = net.weighted_gradient(both, list(np.concatenate([w, w]) * share), 1)
    else:
        lq = np.asarray(net.log_prob(cfg))
        q = np.exp(lq)
        f = lq + beta * E_s
        exact, _ = net.weighted_gradient(cfg, list(q * (f - q @ f)), 1)
    trainer = E.VanTrainer(system, net, beta, batch=200000, z2=z2, threads=2, seed=3)
    estimate = np.asarray(trainer.gradient(0, beta))
    exact = np.asarray(exact)
    assert np.linalg.norm(estimate - exact) < 0.05 * np.linalg.norm(exact)
