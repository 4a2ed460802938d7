"""Where a sampled curve crosses, peaks or changes fastest, and the finite-size
extrapolation T(L) = T_c + a L^(-1/nu): the small estimators every transition method uses.
Each returns None when the temperatures do not bracket what it looks for."""
from __future__ import annotations

import numpy as np


def _root_near(x: np.ndarray, d: np.ndarray, k: int) -> float:
    """Root of d between x[k] and x[k+1] (a sign change), from a quadratic through up to four
    neighbouring points when it has a root there, else linear interpolation."""
    lin = x[k] + d[k] * (x[k + 1] - x[k]) / (d[k] - d[k + 1])
    lo, hi = max(0, k - 1), min(len(x), k + 3)
    if hi - lo >= 4:
        c = np.polyfit(x[lo:hi] - x[k], d[lo:hi], 2)
        roots = np.roots(c).real + x[k] if np.all(np.isfinite(c)) else []
        inside = [r for r in roots if x[k] <= r <= x[k + 1]]
        if inside:
            return float(min(inside, key=lambda r: abs(r - lin)))
    return float(lin)


def crossing(x: np.ndarray, above_then_below: np.ndarray) -> float | None:
    """Where d = above_then_below goes from positive (low x) to negative: the first such sign
    change (e.g. U_large - U_small for Binder cumulants)."""
    d = np.asarray(above_then_below, float)
    k = np.where((d[:-1] > 0) & (d[1:] <= 0))[0]
    return None if len(k) == 0 else _root_near(np.asarray(x, float), d, int(k[0]))


def level_crossing(x: np.ndarray, y: np.ndarray, level: float) -> float | None:
    """Where a decreasing curve y passes `level` (linear interpolation at the sign change
    closest to the middle of the range of sign changes)."""
    d = np.asarray(y, float) - level
    k = np.where((d[:-1] > 0) & (d[1:] <= 0))[0]
    if len(k) == 0:
        return None
    k = int(k[len(k) // 2])
    x = np.asarray(x, float)
    return float(x[k] + d[k] * (x[k + 1] - x[k]) / (d[k] - d[k + 1]))


def peak(x: np.ndarray, y: np.ndarray) -> float | None:
    """Position of an interior maximum: vertex of the parabola through the largest point and
    its neighbours (least squares over five points when there are two on each side)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if not np.isfinite(y).any():  # no estimate at any temperature: no peak to place
        return None
    k = int(np.nanargmax(y))
    if k == 0 or k == len(x) - 1:
        return None
    lo, hi = (k - 2, k + 3) if 2 <= k <= len(x) - 3 else (k - 1, k + 2)
    c = np.polyfit(x[lo:hi] - x[k], y[lo:hi], 2)
    if not c[0] < 0:
        return float(x[k])
    return float(np.clip(x[k] - c[1] / (2 * c[0]), x[k - 1], x[k + 1]))


def fit_step(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float] | None:
    """Least-squares y = A - B tanh((x - x0) / w) with B > 0 (a smoothed step down): (A, B, x0,
    w). A and B are linear, so x0 and w are searched on a grid, then refined. None when the
    best step sits at the edge of the data (nothing is bracketed)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    span = x.max() - x.min()
    yc = y - y.mean()
    best = None
    centres = np.linspace(x.min(), x.max(), 61)
    widths = span * np.geomspace(0.01, 1.0, 25)
    for _ in range(3):
        # Every (centre, width) at once: u = -tanh((x - x0)/w), closed-form slope and residual.
        u = -np.tanh((x[None, None, :] - centres[:, None, None]) / widths[None, :, None])
        uc = u - u.mean(axis=2, keepdims=True)
        suu = np.sum(uc * uc, axis=2)
        b = np.sum(uc * yc, axis=2) / np.maximum(suu, 1e-300)
        r = np.where(b > 0, np.sum(yc * yc) - b * b * suu, np.inf)
        i, j = np.unravel_index(int(np.argmin(r)), r.shape)
        if not np.isfinite(r[i, j]):
            return None
        a = y.mean() - b[i, j] * u[i, j].mean()
        best = (r[i, j], a, b[i, j], centres[i], widths[j])
        step_c, step_w = centres[1] - centres[0], widths[1] / widths[0]
        centres = np.linspace(best[3] - step_c, best[3] + step_c, 21)
        widths = best[4] * np.geomspace(1 / step_w, step_w, 11)
    _, a, b, x0, w = best
    if not x.min() < x0 < x.max():
        return None
    return float(a), float(b), float(x0), float(w)


def steepest_descent(x: np.ndarray, y: np.ndarray) -> float | None:
    """Where a decreasing curve falls fastest: the centre of the fitted smoothed step (robust
    where finite differences of noisy means would not be)."""
    f = fit_step(x, y)
    return None if f is None else f[2]


def step_level(x: np.ndarray, y: np.ndarray, level: float) -> float | None:
    """Where the fitted smoothed step passes `level` (inside the data's range)."""
    f = fit_step(x, y)
    if f is None:
        return None
    a, b, x0, w = f
    u = (a - level) / b
    if not -1 < u < 1:
        return None
    t = x0 + w * float(np.arctanh(u))
    return t if np.min(x) <= t <= np.max(x) else None


def extrapolate(sizes: np.ndarray, t: np.ndarray, nu: float) -> tuple[float, float]:
    """Least-squares T(L) = T_c + a L^(-1/nu): (T_c, a). One size: (T(L), nan)."""
    sizes, t = np.asarray(sizes, float), np.asarray(t, float)
    if len(t) == 1:
        return float(t[0]), float("nan")
    A = np.column_stack([np.ones_like(sizes), sizes ** (-1.0 / nu)])
    (tc, a), *_ = np.linalg.lstsq(A, t, rcond=None)
    return float(tc), float(a)


def fit_nu(sizes: np.ndarray, t: np.ndarray, grid: np.ndarray | None = None) -> float:
    """nu minimising the residual of the three-parameter fit (at least four sizes)."""
    grid = np.linspace(0.4, 3.0, 261) if grid is None else grid
    best, best_r = float(grid[0]), np.inf
    for nu in grid:
        tc, a = extrapolate(sizes, t, nu)
        r = float(np.sum((tc + a * np.asarray(sizes, float) ** (-1.0 / nu) - t) ** 2))
        if r < best_r:
            best, best_r = float(nu), r
    return best
