"""Damaged inputs: every command that reads a file kind answers a damaged one with one line
`physml: error: ...` naming the file and exit code 2, never a traceback or a silent result.

The valid files are made once by the real CLI at tiny sizes; each case damages a copy one way
(flipped bytes, a missing attribute or dataset, a string or shorter dataset, NaN, a truncated
or empty file, out-of-range progress counters) and runs every reader of that kind. The CLI
runs in-process (its entry point, exactly as `physml` calls it) to keep this fast."""
import contextlib
import io
import os
import shutil
import sys
import traceback

import h5py
import numpy as np
import pytest

from conftest import InterruptAfter
from physml_cli.cli import main
from physml_cli.io import validate
from physml_cli.workflows import simulate

SIM = ["simulate", "--size", "4", "--temperatures", "2.0,3.0", "--thermalize", "10",
       "--sweeps", "40", "--measure-every", "2", "--save-configs", "8", "--seed", "3", "-q"]
CKPT_RUN = ["simulate", "--size", "4", "--temperatures", "2.0", "--thermalize", "20",
            "--sweeps", "400", "--measure-every", "2", "--save-configs", "4", "--seed", "3",
            "-q", "--checkpoint-every", "0"]
VMC = ["vmc", "--size", "4", "--iterations", "2", "--samples", "64", "--chains", "2", "-q"]
VMC_MORE = ["vmc", "--size", "4", "--iterations", "1", "--samples", "64", "--chains", "2", "-q"]


def physml(*args):
    """(exit code, stdout, stderr) of `physml args`; an exception escaping main() is a
    traceback the user would have seen, returned as code None."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["physml", *map(str, args)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # noqa: BLE001 - what the user would get as a traceback
                code = None
                err.write(traceback.format_exc())
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def assert_refused(args, name):
    code, out, err = physml(*args)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, (args, code, err)
    assert lines[0].startswith("physml: error:") and "Traceback" not in err, err
    assert name in lines[0], (args, lines[0])


def ok(*args):
    code, out, err = physml(*args)
    assert code == 0, (args, code, err)
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The valid files, made by the CLI once for the module."""
    d = tmp_path_factory.mktemp("valid")
    here = os.getcwd()
    os.chdir(d)
    try:
        ok(*SIM, "-o", "sim.h5")
        ok(*SIM[:4], "2.0", *SIM[5:], "-o", "one.h5")
        ok(*SIM, "--shard", "0/2", "-o", "s0.h5")
        ok(*SIM, "--shard", "1/2", "-o", "s1.h5")
        ok("train", "linear", "sim.h5", "--target", "energy", "-o", "lin.h5")
        ok("train", "mlp", "sim.h5", "--labels", "phase", "--tc", "2.5", "--hidden", "3",
           "--epochs", "1", "--test-fraction", "0", "--val-fraction", "0", "-o", "mlp.h5")
        ok("train", "rbm", "one.h5", "--hidden", "3", "--epochs", "1", "-o", "rbm.h5")
        ok("train", "hopfield", "one.h5", "--patterns", "2", "-o", "hop.h5")
        ok(*VMC, "-o", "vmc.h5")
        X = np.where(np.random.default_rng(0).random((12, 16)) < 0.5, -1.0, 1.0)
        np.savez("arr.npz", X=X, y=np.arange(12) % 2)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(simulate, "CHUNK_SECONDS", 1e-12)
            mp.setattr(simulate, "SignalCatcher", InterruptAfter(40))
            code, _, err = physml(*CKPT_RUN, "-o", "run.h5")
        assert code == 143 and os.path.exists("run.h5.ckpt"), err
    finally:
        os.chdir(here)
    return d


@pytest.fixture
def files(made, tmp_path, monkeypatch):
    for name in os.listdir(made):
        shutil.copy(made / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# Damage, each on a file in place.

def flip(path, dataset, data=b"\xff\xff", at_end=True):
    """Overwrite bytes inside a contiguous dataset's storage (as a disk or copy error would)."""
    with h5py.File(path, "r") as f:
        d = f[dataset]
        offset, size = d.id.get_offset(), d.id.get_storage_size()
    assert offset is not None, f"{dataset} is not contiguous"
    with open(path, "r+b") as fh:
        fh.seek(offset + (size - len(data) if at_end else 0))
        fh.write(data)


def xor_byte(path, dataset, mask):
    with h5py.File(path, "r") as f:
        offset = f[dataset].id.get_offset()
    with open(path, "r+b") as fh:
        fh.seek(offset)
        b = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([b[0] ^ mask]))


def edit(path, fn):
    with h5py.File(path, "a") as f:
        fn(f)


def replace(name, value):
    def fn(f):
        del f[name]
        f[name] = value
    return fn


def delete(name):
    def fn(f):
        del f[name]
    return fn


def del_attr(name):
    def fn(f):
        del f.attrs[name]
    return fn


def set_attr(name, value):
    def fn(f):
        f.attrs[name] = value
    return fn


def shorten(name):
    def fn(f):
        a = f[name][()]
        del f[name]
        f[name] = a[:-1]
    return fn


def nan_in(name):
    def fn(f):
        a = f[name][()].astype(np.float64)
        a.flat[0] = np.nan
        del f[name]
        f[name] = a
    return fn


def truncate(path):
    data = open(path, "rb").read()
    open(path, "wb").write(data[: len(data) // 2])


def empty(path):
    open(path, "wb").close()


def hdf5_damages(state, attr, count_dataset):
    """The ways an HDF5 file is damaged: (name, function of the path)."""
    return [
        ("flip", lambda p: flip(p, state)),
        ("no-attr", lambda p: edit(p, del_attr(attr))),
        ("no-dataset", lambda p: edit(p, delete(count_dataset))),
        ("string", lambda p: edit(p, replace(count_dataset, "garbage"))),
        ("shorter", lambda p: edit(p, shorten(count_dataset))),
        ("nan", lambda p: edit(p, nan_in(state))),
        ("truncated", truncate),
        ("empty", empty),
    ]


# What reads each kind: argument lists with F for the damaged file.
SIM_READERS = [
    ["info", "F"],
    ["train", "linear", "F", "-o", "o.h5"],
    ["train", "mlp", "F", "--labels", "phase", "--tc", "2.5", "--hidden", "2", "--epochs", "1",
     "-o", "o.h5"],
    ["train", "rbm", "F", "--hidden", "2", "--epochs", "1", "-o", "o.h5"],
    ["train", "hopfield", "F", "-o", "o.h5"],
    ["predict", "lin.h5", "F"],
    ["detect-transition", "F", "sim.h5"],
]


def run_all(files, target, damage, readers):
    damage(str(files / target))
    for args in readers:
        assert_refused([target if a == "F" else a for a in args], target)


@pytest.mark.parametrize("case,damage", hdf5_damages("temperatures", "L", "series/energy"))
def test_simulation(files, case, damage):
    # a shard file is a simulation file: the same copy also feeds merge
    run_all(files, "s0.h5", damage, SIM_READERS + [["merge", "F", "s1.h5", "-o", "m.h5"]])


@pytest.mark.parametrize("case,damage", [
    ("spin-out-of-range", lambda p: edit(p, lambda f: f["configs"].__setitem__((0, 0, 0, 0), 5))),
    ("config-energy-nan", lambda p: edit(p, nan_in("config_energy"))),
    ("lattice-shape", lambda p: edit(p, lambda f: f["lattice"].attrs.__setitem__("shape", [4, 5]))),
    ("L-string", lambda p: edit(p, set_attr("L", "four"))),
    ("energy-below-ground-state", lambda p: edit(p, lambda f: f["series/energy"].__setitem__(
        (0, 0), -2.38))),
])
def test_simulation_values(files, case, damage):
    run_all(files, "sim.h5", damage, SIM_READERS[:-1] + [["detect-transition", "F", "one.h5"]])


@pytest.mark.parametrize("case,damage", hdf5_damages("coef", "n_features", "intercept"))
def test_linear_model(files, case, damage):
    run_all(files, "lin.h5", damage, [["info", "F"], ["predict", "F", "sim.h5"]])


@pytest.mark.parametrize("case,damage", hdf5_damages("param_0", "input_shape", "param_1") + [
    ("input-shape", lambda p: edit(p, set_attr("input_shape", "[2, 3, 1]"))),
    ("architecture", lambda p: edit(p, set_attr("architecture", "dense:7,sigmoid,dense:2"))),
])
def test_mlp_model(files, case, damage):
    run_all(files, "mlp.h5", damage, [["info", "F"], ["predict", "F", "sim.h5"]])


@pytest.mark.parametrize("case,damage", hdf5_damages("W", "visible", "b_hidden"))
def test_rbm_model(files, case, damage):
    run_all(files, "rbm.h5", damage, [["info", "F"], ["sample", "F", "-o", "o.h5"]])


@pytest.mark.parametrize("case,damage", hdf5_damages("W", "neurons", "patterns"))
def test_hopfield_model(files, case, damage):
    run_all(files, "hop.h5", damage, [["info", "F"], ["hopfield", "recall", "F"]])


def reseal(path):
    """What a careful forger would do: fix the checksum after an edit, so that only the
    schema's checks stand between the edit and a wrong result."""
    with h5py.File(path, "a") as f:
        validate.seal(f)


def set_progress(**counters):
    def fn(f):
        import json
        p = json.loads(f.attrs["progress"])
        p.update(counters)
        f.attrs["progress"] = json.dumps(p)
    return fn


CKPT_DAMAGES = hdf5_damages("engine/betas", "params", "energy/0") + [
    ("spin-flipped", lambda p: xor_byte(p, "engine/spins", 0xFE)),          # still ±1
    ("counter-edited", lambda p: edit(p, set_progress(meas_done=84))),
    ("counter-too-big", lambda p: (edit(p, set_progress(meas_done=10**6)), reseal(p))),
    ("counter-negative", lambda p: (edit(p, set_progress(meas_done=-84)), reseal(p))),
    ("counter-mismatch", lambda p: (edit(p, set_progress(meas_done=2)), reseal(p))),
    ("stage-past-end", lambda p: (edit(p, set_progress(stage=7)), reseal(p))),
    ("spin-value", lambda p: (edit(p, lambda f: f["engine/spins"].__setitem__(0, 3)), reseal(p))),
    ("slots", lambda p: (edit(p, lambda f: f["engine/replica_of_slot"].__setitem__(0, 9)),
                         reseal(p))),
    ("no-checksum", lambda p: edit(p, del_attr(validate.CHECKSUM_ATTR))),
]


@pytest.mark.parametrize("case,damage", CKPT_DAMAGES)
def test_checkpoint(files, case, damage):
    damage(str(files / "run.h5.ckpt"))
    assert_refused([*CKPT_RUN, "-o", "run.h5", "--resume"], "run.h5.ckpt")
    if case != "no-checksum":  # an old file without one is listed, not refused
        assert_refused(["info", "run.h5.ckpt"], "run.h5.ckpt")
    assert not (files / "run.h5").exists()


def test_sound_checkpoint_resumes_to_the_straight_run(files):
    ok(*CKPT_RUN, "-o", "run.h5", "--resume")
    ok(*CKPT_RUN, "-o", "straight.h5")
    with h5py.File(files / "run.h5") as a, h5py.File(files / "straight.h5") as b:
        for k in ("configs", "series/energy", "series/magnetization"):
            assert np.array_equal(a[k][()], b[k][()]), k


VMC_DAMAGES = hdf5_damages("parameters", "iterations", "energy") + [
    ("parameter-bit", lambda p: xor_byte(p, "parameters", 0x01)),       # tiny, still finite
    ("chain-value", lambda p: (edit(p, lambda f: f["chains"].__setitem__((0, 0), 0)), reseal(p))),
    ("iterations", lambda p: (edit(p, set_attr("iterations", 5)), reseal(p))),
    ("n-sites", lambda p: (edit(p, set_attr("n_sites", 6)), reseal(p))),
]


@pytest.mark.parametrize("case,damage", VMC_DAMAGES)
def test_vmc(files, case, damage):
    run_all(files, "vmc.h5", damage, [["info", "F"], [*VMC_MORE, "-o", "F", "--resume"]])


def test_vmc_without_checksum_still_resumes(files):
    """Files of older versions carry no checksum: checked against the schema, then resumed."""
    edit(str(files / "vmc.h5"), del_attr(validate.CHECKSUM_ATTR))
    ok(*VMC_MORE, "-o", "vmc.h5", "--resume")
    with h5py.File(files / "vmc.h5") as f:
        assert validate.CHECKSUM_ATTR in f.attrs and f.attrs["iterations"] == 3


NPZ_READERS = [
    ["train", "linear", "F", "-o", "o.h5"],
    ["train", "mlp", "F", "--labels", "y", "--hidden", "2", "--epochs", "1", "-o", "o.h5"],
    ["train", "rbm", "F", "--hidden", "2", "--epochs", "1", "-o", "o.h5"],
    ["train", "hopfield", "F", "-o", "o.h5"],
    ["predict", "lin.h5", "F"],
]


def rewrite_npz(**arrays):
    def fn(p):
        np.savez(p, **arrays)
    return fn


@pytest.mark.parametrize("case,damage", [
    ("truncated", truncate),
    ("empty", empty),
    ("garbage", lambda p: open(p, "wb").write(os.urandom(300))),
    ("no-X", rewrite_npz(y=np.arange(4))),
    ("string-X", rewrite_npz(X=np.array(["a", "b"]), y=np.arange(2))),
    ("nan", rewrite_npz(X=np.full((4, 16), np.nan), y=np.arange(4))),
    ("object", lambda p: np.savez(p, X=np.array([[1], [1, 2]], dtype=object), y=np.arange(2))),
])
def test_npz(files, case, damage):
    run_all(files, "arr.npz", damage, NPZ_READERS)


def test_sound_files_pass(files):
    for name in ("sim.h5", "s0.h5", "lin.h5", "mlp.h5", "rbm.h5", "hop.h5", "vmc.h5",
                 "run.h5.ckpt"):
        ok("info", name)
    ok("predict", "lin.h5", "sim.h5")
    ok("predict", "mlp.h5", "sim.h5")
    ok("merge", "s0.h5", "s1.h5", "-o", "m.h5")
    ok("info", "m.h5")
