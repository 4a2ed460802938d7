"""Ridge and lasso on the Ising pair-feature problem, physml against scikit-learn.

    python benchmarks/bench_linear.py [--repeats 5] [--samples 8000] [--length 40]

Random +-1 chains of --length spins, total energies of the J = 1 chain as targets, all
length^2 products s_i s_j as features (8000 x 1600 by default). Prints the median wall time
of each fit (feature building excluded for both) and the ratio; scikit-learn is optional.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from physml_cli import _engine


def timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--samples", type=int, default=8000)
    ap.add_argument("--length", type=int, default=40)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    s = rng.choice(np.array([-1, 1], dtype=np.int8), size=(args.samples, args.length))
    energy = -(s * np.roll(s, -1, axis=1)).sum(1).astype(float)
    X = _engine.pair_features(s, _engine.max_threads())
    print(f"engine build {_engine.build_isa()}; X {X.shape[0]} x {X.shape[1]}; "
          f"median of {args.repeats}")
    try:
        from sklearn.linear_model import Lasso, Ridge
    except ImportError:
        Ridge = Lasso = None
        print("scikit-learn not installed: physml figures only")
    cases = [("ridge", 1e-2, lambda: _engine.linear_fit("ridge", X, energy, alpha=1e-2),
              lambda: Ridge(alpha=1e-2).fit(X, energy)),
             ("lasso", 1e-3, lambda: _engine.linear_fit("lasso", X, energy, alpha=1e-3, tol=1e-6),
              lambda: Lasso(alpha=1e-3).fit(X, energy))]
    for name, alpha, mine, theirs in cases:
        t_mine, r = timed(mine, args.repeats)
        line = f"{name:6s} alpha={alpha:g}: physml {t_mine:.3f} s"
        if Ridge is not None:
            t_peer, p = timed(theirs, args.repeats)
            diff = np.abs(np.asarray(r["coef"]) - p.coef_).max()
            line += (f", scikit-learn {t_peer:.3f} s, ratio sklearn/physml {t_peer / t_mine:.2f}"
                     f", max |coef difference| {diff:.1e}")
        print(line)


if __name__ == "__main__":
    main()
