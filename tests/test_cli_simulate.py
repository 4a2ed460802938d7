"""`physml simulate` and `physml info` end to end, as a user runs them."""
import json
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

from conftest import within
from physml_cli import _engine

JSON_KEYS = {"T", "e", "e_err", "m_abs", "m_abs_err", "c", "c_err", "chi", "chi_err", "binder",
             "binder_err", "tau_e", "tau_m"}


def test_version(physml):
    res = physml("--version")
    assert res.returncode == 0 and "physml" in res.stdout


def test_json_plot_and_schema(physml, workdir):
    res = physml("simulate", "--model", "ising", "--lattice", "square", "--size", "4",
                 "--temperatures", "2.0:3.0:3", "--algorithm", "wolff", "--thermalize", "500",
                 "--sweeps", "40000", "--measure-every", "2", "--save-configs", "50",
                 "--seed", "7", "--threads", "2", "--output", "ising.h5", "--json",
                 "--plot", "obs.png")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert {"model", "lattice", "size", "algorithm", "seed", "results"} <= set(out)
    assert (out["model"], out["lattice"], out["size"], out["algorithm"], out["seed"]) == \
        ("ising", "square", 4, "wolff", 7)
    assert [r["T"] for r in out["results"]] == [2.0, 2.5, 3.0]
    exact = _engine.exact_enumeration("ising", "square", 4, 1.0, 0.0, 2, [2.0, 2.5, 3.0])
    for i, r in enumerate(out["results"]):
        # the staggered magnetization comes along on bipartite lattices
        assert set(r) - JSON_KEYS == {"ms_abs", "ms_abs_err", "chi_s", "chi_s_err", "binder_s",
                                      "binder_s_err"} and JSON_KEYS <= set(r)
        within(r["e"], exact["e"][i], r["e_err"])
        within(r["c"], exact["c"][i], r["c_err"])
        within(r["binder"], exact["binder"][i], r["binder_err"])
    png = (workdir / "obs.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000

    with h5py.File(workdir / "ising.h5", "r") as f:
        assert f.attrs["physml_schema"] == "physml.simulation/1"
        for k in ("physml_version", "command_line", "seed", "algorithm", "lattice", "model", "J",
                  "h", "L"):
            assert k in f.attrs, k
        assert "--seed 7" in f.attrs["command_line"]
        cfg = f["configs"]
        assert cfg.dtype == np.int8 and cfg.shape == (3, 50, 4, 4)
        assert cfg.chunks is not None and cfg.compression == "gzip"
        assert set(np.unique(cfg[()])) <= {-1, 1}
        assert f["series/energy"].shape == (3, 20000)
        assert f["summary/e"].shape == (3,)
        assert f["lattice/neighbors"].shape == (16, 4)
        # the stored series reproduce the stored summary
        s = _engine.summarize(f["series/energy"][1], f["series/magnetization"][1], 16, 2.5, 2, 32)
        assert s["e"] == pytest.approx(f["summary/e"][1], rel=1e-12)


def test_info_reads_any_output(physml, workdir):
    assert physml("simulate", "--size", "4", "--temperatures", "2.5", "--sweeps", "100",
                  "-q", "-o", "a.h5").returncode == 0
    res = physml("info", "a.h5", "--json")
    assert res.returncode == 0
    d = json.loads(res.stdout)
    assert d["schema"] == "physml.simulation/1" and d["temperatures"] == [2.5]
    assert d["datasets"]["configs"]["dtype"] == "int8"
    text = physml("info", "a.h5")
    assert text.returncode == 0 and "configs" in text.stdout and "summary" in text.stdout


def test_several_sizes_give_several_files(physml, workdir):
    res = physml("simulate", "--size", "4", "--size", "6,8", "--temperatures", "2.0,2.5",
                 "--sweeps", "200", "-q", "-o", "run.h5", "--json")
    assert res.returncode == 0, res.stderr
    lines = [json.loads(x) for x in res.stdout.strip().splitlines()]
    assert [d["size"] for d in lines] == [4, 6, 8]
    assert sorted(p.name for p in workdir.iterdir()) == ["run_L4.h5", "run_L6.h5", "run_L8.h5"]
    res = physml("simulate", "--size", "4,6", "--temperatures", "2.0", "--sweeps", "100", "-q",
                 "-o", "L{L}/x.h5")
    assert res.returncode == 2 and "does not exist" in res.stderr


# On a chain, checkerboard Metropolis moves domain walls in lock-step (zero-energy
# flips are always taken) so they never meet; heat bath lets them diffuse and annihilate.
@pytest.mark.parametrize("lattice,L,e0,alg", [("square", 8, -2.0, "metropolis"),
                                              ("cubic", 4, -3.0, "metropolis"),
                                              ("chain", 16, -1.0, "heatbath")])
def test_anneal_finds_the_ferromagnetic_ground_state(physml, workdir, lattice, L, e0, alg):
    res = physml("simulate", "--lattice", lattice, "--size", L, "--temperatures", "0.2:4:12",
                 "--anneal", "--thermalize", "0", "--sweeps", "400", "--algorithm", alg,
                 "-q", "-o", "a.h5", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["anneal"]["best_energy_per_site"] == pytest.approx(e0)
    assert [r["T"] for r in out["results"]] == sorted((r["T"] for r in out["results"]), reverse=True)
    with h5py.File(workdir / "a.h5") as f:
        best = f["extras/best_config"][()]
        assert abs(best.sum()) == best.size  # all spins aligned


def test_anneal_antiferromagnet(physml, workdir):
    res = physml("simulate", "--lattice", "square", "--size", "6", "--J", "-1",
                 "--temperatures", "0.2:3:8", "--anneal", "--sweeps", "500", "-q", "-o", "a.h5",
                 "--json")
    assert json.loads(res.stdout)["anneal"]["best_energy_per_site"] == pytest.approx(-2.0)


def test_antiferromagnet_reports_staggered_order(physml, workdir):
    res = physml("simulate", "--J", "-1", "--size", "8", "--temperatures", "1.5", "--sweeps",
                 "2000", "-q", "-o", "af.h5", "--json")
    assert res.returncode == 0, res.stderr
    row = json.loads(res.stdout)["results"][0]
    assert row["ms_abs"] > 0.95 and row["m_abs"] < 0.1
    with h5py.File(workdir / "af.h5") as f:
        assert f["series/staggered_magnetization"].shape == (1, 200)
        assert f["summary/ms_abs"][0] == pytest.approx(row["ms_abs"])


def test_parallel_tempering_reports_acceptance(physml, workdir):
    res = physml("simulate", "--size", "8", "--temperatures", "2.0:2.6:4", "--parallel-tempering",
                 "--sweeps", "500", "-q", "-o", "pt.h5", "--json")
    assert res.returncode == 0, res.stderr
    acc = json.loads(res.stdout)["exchange_acceptance"]
    assert len(acc) == 3 and all(0 < a <= 1 for a in acc)


def test_potts_configurations_hold_states(physml, workdir):
    res = physml("simulate", "--model", "potts", "--q", "4", "--lattice", "honeycomb", "--size",
                 "4", "--temperatures", "0.8", "--sweeps", "100", "--save-configs", "5", "-q",
                 "-o", "p.h5")
    assert res.returncode == 0, res.stderr
    with h5py.File(workdir / "p.h5") as f:
        cfg = f["configs"][()]
        assert cfg.shape == (1, 5, 4, 4, 2) and cfg.min() >= 0 and cfg.max() <= 3


def test_threads_do_not_change_the_file(physml, workdir):
    args = ["simulate", "--size", "130", "--temperatures", "2.2,2.4", "--sweeps", "60",
            "--thermalize", "20", "--save-configs", "3", "-q", "--seed", "3"]
    assert physml(*args, "--threads", "1", "-o", "a.h5").returncode == 0
    assert physml(*args, "--threads", "2", "-o", "b.h5").returncode == 0
    with h5py.File(workdir / "a.h5") as a, h5py.File(workdir / "b.h5") as b:
        for k in ("configs", "series/energy", "series/magnetization", "summary/c"):
            assert np.array_equal(a[k][()], b[k][()]), k


SLOW_RUN = ["simulate", "--lattice", "triangular", "--size", "24", "--temperatures", "3.0:4.0:4",
            "--algorithm", "heatbath", "--thermalize", "500", "--sweeps", "16000",
            "--save-configs", "20", "--seed", "5", "-q"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_leaves_a_checkpoint_and_resume_matches(physml, workdir, signum):
    proc = subprocess.Popen([sys.executable, "-m", "physml_cli", *SLOW_RUN, "--threads", "1",
                             "--checkpoint-every", "0.2", "-o", "part.h5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ckpt = workdir / "part.h5.ckpt"
    deadline = time.time() + 60
    while not ckpt.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "run ended before it could be interrupted"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert "--resume" in err and ckpt.exists() and not (workdir / "part.h5").exists()
    # without --resume the checkpoint is protected
    res = physml(*SLOW_RUN, "-o", "part.h5")
    assert res.returncode == 2 and "--resume" in res.stderr
    res = physml(*SLOW_RUN, "--threads", "2", "-o", "part.h5", "--resume")
    assert res.returncode == 0, res.stderr
    assert not ckpt.exists()
    assert physml(*SLOW_RUN, "--threads", "2", "-o", "whole.h5").returncode == 0
    with h5py.File(workdir / "part.h5") as a, h5py.File(workdir / "whole.h5") as b:
        for k in ("configs", "series/energy", "series/magnetization", "summary/e"):
            assert np.array_equal(a[k][()], b[k][()]), k


def test_resume_refuses_other_parameters(physml, workdir):
    proc = subprocess.Popen([sys.executable, "-m", "physml_cli", *SLOW_RUN,
                             "--checkpoint-every", "0.2", "-o", "r.h5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while not (workdir / "r.h5.ckpt").exists() and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    other_seed = [("6" if prev == "--seed" else a) for prev, a in zip([""] + SLOW_RUN, SLOW_RUN)]
    res = physml(*other_seed, "-o", "r.h5", "--resume")
    assert res.returncode == 2 and "different seed" in res.stderr


def test_resume_skips_finished_sizes(physml, workdir):
    args = ["simulate", "--size", "4,6", "--temperatures", "2.5", "--sweeps", "100", "-q",
            "-o", "s.h5", "--json"]
    first = physml(*args)
    assert first.returncode == 0
    again = physml(*args, "--resume")
    assert again.returncode == 0, again.stderr
    a = [json.loads(x)["results"] for x in first.stdout.splitlines()]
    b = [json.loads(x)["results"] for x in again.stdout.splitlines()]
    assert a == b


def test_too_short_run_is_flagged(physml, workdir):
    res = physml("simulate", "--size", "32", "--temperatures", "2.3", "--sweeps", "200",
                 "--measure-every", "1", "-q", "-o", "w.h5")
    assert res.returncode == 0
    assert "error bars are likely underestimated" in res.stderr
    long = physml("simulate", "--size", "8", "--temperatures", "4.0", "--sweeps", "20000",
                  "--measure-every", "1", "-q", "-o", "ok.h5")
    assert long.returncode == 0 and "warning" not in long.stderr


def test_saved_configurations_carry_their_energy(physml, workdir):
    res = physml("simulate", "--lattice", "triangular", "--size", "5", "--J", "-0.5",
                 "--temperatures", "1.0,2.0", "--sweeps", "300", "--save-configs", "9",
                 "--measure-every", "3", "-q", "-o", "c.h5")
    assert res.returncode == 0, res.stderr
    lat = _engine.Lattice("triangular", 5)
    with h5py.File(workdir / "c.h5") as f:
        cfg = f["configs"][()].reshape(2, -1, 25).astype(np.int64)
        i, j = lat.bonds[:, 0], lat.bonds[:, 1]
        e = 0.5 * (cfg[..., i] * cfg[..., j]).sum(-1) / 25
        assert np.allclose(f["config_energy"][()], e, atol=1e-12)
        assert np.allclose(f["config_magnetization"][()], cfg.sum(-1) / 25, atol=1e-12)
