"""Variational Monte Carlo: local energies against dense matrices, log-derivatives against
finite differences, SR against a dense solve, energies against exact results, determinism
and resuming."""
import json
import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

from conftest import run_physml
from physml_cli import _engine as E
from test_cli_errors import assert_clean_failure


def all_configs(n):
    s = np.arange(2 ** n)
    return np.where((s[:, None] >> np.arange(n)) & 1, 1, -1).astype(np.int8)


def marshall_signs(lattice, size, n, open_boundaries=False):
    if open_boundaries:  # sublattice A: even coordinate sum
        i = np.arange(n)
        colors = ((i // size + i % size) if lattice == "square" else i) % 2
    else:
        colors = E.Lattice(lattice, size).colors
    up = (all_configs(n) == 1) & (colors == 0)[None, :]
    return (-1.0) ** up.sum(axis=1)


CASES = [
    # (hamiltonian, lattice, L, driver options, matrix options)
    ("tfim", "chain", 8, dict(h=0.7), dict(h=0.7)),
    ("tfim", "chain", 8, dict(h=1.3, ansatz="jastrow"), dict(h=1.3)),
    ("tfim", "chain", 8, dict(h=0.7, ansatz="ffn", architecture="dense:6,tanh,dense:3,logcosh"),
     dict(h=0.7)),
    ("tfim", "square", 3, dict(h=2.0, alpha=2), dict(h=2.0)),
    ("heisenberg", "chain", 8, dict(marshall=True, sampler="exchange", n_up=4), {}),
    ("heisenberg", "square", 3, dict(open=True, marshall=True, alpha=0.5), dict(open=True)),
    ("xxz", "chain", 8, dict(delta=0.4, ansatz="jastrow"), dict(delta=0.4)),
    ("j1j2", "chain", 10, dict(J2=0.5, marshall=True), dict(J2=0.5)),
]


@pytest.mark.parametrize("complex_params", [False, True])
@pytest.mark.parametrize("ham,lattice,L,opts,mopts", CASES)
def test_local_energies_match_dense_matrix(ham, lattice, L, opts, mopts, complex_params):
    if complex_params and opts.get("ansatz") == "ffn":
        pytest.skip("the feed-forward ansatz is real")
    cls = E.VmcDriverComplex if complex_params else E.VmcDriver
    d = cls(ham, lattice, L, init_scale=0.3, seed=5, **opts)
    H = E.hamiltonian_matrix(ham, lattice, L, 1.0, mopts.get("h", 1.0), mopts.get("delta", 1.0),
                             mopts.get("J2", 0.0), mopts.get("open", False))
    n = H.shape[0].bit_length() - 1
    cfg = all_configs(n)
    log_psi = np.array(d.log_psi(cfg))
    psi = np.exp(log_psi - log_psi.real.max())
    if opts.get("marshall"):
        psi = psi * marshall_signs(lattice, L, n, opts.get("open", False))
    expected = (H @ psi) / psi
    got = np.array(d.local_energies(cfg))
    scale = np.abs(expected).max()
    assert np.abs(got - expected).max() <= 1e-9 * scale


@pytest.mark.parametrize("ansatz,complex_params", [("rbm", False), ("rbm", True),
                                                    ("jastrow", False), ("jastrow", True),
                                                    ("ffn", False)])
def test_log_derivatives_match_finite_differences(ansatz, complex_params):
    cls = E.VmcDriverComplex if complex_params else E.VmcDriver
    extra = {"architecture": "dense:5,tanh,dense:2"} if ansatz == "ffn" else {}
    d = cls("tfim", "chain", 6, ansatz=ansatz, init_scale=0.4, seed=2, **extra)
    assert_log_derivatives_match(d, all_configs(6)[[3, 17, 40, 63]])


def assert_log_derivatives_match(d, cfg, every=1, rtol=1e-6, atol=1e-7):
    """The driver's log-derivatives against central differences of log psi, for every
    `every`-th parameter."""
    p0 = np.array(d.parameters)
    O = np.array(d.log_derivatives(cfg))
    assert O.shape == (len(cfg), len(p0))
    eps = 1e-6
    for k in range(0, len(p0), every):
        step = np.zeros_like(p0)
        step[k] = eps
        d.parameters = p0 + step
        up = np.array(d.log_psi(cfg))
        d.parameters = p0 - step
        down = np.array(d.log_psi(cfg))
        np.testing.assert_allclose(O[:, k], (up - down) / (2 * eps), rtol=rtol, atol=atol)
    d.parameters = p0


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("solver,ns,npar", [("dense", 300, 80), ("cg", 300, 80),
                                           ("kernel", 60, 200), ("auto", 60, 200)])
def test_sr_step_matches_dense_solve(dtype, solver, ns, npar):
    rng = np.random.default_rng(0)
    O = rng.normal(size=(ns, npar)) * rng.uniform(0.01, 1.0, size=npar)
    if dtype == np.complex128:
        O = O + 1j * rng.normal(size=(ns, npar)) * 0.3
    O = O - O.mean(axis=0)
    g = O.conj().T @ rng.normal(size=ns) / ns
    eps = 0.01
    S = O.conj().T @ O / ns + eps * np.eye(npar)
    x_ref = np.linalg.solve(S, g)
    r = E.sr_solve(O.astype(dtype), g.astype(dtype), eps, solver, 1e-12, 10000, 1)
    assert r["method"] == ("kernel" if solver == "auto" else solver)
    assert r["residual"] <= 1e-10
    np.testing.assert_allclose(r["x"], x_ref, rtol=0, atol=1e-9 * np.abs(x_ref).max())
    if solver != "cg":
        assert r["iterations"] <= 6  # the single-precision factor is nearly exact
    r2 = E.sr_solve(O.astype(dtype), g.astype(dtype), eps, solver, 1e-12, 10000, 2)
    assert np.array_equal(r["x"], r2["x"])


def vmc_json(*args):
    res = run_physml("vmc", *args, "--json", "-q")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.mark.parametrize("args,rel", [
    (["--size", "12", "--h", "1.0"], 2e-4),
    (["--size", "12", "--h", "0.5", "--complex"], 2e-4),
    (["--hamiltonian", "heisenberg", "--size", "12"], 1e-3),
    (["--hamiltonian", "heisenberg", "--size", "12", "--ansatz", "jastrow"], 5e-3),
    (["--hamiltonian", "heisenberg", "--lattice", "square", "--size", "4", "--diag-shift", "0.1",
      "--lr", "0.02", "--iterations", "400"], 1e-2),
])
def test_vmc_energy_close_to_exact(args, rel):
    """The plain RBM (and the Jastrow factor) with their own steps; the default symmetric
    ansatz has its tests in test_vmc_symmetric.py."""
    args = args if "--ansatz" in args else ["--ansatz", "rbm", *args]
    r = vmc_json(*args, "--seed", "3", "--iterations", "300", "--threads", "2")
    e, err, e0 = r["energy"], r["energy_err"], r["exact"]
    assert e0 is not None and err > 0
    assert e >= e0 - 4 * err  # variational: never below the ground state beyond noise
    assert (e - e0) / abs(e0) <= rel, (e, e0)
    assert 0.01 < r["acceptance"] < 0.95 and abs(r["rhat"] - 1) < 0.1


def test_tfim_observables_match_exact():
    args = ["--hamiltonian", "tfim", "--size", "10", "--h", "0.8"]
    r = vmc_json("--iterations", "300", "--seed", "1", "--measure-samples", "20000", *args)
    ex = json.loads(run_physml("exact", *args, "--json").stdout)
    assert abs(r["sx"] - ex["sx"]) <= 4 * r["sx_err"] + 2e-3
    np.testing.assert_allclose(r["zz"], ex["zz"], atol=0.03)
    assert abs(r["magnetization"]) <= 4 * r["magnetization_err"] + 1e-9  # Z2 symmetric state


def test_same_result_for_one_and_two_threads(workdir):
    args = ["--size", "10", "--iterations", "15", "--seed", "4"]
    one = vmc_json(*args, "--threads", "1", "--output", "a.h5")
    two = vmc_json(*args, "--threads", "2", "--output", "b.h5")
    for k in ("energy", "energy_err", "variance", "acceptance", "zz"):
        assert one[k] == two[k], k
    with h5py.File("a.h5") as a, h5py.File("b.h5") as b:
        assert np.array_equal(a["parameters"][()], b["parameters"][()])
        assert np.array_equal(a["energy"][()], b["energy"][()])


@pytest.mark.parametrize("optimizer", ["sr", "adam"])
def test_resume_continues_exactly(workdir, optimizer):
    args = ["--hamiltonian", "heisenberg", "--size", "8", "--seed", "2", "--optimizer", optimizer,
            "--lr", "0.02" if optimizer == "sr" else "0.01"]
    straight = vmc_json(*args, "--iterations", "20", "--output", "straight.h5")
    vmc_json(*args, "--iterations", "12", "--output", "parts.h5")
    resumed = vmc_json(*args, "--iterations", "8", "--output", "parts.h5", "--resume")
    assert resumed["iterations"] == 20
    assert resumed["energy"] == straight["energy"]
    with h5py.File("straight.h5") as a, h5py.File("parts.h5") as b:
        assert a.attrs["physml_schema"] == "physml.vmc/1"
        assert np.array_equal(a["parameters"][()], b["parameters"][()])
        assert np.array_equal(a["energy"][()], b["energy"][()])
        assert len(b["variance"]) == 20 and b["chains"].shape == (16, 8)


def test_output_file_and_plot(workdir):
    r = vmc_json("--size", "8", "--iterations", "10", "--ansatz", "rbm", "--complex",
                 "--output", "run.h5", "--plot", "conv.png")
    assert os.path.getsize("conv.png") > 1000
    with h5py.File("run.h5") as f:
        assert f["parameters"].dtype == np.complex128
        assert f.attrs["energy"] == r["energy"] and f.attrs["complete"]
        assert len(f["zz"]) == 8 and len(f["energy"]) == 10
    info = json.loads(run_physml("info", "run.h5", "--json").stdout)
    assert info["schema"] == "physml.vmc/1"


def test_sigterm_leaves_a_resumable_run(workdir):
    cmd = [sys.executable, "-m", "physml_cli", "vmc", "--size", "16", "--iterations", "100000",
           "--output", "run.h5", "-q", "--threads", "1"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 128 + signal.SIGTERM, err
    assert "continue with --resume" in err
    with h5py.File("run.h5") as f:
        done = int(f.attrs["iterations"])
        assert done > 0 and not f.attrs["complete"]
    r = vmc_json("--size", "16", "--iterations", "3", "--output", "run.h5", "--resume")
    assert r["iterations"] == done + 3




def test_resume_refuses_other_settings_and_damaged_files(workdir):
    assert run_physml("vmc", "--size", "6", "--iterations", "2", "-o", "run.h5").returncode == 0
    res = run_physml("vmc", "--size", "8", "--iterations", "2", "-o", "run.h5", "--resume")
    assert_clean_failure(res, workdir, "size=6", keep=("run.h5",))
    with open("bad.h5", "wb") as f:
        f.write(b"not hdf5")
    res = run_physml("vmc", "--size", "6", "--iterations", "2", "-o", "bad.h5", "--resume")
    assert_clean_failure(res, workdir, "not a readable HDF5", keep=("run.h5", "bad.h5"))
    res = run_physml("vmc", "--size", "6", "--iterations", "2", "-o", "run.h5")
    assert_clean_failure(res, workdir, "exists", keep=("run.h5", "bad.h5"))


@pytest.mark.parametrize("cls", [E.VmcDriver, E.VmcDriverComplex])
def test_rbm_gram_from_its_structure_matches_the_product(cls):
    """The RBM's log-derivatives (s, t, s (x) t) give O O^dagger as s.s' + t.t'* + (s.s')(t.t'*)."""
    d = cls("heisenberg", "chain", 10, ansatz="rbm", alpha=2, init_scale=0.3, seed=7)
    cfg = all_configs(10)[::9]
    O = np.array(d.log_derivatives(cfg))
    G = np.array(d.structured_gram(cfg))
    np.testing.assert_allclose(G, O @ O.conj().T, rtol=1e-12, atol=1e-10)
    assert E.VmcDriver("tfim", "chain", 8, ansatz="jastrow").structured_gram(cfg[:, :8]) is None


@pytest.mark.parametrize("cls", [E.VmcDriver, E.VmcDriverComplex])
def test_kernel_sr_with_the_structured_gram_steps_as_matrix_free_cg(cls):
    """The kernel solver preconditions with the RBM's own Gram matrix (centred); to a tight
    tolerance its step is the matrix-free solver's, with the Marshall sign as without."""
    def stepped(solver, marshall):
        d = cls("heisenberg", "square", 4, ansatz="rbm", alpha=2, init_scale=0.1, seed=3,
                sampler="exchange", n_up=8, samples_per_chain=8, chains=8, sr_solver=solver,
                cg_tol=1e-12, marshall=marshall, diag_shift=0.05)
        assert d.n_params > 64
        st = d.step()
        return np.array(d.parameters), st
    for marshall in (False, True):
        p_kernel, st = stepped("kernel", marshall)
        p_cg, _ = stepped("cg", marshall)
        assert st["cg_iterations"] <= 3  # the structured Gram is an exact preconditioner
        np.testing.assert_allclose(p_kernel, p_cg, rtol=0, atol=1e-9)
