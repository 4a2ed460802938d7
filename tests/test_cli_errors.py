"""Bad input: one line on stderr, exit code 2, no traceback, no file left behind."""
import os
import shutil

import h5py
import numpy as np
import pytest

SMALL = ["--size", "4", "--temperatures", "2.0", "--thermalize", "10", "--sweeps", "20",
         "--measure-every", "2", "-q"]


def assert_clean_failure(res, workdir, fragment, keep=()):
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("physml: error:") and "Traceback" not in res.stderr
    assert fragment in lines[0], lines[0]
    assert res.stdout == ""
    left = sorted(set(os.listdir(workdir)) - set(keep))
    assert left == [], f"left behind: {left}"


# Each command as the refused options below are tried on it (a small valid input where it
# needs one, kept in the folder for train mlp), and the words its refusal must contain.
CALLS = {
    "simulate": ["simulate", *SMALL, "--output", "out.h5"],
    "train linear": ["train", "linear", "{chain}", "-o", "out.h5"],
    "train mlp": ["train", "mlp", "d.h5", "-o", "m.h5"],
    "vmc": ["vmc", "--size", "6", "--iterations", "2"],
}

REFUSED = [
    ("simulate", ["--size", "1"], "at least 2"),
    ("simulate", ["--size", "abc"], "not a whole number"),
    ("simulate", ["--size", "4,4"], "appears twice"),
    ("simulate", ["--temperatures", "0:1:3"], "must be > 0"),
    ("simulate", ["--temperatures", "-1"], "must be > 0"),
    ("simulate", ["--temperatures", "nan"], "must be > 0"),
    ("simulate", ["--temperatures", "1:2"], "a:b:n"),
    ("simulate", ["--temperatures", "1:2:0"], "n must be >= 1"),
    ("simulate", ["--temperatures", "x,y"], "a:b:n"),
    ("simulate", ["--sweeps", "-5"], "--sweeps must be >= 0"),
    ("simulate", ["--sweeps", "0"], "--sweeps must be >= 1"),
    ("simulate", ["--thermalize", "-1"], "--thermalize must be >= 0"),
    ("simulate", ["--save-configs", "-1"], "--save-configs must be >= 0"),
    ("simulate", ["--measure-every", "0"], "--measure-every must be >= 1"),
    ("simulate", ["--measure-every", "3"], "multiple of --measure-every"),
    ("simulate", ["--threads", "0"], "--threads must be >= 1"),
    ("simulate", ["--model", "heisenberg"], "heisenberg"),
    ("simulate", ["--lattice", "kagome"], "kagome"),
    ("simulate", ["--algorithm", "hmc"], "hmc"),
    ("simulate", ["--model", "potts", "--q", "1"], "--q must be between 2 and 127"),
    ("simulate", ["--algorithm", "wolff", "--h", "0.5"], "needs h = 0"),
    ("simulate", ["--algorithm", "sw", "--model", "potts", "--J", "-1"], "needs J > 0"),
    ("simulate", ["--J", "inf"], "finite"),
    ("simulate", ["--sweeps", "ten"], "ten"),
    ("simulate", ["--parallel-tempering"], "at least two temperatures"),
    ("simulate", ["--parallel-tempering", "--anneal", "--temperatures", "1,2"],
     "exclude each other"),
    ("simulate", ["--resume", "--overwrite"], "exclude each other"),
    ("simulate", ["--resume"], "no checkpoint"),
    ("simulate", ["--lattice", "cubic", "--size", "100000"], "memory"),
    ("simulate", ["--checkpoint-every", "-1"], "--checkpoint-every"),
    ("train linear", ["--model", "svm"], "unknown --model"),
    ("train linear", ["--model", "lasso", "--alpha", "0"], "--alpha > 0"),
    ("train linear", ["--alpha", "-1"], ">= 0"),
    ("train linear", ["--alpha", "x"], "expected a number"),
    ("train linear", ["--alpha", "0.1,1"], "need --cv"),
    ("train linear", ["--cv", "1"], "--cv"),
    ("train linear", ["--test-fraction", "1.5"], "--test-fraction"),
    ("train linear", ["--l1-ratio", "2"], "--l1-ratio"),
    ("train linear", ["--target", "spin"], "unknown --target"),
    ("train linear", ["--target", "y"], "a simulation file has"),
    ("train linear", ["--model", "logistic", "--target", "energy"], "class labels"),
    ("train mlp", ["--lr", "0"], "--lr must be > 0"),
    ("train mlp", ["--lr", "-1e-3"], "--lr must be > 0"),
    ("train mlp", ["--hidden", "0,4"], "must be >= 1"),
    ("train mlp", ["--hidden", "-3"], "must be >= 1"),
    ("train mlp", ["--optimizer", "rmsprop"], "unknown --optimizer"),
    ("train mlp", ["--activation", "swish"], "unknown --activation"),
    ("train mlp", ["--labels", "energy"], "unknown --labels"),
    ("train mlp", ["--conv", "4:2"], "kernel size odd"),
    ("train mlp", ["--epochs", "0"], "must be >= 1"),
    ("train mlp", ["--patience", "2", "--val-fraction", "0"], "needs a validation set"),
    ("train mlp", ["--architecture", "dense:5,dense:7"], "outputs"),
    ("train mlp", ["--architecture", "dense:x"], "positive integer"),
    ("train mlp", ["--tc", "0.5"], "one side of T_c"),
    ("vmc", ["--hamiltonian", "ising"], "unknown --hamiltonian"),
    ("vmc", ["--size", "1"], "at least 2"),
    ("vmc", ["--lattice", "kagome"], "unknown --lattice"),
    ("vmc", ["--samples", "8", "--chains", "16"], "at least --chains"),
    ("vmc", ["--lr", "0"], "--lr must be > 0"),
    ("vmc", ["--lr", "-1"], "--lr must be > 0"),
    ("vmc", ["--diag-shift", "0"], "--diag-shift must be > 0"),
    ("vmc", ["--ansatz", "cnn"], "unknown --ansatz"),
    ("vmc", ["--ansatz", "rbm", "--alpha", "0"], "--alpha must be > 0"),
    ("vmc", ["--alpha", "0"], "--alpha must be >= 1"),
    ("vmc", ["--sampler", "exchange"], "does not conserve"),
    ("vmc", ["--hamiltonian", "heisenberg", "--lattice", "triangular", "--size", "3", "--marshall"],
     "bipartite"),
    ("vmc", ["--ansatz", "ffn", "--complex"], "--complex is available"),
    ("vmc", ["--ansatz", "ffn", "--architecture", "dense:x"], "dense"),
    ("vmc", ["--iterations", "-1"], "--iterations"),
    ("vmc", ["--optimizer", "lbfgs"], "unknown --optimizer"),
    ("vmc", ["--resume"], "--resume needs --output"),
    ("vmc", ["--output", "missing.h5", "--resume"], "no missing.h5"),
    ("vmc", ["--output", "nodir/run.h5"], "does not exist"),
    ("vmc", ["--lr", "nan"], "finite"),
]


@pytest.mark.parametrize("command,args,fragment", REFUSED,
                         ids=[f"{c}:{' '.join(a)}" for c, a, _ in REFUSED])
def test_refused_options(physml, workdir, chain_data, ising_data, command, args, fragment):
    keep = ()
    if command == "train mlp":
        shutil.copy(ising_data, workdir / "d.h5")
        keep = ("d.h5",)
    call = [str(chain_data) if a == "{chain}" else a for a in CALLS[command]]
    assert_clean_failure(physml(*call, *args), workdir, fragment, keep=keep)


def test_existing_output_needs_overwrite(physml, workdir):
    (workdir / "out.h5").write_bytes(b"precious")
    res = physml("simulate", *SMALL, "--output", "out.h5")
    assert_clean_failure(res, workdir, "exists", keep=["out.h5"])
    assert (workdir / "out.h5").read_bytes() == b"precious"


def test_output_folder_missing(physml, workdir):
    res = physml("simulate", *SMALL, "--output", "nowhere/out.h5")
    assert_clean_failure(res, workdir, "does not exist")


def test_output_folder_is_a_file(physml, workdir):
    (workdir / "afile").write_text("x")
    res = physml("simulate", *SMALL, "--output", "afile/out.h5")
    assert_clean_failure(res, workdir, "cannot write", keep=["afile"])


def test_unwritable_folder(physml, workdir):
    res = physml("simulate", *SMALL, "--output", "/proc/physml-out.h5")
    assert_clean_failure(res, workdir, "cannot write")


def test_plot_unwritable(physml, workdir):
    res = physml("simulate", *SMALL, "--output", "out.h5", "--plot", "missing/p.png")
    assert_clean_failure(res, workdir, "does not exist")


def test_info_missing_file(physml, workdir):
    assert_clean_failure(physml("info", "nope.h5"), workdir, "no such file")


def test_info_corrupt_file(physml, workdir):
    (workdir / "bad.h5").write_bytes(os.urandom(4096))
    assert_clean_failure(physml("info", "bad.h5"), workdir, "not a readable HDF5", keep=["bad.h5"])


def test_info_truncated_file(physml, workdir):
    assert physml("simulate", *SMALL, "--output", "good.h5").returncode == 0
    data = (workdir / "good.h5").read_bytes()
    (workdir / "cut.h5").write_bytes(data[: len(data) // 3])
    res = physml("info", "cut.h5")
    assert_clean_failure(res, workdir, "cut.h5", keep=["good.h5", "cut.h5"])


def test_info_foreign_hdf5(physml, workdir):
    with h5py.File(workdir / "foreign.h5", "w") as f:
        f["x"] = np.arange(3)
    assert_clean_failure(physml("info", "foreign.h5"), workdir, "not a physml file",
                         keep=["foreign.h5"])


def test_resume_from_corrupt_checkpoint(physml, workdir):
    (workdir / "out.h5.ckpt").write_bytes(os.urandom(2048))
    res = physml("simulate", *SMALL, "--output", "out.h5", "--resume")
    assert_clean_failure(res, workdir, "not a readable HDF5", keep=["out.h5.ckpt"])


def test_resume_from_a_simulation_file_posing_as_checkpoint(physml, workdir):
    assert physml("simulate", *SMALL, "--output", "a.h5").returncode == 0
    os.rename(workdir / "a.h5", workdir / "out.h5.ckpt")
    res = physml("simulate", *SMALL, "--output", "out.h5", "--resume")
    assert_clean_failure(res, workdir, "is not physml.checkpoint", keep=["out.h5.ckpt"])


def test_unknown_command(physml, workdir):
    res = physml("simulat")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
