"""The parts one VMC iteration is made of, seen through the driver: the estimator's gradient,
the identity preconditioner (plain gradient), the optimiser shared with the network trainer
(SGD and Adam steps, state kept by name in checkpoint order), and proposals that keep S^z."""
import numpy as np
import pytest

from physml_cli import _engine as E


def driver(cls=E.VmcDriver, **kw):
    opts = dict(chains=4, samples_per_chain=16, discard=2, init_scale=0.2, seed=3)
    opts.update(kw)
    return cls("tfim", "chain", 6, **opts)


def expected_gradient(eloc, O):
    """2 <O_c^* (E_loc - <E>)>, the gradient the estimator should give."""
    e = np.asarray(eloc)
    Oc = O - O.mean(axis=0)
    return 2.0 * Oc.conj().T @ (e - e.mean()) / len(e)


@pytest.mark.parametrize("cls", [E.VmcDriver, E.VmcDriverComplex])
def test_identity_preconditioner_is_the_plain_gradient(cls):
    d = driver(cls, optimizer="sgd", lr=0.03)
    eloc, O, proposed, accepted = d.sample_step()
    p0 = np.array(d.parameters)
    g = expected_gradient(eloc, np.array(O))
    st = d.update_from(eloc, O, proposed, accepted, 4)
    np.testing.assert_allclose(np.array(d.parameters), p0 - 0.03 * g, rtol=0, atol=1e-12)
    assert st["gradient_norm"] == pytest.approx(np.linalg.norm(g), rel=1e-10)
    assert st["cg_iterations"] == 0 and st["sr_residual"] == 0


@pytest.mark.parametrize("cls", [E.VmcDriver, E.VmcDriverComplex])
def test_adam_steps_follow_the_bias_corrected_moments(cls):
    d = driver(cls, optimizer="adam", lr=0.02)
    b1, b2, eps = 0.9, 0.999, 1e-8
    p = np.array(d.parameters)
    m = np.zeros_like(p)
    v = np.zeros(p.shape)
    for t in (1, 2, 3):
        eloc, O, proposed, accepted = d.sample_step()
        g = expected_gradient(eloc, np.array(O))
        d.update_from(eloc, O, proposed, accepted, 4)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * np.abs(g) ** 2
        p = p - 0.02 * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        np.testing.assert_allclose(np.array(d.parameters), p, rtol=0, atol=1e-10)
    first, second, sr_x = d.optimizer_state
    np.testing.assert_allclose(first, m, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(np.real(second), v, rtol=1e-9, atol=1e-16)
    assert len(sr_x) == 0


@pytest.mark.parametrize("optimizer,filled", [("sgd", ()), ("adam", (0, 1)), ("sr", (2,))])
def test_optimizer_state_keeps_its_order(optimizer, filled):
    d = driver(optimizer=optimizer)
    assert [len(s) for s in d.optimizer_state] == [0, 0, 0]
    d.step()
    sizes = [len(s) for s in d.optimizer_state]
    assert sizes == [d.n_params if k in filled else 0 for k in range(3)]


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "sr"])
def test_optimizer_state_round_trips_whatever_the_optimizer(optimizer):
    d = driver(optimizer=optimizer)
    rng = np.random.default_rng(0)
    state = [rng.normal(size=d.n_params), rng.random(d.n_params), rng.normal(size=d.n_params)]
    d.optimizer_state = state
    for got, want in zip(d.optimizer_state, state):
        assert np.array_equal(got, want)
    with pytest.raises(ValueError):
        d.optimizer_state = state[:2]


@pytest.mark.parametrize("optimizer", ["adam", "sr"])
def test_resuming_from_the_state_repeats_the_run(optimizer):
    whole = driver(optimizer=optimizer)
    for _ in range(4):
        whole.step()
    first = driver(optimizer=optimizer)
    for _ in range(2):
        first.step()
    second = driver(optimizer=optimizer)
    second.parameters = first.parameters
    second.configs = first.configs
    second.optimizer_state = first.optimizer_state
    second.iteration = first.iteration
    for _ in range(2):
        second.step()
    assert np.array_equal(np.array(second.parameters), np.array(whole.parameters))
    for a, b in zip(second.optimizer_state, whole.optimizer_state):
        assert np.array_equal(a, b)


def test_exchange_proposals_keep_the_magnetization():
    d = E.VmcDriver("heisenberg", "chain", 8, sampler="exchange", n_up=3, chains=5,
                    samples_per_chain=8, marshall=True, seed=4, optimizer="sgd", lr=0.01)
    assert (np.asarray(d.configs).sum(axis=1) == 3 - 5).all()
    for _ in range(3):
        st = d.step()
        assert (np.asarray(d.configs).sum(axis=1) == 3 - 5).all()
    assert 0 < st["acceptance"] <= 1


def test_local_flips_change_the_magnetization():
    d = E.VmcDriver("heisenberg", "chain", 8, sampler="local", chains=5, samples_per_chain=8,
                    seed=4, optimizer="sgd", lr=0.01)
    before = np.asarray(d.configs).sum(axis=1)
    d.step()
    assert (np.asarray(d.configs).sum(axis=1) != before).any()


def test_exchange_needs_spin_flip_terms():
    with pytest.raises(ValueError, match="spin-flip"):
        E.VmcDriver("tfim", "chain", 6, sampler="exchange", h=0.0)


def test_proposals_are_registered_once_with_their_capability():
    entries = {d["name"]: d for d in E.registry()["vmc_proposal"]}
    assert list(entries) == ["local", "exchange", "direct"]
    assert [n for n, d in entries.items() if d["capabilities"]["samples_exactly"]] == ["direct"]
    assert entries["exchange"]["capabilities"]["conserves_sz"] is True
    assert entries["local"]["capabilities"]["conserves_sz"] is False
