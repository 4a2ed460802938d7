"""Monte Carlo throughput of physml, side by side with the Numba peer.

    python benchmarks/bench_mc.py [--peer-python PATH] [--repeats 5] [--json]

Prints, as medians over --repeats runs:
- Metropolis spin-flip attempts per second, square Ising at T_c, L = 64, 256, 1024,
  1 and 2 threads run alternately (2t/1t is the median of the paired ratios), and the
  portable (non-AVX2) kernel on one thread;
- Wolff at T_c, L = 64: independent samples per second, 1 / (2 tau_int(|m|) * s/sweep);
- with numba (in this interpreter, or in the one given by --peer-python or
  $PHYSML_PEER_PYTHON): the peer's checkerboard Metropolis (../shared/peers/numba_ising.py)
  in the same session, and the ratios. The peer's independent samples per second use
  tau_int of checkerboard Metropolis measured with physml (same dynamics, so same tau).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from physml_cli import _engine

T_C = 2.0 / math.log(1.0 + math.sqrt(2.0))
HERE = Path(__file__).resolve().parent
PEER_SCRIPT = HERE.parent.parent / "shared" / "peers" / "numba_ising.py"


def rate(sim, sweeps, L):
    t0 = time.perf_counter()
    sim.thermalize(sweeps)
    return sweeps * L * L / (time.perf_counter() - t0)


def metropolis_flips(L, repeats):
    """Flips/s with 1 and 2 threads, runs interleaved so that both see the same machine
    state; returns medians and the median of the paired 2-thread/1-thread ratios."""
    sweeps = max(20, int(3e8 / (L * L)))
    sims = {t: _engine.Simulation(model="ising", lattice="square", L=L, temperatures=[T_C],
                                  seed=1, threads=t) for t in (1, 2)}
    for sim in sims.values():
        sim.thermalize(2)  # touch memory, start threads
    one, two = [], []
    for _ in range(repeats):
        one.append(rate(sims[1], sweeps, L))
        two.append(rate(sims[2], sweeps, L))
    ratios = [b / a for a, b in zip(one, two)]
    return statistics.median(one), statistics.median(two), statistics.median(ratios)


def portable_flips(L, repeats):
    _engine.force_portable_kernel(True)
    try:
        sim = _engine.Simulation(model="ising", lattice="square", L=L, temperatures=[T_C],
                                 seed=1, threads=1)
        return statistics.median(rate(sim, max(4, int(3e7 / (L * L))), L)
                                 for _ in range(repeats))
    finally:
        _engine.force_portable_kernel(False)


def tau_abs_m(algorithm, L, sweeps, every):
    sim = _engine.Simulation(model="ising", lattice="square", L=L, algorithm=algorithm,
                             temperatures=[T_C], seed=3, threads=1)
    sim.thermalize(max(2000, sweeps // 20))
    out = sim.measure(sweeps, every, 0)
    s = _engine.summarize(out["e"][0], out["m"][0], L * L, T_C, every, 32)
    return s["tau_m"]


def wolff_independent_per_s(L, repeats):
    rates = []
    sim = _engine.Simulation(model="ising", lattice="square", L=L, algorithm="wolff",
                             temperatures=[T_C], seed=5, threads=1)
    sim.thermalize(2000)  # also fixes the clusters per sweep
    for _ in range(repeats):
        t0 = time.perf_counter()
        sim.measure(20000, 1, 0)  # measuring e and m after every sweep, as a user would
        rates.append(20000 / (time.perf_counter() - t0))
    tau = tau_abs_m("wolff", L, 200000, 1)
    sweeps_per_s = statistics.median(rates)
    return sweeps_per_s / (2 * tau), tau, sweeps_per_s


def find_peer_python(arg):
    for cand in (arg, os.environ.get("PHYSML_PEER_PYTHON"), sys.executable):
        if not cand:
            continue
        ok = subprocess.run([cand, "-c", "import numba"], capture_output=True).returncode == 0
        if ok:
            return cand
    return None


def numba_flips(python, L, T, repeats):
    sweeps = max(20, int(3e7 / (L * L)))
    rates = []
    for _ in range(repeats):
        out = subprocess.run([python, str(PEER_SCRIPT), str(L), str(sweeps), str(T)],
                             capture_output=True, text=True, check=True,
                             env=dict(os.environ, NUMBA_NUM_THREADS="1"))
        rates.append(json.loads(out.stdout.strip().splitlines()[-1])["flips_per_s"])
    return statistics.median(rates)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--peer-python", default=None)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    report = {"kernel_isa": _engine.kernel_isa(), "threads_available": _engine.max_threads(),
              "metropolis": [], "wolff": {}}
    print(f"physml {getattr(_engine, '__version__', '?')}; kernel {_engine.kernel_isa()}; "
          f"OpenMP threads available {_engine.max_threads()}; square Ising at T_c = {T_C:.6f}")
    print("\nMetropolis (checkerboard), spin-flip attempts per second (median of "
          f"{args.repeats}):")
    print(f"{'L':>6} {'1 thread':>12} {'2 threads':>12} {'2t/1t':>7} {'portable 1t':>12}")
    for L in (64, 256, 1024):
        one, two, speedup = metropolis_flips(L, args.repeats)
        port = portable_flips(L, max(1, args.repeats // 2))
        report["metropolis"].append({"L": L, "flips_per_s_1t": one, "flips_per_s_2t": two,
                                     "speedup_2t": speedup, "portable_flips_per_s_1t": port})
        print(f"{L:>6} {one:>12.3e} {two:>12.3e} {speedup:>7.2f} {port:>12.3e}")

    ind, tau_w, sweeps_w = wolff_independent_per_s(64, args.repeats)
    report["wolff"] = {"L": 64, "sweeps_per_s": sweeps_w, "tau_int_abs_m_sweeps": tau_w,
                       "independent_samples_per_s": ind}
    print(f"\nWolff at T_c, L=64: {sweeps_w:.4g} sweeps/s, tau_int(|m|) = {tau_w:.3g} sweeps, "
          f"{ind:.4g} independent samples/s")

    python = find_peer_python(args.peer_python)
    if python is None or not PEER_SCRIPT.exists():
        print("\nPeer: numba not found (give --peer-python or $PHYSML_PEER_PYTHON); "
              "no ratios printed.")
    else:
        print(f"\nPeer: {PEER_SCRIPT.name} with {python} (single thread)")
        tau_metro = tau_abs_m("metropolis", 64, 2_000_000, 10)
        report["peer"] = {"python": python, "rows": []}
        for L in (64, 256, 1024):
            nb = numba_flips(python, L, T_C, args.repeats)
            mine = next(r for r in report["metropolis"] if r["L"] == L)
            row = {"L": L, "numba_flips_per_s": nb,
                   "ratio_1t": mine["flips_per_s_1t"] / nb,
                   "ratio_2t": mine["flips_per_s_2t"] / nb}
            report["peer"]["rows"].append(row)
            print(f"  L={L:<5d} numba {nb:.3e} flips/s;  physml/numba: 1 thread "
                  f"{row['ratio_1t']:.1f}x, 2 threads {row['ratio_2t']:.1f}x")
        nb64 = report["peer"]["rows"][0]["numba_flips_per_s"]
        nb_ind = nb64 / (64 * 64) / (2 * tau_metro)
        report["peer"]["metropolis_tau_int_abs_m_sweeps_L64"] = tau_metro
        report["peer"]["numba_independent_samples_per_s_L64"] = nb_ind
        report["peer"]["wolff_vs_numba_independent"] = ind / nb_ind
        print(f"  Wolff vs Numba Metropolis at T_c, L=64 (tau_int(|m|) of Metropolis = "
              f"{tau_metro:.4g} sweeps): {nb_ind:.4g} vs {ind:.4g} independent samples/s, "
              f"ratio {ind / nb_ind:.0f}x")
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
