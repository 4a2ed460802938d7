"""Tensor renormalization: the free energy per site of the infinite square Ising lattice by
HOTRG (and TRG) against Onsager's, and the time it takes.

    python benchmarks/bench_trg.py [--chi 16,24,32] [--methods hotrg] [--threads 2]
                                   [--temperatures 2.0,tc,3.0] [--json]

Each (method, chi, T) is one engine call (f only, no finite differences), timed on its own;
the table is what docs/variational.md ("Tensor renormalization") quotes.
"""
from __future__ import annotations

import argparse
import json
import math
import time

from physml_cli import _engine

TC = 2 / math.log(1 + math.sqrt(2))


def temperature(text: str) -> float:
    return TC if text == "tc" else float(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chi", default="16,24,32")
    ap.add_argument("--methods", default="hotrg")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--temperatures", default="2.0,tc,3.0")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = []
    for method in a.methods.split(","):
        for chi in (int(c) for c in a.chi.split(",")):
            for T in (temperature(t) for t in a.temperatures.split(",")):
                t0 = time.perf_counter()
                x = _engine.renormalize(method, "ising", T, bond_dim=chi, threads=a.threads,
                                        derivatives=False)
                wall = time.perf_counter() - t0
                exact = _engine.onsager(1.0, T)["f"]
                row = {"method": method, "chi": chi, "T": T, "f": x["f"], "onsager": exact,
                       "error": abs(x["f"] - exact), "steps": x["n_steps"],
                       "converged": x["converged"], "wall_s": round(wall, 2)}
                rows.append(row)
                if a.json:
                    print(json.dumps(row), flush=True)
                else:
                    print(f"{method:6s} chi={chi:3d} T={T:.6f} f={x['f']:.12f} "
                          f"error={row['error']:.2e} steps={row['steps']:3d} "
                          f"{row['wall_s']:8.2f} s", flush=True)


if __name__ == "__main__":
    main()
