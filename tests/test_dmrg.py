"""DMRG against exact results: the MPO against the dense Hamiltonian, ground states against
Lanczos on every Hamiltonian, the critical tfim against free fermions, the periodic
Heisenberg chain against the Bethe ansatz; canonical forms, the truncation's error,
thread independence, resume, and the command's errors."""
import json

import numpy as np
import pytest

from physml_cli import _engine
from physml_cli.cli.quantum import ExactSettings
from physml_cli.commands import dmrg as dmrg_command
from physml_cli.errors import Interrupted
from physml_cli.io import schema
from physml_cli.workflows import dmrg
from conftest import InterruptAfter

MODELS = [("tfim", dict(h=1.0)), ("tfim", dict(h=0.5, J=-0.7)), ("heisenberg", {}),
          ("xxz", dict(delta=0.4)), ("xxz", dict(delta=2.0)), ("j1j2", dict(J2=0.5)),
          ("j1j2", dict(J2=0.24))]


@pytest.mark.parametrize("name,couplings", MODELS)
@pytest.mark.parametrize("open_", [True, False])
def test_mpo_times_vector_is_the_dense_hamiltonian(name, couplings, open_):
    n = 8
    H = _engine.hamiltonian_matrix(name, "chain", n, open=open_, **couplings)
    psi = np.random.default_rng(3).normal(size=2 ** n)
    got = _engine.dmrg_mpo_apply(name, "chain", n, open=open_, psi=psi, **couplings)
    assert np.abs(got - H @ psi).max() < 1e-12 * np.abs(H @ psi).max()


def test_mpo_of_a_square_strip_is_the_dense_hamiltonian():
    H = _engine.hamiltonian_matrix("j1j2", "square", 3, J2=0.3, open=True)
    psi = np.random.default_rng(5).normal(size=2 ** 9)
    got = _engine.dmrg_mpo_apply("j1j2", "square", 3, J2=0.3, open=True, psi=psi)
    assert np.abs(got - H @ psi).max() < 1e-12 * np.abs(H @ psi).max()


def _ground_state(name, n, open_, chi=64, sweeps=5, threads=1, n_up=None, **couplings):
    e = _engine.DMRG(name, "chain", n, open=open_, n_up=n // 2 if n_up is None else n_up,
                     threads=threads, **couplings)
    for i, c in enumerate(dmrg.schedule((chi,), sweeps)):
        e.sweep(c, 1e-14, 1e-5 if i < 2 else 0.0, 1e-10, 40)
    return e


@pytest.mark.parametrize("name,couplings", MODELS)
@pytest.mark.parametrize("open_", [True, False])
def test_ground_state_energy_agrees_with_lanczos(name, couplings, open_):
    n = 12
    e = _ground_state(name, n, open_, **couplings)
    exact = _engine.exact_diagonalize(name, "chain", n, open=open_, n_up=-1 if name == "tfim"
                                      else n // 2, levels=1, tol=1e-13, **couplings)
    E0 = exact["energies"][0]
    assert abs(e.energy() - E0) <= 1e-10 * abs(E0)
    # and it is the state: zero variance, the dense vector an eigenvector
    assert abs(e.energy_squared() - e.energy() ** 2) < 1e-8
    assert abs(e.variance()) < 1e-12 * E0 ** 2
    v = e.dense()
    H = _engine.hamiltonian_matrix(name, "chain", n, open=open_, **couplings)
    assert np.linalg.norm(H @ v - E0 * v) < 1e-5
    # correlations are the ground state's where it is unique (Majumdar-Ghosh on the ring has
    # two dimer states, and Lanczos and DMRG may pick different combinations)
    if not (name == "j1j2" and couplings["J2"] == 0.5 and not open_):
        assert np.allclose(e.zz_correlations(0), exact["zz"], atol=1e-6)


def test_critical_tfim_chain_agrees_with_free_fermions():
    n = 64
    e = _ground_state("tfim", n, True, chi=48, sweeps=4, h=1.0)
    ff = _engine.tfim_free_fermion_energy(n, 1.0, 1.0, False)
    assert abs(e.energy() - ff) <= 1e-9 * abs(ff)


def test_periodic_heisenberg_agrees_with_bethe_ansatz():
    n = 20
    e = _ground_state("heisenberg", n, False, chi=160, sweeps=5)
    bethe = _engine.heisenberg_bethe_energy(n, 1.0)
    assert abs(e.energy() - bethe) <= 1e-9 * abs(bethe)


def _site_tensors(state):
    """Each site as a dense (chi_left, 2, chi_right) array from the blocks of state()."""
    charges, dims, data, conserved = (state[k] for k in ("charges", "dims", "data", "conserved"))
    out = []
    for k, v in enumerate(data):
        ql, dl, qr, dr = charges[k], dims[k], charges[k + 1], dims[k + 1]
        T = np.zeros((sum(dl), 2, sum(dr)))
        at = 0
        for s in range(2):
            for li, q in enumerate(ql):
                target = q + (s if conserved else 0)
                if target not in qr:
                    continue
                ri = qr.index(target)
                r0, c0 = sum(dl[:li]), sum(dr[:ri])
                block = v[at: at + dl[li] * dr[ri]].reshape(dr[ri], dl[li]).T  # column-major
                T[r0:r0 + dl[li], s, c0:c0 + dr[ri]] = block
                at += dl[li] * dr[ri]
        assert at == len(v)
        out.append(T)
    return out


@pytest.mark.parametrize("name", ["heisenberg", "tfim"])
def test_between_sweeps_the_state_is_right_canonical(name):
    e = _ground_state(name, 14, True, chi=16, sweeps=3)
    sites = _site_tensors(e.state())
    for T in sites[1:]:
        M = T.reshape(T.shape[0], -1)
        assert np.allclose(M @ M.T, np.eye(T.shape[0]), atol=1e-12)
    # the dense vector from the blocks is the engine's, and normalised
    psi = sites[0]
    for T in sites[1:]:
        psi = np.tensordot(psi, T, axes=([psi.ndim - 1], [0]))
    v = psi.reshape(-1)  # site 0 is the slowest index here; the engine's bit 0 is the fastest
    dense = e.dense().reshape([2] * 14).transpose(list(range(13, -1, -1))).reshape(-1)
    assert np.allclose(v, dense, atol=1e-12)
    assert abs(np.linalg.norm(v) - 1) < 1e-12


def test_schmidt_values_are_normalised_and_give_the_entropy():
    e = _ground_state("heisenberg", 12, True, chi=64, sweeps=4)
    v = e.dense().reshape([2] * 12)[..., ]  # index order: site 11 ... site 0
    for cut, s in enumerate(e.schmidt_values(), start=1):
        assert abs(np.sum(np.asarray(s) ** 2) - 1) < 1e-12
        # sites 0..cut-1 are the last `cut` axes of the reshaped vector
        M = v.reshape(2 ** (12 - cut), 2 ** cut)
        exact = np.linalg.svd(M, compute_uv=False)
        k = min(len(s), len(exact))
        assert np.allclose(np.sort(s)[::-1][:k], exact[:k], atol=1e-10)


def test_truncated_svd_discards_exactly_the_reported_weight():
    M = np.random.default_rng(7).normal(size=(40, 30))
    for chi in (1, 5, 17, 30):
        r = _engine.truncated_svd(M, chi, 0.0)
        approx = r["U"] @ np.diag(r["S"]) @ r["V"].T
        err = np.linalg.norm(M - approx) ** 2 / np.linalg.norm(M) ** 2
        assert len(r["S"]) == chi
        assert abs(err - r["discarded_weight"]) < 1e-12
        # Eckart-Young: no rank-chi matrix does better than the leading singular values
        s = np.linalg.svd(M, compute_uv=False)
        assert abs(err - np.sum(s[chi:] ** 2) / np.sum(s ** 2)) < 1e-12
    # the cutoff drops small values
    D = np.diag([1.0, 1e-3, 1e-9])
    assert len(_engine.truncated_svd(D, 0, 1e-6)["S"]) == 2
    with pytest.raises(ValueError):
        _engine.truncated_svd(D, -1, 0.0)


def test_truncation_is_variational_and_improves_with_the_bond_dimension():
    exact = _engine.exact_diagonalize("heisenberg", "chain", 16, open=True, n_up=8, levels=1,
                                      tol=1e-13)["energies"][0]
    energies = []
    for chi in (2, 4, 8, 16, 64):
        e = _ground_state("heisenberg", 16, True, chi=chi, sweeps=4)
        energies.append(e.energy())
    assert all(E >= exact - 1e-10 for E in energies)
    assert all(a >= b - 1e-10 for a, b in zip(energies, energies[1:]))
    assert energies[0] - exact > 1e-3 and energies[-1] - exact < 1e-8


@pytest.mark.parametrize("name", ["heisenberg", "tfim"])
def test_results_do_not_depend_on_threads(name):
    runs = [_ground_state(name, 24, True, chi=32, sweeps=3, threads=t) for t in (1, 2, 5)]
    ref = runs[0]
    for r in runs[1:]:
        assert r.energy() == ref.energy()
        for a, b in zip(r.state()["data"], ref.state()["data"]):
            assert np.array_equal(a, b)


def test_excited_sector_and_state_roundtrip():
    e = _ground_state("heisenberg", 10, True, chi=32, sweeps=3, n_up=6)
    exact = _engine.exact_diagonalize("heisenberg", "chain", 10, open=True, n_up=6, levels=1,
                                      tol=1e-13)["energies"][0]
    assert abs(e.energy() - exact) < 1e-9 * abs(exact)
    st = e.state()
    f = _engine.DMRG("heisenberg", "chain", 10, open=True, n_up=6)
    f.set_state(st["charges"], st["dims"], st["data"])
    assert f.energy() == e.energy()
    with pytest.raises(ValueError):
        f.set_state(st["charges"], st["dims"], [d[:-1] for d in st["data"]])


def _settings(tmp_path, **kw):
    base = dict(hamiltonian="heisenberg", lattice="chain", size=16, open_boundaries=True,
                method="dmrg", bond_dim=(8, 16, 32), sweeps=5, quiet=True, threads=1,
                output=str(tmp_path / "run.h5"))
    base.update(kw)
    return ExactSettings(**base)


def test_interrupted_run_resumes_identically(tmp_path, monkeypatch):
    whole = dmrg_command.run_dmrg(_settings(tmp_path, output=str(tmp_path / "whole.h5")))
    monkeypatch.setattr(dmrg_command, "SignalCatcher", InterruptAfter(2))
    with pytest.raises(Interrupted):
        dmrg_command.run_dmrg(_settings(tmp_path))
    saved = schema.read_dmrg(str(tmp_path / "run.h5"))
    assert saved["attrs"]["sweeps_done"] == 2 and not saved["attrs"]["complete"]
    monkeypatch.setattr(dmrg_command, "SignalCatcher", InterruptAfter(10 ** 9))
    part = dmrg_command.run_dmrg(_settings(tmp_path, resume=True))
    assert part.energy == whole.energy
    assert part.sweeps == [dict(s, wall_s=p["wall_s"]) for s, p in zip(whole.sweeps, part.sweeps)]
    a = schema.read_dmrg(str(tmp_path / "run.h5"))["arrays"]
    b = schema.read_dmrg(str(tmp_path / "whole.h5"))["arrays"]
    assert np.array_equal(a["mps/coefficients"], b["mps/coefficients"])


def test_cli_reports_sweeps_entropy_and_the_gap(physml, workdir):
    r = physml("exact", "--method", "dmrg", "--hamiltonian", "heisenberg", "--size", "12",
               "--open", "--bond-dim", "32", "--sweeps", "4", "--excited-sz", "1", "--json",
               "-o", "h.h5")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    ex = _engine.exact_diagonalize("heisenberg", "chain", 12, open=True, n_up=6, levels=1,
                                   tol=1e-13)["energies"][0]
    ex1 = _engine.exact_diagonalize("heisenberg", "chain", 12, open=True, n_up=7, levels=1,
                                    tol=1e-13)["energies"][0]
    assert abs(doc["energy"] - ex) < 1e-9 * abs(ex)
    assert abs(doc["gap"] - (ex1 - ex)) < 1e-8
    assert len(doc["sweeps"]) == 4 and len(doc["entanglement_entropy"]) == 11
    assert doc["bond_dims"] == dmrg.schedule((32,), 4)
    # the entropy is largest in the middle of an open chain (up to its even/odd wiggle)
    S = doc["entanglement_entropy"]
    assert max(S) == max(S[4:7])
    info = physml("info", "h.h5")
    assert info.returncode == 0, info.stderr


@pytest.mark.parametrize("args,message", [
    (["--bond-dim", "0"], "bond dimension must be >= 1"),
    (["--bond-dim", "8,-2"], "bond dimension must be >= 1"),
    (["--lattice", "square", "--size", "6"], "up to width 4"),
    (["--bond-dim", "100000", "--size", "4000"], "memory"),
    (["--symmetries", "translations"], "S^z sector only"),
    (["--hamiltonian", "tfim", "--excited-sz", "1"], "conserves S^z"),
    (["--sz", "full"], "needs an S^z sector"),
])
def test_bad_input_is_one_line_exit_2(physml, workdir, args, message):
    r = physml("exact", "--method", "dmrg", "--hamiltonian", "heisenberg", "--size", "8",
               "--sweeps", "1", *args)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_resume_refuses_other_settings(physml, workdir):
    base = ["exact", "--method", "dmrg", "--size", "8", "--hamiltonian", "heisenberg",
            "--bond-dim", "8", "--sweeps", "2", "-o", "a.h5"]
    assert physml(*base).returncode == 0
    r = physml(*base[:-2], "--J", "2", "-o", "a.h5", "--resume", "--sweeps", "3")
    assert r.returncode == 2 and "J" in r.stderr
    r = physml(*base, "--resume")
    assert r.returncode == 2 and "already has 2 sweeps" in r.stderr


def test_vmc_on_an_open_chain_beyond_lanczos_reports_the_dmrg_energy(physml, workdir):
    # 22 sites at S^z = 0: 705432 states, past vmc's on-the-fly Lanczos (2^18); the reference
    # is DMRG's, which must be the exact ground state
    r = physml("vmc", "--hamiltonian", "xxz", "--delta", "0.5", "--lattice", "chain", "--size",
               "22", "--open", "--iterations", "2", "--samples", "32", "--measure-samples", "64",
               "-q", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["exact_method"].startswith("DMRG")
    E0 = _engine.exact_diagonalize("xxz", "chain", 22, delta=0.5, open=True, n_up=11, levels=1,
                                   tol=1e-12)["energies"][0]
    assert abs(doc["exact"] - E0) <= 1e-9 * abs(E0)
