"""Health of a VMC run, as numbers in and sentences out: the rule that calls an iteration
divergent (``vmc.iterate`` then recovers), and the warnings a run carries at its end (docs/
quantum.md, "Health checks and divergences").

An iteration's energy and variance come from samples of the parameters the previous
iteration made, so a divergent iteration condemns the update before it."""
from __future__ import annotations

import math
from typing import Protocol, Sequence

import numpy as np

RHAT_MAX = 1.05          # split-R-hat (Gelman et al.) above this: the chains disagree
ACCEPTANCE_MIN = 0.01    # below this the chains hardly move, and every estimate is stale
WINDOW = 10              # accepted iterations that make the running estimate
# An energy rise counts when it exceeds both bounds. Near convergence a single iteration's
# error bar understates its scatter (healthy runs move by up to 20 sigma, 1e-4 |E|), hence the
# relative one: SR's first step from a nearly uniform state overshoots and comes back at once
# by up to 0.22 |E| (measured: the xxz chain at delta 0.5, the N = 8 Heisenberg chain at
# lr 0.02); at lr 0.05 that chain jumps by 0.3-1.2 |E|, and 6 of 20 seeds never came back
# before recovery existed.
ENERGY_SIGMAS = 10
ENERGY_RELATIVE = 0.25
# Near convergence the variance is heavy-tailed (jumps of 1000x between iterations in healthy
# runs), so a spike counts only when the local energies also spread wider than |E| itself.
VARIANCE_FACTOR = 10
EXACT_SIGMAS = 4
# R-hat and acceptance per iteration are judged by their median over the end of the run:
# early iterations of healthy runs often have R-hat > 1.05 or a low acceptance while the state
# changes fast, and a late one now and then (R-hat from 125 samples per chain is noisy);
# chains that are stuck stay so.
LATE_FRACTION = 0.1


class Estimate(Protocol):
    energy: float
    energy_err: float
    variance: float
    rhat: float
    acceptance: float


def _finite(x: float) -> bool:
    return math.isfinite(x)


def recent(history: dict[str, Sequence[float]],
           end: int | None = None) -> dict[str, Sequence[float]]:
    """The WINDOW accepted iterations before `end` (all of them by default)."""
    end = len(history["energy"]) if end is None else end
    return {k: v[max(0, end - WINDOW):end] for k, v in history.items()}


def divergence(window: dict[str, Sequence[float]], energy: float, variance: float) -> str | None:
    """Why an iteration with this energy and variance is divergent after the accepted
    iterations `window` (see recent()), or None: the reference is their mean energy, median
    error and median variance."""
    if not _finite(energy):
        return f"the energy is {energy}"
    if not _finite(variance):
        return f"the variance is {variance}"
    n = len(window["energy"])
    if n == 0:
        return None
    mean = float(np.mean(window["energy"]))
    sigma = float(np.median(window["energy_err"]))
    usual = float(np.median(window["variance"]))
    allowed = max(ENERGY_SIGMAS * sigma, ENERGY_RELATIVE * abs(mean))
    what = f"the last {n} iteration{'s' if n > 1 else ''}"
    if energy - mean > allowed:
        return (f"energy {energy:.6g} rose {energy - mean:.3g} above the mean {mean:.6g} of "
                f"{what}")
    if variance > VARIANCE_FACTOR * usual and variance > mean ** 2:
        return f"variance {variance:.3g} against a median {usual:.3g} over {what}"
    return None


def _late(n: int) -> int:
    """How many final iterations the per-iteration rules look at."""
    return min(n, max(WINDOW, math.ceil(LATE_FRACTION * n)))


def history_warnings(history: dict[str, Sequence[float]]) -> list[str]:
    """Warnings from the per-iteration estimates: R-hat and acceptance over the end of the
    run, and divergent iterations anywhere (recovery keeps none, but a run resumed from a file
    made before recovery existed may hold some)."""
    out: list[str] = []
    E = np.asarray(history["energy"], dtype=float)
    n = len(E)
    if n == 0:
        return out
    late = _late(n)
    rhat = float(np.median(np.asarray(history["rhat"][n - late:], dtype=float)))
    if not math.isfinite(rhat):
        out.append(f"R-hat of the last {late} iterations is not finite: chains too short to "
                   "split, or stuck")
    elif rhat > RHAT_MAX:
        out.append(f"R-hat of the last {late} iterations: median {rhat:.3g} > {RHAT_MAX}: the "
                   "chains disagree")
    acc = float(np.median(np.asarray(history["acceptance"][n - late:], dtype=float)))
    if not acc >= ACCEPTANCE_MIN:
        out.append(f"acceptance of the last {late} iterations: median {acc:.2%} < "
                   f"{ACCEPTANCE_MIN:.0%}: the chains hardly move")
    spikes = []
    for k in range(n):
        why = divergence(recent(history, k), float(E[k]), float(history["variance"][k]))
        if why is not None:
            spikes.append((k, why))
    if spikes:
        k, why = spikes[0]
        out.append(f"{len(spikes)} divergent iteration{'s' if len(spikes) > 1 else ''} kept in "
                   f"the history, the first at iteration {k + 1}: {why}")
    return out


def final_warnings(history: dict[str, Sequence[float]], m: Estimate,
                   exact: float | None) -> list[str]:
    """Warnings from the final measurement (fresh samples of the final parameters)."""
    out: list[str] = []
    if not (_finite(m.energy) and _finite(m.variance) and _finite(m.energy_err)):
        return [f"the final energy is not finite (E = {m.energy}, variance {m.variance})"]
    if not math.isfinite(m.rhat):
        out.append("final measurement: R-hat is not finite: chains too short to split, or "
                   "stuck (more --measure-samples)")
    elif m.rhat > RHAT_MAX:
        out.append(f"final measurement: R-hat {m.rhat:.3g} > {RHAT_MAX}: the chains disagree "
                   "(more --measure-samples or --discard)")
    if not m.acceptance >= ACCEPTANCE_MIN:
        out.append(f"final measurement: acceptance {m.acceptance:.2%} < {ACCEPTANCE_MIN:.0%}: "
                   "the chains hardly move")
    if exact is not None and m.energy < exact - EXACT_SIGMAS * m.energy_err:
        below = (exact - m.energy) / m.energy_err if m.energy_err > 0 else math.inf
        out.append(f"the final energy {m.energy:.8g} ± {m.energy_err:.2g} is {below:.3g} error "
                   f"bars below the exact {exact:.10g}: a variational energy cannot be, so the "
                   "error bar or the sampling is wrong")
    why = divergence(recent(history), m.energy, m.variance)
    if why is not None:
        out.append(f"the final measurement looks divergent ({why}): the last update may have "
                   "diverged")
    return out
