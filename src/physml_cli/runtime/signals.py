"""SIGINT/SIGTERM during a long run: the handler only raises a flag, which the run loop reads
between chunks of engine work, writes its checkpoint and stops with exit code 128 + signal."""
from __future__ import annotations

import signal
from typing import Any


class SignalCatcher:
    """Turns SIGINT/SIGTERM into a flag checked between chunks."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._old: dict[int, Any] = {}

    def __enter__(self) -> "SignalCatcher":
        for s in (signal.SIGINT, signal.SIGTERM):
            try:
                self._old[s] = signal.signal(s, self._handle)
            except ValueError:  # not the main thread
                pass
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.signum = signum

    @property
    def caught(self) -> bool:
        return self.signum is not None

    def __exit__(self, *exc: Any) -> None:
        for s, h in self._old.items():
            signal.signal(s, h)
