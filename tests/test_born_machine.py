"""The MPS Born machine against exact results: normalisation and likelihoods by enumeration,
exact sampling against the enumerated distribution, the canonical form the sweeps keep,
bars and stripes learnt to NLL = ln 30, Ising configurations regenerated with Monte Carlo's
energy and magnetisation; thread and seed independence; the commands' errors."""
import itertools
import json
import math

import h5py
import numpy as np
import pytest

from physml_cli import _engine
from physml_cli.io import schema
from physml_cli.workflows import born_machine


def _random_mps(dims, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(dims[k], dims[k + 1])), rng.normal(size=(dims[k], dims[k + 1])))
            for k in range(len(dims) - 1)]


def _all(n):
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.uint8)


def _dense_probabilities(tensors):
    """p(v) of every configuration (binary order) by multiplying the matrices out."""
    n = len(tensors)
    amps = []
    for v in _all(n):
        m = np.ones((1, 1))
        for k, s in enumerate(v):
            m = m @ tensors[k][s]
        amps.append(m[0, 0])
    amps = np.array(amps)
    return amps ** 2 / (amps ** 2).sum()


BAS_4 = math.log(30)


def test_log_probabilities_are_the_dense_contraction_and_sum_to_one():
    tensors = _random_mps([1, 2, 4, 3, 3, 2, 1], seed=1)
    lp = _engine.born_log_probabilities(tensors, _all(6))
    p = _dense_probabilities(tensors)
    assert np.abs(np.exp(lp) - p).max() < 1e-13
    assert abs(np.exp(lp).sum() - 1) < 1e-13


def test_log_norm_is_the_sum_of_squared_amplitudes():
    tensors = _random_mps([1, 3, 2, 4, 1], seed=2)
    amps = []
    for v in _all(4):
        m = np.ones((1, 1))
        for k, s in enumerate(v):
            m = m @ tensors[k][s]
        amps.append(m[0, 0])
    assert abs(_engine.born_log_norm(tensors) - math.log(np.sum(np.square(amps)))) < 1e-12


def test_exact_samples_follow_the_enumerated_distribution():
    tensors = _random_mps([1, 2, 3, 2, 2, 1], seed=4)
    p = _dense_probabilities(tensors)
    n = 40000
    v = _engine.born_sample(tensors, n, seed=7)
    index = v.astype(np.int64) @ (1 << np.arange(4, -1, -1))
    freq = np.bincount(index, minlength=32) / n
    sigma = np.sqrt(p * (1 - p) / n)
    # 32 cells: 4.5 sigma leaves a chance of ~2e-4 that a correct sampler fails
    assert (np.abs(freq - p) <= 4.5 * sigma + 1e-12).all(), np.abs(freq - p) / sigma


def test_samples_depend_on_the_seed_only():
    tensors = _random_mps([1, 2, 4, 4, 2, 1], seed=5)
    a = _engine.born_sample(tensors, 500, seed=3, threads=1)
    b = _engine.born_sample(tensors, 500, seed=3, threads=4)
    c = _engine.born_sample(tensors, 500, seed=4, threads=1)
    assert (a == b).all() and (a != c).any()
    # the first rows of a larger draw are the smaller draw
    assert (_engine.born_sample(tensors, 800, seed=3)[:500] == a).all()


def test_bars_and_stripes_patterns():
    X = _engine.bars_and_stripes(4, 4)
    assert X.shape == (30, 16) and len(np.unique(X, axis=0)) == 30
    img = X.reshape(-1, 4, 4)
    rows_constant = (img == img[:, :, :1]).all(axis=(1, 2))
    cols_constant = (img == img[:, :1, :]).all(axis=(1, 2))
    assert (rows_constant | cols_constant).all()
    assert _engine.bars_and_stripes(2, 3).shape == (2 ** 2 + 2 ** 3 - 2, 6)


def _trained(X, sweeps, bond_dim=16, threads=1, cutoff=1e-7):
    t = _engine.BornTrainer(X, [], threads)
    reports = [t.sweep(bond_dim, cutoff, 0.05, 2) for _ in range(sweeps)]
    return t, reports


def test_sweeps_keep_the_mps_right_canonical_and_normalised():
    X = _engine.bars_and_stripes(3, 3)
    t, _ = _trained(X, 3)
    tensors = t.tensors()
    a0, a1 = tensors[0]
    assert abs((a0 ** 2).sum() + (a1 ** 2).sum() - 1) < 1e-12
    for a0, a1 in tensors[1:]:
        gram = a0 @ a0.T + a1 @ a1.T
        assert np.abs(gram - np.eye(len(gram))).max() < 1e-12
    assert abs(_engine.born_log_norm(tensors)) < 1e-12


def test_trained_machine_is_normalised_by_enumeration():
    X = _engine.bars_and_stripes(3, 4)
    t, reports = _trained(X, 4)
    lp = _engine.born_log_probabilities(t.tensors(), _all(12))
    assert abs(np.exp(lp).sum() - 1) < 1e-12
    # the reported NLL is that of the data under the enumerated distribution
    index = X.astype(np.int64) @ (1 << np.arange(11, -1, -1))
    assert abs(-lp[index].mean() - reports[-1]["nll"]) < 1e-10


def test_bars_and_stripes_reach_ln_30_at_bond_dimension_16():
    X = _engine.bars_and_stripes(4, 4)
    t, reports = _trained(X, 10)
    assert abs(reports[-1]["nll"] - BAS_4) < 1e-3
    assert max(born_machine.pack(t.tensors())["bond_dims"]) <= 16
    # the likelihood only improves, sweep after sweep, once the bonds have grown
    nll = [r["nll"] for r in reports]
    assert all(b <= a + 1e-9 for a, b in zip(nll[2:], nll[3:]))
    # nearly every sample is a pattern of the set
    v = _engine.born_sample(t.tensors(), 2000, seed=1)
    patterns = {tuple(x) for x in X}
    assert np.mean([tuple(x) in patterns for x in v]) > 0.99


def test_a_small_bond_dimension_truncates_and_costs_likelihood():
    X = _engine.bars_and_stripes(4, 4)
    t, reports = _trained(X, 6, bond_dim=2)
    assert max(born_machine.pack(t.tensors())["bond_dims"]) <= 2
    assert reports[-1]["nll"] > BAS_4 + 0.1
    assert all(0 < r["discarded_weight"] < 1 for r in reports[1:])


def test_training_does_not_depend_on_threads():
    rng = np.random.default_rng(0)
    X = (rng.random((1500, 10)) < 0.3).astype(np.uint8)  # more rows than one engine chunk
    a, ra = _trained(X, 2, bond_dim=6, threads=1)
    b, rb = _trained(X, 2, bond_dim=6, threads=3)
    assert [r["nll"] for r in ra] == [r["nll"] for r in rb]
    for (x0, x1), (y0, y1) in zip(a.tensors(), b.tensors()):
        assert (x0 == y0).all() and (x1 == y1).all()


def test_pack_and_unpack_are_inverse():
    tensors = _random_mps([1, 2, 3, 1], seed=9)
    arrays = born_machine.pack(tensors)
    assert len(arrays["tensors"]) == schema.mps_coefficients(arrays["bond_dims"])
    for (a0, a1), (b0, b1) in zip(tensors, born_machine.unpack(arrays)):
        assert (a0 == b0).all() and (a1 == b1).all()


def test_engine_refuses_bad_machines_and_data():
    with pytest.raises(ValueError, match="chain"):
        _engine.born_log_probabilities([(np.ones((1, 2)), np.ones((1, 2))),
                                        (np.ones((3, 1)), np.ones((3, 1)))], _all(2))
    with pytest.raises(ValueError, match="sites"):
        _engine.born_log_probabilities(_random_mps([1, 2, 1]), _all(3))
    with pytest.raises(ValueError, match="0 or 1"):
        _engine.BornTrainer(np.full((3, 4), 2, dtype=np.uint8), [], 1)


# ------------------------------------------------------------------------------------------
# The commands

def test_dataset_train_and_sample_bars_and_stripes(physml, workdir):
    r = physml("dataset", "bas", "--size", "4", "-o", "bas.h5", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["patterns"] == 30 and abs(doc["nll_floor"] - BAS_4) < 1e-12
    r = physml("train", "mps", "bas.h5", "--bond-dim", "16", "-q", "-o", "mps.h5", "--json")
    assert r.returncode == 0, r.stderr
    fit = json.loads(r.stdout)
    assert abs(fit["nll"] - BAS_4) < 1e-3 and abs(fit["nll_floor"] - BAS_4) < 1e-12
    model = schema.read_model("mps.h5")
    assert model["attrs"]["model_kind"] == "mps" and model["attrs"]["image_shape"] == [4, 4]
    assert len(model["arrays"]["history_nll"]) == 10
    r = physml("sample", "mps.h5", "--samples", "500", "--seed", "2", "-o", "drawn.h5", "--json")
    assert r.returncode == 0, r.stderr
    drawn = json.loads(r.stdout)
    assert drawn["samples"] == 500 and drawn["distinct"] <= 30
    # the samples' mean -ln p estimates the entropy, ln 30 for the uniform set
    assert abs(drawn["nll"] - BAS_4) < 1e-3
    with h5py.File("drawn.h5") as f:
        assert f.attrs["physml_schema"] == schema.DATASET and f["X"].shape == (500, 16)
    # and the samples are data a Born machine can be trained on again
    r = physml("train", "mps", "drawn.h5", "--bond-dim", "4", "--sweeps", "1", "-q", "-o", "again.h5")
    assert r.returncode == 0, r.stderr


def _ising_4x4_entropy(T):
    s = np.array(list(itertools.product((-1, 1), repeat=16))).reshape(-1, 4, 4)
    E = -(s * np.roll(s, 1, 1)).sum((1, 2)) - (s * np.roll(s, 1, 2)).sum((1, 2))
    p = np.exp(-(E - E.min()) / T)
    p /= p.sum()
    return float(-(p * np.log(p)).sum())


def test_ising_configurations_are_regenerated_with_monte_carlo_observables(physml, workdir):
    # 4x4 square Ising near T_c: 10000 Wolff configurations, 10 updates apart. The model's
    # energy is biased up by the weight it spreads over configurations the data never showed
    # (docs/learning.md); near T_c, with 10000 rows, that is about 1 % at chi 16.
    r = physml("simulate", "--size", "4", "--temperatures", "2.3", "--algorithm", "wolff",
               "--thermalize", "500", "--sweeps", "100000", "--measure-every", "10",
               "--save-configs", "10000", "--seed", "3", "-q", "-o", "ising.h5")
    assert r.returncode == 0, r.stderr
    r = physml("train", "mps", "ising.h5", "--bond-dim", "16", "--test-fraction", "0.1", "-q",
               "-o", "mps.h5", "--json")
    assert r.returncode == 0, r.stderr
    fit = json.loads(r.stdout)
    # held-out rows: their mean -ln q estimates H(p) + KL(p|q) >= H(p), with an error of
    # about 1.5 / sqrt(1000) = 0.05; the fit at chi 16 reaches a KL of about 0.17
    H = _ising_4x4_entropy(2.3)
    assert H - 0.2 < fit["nll_test"] < H + 0.4, (fit, H)
    r = physml("sample", "mps.h5", "--samples", "20000", "--seed", "5", "-o", "gen.h5", "--json")
    assert r.returncode == 0, r.stderr
    gen = schema.read_simulation("gen.h5")["summary"]
    mc = schema.read_simulation("ising.h5")["summary"]
    for k in ("e", "m_abs"):
        assert abs(gen[k][0] - mc[k][0]) <= 0.02 * abs(mc[k][0]), (k, gen[k][0], mc[k][0])


def test_a_test_share_that_rounds_to_no_rows_holds_none_out(physml, workdir):
    assert physml("dataset", "bas", "--size", "3", "-o", "bas.h5").returncode == 0
    r = physml("train", "mps", "bas.h5", "--test-fraction", "0.01", "--sweeps", "1", "-q",
               "-o", "m.h5", "--json")
    assert r.returncode == 0 and "Warning" not in r.stderr, r.stderr
    assert "nll_test" not in json.loads(r.stdout)


def test_long_chains_do_not_underflow_the_training():
    # 3000 sites: unscaled partial products of the uniform state would be 2^-1500 = 0
    X = (np.random.default_rng(1).random((4, 3000)) < 0.5).astype(np.uint8)
    t = _engine.BornTrainer(X, [], 1)
    r = t.sweep(2, 1e-7, 0.05, 1)
    assert r["rejected_steps"] < 3000 and r["nll"] < 3000 * math.log(2) - 1


def test_train_mps_errors(physml, workdir):
    assert physml("dataset", "bas", "--size", "3", "-o", "bas.h5").returncode == 0
    np.savez("real.npz", X=np.random.default_rng(0).normal(size=(20, 5)))
    np.savez("one.npz", X=np.ones((20, 1)))
    cases = [
        (("train", "mps", "bas.h5", "--bond-dim", "0"), "--bond-dim"),
        (("train", "mps", "real.npz"), "binary"),
        (("train", "mps", "one.npz"), "at least two sites"),
        (("train", "mps", "missing.h5"), "missing.h5"),
        (("dataset", "bas", "--size", "13"), "--size"),
        (("dataset", "stripes"), "stripes"),
    ]
    for args, words in cases:
        r = physml(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_damaged_or_foreign_models_are_refused_by_sample(physml, workdir):
    assert physml("dataset", "bas", "--size", "3", "-o", "bas.h5").returncode == 0
    assert physml("train", "mps", "bas.h5", "--bond-dim", "4", "--sweeps", "2", "-q",
                  "-o", "mps.h5").returncode == 0
    with h5py.File("mps.h5", "a") as f:
        t = f["tensors"][()]
        del f["tensors"]
        f["tensors"] = t[:-1]
    r = physml("sample", "mps.h5", "-o", "s.h5")
    assert r.returncode == 2 and "tensors holds" in r.stderr, r.stderr
    assert physml("train", "hopfield", "bas.h5", "-o", "hop.h5").returncode == 0
    r = physml("sample", "hop.h5", "-o", "s.h5")
    assert r.returncode == 2 and "hopfield" in r.stderr, r.stderr
