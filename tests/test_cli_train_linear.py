"""`physml train linear` end to end, and its bad-input handling."""
import json
import os

import h5py
import numpy as np
import pytest

from test_cli_errors import assert_clean_failure


def test_ridge_learns_the_chain_couplings(physml, workdir, chain_data):
    res = physml("train", "linear", chain_data, "--model", "ridge", "--alpha", "1e-4",
                 "--features", "pairs", "--target", "energy", "--output", "m.h5", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) >= {"model", "alpha", "coef", "intercept", "train_score", "test_score",
                        "wall_s"}
    J = np.array(out["coef"]).reshape(12, 12)
    i = np.arange(12)
    assert np.allclose(J[i, (i + 1) % 12], -0.5, atol=1e-3)
    assert out["test_score"] > 0.999999
    with h5py.File(workdir / "m.h5") as f:
        assert f.attrs["physml_schema"] == "physml.model/1"
        assert f.attrs["model"] == "ridge" and f.attrs["features"] == "pairs"
        assert f["coef"].shape == (1, 144)
        assert "train linear" in f.attrs["command_line"]


def test_cross_validation_and_lasso(physml, workdir, chain_data):
    res = physml("train", "linear", chain_data, "--model", "lasso", "--alpha", "1e-3:1:4",
                 "--cv", "3", "--features", "pairs", "-o", "l.h5", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert len(out["cv"]["scores"]) == 4 and out["alpha"] == pytest.approx(1e-3)


def test_logistic_phase_classifier(physml, workdir, chain_data):
    res = physml("train", "linear", chain_data, "--model", "logistic", "--alpha", "1",
                 "--target", "phase", "--tc", "2.5", "--features", "pairs", "-o", "p.h5",
                 "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert 0.5 < out["test_score"] <= 1.0


def test_npz_and_plain_hdf5(physml, workdir):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 3.0
    np.savez(workdir / "d.npz", X=X, y=y)
    with h5py.File(workdir / "d.h5", "w") as f:
        f["X"], f["y"] = X, y
    for src in ("d.npz", "d.h5"):
        res = physml("train", "linear", src, "--model", "ols", "-o", f"{src}.model.h5", "--json")
        assert res.returncode == 0, res.stderr
        out = json.loads(res.stdout)
        assert np.allclose(out["coef"], [1.0, -2.0, 0.5]) and out["intercept"] == pytest.approx(3.0)


def test_bad_files(physml, workdir):
    assert_clean_failure(physml("train", "linear", "none.h5", "-o", "o.h5"), workdir, "no such file")
    (workdir / "junk.h5").write_bytes(os.urandom(1000))
    assert_clean_failure(physml("train", "linear", "junk.h5", "-o", "o.h5"), workdir,
                         "not a readable HDF5", keep=["junk.h5"])
    np.savez(workdir / "nan.npz", X=np.array([[1.0, np.nan], [0, 1], [1, 1]]), y=np.ones(3))
    assert_clean_failure(physml("train", "linear", "nan.npz", "-o", "o.h5"), workdir, "NaN",
                         keep=["nan.npz", "junk.h5"])
    np.savez(workdir / "shape.npz", X=np.ones((5, 2)), y=np.ones(4))
    assert_clean_failure(physml("train", "linear", "shape.npz", "-o", "o.h5"), workdir,
                         "rows", keep=["nan.npz", "junk.h5", "shape.npz"])
    np.savez(workdir / "nolabels.npz", X=np.ones((5, 2)))
    assert_clean_failure(physml("train", "linear", "nolabels.npz", "-o", "o.h5"), workdir,
                         "no targets", keep=["nan.npz", "junk.h5", "shape.npz", "nolabels.npz"])


def test_predict_applies_a_trained_model(physml, workdir, chain_data):
    assert physml("train", "linear", chain_data, "--model", "ridge", "--alpha", "1e-4",
                  "--features", "pairs", "--standardize", "-o", "m.h5").returncode == 0
    res = physml("predict", "m.h5", chain_data, "--json", "-o", "p.h5")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["target"] == "energy" and out["score"] > 0.999999
    with h5py.File(chain_data) as f:
        energy = f["config_energy"][()].reshape(-1) * 12
    assert np.allclose(out["predictions"], energy, atol=1e-3)
    with h5py.File(workdir / "p.h5") as f:
        assert f.attrs["physml_schema"] == "physml.predictions/1"
        assert f["prediction"].shape == (len(energy),)


def test_predict_classifier_and_bad_input(physml, workdir, chain_data):
    assert physml("train", "linear", chain_data, "--model", "logistic", "--alpha", "1",
                  "--target", "phase", "--tc", "2.5", "--features", "pairs", "-o", "c.h5").returncode == 0
    res = physml("predict", "c.h5", chain_data, "--tc", "2.5", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out["predictions"]) <= {0, 1} and 0.5 < out["score"] <= 1
    np.savez(workdir / "few.npz", X=np.ones((5, 3)), y=np.ones(5))
    assert_clean_failure(physml("predict", "c.h5", "few.npz"), workdir, "",
                         keep=["c.h5", "few.npz"])
    assert_clean_failure(physml("predict", "missing.h5", "few.npz"), workdir, "no such file",
                         keep=["c.h5", "few.npz"])
