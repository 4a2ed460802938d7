"""Tensor renormalization (physml variational --method trg|hotrg): exact on small tori
against enumeration and Kaufman, the infinite lattice against Onsager, thread independence,
and the CLI's refusals. The chi = 32 accuracy checks take minutes: PHYSML_SLOW=1 runs them."""
import json
import math
import os

import numpy as np
import pytest

from conftest import run_physml
from physml_cli import _engine as E
from physml_cli.io import schema
from test_cli_errors import assert_clean_failure

TC = 2 / math.log(1 + math.sqrt(2))
slow = pytest.mark.skipif(not os.environ.get("PHYSML_SLOW"), reason="minutes; PHYSML_SLOW=1")


def f_of(method, model="ising", T=2.5, **kw):
    return E.renormalize(method, model, T, derivatives=False, **kw)["f"]


def test_onsager_at_tc_is_the_closed_form():
    """-beta f(T_c) = log(2)/2 + 2G/pi (G Catalan's constant); e(T_c) = -sqrt(2) J."""
    o = E.onsager(1.0, TC)
    assert abs(o["f"] + TC * (math.log(2) / 2 + 2 * 0.915965594177219015 / math.pi)) < 1e-13
    assert abs(o["e"] + math.sqrt(2)) < 1e-12


@pytest.mark.parametrize("T", [1.0, 2.0, 2.2, 2.4, 3.0, 5.0])
def test_onsager_is_the_limit_of_kaufman(T):
    """Off T_c a 256 x 256 torus is the infinite lattice to double precision, once its two
    ordered states (log 2 in log Z below T_c) are counted; J < 0 has the same f and e."""
    o, k = E.onsager(1.0, T), E.kaufman(256, 1.0, T)
    degeneracy = T * math.log(2) / 256 ** 2 if T < TC else 0.0
    assert abs(o["f"] - (k["f"] + degeneracy)) < 1e-12 and abs(o["e"] - k["e"]) < 1e-9
    assert E.onsager(-1.0, T) == o


@pytest.mark.parametrize("method", ["trg", "hotrg"])
@pytest.mark.parametrize("L,J,h,T", [(2, 1.0, 0.0, 1.5), (2, -0.7, 0.3, 2.0), (4, 1.0, 0.0, 2.5),
                                     (4, -0.7, 0.3, 2.0), (4, 1.0, 0.5, 1.0)])
def test_ising_torus_is_exact_against_enumeration(method, L, J, h, T):
    """A bond dimension of 2^L keeps every state a leg can carry: the trace is Z."""
    exact = E.exact_enumeration("ising", "square", L, J, h, 2, [T])["f"][0]
    assert abs(f_of(method, T=T, J=J, h=h, bond_dim=2 ** L, size=L) - exact) < 1e-12


@pytest.mark.parametrize("method", ["trg", "hotrg"])
@pytest.mark.parametrize("L,T", [(4, 1.8), (4, 2.6), (8, 2.0), (8, 2.6)])
def test_ising_torus_against_kaufman(method, L, T):
    """Zero field, chi = 16: at L = 4 f is exact and e, by the central differences, within
    their O(dbeta^2) (measured 1e-6); at L = 8 chi = 16 cuts (measured |f - Kaufman| up to
    1.4e-5 at T = 2.6)."""
    x = E.renormalize(method, "ising", T, bond_dim=16, size=L, derivatives=L == 4)
    k = E.kaufman(L, 1.0, T)
    if L == 4:
        assert abs(x["f"] - k["f"]) < 1e-12 and abs(x["e"] - k["e"]) < 1e-5
        assert x["dbeta"] == pytest.approx(1e-3 / T)
    else:
        assert abs(x["f"] - k["f"]) < 3e-5


@pytest.mark.parametrize("method", ["trg", "hotrg"])
@pytest.mark.parametrize("q,J,h,T", [(3, 1.0, 0.0, 1.0), (3, 1.0, 0.2, 0.8), (4, -0.5, 0.1, 0.7)])
def test_potts_torus_against_enumeration(method, q, J, h, T):
    """H = -J sum delta(s_i, s_j) - h sum delta(s_i, 0) on the 2 x 2 torus, chi = q^2."""
    exact = E.exact_enumeration("potts", "square", 2, J, h, q, [T])
    x = E.renormalize(method, "potts", T, J=J, h=h, q=q, bond_dim=q * q, size=2)
    assert abs(x["f"] - exact["f"][0]) < 1e-12
    assert abs(x["e"] - exact["e"][0]) < 1e-5


def test_two_state_potts_is_ising_at_half_the_coupling():
    """delta(s, s') = (1 + s s') / 2: f_potts(J) = f_ising(J / 2) - J (two bonds per site).
    The two networks agree up to scale, so do their cuts; the infinite lattice's stopping
    rule (1e-12 relative in log Z / N) is what may part them."""
    for size, tol in ((0, 1e-10), (4, 1e-12)):
        p = f_of("hotrg", "potts", T=2.0, q=2, J=2.0, bond_dim=12, size=size)
        i = f_of("hotrg", "ising", T=2.0, J=1.0, bond_dim=12, size=size)
        assert abs(p - (i - 2.0)) < tol


@pytest.mark.parametrize("method,T,tol", [("hotrg", 2.0, 1e-7), ("hotrg", 3.0, 1e-8),
                                          ("hotrg", TC, 2e-6), ("trg", 3.0, 3e-7)])
def test_infinite_lattice_against_onsager_chi16(method, T, tol):
    """chi = 16 (the measured errors: docs/variational.md); the steps converge."""
    x = E.renormalize(method, "ising", T, bond_dim=16, derivatives=False)
    assert x["converged"] and abs(x["f"] - E.onsager(1.0, T)["f"]) < tol


def test_energy_and_specific_heat_of_the_infinite_lattice():
    """e by central differences against Onsager's e; c positive and peaked near T_c."""
    x = E.renormalize("hotrg", "ising", 3.0, bond_dim=12)
    assert abs(x["e"] - E.onsager(1.0, 3.0)["e"]) < 1e-5
    c_far = x["c"]
    c_near = E.renormalize("hotrg", "ising", 2.3, bond_dim=12)["c"]
    assert 0 < c_far < c_near


@slow
@pytest.mark.parametrize("T,tol", [(2.0, 1e-7), (3.0, 1e-7), (TC, 1e-5)])
def test_hotrg_chi32_against_onsager(T, tol):
    x = E.renormalize("hotrg", "ising", T, bond_dim=32, threads=2, derivatives=False)
    assert x["converged"] and abs(x["f"] - E.onsager(1.0, T)["f"]) < tol


@pytest.mark.parametrize("method,size", [("hotrg", 0), ("trg", 0), ("hotrg", 8)])
def test_results_do_not_depend_on_threads(method, size):
    one, two = (E.renormalize(method, "ising", 2.4, h=0.05, bond_dim=10, size=size, threads=t,
                              derivatives=False) for t in (1, 2))
    assert one["f"] == two["f"] and one["n_steps"] == two["n_steps"]
    for k, v in one["steps"].items():
        assert np.array_equal(v, two["steps"][k]), k


def test_steps_record_the_cuts():
    x = E.renormalize("hotrg", "ising", 2.5, bond_dim=6, derivatives=False)["steps"]
    assert x["kept"].max() == 6 and x["kept"][0] == 4  # two legs of two states merged
    assert np.all(x["discarded_weight"] >= 0) and x["discarded_weight"].max() > 0
    assert x["spectrum"][0] == 1 and np.all(np.diff(x["spectrum"]) <= 0)


def test_engine_refusals():
    with pytest.raises(ValueError, match="power of two"):
        E.renormalize("hotrg", "ising", 2.0, size=6)
    with pytest.raises(ValueError, match="bond dimension"):
        E.renormalize("trg", "ising", 2.0, bond_dim=0)
    with pytest.raises(ValueError, match="unknown"):
        E.renormalize("van", "ising", 2.0)


def test_cli_json_and_file(workdir):
    res = run_physml("variational", "--method", "hotrg", "--bond-dim", "16", "--size", "4",
                     "--temperatures", "2.0,3.0", "--json", "-q", "-o", "rg.h5")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["method"] == "hotrg" and doc["bond_dim"] == 16 and doc["size"] == 4
    for r in doc["results"]:
        assert r["exact_method"] == "Kaufman" and r["error"] < 1e-12
        assert len(r["kept"]) == r["steps"] == 4
    saved = schema.read_renormalization("rg.h5")
    assert list(saved["attrs"]["temperatures"]) == [2.0, 3.0]
    assert np.allclose(saved["arrays"]["results/f"], [r["f"] for r in doc["results"]])
    # the infinite lattice, Potts: no reference, the text report
    res = run_physml("variational", "--method", "trg", "--model", "potts", "--q", "3",
                     "--bond-dim", "6", "--temperatures", "1.0", "-q")
    assert res.returncode == 0 and "3-state Potts on the infinite square lattice" in res.stderr


def test_cli_infinite_ising_reports_onsager(workdir):
    res = run_physml("variational", "--method", "hotrg", "--bond-dim", "8",
                     "--temperatures", "3.0", "--json")
    r = json.loads(res.stdout)["results"][0]
    assert r["exact_method"] == "Onsager" and r["error"] < 1e-6 and r["converged"]


@pytest.mark.parametrize("args,fragment", [
    (["--method", "hotrg", "--bond-dim", "0"], "--bond-dim"),
    (["--method", "trg", "--size", "6"], "power of two"),
    (["--method", "trg", "--model", "sk"], "not --model sk"),
    (["--method", "hotrg", "--lattice", "triangular"], "square"),
    (["--method", "hotrg", "--open"], "--open"),
    (["--method", "hotrg", "--bond-dim", "4096"], "memory"),
    (["--method", "van", "--model", "potts"], "does not treat --model potts"),
    (["--method", "mean-field", "--bond-dim", "8"], "--bond-dim is for"),
    (["--method", "hotrg", "--q", "3"], "--q is for --model potts"),
    (["--method", "hotrg", "--model", "potts", "--q", "1"], "--q"),
    (["--method", "trg", "--resume"], "nothing to resume"),
])
def test_cli_refusals(workdir, args, fragment):
    res = run_physml("variational", *args, "--temperatures", "2.0", "-o", "out.h5")
    assert_clean_failure(res, workdir, fragment)


def test_existing_output_is_kept(workdir):
    open("out.h5", "w").write("keep")
    res = run_physml("variational", "--method", "hotrg", "--bond-dim", "4", "--size", "2",
                     "--temperatures", "2.0", "-o", "out.h5")
    assert_clean_failure(res, workdir, "--overwrite", keep=("out.h5",))
    assert open("out.h5").read() == "keep"
