"""``physml train hopfield`` and ``physml hopfield ...`` once arguments are valid."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from physml_cli import _engine
from physml_cli.workflows import hopfield
from physml_cli.io import schema
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, hidden, result
from physml_cli.errors import PhysmlError

if TYPE_CHECKING:
    from physml_cli.cli.hopfield import CapacitySettings, RecallSettings
    from physml_cli.cli.learn import TrainHopfieldSettings


@result
class Stored(Result):
    rule: str
    neurons: int
    patterns: int
    load: float
    stable_patterns: int
    wall_s: float
    output: str = hidden("")

    def text(self) -> list[Any]:
        return [f"{self.rule}: {self.patterns} patterns in {self.neurons} neurons (load "
                f"{self.load:.3g}), {self.stable_patterns} of them fixed points -> {self.output}"]


@result
class Capacity(Result):
    """The recall overlap per load; alpha_c is None when the overlap never drops."""
    alpha_c: float | None
    alpha_c_err: float | None
    alpha_half: float | None
    loads: list[float]
    overlap: list[float]
    overlap_err: list[float]
    retrieved: list[float]
    neurons: int
    rule: str
    trials: int
    probes: int
    corrupt: float

    def text(self) -> list[Any]:
        if self.alpha_c is None:
            return ["the recall overlap never drops below 0.967 on these loads: scan larger loads"]
        return [f"alpha_c = {self.alpha_c:.4f} ± {self.alpha_c_err:.4f} ({self.rule}, "
                f"N = {self.neurons}; known N -> infinity value 0.138)"]


@result
class Recalled(Result):
    n: int
    dynamics: str
    corrupt: float
    mean_overlap: float
    recovered_fraction: float
    overlaps: list[float]
    patterns: list[int]

    def text(self) -> list[Any]:
        return [f"{self.n} states, {self.corrupt:.0%} flipped: mean final overlap "
                f"{self.mean_overlap:.4f}, exactly restored {self.recovered_fraction:.1%}"]


def run_train_hopfield(s: TrainHopfieldSettings) -> Stored:
    data, rule, seed, output = s.data, s.rule, s.seed, s.output
    outputs.check_new(output, s.overwrite)
    r = hopfield.train(data, rule, s.count, seed)
    P, N = r.patterns.shape
    schema.write_model(output, "hopfield",
                       {"rule": rule, "neurons": N, "n_patterns": P, "load": P / N,
                        "stable_patterns": r.stable, "file": data, "seed": seed},
                       {"W": r.W, "patterns": r.patterns}, command_line())
    return Stored(rule=rule, neurons=N, patterns=P, load=P / N, stable_patterns=r.stable,
                  wall_s=round(r.wall_s, 4), output=output)


def run_capacity(s: CapacitySettings) -> Capacity:
    neurons, trials, probes, corrupt, rule, plot = s.neurons, s.trials, s.probes, s.corrupt, \
        s.rule, s.plot
    outputs.check_plot(plot, s.overwrite)
    r = _engine.hopfield_capacity(neurons, list(s.loads), trials, probes, corrupt, rule, s.seed,
                                  s.threads)

    def num(x: float) -> float | None:
        return x if math.isfinite(x) else None
    out = Capacity(alpha_c=num(r["alpha_c"]), alpha_c_err=num(r["alpha_c_err"]),
                   alpha_half=num(r["alpha_half"]), loads=r["loads"], overlap=r["overlap"],
                   overlap_err=r["overlap_err"], retrieved=r["retrieved"], neurons=neurons,
                   rule=rule, trials=trials, probes=probes, corrupt=corrupt)
    if plot:
        from physml_cli.report.plotting import capacity_curve
        capacity_curve(out, plot)
    return out


def run_recall(s: RecallSettings) -> Recalled:
    network, input_path, corrupt, dynamics, seed, output = s.network, s.input_path, s.corrupt, \
        s.dynamics, s.seed, s.output
    outputs.check_new(output, s.overwrite)
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
    r = hopfield.recall(W, patterns, start, dynamics, s.temperature, s.beta, s.max_sweeps, seed)
    if output:
        schema.write_recall(output, {"network": network, "dynamics": dynamics,
                                     "temperature": s.temperature, "beta": s.beta,
                                     "corrupt": corrupt, "seed": seed},
                            {"input": start, "final": r.final, "pattern": r.pattern,
                             "overlap": r.overlap}, command_line())
    return Recalled(n=int(len(start)), dynamics=dynamics, corrupt=corrupt,
                    mean_overlap=float(r.overlap.mean()),
                    recovered_fraction=float((r.overlap == 1.0).mean()),
                    overlaps=r.overlap.tolist(), patterns=r.pattern.tolist())
