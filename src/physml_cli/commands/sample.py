"""``physml sample``: configurations from a trained generative model, by its kind."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from physml_cli import _engine
from physml_cli.commands import born_machine, rbm
from physml_cli.errors import PhysmlError
from physml_cli.io import schema
from physml_cli.report import console as report
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, hidden, plain, result
from physml_cli.workflows import flows

if TYPE_CHECKING:
    from physml_cli.cli.learn import SampleSettings


@result
class Samples(Result):
    """Samples of a model trained on a simulation, written as a simulation of that model (its
    observables in the document), or of a model trained on a dataset, written as a dataset."""
    output: str
    simulation: schema.SizeResult | None = hidden()
    samples: int = 0
    distinct: int = 0
    nll: float = 0.0      # mean -ln p of the samples: an estimate of the model's entropy
    nll_err: float = 0.0
    # samples of a flow trained on a known density p: mean (ln q - ln p) over them, KL(q|p),
    # and the share of them where p = 0
    kl_reverse: float | None = hidden()
    kl_reverse_err: float | None = hidden()
    outside_support: float | None = hidden()

    def document(self) -> dict[str, Any]:
        if self.simulation is not None:
            return plain(report.size_json(self.simulation, self.output))
        doc = {"samples": self.samples, "distinct": self.distinct, "nll": self.nll,
               "nll_err": self.nll_err, "output": self.output}
        if self.outside_support is not None:
            doc.update(kl_reverse=self.kl_reverse, kl_reverse_err=self.kl_reverse_err,
                       outside_support=self.outside_support)
        return plain(doc)

    def text(self) -> list[Any]:
        if self.simulation is not None:
            return [report.summary_table(self.simulation, self.output)]
        truth = ""
        if self.outside_support is not None:
            truth = (f"; KL(q|p) {self.kl_reverse:.4f} ± {self.kl_reverse_err:.1g}"
                     if self.kl_reverse is not None else
                     f"; {100 * self.outside_support:.2g} % outside the density's support")
        return [f"{self.samples:,} samples ({self.distinct:,} distinct), mean -ln q "
                f"{self.nll:.6f} ± {self.nll_err:.2g} (the model's entropy){truth} -> "
                f"{self.output}"]


def run_sample(s: SampleSettings) -> Samples:
    outputs.check_new(s.output, s.overwrite)
    model = schema.read_model(s.model)
    kind = model["attrs"].get("model_kind")
    if kind == "rbm":
        sim = rbm.sample_rbm(s, model)
    elif kind == "mps":
        a = model["attrs"]
        bits = born_machine.draw(s, model)
        if a.get("lattice") is None:
            return _patterns(s, model, bits)
        sim = born_machine.as_simulation(s, model, bits)
    elif kind == "flow":
        return _flow_samples(s, model)
    else:
        raise PhysmlError(f"{s.model} holds a {kind} model; physml sample draws from an RBM, "
                          "an MPS Born machine or a flow")
    schema.write_simulation(s.output, sim, command_line())
    return Samples(output=s.output, simulation=sim)


def _patterns(s: SampleSettings, model: dict[str, Any], bits: np.ndarray) -> Samples:
    a = model["attrs"]
    lp = born_machine.log_probabilities(s, model, bits)
    shape = [int(k) for k in a.get("image_shape") or [int(a["n_sites"])]]
    distinct = len(np.unique(bits, axis=0))
    schema.write_dataset(s.output, {"dataset": f"samples of {s.model}", "image_shape": shape,
                                    "patterns": distinct},
                         {"X": np.asarray(bits, dtype=np.uint8)}, command_line())
    return Samples(output=s.output, samples=len(bits), distinct=distinct,
                   nll=float(-lp.mean()), nll_err=float(lp.std(ddof=1) / np.sqrt(len(lp))))


def _flow_samples(s: SampleSettings, model: dict[str, Any]) -> Samples:
    X, log_q = flows.sample(model, s.samples, s.seed, s.threads)
    arrays = {"X": X, "log_q": log_q}
    dist = model["attrs"].get("distribution")
    truth: dict[str, Any] = {}
    if dist is not None:
        try:
            log_p = np.asarray(_engine.toy_log_density(dist, X))
        except ValueError as exc:
            raise PhysmlError(f"{s.model}: {exc}") from None
        arrays["log_density"] = log_p
        inside = np.isfinite(log_p)
        gap = log_q - log_p
        truth["outside_support"] = float(1 - inside.mean())
        if inside.all():
            truth.update(kl_reverse=float(gap.mean()),
                         kl_reverse_err=float(gap.std(ddof=1) / np.sqrt(len(gap))))
    schema.write_dataset(s.output, {"dataset": f"samples of {s.model}", "source_model": s.model,
                                    **({"distribution": dist} if dist else {})},
                         arrays, command_line())
    return Samples(output=s.output, samples=len(X), distinct=len(np.unique(X, axis=0)),
                   nll=float(-log_q.mean()),
                   nll_err=float(log_q.std(ddof=1) / np.sqrt(len(log_q))), **truth)
