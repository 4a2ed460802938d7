"""Restricted Boltzmann machines: partition function, likelihoods, training, sampling, CLI."""
import itertools
import json

import h5py
import numpy as np
import pytest

from physml_cli import _engine
from test_cli_errors import assert_clean_failure

rng = np.random.default_rng(3)


def random_rbm(nv, nh, scale=0.5):
    return rng.normal(size=(nv, nh)) * scale, rng.normal(size=nv) * 0.3, rng.normal(size=nh) * 0.3


def brute_log_z(W, b, c, pm):
    vals = [-1.0, 1.0] if pm else [0.0, 1.0]
    V = np.array(list(itertools.product(vals, repeat=len(b))))
    H = np.array(list(itertools.product(vals, repeat=len(c))))
    E = -(V @ W @ H.T) - (V @ b)[:, None] - (H @ c)[None, :]
    top = (-E).max()
    return top + np.log(np.exp(-E - top).sum()), V, E


@pytest.mark.parametrize("pm", [False, True])
@pytest.mark.parametrize("shape", [(7, 4), (4, 7)])  # enumerate hidden, then visible
def test_exact_log_partition_and_free_energy(pm, shape):
    W, b, c = random_rbm(*shape)
    log_z, V, E = brute_log_z(W, b, c, pm)
    assert _engine.rbm_log_partition(W, b, c, pm, "exact")[0] == pytest.approx(log_z, rel=1e-12)
    F = _engine.rbm_free_energy(W, b, c, V, pm)
    assert np.allclose(-F, np.log(np.exp(-E).sum(axis=1)), rtol=1e-12)


@pytest.mark.parametrize("pm", [False, True])
def test_ais_agrees_with_exact(pm):
    W, b, c = random_rbm(14, 10, scale=0.4)
    exact = _engine.rbm_log_partition(W, b, c, pm, "exact")[0]
    est, err = _engine.rbm_log_partition(W, b, c, pm, "ais", 400, 800, 5, 2)
    assert 0 < err < 0.05
    assert abs(est - exact) <= 4 * err
    again = _engine.rbm_log_partition(W, b, c, pm, "ais", 400, 800, 5, 1)
    assert again == (est, err), "AIS does not depend on the thread count"


def test_pseudo_log_likelihood_definition():
    W, b, c = random_rbm(6, 3)
    V = rng.integers(0, 2, size=(50, 6)).astype(float)
    pll = _engine.rbm_pseudo_log_likelihood(W, b, c, V, False, 0)
    F = _engine.rbm_free_energy(W, b, c, V, False)
    # brute force over the flipped unit actually drawn is not visible from outside;
    # the average over all single flips must bracket a one-flip estimate's mean closely
    terms = []
    for i in range(6):
        Vf = V.copy()
        Vf[:, i] = 1 - Vf[:, i]
        terms.append(-np.logaddexp(0, -(_engine.rbm_free_energy(W, b, c, Vf, False) - F)))
    full = 6 * np.mean(terms)
    assert pll < 0 and abs(pll - full) < 0.5 * abs(full)


def bars_and_stripes(n=3):
    rows = []
    for bits in itertools.product([0, 1], repeat=n):
        img = np.tile(np.array(bits)[:, None], (1, n))
        rows += [img.ravel(), img.T.ravel()]
    return np.unique(np.array(rows, dtype=float), axis=0)


def exact_mean_loglik(p, data, pm=False):
    W, b, c = p["W"], p["b_visible"], p["b_hidden"]
    return -_engine.rbm_free_energy(W, b, c, data, pm).mean() - \
        _engine.rbm_log_partition(W, b, c, pm, "exact")[0]


def test_contrastive_divergence_learns_bars_and_stripes():
    data = np.repeat(bars_and_stripes(), 20, axis=0)
    before = exact_mean_loglik(_engine.rbm_train(data, 12, 1, 0, 10, False, 0.1, 0.5, 0.0, 1), data)
    after = exact_mean_loglik(_engine.rbm_train(data, 12, 1, 60, 10, False, 0.1, 0.5, 0.0, 1), data)
    assert before == pytest.approx(-9 * np.log(2), abs=0.05)  # tiny weights: uniform
    assert after > before + 2.0


@pytest.mark.parametrize("persistent", [False, True])
@pytest.mark.parametrize("pm", [False, True])
def test_learns_independent_units_to_their_entropy(persistent, pm):
    p = np.array([0.1, 0.3, 0.5, 0.7, 0.9, 0.2])
    data = (rng.random((2000, 6)) < p).astype(float)
    if pm:
        data = 2 * data - 1
    q = data.mean(0) if not pm else (data.mean(0) + 1) / 2
    entropy = -(q * np.log(q) + (1 - q) * np.log(1 - q)).sum()  # the best any model can do
    fit = _engine.rbm_train(data, 4, 1, 20, 10, persistent, 0.05, 0.0, 0.0, 2, 1, pm)
    ll = exact_mean_loglik(fit, data, pm)
    assert -entropy - 0.02 < ll <= -entropy + 1e-9


def test_training_and_sampling_are_reproducible():
    data = np.repeat(bars_and_stripes(), 5, axis=0)
    a = _engine.rbm_train(data, 6, 2, 5, 7, True, 0.05, 0.5, 1e-3, 9, 1, False)
    b = _engine.rbm_train(data, 6, 2, 5, 7, True, 0.05, 0.5, 1e-3, 9, 2, False)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    s1 = _engine.rbm_sample(a["W"], a["b_visible"], a["b_hidden"], False, 50, 20, 4, 1)
    s2 = _engine.rbm_sample(a["W"], a["b_visible"], a["b_hidden"], False, 50, 20, 4, 2)
    assert np.array_equal(s1, s2)


def test_sampling_an_uncoupled_machine():
    b = np.array([-1.0, 0.0, 2.0])
    S = _engine.rbm_sample(np.zeros((3, 2)), b, np.zeros(2), False, 20000, 3, 1, 2)
    p = 1 / (1 + np.exp(-b))
    assert np.all(np.abs(S.mean(0) - p) <= 4 * np.sqrt(p * (1 - p) / 20000))


def test_bad_parameters():
    with pytest.raises(ValueError, match="data must lie in"):
        _engine.rbm_train(np.array([[2.0, 0.0]]), 2)
    with pytest.raises(ValueError, match=r"\+-1"):
        _engine.rbm_train(np.array([[0.0, 1.0]]), 2, plus_minus=True)
    with pytest.raises(ValueError, match="do not match"):
        _engine.rbm_free_energy(np.zeros((3, 2)), np.zeros(2), np.zeros(2), np.zeros((1, 3)))


@pytest.fixture(scope="module")
def ising_data(tmp_path_factory):
    from conftest import run_physml
    d = tmp_path_factory.mktemp("rbm")
    res = run_physml("simulate", "--size", "4", "--temperatures", "2.5", "--sweeps", "8000",
                     "--save-configs", "800", "--algorithm", "wolff", "-q", "-o", str(d / "is.h5"))
    assert res.returncode == 0, res.stderr
    return d / "is.h5"


def test_cli_train_and_sample(physml, workdir, ising_data):
    res = physml("train", "rbm", ising_data, "--hidden", "8", "--epochs", "5", "--cd-k", "2",
                 "--persistent", "-o", "rbm.h5", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) == {"epochs", "wall_s", "pseudo_loglik", "loglik"}
    assert out["loglik"]["method"] == "exact" and out["loglik"]["value"] < 0
    with h5py.File(workdir / "rbm.h5") as f:
        assert f["W"].shape == (16, 8) and f["b_visible"].shape == (16,)
        assert f["b_hidden"].shape == (8,) and f.attrs["units"] == "pm1"
    res = physml("sample", "rbm.h5", "--samples", "300", "--gibbs-steps", "50", "-o", "s.h5",
                 "--json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["algorithm"] == "rbm" and d["results"][0]["T"] == 2.5
    with h5py.File(workdir / "s.h5") as f:
        assert f.attrs["physml_schema"] == "physml.simulation/1"
        assert f["configs"].shape == (1, 300, 4, 4) and set(np.unique(f["configs"][()])) <= {-1, 1}
    assert physml("info", "s.h5").returncode == 0


def test_cli_ais_for_large_layers(physml, workdir):
    X = (rng.random((200, 30)) < 0.3).astype(float)
    np.savez(workdir / "x.npz", X=X)
    res = physml("train", "rbm", "x.npz", "--hidden", "25", "--epochs", "2", "--ais-runs", "50",
                 "--ais-betas", "200", "-o", "r.h5", "--json")
    assert res.returncode == 0, res.stderr
    ll = json.loads(res.stdout)["loglik"]
    assert ll["method"] == "ais" and ll["err"] > 0


@pytest.mark.parametrize("args,fragment", [
    (["--hidden", "0"], "--hidden"),
    (["--lr", "0"], "--lr"),
    (["--momentum", "1"], "--momentum"),
    (["--units", "01", "--ais-runs", "1"], "--ais-runs"),
])
def test_cli_bad_training_arguments(physml, workdir, ising_data, args, fragment):
    assert_clean_failure(physml("train", "rbm", ising_data, *args, "-o", "o.h5"), workdir, fragment)


def test_cli_sample_refuses_non_rbm_and_plain_data_models(physml, workdir):
    np.savez(workdir / "x.npz", X=(rng.random((40, 6)) < 0.5).astype(float))
    assert physml("train", "rbm", "x.npz", "--hidden", "3", "-o", "r.h5").returncode == 0
    assert_clean_failure(physml("sample", "r.h5", "-o", "s.h5"), workdir, "single temperature",
                         keep=["x.npz", "r.h5"])
    np.savez(workdir / "lin.npz", X=rng.normal(size=(30, 2)), y=rng.normal(size=30))
    assert physml("train", "linear", "lin.npz", "-o", "lin.h5").returncode == 0
    assert_clean_failure(physml("sample", "lin.h5", "-o", "s.h5"), workdir, "holds a linear model",
                         keep=["x.npz", "r.h5", "lin.npz", "lin.h5"])
