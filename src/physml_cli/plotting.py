"""Figures. matplotlib is imported lazily: most commands never plot."""
from __future__ import annotations

import os
from typing import Any, Sequence

from .errors import PhysmlError


def observables_vs_temperature(results: Sequence[Any], path: str) -> None:
    """e, |m|, C, χ and Binder U against T with error bars, one curve per size."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = (("e", "energy per site e"), ("m_abs", "|m|"), ("c", "specific heat C"),
              ("chi", "susceptibility χ"), ("binder", "Binder cumulant U"))
    fig, axes = plt.subplots(1, 5, figsize=(20, 4), constrained_layout=True)
    for r in results:
        for ax, (key, label) in zip(axes, panels):
            ax.errorbar(r.temperatures, r.summary[key], yerr=r.summary[key + "_err"], marker="o",
                        ms=3, capsize=2, label=f"L={r.params['L']}")
            ax.set_xlabel("T")
            ax.set_title(label)
    axes[0].legend()
    p = results[0].params
    fig.suptitle(f"{p['model']} on {p['lattice']}, {p['algorithm']}")
    _save(fig, path)


def capacity_curve(result: dict, path: str) -> None:
    """Recall overlap against the load, with the capacity estimate marked."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    ax.errorbar(result["loads"], result["overlap"], yerr=result["overlap_err"], marker="o", ms=3,
                capsize=2, label=f"N = {result['neurons']}, {result['rule']}")
    if result["alpha_c"] is not None:
        ax.axvspan(result["alpha_c"] - result["alpha_c_err"], result["alpha_c"] + result["alpha_c_err"],
                   color="C1", alpha=0.3, label=f"alpha_c = {result['alpha_c']:.3f}")
    ax.axvline(0.138, color="k", ls=":", label="0.138 (N -> infinity)")
    ax.set_xlabel("load alpha = P/N")
    ax.set_ylabel("final overlap m")
    ax.legend()
    _save(fig, path)


def learning_curves(history: dict, loss: str, path: str) -> None:
    """Training and validation loss and score per epoch."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for part, style in (("train", "-"), ("val", "--")):
        for ax, key in zip(axes, ("loss", "score")):
            series = history.get(f"{part}_{key}", [])
            if len(series):
                ax.plot(range(1, len(series) + 1), series, style, marker="o", ms=3, label=part)
    if history.get("best_epoch", -1) >= 0:
        for ax in axes:
            ax.axvline(history["best_epoch"] + 1, color="k", ls=":", label="best validation")
    axes[0].set_ylabel(f"loss ({loss})")
    axes[1].set_ylabel("R²" if loss == "mse" else "accuracy")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.legend()
    _save(fig, path)


def _save(fig, path: str) -> None:
    import matplotlib.pyplot as plt
    tmp = path + ".tmp.png"
    try:
        fig.savefig(tmp, dpi=110)
        os.replace(tmp, path)
    except OSError as exc:
        raise PhysmlError(f"cannot write plot {path}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.unlink(tmp)
