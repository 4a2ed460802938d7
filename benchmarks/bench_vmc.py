"""Variational Monte Carlo, physml against NetKet.

    python benchmarks/bench_vmc.py [--peer-python PEERS_VENV/bin/python] [--repeats 3]
                                   [--scale]

Workload of ../shared/peers/netket_tfim.py: transverse-field Ising chain N = 20 at h = 1
(periodic), RBM with alpha = 1 (real parameters), 16 Metropolis chains of local flips with
N proposals between samples and 10 samples discarded per chain, 1008 samples per iteration,
300 SR iterations (learning rate 0.05, diagonal shift 0.01). Both run `physml vmc` / the
peer script as a user would (wall time of the optimisation only, as the peer script
measures it; the peer script runs as it is, in its own virtual environment, in this
session). Prints median times, the ratio and both relative errors against the free-fermion
energy. --scale adds the Carleo-Troyer-size runs (TFIM N = 80 with alpha = 2; Heisenberg
10 x 10 with alpha = 1): time and energy.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

PEER = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "peers", "netket_tfim.py")
WORKLOAD = ["--hamiltonian", "tfim", "--lattice", "chain", "--size", "20", "--h", "1.0",
            "--ansatz", "rbm", "--alpha", "1", "--samples", "1008", "--chains", "16",
            "--discard", "10", "--iterations", "300", "--optimizer", "sr", "--lr", "0.05",
            "--diag-shift", "0.01"]


def physml(args: list[str], seed: int, threads: int | None = None) -> dict:
    cmd = [sys.executable, "-m", "physml_cli", "vmc", *args, "--seed", str(seed), "--json", "-q"]
    if threads:
        cmd += ["--threads", str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def netket(python: str) -> dict:
    out = subprocess.run([python, PEER, "20", "1", "300", "1008", "1.0"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--peer-python", default=None, help="Python of a venv with netket.")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scale", action="store_true", help="Also the N = 80 and 10 x 10 runs.")
    args = ap.parse_args()

    runs = {threads: [physml(WORKLOAD, seed, threads) for seed in range(1, args.repeats + 1)]
            for threads in (1, None)}
    for threads, rs in runs.items():
        t = statistics.median(r["wall_s"] for r in rs)
        err = statistics.median(r["relative_error"] for r in rs)
        times = ", ".join(f"{r['wall_s']:.2f}" for r in rs)
        print(f"physml  threads={rs[0]['threads']}: {t:.2f} s (runs {times}), "
              f"E = {rs[0]['energy']:.5f} ± {rs[0]['energy_err']:.5f}, median relative error {err:.2e}")
    best = statistics.median(r["wall_s"] for r in runs[None])
    if args.peer_python:
        peers = [netket(args.peer_python) for _ in range(args.repeats)]
        t = statistics.median(p["wall_s"] for p in peers)
        err = statistics.median(p["rel_err"] for p in peers)
        times = ", ".join(str(p["wall_s"]) for p in peers)
        print(f"NetKet {peers[0]['version']}: {t:.2f} s (runs {times}), "
              f"E = {peers[0]['energy']:.5f}, median relative error {err:.2e}")
        print(f"physml is {t / best:.1f}x faster (medians, default threads)")
    else:
        print("NetKet not run (give --peer-python)")

    if args.scale:
        scale = {
            "TFIM chain N=80, alpha=2": ["--hamiltonian", "tfim", "--size", "80", "--ansatz", "rbm",
                                         "--alpha", "2",
                                         "--samples", "1008", "--iterations", "300"],
            "Heisenberg 10x10, alpha=1": ["--hamiltonian", "heisenberg", "--lattice", "square",
                                          "--size", "10", "--ansatz", "rbm", "--alpha", "1",
                                          "--samples", "1008",
                                          "--iterations", "300", "--diag-shift", "0.1",
                                          "--lr", "0.02"],
        }
        for name, a in scale.items():
            r = physml(a, 1)
            ref = f", exact {r['exact']:.6f} (rel. error {r['relative_error']:.1e})" if r.get("exact") else ""
            print(f"{name}: {r['n_params']} parameters, {r['wall_s']:.1f} s for {r['iterations']} "
                  f"iterations, E/N = {r['energy'] / r['n_sites']:.6f} ± "
                  f"{r['energy_err'] / r['n_sites']:.6f}{ref}")


if __name__ == "__main__":
    main()
