"""The Carrasquilla-Melko phase classifier, physml against PyTorch.

    python benchmarks/bench_mlp.py [--peer-python PEERS_VENV/bin/python] [--repeats 5]

Workload of ../shared/peers/torch_mlp_ising.py: 2D Ising L = 20, 26 temperatures from 1.0 to
3.5, 400 Metropolis configurations each (10 sweeps apart after 500), labels T < T_c, 80/20
split; network L*L -> 100 sigmoid -> 2, softmax cross entropy, Adam (lr 1e-3, L2 1e-4),
batch 64, 10 epochs, one thread. physml makes its data with `physml simulate`; the peer
script makes its own with Numba (same sampler and settings) and is run as it is, in its own
virtual environment, in this session. Prints median training times, the ratio, test
accuracies and both T_c estimates (where the mean ordered-phase probability crosses 0.5).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from physml_cli import _engine
from physml_cli.io import schema

L, PER_T, EPOCHS = 20, 400, 10
TEMPS = np.round(np.linspace(1.0, 3.5, 26), 3)
TC = 2.0 / math.log(1.0 + math.sqrt(2.0))
PEER = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "peers", "torch_mlp_ising.py")


def make_data(folder: str) -> tuple[np.ndarray, np.ndarray, float]:
    path = os.path.join(folder, "ising20.h5")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "physml_cli", "simulate", "--size", str(L),
                    "--temperatures", ",".join(f"{t:g}" for t in TEMPS), "--thermalize", "500",
                    "--sweeps", str(10 * PER_T), "--measure-every", "10", "--save-configs",
                    str(PER_T), "--threads", "1", "-q", "-o", path], check=True)
    gen = time.perf_counter() - t0
    src = schema.read_learning_source(path)
    X = src["configs"].reshape(len(TEMPS) * PER_T, L * L).astype(np.float32)
    return X, np.repeat(src["temperatures"], PER_T), gen


def tc_crossing(p_ordered: np.ndarray, T: np.ndarray) -> float:
    pm = np.array([p_ordered[T == t].mean() for t in TEMPS])
    k = np.where((pm[:-1] > 0.5) & (pm[1:] <= 0.5))[0][0]
    return float(TEMPS[k] + (pm[k] - 0.5) * (TEMPS[k + 1] - TEMPS[k]) / (pm[k] - pm[k + 1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--peer-python", default=None, help="Python of a venv with torch and numba.")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        X, T, gen = make_data(d)
    y = (T < TC).astype(np.float64).reshape(-1, 1)
    idx = np.random.default_rng(0).permutation(len(X))
    cut = int(0.8 * len(X))
    tr, te = idx[:cut], idx[cut:]
    arch, shape = "dense:100,sigmoid,dense:2", (L, L, 1)
    times, accs, tcs = [], [], []
    for seed in range(args.repeats):
        t0 = time.perf_counter()
        r = _engine.mlp_train(X[tr], y[tr], X[:0], y[:0], arch, shape, "cross-entropy", "adam",
                              1e-3, EPOCHS, 64, 0.9, 0.0, 0.0, 1e-4, 0, "auto", seed, 1)
        times.append(time.perf_counter() - t0)
        p = np.asarray(_engine.mlp_predict(arch, shape, r["params"], X, "cross-entropy"))[:, 1]
        accs.append(float(((p[te] > 0.5) == y[te, 0]).mean()))
        tcs.append(tc_crossing(p, T))
    ours = {"train_s": statistics.median(times), "train_s_all": [round(t, 3) for t in times],
            "test_acc": statistics.median(accs), "tc_est": statistics.median(tcs), "gen_s": round(gen, 2)}
    print(f"physml: data {gen:.2f} s (physml simulate, 1 thread); train median {ours['train_s']:.3f} s "
          f"over {args.repeats} seeds {ours['train_s_all']}; test accuracy {ours['test_acc']:.4f}; "
          f"T_c estimate {ours['tc_est']:.4f} (exact {TC:.4f})")
    result = {"physml": ours}
    if args.peer_python:
        runs = []
        for _ in range(max(1, args.repeats // 2)):
            out = subprocess.run([args.peer_python, PEER, str(L), str(PER_T), str(EPOCHS), "1"],
                                 check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        peer = {"train_s": statistics.median(r["train_s"] for r in runs),
                "train_s_all": [r["train_s"] for r in runs],
                "test_acc": statistics.median(r["test_acc"] for r in runs),
                "tc_est": statistics.median(r["tc_est"] for r in runs),
                "gen_s": statistics.median(r["gen_s"] for r in runs), "torch": runs[0]["torch"]}
        print(f"torch {peer['torch']}: data {peer['gen_s']:.2f} s (Numba); train median "
              f"{peer['train_s']:.3f} s {peer['train_s_all']}; test accuracy {peer['test_acc']:.4f}; "
              f"T_c estimate {peer['tc_est']:.4f}")
        print(f"speed-up (training, 1 thread): {peer['train_s'] / ours['train_s']:.1f}x; "
              f"data generation: {peer['gen_s'] / gen:.1f}x")
        result["torch"] = peer
    print(json.dumps(result))


if __name__ == "__main__":
    main()
