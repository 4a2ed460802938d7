"""RBM on the peer's digits workload, physml against scikit-learn's BernoulliRBM.

    python benchmarks/bench_rbm.py [--repeats 3]

The workload of ../shared/peers/sklearn_rbm_digits.py: 8x8 digits nudged x5, scaled to
[0, 1], 80/20 split; 100 hidden units, learning rate 0.06, batch 10, 10 epochs, persistent CD
(as BernoulliRBM), then logistic regression (C = 6000) on the hidden activations. Needs
scikit-learn and scipy for the data set; prints median fit times, the ratio and the test
accuracies of both.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from physml_cli import _engine


def digits():
    from scipy.ndimage import convolve
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import minmax_scale

    X, y = datasets.load_digits(return_X_y=True)
    X = np.asarray(X, "float32")
    dirs = [[[0, 1, 0], [0, 0, 0], [0, 0, 0]], [[0, 0, 0], [1, 0, 0], [0, 0, 0]],
            [[0, 0, 0], [0, 0, 1], [0, 0, 0]], [[0, 0, 0], [0, 0, 0], [0, 1, 0]]]
    shift = lambda x, w: convolve(x.reshape((8, 8)), mode="constant", weights=w).ravel()
    X = np.concatenate([X] + [np.apply_along_axis(shift, 1, X, np.array(w)) for w in dirs])
    Y = np.concatenate([y for _ in range(5)])
    X = minmax_scale(X, feature_range=(0, 1))
    return train_test_split(X, Y, test_size=0.2, random_state=0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import BernoulliRBM

    Xtr, Xte, ytr, yte = digits()
    Xtr64 = np.asarray(Xtr, dtype=np.float64)

    def ours():
        return _engine.rbm_train(Xtr64, 100, 1, 10, 10, True, 0.06, 0.0, 0.0, 0,
                                 _engine.max_threads(), False)

    def theirs():
        return BernoulliRBM(n_components=100, learning_rate=0.06, n_iter=10, batch_size=10,
                            random_state=0).fit(Xtr)

    t_ours, t_theirs = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter(); p = ours(); t_ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter(); rbm = theirs(); t_theirs.append(time.perf_counter() - t0)

    def features(X):
        z = X @ p["W"] + p["b_hidden"]
        return 1 / (1 + np.exp(-z))

    def accuracy(F_tr, F_te):
        clf = LogisticRegression(C=6000, max_iter=1000).fit(F_tr, ytr)
        return float((clf.predict(F_te) == yte).mean())

    acc_ours = accuracy(features(Xtr), features(Xte))
    acc_theirs = accuracy(rbm.transform(Xtr), rbm.transform(Xte))
    mo, mt = statistics.median(t_ours), statistics.median(t_theirs)
    print(f"engine build {_engine.build_isa()}; {len(Xtr)} training images; median of {args.repeats}")
    print(f"physml RBM fit {mo:.3f} s, test accuracy of features {acc_ours:.3f}")
    print(f"scikit-learn   {mt:.3f} s, test accuracy of features {acc_theirs:.3f}")
    print(f"speed-up {mt / mo:.2f}x")


if __name__ == "__main__":
    main()
