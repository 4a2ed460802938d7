"""Strong scaling of `physml simulate` over MPI ranks and OpenMP threads.

    python benchmarks/bench_hpc.py [--repeats 3] [--max-cores N]

One workload (2D Ising, L = 64, 8 temperatures 2.0-2.6, 200 000 Metropolis sweeps after 1000)
run as 1 rank x 1 thread, 1 x T threads, R ranks x 1 thread and R x T for the core counts
available (ranks through `mpiexec`, which needs `pip install '.[mpi]'`). Prints median wall
times (process start to exit, so MPI start-up and the merge are included) and speed-ups, and
checks that every layout wrote the same energies.
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

WORK = ["--size", "64", "--temperatures", "2.0:2.6:8", "--sweeps", "200000", "--thermalize",
        "1000", "--save-configs", "0", "--seed", "1", "-q"]


def run(ranks: int, threads: int, folder: str) -> tuple[float, np.ndarray]:
    out = os.path.join(folder, f"r{ranks}t{threads}.h5")
    cmd = [sys.executable, "-m", "physml_cli", "simulate", *WORK, "--threads", str(threads),
           "-o", out, "--overwrite"]
    if ranks > 1:
        launcher = shutil.which("mpiexec", path=os.path.dirname(sys.executable)) or "mpiexec"
        cmd = [launcher, "-n", str(ranks), *cmd]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    with h5py.File(out) as f:
        return wall, f["series/energy"][()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-cores", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    layouts = [(1, 1)]
    c = 2
    while c <= args.max_cores:
        layouts += [(1, c), (c, 1)]
        if c >= 4:
            layouts.append((c // 2, 2))
        c *= 2
    with tempfile.TemporaryDirectory() as d:
        ref = None
        base = None
        for ranks, threads in layouts:
            times, energy = [], None
            for _ in range(args.repeats):
                t, energy = run(ranks, threads, d)
                times.append(t)
            med = statistics.median(times)
            base = base or med
            same = ref is None or np.array_equal(ref, energy)
            ref = energy if ref is None else ref
            print(f"{ranks} rank(s) x {threads} thread(s): {med:.2f} s "
                  f"(runs {', '.join(f'{t:.2f}' for t in times)}), speed-up {base / med:.2f}, "
                  f"{'identical' if same else 'DIFFERENT'} energies")


if __name__ == "__main__":
    main()
