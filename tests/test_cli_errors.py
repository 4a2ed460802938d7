"""Bad input: one line on stderr, exit code 2, no traceback, no file left behind."""
import os

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


BAD_SIMULATE = [
    (["--size", "1"], "at least 2"),
    (["--size", "abc"], "not a whole number"),
    (["--size", "4,4"], "appears twice"),
    (["--temperatures", "0:1:3"], "must be > 0"),
    (["--temperatures", "-1"], "must be > 0"),
    (["--temperatures", "nan"], "must be > 0"),
    (["--temperatures", "1:2"], "a:b:n"),
    (["--temperatures", "1:2:0"], "n must be >= 1"),
    (["--temperatures", "x,y"], "a:b:n"),
    (["--sweeps", "-5"], "--sweeps must be >= 0"),
    (["--sweeps", "0"], "--sweeps must be >= 1"),
    (["--thermalize", "-1"], "--thermalize must be >= 0"),
    (["--save-configs", "-1"], "--save-configs must be >= 0"),
    (["--measure-every", "0"], "--measure-every must be >= 1"),
    (["--measure-every", "3"], "multiple of --measure-every"),
    (["--threads", "0"], "--threads must be >= 1"),
    (["--model", "heisenberg"], "heisenberg"),
    (["--lattice", "kagome"], "kagome"),
    (["--algorithm", "hmc"], "hmc"),
    (["--model", "potts", "--q", "1"], "--q must be between 2 and 127"),
    (["--algorithm", "wolff", "--h", "0.5"], "needs h = 0"),
    (["--algorithm", "sw", "--model", "potts", "--J", "-1"], "needs J > 0"),
    (["--J", "inf"], "finite"),
    (["--sweeps", "ten"], "ten"),
    (["--parallel-tempering"], "at least two temperatures"),
    (["--parallel-tempering", "--anneal", "--temperatures", "1,2"], "exclude each other"),
    (["--resume", "--overwrite"], "exclude each other"),
    (["--resume"], "no checkpoint"),
    (["--lattice", "cubic", "--size", "100000"], "memory"),
    (["--checkpoint-every", "-1"], "--checkpoint-every"),
]


@pytest.mark.parametrize("extra,fragment", BAD_SIMULATE)
def test_bad_simulate_arguments(physml, workdir, extra, fragment):
    res = physml("simulate", *SMALL, *extra, "--output", "out.h5")
    assert_clean_failure(res, workdir, fragment)


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
