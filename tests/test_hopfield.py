"""Hopfield networks: learning rules, energy descent, recall, capacity, CLI."""
import json

import h5py
import numpy as np
import pytest

from physml_cli import _engine
from test_cli_errors import assert_clean_failure

rng = np.random.default_rng(7)


def random_patterns(P, N):
    return rng.choice(np.array([-1, 1], dtype=np.int8), size=(P, N))


def stable(W, patterns):
    return [np.array_equal(_engine.hopfield_recall(W, p, max_sweeps=1)["state"], p) for p in patterns]


def test_hebbian_couplings():
    xi = random_patterns(3, 50)
    W = _engine.hopfield_learn(xi, "hebbian")
    expect = xi.T.astype(float) @ xi / 50
    np.fill_diagonal(expect, 0)
    assert np.allclose(W, expect) and np.allclose(W, W.T)
    assert all(stable(W, xi))


def test_pseudoinverse_stores_correlated_patterns():
    base = random_patterns(1, 100)[0]
    # 30 patterns that share 70% of their neurons: Hebbian learning mixes them up
    xi = np.array([np.where(rng.random(100) < 0.3, random_patterns(1, 100)[0], base)
                   for _ in range(30)], dtype=np.int8)
    W = _engine.hopfield_learn(xi, "pseudoinverse")
    assert np.allclose(W, W.T) and np.allclose(np.diag(W), 0)
    assert all(stable(W, xi))
    assert not all(stable(_engine.hopfield_learn(xi, "hebbian"), xi))


def test_storkey_beats_hebbian_near_capacity():
    xi = random_patterns(36, 200)  # load 0.18, above the Hebbian limit
    heb = sum(stable(_engine.hopfield_learn(xi, "hebbian"), xi))
    sto = sum(stable(_engine.hopfield_learn(xi, "storkey"), xi))
    assert sto > heb and sto == len(xi)


@pytest.mark.parametrize("rule", ["hebbian", "pseudoinverse", "storkey"])
def test_asynchronous_zero_temperature_never_raises_the_energy(rule):
    W = _engine.hopfield_learn(random_patterns(40, 120), rule)  # a glassy landscape
    for trial in range(5):
        s = random_patterns(1, 120)[0]
        energies = [_engine.hopfield_energy(W, s)]
        for sweep in range(30):
            s = _engine.hopfield_recall(W, s, max_sweeps=1, seed=trial, stream=sweep)["state"]
            energies.append(_engine.hopfield_energy(W, s))
        assert all(b <= a + 1e-12 for a, b in zip(energies, energies[1:]))
        assert _engine.hopfield_recall(W, s, max_sweeps=1000)["converged"]


def test_recall_from_corrupted_patterns():
    xi = random_patterns(6, 300)
    W = _engine.hopfield_learn(xi, "hebbian")
    for k, p in enumerate(xi):
        noisy = np.where(rng.random(300) < 0.15, -p, p).astype(np.int8)
        for sync in (False, True):
            out = _engine.hopfield_recall(W, noisy, synchronous=sync, seed=k)
            assert np.array_equal(out["state"], p)


def test_glauber_dynamics_at_high_temperature_forgets():
    xi = random_patterns(3, 400)
    W = _engine.hopfield_learn(xi, "hebbian")
    out = _engine.hopfield_recall(W, xi[0], temperature=5.0, max_sweeps=20, seed=1)
    overlap = lambda s: float(s.astype(int) @ xi[0].astype(int)) / 400
    assert abs(overlap(out["state"])) < 0.3  # T far above T_c = 1: no memory
    cold = _engine.hopfield_recall(W, xi[0], temperature=0.3, max_sweeps=20, seed=1)
    assert overlap(cold["state"]) > 0.9


def test_modern_hopfield_stores_more_patterns_than_neurons():
    xi = random_patterns(300, 64)  # load ~ 4.7
    hits = 0
    for p in xi[:40]:
        noisy = np.where(rng.random(64) < 0.1, -p, p).astype(np.int8)
        hits += np.array_equal(_engine.modern_hopfield_update(xi, noisy, 1.0, 2), p)
    assert hits == 40


def test_capacity_threshold_is_thread_independent_and_near_theory():
    loads = list(np.linspace(0.08, 0.22, 15))
    a = _engine.hopfield_capacity(600, loads, 6, 8, 0.0, "hebbian", 3, 1)
    b = _engine.hopfield_capacity(600, loads, 6, 8, 0.0, "hebbian", 3, 2)
    assert a == b
    assert np.all(np.diff(a["overlap"][:4]) <= 1e-12) or max(a["overlap"][:4]) > 0.99
    # finite N shifts the apparent threshold; 0.138 is the N -> infinity value
    assert 0.11 < a["alpha_c"] < 0.17 and 0 < a["alpha_c_err"] < 0.02


def test_cli_train_and_recall(physml, workdir):
    xi = random_patterns(8, 150)
    np.savez(workdir / "pats.npz", X=(xi + 1) // 2)  # 0/1 data is accepted
    res = physml("train", "hopfield", "pats.npz", "--rule", "storkey", "-o", "net.h5", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["stable_patterns"] == 8
    res = physml("hopfield", "recall", "net.h5", "--corrupt", "0.1", "--json", "-o", "r.h5")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["recovered_fraction"] == 1.0 and out["patterns"] == list(range(8))
    with h5py.File(workdir / "r.h5") as f:
        assert f.attrs["physml_schema"] == "physml.recall/1"
        assert np.array_equal(f["final"][()], xi)
    res = physml("hopfield", "recall", "net.h5", "--dynamics", "modern", "--json")
    assert json.loads(res.stdout)["recovered_fraction"] == 1.0
    res = physml("hopfield", "recall", "net.h5", "--corrupt", "0.1")  # text goes to stderr
    assert res.returncode == 0 and res.stdout == "" and "mean final overlap" in res.stderr


def test_cli_capacity(physml, workdir):
    res = physml("hopfield", "capacity", "--neurons", "300", "--loads", "0.05:0.3:11",
                 "--trials", "4", "--probes", "5", "--json", "--plot", "c.png")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert {"alpha_c", "alpha_c_err", "loads", "overlap"} <= set(out)
    assert len(out["overlap"]) == 11 and (workdir / "c.png").exists()


@pytest.mark.parametrize("args,fragment", [
    (["hopfield", "capacity", "--neurons", "1"], "--neurons"),
    (["hopfield", "capacity", "--loads", "0:1:3"], "> 0"),
    (["hopfield", "capacity", "--trials", "1"], "--trials"),
    (["hopfield", "capacity", "--corrupt", "0.7"], "--corrupt"),
    (["hopfield", "capacity", "--rule", "oja"], "oja"),
    (["hopfield", "recall", "missing.h5"], "no such file"),
    (["train", "hopfield", "missing.npz"], "no such file"),
])
def test_cli_bad_input(physml, workdir, args, fragment):
    assert_clean_failure(physml(*args), workdir, fragment)


def test_cli_rejects_non_binary_patterns_and_foreign_models(physml, workdir):
    np.savez(workdir / "real.npz", X=rng.normal(size=(4, 10)))
    assert_clean_failure(physml("train", "hopfield", "real.npz"), workdir, "+-1 or 0/1",
                         keep=["real.npz"])
    np.savez(workdir / "d.npz", X=rng.normal(size=(30, 3)), y=rng.normal(size=30))
    assert physml("train", "linear", "d.npz", "-o", "lin.h5").returncode == 0
    assert_clean_failure(physml("hopfield", "recall", "lin.h5"), workdir, "not a Hopfield",
                         keep=["real.npz", "d.npz", "lin.h5"])
