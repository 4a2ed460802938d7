"""Exact diagonalization in symmetry sectors against the full space: spectra, dimensions
(character formula), free fermions, correlations and the command line."""
import itertools
import json
import math

import numpy as np
import pytest

from physml_cli import _engine as E
from test_cli_errors import assert_clean_failure


def xxz_block(lattice, L, n_up, J=1.0, delta=1.0):
    """The S^z block of J sum (sx sx + sy sy + delta sz sz) over the lattice bonds, built here."""
    lat = E.Lattice(lattice, L)
    n = lat.n_sites
    states = [s for s in range(2 ** n) if bin(s).count("1") == n_up]
    index = {s: r for r, s in enumerate(states)}
    M = np.zeros((len(states), len(states)))
    for r, s in enumerate(states):
        for i, j in lat.bonds:
            same = ((s >> i) & 1) == ((s >> j) & 1)
            M[r, r] += J * delta * (1 if same else -1)
            if not same:
                M[index[s ^ (1 << i) ^ (1 << j)], r] += 2 * J
    return M


def dense(name, lattice, L, n_up=-1, **kw):
    """The full H (or its S^z block) from the computational-basis matrix."""
    if lattice == "square" and L == 4:
        return xxz_block(lattice, L, n_up, kw.get("J", 1.0), kw.get("delta", 1.0))
    M = E.hamiltonian_matrix(name, lattice, L, **kw)
    if n_up >= 0:
        keep = [s for s in range(M.shape[0]) if bin(s).count("1") == n_up]
        M = M[np.ix_(keep, keep)]
    return M


def couplings(kw):
    return {k: v for k, v in kw.items() if k in ("J", "h", "delta", "J2", "open")}


def sector_levels(name, lattice, L, n_up, symmetries, momentum, irrep, flip, **kw):
    M = E.exact_sector_matrix(name, lattice, L, n_up=n_up, symmetries=symmetries,
                              momentum=list(momentum), irrep=irrep, spin_flip=flip, **kw)
    np.testing.assert_allclose(M, M.conj().T, atol=1e-12)  # Hermitian in the sector basis
    return np.linalg.eigvalsh(M) if M.size else np.zeros(0)


CASES = [  # name, lattice, L, n_up, couplings
    ("heisenberg", "chain", 10, 5, {}),
    ("j1j2", "chain", 10, 5, dict(J2=0.4)),
    ("xxz", "chain", 9, 4, dict(delta=0.6)),
    ("tfim", "chain", 8, -1, dict(h=0.7)),
    ("tfim", "square", 3, -1, dict(h=1.3)),
    ("heisenberg", "square", 4, 3, {}),
    ("xxz", "square", 3, 4, dict(delta=1.7)),
]


@pytest.mark.parametrize("name,lattice,L,n_up,kw", CASES)
def test_momentum_sectors_together_are_the_full_spectrum(name, lattice, L, n_up, kw):
    n = L if lattice == "chain" else L * L
    full = np.sort(np.linalg.eigvalsh(dense(name, lattice, L, n_up, **kw)))
    flips = [1, -1] if n_up < 0 or 2 * n_up == n else [0]
    d = 1 if lattice == "chain" else 2
    levels = []
    for k in itertools.product(range(L), repeat=d):
        for f in flips:
            levels += list(sector_levels(name, lattice, L, n_up, "translations", k, "A1", f, **kw))
    np.testing.assert_allclose(np.sort(levels), full, atol=1e-9)


def test_chain_reflection_sectors_complete_the_momenta():
    """k = 0 and pi split by reflection parity (A1, A2), the other k by translations alone."""
    L, n_up = 10, 5
    full = np.sort(np.linalg.eigvalsh(dense("j1j2", "chain", L, n_up, J2=0.3)))
    levels = []
    for n in range(L):
        for f in (1, -1):
            if n in (0, L // 2):
                for irrep in ("A1", "A2"):
                    levels += list(sector_levels("j1j2", "chain", L, n_up, "lattice", (n,), irrep,
                                                 f, J2=0.3))
            else:
                levels += list(sector_levels("j1j2", "chain", L, n_up, "translations", (n,), "A1",
                                             f, J2=0.3))
    np.testing.assert_allclose(np.sort(levels), full, atol=1e-9)


def test_square_irreps_are_within_their_momentum_sector():
    """A1, A2, B1, B2 at k = (0, 0) hold eigenvalues of the k = (0, 0) block, each level as
    often as it occurs there (the rest belongs to the two-dimensional irrep E)."""
    kw = dict(h=0.9)
    k_levels = list(np.round(sector_levels("tfim", "square", 4, -1, "translations", (0, 0),
                                           "A1", 1, **kw), 8))
    for irrep in ("A1", "A2", "B1", "B2"):
        for x in np.round(sector_levels("tfim", "square", 4, -1, "lattice", (0, 0), irrep, 1,
                                        **kw), 8):
            assert x in k_levels, (irrep, x)
            k_levels.remove(x)
    assert len(k_levels) % 2 == 0  # E comes in pairs


def characters(lattice, L, symmetries, momentum, irrep, flip):
    """The group as (site map, flips, character), built here from the lattice's maps alone."""
    lat = E.Lattice(lattice, L)
    coords = lat.coordinates()[:, :-1]
    d = lat.dimension
    points = lat.point_group() if symmetries == "lattice" else lat.point_group()[:1]

    def character(p):
        M = np.zeros((d, d), int)
        for a in range(d):
            unit = [0] * 3
            unit[a] = 1
            site = int(np.flatnonzero((coords == unit[:d]).all(axis=1))[0])
            y = coords[p[site]]
            M[:, a] = np.where(y > L // 2, y - L, y)
        det = round(np.linalg.det(M))
        b1 = 1 if np.count_nonzero(M - np.diag(np.diag(M))) == 0 else -1
        return {"A1": 1, "A2": det, "B1": b1, "B2": det * b1}[irrep]

    group = []
    for p in points:
        for t in lat.translations():
            g = t[p]
            phase = np.exp(2j * np.pi * np.dot(momentum, coords[t[0]]) / L) * character(p)
            group.append((g, False, phase))
            if flip:
                group.append((g, True, phase * flip))
    return group


@pytest.mark.parametrize("lattice,L,n_up,symmetries,momentum,irrep,flip", [
    ("chain", 12, 6, "translations", (0,), "A1", 1),
    ("chain", 12, 6, "translations", (5,), "A1", -1),
    ("chain", 12, 5, "translations", (3,), "A1", 0),
    ("chain", 12, 6, "lattice", (6,), "A2", 1),
    ("chain", 11, -1, "lattice", (0,), "A1", 1),
    ("square", 4, 8, "lattice", (0, 0), "A1", 1),
    ("square", 4, 8, "lattice", (2, 2), "B2", -1),
    ("square", 4, 7, "translations", (1, 2), "A1", 0),
    ("square", 3, -1, "lattice", (0, 0), "B1", -1),
])
def test_sector_dimensions_equal_the_character_formula(lattice, L, n_up, symmetries, momentum,
                                                       irrep, flip):
    n = L if lattice == "chain" else L * L
    states = [s for s in range(2 ** n) if n_up < 0 or bin(s).count("1") == n_up]
    bits = np.array([[(s >> i) & 1 for i in range(n)] for s in states], np.int8)
    index = {s: r for r, s in enumerate(states)}
    group = characters(lattice, L, symmetries, momentum, irrep, flip)
    total = 0.0
    for g, flips, chi in group:
        image = np.zeros_like(bits)
        image[:, g] = bits  # site i goes to g[i]
        if flips:
            image = 1 - image
        fixed = np.count_nonzero((image == bits).all(axis=1))
        total += (np.conj(chi) * fixed).real
    expected = total / len(group)
    assert expected == pytest.approx(round(expected), abs=1e-9)
    got = E.exact_sector_dimension(lattice, L, n_up=n_up, symmetries=symmetries,
                                   momentum=list(momentum), irrep=irrep, spin_flip=flip)
    assert got == round(expected)
    assert index  # the sector is not empty


def free_fermion_levels(N, J, h):
    """Every level of the periodic TFIM chain by (momentum index, spin flip): Jordan-Wigner
    fermions, antiperiodic in the even sector (flip +1), periodic in the odd one. A pair
    (q, -q) contributes eps_q (n - 1/2) per quasiparticle, eps_q = 2 sqrt(h^2 + J^2 - 2hJ cos q);
    the unpaired q = 0, pi contribute e_q (n_q - 1/2) with e_q = 2 (h - J cos q). Each
    quasiparticle or unpaired fermion changes the fermion parity, which is the spin flip."""
    out = {}
    for flip in (1, -1):
        ms = [m + 0.5 for m in range(N)] if flip == 1 else list(range(N))
        modes, vacuum, parity0, k0 = [], 0.0, 0, 0  # (2m, energy to change from the vacuum)
        for m in ms:
            q = 2 * np.pi * m / N
            if abs(np.sin(q)) < 1e-12:
                e = 2 * (h - J * np.cos(q))
                vacuum -= abs(e) / 2
                if e < 0:  # filled in the vacuum
                    parity0 += 1
                    k0 += round(2 * m)
                modes.append((round(2 * m), abs(e)))
            else:
                eps = 2 * np.sqrt(h * h + J * J - 2 * h * J * np.cos(q))
                vacuum -= eps / 2
                modes.append((round(2 * m), eps))
        for occ in itertools.product((0, 1), repeat=N):
            if ((parity0 + sum(occ)) % 2 == 0) != (flip == 1):
                continue
            e = vacuum + sum(eps for (_, eps), o in zip(modes, occ) if o)
            k2 = (k0 + sum(k2 for (k2, _), o in zip(modes, occ) if o)) % (2 * N)
            assert k2 % 2 == 0
            out.setdefault((k2 // 2, flip), []).append(e)
    return out


def test_tfim_momentum_sectors_equal_free_fermions():
    N, J, h = 8, 1.0, 0.7
    ff = free_fermion_levels(N, J, h)
    for n in range(N):
        for flip in (1, -1):
            got = sector_levels("tfim", "chain", N, -1, "translations", (n,), "A1", flip, J=J, h=h)
            want = ff.get((n, flip), []) + ff.get(((N - n) % N, flip), [])
            # the momentum sign convention aside, k and -k hold the same levels
            np.testing.assert_allclose(np.sort(np.concatenate([got, sector_levels(
                "tfim", "chain", N, -1, "translations", ((N - n) % N,), "A1", flip, J=J, h=h)])),
                np.sort(want), atol=1e-9)


def test_lanczos_in_sectors_matches_the_plain_sector():
    for name, lattice, L, kw in [("heisenberg", "chain", 16, {}), ("j1j2", "chain", 14, dict(J2=0.5)),
                                 ("heisenberg", "square", 4, {}), ("tfim", "chain", 12, dict(h=1.0))]:
        n = L if lattice == "chain" else L * L
        n_up = -1 if name == "tfim" else n // 2
        plain = E.exact_diagonalize(name, lattice, L, n_up=n_up, levels=1, **kw)
        best = min(
            E.exact_sector_diagonalize(name, lattice, L, n_up=n_up, symmetries="translations",
                                       momentum=list(k), spin_flip=f, levels=1, **kw)["energies"][0]
            for k in ([(0,), (L // 2,)] if lattice == "chain" else [(0, 0), (2, 2)]) for f in (1, -1))
        assert best == pytest.approx(plain["energies"][0], rel=1e-11)


def test_sign_rule_sectors_hold_the_ground_state():
    # Heisenberg chain: k = 0 for N/2 even, pi for N/2 odd; Marshall's spin flip (-1)^(N/2)
    for L in (10, 12):
        rule = E.exact_sign_rule_sector("heisenberg", "chain", L, n_up=L // 2, symmetries="lattice",
                                        spin_flip=1)
        assert rule["momentum"] == [0 if (L // 2) % 2 == 0 else L // 2]
        assert rule["spin_flip"] == (1 if (L // 2) % 2 == 0 else -1)
        r = E.exact_sector_diagonalize("heisenberg", "chain", L, n_up=L // 2, symmetries="lattice",
                                       momentum=rule["momentum"], irrep=rule["irrep"],
                                       spin_flip=rule["spin_flip"], levels=1)
        plain = E.exact_diagonalize("heisenberg", "chain", L, n_up=L // 2, levels=1)
        assert r["energies"][0] == pytest.approx(plain["energies"][0], rel=1e-12)
    # tfim: stoquastic, the trivial sector; frustrated j1j2: no rule
    assert E.exact_sign_rule_sector("tfim", "square", 4, h=2.0, symmetries="lattice",
                                    spin_flip=1) == {"momentum": [0, 0], "irrep": "A1", "spin_flip": 1}
    assert E.exact_sign_rule_sector("j1j2", "chain", 12, J2=0.5, n_up=6, symmetries="lattice",
                                    spin_flip=1) is None


def test_correlations_and_transverse_field_match_the_plain_sector():
    for name, lattice, L, kw, k in [("heisenberg", "chain", 12, {}, (0,)),
                                    ("heisenberg", "square", 4, {}, (0, 0)),
                                    ("tfim", "square", 3, dict(h=2.5), (0, 0))]:
        n = L if lattice == "chain" else L * L
        n_up = -1 if name == "tfim" else n // 2
        plain = E.exact_diagonalize(name, lattice, L, n_up=n_up, levels=1, **kw)
        r = E.exact_sector_diagonalize(name, lattice, L, n_up=n_up, symmetries="lattice",
                                       momentum=list(k), irrep="A1", spin_flip=1, levels=1, **kw)
        assert r["energies"][0] == pytest.approx(plain["energies"][0], rel=1e-12)
        np.testing.assert_allclose(r["zz"], plain["zz"], atol=1e-9)
        if name == "tfim":
            assert np.mean(r["x"]) == pytest.approx(np.mean(plain["x"]), abs=1e-9)


def test_complex_sectors_and_thread_independence():
    kw = dict(n_up=7, symmetries="translations", momentum=[3], levels=3)
    one = E.exact_sector_diagonalize("xxz", "chain", 14, delta=0.5, threads=1, **kw)
    two = E.exact_sector_diagonalize("xxz", "chain", 14, delta=0.5, threads=2, **kw)
    assert one["energies"] == two["energies"] and one["zz"] == two["zz"]
    full = np.linalg.eigvalsh(E.exact_sector_matrix("xxz", "chain", 14, delta=0.5, n_up=7,
                                                    symmetries="translations", momentum=[3]))
    np.testing.assert_allclose(one["energies"], np.unique(np.round(full, 9))[:3], atol=1e-9)


def orbits(n, n_up, maps, flip):
    """Representatives (smallest images) of every orbit, found here by brute force."""
    reps = set()
    for s in range(2 ** n):
        if bin(s).count("1") != n_up:
            continue
        images = []
        for t in maps:
            for f in ((0, 1) if flip else (0,)):
                img = 0
                for i in range(n):
                    img |= (((s >> i) & 1) ^ f) << int(t[i])
                images.append(img)
        reps.add(min(images))
    return reps


@pytest.mark.parametrize("n,n_up,flip", [(16, 8, 1), (15, 7, 0), (14, 5, 0)])
def test_trivial_sector_has_one_state_per_orbit(n, n_up, flip):
    """The sublattice-coded search (even chains: two blocks) and the plain one (odd chains)
    against orbits counted by brute force; the momentum sectors add up to the S^z block."""
    maps = E.Lattice("chain", n).translations()
    count = E.exact_sector_dimension("chain", n, n_up=n_up, symmetries="translations",
                                     momentum=[0], spin_flip=flip)
    assert count == len(orbits(n, n_up, maps, flip))
    flips = (1, -1) if flip else (0,)
    total = sum(E.exact_sector_dimension("chain", n, n_up=n_up, symmetries="translations",
                                         momentum=[k], spin_flip=f) for k in range(n) for f in flips)
    assert total == math.comb(n, n_up)


def test_cli_exact_symmetries(physml, workdir):
    res = physml("exact", "--hamiltonian", "heisenberg", "--lattice", "square", "--size", "4",
                 "--symmetries", "auto", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["energy"] == pytest.approx(-44.91393283371, rel=1e-10)  # 4x4, Pauli units
    assert out["sector_choice"] == "sign rule" and out["irrep"] == "A1" and out["spin_flip"] == 1
    assert out["momentum"] == [0, 0] and out["group_size"] == 256
    assert out["dimension"] < 12870 / 100
    res = physml("exact", "--hamiltonian", "j1j2", "--size", "12", "--J2", "0.5",
                 "--symmetries", "lattice", "--json", "--plot", "ek.png", "--momentum", "all")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["energy"] == pytest.approx(-18.0, abs=1e-9)  # Majumdar-Ghosh, -3N/2 in Pauli units
    assert out["gap"] == pytest.approx(0.0, abs=1e-8)  # the two dimer states: k = 0 and pi
    assert len(out["sectors"]) == 2 * 2 * 2 and (workdir / "ek.png").stat().st_size > 0


@pytest.mark.parametrize("args,fragment", [
    (["--symmetries", "lattice", "--size", "6", "--momentum", "2", "--hamiltonian", "heisenberg"],
     "does not leave it invariant"),
    (["--symmetries", "translations", "--irrep", "B1"], "--irrep needs the point group"),
    (["--symmetries", "lattice", "--irrep", "B1", "--size", "8"], "irreps are A1, A2"),
    (["--symmetries", "auto", "--momentum", "9", "--size", "8"], "integers 0..7"),
    (["--symmetries", "auto", "--momentum", "0,0", "--size", "8"], "expected 1 component"),
    (["--symmetries", "auto", "--momentum", "pi", "--size", "7"], "even linear size"),
    (["--hamiltonian", "heisenberg", "--sz", "1", "--symmetries", "auto", "--spin-flip", "+1"],
     "S^z = 0 sector"),
    (["--momentum", "0"], "need --symmetries"),
    (["--symmetries", "lattice", "--lattice", "honeycomb", "--size", "3"], "no point group"),
])
def test_cli_exact_symmetries_bad_input(physml, workdir, args, fragment):
    assert_clean_failure(physml("exact", *args), workdir, fragment)


def test_stored_matrix_and_kept_vectors_change_no_number():
    """H found on the fly or stored, the ground state rebuilt by a second run or summed from
    kept Krylov vectors: the same numbers to the last bit."""
    kw = dict(n_up=9, symmetries="lattice", momentum=[9], irrep="A1", spin_flip=-1, levels=2)
    plain = E.exact_sector_diagonalize("j1j2", "chain", 18, J2=0.3, memory_budget=0, **kw)
    stored = E.exact_sector_diagonalize("j1j2", "chain", 18, J2=0.3, memory_budget=1e9, **kw)
    assert not plain["stored"] and stored["stored"] and stored["nonzeros"] > 0
    assert plain["energies"] == stored["energies"] and plain["zz"] == stored["zz"]
    assert plain["iterations"] == stored["iterations"]


def test_bethe_ansatz_energies():
    for n in (6, 10, 16, 20):
        r = E.exact_diagonalize("heisenberg", "chain", n, J=1.3, n_up=n // 2, levels=1)
        assert E.heisenberg_bethe_energy(n, 1.3) == pytest.approx(r["energies"][0], rel=1e-12)
    with pytest.raises(ValueError):
        E.heisenberg_bethe_energy(7)


def test_cli_structure_factor_and_bethe_reference(physml, workdir):
    res = physml("exact", "--hamiltonian", "heisenberg", "--size", "10", "--symmetries",
                 "auto", "--json", "-o", "h.h5")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["bethe_ansatz_energy"] == pytest.approx(out["energy"], rel=1e-12)
    zz = np.asarray(out["zz"])
    S = np.asarray(out["structure_factor"])
    assert S[5] == pytest.approx(np.sum(zz * (-1.0) ** np.arange(10)), abs=1e-10)  # q = pi
    assert S[0] == pytest.approx(0.0, abs=1e-9)  # a singlet: total S^z fluctuations vanish
    import h5py
    with h5py.File(workdir / "h.h5") as f:
        np.testing.assert_allclose(f["structure_factor"][()], S)
        assert f.attrs["sector_choice"] == "sign rule"


def test_cli_momentum_plot_needs_a_chain_in_sectors(physml, workdir):
    res = physml("exact", "--lattice", "square", "--size", "3", "--symmetries", "translations",
                 "--plot", "ek.png")
    assert_clean_failure(res, workdir, "--plot draws the levels against momentum")
    res = physml("exact", "--size", "8", "--plot", "ek.png")
    assert_clean_failure(res, workdir, "needs --lattice chain and --symmetries")


def test_cli_scans_skip_empty_sectors_and_auto_scans_every_momentum(physml, workdir):
    # chain of 4, S^z = 0, k = 0: odd under reflection or spin flip, no state is left
    res = physml("exact", "--hamiltonian", "heisenberg", "--size", "4", "--symmetries",
                 "lattice", "--momentum", "0", "--irrep", "all", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["empty_sectors"] == 3 and len(out["sectors"]) == 1  # A1, flip +1 alone
    # no sign rule (frustrated): auto scans the translation group, which covers everything
    res = physml("exact", "--hamiltonian", "j1j2", "--J2", "0.8", "--size", "10",
                 "--symmetries", "auto", "--levels", "1", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["sector_choice"] == "scan" and len(out["sectors"]) == 10 * 2
    plain = E.exact_diagonalize("j1j2", "chain", 10, J2=0.8, n_up=5, levels=1)
    assert out["energy"] == pytest.approx(plain["energies"][0], rel=1e-12)
    assert_clean_failure(physml("exact", "--size", "2", "--symmetries", "auto"), workdir,
                         "linear size of at least 3")
