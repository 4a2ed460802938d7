"""``physml exact --method dmrg`` once arguments are valid: sweep, checkpoint, measure, save."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from physml_cli.errors import Interrupted, PhysmlError
from physml_cli.io import schema
from physml_cli.report import console as report
from physml_cli.runtime import resume
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.signals import SignalCatcher
from physml_cli.workflows import dmrg, exact

if TYPE_CHECKING:
    from physml_cli.cli.quantum import ExactSettings

# What a resumed run must share with the saved one.
_SAME = ("hamiltonian", "lattice", "size", "J", "h", "delta", "J2", "open_boundaries", "n_up",
         "cutoff")


def _attrs(s: ExactSettings, run: dmrg.Run, n: int, complete: bool) -> dict[str, Any]:
    return {"hamiltonian": s.hamiltonian, "lattice": s.lattice, "size": s.size, "J": s.J,
            "h": s.h, "delta": s.delta, "J2": s.J2, "open_boundaries": s.open_boundaries,
            "n_sites": n, "n_up": run.n_up, "cutoff": s.cutoff, "sweeps": s.sweeps,
            "sweeps_done": run.done, "bond_dims": run.bond_dims, "complete": complete,
            "conserves_sz": bool(run.engine.conserves_sz), "mixer": s.mixer,
            "energy": run.history["energy"][-1] if run.done else float("nan")}


def _save(path: str, attrs: dict[str, Any], run: dmrg.Run, extra: dict[str, np.ndarray]) -> None:
    arrays = {"history/" + k: np.asarray(v, dtype=float) for k, v in run.history.items()}
    arrays.update(dmrg.saved_state(run))
    arrays.update(extra)
    schema.write_dmrg(path, attrs, arrays, command_line())


def run_dmrg(s: ExactSettings) -> dmrg.DMRGGroundState:
    if s.symmetries != "none" or any(v is not None for v in (s.momentum, s.irrep, s.spin_flip)):
        raise PhysmlError("--method dmrg works in an S^z sector only (no --symmetries, "
                          "--momentum, --irrep, --spin-flip)")
    if s.plot:
        raise PhysmlError("--plot draws Lanczos levels against momentum; --method dmrg has none")
    n = dmrg.check(s.lattice, s.size, s.bond_dim, s.hamiltonian)
    n_up = exact.sector(s.hamiltonian, n, s.sz)
    if s.hamiltonian != "tfim" and n_up < 0:
        raise PhysmlError("--method dmrg needs an S^z sector (the full space has no block "
                          "structure to use): give --sz")
    excited_up = None
    if s.excited_sz is not None:
        if n_up < 0:
            raise PhysmlError("--excited-sz needs a Hamiltonian that conserves S^z")
        excited_up = exact.sector(s.hamiltonian, n, s.excited_sz)
    model = dict(hamiltonian=s.hamiltonian, lattice=s.lattice, L=s.size, J=s.J, h=s.h,
                 delta=s.delta, J2=s.J2, open=s.open_boundaries)
    bond_dims = dmrg.schedule(s.bond_dim, s.sweeps)
    steps = s.max_iter or dmrg.LOCAL_STEPS
    run = dmrg.new_run(model, n_up, bond_dims, s.mixer, s.cutoff, s.tol, steps, s.threads)
    dmrg.check_memory(n, max(bond_dims), max(run.engine.mpo_bond_dims), steps)
    output = s.output
    if resume.plan(output, s.resume, s.overwrite, resume.INSIDE) == resume.CONTINUE:
        assert output
        saved = schema.read_dmrg(output)
        a = saved["attrs"]
        mine = _attrs(s, run, n, False)
        for k in _SAME:
            if a[k] != mine[k]:
                raise PhysmlError(f"--resume: {output} was made with {k} = {a[k]!r}, not "
                                  f"{mine[k]!r} (use the same settings, or a new --output)")
        if list(a["bond_dims"])[:int(a["sweeps_done"])] != bond_dims[:int(a["sweeps_done"])]:
            raise PhysmlError(f"--resume: {output} followed another bond-dimension schedule")
        if int(a["sweeps_done"]) >= s.sweeps:
            raise PhysmlError(f"--resume: {output} already has {a['sweeps_done']} sweeps "
                              f"(raise --sweeps to continue)")
        dmrg.restore(run, saved, output)
    t0 = time.perf_counter()
    with SignalCatcher() as sig, report.progress_bar(s.quiet or s.as_json, "sweeps") as bar:
        task = bar.add_task("DMRG", total=len(bond_dims), completed=run.done)

        def on_sweep(r: dmrg.Run) -> None:
            bar.update(task, completed=r.done, description=(
                f"E = {r.history['energy'][-1]:.10f}  chi = {int(r.history['largest_bond'][-1])}"))
            if output and r.done < len(bond_dims):
                _save(output, _attrs(s, r, n, False), r, {})

        dmrg.iterate(run, lambda: sig.signum is not None, on_sweep)
    if sig.signum is not None:
        where = (f"saved to {output} (continue with --resume)" if output
                 else "nothing saved (no --output)")
        raise Interrupted(sig.signum, output or "", f"interrupted by signal {sig.signum} after "
                          f"{run.done} sweeps; {where}")
    result = _measure(s, run, n, model, excited_up, time.perf_counter() - t0)
    if output:
        doc = result.document()
        _save(output, _attrs(s, run, n, True), run,
              {"entanglement_entropy": np.asarray(doc["entanglement_entropy"]),
               "zz": np.asarray(doc["zz"]), "sz": np.asarray(run.engine.sz())})
    return result


def _measure(s: ExactSettings, run: dmrg.Run, n: int, model: dict[str, Any],
             excited_up: int | None, wall: float) -> dmrg.DMRGGroundState:
    e = run.engine
    energy = e.energy()
    variance = e.variance()
    refs = dmrg.references(s.hamiltonian, s.lattice, n, s.J, s.h, s.open_boundaries, run.n_up)
    ref = refs["free_fermion_energy"] or refs["bethe_ansatz_energy"]
    excited = None
    if excited_up is not None:
        other = dmrg.new_run(model, excited_up, run.bond_dims, s.mixer, s.cutoff, s.tol,
                             run.local_steps, s.threads)
        dmrg.iterate(other, lambda: False, lambda r: None)
        excited = other.engine.energy()
    hist = run.history
    sweeps = [{"sweep": i, **{k: (int(v[i]) if k in ("largest_bond", "bond_dim", "lanczos_steps")
                                  else float(v[i])) for k, v in hist.items()}}
              for i in range(run.done)]
    sx = e.sx()
    return dmrg.DMRGGroundState(
        hamiltonian=s.hamiltonian, lattice=s.lattice, size=s.size, n_sites=n,
        boundary="open" if s.open_boundaries else "periodic", J=s.J,
        h=s.h if s.hamiltonian == "tfim" else None,
        delta=s.delta if s.hamiltonian == "xxz" else None,
        J2=s.J2 if s.hamiltonian == "j1j2" else None,
        convention=exact.convention(s.hamiltonian), operators=exact.OPERATORS,
        sector="full" if run.n_up < 0 else _sz(n, run.n_up),
        energy=energy, energy_per_site=energy / n, energy_variance=variance,
        energy_change=hist["energy"][-1] - hist["energy"][-2] if run.done > 1 else None,
        discarded_weight=hist["discarded_weight"][-1], bond_dims=run.bond_dims, sweeps=sweeps,
        largest_bond=int(hist["largest_bond"][-1]), mpo_bond_dim=max(e.mpo_bond_dims),
        entanglement_entropy=dmrg.entanglement(e), zz=e.zz_correlations(0),
        sx=float(np.mean(sx)) if s.hamiltonian == "tfim" else None,
        excited_sector=_sz(n, excited_up) if excited_up is not None else None,
        excited_energy=excited, gap=excited - energy if excited is not None else None,
        **refs, reference_error=abs((energy - ref) / ref) if ref else None,
        wall_s=round(wall, 4), output=s.output)


def _sz(n: int, n_up: int) -> str:
    return f"S^z = {(2 * n_up - n) / 2:g}"


