"""``physml detect-transition`` once arguments are valid: run the methods, report, plot."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.table import Table

from physml_cli.analysis import transition
from physml_cli.io import transition_data
from physml_cli.analysis.critical_temperatures import exact_tc
from physml_cli.runtime import outputs
from physml_cli.runtime.result import Result, result
from physml_cli.errors import PhysmlError

if TYPE_CHECKING:
    from physml_cli.cli.transition import DetectSettings


@result
class Transition(Result):
    """T_c by each method that ran (its estimate, error, per-size values and method-specific
    keys), against the exact value where one is known."""
    model: str | None
    lattice: str | None
    sizes: list[int]
    exact_tc: float | None
    methods: dict[str, dict[str, Any]]
    warnings: list[str]
    wall_s: float

    def notices(self) -> list[str]:
        return [f"warning: {w}" for w in self.warnings]

    def text(self) -> list[Any]:
        exact = self.exact_tc
        table = Table(title=f"{self.model} on the {self.lattice} lattice, L = "
                            f"{', '.join(map(str, self.sizes))}")
        for col in ("method", "T_c", "error", "per size") + (("vs exact",) if exact else ()):
            table.add_column(col)
        for m, r in self.methods.items():
            sizes = ", ".join(f"{k}: {v['t']:.4f}" for k, v in r["per_size"].items()
                              if v["t"] is not None)
            row = [m, f"{r['tc']:.5f}", "-" if r["tc_err"] is None else f"{r['tc_err']:.5f}", sizes]
            if exact:
                row.append(f"{100 * r['relative_deviation']:+.2f}%")
            table.add_row(*row)
        return [table] + ([f"exact T_c = {exact:.6f} (Onsager)"] if exact else [])


def run_detect(s: DetectSettings) -> Transition:
    methods, plot = s.chosen_methods(), s.plot
    outputs.check_plot(plot, s.overwrite)
    data = transition_data.load(list(s.files))
    ctx = transition.Context(data=data, bootstrap=s.bootstrap, seed=s.seed, nu=s.nu_value(),
                             window=s.window, epochs=s.epochs, threads=s.threads)
    explicit = len(methods) < len(transition.METHODS)
    results: dict[str, Any] = {}
    t0 = time.perf_counter()
    for m in methods:
        try:
            results[m] = transition.RUNNERS[m](ctx)
        except transition.Skipped as exc:
            if explicit:
                raise PhysmlError(str(exc)) from None
            ctx.warnings.append(f"{m} skipped: {exc}")
    if not results:
        raise PhysmlError("no method could run: " + "; ".join(ctx.warnings))
    first = data[0].attrs
    exact = exact_tc(first)
    estimates = {m: {k: v for k, v in r.items() if k != "curves"} for m, r in results.items()}
    if exact is not None:
        for r in estimates.values():
            r["relative_deviation"] = (r["tc"] - exact) / exact
    if plot:
        from physml_cli.report import plotting
        nu_used = ctx.nu if ctx.nu is not None else results.get("peaks", {}).get("nu", 1.0)
        plotting.transition_panels(results, exact, nu_used, plot)
    return Transition(model=first.get("model"), lattice=first.get("lattice"),
                      sizes=[d.L for d in data], exact_tc=exact, methods=estimates,
                      warnings=ctx.warnings, wall_s=round(time.perf_counter() - t0, 3))
