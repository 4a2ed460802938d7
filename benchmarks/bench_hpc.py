"""Strong scaling over MPI ranks and OpenMP threads, for the three ways physml uses MPI.

    python benchmarks/bench_hpc.py [--repeats 3] [--max-cores N] [--only simulate,pt,vmc]

- simulate: 2D Ising, L = 64, 8 temperatures 2.0-2.6, 200 000 Metropolis sweeps after 1000
  (ranks share out temperatures; rank 0 merges);
- pt: the same with parallel tempering, L = 32, 100 000 sweeps (ranks share out replicas and
  exchange across ranks every sweep);
- vmc: 8x8 Heisenberg, RBM alpha = 1 (4224 parameters), 4096 samples, 10 SR iterations with
  the matrix-free solver (ranks share out chains; gradient and S products are per-chain sums
  reduced across ranks).

Each runs as 1 rank x 1 thread, 1 x T threads, R ranks x 1 thread and R x T for the core
counts available (ranks through `mpiexec`, which needs `pip install '.[mpi]'`). Prints median
wall times (process start to exit, so interpreter and MPI start-up are included) and speed-ups,
and checks that every layout wrote the same numbers.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

WORKLOADS = {
    "simulate": (["simulate", "--size", "64", "--temperatures", "2.0:2.6:8", "--sweeps", "200000",
                  "--thermalize", "1000", "--save-configs", "0", "--seed", "1", "-q"],
                 "series/energy"),
    "pt": (["simulate", "--size", "32", "--temperatures", "2.0:2.6:8", "--sweeps", "100000",
            "--thermalize", "1000", "--save-configs", "0", "--seed", "1", "-q",
            "--parallel-tempering"], "series/energy"),
    "vmc": (["vmc", "--hamiltonian", "heisenberg", "--lattice", "square", "--size", "8",
             "--ansatz", "rbm", "--samples", "4096", "--chains", "16", "--iterations", "10", "--lr", "0.02",
             "--diag-shift", "0.1", "--sr-solver", "cg", "--seed", "1", "-q"], "parameters"),
}


def run(work: str, ranks: int, threads: int, folder: str) -> tuple[float, np.ndarray]:
    args, dataset = WORKLOADS[work]
    out = os.path.join(folder, f"{work}_r{ranks}t{threads}.h5")
    cmd = [sys.executable, "-m", "physml_cli", *args, "--threads", str(threads), "-o", out,
           "--overwrite"]
    if ranks > 1:
        launcher = shutil.which("mpiexec", path=os.path.dirname(sys.executable)) or "mpiexec"
        cmd = [launcher, "-n", str(ranks), *cmd]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    with h5py.File(out) as f:
        return wall, f[dataset][()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-cores", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only", default=",".join(WORKLOADS))
    args = ap.parse_args()
    layouts = [(1, 1)]
    c = 2
    while c <= args.max_cores:
        layouts += [(1, c), (c, 1)]
        if c >= 4:
            layouts.append((c // 2, 2))
        c *= 2
    with tempfile.TemporaryDirectory() as d:
        for work in args.only.split(","):
            ref = base = None
            for ranks, threads in layouts:
                times, result = [], None
                for _ in range(args.repeats):
                    t, result = run(work, ranks, threads, d)
                    times.append(t)
                med = statistics.median(times)
                base = base or med
                same = ref is None or np.array_equal(ref, result)
                ref = result if ref is None else ref
                print(f"{work}: {ranks} rank(s) x {threads} thread(s): {med:.2f} s "
                      f"(runs {', '.join(f'{t:.2f}' for t in times)}), speed-up {base / med:.2f}, "
                      f"{'identical' if same else 'DIFFERENT'} results", flush=True)


if __name__ == "__main__":
    main()
