"""Normalizing flows against exact results: the density integrates to one (grid), samples
follow it, the sampler inverts the density's map (ln q of a sample is the density at that
point), the NLL gradient matches finite differences (every coupling op), training improves
a toy density's fit and is thread-independent; the commands' files and errors."""
import json
import math

import h5py
import numpy as np
import pytest

from physml_cli import _engine
from physml_cli.io import schema
from physml_cli.workflows import flows


def _random_flow(coupling="affine", layers=4, hidden=(8,), seed=0, dim=2, scale=None):
    # splines with large random knots make densities too sharp for a grid to integrate
    scale = scale if scale is not None else (0.2 if coupling == "spline" else 0.5)
    rng = np.random.default_rng(seed)
    shapes = _engine.flow_parameter_shapes(dim, layers, list(hidden), coupling, "tanh")
    return {"dim": dim, "layers": layers, "hidden": list(hidden), "coupling": coupling,
            "activation": "tanh", "shift": rng.normal(size=dim),
            "spread": rng.uniform(0.5, 2.0, size=dim),
            "params": [scale * rng.normal(size=s) for s in shapes]}


@pytest.mark.parametrize("coupling", ["affine", "additive", "spline"])
def test_density_integrates_to_one(coupling):
    f = _random_flow(coupling)
    # the flow's mass lies within a few spreads of its shift; a fine grid covers it
    h = 0.02
    axes = [np.arange(m - 9 * s, m + 9 * s, h) for m, s in zip(f["shift"], f["spread"])]
    X = np.array(np.meshgrid(*axes)).reshape(2, -1).T
    total = np.exp(_engine.flow_log_prob(f, X)).sum() * h * h
    assert abs(total - 1) < 1e-3


@pytest.mark.parametrize("coupling", ["affine", "additive", "spline"])
def test_samples_carry_their_density_and_follow_it(coupling):
    f = _random_flow(coupling, seed=1)
    X, log_q = _engine.flow_sample(f, 20000, seed=3)
    # the sampler runs the map backwards: its ln q is the density evaluated at the sample
    assert np.abs(_engine.flow_log_prob(f, X) - log_q).max() < 1e-10
    # and the samples are distributed as the density says: moments against a grid integral
    h = 0.02
    axes = [np.arange(m - 9 * s, m + 9 * s, h) for m, s in zip(f["shift"], f["spread"])]
    G = np.array(np.meshgrid(*axes)).reshape(2, -1).T
    p = np.exp(_engine.flow_log_prob(f, G)) * h * h
    for k in range(2):
        exact = (G[:, k] * p).sum() / p.sum()
        assert abs(X[:, k].mean() - exact) < 4 * X[:, k].std() / math.sqrt(len(X))


@pytest.mark.parametrize("coupling", ["affine", "additive", "spline"])
def test_the_map_inverts_and_its_log_det_is_the_jacobian(coupling):
    f = _random_flow(coupling, seed=6, dim=3, layers=5)
    X = np.random.default_rng(2).normal(size=(30, 3)) * f["spread"] + f["shift"]
    Z, log_det = _engine.flow_to_base(f, X)
    back, log_det_back = _engine.flow_from_base(f, Z)
    assert np.abs(back - X).max() < 1e-10 and np.abs(log_det_back - log_det).max() < 1e-10
    eps = 1e-6
    for i in range(len(X)):
        J = np.empty((3, 3))
        for j in range(3):
            up, down = X[i].copy(), X[i].copy()
            up[j] += eps
            down[j] -= eps
            J[:, j] = (_engine.flow_to_base(f, up[None])[0][0] -
                       _engine.flow_to_base(f, down[None])[0][0]) / (2 * eps)
        assert abs(math.log(abs(np.linalg.det(J))) - log_det[i]) < 1e-6, (i, coupling)


@pytest.mark.parametrize("coupling", ["affine", "spline"])
def test_nll_gradient_matches_finite_differences(coupling):
    f = _random_flow(coupling, layers=3, hidden=(5, 4), seed=2)
    X = np.random.default_rng(5).normal(size=(40, 2)) * f["spread"] + f["shift"]
    value, grads = _engine.flow_nll_gradient(f, X)
    assert abs(value + np.mean(_engine.flow_log_prob(f, X))) < 1e-12
    rng = np.random.default_rng(7)
    for i in rng.choice(len(f["params"]), size=6, replace=False):
        for idx in [tuple(rng.integers(0, n) for n in f["params"][i].shape) for _ in range(3)]:
            eps = 1e-6
            plus = {**f, "params": [p.copy() for p in f["params"]]}
            minus = {**f, "params": [p.copy() for p in f["params"]]}
            plus["params"][i][idx] += eps
            minus["params"][i][idx] -= eps
            fd = (_engine.flow_nll_gradient(plus, X)[0] - _engine.flow_nll_gradient(minus, X)[0]) / (2 * eps)
            assert abs(fd - grads[i][idx]) < 1e-6 * max(1, abs(fd)), (i, idx, fd, grads[i][idx])


def test_an_untrained_flow_is_the_gaussian_of_the_data_moments():
    X = np.random.default_rng(0).normal(size=(500, 3)) * [1.0, 2.0, 0.5] + [1.0, -1.0, 0.0]
    t = _engine.FlowTrainer(X, 4, [8], "affine", "tanh", 1e-3, 64, 0, 1)
    f = t.flow()
    m, s = X.mean(0), X.std(0, ddof=1)
    gauss = (-0.5 * (((X - m) / s) ** 2).sum(1) - 1.5 * math.log(2 * math.pi) - np.log(s).sum())
    assert np.abs(_engine.flow_log_prob(f, X) - gauss).max() < 1e-12


@pytest.mark.parametrize("coupling", ["affine", "spline"])
def test_training_and_sampling_do_not_depend_on_threads(coupling):
    # batches of 2048 rows and 64-wide layers: large enough that the tape's products split
    X = _engine.toy_sample("moons", 4096, 1)
    a = _engine.FlowTrainer(X, 2, [64, 64], coupling, "tanh", 1e-3, 2048, 4, 1)
    b = _engine.FlowTrainer(X, 2, [64, 64], coupling, "tanh", 1e-3, 2048, 4, 3)
    assert [a.epoch() for _ in range(2)] == [b.epoch() for _ in range(2)]
    for p, q in zip(a.flow()["params"], b.flow()["params"]):
        assert (p == q).all()
    S1, l1 = _engine.flow_sample(a.flow(), 5000, seed=3, threads=1)
    S4, l4 = _engine.flow_sample(a.flow(), 5000, seed=3, threads=4)
    assert (S1 == S4).all() and (l1 == l4).all()
    # sample i depends on (seed, i) only: the first rows of a larger draw are the smaller one
    S8, _ = _engine.flow_sample(a.flow(), 8000, seed=3, threads=2)
    assert (S8[:5000] == S1).all()
    assert (_engine.flow_log_prob(a.flow(), S1, 1) == _engine.flow_log_prob(a.flow(), S1, 4)).all()


@pytest.mark.parametrize("coupling", ["affine", "spline"])
def test_training_fits_a_toy_density(coupling):
    X = _engine.toy_sample("ring", 4000, 1)
    held = _engine.toy_sample("ring", 2000, 2)
    H = -np.mean(_engine.toy_log_density("ring", held))
    a = _engine.FlowTrainer(X, 6, [32, 32], coupling, "tanh", 2e-3, 128, 4, 1)
    start = flows.nll(a.flow(), held, 1)
    for _ in range(15):
        a.epoch()
    end = flows.nll(a.flow(), held, 1)
    # from the moments' Gaussian (KL about 0.9 nats from the ring) most of the way to H
    assert start - H > 0.5 and end - H < 0.5 * (start - H), (start, end, H)
    assert end > H - 0.05  # a held-out NLL is an upper bound on the entropy, up to noise


def test_train_and_sample_a_toy_density(physml, workdir):
    r = physml("dataset", "toy", "--dist", "ring", "--samples", "3000", "--seed", "1", "-o",
               "ring.h5")
    assert r.returncode == 0, r.stderr
    r = physml("train", "flow", "ring.h5", "--layers", "4", "--hidden", "16", "--epochs", "3",
               "-q", "-o", "flow.h5", "--json")
    assert r.returncode == 0, r.stderr
    fit = json.loads(r.stdout)
    # KL(p|q) of the held-out rows is their NLL minus their entropy
    assert abs(fit["kl_test"] - (fit["nll_test"] - fit["entropy_test"])) < 1e-9
    model = schema.read_model("flow.h5")
    assert model["attrs"]["model_kind"] == "flow" and model["attrs"]["distribution"] == "ring"
    assert len(model["arrays"]["history_train_loss"]) == 3
    r = physml("sample", "flow.h5", "--samples", "400", "--seed", "2", "-o", "s.h5", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["samples"] == 400 and doc["outside_support"] == 0 and doc["kl_reverse"] > -0.1
    with h5py.File("s.h5") as f:
        assert f["X"].shape == (400, 2) and f["log_q"].shape == (400,)
        assert f.attrs["source_model"] == "flow.h5"
    # samples of a model are data again, but not draws of the true density
    r = physml("train", "flow", "s.h5", "--layers", "2", "--hidden", "8", "--epochs", "1", "-q",
               "-o", "again.h5", "--json")
    assert r.returncode == 0, r.stderr
    assert "kl_test" not in json.loads(r.stdout)


def test_damaged_flow_files_are_refused(physml, workdir):
    assert physml("dataset", "toy", "--dist", "ring", "--samples", "300", "-o", "ring.h5").returncode == 0
    assert physml("train", "flow", "ring.h5", "--layers", "2", "--hidden", "4", "--epochs", "1",
                  "-q", "-o", "flow.h5").returncode == 0
    for name, value, words in (("hidden", [], "hidden"), ("hidden", [2 ** 31 - 1], "hidden"),
                               ("distribution", "spiral", "spiral")):
        with h5py.File("flow.h5") as f, h5py.File("bad.h5", "w") as g:
            for k, v in f.attrs.items():
                g.attrs[k] = v
            for k in f:
                f.copy(k, g)
            g.attrs[name] = value
        r = physml("sample", "bad.h5", "-o", "s.h5", "--overwrite")
        assert r.returncode == 2 and words in r.stderr, (name, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    # a dataset claiming an unregistered density is refused before training
    with h5py.File("ring.h5", "a") as f:
        f.attrs["distribution"] = "spiral"
    r = physml("train", "flow", "ring.h5", "-o", "f2.h5")
    assert r.returncode == 2 and "spiral" in r.stderr, r.stderr


def test_train_flow_errors(physml, workdir):
    np.savez("one.npz", X=np.ones((50, 1)))
    np.savez("ok.npz", X=np.random.default_rng(0).normal(size=(50, 2)))
    assert physml("simulate", "--size", "4", "--temperatures", "2.5", "--sweeps", "50",
                  "--save-configs", "5", "-q", "-o", "sim.h5").returncode == 0
    cases = [
        (("train", "flow", "one.npz"), "at least two"),
        (("train", "flow", "sim.h5"), "spin configurations"),
        (("train", "flow", "ok.npz", "--layers", "0"), "--layers"),
        (("train", "flow", "ok.npz", "--hidden", "0"), "--hidden"),
        (("train", "flow", "ok.npz", "--coupling", "quadratic"), "quadratic"),
        (("train", "flow", "ok.npz", "--lr", "0"), "--lr"),
        (("train", "flow", "missing.npz"), "missing.npz"),
    ]
    for args, words in cases:
        r = physml(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
