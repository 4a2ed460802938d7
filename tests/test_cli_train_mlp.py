"""`physml train mlp` and `physml predict` for networks, end to end, and bad input."""
import json
import shutil

import h5py
import numpy as np
import pytest

from test_cli_errors import assert_clean_failure


def test_phase_classifier_learns_and_predicts(physml, workdir, ising_data):
    res = physml("train", "mlp", ising_data, "--hidden", "32", "--activation", "sigmoid",
                 "--epochs", "15", "--batch-size", "32", "--optimizer", "adam", "--lr", "3e-3",
                 "--labels", "phase", "--output", "net.h5", "--json", "--plot", "curves.png")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert {"epochs", "wall_s", "train_acc", "val_acc", "test_acc"} <= set(out)
    assert out["epochs"] == 15
    # far from T_c the phases are obvious; at L = 12 the temperatures next to T_c are not
    assert out["test_acc"] > 0.85 and out["train_acc"] > 0.85
    assert (workdir / "curves.png").stat().st_size > 0
    with h5py.File(workdir / "net.h5") as f:
        assert f.attrs["physml_schema"] == "physml.model/1"
        assert f.attrs["model_kind"] == "mlp"
        assert f.attrs["architecture"] == "dense:32,sigmoid,dense:2"
        assert f["param_0"].shape == (144, 32) and f["param_3"].shape == (1, 2)
        assert f.attrs["lr"] == pytest.approx(3e-3) and f.attrs["labels"] == "phase"
        assert len(f["history_train_loss"]) == 15
    res = physml("predict", "net.h5", ising_data, "--json", "-o", "pred.h5")
    assert res.returncode == 0, res.stderr
    pred = json.loads(res.stdout)
    assert pred["n"] == 2400 and pred["score"] > 0.85
    with h5py.File(workdir / "pred.h5") as f:
        p = f["probability"][()]
        assert p.shape == (2400, 2) and np.allclose(p.sum(1), 1, atol=1e-5)
        # ordered-phase probability: high in the coldest, low in the hottest configurations
        assert p[:200, 1].mean() > 0.9 and p[-200:, 1].mean() < 0.1


def test_conv_network_temperature_labels_and_early_stopping(physml, workdir, ising_data):
    res = physml("train", "mlp", ising_data, "--conv", "4:3", "--hidden", "16", "--activation",
                 "relu", "--labels", "temperature", "--epochs", "30", "--patience", "2",
                 "--val-fraction", "0.2", "-o", "conv.h5", "--json", "--threads", "2")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["test_acc"] > 1 / 12  # better than guessing one of 12 temperatures
    with h5py.File(workdir / "conv.h5") as f:
        assert f.attrs["architecture"].startswith("conv:4:3,relu,dense:16")
        assert list(f["classes"][()]) == pytest.approx(list(np.linspace(1.2, 3.4, 12)))
        if out["stopped_early"]:
            assert len(f["history_val_loss"]) == out["best_epoch"] + 2
    res = physml("predict", "conv.h5", ising_data, "--json")
    assert res.returncode == 0, res.stderr
    assert set(json.loads(res.stdout)["predictions"]) <= set(np.round(np.linspace(1.2, 3.4, 12), 12))


def test_same_seed_same_model_for_one_and_two_threads(physml, workdir, ising_data):
    for t in ("1", "2"):
        res = physml("train", "mlp", ising_data, "--hidden", "64", "--dropout", "0.1",
                     "--epochs", "2", "--seed", "5", "--threads", t, "-o", f"m{t}.h5")
        assert res.returncode == 0, res.stderr
    with h5py.File(workdir / "m1.h5") as a, h5py.File(workdir / "m2.h5") as b:
        for k in ("param_0", "param_1", "param_2", "param_3"):
            assert np.array_equal(a[k][()], b[k][()])


def test_regression_on_plain_xy(physml, workdir):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(600, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2
    np.savez(workdir / "xy.npz", X=X, y=y)
    res = physml("train", "mlp", "xy.npz", "--labels", "y", "--hidden", "32,32", "--activation",
                 "tanh", "--epochs", "200", "--lr", "1e-2", "--batch-size", "32", "-o", "r.h5",
                 "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["test_acc"] is None and out["test_r2"] > 0.95
    res = physml("predict", "r.h5", "xy.npz", "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["score"] > 0.95


def test_bad_data(physml, workdir):
    np.savez(workdir / "noy.npz", X=np.ones((10, 3)))
    assert_clean_failure(physml("train", "mlp", "noy.npz", "--labels", "y", "-o", "m.h5"),
                         workdir, "no targets y", keep=("noy.npz",))
    X = np.ones((10, 3))
    X[2, 1] = np.nan
    np.savez(workdir / "nan.npz", X=X, y=np.arange(10) % 2)
    assert_clean_failure(physml("train", "mlp", "nan.npz", "--labels", "y", "-o", "m.h5"),
                         workdir, "NaN", keep=("noy.npz", "nan.npz"))
    np.savez(workdir / "ok.npz", X=np.ones((10, 3)), y=np.arange(10) % 2)
    assert_clean_failure(physml("train", "mlp", "ok.npz", "--labels", "y", "--conv", "2:3",
                                "-o", "m.h5"),
                         workdir, "--conv needs", keep=("noy.npz", "nan.npz", "ok.npz"))
    assert_clean_failure(physml("train", "mlp", "ok.npz", "--labels", "phase", "-o", "m.h5"),
                         workdir, "use --labels y", keep=("noy.npz", "nan.npz", "ok.npz"))


def test_predict_refuses_damaged_or_mismatched_models(physml, workdir, ising_data):
    shutil.copy(ising_data, workdir / "d.h5")
    np.savez(workdir / "wide.npz", X=np.ones((4, 7)), y=np.zeros(4))
    res = physml("train", "mlp", "wide.npz", "--labels", "y", "--loss", "cross-entropy",
                 "--hidden", "3", "--epochs", "1", "--test-fraction", "0", "--val-fraction", "0",
                 "-o", "m.h5")
    assert res.returncode == 0, res.stderr
    keep = ("d.h5", "wide.npz", "m.h5")
    assert_clean_failure(physml("predict", "m.h5", "d.h5", "--target", "phase"), workdir,
                         "the model expects 7", keep=keep)
    with h5py.File(workdir / "m.h5", "a") as f:
        del f["param_1"]
    assert_clean_failure(physml("predict", "m.h5", "wide.npz", "--target", "y"), workdir,
                         "damaged", keep=keep)
    (workdir / "junk.h5").write_bytes(b"not hdf5 at all")
    assert_clean_failure(physml("predict", "junk.h5", "wide.npz"), workdir, "junk.h5",
                         keep=keep + ("junk.h5",))
