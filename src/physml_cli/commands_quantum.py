"""``physml exact`` once arguments are valid: diagonalise, save, report."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import exact, report, schema


def run_exact(*, output: str | None, overwrite: bool, as_json: bool, command_line: str,
              **opts: Any) -> None:
    if output:
        schema.check_new_output(output, overwrite)
    r = exact.run(**opts)
    if output:
        arrays = {"levels": np.asarray(r["levels"]), "zz": np.asarray(r["zz"])}
        attrs = {k: v for k, v in r.items() if k not in ("levels", "zz")}
        schema.write_exact(output, attrs, arrays, command_line)
    if as_json:
        report.print_json(r)
        return
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
    for line in lines:
        report.stderr.print(line, highlight=False, markup=False)
