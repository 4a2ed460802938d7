"""``physml train rbm`` and RBM sampling once arguments are valid."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from physml_cli.workflows import generated, rbm
from physml_cli.io import schema
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, hidden, result
from physml_cli.errors import PhysmlError

if TYPE_CHECKING:
    from physml_cli.cli.learn import SampleSettings, TrainRbmSettings


@result
class RbmFit(Result):
    epochs: int
    wall_s: float
    pseudo_loglik: float
    loglik: rbm.LogLikelihood
    visible: int = hidden(0)
    hidden_units: int = hidden(0)
    pm: bool = hidden(True)
    output: str = hidden("")

    def text(self) -> list[Any]:
        ll = self.loglik
        return [f"RBM {self.visible} x {self.hidden_units} ({'+-1' if self.pm else '0/1'} units), "
                f"{self.epochs} epochs in {self.wall_s:.3g} s: mean log-likelihood "
                f"{ll.value:.4f} ± {ll.err:.2g} ({ll.method}), pseudo "
                f"{self.pseudo_loglik:.4f} -> {self.output}"]


def run_train_rbm(s: TrainRbmSettings) -> RbmFit:
    output, opts = s.output, s.training_options()
    outputs.check_new(output, s.overwrite)
    X, pm, info = rbm.load_data(s.data, s.units)
    r = rbm.train(X, pm, opts, s.threads, s.ais_runs, s.ais_betas)
    attrs = dict(info, units="pm1" if pm else "01", visible=int(X.shape[1]),
                 pseudo_loglik=r.pseudo_loglik, loglik=r.loglik.value,
                 loglik_err=r.loglik.err, loglik_method=r.loglik.method,
                 log_partition=r.loglik.log_partition, **opts)
    schema.write_model(output, "rbm", attrs, r.params, command_line())
    return RbmFit(epochs=opts["epochs"], wall_s=round(r.wall_s, 4),
                  pseudo_loglik=r.pseudo_loglik, loglik=r.loglik, visible=int(X.shape[1]),
                  hidden_units=opts["hidden"], pm=pm, output=output)


def sample_rbm(s: SampleSettings, model: dict[str, Any]) -> schema.SizeResult:
    """Gibbs chains of a checked RBM file, as a simulation of its training model."""
    for k in ("W", "b_visible", "b_hidden"):
        if k not in model["arrays"]:
            raise PhysmlError(f"{s.model} is damaged: no {k}")
    try:
        spins = rbm.sample(model, s.samples, s.gibbs_steps, s.seed, s.threads)
    except ValueError as exc:
        raise PhysmlError(f"{s.model}: {exc}") from None
    return generated.as_simulation(model["attrs"], spins, s.seed, "rbm",
                                   {"gibbs_steps": s.gibbs_steps})
