"""Linear models: optimality conditions of every objective, scikit-learn agreement when it
is installed, and the classic "learn the Ising couplings" experiment."""
import numpy as np
import pytest

from conftest import softmax_stationarity
from physml_cli import _engine

rng = np.random.default_rng(42)
N, P = 160, 12
X = rng.normal(size=(N, P))
X[:, 7] = 2.0 * X[:, 3] - X[:, 1]  # rank deficient on purpose
W_TRUE = rng.normal(size=P)
Y = X @ W_TRUE + 0.5 + 0.3 * rng.normal(size=N)
LABELS = (X @ W_TRUE + 0.4 * rng.normal(size=N) > 0).astype(float)
CLASSES = np.digitize(X @ W_TRUE + 0.4 * rng.normal(size=N), [-1.0, 1.0]).astype(float)


def centred():
    return X - X.mean(0), Y - Y.mean()


def test_ols_is_the_minimum_norm_least_squares_solution():
    r = _engine.linear_fit("ols", X, Y)
    Xc, yc = centred()
    expect = np.linalg.pinv(Xc) @ yc
    assert np.allclose(r["coef"], expect, rtol=1e-10, atol=1e-12)
    assert r["intercept"] == pytest.approx(Y.mean() - X.mean(0) @ expect, rel=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 0.3, 10.0])
def test_ridge_normal_equations(alpha):
    r = _engine.linear_fit("ridge", X, Y, alpha=alpha)
    Xc, yc = centred()
    w = r["coef"]
    if alpha == 0:
        assert np.allclose(w, np.linalg.pinv(Xc) @ yc, rtol=1e-9, atol=1e-12)
    else:
        assert np.allclose(Xc.T @ (Xc @ w - yc) + alpha * w, 0, atol=1e-9)


@pytest.mark.parametrize("model,l1_ratio", [("lasso", 1.0), ("elasticnet", 0.4)])
@pytest.mark.parametrize("alpha", [0.01, 0.2])
def test_elastic_net_kkt_conditions(model, l1_ratio, alpha):
    r = _engine.linear_fit(model, X, Y, alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=100000)
    assert r["converged"]
    Xc, yc = centred()
    w = r["coef"]
    # gradient of the smooth part: -X^T r / n + alpha (1 - rho) w
    g = -Xc.T @ (yc - Xc @ w) / N + alpha * (1 - l1_ratio) * w
    l1 = alpha * l1_ratio
    active = w != 0
    assert np.allclose(g[active], -l1 * np.sign(w[active]), atol=1e-9)
    assert (np.abs(g[~active]) <= l1 + 1e-9).all()
    if alpha == 0.2 and model == "lasso":
        assert (~active).any(), "the lasso should set some weights to zero"


def test_logistic_gradient_vanishes():
    alpha = 0.7
    r = _engine.linear_fit("logistic", X, LABELS, alpha=alpha, tol=1e-12)
    assert r["converged"]
    w, b = r["coef"][0], r["intercept"][0]
    p = 1 / (1 + np.exp(-(X @ w + b)))
    assert np.abs(X.T @ (p - LABELS) + alpha * w).max() < 1e-8
    assert abs((p - LABELS).sum()) < 1e-8


def test_softmax_gradient_vanishes():
    alpha = 0.5
    r = _engine.linear_fit("softmax", X, CLASSES, alpha=alpha, tol=1e-12)
    assert r["converged"]
    gW, gb = softmax_stationarity(X, CLASSES, r["coef"], r["intercept"], alpha)
    assert np.abs(gW).max() < 1e-8
    assert np.abs(gb).max() < 1e-8


def test_scores():
    r = _engine.linear_fit("ridge", X, Y, alpha=0.1)
    pred = X @ r["coef"] + r["intercept"]
    r2 = 1 - ((Y - pred) ** 2).sum() / ((Y - Y.mean()) ** 2).sum()
    assert _engine.linear_score("ridge", r["coef"][None, :], np.array([r["intercept"]]), X, Y) \
        == pytest.approx(r2, rel=1e-12)


def test_cross_validation_prefers_sensible_alpha():
    scores = _engine.linear_cross_validate("ridge", X, Y, [1e-3, 1.0, 1e4], 4, 0)
    assert scores.shape == (3, 4)
    assert scores.mean(1).argmax() != 2  # a huge alpha ignores the data


def test_bad_input():
    with pytest.raises(ValueError, match="different numbers of rows"):
        _engine.linear_fit("ols", X, Y[:-1])
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _engine.linear_fit("ridge", bad, Y)
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        _engine.linear_fit("logistic", X, CLASSES, alpha=1.0)
    with pytest.raises(ValueError, match="unknown linear model"):
        _engine.linear_fit("svm", X, Y)


SKLEARN_CASES = ["ols", "ridge", "lasso", "elasticnet", "logistic", "softmax"]


@pytest.mark.parametrize("model", SKLEARN_CASES)
def test_agrees_with_scikit_learn(model):
    lm = pytest.importorskip("sklearn.linear_model")
    alpha = {"ols": 0.0, "ridge": 2.0, "lasso": 0.03, "elasticnet": 0.03, "logistic": 0.5,
             "softmax": 0.5}[model]
    y = {"logistic": LABELS, "softmax": CLASSES}.get(model, Y)
    ours = _engine.linear_fit(model, X, y, alpha=alpha, l1_ratio=0.3, tol=1e-12, max_iter=200000)
    peer = {
        "ols": lambda: lm.LinearRegression(),
        "ridge": lambda: lm.Ridge(alpha=alpha, solver="svd"),
        "lasso": lambda: lm.Lasso(alpha=alpha, tol=1e-14, max_iter=1000000),
        "elasticnet": lambda: lm.ElasticNet(alpha=alpha, l1_ratio=0.3, tol=1e-14, max_iter=1000000),
        "logistic": lambda: lm.LogisticRegression(C=1 / alpha, tol=1e-12, max_iter=100000),
        "softmax": lambda: lm.LogisticRegression(C=1 / alpha, tol=1e-12, max_iter=100000),
    }[model]().fit(X, y)
    theirs = np.atleast_2d(peer.coef_)
    mine = np.atleast_2d(ours["coef"])
    assert np.abs(mine - theirs).max() <= 1e-6 * np.abs(theirs).max()
    assert np.allclose(np.atleast_1d(ours["intercept"]), np.atleast_1d(peer.intercept_),
                       rtol=1e-6, atol=1e-6 * np.abs(theirs).max())


def test_learns_ising_chain_couplings():
    """Energies of random +-1 chains with J = 1: ridge spreads each bond over (i, i+1)
    and (i+1, i); lasso puts the weight on one of the two."""
    L, n = 10, 600
    s = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n, L))
    E = -(s * np.roll(s, -1, axis=1)).sum(1).astype(float)
    F = _engine.pair_features(s, 2)
    assert F.shape == (n, L * L)
    ridge = _engine.linear_fit("ridge", F, E, alpha=1e-6)["coef"].reshape(L, L)
    bond = ridge[np.arange(L), (np.arange(L) + 1) % L] + ridge[(np.arange(L) + 1) % L, np.arange(L)]
    assert np.allclose(bond, -1.0, atol=1e-6)
    assert np.allclose(ridge[np.arange(L), (np.arange(L) + 1) % L], -0.5, atol=1e-6)
    lasso = _engine.linear_fit("lasso", F, E, alpha=1e-3, tol=1e-12, max_iter=100000)["coef"]
    lasso = lasso.reshape(L, L)
    fwd, back = lasso[np.arange(L), (np.arange(L) + 1) % L], lasso[(np.arange(L) + 1) % L, np.arange(L)]
    assert np.allclose(fwd + back, -1.0, atol=0.02)
    assert (np.minimum(np.abs(fwd), np.abs(back)) < 0.05).sum() >= L // 2, "lasso is sparse"


def test_thread_count_does_not_change_the_fit():
    import os
    import subprocess
    import sys
    code = ("import numpy as np, json; from physml_cli import _engine as E;"
            "r = np.random.default_rng(5); X = r.normal(size=(3000, 40)); y = X @ r.normal(size=40);"
            "print(json.dumps([E.linear_fit(m, X, y, alpha=0.01)['coef'].tolist() "
            "for m in ('ridge', 'lasso', 'ols')]))")
    outs = []
    for threads in ("1", "2"):
        env = dict(os.environ, OMP_NUM_THREADS=threads)
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        assert res.returncode == 0, res.stderr
        outs.append(res.stdout)
    assert outs[0] == outs[1]
