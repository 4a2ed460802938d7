"""Neural Markov chain Monte Carlo against Metropolis on the periodic 8x8 Ising model at
beta = 0.44 (the autoregressive issue's target): acceptance >= 30 %, e and C within 4 sigma of
Kaufman's exact values, and tau_int(|m|) below the Metropolis one.

    python benchmarks/bench_neural_mcmc.py [--sweeps 200000] [--workdir DIR]

It trains the proposal with the defaults of `physml variational` (about 3 minutes on 2 cores),
then runs `physml simulate` with --algorithm neural, with --algorithm neural --hybrid
metropolis and with --algorithm metropolis, each measuring every sweep. A neural sweep is
one proposed configuration; a Metropolis sweep is N single-spin proposals. tau is in sweeps
of each; the cost per independent sample, 2 tau x seconds per sweep, compares them fairly.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

L, T = 8, 1 / 0.44


def physml(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "physml_cli", *args, "--json", "-q"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def exact() -> tuple[float, float]:
    from physml_cli import _engine

    d = 1e-4  # C = de/dT by a central difference of Kaufman's exact energy
    e = _engine.kaufman(L, 1.0, T)["e"]
    c = (_engine.kaufman(L, 1.0, T + d)["e"] - _engine.kaufman(L, 1.0, T - d)["e"]) / (2 * d)
    return e, c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sweeps", type=int, default=200_000)
    ap.add_argument("--workdir", default=None, help="keep the files here [a temporary folder]")
    a = ap.parse_args()
    work = a.workdir or tempfile.mkdtemp(prefix="physml_neural_")
    os.makedirs(work, exist_ok=True)
    van = os.path.join(work, "van8.h5")
    if not os.path.exists(van):
        r = physml("variational", "--size", str(L), "--temperatures", f"{T:.6f}", "--seed", "1",
                   "-o", van)
        x = r["results"][0]
        print(f"proposal: physml variational --size 8 --temperatures {T:.6f} --seed 1: F/N "
              f"relative error {x['rel_err']:.2e}, {x['wall_s'] / 60:.1f} min", flush=True)
    e_exact, c_exact = exact()
    print(f"Kaufman 8x8 at beta = 0.44: e = {e_exact:.6f}, C = {c_exact:.5f}")
    runs = (("neural", ["--algorithm", "neural", "--proposal", van]),
            ("neural + metropolis", ["--algorithm", "neural", "--proposal", van, "--hybrid",
                                     "metropolis"]),
            ("metropolis", ["--algorithm", "metropolis"]))
    for label, extra in runs:
        out = os.path.join(work, label.replace(" + ", "_") + ".h5")
        r = physml("simulate", "--size", str(L), "--temperatures", f"{T:.6f}", *extra,
                   "--thermalize", "2000", "--sweeps", str(a.sweeps), "--measure-every", "1",
                   "--save-configs", "0", "--seed", "1", "--threads", "1", "-o", out,
                   "--overwrite")
        x = r["results"][0]
        per_sweep = r["wall_s"] / (a.sweeps + 2000)
        se = abs(x["e"] - e_exact) / x["e_err"]
        sc = abs(x["c"] - c_exact) / x["c_err"]
        acc = x.get("proposal_acceptance")
        print(f"{label:>20}: e = {x['e']:.6f} ± {x['e_err']:.1e} ({se:.1f} sigma), C = "
              f"{x['c']:.4f} ± {x['c_err']:.1e} ({sc:.1f} sigma), tau_int(|m|) = "
              f"{x['tau_m']:.2f} sweeps, tau_int(e) = {x['tau_e']:.2f}"
              + (f", acceptance {acc:.3f}" if acc is not None else "")
              + f"; {per_sweep * 1e6:.1f} us/sweep, {2 * x['tau_m'] * per_sweep * 1e6:.1f} us "
              "per independent |m|", flush=True)


if __name__ == "__main__":
    main()
