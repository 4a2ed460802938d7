"""The symmetric RBM (--ansatz rbmsymm): invariant under its group, local energies against
dense matrices, log-derivatives against finite differences, energies against exact results,
and the groups it is built on."""
import json

import h5py

import numpy as np
import pytest

from conftest import run_physml
from physml_cli import _engine as E
from test_cli_errors import assert_clean_failure
from test_vmc import all_configs, assert_log_derivatives_match, marshall_signs


def test_groups_come_from_the_lattice():
    sq = E.Lattice("square", 4)
    assert len(sq.symmetry_group("translations")) == 16
    assert len(sq.symmetry_group("lattice")) == 8 * 16  # C4v times translations
    assert len(E.Lattice("chain", 6).symmetry_group("lattice")) == 12  # the dihedral group D6
    assert len(E.Lattice("triangular", 3).symmetry_group("lattice")) == 12 * 9
    for name in ("translations", "lattice"):
        G = sq.symmetry_group(name)
        assert (G[0] == np.arange(16)).all()  # identity first
        assert len({tuple(g) for g in G}) == len(G)
        # closed under composition: g(h(i)) is an element again
        elements = {tuple(g) for g in G}
        assert all(tuple(g[h]) in elements for g in G[:9] for h in G[::7])
        # every element keeps the bond graph
        bonds = {frozenset(b) for b in map(tuple, sq.bonds)}
        assert all({frozenset((g[i], g[j])) for i, j in bonds} == bonds for g in G)


@pytest.mark.parametrize("cls", [E.VmcDriver, E.VmcDriverComplex])
@pytest.mark.parametrize("lattice,L,group", [("square", 4, "lattice"), ("chain", 10, "lattice"),
                                             ("triangular", 3, "translations"),
                                             ("honeycomb", 2, "translations")])
def test_log_psi_is_invariant_under_every_group_element(cls, lattice, L, group):
    d = cls("heisenberg", lattice, L, ansatz="rbmsymm", alpha=2, init_scale=0.3, seed=4,
            symmetries=group)
    assert d.n_params == 1 + 2 + 2 * E.Lattice(lattice, L).n_sites
    assert_invariant(d, E.Lattice(lattice, L), group)


def assert_invariant(d, lat, group):
    """log psi equal to 1e-12 under every element of the group, and changed by a permutation
    outside it (two sites swapped)."""
    n = lat.n_sites
    cfg = np.random.default_rng(1).choice(np.array([-1, 1], np.int8), size=(6, n))
    ref = np.array(d.log_psi(cfg))
    for g in lat.symmetry_group(group):
        moved = np.array(d.log_psi(np.ascontiguousarray(cfg[:, g])))
        np.testing.assert_allclose(moved, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    swap = np.arange(n)
    swap[[0, 1]] = swap[[1, 0]]
    assert np.abs(np.array(d.log_psi(np.ascontiguousarray(cfg[:, swap]))) - ref).max() > 1e-6


@pytest.mark.parametrize("complex_params", [False, True])
@pytest.mark.parametrize("ham,lattice,L,opts,mopts", [
    ("tfim", "chain", 10, dict(h=0.7), dict(h=0.7)),
    ("heisenberg", "square", 3, dict(symmetries="lattice"), {}),
    ("j1j2", "chain", 12, dict(J2=0.5, marshall=True, symmetries="lattice"), dict(J2=0.5)),
    ("xxz", "triangular", 3, dict(delta=0.5), dict(delta=0.5)),
])
def test_local_energies_match_dense_matrix(ham, lattice, L, opts, mopts, complex_params):
    cls = E.VmcDriverComplex if complex_params else E.VmcDriver
    d = cls(ham, lattice, L, ansatz="rbmsymm", alpha=2, init_scale=0.2, seed=5, **opts)
    H = E.hamiltonian_matrix(ham, lattice, L, 1.0, mopts.get("h", 1.0), mopts.get("delta", 1.0),
                             mopts.get("J2", 0.0), False)
    n = H.shape[0].bit_length() - 1
    cfg = all_configs(n)
    log_psi = np.array(d.log_psi(cfg))
    psi = np.exp(log_psi - log_psi.real.max())
    if opts.get("marshall"):
        psi = psi * marshall_signs(lattice, L, n)
    expected = (H @ psi) / psi
    pick = np.random.default_rng(0).choice(len(cfg), 300, replace=False)
    got = np.array(d.local_energies(cfg[pick]))
    assert np.abs(got - expected[pick]).max() <= 1e-9 * np.abs(expected).max()


@pytest.mark.parametrize("cls", [E.VmcDriver, E.VmcDriverComplex])
def test_local_energies_of_the_16_site_square_match_the_matrix_elements(cls):
    """4 x 4 Heisenberg with the Marshall sign (beyond the dense matrices): sigma.sigma on a
    bond is s_i s_j on the diagonal and 2 between antiparallel spins exchanged."""
    d = cls("heisenberg", "square", 4, ansatz="rbmsymm", alpha=2, init_scale=0.2, seed=5,
            marshall=True, symmetries="lattice")
    lat = E.Lattice("square", 4)
    colors = np.asarray(lat.colors)
    cfg = np.random.default_rng(2).choice(np.array([-1, 1], np.int8), size=(40, 16))

    def psi(c):
        sign = (-1.0) ** ((c == 1) & (colors == 0)[None, :]).sum(axis=1)
        return sign * np.exp(np.array(d.log_psi(np.ascontiguousarray(c))))

    here = psi(cfg)
    expected = np.zeros(len(cfg), dtype=complex)
    for i, j in map(tuple, lat.bonds):
        expected += cfg[:, i] * cfg[:, j]
        moved = cfg.copy()
        moved[:, [i, j]] = moved[:, [j, i]]
        anti = cfg[:, i] != cfg[:, j]
        expected += np.where(anti, 2 * psi(moved) / here, 0)
    got = np.array(d.local_energies(cfg))
    assert np.abs(got - expected).max() <= 1e-9 * np.abs(expected).max()


@pytest.mark.parametrize("cls", [E.VmcDriver, E.VmcDriverComplex])
def test_log_derivatives_match_finite_differences(cls):
    d = cls("tfim", "square", 3, ansatz="rbmsymm", alpha=2, init_scale=0.4, seed=2,
            symmetries="lattice")
    assert d.n_params == 1 + 2 + 18
    assert_log_derivatives_match(d, all_configs(9)[[3, 17, 200, 511]])


def vmc_json(*args):
    res = run_physml("vmc", *args, "--json", "-q")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.mark.parametrize("args,rel", [
    (["--hamiltonian", "tfim", "--size", "12", "--h", "1.0", "--alpha", "4"], 2e-4),
    (["--hamiltonian", "heisenberg", "--size", "12", "--alpha", "2"], 1e-3),
    (["--hamiltonian", "heisenberg", "--lattice", "square", "--size", "4", "--alpha", "2",
      "--symmetries", "lattice"], 1e-3),
])
def test_symmetric_energies_close_to_exact(args, rel):
    """Far fewer parameters than the plain RBM and, with its default step, as close to the
    ground state (the plain RBM's 4 x 4 test needs 1e-2)."""
    r = vmc_json(*args, "--ansatz", "rbmsymm", "--seed", "3", "--iterations", "300",
                 "--threads", "2")
    e, err, e0 = r["energy"], r["energy_err"], r["exact"]
    assert e >= e0 - 4 * err
    assert (e - e0) / abs(e0) <= rel, (e, e0)


def test_settings_are_refused_in_words(workdir):
    cases = [
        (["--ansatz", "rbm", "--symmetries", "lattice"], "--symmetries is for the symmetric"),
        (["--ansatz", "rbmsymm", "--open"], "open boundaries break"),
        (["--ansatz", "rbmsymm", "--lattice", "honeycomb", "--size", "2", "--symmetries",
          "lattice"], "no point group"),
        (["--ansatz", "rbmsymm", "--alpha", "1.5"], "whole number"),
        (["--ansatz", "rbmsymm", "--symmetries", "rotations"], "--symmetries"),
    ]
    for extra, fragment in cases:
        res = run_physml("vmc", "--hamiltonian", "heisenberg", "--size", "6", "--iterations",
                         "1", "-o", "x.h5", *extra, cwd=workdir)
        assert_clean_failure(res, workdir, fragment)


def test_resume_keeps_the_group(workdir):
    base = ["--hamiltonian", "heisenberg", "--size", "8", "--ansatz", "rbmsymm", "--samples",
            "256", "--measure-samples", "256", "--seed", "1", "-o", "r.h5", "-q"]
    assert run_physml("vmc", *base, "--iterations", "3", "--symmetries", "translations",
                      cwd=workdir).returncode == 0
    # the default on the chain is its whole space group: not what the run was made with
    res = run_physml("vmc", *base, "--iterations", "3", "--resume", cwd=workdir)
    assert res.returncode == 2 and "symmetries" in res.stderr


@pytest.mark.parametrize("cls", [E.VmcDriver, E.VmcDriverComplex])
@pytest.mark.parametrize("parity", [1, -1])
@pytest.mark.parametrize("ansatz", ["rbm", "rbmsymm"])
def test_parity_projection_is_exact(cls, parity, ansatz):
    """psi(-s) = p psi(s), local energies against the dense matrix, log-derivatives against
    finite differences."""
    d = cls("heisenberg", "chain", 8, ansatz=ansatz, alpha=2, init_scale=0.3, seed=6,
            parity=parity)
    cfg = all_configs(8)
    plain = cls("heisenberg", "chain", 8, ansatz=ansatz, alpha=2, init_scale=0.3, seed=6)
    amp = np.exp(np.array(plain.log_psi(cfg)))
    amp_flipped = np.exp(np.array(plain.log_psi(np.ascontiguousarray(-cfg))))
    # psi vanishes where -s is an image of s under the group (the projection of a symmetric
    # ansatz onto odd parity): compare elsewhere
    nonzero = np.abs(amp + parity * amp_flipped) > 1e-8 * np.abs(amp).max()
    cfg = cfg[nonzero]
    log_psi = np.array(d.log_psi(cfg))
    flipped = np.array(d.log_psi(np.ascontiguousarray(-cfg)))
    if cls is E.VmcDriverComplex:
        np.testing.assert_allclose(np.exp(flipped - log_psi), parity, atol=1e-10)
        psi = np.exp(log_psi - log_psi.real.max())
    else:  # real parameters: log |psi|, the sign from the projection itself
        np.testing.assert_allclose(flipped, log_psi, atol=1e-10)
        psi = (amp + parity * amp_flipped)[nonzero]
        np.testing.assert_allclose(np.log(np.abs(psi)), log_psi, atol=1e-10)
    H = E.hamiltonian_matrix("heisenberg", "chain", 8, 1.0, 1.0, 1.0, 0.0, False)
    full = np.zeros(256, dtype=psi.dtype)
    full[nonzero] = psi
    keep = np.abs(psi) > 1e-6 * np.abs(psi).max()
    expected = (H @ full)[nonzero][keep] / psi[keep]
    got = np.array(d.local_energies(cfg[keep]))
    assert np.abs(got - expected).max() <= 1e-8 * np.abs(expected).max()
    assert_log_derivatives_match(d, cfg[np.flatnonzero(keep)[[1, 5, 9]]],
                                 every=max(1, d.n_params // 12), rtol=1e-5, atol=1e-6)


def lowest_with_parity(n, parity):
    """Lowest Heisenberg chain level of S^z = 0 whose state has this spin-flip parity."""
    H = E.hamiltonian_matrix("heisenberg", "chain", n, 1.0, 1.0, 1.0, 0.0, False)
    cfg = all_configs(n)
    sector = np.flatnonzero(cfg.sum(axis=1) == 0)
    index = {tuple(c): k for k, c in enumerate(cfg)}
    partner = np.array([index[tuple(-cfg[k])] for k in sector])
    # basis (|s> + p |-s>)/sqrt 2 of the sector, one state per pair
    first = sector < partner
    B = np.zeros((len(cfg), first.sum()))
    for col, (k, m) in enumerate(zip(sector[first], partner[first])):
        B[k, col], B[m, col] = 1 / np.sqrt(2), parity / np.sqrt(2)
    return np.linalg.eigvalsh(B.T @ H @ B)[0]


def test_parity_selects_the_symmetry_sector():
    """The chain of N = 10 has an odd ground state ((-1)^(N/2)); --parity -1 finds it, and
    --parity +1 the lowest even level (the S = 1 triplet), above it. The triplet has the other
    momentum, out of reach of a translation-invariant amplitude with the Marshall sign, so
    the plain RBM looks for it (with complex parameters: its amplitude is odd under the flip,
    which real ones reach slowly)."""
    even, odd = lowest_with_parity(10, 1), lowest_with_parity(10, -1)
    assert odd < even - 1
    for parity, extra, target in (("-1", ["--ansatz", "rbmsymm"], odd),
                                  ("+1", ["--ansatz", "rbm", "--complex"], even)):
        r = vmc_json("--hamiltonian", "heisenberg", "--size", "10", *extra,
                     "--alpha", "2", "--parity", parity, "--seed", "2", "--iterations", "250",
                     "--threads", "2")
        assert abs(r["energy"] - target) <= max(5 * r["energy_err"], 2e-3 * abs(target)), \
            (parity, r["energy"], target)


def test_default_step_shrinks_with_the_group():
    """A symmetric weight drives |G| hidden units: lr = min(0.03, 3/|G|), shift 0.1; the plain
    ansaetze keep 0.05 / 0.01."""
    from physml_cli import registry
    from physml_cli.workflows import vmc

    symmetric, plain = registry.entry("ansatz", "rbmsymm"), registry.entry("ansatz", "rbm")
    assert vmc.default_step(plain, 800) == (0.05, 0.01)
    assert vmc.default_step(symmetric, 40) == (0.03, 0.1)
    assert vmc.default_step(symmetric, 160) == (3 / 160, 0.1)
    assert vmc.default_step(symmetric, 800) == (3 / 800, 0.1)


def test_defaults_pick_the_symmetric_rbm_over_the_space_group(workdir):
    """With only the model and size given: rbmsymm, alpha 4, the lattice's whole space group
    and the shift schedule 0.1 -> 0.01 on periodic lattices; the plain RBM with --open."""
    from physml_cli.workflows import vmc
    from physml_cli.workflows.vmc_schedule import Schedule

    base = dict(hamiltonian="heisenberg", lattice="square", size=4, J=1.0, h=1.0, delta=1.0,
                J2=0.0, open_boundaries=False, ansatz=None, alpha=None, complex_parameters=False,
                architecture=None, init_scale=0.01, marshall=None, sampler="auto", chains=4,
                samples=16, discard=2, sweep_size=0, optimizer="sr", lr=None, diag_shift=None,
                sr_solver="auto", cg_tol=1e-6, seed=1)
    s = vmc.resolve(**base)
    assert (s.ansatz, s.alpha, s.symmetries, s.lr, s.diag_shift) == ("rbmsymm", 4.0, "lattice",
                                                                     3 / 128, 0.1)
    assert vmc.default_schedule(s, Schedule(), False) == Schedule(diag_shift_final=0.01, steps=300)
    # a shift or a schedule of the user's own is kept as given
    assert vmc.default_schedule(s, Schedule(), True) == Schedule()
    mine = Schedule(lr_final=0.001, steps=50)
    assert vmc.default_schedule(s, mine, False) == mine
    chain = vmc.resolve(**dict(base, lattice="chain", size=10))
    assert chain.symmetries == "lattice"  # translations and the reflection
    opened = vmc.resolve(**dict(base, open_boundaries=True))
    assert (opened.ansatz, opened.alpha, opened.lr, opened.diag_shift) == ("rbm", 1.0, 0.05, 0.01)
    assert vmc.default_schedule(opened, Schedule(), False) == Schedule()
    r = run_physml("vmc", "--size", "6", "--iterations", "2", "--samples", "64",
                   "--measure-samples", "64", "-o", "d.h5", "--json", "-q", cwd=workdir)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ansatz"] == "rbmsymm"
    with h5py.File(workdir / "d.h5") as f:
        assert f.attrs["symmetries"] == "lattice" and f.attrs["alpha"] == 4
        assert f.attrs["diag_shift_final"] == 0.01 and f.attrs["schedule_steps"] == 300
    # resuming under the same defaults finds the same schedule
    r = run_physml("vmc", "--size", "6", "--iterations", "1", "--samples", "64",
                   "--measure-samples", "64", "-o", "d.h5", "--resume", "-q", cwd=workdir)
    assert r.returncode == 0, r.stderr


def test_memory_estimate_counts_the_untied_tables():
    """rbmsymm over the cubic space group of L = 8 (24 576 elements, alpha 4: 98 304 hidden
    units on 512 sites) keeps three 98 304 x 512 matrices: more than a gigabyte, refused in
    advance where the process cannot have it."""
    from physml_cli.workflows import vmc

    def settings(L):
        return vmc.resolve(hamiltonian="heisenberg", lattice="cubic", size=L, J=1.0, h=1.0,
                           delta=1.0, J2=0.0, open_boundaries=False, ansatz="rbmsymm",
                           alpha=4.0, complex_parameters=False, architecture=None,
                           init_scale=0.01, marshall=None, sampler="auto", chains=16,
                           samples=1008, discard=10, sweep_size=0, optimizer="sr", lr=None,
                           diag_shift=None, sr_solver="auto", cg_tol=1e-6, seed=1,
                           symmetries="lattice")
    big, small = settings(8), settings(4)
    assert vmc.estimate(big, 1 + 4 + 4 * 512) > 3 * 98304 * 512 * 8
    assert vmc.estimate(small, 1 + 4 + 4 * 64) < 1e9
