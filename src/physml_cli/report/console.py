"""What the user sees: rich progress and tables on stderr, JSON on stdout."""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table

import sys

# Pipes and batch logs get a fixed width wide enough for the summary table.
stderr = Console(stderr=True, width=None if sys.stderr.isatty() else 120)

STAGGERED_JSON = ("ms_abs", "ms_abs_err", "chi_s", "chi_s_err", "binder_s", "binder_s_err")
JSON_FIELDS = ("e", "e_err", "m_abs", "m_abs_err", "c", "c_err", "chi", "chi_err", "binder",
               "binder_err", "tau_e", "tau_m")


def progress_bar(quiet: bool, unit: str = "sweeps") -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn(unit), TimeElapsedColumn(), TextColumn("ETA"),
                    TimeRemainingColumn(), console=stderr, disable=quiet, transient=False)


def _num(x: Any) -> Any:
    x = float(x)
    return None if not math.isfinite(x) else x


def size_json(result: Any, output: str) -> dict[str, Any]:
    p = result.params
    rows = []
    for i, T in enumerate(result.temperatures):
        row = {"T": float(T)}
        row.update({k: _num(result.summary[k][i]) for k in JSON_FIELDS})
        row.update({k: _num(result.summary[k][i]) for k in STAGGERED_JSON if k in result.summary})
        rows.append(row)
    out: dict[str, Any] = {"model": p["model"], "lattice": p["lattice"], "size": p["L"],
                           "algorithm": p["algorithm"], "seed": p["seed"], "output": output,
                           "wall_s": round(result.wall_s, 3), "results": rows}
    if p["anneal"]:
        out["anneal"] = {"best_energy_per_site": _num(result.extras["best_energy_per_site"][0])}
    if "exchange_acceptance" in result.extras:
        out["exchange_acceptance"] = [_num(x) for x in result.extras["exchange_acceptance"]]
    if "proposal_acceptance" in result.extras:
        for row, a, t in zip(rows, result.extras["proposal_acceptance"],
                             result.extras["proposal_temperature"]):
            row["proposal_acceptance"], row["proposal_trained_at"] = _num(a), float(t)
    return out


def short_run_warnings(result: Any) -> list[str]:
    """One line per size naming the temperatures whose bins are not much longer than
    tau_int: the binned error bars there are likely too small."""
    s = result.summary
    every = result.params["measure_every"]
    flagged, worst, bin_sweeps = [], 0.0, 0
    for i, T in enumerate(result.temperatures):
        n, bins = int(s["n_samples"][i]), int(s["n_bins"][i])
        tau = max(s["tau_e"][i], s["tau_m"][i]) / every  # in samples; 1/2: independent
        if not bins or not math.isfinite(tau) or tau <= 1.0:
            continue
        if n // bins < 5 * tau:
            flagged.append(f"{T:.4g}")
            worst = max(worst, tau * every)
            bin_sweeps = n // bins * every
    if not flagged:
        return []
    return [f"warning: L={result.params['L']}: at T = {', '.join(flagged)} the error bins "
            f"({bin_sweeps} sweeps) are shorter than 5 tau_int (up to {worst:.3g} sweeps); "
            "error bars are likely underestimated: run more --sweeps"]


def say(line: str) -> None:
    """One line of plain text on stderr: no markup, never wrapped (logs stay greppable)."""
    stderr.print(line, highlight=False, markup=False, soft_wrap=True)


def print_json(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, default=_plain), flush=True)


def _plain(value: Any) -> Any:
    """numpy values (as files hold them) in JSON's own types."""
    if hasattr(value, "tolist"):  # ndarray and numpy scalars
        return value.tolist()
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    raise TypeError(f"{type(value).__name__} has no JSON form")


def _pm(v: float, e: float) -> str:
    if not math.isfinite(v):
        return "-"
    if not math.isfinite(e) or e <= 0:
        return f"{v:.6g}"
    digits = max(0, 1 - int(math.floor(math.log10(e))))
    return f"{v:.{digits}f}({int(round(e * 10 ** digits))})"


def summary_table(result: Any, output: str) -> Table:
    p = result.params
    title = (f"{p['model']} on {p['lattice']} L={p['L']}, {p['algorithm']}"
             f"{' + ' + p['hybrid'] if p.get('hybrid') else ''}"
             f"{' + PT' if p['parallel_tempering'] else ''}{' (anneal)' if p['anneal'] else ''}"
             f" -> {output}")
    t = Table(title=title, title_style="bold")
    accepted = result.extras.get("proposal_acceptance")
    for col in ("T", "e", "|m|", "C", "χ", "Binder U", "τ_e", "τ_|m|") + (
            ("accepted", "trained at") if accepted is not None else ()):
        t.add_column(col, justify="right")
    s = result.summary
    for i, T in enumerate(result.temperatures):
        row = [f"{T:.4g}", _pm(s["e"][i], s["e_err"][i]), _pm(s["m_abs"][i], s["m_abs_err"][i]),
               _pm(s["c"][i], s["c_err"][i]), _pm(s["chi"][i], s["chi_err"][i]),
               _pm(s["binder"][i], s["binder_err"][i]), f"{s['tau_e'][i]:.3g}",
               f"{s['tau_m'][i]:.3g}"]
        if accepted is not None:
            row += [f"{accepted[i]:.3f}", f"{result.extras['proposal_temperature'][i]:.4g}"]
        t.add_row(*row)
    return t


def stdout_console() -> Console:
    return Console(width=None if sys.stdout.isatty() else 120)


def info_table(desc: dict[str, Any]) -> list[Any]:
    a = desc["attrs"]
    head = Table(show_header=False, title=desc["file"], title_style="bold")
    head.add_column("key", style="bold")
    head.add_column("value")
    for k in sorted(a):
        head.add_row(k, str(a[k]))
    data = Table(title="datasets")
    data.add_column("path")
    data.add_column("shape", justify="right")
    data.add_column("dtype")
    for k, v in sorted(desc["datasets"].items()):
        data.add_row(k, "×".join(map(str, v["shape"])) or "scalar", v["dtype"])
    parts: list[Any] = [head, data]
    if "summary" in desc:
        s = {k: np.asarray(v) for k, v in desc["summary"].items()}
        t = Table(title="per-temperature summary")
        for col in ("T", "e", "|m|", "C", "χ", "Binder U"):
            t.add_column(col, justify="right")
        for i, T in enumerate(desc["temperatures"]):
            t.add_row(f"{T:.4g}", _pm(s["e"][i], s["e_err"][i]), _pm(s["m_abs"][i], s["m_abs_err"][i]),
                      _pm(s["c"][i], s["c_err"][i]), _pm(s["chi"][i], s["chi_err"][i]),
                      _pm(s["binder"][i], s["binder_err"][i]))
        parts.append(t)
    return parts
