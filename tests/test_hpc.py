"""Beyond one process: Slurm-style shards of a temperature grid with `physml merge`, and
`mpirun -n 2 physml simulate`, both identical to one process."""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

from conftest import run_physml
from test_cli_errors import assert_clean_failure

RUN = ["--size", "8", "--temperatures", "1.5:3.5:7", "--sweeps", "2000", "--thermalize", "100",
       "--save-configs", "20", "--seed", "5", "-q"]
PROVENANCE = {"command_line", "created_utc", "wall_s"}


def assert_same_file(a_path, b_path):
    with h5py.File(a_path) as a, h5py.File(b_path) as b:
        names = []
        a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        assert len(names) > 20
        for n in names:
            assert np.array_equal(a[n][()], b[n][()]), n
        for k in set(a.attrs) - PROVENANCE:
            assert str(a.attrs[k]) == str(b.attrs[k]), k


def test_shards_merge_into_the_unsharded_file(workdir):
    assert run_physml("simulate", *RUN, "-o", "full.h5").returncode == 0
    for i in range(3):
        assert run_physml("simulate", *RUN, "--shard", f"{i}/3", "-o", f"s{i}.h5").returncode == 0
    with h5py.File("s1.h5") as f:
        assert np.allclose(f["temperatures"][()], np.linspace(1.5, 3.5, 7)[1::3])  # interleaved
        assert f.attrs["shard"] == "1/3"
    res = run_physml("merge", "s2.h5", "s0.h5", "s1.h5", "-o", "merged.h5", "--json")
    assert res.returncode == 0, res.stderr
    assert_same_file("full.h5", "merged.h5")


def test_merge_refuses_gaps_overlaps_and_other_runs(workdir):
    for i in range(2):
        assert run_physml("simulate", *RUN, "--shard", f"{i}/2", "-o", f"s{i}.h5").returncode == 0
    other = [a if a != "5" else "6" for a in RUN]
    assert run_physml("simulate", *other, "--shard", "1/2", "-o", "seed6.h5").returncode == 0
    big = [a if a != "8" else "12" for a in RUN]
    assert run_physml("simulate", *big, "--shard", "1/2", "-o", "big.h5").returncode == 0
    assert run_physml("simulate", *RUN, "-o", "plain.h5").returncode == 0
    files = ("s0.h5", "s1.h5", "seed6.h5", "big.h5", "plain.h5")
    for args, fragment in [(["s0.h5"], "shard 1/2 missing"),
                           (["s0.h5", "s0.h5", "s1.h5"], "overlap"),
                           (["s0.h5", "seed6.h5"], "seed=6"),
                           (["s0.h5", "big.h5"], "L=12"),
                           (["plain.h5"], "not a shard"),
                           (["s0.h5", "nothere.h5"], "no such file")]:
        assert_clean_failure(run_physml("merge", *args, "-o", "m.h5"), workdir, fragment,
                             keep=files)


@pytest.mark.parametrize("shard,fragment", [("3/3", "0 <= i < n"), ("x", "expected i/n"),
                                            ("0/9", "more shards")])
def test_bad_shards(workdir, shard, fragment):
    assert_clean_failure(run_physml("simulate", *RUN, "--shard", shard, "-o", "s.h5"), workdir,
                         fragment)


def test_shard_refuses_parallel_tempering(workdir):
    assert_clean_failure(run_physml("simulate", *RUN, "--shard", "0/2", "--parallel-tempering",
                                    "-o", "s.h5"), workdir, "not with --parallel-tempering")


def mpiexec():
    here = shutil.which("mpiexec", path=os.path.dirname(sys.executable))
    return here or shutil.which("mpiexec")


needs_mpi = pytest.mark.skipif(
    mpiexec() is None or subprocess.run([sys.executable, "-c", "import mpi4py"]).returncode,
    reason="mpi4py and an MPI launcher (pip install '.[mpi]')")


@needs_mpi
def test_mpirun_two_ranks_equals_one_process(workdir):
    two = ["--size", "8,12"] + RUN[2:]
    assert run_physml("simulate", *two, "-o", "serial.h5").returncode == 0
    res = subprocess.run([mpiexec(), "-n", "2", sys.executable, "-m", "physml_cli", "simulate",
                          *two, "-o", "mpi.h5", "--json"], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.count('"model"') == 2  # rank 0 reports each size once
    for L in (8, 12):
        assert_same_file(f"serial_L{L}.h5", f"mpi_L{L}.h5")
    assert sorted(os.listdir(".")) == ["mpi_L12.h5", "mpi_L8.h5", "serial_L12.h5", "serial_L8.h5"]


@needs_mpi
@pytest.mark.parametrize("algorithm", ["metropolis", "sw"])
def test_mpirun_parallel_tempering_equals_one_process(workdir, algorithm):
    """Replicas shared out over ranks, exchanges decided from all ranks' energies: the file
    of one process, exchange acceptances included."""
    two = ["--size", "8,12", *RUN[2:], "--parallel-tempering", "--algorithm", algorithm]
    assert run_physml("simulate", *two, "-o", "serial.h5").returncode == 0
    res = mpi_physml("simulate", *two, "-o", "mpi.h5", "--json")
    assert res.returncode == 0, res.stderr
    assert res.stdout.count('"model"') == 2
    warnings = [line for line in res.stderr.splitlines() if line.startswith("warning")]
    assert len(warnings) == len(set(warnings))  # reported once, by rank 0
    for L in (8, 12):
        assert_same_file(f"serial_L{L}.h5", f"mpi_L{L}.h5")
        with h5py.File(f"mpi_L{L}.h5") as f:
            acc = f["extras/exchange_acceptance"][()]
        assert len(acc) == 6 and np.all((acc > 0) & (acc < 1))
    assert sorted(os.listdir(".")) == ["mpi_L12.h5", "mpi_L8.h5", "serial_L12.h5", "serial_L8.h5"]


@needs_mpi
@pytest.mark.parametrize("extra,fragment", [(["--anneal"], "does not run across MPI ranks"),
                                            (["--parallel-tempering", "--algorithm", "wolff"],
                                             "does not take --algorithm wolff")])
def test_mpirun_errors_once_and_cleanly(workdir, extra, fragment):
    res = subprocess.run([mpiexec(), "-n", "2", sys.executable, "-m", "physml_cli", "simulate",
                          *RUN, *extra, "-o", "x.h5"], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 2
    assert res.stderr.count("physml: error:") == 1 and fragment in res.stderr, res.stderr
    assert os.listdir(".") == []
    assert os.listdir(".") == []


def mpi_physml(*args, ranks=2):
    return subprocess.run([mpiexec(), "-n", str(ranks), sys.executable, "-m", "physml_cli", *args],
                          capture_output=True, text=True, timeout=300)


@needs_mpi
@pytest.mark.parametrize("options,samples", [((), "gathered"), (("--sr-solver", "cg"), "reduced"),
                                             (("--optimizer", "adam", "--lr", "0.01"), "reduced")])
def test_mpirun_vmc_equals_one_process_and_resumes(workdir, options, samples):
    """Dense SR gathers every sample on every rank; cg SR and Adam reduce per-chain sums
    across ranks (samples stay put). Either way: the one-process numbers, bit for bit."""
    import json

    args = ["vmc", "--hamiltonian", "heisenberg", "--size", "8", "--seed", "2", "--json", "-q",
            *options]
    serial = run_physml(*args, "--iterations", "10", "-o", "serial.h5")
    assert serial.returncode == 0, serial.stderr
    first = mpi_physml(*args, "--iterations", "6", "-o", "mpi.h5")
    assert first.returncode == 0, first.stderr
    res = mpi_physml(*args, "--iterations", "4", "-o", "mpi.h5", "--resume")
    assert res.returncode == 0, res.stderr
    a, b = json.loads(serial.stdout), json.loads(res.stdout)
    assert b["mpi_ranks"] == 2 and b["mpi_samples"] == samples
    for k in ("energy", "energy_err", "variance", "acceptance", "zz", "iterations"):
        assert a[k] == b[k], k
    with h5py.File("serial.h5") as f, h5py.File("mpi.h5") as g:
        for name in ("parameters", "chains", "energy", "variance", "sr_x", "adam_m"):
            if name not in f:
                continue
            assert np.array_equal(f[name][()], g[name][()]), name


@needs_mpi
@pytest.mark.parametrize("mode", [["--size", "32", "--sweeps", "1000000"],
                                  ["--size", "16", "--sweeps", "200000", "--parallel-tempering"]])
def test_sigterm_under_mpirun_leaves_a_checkpoint_per_rank(workdir, mode):
    import signal
    import time

    args = ["simulate", *mode, "--temperatures", "1.5:3.5:8",
            "--thermalize", "100", "--save-configs", "0", "--seed", "1", "-q", "--threads", "1",
            "--checkpoint-every", "1", "-o", "run.h5"]
    p = subprocess.Popen([mpiexec(), "-n", "2", sys.executable, "-m", "physml_cli", *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ckpts = ["run.rank0of2.h5.ckpt", "run.rank1of2.h5.ckpt"]
    deadline = time.time() + 120
    while not all(os.path.exists(c) for c in ckpts) and time.time() < deadline:
        time.sleep(0.2)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 128 + signal.SIGTERM, err
    assert all(os.path.exists(c) for c in ckpts) and not os.path.exists("run.h5")
    res = mpi_physml(*args, "--resume")
    assert res.returncode == 0, res.stderr
    assert sorted(os.listdir(".")) == ["run.h5"]
    if "--parallel-tempering" in mode:  # stopped and resumed across ranks = one straight run
        straight = [a if a != "run.h5" else "straight.h5" for a in args]
        assert run_physml(*straight).returncode == 0
        assert_same_file("straight.h5", "run.h5")


@needs_mpi
def test_sigterm_under_mpirun_vmc_leaves_a_resumable_run(workdir):
    """One file holds every rank's chains: it is the checkpoint of the whole run."""
    import json
    import signal
    import time

    args = ["vmc", "--size", "16", "--sr-solver", "cg", "--output", "run.h5", "-q",
            "--threads", "1"]
    p = subprocess.Popen([mpiexec(), "-n", "2", sys.executable, "-m", "physml_cli", *args,
                          "--iterations", "100000"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(6)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 128 + signal.SIGTERM, err
    with h5py.File("run.h5") as f:
        done = int(f.attrs["iterations"])
        assert done > 0 and not f.attrs["complete"] and len(f["chains"]) == 16
    res = mpi_physml(*args, "--iterations", "3", "--resume", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["iterations"] == done + 3

