"""The autodiff engine: every op against finite differences, losses and convolution
against direct numpy formulas, optimizer steps against their update rules, and
reproducibility across thread counts."""
import numpy as np
import pytest

from physml_cli import _engine as E


def random_params(arch, shape, seed=0, spread=0.3):
    rng = np.random.default_rng(seed)
    return [np.asarray(p, dtype=np.float64) + spread * rng.standard_normal(np.shape(p))
            for p in E.mlp_init(arch, shape, "xavier", seed)]


def targets_for(loss, n, outputs, rng):
    if loss == "mse":
        return rng.standard_normal((n, outputs))
    classes = 2 if loss == "bce" else outputs
    return rng.integers(0, classes, (n, 1)).astype(np.float64)


GRADIENT_CASES = [
    # (architecture, input shape, loss, l1, l2, training)
    ("dense:4,sigmoid,dense:3", (1, 6, 1), "cross-entropy", 0, 0, False),
    ("dense:4,tanh,dense:4,relu,dense:1", (1, 6, 1), "bce", 0, 0, False),
    ("dense:4,softplus,dense:2,logcosh", (1, 6, 1), "mse", 0, 0, False),
    ("dense:3,identity,dense:2", (1, 5, 1), "mse", 0, 0, False),
    ("conv:2:3,tanh,conv:3:3,relu,dense:2", (3, 4, 1), "cross-entropy", 0, 0, False),
    ("conv:2:1,sigmoid,dense:2", (2, 3, 2), "cross-entropy", 0, 0, False),  # two channels
    ("conv:2:5,softplus,dense:1", (1, 6, 1), "mse", 0, 0, False),           # chain, wide kernel
    ("dense:5,dropout:0.3,sigmoid,dense:2", (1, 6, 1), "cross-entropy", 0, 0, True),
    ("dense:5,sigmoid,dense:2", (1, 6, 1), "cross-entropy", 0.01, 0.1, False),
]


@pytest.mark.parametrize("arch,shape,loss,l1,l2,training", GRADIENT_CASES)
def test_gradients_match_finite_differences(arch, shape, loss, l1, l2, training):
    rng = np.random.default_rng(5)
    params = random_params(arch, shape)
    X = rng.standard_normal((5, int(np.prod(shape))))
    y = targets_for(loss, 5, E.mlp_outputs(arch, shape), rng)

    def f(ps):
        return E.mlp_loss_gradient(arch, shape, ps, X, y, loss, l1, l2, training, 7, 3)

    _, grads = f(params)
    h = 1e-6
    for i, p in enumerate(params):
        fd = np.empty(p.size)
        for k in range(p.size):
            up = [q.copy() for q in params]
            down = [q.copy() for q in params]
            up[i].flat[k] += h
            down[i].flat[k] -= h
            fd[k] = (f(up)[0] - f(down)[0]) / (2 * h)
        np.testing.assert_allclose(np.asarray(grads[i]).ravel(), fd, rtol=1e-5, atol=1e-8,
                                   err_msg=f"parameter {i} of {arch}")


def test_losses_match_their_formulas():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((7, 4))
    W, b = rng.standard_normal((4, 3)), rng.standard_normal((1, 3))
    Z = X @ W + b
    labels = rng.integers(0, 3, (7, 1)).astype(float)
    ce, _ = E.mlp_loss_gradient("dense:3", (1, 4, 1), [W, b], X, labels, "cross-entropy")
    logp = Z - np.log(np.exp(Z).sum(1, keepdims=True))
    assert ce == pytest.approx(-logp[np.arange(7), labels[:, 0].astype(int)].mean(), rel=1e-12)
    target = rng.standard_normal((7, 3))
    mse, _ = E.mlp_loss_gradient("dense:3", (1, 4, 1), [W, b], X, target, "mse", 0.0, 0.5)
    assert mse == pytest.approx(((Z - target) ** 2).mean() + 0.25 * (W ** 2).sum(), rel=1e-12)
    t = rng.integers(0, 2, (7, 1)).astype(float)
    bce, _ = E.mlp_loss_gradient("dense:1", (1, 4, 1), [W[:, :1], b[:, :1]], X, t, "bce")
    p = 1 / (1 + np.exp(-Z[:, :1]))
    assert bce == pytest.approx(-(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(), rel=1e-12)


def test_periodic_convolution_matches_direct_sum():
    rng = np.random.default_rng(3)
    H, Wd, cin, cout, k = 4, 5, 2, 3, 3
    params = random_params(f"conv:{cout}:{k}", (H, Wd, cin), seed=1)
    K, b = params
    x = rng.standard_normal((2, H * Wd * cin)).astype(np.float32)
    out = E.mlp_predict(f"conv:{cout}:{k}", (H, Wd, cin), [p.astype(np.float32) for p in params], x,
                        "mse").reshape(2, H, Wd, cout)
    lat = x.reshape(2, H, Wd, cin).astype(np.float64)
    ref = np.zeros((2, H, Wd, cout)) + b[0]
    for dy in range(k):
        for dx in range(k):
            # out[r, c] += x[r + dy - 1, c + dx - 1] . K[(dy, dx)]
            shifted = np.roll(lat, shift=(-(dy - k // 2), -(dx - k // 2)), axis=(1, 2))
            ref += shifted @ K[(dy * k + dx) * cin:(dy * k + dx + 1) * cin]
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
    # translation equivariance on the torus
    moved = np.roll(x.reshape(2, H, Wd, cin), (1, 2), axis=(1, 2)).reshape(2, -1)
    out2 = E.mlp_predict(f"conv:{cout}:{k}", (H, Wd, cin), [p.astype(np.float32) for p in params],
                         moved, "mse").reshape(2, H, Wd, cout)
    np.testing.assert_allclose(out2, np.roll(out, (1, 2), axis=(1, 2)), rtol=1e-5, atol=1e-5)


def test_initialisers_have_their_variances():
    W_he = np.asarray(E.mlp_init("dense:400,relu,dense:2", (1, 300, 1), "auto", 1)[0])
    assert W_he.std() == pytest.approx(np.sqrt(2 / 300), rel=0.01)   # 120000 draws: 0.2% error
    assert abs(W_he.mean()) < 4 * np.sqrt(2 / 300) / np.sqrt(W_he.size)
    W_x = np.asarray(E.mlp_init("dense:400,tanh,dense:2", (1, 300, 1), "auto", 1)[0])
    bound = np.sqrt(6 / 700)
    assert np.abs(W_x).max() <= bound and np.abs(W_x).max() > 0.99 * bound
    assert W_x.std() == pytest.approx(bound / np.sqrt(3), rel=0.01)
    b = np.asarray(E.mlp_init("dense:4,tanh,dense:2", (1, 3, 1), "he", 1)[1])
    assert (b == 0).all()


def numpy_steps(kind, w, grads, lr, mu=0.9, b1=0.9, b2=0.999, eps=1e-8, wd=0.0):
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        if kind == "sgd":
            w = w - lr * g
        elif kind == "momentum":
            m = mu * m + g
            w = w - lr * m
        elif kind == "nesterov":
            m = mu * m + g
            w = w - lr * (g + mu * m)
        else:
            if kind == "adamw":
                w = w * (1 - lr * wd)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            w = w - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return w


@pytest.mark.parametrize("kind", ["sgd", "momentum", "nesterov", "adam", "adamw"])
def test_optimizer_steps_follow_their_update_rules(kind):
    # two full-batch steps of the engine, replayed in numpy with the engine's own gradients
    # evaluated at each iterate
    rng = np.random.default_rng(4)
    X = rng.standard_normal((16, 3)).astype(np.float32)
    y = rng.standard_normal((16, 1))
    arch, shape, lr, wd = "dense:1", (1, 3, 1), 0.05, 0.1
    decay = wd if kind == "adamw" else 0.0
    r = E.mlp_train(X, y, X[:0], y[:0], arch, shape, "mse", kind, lr, 2, 16, 0.9, decay, 0, 0, 0,
                    "auto", 9, 1)
    start = np.concatenate([np.ravel(p) for p in E.mlp_init(arch, shape, "auto", 9)]).astype(float)
    state, grads = start, []
    for _ in range(2):
        ps = [state[:3].reshape(3, 1), state[3:].reshape(1, 1)]
        _, g = E.mlp_loss_gradient(arch, shape, ps, X.astype(np.float64), y, "mse")
        grads.append(np.concatenate([np.ravel(q) for q in g]))
        state = numpy_steps(kind, start, grads, lr, wd=decay)
    got = np.concatenate([np.ravel(p) for p in r["params"]])
    np.testing.assert_allclose(got, state, rtol=2e-5, atol=2e-6)


def test_every_optimizer_solves_least_squares():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((256, 4)).astype(np.float32)
    w_true = np.array([[1.0], [-2.0], [0.5], [0.0]])
    y = X.astype(np.float64) @ w_true + 0.7 + 0.01 * rng.standard_normal((256, 1))
    A = np.hstack([X, np.ones((256, 1))])
    exact = np.linalg.lstsq(A, y, rcond=None)[0].ravel()
    settings = {"sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "adam": 0.01, "adamw": 0.01}
    for kind, lr in settings.items():
        r = E.mlp_train(X, y, X[:0], y[:0], "dense:1", (1, 4, 1), "mse", kind, lr, 150, 32, 0.9,
                        0.0, 0, 0, 0, "auto", 2, 1)
        got = np.concatenate([np.asarray(p).ravel() for p in r["params"]])
        np.testing.assert_allclose(got, exact, atol=5e-3, err_msg=kind)


def test_same_seed_same_network_for_any_thread_count():
    rng = np.random.default_rng(0)
    X = np.where(rng.random((600, 144)) < 0.5, -1.0, 1.0).astype(np.float32)
    y = (X.sum(1) > 0).astype(float).reshape(-1, 1)
    arch = "conv:4:3,relu,dense:64,dropout:0.2,tanh,dense:2"
    runs = [E.mlp_train(X[:500], y[:500], X[500:], y[500:], arch, (12, 12, 1), "cross-entropy",
                        "adam", 1e-3, 2, 128, 0.9, 0, 1e-4, 1e-4, 0, "auto", 3, threads)
            for threads in (1, 2, 1)]
    for r in runs[1:]:
        for a, b in zip(runs[0]["params"], r["params"]):
            assert np.array_equal(a, b)
        assert r["val_loss"] == runs[0]["val_loss"]
    other = E.mlp_train(X[:500], y[:500], X[500:], y[500:], arch, (12, 12, 1), "cross-entropy",
                        "adam", 1e-3, 2, 128, 0.9, 0, 1e-4, 1e-4, 0, "auto", 4, 1)
    assert not np.array_equal(other["params"][0], runs[0]["params"][0])


def test_early_stopping_keeps_the_best_epoch():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((120, 30)).astype(np.float32)
    y = rng.integers(0, 2, (120, 1)).astype(float)  # pure noise: validation loss soon rises
    r = E.mlp_train(X[:80], y[:80], X[80:], y[80:], "dense:64,relu,dense:2", (1, 30, 1),
                    "cross-entropy", "adam", 0.01, 200, 8, 0.9, 0, 0, 0, 3, "auto", 0, 1)
    assert r["stopped_early"] and len(r["val_loss"]) < 200
    best = r["best_epoch"]
    assert len(r["val_loss"]) == best + 1 + 3
    loss, _ = E.mlp_evaluate("dense:64,relu,dense:2", (1, 30, 1), r["params"], X[80:], y[80:])
    assert loss == pytest.approx(min(r["val_loss"]), rel=1e-6)


@pytest.mark.parametrize("arch,message", [
    ("dense:0", "positive integer"), ("conv:2:2,dense:2", "odd"), ("relu", "no dense"),
    ("dense:3,swish,dense:2", "unknown activation"), ("dropout:1.5,dense:2", "dropout"),
    ("dense:4,conv:2:3,dense:2", "lattice-shaped"),
])
def test_bad_architectures_are_refused(arch, message):
    with pytest.raises(ValueError, match=message):
        E.mlp_outputs(arch, (3, 3, 1))


def test_bad_training_input_is_refused():
    X = np.ones((4, 3), np.float32)
    y = np.zeros((4, 1))
    ok = dict(architecture="dense:2", input_shape=(1, 3, 1))
    with pytest.raises(ValueError, match="learning rate"):
        E.mlp_train(X, y, X[:0], y[:0], lr=0.0, **ok)
    with pytest.raises(ValueError, match="unknown optimizer"):
        E.mlp_train(X, y, X[:0], y[:0], optimizer="rmsprop", **ok)
    with pytest.raises(ValueError, match="features"):
        E.mlp_train(np.ones((4, 5), np.float32), y, X[:0], y[:0], **ok)
    with pytest.raises(ValueError, match="NaN"):
        E.mlp_train(np.full((4, 3), np.nan, np.float32), y, X[:0], y[:0], **ok)
    with pytest.raises(ValueError, match="outside"):
        E.mlp_train(X, y + 5, X[:0], y[:0], **ok)
