"""``physml exact`` once arguments are valid: diagonalise, save, report."""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from physml_cli import _engine
from physml_cli.workflows import exact, vmc, vmc_health
from physml_cli.report import console as report
from physml_cli.errors import PhysmlError
from physml_cli.io import schema
from physml_cli.runtime import outputs, resume
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, hidden, optional, plain, result

if TYPE_CHECKING:
    from physml_cli.cli.quantum import ExactSettings, VmcSettings


def run_exact(s: ExactSettings) -> Result:
    if s.method == "dmrg":
        from physml_cli.commands.dmrg import run_dmrg

        return run_dmrg(s)
    if s.resume or s.excited_sz is not None:
        raise PhysmlError("--resume and --excited-sz belong to --method dmrg")
    outputs.check_new(s.output, s.overwrite)
    outputs.check_plot(s.plot, s.overwrite)
    if s.plot:
        exact.check_momentum_plot(s.lattice, s.size, s.symmetries)
    r = exact.run(hamiltonian=s.hamiltonian, lattice=s.lattice, size=s.size, J=s.J, h=s.h,
                  delta=s.delta, J2=s.J2, open_boundaries=s.open_boundaries, sz=s.sz,
                  levels=s.levels, tol=1e-12 if s.tol is None else s.tol,
                  max_iter=1000 if s.max_iter is None else s.max_iter, seed=s.seed,
                  threads=s.threads, output=s.output, symmetries=s.symmetries,
                  momentum=s.momentum, irrep=s.irrep, spin_flip=s.spin_flip)
    if s.plot:
        from physml_cli.report import plotting

        plotting.levels_vs_momentum(r, s.plot)
    if s.output:
        doc = r.document()
        arrays = {"levels": np.asarray(doc.pop("levels")), "zz": np.asarray(doc.pop("zz"))}
        if doc.get("structure_factor") is not None:
            arrays["structure_factor"] = np.asarray(doc.pop("structure_factor"))
        schema.write_exact(s.output, doc, arrays, command_line())
    return r


@result
class VmcResult(Result):
    """A finished (or, in the file only, interrupted) run; the estimates come from the final
    measurement, the reference from free fermions or Lanczos where that is cheap."""
    hamiltonian: str
    lattice: str
    size: int
    n_sites: int
    convention: str
    operators: str
    ansatz: str
    n_params: int
    sampler: str
    marshall: bool
    iterations: int
    wall_s: float
    threads: int
    mpi_ranks: int
    mpi_samples: str | None = optional()  # how the ranks combined their samples (docs/hpc.md)
    exact: float | None = None
    exact_method: str | None = optional()
    relative_error: float | None = optional()
    # what is wrong with the result, empty when healthy (docs/quantum.md, "Health checks");
    # divergences the optimiser recovered from are logged apart: they leave a healthy run
    warnings: list[str] = dataclasses.field(default_factory=list)
    recovered: list[str] = dataclasses.field(default_factory=list)
    measurement: vmc.Measurement | None = hidden()
    settings: vmc.Settings | None = hidden()
    iterations_this_run: int = hidden(0)
    output: str | None = hidden()
    strict: bool = hidden(False)

    def notices(self) -> list[str]:
        return [f"note: {e}" for e in self.recovered] + [f"warning: {w}" for w in self.warnings]

    def failure(self) -> Exception | None:
        if not (self.strict and self.warnings):
            return None
        from physml_cli.errors import Unhealthy

        n = len(self.warnings)
        written = f"; {self.output} written" if self.output else ""
        return Unhealthy(f"--strict: the run has {n} warning{'s' if n > 1 else ''} (shown "
                         f"above{written})")

    def document(self) -> dict[str, Any]:
        doc = super().document()
        if self.measurement is not None:
            doc.update({k: plain(v) for k, v in dataclasses.asdict(self.measurement).items()
                        if v is not None})
        return doc

    def text(self) -> list[Any]:
        s, m = self.settings, self.measurement
        assert s is not None and m is not None
        lines = [f"{s.hamiltonian} on the {'open' if s.open_boundaries else 'periodic'} "
                 f"{s.lattice} (N = {s.n_sites}): {self.convention}",
                 f"{s.ansatz} ({self.n_params} parameters{', complex' if s.complex_parameters else ''}"
                 f"{', Marshall sign' if s.marshall else ''}), {s.sampler} moves, {s.chains} chains, "
                 f"{self.iterations_this_run} iterations this run ({self.iterations} in all), "
                 f"{self.wall_s:.2f} s",
                 f"E = {m.energy:.8g} ± {m.energy_err:.2g}  (E/N = {m.energy / s.n_sites:.8g}), "
                 f"variance {m.variance:.3g}, acceptance {m.acceptance:.3f}, R-hat {m.rhat:.3f}"]
        if m.averaged_over:
            lines.append(f"measured with the parameters averaged over the last "
                         f"{m.averaged_over} iterations")
        if self.exact is not None:
            lines.append(f"exact E0 = {self.exact:.10g} ({self.exact_method}); relative error "
                         f"{self.relative_error:.2e}")
        if self.output:
            lines.append(f"-> {self.output}")
        return lines


def run_vmc(opts: VmcSettings) -> VmcResult | None:
    from physml_cli.report import plotting
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
    schedule = vmc.default_schedule(s, opts.schedule(), opts.diag_shift is not None)
    if resume.plan(output, opts.resume, opts.overwrite, resume.INSIDE) == resume.CONTINUE:
        assert output
        saved = schema.read_vmc(output)
        had = saved["attrs"].get("average")
        if had is not None and int(had) != opts.average:
            from physml_cli.errors import PhysmlError

            raise PhysmlError(f"--resume: {output} was made with --average {had}, not "
                              f"{opts.average} (use the same settings, or a new --output)")
        run = vmc.restore(saved, s, threads, output, comm, schedule)
    else:
        run = vmc.new_run(s, threads, comm, schedule=schedule)
    start = int(run.driver.iteration)
    vmc.average_over(run, opts.average)
    vmc.check_measurement(run, opts.measure_samples)
    outputs.check_plot(plot, opts.overwrite)
    exact_e, exact_method = vmc.exact_energy(s, threads) if root else (None, None)

    with SignalCatcher() as sig, report.progress_bar(opts.quiet or as_json or not root,
                                                     "iterations") as bar:
        task = bar.add_task("VMC", total=iterations)

        def on_step(st: dict[str, Any]) -> None:  # a recovery may take the count back
            bar.update(task, completed=st["iteration"] - start, description=(
                f"E = {st['energy']:.6f} ± {st['energy_err']:.6f}  σ² = {st['variance']:.3g}  "
                f"acc = {st['acceptance']:.2f}"))

        done = vmc.iterate(run, iterations, lambda: sig.signum is not None, on_step)
    interrupted = sig.signum
    if comm is not None:  # a signal may have reached some ranks only
        interrupted = max((x or 0) for x in comm.allgather(interrupted)) or None
    final = None if interrupted else vmc.measure(run, opts.measure_samples)
    state = vmc.saved_state(run)  # collective under MPI
    if not root:
        if interrupted:
            raise Interrupted(interrupted, output or "", "interrupted")
        return
    relative = (abs((final.energy - exact_e) / exact_e)
                if exact_e is not None and final is not None else None)
    # a run that gave up recovering ends on that event; the others healed
    recovered = run.events[:-1] if run.stopped else list(run.events)
    warnings = run.events[-1:] if run.stopped else []
    warnings += vmc_health.history_warnings(run.history)
    if final is not None:
        warnings += vmc_health.final_warnings(run.history, final, exact_e)
    r = VmcResult(
        hamiltonian=s.hamiltonian, lattice=s.lattice, size=s.size, n_sites=s.n_sites,
        convention=exact.convention(s.hamiltonian), operators=exact.OPERATORS,
        ansatz=s.ansatz, n_params=int(run.driver.n_params), sampler=s.sampler,
        marshall=s.marshall, iterations=int(run.driver.iteration),
        wall_s=round(run.wall_before, 4), threads=min(threads, _engine.thread_limit()),
        mpi_ranks=size,
        mpi_samples=None if comm is None else ("reduced" if run.spread else "gathered"),
        exact=exact_e, exact_method=exact_method if relative is not None else None,
        relative_error=relative, warnings=warnings, recovered=recovered, measurement=final,
        settings=s,
        iterations_this_run=done, output=output, strict=opts.strict)
    if output:
        arrays: dict[str, Any] = {k: np.asarray(v) for k, v in run.history.items()}
        arrays.update(state)
        doc = r.document()
        if final:
            arrays["zz"] = np.asarray(doc.pop("zz"))
        lr_now, shift_now = run.steps()
        attrs = {**dataclasses.asdict(s), **schedule.attrs(),
                 **{k: v for k, v in doc.items() if v is not None},
                 "complete": not interrupted, "recoveries": run.recoveries,
                 "average": run.average,
                 "divergences": run.events, "current_lr": lr_now,
                 "current_diag_shift": shift_now}
        schema.write_vmc(output, attrs, arrays, command_line())
    if interrupted:
        where = f"saved to {output} (continue with --resume)" if output else "nothing saved (no --output)"
        raise Interrupted(interrupted, output or "", f"interrupted by signal {interrupted} after "
                          f"{run.driver.iteration} iterations; {where}")
    if plot:
        plotting.vmc_convergence(run.history, exact_e, plot)
    return r
