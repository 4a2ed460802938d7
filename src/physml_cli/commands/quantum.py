"""``physml exact`` once arguments are valid: diagonalise, save, report."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from physml_cli import _engine
from physml_cli.workflows import exact
from physml_cli.report import console as report
from physml_cli.io import schema
from physml_cli.runtime import outputs, resume
from physml_cli.runtime.emit import command_line, emit

if TYPE_CHECKING:
    from physml_cli.cli.quantum import ExactSettings, VmcSettings


def run_exact(s: ExactSettings) -> None:
    outputs.check_new(s.output, s.overwrite)
    r = exact.run(hamiltonian=s.hamiltonian, lattice=s.lattice, size=s.size, J=s.J, h=s.h,
                  delta=s.delta, J2=s.J2, open_boundaries=s.open_boundaries, sz=s.sz,
                  levels=s.levels, tol=s.tol, max_iter=s.max_iter, seed=s.seed,
                  threads=s.threads)
    if s.output:
        arrays = {"levels": np.asarray(r["levels"]), "zz": np.asarray(r["zz"])}
        attrs = {k: v for k, v in r.items() if k not in ("levels", "zz")}
        schema.write_exact(s.output, attrs, arrays, command_line())
    emit(s.as_json, r, _exact_text(r, s.output))


def _exact_text(r: dict[str, Any], output: str | None) -> list[str]:
    lines = [f"{r['hamiltonian']} on the {r['boundary']} {r['lattice']} (N = {r['n_sites']}), "
             f"{r['sector']}, dimension {r['dimension']:,}: {r['convention']} ({r['operators']})",
             f"E0 = {r['energy']:.12g}  (E0/N = {r['energy_per_site']:.12g})"]
    if "gap" in r:
        lines.append(f"gap E1 - E0 = {r['gap']:.10g}")
    if "free_fermion_energy" in r:
        lines.append(f"free-fermion E0 = {r['free_fermion_energy']:.12g}")
    lines.append(f"{r['iterations']} Lanczos steps, {r['wall_s']:.2f} s"
                 + ("" if r["converged"] else " (NOT converged: raise --max-iter)")
                 + (f" -> {output}" if output else ""))
    return lines


def run_vmc(opts: VmcSettings) -> None:
    import dataclasses

    from physml_cli.report import plotting
    from physml_cli.workflows import vmc
    from physml_cli.errors import Interrupted
    from physml_cli.mpi import world
    from physml_cli.runtime.signals import SignalCatcher

    rank, size, comm = world()
    if size == 1:
        comm = None
    root = rank == 0
    output, threads, plot, as_json = opts.output, opts.threads, opts.plot, opts.as_json
    iterations = opts.iterations
    s = vmc.resolve(**opts.run_options())
    if resume.plan(output, opts.resume, opts.overwrite, resume.INSIDE) == resume.CONTINUE:
        assert output
        run = vmc.restore(schema.read_vmc(output), s, threads, output, comm)
    else:
        run = vmc.new_run(s, threads, comm)
    vmc.check_measurement(run, opts.measure_samples)
    outputs.check_plot(plot, opts.overwrite)
    exact_e, exact_method = vmc.exact_energy(s, threads) if root else (None, None)

    with SignalCatcher() as sig, report.progress_bar(opts.quiet or as_json or not root,
                                                     "iterations") as bar:
        task = bar.add_task("VMC", total=iterations)

        def on_step(st: dict[str, Any]) -> None:
            bar.update(task, advance=1, description=(
                f"E = {st['energy']:.6f} ± {st['energy_err']:.6f}  σ² = {st['variance']:.3g}  "
                f"acc = {st['acceptance']:.2f}"))

        done = vmc.iterate(run, iterations, lambda: sig.signum is not None, on_step)
    interrupted = sig.signum
    if comm is not None:  # a signal may have reached some ranks only
        interrupted = max((x or 0) for x in comm.allgather(interrupted)) or None
    final = None if interrupted else vmc.measure(run, opts.measure_samples)
    configs = run.all_configs()
    if not root:
        if interrupted:
            raise Interrupted(interrupted, output or "", "interrupted")
        return
    r: dict[str, Any] = {
        "hamiltonian": s.hamiltonian, "lattice": s.lattice, "size": s.size, "n_sites": s.n_sites,
        "convention": exact.convention(s.hamiltonian), "operators": exact.OPERATORS,
        "ansatz": s.ansatz, "n_params": int(run.driver.n_params), "sampler": s.sampler,
        "marshall": s.marshall, "iterations": int(run.driver.iteration),
        "wall_s": round(run.wall_before, 4), "threads": min(threads, _engine.thread_limit()),
        "mpi_ranks": size}
    if comm is not None:  # how the ranks combined their samples (docs/hpc.md)
        r["mpi_samples"] = "reduced" if run.spread else "gathered"
    if final:
        r.update({k: final[k] for k in ("energy", "energy_err", "variance", "acceptance", "rhat")})
    r["exact"] = exact_e
    if exact_e is not None and final:
        r["exact_method"] = exact_method
        r["relative_error"] = abs((final["energy"] - exact_e) / exact_e)
    if final:
        r.update({k: v for k, v in final.items() if k not in r and k != "zz"})
    if output:
        d = run.driver
        state = d.optimizer_state
        arrays: dict[str, Any] = {k: np.asarray(v) for k, v in run.history.items()}
        arrays.update(parameters=np.asarray(d.parameters), chains=configs,
                      adam_m=np.asarray(state[0]), adam_v=np.asarray(state[1]),
                      sr_x=np.asarray(state[2]))
        if final:
            arrays["zz"] = np.asarray(final["zz"])
        attrs = {**dataclasses.asdict(s), **{k: v for k, v in r.items() if v is not None},
                 "complete": not interrupted}
        schema.write_vmc(output, attrs, arrays, command_line())
    if interrupted:
        where = f"saved to {output} (continue with --resume)" if output else "nothing saved (no --output)"
        raise Interrupted(interrupted, output or "", f"interrupted by signal {interrupted} after "
                          f"{run.driver.iteration} iterations; {where}")
    if plot:
        plotting.vmc_convergence(run.history, exact_e, plot)
    emit(as_json, {**r, "zz": final["zz"] if final else None},
         _vmc_text(s, r, done, exact_e, exact_method, output))


def _vmc_text(s: Any, r: dict[str, Any], done: int, exact_e: float | None,
              exact_method: str | None, output: str | None) -> list[str]:
    lines = [f"{s.hamiltonian} on the {'open' if s.open_boundaries else 'periodic'} {s.lattice} "
             f"(N = {s.n_sites}): {exact.convention(s.hamiltonian)}",
             f"{s.ansatz} ({r['n_params']} parameters{', complex' if s.complex_parameters else ''}"
             f"{', Marshall sign' if s.marshall else ''}), {s.sampler} moves, {s.chains} chains, "
             f"{done} iterations this run ({r['iterations']} in all), {r['wall_s']:.2f} s",
             f"E = {r['energy']:.8g} ± {r['energy_err']:.2g}  (E/N = {r['energy'] / s.n_sites:.8g}), "
             f"variance {r['variance']:.3g}, acceptance {r['acceptance']:.3f}, R-hat {r['rhat']:.3f}"]
    if exact_e is not None:
        lines.append(f"exact E0 = {exact_e:.10g} ({exact_method}); relative error "
                     f"{r['relative_error']:.2e}")
    if output:
        lines.append(f"-> {output}")
    return lines
