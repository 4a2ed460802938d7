"""``physml train hopfield`` and ``physml hopfield ...`` once arguments are valid."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from physml_cli import _engine
from physml_cli.workflows import hopfield
from physml_cli.io import schema
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import emit
from physml_cli.errors import PhysmlError


def run_train_hopfield(*, data: str, rule: str, count: int | None, seed: int, output: str,
                       overwrite: bool, as_json: bool, command_line: str) -> None:
    outputs.check_new(output, overwrite)
    r = hopfield.train(data, rule, count, seed)
    P, N = r["patterns"].shape
    schema.write_model(output, "hopfield",
                       {"rule": rule, "neurons": N, "n_patterns": P, "load": P / N,
                        "stable_patterns": r["stable"], "file": data, "seed": seed},
                       {"W": r["W"], "patterns": r["patterns"]}, command_line)
    summary = {"rule": rule, "neurons": N, "patterns": P, "load": P / N,
               "stable_patterns": r["stable"], "wall_s": round(r["wall_s"], 4)}
    emit(as_json, summary, [f"{rule}: {P} patterns in {N} neurons (load {P / N:.3g}), "
                            f"{r['stable']} of them fixed points -> {output}"])


def run_capacity(*, neurons: int, loads: list[float], trials: int, probes: int, corrupt: float,
                 rule: str, seed: int, threads: int, as_json: bool, plot: str | None,
                 overwrite: bool) -> None:
    outputs.check_plot(plot, overwrite)
    r = _engine.hopfield_capacity(neurons, loads, trials, probes, corrupt, rule, seed, threads)

    def num(x: float) -> float | None:
        return x if math.isfinite(x) else None
    out = {"alpha_c": num(r["alpha_c"]), "alpha_c_err": num(r["alpha_c_err"]),
           "alpha_half": num(r["alpha_half"]), "loads": r["loads"], "overlap": r["overlap"],
           "overlap_err": r["overlap_err"], "retrieved": r["retrieved"], "neurons": neurons,
           "rule": rule, "trials": trials, "probes": probes, "corrupt": corrupt}
    if plot:
        from physml_cli.report.plotting import capacity_curve
        capacity_curve(out, plot)
    emit(as_json, out, ["the recall overlap never drops below 0.967 on these loads: scan larger "
                        "loads" if out["alpha_c"] is None else
                        f"alpha_c = {out['alpha_c']:.4f} ± {out['alpha_c_err']:.4f} ({rule}, "
                        f"N = {neurons}; known N -> infinity value 0.138)"])


def run_recall(*, network: str, input_path: str | None, corrupt: float, dynamics: str,
               temperature: float, beta: float, max_sweeps: int, seed: int,
               output: str | None, overwrite: bool, as_json: bool, command_line: str) -> None:
    if output:
        outputs.check_new(output, overwrite)
    model = schema.read_model(network)
    if model["attrs"].get("model_kind") != "hopfield":
        raise PhysmlError(f"{network} is not a Hopfield network")
    try:
        W, patterns = model["arrays"]["W"], model["arrays"]["patterns"].astype(np.int8)
    except KeyError:
        raise PhysmlError(f"{network} is damaged: no couplings or patterns") from None
    if W.shape != (patterns.shape[1], patterns.shape[1]) or not np.isfinite(W).all():
        raise PhysmlError(f"{network} is damaged: couplings do not fit the patterns")
    if input_path:
        clean = hopfield.load_patterns(input_path, None, seed)
        if clean.shape[1] != W.shape[0]:
            raise PhysmlError(f"{input_path} has {clean.shape[1]} neurons per state, the network "
                              f"{W.shape[0]}")
    else:
        clean = patterns
    start = hopfield.corrupt(clean, corrupt, seed)
    r = hopfield.recall(W, patterns, start, dynamics, temperature, beta, max_sweeps, seed)
    if output:
        schema.write_recall(output, {"network": network, "dynamics": dynamics,
                                     "temperature": temperature, "beta": beta,
                                     "corrupt": corrupt, "seed": seed},
                            {"input": start, "final": r["final"], "pattern": r["pattern"],
                             "overlap": r["overlap"]}, command_line)
    summary: dict[str, Any] = {
        "n": int(len(start)), "dynamics": dynamics, "corrupt": corrupt,
        "mean_overlap": float(r["overlap"].mean()),
        "recovered_fraction": float((r["overlap"] == 1.0).mean()),
        "overlaps": r["overlap"].tolist(), "patterns": r["pattern"].tolist()}
    emit(as_json, summary, [f"{summary['n']} states, {corrupt:.0%} flipped: mean final overlap "
                            f"{summary['mean_overlap']:.4f}, exactly restored "
                            f"{summary['recovered_fraction']:.1%}"])
