"""Same seed, same numbers: whatever the thread count, and across a checkpoint."""
import numpy as np
import pytest

from physml_cli import _engine

CASES = [
    dict(model="ising", lattice="square", L=128, algorithm="metropolis"),  # fast kernel, threads inside
    dict(model="ising", lattice="square", L=8, algorithm="heatbath"),      # fast kernel, threads across T
    dict(model="ising", lattice="cubic", L=26, algorithm="metropolis"),    # colour classes, threads inside
    dict(model="potts", lattice="triangular", L=8, q=3, algorithm="heatbath"),
    dict(model="ising", lattice="honeycomb", L=8, algorithm="wolff"),
    dict(model="potts", lattice="square", L=8, q=4, algorithm="sw"),
]
IDS = [f"{c['model']}-{c['lattice']}-{c['algorithm']}" for c in CASES]


def make(case, threads, temps=(2.0, 2.5), pt=False):
    return _engine.Simulation(temperatures=list(temps), seed=99, threads=threads,
                              parallel_tempering=pt, **case)


def run(sim, therm=30, sweeps=60):
    sim.thermalize(therm)
    return sim.measure(sweeps, 3, 4)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("pt", [False, True])
def test_thread_count_does_not_change_results(case, pt):
    a = run(make(case, 1, pt=pt))
    b = run(make(case, 2, pt=pt))
    for k in ("e", "m", "configs"):
        assert np.array_equal(a[k], b[k]), k


def test_inner_parallelism_really_used():
    assert make(CASES[0], 2, temps=(2.0,)).parallel_inside
    assert make(CASES[2], 2, temps=(2.0,)).parallel_inside


def test_different_seeds_differ():
    a = run(make(CASES[1], 1))
    b = run(_engine.Simulation(temperatures=[2.0, 2.5], seed=100, **CASES[1]))
    assert not np.array_equal(a["e"], b["e"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("pt", [False, True])
def test_state_round_trip_continues_identically(case, pt):
    """Stop after some sweeps, rebuild from get_state() in a fresh object, continue."""
    whole = make(case, 1, pt=pt)
    whole.thermalize(30)
    w1 = whole.measure(25, 3, 4)
    w2 = whole.measure(35, 3, 4)

    first = make(case, 2, pt=pt)
    first.thermalize(30)
    p1 = first.measure(25, 3, 4)
    state = {k: np.array(v, copy=True) for k, v in first.get_state().items()}
    second = make(case, 1, pt=pt)
    second.set_state(state)
    p2 = second.measure(35, 3, 4)
    for k in ("e", "m", "configs"):
        assert np.array_equal(w1[k], p1[k]) and np.array_equal(w2[k], p2[k]), k


def test_chunking_does_not_change_results():
    a = make(CASES[4], 1)
    a.thermalize(20)
    whole = a.measure(60, 3, 2)
    b = make(CASES[4], 1)
    b.thermalize(7)
    b.thermalize(13)
    parts = [b.measure(n, 3, 2) for n in (1, 5, 24, 30)]
    for k in ("e", "m", "configs"):
        assert np.array_equal(whole[k], np.concatenate([p[k] for p in parts], axis=1)), k


@pytest.mark.parametrize("L", [18, 64])
def test_avx2_and_portable_kernels_agree(L):
    """Both square-lattice kernels draw the same random words: identical chains."""
    def chain():
        sim = _engine.Simulation(model="ising", lattice="square", L=L, temperatures=[2.3], seed=5,
                                 threads=2)
        assert sim.uses_fast_kernel
        return sim.measure(40, 1, 8)
    native = chain()
    _engine.force_portable_kernel(True)
    try:
        assert _engine.kernel_isa() == "portable"
        portable = chain()
    finally:
        _engine.force_portable_kernel(False)
    for k in ("e", "m", "configs"):
        assert np.array_equal(native[k], portable[k]), k
