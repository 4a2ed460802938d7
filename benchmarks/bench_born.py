"""MPS Born machines: bars and stripes to NLL = ln 30, and Ising configurations regenerated,
against exact results (the 4 x 4 torus enumerated).

    python benchmarks/bench_born.py [--sweeps 20] [--threads 2] [--rows 10000,100000]
                                    [--temperatures 2.0,2.27,2.5,3.0] [--chi 16] [--json]

Part 1 trains on the 30 patterns of 4 x 4 bars and stripes at bond dimension 16 and prints
NLL - ln 30 per sweep with the time per sweep. Part 2 simulates the 4 x 4 Ising torus with
physml (Wolff, 10 updates between rows), trains at each bond dimension and compares the
model's energy and |m| per site (exact under q, by enumeration of 2^16 configurations) and
KL(p|q) with the exact Boltzmann distribution: what docs/learning.md quotes.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from physml_cli import _engine
from physml_cli.workflows import born_machine


def bars_and_stripes(sweeps: int, threads: int) -> list[dict]:
    X = _engine.bars_and_stripes(4, 4)
    t = _engine.BornTrainer(X, [], threads)
    rows = []
    for k in range(sweeps):
        t0 = time.perf_counter()
        r = t.sweep(16, 1e-7, 0.05, 2)
        rows.append({"sweep": k + 1, "excess": r["nll"] - math.log(30), "chi": r["largest_bond"],
                     "seconds": time.perf_counter() - t0})
    return rows


def ising(T: float, n_rows: int, chis: list[int], threads: int, folder: str) -> list[dict]:
    path = os.path.join(folder, f"ising_{T}_{n_rows}.h5")
    subprocess.run([sys.executable, "-m", "physml_cli", "simulate", "--size", "4",
                    "--temperatures", str(T), "--algorithm", "wolff", "--thermalize", "500",
                    "--sweeps", str(10 * n_rows), "--measure-every", "10", "--save-configs",
                    str(n_rows), "--seed", "3", "-q", "-o", path, "--overwrite"], check=True)
    X, _ = born_machine.load_data(path)
    bits = np.array(list(itertools.product((0, 1), repeat=16)), dtype=np.uint8)
    s = (2 * bits.astype(int) - 1).reshape(-1, 4, 4)
    E = -(s * np.roll(s, 1, 1)).sum((1, 2)) - (s * np.roll(s, 1, 2)).sum((1, 2))
    M = np.abs(s.sum((1, 2)))
    p = np.exp(-(E - E.min()) / T)
    p /= p.sum()
    out = []
    for chi in chis:
        t = _engine.BornTrainer(X, [], threads)
        t0 = time.perf_counter()
        for _ in range(10):
            t.sweep(chi, 1e-7, 0.05, 2)
        q = np.exp(_engine.born_log_probabilities(t.tensors(), bits))
        out.append({"T": T, "rows": n_rows, "chi": chi,
                    "kl": float((p * np.log(p / q)).sum()),
                    "e_rel": float((q * E).sum() / (p * E).sum() - 1),
                    "m_rel": float((q * M).sum() / (p * M).sum() - 1),
                    "seconds": time.perf_counter() - t0})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sweeps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rows", default="10000,100000")
    ap.add_argument("--temperatures", default="2.0,2.27,2.5,3.0")
    ap.add_argument("--chi", default="16")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    bas = bars_and_stripes(a.sweeps, a.threads)
    chis = [int(c) for c in a.chi.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        regen = [row for n in a.rows.split(",") for T in a.temperatures.split(",")
                 for row in ising(float(T), int(n), chis, a.threads, folder)]
    if a.json:
        print(json.dumps({"bars_and_stripes": bas, "ising": regen}))
        return
    print("bars and stripes 4x4, chi 16: sweep, NLL - ln 30, largest bond, seconds")
    for r in bas:
        print(f"  {r['sweep']:3d}  {r['excess']:.3e}  {r['chi']:3d}  {r['seconds']:.3f}")
    print("Ising 4x4 torus: T, rows, chi, KL(p|q), e rel. error, |m| rel. error, seconds")
    for r in regen:
        print(f"  {r['T']:.2f}  {r['rows']:7d}  {r['chi']:3d}  {r['kl']:.4f}  "
              f"{100 * r['e_rel']:+.2f} %  {100 * r['m_rel']:+.2f} %  {r['seconds']:.1f}")


if __name__ == "__main__":
    main()
