"""``physml detect-transition``."""
from __future__ import annotations

import click

from physml_cli.cli.app import cli
from physml_cli.errors import PhysmlError
from physml_cli.runtime import emit, options


@cli.command("detect-transition")
@click.argument("files", nargs=-1, required=True)
@click.option("--method", "methods", multiple=True, default=("all",), show_default=True,
              help="binder, peaks, supervised, confusion, pca, autoencoder or all (repeatable).")
@click.option("--bootstrap", type=int, default=100, show_default=True,
              help="Bootstrap samples for the error bars.")
@options.seed()
@click.option("--nu", default="1", show_default=True,
              help="Exponent of T(L) = T_c + a L^(-1/nu), or 'fit' (four sizes or more).")
@click.option("--window", default=None,
              help="supervised: train on T <= a and T >= b, as 'a,b' [lowest and highest "
                   "quarter of the temperatures].")
@click.option("--epochs", type=int, default=20, show_default=True,
              help="Training epochs of the networks (and of each confusion trial).")
@options.threads()
@options.json("Print the estimates as JSON on stdout.")
@options.plot("PNG with one panel per method.")
@options.overwrite()
def detect_transition(files: tuple[str, ...], methods: tuple[str, ...], bootstrap: int, seed: int,
                      nu: str, window: str | None, epochs: int, threads: int | None,
                      as_json: bool, plot: str | None, overwrite: bool) -> None:
    """Locate a phase transition from simulate datasets (several sizes of one model)."""
    from physml_cli.cli import parsing
    from physml_cli.analysis import transition
    from physml_cli.commands.transition import run_detect

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
               window=bounds, epochs=epochs, threads=emit.threads(threads), as_json=as_json,
               plot=plot, overwrite=overwrite)
