"""Clocks for the fake: a manual one that tests move with ``advance()``, and the wall clock.

Both own the :class:`threading.Condition` that guards the fake's state, so anything waiting for
the lifecycle to move on (an SSE stream) is woken by ``advance()`` or by a state change.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

MANUAL_EPOCH = 1_750_000_000.0
# Longest single wait; waiters re-check their condition after it, so a missed wake-up costs at most this.
_MAX_WAIT = 0.5


class Clock(Protocol):
    condition: threading.Condition

    @property
    def manual(self) -> bool: ...

    def now(self) -> float: ...

    def advance(self, seconds: float) -> None: ...

    def wait(self, until: float | None) -> None:
        """Block (holding ``condition``) until notified, or until fake time ``until`` may have come."""
        ...


class ManualClock:
    """Time stands still until :meth:`advance` is called.

    Kept in whole microseconds, so ``advance(0.1)`` lands exactly on a transition scheduled 0.1 s
    later (transition times are rounded to microseconds too).
    """

    def __init__(self, start: float = MANUAL_EPOCH) -> None:
        self.condition = threading.Condition(threading.RLock())
        self._now_us = round(start * 1_000_000)

    @property
    def manual(self) -> bool:
        return True

    def now(self) -> float:
        with self.condition:
            return self._now_us / 1_000_000

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("cannot move the clock backwards")
        with self.condition:
            self._now_us += round(seconds * 1_000_000)
            self.condition.notify_all()

    def wait(self, until: float | None) -> None:
        # Only advance() (or a state change) can make ``until`` come, and both notify.
        self.condition.wait(timeout=_MAX_WAIT)


class RealClock:
    """Wall-clock time; ``advance`` is refused."""

    def __init__(self) -> None:
        self.condition = threading.Condition(threading.RLock())

    @property
    def manual(self) -> bool:
        return False

    def now(self) -> float:
        return time.time()

    def advance(self, seconds: float) -> None:
        raise RuntimeError("advance() needs FakeOpenAI(clock='manual')")

    def wait(self, until: float | None) -> None:
        timeout = _MAX_WAIT if until is None else min(_MAX_WAIT, max(0.0, until - time.time()))
        self.condition.wait(timeout=timeout)


def make_clock(kind: str) -> ManualClock | RealClock:
    if kind == "manual":
        return ManualClock()
    if kind == "real":
        return RealClock()
    raise ValueError(f"clock must be 'manual' or 'real', not {kind!r}")
