"""Variational autoregressive networks: time per training step against PyTorch, and the
accuracy targets of the VAN issue.

    python benchmarks/bench_van.py [--peer-python PEERS_VENV/bin/python]
                                   [--only speed8,speed16,ising8,sk20,ising16]

  speed8, speed16  seconds per step at 8x8 and 16x16 (MADE depth 2, width 4, batch 1000, no Z2
                   mixture, 2 threads): medians of 3 runs of `physml variational`, beside the
                   PyTorch peer on the same network, batch and threads
                   (../shared/peers/torch_van_ising.py) when --peer-python is given;
  ising8           the defaults at 8x8, beta = 0.44: F/N within 1e-4 (relative) of Kaufman in
                   <= 5 minutes, the importance-sampled F within 3 sigma;
  sk20             SK glass, n = 20, beta = 1: F within 1e-3 of exact enumeration;
  ising16          16x16 at beta = 0.44 within 1e-3 in <= 30 minutes (long: not in the default set).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

PEER = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "peers", "torch_van_ising.py")
BETA_C_ISH = 0.44


def physml(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "physml_cli", "variational", *args, "--json",
                          "-q"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def speed(L: int, steps: int, peer_python: str | None) -> None:
    runs = [physml("--size", str(L), "--temperatures", str(1 / BETA_C_ISH), "--steps", str(steps),
                   "--depth", "2", "--width", "4", "--batch", "1000", "--no-z2", "--threads", "2",
                   "--measure-samples", "2", "--seed", str(seed)) for seed in (1, 2, 3)]
    ours = statistics.median(r["results"][0]["wall_s"] / steps for r in runs)
    line = f"speed {L}x{L}: physml {ours * 1e3:.1f} ms/step ({runs[0]['n_params']:,} parameters)"
    if peer_python:
        peers = []
        for _ in range(3):
            out = subprocess.run([peer_python, PEER, str(L), str(BETA_C_ISH), str(steps), "1000",
                                  "2", "4", "2"], check=True, capture_output=True, text=True)
            peers.append(json.loads(out.stdout.strip().splitlines()[-1]))
        theirs = statistics.median(p["s_per_step"] for p in peers)
        line += (f", PyTorch {peers[0]['version']} {theirs * 1e3:.1f} ms/step: ratio "
                 f"{theirs / ours:.1f}x (medians of 3, 2 threads each)")
    print(line, flush=True)


def accuracy(label: str, *args: str, target: float, minutes: float) -> None:
    r = physml(*args, "--threads", "2", "--seed", "1")
    x = r["results"][0]
    sigmas = abs(x["F_is"] - x["F_exact"]) / x["F_is_err"] if x["F_is_err"] else float("inf")
    print(f"{label}: F/N = {x['F']:.7f} ± {x['F_err']:.1e} against {x['F_exact']:.7f} "
          f"({x['exact_method']}): relative error {x['rel_err']:.2e} (target {target:g}); "
          f"importance-sampled {x['F_is']:.7f} ± {x['F_is_err']:.1e} ({sigmas:.1f} sigma, "
          f"ESS {x['ess']:.0f}); {x['wall_s'] / 60:.1f} min training (target {minutes:g})",
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--peer-python", default=None, help="Python of a venv with torch.")
    ap.add_argument("--only", default="speed8,speed16,ising8,sk20")
    args = ap.parse_args()
    for name in args.only.split(","):
        if name == "speed8":
            speed(8, 100, args.peer_python)
        elif name == "speed16":
            speed(16, 5, args.peer_python)
        elif name == "ising8":
            accuracy("ising 8x8, beta 0.44", "--size", "8", "--temperatures", str(1 / BETA_C_ISH),
                     target=1e-4, minutes=5)
        elif name == "sk20":
            accuracy("sk n=20, beta 1", "--model", "sk", "--size", "20", "--temperatures", "1",
                     target=1e-3, minutes=5)
        elif name == "ising16":
            accuracy("ising 16x16, beta 0.44", "--size", "16", "--temperatures",
                     str(1 / BETA_C_ISH), target=1e-3, minutes=30)
        else:
            raise SystemExit(f"unknown workload {name}")


if __name__ == "__main__":
    main()
