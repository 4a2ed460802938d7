"""Exact diagonalization in symmetry sectors: the issue-20 targets, and physml beside QuSpin
in the same sector.

    python benchmarks/bench_ed.py [--peer-python PEERS_VENV/bin/python]
                                  [--only speed,chain32,mg32,heis6]

  speed    Heisenberg ground state in the sector k = 0, even reflection(s), even spin flip,
           S^z = 0 (odd N: S^z = 1/2): chain N = 24 and 28, square 4 x 4 and 5 x 5; physml (`exact --symmetries lattice`,
           medians of 3 runs, wall_s of the solve) beside QuSpin (benchmarks/peers/quspin_ed.py:
           spin_basis_1d / spin_basis_general with the same blocks, eigsh; the median of three
           runs after a first that compiles) when --peer-python is given. Both at tolerance
           1e-12; physml also builds the ground state and its correlations.
  chain32  Heisenberg chain N = 32: E0 to 1e-10 of the Bethe ansatz (the engine's solver of
           the Bethe equations) in <= 2 minutes, with --symmetries auto.
  mg32     J1-J2 chain N = 32 at J2 = 0.5: E0 = -3N/2 (Pauli units) to 1e-10 in <= 2 minutes.
  heis6    Heisenberg 6 x 6 (N = 36): E0 = -97.7575895972 to 1e-9 relative in <= 60 minutes,
           within 16 GB (long: not in the default set; run it under `ulimit -d 16777216`).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

PEER = os.path.join(os.path.dirname(__file__), "peers", "quspin_ed.py")
HEIS_6X6 = -97.7575895972      # Pauli units (Schulz, Ziman & Poilblanc 1996)


def bethe(n: int) -> float:
    from physml_cli import _engine

    return _engine.heisenberg_bethe_energy(n)


def physml(*args: str) -> dict:
    cmd = [sys.executable, "-m", "physml_cli", "exact", *args, "--json"]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    r["process_s"] = time.perf_counter() - t0
    return r


def speed(peer_python: str | None) -> None:
    for kind, L in (("chain", 24), ("chain", 28), ("square", 4), ("square", 5)):
        n = L if kind == "chain" else L * L
        sector = ["--momentum", "0" if kind == "chain" else "0,0", "--irrep", "A1"]
        sector += ["--spin-flip", "+1"] if n % 2 == 0 else []
        runs = [physml("--hamiltonian", "heisenberg", "--lattice", kind, "--size", str(L),
                       "--symmetries", "lattice", *sector, "--levels", "1") for _ in range(3)]
        t = statistics.median(r["wall_s"] for r in runs)
        line = (f"speed {kind} L={L}: physml {t:.3f} s (dimension {runs[0]['dimension']:,}, "
                f"{runs[0]['sector']}, E0 {runs[0]['energy']:.10f})")
        if peer_python:
            q = json.loads(subprocess.run([peer_python, PEER, kind, str(L), "2"], check=True,
                                          capture_output=True, text=True).stdout)
            line += (f"; QuSpin {q['total_s']:.3f} s (dimension {q['dimension']:,}, E0 "
                     f"{q['E0']:.10f}, first run {q['first_run_s']:.2f} s); ratio "
                     f"{q['total_s'] / t:.1f}x; |dE0| {abs(q['E0'] - runs[0]['energy']):.1e}")
        print(line, flush=True)


def target(name: str, args: list[str], exact: float, tol: float, limit_s: float) -> None:
    r = physml(*args)
    rel = abs(r["energy"] - exact) / abs(exact)
    print(f"{name}: E0 = {r['energy']:.12f} (exact {exact:.10f}, relative {rel:.1e}, target "
          f"{tol:g}); {r['sector']}, dimension {r['dimension']:,}, {r['iterations']} steps, "
          f"matrix {r.get('matrix')}, {r['wall_s']:.1f} s (target {limit_s:.0f} s)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer-python", help="python of a venv with quspin")
    ap.add_argument("--only", default="speed,chain32,mg32")
    a = ap.parse_args()
    todo = a.only.split(",")
    if "speed" in todo:
        speed(a.peer_python)
    if "chain32" in todo:
        target("chain32", ["--hamiltonian", "heisenberg", "--size", "32", "--symmetries", "auto",
                           "--levels", "1", "--tol", "1e-8"], bethe(32), 1e-10, 120)
    if "mg32" in todo:
        target("mg32", ["--hamiltonian", "j1j2", "--J2", "0.5", "--size", "32", "--symmetries",
                        "lattice", "--momentum", "0", "--irrep", "A1", "--spin-flip", "+1",
                        "--levels", "1", "--tol", "1e-7"], -48.0, 1e-10, 120)
    if "heis6" in todo:
        target("heis6", ["--hamiltonian", "heisenberg", "--lattice", "square", "--size", "6",
                         "--symmetries", "auto", "--levels", "1", "--tol", "1e-7"], HEIS_6X6,
               1e-9, 3600)


if __name__ == "__main__":
    main()
