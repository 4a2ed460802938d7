"""The autoregressive wave function (vmc --ansatz made) and exact sampling (--sampler direct):
psi = sqrt(q) with q normalised, restricted to the S^z sector where the Hamiltonian conserves
it, local energies and log-derivatives as for every ansatz, energies against exact ones."""
import json

import numpy as np
import pytest

from conftest import run_physml
from physml_cli import _engine as E
from test_vmc import all_configs, assert_log_derivatives_match, marshall_signs


def in_sector(n, n_up):
    cfg = all_configs(n)
    return cfg, (cfg == 1).sum(1) == n_up


def test_a_sector_network_is_normalised_on_its_sector_only():
    net = E.Made(8, 2, 3, "tanh", 4)
    net.set_sector(3)
    cfg, inside = in_sector(8, 3)
    lq = np.asarray(net.log_prob(cfg))
    assert np.all(np.isneginf(lq[~inside]))
    assert abs(np.exp(lq[inside]).sum() - 1) < 1e-12
    s, lq_sampled = net.sample(400, 3, 0)
    assert np.all((np.asarray(s) == 1).sum(1) == 3)
    assert np.allclose(lq_sampled, net.log_prob(s), atol=1e-12)


def test_sector_samples_follow_q():
    net = E.Made(6, 2, 2, "tanh", 7)
    net.set_sector(3)
    s, _ = net.sample(40000, 1, 0)
    cfg, inside = in_sector(6, 3)
    p = np.exp(np.asarray(net.log_prob(cfg)))
    index = {tuple(c): k for k, c in enumerate(cfg)}
    counts = np.bincount([index[tuple(r)] for r in np.asarray(s)], minlength=len(cfg))
    sigma = np.sqrt(p * (1 - p) / len(s))
    assert np.all(np.abs(counts / len(s) - p) <= 4 * sigma + 1e-12)
    assert counts[~inside].sum() == 0


def test_sector_gradient_matches_finite_differences():
    net = E.Made(6, 2, 2, "tanh", 2)
    net.set_sector(3)
    cfg, inside = in_sector(6, 3)
    rows = cfg[inside][[0, 5, 11, 19]]
    w = [0.3, -1.0, 0.7, 2.0]
    g, _ = net.weighted_gradient(rows, w)
    p0 = np.array(net.parameters)
    eps = 1e-6
    for k in range(0, len(p0), 7):
        d = np.zeros_like(p0)
        d[k] = eps
        net.parameters = p0 + d
        up = np.dot(w, net.log_prob(rows))
        net.parameters = p0 - d
        down = np.dot(w, net.log_prob(rows))
        net.parameters = p0
        assert abs((up - down) / (2 * eps) - g[k]) < 1e-6, k


CASES = [
    ("tfim", dict(h=0.7, sampler="direct"), dict(h=0.7)),
    ("heisenberg", dict(marshall=True, sampler="direct", n_up=4), {}),
    ("heisenberg", dict(marshall=True, sampler="exchange", n_up=4), {}),
    ("xxz", dict(delta=0.4, sampler="direct", n_up=4), dict(delta=0.4)),
]


@pytest.mark.parametrize("ham,opts,mopts", CASES)
def test_local_energies_match_dense_matrix(ham, opts, mopts):
    d = E.VmcDriver(ham, "chain", 8, ansatz="made", alpha=3, depth=2, seed=5, **opts)
    H = E.hamiltonian_matrix(ham, "chain", 8, 1.0, mopts.get("h", 1.0), mopts.get("delta", 1.0),
                             0.0, False)
    cfg = all_configs(8)
    log_psi = np.array(d.log_psi(cfg))
    # the sector's wave function vanishes elsewhere, which H (conserving S^z) never reaches
    keep = np.isfinite(log_psi)
    assert keep.all() == (ham == "tfim")
    psi = np.exp(log_psi - log_psi[keep].max())
    if opts.get("marshall"):
        psi = psi * marshall_signs("chain", 8, 8)
    assert abs((psi[keep] ** 2).sum() / psi[keep].max() ** 2) > 0  # something to test
    assert abs(np.exp(2 * log_psi[keep]).sum() - 1) < 1e-12        # |psi|^2 = q, normalised
    expected = (H @ psi)[keep] / psi[keep]
    got = np.array(d.local_energies(cfg[keep]))
    assert np.abs(got - expected).max() <= 1e-9 * np.abs(expected).max()


def test_log_derivatives_match_finite_differences():
    d = E.VmcDriver("heisenberg", "chain", 6, ansatz="made", alpha=2, depth=3, seed=2,
                    sampler="direct", n_up=3, marshall=True)
    cfg, inside = in_sector(6, 3)
    assert_log_derivatives_match(d, cfg[inside][[1, 7, 12]], every=5)


@pytest.mark.parametrize("args,rel", [
    (["--size", "12", "--h", "1.0"], 2e-4),
    (["--hamiltonian", "heisenberg", "--size", "12"], 1e-3),
])
def test_direct_sampling_energies_close_to_exact(args, rel):
    res = run_physml("vmc", *args, "--ansatz", "made", "--iterations", "250", "--seed", "3",
                     "--threads", "2", "--json", "-q")
    assert res.returncode == 0, res.stderr
    r = json.loads(res.stdout)
    assert r["sampler"] == "direct" and r["acceptance"] == 1.0
    e, err, e0 = r["energy"], r["energy_err"], r["exact"]
    assert e >= e0 - 4 * err
    assert (e - e0) / abs(e0) <= rel, (e, e0)
    assert r["warnings"] == []


def test_direct_sampling_is_independent_of_threads_and_resumes_exactly(workdir):
    base = ["vmc", "--hamiltonian", "heisenberg", "--size", "8", "--ansatz", "made", "--samples",
            "128", "--measure-samples", "256", "--seed", "4", "--json", "-q"]
    one = json.loads(run_physml(*base, "--iterations", "6", "--threads", "1", cwd=workdir).stdout)
    two = json.loads(run_physml(*base, "--iterations", "6", "--threads", "2", "-o", "a.h5",
                                cwd=workdir).stdout)
    assert one["energy"] == two["energy"]
    run_physml(*base, "--iterations", "2", "-o", "b.h5", cwd=workdir)
    rest = json.loads(run_physml(*base, "--iterations", "4", "-o", "b.h5", "--resume",
                                 cwd=workdir).stdout)
    assert rest["energy"] == two["energy"]


@pytest.mark.parametrize("args,fragment", [
    (["--ansatz", "rbm", "--sampler", "direct"], "--sampler direct draws exact samples of an "
                                                 "autoregressive ansatz (made)"),
    (["--ansatz", "rbm", "--depth", "2"], "--depth is for the made ansatz"),
    (["--ansatz", "made", "--depth", "0"], "--depth"),
    (["--ansatz", "made", "--alpha", "1.5"], "--alpha"),
    (["--ansatz", "made", "--complex"], "--complex"),
    (["--ansatz", "made", "--parity", "+1"], "--parity"),
])
def test_bad_made_options_are_refused(workdir, args, fragment):
    res = run_physml("vmc", "--size", "8", "--iterations", "1", "-o", "x.h5", *args, cwd=workdir)
    assert res.returncode == 2, res.stderr
    assert fragment in res.stderr and "Traceback" not in res.stderr
    assert not (workdir / "x.h5").exists()
