"""physml detect-transition: estimators on synthetic curves with known answers, the command on
synthetic datasets with a known Binder crossing, a small real Ising run, and bad input."""
import json
import math

import h5py
import numpy as np
import pytest

from conftest import run_physml
from physml_cli.analysis import curve_estimates as ce
from test_cli_errors import assert_clean_failure

ONSAGER = 2.0 / math.log(1.0 + math.sqrt(2.0))


def test_binder_crossing_of_scaling_curves():
    T = np.linspace(2.0, 2.6, 13)
    tc = 2.3137
    U = {L: 0.61 - 0.3 * np.tanh((T - tc) * L / 4) for L in (8, 16)}
    assert abs(ce.crossing(T, U[16] - U[8]) - tc) < 1e-3
    assert ce.crossing(T[T < 2.25], (U[16] - U[8])[T < 2.25]) is None


def test_peak_and_step_estimators():
    T = np.linspace(2.0, 2.6, 25)
    assert abs(ce.peak(T, np.exp(-((T - 2.333) / 0.1) ** 2)) - 2.333) < 2e-3
    assert ce.peak(T, T) is None  # maximum at the edge: not bracketed
    y = 0.5 - 0.45 * np.tanh((T - 2.29) / 0.04)
    assert abs(ce.steepest_descent(T, y) - 2.29) < 1e-3
    assert abs(ce.step_level(T, y, 0.5) - 2.29) < 1e-3
    assert ce.steepest_descent(T, 0.5 + 0.45 * np.tanh((T - 2.29) / 0.04)) is None  # a rise


def test_finite_size_extrapolation():
    L = np.array([8.0, 16, 24, 32, 48])
    assert abs(ce.extrapolate(L, 2.269 + 0.9 / L, 1.0)[0] - 2.269) < 1e-12
    t = 2.269 + 0.9 * L ** (-1 / 0.8)
    assert abs(ce.fit_nu(L, t) - 0.8) < 0.02


def test_extrapolation_systematic_measures_corrections_to_scaling():
    from physml_cli.analysis import transition as tr

    ctx = tr.Context(data=[])
    L = [16, 24, 32, 48]
    for correction, expect_sys in [(0.0, False), (40.0, True)]:
        t = {str(n): {"t": 2.269 + 0.9 / n + correction / n ** 3, "t_err": 0.001} for n in L}
        ok = [(float(k), v["t"]) for k, v in t.items()]
        tc = ce.extrapolate(np.array([o[0] for o in ok]), np.array([o[1] for o in ok]), 1.0)[0]
        out = {"tc": tc, "tc_err": 0.002, "per_size": t}
        tr._add_extrapolation_systematic(ctx, out)
        assert out["tc_stat"] == 0.002
        # pure T_c + a/L: the two largest sizes agree; an L^-3 correction: they do not, and
        # the error grows by exactly their difference (in quadrature)
        assert (out["tc_sys"] > 1e-4) == expect_sys
        assert out["tc_err"] == pytest.approx(math.hypot(0.002, out["tc_sys"]))
    two = {"16": {"t": 2.3, "t_err": 0.001}, "32": {"t": 2.28, "t_err": 0.001}}
    out = {"tc": 2.26, "tc_err": 0.002, "per_size": two}
    tr._add_extrapolation_systematic(ctx, out)
    assert out["tc_sys"] is None and out["tc_err"] == 0.002


def write_fake(path, L, T, binder, model="ising", n_cfg=0):
    """A file in the simulate schema holding just what detect-transition reads."""
    n_t = len(T)
    with h5py.File(path, "w") as f:
        f.attrs.update(physml_schema="physml.simulation/1", model=model, lattice="square", L=L,
                       J=1.0, h=0.0, q=2, measure_every=1)
        f["temperatures"] = T
        f.create_dataset("configs", data=np.ones((n_t, n_cfg, L, L), np.int8))
        s = f.create_group("series")
        s["energy"] = np.zeros((n_t, 10))
        s["magnetization"] = np.zeros((n_t, 10))
        g = f.create_group("summary")
        bump = np.exp(-((T - 2.4 - 1.0 / L) / 0.1) ** 2)
        for k, v in {"binder": binder, "c": bump * L, "chi": bump * L * L}.items():
            g[k] = v
            g[k + "_err"] = np.full(n_t, 1e-4) * np.abs(v).max()
        for k in ("e", "m", "m_abs", "m2", "m4"):
            g[k] = np.zeros(n_t)
            g[k + "_err"] = np.zeros(n_t)
        f.create_group("lattice").attrs["shape"] = np.array([L, L])


def test_command_finds_a_known_crossing(workdir):
    T = np.linspace(2.2, 2.8, 16)
    for L in (8, 12, 16):
        write_fake(f"f{L}.h5", L, T, 0.61 - 0.3 * np.tanh((T - 2.5) * L / 4))
    res = run_physml("detect-transition", "f8.h5", "f12.h5", "f16.h5", "--method", "binder",
                     "--method", "peaks", "--json", "--plot", "p.png")
    assert res.returncode == 0, res.stderr
    r = json.loads(res.stdout)
    assert r["sizes"] == [8, 12, 16] and r["exact_tc"] == pytest.approx(ONSAGER)
    b = r["methods"]["binder"]
    assert abs(b["tc"] - 2.5) < 2e-3 and 0 < b["tc_err"] < 0.01
    assert abs(r["methods"]["peaks"]["tc_c"] - 2.4) < 0.01  # peaks at 2.4 + 1/L, extrapolated


def test_text_report_leaves_stdout_for_json(workdir):
    """Without --json the table goes to stderr: stdout carries JSON only."""
    T = np.linspace(2.2, 2.8, 16)
    for L in (8, 12):
        write_fake(f"f{L}.h5", L, T, 0.61 - 0.3 * np.tanh((T - 2.5) * L / 4))
    res = run_physml("detect-transition", "f8.h5", "f12.h5", "--method", "binder")
    assert res.returncode == 0, res.stderr
    assert res.stdout == "" and "binder" in res.stderr and "Onsager" in res.stderr


def test_onsager_tc_is_positive_for_the_antiferromagnet():
    from physml_cli.analysis.critical_temperatures import exact_tc, onsager_tc

    assert onsager_tc(-1.0) == onsager_tc(1.0) == pytest.approx(ONSAGER)
    assert exact_tc({"model": "ising", "lattice": "square", "J": -2.0, "h": 0.0}) == \
        pytest.approx(2 * ONSAGER)
    assert exact_tc({"model": "ising", "lattice": "triangular", "J": 1.0, "h": 0.0}) is None
    assert exact_tc({"model": "ising", "lattice": "square", "J": 1.0, "h": 0.1}) is None


@pytest.fixture(scope="module")
def small_ising(tmp_path_factory):
    d = tmp_path_factory.mktemp("ising")
    res = run_physml("simulate", "--size", "8,12,16", "--temperatures", "1.8:2.8:21",
                     "--algorithm", "wolff", "--thermalize", "500", "--sweeps", "8000",
                     "--measure-every", "4", "--save-configs", "120", "--seed", "3", "-q",
                     "-o", str(d / "ising.h5"))
    assert res.returncode == 0, res.stderr
    return [str(d / f"ising_L{L}.h5") for L in (8, 12, 16)]


def test_all_methods_bracket_onsager_on_a_small_run(small_ising, workdir):
    res = run_physml("detect-transition", *small_ising, "--method", "all", "--bootstrap", "30",
                     "--epochs", "8", "--seed", "1", "--json", "--plot", "t.png", "--threads", "2")
    assert res.returncode == 0, res.stderr
    r = json.loads(res.stdout)
    assert set(r["methods"]) == {"binder", "peaks", "supervised", "confusion", "pca", "autoencoder"}
    for name, m in r["methods"].items():
        assert abs(m["tc"] - ONSAGER) / ONSAGER < 0.05, (name, m["tc"])
        assert m["tc_err"] is not None and m["tc_err"] > 0, name
    b = r["methods"]["binder"]
    assert abs(b["tc"] - ONSAGER) < 5 * b["tc_err"] + 0.01
    assert len(r["methods"]["pca"]["explained_variance"]["16"]) == 3
    with open("t.png", "rb") as f:
        assert f.read(4) == b"\x89PNG"


def test_one_size_skips_binder_with_a_warning(small_ising, workdir):
    res = run_physml("detect-transition", small_ising[0], "--method", "all", "--bootstrap", "5",
                     "--epochs", "2", "--json")
    assert res.returncode == 0, res.stderr
    assert "binder skipped" in res.stderr
    assert "binder" not in json.loads(res.stdout)["methods"]


def test_bad_transition_input(small_ising, workdir):
    ok = small_ising
    cases = [
        ([ok[0], "--method", "binder"], "at least two sizes"),
        ([*ok, "--method", "magic"], "unknown --method"),
        ([*ok, "--nu", "0"], "--nu must be > 0"),
        ([*ok, "--nu", "x"], "--nu"),
        ([*ok, "--window", "2.5,2.0"], "--window"),
        (["missing.h5"], "no such file"),
        ([ok[0], ok[0]], "same size"),
    ]
    for args, fragment in cases:
        assert_clean_failure(run_physml("detect-transition", *args), workdir, fragment)
    with open("junk.h5", "wb") as f:
        f.write(b"junk")
    assert_clean_failure(run_physml("detect-transition", "junk.h5", ok[0]), workdir,
                         "not a readable HDF5", keep=("junk.h5",))
    T = np.linspace(1.0, 1.5, 6)  # deep in the ordered phase: nothing to bracket
    for L in (8, 12):
        write_fake(f"cold{L}.h5", L, T, np.full(6, 0.66) - 0.001 * (L == 8))
    assert_clean_failure(run_physml("detect-transition", "cold8.h5", "cold12.h5", "--method",
                                    "binder"), workdir, "do not bracket",
                         keep=("junk.h5", "cold8.h5", "cold12.h5"))
    write_fake("potts.h5", 16, T, np.full(6, 0.6), model="potts")
    assert_clean_failure(run_physml("detect-transition", "cold8.h5", "potts.h5"), workdir,
                         "one model and lattice",
                         keep=("junk.h5", "cold8.h5", "cold12.h5", "potts.h5"))


def test_potts_works_unchanged(workdir):
    res = run_physml("simulate", "--model", "potts", "--q", "3", "--size", "8,12,16",
                     "--temperatures", "0.8:1.2:21", "--algorithm", "wolff", "--thermalize", "500",
                     "--sweeps", "8000", "--measure-every", "4", "--save-configs", "120", "--seed",
                     "3", "-q", "-o", "potts.h5")
    assert res.returncode == 0, res.stderr
    res = run_physml("detect-transition", "potts_L8.h5", "potts_L12.h5", "potts_L16.h5",
                     "--method", "binder,peaks,pca", "--bootstrap", "30", "--json")
    assert res.returncode == 0, res.stderr
    r = json.loads(res.stdout)
    exact = 1.0 / math.log(1.0 + math.sqrt(3.0))  # q = 3 Potts on the square lattice
    assert r["model"] == "potts" and r["exact_tc"] is None
    for name, m in r["methods"].items():
        assert abs(m["tc"] - exact) / exact < 0.03, (name, m["tc"])


def test_nu_fitted_from_four_sizes(workdir):
    T = np.linspace(2.2, 2.8, 31)
    names = []
    for L in (8, 12, 16, 24):
        write_fake(f"f{L}.h5", L, T, 0.61 - 0.3 * np.tanh((T - 2.5) * L / 4))
        names.append(f"f{L}.h5")
    res = run_physml("detect-transition", *names, "--method", "peaks", "--nu", "fit", "--json",
                     "--bootstrap", "10")
    assert res.returncode == 0, res.stderr
    peaks = json.loads(res.stdout)["methods"]["peaks"]
    assert abs(peaks["nu"] - 1.0) < 0.15 and abs(peaks["tc_c"] - 2.4) < 0.01


def test_without_configurations_learned_methods_are_skipped(workdir):
    T = np.linspace(2.2, 2.8, 16)
    for L in (8, 12):
        write_fake(f"f{L}.h5", L, T, 0.61 - 0.3 * np.tanh((T - 2.5) * L / 4))
    res = run_physml("detect-transition", "f8.h5", "f12.h5", "--bootstrap", "5", "--json")
    assert res.returncode == 0, res.stderr
    assert set(json.loads(res.stdout)["methods"]) == {"binder", "peaks"}
    assert res.stderr.count("skipped") == 4
    assert_clean_failure(run_physml("detect-transition", "f8.h5", "f12.h5", "--method", "pca"),
                         workdir, "needs stored configurations", keep=("f8.h5", "f12.h5"))
