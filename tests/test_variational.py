"""Variational free energies: the exact references (Kaufman, enumeration), mean field as an
upper bound with T_c = zJ, VAN against exact free energies, and `physml variational` end to
end (JSON, file, resume, refusals)."""
import itertools
import json

import h5py
import numpy as np
import pytest

from conftest import run_physml
from physml_cli import _engine as E
from test_cli_errors import assert_clean_failure


@pytest.mark.parametrize("L", [3, 4, 5])
def test_kaufman_matches_enumeration(L):
    system = E.ClassicalSystem.ising("square", L)
    for T in (1.2, 2.269185, 3.7):
        k, x = E.kaufman(L, 1.0, T), system.enumerate(T)
        assert abs(k["f"] - x["f"]) < 1e-12
        assert abs(k["e"] - x["e"]) < 1e-7
    # the antiferromagnet on an even torus has the ferromagnet's free energy
    anti = E.ClassicalSystem.ising("square", 4, J=-1.0)
    assert abs(E.kaufman(4, -1.0, 2.0)["f"] - anti.enumerate(2.0)["f"]) < 1e-12


def test_kaufman_approaches_onsager_at_tc():
    """At T_c, f(L) -> Onsager's -T_c (log(2)/2 + 2G/pi) (G Catalan's constant) as 1/L^2."""
    tc = 2 / np.log(1 + np.sqrt(2))
    onsager = -tc * (np.log(2) / 2 + 2 * 0.915965594177219 / np.pi)
    d64, d128 = (E.kaufman(L, 1.0, tc)["f"] - onsager for L in (64, 128))
    assert abs(d128) < 1e-4 and 3.5 < d64 / d128 < 4.5


def test_enumeration_of_a_glass_against_brute_force():
    sk = E.ClassicalSystem.sherrington_kirkpatrick(10, couplings_seed=4)
    J = np.zeros((10, 10))
    for i, j, c in sk.couplings:
        J[i, j] = c
    assert len(sk.couplings) == 45 and 0.2 < np.std([c for *_, c in sk.couplings]) * np.sqrt(10) < 1.8
    cfg = np.array(list(itertools.product([-1, 1], repeat=10)), dtype=float)
    energies = -np.einsum("ri,ij,rj->r", cfg, J, cfg)
    np.testing.assert_allclose(np.asarray(sk.energies(cfg.astype(np.int8))), energies, atol=1e-12)
    T = 0.7
    f = -T * np.log(np.exp(-(energies - energies.min()) / T).sum()) / 10 + energies.min() / 10
    assert abs(sk.enumerate(T)["f"] - f) < 1e-12
    # a different seed, different couplings
    assert E.ClassicalSystem.sherrington_kirkpatrick(10, couplings_seed=5).couplings != sk.couplings


def test_mean_field_is_an_upper_bound_with_tc_4():
    system = E.ClassicalSystem.ising("square", 4)
    assert system.mean_field_tc == 4.0
    for T in np.linspace(0.5, 6, 23):
        mf = system.mean_field(T)
        assert mf["F"] >= system.enumerate(T)["f"] - 1e-12
        assert mf["F"] >= E.kaufman(8, 1.0, T)["f"] - 1e-12 or T < 0  # any torus: F_MF is L-free
        assert (abs(mf["m"]) > 1e-6) == (T < 4.0)
    # m solves m = tanh((zJ m + h) / T)
    field = E.ClassicalSystem.ising("square", 4, h=0.3)
    mf = field.mean_field(2.5)
    assert abs(mf["m"] - np.tanh((4 * mf["m"] + 0.3) / 2.5)) < 1e-12


def variational_json(*args, cwd=None):
    res = run_physml("variational", *args, "--json", "-q", cwd=cwd)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_van_reaches_the_exact_free_energy_of_a_small_torus():
    """4 x 4 at beta = 0.44: F_q within 3e-4 (relative) and above the exact value beyond its
    error; the importance-sampled F within 4 sigma of it."""
    r = variational_json("--size", "4", "--temperatures", "2.272727", "--steps", "1500",
                         "--lr", "3e-3", "--measure-samples", "20000", "--seed", "1",
                         "--threads", "2")
    x = r["results"][0]
    assert x["exact_method"] == "Kaufman"
    assert x["F"] >= x["F_exact"] - 4 * x["F_err"]
    assert x["rel_err"] < 3e-4, x
    assert abs(x["F_is"] - x["F_exact"]) < 4 * x["F_is_err"] + 1e-12, x
    assert 0 < x["ess"] <= 20000
    assert x["warnings"] == [] and r["warnings"] == []


def test_van_on_a_glass_and_mean_field_in_json(workdir):
    r = variational_json("--model", "sk", "--size", "10", "--temperatures", "1", "--steps",
                         "800", "--lr", "3e-3", "--measure-samples", "20000", "--seed", "2")
    x = r["results"][0]
    assert x["exact_method"] == "enumeration" and x["rel_err"] < 2e-3, x
    mf = variational_json("--size", "4", "--method", "mean-field", "--temperatures", "2:5:4")
    assert mf["mean_field_tc"] == 4.0 and len(mf["results"]) == 4
    assert all(t["F"] >= t["F_exact"] for t in mf["results"])


def test_output_resume_and_refusals(workdir):
    base = ["--size", "3", "--temperatures", "3,2.5", "--steps", "40", "--batch", "64",
            "--measure-samples", "256", "--seed", "3"]
    whole = variational_json(*base, "-o", "whole.h5", cwd=workdir)
    with h5py.File(workdir / "whole.h5") as f:
        assert f.attrs["physml_schema"] == "physml.variational/1" and f.attrs["complete"]
        assert f["results/F"].shape == (2,) and f["parameters"].size > 0
    info = json.loads(run_physml("info", "whole.h5", "--json", cwd=workdir).stdout)
    assert info["schema"] == "physml.variational/1"
    # an interrupted run (here: one made with fewer steps is refused, the same one resumes)
    res = run_physml("variational", *base, "-o", "whole.h5", cwd=workdir)
    assert res.returncode == 2 and "exists" in res.stderr
    again = variational_json(*base, "-o", "whole.h5", "--resume", cwd=workdir)
    assert again["results"] == whole["results"]
    res = run_physml("variational", *base[:-2], "--seed", "4", "-o", "whole.h5", "--resume",
                     cwd=workdir)
    assert_clean_failure(res, workdir, "seed", keep=("whole.h5",))
    for extra, fragment in ((["--temperatures", "0"], "temperatures"),
                            (["--temperatures", "-1,2"], "temperatures"),
                            (["--batch", "1"], "--batch"),
                            (["--model", "potts"], "--model"),
                            (["--method", "tap"], "--method"),
                            (["--z2", "--h", "0.5"], "--z2"),
                            (["--anneal", "1"], "--anneal")):
        res = run_physml("variational", "--size", "3", "--steps", "1", "-o", "x.h5", *extra,
                         cwd=workdir)
        assert_clean_failure(res, workdir, fragment, keep=("whole.h5",))


def test_an_interrupted_run_resumes_exactly(workdir):
    """SIGTERM mid-training saves the state; --resume finishes with the numbers of a run that
    never stopped (same steps, same samples, same Adam moments)."""
    import signal
    import subprocess
    import sys
    import time

    base = ["--size", "4", "--temperatures", "3,2.4", "--steps", "4000", "--batch", "128",
            "--measure-samples", "512", "--seed", "5", "--threads", "1"]
    straight = variational_json(*base, "-o", "straight.h5", cwd=workdir)
    p = subprocess.Popen([sys.executable, "-m", "physml_cli", "variational", *base, "-o",
                          "parts.h5", "-q"], cwd=workdir, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 128 + signal.SIGTERM, err
    assert "--resume" in err
    with h5py.File(workdir / "parts.h5") as f:
        assert not f.attrs["complete"]
    resumed = variational_json(*base, "-o", "parts.h5", "--resume", cwd=workdir)
    for a, b in zip(straight["results"], resumed["results"]):
        for k in ("F", "F_err", "E", "F_is", "ess", "steps"):
            assert a[k] == b[k], k


def test_bethe_is_exact_on_the_chain_and_orders_at_its_tc():
    """The chain is a tree in the thermodynamic limit: Bethe = transfer matrix, with a field
    too; on the square lattice it orders below 2/log 2 = 2.885."""
    chain = E.ClassicalSystem.ising("chain", 64)
    for T in (0.1, 0.15, 0.8, 1.5, 3.0):  # the cavity map converges slowly at low T
        b = chain.bethe(T)
        assert abs(b["F"] + T * np.log(2 * np.cosh(1 / T))) < 1e-12
        assert abs(b["E"] + np.tanh(1 / T)) < 1e-12 and abs(b["m"]) < 1e-10
    field = E.ClassicalSystem.ising("chain", 64, h=0.4)
    T = 1.2
    K, H = 1 / T, 0.4 / T
    lam = np.exp(K) * np.cosh(H) + np.sqrt(np.exp(2 * K) * np.sinh(H) ** 2 + np.exp(-2 * K))
    assert abs(field.bethe(T)["F"] + T * np.log(lam)) < 1e-12
    square = E.ClassicalSystem.ising("square", 8)
    tc = 2 / np.log(2)
    assert square.bethe(0.99 * tc)["m"] > 0.05 and abs(square.bethe(1.01 * tc)["m"]) < 1e-6
    # between mean field and the exact free energy near T_c
    f = E.kaufman(8, 1.0, 2.5)["f"]
    assert f < square.bethe(2.5)["F"] < square.mean_field(2.5)["F"]
    res = run_physml("variational", "--model", "sk", "--size", "6", "--method", "bethe")
    assert res.returncode == 2 and "--method bethe" in res.stderr
    res = run_physml("variational", "--lattice", "triangular", "--size", "3", "--J", "-1",
                     "--method", "bethe")
    assert res.returncode == 2 and "frustrated" in res.stderr


def test_a_run_saved_before_its_first_step_reads_back(workdir):
    """--steps 0: the networks are measured untrained; the file keeps zero Adam moments and
    validates."""
    r = variational_json("--size", "3", "--temperatures", "3,2.5", "--steps", "0",
                         "--measure-samples", "64", "-o", "s0.h5", cwd=workdir)
    assert [x["steps"] for x in r["results"]] == [0, 0]
    info = run_physml("info", "s0.h5", "--json", cwd=workdir)
    assert info.returncode == 0, info.stderr


def test_health_checks_flag_what_cannot_be():
    from physml_cli.workflows.variational import TemperatureResult

    good = TemperatureResult(T=2.0, F=-2.0, F_err=1e-4, E=-1.5, E_err=1e-3, S=0.2, m_abs=0.5,
                             F_is=-2.0002, F_is_err=1e-4, ess=9000.0, samples=10000)
    good.compare(-2.0003, -1.5, "Kaufman")
    assert good.warnings == []
    below = TemperatureResult(T=2.0, F=-2.01, F_err=1e-4, E=-1.5, E_err=1e-3, S=0.2, m_abs=0.5,
                              F_is=-1.9, F_is_err=1e-4, ess=50.0, samples=10000)
    below.compare(-2.0003, -1.5, "Kaufman")
    assert len(below.warnings) == 3
    assert "below the exact" in below.warnings[0] and "above the bound" in below.warnings[1]
    assert "50 of 10000" in below.warnings[2]
