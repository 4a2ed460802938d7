"""``physml train linear|mlp|rbm|hopfield``, ``physml predict`` and ``physml sample``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


from physml_cli import registry
from physml_cli.cli import parsing
from physml_cli.cli.app import cli
from physml_cli.errors import PhysmlError
from physml_cli.runtime import params, settings as opt

TARGETS = ("energy", "magnetization", "temperature", "phase", "y")
FRACTION = params.Real(0, 1, high_open=True)  # a share of the rows held out


@cli.group()
def train() -> None:
    """Train models on physml datasets (or HDF5/.npz files with arrays X and y)."""


def _tc() -> Any:
    return opt.option(None, params.Real(0, low_open=True), "Critical temperature for phase "
                      "labels (default: Onsager's, square Ising).", flags=("--tc",))


@opt.command(train, "linear", run="physml_cli.commands.train:run_train_linear")
@dataclass(frozen=True)
class TrainLinearSettings(opt.Written, opt.Threaded, opt.Seeded):
    """Linear and logistic regression: OLS, ridge, lasso, elastic net, logistic, softmax."""
    data: str = opt.argument()
    model: str = opt.option("ridge", registry.choice("linear_model"),
                            registry.listing("linear_model") + ".")
    alpha: tuple[float, ...] = opt.option(
        "1.0", parsing.ALPHAS,
        "Regularization strength; a comma list or a:b:n (log-spaced) with --cv.")
    l1_ratio: float = opt.option(0.5, params.Real(0, 1), "Elastic net: share of the L1 penalty.")
    cv: int = opt.option(0, params.Count(0, 1000),
                         "Choose --alpha by K-fold cross-validation (0: off).")
    no_intercept: bool = opt.switch("Fit no intercept.")
    standardize: bool = opt.switch("Scale features to zero mean, unit variance.")
    target: str | None = opt.option(
        None, params.OneOf(TARGETS), "energy, magnetization, temperature, phase (physml files) "
                                     "or y [default: energy, or y for X/y files].")
    tc: float | None = _tc()
    features: str = opt.option("raw", params.OneOf(("raw", "pairs")),
                               "Spins as they are, or all products s_i s_j.")
    test_fraction: float = opt.option(0.2, FRACTION, "Share of the rows held out for testing.")
    tol: float = opt.option(1e-8, params.Real(0, 1, low_open=True), "Convergence tolerance.")
    max_iter: int = opt.option(10000, params.Count(1), "Iterations at most.")
    output: str = opt.output("linear_model.h5")

    def check(self) -> None:
        if registry.entry("linear_model", self.model).can("needs_positive_alpha") \
                and min(self.alpha) <= 0:
            raise PhysmlError(f"--model {self.model} needs --alpha > 0")
        if self.cv == 1:
            raise PhysmlError("--cv must be 0 (off) or at least 2")


@opt.command(train, "mlp", run="physml_cli.commands.train:run_train_mlp")
@dataclass(frozen=True)
class TrainMlpSettings(opt.Written, opt.Threaded, opt.Seeded):
    """A feed-forward network (dense and periodic conv layers) trained by the autodiff engine."""
    data: str = opt.argument()
    hidden: tuple[int, ...] = opt.option(
        "100", parsing.WIDTHS,
        "Hidden layer widths, comma separated (e.g. 100 or 64,32).")
    activation: str = opt.option("sigmoid", registry.choice("activation"),
                                 "Nonlinearity after each hidden layer.")
    conv: tuple[tuple[int, int], ...] = opt.option(
        None, parsing.CONVOLUTIONS,
        "Periodic convolutions before the dense layers, CHANNELS:KERNEL[,...] (lattice data).")
    dropout: float = opt.option(0.0, FRACTION, "Dropout rate after each hidden dense layer.")
    architecture: str | None = opt.option(
        None, None, "Full layer string instead of the options above, e.g. "
                    "'conv:8:3,relu,dense:64,tanh,dense:2'.")
    labels: str = opt.option("phase", params.OneOf(("phase", "temperature", "y")),
                             "phase (T < T_c), temperature (one class per T) or y (X/y files).")
    tc: float | None = _tc()
    loss: str = opt.option("auto", params.OneOf(("auto",) + registry.names("loss")),
                           "auto: what the labels call for; bce needs two classes, mse is "
                           "regression.")
    epochs: int = opt.option(10, params.Count(1))
    batch_size: int = opt.option(64, params.Count(1))
    optimizer: str = opt.option("adam", registry.choice("optimizer"),
                                registry.listing("optimizer") + ".")
    lr: float = opt.option(1e-3, params.Real(0, low_open=True), "Learning rate.")
    momentum: float = opt.option(0.9, FRACTION, "For momentum and nesterov.")
    weight_decay: float = opt.option(0.0, params.Real(0), "Decoupled weight decay (adamw).")
    l1: float = opt.option(0.0, params.Real(0), "L1 penalty on weights.")
    l2: float = opt.option(0.0, params.Real(0), "L2 penalty on weights.")
    init: str = opt.option("auto", registry.choice("weight_init"),
                           "Initial weights: auto (He before relu, else Xavier), xavier, he.")
    val_fraction: float = opt.option(0.1, FRACTION,
                                     "Share of the training rows held out for validation.")
    test_fraction: float = opt.option(0.2, FRACTION, "Share of the rows held out for testing.")
    patience: int = opt.option(0, params.Count(0), "Early stopping: epochs without validation "
                                                   "improvement (0: off).")
    output: str = opt.output("mlp.h5")
    plot: str | None = opt.plot("PNG of the learning curves.")

    def training_options(self) -> dict[str, Any]:
        """What the engine's training loop takes (and the model file records)."""
        return dict(optimizer=self.optimizer, lr=self.lr, epochs=self.epochs,
                    batch_size=self.batch_size, momentum=self.momentum,
                    weight_decay=self.weight_decay, l1=self.l1, l2=self.l2,
                    patience=self.patience, init=self.init, val_fraction=self.val_fraction,
                    test_fraction=self.test_fraction, seed=self.seed, threads=self.threads)


@opt.command(train, "hopfield", run="physml_cli.commands.hopfield:run_train_hopfield")
@dataclass(frozen=True)
class TrainHopfieldSettings(opt.Written, opt.Seeded):
    """Store patterns (+-1 or 0/1 rows, or Ising configurations) in a Hopfield network."""
    data: str = opt.argument()
    rule: str = opt.option("hebbian", registry.choice("hopfield_rule"))
    count: int | None = opt.option(
        None, params.Count(1), "Store this many patterns, drawn at random (--seed) from the "
                               "data [all].", flags=("--patterns",))
    output: str = opt.output("hopfield.h5")


@opt.command(train, "rbm", run="physml_cli.commands.rbm:run_train_rbm")
@dataclass(frozen=True)
class TrainRbmSettings(opt.Written, opt.Threaded, opt.Seeded):
    """Restricted Boltzmann machine by contrastive divergence, with its log-likelihood."""
    data: str = opt.argument()
    hidden: int = opt.option(64, params.Count(1), "Hidden units.")
    cd_k: int = opt.option(1, params.Count(1), "Gibbs steps per update.")
    persistent: bool = opt.switch("Persistent CD (chains kept between updates).")
    epochs: int = opt.option(10, params.Count(0))
    lr: float = opt.option(0.05, params.Real(0, low_open=True), "Learning rate.")
    batch_size: int = opt.option(10, params.Count(1))
    momentum: float = opt.option(0.5, FRACTION)
    l2: float = opt.option(0.0, params.Real(0), "Weight decay.")
    units: str = opt.option("auto", params.OneOf(("auto", "01", "pm1")),
                            "0/1 or +-1 units; auto follows the data.")
    ais_runs: int = opt.option(100, params.Count(2), "Annealed importance sampling runs.")
    ais_betas: int = opt.option(1000, params.Count(2), "Inverse temperatures of each AIS run.")
    output: str = opt.output("rbm.h5")

    def training_options(self) -> dict[str, Any]:
        return dict(hidden=self.hidden, cd_k=self.cd_k, persistent=self.persistent,
                    epochs=self.epochs, lr=self.lr, batch_size=self.batch_size,
                    momentum=self.momentum, l2=self.l2, seed=self.seed)


_MPS = registry.entry("generative_model", "mps")
_FLOW = registry.entry("generative_model", "flow")


def _registered(entry: registry.Entry, default: Any, name: str, help_text: str | None = None) -> Any:
    """An option whose range and (unless given) help come from a registered parameter."""
    p = entry.parameter(name)
    assert p is not None, (entry.name, name)
    return opt.option(default, p.value_type(), help_text or p.help.capitalize() + ".")


@opt.command(train, "mps", run="physml_cli.commands.born_machine:run_train_mps")
@dataclass(frozen=True)
class TrainMpsSettings(opt.Written, opt.Threaded, opt.Seeded):
    """MPS Born machine (Han et al., PRX 8, 031012): p(v) = |psi(v)|^2 / Z, trained by two-site
    sweeps from the uniform product state; exact likelihoods and exact sampling."""
    data: str = opt.argument()
    bond_dim: int = _registered(_MPS, 16, "bond_dim")
    cutoff: float = _registered(_MPS, 1e-7, "cutoff")
    sweeps: int = opt.option(10, params.Count(1, 100000), "Sweeps, left to right and back.")
    lr: float = _registered(_MPS, 0.05, "lr")
    descent_steps: int = _registered(_MPS, 2, "descent_steps")
    test_fraction: float = opt.option(0.0, FRACTION, "Share of the rows held out (their NLL "
                                                     "is reported per sweep).")
    quiet: bool = opt.quiet("No progress bar.")
    output: str = opt.output("mps.h5")


@opt.command(train, "flow", run="physml_cli.commands.flows:run_train_flow")
@dataclass(frozen=True)
class TrainFlowSettings(opt.Written, opt.Threaded, opt.Seeded):
    """Normalizing flow (rational-quadratic spline, RealNVP affine or NICE additive couplings)
    fitted to real-valued rows by maximum likelihood: exact log-density (NLL in nats per
    sample) and exact sampling."""
    data: str = opt.argument()
    layers: int = _registered(_FLOW, 4, "layers", "Coupling layers (masks alternate).")
    hidden: tuple[int, ...] = opt.option("128,128", parsing.WIDTHS,
                                         "Hidden widths of each layer's conditioner network.")
    coupling: str = opt.option("spline", registry.choice("flow_coupling"),
                               registry.listing("flow_coupling") + ".")
    activation: str = opt.option("relu", registry.choice("activation"),
                                 "Nonlinearity of the conditioners.")
    epochs: int = opt.option(150, params.Count(1, 1000000))
    batch_size: int = opt.option(512, params.Count(1))
    lr: float = _registered(_FLOW, 1e-3, "lr", "Adam learning rate.")
    test_fraction: float = opt.option(0.2, FRACTION, "Share of the rows held out (their NLL is "
                                                     "reported per epoch).")
    quiet: bool = opt.quiet("No progress bar.")
    output: str = opt.output("flow.h5")

    def check(self) -> None:
        widest = _FLOW.parameter("hidden")
        assert widest is not None
        if not self.hidden:
            raise PhysmlError("--hidden: a flow's conditioners need at least one hidden layer")
        for h in self.hidden:
            widest.check(h, "--hidden")


@opt.command(cli, "sample", run="physml_cli.commands.sample:run_sample")
@dataclass(frozen=True)
class SampleSettings(opt.Written, opt.Threaded, opt.Seeded):
    """Draw from a trained RBM (Gibbs chains), MPS Born machine or flow (exact). Models of a
    physml simulation give a simulation file (same observables), others a dataset."""
    model: str = opt.argument()
    samples: int = opt.option(1000, params.Count(2), "Configurations to draw.")
    gibbs_steps: int = opt.option(1000, params.Count(1),
                                  "RBM: Gibbs steps from a random start to each sample.")
    output: str = opt.output("samples.h5")


@opt.command(cli, "predict", run="physml_cli.commands.train:run_predict")
@dataclass(frozen=True)
class PredictSettings(opt.Written):
    """Apply a trained linear model or MLP to a data file (same features as in training)."""
    output: str | None = opt.output(None, "HDF5 file for the predictions.")
    model: str = opt.argument()
    data: str = opt.argument()
    target: str | None = opt.option(None, params.OneOf(TARGETS),
                                    "Targets to score against [the model's].")
    tc: float | None = opt.option(None, params.Real(0, low_open=True),
                                  "T_c for --target phase [the model's].", flags=("--tc",))


