"""Resource limits and numerical safety: memory estimates against the process's real limits,
the Lanczos convergence criterion, thread counts past what the engine can use, and update
rules that would not be ergodic."""
import json
import math
import resource
import subprocess
import sys

import numpy as np
import pytest

from physml_cli import _engine as E
from physml_cli import registry, resources
from physml_cli.errors import PhysmlError
from physml_cli.workflows import exact, simulate, vmc


def physml_limited(*args, address_space=None, timeout=60):
    """physml in a subprocess, optionally under RLIMIT_AS (ulimit -v) of `address_space` bytes."""
    def limit():
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    return subprocess.run([sys.executable, "-m", "physml_cli", *args], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit)


def one_line_error(res, *words):
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("physml: error:"), res.stderr
    assert "Traceback" not in res.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


# --- memory -------------------------------------------------------------------------------

def test_memory_limit_is_the_tightest_and_says_where_it_comes_from():
    limits = resources.memory_limits()      # each less the usage at the time it is read
    assert limits and resources.memory_limit() is not None
    tightest = min(limits, key=lambda m: m.bytes)
    assert abs(resources.memory_limit() - tightest.bytes) < 256 * 2**20
    with pytest.raises(PhysmlError, match=r"needs about .* more than this run may use: .*\("):
        resources.check_memory(1e18, "a test")
    resources.check_memory(1.0, "a test")


def test_rlimit_as_is_respected():
    code = ("from physml_cli import resources; i = resources.memory_limit_info(); "
            "print(i.bytes); print(i.source)")
    cap = 3 * 2**30

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         preexec_fn=limit, timeout=30)
    assert res.returncode == 0, res.stderr
    value, source = res.stdout.strip().splitlines()
    assert 0 < float(value) < cap and "RLIMIT_AS" in source


@pytest.mark.parametrize("version", ["v2", "v1"])
def test_cgroup_limit_is_read(tmp_path, version):
    """The memory limit of this process's cgroup, or of an ancestor, less its usage."""
    listing = tmp_path / "cgroup"
    if version == "v2":
        listing.write_text("0::/slurm/job_7/step_0\n")
        job = tmp_path / "root" / "slurm" / "job_7"
        files = ("memory.max", "memory.current")
    else:
        listing.write_text("4:cpu,cpuacct:/slurm/job_7\n3:memory:/slurm/job_7/step_0\n")
        job = tmp_path / "root" / "memory" / "slurm" / "job_7"
        files = ("memory.limit_in_bytes", "memory.usage_in_bytes")
    (job / "step_0").mkdir(parents=True)
    (job / "step_0" / files[0]).write_text("max\n" if version == "v2" else f"{2**62}\n")
    (job / files[0]).write_text(f"{2 * 2**30}\n")
    (job / files[1]).write_text(f"{2**29}\n")
    limits = resources._cgroups(str(tmp_path / "root"), str(listing))
    assert len(limits) == 1
    assert limits[0].bytes == 1.5 * 2**30 and files[0] in limits[0].source


def test_exact_under_ulimit_is_refused_before_it_allocates():
    # 26 spins in the full space: 2^26 x 48 bytes = 3 GiB, under a 2 GiB address space
    res = physml_limited("exact", "--size", "26", "--sz", "full", "--json",
                         address_space=2 * 2**30)
    one_line_error(res, "26 spins", "RLIMIT_AS")


def test_exact_estimate_uses_the_helper():
    assert exact.estimate(20, -1) == E.exact_memory_estimate(20, -1) == 48 * 2**20
    with pytest.raises(PhysmlError, match="40 spins"):
        exact.check_memory(40, -1)


def _settings(**kw):
    base = dict(hamiltonian="heisenberg", lattice="chain", size=8, J=1.0, h=1.0, delta=1.0,
                J2=0.0, open_boundaries=False, ansatz="rbm", alpha=1.0, complex_parameters=False,
                architecture=None, init_scale=0.01, marshall=None, sampler="auto", chains=4,
                samples=64, discard=2, sweep_size=0, optimizer="sr", lr=0.05, diag_shift=0.01,
                sr_solver="auto", cg_tol=1e-6, seed=1)
    base.update(kw)
    return vmc.resolve(**base)


def test_vmc_estimate_grows_with_samples_and_parameters():
    s = _settings()
    small = vmc.estimate(s, 80)
    assert vmc.estimate(s, 80, 10**6) > small
    assert vmc.estimate(_settings(samples=6400), 80) > small
    dense = _settings(sr_solver="dense")      # SR's Gram matrix: parameters^2 single floats
    assert vmc.estimate(dense, 2000) - vmc.estimate(dense, 1000) >= 4 * (2000**2 - 1000**2)


def test_vmc_measure_samples_refused_up_front():
    s = _settings()
    with pytest.raises(PhysmlError, match="measure"):
        vmc.new_run(s, 1, measure_samples=2**31)
    run = vmc.new_run(s, 1)
    with pytest.raises(PhysmlError):
        vmc.check_measurement(run, 2**31 * 4)
    res = physml_limited("vmc", "--hamiltonian", "heisenberg", "--size", "8", "--iterations",
                         "0", "--chains", "4", "--samples", "64", "--measure-samples",
                         "1073741824", "-q")
    one_line_error(res, "memory")


def test_simulate_estimate_moved_to_the_workflow():
    need = simulate.estimate("square", 16, 11, 10000, 10, 100)
    n = 256
    assert need == 11 * n * 10 + n * 32 + 11 * 100 * n + 11 * 1000 * 16
    with pytest.raises(PhysmlError, match="--size 100000"):
        simulate.check_memory("square", 100000, 4, 10, 1, 10)


def test_training_estimates():
    from physml_cli.workflows import rbm, train_mlp

    params, widths = train_mlp.layer_sizes("conv:4:3,relu,dense:10,relu,dense:2", (8, 8, 1))
    assert params == (9 * 1 * 4 + 4) + (256 + 1) * 10 + (10 + 1) * 2 and widths[0] == 256
    assert train_mlp.estimate(10**6, 64, "dense:64,relu,dense:2", (8, 8, 1), 64) > 3 * 4 * 64e6
    assert rbm.estimate(1000, 64, 32, 64) > 3 * 8 * 64000


# --- Lanczos ------------------------------------------------------------------------------

@pytest.mark.parametrize("tol", ["1e308", "inf", "nan", "0.5", "0"])
def test_exact_refuses_a_tolerance_outside_its_range(tol):
    res = physml_limited("exact", "--size", "8", "--tol", tol, "--json")
    one_line_error(res, "--tol")


def test_tolerance_range_is_registered():
    p = registry.entry("eigensolver", "lanczos").parameter("tol")
    assert p.min == 0 and not p.min_inclusive and p.max == 1e-2
    with pytest.raises(ValueError, match="tolerance"):
        E.exact_diagonalize("tfim", "chain", 8, tol=1e308)


def test_converged_only_when_the_residual_meets_the_tolerance():
    ev = np.linalg.eigvalsh(E.hamiltonian_matrix("heisenberg", "chain", 10))
    scale = np.abs(ev).max()
    for tol in (1e-2, 1e-6, 1e-12):
        r = E.exact_diagonalize("heisenberg", "chain", 10, n_up=5, levels=1, tol=tol)
        assert r["converged"] and r["residual"] <= tol
        # a residual bounds the eigenvalue's error
        assert abs(r["energies"][0] - ev[0]) <= max(tol * scale * 1.01, 1e-11)
    short = E.exact_diagonalize("heisenberg", "chain", 14, n_up=7, levels=1, tol=1e-12, max_iter=4)
    assert not short["converged"] and short["residual"] > 1e-12


def test_loose_tolerance_still_gives_the_ground_state():
    res = physml_limited("exact", "--size", "12", "--tol", "1e-2", "--json")
    assert res.returncode == 0, res.stderr
    r = json.loads(res.stdout)
    assert r["converged"] and r["residual"] <= 1e-2
    ref = E.tfim_free_fermion_energy(12, 1.0, 1.0, True)
    assert abs(r["energy"] - ref) <= 1e-2 * abs(ref)


# --- threads ------------------------------------------------------------------------------

def test_engine_clamps_threads():
    limit = E.thread_limit()
    assert limit >= 1 and E.engine_threads(100000) == limit and E.engine_threads(1) == 1
    with pytest.raises(ValueError):
        E.engine_threads(0)


def test_huge_thread_counts_run_and_change_nothing():
    args = ["exact", "--size", "10", "--json"]
    one = physml_limited(*args, "--threads", "1")
    many = physml_limited(*args, "--threads", "100000")
    assert one.returncode == 0 and many.returncode == 0, many.stderr
    a, b = json.loads(one.stdout), json.loads(many.stdout)
    assert a["energy"] == b["energy"] and a["levels"] == b["levels"]
    v = ["vmc", "--hamiltonian", "heisenberg", "--size", "6", "--iterations", "3", "--chains",
         "4", "--samples", "64", "--measure-samples", "64", "--seed", "3", "--json", "-q"]
    one = physml_limited(*v, "--threads", "1")
    many = physml_limited(*v, "--threads", "100000")
    assert one.returncode == 0 and many.returncode == 0, many.stderr
    assert json.loads(one.stdout)["energy"] == json.loads(many.stdout)["energy"]


# --- ergodicity ---------------------------------------------------------------------------

def test_registry_declares_which_rules_can_lock():
    rules = {e.name: e.can("deterministic_at_zero_cost") for e in registry.entries("update_rule")}
    assert rules["metropolis"] and not rules["heatbath"]
    assert not rules["wolff"] and not rules["sw"]


@pytest.mark.parametrize("model,lattice,L,h,q,locks", [
    ("ising", "square", 2, 0.0, 2, True),
    ("ising", "square", 4, 0.0, 2, False),    # cycles exist but are not searched for (docs)
    ("ising", "cubic", 2, 0.0, 2, False),
    ("ising", "honeycomb", 2, 0.0, 2, False),
    ("ising", "triangular", 2, 0.0, 2, False),
    ("ising", "square", 2, 0.5, 2, False),
    ("potts", "square", 2, 0.0, 3, False),
])
def test_engine_finds_locked_cycles(model, lattice, L, h, q, locks):
    problem = E.update_rule_ergodicity("metropolis", model, lattice, L, 1.0, h, q)
    assert bool(problem) == locks
    for other in ("heatbath", "wolff", "sw"):
        assert E.update_rule_ergodicity(other, model, lattice, L, 1.0, h, q) == ""
    if locks:
        with pytest.raises(PhysmlError, match="not ergodic.*heatbath"):
            simulate.check_ergodic("metropolis", model, lattice, L, 1.0, h, q)
    else:
        simulate.check_ergodic("metropolis", model, lattice, L, 1.0, h, q)


def test_simulate_refuses_metropolis_on_the_2x2_torus(tmp_path):
    res = physml_limited("simulate", "--lattice", "square", "--size", "2", "--algorithm",
                         "metropolis", "--temperatures", "1.0", "--sweeps", "100",
                         "--thermalize", "10", "--seed", "0", "-q", "-o", str(tmp_path / "x.h5"))
    line = one_line_error(res, "not ergodic", "heatbath")
    assert "wolff" in line and "sw" in line
    assert not list(tmp_path.iterdir())


def test_heatbath_on_the_2x2_torus_matches_enumeration(tmp_path):
    T = 1.0
    exact_e = E.exact_enumeration("ising", "square", 2, 1.0, 0.0, 2, [T])["e"][0]
    res = physml_limited("simulate", "--lattice", "square", "--size", "2", "--algorithm",
                         "heatbath", "--temperatures", str(T), "--sweeps", "20000",
                         "--thermalize", "100", "--seed", "0", "--json", "-q",
                         "-o", str(tmp_path / "x.h5"))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    e = out["results"][0]["e"]
    assert math.isclose(e, exact_e, abs_tol=0.02)
