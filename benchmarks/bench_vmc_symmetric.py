"""The symmetric RBM on the issue-14 targets, and its time per SR iteration against NetKet.

    python benchmarks/bench_vmc_symmetric.py [--peer-python PEERS_VENV/bin/python]
                                             [--only heis6,tfim80,heis10,speed]

Targets (2 cores; each runs `physml vmc` as a user would, defaults apart from the options
shown):
  heis6   Heisenberg 6 x 6, rbmsymm alpha 4 over the space group, 400 iterations:
          relative error <= 1e-3 against -97.7575895972 (Pauli units) in <= 5 minutes;
  tfim80  TFIM chain N = 80 at h = 1, rbmsymm alpha 4, 2016 samples, lr 0.03, shift 0.01,
          1500 iterations: relative error <= 1e-5 against free fermions in <= 5 minutes;
  heis10  Heisenberg 10 x 10, rbmsymm over the space group: E/N <= -0.6700 in S.S units in
          <= 30 minutes (long: not in the default set);
  speed   seconds per SR iteration at 10 x 10 (1008 samples, 16 exchange chains, 10
          discarded sweeps): rbmsymm alpha 2 over the translations, and the plain RBM
          alpha 1, medians of 3 runs of 20 iterations, beside NetKet's RBMSymm / RBM on the
          same workload (../shared/peers/netket_heis2d.py) when --peer-python is given.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

PEER = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "peers", "netket_heis2d.py")
HEIS_6X6 = -97.7575895972  # exact, Pauli units (Schulz, Ziman & Poilblanc 1996)


def physml(*args: str) -> dict:
    cmd = [sys.executable, "-m", "physml_cli", "vmc", *args, "--json", "-q"]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def heis6() -> None:
    # the defaults: only the model and size given
    r = physml("--hamiltonian", "heisenberg", "--lattice", "square", "--size", "6", "--seed", "1")
    rel = abs(r["energy"] - HEIS_6X6) / abs(HEIS_6X6)
    print(f"heis6: E = {r['energy']:.4f} ± {r['energy_err']:.4f}, relative error {rel:.2e} "
          f"(target 1e-3), {r['wall_s']:.0f} s (target 300 s)")


def tfim80() -> None:
    # the defaults; more measured samples only to resolve an error of 1e-5
    r = physml("--hamiltonian", "tfim", "--size", "80", "--seed", "1", "--measure-samples",
               "65536")
    print(f"tfim80: E = {r['energy']:.6f} ± {r['energy_err']:.6f}, exact {r['exact']:.6f}, "
          f"relative error {r['relative_error']:.2e} (target 1e-5), {r['wall_s']:.0f} s "
          "(target 300 s)")


def heis10() -> None:
    r = physml("--hamiltonian", "heisenberg", "--lattice", "square", "--size", "10", "--seed",
               "1")
    e = r["energy"] / 100 / 4
    print(f"heis10: E/N = {e:.5f} ± {r['energy_err'] / 400:.5f} (S.S units; target -0.6700, "
          f"QMC -0.671549), {r['wall_s'] / 60:.1f} min (target 30 min)")


def speed(peer_python: str | None) -> None:
    common = ["--hamiltonian", "heisenberg", "--lattice", "square", "--size", "10",
              "--samples", "1008", "--chains", "16", "--discard", "10", "--iterations", "20"]
    for label, extra, peer_args in (
            # the peer's RBMSymm shares its weights over the translations
            ("rbmsymm alpha 2", ["--ansatz", "rbmsymm", "--alpha", "2", "--symmetries",
                                 "translations"], ["2", "rbmsymm"]),
            ("rbm alpha 1", ["--ansatz", "rbm", "--alpha", "1", "--lr", "0.02",
                             "--diag-shift", "0.1"], ["1", "rbm"])):
        runs = [physml(*common, *extra, "--seed", str(seed)) for seed in (1, 2, 3)]
        ours = statistics.median(r["wall_s"] / 20 for r in runs)
        line = f"speed {label} (10 x 10): physml {ours:.3f} s/iteration ({runs[0]['n_params']} parameters)"
        if peer_python:
            peers = []
            for _ in range(3):
                out = subprocess.run([peer_python, PEER, "10", peer_args[0], "20", "1008",
                                      peer_args[1]], check=True, capture_output=True, text=True)
                peers.append(json.loads(out.stdout.strip().splitlines()[-1]))
            theirs = statistics.median(p["s_per_it"] for p in peers)
            line += (f", NetKet {peers[0]['version']} {theirs:.3f} s/iteration "
                     f"({peers[0]['n_params']} parameters): ratio {theirs / ours:.1f}x (medians of 3)")
        print(line, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--peer-python", default=None, help="Python of a venv with netket.")
    ap.add_argument("--only", default="heis6,tfim80,speed")
    args = ap.parse_args()
    for name in args.only.split(","):
        if name == "speed":
            speed(args.peer_python)
        else:
            {"heis6": heis6, "tfim80": tfim80, "heis10": heis10}[name]()


if __name__ == "__main__":
    main()
