"""The AVX2 and the generic builds of the engine compute the same Monte Carlo chains (and DMRG
sweeps); both load in one process."""
import json
import os
import subprocess
import sys

import pytest

from physml_cli import _engine

SCRIPT = r"""
import json, sys
from physml_cli import _engine as E
out = {"build": E.build_isa()}
for alg, lattice, model in [("metropolis", "square", "ising"), ("heatbath", "triangular", "potts"),
                            ("wolff", "cubic", "ising"), ("sw", "honeycomb", "ising"),
                            ("metropolis", "chain", "ising")]:
    sim = E.Simulation(model=model, lattice=lattice, L=6, q=3, algorithm=alg,
                       temperatures=[1.1, 2.7], seed=3, h=0.2 if alg in ("metropolis", "heatbath") else 0.0)
    sim.thermalize(50)
    r = sim.measure(200, 2, 0)
    out[alg + lattice] = [r["e"].tolist(), r["m"].tolist()]
d = E.DMRG("heisenberg", "chain", 12, open=True, n_up=6)
for chi in (8, 64, 64):  # intermediate cuts may pick different degenerate states; the
    d.sweep(chi)           # converged ground state is one
out["dmrg"] = [d.energy()]
print(json.dumps(out))
"""


def run_with(engine):
    env = dict(os.environ, PHYSML_ENGINE=engine)
    res = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.mark.skipif(not _engine.cpu_has_avx2(), reason="this CPU has no AVX2")
def test_generic_and_avx2_builds_agree():
    generic, avx2 = run_with("generic"), run_with("avx2")
    assert generic.pop("build") == "generic" and avx2.pop("build") == "avx2"
    # Eigen's products round differently with AVX2 kernels: DMRG's ground state agrees to rounding
    g, a = generic.pop("dmrg"), avx2.pop("dmrg")
    assert max(abs(x - y) for x, y in zip(g, a)) < 1e-10 * abs(g[-1])
    assert generic == avx2


def test_unknown_engine_choice_is_refused():
    env = dict(os.environ, PHYSML_ENGINE="sse9")
    res = subprocess.run([sys.executable, "-c", "import physml_cli._engine"], capture_output=True,
                         text=True, env=env)
    assert res.returncode != 0 and "PHYSML_ENGINE" in res.stderr
