"""``physml detect-transition``."""
from __future__ import annotations

from dataclasses import dataclass

from physml_cli.cli import parsing
from physml_cli.cli.app import cli
from physml_cli.errors import PhysmlError
from physml_cli.runtime import params, settings as opt


@opt.command(cli, "detect-transition", run="physml_cli.commands.transition:run_detect")
@dataclass(frozen=True)
class DetectSettings(opt.Reported, opt.Threaded, opt.Seeded):
    """Locate a phase transition from simulate datasets (several sizes of one model)."""
    files: tuple[str, ...] = opt.argument(nargs=-1, required=True)
    methods: tuple[str, ...] = opt.option(
        ("all",), None, "binder, peaks, supervised, confusion, pca, autoencoder or all "
                        "(repeatable, or a comma list).", flags=("--method",), multiple=True)
    bootstrap: int = opt.option(100, params.Count(0, 100_000),
                                "Bootstrap samples for the error bars.")
    nu: str = opt.option("1", None, "Exponent of T(L) = T_c + a L^(-1/nu), or 'fit' (four "
                                    "sizes or more).")
    window: tuple[float, ...] | None = opt.option(
        None, parsing.Parsed(parsing.number_grid, "a,b"),
        "supervised: train on T <= a and T >= b, as 'a,b' [lowest and highest quarter of the "
        "temperatures].")
    epochs: int = opt.option(20, params.Count(1, 100_000),
                             "Training epochs of the networks (and of each confusion trial).")
    plot: str | None = opt.plot("PNG with one panel per method.")
    overwrite: bool = opt.overwrite()

    def check(self) -> None:
        self.chosen_methods()
        self.nu_value()
        if self.window is not None and not (len(self.window) == 2
                                            and self.window[0] < self.window[1]):
            raise PhysmlError("--window: expected 'a,b' with a < b")

    def chosen_methods(self) -> list[str]:
        from physml_cli.analysis.transition import METHODS

        chosen: list[str] = []
        for m in self.methods:
            for name in m.split(","):
                if name == "all":
                    chosen += list(METHODS)
                elif name in METHODS:
                    chosen.append(name)
                else:
                    raise PhysmlError(f"unknown --method {name!r} "
                                      f"(choose {', '.join(METHODS)} or all)")
        return list(dict.fromkeys(chosen))

    def nu_value(self) -> float | None:
        """None: fit nu."""
        if self.nu == "fit":
            return None
        try:
            nu = float(self.nu)
        except ValueError:
            raise PhysmlError(f"--nu {self.nu!r}: expected a number or 'fit'") from None
        if not (0 < nu < float("inf")):
            raise PhysmlError(f"--nu must be > 0 (got {self.nu})")
        return nu
