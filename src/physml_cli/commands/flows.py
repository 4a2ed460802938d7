"""``physml train flow`` and flow sampling once arguments are valid."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from physml_cli import _engine
from physml_cli.io import learning_data, schema
from physml_cli.report import console as report
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, hidden, optional, result
from physml_cli.workflows import flows

if TYPE_CHECKING:
    from physml_cli.cli.learn import TrainFlowSettings


@result
class FlowFit(Result):
    epochs: int
    wall_s: float
    nll: float                        # mean -ln q of the training rows, nats
    nll_test: float | None = optional()
    entropy_test: float | None = optional()   # -mean ln p of the held-out rows (known p)
    kl_test: float | None = optional()        # mean (ln p - ln q) over them: KL(p|q)
    kl_test_err: float | None = optional()
    n_train: int = 0
    n_params: int = 0
    output: str = ""
    dim: int = hidden(0)

    def text(self) -> list[Any]:
        test = "" if self.nll_test is None else f", held out {self.nll_test:.4f}"
        truth = ("" if self.kl_test is None else
                 f" (true entropy {self.entropy_test:.4f}: KL {self.kl_test:.4f} ± "
                 f"{self.kl_test_err:.1g})")
        return [f"flow on {self.dim} dimensions, {self.epochs} epochs in {self.wall_s:.3g} s: "
                f"NLL {self.nll:.4f} nats per sample{test}{truth} -> {self.output}"]


def run_train_flow(s: TrainFlowSettings) -> FlowFit:
    outputs.check_new(s.output, s.overwrite)
    X, info, log_p = flows.load_data(s.data)
    train_rows, test_rows = learning_data.split(len(X), s.test_fraction, s.seed)
    X_test = X[test_rows] if len(test_rows) else None
    settings = flows.Settings(layers=s.layers, hidden=s.hidden, coupling=s.coupling,
                              activation=s.activation, epochs=s.epochs,
                              batch_size=s.batch_size, lr=s.lr)
    with report.progress_bar(s.quiet or s.as_json, "epochs") as bar:
        task = bar.add_task("flow", total=s.epochs)

        def on_epoch(done: int, r: dict[str, float]) -> None:
            test = "" if math.isnan(r["nll_test"]) else f"  test {r['nll_test']:.4f}"
            bar.update(task, completed=done, description=f"NLL {r['train_loss']:.4f}{test}")

        fit = flows.train(X[train_rows], X_test, settings, s.seed, s.threads, on_epoch)
    truth: dict[str, float] = {}
    if log_p is not None and X_test is not None:
        gap = log_p[test_rows] - _engine.flow_log_prob(fit.flow, X_test, s.threads)
        truth = {"entropy_test": float(-log_p[test_rows].mean()),
                 "kl_test": float(gap.mean()),
                 "kl_test_err": float(gap.std(ddof=1) / math.sqrt(len(gap))) if len(gap) > 1 else math.nan}
    shape, arrays = flows.pack(fit.flow)
    attrs = dict(info, **shape, epochs=s.epochs, batch_size=s.batch_size, lr=s.lr,
                 test_fraction=s.test_fraction, seed=s.seed, nll=fit.nll, n_train=len(train_rows),
                 wall_s=fit.wall_s, **({"nll_test": fit.nll_test} if fit.nll_test is not None else {}),
                 **truth)
    history = {f"history_{k}": np.asarray(v) for k, v in fit.history.items()}
    schema.write_model(s.output, "flow", attrs, {**arrays, **history}, command_line())
    return FlowFit(epochs=s.epochs, wall_s=round(fit.wall_s, 4), nll=fit.nll,
                   nll_test=fit.nll_test, n_train=len(train_rows),
                   n_params=int(sum(np.size(p) for p in fit.flow["params"])), output=s.output,
                   dim=int(X.shape[1]), **truth)
