"""``physml variational`` once arguments are valid: minimise, measure, save, report."""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from physml_cli import _engine
from physml_cli.io import schema
from physml_cli.report import console as report
from physml_cli.runtime import outputs, resume
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, hidden, optional, result
from physml_cli.workflows import renormalization, variational

if TYPE_CHECKING:
    from physml_cli.cli.variational import VariationalSettings


@result
class FreeEnergies(Result):
    """Per temperature the variational bound F (per site) and what q says, beside the exact
    reference where one is known (Kaufman's torus, enumeration)."""
    model: str
    lattice: str | None
    size: int | None  # None: the infinite lattice (trg, hotrg)
    n_sites: int | None
    method: str
    n_params: int | None
    results: list[variational.TemperatureResult] | list[renormalization.TemperatureResult]
    wall_s: float
    threads: int
    mean_field_tc: float | None = None
    # the tensor renormalization methods: chi, Potts q
    bond_dim: int | None = optional()
    q: int | None = optional()
    # every temperature's warnings, empty when healthy (docs/variational.md)
    warnings: list[str] = dataclasses.field(default_factory=list)
    output: str | None = hidden()

    def notices(self) -> list[str]:
        return [f"warning: {w}" for w in self.warnings]

    def text(self) -> list[Any]:
        if self.bond_dim is not None:
            return self.renormalization_text()
        where = f"the {self.lattice} lattice, L = {self.size}" if self.lattice else "all pairs"
        lines = [f"{self.model} on {where} (N = {self.n_sites}), {self.method}"
                 + (f", {self.n_params:,} parameters" if self.n_params else "")
                 + f", {self.wall_s:.2f} s"]
        for r in self.results:
            line = f"T = {r.T:.6g}: F/N = {r.F:.8g} ± {r.F_err:.2g}"
            if r.F_is is not None:
                line += f", importance-sampled {r.F_is:.8g} ± {r.F_is_err:.2g} (ESS {r.ess:.0f})"
            if r.F_exact is not None:
                line += f"; exact {r.F_exact:.8g} ({r.exact_method}), relative error {r.rel_err:.2e}"
            lines.append(line)
        if self.mean_field_tc is not None:
            lines.append(f"mean-field T_c = {self.mean_field_tc:g} (z J)")
        if self.output:
            lines.append(f"-> {self.output}")
        return lines


    def renormalization_text(self) -> list[Any]:
        where = (f"the periodic {self.size} x {self.size} torus" if self.size
                 else "the infinite square lattice")
        model = f"{self.q}-state Potts" if self.model == "potts" else self.model
        lines = [f"{model} on {where}, {self.method} chi = {self.bond_dim}, {self.wall_s:.2f} s"]
        lines += [r.line() for r in self.results]
        if self.results:
            r = self.results[0]
            lines.append(f"e and c: central differences in beta, step dbeta = "
                         f"{r.dbeta * r.T:.3g} beta")
        if self.output:
            lines.append(f"-> {self.output}")
        return lines


def renormalize(opts: VariationalSettings, s: renormalization.Settings) -> FreeEnergies:
    """--method trg|hotrg: one engine call per temperature (a signal ends the run between
    temperatures, nothing written)."""
    import time

    from physml_cli.errors import Interrupted
    from physml_cli.runtime.signals import SignalCatcher

    outputs.check_new(opts.output, opts.overwrite)
    threads = min(opts.threads, _engine.thread_limit())
    results, steps = [], []
    t0 = time.perf_counter()
    with SignalCatcher() as sig, report.progress_bar(opts.quiet or opts.as_json,
                                                     "temperatures") as bar:
        task = bar.add_task(s.method, total=len(s.temperatures))
        for T in s.temperatures:
            if sig.signum is not None:
                raise Interrupted(sig.signum, "", f"interrupted by signal {sig.signum} before "
                                  f"T = {T:g}; nothing saved")
            bar.update(task, description=f"{s.method} T = {T:.4g}")
            r, per_step = renormalization.run(s, threads, T)
            results.append(r)
            steps.append(per_step)
            bar.update(task, advance=1)
    wall = round(time.perf_counter() - t0, 4)
    if opts.output:
        attrs, arrays = renormalization.saved(s, results, steps, wall)
        schema.write_renormalization(opts.output, attrs, arrays, command_line())
    return FreeEnergies(
        model=s.model, lattice="square", size=s.size or None,
        n_sites=s.size * s.size if s.torus else None, method=s.method, n_params=None,
        results=results, wall_s=wall, threads=threads, bond_dim=s.bond_dim,
        q=s.q if s.model == "potts" else None, output=opts.output,
        warnings=[f"T = {r.T:g}: log Z / N still changed after {r.steps} steps (raise "
                  "--bond-dim or look at the steps in the file)" for r in results
                  if not r.converged])


def run(opts: VariationalSettings) -> FreeEnergies:
    from physml_cli.errors import Interrupted
    from physml_cli.report import plotting
    from physml_cli.runtime.signals import SignalCatcher

    s = opts.run_settings()
    if isinstance(s, renormalization.Settings):
        return renormalize(opts, s)
    output = opts.output
    if resume.plan(output, opts.resume, opts.overwrite, resume.INSIDE) == resume.CONTINUE:
        assert output
        run_ = variational.restore(schema.read_variational(output), s, opts.threads, output)
    else:
        run_ = variational.new_run(s, opts.threads)
    already_done = run_.done and opts.resume  # a finished file is reported, not rewritten
    outputs.check_plot(opts.plot, opts.overwrite)
    if not s.trained:  # closed forms: no sampling, nothing to resume
        run_.results = [variational.closed_form(s, run_.system, T) for T in s.temperatures]
        run_.current = len(s.temperatures)
        finished = True
    else:
        with SignalCatcher() as sig, report.progress_bar(opts.quiet or opts.as_json,
                                                         "steps") as bar:
            task = bar.add_task("VAN", total=s.steps * len(s.temperatures))

            def on_step(st: dict[str, Any]) -> None:
                bar.update(task, completed=run_.current * s.steps + int(run_.trainer.iteration),
                           description=f"T = {s.temperatures[run_.current]:.4g}  "
                                       f"F/N = {st['F']:.6f} ± {st['F_err']:.6f}")

            finished = variational.train(run_, lambda: sig.signum is not None, on_step)
        interrupted = sig.signum
    if output and not already_done:
        attrs, arrays = variational.saved_state(run_)
        schema.write_variational(output, attrs, arrays, command_line())
    if not finished:
        where = f"saved to {output} (continue with --resume)" if output else "nothing saved (no --output)"
        raise Interrupted(interrupted or 2, output or "", f"interrupted by signal {interrupted} at "
                          f"T = {s.temperatures[run_.current]:g}, step {run_.trainer.iteration}; {where}")
    if opts.plot:
        plotting.variational_free_energy(run_.results, run_.history, opts.plot)
    tc = run_.system.mean_field_tc if s.method == "mean-field" and s.model == "ising" else None
    return FreeEnergies(
        model=s.model, lattice=s.lattice if s.model == "ising" else None, size=s.size,
        n_sites=int(run_.system.n_sites), method=s.method,
        n_params=variational.n_params(s, int(run_.system.n_sites)) if s.trained else None,
        results=run_.results, wall_s=round(run_.wall_before, 4),
        threads=min(opts.threads, _engine.thread_limit()), mean_field_tc=tc,
        warnings=[w for r in run_.results for w in r.warnings], output=output)
