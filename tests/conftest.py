import subprocess
import sys

import pytest


def run_physml(*args, cwd=None, timeout=300):
    """Run the installed CLI exactly as a user would, capturing both streams."""
    return subprocess.run([sys.executable, "-m", "physml_cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def physml():
    return run_physml


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def within(value, exact, err, n_sigma=4.0):
    """|value - exact| <= n_sigma * err, with a readable failure message."""
    assert err > 0, f"non-positive error bar {err}"
    assert abs(value - exact) <= n_sigma * err, (
        f"{value} vs exact {exact}: {abs(value - exact) / err:.1f} sigma (err {err})")


def lattice_energy(model, q, lat, J, h, s):
    """(e, m) per site of configurations s, from the lattice's bond list by numpy alone."""
    import numpy as np

    i, j = lat.bonds[:, 0], lat.bonds[:, 1]
    s = s.astype(np.int64)
    n = lat.n_sites
    if model == "ising":
        e = (-J * (s[:, i] * s[:, j]).sum(1) - h * s.sum(1)) / n
        m = s.sum(1) / n
    else:
        e = (-J * (s[:, i] == s[:, j]).sum(1) - h * (s == 0).sum(1)) / n
        counts = np.stack([(s == k).sum(1) for k in range(q)], 1)
        m = (q * counts.max(1) / n - 1) / (q - 1)
    return e, m


@pytest.fixture(scope="session")
def chain_data(tmp_path_factory):
    d = tmp_path_factory.mktemp("chain")
    res = run_physml("simulate", "--lattice", "chain", "--size", "12", "--temperatures",
                     "1.0:4.0:6", "--sweeps", "4000", "--save-configs", "200", "--algorithm",
                     "heatbath", "-q", "-o", str(d / "chain.h5"))
    assert res.returncode == 0, res.stderr
    return d / "chain.h5"


@pytest.fixture(scope="session")
def ising_data(tmp_path_factory):
    d = tmp_path_factory.mktemp("ising")
    res = run_physml("simulate", "--size", "12", "--temperatures", "1.2:3.4:12", "--thermalize",
                     "300", "--sweeps", "4000", "--save-configs", "200", "--seed", "2", "-q",
                     "-o", str(d / "ising.h5"))
    assert res.returncode == 0, res.stderr
    return d / "ising.h5"


class InterruptAfter:
    """Stands in for SignalCatcher: reports SIGTERM once `chunks` chunks have run."""

    def __init__(self, chunks):
        self.left = chunks

    def __call__(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    @property
    def signum(self):
        self.left -= 1
        return 15 if self.left < 0 else None


def softmax_stationarity(X, classes, W, b, alpha):
    """The gradient of the L2-penalised softmax loss in W and in b (zero at the minimum)."""
    import numpy as np

    Z = X @ W.T + b
    P = np.exp(Z - Z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    R = P - np.eye(W.shape[0])[classes.astype(int)]
    return R.T @ X + alpha * W, R.sum(0)
