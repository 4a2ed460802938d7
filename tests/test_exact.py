"""Spin Hamiltonians and exact diagonalization against independent constructions and
known exact results."""
import json
from functools import reduce

import h5py
import numpy as np
import pytest

from physml_cli import _engine as E
from test_cli_errors import assert_clean_failure

PAULI = {"x": np.array([[0.0, 1.0], [1.0, 0.0]]), "y": np.array([[0.0, -1j], [1j, 0.0]]),
         "z": np.diag([1.0, -1.0])}


def site_operator(o, i, n):
    """o on site i in the basis |s>, bit i of s set = up; Pauli matrices list up first."""
    flip = PAULI["x"]
    local = flip @ PAULI[o] @ flip  # bit value 1 (up) is index 1
    return reduce(np.kron, [local if k == i else np.eye(2) for k in reversed(range(n))])


def reference(name, n, bonds, J, h=0.0, delta=1.0):
    H = np.zeros((2 ** n, 2 ** n), complex)
    for i, j in bonds:
        zz = site_operator("z", i, n) @ site_operator("z", j, n)
        if name == "tfim":
            H -= J * zz
        else:
            xy = sum(site_operator(o, i, n) @ site_operator(o, j, n) for o in "xy")
            H += J * (xy + delta * zz)
    for i in range(n):
        H -= h * site_operator("x", i, n) if name == "tfim" else 0
    assert np.abs(H.imag).max() == 0
    return H.real


CHAIN8 = [(i, (i + 1) % 8) for i in range(8)]
SQUARE3 = [(r * 3 + c, r * 3 + (c + 1) % 3) for r in range(3) for c in range(3)] + \
          [(r * 3 + c, ((r + 1) % 3) * 3 + c) for r in range(3) for c in range(3)]


@pytest.mark.parametrize("name,lattice,L,bonds,kw", [
    ("tfim", "chain", 8, CHAIN8, dict(J=0.8, h=1.3)),
    ("heisenberg", "chain", 8, CHAIN8, dict(J=1.1)),
    ("xxz", "chain", 8, CHAIN8, dict(J=0.9, delta=-0.4)),
    ("tfim", "square", 3, SQUARE3, dict(J=1.0, h=0.7)),
    ("xxz", "square", 3, SQUARE3, dict(J=1.0, delta=2.0)),
    ("tfim", "chain", 8, CHAIN8[:-1], dict(J=1.0, h=0.5, open=True)),
])
def test_matrix_elements_match_kronecker_products(name, lattice, L, bonds, kw):
    open_ = kw.pop("open", False)
    M = E.hamiltonian_matrix(name, lattice, L, open=open_, **kw)
    R = reference(name, L if lattice == "chain" else L * L, bonds, kw["J"], kw.get("h", 0.0),
                  kw.get("delta", 1.0))
    assert np.array_equal(M, R)
    # and Lanczos finds the lowest eigenvalues of that matrix
    r = E.exact_diagonalize(name, lattice, L, open=open_, levels=3, **kw)
    ev = np.unique(np.round(np.linalg.eigvalsh(R), 9))
    assert r["converged"]
    np.testing.assert_allclose(r["energies"], ev[:3], rtol=1e-10, atol=1e-10)


def test_j1j2_bonds_and_majumdar_ghosh():
    n = 8
    nnn = [(i, (i + 2) % n) for i in range(n)]
    M = E.hamiltonian_matrix("j1j2", "chain", n, J=1.0, J2=0.3)
    R = reference("heisenberg", n, CHAIN8, 1.0) + reference("heisenberg", n, nnn, 0.3)
    np.testing.assert_allclose(M, R, rtol=0, atol=1e-13)  # only the order of the sums differs
    # Majumdar-Ghosh point J2 = J/2: dimer product ground state, E0 = -3/8 J N in S.S units
    for n in (8, 12, 16):
        r = E.exact_diagonalize("j1j2", "chain", n, J=1.0, J2=0.5, n_up=n // 2)
        assert r["energies"][0] == pytest.approx(-1.5 * n, abs=1e-9)


@pytest.mark.parametrize("n,h,periodic", [(6, 0.5, True), (10, 1.0, True), (12, 2.5, True),
                                          (9, 1.0, True), (8, 0.7, False), (11, 1.0, False)])
def test_tfim_chain_free_fermions_equal_lanczos(n, h, periodic):
    r = E.exact_diagonalize("tfim", "chain", n, J=1.0, h=h, open=not periodic)
    assert r["energies"][0] == pytest.approx(E.tfim_free_fermion_energy(n, 1.0, h, periodic), abs=1e-9)
    if periodic:
        k = (2 * np.arange(n) + 1) * np.pi / n
        closed = -np.sqrt(1 + h * h - 2 * h * np.cos(k)).sum()
        assert E.tfim_free_fermion_energy(n, 1.0, h, True) == pytest.approx(closed, rel=1e-13)


def test_free_fermions_any_size_and_limits():
    # large N, critical point: the singular values agree with the closed form, and E0/N
    # approaches -4/pi
    k = (2 * np.arange(600) + 1) * np.pi / 600
    e = E.tfim_free_fermion_energy(600, 1.0, 1.0, True)
    assert e == pytest.approx(-np.sqrt(2 - 2 * np.cos(k)).sum(), rel=1e-12)
    assert e / 600 == pytest.approx(-4 / np.pi, rel=1e-5)
    assert E.tfim_free_fermion_energy(50, 1.0, 0.0, False) == pytest.approx(-49.0)
    assert E.tfim_free_fermion_energy(50, 0.0, 2.0, True) == pytest.approx(-100.0)


def test_heisenberg_known_energies_and_correlations():
    # 4x4 Heisenberg antiferromagnet: E0 = -11.228483 J in S.S units (e.g. Schulz et al. 1996)
    r = E.exact_diagonalize("heisenberg", "square", 4, J=1.0, n_up=8)
    assert r["energies"][0] / 4 == pytest.approx(-11.228483, abs=2e-6)
    zz = np.array(r["zz"]).reshape(4, 4)
    assert zz[0, 0] == pytest.approx(1.0)
    # antiferromagnetic pattern; nearest-neighbour correlation = E0 / (number of bonds * 3)
    assert zz[0, 1] < 0 and zz[1, 1] > 0 and zz[0, 2] > 0
    # (the state converges as the square root of the energy: 1e-12 -> about 1e-6)
    assert zz[0, 1] == pytest.approx(r["energies"][0] / (32 * 3), rel=1e-6)
    # singlet ground state in the full space too; sectors agree
    full = E.exact_diagonalize("heisenberg", "chain", 10, J=1.0, levels=1)
    sector = E.exact_diagonalize("heisenberg", "chain", 10, J=1.0, n_up=5, levels=1)
    assert full["energies"][0] == pytest.approx(sector["energies"][0], abs=1e-9)


def test_same_result_for_any_thread_count():
    a = E.exact_diagonalize("xxz", "chain", 16, J=1.0, delta=0.5, n_up=8, threads=1)
    b = E.exact_diagonalize("xxz", "chain", 16, J=1.0, delta=0.5, n_up=8, threads=2)
    assert a["energies"] == b["energies"] and a["zz"] == b["zz"]


def test_cli_exact_json_and_file(physml, workdir):
    res = physml("exact", "--hamiltonian", "tfim", "--lattice", "chain", "--size", "12", "--h",
                 "1.0", "--json", "-o", "tfim.h5")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["energy"] == pytest.approx(out["free_fermion_energy"], abs=1e-9)
    assert out["gap"] > 0 and out["dimension"] == 4096 and "sz_i sz_j" in out["convention"]
    assert len(out["zz"]) == 12 and 0 < out["sx"] < 1
    with h5py.File(workdir / "tfim.h5") as f:
        assert f.attrs["physml_schema"] == "physml.exact/1"
        assert f.attrs["energy"] == out["energy"] and len(f["zz"]) == 12
    res = physml("exact", "--hamiltonian", "heisenberg", "--size", "10", "--sz", "1", "--json")
    assert res.returncode == 0, res.stderr
    triplet = json.loads(res.stdout)
    assert triplet["sector"] == "S^z = 1" and triplet["dimension"] == 210


@pytest.mark.parametrize("args,fragment", [
    (["--hamiltonian", "hubbard"], "unknown --hamiltonian"),
    (["--lattice", "kagome"], "unknown --lattice"),
    (["--size", "1"], "at least 2"),
    (["--size", "7", "--lattice", "square"], "far beyond"),
    (["--hamiltonian", "j1j2", "--lattice", "triangular", "--size", "3"], "chain and square"),
    (["--open", "--lattice", "honeycomb", "--size", "2"], "--open"),
    (["--hamiltonian", "xxz", "--size", "6", "--sz", "0.5"], "not a possible total"),
    (["--hamiltonian", "tfim", "--sz", "0"], "does not conserve"),
    (["--h", "nan"], "finite"),
    (["--levels", "0"], "--levels"),
])
def test_cli_exact_bad_input(physml, workdir, args, fragment):
    assert_clean_failure(physml("exact", *args, "-o", "x.h5"), workdir, fragment)


def test_cli_exact_refuses_what_does_not_fit(physml, workdir, monkeypatch):
    res = physml("exact", "--lattice", "chain", "--size", "38")
    assert_clean_failure(res, workdir, "GiB")
