"""``physml train ...`` once arguments are valid: load, fit, save, report."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from physml_cli import _engine
from physml_cli.io import learning_data
from physml_cli.io import schema
from physml_cli.workflows import train_linear
from physml_cli.workflows import train_mlp
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, hidden, plain, result
from physml_cli.errors import PhysmlError

if TYPE_CHECKING:
    from physml_cli.cli.learn import PredictSettings, TrainLinearSettings, TrainMlpSettings


@result
class LinearFit(Result):
    fit: train_linear.LinearResult
    samples: int
    features: int
    output: str

    def document(self) -> dict[str, Any]:
        r = self.fit
        out = {"model": r.model, "alpha": r.alpha,
               "coef": r.coef[0] if r.coef.shape[0] == 1 else r.coef,
               "intercept": float(r.intercept[0]) if r.intercept.size == 1 else r.intercept,
               "train_score": r.train_score, "test_score": r.test_score,
               "wall_s": round(r.wall_s, 4)}
        if r.cv_scores:
            out["cv"] = {"alphas": r.cv_alphas, "scores": r.cv_scores}
        return plain(out)

    def text(self) -> list[Any]:
        r = self.fit
        test = "None" if r.test_score is None else f"{r.test_score:.6g}"
        return [f"{r.model} (alpha = {r.alpha:g}) on {self.samples} samples × {self.features} "
                f"features: train score {r.train_score:.6g}, test score {test} -> {self.output}"]

    def notices(self) -> list[str]:
        return [] if self.fit.converged else [
            f"warning: {self.fit.model} did not converge in --max-iter iterations"]


def run_train_linear(s: TrainLinearSettings) -> LinearFit:
    outputs.check_new(s.output, s.overwrite)
    ds = learning_data.load(s.data, s.target, s.features, tc=s.tc, threads=s.threads)
    r = train_linear.fit(ds, model=s.model, alphas=list(s.alpha), l1_ratio=s.l1_ratio, cv=s.cv,
                         fit_intercept=not s.no_intercept, standardize=s.standardize,
                         test_fraction=s.test_fraction, seed=s.seed, tol=s.tol,
                         max_iter=s.max_iter)
    attrs = dict(ds.source, model=r.model, alpha=r.alpha, l1_ratio=s.l1_ratio,
                 fit_intercept=not s.no_intercept, standardize=s.standardize,
                 n_features=int(ds.X.shape[1]), train_score=r.train_score,
                 test_score=r.test_score, test_fraction=s.test_fraction,
                 seed=s.seed, converged=r.converged, cv_folds=s.cv)
    arrays = {"coef": r.coef, "intercept": r.intercept}
    if r.scale_mean is not None:
        arrays.update(scale_mean=r.scale_mean, scale_std=r.scale_std)
    if r.cv_scores:
        arrays.update(cv_alphas=r.cv_alphas, cv_scores=r.cv_scores)
    schema.write_model(s.output, "linear", attrs, arrays, command_line())
    return LinearFit(fit=r, samples=int(ds.X.shape[0]), features=int(ds.X.shape[1]),
                     output=s.output)


@result
class MlpFit(Result):
    """Scores are accuracies for classifiers and R^2 (under *_r2) for regression."""
    fit: train_mlp.MlpResult
    loss: str
    architecture: str
    output: str

    def document(self) -> dict[str, Any]:
        r, regression = self.fit, self.loss == "mse"
        out: dict[str, Any] = {"epochs": len(r.history["train_loss"]), "wall_s": round(r.wall_s, 4)}
        for name, ev in self._evaluations():
            out[f"{name}_acc"] = None if ev is None or regression else ev[1]
            if regression:
                out[f"{name}_r2"] = None if ev is None else ev[1]
        for name, ev in self._evaluations():
            out[f"{name}_loss"] = None if ev is None else ev[0]
        best = r.history["best_epoch"]
        out.update(best_epoch=best + 1 if best >= 0 else None,
                   stopped_early=r.history["stopped_early"])
        return plain(out)

    def _evaluations(self) -> tuple[tuple[str, tuple[float, float] | None], ...]:
        return (("train", self.fit.train), ("val", self.fit.val), ("test", self.fit.test))

    def text(self) -> list[Any]:
        what = "R²" if self.loss == "mse" else "accuracy"
        parts = [f"{name} {ev[1]:.4f}" for name, ev in self._evaluations() if ev is not None]
        return [f"mlp [{self.architecture}] {len(self.fit.history['train_loss'])} epochs in "
                f"{self.fit.wall_s:.2f} s; {what}: " + ", ".join(parts) + f" -> {self.output}"]


def run_train_mlp(s: TrainMlpSettings) -> MlpFit:
    output, plot, data, tc, conv = s.output, s.plot, s.data, s.tc, list(s.conv or ())
    outputs.check_new(output, s.overwrite)
    outputs.check_plot(plot, s.overwrite)
    ds = train_mlp.label(data, s.labels, s.loss, tc)
    if conv and not ds.lattice:
        raise PhysmlError(f"--conv needs configurations on a chain, square, triangular or honeycomb "
                          f"lattice; {data} has no such geometry")
    arch = s.architecture or train_mlp.architecture(list(s.hidden), s.activation, conv,
                                                    s.dropout, train_mlp.outputs_for(ds))
    try:
        n_out = _engine.mlp_outputs(arch, ds.input_shape)
    except ValueError as exc:
        raise PhysmlError(f"--architecture: {exc}") from None
    if n_out != train_mlp.outputs_for(ds):
        raise PhysmlError(f"the network has {n_out} outputs; {ds.loss} on these labels needs "
                          f"{train_mlp.outputs_for(ds)}")
    opts = s.training_options()
    r = train_mlp.fit(ds, arch, **opts)
    attrs = dict(ds.source, model="mlp", architecture=arch, input_shape=list(ds.input_shape),
                 loss=ds.loss, n_features=int(ds.X.shape[1]), n_params=len(r.params),
                 n_train=r.n_train, n_val=r.n_val, n_test=r.n_test, tc=tc, **opts)
    arrays: dict[str, Any] = {f"param_{i}": p for i, p in enumerate(r.params)}
    if ds.classes is not None:
        arrays["classes"] = ds.classes
    arrays.update({f"history_{k}": np.asarray(v, dtype=np.float64) for k, v in r.history.items()
                   if isinstance(v, list)})
    schema.write_model(output, "mlp", {k: v for k, v in attrs.items() if v is not None}, arrays,
                       command_line())
    if plot:
        from physml_cli.report import plotting
        plotting.learning_curves(r.history, ds.loss, plot)
    return MlpFit(fit=r, loss=ds.loss, architecture=arch, output=output)


@result
class Prediction(Result):
    model: str
    n: int
    target: str
    score: float | None
    predictions: list[Any]
    data: str = hidden("")
    output: str | None = hidden()

    def text(self) -> list[Any]:
        score = "n/a" if self.score is None else f"{self.score:.6g}"
        return [f"{self.model} on {self.n} samples of {self.data}: score {score}"
                + (f" -> {self.output}" if self.output else "")]


def run_predict(s: PredictSettings) -> Prediction:
    model_path, data, target, tc, output = s.model, s.data, s.target, s.tc, s.output
    outputs.check_new(output, s.overwrite)
    model = schema.read_model(model_path)
    a, arr = model["attrs"], model["arrays"]
    if a.get("model_kind") == "mlp":
        return _predict_mlp(model_path, model, data, target, tc, output)
    if a.get("model_kind") != "linear":
        raise PhysmlError(f"{model_path} is not a model physml predict can apply "
                          f"(kind {a.get('model_kind')}); linear models and MLPs are supported")
    if "coef" not in arr or "intercept" not in arr:
        raise PhysmlError(f"{model_path} is damaged: no coefficients")
    target = target or a.get("target")
    ds = learning_data.load(data, target, a.get("features", "raw"), tc=tc)
    X = ds.X
    if X.shape[1] != int(a.get("n_features", X.shape[1])):
        raise PhysmlError(f"{data} gives {X.shape[1]} features, the model expects "
                          f"{a.get('n_features')}")
    if "scale_mean" in arr:
        X = (X - arr["scale_mean"]) / arr["scale_std"]
    coef, intercept = np.atleast_2d(arr["coef"]), np.atleast_1d(arr["intercept"])
    try:
        pred = _engine.linear_predict(a["model"], coef, intercept, X)
        score = _engine.linear_score(a["model"], coef, intercept, X, ds.y)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    classifier = train_linear.is_classifier(a["model"])
    values = pred.argmax(axis=1) if classifier else pred[:, 0]
    if output:
        arrays = {"prediction": values}
        if classifier:
            arrays["probability"] = pred
        schema.write_predictions(output, {"model": model_path, "data": data,
                                          "target": ds.source["target"], "score": score},
                                 arrays, command_line())
    return Prediction(model=a["model"], n=int(len(values)), target=ds.source["target"],
                      score=float(score), predictions=values.tolist(), data=data, output=output)


def _predict_mlp(model_path: str, model: dict[str, Any], data: str, labels: str | None,
                 tc: float | None, output: str | None) -> Prediction:
    a, arr = model["attrs"], model["arrays"]
    try:
        arch, loss, shape = str(a["architecture"]), str(a["loss"]), tuple(int(v) for v in a["input_shape"])
        params = [arr[f"param_{i}"] for i in range(int(a["n_params"]))]
    except (KeyError, TypeError, ValueError):
        raise PhysmlError(f"{model_path} is damaged: the network is incomplete") from None
    labels = labels or str(a.get("labels", "y"))
    if tc is None and "tc" in a:
        tc = float(a["tc"])
    ds = learning_data.load(data, labels, "raw", tc=tc)
    X = ds.X
    if X.shape[1] != shape[0] * shape[1] * shape[2]:
        raise PhysmlError(f"{data} gives {X.shape[1]} features, the model expects "
                          f"{shape[0] * shape[1] * shape[2]}")
    values, out, score = train_mlp.predict(arch, shape, params, loss, arr.get("classes"), X,
                                           ds.y, labels)
    if output:
        arrays = {"prediction": values}
        if loss != "mse":
            arrays["probability"] = out
        schema.write_predictions(output, {"model": model_path, "data": data, "target": labels,
                                          **({"score": score} if score is not None else {})},
                                 arrays, command_line())
    return Prediction(model="mlp", n=int(len(values)), target=labels, score=score,
                      predictions=np.asarray(values).tolist(), data=data, output=output)
