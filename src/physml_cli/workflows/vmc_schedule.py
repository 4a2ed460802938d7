"""The step size and SR diagonal shift of each VMC iteration: the user's schedule, times
what recoveries from divergences have done to it (docs/quantum.md, "Health checks and
divergences"). Both follow from the iteration number and the count of recoveries alone, so
a resumed run steps exactly as one that never stopped."""
from __future__ import annotations

import math
from dataclasses import dataclass

from physml_cli.errors import PhysmlError

RECOVERY_LR_FACTOR = 0.5
RECOVERY_SHIFT_FACTOR = 10.0
# Beyond this the SR step is a gradient step scaled by 1/shift, and raising the shift only
# shrinks it further, which the learning rate already does.
DIAG_SHIFT_CAP = 1.0
# Eight recoveries cut the step 256-fold: a run that still diverges needs other settings.
MAX_RECOVERIES = 8


@dataclass(frozen=True)
class Schedule:
    """lr and diag_shift move from their initial values (the run's --lr, --diag-shift) to
    lr_final and diag_shift_final geometrically over the first `steps` iterations, then stay;
    None: constant. The defaults are no schedule."""
    lr_final: float | None = None
    diag_shift_final: float | None = None
    steps: int = 0

    @property
    def active(self) -> bool:
        return self.steps > 0

    def attrs(self) -> dict[str, float | int]:
        """What a file records of it (nothing for no schedule, as files before it had)."""
        out: dict[str, float | int] = {}
        if self.lr_final is not None:
            out["lr_final"] = self.lr_final
        if self.diag_shift_final is not None:
            out["diag_shift_final"] = self.diag_shift_final
        if self.steps:
            out["schedule_steps"] = self.steps
        return out


def resolve(lr_final: float | None, diag_shift_final: float | None, steps: int) -> Schedule:
    for flag, v in (("--lr-final", lr_final), ("--diag-shift-final", diag_shift_final)):
        if v is not None and not (math.isfinite(v) and v > 0):
            raise PhysmlError(f"{flag} must be a finite number > 0 (got {v:g})")
    if steps < 0:
        raise PhysmlError(f"--schedule-steps must be >= 0 (got {steps})")
    if (lr_final is not None or diag_shift_final is not None) and steps == 0:
        raise PhysmlError("--lr-final and --diag-shift-final need --schedule-steps (the "
                          "iterations over which the value moves)")
    if steps and lr_final is None and diag_shift_final is None:
        raise PhysmlError("--schedule-steps needs --lr-final or --diag-shift-final")
    return Schedule(lr_final, diag_shift_final, steps)


def from_attrs(attrs: dict) -> Schedule:
    """The schedule a file was made with (none in files from before schedules)."""
    return Schedule(attrs.get("lr_final"), attrs.get("diag_shift_final"),
                    int(attrs.get("schedule_steps", 0)))


def _along(start: float, final: float | None, steps: int, t: int) -> float:
    if final is None or steps == 0 or t <= 0:
        return start
    if t >= steps:
        return final
    return start * (final / start) ** (t / steps)


def values(schedule: Schedule, lr: float, diag_shift: float, iteration: int,
           recoveries: int) -> tuple[float, float]:
    """(lr, diag_shift) for the step that follows `iteration` completed ones."""
    lr_t = _along(lr, schedule.lr_final, schedule.steps, iteration)
    shift_t = _along(diag_shift, schedule.diag_shift_final, schedule.steps, iteration)
    if recoveries:
        lr_t *= RECOVERY_LR_FACTOR ** recoveries
        # never below what the schedule asks, never above the cap unless the user was there
        shift_t = max(shift_t, min(shift_t * RECOVERY_SHIFT_FACTOR ** recoveries,
                                   DIAG_SHIFT_CAP))
    return lr_t, shift_t
