"""Phase-transition estimates from simulate datasets, by six methods side by side.

Every method reduces each size to a curve over temperature, reads a temperature off it (a
crossing, a peak, a 0.5 level, a steepest descent), and extrapolates the sizes with
T(L) = T_c + a L^(-1/nu). Error bars come from a bootstrap of that whole chain: Gaussian
resampling of the jackknife errors for the thermodynamic curves (binder, peaks), resampling of
the configurations at each temperature for the learned ones (the networks are trained once;
their training noise is not in the error bar); extrapolated estimates add in quadrature how far
the two largest sizes alone would move them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from physml_cli import _engine
from physml_cli.analysis import curve_estimates as ce
from physml_cli.errors import PhysmlError
from physml_cli.io.transition_data import SizeData, features

METHODS = ("binder", "peaks", "supervised", "confusion", "pca", "autoencoder")


class Skipped(Exception):
    """A method cannot run on these data; the message says why."""


@dataclass
class Context:
    data: list[SizeData]
    bootstrap: int = 100
    seed: int = 0
    nu: float | None = 1.0          # None: fitted (needs four sizes)
    window: tuple[float, float] | None = None
    epochs: int = 20
    threads: int = 1
    warnings: list[str] = field(default_factory=list)

    @property
    def sizes(self) -> np.ndarray:
        return np.array([d.L for d in self.data], float)

    def stream(self, offset: int) -> int:
        """The seed of the offset-th network or resampling: a 64-bit word, like --seed."""
        return (self.seed + offset) % 2**64


# An estimator maps a random generator (None: the central estimate) to
# ({label: temperature or None}, T_c or None).
Estimator = Callable[[np.random.Generator | None], tuple[dict[str, float | None], float | None]]


def needs_configs(d: SizeData, method: str, minimum: int = 10) -> None:
    if d.configs.shape[1] < minimum:
        raise Skipped(f"{method} needs stored configurations: {d.path} has {d.configs.shape[1]} "
                      "per temperature (simulate --save-configs)")


def _bootstrap(ctx: Context, estimator: Estimator, name: str) -> dict[str, Any]:
    per, tc = estimator(None)
    if tc is None:
        raise Skipped(f"{name}: the temperatures do not bracket a transition")
    rng = np.random.default_rng(ctx.seed)
    reps = [estimator(rng) for _ in range(ctx.bootstrap)]
    tcs = np.array([r[1] for r in reps if r[1] is not None], float)
    out: dict[str, Any] = {"tc": tc, "tc_err": float(np.std(tcs, ddof=1)) if len(tcs) > 1 else None}
    if ctx.bootstrap and len(tcs) < 0.9 * ctx.bootstrap:
        ctx.warnings.append(f"{name}: {ctx.bootstrap - len(tcs)} of {ctx.bootstrap} bootstrap "
                            "samples found no transition; the error bar is uncertain")
    out["per_size"] = {}
    for label, t in per.items():
        vals = np.array([r[0].get(label) for r in reps if r[0].get(label) is not None], float)
        out["per_size"][label] = {"t": t, "t_err": float(np.std(vals, ddof=1)) if len(vals) > 1 else None}
    return out


def _nu(ctx: Context, sizes: np.ndarray, t: np.ndarray) -> float:
    if ctx.nu is not None:
        return ctx.nu
    return ce.fit_nu(sizes, t) if len(sizes) >= 4 else 1.0


def _reported_nu(ctx: Context, per_size: dict[str, dict]) -> float:
    ok = [(float(k), v["t"]) for k, v in per_size.items() if v["t"] is not None]
    return _nu(ctx, np.array([o[0] for o in ok]), np.array([o[1] for o in ok]))


def _extrapolated(ctx: Context, per: dict[str, float | None]) -> float | None:
    ok = [(float(k), v) for k, v in per.items() if v is not None]
    if not ok:
        return None
    L, t = np.array([o[0] for o in ok]), np.array([o[1] for o in ok])
    return ce.extrapolate(L, t, _nu(ctx, L, t))[0]


def _add_extrapolation_systematic(ctx: Context, out: dict[str, Any]) -> None:
    """With three or more sizes, the extrapolation is repeated without the smallest ones (the
    two largest only): the difference measures the corrections to T_c + a L^(-1/nu) that the
    fit ignores. It enters tc_err in quadrature with the bootstrap error (tc_stat, tc_sys)."""
    ok = [(float(k), v["t"]) for k, v in out["per_size"].items() if v["t"] is not None]
    stat = out["tc_err"]
    out["tc_stat"], out["tc_sys"] = stat, None
    if len(ok) < 3:
        return
    ok.sort()
    L, t = np.array([o[0] for o in ok]), np.array([o[1] for o in ok])
    two = ce.extrapolate(L[-2:], t[-2:], _nu(ctx, L, t))[0]
    out["tc_sys"] = abs(two - out["tc"])
    out["tc_err"] = float(np.hypot(stat or 0.0, out["tc_sys"]))


def _same_grid(ctx: Context, name: str) -> np.ndarray:
    T = ctx.data[0].temperatures
    for d in ctx.data[1:]:
        if len(d.temperatures) != len(T) or not np.allclose(d.temperatures, T):
            raise Skipped(f"{name} needs the same temperatures for every size")
    return T


def binder(ctx: Context) -> dict[str, Any]:
    if len(ctx.data) < 2:
        raise Skipped("binder needs at least two sizes")
    T = _same_grid(ctx, "binder")

    def estimate(rng):
        U = [d.summary["binder"] + (0 if rng is None else rng.normal(size=len(T)) * d.summary["binder_err"])
             for d in ctx.data]
        per = {f"{a.L}-{b.L}": ce.crossing(T, U[j + 1] - U[j])
               for j, (a, b) in enumerate(zip(ctx.data, ctx.data[1:]))}
        return per, ce.crossing(T, U[-1] - U[-2])  # the two largest sizes: smallest corrections

    out = _bootstrap(ctx, estimate, "binder")
    out["curves"] = {d.L: (T, d.summary["binder"], d.summary["binder_err"]) for d in ctx.data}
    return out


def peaks(ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in ("c", "chi"):
        def estimate(rng, q=q):
            per = {}
            for d in ctx.data:
                y = d.summary[q] + (0 if rng is None else rng.normal(size=len(d.temperatures)) * d.summary[q + "_err"])
                per[str(d.L)] = ce.peak(d.temperatures, y)
            return per, _extrapolated(ctx, per)
        out[q] = _bootstrap(ctx, estimate, f"peaks ({q})")
        _add_extrapolation_systematic(ctx, out[q])
    tc = [out[q]["tc"] for q in ("c", "chi")]
    err = [out[q]["tc_err"] or 0.0 for q in ("c", "chi")]
    res = {"tc": float(np.mean(tc)), "tc_err": float(0.5 * np.hypot(*err) + 0.5 * abs(tc[0] - tc[1])),
           "tc_c": tc[0], "tc_c_err": out["c"]["tc_err"], "tc_chi": tc[1], "tc_chi_err": out["chi"]["tc_err"],
           "per_size": {f"{q}_{L}": v for q in ("c", "chi") for L, v in out[q]["per_size"].items()},
           "nu": _reported_nu(ctx, out["chi"]["per_size"])}
    res["curves"] = {d.L: (d.temperatures, d.summary["c"], d.summary["chi"]) for d in ctx.data}
    return res


def _config_method(ctx: Context, name: str, scores: Callable[[SizeData, int], np.ndarray],
                   reduce: Callable[[np.ndarray, np.ndarray], float | None]) -> dict[str, Any]:
    """Methods that give every configuration a score: per size, the mean score per temperature
    is reduced to a temperature; the bootstrap resamples configurations."""
    per_scores = {}
    for k, d in enumerate(ctx.data):
        needs_configs(d, name)
        per_scores[d.L] = scores(d, k)

    def estimate(rng):
        per = {}
        for d in ctx.data:
            s = per_scores[d.L]
            if rng is not None:
                s = np.take_along_axis(s, rng.integers(0, s.shape[1], size=s.shape), axis=1)
            per[str(d.L)] = reduce(d.temperatures, s.mean(axis=1))
        return per, _extrapolated(ctx, per)

    out = _bootstrap(ctx, estimate, name)
    _add_extrapolation_systematic(ctx, out)
    out["curves"] = {d.L: (d.temperatures, per_scores[d.L].mean(axis=1)) for d in ctx.data}
    return out


def _train(X: np.ndarray, y: np.ndarray, arch: str, loss: str, ctx: Context, seed: int,
           epochs: int, lr: float = 1e-3) -> list[np.ndarray]:
    empty_y = np.zeros((0, y.shape[1]))
    try:
        r = _engine.mlp_train(X, y, X[:0], empty_y, arch, (1, X.shape[1], 1), loss=loss,
                              optimizer="adam", lr=lr, epochs=epochs, batch_size=64, seed=seed,
                              threads=ctx.threads)
    except ValueError as exc:
        raise PhysmlError(str(exc)) from None
    return r["params"]


def _window(ctx: Context, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Training temperatures: --window's, or the lowest and highest quarter of the scan."""
    if ctx.window is None:
        q = max(1, len(T) // 4)
        return T <= np.sort(T)[q - 1], T >= np.sort(T)[-q]
    low, high = T <= ctx.window[0], T >= ctx.window[1]
    if not low.any() or not high.any():
        raise Skipped(f"supervised: no temperatures below {ctx.window[0]:g} or above "
                      f"{ctx.window[1]:g} to train on")
    return low, high


def supervised(ctx: Context) -> dict[str, Any]:
    """Carrasquilla-Melko with labels from the data: trained on configurations far below and
    above the transition, P(ordered) = 1/2 marks T_c(L)."""
    def scores(d: SizeData, k: int) -> np.ndarray:
        F = features(d)
        low, high = _window(ctx, d.temperatures)
        X = np.concatenate([F[low].reshape(-1, F.shape[2]), F[high].reshape(-1, F.shape[2])])
        y = np.concatenate([np.zeros(int(low.sum()) * F.shape[1]), np.ones(int(high.sum()) * F.shape[1])])
        arch = "dense:64,relu,dense:2"
        params = _train(X, y.reshape(-1, 1), arch, "cross-entropy", ctx, ctx.stream(101 * k), ctx.epochs)
        p = np.asarray(_engine.mlp_predict(arch, (1, F.shape[2], 1), params, F.reshape(-1, F.shape[2]),
                                           "cross-entropy", ctx.threads))
        return p[:, 0].reshape(F.shape[0], F.shape[1])  # probability of the ordered class

    return _config_method(ctx, "supervised", scores, lambda T, p: ce.step_level(T, p, 0.5))


def pca(ctx: Context) -> dict[str, Any]:
    explained = {}

    def scores(d: SizeData, k: int) -> np.ndarray:
        F = features(d)
        X = F.reshape(-1, F.shape[2]).astype(np.float64)
        X -= X.mean(axis=0)
        _, s, Vt = np.linalg.svd(X, full_matrices=False)
        # Potts: the order parameter spans q - 1 directions; Ising: one.
        k_comp = int(d.attrs["q"]) - 1 if d.attrs.get("model") == "potts" else 1
        explained[str(d.L)] = (s[:3] ** 2 / np.sum(s ** 2)).tolist()
        proj = X @ Vt[:k_comp].T / np.sqrt(d.n_sites)
        return np.linalg.norm(proj, axis=1).reshape(F.shape[0], F.shape[1])

    out = _config_method(ctx, "pca", scores, ce.steepest_descent)
    out["explained_variance"] = explained
    return out


def autoencoder(ctx: Context) -> dict[str, Any]:
    def scores(d: SizeData, k: int) -> np.ndarray:
        F = features(d)
        X = F.reshape(-1, F.shape[2])
        n = X.shape[1]
        encoder = "dense:64,tanh,dense:1,tanh"
        params = _train(X, X.astype(np.float64), f"{encoder},dense:64,tanh,dense:{n}", "mse", ctx,
                        ctx.stream(103 * k), ctx.epochs)
        z = np.asarray(_engine.mlp_predict(encoder, (1, n, 1), params[:4], X, "mse", ctx.threads))
        return np.abs(z[:, 0]).reshape(F.shape[0], F.shape[1])

    return _config_method(ctx, "autoencoder", scores, ce.steepest_descent)


def _interior_peak(x: np.ndarray, a: np.ndarray) -> float | None:
    """The highest local maximum away from the two ends (where any threshold is trivial), of
    the accuracy smoothed over three neighbouring trials."""
    a = np.convolve(np.pad(a, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    cand = [k for k in range(1, len(a) - 1) if a[k] >= a[k - 1] and a[k] >= a[k + 1]]
    cand = [k for k in cand if 1 < k < len(a) - 2] or cand
    if not cand:
        return None
    k = max(cand, key=lambda j: a[j])
    lo, hi = max(0, k - 3), min(len(a), k + 4)
    return ce.peak(x[lo:hi], a[lo:hi])


CONFUSION_COMPONENTS = 4


def _leading_components(F: np.ndarray, k: int) -> np.ndarray:
    """Projections of each configuration on the k leading principal components (per site)."""
    X = F.reshape(-1, F.shape[2]).astype(np.float64)
    X -= X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    k = min(k, Vt.shape[0])
    return (X @ Vt[:k].T / np.sqrt(F.shape[2])).astype(np.float32).reshape(F.shape[0], F.shape[1], k)


def confusion(ctx: Context) -> dict[str, Any]:
    correct, trials = {}, {}
    for k, d in enumerate(ctx.data):
        needs_configs(d, "confusion")
        if len(d.temperatures) < 5:
            raise Skipped("confusion needs at least five temperatures")
        # Without the global symmetry, and reduced to its leading principal components, a
        # configuration's order is (nearly) linear in the input: logistic regression, convex,
        # trains every trial T* equally well, where a wide network would fit noise.
        F = _leading_components(features(d, canonical=True), CONFUSION_COMPONENTS)
        n_t, n_c, nf = F.shape
        rng = np.random.default_rng(ctx.stream(7 * k))
        test = np.zeros((n_t, n_c), bool)
        for t in range(n_t):
            test[t, rng.choice(n_c, size=max(1, n_c // 2), replace=False)] = True
        T = np.sort(d.temperatures)
        cuts = 0.5 * (T[1:] + T[:-1])
        Tgrid = np.broadcast_to(d.temperatures[:, None], (n_t, n_c))
        arch = "dense:2"
        acc = []
        for j, cut in enumerate(cuts):
            y = (Tgrid > cut).astype(np.float64)
            params = _train(F[~test], y[~test].reshape(-1, 1), arch, "cross-entropy", ctx,
                            ctx.stream(1000 * k + j), ctx.epochs, lr=1e-2)
            p = np.asarray(_engine.mlp_predict(arch, (1, nf, 1), params, F[test], "cross-entropy", ctx.threads))
            acc.append((p[:, 1] > 0.5) == (y[test] > 0.5))
        correct[d.L] = np.array(acc)  # (cuts, test configurations)
        trials[d.L] = cuts

    def estimate(rng):
        per = {}
        for d in ctx.data:
            c = correct[d.L]
            if rng is not None:
                c = c[:, rng.integers(0, c.shape[1], size=c.shape[1])]
            per[str(d.L)] = _interior_peak(trials[d.L], c.mean(axis=1))
        # The accuracy maximum is broad: an extrapolation would amplify its noise, so T_c is
        # the largest size's value.
        found = [v for v in per.values() if v is not None]
        return per, found[-1] if found else None

    out = _bootstrap(ctx, estimate, "confusion")
    out["curves"] = {d.L: (trials[d.L], correct[d.L].mean(axis=1)) for d in ctx.data}
    return out


RUNNERS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "binder": binder, "peaks": peaks, "supervised": supervised, "confusion": confusion,
    "pca": pca, "autoencoder": autoencoder}
