"""DMRG: the issue-18 targets, and physml beside TeNPy on the same workload.

    python benchmarks/bench_dmrg.py [--peer-python PEERS_VENV/bin/python] [--repeats 3]
                                    [--only heis100,heis100pbc,tfim200]

  heis100     open Heisenberg chain N = 100 at bond dimension 200, 6 sweeps (physml's ramp
              25, 50, 100, 200, 200, 200 with the mixer on while it grows; TeNPy's
              ../shared/peers/tenpy_dmrg.py 100 200 6: chi_max 200 from the first sweep,
              mixer on, svd_min 1e-12), S^z conserved in both: median wall time of
              --repeats runs each, E0 against -44.127739893 (S.S units; Pauli units are 4x)
              to 1e-9 relative, and the ratio.
  heis100pbc  periodic Heisenberg N = 100 against the Bethe ansatz (target 1e-6 relative).
  tfim200     critical transverse-field Ising chain N = 200, open, against free fermions
              (target 1e-8 relative).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "peers", "tenpy_dmrg.py"))
HEIS100 = -44.127739893  # S.S units, open chain (the figure; TeNPy: -44.127739893246)


def physml(*args: str) -> dict:
    cmd = [sys.executable, "-m", "physml_cli", "exact", "--method", "dmrg", *args, "--json",
           "--quiet"]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def heis100(peer_python: str | None, repeats: int) -> None:
    runs = [physml("--hamiltonian", "heisenberg", "--size", "100", "--open", "--bond-dim", "200",
                   "--sweeps", "6") for _ in range(repeats)]
    t = statistics.median(r["wall_s"] for r in runs)
    E = runs[0]["energy"] / 4
    rel = abs(E - HEIS100) / abs(HEIS100)
    line = (f"heis100: physml median {t:.2f} s over {repeats} (E0 = {E:.12f} S.S, relative "
            f"{rel:.1e} vs {HEIS100}, variance {runs[0]['energy_variance']:.1e}, "
            f"largest bond {runs[0]['largest_bond']})")
    if peer_python:
        peers = [json.loads(subprocess.run([peer_python, PEER, "100", "200", "6"], check=True,
                                           capture_output=True, text=True).stdout.splitlines()[-1])
                 for _ in range(repeats)]
        tp = statistics.median(p["wall_s"] for p in peers)
        line += (f"; TeNPy median {tp:.2f} s (E0 = {peers[0]['energy']:.12f}); ratio "
                 f"{tp / t:.1f}x; |dE0| {abs(peers[0]['energy'] - E):.1e}")
    print(line, flush=True)


def reference(name: str, args: list[str], key: str, tol: float) -> None:
    r = physml(*args)
    print(f"{name}: E0 = {r['energy']:.12f}, {key} {r[key]:.12f}, relative "
          f"{r['reference_error']:.1e} (target {tol:g}), variance {r['energy_variance']:.1e}, "
          f"{r['wall_s']:.1f} s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer-python", help="python of a venv with physics-tenpy")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="heis100,heis100pbc,tfim200")
    a = ap.parse_args()
    todo = a.only.split(",")
    if "heis100" in todo:
        heis100(a.peer_python, a.repeats)
    if "heis100pbc" in todo:
        reference("heis100pbc", ["--hamiltonian", "heisenberg", "--size", "100", "--bond-dim",
                                 "400", "--sweeps", "8"], "bethe_ansatz_energy", 1e-6)
    if "tfim200" in todo:
        reference("tfim200", ["--hamiltonian", "tfim", "--h", "1", "--size", "200", "--open",
                              "--bond-dim", "64", "--sweeps", "6"], "free_fermion_energy", 1e-8)


if __name__ == "__main__":
    main()
