"""The driver's checkpoint/resume, interrupted deterministically after a few chunks:
the resumed result equals the uninterrupted one for every sampler."""
import numpy as np
import pytest

from physml_cli.workflows import simulate
from conftest import InterruptAfter
from physml_cli.errors import Interrupted

BASE = dict(model="ising", lattice="square", L=6, J=1.0, h=0.0, q=2, seed=4, thermalize=40,
            sweeps=300, measure_every=3, save_configs=7, parallel_tempering=False,
            anneal=False, init="random", algorithm="metropolis",
            temperatures=[1.8, 2.3, 2.9])
VARIANTS = {
    "plain-metropolis": {},
    "wolff": dict(algorithm="wolff"),
    "pt-sw": dict(parallel_tempering=True, algorithm="sw"),
    "anneal-heatbath": dict(anneal=True, algorithm="heatbath", lattice="triangular"),
    "anneal-wolff": dict(anneal=True, algorithm="wolff"),
}


def run(params, out, resume=False):
    return simulate.run_size(params, 2, str(out), resume, "test", 0.0, lambda d, t: None)


@pytest.mark.parametrize("name", VARIANTS)
@pytest.mark.parametrize("stop_after", [1, 5])
def test_interrupted_run_resumes_identically(tmp_path, monkeypatch, name, stop_after):
    params = dict(BASE, **VARIANTS[name])
    monkeypatch.setattr(simulate, "CHUNK_SECONDS", 1e-12)  # chunks of one sweep: many, and as many on any machine
    whole = run(params, tmp_path / "whole.h5")
    monkeypatch.setattr(simulate, "SignalCatcher", InterruptAfter(stop_after))
    with pytest.raises(Interrupted):
        run(params, tmp_path / "part.h5")
    assert (tmp_path / "part.h5.ckpt").exists()
    monkeypatch.setattr(simulate, "SignalCatcher", InterruptAfter(10**9))
    part = run(params, tmp_path / "part.h5", resume=True)
    assert np.array_equal(whole.energy, part.energy)
    assert np.array_equal(whole.magnetization, part.magnetization)
    assert (whole.staggered is None) == (part.staggered is None)
    if whole.staggered is not None:
        assert np.array_equal(whole.staggered, part.staggered)
    assert np.array_equal(whole.configs, part.configs)
    for k in whole.extras:
        assert np.array_equal(whole.extras[k], part.extras[k]), k
    assert whole.configs.shape[1] == 7
