"""The built-in datasets: toy densities normalised and sampled as their log-density says (grid
integrals), their entropies where closed forms exist, and the command's files and errors.
(Bars and stripes: tests/test_born_machine.py.)"""
import json
import math

import h5py
import numpy as np
import pytest

from physml_cli import _engine
from physml_cli.io import schema

TOYS = ("gaussians8", "ring", "checkerboard", "moons")
# boxes holding all but a negligible share of each density, and grid steps fine against sigma
BOX = {"gaussians8": ((-2.8, 2.8), (-2.8, 2.8), 0.01), "ring": ((-2.8, 2.8), (-2.8, 2.8), 0.01),
       "checkerboard": ((-2.0, 2.0), (-2.0, 2.0), 0.005), "moons": ((-1.7, 2.7), (-1.2, 1.7), 0.02)}


def _grid(name):
    (x0, x1), (y0, y1), h = BOX[name]
    xs = np.arange(x0 + h / 2, x1, h)
    ys = np.arange(y0 + h / 2, y1, h)
    X = np.array(np.meshgrid(xs, ys)).reshape(2, -1).T
    return X, _engine.toy_log_density(name, X), h * h


@pytest.mark.parametrize("name", TOYS)
def test_density_integrates_to_one_and_samples_follow_it(name):
    X, log_p, area = _grid(name)
    p = np.exp(log_p)
    assert abs(p.sum() * area - 1) < 2e-4
    n = 10000 if name == "moons" else 40000  # the moons' density is a quadrature: slower
    s = _engine.toy_sample(name, n, seed=1)
    # moments of the samples against the grid integrals of the density, within 4 sigma
    for f in (lambda x: x[:, 0], lambda x: x[:, 1], lambda x: (x ** 2).sum(1),
              lambda x: x[:, 0] * x[:, 1]):
        exact = (f(X) * p).sum() * area
        values = f(s)
        assert abs(values.mean() - exact) <= 4 * values.std() / math.sqrt(n) + 1e-4, name
    # and so does the entropy: -mean ln p of the samples against -int p ln p
    lp = _engine.toy_log_density(name, s)
    assert np.isfinite(lp).all()
    inside = p > 0
    H = -(p[inside] * log_p[inside]).sum() * area
    assert abs(-lp.mean() - H) <= 4 * lp.std() / math.sqrt(n) + 1e-3, (name, -lp.mean(), H)


def test_closed_form_entropies():
    s = _engine.toy_sample("gaussians8", 20000, seed=2)
    lp = _engine.toy_log_density("gaussians8", s)
    H = math.log(8) + math.log(2 * math.pi * math.e * 0.01)  # modes 15 sigma apart
    assert abs(-lp.mean() - H) <= 4 * lp.std() / math.sqrt(len(lp))
    c = _engine.toy_sample("checkerboard", 1000, seed=2)
    assert np.allclose(_engine.toy_log_density("checkerboard", c), -math.log(8), atol=0, rtol=1e-15)
    assert _engine.toy_log_density("checkerboard", np.array([[0.5, -0.5], [3.0, 0.0]])).max() == -np.inf


def test_samples_depend_on_the_seed_only():
    a = _engine.toy_sample("moons", 300, seed=4)
    assert (a == _engine.toy_sample("moons", 300, seed=4)).all()
    assert (a != _engine.toy_sample("moons", 300, seed=5)).any()
    assert (_engine.toy_sample("moons", 500, seed=4)[:300] == a).all()


def test_dataset_toy_command(physml, workdir):
    r = physml("dataset", "toy", "--dist", "gaussians8", "--samples", "5000", "--seed", "3",
               "-o", "g8.h5", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    H = math.log(8) + math.log(2 * math.pi * math.e * 0.01)
    assert doc["rows"] == 5000 and abs(doc["entropy"] - H) < 4 * doc["entropy_err"]
    with h5py.File("g8.h5") as f:
        assert f.attrs["physml_schema"] == schema.DATASET
        assert f["X"].shape == (5000, 2) and f["log_density"].shape == (5000,)
    src = schema.read_learning_source("g8.h5")
    assert src["X"].shape == (5000, 2) and src["log_density"].shape == (5000,)
    # the same seed gives the same file content
    assert physml("dataset", "toy", "--dist", "gaussians8", "--samples", "5000", "--seed", "3",
                  "-o", "again.h5").returncode == 0
    with h5py.File("g8.h5") as f, h5py.File("again.h5") as g:
        assert (f["X"][()] == g["X"][()]).all()


def test_dataset_errors(physml, workdir):
    cases = [
        (("dataset", "toy"), "--dist"),
        (("dataset", "toy", "--dist", "spiral"), "spiral"),
        (("dataset", "toy", "--dist", "ring", "--size", "4"), "--size does not apply"),
        (("dataset", "bas", "--dist", "ring"), "--dist does not apply"),
        (("dataset", "toy", "--dist", "ring", "--samples", "0"), "--samples"),
    ]
    for args, words in cases:
        r = physml(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
    # a Born machine refuses continuous points
    assert physml("dataset", "toy", "--dist", "ring", "--samples", "50", "-o", "r.h5").returncode == 0
    r = physml("train", "mps", "r.h5")
    assert r.returncode == 2 and "binary" in r.stderr, r.stderr


def test_every_registered_dataset_has_a_maker():
    from physml_cli import registry
    from physml_cli.commands import datasets

    assert set(registry.names("dataset")) == set(datasets._MAKERS)

