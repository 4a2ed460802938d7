"""``physml train linear|mlp|rbm|hopfield``, ``physml predict`` and ``physml sample``."""
from __future__ import annotations

import click

from physml_cli import registry
from physml_cli.cli.app import cli
from physml_cli.errors import PhysmlError
from physml_cli.runtime import emit, options


@cli.group()
def train() -> None:
    """Train models on physml datasets (or HDF5/.npz files with arrays X and y)."""


@train.command("linear")
@click.argument("data")
@click.option("--model", "model_name", default="ridge", show_default=True,
              help=registry.listing("linear_model") + ".")
@click.option("--alpha", default="1.0", show_default=True,
              help="Regularization strength; a comma list or a:b:n (log-spaced) with --cv.")
@click.option("--l1-ratio", type=float, default=0.5, show_default=True,
              help="Elastic net: share of the L1 penalty.")
@click.option("--cv", type=int, default=0, help="Choose --alpha by K-fold cross-validation.")
@click.option("--no-intercept", is_flag=True, help="Fit no intercept.")
@click.option("--standardize", is_flag=True, help="Scale features to zero mean, unit variance.")
@click.option("--target", default=None,
              help="energy, magnetization, temperature, phase (physml files) or y "
                   "[default: energy, or y for X/y files].")
@click.option("--tc", type=float, default=None,
              help="Critical temperature for --target phase (default: Onsager's, square Ising).")
@click.option("--features", type=click.Choice(("raw", "pairs")), default="raw", show_default=True,
              help="Spins as they are, or all products s_i s_j.")
@click.option("--test-fraction", type=float, default=0.2, show_default=True)
@options.seed()
@click.option("--tol", type=float, default=1e-8, show_default=True)
@click.option("--max-iter", type=int, default=10000, show_default=True)
@options.threads()
@options.output("linear_model.h5")
@options.json("Print the fit as JSON on stdout.")
def train_linear(data: str, model_name: str, alpha: str, l1_ratio: float, cv: int,
                 no_intercept: bool, standardize: bool, target: str | None, tc: float | None,
                 features: str, test_fraction: float, seed: int, tol: float, max_iter: int,
                 threads: int | None, output: str, overwrite: bool, as_json: bool) -> None:
    """Linear and logistic regression: OLS, ridge, lasso, elastic net, logistic, softmax."""
    from physml_cli.cli import parsing
    from physml_cli.commands.train import run_train_linear

    alphas = parsing.alpha_list(alpha)
    linear = registry.entry("linear_model", model_name, "--model")
    if linear.can("needs_positive_alpha") and min(alphas) <= 0:
        raise PhysmlError(f"--model {model_name} needs --alpha > 0")
    if not 0 <= l1_ratio <= 1:
        raise PhysmlError("--l1-ratio must be between 0 and 1")
    if cv == 1 or cv < 0:
        raise PhysmlError("--cv must be 0 (off) or at least 2")
    if not 0 <= test_fraction < 1:
        raise PhysmlError("--test-fraction must be in [0, 1)")
    if not tol > 0 or max_iter < 1:
        raise PhysmlError("--tol must be > 0 and --max-iter >= 1")
    if target is not None and target not in ("energy", "magnetization", "temperature", "phase", "y"):
        raise PhysmlError(f"unknown --target {target!r} (choose energy, magnetization, "
                          "temperature, phase, y)")
    threads = emit.threads(threads)
    run_train_linear(data=data, model=model_name, alphas=alphas, l1_ratio=l1_ratio, cv=cv,
                     fit_intercept=not no_intercept, standardize=standardize, target=target,
                     tc=tc, features=features, test_fraction=test_fraction, seed=seed, tol=tol,
                     max_iter=max_iter, threads=threads, output=output, overwrite=overwrite,
                     as_json=as_json, command_line=emit.command_line())


@train.command("mlp")
@click.argument("data")
@click.option("--hidden", default="100", show_default=True,
              help="Hidden layer widths, comma separated (e.g. 100 or 64,32).")
@click.option("--activation", default="sigmoid", show_default=True,
              help="relu, tanh, sigmoid, softplus, logcosh.")
@click.option("--conv", default=None,
              help="Periodic convolutions before the dense layers, CHANNELS:KERNEL[,...] (lattice data).")
@click.option("--dropout", type=float, default=0.0, show_default=True,
              help="Dropout rate after each hidden dense layer.")
@click.option("--architecture", default=None,
              help="Full layer string instead of the options above, e.g. "
                   "'conv:8:3,relu,dense:64,tanh,dense:2'.")
@click.option("--labels", default="phase", show_default=True,
              help="phase (T < T_c), temperature (one class per T) or y (X/y files).")
@click.option("--tc", type=float, default=None,
              help="Critical temperature for phase labels (default: Onsager's, square Ising).")
@click.option("--loss", default="auto", show_default=True,
              help="auto, cross-entropy, bce (two classes), mse (regression).")
@click.option("--epochs", type=int, default=10, show_default=True)
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option("--optimizer", default="adam", show_default=True,
              help=registry.listing("optimizer") + ".")
@click.option("--lr", type=float, default=1e-3, show_default=True)
@click.option("--momentum", type=float, default=0.9, show_default=True,
              help="For momentum and nesterov.")
@click.option("--weight-decay", type=float, default=0.0, show_default=True,
              help="Decoupled weight decay (adamw).")
@click.option("--l1", type=float, default=0.0, show_default=True, help="L1 penalty on weights.")
@click.option("--l2", type=float, default=0.0, show_default=True, help="L2 penalty on weights.")
@click.option("--init", default="auto", show_default=True,
              help="auto (He before relu, else Xavier), xavier, he.")
@click.option("--val-fraction", type=float, default=0.1, show_default=True,
              help="Share of the training rows held out for validation.")
@click.option("--test-fraction", type=float, default=0.2, show_default=True)
@click.option("--patience", type=int, default=0, show_default=True,
              help="Early stopping: epochs without validation improvement (0: off).")
@options.seed()
@options.threads()
@options.output("mlp.h5")
@options.plot("PNG of the learning curves.")
@options.json("Print the result as JSON on stdout.")
def train_mlp(data: str, hidden: str, activation: str, conv: str | None, dropout: float,
              architecture: str | None, labels: str, tc: float | None, loss: str, epochs: int,
              batch_size: int, optimizer: str, lr: float, momentum: float, weight_decay: float,
              l1: float, l2: float, init: str, val_fraction: float, test_fraction: float,
              patience: int, seed: int, threads: int | None, output: str, overwrite: bool,
              plot: str | None, as_json: bool) -> None:
    """A feed-forward network (dense and periodic conv layers) trained by the autodiff engine."""
    from physml_cli.cli import parsing
    from physml_cli.workflows import train_mlp as tm
    from physml_cli.commands.train import run_train_mlp

    widths = parsing.int_list(hidden, "--hidden", allow_empty=True)
    convs = parsing.conv_list(conv) if conv else []
    if activation not in ("relu", "tanh", "sigmoid", "softplus", "logcosh"):
        raise PhysmlError(f"unknown --activation {activation!r} (choose relu, tanh, sigmoid, "
                          "softplus, logcosh)")
    if labels not in tm.LABELS:
        raise PhysmlError(f"unknown --labels {labels!r} (choose {', '.join(tm.LABELS)})")
    if loss not in tm.LOSSES:
        raise PhysmlError(f"unknown --loss {loss!r} (choose {', '.join(tm.LOSSES)})")
    registry.entry("optimizer", optimizer, "--optimizer")
    if init not in ("auto", "xavier", "he"):
        raise PhysmlError(f"unknown --init {init!r} (choose auto, xavier, he)")
    if not lr > 0 or lr == float("inf"):
        raise PhysmlError(f"--lr must be > 0 (got {lr})")
    if epochs < 1 or batch_size < 1:
        raise PhysmlError("--epochs and --batch-size must be >= 1")
    if not 0 <= dropout < 1 or not 0 <= momentum < 1:
        raise PhysmlError("--dropout and --momentum must be in [0, 1)")
    if not (l1 >= 0 and l2 >= 0 and weight_decay >= 0):
        raise PhysmlError("--l1, --l2 and --weight-decay must be >= 0")
    if not 0 <= test_fraction < 1 or not 0 <= val_fraction < 1:
        raise PhysmlError("--test-fraction and --val-fraction must be in [0, 1)")
    if patience < 0:
        raise PhysmlError("--patience must be >= 0")
    run_train_mlp(data=data, output=output, overwrite=overwrite, as_json=as_json,
                  command_line=emit.command_line(), labels=labels, tc=tc, loss=loss, hidden=widths,
                  activation=activation, conv=convs, dropout=dropout, architecture=architecture,
                  plot=plot, optimizer=optimizer, lr=lr, epochs=epochs, batch_size=batch_size,
                  momentum=momentum, weight_decay=weight_decay, l1=l1, l2=l2, patience=patience,
                  init=init, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed,
                  threads=emit.threads(threads))


@train.command("hopfield")
@click.argument("data")
@click.option("--rule", type=registry.choice("hopfield_rule"), default="hebbian",
              show_default=True)
@click.option("--patterns", "count", type=int, default=None,
              help="Store this many patterns, drawn at random (--seed) from the data [all].")
@options.seed()
@options.output("hopfield.h5")
@options.json()
def train_hopfield(data: str, rule: str, count: int | None, seed: int, output: str,
                   overwrite: bool, as_json: bool) -> None:
    """Store patterns (+-1 or 0/1 rows, or Ising configurations) in a Hopfield network."""
    from physml_cli.commands.hopfield import run_train_hopfield

    if count is not None and count < 1:
        raise PhysmlError("--patterns must be >= 1")
    run_train_hopfield(data=data, rule=rule, count=count, seed=seed, output=output,
                       overwrite=overwrite, as_json=as_json,
                       command_line=emit.command_line())


@train.command("rbm")
@click.argument("data")
@click.option("--hidden", type=int, default=64, show_default=True)
@click.option("--cd-k", type=int, default=1, show_default=True, help="Gibbs steps per update.")
@click.option("--persistent", is_flag=True, help="Persistent CD (chains kept between updates).")
@click.option("--epochs", type=int, default=10, show_default=True)
@click.option("--lr", type=float, default=0.05, show_default=True)
@click.option("--batch-size", type=int, default=10, show_default=True)
@click.option("--momentum", type=float, default=0.5, show_default=True)
@click.option("--l2", type=float, default=0.0, show_default=True, help="Weight decay.")
@click.option("--units", type=click.Choice(("auto", "01", "pm1")), default="auto",
              show_default=True, help="0/1 or +-1 units; auto follows the data.")
@click.option("--ais-runs", type=int, default=100, show_default=True)
@click.option("--ais-betas", type=int, default=1000, show_default=True)
@options.seed()
@options.threads()
@options.output("rbm.h5")
@options.json()
def train_rbm(data: str, hidden: int, cd_k: int, persistent: bool, epochs: int, lr: float,
              batch_size: int, momentum: float, l2: float, units: str, ais_runs: int,
              ais_betas: int, seed: int, threads: int | None, output: str, overwrite: bool,
              as_json: bool) -> None:
    """Restricted Boltzmann machine by contrastive divergence, with its log-likelihood."""
    from physml_cli.commands.rbm import run_train_rbm

    if hidden < 1 or cd_k < 1 or epochs < 0 or batch_size < 1:
        raise PhysmlError("--hidden, --cd-k and --batch-size must be >= 1, --epochs >= 0")
    if not lr > 0 or not 0 <= momentum < 1 or not l2 >= 0:
        raise PhysmlError("--lr must be > 0, --momentum in [0, 1), --l2 >= 0")
    if ais_runs < 2 or ais_betas < 2:
        raise PhysmlError("--ais-runs and --ais-betas must be >= 2")
    threads = emit.threads(threads)
    opts = dict(hidden=hidden, cd_k=cd_k, persistent=persistent, epochs=epochs, lr=lr,
                batch_size=batch_size, momentum=momentum, l2=l2, seed=seed)
    run_train_rbm(data=data, units=units, opts=opts, threads=threads, ais_runs=ais_runs,
                  ais_betas=ais_betas, output=output, overwrite=overwrite, as_json=as_json,
                  command_line=emit.command_line())


@cli.command()
@click.argument("model")
@click.option("--samples", type=int, default=1000, show_default=True)
@click.option("--gibbs-steps", type=int, default=1000, show_default=True,
              help="Gibbs steps from a random start to each sample.")
@options.seed()
@options.threads()
@options.output("samples.h5")
@options.json()
def sample(model: str, samples: int, gibbs_steps: int, seed: int, threads: int | None,
           output: str, overwrite: bool, as_json: bool) -> None:
    """Draw configurations from a trained RBM, written like a simulation (same observables)."""
    from physml_cli.commands.rbm import run_sample

    if samples < 2 or gibbs_steps < 1:
        raise PhysmlError("--samples must be >= 2 and --gibbs-steps >= 1")
    threads = emit.threads(threads)
    run_sample(model_path=model, n=samples, steps=gibbs_steps, seed=seed, threads=threads,
               output=output, overwrite=overwrite, as_json=as_json,
               command_line=emit.command_line())


@cli.command()
@click.argument("model")
@click.argument("data")
@click.option("--target", default=None, help="Targets to score against [the model's].")
@click.option("--tc", type=float, default=None, help="T_c for --target phase [the model's].")
@options.output(None, "HDF5 file for the predictions.")
@options.json("Print predictions and score as JSON.")
def predict(model: str, data: str, target: str | None, tc: float | None, output: str | None,
            overwrite: bool, as_json: bool) -> None:
    """Apply a trained linear model or MLP to a data file (same features as in training)."""
    from physml_cli.commands.train import run_predict

    run_predict(model_path=model, data=data, target=target, tc=tc, output=output,
                overwrite=overwrite, as_json=as_json,
                command_line=emit.command_line())
