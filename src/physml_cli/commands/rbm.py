"""``physml train rbm`` and ``physml sample`` once arguments are valid."""
from __future__ import annotations

from typing import TYPE_CHECKING

from physml_cli.workflows import rbm
from physml_cli.report import console as report
from physml_cli.io import schema
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import command_line, emit
from physml_cli.errors import PhysmlError

if TYPE_CHECKING:
    from physml_cli.cli.learn import SampleSettings, TrainRbmSettings


def run_train_rbm(s: TrainRbmSettings) -> None:
    output, opts = s.output, s.training_options()
    outputs.check_new(output, s.overwrite)
    X, pm, info = rbm.load_data(s.data, s.units)
    r = rbm.train(X, pm, opts, s.threads, s.ais_runs, s.ais_betas)
    attrs = dict(info, units="pm1" if pm else "01", visible=int(X.shape[1]),
                 pseudo_loglik=r["pseudo_loglik"], loglik=r["loglik"]["value"],
                 loglik_err=r["loglik"]["err"], loglik_method=r["loglik"]["method"],
                 log_partition=r["loglik"]["log_partition"], **opts)
    schema.write_model(output, "rbm", attrs, r["params"], command_line())
    out = {"epochs": opts["epochs"], "wall_s": round(r["wall_s"], 4),
           "pseudo_loglik": r["pseudo_loglik"], "loglik": r["loglik"]}
    ll = r["loglik"]
    emit(s.as_json, out, [f"RBM {X.shape[1]} x {opts['hidden']} ({'+-1' if pm else '0/1'} units), "
                        f"{opts['epochs']} epochs in {r['wall_s']:.3g} s: mean log-likelihood "
                        f"{ll['value']:.4f} ± {ll['err']:.2g} ({ll['method']}), pseudo "
                        f"{r['pseudo_loglik']:.4f} -> {output}"])


def run_sample(s: SampleSettings) -> None:
    model_path, n, steps, seed, output = s.model, s.samples, s.gibbs_steps, s.seed, s.output
    outputs.check_new(output, s.overwrite)
    model = schema.read_model(model_path)
    if model["attrs"].get("model_kind") != "rbm":
        raise PhysmlError(f"{model_path} is not an RBM")
    for k in ("W", "b_visible", "b_hidden"):
        if k not in model["arrays"]:
            raise PhysmlError(f"{model_path} is damaged: no {k}")
    try:
        spins = rbm.sample(model, n, steps, seed, s.threads)
    except ValueError as exc:
        raise PhysmlError(f"{model_path}: {exc}") from None
    result = rbm.samples_as_simulation(model, spins, steps, seed)
    schema.write_simulation(output, result, command_line())
    emit(s.as_json, report.size_json(result, output), [report.summary_table(result, output)])
