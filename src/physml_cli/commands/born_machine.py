"""``physml train mps`` and Born-machine sampling once arguments are valid."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from physml_cli import _engine
from physml_cli.errors import PhysmlError
from physml_cli.io import learning_data, schema
from physml_cli.report import console as report
from physml_cli.runtime import outputs
from physml_cli.runtime.emit import command_line
from physml_cli.runtime.result import Result, hidden, optional, result
from physml_cli.workflows import born_machine, generated

if TYPE_CHECKING:
    from physml_cli.cli.learn import SampleSettings, TrainMpsSettings


@result
class MpsFit(Result):
    sweeps: int
    wall_s: float
    nll: float              # mean -ln p of the training rows (exact)
    nll_floor: float        # the rows' empirical entropy: the lowest nll any model reaches
    nll_test: float | None = optional()
    bond_dims: list[int] = hidden(None)
    discarded_weight: float = 0.0
    n_train: int = 0
    output: str = ""
    n_sites: int = hidden(0)

    def text(self) -> list[Any]:
        test = "" if self.nll_test is None else f", held out {self.nll_test:.6f}"
        return [f"MPS Born machine on {self.n_sites} sites (largest bond "
                f"{max(self.bond_dims)}), {self.sweeps} sweeps in {self.wall_s:.3g} s: NLL "
                f"{self.nll:.6f} per sample (floor {self.nll_floor:.6f}, the data's entropy)"
                f"{test} -> {self.output}"]


def run_train_mps(s: TrainMpsSettings) -> MpsFit:
    outputs.check_new(s.output, s.overwrite)
    X, info = born_machine.load_data(s.data)
    if X.shape[1] < 2:
        raise PhysmlError(f"{s.data}: a Born machine needs rows of at least two sites")
    X_test = None
    if s.test_fraction > 0:
        train_rows, test_rows = learning_data.split(len(X), s.test_fraction, s.seed)
        X, X_test = X[train_rows], (X[test_rows] if len(test_rows) else None)
    settings = born_machine.Settings(bond_dim=s.bond_dim, cutoff=s.cutoff, sweeps=s.sweeps,
                                     lr=s.lr, descent_steps=s.descent_steps)
    with report.progress_bar(s.quiet or s.as_json, "sweeps") as bar:
        task = bar.add_task("MPS", total=s.sweeps)

        def on_sweep(done: int, r: dict[str, Any]) -> None:
            bar.update(task, completed=done,
                       description=f"NLL = {r['nll']:.6f}  chi = {int(r['largest_bond'])}")

        fit = born_machine.train(X, X_test, settings, s.threads, on_sweep)
    arrays = born_machine.pack(fit.tensors)
    floor = born_machine.empirical_entropy(X)
    attrs = dict({k: v for k, v in info.items() if k not in ("lattice_shape", "file")},
                 data=s.data, n_sites=int(X.shape[1]), bond_dim=s.bond_dim, cutoff=s.cutoff,
                 sweeps=s.sweeps, lr=s.lr, descent_steps=s.descent_steps,
                 test_fraction=s.test_fraction, seed=s.seed, nll=fit.nll, nll_floor=floor,
                 n_train=len(X), wall_s=fit.wall_s)
    if fit.nll_test is not None:
        attrs["nll_test"] = fit.nll_test
    history = {f"history_{k}": np.asarray(v) for k, v in fit.history.items()}
    schema.write_model(s.output, "mps", attrs, {**arrays, **history}, command_line())
    return MpsFit(sweeps=s.sweeps, wall_s=round(fit.wall_s, 4), nll=fit.nll, nll_floor=floor,
                  nll_test=fit.nll_test, bond_dims=[int(d) for d in arrays["bond_dims"]],
                  discarded_weight=float(max(fit.history["discarded_weight"])),
                  n_train=len(X), output=s.output, n_sites=int(X.shape[1]))


def draw(s: SampleSettings, model: dict[str, Any]) -> np.ndarray:
    """s.samples exact draws (0/1 rows) from a checked model file."""
    return born_machine.sample(model, s.samples, s.seed, s.threads)


def log_probabilities(s: SampleSettings, model: dict[str, Any], bits: np.ndarray) -> np.ndarray:
    return np.asarray(_engine.born_log_probabilities(born_machine.unpack(model["arrays"]), bits,
                                                     s.threads))


def as_simulation(s: SampleSettings, model: dict[str, Any], bits: np.ndarray) -> schema.SizeResult:
    spins = (2 * bits.astype(np.int8) - 1).astype(np.int8)
    return generated.as_simulation(model["attrs"], spins, s.seed, "mps", {})
