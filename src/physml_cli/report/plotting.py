"""Figures. matplotlib is imported lazily: most commands never plot."""
from __future__ import annotations

import os
from typing import Any, Sequence

from physml_cli.errors import PhysmlError


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


def capacity_curve(result: Any, path: str) -> None:
    """Recall overlap against the load, with the capacity estimate marked (result: the
    capacity command's Capacity)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    ax.errorbar(result.loads, result.overlap, yerr=result.overlap_err, marker="o", ms=3,
                capsize=2, label=f"N = {result.neurons}, {result.rule}")
    if result.alpha_c is not None:
        ax.axvspan(result.alpha_c - result.alpha_c_err, result.alpha_c + result.alpha_c_err,
                   color="C1", alpha=0.3, label=f"alpha_c = {result.alpha_c:.3f}")
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


def vmc_convergence(history: dict, exact: float | None, path: str) -> None:
    """Energy with its error bar, and the local-energy variance, per VMC iteration."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    e, err = np.asarray(history["energy"]), np.asarray(history["energy_err"])
    it = np.arange(1, len(e) + 1)
    fig, axes = plt.subplots(2, 1, figsize=(7, 6), sharex=True, constrained_layout=True)
    axes[0].plot(it, e, lw=1, label="VMC")
    axes[0].fill_between(it, e - err, e + err, alpha=0.3)
    if exact is not None:
        axes[0].axhline(exact, color="k", ls="--", label=f"exact {exact:.6g}")
        lo = exact - 0.02 * abs(exact)
        axes[0].set_ylim(lo, max(e.max() if len(e) else exact, exact) + 0.01 * abs(exact))
    axes[0].set_ylabel("energy")
    axes[0].legend()
    axes[1].semilogy(it, np.maximum(np.asarray(history["variance"]), 1e-300), lw=1)
    axes[1].set_ylabel("variance of E_loc")
    axes[1].set_xlabel("iteration")
    _save(fig, path)


def levels_vs_momentum(result: Any, path: str) -> None:
    """The levels of every scanned sector against its momentum (chains: E(k))."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result.sectors or [dict(momentum=result.momentum or [0], levels=result.levels,
                                   spin_flip=result.spin_flip, irrep=result.irrep)]
    if len({len(r["momentum"]) for r in rows}) != 1 or len(rows[0]["momentum"]) != 1:
        raise PhysmlError("--plot draws E(k) for chains (one momentum component)")
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    markers = {1: ("o", "spin flip +1"), -1: ("s", "spin flip -1"), None: ("o", None)}
    seen = set()
    for r in rows:
        k = 2 * r["momentum"][0] / result.size  # in units of pi
        marker, label = markers.get(r.get("spin_flip"), ("o", None))
        ax.plot([k] * len(r["levels"]), r["levels"], marker, ms=5, fillstyle="none",
                color="C0" if r.get("spin_flip", 1) != -1 else "C1",
                label=label if label not in seen else None)
        seen.add(label)
    ax.set_xlabel("k / pi")
    ax.set_ylabel("energy")
    ax.set_title(f"{result.hamiltonian}, N = {result.n_sites}")
    if any(label for label in seen):
        ax.legend()
    _save(fig, path)


def variational_free_energy(results: list, history: dict, path: str) -> None:
    """F_q (and the importance-sampled F) against T, less the exact F where known; and the
    last temperature's training curve."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    T = np.array([r.T for r in results])
    exact = np.array([np.nan if r.F_exact is None else r.F_exact for r in results])
    known = np.isfinite(exact).all()
    ref = exact if known else 0.0
    F = np.array([r.F for r in results]) - ref
    axes[0].errorbar(T, F, yerr=[r.F_err for r in results], fmt="o-", label="F_q (bound)")
    if all(r.F_is is not None for r in results):
        axes[0].errorbar(T, np.array([r.F_is for r in results]) - ref,
                         yerr=[r.F_is_err for r in results], fmt="s--", label="importance-sampled")
    axes[0].axhline(0, color="k", lw=0.8) if known else None
    axes[0].set_xlabel("T")
    axes[0].set_ylabel("F/N - exact" if known else "F/N")
    axes[0].legend()
    if history.get("F"):
        f = np.asarray(history["F"])
        axes[1].plot(np.arange(1, len(f) + 1), f - (exact[-1] if known else 0.0), lw=0.8)
        axes[1].set_xlabel("step")
        axes[1].set_ylabel("batch F_q/N" + (" - exact" if known else ""))
        if known:
            axes[1].set_yscale("symlog", linthresh=1e-4)
    _save(fig, path)


def transition_panels(results: dict, exact: float | None, nu: float, path: str) -> None:
    """One panel per method (its curves per size and the temperature read off them), and one
    with the finite-size extrapolations T(L) = T_c + a L^(-1/nu)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from physml_cli.analysis.curve_estimates import extrapolate

    extrapolated = {m: r for m, r in results.items() if m in ("peaks", "supervised", "pca",
                                                                "autoencoder")}
    n = len(results) + (1 if extrapolated else 0)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.8 * rows), constrained_layout=True,
                             squeeze=False)
    labels = {"binder": "Binder cumulant U", "peaks": "C per site (solid), χ scaled (dashed)",
              "supervised": "P(ordered)", "confusion": "accuracy (T* trial)",
              "pca": "mean |leading PC| / √N", "autoencoder": "mean |latent|"}
    for ax, (m, r) in zip(axes.flat, results.items()):
        for L, curve in r["curves"].items():
            if m == "binder":
                ax.errorbar(curve[0], curve[1], yerr=curve[2], marker="o", ms=3, label=f"L={L}")
            elif m == "peaks":
                line, = ax.plot(curve[0], curve[1], marker="o", ms=3, label=f"L={L}")
                ax.plot(curve[0], curve[2] / max(curve[2].max(), 1e-300) * curve[1].max(), "--",
                        color=line.get_color())
            else:
                ax.plot(curve[0], curve[1], marker="o", ms=3, label=f"L={L}")
        if m == "supervised":
            ax.axhline(0.5, color="gray", lw=0.8)
        ax.axvline(r["tc"], color="r", lw=1, label=f"T_c = {r['tc']:.4f}")
        if exact is not None:
            ax.axvline(exact, color="k", ls=":", lw=1, label="exact")
        ax.set_title(m)
        ax.set_xlabel("T")
        ax.set_ylabel(labels.get(m, m))
        ax.legend(fontsize=7)
    if extrapolated:
        ax = list(axes.flat)[len(results)]
        for m, r in extrapolated.items():
            for key, label in ([("c", "C peak"), ("chi", "χ peak")] if m == "peaks" else [("", m)]):
                pts = [(float(k.split("_")[-1]), v["t"]) for k, v in r["per_size"].items()
                       if v["t"] is not None and (not key or k.startswith(key + "_"))]
                if not pts:
                    continue
                sizes = np.array([p[0] for p in pts])
                y = np.array([p[1] for p in pts])
                x = sizes ** (-1.0 / nu)
                tc, slope = extrapolate(sizes, y, nu)
                dot, = ax.plot(x, y, "o", label=label)
                if len(pts) > 1:
                    ax.plot([0, x.max()], [tc, tc + slope * x.max()], "-", lw=0.8,
                            color=dot.get_color())
        if exact is not None:
            ax.axhline(exact, color="k", ls=":", lw=1, label="exact")
        ax.set_xlim(left=0)
        ax.set_title("finite-size extrapolation")
        ax.set_xlabel(f"L^(-1/ν), ν = {nu:g}")
        ax.set_ylabel("T(L)")
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
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
