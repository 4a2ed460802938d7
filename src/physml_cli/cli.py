"""The ``physml`` command line: parse, validate, call, report. No numerics here."""
from __future__ import annotations

import contextlib
import os
import shlex
import sys
from typing import Any

import click

from . import __version__, registry
from .errors import Interrupted, PhysmlError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="physml")
def cli() -> None:
    """physml: machine learning for statistical and quantum physics."""


@cli.command()
@click.option("--model", type=registry.choice("model"), default="ising", show_default=True)
@click.option("--q", "q", type=int, default=3, show_default=True, help="Potts states.")
@click.option("--J", "J", type=float, default=1.0, show_default=True,
              help="Coupling; > 0 ferromagnetic.")
@click.option("--h", "h", type=float, default=0.0, show_default=True, help="Magnetic field.")
@click.option("--lattice", type=registry.choice("lattice"), default="square", show_default=True)
@click.option("--size", "sizes", multiple=True, default=("16",), show_default=True,
              help="Linear size L; repeat or give a comma list for one file per size.")
@click.option("--temperatures", default="1.5:3.5:11", show_default=True,
              help="a:b:n (n values from a to b) or a comma list.")
@click.option("--algorithm", type=registry.choice("update_rule"), default="metropolis",
              show_default=True)
@click.option("--parallel-tempering", is_flag=True,
              help="Exchange configurations between neighbouring temperatures every sweep.")
@click.option("--anneal", is_flag=True,
              help="One chain cooled through the temperatures, hottest first; reports the "
                   "lowest energy found.")
@click.option("--thermalize", type=int, default=1000, show_default=True,
              help="Sweeps discarded before measuring (per temperature).")
@click.option("--sweeps", type=int, default=10000, show_default=True,
              help="Measurement-phase sweeps per temperature.")
@click.option("--measure-every", type=int, default=10, show_default=True,
              help="Sweeps between measurements.")
@click.option("--save-configs", type=int, default=100, show_default=True,
              help="At most this many configurations stored per temperature, evenly spaced.")
@click.option("--init", type=click.Choice(("random", "ordered")), default="random",
              show_default=True, help="Initial configuration.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=int, default=None,
              help="OpenMP threads [default: OMP_NUM_THREADS, SLURM_CPUS_PER_TASK or all cores].")
@click.option("--output", "-o", default="physml_sim.h5", show_default=True,
              help="HDF5 output; with several sizes, {L} in the name or _L<size> is added.")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON on stdout.")
@click.option("--plot", type=click.Path(dir_okay=False), default=None,
              help="Write a PNG of e, |m|, C, χ and U against T.")
@click.option("--resume", is_flag=True, help="Continue from the checkpoint OUTPUT.ckpt.")
@click.option("--overwrite", is_flag=True, help="Replace an existing output or checkpoint.")
@click.option("--checkpoint-every", type=float, default=60.0, show_default=True,
              help="Seconds between checkpoints (0: only on SIGINT/SIGTERM).")
@click.option("--shard", default=None,
              help="i/n: run only the i-th of n interleaved slices of the temperature grid "
                   "(i = 0..n-1, e.g. $SLURM_ARRAY_TASK_ID/4); combine with `physml merge`.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def simulate(**kw: Any) -> None:
    """Lattice Monte Carlo of classical spin models, written to HDF5."""
    from . import parsing
    from .commands_simulate import run_simulate

    sizes = parsing.size_list(kw.pop("sizes"))
    temps = parsing.temperature_grid(kw.pop("temperatures"))
    threads = _threads(kw.pop("threads"))
    for name in ("thermalize", "sweeps", "save_configs"):
        if kw[name] < 0:
            raise PhysmlError(f"--{name.replace('_', '-')} must be >= 0 (got {kw[name]})")
    if kw["sweeps"] < 1:
        raise PhysmlError("--sweeps must be >= 1")
    if kw["measure_every"] < 1:
        raise PhysmlError(f"--measure-every must be >= 1 (got {kw['measure_every']})")
    if kw["sweeps"] % kw["measure_every"]:
        raise PhysmlError(f"--sweeps ({kw['sweeps']}) must be a multiple of --measure-every "
                          f"({kw['measure_every']})")
    q = registry.entry("model", kw["model"]).parameter("q")
    if q is not None:
        q.check(kw["q"], "--q")
    for name in ("J", "h"):
        if not abs(kw[name]) < float("inf"):
            raise PhysmlError(f"--{name} must be a finite number")
    if kw["checkpoint_every"] < 0:
        raise PhysmlError("--checkpoint-every must be >= 0")
    if kw["parallel_tempering"] and kw["anneal"]:
        raise PhysmlError("--parallel-tempering and --anneal exclude each other")
    if kw["parallel_tempering"] and len(temps) < 2:
        raise PhysmlError("--parallel-tempering needs at least two temperatures")
    if kw["resume"] and kw["overwrite"]:
        raise PhysmlError("--resume and --overwrite exclude each other")
    if kw["model"] == "ising":
        kw["q"] = 2
    kw["temperature_grid"] = temps
    kw["shard"], kw["replica_ids"], temps = parsing.shard(kw.pop("shard"), temps)
    if kw["shard"] and (kw["parallel_tempering"] or kw["anneal"]):
        raise PhysmlError("--shard splits independent temperatures: not with "
                          "--parallel-tempering or --anneal")
    _check_memory(kw["lattice"], sizes, len(temps), kw)
    from .mpi import world

    rank, size, comm = world()
    if size > 1:
        from .commands_simulate import run_simulate_mpi

        if kw["shard"]:
            raise PhysmlError("--shard and mpirun exclude each other (MPI shares out the grid)")
        if kw["anneal"]:
            raise PhysmlError("--anneal follows one chain: it does not run across MPI ranks "
                              "(use one rank, with threads)")
        if kw["parallel_tempering"] and kw["algorithm"] == "wolff":
            # Wolff's sweep length is learnt per temperature while thermalising
            raise PhysmlError("--parallel-tempering across MPI ranks does not take --algorithm "
                              "wolff (use metropolis, heatbath or sw, or one rank with threads)")
        run_simulate_mpi(sizes=sizes, temperatures=kw["temperature_grid"], threads=threads,
                         command_line=_command_line(), comm=comm,
                         **{k: v for k, v in kw.items() if k not in ("shard", "replica_ids")})
        return
    run_simulate(sizes=sizes, temperatures=temps, threads=threads,
                 command_line=_command_line(), **kw)


def _check_memory(lattice: str, sizes: list[int], n_temps: int, kw: dict[str, Any]) -> None:
    n_meas = kw["sweeps"] // kw["measure_every"]
    from . import parsing

    limit = parsing.memory_limit()
    if limit is None:
        return
    for L in sizes:
        n = registry.lattice_sites(lattice, L)
        configs = n_temps * min(kw["save_configs"], n_meas) * n
        # spins, a 4-byte working copy, neighbour table (~4 z bytes), series
        need = n_temps * n * 10 + n * 32 + configs + n_temps * n_meas * 16
        if need > limit:
            raise PhysmlError(f"--size {L} on the {lattice} lattice needs about "
                              f"{need / 2**30:.1f} GiB, more than this machine's memory allows "
                              f"({limit / 2**30:.1f} GiB)")


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
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--tol", type=float, default=1e-8, show_default=True)
@click.option("--max-iter", type=int, default=10000, show_default=True)
@click.option("--threads", type=int, default=None)
@click.option("--output", "-o", default="linear_model.h5", show_default=True)
@click.option("--overwrite", is_flag=True)
@click.option("--json", "as_json", is_flag=True, help="Print the fit as JSON on stdout.")
def train_linear(data: str, model_name: str, alpha: str, l1_ratio: float, cv: int,
                 no_intercept: bool, standardize: bool, target: str | None, tc: float | None,
                 features: str, test_fraction: float, seed: int, tol: float, max_iter: int,
                 threads: int | None, output: str, overwrite: bool, as_json: bool) -> None:
    """Linear and logistic regression: OLS, ridge, lasso, elastic net, logistic, softmax."""
    from . import parsing
    from .commands_train import run_train_linear

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
    threads = _threads(threads)
    run_train_linear(data=data, model=model_name, alphas=alphas, l1_ratio=l1_ratio, cv=cv,
                     fit_intercept=not no_intercept, standardize=standardize, target=target,
                     tc=tc, features=features, test_fraction=test_fraction, seed=seed, tol=tol,
                     max_iter=max_iter, threads=threads, output=output, overwrite=overwrite,
                     as_json=as_json, command_line=_command_line())


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
              help="sgd, momentum, nesterov, adam, adamw.")
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
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=int, default=None)
@click.option("--output", "-o", default="mlp.h5", show_default=True)
@click.option("--overwrite", is_flag=True)
@click.option("--plot", type=click.Path(dir_okay=False), default=None,
              help="PNG of the learning curves.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def train_mlp(data: str, hidden: str, activation: str, conv: str | None, dropout: float,
              architecture: str | None, labels: str, tc: float | None, loss: str, epochs: int,
              batch_size: int, optimizer: str, lr: float, momentum: float, weight_decay: float,
              l1: float, l2: float, init: str, val_fraction: float, test_fraction: float,
              patience: int, seed: int, threads: int | None, output: str, overwrite: bool,
              plot: str | None, as_json: bool) -> None:
    """A feed-forward network (dense and periodic conv layers) trained by the autodiff engine."""
    from . import parsing, train_mlp as tm
    from .commands_train import run_train_mlp

    widths = parsing.int_list(hidden, "--hidden", allow_empty=True)
    convs = parsing.conv_list(conv) if conv else []
    if activation not in ("relu", "tanh", "sigmoid", "softplus", "logcosh"):
        raise PhysmlError(f"unknown --activation {activation!r} (choose relu, tanh, sigmoid, "
                          "softplus, logcosh)")
    if labels not in tm.LABELS:
        raise PhysmlError(f"unknown --labels {labels!r} (choose {', '.join(tm.LABELS)})")
    if loss not in tm.LOSSES:
        raise PhysmlError(f"unknown --loss {loss!r} (choose {', '.join(tm.LOSSES)})")
    if optimizer not in tm.OPTIMIZERS:
        raise PhysmlError(f"unknown --optimizer {optimizer!r} (choose {', '.join(tm.OPTIMIZERS)})")
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
                  command_line=_command_line(), labels=labels, tc=tc, loss=loss, hidden=widths,
                  activation=activation, conv=convs, dropout=dropout, architecture=architecture,
                  plot=plot, optimizer=optimizer, lr=lr, epochs=epochs, batch_size=batch_size,
                  momentum=momentum, weight_decay=weight_decay, l1=l1, l2=l2, patience=patience,
                  init=init, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed,
                  threads=_threads(threads))


@train.command("hopfield")
@click.argument("data")
@click.option("--rule", type=click.Choice(("hebbian", "pseudoinverse", "storkey")),
              default="hebbian", show_default=True)
@click.option("--patterns", "count", type=int, default=None,
              help="Store this many patterns, drawn at random (--seed) from the data [all].")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--output", "-o", default="hopfield.h5", show_default=True)
@click.option("--overwrite", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
def train_hopfield(data: str, rule: str, count: int | None, seed: int, output: str,
                   overwrite: bool, as_json: bool) -> None:
    """Store patterns (+-1 or 0/1 rows, or Ising configurations) in a Hopfield network."""
    from .commands_hopfield import run_train_hopfield

    if count is not None and count < 1:
        raise PhysmlError("--patterns must be >= 1")
    run_train_hopfield(data=data, rule=rule, count=count, seed=seed, output=output,
                       overwrite=overwrite, as_json=as_json,
                       command_line=_command_line())


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
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=int, default=None)
@click.option("--output", "-o", default="rbm.h5", show_default=True)
@click.option("--overwrite", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
def train_rbm(data: str, hidden: int, cd_k: int, persistent: bool, epochs: int, lr: float,
              batch_size: int, momentum: float, l2: float, units: str, ais_runs: int,
              ais_betas: int, seed: int, threads: int | None, output: str, overwrite: bool,
              as_json: bool) -> None:
    """Restricted Boltzmann machine by contrastive divergence, with its log-likelihood."""
    from .commands_rbm import run_train_rbm

    if hidden < 1 or cd_k < 1 or epochs < 0 or batch_size < 1:
        raise PhysmlError("--hidden, --cd-k and --batch-size must be >= 1, --epochs >= 0")
    if not lr > 0 or not 0 <= momentum < 1 or not l2 >= 0:
        raise PhysmlError("--lr must be > 0, --momentum in [0, 1), --l2 >= 0")
    if ais_runs < 2 or ais_betas < 2:
        raise PhysmlError("--ais-runs and --ais-betas must be >= 2")
    threads = _threads(threads)
    opts = dict(hidden=hidden, cd_k=cd_k, persistent=persistent, epochs=epochs, lr=lr,
                batch_size=batch_size, momentum=momentum, l2=l2, seed=seed)
    run_train_rbm(data=data, units=units, opts=opts, threads=threads, ais_runs=ais_runs,
                  ais_betas=ais_betas, output=output, overwrite=overwrite, as_json=as_json,
                  command_line=_command_line())


@cli.command()
@click.argument("model")
@click.option("--samples", type=int, default=1000, show_default=True)
@click.option("--gibbs-steps", type=int, default=1000, show_default=True,
              help="Gibbs steps from a random start to each sample.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=int, default=None)
@click.option("--output", "-o", default="samples.h5", show_default=True)
@click.option("--overwrite", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
def sample(model: str, samples: int, gibbs_steps: int, seed: int, threads: int | None,
           output: str, overwrite: bool, as_json: bool) -> None:
    """Draw configurations from a trained RBM, written like a simulation (same observables)."""
    from .commands_rbm import run_sample

    if samples < 2 or gibbs_steps < 1:
        raise PhysmlError("--samples must be >= 2 and --gibbs-steps >= 1")
    threads = _threads(threads)
    run_sample(model_path=model, n=samples, steps=gibbs_steps, seed=seed, threads=threads,
               output=output, overwrite=overwrite, as_json=as_json,
               command_line=_command_line())


@cli.group()
def hopfield() -> None:
    """Hopfield networks: storage capacity and associative recall."""


@hopfield.command("capacity")
@click.option("--neurons", type=int, default=1000, show_default=True)
@click.option("--loads", default="0.05:0.25:21", show_default=True,
              help="Loads alpha = P/N: a:b:n or a comma list.")
@click.option("--trials", type=int, default=10, show_default=True,
              help="Independent pattern sets per load.")
@click.option("--probes", type=int, default=10, show_default=True,
              help="Patterns recalled per trial.")
@click.option("--corrupt", type=float, default=0.0, show_default=True,
              help="Fraction of neurons flipped in the starting state.")
@click.option("--rule", type=click.Choice(("hebbian", "pseudoinverse", "storkey")),
              default="hebbian", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=int, default=None)
@click.option("--json", "as_json", is_flag=True)
@click.option("--plot", type=click.Path(dir_okay=False), default=None,
              help="PNG of the recall overlap against the load.")
def hopfield_capacity(neurons: int, loads: str, trials: int, probes: int, corrupt: float,
                      rule: str, seed: int, threads: int | None, as_json: bool,
                      plot: str | None) -> None:
    """Recall overlap against the load P/N, and the capacity alpha_c with its error."""
    from . import parsing
    from .commands_hopfield import run_capacity

    grid = parsing.positive_grid(loads, "--loads")
    if neurons < 2:
        raise PhysmlError("--neurons must be >= 2")
    if trials < 2 or probes < 1:
        raise PhysmlError("--trials must be >= 2 and --probes >= 1")
    if not 0 <= corrupt < 0.5:
        raise PhysmlError("--corrupt must be in [0, 0.5)")
    if max(grid) * neurons > 20 * neurons or max(grid) > 2:
        raise PhysmlError("--loads: P/N above 2 makes no sense for a Hopfield network")
    threads = _threads(threads)
    run_capacity(neurons=neurons, loads=grid, trials=trials, probes=probes, corrupt=corrupt,
                 rule=rule, seed=seed, threads=threads, as_json=as_json, plot=plot)


@hopfield.command("recall")
@click.argument("network")
@click.option("--input", "input_path", default=None,
              help="States to restore (+-1 or 0/1 rows) [default: the stored patterns].")
@click.option("--corrupt", type=float, default=0.1, show_default=True,
              help="Fraction of neurons flipped in each input first.")
@click.option("--dynamics", type=click.Choice(("async", "sync", "modern")), default="async",
              show_default=True, help="Asynchronous, synchronous, or the dense (modern) update.")
@click.option("--temperature", type=float, default=0.0, show_default=True,
              help="Glauber temperature (async/sync).")
@click.option("--beta", type=float, default=8.0, show_default=True,
              help="Inverse temperature of the modern update's softmax.")
@click.option("--max-sweeps", type=int, default=100, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--output", "-o", default=None, help="HDF5 with inputs, outputs and overlaps.")
@click.option("--overwrite", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
def hopfield_recall(network: str, input_path: str | None, corrupt: float, dynamics: str,
                    temperature: float, beta: float, max_sweeps: int, seed: int,
                    output: str | None, overwrite: bool, as_json: bool) -> None:
    """Restore corrupted patterns with a trained network."""
    from .commands_hopfield import run_recall

    if not 0 <= corrupt <= 1:
        raise PhysmlError("--corrupt must be in [0, 1]")
    if not temperature >= 0 or not beta > 0 or max_sweeps < 1:
        raise PhysmlError("--temperature must be >= 0, --beta > 0 and --max-sweeps >= 1")
    run_recall(network=network, input_path=input_path, corrupt=corrupt, dynamics=dynamics,
               temperature=temperature, beta=beta, max_sweeps=max_sweeps, seed=seed,
               output=output, overwrite=overwrite, as_json=as_json,
               command_line=_command_line())


@cli.command()
@click.argument("model")
@click.argument("data")
@click.option("--target", default=None, help="Targets to score against [the model's].")
@click.option("--tc", type=float, default=None, help="T_c for --target phase [the model's].")
@click.option("--output", "-o", default=None, help="HDF5 file for the predictions.")
@click.option("--overwrite", is_flag=True)
@click.option("--json", "as_json", is_flag=True, help="Print predictions and score as JSON.")
def predict(model: str, data: str, target: str | None, tc: float | None, output: str | None,
            overwrite: bool, as_json: bool) -> None:
    """Apply a trained linear model or MLP to a data file (same features as in training)."""
    from .commands_train import run_predict

    run_predict(model_path=model, data=data, target=target, tc=tc, output=output,
                overwrite=overwrite, as_json=as_json,
                command_line=_command_line())


def _hamiltonian_options(default_size: int) -> Any:
    """The spin-Hamiltonian options that `exact` and `vmc` share."""
    options = [
        click.option("--hamiltonian", default="tfim", show_default=True,
                     help=registry.listing("hamiltonian") + " (Pauli-matrix conventions; see "
                          "docs/quantum.md)."),
        click.option("--lattice", default="chain", show_default=True,
                     help=registry.listing("lattice") + "."),
        click.option("--size", type=int, default=default_size, show_default=True,
                     help="Linear size L."),
        click.option("--J", "J", type=float, default=1.0, show_default=True, help="Coupling."),
        click.option("--h", "h", type=float, default=1.0, show_default=True,
                     help="Transverse field (tfim)."),
        click.option("--delta", type=float, default=1.0, show_default=True,
                     help="Anisotropy (xxz)."),
        click.option("--J2", "J2", type=float, default=0.0, show_default=True,
                     help="Next-nearest-neighbour coupling (j1j2)."),
        click.option("--open", "open_boundaries", is_flag=True,
                     help="Open boundaries along every axis (" + ", ".join(
                         e.name for e in registry.entries("lattice")
                         if e.can("open_boundaries")) + ")."),
    ]

    def apply(f: Any) -> Any:
        for option in reversed(options):
            f = option(f)
        return f
    return apply


@cli.command()
@_hamiltonian_options(default_size=12)
@click.option("--sz", default="auto", show_default=True,
              help="Sector: total S^z (e.g. 0), full, or auto (S^z = 0 when conserved).")
@click.option("--levels", type=int, default=2, show_default=True, help="Lowest levels to report.")
@click.option("--tol", type=float, default=1e-12, show_default=True)
@click.option("--max-iter", type=int, default=1000, show_default=True, help="Lanczos steps at most.")
@click.option("--seed", type=int, default=0, show_default=True, help="Lanczos start vector.")
@click.option("--threads", type=int, default=None)
@click.option("--output", "-o", default=None, help="HDF5 file for the result.")
@click.option("--overwrite", is_flag=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def exact(hamiltonian: str, lattice: str, size: int, J: float, h: float, delta: float, J2: float,
          open_boundaries: bool, sz: str, levels: int, tol: float, max_iter: int, seed: int,
          threads: int | None, output: str | None, overwrite: bool, as_json: bool) -> None:
    """Exact ground state (Lanczos) of a spin-1/2 Hamiltonian: energies, gap, correlations."""
    from . import exact as ex
    from .commands_quantum import run_exact

    ex.check_model(hamiltonian, lattice, size, J, h, delta, J2, open_boundaries)
    if levels < 1 or max_iter < 2 or not tol > 0:
        raise PhysmlError("--levels must be >= 1, --max-iter >= 2 and --tol > 0")
    run_exact(hamiltonian=hamiltonian, lattice=lattice, size=size, J=J, h=h, delta=delta, J2=J2,
              open_boundaries=open_boundaries, sz=sz, levels=levels, tol=tol, max_iter=max_iter,
              seed=seed, threads=_threads(threads), output=output, overwrite=overwrite,
              as_json=as_json, command_line=_command_line())


@cli.command()
@_hamiltonian_options(default_size=20)
@click.option("--ansatz", default="rbm", show_default=True, help=registry.listing("ansatz") + ".")
@click.option("--alpha", type=float, default=1.0, show_default=True,
              help="Hidden units per site (rbm; ffn's default width).")
@click.option("--complex", "complex_parameters", is_flag=True,
              help="Complex parameters (" + ", ".join(
                  e.name for e in registry.entries("ansatz") if e.can("complex_parameters")) + ").")
@click.option("--architecture", default=None,
              help="ffn layers, e.g. 'dense:40,tanh,dense:20,logcosh'; log psi = sum of outputs "
                   "[dense:alpha*N,logcosh].")
@click.option("--init-scale", type=float, default=0.01, show_default=True,
              help="Standard deviation of the random initial parameters (rbm, jastrow).")
@click.option("--marshall/--no-marshall", default=None,
              help="Marshall sign rule [on for antiferromagnetic heisenberg/xxz/j1j2 on "
                   "bipartite lattices].")
@click.option("--sampler", default="auto", show_default=True,
              help="local (single flips), exchange (magnetization-conserving) or auto.")
@click.option("--samples", type=int, default=1008, show_default=True,
              help="Samples per iteration (rounded up to a multiple of --chains).")
@click.option("--chains", type=int, default=16, show_default=True, help="Markov chains.")
@click.option("--discard", type=int, default=10, show_default=True,
              help="Sweeps each chain discards at the start of every iteration.")
@click.option("--sweep-size", type=int, default=0, show_default=True,
              help="Proposals between samples [0: one per site].")
@click.option("--iterations", type=int, default=300, show_default=True,
              help="Optimisation steps (with --resume: steps added).")
@click.option("--optimizer", default="sr", show_default=True,
              help=registry.listing("vmc_optimizer") + ".")
@click.option("--lr", type=float, default=0.05, show_default=True, help="Learning rate.")
@click.option("--diag-shift", type=float, default=0.01, show_default=True,
              help="SR: shift added to the diagonal of S.")
@click.option("--sr-solver", default="auto", show_default=True,
              help="SR: dense (Cholesky-preconditioned CG in parameter space), kernel (the same "
                   "in sample space), cg (matrix-free) or auto (the cheaper of dense/kernel).")
@click.option("--cg-tol", type=float, default=1e-6, show_default=True,
              help="SR: relative residual at which CG stops.")
@click.option("--measure-samples", type=int, default=4096, show_default=True,
              help="Fresh samples for the final energy and observables.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=int, default=None)
@click.option("--output", "-o", default=None, help="HDF5 file for the run (needed by --resume).")
@click.option("--overwrite", is_flag=True)
@click.option("--resume", is_flag=True, help="Continue the run saved in --output.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
@click.option("--plot", type=click.Path(dir_okay=False), default=None,
              help="PNG of energy and variance per iteration.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def vmc(iterations: int, measure_samples: int, threads: int | None, output: str | None,
        overwrite: bool, resume: bool, as_json: bool, plot: str | None, quiet: bool,
        **settings: Any) -> None:
    """Variational Monte Carlo ground state with a neural-network (or Jastrow) wave function."""
    from .commands_quantum import run_vmc

    if iterations < 0:
        raise PhysmlError(f"--iterations must be >= 0 (got {iterations})")
    if measure_samples < 1:
        raise PhysmlError(f"--measure-samples must be >= 1 (got {measure_samples})")
    if resume and overwrite:
        raise PhysmlError("--resume and --overwrite contradict each other")
    run_vmc(settings=settings, iterations=iterations, measure_samples=measure_samples,
            threads=_threads(threads), output=output, overwrite=overwrite, resume=resume,
            as_json=as_json, plot=plot, quiet=quiet, command_line=_command_line())


@cli.command("detect-transition")
@click.argument("files", nargs=-1, required=True)
@click.option("--method", "methods", multiple=True, default=("all",), show_default=True,
              help="binder, peaks, supervised, confusion, pca, autoencoder or all (repeatable).")
@click.option("--bootstrap", type=int, default=100, show_default=True,
              help="Bootstrap samples for the error bars.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--nu", default="1", show_default=True,
              help="Exponent of T(L) = T_c + a L^(-1/nu), or 'fit' (four sizes or more).")
@click.option("--window", default=None,
              help="supervised: train on T <= a and T >= b, as 'a,b' [lowest and highest "
                   "quarter of the temperatures].")
@click.option("--epochs", type=int, default=20, show_default=True,
              help="Training epochs of the networks (and of each confusion trial).")
@click.option("--threads", type=int, default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the estimates as JSON on stdout.")
@click.option("--plot", type=click.Path(dir_okay=False), default=None,
              help="PNG with one panel per method.")
def detect_transition(files: tuple[str, ...], methods: tuple[str, ...], bootstrap: int, seed: int,
                      nu: str, window: str | None, epochs: int, threads: int | None,
                      as_json: bool, plot: str | None) -> None:
    """Locate a phase transition from simulate datasets (several sizes of one model)."""
    from . import parsing, transition
    from .commands_transition import run_detect

    chosen: list[str] = []
    for m in methods:
        for name in m.split(","):
            if name == "all":
                chosen += list(transition.METHODS)
            elif name in transition.METHODS:
                chosen.append(name)
            else:
                raise PhysmlError(f"unknown --method {name!r} "
                                  f"(choose {', '.join(transition.METHODS)} or all)")
    chosen = list(dict.fromkeys(chosen))
    if bootstrap < 0 or epochs < 1:
        raise PhysmlError("--bootstrap must be >= 0 and --epochs >= 1")
    nu_value: float | None = None
    if nu != "fit":
        try:
            nu_value = float(nu)
        except ValueError:
            raise PhysmlError(f"--nu {nu!r}: expected a number or 'fit'") from None
        if not (nu_value > 0 and nu_value < float("inf")):
            raise PhysmlError(f"--nu must be > 0 (got {nu})")
    bounds = None
    if window is not None:
        w = parsing.number_grid(window, "--window")
        if len(w) != 2 or not w[0] < w[1]:
            raise PhysmlError("--window: expected 'a,b' with a < b")
        bounds = (w[0], w[1])
    run_detect(files=list(files), methods=chosen, bootstrap=bootstrap, seed=seed, nu=nu_value,
               window=bounds, epochs=epochs, threads=_threads(threads), as_json=as_json,
               plot=plot)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--output", "-o", required=True, help="HDF5 file for the whole grid.")
@click.option("--overwrite", is_flag=True)
@click.option("--json", "as_json", is_flag=True, help="Print a summary as JSON on stdout.")
def merge(files: tuple[str, ...], output: str, overwrite: bool, as_json: bool) -> None:
    """Combine `simulate --shard i/n` outputs into one file (as an unsharded run writes it)."""
    from . import merge as merging
    from . import report

    r = merging.run(list(files), output, overwrite, _command_line())
    if as_json:
        report.print_json(r)
    else:
        report.stderr.print(f"{r['shards']} shards, {r['temperatures']} temperatures -> {output}",
                            highlight=False, markup=False)


@cli.command()
@click.argument("file")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def info(file: str, as_json: bool) -> None:
    """Summarise any physml HDF5 file."""
    from . import report, schema

    desc = schema.describe(file)
    if as_json:
        report.print_json(desc)
        return
    out = report.stdout_console()
    for part in report.info_table(desc):
        out.print(part)


def main() -> None:
    from .mpi import launched_rank

    if launched_rank() != 0:  # under MPI only rank 0 speaks (every rank meets the same error)
        sys.stderr = open(os.devnull, "w")
    code = 0
    try:
        cli.main(prog_name="physml", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        _fail(exc.format_message())
    except PhysmlError as exc:
        _fail(str(exc))
    except Interrupted as exc:
        print(f"physml: {exc}", file=sys.stderr)
        code = 128 + exc.signum
    except (click.Abort, KeyboardInterrupt):
        print("physml: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")
        code = 141
    sys.exit(code)


def _command_line() -> str:
    """The command as typed, for provenance in output files."""
    return " ".join(shlex.quote(a) for a in sys.argv)


def _threads(requested: int | None) -> int:
    from . import parsing

    threads = parsing.default_threads() if requested is None else requested
    if threads < 1:
        raise PhysmlError(f"--threads must be >= 1 (got {threads})")
    return threads


def _fail(message: str) -> None:
    print(f"physml: error: {message}", file=sys.stderr)
    sys.exit(2)
