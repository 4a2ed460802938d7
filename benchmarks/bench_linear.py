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


def objective(name, alpha, X, y, coef, intercept):
    """scikit-learn's objective for ridge and lasso."""
    res = y - X @ coef - intercept
    if name == "ridge":
        return float(res @ res + alpha * coef @ coef)
    return float(res @ res / (2 * len(y)) + alpha * np.abs(coef).sum())


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
            # columns s_i s_j and s_j s_i are identical, so only J_ij + J_ji is determined
            # (lasso may split it differently); compare that and the objective
            sym = lambda c: (lambda W: W + W.T)(np.asarray(c).reshape(args.length, args.length))
            diff = np.abs(sym(r["coef"]) - sym(p.coef_)).max()
            ours_obj, peer_obj = (objective(name, alpha, X, energy, c, b) for c, b in
                                  ((np.asarray(r["coef"]), r["intercept"]), (p.coef_, p.intercept_)))
            line += (f", scikit-learn {t_peer:.3f} s, ratio sklearn/physml {t_peer / t_mine:.2f}"
                     f", max |J_ij + J_ji difference| {diff:.1e}, objective "
                     f"{ours_obj:.12g} vs {peer_obj:.12g}")
        print(line)


if __name__ == "__main__":
    main()
